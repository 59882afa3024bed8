package emulator

import (
	"net/http/httptest"
	"testing"
)

// DefaultAdminToken is the admin token used when none is configured.
const DefaultAdminToken = "emulator-admin-token"

// Start serves a new emulator on 127.0.0.1 for the duration of the test and
// returns it with its base URL, which ends in "/api:meta". It lives outside
// the _test files so that other packages' tests can use it.
func Start(t testing.TB, opts Options) (*Emulator, string) {
	t.Helper()
	e := New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/api:meta"
}
