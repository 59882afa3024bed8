package provider

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// TestMetadataTokenRefreshIdle covers how a refresh judges a managed
// token's idleness: the idle finding of the state's findings is replaced by
// the one judged at the refresh, and the other findings are left as the
// last plan made them.
func TestMetadataTokenRefreshIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) types.String { return types.StringValue(now.Add(-d).Format(time.RFC3339)) }
	const day = 24 * time.Hour
	month := policy.Policy{WarnAt: scopes.SeverityHigh, MaxIdle: 30 * day}
	grant := policy.Finding{Severity: scopes.SeverityLow, Rule: policy.RuleGrant, Scope: "workspace_api_groups", Permission: scopes.Read, Summary: "can read API endpoints"}
	staleIdle := policy.Finding{Severity: scopes.SeverityHigh, Rule: policy.RuleIdle, Summary: "last used at 2029-01-01T00:00:00Z, more than the provider policy's max_idle of 30d ago"}

	tests := []struct {
		name     string
		created  types.String
		lastUsed types.String
		expires  types.String
		findings []policy.Finding // nil: null findings
		pol      policy.Policy
		want     []string // "rule: summary"
	}{
		{
			name:     "never used for longer than max_idle",
			created:  ago(40 * day),
			lastUsed: types.StringNull(),
			expires:  types.StringNull(),
			findings: []policy.Finding{grant},
			pol:      month,
			want:     []string{"grant: can read API endpoints", "idle: never used since its creation at 2030-01-20T12:00:00Z, more than the provider policy's max_idle of 30d ago"},
		},
		{
			name:     "a stale idle finding is replaced",
			created:  ago(400 * day),
			lastUsed: ago(31 * day),
			expires:  types.StringNull(),
			findings: []policy.Finding{grant, staleIdle},
			pol:      month,
			want:     []string{"grant: can read API endpoints", "idle: last used at 2030-01-29T12:00:00Z, more than the provider policy's max_idle of 30d ago"},
		},
		{
			name:     "used since: the idle finding goes",
			created:  ago(400 * day),
			lastUsed: ago(time.Hour),
			expires:  types.StringNull(),
			findings: []policy.Finding{grant, staleIdle},
			pol:      month,
			want:     []string{"grant: can read API endpoints"},
		},
		{
			name:     "max_idle removed from the policy",
			created:  ago(400 * day),
			lastUsed: types.StringNull(),
			expires:  types.StringNull(),
			findings: []policy.Finding{grant, staleIdle},
			pol:      policy.Default(),
			want:     []string{"grant: can read API endpoints"},
		},
		{
			name:     "an expired token is not idle",
			created:  ago(40 * day),
			lastUsed: types.StringNull(),
			expires:  ago(day),
			findings: []policy.Finding{grant},
			pol:      month,
			want:     []string{"grant: can read API endpoints"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := metadataTokenModel{CreatedAt: tt.created, LastUsedAt: tt.lastUsed, ExpiresAt: tt.expires, Findings: types.ListNull(types.StringType)}
			if tt.findings != nil {
				list, diags := findingsList(ctx, tt.findings)
				if diags.HasError() {
					t.Fatal(diags)
				}
				m.Findings = list
			}
			if diags := (&providerData{policy: tt.pol}).refreshFindings(ctx, &m, false, now); diags.HasError() {
				t.Fatal(diags)
			}
			var got []string
			for _, f := range m.findings(ctx) {
				got = append(got, f.Rule+": "+f.Summary)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
