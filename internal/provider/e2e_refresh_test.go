package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// refreshFleet is 10 tokens on each of n instances, refresh-0 to refresh-(n-1).
func refreshFleet(n int) string {
	var parts []string
	for i := range n {
		instance := fmt.Sprintf("refresh-%d", i)
		parts = append(parts, lifecycleToken(strings.ReplaceAll(instance, "-", "_"), acctest.Attr("count", 10),
			acctest.Attr("instance", instance), fmt.Sprintf(`name = "%s-${count.index}"`, instance)))
	}
	return strings.Join(parts, "")
}

// emulatorRequests is the number of requests that reached the emulator.
func emulatorRequests(emu *emulator.Emulator) int {
	total := 0
	for _, n := range emu.Stats() {
		total += n
	}
	return total
}

// TestE2ERefreshListsEachInstanceOnce plans 50 tokens on 5 instances: a
// steady plan reads each instance's list once and no token on its own; an
// instance whose list is refused has each of its tokens read on its own,
// with one warning; a token revoked outside Terraform is confirmed by its
// own GET before the plan creates it again.
func TestE2ERefreshListsEachInstanceOnce(t *testing.T) {
	t.Parallel()
	acctest.SkipUnlessAcc(t)
	emu, _ := emulatortest.Start(t, emulator.Options{AdminTokens: []string{emulator.DefaultAdminToken}})
	faults, baseURL := newFaultServer(t, emu)
	e := &e2eEnv{Emu: emu, BaseURL: baseURL, Token: emulator.DefaultAdminToken, Terraform: newTerraformAt(t, baseURL, emulator.DefaultAdminToken, "refresh-0")}
	e.Write(acctest.E2EConfig(acctest.Provider{}, refreshFleet(5)))
	e.MustApply()

	e.Emu.ResetStats()
	steady := e.Run("plan", "-input=false", "-detailed-exitcode")
	if steady.Err != nil {
		t.Fatalf("steady plan: %v\n%s", steady.Err, steady.Out)
	}
	if n := emulatorRequests(e.Emu); n > 7 {
		t.Errorf("the steady plan of 50 tokens on 5 instances made %d requests, want at most 7: %v", n, e.Emu.Stats())
	}
	if n := e.Emu.Count(http.MethodGet, xano.PathTokens); n != 5 {
		t.Errorf("the steady plan listed tokens %d times, want once per instance (5)", n)
	}
	if n := e.Emu.Count(http.MethodGet, xano.PathToken); n != 0 {
		t.Errorf("the steady plan read %d tokens on their own, want none", n)
	}

	faults.set(map[string]faultRule{"refresh-2 list": {status: http.StatusForbidden,
		body: xanoError("ERROR_CODE_ACCESS_DENIED", "This token may not list tokens.")}})
	e.Emu.ResetStats()
	refused := e.Plan()
	if refused.Err != nil {
		t.Fatalf("plan with a refused list: %v\n%s", refused.Err, acctest.DiagText(refused.Diags))
	}
	var listWarnings []acctest.Diag
	for _, w := range refused.Warnings() {
		if w.Summary == "Cannot list the instance's tokens" {
			listWarnings = append(listWarnings, w)
		}
	}
	if len(listWarnings) != 1 || !strings.Contains(listWarnings[0].Detail, `"refresh-2"`) {
		t.Errorf("got %d list warnings, want one naming refresh-2:\n%s", len(listWarnings), acctest.DiagText(refused.Diags))
	}
	if n := e.Emu.Count(http.MethodGet, xano.PathToken); n != 10 {
		t.Errorf("the plan read %d tokens on their own, want the 10 of the instance whose list failed", n)
	}
	if len(refused.Actions) != 0 {
		t.Errorf("the plan with a refused list plans changes: %v", refused.Actions)
	}
	faults.clear()

	client := mtClientWith(t, baseURL, emulator.DefaultAdminToken)
	victim := e.Emu.Tokens("refresh-1")[3]
	if err := client.RevokeToken(context.Background(), "refresh-1", victim.ID); err != nil {
		t.Fatal(err)
	}
	e.Emu.ResetStats()
	revoked := e.Plan()
	if revoked.Err != nil {
		t.Fatalf("plan after a revocation: %v\n%s", revoked.Err, acctest.DiagText(revoked.Diags))
	}
	var gone []string
	for _, w := range revoked.Warnings() {
		if w.Summary == "Token revoked outside Terraform" {
			gone = append(gone, w.Detail)
		}
	}
	if len(gone) != 1 || !strings.Contains(gone[0], fmt.Sprintf("(id %d)", victim.ID)) {
		t.Errorf("got revocation warnings %q, want one for token %d", gone, victim.ID)
	}
	if n := e.Emu.Count(http.MethodGet, xano.PathToken); n != 1 {
		t.Errorf("the plan read %d tokens on their own, want 1: the revoked one, confirmed by its own GET", n)
	}
	if len(revoked.Actions) != 1 {
		t.Errorf("the plan after a revocation plans %v, want one create on refresh-1", revoked.Actions)
	}
	for addr, action := range revoked.Actions {
		if action != "create" || !strings.HasPrefix(addr, "xano_metadata_token.refresh_1[") {
			t.Errorf("the plan after a revocation plans %s on %s, want a create on refresh-1", action, addr)
		}
	}
}
