package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// findingsState renders findings as the state's findings attribute holds them.
func findingsState(fs []policy.Finding) []any {
	out := []any{}
	for _, f := range findingModels(fs) {
		out = append(out, map[string]any{
			"scope": f.Scope, "permission": f.Permission, "severity": f.Severity, "rule": f.Rule, "summary": f.Summary,
		})
	}
	return out
}

// plannedRules lists the rules of the planned findings, in order.
func plannedRules(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) []string {
	t.Helper()
	var list []tftypes.Value
	if err := s.plannedFindings(resp).As(&list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, item := range list {
		var fields map[string]tftypes.Value
		if err := item.As(&fields); err != nil {
			t.Fatal(err)
		}
		var rule string
		if err := fields["rule"].As(&rule); err != nil {
			t.Fatal(err)
		}
		out = append(out, rule)
	}
	return out
}

// TestRiskReviewPurposeAndIdle drives PlanResourceChange for the purpose and
// idle rules: a grant beyond the purpose joins the token's one warning at
// create, and on a plan that keeps the token only what is new (a purpose
// just set) or ongoing (idleness) warns, never as an error.
func TestRiskReviewPurposeAndIdle(t *testing.T) {
	t.Parallel()
	monitoringAddons := func(t *testing.T) scopes.Grants {
		return append(presetGrants(t, "monitoring"), scopes.Grant{Scope: "workspace_addons", Read: true})
	}
	withPurpose := func(t *testing.T, purpose string) map[string]any {
		return tokenConfig(monitoringAddons(t), map[string]any{"purpose": purpose, "expires_in": "60d"})
	}
	monthly := map[string]any{"max_idle": "30d"}
	wewebConfig := func(t *testing.T) map[string]any {
		return tokenConfig(presetGrants(t, "weweb"), map[string]any{"expires_in": "60d"})
	}
	// idleState is a 40-day-old WeWeb token never used, whose findings hold
	// the idle finding when its last refresh judged it idle.
	idleState := func(t *testing.T, idle bool) map[string]any {
		st := tokenState(wewebConfig(t), 40*24*time.Hour)
		fs := policy.Review(policy.Spec{Grants: presetGrants(t, "weweb"), Lifetime: 60 * 24 * time.Hour, Description: "An integration token"}, policy.Default())
		if idle {
			f, ok := policy.IdleFinding(policy.Usage{Created: riskNow.Add(-40 * 24 * time.Hour)}, policy.Policy{MaxIdle: 30 * 24 * time.Hour}, riskNow)
			if !ok {
				t.Fatal("the 40-day-old token is not idle under max_idle 30d")
			}
			fs = append(fs, f)
		}
		st["findings"] = findingsState(fs)
		return st
	}
	warning := func(summary string) diagView {
		return diagView{tfprotov6.DiagnosticSeverityWarning, `Token "integration": ` + summary, ""}
	}
	const purposeLine = "Purpose: workspace_addons.read is not part of the monitoring recipe of Xano's scope guide; " +
		"remove it, or set the purpose the token really serves."
	detailHas := func(lines ...string) func(*testing.T, *riskServer, *tfprotov6.PlanResourceChangeResponse) {
		return func(t *testing.T, _ *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
			if len(resp.Diagnostics) == 0 {
				t.Fatal("no diagnostic")
			}
			got := strings.Split(resp.Diagnostics[0].Detail, "\n")
			for _, l := range lines {
				if !slices.Contains(got, l) {
					t.Errorf("detail lacks %q:\n%s", l, resp.Diagnostics[0].Detail)
				}
			}
		}
	}

	tests := []struct {
		name   string
		policy map[string]any
		config func(t *testing.T) map[string]any
		prior  func(t *testing.T) map[string]any
		want   []diagView
		check  func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse)
	}{
		{
			name:   "a grant beyond the purpose warns at create, naming the recipe and the grant",
			config: func(t *testing.T) map[string]any { return withPurpose(t, "monitoring") },
			want:   []diagView{tokenWarning("high risk", "scope")},
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				detailHas(purposeLine)(t, s, resp)
				if got := plannedRules(t, s, resp); !slices.Contains(got, policy.RulePurpose) {
					t.Errorf("planned findings %v lack the purpose finding", got)
				}
			},
		},
		{
			name: "a token within its purpose plans silently",
			config: func(t *testing.T) map[string]any {
				return tokenConfig(presetGrants(t, "weweb"), map[string]any{"purpose": "weweb"})
			},
		},
		{
			name:   "under enforce a grant beyond the purpose fails the plan",
			policy: map[string]any{"enforce": true},
			config: func(t *testing.T) map[string]any { return withPurpose(t, "monitoring") },
			want:   []diagView{tokenError("high risk refused by the provider policy", "scope")},
		},
		{
			name:   "setting a purpose on a kept token warns about the grants beyond it",
			config: func(t *testing.T) map[string]any { return withPurpose(t, "monitoring") },
			prior: func(t *testing.T) map[string]any {
				return tokenState(tokenConfig(monitoringAddons(t), map[string]any{"expires_in": "60d"}), time.Hour)
			},
			want: []diagView{tokenWarning("high risk", "scope")},
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				detailHas(purposeLine)(t, s, resp)
				if strings.Contains(resp.Diagnostics[0].Detail, "Reach:") {
					t.Errorf("a kept token's warning repeats the review made at its creation:\n%s", resp.Diagnostics[0].Detail)
				}
			},
		},
		{
			name:   "a purpose the state already holds is not said again",
			config: func(t *testing.T) map[string]any { return withPurpose(t, "monitoring") },
			prior: func(t *testing.T) map[string]any {
				st := tokenState(withPurpose(t, "monitoring"), time.Hour)
				st["findings"] = findingsState(policy.Review(policy.Spec{
					Grants: monitoringAddons(t), Lifetime: 60 * 24 * time.Hour, Description: "An integration token", Purpose: "monitoring",
				}, policy.Default()))
				return st
			},
		},
		{
			name:   "an idle kept token warns on a steady plan",
			policy: monthly,
			config: func(t *testing.T) map[string]any { return wewebConfig(t) },
			prior:  func(t *testing.T) map[string]any { return idleState(t, true) },
			want:   []diagView{warning("high risk")},
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				detailHas("Idle: never used since its creation at 2026-10-13T11:31:20Z, more than the provider policy's max_idle of 30d ago; "+
					"revoke it if nothing needs it (remove the resource, or terraform destroy -target), or raise max_idle. Idle tokens warn but never fail a plan.")(t, s, resp)
				if got := plannedRules(t, s, resp); !slices.Equal(got, []string{"grant", "grant", "idle"}) {
					t.Errorf("planned findings %v, want the grants then idle", got)
				}
			},
		},
		{
			name:   "a kept token its refresh found in use is quiet",
			policy: monthly,
			config: func(t *testing.T) map[string]any { return wewebConfig(t) },
			prior:  func(t *testing.T) map[string]any { return idleState(t, false) },
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if got := plannedRules(t, s, resp); slices.Contains(got, policy.RuleIdle) {
					t.Errorf("planned findings %v hold an idle finding", got)
				}
			},
		},
		{
			name:   "idle under enforce still only warns",
			policy: map[string]any{"max_idle": "30d", "enforce": true},
			config: func(t *testing.T) map[string]any { return wewebConfig(t) },
			prior:  func(t *testing.T) map[string]any { return idleState(t, true) },
			want:   []diagView{warning("high risk")},
		},
		{
			name:   "a new token is never idle",
			policy: map[string]any{"max_idle": "1s"},
			config: func(t *testing.T) map[string]any { return tokenConfig(presetGrants(t, "weweb"), nil) },
			check: func(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) {
				if got := plannedRules(t, s, resp); slices.Contains(got, policy.RuleIdle) {
					t.Errorf("planned findings %v hold an idle finding", got)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newRiskServer(t, tc.policy)
			var prior map[string]any
			if tc.prior != nil {
				prior = tc.prior(t)
			}
			resp := s.plan(tc.config(t), prior)
			if got := reviewViews(resp.Diagnostics); !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics:\n got %v\nwant %v\n%s", got, tc.want, protoDiagText(resp.Diagnostics))
			}
			if tc.check != nil {
				tc.check(t, s, resp)
			}
		})
	}
}

// TestPurposeValidation sends ValidateResourceConfig as Terraform does: a
// mistyped purpose gets a did-you-mean, and a description ending with the
// purpose marker is refused, both on their attribute.
func TestPurposeValidation(t *testing.T) {
	t.Parallel()
	s := newRiskServer(t, nil)
	typ := s.resource.ValueType()
	tests := []struct {
		name   string
		extra  map[string]any
		want   string // "" for no diagnostic
		attr   string
		detail []string
	}{
		{name: "a recipe", extra: map[string]any{"purpose": "admin_dashboard"}},
		{name: "a mistyped recipe", extra: map[string]any{"purpose": "monitorng"}, want: "Unknown token purpose", attr: "purpose",
			detail: []string{`Did you mean "monitoring"?`, "weweb, monitoring, automation, admin_dashboard, analytics"}},
		{name: "a dash", extra: map[string]any{"purpose": "admin-dashboard"}, want: "Unknown token purpose", attr: "purpose",
			detail: []string{`Did you mean "admin_dashboard"?`}},
		{name: "the marker in the description", extra: map[string]any{"description": "Grafana [purpose: monitoring]"},
			want: "Purpose marker in the description", attr: "description", detail: []string{`purpose = "monitoring"`}},
		{name: "brackets that are no marker", extra: map[string]any{"description": "Grafana [purpose: dashboards]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := toValue(t, typ, tokenConfig(presetGrants(t, "weweb"), tt.extra))
			resp, err := s.srv.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{
				TypeName: tokenTypeName, Config: dynamicValue(t, typ, cfg),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				requireNoDiags(t, "ValidateResourceConfig", resp.Diagnostics)
				return
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != tt.want {
				t.Fatalf("diagnostics:\n%s\nwant one %q", protoDiagText(resp.Diagnostics), tt.want)
			}
			d := resp.Diagnostics[0]
			if d.Attribute == nil || d.Attribute.String() != attrPath(tt.attr) {
				t.Errorf("attribute = %v, want %s", d.Attribute, tt.attr)
			}
			for _, w := range tt.detail {
				if !strings.Contains(d.Detail, w) {
					t.Errorf("detail %q lacks %q", d.Detail, w)
				}
			}
		})
	}
}
