package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// limitFleet is n tokens on instance "busy" with the given scope, and
// lifecycle settings.
func limitFleet(baseURL string, n int, scope, lifecycle string) string {
	return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(),
		acctest.Token("fleet", acctest.Attr("count", n), acctest.Attr("instance", "busy"), `name     = "fleet-${count.index}"`,
			acctest.Scope(scope, "read"), lifecycle))
}

// TestAccMetadataToken_tokenLimit checks Xano's limit of 10 active tokens at
// plan time, on an instance that already holds 8 unmanaged tokens: a plan of
// 3 new tokens fails before anything is created, 2 plan and apply, a
// replacement at the limit plans and applies (its old token goes first),
// and one with create_before_destroy, which needs an 11th token for a
// moment, fails in the apply's own plan, before anything is minted, until
// slots are freed.
func TestAccMetadataToken_tokenLimit(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	client := mtClient(t, baseURL)
	for i := range 8 {
		if _, err := client.CreateToken(context.Background(), "busy", xano.CreateTokenRequest{
			Name: "unmanaged-" + strconv.Itoa(i), ExpiresIn: 86400, Scopes: map[string][]string{"workspace:api": {"read"}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	creates := func() int { return emu.Count(http.MethodPost, xano.PathTokens) }
	holds := func(n int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := len(emu.Tokens("busy")); got != n {
				return fmt.Errorf("instance busy holds %d tokens, want %d", got, n)
			}
			return nil
		}
	}
	var createsBefore int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := len(emu.Tokens("busy")); got != 6 {
				return fmt.Errorf("instance busy holds %d tokens after destroy, want the 6 unmanaged ones left", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { createsBefore = creates() },
				Config:      limitFleet(baseURL, 3, "workspace_api_groups", ""),
				ExpectError: regexp.MustCompile(`Token\s+"fleet-\d"\s+on\s+instance\s+"busy":\s+over\s+Xano's\s+token\s+limit[\s\S]*would\s+hold\s+11\s+active\s+tokens,\s+over\s+Xano's\s+limit\s+of\s+10\s+per\s+instance:\s+it\s+has\s+8\s+now,\s+and\s+this\s+plan\s+creates\s+at\s+least\s+3\s+there[\s\S]*xano_metadata_tokens`),
			},
			{
				// Nothing was created by the failed plan.
				PreConfig: func() {
					if n := creates() - createsBefore; n != 0 {
						t.Errorf("the failed plan was followed by %d creates", n)
					}
				},
				Config: limitFleet(baseURL, 2, "workspace_api_groups", ""),
				Check:  holds(10),
			},
			{
				// A replacement at the limit: Terraform revokes the old
				// token before it creates the new one.
				Config: limitFleet(baseURL, 2, "workspace_functions", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("xano_metadata_token.fleet[0]", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: holds(10),
			},
			{
				// With create_before_destroy the new tokens come first. The
				// apply's plan of each cannot tell it from a tainted
				// token's replacement, which revokes the old token of the
				// same name first, so it warns, and Xano refuses the
				// create: nothing is minted.
				PreConfig: func() { createsBefore = creates() },
				Config: limitFleet(baseURL, 2, "workspace_tasks", `lifecycle {
    create_before_destroy = true
  }`),
				ExpectError: regexp.MustCompile(`Xano\s+token\s+limit\s+reached[\s\S]*Could\s+not\s+create\s+token\s+"fleet-\d"`),
			},
			{
				// Terraform deposed the old tokens before the apply's plan
				// failed, and does not restore them: they stay valid, and
				// the next plan creates the new tokens before destroying
				// them. Freeing two slots lets it through.
				PreConfig: func() {
					if n := len(emu.Tokens("busy")); n != 10 {
						t.Errorf("after the failed apply the instance holds %d tokens, want 10: nothing minted", n)
					}
					for _, tok := range emu.Tokens("busy")[:2] {
						if err := client.DeleteToken(context.Background(), "busy", tok.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: limitFleet(baseURL, 2, "workspace_tasks", `lifecycle {
    create_before_destroy = true
  }`),
				Check: holds(8),
			},
		},
	})
}
