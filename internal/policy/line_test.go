package policy

import (
	"slices"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func TestFindingLineRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    Finding
		line string
	}{
		{
			name: "scope and permission",
			f: Finding{Severity: scopes.SeverityCritical, Rule: RuleGrant, Scope: "workspace_database", Permission: scopes.Create,
				Summary: "can insert records and create tables, fields and relationships in every data source"},
			line: "critical grant workspace_database.create: can insert records and create tables, fields and relationships in every data source",
		},
		{
			name: "scope only",
			f:    Finding{Severity: scopes.SeverityHigh, Rule: RulePurpose, Scope: "workspace_files", Summary: "beyond the recipe"},
			line: "high purpose workspace_files: beyond the recipe",
		},
		{
			name: "whole token",
			f:    Finding{Severity: scopes.SeverityHigh, Rule: RuleNeverExpires, Summary: "never expires"},
			line: "high never_expires: never expires",
		},
		{
			name: "summary with colons and dots",
			f: Finding{Severity: scopes.SeverityLow, Rule: RuleIdle, Scope: "workspace_tasks", Permission: scopes.Read,
				Summary: "last used 2024-01-02T03:04:05Z: 90d ago. See workspace_database.read: x.y"},
			line: "low idle workspace_tasks.read: last used 2024-01-02T03:04:05Z: 90d ago. See workspace_database.read: x.y",
		},
		{
			name: "summary that looks like a head",
			f:    Finding{Severity: scopes.SeverityMedium, Rule: RuleDeny, Summary: "critical grant workspace_database.delete: x"},
			line: "medium deny: critical grant workspace_database.delete: x",
		},
		{
			name: "empty summary",
			f:    Finding{Severity: scopes.SeverityLow, Rule: RuleUnmanaged},
			line: "low unmanaged: ",
		},
		{
			name: "permission without a scope",
			f:    Finding{Severity: scopes.SeverityHigh, Rule: RuleGrant, Permission: scopes.Delete, Summary: "s"},
			line: "high grant .delete: s",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Line(); got != tt.line {
				t.Fatalf("Line() = %q, want %q", got, tt.line)
			}
			got, err := ParseFindingLine(tt.line)
			if err != nil {
				t.Fatalf("ParseFindingLine(%q): %v", tt.line, err)
			}
			if got != tt.f {
				t.Errorf("ParseFindingLine(%q) = %+v, want %+v", tt.line, got, tt.f)
			}
		})
	}
}

// TestFindingLineEveryReviewFinding renders every finding the review gives
// the admin key and reads it back: the catalog's own summaries round-trip.
func TestFindingLineEveryReviewFinding(t *testing.T) {
	spec := Spec{Grants: allCRUD(), NeverExpires: true}
	fs := Review(spec, Policy{RequireDescription: true})
	if len(fs) < 10 {
		t.Fatalf("Review gave %d findings, want many", len(fs))
	}
	for _, f := range fs {
		got, err := ParseFindingLine(f.Line())
		f.About = 0
		if err != nil || got != f {
			t.Errorf("ParseFindingLine(%q) = %+v, %v; want %+v", f.Line(), got, err, f)
		}
	}
}

func TestParseFindingLineRejects(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		{"", `has no ": "`},
		{"critical grant workspace_database.create", `has no ": "`},
		{"critical grant workspace_database.create:no space", `has no ": "`},
		{"critical: summary", "want \"<severity> <rule>\""},
		{"critical grant workspace_database.create extra: s", "want \"<severity> <rule>\""},
		{"critical  grant: s", "rule \"\""},
		{"severe grant: s", `unknown severity "severe"`},
		{"Critical grant: s", `unknown severity "Critical"`},
		{"unknown grant: s", `unknown severity "unknown"`},
		{"critical gr.ant: s", `rule "gr.ant"`},
		{"critical grant workspace_database.remove: s", `unknown permission "remove"`},
		{"critical grant workspace_database.: s", `unknown permission ""`},
		{"critical grant workspace_database.read.x: s", `unknown permission "read.x"`},
		{"critical grant a:b: s", `scope "a:b"`},
		{"critical grant a:b.read: s", `scope "a:b"`},
	} {
		t.Run(tt.line, func(t *testing.T) {
			f, err := ParseFindingLine(tt.line)
			if err == nil {
				t.Fatalf("ParseFindingLine(%q) = %+v, want an error", tt.line, f)
			}
			if f != (Finding{}) {
				t.Errorf("ParseFindingLine(%q) returned %+v with its error", tt.line, f)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseFindingLine(%q) = %v, want it to say %s", tt.line, err, tt.want)
			}
		})
	}
}

// FuzzFindingLine checks both directions: a finding whose head fields are
// well formed survives Line and ParseFindingLine unchanged, and any string
// the parser accepts is exactly the Line of what it returns.
func FuzzFindingLine(f *testing.F) {
	f.Add(4, "grant", "workspace_database", "create", "can insert records: in every data source.")
	f.Add(3, "never_expires", "", "", "never expires")
	f.Add(1, "purpose", "workspace_files", "", "a: b. c")
	f.Add(0, "grant", "x", "read", "")
	f.Add(2, "a b", "c.d", "write", "e: f")
	f.Fuzz(func(t *testing.T, sev int, rule, scope, perm, summary string) {
		fin := Finding{Severity: scopes.Severity(sev), Rule: rule, Scope: scope, Permission: scopes.Permission(perm), Summary: summary}
		line := fin.Line()
		got, err := ParseFindingLine(line)
		wellFormed := sev >= int(scopes.SeverityLow) && sev <= int(scopes.SeverityCritical) && lineToken(rule, ".") &&
			(scope == "" || lineToken(scope, ".")) && (perm == "" || slices.Contains(scopes.Permissions, scopes.Permission(perm)))
		if wellFormed && (err != nil || got != fin) {
			t.Fatalf("%+v: ParseFindingLine(%q) = %+v, %v", fin, line, got, err)
		}
		if err == nil && got.Line() != line {
			t.Fatalf("ParseFindingLine(%q) = %+v, whose Line is %q", line, got, got.Line())
		}
		// The summary alone as a line: whatever the parser accepts prints back.
		if got, err := ParseFindingLine(summary); err == nil && got.Line() != summary {
			t.Fatalf("ParseFindingLine(%q) = %+v, whose Line is %q", summary, got, got.Line())
		}
	})
}
