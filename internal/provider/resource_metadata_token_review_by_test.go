package provider

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// reviewedConfig is the automation token, critical for its database
// delete, under an enforcing policy (plus policy), with extra arguments.
func reviewedConfig(baseURL string, policy []string, extra ...string) string {
	p := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main",
		Policy: append([]string{"enforce = true"}, policy...)}
	return acctest.Config(p.String(), automationToken(extra...))
}

const ack = `risk_acknowledgement = "Staging only; approved by the platform team"`

// TestAccMetadataToken_reviewBy: a critical grant acknowledged with a
// review_by ahead plans under enforce; once the provider's clock passes it,
// the existing token only warns (its plan is empty), a plan that would mint
// it fails naming the review date, and so does a new token reviewed by
// yesterday. acknowledgement_max_age requires review_by, no further ahead
// than the max age; review_by needs risk_acknowledgement and a valid date.
func TestAccMetadataToken_reviewBy(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC))
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main") },
		Steps: []resource.TestStep{
			{
				Config:      reviewedConfig(baseURL, nil, `review_by = "2030-03-31"`),
				ExpectError: regexp.MustCompile(`(?s)review_by.*risk_acknowledgement`),
			},
			{
				Config:      reviewedConfig(baseURL, nil, ack, `review_by = "next quarter"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid review_by.*"2027-03-31"`),
			},
			{
				Config:      reviewedConfig(baseURL, []string{`acknowledgement_max_age = "90d"`}, ack),
				ExpectError: regexp.MustCompile(`(?s)acknowledgement refused by the provider policy.*has no review_by`),
			},
			{
				Config:      reviewedConfig(baseURL, []string{`acknowledgement_max_age = "90d"`}, ack, `review_by = "2030-12-31"`),
				ExpectError: regexp.MustCompile(`(?s)acknowledgement refused.*review_by 2030-12-31 is more than.*90d`),
			},
			{
				// 89 days ahead: plans and applies under enforce.
				Config: reviewedConfig(baseURL, []string{`acknowledgement_max_age = "90d"`}, ack, `review_by = "2030-03-31"`, `expires_in = "180d"`),
			},
			{
				// The day after review_by: the existing token only warns.
				PreConfig: func() { clock.Set(time.Date(2030, 4, 1, 12, 0, 0, 0, time.UTC)) },
				Config:    reviewedConfig(baseURL, nil, ack, `review_by = "2030-03-31"`, `expires_in = "180d"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// A plan that would mint it fails, naming the review date.
				Config: reviewedConfig(baseURL, nil, ack, `review_by = "2030-03-31"`, `expires_in = "120d"`),
				ExpectError: regexp.MustCompile(`(?s)critical risk refused by the provider policy, acknowledgement\s+lapsed\s+\(review_by\s+2030-03-31\)` +
					`.*to\s+be\s+reviewed\s+by\s+2030-03-31`),
			},
			{
				// Renewed 90 days ahead, the same change plans and applies.
				Config: reviewedConfig(baseURL, nil, ack, `review_by = "2030-06-30"`, `expires_in = "120d"`),
			},
		},
	})
}
