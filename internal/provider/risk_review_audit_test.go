package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// plannedRules lists the rules of the planned findings, in order.
func plannedRules(t *testing.T, s *riskServer, resp *tfprotov6.PlanResourceChangeResponse) []string {
	t.Helper()
	var list []tftypes.Value
	if err := s.plannedFindings(resp).As(&list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, item := range list {
		var line string
		if err := item.As(&line); err != nil {
			t.Fatal(err)
		}
		f, err := policy.ParseFindingLine(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Rule)
	}
	return out
}

// TestRiskReviewPurposeAndIdle drives PlanResourceChange for the purpose and
// idle rules at create: a grant beyond the purpose joins the token's one
// warning, and a new token is never idle. What a plan that keeps a token
// says about them is tested end to end.
func TestRiskReviewPurposeAndIdle(t *testing.T) {
	t.Parallel()
	monitoringAddons := func(t *testing.T) scopes.Grants {
		return append(presetGrants(t, "monitoring"), scopes.Grant{Scope: "workspace_addons", Read: true})
	}
	withPurpose := func(t *testing.T, purpose string) map[string]any {
		return tokenConfig(monitoringAddons(t), map[string]any{"purpose": purpose, "expires_in": "60d"})
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
			resp := s.plan(tc.config(t))
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
