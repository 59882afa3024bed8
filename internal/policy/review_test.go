package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

const defaultLifetime = 7 * duration.Day

func preset(t testing.TB, name string) scopes.Grants {
	t.Helper()
	p, err := scopes.LookupPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p.Grants
}

// allCRUD grants every permission on every scope: the admin key.
func allCRUD() scopes.Grants {
	var gs scopes.Grants
	for _, k := range scopes.Keys() {
		gs = append(gs, scopes.Grant{Scope: k, Create: true, Read: true, Update: true, Delete: true})
	}
	return gs
}

// reversed returns a reversed copy, as a set may hand grants over in any order.
func reversed(gs scopes.Grants) scopes.Grants {
	out := slices.Clone(gs)
	slices.Reverse(out)
	return out
}

func only(key string, p scopes.Permission) scopes.Grants {
	return scopes.Grants{scopes.Grant{Scope: key}.Set(p, true)}
}

func byRule(fs []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func paths(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule + ":" + f.Scope + "." + string(f.Permission)
	}
	return out
}

// TestGrantFindingEveryPair covers the 9 x 4 catalog: one finding per pair,
// with the catalog's severity and words a reviewer can act on.
func TestGrantFindingEveryPair(t *testing.T) {
	t.Parallel()
	for _, s := range scopes.All() {
		for _, p := range scopes.Permissions {
			t.Run(s.Key+"."+string(p), func(t *testing.T) {
				t.Parallel()
				fs := Review(Spec{Grants: only(s.Key, p), Lifetime: defaultLifetime}, Default())
				if len(fs) != 1 {
					t.Fatalf("findings = %v, want exactly one grant finding", paths(fs))
				}
				f := fs[0]
				if f.Rule != RuleGrant || f.Scope != s.Key || f.Permission != p || f.About != AboutGrants {
					t.Fatalf("finding path = %s %s.%s @%s, want grant %s.%s @scope", f.Rule, f.Scope, f.Permission, f.About, s.Key, p)
				}
				if want := s.RiskOf(p); f.Severity != want {
					t.Errorf("severity = %s, catalog says %s", f.Severity, want)
				}
				if p == scopes.Delete && f.Severity < scopes.SeverityHigh {
					t.Errorf("delete severity = %s, want at least high", f.Severity)
				}
				if want := "can " + s.Exposure[p]; f.Summary != want {
					t.Errorf("summary = %q, want %q", f.Summary, want)
				}
				if strings.Contains(f.Summary, "\n") {
					t.Errorf("summary %q is not one line", f.Summary)
				}
			})
		}
	}
}

func TestGrantSummaryExample(t *testing.T) {
	t.Parallel()
	fs := Review(Spec{Grants: only("workspace_database", scopes.Delete)}, Default())
	want := "can delete records and drop tables across all data sources"
	if len(fs) != 1 || fs[0].Summary != want {
		t.Fatalf("summary = %q, want %q", fs[0].Summary, want)
	}
}

func TestGrantSeverityFloor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		perm    scopes.Permission
		catalog scopes.Severity
		want    scopes.Severity
	}{
		{scopes.Delete, scopes.SeverityLow, scopes.SeverityHigh},
		{scopes.Delete, scopes.SeverityMedium, scopes.SeverityHigh},
		{scopes.Delete, scopes.SeverityHigh, scopes.SeverityHigh},
		{scopes.Delete, scopes.SeverityCritical, scopes.SeverityCritical},
		{scopes.Read, scopes.SeverityLow, scopes.SeverityLow},
		{scopes.Update, scopes.SeverityMedium, scopes.SeverityMedium},
		{scopes.Create, 0, scopes.SeverityHigh}, // an unrated permission never hides
	}
	for _, tt := range tests {
		if got := grantSeverity(tt.perm, tt.catalog); got != tt.want {
			t.Errorf("grantSeverity(%s, %s) = %s, want %s", tt.perm, tt.catalog, got, tt.want)
		}
	}
}

func TestPresets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		preset       string
		wantWarnings []string // scopes the warnings must name; nil means no warning at all
		wantAbsent   []string // scopes no warning may name
	}{
		{preset: "weweb"},
		{preset: "monitoring"},
		{
			preset:       "automation",
			wantWarnings: []string{"workspace_database", "workspace_files", "workspace_tasks"},
		},
		{
			preset:       "admin_dashboard",
			wantWarnings: []string{"workspace_database", "workspace_files"},
			wantAbsent:   []string{"workspace_api_groups", "workspace_request_history"},
		},
		{
			preset:       "analytics",
			wantWarnings: []string{"workspace_database"},
			wantAbsent:   []string{"workspace_content", "workspace_request_history"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			t.Parallel()
			spec := Spec{Grants: preset(t, tt.preset), Lifetime: defaultLifetime}
			fs := Review(spec, Default())
			rep := Assess(Subject{Name: tt.preset}, fs, spec, Default())
			if len(rep.Errors) != 0 {
				t.Fatalf("errors = %v, want none without enforce", rep.Errors)
			}
			if tt.wantWarnings == nil && rep.Warning != nil {
				t.Fatalf("warning = %+v, want none at the default policy", rep.Warning)
			}
			named := map[string]bool{}
			for _, k := range tableScopes(rep.Warning) {
				named[k] = true
			}
			for _, k := range tt.wantWarnings {
				if !named[k] {
					t.Errorf("the warning's table does not name %s:\n%s", k, rep.Warning.Detail)
				}
			}
			for _, k := range tt.wantAbsent {
				if named[k] {
					t.Errorf("the warning's table names %s, whose preset grant is below high", k)
				}
			}
			if len(byRule(fs, RuleAdminKey)) != 0 {
				t.Errorf("preset %s flagged as an admin key", tt.preset)
			}
		})
	}
}

// TestAlwaysWarns pins the list of grants that warn under the default
// policy, so a change to the catalog's severities cannot widen or narrow it
// unnoticed.
func TestAlwaysWarns(t *testing.T) {
	t.Parallel()
	var specs []struct {
		name string
		spec Spec
	}
	add := func(name string, spec Spec) {
		specs = append(specs, struct {
			name string
			spec Spec
		}{name, spec})
	}
	for _, p := range scopes.Permissions {
		add("database "+string(p), Spec{Grants: only("workspace_database", p)})
		add("live data source "+string(p), Spec{Grants: only("workspace_live_data_source", p)})
	}
	for _, k := range scopes.Keys() {
		add("delete on "+k, Spec{Grants: only(k, scopes.Delete)})
	}
	for _, k := range []string{"workspace_functions", "workspace_tasks", "workspace_api_groups"} {
		add("code-changing create on "+k, Spec{Grants: only(k, scopes.Create)})
		add("code-changing update on "+k, Spec{Grants: only(k, scopes.Update)})
	}
	add("files read", Spec{Grants: only("workspace_files", scopes.Read)})
	add("never_expires", Spec{Grants: preset(t, "weweb"), NeverExpires: true})
	for _, tt := range specs {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := Assess(Subject{Name: "t"}, Review(tt.spec, Default()), tt.spec, Default())
			if rep.Warning == nil || len(rep.Errors) != 0 {
				t.Fatalf("report = %+v, want one warning and no error", rep)
			}
		})
	}
}

func TestAdminKey(t *testing.T) {
	t.Parallel()
	missingDelete := allCRUD()
	missingDelete[4].Delete = false
	tests := []struct {
		name   string
		grants scopes.Grants
		want   bool
	}{
		{"all nine with full CRUD", allCRUD(), true},
		{"all nine, reversed order", reversed(allCRUD()), true},
		{"eight scopes with full CRUD", allCRUD()[:8], false},
		{"one delete missing", missingDelete, false},
		{"automation preset", preset(t, "automation"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := Review(Spec{Grants: tt.grants, Lifetime: defaultLifetime}, Default())
			admin := byRule(fs, RuleAdminKey)
			if got := len(admin) == 1; got != tt.want {
				t.Fatalf("admin_key finding present = %v, want %v", got, tt.want)
			}
			if !tt.want {
				return
			}
			f := admin[0]
			if f.Severity != scopes.SeverityCritical || f.About != AboutGrants || f.Scope != "" {
				t.Errorf("admin_key = %+v, want critical on the scope attribute", f)
			}
			for _, want := range []string{"admin key in disguise"} {
				if !strings.Contains(f.Summary, want) {
					t.Errorf("summary %q lacks %q", f.Summary, want)
				}
			}
			if n := len(byRule(fs, RuleGrant)); n != 36 {
				t.Errorf("grant findings = %d, want 36 alongside the admin key", n)
			}
		})
	}
}

func TestLifetimeRules(t *testing.T) {
	t.Parallel()
	day := duration.Day
	tests := []struct {
		name      string
		lifetime  time.Duration
		never     bool
		max       time.Duration
		want      []string // rule@attribute in order
		wantSev   []scopes.Severity
		wantInSum []string
	}{
		{name: "default 7d", lifetime: 7 * day},
		{name: "exactly 90d", lifetime: 90 * day},
		{name: "unknown lifetime", lifetime: 0},
		{name: "91d", lifetime: 91 * day, want: []string{"long_lifetime@lifetime"}, wantSev: []scopes.Severity{scopes.SeverityMedium}, wantInSum: []string{"91d", "quarterly"}},
		{name: "never expires", never: true, want: []string{"never_expires@never_expires"}, wantSev: []scopes.Severity{scopes.SeverityHigh}},
		{name: "never expires ignores lifetime", never: true, lifetime: 400 * day, want: []string{"never_expires@never_expires"}, wantSev: []scopes.Severity{scopes.SeverityHigh}},
		{name: "within max_lifetime", lifetime: 30 * day, max: 30 * day},
		{name: "over max_lifetime", lifetime: 31 * day, max: 30 * day, want: []string{"max_lifetime@lifetime"}, wantSev: []scopes.Severity{scopes.SeverityHigh}, wantInSum: []string{"31d", "30d"}},
		{
			name: "over max_lifetime and quarterly", lifetime: 120 * day, max: 90 * day,
			want:    []string{"long_lifetime@lifetime", "max_lifetime@lifetime"},
			wantSev: []scopes.Severity{scopes.SeverityMedium, scopes.SeverityHigh},
		},
		{
			name: "never expires under max_lifetime", never: true, max: 90 * day,
			want:      []string{"never_expires@never_expires", "max_lifetime@never_expires"},
			wantSev:   []scopes.Severity{scopes.SeverityHigh, scopes.SeverityHigh},
			wantInSum: []string{"never", "90d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := Default()
			pol.MaxLifetime = tt.max
			spec := Spec{Grants: preset(t, "weweb"), Lifetime: tt.lifetime, NeverExpires: tt.never}
			var got []string
			var sevs []scopes.Severity
			fs := Review(spec, pol)
			for _, f := range fs {
				if f.Rule == RuleGrant {
					continue
				}
				got = append(got, f.Rule+"@"+f.About.String())
				sevs = append(sevs, f.Severity)
				if f.Scope != "" || f.Permission != "" {
					t.Errorf("%s names scope %q permission %q, want none", f.Rule, f.Scope, f.Permission)
				}
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(sevs, tt.wantSev) {
				t.Fatalf("findings = %v %v, want %v %v", got, sevs, tt.want, tt.wantSev)
			}
			last := ""
			for _, f := range fs {
				last += f.Summary + "\n"
			}
			for _, sub := range tt.wantInSum {
				if !strings.Contains(last, sub) {
					t.Errorf("summaries do not mention %q:\n%s", sub, last)
				}
			}
		})
	}
}

// TestLongLifetimeReportedOnlyFromMedium checks the 91-day finding, and the
// medium workspace_content.read of the WeWeb recipe, reach the plan only when
// warn_at is medium or lower.
func TestLongLifetimeReportedOnlyFromMedium(t *testing.T) {
	t.Parallel()
	spec := Spec{Grants: preset(t, "weweb"), Lifetime: 91 * duration.Day}
	tests := []struct {
		warnAt scopes.Severity
		want   []string
	}{
		{scopes.SeverityLow, []string{"grant:workspace_content.read", "grant:workspace_api_groups.read", "long_lifetime:."}},
		{scopes.SeverityMedium, []string{"grant:workspace_content.read", "long_lifetime:."}},
		{scopes.SeverityHigh, nil},
		{scopes.SeverityCritical, nil},
		{0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.warnAt.String(), func(t *testing.T) {
			t.Parallel()
			pol := Policy{WarnAt: tt.warnAt}
			var shown []Finding
			for _, f := range Review(spec, pol) {
				if pol.Reports(f) {
					shown = append(shown, f)
				}
			}
			if got := paths(shown); !slices.Equal(got, tt.want) {
				t.Fatalf("warnings = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRequireDescription(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		required bool
		desc     string
		want     bool
	}{
		{"required and empty", true, "", true},
		{"required and blank", true, "  \n", true},
		{"required and present", true, "WeWeb plugin, owned by web team", false},
		{"not required and empty", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := Default()
			pol.RequireDescription = tt.required
			spec := Spec{Grants: preset(t, "weweb"), Lifetime: defaultLifetime, Description: tt.desc}
			fs := byRule(Review(spec, pol), RuleDescriptionRequired)
			if got := len(fs) == 1; got != tt.want {
				t.Fatalf("description_required present = %v, want %v", got, tt.want)
			}
			if tt.want {
				f := fs[0]
				if f.Severity != scopes.SeverityHigh || f.About != AboutDescription {
					t.Errorf("finding = %+v, want high on description", f)
				}
				if !strings.Contains(f.Summary, "requires") {
					t.Errorf("summary %q does not say the policy requires it", f.Summary)
				}
			}
		})
	}
}

func TestDenyFindings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		deny   []string
		grants scopes.Grants
		want   []string // deny finding paths, in order
		quotes []string // patterns the first finding's summary quotes
	}{
		{"exact", []string{"workspace_database.delete"}, preset(t, "automation"), []string{"deny:workspace_database.delete"}, []string{`"workspace_database.delete"`}},
		{"no match", []string{"workspace_database.delete"}, preset(t, "analytics"), nil, nil},
		{"scope wildcard", []string{"*.delete"}, preset(t, "admin_dashboard"), []string{"deny:workspace_database.delete", "deny:workspace_files.delete"}, []string{`"*.delete"`}},
		{"permission wildcard", []string{"workspace_live_data_source.*"}, scopes.Grants{{Scope: "workspace_live_data_source", Read: true, Update: true}}, []string{"deny:workspace_live_data_source.read", "deny:workspace_live_data_source.update"}, nil},
		{"low grant still denied", []string{"*.*"}, only("workspace_content", scopes.Read), []string{"deny:workspace_content.read"}, nil},
		{"several patterns, one finding", []string{"*.delete", "workspace_database.*"}, only("workspace_database", scopes.Delete), []string{"deny:workspace_database.delete"}, []string{`"*.delete"`, `"workspace_database.*"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol, errs := ParsePolicy(Config{Deny: tt.deny})
			if errs != nil {
				t.Fatal(errs)
			}
			fs := Review(Spec{Grants: tt.grants, Lifetime: defaultLifetime}, pol)
			deny := byRule(fs, RuleDeny)
			if got := paths(deny); !slices.Equal(got, tt.want) {
				t.Fatalf("deny findings = %v, want %v", got, tt.want)
			}
			for _, f := range deny {
				grant := fs[slices.IndexFunc(fs, func(g Finding) bool { return g.Rule == RuleDeny && g.Scope == f.Scope && g.Permission == f.Permission })-1]
				if grant.Rule != RuleGrant || grant.Scope != f.Scope || grant.Permission != f.Permission {
					t.Errorf("deny finding %s does not follow its grant finding", f.Summary)
				}
				if f.Severity != grant.Severity {
					t.Errorf("deny severity %s differs from the grant's %s", f.Severity, grant.Severity)
				}
			}
			for _, q := range tt.quotes {
				if !strings.Contains(deny[0].Summary, q) {
					t.Errorf("summary %q does not quote %s", deny[0].Summary, q)
				}
			}
		})
	}
}

func TestWideningAndNarrowing(t *testing.T) {
	t.Parallel()
	weweb := preset(t, "weweb")
	tests := []struct {
		name       string
		prev       *Spec
		next       scopes.Grants
		wantWiden  []string // pairs the widening detail lists; nil means no widening finding
		widenSev   scopes.Severity
		widenPath  string // scope.permission the finding points at
		wantNarrow []string
		narrowPath string
	}{
		{name: "no previous spec", next: weweb},
		{name: "same grants", prev: &Spec{Grants: weweb}, next: preset(t, "weweb")},
		{
			name: "weweb to monitoring", prev: &Spec{Grants: weweb}, next: preset(t, "monitoring"),
			wantWiden: []string{"workspace_request_history.read"}, widenSev: scopes.SeverityMedium,
			widenPath: "workspace_request_history.read",
		},
		{
			name: "monitoring to weweb", prev: &Spec{Grants: preset(t, "monitoring")}, next: weweb,
			wantNarrow: []string{"workspace_request_history.read"}, narrowPath: "workspace_request_history.read",
		},
		{
			name: "analytics to automation", prev: &Spec{Grants: preset(t, "analytics")}, next: preset(t, "automation"),
			wantWiden: []string{
				"workspace_database.create", "workspace_database.update", "workspace_database.delete",
				"workspace_tasks.create", "workspace_tasks.read", "workspace_tasks.update",
				"workspace_files.create", "workspace_files.read", "workspace_files.update",
			},
			widenSev: scopes.SeverityCritical, widenPath: ".",
			wantNarrow: []string{"workspace_content.read", "workspace_request_history.read"}, narrowPath: ".",
		},
		{
			name: "adding delete on one scope", prev: &Spec{Grants: scopes.Grants{{Scope: "workspace_files", Read: true}}}, next: scopes.Grants{{Scope: "workspace_files", Read: true, Create: true, Delete: true}},
			wantWiden: []string{"workspace_files.create", "workspace_files.delete"}, widenSev: scopes.SeverityHigh, widenPath: "workspace_files.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := Spec{Grants: tt.next, Lifetime: defaultLifetime}
			fs := ReviewChange(tt.prev, next, Default())
			if base := Review(next, Default()); !reflect.DeepEqual(fs[:len(base)], base) {
				t.Fatalf("ReviewChange does not start with Review(next)")
			}
			check := func(rule string, want []string, sev scopes.Severity, path string) {
				t.Helper()
				got := byRule(fs, rule)
				if want == nil {
					if len(got) != 0 {
						t.Fatalf("%s findings = %v, want none", rule, paths(got))
					}
					return
				}
				if len(got) != 1 {
					t.Fatalf("%s findings = %v, want one", rule, paths(got))
				}
				f := got[0]
				if f.Severity != sev || f.About != AboutGrants || f.Scope+"."+string(f.Permission) != path {
					t.Errorf("%s = %s %s.%s @%s, want %s %s @scope", rule, f.Severity, f.Scope, f.Permission, f.About, sev, path)
				}
				verb := map[string]string{RuleWidening: "adds", RuleNarrowing: "drops"}[rule]
				if wantSum := "the replacement " + verb + " " + strings.Join(want, ", "); f.Summary != wantSum {
					t.Errorf("%s summary = %q, want %q", rule, f.Summary, wantSum)
				}
				if strings.Contains(f.Summary, "\n") {
					t.Errorf("%s summary is not one line: %q", rule, f.Summary)
				}
			}
			check(RuleWidening, tt.wantWiden, tt.widenSev, tt.widenPath)
			check(RuleNarrowing, tt.wantNarrow, scopes.SeverityLow, tt.narrowPath)
		})
	}
}

// TestDeterministicOrder checks the order is catalog, then CRUD, then the
// token-level rules, whatever order the HCL set hands the grants over in.
func TestDeterministicOrder(t *testing.T) {
	t.Parallel()
	grants := scopes.Grants{
		{Scope: "workspace_request_history", Read: true, Delete: true},
		{Scope: "workspace_files", Update: true, Create: true},
		{Scope: "workspace_database", Delete: true, Read: true},
	}
	pol, errs := ParsePolicy(Config{WarnAt: "low", Deny: []string{"*.delete"}, MaxLifetime: "30d", RequireDescription: true})
	if errs != nil {
		t.Fatal(errs)
	}
	spec := Spec{Grants: grants, Lifetime: 120 * duration.Day}
	want := []string{
		"grant:workspace_database.read",
		"grant:workspace_database.delete",
		"deny:workspace_database.delete",
		"grant:workspace_files.create",
		"grant:workspace_files.update",
		"grant:workspace_request_history.read",
		"grant:workspace_request_history.delete",
		"deny:workspace_request_history.delete",
		"long_lifetime:.",
		"max_lifetime:.",
		"description_required:.",
	}
	first := Review(spec, pol)
	if got := paths(first); !slices.Equal(got, want) {
		t.Fatalf("order = %v\nwant    %v", got, want)
	}
	other := spec
	other.Grants = reversed(grants)
	if again := Review(other, pol); !reflect.DeepEqual(again, first) {
		t.Fatalf("reordering the grants changed the findings")
	}
	prev := Spec{Grants: allCRUD()}
	withAdmin := ReviewChange(&prev, Spec{Grants: reversed(allCRUD())}, pol)
	tail := paths(withAdmin[len(withAdmin)-2:])
	if !slices.Equal(tail, []string{"admin_key:.", "description_required:."}) {
		t.Fatalf("token-level tail = %v", tail)
	}
}

func TestUnknownScopesAreLeftToValidation(t *testing.T) {
	t.Parallel()
	spec := Spec{Grants: scopes.Grants{{Scope: "workspace_databse", Read: true}, {Scope: "workspace_files", Read: true}}}
	pol, _ := ParsePolicy(Config{WarnAt: "low", Deny: []string{"*.*"}})
	if got := paths(Review(spec, pol)); !slices.Equal(got, []string{"grant:workspace_files.read", "deny:workspace_files.read"}) {
		t.Fatalf("findings = %v", got)
	}
}
