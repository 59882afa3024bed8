package policy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func TestParsePattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Pattern
		wantErr []string // substrings the error must contain; nil means no error
	}{
		{in: "workspace_database.delete", want: Pattern{"workspace_database", "delete"}},
		{in: "workspace_live_data_source.*", want: Pattern{"workspace_live_data_source", "*"}},
		{in: "*.delete", want: Pattern{"*", "delete"}},
		{in: "*.*", want: Pattern{"*", "*"}},
		{in: "  workspace_files.read  ", want: Pattern{"workspace_files", "read"}},
		{in: "workspace_databse.delete", wantErr: []string{`"workspace_databse.delete"`, "unknown scope", `Did you mean "workspace_database"?`}},
		{in: "database.read", wantErr: []string{`"database.read"`, `Did you mean "workspace_database"?`}},
		{in: "workspace:database.read", wantErr: []string{"HCL key", `"workspace_database"`}},
		{in: "Workspace Files.read", wantErr: []string{"HCL key", `"workspace_files"`}},
		{in: "nothing_like_it.read", wantErr: []string{"unknown scope", "Valid names: workspace_database"}},
		{in: "workspace_database.remove", wantErr: []string{`unknown permission "remove"`, "create, read, update, delete"}},
		{in: "workspace_database.delet", wantErr: []string{`Did you mean "delete"?`, "create, read, update, delete"}},
		{in: "workspace_database.DELETE", wantErr: []string{`Did you mean "delete"?`}},
		{in: "workspace_database", wantErr: []string{"scope.permission", `"*.delete"`}},
		{in: "", wantErr: []string{"scope.permission"}},
		{in: ".delete", wantErr: []string{"scope.permission"}},
		{in: "workspace_database.", wantErr: []string{"scope.permission"}},
		{in: "workspace_database.read.write", wantErr: []string{"scope.permission"}},
		{in: "workspace_*.read", wantErr: []string{`"workspace_*"`, "whole side"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePattern(tt.in)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ParsePattern(%q) error: %v", tt.in, err)
				}
				if got != tt.want {
					t.Fatalf("ParsePattern(%q) = %+v, want %+v", tt.in, got, tt.want)
				}
				if again, err := ParsePattern(got.String()); err != nil || again != got {
					t.Fatalf("String() %q does not parse back: %+v, %v", got.String(), again, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePattern(%q) = %+v, want an error", tt.in, got)
			}
			for _, sub := range tt.wantErr {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("error %q does not contain %q", err, sub)
				}
			}
		})
	}
}

func TestParsePatternKeepsUnknownScopeError(t *testing.T) {
	t.Parallel()
	_, err := ParsePattern("workspace_fils.read")
	var use *scopes.UnknownScopeError
	if !errors.As(err, &use) {
		t.Fatalf("error %v does not wrap *scopes.UnknownScopeError", err)
	}
	if use.Suggestion != "workspace_files" {
		t.Fatalf("suggestion = %q, want workspace_files", use.Suggestion)
	}
}

func TestPatternMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		scope   string
		perm    scopes.Permission
		want    bool
	}{
		{"workspace_database.delete", "workspace_database", scopes.Delete, true},
		{"workspace_database.delete", "workspace_database", scopes.Read, false},
		{"workspace_database.delete", "workspace_files", scopes.Delete, false},
		{"workspace_live_data_source.*", "workspace_live_data_source", scopes.Read, true},
		{"workspace_live_data_source.*", "workspace_live_data_source", scopes.Create, true},
		{"workspace_live_data_source.*", "workspace_database", scopes.Read, false},
		{"*.delete", "workspace_files", scopes.Delete, true},
		{"*.delete", "workspace_request_history", scopes.Delete, true},
		{"*.delete", "workspace_files", scopes.Update, false},
		{"*.*", "workspace_addons", scopes.Read, true},
		{"*.*", "workspace_content", scopes.Create, true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.scope+"."+string(tt.perm), func(t *testing.T) {
			t.Parallel()
			p, err := ParsePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Matches(tt.scope, tt.perm); got != tt.want {
				t.Fatalf("%s matches %s.%s = %v, want %v", p, tt.scope, tt.perm, got, tt.want)
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	type args = Config
	tests := []struct {
		name    string
		args    args
		want    Policy
		wantErr []string // one substring per expected error, in order
	}{
		{
			name: "empty is the default",
			want: Default(),
		},
		{
			name: "everything set",
			args: args{WarnAt: "medium", Deny: []string{"workspace_database.delete", "workspace_live_data_source.*"}, MaxLifetime: "90d", RequireDescription: true, Enforce: true, MaxIdle: "30d"},
			want: Policy{
				WarnAt:             scopes.SeverityMedium,
				Deny:               []Pattern{{"workspace_database", "delete"}, {"workspace_live_data_source", "*"}},
				MaxLifetime:        90 * duration.Day,
				RequireDescription: true,
				Enforce:            true,
				MaxIdle:            30 * duration.Day,
			},
		},
		{
			name: "severity case and duration units",
			args: args{WarnAt: "Critical", MaxLifetime: "2w"},
			want: Policy{WarnAt: scopes.SeverityCritical, MaxLifetime: 2 * duration.Week},
		},
		{
			name: "duplicate deny patterns collapse",
			args: args{Deny: []string{"*.delete", " *.delete "}},
			want: Policy{WarnAt: scopes.SeverityHigh, Deny: []Pattern{{"*", "delete"}}},
		},
		{
			name: "every bad value is reported and valid parts kept",
			args: args{WarnAt: "severe", Deny: []string{"workspace_databse.delete", "*.delete", "workspace_files.remove"}, MaxLifetime: "3 months", Enforce: true, MaxIdle: "0s"},
			want: Policy{WarnAt: scopes.SeverityHigh, Deny: []Pattern{{"*", "delete"}}, Enforce: true},
			wantErr: []string{
				`warn_at "severe"`,
				`"workspace_databse.delete"`,
				`"workspace_files.remove"`,
				`max_lifetime: duration "3 months"`,
				`max_idle "0s" is zero`,
			},
		},
		{
			name:    "zero max_lifetime",
			args:    args{MaxLifetime: "0s"},
			want:    Default(),
			wantErr: []string{`max_lifetime "0s" is zero`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, errs := ParsePolicy(tt.args)
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors = %v, want %d errors", errs, len(tt.wantErr))
			}
			for i, sub := range tt.wantErr {
				if !strings.Contains(errs[i].Error(), sub) {
					t.Errorf("error %d %q does not contain %q", i, errs[i], sub)
				}
			}
			if got.WarnAt != tt.want.WarnAt || got.MaxLifetime != tt.want.MaxLifetime ||
				got.RequireDescription != tt.want.RequireDescription || got.Enforce != tt.want.Enforce || got.MaxIdle != tt.want.MaxIdle {
				t.Errorf("policy = %+v, want %+v", got, tt.want)
			}
			if strings.Join(patternStrings(got.Deny), " ") != strings.Join(patternStrings(tt.want.Deny), " ") {
				t.Errorf("deny = %v, want %v", got.Deny, tt.want.Deny)
			}
		})
	}
}

func patternStrings(ps []Pattern) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestZeroWarnAtMeansHigh(t *testing.T) {
	t.Parallel()
	if got := (Policy{}).warnAt(); got != scopes.SeverityHigh {
		t.Fatalf("zero WarnAt resolves to %s, want high", got)
	}
	if got := Default().WarnAt; got != scopes.SeverityHigh {
		t.Fatalf("Default().WarnAt = %s, want high", got)
	}
	if d := Default(); d.Enforce || d.RequireDescription || d.MaxLifetime != 0 || len(d.Deny) != 0 {
		t.Fatalf("Default() = %+v, want no guardrails beyond warn_at", d)
	}
	if QuarterlyRotation != 90*24*time.Hour {
		t.Fatalf("QuarterlyRotation = %s, want 90 days", QuarterlyRotation)
	}
}
