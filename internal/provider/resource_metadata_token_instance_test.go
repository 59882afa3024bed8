package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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

// getStatus sends GET url with the bearer token and returns the status.
func getStatus(ctx context.Context, url, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// usableAtMetaAPI checks the minted token at its meta_api: the monitoring
// token reads request history there and is refused the database, which it
// does not grant.
func usableAtMetaAPI(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		metaAPI, secret := rs.Primary.Attributes["meta_api"], rs.Primary.Attributes["token"]
		if metaAPI == "" || secret == "" {
			return fmt.Errorf("%s has meta_api %q and a secret of %d characters", addr, metaAPI, len(secret))
		}
		for path, want := range map[string]int{"/workspace/1/request_history": http.StatusOK, "/workspace/1/table": http.StatusForbidden} {
			got, err := getStatus(context.Background(), metaAPI+path, secret)
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("GET %s%s with the minted token: %d, want %d", metaAPI, path, got, want)
			}
		}
		return nil
	}
}

// TestAccMetadataToken_instances runs against an emulator with two declared
// instances: meta_api is the instance's, known at plan time and usable with
// the minted token, and a mistyped instance fails the plan with a
// did-you-mean before anything is created.
func TestAccMetadataToken_instances(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{Instances: []emulator.InstanceSpec{
		{Name: "x1a2-b3c4-d5e6", Display: "Production"},
		{Name: "x9f8-e7d6-c5b4", Display: "Staging"},
	}})
	prodMetaAPI := strings.TrimSuffix(baseURL, "/api:meta") + "/_instance/x1a2-b3c4-d5e6/api:meta"
	const addr = "xano_metadata_token.monitoring"
	monitoring := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "x1a2-b3c4-d5e6"}.String() + `
data "xano_instance" "production" {
  name = "x1a2-b3c4-d5e6"
}

resource "xano_metadata_token" "monitoring" {
  name = "monitoring"
  scope {
    name = "workspace_request_history"
    read = true
  }
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: monitoring,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("meta_api"), knownvalue.StringExact(prodMetaAPI)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(addr, tfjsonpath.New("meta_api"),
						"data.xano_instance.production", tfjsonpath.New("meta_api"), compare.ValuesSame()),
				},
				Check: usableAtMetaAPI(addr),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: mtImportID(addr),
				ImportStateVerify: true,
				// The first step's check used the token after the apply, so
				// the import reads a last use the state has not seen yet.
				ImportStateVerifyIgnore: []string{"token", "last_used_at"},
			},
			{
				Config: monitoring + `
resource "xano_metadata_token" "typo" {
  name     = "typo"
  instance = "x9f8-e7d6-c5b5"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Xano instance not found(.|\s)*no\s+instance\s+"x9f8-e7d6-c5b5"\s+\(set\s+in\s+this\s+block\)(.|\s)*Did\s+you\s+mean\s+"x9f8-e7d6-c5b4"\s+\(Staging\)\?`),
			},
		},
		CheckDestroy: func(*terraform.State) error { return mtHolds(emu, "x1a2-b3c4-d5e6") },
	})
	if n := len(emu.Tokens("x9f8-e7d6-c5b5")); n != 0 {
		t.Errorf("%d tokens on the mistyped instance", n)
	}
}
