package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const ack = "Make scenario needs delete; approved by J. Doe, SEC-123"
	tests := []struct {
		name         string
		grants       scopes.Grants
		never        bool
		warnAt       string
		deny         []string
		enforce      bool
		ack          string
		wantWarnings []string
		wantErrors   []string
	}{
		{
			name:   "default policy warns on high and critical only",
			grants: scopes.Grants{{Scope: "workspace_database", Read: true}, {Scope: "workspace_content", Read: true}, {Scope: "workspace_request_history", Read: true}},
			wantWarnings: []string{
				"grant:workspace_database.read",
			},
		},
		{
			name:         "warn_at critical drops high",
			grants:       scopes.Grants{{Scope: "workspace_database", Read: true}, {Scope: "workspace_files", Read: true}},
			never:        true,
			warnAt:       "critical",
			wantWarnings: []string{"grant:workspace_database.read"},
		},
		{
			name:         "warn_at medium adds medium",
			grants:       scopes.Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_request_history", Read: true}},
			warnAt:       "medium",
			wantWarnings: []string{"grant:workspace_request_history.read"},
		},
		{
			name:       "enforce without acknowledgement makes errors",
			grants:     scopes.Grants{{Scope: "workspace_files", Read: true}, {Scope: "workspace_content", Read: true}},
			never:      true,
			enforce:    true,
			wantErrors: []string{"grant:workspace_files.read", "never_expires:."},
		},
		{
			name:         "acknowledgement keeps warnings under enforce",
			grants:       scopes.Grants{{Scope: "workspace_files", Read: true}},
			never:        true,
			enforce:      true,
			ack:          ack,
			wantWarnings: []string{"grant:workspace_files.read", "never_expires:."},
		},
		{
			name:         "blank acknowledgement is none",
			grants:       scopes.Grants{{Scope: "workspace_files", Read: true}},
			enforce:      true,
			ack:          "   ",
			wantWarnings: nil,
			wantErrors:   []string{"grant:workspace_files.read"},
		},
		{
			name:         "deny is an error without enforce",
			grants:       scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}},
			deny:         []string{"workspace_database.delete"},
			wantWarnings: []string{"grant:workspace_database.read", "grant:workspace_database.delete"},
			wantErrors:   []string{"deny:workspace_database.delete"},
		},
		{
			name:         "deny beats acknowledgement",
			grants:       scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}},
			deny:         []string{"*.delete"},
			enforce:      true,
			ack:          ack,
			wantWarnings: []string{"grant:workspace_database.read", "grant:workspace_database.delete"},
			wantErrors:   []string{"deny:workspace_database.delete"},
		},
		{
			name:       "deny below warn_at is still an error",
			grants:     scopes.Grants{{Scope: "workspace_content", Read: true}},
			deny:       []string{"*.*"},
			warnAt:     "critical",
			wantErrors: []string{"deny:workspace_content.read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol, errs := ParsePolicy(tt.warnAt, tt.deny, "", false, tt.enforce)
			if errs != nil {
				t.Fatal(errs)
			}
			spec := Spec{Grants: tt.grants, Lifetime: 7 * duration.Day, NeverExpires: tt.never, Acknowledgement: tt.ack}
			findings := Review(spec, pol)
			before := slices.Clone(findings)
			out := Evaluate(findings, spec, pol)
			if !reflect.DeepEqual(findings, before) {
				t.Fatal("Evaluate modified the findings passed in")
			}
			if got := paths(out.Warnings); !slices.Equal(got, tt.wantWarnings) {
				t.Errorf("warnings = %v, want %v", got, tt.wantWarnings)
			}
			if got := paths(out.Errors); !slices.Equal(got, tt.wantErrors) {
				t.Errorf("errors = %v, want %v", got, tt.wantErrors)
			}
			ackText := strings.TrimSpace(tt.ack)
			for _, f := range out.Warnings {
				if has := strings.Contains(f.Detail, "Acknowledged: "+ackText); has != (ackText != "") {
					t.Errorf("warning %s shows acknowledgement = %v, want %v", f.Summary, has, ackText != "")
				}
			}
			for _, f := range out.Errors {
				if strings.Contains(f.Detail, "Acknowledged:") {
					t.Errorf("error %s claims an acknowledgement", f.Summary)
				}
				if f.Rule != RuleDeny && !strings.Contains(f.Detail, "risk_acknowledgement") {
					t.Errorf("enforced error %s does not say how to acknowledge it:\n%s", f.Summary, f.Detail)
				}
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f    Finding
		want string
	}{
		{
			Review(Spec{Grants: only("workspace_database", scopes.Delete)}, Default())[0],
			"[grant] workspace_database.delete (critical): can delete records and drop tables across all data sources",
		},
		{Finding{Rule: RuleWidening, Summary: "scopes (high):\n adds  workspace_files.read"}, "[widening] scopes (high): adds workspace_files.read"},
	}
	for _, tt := range tests {
		if got := SummaryLine(tt.f); got != tt.want {
			t.Errorf("SummaryLine = %q, want %q", got, tt.want)
		}
	}
}

func BenchmarkReview(b *testing.B) {
	spec := Spec{Grants: preset(b, "automation"), Lifetime: 30 * duration.Day}
	pol, errs := ParsePolicy("high", []string{"workspace_live_data_source.*"}, "90d", true, true)
	if errs != nil {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(Review(spec, pol), spec, pol)
	}
}

// Example shows what a plan reports for the seeds' automation preset under
// the default policy.
func Example() {
	p, _ := scopes.LookupPreset("automation")
	spec := Spec{Grants: p.Grants, Lifetime: 7 * duration.Day}
	out := Evaluate(Review(spec, Default()), spec, Default())
	for _, f := range out.Warnings {
		fmt.Println(SummaryLine(f))
	}
	// Output:
	// [grant] workspace_database.create (critical): can insert records and create tables, fields and relationships in every data source
	// [grant] workspace_database.read (critical): can read every table record and schema across all data sources, including any personal or business data they hold
	// [grant] workspace_database.update (critical): can change any record, field definition or relationship across all data sources
	// [grant] workspace_database.delete (critical): can delete records and drop tables across all data sources
	// [grant] workspace_tasks.create (high): can schedule new background tasks, that is code that runs on a timer
	// [grant] workspace_tasks.update (high): can change background tasks and their schedules
	// [grant] workspace_files.create (high): can upload files into public and private storage
	// [grant] workspace_files.read (high): can download every file, private ones included
	// [grant] workspace_files.update (high): can replace files and change file access permissions
}

func TestCanFail(t *testing.T) {
	t.Parallel()
	deny, err := ParsePattern("workspace_database.*")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pol  Policy
		want bool
	}{
		{"default", Default(), false},
		{"enforce", Policy{Enforce: true}, true},
		{"deny", Policy{Deny: []Pattern{deny}}, true},
	}
	for _, tt := range tests {
		if got := tt.pol.CanFail(); got != tt.want {
			t.Errorf("%s: CanFail = %v, want %v", tt.name, got, tt.want)
		}
		// CanFail false must mean Evaluate never errs, even on the riskiest token.
		all := Spec{NeverExpires: true}
		for _, s := range scopes.All() {
			all.Grants = append(all.Grants, scopes.Grant{Scope: s.Key, Create: true, Read: true, Update: true, Delete: true})
		}
		if out := Evaluate(Review(all, tt.pol), all, tt.pol); !tt.want && len(out.Errors) > 0 {
			t.Errorf("%s: CanFail is false but Evaluate returned %d errors", tt.name, len(out.Errors))
		}
	}
}
