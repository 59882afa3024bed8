package provider

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// End-to-end tests of the audit with the real Terraform CLI: bulk adoption
// through import blocks with for_each, the audit guide's check block, and
// the purpose and idle warnings as a reviewer reads them in the text plan.

// auditExample is a configuration of the audit guide, as users copy it.
func auditExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "guides", "audit", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mint creates a token directly through the API, as the dashboard would.
func mint(t *testing.T, c *xano.Client, name, description string, lifetime time.Duration, scopes map[string][]string) xano.Token {
	t.Helper()
	tok, err := c.CreateToken(context.Background(), "main", xano.CreateTokenRequest{
		Name: name, Description: description, ExpiresIn: int64(lifetime / time.Second), Scopes: scopes,
	})
	if err != nil {
		t.Fatalf("minting %s: %v", name, err)
	}
	return *tok
}

// TestE2EAuditAdoptsTokensOfEveryLifetime imports tokens made outside
// Terraform with lifetimes of 1h, 30d and never through the audit guide's
// import blocks with for_each: the plan imports them and changes nothing,
// and once applied the configuration plans no change.
func TestE2EAuditAdoptsTokensOfEveryLifetime(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	c := mtClient(t, e.BaseURL)
	mint(t, c, "ci-hourly", "", time.Hour, map[string][]string{"workspace:api": {"read"}})
	mint(t, c, "grafana", "Grafana dashboards [purpose: monitoring]", 30*24*time.Hour,
		map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}, "workspace:requesthistory": {"read"}})
	mint(t, c, "legacy-sync", "CRM sync", 0, map[string][]string{"workspace:database": {"read", "update"}})
	e.Write(auditExample(t, "adopt.tf"))

	plan := e.Run("plan")
	if plan.Err != nil {
		t.Fatalf("plan: %v\n%s", plan.Err, plan.Out)
	}
	// The audit guide shows this line of the plan.
	if want := guideExcerpt(t, "guides/audit.md.tmpl", "Plan: "); !excerptPattern(want).MatchString(plan.Out) {
		t.Fatalf("the adoption should import three tokens and change nothing, as the audit guide shows (%s):\n%s", want, plan.Out)
	}
	for _, want := range []string{`expires_in\s+= "1h"`, `expires_in\s+= "30d"`, `never_expires\s+= true`, `purpose\s+= "monitoring"`} {
		if !regexp.MustCompile(want).MatchString(plan.Out) {
			t.Errorf("the plan does not show %s:\n%s", want, plan.Out)
		}
	}
	if apply := e.Run("apply", "-auto-approve"); apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, apply.Out)
	}
	again := e.Run("plan", "-detailed-exitcode")
	if again.Err != nil || !strings.Contains(again.Out, "No changes.") {
		t.Fatalf("after the adoption the plan should be empty (err %v):\n%s", again.Err, again.Out)
	}
	// Xano's descriptions are as they were: the import wrote nothing.
	var got []string
	for _, tok := range e.Emu.Tokens("main") {
		got = append(got, tok.Name+": "+tok.Description)
	}
	want := []string{"ci-hourly: ", "grafana: Grafana dashboards [purpose: monitoring]", "legacy-sync: CRM sync"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens after the adoption: %q, want %q", got, want)
	}
}

// TestE2EAuditCheckNamesUnmanagedTokens applies the audit guide's check
// block beside a token made in the dashboard: the check warns, naming it.
func TestE2EAuditCheckNamesUnmanagedTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	c := mtClient(t, e.BaseURL)
	stray := mint(t, c, "made-by-hand", "", 7*24*time.Hour, map[string][]string{"workspace:api": {"read"}})
	e.Write(auditExample(t, "check.tf"))

	apply := e.Run("apply", "-auto-approve")
	if apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, apply.Out)
	}
	var checks []acctest.TextDiag
	for _, d := range apply.Diags() {
		if d.Summary == "Check block assertion failed" {
			checks = append(checks, d)
		}
	}
	if len(checks) != 1 || !strings.Contains(acctest.FlatText(checks[0].Text()), "Tokens Terraform does not manage: made-by-hand (main/1).") {
		t.Fatalf("want one failed assertion naming made-by-hand:\n%s", apply.Out)
	}
	// Once the stray token is revoked, the audit passes.
	if err := c.DeleteToken(context.Background(), "main", stray.ID); err != nil {
		t.Fatal(err)
	}
	plan := e.Run("plan")
	if plan.Err != nil || strings.Contains(plan.Out, "assertion failed") {
		t.Fatalf("with every token managed the check should pass (err %v):\n%s", plan.Err, plan.Out)
	}
}

// TestE2EAuditWarnings plans what a reviewer reads about purpose and idle
// tokens: a grant beyond a token's purpose joins its one warning, naming the
// recipe and the grant, while a token within its purpose plans silently;
// later, a steady plan names the token its refresh found idle, and only it.
func TestE2EAuditWarnings(t *testing.T) {
	t.Parallel()
	// The emulator's clock runs two hours behind, so the tokens are minted
	// then; the provider judges idleness by the real clock.
	clock := acctest.NewRunningClock(time.Now().Add(-2 * time.Hour))
	e := newE2E(t, emulator.Options{Clock: clock.Now})
	e.Write(acctest.E2EConfig(acctest.Provider{Instance: "main", Policy: []string{`max_idle = "1h"`}},
		acctest.Token("grafana",
			`description = "Grafana dashboards"`, `purpose     = "monitoring"`, `expires_in  = "30d"`,
			wewebScopes,
			acctest.Scope("workspace_addons", "read")),
		acctest.Token("weweb", `purpose = "weweb"`, wewebScopes)))
	apply := e.Run("apply", "-auto-approve")
	if apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, apply.Out)
	}
	var warned []string
	for _, d := range apply.Diags() {
		warned = append(warned, d.Summary)
		if d.Summary == `Token "grafana" on instance "main": high risk` && !strings.Contains(acctest.FlatText(d.Text()),
			"Purpose: workspace_addons.read is not part of the monitoring recipe of Xano's scope guide") {
			t.Errorf("the warning does not name the recipe and the grant:\n%s", d.Text())
		}
	}
	// Terraform prints the warning of the plan and again as it applies.
	if len(warned) == 0 || slices.ContainsFunc(warned, func(s string) bool { return s != `Token "grafana" on instance "main": high risk` }) {
		t.Fatalf("want only grafana's warning, got %q:\n%s", warned, apply.Out)
	}

	// Back to the present: both tokens are two hours old; grafana is used now.
	clock.Set(time.Now())
	for _, r := range e.State().Values.RootModule.Resources {
		if r.Name != "grafana" {
			continue
		}
		url := r.AttributeValues["meta_api"].(string) + "/workspace/1/apigroup"
		if status, err := getStatus(context.Background(), url, r.AttributeValues["token"].(string)); err != nil || status != http.StatusOK {
			t.Fatalf("using grafana's token: %d, %v", status, err)
		}
	}
	for range 2 {
		plan := e.Run("plan")
		if plan.Err != nil || !strings.Contains(plan.Out, "No changes.") {
			t.Fatalf("a steady plan should change nothing (err %v):\n%s", plan.Err, plan.Out)
		}
		diags := plan.Diags()
		if len(diags) != 1 || diags[0].Summary != `Token "weweb" on instance "main": high risk` ||
			!strings.Contains(acctest.FlatText(diags[0].Text()), "Idle: never used since its creation at ") ||
			!strings.Contains(acctest.FlatText(diags[0].Text()), "more than the provider policy's max_idle of 1h ago") {
			t.Fatalf("want one warning, naming the idle weweb token:\n%s", plan.Out)
		}
	}
}
