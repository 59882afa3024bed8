package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestAccMetadataToken_findings covers the findings attribute: every finding
// whatever warn_at says, known at plan time, updated without calling Xano
// when only the policy changes, and rebuilt by an import.
func TestAccMetadataToken_findings(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	const addr = "xano_metadata_token.weweb"
	config := func(policy ...string) string {
		return acctest.Config(
			acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main", Policy: policy}.String(),
			acctest.Token("weweb", `name        = "weweb-production"`, `description = "WeWeb Xano plugin"`, `expires_in  = "30d"`, wewebScopes))
	}
	weweb := []knownvalue.Check{
		knownvalue.StringExact("medium grant workspace_content.read: can read workspace metadata and data source and branch settings, under a scope that also covers exporting, importing and cloning whole workspaces"),
		knownvalue.StringExact("low grant workspace_api_groups.read: can read API endpoint definitions, groups and settings"),
	}
	capped := append(weweb[:2:2], knownvalue.StringExact("high max_lifetime: lives 30d, over the provider policy's max_lifetime of 7d"))
	findings := tfjsonpath.New("findings")
	// writes counts the requests that would change a token.
	writes := func() int {
		return emu.Count(http.MethodPost, xano.PathTokens) + emu.Count(http.MethodPost, xano.PathToken) + emu.Count(http.MethodDelete, xano.PathToken)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						// Low findings are below the default warn_at, and still listed.
						plancheck.ExpectKnownValue(addr, findings, knownvalue.ListExact(weweb)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, findings, knownvalue.ListExact(weweb)),
				},
			},
			{
				// A new policy changes the findings alone: the plan updates
				// the token in place and the apply sends Xano nothing.
				PreConfig: emu.ResetStats,
				Config:    config(`max_lifetime = "7d"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, findings, knownvalue.ListExact(capped)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, findings, knownvalue.ListExact(capped)),
				},
				Check: func(*terraform.State) error {
					if n := writes(); n != 0 {
						return fmt.Errorf("updating the findings sent %d write request(s) to Xano, want none: %v", n, emu.Stats())
					}
					return nil
				},
			},
			{
				// An import reviews the token it reads, so the configuration
				// that matches it plans nothing.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(addr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				Config: config(`max_lifetime = "7d"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
