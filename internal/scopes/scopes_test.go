package scopes

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCatalogIsComplete(t *testing.T) {
	t.Parallel()
	all := All()
	if len(all) != 9 {
		t.Fatalf("catalog has %d scopes, want 9", len(all))
	}
	seenWire := map[string]bool{}
	for _, s := range all {
		if s.Key == "" || s.WireKey == "" || s.DisplayName == "" || s.Description == "" || s.Narrowing == "" || len(s.Includes) == 0 {
			t.Errorf("scope %q has an empty field: %+v", s.Key, s)
		}
		if seenWire[s.WireKey] {
			t.Errorf("wire key %q used twice", s.WireKey)
		}
		seenWire[s.WireKey] = true
		for _, p := range Permissions {
			if s.RiskOf(p) < SeverityLow || s.RiskOf(p) > SeverityCritical {
				t.Errorf("%s.%s has no risk", s.Key, p)
			}
			if s.Exposure[p] == "" {
				t.Errorf("%s.%s has no exposure text", s.Key, p)
			}
		}
		if s.RiskOf(Delete) < SeverityHigh {
			t.Errorf("%s.delete is %s; any delete must be at least high", s.Key, s.RiskOf(Delete))
		}
	}
	// The four wire keys Xano's documentation shows.
	for key, wire := range map[string]string{
		"workspace_api_groups":      "workspace:api",
		"workspace_files":           "workspace:file",
		"workspace_request_history": "workspace:requesthistory",
		"workspace_content":         "instance:workspace",
	} {
		s, ok := ByKey(key)
		if !ok || s.WireKey != wire {
			t.Errorf("ByKey(%q).WireKey = %q, want %q", key, s.WireKey, wire)
		}
	}
}

func TestRiskLevels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		key  string
		perm Permission
		want Severity
	}{
		{"workspace_database", Read, SeverityCritical},
		{"workspace_live_data_source", Read, SeverityCritical},
		{"workspace_content", Read, SeverityMedium},
		{"workspace_content", Create, SeverityHigh},
		{"workspace_api_groups", Read, SeverityLow},
		{"workspace_api_groups", Update, SeverityHigh},
		{"workspace_functions", Read, SeverityMedium},
		{"workspace_functions", Update, SeverityHigh},
		{"workspace_addons", Read, SeverityLow},
		{"workspace_addons", Update, SeverityMedium},
		{"workspace_tasks", Read, SeverityLow},
		{"workspace_tasks", Create, SeverityHigh},
		{"workspace_files", Read, SeverityHigh},
		{"workspace_request_history", Read, SeverityMedium},
	}
	for _, tc := range cases {
		s, _ := ByKey(tc.key)
		if got := s.RiskOf(tc.perm); got != tc.want {
			t.Errorf("%s.%s = %s, want %s", tc.key, tc.perm, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         string
		ok         bool
		suggestion string
		alias      bool
	}{
		{in: "workspace_database", ok: true},
		{in: "workspace_databse", suggestion: "workspace_database"},
		{in: "workspace_api_group", suggestion: "workspace_api_groups"},
		{in: "Workspace Database", suggestion: "workspace_database", alias: true},
		{in: "workspace:database", suggestion: "workspace_database", alias: true},
		{in: "instance:workspace", suggestion: "workspace_content", alias: true},
		{in: "workspace:requesthistory", suggestion: "workspace_request_history", alias: true},
		{in: "Workspace Request History", suggestion: "workspace_request_history", alias: true},
		{in: "WORKSPACE_FILES", suggestion: "workspace_files", alias: true},
		{in: "files", suggestion: "workspace_files"},
		{in: "request_history", suggestion: "workspace_request_history"},
		{in: "billing", suggestion: ""},
		{in: "", suggestion: ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			s, err := Resolve(tc.in)
			if tc.ok {
				if err != nil || s.Key != tc.in {
					t.Fatalf("Resolve(%q) = %v, %v", tc.in, s.Key, err)
				}
				return
			}
			var u *UnknownScopeError
			if !errors.As(err, &u) {
				t.Fatalf("Resolve(%q) error = %v, want *UnknownScopeError", tc.in, err)
			}
			if u.Suggestion != tc.suggestion || u.Alias != tc.alias {
				t.Fatalf("Resolve(%q) suggestion = %q alias=%v, want %q alias=%v", tc.in, u.Suggestion, u.Alias, tc.suggestion, tc.alias)
			}
			msg := err.Error()
			if !strings.Contains(msg, "workspace_request_history") || !strings.Contains(msg, "workspace_database") {
				t.Errorf("message does not list the valid names: %s", msg)
			}
			if tc.suggestion != "" && !strings.Contains(msg, "did you mean \""+tc.suggestion+"\"") && !strings.Contains(msg, "Did you mean \""+tc.suggestion+"\"") {
				t.Errorf("message lacks the suggestion: %s", msg)
			}
		})
	}
}

func TestGrantsValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   Grants
		want []string
	}{
		{"ok", Grants{{Scope: "workspace_content", Read: true}}, nil},
		{"none", nil, []string{"at least one scope"}},
		{"unknown", Grants{{Scope: "workspace_databse", Read: true}}, []string{"did you mean"}},
		{"empty grant", Grants{{Scope: "workspace_content"}}, []string{"grants no permission"}},
		{"duplicate", Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_content", Create: true}}, []string{"more than once"}},
	}
	for _, tc := range cases {
		errs := tc.in.Validate()
		if len(errs) != len(tc.want) {
			t.Errorf("%s: got %v, want %d errors", tc.name, errs, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(strings.ToLower(errs[i].Error()), strings.ToLower(w)) {
				t.Errorf("%s: error %q lacks %q", tc.name, errs[i], w)
			}
		}
	}
}

func TestWireRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range Presets() {
		wire, err := p.Grants.Wire()
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		back, err := FromWire(wire)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if !reflect.DeepEqual(back, p.Grants.Sorted()) {
			t.Errorf("%s: round trip %v != %v", p.Name, back, p.Grants)
		}
	}
	if _, err := FromWire(map[string][]string{"workspace:billing": {"read"}}); err == nil {
		t.Error("FromWire accepted an unknown scope")
	}
	if _, err := FromWire(map[string][]string{"workspace:api": {"execute"}}); err == nil {
		t.Error("FromWire accepted an unknown permission")
	}
}

func TestPresets(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"weweb":           "workspace_content:-R--, workspace_api_groups:-R--",
		"monitoring":      "workspace_content:-R--, workspace_api_groups:-R--, workspace_request_history:-R--",
		"automation":      "workspace_database:CRUD, workspace_tasks:CRU-, workspace_files:CRU-",
		"admin_dashboard": "workspace_database:CRUD, workspace_api_groups:-R--, workspace_files:CRUD, workspace_request_history:-R--",
		"analytics":       "workspace_database:-R--, workspace_content:-R--, workspace_request_history:-R--",
	}
	for name, grants := range want {
		p, err := LookupPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Grants.String(); got != grants {
			t.Errorf("%s = %s, want %s", name, got, grants)
		}
		if p.Purpose == "" || p.Rationale == "" {
			t.Errorf("%s lacks purpose or rationale", name)
		}
	}
	_, err := LookupPreset("webweb")
	if err == nil || !strings.Contains(err.Error(), `Did you mean "weweb"`) {
		t.Errorf("LookupPreset(webweb) = %v", err)
	}
	_, err = LookupPreset("admin-dashboard")
	if err == nil || !strings.Contains(err.Error(), `"admin_dashboard"`) {
		t.Errorf("LookupPreset(admin-dashboard) = %v", err)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	prev := Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_files", Read: true, Delete: true}}
	next := Grants{{Scope: "workspace_content", Read: true, Update: true}, {Scope: "workspace_database", Read: true}}
	added, removed := Diff(prev, next)
	if got := pairs(added); got != "workspace_database.read workspace_content.update" {
		t.Errorf("added = %s", got)
	}
	if got := pairs(removed); got != "workspace_files.read workspace_files.delete" {
		t.Errorf("removed = %s", got)
	}
}

func pairs(ps []Pair) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

func TestSeverity(t *testing.T) {
	t.Parallel()
	for _, s := range []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical} {
		back, err := ParseSeverity(s.String())
		if err != nil || back != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, back, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
}

// FuzzResolve checks that name resolution never panics, that a suggestion is
// always a real key, and that only real keys resolve.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"workspace_database", "Workspace Database", "workspace:database", "files", "", " ", "workspace__", "ü", "instance:workspace"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s, err := Resolve(name)
		if err == nil {
			if s.Key != name {
				t.Fatalf("Resolve(%q) returned %q", name, s.Key)
			}
			return
		}
		var u *UnknownScopeError
		if !errors.As(err, &u) {
			t.Fatalf("unexpected error type %T", err)
		}
		if u.Suggestion != "" {
			if _, ok := ByKey(u.Suggestion); !ok {
				t.Fatalf("suggestion %q is not a key", u.Suggestion)
			}
		}
	})
}

func BenchmarkResolveTypo(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Resolve("workspace_databse")
	}
}

func BenchmarkValidateAutomation(b *testing.B) {
	p, _ := LookupPreset("automation")
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Grants.Validate()
	}
}
