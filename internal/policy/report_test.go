package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// tableScopes returns the scopes a message's table names, in order.
func tableScopes(m *Message) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(m.Detail, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func TestAssess(t *testing.T) {
	t.Parallel()
	const ack = "Make scenario needs delete; approved by J. Doe, SEC-123"
	tests := []struct {
		name       string
		grants     scopes.Grants
		prev       scopes.Grants // a replacement when set
		never      bool
		lifetime   time.Duration
		warnAt     string
		deny       []string
		maxLife    string
		reqDesc    bool
		enforce    bool
		ack        string
		wantWarn   string   // the warning's summary, "" for none
		wantErrors []string // the errors' summaries
		wantRows   []string // scopes in the table of the warning (or of the only error)
		wantLines  []string // lines the message holds, whole
		wantAttr   Aspect
	}{
		{
			name:     "default policy reports high and critical only",
			grants:   scopes.Grants{{Scope: "workspace_database", Read: true}, {Scope: "workspace_content", Read: true}, {Scope: "workspace_request_history", Read: true}},
			wantWarn: `Token "t": critical risk`,
			wantRows: []string{"workspace_database"},
			wantLines: []string{
				"  workspace_database  - R - -  critical  every record and schema, all data sources",
				`Reach: the token works in every workspace of instance "main", not only the one an integration uses.`,
				"Narrow workspace_database: " + mustScope(t, "workspace_database").Narrowing,
			},
			wantAttr: AboutGrants,
		},
		{
			name:     "nothing at or above warn_at",
			grants:   preset(t, "monitoring"),
			wantRows: nil,
		},
		{
			name:     "warn_at medium mentions a token whose highest finding is medium",
			grants:   scopes.Grants{{Scope: "workspace_request_history", Read: true}, {Scope: "workspace_content", Read: true}},
			warnAt:   "medium",
			wantWarn: `Token "t": medium risk`,
			wantRows: []string{"workspace_content", "workspace_request_history"},
			wantLines: []string{
				"  workspace_content          - R - -  medium  " + mustScope(t, "workspace_content").Reach,
				"  workspace_request_history  - R - -  medium  " + mustScope(t, "workspace_request_history").Reach,
			},
			wantAttr: AboutGrants,
		},
		{
			name:   "the default policy stays silent about a medium-only token",
			grants: scopes.Grants{{Scope: "workspace_request_history", Read: true}, {Scope: "workspace_content", Read: true}},
		},
		{
			name:     "warn_at critical drops high",
			grants:   scopes.Grants{{Scope: "workspace_database", Read: true}, {Scope: "workspace_files", Read: true}},
			never:    true,
			warnAt:   "critical",
			wantWarn: `Token "t": critical risk`,
			wantRows: []string{"workspace_database"},
			wantAttr: AboutGrants,
		},
		{
			name:     "the letters show every permission granted on a reported scope",
			grants:   scopes.Grants{{Scope: "workspace_tasks", Create: true, Read: true, Update: true}},
			wantWarn: `Token "t": high risk`,
			wantRows: []string{"workspace_tasks"},
			wantLines: []string{
				"  workspace_tasks  C R U -  high  background tasks, code run on a timer",
			},
			wantAttr: AboutGrants,
		},
		{
			name:     "a lifetime finding alone points at its attribute",
			grants:   preset(t, "weweb"),
			never:    true,
			wantWarn: `Token "t": high risk`,
			wantLines: []string{
				"Lifetime: never expires, so a leaked secret works until someone revokes it; set expires_in, as Xano's scope guide advises rotating tokens monthly or quarterly.",
			},
			wantAttr: AboutNeverExpires,
		},
		{
			name:     "lifetime, max_lifetime and description are one line each",
			grants:   scopes.Grants{{Scope: "workspace_api_groups", Read: true}},
			lifetime: 120 * duration.Day,
			warnAt:   "medium",
			maxLife:  "90d",
			reqDesc:  true,
			wantWarn: `Token "t": high risk`,
			wantLines: []string{
				"Lifetime: 120d, longer than the 90 days of a quarterly rotation; set expires_in to 90d or less.",
				"Max lifetime: 120d is over the provider policy's cap of 90d; set expires_in to 90d or less.",
				"Description: the provider policy requires one; say what the token is for and who owns it.",
			},
		},
		{
			name:     "never_expires under max_lifetime",
			grants:   preset(t, "weweb"),
			never:    true,
			maxLife:  "30d",
			wantWarn: `Token "t": high risk`,
			wantLines: []string{
				"Max lifetime: the provider policy caps tokens at 30d; replace never_expires with expires_in.",
			},
			wantAttr: AboutNeverExpires,
		},
		{
			name:     "an admin key",
			grants:   allCRUD(),
			wantWarn: `Token "t": critical risk`,
			wantRows: scopes.Keys(),
			wantLines: []string{
				"Admin key: every permission on every scope, the whole instance; give each integration its own token, starting from a recipe of Xano's scope guide (data source xano_scope_preset).",
			},
			wantAttr: AboutGrants,
		},
		{
			name:     "a widening replacement",
			prev:     preset(t, "weweb"),
			grants:   append(preset(t, "weweb"), scopes.Grant{Scope: "workspace_files", Read: true, Delete: true}),
			wantWarn: `Token "t": high risk`,
			wantRows: []string{"workspace_files"},
			wantLines: []string{
				"The replacement adds workspace_files.read, workspace_files.delete.",
			},
			wantAttr: AboutGrants,
		},
		{
			name:     "a narrowing replacement is low, reported from warn_at low",
			prev:     preset(t, "monitoring"),
			grants:   preset(t, "weweb"),
			warnAt:   "low",
			wantWarn: `Token "t": medium risk`,
			wantRows: []string{"workspace_content", "workspace_api_groups"},
			wantLines: []string{
				"The replacement drops workspace_request_history.read.",
			},
			wantAttr: AboutGrants,
		},
		{
			name:       "enforce without acknowledgement makes one error",
			grants:     scopes.Grants{{Scope: "workspace_files", Read: true}, {Scope: "workspace_content", Read: true}},
			never:      true,
			enforce:    true,
			wantErrors: []string{`Token "t": high risk refused by the provider policy`},
			wantRows:   []string{"workspace_files"},
			wantLines: []string{
				"Enforced: the provider policy fails findings of severity high and above; fix them, or set risk_acknowledgement saying why and who approved it.",
			},
		},
		{
			name:     "acknowledgement keeps a warning under enforce",
			grants:   scopes.Grants{{Scope: "workspace_files", Read: true}},
			never:    true,
			enforce:  true,
			ack:      ack,
			wantWarn: `Token "t": high risk, acknowledged`,
			wantRows: []string{"workspace_files"},
			wantLines: []string{
				"Acknowledged: " + ack,
			},
		},
		{
			name:       "blank acknowledgement is none",
			grants:     scopes.Grants{{Scope: "workspace_files", Read: true}},
			enforce:    true,
			ack:        "   ",
			wantErrors: []string{`Token "t": high risk refused by the provider policy`},
			wantRows:   []string{"workspace_files"},
		},
		{
			name:       "deny is one error and nothing else",
			grants:     scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}, {Scope: "workspace_files", Delete: true}},
			deny:       []string{"*.delete", "workspace_database.*"},
			wantErrors: []string{`Token "t": grants denied by the provider policy`},
			wantRows:   []string{"workspace_database", "workspace_files"},
			wantLines: []string{
				`  workspace_database  - R - D  critical  denied by "*.delete", "workspace_database.*"`,
				`  workspace_files     - - - D  high      denied by "*.delete"`,
				"A deny rule fails a plan that mints the token, whatever enforce and risk_acknowledgement say: remove workspace_database.read, " +
					"workspace_database.delete, workspace_files.delete, or ask whoever owns the provider policy to change it. " +
					"Terraform's destroy plans this configuration first, so while it asks for these grants, destroy with -refresh=false.",
			},
			wantAttr: AboutGrants,
		},
		{
			name:       "deny beats acknowledgement and enforce",
			grants:     scopes.Grants{{Scope: "workspace_database", Read: true, Delete: true}},
			deny:       []string{"*.delete"},
			enforce:    true,
			ack:        ack,
			wantErrors: []string{`Token "t": grant denied by the provider policy`},
			wantRows:   []string{"workspace_database"},
		},
		{
			name:       "deny below warn_at is still an error",
			grants:     scopes.Grants{{Scope: "workspace_content", Read: true}},
			deny:       []string{"*.*"},
			warnAt:     "critical",
			wantErrors: []string{`Token "t": grant denied by the provider policy`},
			wantRows:   []string{"workspace_content"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol, errs := ParsePolicy(Config{WarnAt: tt.warnAt, Deny: tt.deny, MaxLifetime: tt.maxLife, RequireDescription: tt.reqDesc, Enforce: tt.enforce})
			if errs != nil {
				t.Fatal(errs)
			}
			lifetime := tt.lifetime
			if lifetime == 0 {
				lifetime = defaultLifetime
			}
			spec := Spec{Grants: tt.grants, Lifetime: lifetime, NeverExpires: tt.never, Acknowledgement: tt.ack}
			var prev *Spec
			if tt.prev != nil {
				prev = &Spec{Grants: tt.prev, Lifetime: lifetime}
			}
			findings := ReviewChange(prev, spec, pol)
			before := slices.Clone(findings)
			rep := Assess(Subject{Name: "t", Instance: "main"}, findings, spec, pol)
			if !reflect.DeepEqual(findings, before) {
				t.Fatal("Assess modified the findings passed in")
			}
			gotWarn := ""
			if rep.Warning != nil {
				gotWarn = rep.Warning.Summary
			}
			if gotWarn != tt.wantWarn {
				t.Errorf("warning = %q, want %q", gotWarn, tt.wantWarn)
			}
			var gotErrs []string
			for _, m := range rep.Errors {
				gotErrs = append(gotErrs, m.Summary)
			}
			if !slices.Equal(gotErrs, tt.wantErrors) {
				t.Errorf("errors = %q, want %q", gotErrs, tt.wantErrors)
			}
			msg := rep.Warning
			if len(rep.Errors) == 1 {
				msg = &rep.Errors[0]
			}
			if msg == nil {
				return
			}
			if got := tableScopes(msg); !slices.Equal(got, tt.wantRows) {
				t.Errorf("table rows = %v, want %v\n%s", got, tt.wantRows, msg.Detail)
			}
			lines := strings.Split(msg.Detail, "\n")
			for _, want := range tt.wantLines {
				if !slices.Contains(lines, want) {
					t.Errorf("detail lacks the line %q:\n%s", want, msg.Detail)
				}
			}
			if tt.wantAttr != AboutToken && msg.About != tt.wantAttr {
				t.Errorf("aspect = %d, want %d", msg.About, tt.wantAttr)
			}
			ackText := strings.TrimSpace(tt.ack)
			if has := strings.Contains(msg.Detail, "Acknowledged:"); has != (ackText != "" && rep.Warning != nil) {
				t.Errorf("acknowledgement shown = %v:\n%s", has, msg.Detail)
			}
			requireOnce(t, lines)
		})
	}
}

// requireOnce fails when a detail says something twice: a repeated line, or
// a reach, narrow or acknowledgement line more than once.
func requireOnce(t *testing.T, lines []string) {
	t.Helper()
	seen := map[string]bool{}
	prefixes := map[string]int{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("line said twice: %q", l)
		}
		seen[l] = true
		for _, p := range []string{"Reach:", "Narrow ", "Acknowledged:", "Enforced:"} {
			if strings.HasPrefix(l, p) {
				prefixes[p]++
			}
		}
	}
	for p, n := range prefixes {
		if n > 1 {
			t.Errorf("%d lines start with %q", n, p)
		}
	}
}

func mustScope(t *testing.T, key string) scopes.Scope {
	t.Helper()
	s, ok := scopes.ByKey(key)
	if !ok {
		t.Fatalf("no scope %q", key)
	}
	return s
}

// TestAssessNamesTheToken checks that no two tokens share a summary, which
// would let Terraform fold their warnings into one in its text output.
func TestAssessNamesTheToken(t *testing.T) {
	t.Parallel()
	spec := Spec{Grants: only("workspace_database", scopes.Read), Lifetime: defaultLifetime}
	fs := Review(spec, Default())
	tests := []struct {
		sub  Subject
		want string
	}{
		{Subject{Name: "reports", Instance: "main"}, `Token "reports": critical risk`},
		{Subject{Name: "reports", Instance: "staging", ShowInstance: true}, `Token "reports" on instance "staging": critical risk`},
		{Subject{Name: "ci", Ephemeral: true}, `Ephemeral token "ci": critical risk`},
		{Subject{Name: "ci", ShowInstance: true}, `Token "ci": critical risk`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		rep := Assess(tt.sub, fs, spec, Default())
		if rep.Warning == nil || rep.Warning.Summary != tt.want {
			t.Errorf("Assess(%+v) warning = %+v, want summary %q", tt.sub, rep.Warning, tt.want)
			continue
		}
		if seen[rep.Warning.Summary] {
			t.Errorf("two subjects share the summary %q", rep.Warning.Summary)
		}
		seen[rep.Warning.Summary] = true
	}
	noInstance := Assess(Subject{Name: "x"}, fs, spec, Default())
	if !strings.Contains(noInstance.Warning.Detail, "every workspace of its instance") {
		t.Errorf("without an instance the reach line should say its instance:\n%s", noInstance.Warning.Detail)
	}
}

// TestAssessTable checks the table's layout: two leading spaces, which
// Terraform never rewraps, and aligned columns.
func TestAssessTable(t *testing.T) {
	t.Parallel()
	spec := Spec{Grants: preset(t, "admin_dashboard"), Lifetime: defaultLifetime}
	rep := Assess(Subject{Name: "admin"}, Review(spec, Default()), spec, Default())
	var rows []string
	for _, l := range strings.Split(rep.Warning.Detail, "\n") {
		if strings.HasPrefix(l, "  ") {
			rows = append(rows, l)
		}
	}
	want := []string{
		"  workspace_database  C R U D  critical  every record and schema, all data sources",
		"  workspace_files     C R U D  high      every file, private ones included",
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
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
		// CanFail false must mean Assess never errs, even on the riskiest token.
		all := Spec{Grants: allCRUD(), NeverExpires: true}
		if rep := Assess(Subject{Name: "all"}, Review(all, tt.pol), all, tt.pol); len(rep.Errors) > 0 != tt.want {
			t.Errorf("%s: CanFail = %v but Assess returned %d errors", tt.name, tt.want, len(rep.Errors))
		}
	}
}

func BenchmarkReview(b *testing.B) {
	spec := Spec{Grants: preset(b, "automation"), Lifetime: 30 * duration.Day}
	pol, errs := ParsePolicy(Config{WarnAt: "high", Deny: []string{"workspace_live_data_source.*"}, MaxLifetime: "90d", RequireDescription: true, Enforce: true})
	if errs != nil {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		Assess(Subject{Name: "n8n"}, Review(spec, pol), spec, pol)
	}
}

// Example shows what a plan reports for the automation recipe of Xano's
// scope guide under the default policy: one warning for the token.
func Example() {
	p, _ := scopes.LookupPreset("automation")
	spec := Spec{Grants: p.Grants, Lifetime: 7 * duration.Day, Acknowledgement: "Staging only; approved by the platform team"}
	rep := Assess(Subject{Name: "n8n-staging", Instance: "demo"}, Review(spec, Default()), spec, Default())
	fmt.Println(rep.Warning.Summary)
	fmt.Println(rep.Warning.Detail)
	// Output:
	// Token "n8n-staging": critical risk, acknowledged
	//   workspace_database  C R U D  critical  every record and schema, all data sources
	//   workspace_tasks     C R U -  high      background tasks, code run on a timer
	//   workspace_files     C R U -  high      every file, private ones included
	// Reach: the token works in every workspace of instance "demo", not only the one an integration uses.
	// Narrow workspace_database: Xano calls this the most powerful scope: serve application data through an API endpoint with its own authentication instead, and keep any grant of it to read.
	// Acknowledged: Staging only; approved by the platform team
}

// TestAssessExisting: a token a plan leaves as it is never fails the plan.
// A deny rule that now covers it, or an enforced finding, is one warning
// that says the token exists and what narrowing it costs; otherwise only
// what is new since its review (idleness, grants beyond a new purpose).
func TestAssessExisting(t *testing.T) {
	t.Parallel()
	denyDB, err := ParsePattern("workspace_database.*")
	if err != nil {
		t.Fatal(err)
	}
	db := Spec{Grants: scopes.Grants{{Scope: "workspace_database", Read: true}}}
	idle := Finding{Severity: scopes.SeverityHigh, Rule: RuleIdle, Summary: "never used since its creation at 2030-01-01T00:00:00Z"}
	sub := Subject{Name: "bi"}
	tests := []struct {
		name     string
		pol      Policy
		spec     Spec
		extra    []Finding
		recorded func(all []Finding) []Finding
		want     string // warning summary, "" for none
		wantIn   []string
	}{
		{name: "newer deny", pol: Policy{Deny: []Pattern{denyDB}}, spec: db,
			want: `Token "bi": existing token covered by a deny rule`, wantIn: []string{`denied by "workspace_database.*"`, "already exists", "mints a new secret"}},
		{name: "enforced finding", pol: Policy{Enforce: true}, spec: db,
			want: `Token "bi": existing token above the enforced policy`, wantIn: []string{"already exists", "risk_acknowledgement"}},
		{name: "acknowledged under enforce", pol: Policy{Enforce: true}, spec: Spec{Grants: db.Grants, Acknowledgement: "BI team, approved"}},
		{name: "unchanged: nothing", pol: Default(), spec: db},
		{name: "idle", pol: Default(), spec: db, extra: []Finding{idle}, want: `Token "bi": high risk`, wantIn: []string{"never used"}},
		{name: "new purpose finding", pol: Default(), spec: Spec{Grants: db.Grants, Purpose: "weweb"}, recorded: func([]Finding) []Finding { return nil },
			want: `Token "bi": critical risk`, wantIn: []string{"weweb"}},
		{name: "known purpose finding", pol: Default(), spec: Spec{Grants: db.Grants, Purpose: "weweb"}, recorded: func(all []Finding) []Finding { return all }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			all := append(Review(tt.spec, tt.pol), tt.extra...)
			var recorded []Finding
			if tt.recorded != nil {
				recorded = tt.recorded(all)
			}
			requireOneWarning(t, "an existing token", AssessExisting(sub, all, recorded, tt.spec, tt.pol), tt.want, tt.wantIn)
		})
	}
}

// TestAssessImported: the plan that imports a token shows what a create of it
// would, as one warning: the whole review, never an error.
func TestAssessImported(t *testing.T) {
	t.Parallel()
	denyDB, err := ParsePattern("workspace_database.*")
	if err != nil {
		t.Fatal(err)
	}
	db := Spec{Grants: scopes.Grants{{Scope: "workspace_database", Read: true}}}
	low := Spec{Grants: scopes.Grants{{Scope: "workspace_api_groups", Read: true}}}
	sub := Subject{Name: "bi"}
	tests := []struct {
		name   string
		pol    Policy
		spec   Spec
		want   string // warning summary, "" for none
		wantIn []string
	}{
		{name: "critical grant", pol: Default(), spec: db, want: `Token "bi": critical risk`,
			wantIn: []string{"workspace_database", "every record"}},
		{name: "acknowledged", pol: Default(), spec: Spec{Grants: db.Grants, Acknowledgement: "BI team"},
			want: `Token "bi": critical risk, acknowledged`, wantIn: []string{"Acknowledged: BI team"}},
		{name: "enforced", pol: Policy{Enforce: true}, spec: db,
			want: `Token "bi": existing token above the enforced policy`, wantIn: []string{"already exists"}},
		{name: "denied", pol: Policy{Deny: []Pattern{denyDB}}, spec: db,
			want: `Token "bi": existing token covered by a deny rule`, wantIn: []string{"already exists"}},
		{name: "nothing to report", pol: Default(), spec: low},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireOneWarning(t, "an imported token", AssessImported(sub, Review(tt.spec, tt.pol), tt.spec, tt.pol), tt.want, tt.wantIn)
		})
	}
	// The same token kept after a review warns no more.
	if existing := AssessExisting(sub, Review(db, Default()), Review(db, Default()), db, Default()); existing.Warning != nil {
		t.Errorf("a kept token reviewed before warns again: %q", existing.Warning.Summary)
	}
}

// requireOneWarning fails unless rep has no error and a warning whose
// summary is want ("" for none) and whose detail holds every wantIn.
func requireOneWarning(t *testing.T, what string, rep Report, want string, wantIn []string) {
	t.Helper()
	if len(rep.Errors) > 0 {
		t.Fatalf("errors for %s: %+v", what, rep.Errors)
	}
	got := ""
	if rep.Warning != nil {
		got = rep.Warning.Summary
	}
	if got != want {
		t.Fatalf("warning = %q, want %q", got, want)
	}
	for _, s := range wantIn {
		if !strings.Contains(rep.Warning.Detail, s) {
			t.Errorf("detail lacks %q:\n%s", s, rep.Warning.Detail)
		}
	}
}
