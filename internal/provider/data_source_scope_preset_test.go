package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

func grant(name, crud string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":   knownvalue.StringExact(name),
		"create": knownvalue.Bool(strings.Contains(crud, "C")),
		"read":   knownvalue.Bool(strings.Contains(crud, "R")),
		"update": knownvalue.Bool(strings.Contains(crud, "U")),
		"delete": knownvalue.Bool(strings.Contains(crud, "D")),
	})
}

func TestAccScopePresetDataSource(t *testing.T) {
	t.Parallel()
	names := make([]string, 0, 5)
	counts := map[string]knownvalue.Check{}
	for _, p := range scopes.Presets() {
		names = append(names, fmt.Sprintf("%q", p.Name))
		counts[p.Name] = knownvalue.Int64Exact(int64(len(p.Grants)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offlineProviderConfig + `
data "xano_scope_preset" "weweb" {
  name = "weweb"
}

data "xano_scope_preset" "automation" {
  name = "automation"
}

locals {
  presets = [` + strings.Join(names, ", ") + `]
}

data "xano_scope_preset" "each" {
  count = length(local.presets)
  name  = local.presets[count.index]
}

output "counts" {
  value = { for p in data.xano_scope_preset.each : p.name => length(p.scopes) }
}
`,
			// Expected grants are the recipes of Xano's scope guide, in catalog order.
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.xano_scope_preset.weweb", tfjsonpath.New("scopes"), knownvalue.ListExact([]knownvalue.Check{
					grant("workspace_content", "R"),
					grant("workspace_api_groups", "R"),
				})),
				statecheck.ExpectKnownValue("data.xano_scope_preset.weweb", tfjsonpath.New("purpose"), knownvalue.StringRegexp(regexp.MustCompile(`WeWeb`))),
				statecheck.ExpectKnownValue("data.xano_scope_preset.weweb", tfjsonpath.New("rationale"), knownvalue.StringRegexp(regexp.MustCompile(`read-only`))),
				statecheck.ExpectKnownValue("data.xano_scope_preset.automation", tfjsonpath.New("scopes"), knownvalue.ListExact([]knownvalue.Check{
					grant("workspace_database", "CRUD"),
					grant("workspace_tasks", "CRU"),
					grant("workspace_files", "CRU"),
				})),
				statecheck.ExpectKnownOutputValue("counts", knownvalue.MapExact(counts)),
			},
		}},
	})
}

func TestAccScopePresetDataSourceUnknownName(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      offlineProviderConfig + `data "xano_scope_preset" "x" { name = "wewebb" }`,
				ExpectError: regexp.MustCompile(`Unknown\s+scope\s+preset(.|\s)*Did\s+you\s+mean\s+"weweb"\?(.|\s)*Valid\s+presets:\s+weweb,\s+monitoring`),
			},
			{
				Config:      offlineProviderConfig + `data "xano_scope_preset" "x" { name = "admin-dashboard" }`,
				ExpectError: regexp.MustCompile(`Did\s+you\s+mean\s+"admin_dashboard"\?`),
			},
		},
	})
}

// TestAccScopePresetExample plans the documentation example: the preset
// feeds a dynamic "scope" block next to one extra scope.
func TestAccScopePresetExample(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "xano_scope_preset", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	_, baseURL := emulatortest.Start(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "example"}.String() + string(example),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("xano_metadata_token.grafana", plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue("xano_metadata_token.grafana", tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("workspace_content"), "read": knownvalue.Bool(true), "delete": knownvalue.Bool(false)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("workspace_api_groups"), "read": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("workspace_request_history"), "read": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("workspace_tasks"), "read": knownvalue.Bool(true), "create": knownvalue.Bool(false)}),
					})),
				},
			},
		}},
	})
}
