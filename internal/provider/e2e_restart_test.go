package provider

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// TestE2ERestartAfterLostCreate loses the answer of a create that the
// emulator committed (max_retries = 0, so the apply ends there and keeps the
// resource pending), restarts the emulator on its state file, which cannot
// return that token's secret again, and applies once more. That one apply
// must succeed: the repeated create gets 409 naming the token, the provider
// revokes it and mints another, and the instance ends with the state's token
// only. The first apply's message must promise only that.
func TestE2ERestartAfterLostCreate(t *testing.T) {
	t.Parallel()
	acctest.SkipUnlessAcc(t)
	stateFile := filepath.Join(t.TempDir(), "emulator.json")
	open := func() *emulator.Emulator {
		t.Helper()
		emu, err := emulator.Open(emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}, StateFile: stateFile})
		if err != nil {
			t.Fatal(err)
		}
		return emu
	}
	var current atomic.Pointer[emulator.Emulator]
	current.Store(open())
	t.Cleanup(func() { _ = current.Load().Close() })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tf := newTerraformAt(t, srv.URL+"/api:meta", emulator.DefaultAdminToken, e2eInstance)
	e := &e2eEnv{Terraform: tf, BaseURL: srv.URL + "/api:meta", Token: emulator.DefaultAdminToken}
	tf.Write(acctest.E2EConfig(acctest.Provider{Body: []string{"max_retries = 0"}}, lostCreateHCL))

	current.Load().DropNext(10, true)
	first := tf.Apply()
	if first.Err == nil {
		t.Fatal("the apply whose create answer was lost succeeded")
	}
	lost := current.Load().Tokens(e2eInstance)
	if len(lost) != 1 {
		t.Fatalf("the lost create left %d tokens, want the 1 it committed", len(lost))
	}
	text := acctest.DiagText(first.Errors())
	for _, want := range []string{"Idempotency-Key", "revokes it and mints another"} {
		if !strings.Contains(text, want) {
			t.Errorf("the lost create's message lacks %q:\n%s", want, text)
		}
	}

	// Restart: the new process knows the key but not the secret.
	if err := current.Load().Close(); err != nil {
		t.Fatal(err)
	}
	current.Store(open())

	second := tf.Apply()
	if second.Err != nil {
		t.Fatalf("the apply after the restart failed: %v\n%s", second.Err, acctest.DiagText(second.Errors()))
	}
	state := stateIDs(stateTokens(t, e))
	left := emulatorIDs(current.Load())
	if len(state) != 1 || len(left) != 1 || state[0] != left[0] {
		t.Fatalf("after one apply the state holds %v and the emulator %v: want the same single token", state, left)
	}
	if left[0] == lost[0].ID {
		t.Fatalf("token %d, whose secret was lost, is still the managed token", lost[0].ID)
	}
	if plan := tf.Plan(); plan.Err != nil || len(plan.Actions) != 0 {
		t.Errorf("the next plan is not empty (%v): %v", plan.Err, plan.Actions)
	}
}
