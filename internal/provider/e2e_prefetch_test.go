package provider

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestE2EListAlongsideCredentialCheck holds the answer to GET /auth/me of a
// steady plan until the default instance's token list has arrived. Terraform
// reads no resource before the provider is configured, so the list arrives
// in time only when the provider sends it alongside the check, which saves a
// round trip on every refresh.
func TestE2EListAlongsideCredentialCheck(t *testing.T) {
	t.Parallel()
	acctest.SkipUnlessAcc(t)
	emu := emulator.New(emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}})
	listPath := "/api:meta" + strings.ReplaceAll(xano.PathTokens, "{instance}", e2eInstance)

	var hold atomic.Bool
	var released atomic.Int32 // 1: by the list, 2: by the timeout
	listed := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == listPath && hold.Load():
			once.Do(func() { close(listed) })
		case r.Method == http.MethodGet && r.URL.Path == "/api:meta"+xano.PathMe && hold.Load():
			select {
			case <-listed:
				released.CompareAndSwap(0, 1)
			case <-time.After(10 * time.Second):
				released.CompareAndSwap(0, 2)
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	tf := acctest.NewTerraform(t, map[string]string{
		envBaseURL:     srv.URL + "/api:meta",
		envAccessToken: emulator.DefaultAdminToken,
		envInstance:    e2eInstance,
		envConfig:      filepath.Join(t.TempDir(), "no-credentials.yaml"),
	})
	var tokens []string
	for _, name := range []string{"alpha", "beta", "gamma"} {
		tokens = append(tokens, acctest.Token(name, acctest.Scope("workspace_api_groups", "read")))
	}
	tf.Write(acctest.E2EConfig(acctest.Provider{}, tokens...))
	tf.MustRun("apply", "-auto-approve")

	hold.Store(true)
	emu.ResetStats()
	run := tf.MustRun("plan", "-detailed-exitcode")
	if run.ExitCode != 0 {
		t.Fatalf("the steady plan has changes or failed: exit %d\n%s", run.ExitCode, run.Stdout)
	}
	switch released.Load() {
	case 0:
		t.Fatal("the plan made no credential check")
	case 2:
		t.Fatal("the token list was sent only after the credential check was answered")
	}
	if n := emu.Count("GET", xano.PathTokens); n != 1 {
		t.Errorf("%d token lists, want 1 shared by the check's prefetch and the refresh", n)
	}
	if n := emu.Count("GET", xano.PathToken); n != 0 {
		t.Errorf("%d single-token reads, want none: the refresh reads from the list", n)
	}
}
