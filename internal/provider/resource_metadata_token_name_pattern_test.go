package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

const envPattern = "^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$"

// namedTokenConfig is one token named name under a policy whose
// name_pattern is pattern (none when nil).
func namedTokenConfig(baseURL string, pattern *string, name string) string {
	p := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}
	if pattern != nil {
		p.Policy = []string{acctest.Attr("name_pattern", *pattern)}
	}
	return acctest.Config(p.String(), acctest.Token("t", acctest.Attr("name", name), acctest.Scope("workspace_content", "read")))
}

// TestAccMetadataToken_namePattern: a token to be minted whose name does not
// match fails the plan naming the pattern and the name; a matching one
// plans and applies; an existing token that stops matching only warns, so
// its plan is empty; renaming it in place under the pattern fails nothing;
// an invalid or empty pattern is an error on the provider's attribute.
func TestAccMetadataToken_namePattern(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{})
	pattern, empty, invalid := envPattern, "", "^(prod"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      namedTokenConfig(baseURL, &pattern, "token 2"),
				ExpectError: regexp.MustCompile(`(?s)name refused by the provider policy.*"token 2".*` + regexp.QuoteMeta(`"^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$"`)),
			},
			{
				Config:      namedTokenConfig(baseURL, &empty, "weweb-prod"),
				ExpectError: regexp.MustCompile(`(?s)name_pattern = ""\n.*name_pattern\s+is\s+empty`),
			},
			{
				Config:      namedTokenConfig(baseURL, &invalid, "weweb-prod"),
				ExpectError: regexp.MustCompile(`(?s)name_pattern = "\^\(prod"\n.*not\s+an\s+RE2\s+regular\s+expression`),
			},
			{Config: namedTokenConfig(baseURL, &pattern, "weweb-prod")},
			{
				// The pattern tightens: the existing token is kept.
				Config: namedTokenConfig(baseURL, ptr("^[a-z]+-staging$"), "weweb-prod"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

func ptr(s string) *string { return &s }

// TestAccEphemeralMetadataToken_namePattern: a pattern the generated names
// (<name>-<8 hex>) cannot match fails before anything is minted, saying why.
func TestAccEphemeralMetadataToken_namePattern(t *testing.T) {
	t.Parallel()
	rec := startMintRecorder(t, emulator.Options{})
	config := func(pattern string) string {
		return acctest.Provider{BaseURL: rec.baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main",
			Policy: []string{acctest.Attr("name_pattern", pattern)}}.String() +
			acctest.EphemeralToken("ci", acctest.Attr("name", "ci-prod"), acctest.Scope("workspace_content", "read")) + `
provider "echo" {
  data = ephemeral.xano_metadata_token.ci.token_id
}

resource "echo" "ci" {}
`
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   acctest.EphemeralVersions(),
		ProtoV6ProviderFactories: acctest.WithEcho(testAccProtoV6ProviderFactories),
		Steps: []resource.TestStep{
			{
				Config:      config(envPattern),
				ExpectError: regexp.MustCompile(`(?s)generated names refused.*8 random\s+hexadecimal\s+digits.*"ci-prod-0a1b2c3d"`),
			},
			{
				PreConfig: func() {
					if n := len(rec.Mints()); n != 0 {
						t.Errorf("%d tokens minted under a pattern their names cannot match, want none", n)
					}
				},
				Config: config(`^[a-z0-9-]+-(prod|staging|dev)-[0-9a-f]{8}$`),
			},
		},
	})
}
