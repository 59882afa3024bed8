package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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

	tf := newTerraformAt(t, srv.URL+"/api:meta", emulator.DefaultAdminToken, e2eInstance)
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

// TestE2ERefreshListsEveryInstanceAtOnce refreshes tokens on three instances
// one at a time (-parallelism=1), as Terraform does when one instance's
// tokens fill its parallel slots, and holds the first token list's answer
// until every instance's list has arrived: they arrive only when the first
// refresh lists every instance of the account at once.
func TestE2ERefreshListsEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	acctest.SkipUnlessAcc(t)
	names := []string{"one", "two", "three"}
	var specs []emulator.InstanceSpec
	for _, n := range names {
		specs = append(specs, emulator.InstanceSpec{Name: n})
	}
	emu := emulator.New(emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}, Instances: specs})

	var hold atomic.Bool
	var mu sync.Mutex
	arrived := map[string]bool{}
	all := make(chan struct{})
	var timedOut atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inst, ok := strings.CutPrefix(r.URL.Path, "/api:meta/instance/"); ok && hold.Load() && r.Method == http.MethodGet &&
			strings.HasSuffix(inst, "/token") {
			mu.Lock()
			arrived[strings.TrimSuffix(inst, "/token")] = true
			first, complete := len(arrived) == 1, len(arrived) == len(names)
			mu.Unlock()
			if complete {
				close(all)
			}
			if first {
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					timedOut.Store(true)
				}
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	tf := newTerraformAt(t, srv.URL+"/api:meta", emulator.DefaultAdminToken, "")
	var tokens []string
	for _, n := range names {
		tokens = append(tokens, acctest.Token("t_"+n, acctest.Attr("instance", n), acctest.Scope("workspace_api_groups", "read")))
	}
	tf.Write(acctest.E2EConfig(acctest.Provider{}, tokens...))
	tf.MustRun("apply", "-auto-approve")

	hold.Store(true)
	emu.ResetStats()
	run := tf.MustRun("plan", "-detailed-exitcode", "-parallelism=1")
	if run.ExitCode != 0 {
		t.Fatalf("the steady plan has changes or failed: exit %d\n%s", run.ExitCode, run.Stdout)
	}
	if timedOut.Load() {
		t.Fatal("the other instances' lists were sent only after the first instance's list was answered")
	}
	if got := emu.Stats(); emu.Count("GET", xano.PathTokens) != len(names) || emu.Count("GET", xano.PathMe) != 1 ||
		emu.Count("GET", xano.PathInstances) != 1 || len(got) != 3 {
		t.Errorf("requests of the steady plan: %v, want the check, the instance list and one list per instance", got)
	}
}

// TestE2ERefreshListsOnlyItsInstancesOnALargeAccount: an account with more
// instances than the refresh lists at once has only the instances of its
// tokens listed.
func TestE2ERefreshListsOnlyItsInstancesOnALargeAccount(t *testing.T) {
	t.Parallel()
	var specs []emulator.InstanceSpec
	for i := range maxPrefetchInstances + 1 {
		specs = append(specs, emulator.InstanceSpec{Name: fmt.Sprintf("i%d", i)})
	}
	e := newE2E(t, emulator.Options{Instances: specs})
	e.Write(acctest.E2EConfig(acctest.Provider{Instance: "i0"}, acctest.Token("only", acctest.Scope("workspace_api_groups", "read"))))
	e.MustRun("apply", "-auto-approve")
	e.Emu.ResetStats()
	e.MustRun("plan")
	if n := e.Emu.Count("GET", xano.PathTokens); n != 1 {
		t.Errorf("%d token lists on an account of %d instances, want 1", n, maxPrefetchInstances+1)
	}
}
