package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// End-to-end fault tests: the real terraform binary applies and destroys a
// fleet of tokens while the emulator fails requests, drops connections after
// committing and rate limits, or while Terraform is interrupted. Whatever
// happens, a few runs must leave the state and the instance holding the same
// tokens: no duplicate, no orphan.

// fleetHCL declares n read-only tokens through count.
func fleetHCL(p acctest.Provider, n int) string {
	return acctest.E2EConfig(p, acctest.Token("fleet",
		acctest.Attr("count", n),
		`name        = "fleet-${count.index}"`,
		`description = "Fault convergence test token ${count.index}"`,
		acctest.Attr("expires_in", "1d"),
		acctest.Scope("workspace_api_groups", "read")))
}

// stateToken is one xano_metadata_token of the state.
type stateToken struct {
	Address string
	TokenID int64
	Secret  string
}

// stateTokens reads every xano_metadata_token from `terraform show -json`,
// whose values include sensitive ones.
func stateTokens(t *testing.T, e *e2eEnv) []stateToken {
	t.Helper()
	st := e.State()
	var out []stateToken
	if st == nil || st.Values == nil || st.Values.RootModule == nil {
		return out
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Type != "xano_metadata_token" || r.Mode != "managed" {
			continue
		}
		tok := stateToken{Address: r.Address}
		switch id := r.AttributeValues["token_id"].(type) {
		case json.Number:
			tok.TokenID, _ = id.Int64()
		case float64:
			tok.TokenID = int64(id)
		}
		if s, ok := r.AttributeValues["token"].(string); ok {
			tok.Secret = s
		}
		out = append(out, tok)
	}
	return out
}

// stateIDs returns the sorted token ids of the state.
func stateIDs(ts []stateToken) []int64 {
	ids := make([]int64, 0, len(ts))
	for _, t := range ts {
		ids = append(ids, t.TokenID)
	}
	slices.Sort(ids)
	return ids
}

// emulatorIDs returns the sorted ids of the tokens the emulator holds.
func emulatorIDs(emu *emulator.Emulator) []int64 {
	var ids []int64
	for _, t := range emu.Tokens(e2eInstance) {
		ids = append(ids, t.ID)
	}
	slices.Sort(ids)
	return ids
}

// runUntilClean runs step up to max times until it succeeds, logging the
// errors of the failed runs, and reports how many runs it took.
func runUntilClean(t *testing.T, what string, max int, step func() acctest.JSONRun) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		run := step()
		if run.Err == nil && len(run.Errors()) == 0 {
			return i
		}
		t.Logf("%s %d/%d failed (%v):\n%s", what, i, max, run.Err, acctest.DiagText(run.Errors()))
	}
	t.Fatalf("%s did not succeed within %d runs", what, max)
	return max
}

// TestE2EFaultsConverge applies ten tokens at parallelism 10 while the
// emulator fails 30% of mutating requests (half with a 500 before
// committing, half by dropping the connection after committing) and rate
// limits to 5 requests per second. Within three applies the state and the
// instance must hold the same ten tokens, and within three destroys none.
func TestE2EFaultsConverge(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{FaultRate: 0.3, Seed: 42, RateLimit: 5})
	e.Write(fleetHCL(acctest.Provider{Body: []string{`request_timeout = "5s"`}}, 10))

	applies := runUntilClean(t, "apply", 3, func() acctest.JSONRun { return e.Apply(tfexec.Parallelism(10)) })
	state := stateTokens(t, e)
	if len(state) != 10 {
		t.Fatalf("state holds %d tokens after %d applies, want 10", len(state), applies)
	}
	if got, want := emulatorIDs(e.Emu), stateIDs(state); !slices.Equal(got, want) {
		t.Fatalf("after %d applies the emulator holds tokens %v, the state %v: duplicates or orphans", applies, got, want)
	}
	for _, s := range state {
		if !strings.HasPrefix(s.Secret, "xano_mt_") {
			t.Errorf("%s has no minted secret in state", s.Address)
		}
	}
	stats := e.Emu.Stats()
	t.Logf("converged after %d applies; create requests by status: 200=%d 500=%d dropped=%d 429=%d",
		applies, stats["POST /instance/{instance}/token 200"], stats["POST /instance/{instance}/token 500"],
		stats["POST /instance/{instance}/token 0"], stats["POST /instance/{instance}/token 429"])
	// The seed makes both kinds of fault hit the creates.
	if stats["POST /instance/{instance}/token 500"] == 0 || stats["POST /instance/{instance}/token 0"] == 0 {
		t.Error("the creates did not meet both a 500 and a dropped connection: the test proves less than it says")
	}
	e.Emu.ResetStats()

	destroys := runUntilClean(t, "destroy", 3, func() acctest.JSONRun { return e.Destroy(tfexec.Parallelism(10)) })
	stats = e.Emu.Stats()
	t.Logf("destroyed after %d runs; revocations by status: 200=%d 404=%d 500=%d dropped=%d 429=%d", destroys,
		stats["DELETE /instance/{instance}/token/{id} 200"], stats["DELETE /instance/{instance}/token/{id} 404"],
		stats["DELETE /instance/{instance}/token/{id} 500"], stats["DELETE /instance/{instance}/token/{id} 0"],
		stats["DELETE /instance/{instance}/token/{id} 429"])
	if stats["DELETE /instance/{instance}/token/{id} 500"]+stats["DELETE /instance/{instance}/token/{id} 0"] == 0 {
		t.Error("no revocation met a fault: the destroy half of the test proves nothing")
	}
	if left := stateTokens(t, e); len(left) != 0 {
		t.Errorf("state still holds %d tokens after %d destroys", len(left), destroys)
	}
	if left := emulatorIDs(e.Emu); len(left) != 0 {
		t.Errorf("the emulator still holds tokens %v after %d destroys", left, destroys)
	}
}

// TestE2EInterruptedApply sends SIGINT to `terraform apply` once some
// creates have committed, while the emulator is slow, then applies again:
// the state and the instance must end up holding the same tokens.
func TestE2EInterruptedApply(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Windows processes cannot be sent SIGINT")
	}
	const n = 6
	e := newE2E(t, emulator.Options{})
	e.Write(fleetHCL(acctest.Provider{}, n))
	e.Emu.SetLatency(300 * time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=2")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Interrupt once at least two tokens exist, while others are in flight.
	interrupted := false
	for !interrupted {
		select {
		case err := <-done:
			t.Fatalf("terraform apply finished before the interrupt (%v):\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if len(e.Emu.Tokens(e2eInstance)) >= 2 {
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			interrupted = true
		}
	}
	if err := <-done; err == nil {
		t.Logf("terraform apply exited 0 after SIGINT; output:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "nterrupt") {
		t.Errorf("terraform did not report the interrupt:\n%s", out.String())
	}
	afterInterrupt := stateTokens(t, e)
	if len(afterInterrupt) >= n {
		t.Errorf("all %d tokens were created despite the interrupt: the test proves nothing", n)
	}
	// The provider stops its requests with the run, so a create cut short
	// may have minted a token whose answer it dropped: the state keeps such a
	// create as pending (token id 0), and the next apply resumes it.
	recorded, pending := map[int64]bool{}, 0
	for _, id := range stateIDs(afterInterrupt) {
		if id == 0 {
			pending++
		}
		recorded[id] = true
	}
	unrecorded := 0
	for _, id := range emulatorIDs(e.Emu) {
		if !recorded[id] {
			unrecorded++
		}
	}
	if unrecorded > pending {
		t.Errorf("after the interrupt the emulator holds %d tokens the state does not record, and the state keeps %d pending creates; "+
			"terraform printed:\n%s", unrecorded, pending, out.String())
	}

	e.Emu.SetLatency(0)
	runUntilClean(t, "apply after the interrupt", 1, func() acctest.JSONRun { return e.Apply() })
	state := stateTokens(t, e)
	if len(state) != n {
		t.Fatalf("state holds %d tokens, want %d", len(state), n)
	}
	if got, want := emulatorIDs(e.Emu), stateIDs(state); !slices.Equal(got, want) {
		t.Fatalf("the emulator holds tokens %v, the state %v: orphans or duplicates", got, want)
	}

	// A token minted in the instant before Terraform could record it (a
	// killed run) is what the security guide's audit snippet finds: mint
	// one with a managed token's name behind Terraform's back.
	orphan, err := mtClientWith(t, e.BaseURL, e.Token).CreateToken(context.Background(), e2eInstance,
		xano.CreateTokenRequest{Name: "fleet-3", Description: "Fault convergence test token 3", ExpiresIn: 86400,
			Scopes: map[string][]string{"workspace:api": {"read"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.Write(fleetHCL(acctest.Provider{}, n) + auditHCL)
	runUntilClean(t, "apply with the audit", 1, func() acctest.JSONRun { return e.Apply() })
	outputs, err := e.TF.Output(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var unmanaged []string
	if err := json.Unmarshal(outputs["unmanaged_tokens"].Value, &unmanaged); err != nil {
		t.Fatalf("reading unmanaged_tokens: %v", err)
	}
	want := fmt.Sprintf("fleet-3 (%s/%d)", e2eInstance, orphan.ID)
	if len(unmanaged) != 1 || !strings.HasPrefix(unmanaged[0], want) {
		t.Errorf("unmanaged_tokens = %q, want one entry starting %q", unmanaged, want)
	}
	if err := mtClientWith(t, e.BaseURL, e.Token).DeleteToken(context.Background(), e2eInstance, orphan.ID); err != nil {
		t.Fatal(err)
	}

	runUntilClean(t, "destroy", 1, func() acctest.JSONRun { return e.Destroy() })
	if left := emulatorIDs(e.Emu); len(left) != 0 {
		t.Errorf("the emulator still holds tokens %v after destroy", left)
	}
}

// auditHCL is the security guide's snippet that lists the tokens of the
// instance that no resource manages.
const auditHCL = `
data "xano_metadata_tokens" "audit" {
  depends_on = [xano_metadata_token.fleet]
}

output "unmanaged_tokens" {
  value = [
    for t in data.xano_metadata_tokens.audit.tokens : "${t.name} (${t.id}), created ${t.created_at}"
    if !contains(xano_metadata_token.fleet[*].id, t.id)
  ]
}
`
