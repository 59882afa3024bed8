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
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// instanceCheck is the expected object of an instance served by the emulator
// at origin, with every field Xano documents and nothing else.
func instanceCheck(origin, name, display string) knownvalue.Check {
	host := strings.TrimPrefix(origin, "http://")
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":          knownvalue.StringExact(name),
		"display":       knownvalue.StringExact(display),
		"xano_domain":   knownvalue.StringExact(host),
		"custom_domain": knownvalue.Null(),
		"meta_api":      knownvalue.StringExact(origin + "/_instance/" + name + "/api:meta"),
		"meta_swagger":  knownvalue.StringExact(origin + "/_instance/" + name + "/apispec:meta?type=json"),
	})
}

// TestAccInstancesDataSources reads the instances of an emulator started
// with two declared instances, by list and by name, and checks that an
// unknown name fails with the instance most likely meant.
func TestAccInstancesDataSources(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{Instances: []emulator.InstanceSpec{
		{Name: "x1a2-b3c4-d5e6", Display: "Production"},
		{Name: "x9f8-e7d6-c5b4"},
	}})
	origin := strings.TrimSuffix(baseURL, "/api:meta")
	provider := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider + `
data "xano_instances" "all" {}

data "xano_instance" "production" {
  name = "x1a2-b3c4-d5e6"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_instances.all", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{
						instanceCheck(origin, "x1a2-b3c4-d5e6", "Production"),
						instanceCheck(origin, "x9f8-e7d6-c5b4", "x9f8-e7d6-c5b4"),
					})),
					statecheck.ExpectKnownValue("data.xano_instance.production", tfjsonpath.New("meta_api"),
						knownvalue.StringExact(origin+"/_instance/x1a2-b3c4-d5e6/api:meta")),
					statecheck.ExpectKnownValue("data.xano_instance.production", tfjsonpath.New("display"), knownvalue.StringExact("Production")),
					statecheck.ExpectKnownValue("data.xano_instance.production", tfjsonpath.New("custom_domain"), knownvalue.Null()),
				},
			},
			{
				Config:      provider + `data "xano_instance" "typo" { name = "x1a2-b3c4-d5e7" }`,
				ExpectError: regexp.MustCompile(`Xano instance not found(.|\s)*no\s+instance\s+"x1a2-b3c4-d5e7"(.|\s)*Did\s+you\s+mean\s+"x1a2-b3c4-d5e6"\s+\(Production\)\?`),
			},
			{
				Config:      provider + `data "xano_instance" "display" { name = "Production" }`,
				ExpectError: regexp.MustCompile(`display\s+name\s+of\s+instance\s+"x1a2-b3c4-d5e6"(.|\s)*Set\s+name\s+=\s+"x1a2-b3c4-d5e6"`),
			},
		},
	})
	if got := emu.InstanceNames(); fmt.Sprint(got) != "[x1a2-b3c4-d5e6 x9f8-e7d6-c5b4]" {
		t.Errorf("the emulator's instances changed to %v", got)
	}
}

// TestAccInstancesExamples applies the documentation examples as written.
func TestAccInstancesExamples(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{Instances: []emulator.InstanceSpec{
		{Name: "x1234-4567-8901", Display: "My Instance"},
		{Name: "x5555-6666-7777"},
	}})
	origin := strings.TrimSuffix(baseURL, "/api:meta")
	var config strings.Builder
	config.WriteString(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String())
	for _, name := range []string{"xano_instances", "xano_instance"} {
		example, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", name, "data-source.tf"))
		if err != nil {
			t.Fatal(err)
		}
		config.Write(example)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("instance_meta_apis", knownvalue.MapExact(map[string]knownvalue.Check{
					"x1234-4567-8901": knownvalue.StringExact(origin + "/_instance/x1234-4567-8901/api:meta"),
					"x5555-6666-7777": knownvalue.StringExact(origin + "/_instance/x5555-6666-7777/api:meta"),
				})),
				statecheck.ExpectKnownOutputValue("production", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"display":  knownvalue.StringExact("My Instance"),
					"meta_api": knownvalue.StringExact(origin + "/_instance/x1234-4567-8901/api:meta"),
				})),
			},
		}},
	})
}
