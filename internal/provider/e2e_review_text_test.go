package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// End-to-end tests of the risk review as a reviewer reads it: the TEXT plan,
// where Terraform folds warnings that share a summary, and the saved plan's
// JSON that policy tools read.

// tokenScope is a token granting one permission on one scope.
func tokenScope(label, name, scope, perm string) string {
	return acctest.Token(label, acctest.Attr("name", name), acctest.Attr("description", "Reports for "+name), acctest.Scope(scope, perm))
}

// TestE2ERiskReviewTextNamesEveryToken plans three tokens with the same
// finding: each gets its own warning, named, and Terraform folds none away.
func TestE2ERiskReviewTextNamesEveryToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{}, tokenScope("a", "reports-eu", "workspace_database", "read")+
		tokenScope("b", "reports-us", "workspace_database", "read")+
		tokenScope("c", "reports-apac", "workspace_database", "read")))
	run := e.Run("plan")
	if run.Err != nil {
		t.Fatalf("plan: %v\n%s", run.Err, run.Out)
	}
	if strings.Contains(run.Out, "similar warnings") {
		t.Fatalf("Terraform folded warnings together:\n%s", run.Out)
	}
	for _, d := range run.Diags() {
		if !strings.Contains(d.Text(), "  workspace_database  - R - -  critical  ") {
			t.Errorf("warning %q lacks its table row:\n%s", d.Summary, d.Text())
		}
	}
	got := run.Summaries()
	want := []string{
		`warning: Token "reports-apac" on instance "e2e": critical risk`,
		`warning: Token "reports-eu" on instance "e2e": critical risk`,
		`warning: Token "reports-us" on instance "e2e": critical risk`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n got %q\nwant %q\n%s", got, want, run.Out)
	}
}

// TestE2ERiskReviewTextSameNameTwoInstances plans two tokens of the same
// name on two instances, one through a provider alias whose default instance
// is the other: each warning names its instance, so Terraform folds neither.
func TestE2ERiskReviewTextSameNameTwoInstances(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{},
		acctest.Provider{Alias: "prod", Instance: "prod"}.String(),
		tokenScope("staging", "n8n", "workspace_database", "read"),
		acctest.Token("prod", acctest.Attr("name", "n8n"), acctest.Attr("provider", acctest.Expr("xano.prod")),
			acctest.Attr("description", "Reports for n8n"), acctest.Scope("workspace_database", "read"))))
	run := e.Run("plan")
	if run.Err != nil {
		t.Fatalf("plan: %v\n%s", run.Err, run.Out)
	}
	if strings.Contains(run.Out, "similar warning") {
		t.Fatalf("Terraform folded warnings together:\n%s", run.Out)
	}
	got := run.Summaries()
	want := []string{
		`warning: Token "n8n" on instance "e2e": critical risk`,
		`warning: Token "n8n" on instance "prod": critical risk`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("diagnostics:\n got %q\nwant %q\n%s", got, want, run.Out)
	}
}

// TestE2ERiskReviewTextDemoAutomation plans the demo's configuration: its
// automation token (database CRUD, files CRU, tasks CRU) is reviewed in one
// warning of at most 40 lines, and the other two tokens plan silently.
func TestE2ERiskReviewTextDemoAutomation(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	_, file, _, _ := runtime.Caller(0)
	demo, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "demo", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	e.Write(string(demo))
	run := e.Run("plan")
	if run.Err != nil {
		t.Fatalf("plan: %v\n%s", run.Err, run.Out)
	}
	ds := run.Diags()
	if len(ds) != 1 || ds[0].Summary != `Token "n8n-staging" on instance "demo": critical risk, acknowledged` {
		t.Fatalf("want one warning, for the automation token:\n%s", run.Out)
	}
	text := ds[0].Text()
	if n := len(ds[0].Lines); n > 40 {
		t.Errorf("the automation token's review takes %d lines, want 40 or fewer:\n%s", n, text)
	}
	for _, want := range []string{
		"  with xano_metadata_token.automation,",
		"  workspace_database  C R U D  critical  every record and schema, all data sources",
		"  workspace_tasks     C R U -  high      background tasks, code run on a timer",
		"  workspace_files     C R U -  high      every file, private ones included",
		"Acknowledged: Staging only; approved by the platform team",
	} {
		if !slices.Contains(ds[0].Lines, want) {
			t.Errorf("the review lacks the line %q:\n%s", want, text)
		}
	}
	for _, once := range []string{"Reach: ", "Narrow "} {
		if n := strings.Count(text, once); n != 1 {
			t.Errorf("%q appears %d times in the review, want once:\n%s", once, n, text)
		}
	}
}

// TestE2ERiskReviewTextDenyOnce checks that a denied grant is one error,
// named after the token, and appears nowhere else in the output.
func TestE2ERiskReviewTextDenyOnce(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{acctest.Attr("deny", []string{"*.delete"})}}, automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)))
	run := e.Run("plan")
	if run.Err == nil {
		t.Fatalf("plan should fail on a denied grant:\n%s", run.Out)
	}
	ds := run.Diags()
	if len(ds) != 1 || ds[0].Severity != "error" || ds[0].Summary != `Token "n8n-staging" on instance "e2e": grant denied by the provider policy` {
		t.Fatalf("want one error naming the token:\n%s", run.Out)
	}
	for _, once := range []string{"workspace_database.delete", "workspace_database  - - - D  critical"} {
		if n := strings.Count(run.Out, once); n != 1 {
			t.Errorf("%q appears %d times, want once:\n%s", once, n, run.Out)
		}
	}
}

// TestE2ERiskReviewSavedPlanFindings reads the findings of a saved plan as
// a policy tool does, from resource_changes[].change.after.findings: every
// finding, while the text plan warns about none of them under warn_at
// critical.
func TestE2ERiskReviewSavedPlanFindings(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{acctest.Attr("warn_at", "critical"), acctest.Attr("max_lifetime", "30d")}}, `
resource "xano_metadata_token" "exports" {
  name        = "exports"
  description = "Nightly file exports"
  expires_in  = "120d"

  scope {
    name = "workspace_content"
    read = true
  }
  scope {
    name   = "workspace_files"
    delete = true
  }
}
`))
	if run := e.Run("plan"); run.Err != nil || len(run.Diags()) != 0 {
		t.Fatalf("plan should pass without warnings below warn_at critical (%v):\n%s", run.Err, run.Out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After struct {
					Findings []string `json:"findings"`
				} `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	_, raw := e.SavedPlan()
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatalf("show -json: %v\n%s", err, raw)
	}
	if len(plan.ResourceChanges) != 1 || plan.ResourceChanges[0].Address != "xano_metadata_token.exports" {
		t.Fatalf("resource_changes = %+v", plan.ResourceChanges)
	}
	want := []string{
		"medium grant workspace_content.read: can read workspace metadata and data source and branch settings, under a scope that also covers exporting, importing and cloning whole workspaces",
		"high grant workspace_files.delete: can delete files from public and private storage",
		"medium long_lifetime: lives 120d, longer than the 90 days of a quarterly rotation",
		"high max_lifetime: lives 120d, over the provider policy's max_lifetime of 30d",
	}
	if got := plan.ResourceChanges[0].Change.After.Findings; !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
}

// TestE2EDestroyUnderDeny checks that deny gates what a plan mints: an
// existing token a newer rule covers is one warning, and a destroy, whose
// refresh plans the same configuration, goes through; a denied replacement
// or new token fails the plan, and the destroy then needs -refresh=false,
// as the error says, since Terraform's pre-destroy refresh is a normal plan.
func TestE2EDestroyUnderDeny(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	deny := acctest.Provider{Policy: []string{acctest.Attr("deny", []string{"workspace_database.*"})}}
	existing := tokenScope("db", "db-reader", "workspace_database", "read") + tokenScope("api", "api-reader", "workspace_api_groups", "read")
	e.Write(acctest.E2EConfig(acctest.Provider{}, existing))
	if run := e.Apply(); run.Err != nil {
		t.Fatalf("apply: %v\n%s", run.Err, acctest.DiagText(run.Diags))
	}

	// The policy now denies db-reader's grant: one warning, no failure.
	e.Write(acctest.E2EConfig(deny, existing))
	plan := e.Run("plan")
	if want := []string{`warning: Token "db-reader" on instance "e2e": existing token covered by a deny rule`}; plan.Err != nil || !slices.Equal(plan.Summaries(), want) {
		t.Fatalf("plan: %v, diagnostics = %q, want %q\n%s", plan.Err, plan.Summaries(), want, plan.Out)
	}
	if run := e.Run("plan", "-destroy"); run.Err != nil {
		t.Fatalf("plan -destroy failed under the deny policy: %v\n%s", run.Err, run.Out)
	}

	// api-reader's configuration asks for a replacement that adds a denied
	// grant, and a new token asks for one: both fail the plan.
	e.Write(acctest.E2EConfig(deny, tokenScope("db", "db-reader", "workspace_database", "read")+`
resource "xano_metadata_token" "api" {
  name        = "api-reader"
  description = "Reports for api-reader"

  scope {
    name = "workspace_api_groups"
    read = true
  }
  scope {
    name = "workspace_database"
    read = true
  }
}
`+tokenScope("fresh", "new-db-reader", "workspace_database", "read")))
	plan = e.Run("plan")
	if want := []string{
		`error: Token "api-reader" on instance "e2e": grant denied by the provider policy`,
		`error: Token "new-db-reader" on instance "e2e": grant denied by the provider policy`,
		`warning: Token "db-reader" on instance "e2e": existing token covered by a deny rule`,
	}; plan.Err == nil || !slices.Equal(plan.Summaries(), want) {
		t.Fatalf("plan: %v, diagnostics = %q, want %q\n%s", plan.Err, plan.Summaries(), want, plan.Out)
	}
	if !strings.Contains(plan.Out, "-refresh=false") {
		t.Errorf("the deny error does not say how to destroy:\n%s", plan.Out)
	}
	if run := e.Run("destroy", "-auto-approve", "-refresh=false"); run.Err != nil {
		t.Fatalf("destroy failed under the deny policy: %v\n%s", run.Err, run.Out)
	}
	if toks := e.Emu.Tokens(e2eInstance); len(toks) != 0 {
		t.Errorf("%d token(s) left on the instance after destroy: %+v", len(toks), toks)
	}
}

// TestE2EShownPlans plans each configuration the documentation shows a plan
// of, and compares Terraform's text output with the copy the page includes,
// so every page shows what Terraform really prints. XANO_UPDATE_GUIDE=1
// rewrites the copies; run make docs after.
func TestE2EShownPlans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// dir holds the configuration and plan.txt, the copy the page shows.
		dir string
		// config is the configuration's file within dir.
		config string
		// instance is the provider's instance, as the page shows it.
		instance string
		// bare says the configuration has no terraform and provider blocks,
		// as a resource or data source example has none.
		bare bool
	}{
		{name: "risk review guide", dir: "examples/guides/risk-review", config: "main.tf"},
		{name: "scope preset data source", dir: "examples/data-sources/xano_scope_preset", config: "data-source.tf",
			instance: "x1a2-b3c4-d5e6", bare: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, emulator.Options{})
			dir := filepath.Join(acctest.RepoRoot(), filepath.FromSlash(tt.dir))
			config, err := os.ReadFile(filepath.Join(dir, tt.config))
			if err != nil {
				t.Fatal(err)
			}
			if tt.bare {
				e.Write(acctest.E2EConfig(acctest.Provider{}, string(config)))
			} else {
				e.Write(string(config))
			}
			env := map[string]string{}
			if tt.instance != "" {
				env[envInstance] = tt.instance
			}
			run := e.RunEnv(env, "plan")
			if run.Err != nil {
				t.Fatalf("plan: %v\n%s", run.Err, run.Out)
			}
			// The emulator listens on a random port; the page shows a fixed one.
			got := loopbackPort.ReplaceAllString(acctest.WithoutDevOverrides(run.Out), "http://127.0.0.1:8080/")
			golden := filepath.Join(dir, "plan.txt")
			if os.Getenv("XANO_UPDATE_GUIDE") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("the plan differs from %s (rerun with XANO_UPDATE_GUIDE=1 and run make docs):\n%s", golden, got)
			}
		})
	}
}

// loopbackPort matches the emulator's address in a plan.
var loopbackPort = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
