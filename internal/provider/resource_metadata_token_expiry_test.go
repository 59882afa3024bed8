package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestExpiryWarningPlanResourceChange drives PlanResourceChange as Terraform
// does for an existing token: a token that will expire within the policy's
// expiry_warning horizon with no rotate_before gets one warning naming it,
// on expires_at, and a token with rotate_before never does.
func TestExpiryWarningPlanResourceChange(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	type tc struct {
		name   string
		policy map[string]any
		config map[string]any
		age    time.Duration
		// want is the summary of the one warning on expires_at; "" for none.
		want string
		// detail holds fragments of its detail.
		detail []string
	}
	tests := []tc{
		{name: "one day left, no rotate_before", config: map[string]any{}, age: 6 * day,
			want:   `Token "integration": expires in 1d, no rotate_before`,
			detail: []string{"expires at 2026-11-23T11:31:20Z, in 1d", `rotate_before = "1d18h"`, "terraform apply -replace", "expiry_warning (2d)"}},
		{name: "rotate_before silences it", config: map[string]any{"rotate_before": "12h"}, age: 6 * day},
		{name: "outside the horizon", config: map[string]any{}, age: 4 * day},
		{name: "a wider horizon", policy: map[string]any{"expiry_warning": "4d"}, config: map[string]any{}, age: 4 * day,
			want: `Token "integration": expires in 3d, no rotate_before`, detail: []string{"expiry_warning (4d)"}},
		{name: "turned off", policy: map[string]any{"expiry_warning": "0s"}, config: map[string]any{}, age: 6*day + 23*time.Hour},
		{name: "minutes left", config: map[string]any{}, age: 7*day - 90*time.Second,
			want: `Token "integration": expires in 1m, no rotate_before`},
		{name: "a rename still warns", config: map[string]any{"name": "renamed"}, age: 6 * day,
			want: `Token "renamed": expires in 1d, no rotate_before`},
		{name: "never expires", config: map[string]any{"never_expires": true, "risk_acknowledgement": "legacy"}, age: 300 * day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRiskServer(t, tt.policy)
			grants := presetGrants(t, "monitoring")
			stateCfg := tokenConfig(grants, nil)
			for k, v := range tt.config {
				if k != "name" {
					stateCfg[k] = v
				}
			}
			prior := tokenState(stateCfg, tt.age)
			resp := srv.plan(tokenConfig(grants, tt.config), prior)
			var got []*tfprotov6.Diagnostic
			for _, d := range resp.Diagnostics {
				if d.Attribute != nil && d.Attribute.String() == attrPath("expires_at") {
					got = append(got, d)
				}
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					t.Errorf("unexpected error: %s: %s", d.Summary, d.Detail)
				}
			}
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no expiry warning, got:\n%s", protoDiagText(got))
				}
				return
			}
			if len(got) != 1 || got[0].Summary != tt.want || got[0].Severity != tfprotov6.DiagnosticSeverityWarning {
				t.Fatalf("want one warning %q, got:\n%s", tt.want, protoDiagText(got))
			}
			for _, f := range tt.detail {
				if !strings.Contains(got[0].Detail, f) {
					t.Errorf("the detail lacks %q:\n%s", f, got[0].Detail)
				}
			}
		})
	}
}

// TestExpiryWarningNotOnReplacement checks that a token the plan replaces,
// for a change of scopes or because it expired, gets no expiry warning: the
// new token is what the plan is about.
func TestExpiryWarningNotOnReplacement(t *testing.T) {
	t.Parallel()
	srv := newRiskServer(t, nil)
	monitoring := tokenConfig(presetGrants(t, "monitoring"), nil)
	tests := map[string]struct {
		config map[string]any
		age    time.Duration
	}{
		"scopes changed": {tokenConfig(presetGrants(t, "weweb"), nil), 6 * 24 * time.Hour},
		"expired":        {monitoring, 8 * 24 * time.Hour},
	}
	for name, tt := range tests {
		resp := srv.plan(tt.config, tokenState(monitoring, tt.age))
		if len(resp.RequiresReplace) == 0 {
			t.Fatalf("%s: the plan does not replace the token", name)
		}
		for _, d := range resp.Diagnostics {
			if strings.Contains(d.Summary, "no rotate_before") {
				t.Errorf("%s: a replaced token got the expiry warning: %s", name, d.Summary)
			}
		}
	}
}
