package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
)

// End-to-end tests of the plan-time risk review: the real terraform binary
// plans configurations against the freshly built provider and the emulator.
// Every plan that keeps, updates or replaces a token is tested here, on the
// real CLI, so that no test passes on a proposed state Terraform would not
// build; the protocol-level tests keep to creates.

// presetToken is a token whose scopes come from a preset of the
// xano_scope_preset data source, through a dynamic scope block.
func presetToken(name, preset string, extra ...string) string {
	body := append([]string{acctest.Attr("description", "Built from the "+preset+" preset")}, extra...)
	value := func(attr string) string { return acctest.Attr(attr, acctest.Expr("scope.value."+attr)) }
	body = append(body, acctest.Block(`dynamic "scope"`,
		acctest.Attr("for_each", acctest.Expr("data.xano_scope_preset."+name+".scopes")),
		acctest.Block("content", value("name"), value("create"), value("read"), value("update"), value("delete"))))
	return acctest.Config(
		acctest.Block(fmt.Sprintf("data %q %q", "xano_scope_preset", name), acctest.Attr("name", preset)),
		acctest.Token(name, body...))
}

// automationToken is the automation recipe of Xano's scope guide (database
// CRUD, files CRU, tasks CRU), with extra arguments.
func automationToken(extra ...string) string {
	body := append([]string{
		acctest.Attr("name", "n8n-staging"),
		acctest.Attr("description", "n8n workflows: records, documents and background tasks"),
	}, extra...)
	return acctest.Token("automation", append(body,
		acctest.Scope("workspace_database", "create", "read", "update", "delete"),
		acctest.Scope("workspace_files", "create", "read", "update"),
		acctest.Scope("workspace_tasks", "create", "read", "update"))...)
}

// reviewedPlan is one plan of the configuration run twice: with -json for the
// planned actions and the diagnostics' fields, and as text, which is what a
// reviewer reads and where Terraform may fold warnings together.
type reviewedPlan struct {
	JSON acctest.JSONRun
	Text acctest.TextRun
}

// planTwice plans e's configuration both ways and fails the test when the
// text plan shows other diagnostics than the -json one, or only one of them
// fails.
func planTwice(t *testing.T, e *e2eEnv) reviewedPlan {
	t.Helper()
	p := reviewedPlan{JSON: e.Plan(), Text: e.Run("plan")}
	if (p.JSON.Err == nil) != (p.Text.Err == nil) {
		t.Fatalf("plan -json: %v, text plan: %v\n%s", p.JSON.Err, p.Text.Err, p.Text.Out)
	}
	var fromJSON []string
	for _, d := range append(p.JSON.Errors(), p.JSON.Warnings()...) {
		fromJSON = append(fromJSON, d.Severity+": "+d.Summary)
	}
	slices.Sort(fromJSON)
	fromText := p.Text.Summaries()
	if !slices.Equal(fromJSON, fromText) {
		t.Errorf("the text plan shows %q, the -json plan %q:\n%s", fromText, fromJSON, p.Text.Out)
	}
	return p
}

// expect checks the plan: it fails exactly when errors are expected, plans
// exactly actions (nil: no change) when it does not fail, and carries
// exactly the warnings and errors named, in order.
func (p reviewedPlan) expect(t *testing.T, actions map[string]string, warnings, errors []string) {
	t.Helper()
	if len(errors) == 0 {
		if p.JSON.Err != nil {
			t.Fatalf("plan: %v\n%s", p.JSON.Err, acctest.DiagText(p.JSON.Diags))
		}
		if len(p.JSON.Actions) != len(actions) {
			t.Errorf("planned %v, want %v", p.JSON.Actions, actions)
		}
		for addr, action := range actions {
			if p.JSON.Actions[addr] != action {
				t.Errorf("planned action for %s = %q, want %q (all: %v)", addr, p.JSON.Actions[addr], action, p.JSON.Actions)
			}
		}
	} else if p.JSON.Err == nil {
		t.Fatalf("plan should fail with %q:\n%s", errors, acctest.DiagText(p.JSON.Diags))
	}
	requireSummaries(t, "warnings", p.JSON.Warnings(), warnings)
	requireSummaries(t, "errors", p.JSON.Errors(), errors)
}

// detail returns the detail of the diagnostic with summary, from the -json
// plan, and checks that the text plan prints the same words.
func (p reviewedPlan) detail(t *testing.T, summary string) string {
	t.Helper()
	var detail string
	for _, d := range p.JSON.Diags {
		if d.Summary == summary {
			detail = d.Detail
		}
	}
	for _, d := range p.Text.Diags() {
		if d.Summary == summary && !strings.Contains(acctest.FlatText(d.Text()), acctest.FlatText(detail)) {
			t.Errorf("the text plan words %q otherwise than -json:\n%s\nwant\n%s", summary, d.Text(), detail)
		}
	}
	return detail
}

func requireSummaries(t *testing.T, what string, ds []acctest.Diag, want []string) {
	t.Helper()
	got := acctest.Summaries(ds)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got %q\nwant %q\n%s", what, got, want, acctest.DiagText(ds))
	}
}

func TestE2ERiskReviewPresetsPlanSilently(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{}, presetToken("weweb", "weweb", `expires_in = "30d"`), presetToken("monitoring", "monitoring")))
	planTwice(t, e).expect(t, map[string]string{
		"xano_metadata_token.weweb":      "create",
		"xano_metadata_token.monitoring": "create",
	}, nil, nil)
}

func TestE2ERiskReviewAutomationWarns(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{}, automationToken()))
	const summary = `Token "n8n-staging" on instance "e2e": critical risk`
	p := planTwice(t, e)
	p.expect(t, map[string]string{"xano_metadata_token.automation": "create"}, []string{summary}, nil)
	ws := p.JSON.Warnings()
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
	e.Write(acctest.E2EConfig(acctest.Provider{}, presetToken("forever", "weweb", "never_expires = true")))
	p := planTwice(t, e)
	p.expect(t, map[string]string{"xano_metadata_token.forever": "create"}, []string{`Token "forever" on instance "e2e": high risk`}, nil)
	if d := p.detail(t, `Token "forever" on instance "e2e": high risk`); !strings.Contains(d, "set expires_in") {
		t.Errorf("the warning should say how to set a lifetime:\n%s", d)
	}
}

func TestE2ERiskReviewEnforceFailsPlan(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{"enforce = true"}}, automationToken()))
	const summary = `Token "n8n-staging" on instance "e2e": critical risk refused by the provider policy`
	p := planTwice(t, e)
	p.expect(t, nil, nil, []string{summary})
	if !strings.Contains(p.detail(t, summary), "Enforced: ") {
		t.Errorf("the error should say enforce made it one:\n%s", p.detail(t, summary))
	}
}

func TestE2ERiskReviewDenyBeatsAcknowledgement(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{acctest.Attr("deny", []string{"workspace_database.delete"}), "enforce = true"}},
		automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)))
	planTwice(t, e).expect(t, nil, nil, []string{`Token "n8n-staging" on instance "e2e": grant denied by the provider policy`})
}

func TestE2ERiskReviewAcknowledgedPassesUnderEnforce(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{"enforce = true"}},
		automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)))
	const summary = `Token "n8n-staging" on instance "e2e": critical risk, acknowledged`
	p := planTwice(t, e)
	p.expect(t, map[string]string{"xano_metadata_token.automation": "create"}, []string{summary}, nil)
	if d := p.detail(t, summary); !strings.HasSuffix(d, "\nAcknowledged: Staging only; approved by the platform team") {
		t.Errorf("the warning does not end with the acknowledgement:\n%s", d)
	}
}

// TestE2ERiskReviewReplacements plans replacements of an applied token: one
// that widens its grants names what it adds, one that narrows them warns
// about what remains, and a new lifetime replaces the token and reviews it
// again.
func TestE2ERiskReviewReplacements(t *testing.T) {
	t.Parallel()
	t.Run("widening", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		weweb := func(extra ...string) string {
			body := []string{acctest.Attr("name", "weweb-production"), acctest.Attr("description", "WeWeb Xano plugin"), wewebScopes}
			return acctest.E2EConfig(acctest.Provider{}, acctest.Token("weweb", append(body, extra...)...))
		}
		e.Write(weweb())
		e.MustApply()
		e.Write(weweb(acctest.Scope("workspace_files", "read", "delete")))
		const summary = `Token "weweb-production" on instance "e2e": high risk`
		p := planTwice(t, e)
		p.expect(t, map[string]string{"xano_metadata_token.weweb": "replace"}, []string{summary}, nil)
		if d := p.detail(t, summary); !strings.Contains(d, "\nThe replacement adds workspace_files.read, workspace_files.delete.") {
			t.Errorf("the warning should name the grants the replacement adds:\n%s", d)
		}
	})

	t.Run("narrowing and a new lifetime", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(acctest.E2EConfig(acctest.Provider{}, automationToken()))
		e.MustApply()
		const summary = `Token "n8n-staging" on instance "e2e": critical risk`
		replace := map[string]string{"xano_metadata_token.automation": "replace"}

		// Down to reading the database: still critical, and nothing added.
		e.Write(acctest.E2EConfig(acctest.Provider{}, acctest.Token("automation",
			`name = "n8n-staging"`, `description = "n8n workflows: records, documents and background tasks"`,
			acctest.Scope("workspace_database", "read"))))
		p := planTwice(t, e)
		p.expect(t, replace, []string{summary}, nil)
		if d := p.detail(t, summary); strings.Contains(d, "The replacement adds") ||
			!strings.Contains(d, "  workspace_database  - R - -  critical") || strings.Contains(d, "workspace_files") {
			t.Errorf("a narrowing replacement should warn about what remains and nothing else:\n%s", d)
		}

		// A new lifetime mints a new token, reviewed as a new one.
		e.Write(acctest.E2EConfig(acctest.Provider{}, automationToken(`expires_in = "30d"`)))
		p = planTwice(t, e)
		p.expect(t, replace, []string{summary}, nil)
		if d := p.detail(t, summary); !strings.Contains(d, "  workspace_database  C R U D  critical") {
			t.Errorf("the replacement's warning lacks the database row:\n%s", d)
		}
	})
}

// TestE2ERiskReviewKeptToken plans changes that keep an applied token: the
// same lifetime written otherwise, no change and an in-place update plan
// silently; a policy tightened since the apply warns once, since deny and
// enforce gate what a plan mints, not what exists; and removing the token
// is never reviewed, even under a policy that denies everything.
func TestE2ERiskReviewKeptToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	const addr = "xano_metadata_token.automation"
	config := func(p acctest.Provider, extra ...string) {
		e.Write(acctest.E2EConfig(p, automationToken(extra...)))
	}
	config(acctest.Provider{}, `expires_in = "7d"`)
	e.MustApply()

	config(acctest.Provider{}, `expires_in = "7d"`)
	planTwice(t, e).expect(t, nil, nil, nil)

	config(acctest.Provider{}, `expires_in = "1w"`)
	planTwice(t, e).expect(t, nil, nil, nil)

	// Tightening the policy reaches the token already applied as one
	// warning, which does not fail the plan.
	config(acctest.Provider{Policy: []string{"enforce = true"}}, `expires_in = "7d"`)
	planTwice(t, e).expect(t, nil, []string{`Token "n8n-staging" on instance "e2e": existing token above the enforced policy`}, nil)

	// The deny rule adds its findings, which update state without calling Xano.
	config(acctest.Provider{Policy: []string{acctest.Attr("deny", []string{"*.delete"})}}, `expires_in = "7d"`)
	planTwice(t, e).expect(t, map[string]string{addr: "update"}, []string{`Token "n8n-staging" on instance "e2e": existing token covered by a deny rule`}, nil)

	e.Write(acctest.E2EConfig(acctest.Provider{}, acctest.Token("automation",
		`name = "renamed"`, `description = "New words"`, `expires_in = "7d"`,
		acctest.Scope("workspace_database", "create", "read", "update", "delete"),
		acctest.Scope("workspace_files", "create", "read", "update"),
		acctest.Scope("workspace_tasks", "create", "read", "update"))))
	planTwice(t, e).expect(t, map[string]string{addr: "update"}, nil, nil)

	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{acctest.Attr("deny", []string{"*.*"}), "enforce = true"}}))
	planTwice(t, e).expect(t, map[string]string{addr: "delete"}, nil, nil)
}

// TestE2ERiskReviewExpiredTokenReplaced applies a token the emulator mints
// eight days in the past, so it has expired for the provider, which uses
// the real clock: the plan replaces it for its expiry alone and reviews the
// replacement again.
func TestE2ERiskReviewExpiredTokenReplaced(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-8 * 24 * time.Hour)).Now})
	e.Write(acctest.E2EConfig(acctest.Provider{}, automationToken()))
	e.MustApply()
	p := planTwice(t, e)
	p.expect(t, map[string]string{"xano_metadata_token.automation": "replace"},
		[]string{`Token "n8n-staging" on instance "e2e": expired, replacement planned`, `Token "n8n-staging" on instance "e2e": critical risk`}, nil)
	plan, _ := e.SavedPlan()
	for _, rc := range plan.ResourceChanges {
		if got := fmt.Sprint(rc.Change.ReplacePaths); got != "[[expires_at]]" {
			t.Errorf("%s is replaced for %s, want its expiry alone", rc.Address, got)
		}
	}
}

// TestE2ERiskReviewPurposeOnKeptToken sets a purpose on an applied token
// whose grants go beyond it: the update warns about those grants alone, and
// once applied the plan does not say it again.
func TestE2ERiskReviewPurposeOnKeptToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	token := func(extra ...string) string {
		return acctest.E2EConfig(acctest.Provider{}, acctest.Token("grafana", append([]string{
			`description = "Grafana dashboards"`, `expires_in = "60d"`,
			acctest.Scope("workspace_content", "read"),
			acctest.Scope("workspace_api_groups", "read"),
			acctest.Scope("workspace_request_history", "read"),
			acctest.Scope("workspace_addons", "read"),
		}, extra...)...))
	}
	e.Write(token())
	e.MustApply()

	e.Write(token(`purpose = "monitoring"`))
	const summary = `Token "grafana" on instance "e2e": high risk`
	p := planTwice(t, e)
	p.expect(t, map[string]string{"xano_metadata_token.grafana": "update"}, []string{summary}, nil)
	d := p.detail(t, summary)
	if !slices.Contains(strings.Split(d, "\n"), "Purpose: workspace_addons.read is not part of the monitoring recipe of Xano's scope guide; "+
		"remove it, or set the purpose the token really serves.") {
		t.Errorf("the warning should name the recipe and the grant:\n%s", d)
	}
	if strings.Contains(d, "Reach:") {
		t.Errorf("a kept token's warning repeats the review made at its creation:\n%s", d)
	}

	e.MustApply()
	planTwice(t, e).expect(t, nil, nil, nil)
}

// TestE2ERiskReviewIdleKeptToken applies a token the emulator mints 40 days
// in the past and never uses: under max_idle 30d a steady plan warns that it
// is idle, even under enforce, and plans the idle finding; once the token is
// used, the plan is quiet.
func TestE2ERiskReviewIdleKeptToken(t *testing.T) {
	t.Parallel()
	created := time.Now().Add(-40 * 24 * time.Hour).Truncate(time.Second).UTC()
	clock := acctest.NewClock(created)
	e := newE2E(t, emulator.Options{Clock: clock.Now})
	config := func(policy ...string) {
		e.Write(acctest.E2EConfig(acctest.Provider{Policy: append([]string{`max_idle = "30d"`}, policy...)},
			acctest.Token("weweb", `description = "WeWeb Xano plugin"`, `expires_in = "60d"`,
				acctest.Scope("workspace_api_groups", "read"), acctest.Scope("workspace_content", "read"))))
	}
	config()
	// A new token is never idle.
	planTwice(t, e).expect(t, map[string]string{"xano_metadata_token.weweb": "create"}, nil, nil)
	e.MustApply()

	const summary = `Token "weweb" on instance "e2e": high risk`
	idle := "Idle: never used since its creation at " + formatTimestamp(created) + ", more than the provider policy's max_idle of 30d ago; " +
		"revoke it if nothing needs it (remove the resource, or terraform destroy -target), or raise max_idle. Idle tokens warn but never fail a plan."
	p := planTwice(t, e)
	p.expect(t, nil, []string{summary}, nil)
	if d := p.detail(t, summary); !slices.Contains(strings.Split(d, "\n"), idle) {
		t.Errorf("the warning lacks the line\n%s\n%s", idle, d)
	}
	if got := plannedFindingRules(t, e); !slices.Equal(got, []string{"grant", "grant", "idle"}) {
		t.Errorf("planned findings %v, want the grants then idle", got)
	}

	config("enforce = true")
	planTwice(t, e).expect(t, nil, []string{summary}, nil)

	// Back to the present, the token is used once.
	clock.Set(time.Now())
	for _, r := range e.State().Values.RootModule.Resources {
		url := r.AttributeValues["meta_api"].(string) + "/workspace/1/apigroup"
		if status, err := getStatus(context.Background(), url, r.AttributeValues["token"].(string)); err != nil || status != http.StatusOK {
			t.Fatalf("using the token: %d, %v", status, err)
		}
	}
	config()
	planTwice(t, e).expect(t, nil, nil, nil)
	if got := plannedFindingRules(t, e); slices.Contains(got, "idle") {
		t.Errorf("planned findings %v hold an idle finding", got)
	}
}

// plannedFindingRules lists the rules of the findings a saved plan gives the
// one token, in order.
func plannedFindingRules(t *testing.T, e *e2eEnv) []string {
	t.Helper()
	plan, _ := e.SavedPlan()
	if len(plan.ResourceChanges) != 1 {
		t.Fatalf("resource_changes = %+v, want one", plan.ResourceChanges)
	}
	after, _ := plan.ResourceChanges[0].Change.After.(map[string]any)
	findings, _ := after["findings"].([]any)
	var rules []string
	for _, f := range findings {
		line, _ := f.(string)
		parsed, err := policy.ParseFindingLine(line)
		if err != nil {
			t.Fatalf("planned finding %q: %v", line, err)
		}
		rules = append(rules, parsed.Rule)
	}
	return rules
}
