package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// guideExcerpt returns the text block of the page template (under
// templates/) whose first line starts with first: output a page shows, which
// a test then finds in what Terraform really prints.
func guideExcerpt(t *testing.T, page, first string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "templates", filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(b), "```text\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.HasPrefix(block, first) {
			return block
		}
	}
	t.Fatalf("%s shows no text block starting with %q", page, first)
	return ""
}

// excerptPattern matches an excerpt in Terraform's output, which wraps lines
// where it likes: words are separated by any whitespace, and a "..." line
// stands for lines the page leaves out.
func excerptPattern(excerpt string) *regexp.Regexp {
	var parts []string
	for _, w := range strings.Fields(excerpt) {
		if w == "..." {
			parts = append(parts, `[\s\S]*?`)
			continue
		}
		parts = append(parts, regexp.QuoteMeta(w))
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

func TestExcerptPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		excerpt, text string
		match         bool
	}{
		{"Warning: a (b)\n\nc d", "Warning: a (b)\n\nc\nd", true},
		{"a\n  ...\nz", "a\nb\nc\nz", true},
		{"a b", "a c b", false},
		{"x.y", "xzy", false},
	}
	for _, tt := range tests {
		if got := excerptPattern(tt.excerpt).MatchString(tt.text); got != tt.match {
			t.Errorf("excerptPattern(%q) on %q = %v, want %v", tt.excerpt, tt.text, got, tt.match)
		}
	}
}

// TestE2EAuditGuideExcerpts plans the audit guide's examples and finds each
// output the guide shows in Terraform's text output: the purpose warning, and
// the idle finding and warning of a token minted on 2026-01-05 and never used.
func TestE2EAuditGuideExcerpts(t *testing.T) {
	t.Parallel()
	const page = "guides/audit.md.tmpl"

	t.Run("purpose", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(acctest.E2EConfig(acctest.Provider{Instance: "main"},
			acctest.Token("grafana", `description = "Grafana dashboards"`, `purpose     = "monitoring"`,
				wewebScopes, acctest.Scope("workspace_request_history", "read"), acctest.Scope("workspace_addons", "read"))))
		plan := e.Run("plan")
		if plan.Err != nil {
			t.Fatalf("plan: %v\n%s", plan.Err, plan.Out)
		}
		want := guideExcerpt(t, page, `Warning: Token "grafana"`)
		if !excerptPattern(want).MatchString(plan.Out) {
			t.Errorf("the plan does not print what %s shows:\n%s\nIt prints:\n%s", page, want, plan.Out)
		}
	})

	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		clock := acctest.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
		e := newE2E(t, emulator.Options{Clock: clock.Now})
		e.Write(acctest.E2EConfig(acctest.Provider{Instance: "main", Policy: []string{`max_idle = "30d"`}},
			acctest.Token("weweb", `purpose = "weweb"`, `expires_in = "365d"`, wewebScopes)))
		if run := e.Run("apply", "-auto-approve"); run.Err != nil {
			t.Fatalf("apply: %v\n%s", run.Err, run.Out)
		}
		// The provider judges idleness by the real clock, long past 30 days
		// after the emulator's 2026-01-05.
		clock.Set(time.Now())
		plan := e.Run("plan")
		if plan.Err != nil {
			t.Fatalf("plan: %v\n%s", plan.Err, plan.Out)
		}
		for _, first := range []string{"never used since", `Warning: Token "weweb"`} {
			want := guideExcerpt(t, page, first)
			if !excerptPattern(want).MatchString(plan.Out) {
				t.Errorf("the plan does not print what %s shows:\n%s\nIt prints:\n%s", page, want, plan.Out)
			}
		}
	})
}

// TestAccRiskReviewGuideLapsedError plans the risk review guide's token
// after its review_by, under enforce, and finds the error the guide shows.
func TestAccRiskReviewGuideLapsedError(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2027, 4, 1, 12, 0, 0, 0, time.UTC))
	_, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	want := guideExcerpt(t, "guides/risk-review.md.tmpl", `Error: Token "n8n-staging"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		Steps: []resource.TestStep{{
			Config: acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "staging",
				Policy: []string{"enforce = true"}}.String(), automationToken(
				`risk_acknowledgement = "Staging only; approved by the platform team (SEC-142)"`, `review_by = "2027-03-31"`)),
			ExpectError: excerptPattern(want),
		}},
	})
}

// checkedExcerpts are the first lines of the text blocks the tests above find
// in Terraform's output, by page.
var checkedExcerpts = map[string][]string{
	"guides/audit.md.tmpl":       {"never used since", `Warning: Token "weweb"`, `Warning: Token "grafana"`, "Plan: "},
	"guides/risk-review.md.tmpl": {`Error: Token "n8n-staging"`},
}

// TestGuideExcerptsChecked fails when a page shows Terraform output (a text
// block opening with a diagnostic, a plan summary or a finding) that no test
// compares with what Terraform prints. Whole plans are included from
// examples/ and compared by TestE2EShownPlans.
func TestGuideExcerptsChecked(t *testing.T) {
	t.Parallel()
	root := filepath.Join(acctest.RepoRoot(), "templates")
	shown := regexp.MustCompile(`^(Warning: |Error: |Plan: |never used|can )`)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		page := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		for _, block := range strings.Split(string(b), "```text\n")[1:] {
			first, _, _ := strings.Cut(block, "\n")
			if !shown.MatchString(first) {
				continue
			}
			checked := false
			for _, c := range checkedExcerpts[page] {
				checked = checked || strings.HasPrefix(first, c)
			}
			if !checked {
				t.Errorf("%s shows output no test checks: %q", page, first)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
