package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// cutoffConfig is two tokens that may read request history, "weweb" without
// rotation_overlap and "monitoring" with one, under a policy whose
// rotate_minted_before is cutoff (none when zero).
func cutoffConfig(baseURL string, cutoff time.Time) string {
	p := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}
	if !cutoff.IsZero() {
		p.Policy = []string{acctest.Attr("rotate_minted_before", cutoff.Format(time.RFC3339))}
	}
	return acctest.Config(p.String(),
		acctest.Token("weweb", acctest.Attr("instance", "main"), `expires_in = "30d"`,
			acctest.Scope("workspace_request_history", "read")),
		acctest.Token("monitoring", acctest.Attr("instance", "main"), `expires_in = "30d"`, `rotate_before = "7d"`,
			`rotation_overlap = "1d"`, acctest.Scope("workspace_request_history", "read")))
}

// TestAccMetadataToken_rotateMintedBefore: two tokens applied, then a
// cut-off set after their creation: one apply rotates both (new ids; the
// old secret of the token without overlap is refused, the overlapped one
// still works), and the next plan is empty. A cut-off in the future then
// rotates each token once: the step's own plan after its apply is empty,
// which it would not be if every plan before the cut-off rotated again.
func TestAccMetadataToken_rotateMintedBefore(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	const weweb, monitoring = "xano_metadata_token.weweb", "xano_metadata_token.monitoring"
	wewebSeen, monitoringSeen := &secrets{}, &secrets{}
	first := func(s *secrets) func() string { return func() string { return s.byStep[0] } }
	last := func(s *secrets) func() string { return func() string { return s.byStep[len(s.byStep)-1] } }
	wewebIDs := statecheck.CompareValue(compare.ValuesDiffer())
	monitoringIDs := statecheck.CompareValue(compare.ValuesDiffer())
	cutoff := start.Add(30 * time.Minute)
	ahead := start.Add(10 * 24 * time.Hour)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main") },
		Steps: []resource.TestStep{
			{
				Config: cutoffConfig(baseURL, time.Time{}),
				ConfigStateChecks: []statecheck.StateCheck{
					wewebIDs.AddStateValue(weweb, tfjsonpath.New("token_id")),
					monitoringIDs.AddStateValue(monitoring, tfjsonpath.New("token_id")),
				},
				Check: resource.ComposeTestCheckFunc(wewebSeen.record(weweb), monitoringSeen.record(monitoring)),
			},
			{
				// An hour later the leak is found: the cut-off is after both
				// tokens were minted.
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    cutoffConfig(baseURL, cutoff),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(weweb, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(monitoring, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(weweb, tfjsonpath.New("token_id")),
					plancheck.ExpectUnknownValue(monitoring, tfjsonpath.New("token_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					wewebIDs.AddStateValue(weweb, tfjsonpath.New("token_id")),
					monitoringIDs.AddStateValue(monitoring, tfjsonpath.New("token_id")),
				},
				Check: resource.ComposeTestCheckFunc(
					wewebSeen.record(weweb), monitoringSeen.record(monitoring),
					secretStatus(weweb, secretWant{"old secret", first(wewebSeen), http.StatusUnauthorized},
						secretWant{"new secret", last(wewebSeen), http.StatusOK}),
					secretStatus(monitoring, secretWant{"old, overlapped secret", first(monitoringSeen), http.StatusOK},
						secretWant{"new secret", last(monitoringSeen), http.StatusOK}),
				),
			},
			{
				Config: cutoffConfig(baseURL, cutoff),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// A cut-off ten days ahead: both tokens were minted before
				// it, and so would their successors be.
				Config: cutoffConfig(baseURL, ahead),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(weweb, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(monitoring, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					wewebIDs.AddStateValue(weweb, tfjsonpath.New("token_id")),
					monitoringIDs.AddStateValue(monitoring, tfjsonpath.New("token_id")),
				},
			},
			{
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    cutoffConfig(baseURL, ahead),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAuditTokenMintedBeforeCutoff: the audit flags every token minted
// before the cut-off, whoever manages it, and none minted at or after it.
func TestAuditTokenMintedBeforeCutoff(t *testing.T) {
	t.Parallel()
	cut := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	pol := policy.Default()
	pol.RotateMintedBefore = cut
	for _, tt := range []struct {
		created time.Time
		want    bool
	}{
		{cut.Add(-time.Second), true},
		{cut, false},
		{cut.Add(time.Hour), false},
	} {
		tok := xano.Token{ID: 7, Name: "leaked", CreatedAt: auditAPITime(tt.created),
			Scopes: map[string][]string{"workspace:requesthistory": {"read"}}}
		got, err := auditToken("main", &tok, pol, cut.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range got.Findings {
			if f.Rule == policy.RuleMintedBeforeCutoff {
				found = true
				if f.Severity != "critical" {
					t.Errorf("minted_before_cutoff severity = %s, want critical", f.Severity)
				}
			}
		}
		if found != tt.want {
			t.Errorf("token created at %s: minted_before_cutoff finding = %v, want %v (%+v)", tt.created, found, tt.want, got.Findings)
		}
		none, err := auditToken("main", &tok, policy.Default(), cut.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range none.Findings {
			if f.Rule == policy.RuleMintedBeforeCutoff {
				t.Errorf("no cut-off set, yet token created at %s has %s", tt.created, fmt.Sprint(f))
			}
		}
	}
}

// TestCutoffWarning: the rotation a cut-off plans names the cut-off as its
// reason, says how an overlap behaves, and, for a cut-off still ahead, that
// it would rotate every token at every plan and rotates each once.
func TestCutoffWarning(t *testing.T) {
	t.Parallel()
	cut := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	prior := &metadataTokenModel{Name: types.StringValue("weweb"), ID: types.StringValue("main/7"), TokenID: types.Int64Value(7),
		CreatedAt: types.StringValue("2026-12-01T00:00:00Z"), PreviousTokenID: types.Int64Null()}
	plan := &metadataTokenModel{RotationOverlap: NewDurationValue("1d")}
	sub := policy.Subject{Name: "weweb"}
	pol := policy.Policy{RotateMintedBefore: cut}
	tests := []struct {
		name    string
		action  lifecycle.Action
		now     time.Time
		summary string
		want    []string
		not     []string
	}{
		{name: "replacement", action: lifecycle.Replace, now: cut.Add(time.Hour),
			summary: `Token "weweb": minted before the cut-off 2026-12-06T09:00:00Z, replacement planned`,
			want:    []string{`rotate_minted_before = "2026-12-06T09:00:00Z"`, "2026-12-01T00:00:00Z", "revoked", "minted_before_cutoff"},
			not:     []string{"in the future"}},
		{name: "rotation in place", action: lifecycle.Rotate, now: cut.Add(time.Hour),
			summary: `Token "weweb": minted before the cut-off 2026-12-06T09:00:00Z, new token planned`,
			want:    []string{"rotation_overlap = 1d", `rotation_overlap = "0s"`}},
		{name: "cut-off ahead", action: lifecycle.Replace, now: cut.Add(-time.Hour),
			summary: `Token "weweb": minted before the cut-off 2026-12-06T09:00:00Z, replacement planned`,
			want:    []string{"in the future", "every token at every plan", "rotates each token once"}},
	}
	for _, tt := range tests {
		d := lifecycle.Decision{Action: tt.action, Reason: lifecycle.Cutoff}
		got := rotationWarning(sub, prior, plan, d, pol, tt.now)
		if got.Severity() != diag.SeverityWarning || got.Summary() != tt.summary {
			t.Errorf("%s: %s %q, want a warning %q", tt.name, got.Severity(), got.Summary(), tt.summary)
		}
		for _, w := range tt.want {
			if !strings.Contains(got.Detail(), w) {
				t.Errorf("%s: detail lacks %q:\n%s", tt.name, w, got.Detail())
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got.Detail(), n) {
				t.Errorf("%s: detail has %q:\n%s", tt.name, n, got.Detail())
			}
		}
	}
}
