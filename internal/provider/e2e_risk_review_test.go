package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// End-to-end tests of the plan-time risk review: the real terraform binary
// plans configurations against the freshly built provider and the emulator,
// and the tests read the diagnostics from `terraform plan -json`, as a
// reviewer reads them in a pull request.

// presetToken is a token whose scopes come from a preset of the
// xano_scope_preset data source, through a dynamic scope block.
func presetToken(name, preset string, extra string) string {
	return fmt.Sprintf(`
data "xano_scope_preset" %[1]q {
  name = %[2]q
}

resource "xano_metadata_token" %[1]q {
  name        = %[1]q
  description = "Built from the %[2]s preset"
  %[3]s

  dynamic "scope" {
    for_each = data.xano_scope_preset.%[1]s.scopes
    content {
      name   = scope.value.name
      create = scope.value.create
      read   = scope.value.read
      update = scope.value.update
      delete = scope.value.delete
    }
  }
}
`, name, preset, extra)
}

// planActions returns the action Terraform plans for each resource address,
// from the planned_change lines of a -json run.
func planActions(t *testing.T, run e2eRun) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(run.Raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Type   string `json:"type"`
			Change struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "planned_change" {
			out[line.Change.Resource.Addr] = line.Change.Action
		}
	}
	return out
}

// summaries lists the diagnostics' summaries, in order.
func summaries(ds []e2eDiag) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Summary
	}
	return out
}

// requirePlanned fails unless the run succeeded and planned want for each
// address, so a test about silence cannot pass on a plan that did nothing.
func requirePlanned(t *testing.T, run e2eRun, want map[string]string) {
	t.Helper()
	if run.Err != nil {
		t.Fatalf("terraform failed: %v\n%s", run.Err, diagText(run.Diags))
	}
	got := planActions(t, run)
	for addr, action := range want {
		if got[addr] != action {
			t.Errorf("planned action for %s = %q, want %q (all: %v)", addr, got[addr], action, got)
		}
	}
}

// automationToken is the automation recipe of Xano's scope guide (database
// CRUD, files CRU, tasks CRU), with extra attributes.
func automationToken(extra string) string {
	return `
resource "xano_metadata_token" "automation" {
  name        = "n8n-staging"
  description = "n8n workflows: records, documents and background tasks"
  ` + extra + `

  scope {
    name   = "workspace_database"
    create = true
    read   = true
    update = true
    delete = true
  }
  scope {
    name   = "workspace_files"
    create = true
    read   = true
    update = true
  }
  scope {
    name   = "workspace_tasks"
    create = true
    read   = true
    update = true
  }
}
`
}

func requireSummaries(t *testing.T, what string, ds []e2eDiag, want []string) {
	t.Helper()
	got := summaries(ds)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got %q\nwant %q\n%s", what, got, want, diagText(ds))
	}
}

func TestE2ERiskReviewPresetsPlanSilently(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("", presetToken("weweb", "weweb", `expires_in = "30d"`)+presetToken("monitoring", "monitoring", "")))
	run := e.Plan()
	requirePlanned(t, run, map[string]string{
		"xano_metadata_token.weweb":      "create",
		"xano_metadata_token.monitoring": "create",
	})
	if ws := run.Warnings(); len(ws) > 0 {
		t.Errorf("preset tokens should plan without warnings:\n%s", diagText(ws))
	}
}

func TestE2ERiskReviewAutomationWarns(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("", automationToken("")))
	run := e.Plan()
	requirePlanned(t, run, map[string]string{"xano_metadata_token.automation": "create"})
	ws := run.Warnings()
	requireSummaries(t, "warnings", ws, []string{`Token "n8n-staging": critical risk`})
	if ws[0].Address != "xano_metadata_token.automation" {
		t.Errorf("the warning is on %q, want the token's address", ws[0].Address)
	}
	for _, want := range []string{
		"  workspace_database  C R U D  critical  ",
		"  workspace_tasks     C R U -  high      ",
		"  workspace_files     C R U -  high      ",
		`Reach: the token works in every workspace of instance "e2e"`,
		"Narrow workspace_database: ",
	} {
		if !strings.Contains(ws[0].Detail, want) {
			t.Errorf("the warning lacks %q:\n%s", want, ws[0].Detail)
		}
	}
}

func TestE2ERiskReviewNeverExpiresWarns(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("", presetToken("forever", "weweb", "never_expires = true")))
	run := e.Plan()
	requirePlanned(t, run, map[string]string{"xano_metadata_token.forever": "create"})
	ws := run.Warnings()
	requireSummaries(t, "warnings", ws, []string{`Token "forever": high risk`})
	if !strings.Contains(ws[0].Detail, "set expires_in") {
		t.Errorf("the warning should say how to set a lifetime:\n%s", ws[0].Detail)
	}
}

func TestE2ERiskReviewEnforceFailsPlan(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("  policy {\n    enforce = true\n  }", automationToken("")))
	run := e.Plan()
	if run.Err == nil {
		t.Fatalf("plan should fail under enforce:\n%s", diagText(run.Diags))
	}
	requireSummaries(t, "errors", run.Errors(), []string{`Token "n8n-staging": critical risk refused by the provider policy`})
	requireSummaries(t, "warnings", run.Warnings(), nil)
	if !strings.Contains(run.Errors()[0].Detail, "Enforced: ") {
		t.Errorf("the error should say enforce made it one:\n%s", run.Errors()[0].Detail)
	}
}

func TestE2ERiskReviewDenyBeatsAcknowledgement(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL(`  policy {
    deny    = ["workspace_database.delete"]
    enforce = true
  }`, automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)))
	run := e.Plan()
	if run.Err == nil {
		t.Fatalf("plan should fail on a denied grant:\n%s", diagText(run.Diags))
	}
	requireSummaries(t, "errors", run.Errors(), []string{`Token "n8n-staging": grant denied by the provider policy`})
	requireSummaries(t, "warnings", run.Warnings(), nil)
}

func TestE2ERiskReviewAcknowledgedPassesUnderEnforce(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("  policy {\n    enforce = true\n  }",
		automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)))
	run := e.Plan()
	requirePlanned(t, run, map[string]string{"xano_metadata_token.automation": "create"})
	ws := run.Warnings()
	requireSummaries(t, "warnings", ws, []string{`Token "n8n-staging": critical risk, acknowledged`})
	if !strings.HasSuffix(ws[0].Detail, "\nAcknowledged: Staging only; approved by the platform team") {
		t.Errorf("the warning does not end with the acknowledgement:\n%s", ws[0].Detail)
	}
}

func TestE2ERiskReviewWideningReplacement(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	weweb := `
resource "xano_metadata_token" "weweb" {
  name        = "weweb-production"
  description = "WeWeb Xano plugin"

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_content"
    read = true
  }
%s}
`
	e.Write(e2eHCL("", fmt.Sprintf(weweb, "")))
	if run := e.Apply(); run.Err != nil {
		t.Fatalf("apply: %v\n%s", run.Err, diagText(run.Diags))
	}
	e.Write(e2eHCL("", fmt.Sprintf(weweb, `  scope {
    name   = "workspace_files"
    read   = true
    delete = true
  }
`)))
	run := e.Plan()
	requirePlanned(t, run, map[string]string{"xano_metadata_token.weweb": "replace"})
	requireSummaries(t, "warnings", run.Warnings(), []string{`Token "weweb-production": high risk`})
	if d := run.Warnings()[0].Detail; !strings.Contains(d, "\nThe replacement adds workspace_files.read, workspace_files.delete.") {
		t.Errorf("the warning should name the grants the replacement adds:\n%s", d)
	}
}

func TestE2ERiskReviewUnchangedTokenSilent(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("", automationToken("")))
	if run := e.Apply(); run.Err != nil {
		t.Fatalf("apply: %v\n%s", run.Err, diagText(run.Diags))
	}
	run := e.Plan()
	requirePlanned(t, run, nil)
	if len(planActions(t, run)) != 0 {
		t.Fatalf("the token should be unchanged, planned %v", planActions(t, run))
	}
	if ws := run.Warnings(); len(ws) > 0 {
		t.Errorf("an unchanged token should plan without warnings:\n%s", diagText(ws))
	}

	// Tightening the policy takes effect on the token already applied.
	e.Write(e2eHCL("  policy {\n    deny = [\"*.delete\"]\n  }", automationToken("")))
	run = e.Plan()
	if run.Err == nil {
		t.Fatalf("plan should fail once the policy denies a grant of the existing token:\n%s", diagText(run.Diags))
	}
	requireSummaries(t, "errors", run.Errors(), []string{`Token "n8n-staging": grant denied by the provider policy`})
	if ws := run.Warnings(); len(ws) > 0 {
		t.Errorf("an unchanged token should not repeat its warnings:\n%s", diagText(ws))
	}
}
