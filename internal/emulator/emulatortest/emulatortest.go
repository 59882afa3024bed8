// Package emulatortest serves the emulator to tests, so that the emulator
// package itself does not import testing.
package emulatortest

import (
	"net/http/httptest"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// Start serves a new emulator on 127.0.0.1 for the duration of the test and
// returns it with its base URL, which ends in "/api:meta".
func Start(t testing.TB, opts emulator.Options) (*emulator.Emulator, string) {
	t.Helper()
	e := emulator.New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/api:meta"
}
