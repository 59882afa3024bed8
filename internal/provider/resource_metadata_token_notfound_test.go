package provider

import (
	"fmt"
	"regexp"
	"strings"
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
)

// A 404 is proof that a token is gone only when the API says the token is
// not found and the instance's list agrees. A mistyped base_url answers 404
// for everything: the credentials check stops the plan at once, and with the
// check skipped refresh must fail and keep the token, and destroy must not
// report a revoke that never happened.
func TestAccMetadataToken_notFoundIsNotProof(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	wrongURL := strings.TrimSuffix(baseURL, "/api:meta") + "/api:metadata"
	const addr = "xano_metadata_token.kept"
	const token = `
resource "xano_metadata_token" "kept" {
  name = "kept"
  scope {
    name = "workspace_content"
    read = true
  }
}
`
	config := func(base string) string {
		provider := acctest.Provider{BaseURL: base, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String()
		if base == wrongURL {
			provider = strings.Replace(provider, "provider \"xano\" {", "provider \"xano\" {\n  skip_credentials_validation = true", 1)
		}
		return provider + token
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(baseURL)},
			{
				// The credentials check finds the wrong URL before anything.
				Config:      acctest.Provider{BaseURL: wrongURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String() + token,
				ExpectError: regexp.MustCompile(`No\s+Xano\s+Metadata\s+API\s+at\s+base_url(.|\s)*404`),
			},
			{
				// Without it, the refresh fails on the 404 and keeps the token.
				Config:      config(wrongURL),
				ExpectError: regexp.MustCompile(`(?s)Terraform\s+keeps\s+the\s+token.*base_url.*API\s+answer:.*404`),
			},
			{
				// Back on the right URL the token is still managed: no change.
				Config: config(baseURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("kept")),
				},
				Check: func(*terraform.State) error { return mtHolds(emu, "main", "kept") },
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(addr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				// Destroy through the wrong URL fails (at its refresh) instead
				// of forgetting the token.
				Config:      config(wrongURL),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)token\s+1.*Terraform\s+keeps\s+the\s+token.*API\s+answer:.*404`),
			},
			{
				Config:  config(baseURL),
				Destroy: true,
				Check: func(*terraform.State) error {
					if n := len(emu.Tokens("main")); n != 0 {
						return fmt.Errorf("%d tokens left after destroy, want 0", n)
					}
					return nil
				},
			},
		},
	})
}
