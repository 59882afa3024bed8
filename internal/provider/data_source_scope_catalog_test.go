package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// offlineProviderConfig configures the provider for data sources that make
// no API call: the URL is never contacted, not even to check the token.
var offlineProviderConfig = acctest.Provider{BaseURL: "http://127.0.0.1:9/api:meta", AccessToken: "unused-token",
	Body: []string{"skip_credentials_validation = true"}}.String()

func severities(c, r, u, d string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"create": knownvalue.StringExact(c),
		"read":   knownvalue.StringExact(r),
		"update": knownvalue.StringExact(u),
		"delete": knownvalue.StringExact(d),
	})
}

func TestAccScopeCatalogDataSource(t *testing.T) {
	t.Parallel()
	keys := make([]knownvalue.Check, 0, 9)
	for _, k := range scopes.Keys() {
		keys = append(keys, knownvalue.StringExact(k))
	}
	all := "data.xano_scope_catalog.all"
	// Every row carries its catalog entry unchanged; the hand-written checks
	// below pin a few facts from Xano's scope reference.
	rows := make([]knownvalue.Check, 0, 9)
	for _, s := range scopes.All() {
		includes := make([]knownvalue.Check, 0, len(s.Includes))
		for _, inc := range s.Includes {
			includes = append(includes, knownvalue.StringExact(inc))
		}
		rows = append(rows, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"name":         knownvalue.StringExact(s.Key),
			"wire_key":     knownvalue.StringExact(s.WireKey),
			"display_name": knownvalue.StringExact(s.DisplayName),
			"description":  knownvalue.StringExact(s.Description),
			"includes":     knownvalue.ListExact(includes),
			"risk": severities(s.RiskOf(scopes.Create).String(), s.RiskOf(scopes.Read).String(),
				s.RiskOf(scopes.Update).String(), s.RiskOf(scopes.Delete).String()),
		}))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offlineProviderConfig + `
data "xano_scope_catalog" "all" {}

data "xano_scope_catalog" "db" {
  name = "workspace_database"
}

output "names" {
  value = [for s in data.xano_scope_catalog.all.scopes : s.name]
}
`,
			// Expected rows are the scopes of Xano's scope reference.
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("scopes"), knownvalue.ListExact(rows)),
				statecheck.ExpectKnownOutputValue("names", knownvalue.ListExact(keys)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("scopes").AtSliceIndex(3), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":         knownvalue.StringExact("workspace_api_groups"),
					"wire_key":     knownvalue.StringExact("workspace:api"),
					"display_name": knownvalue.StringExact("Workspace API Groups"),
					"description":  knownvalue.StringRegexp(regexp.MustCompile(`API`)),
					"includes":     knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringExact("API endpoint definitions")}),
					"risk":         severities("high", "low", "high", "high"),
				})),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("scopes").AtSliceIndex(1).AtMapKey("wire_key"), knownvalue.StringExact("instance:workspace")),
				statecheck.ExpectKnownValue("data.xano_scope_catalog.db", tfjsonpath.New("scopes"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":         knownvalue.StringExact("workspace_database"),
						"display_name": knownvalue.StringExact("Workspace Database"),
						"risk":         severities("critical", "critical", "critical", "critical"),
					}),
				})),
			},
		}},
	})
}

func TestAccScopeCatalogDataSourceUnknownName(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      offlineProviderConfig + `data "xano_scope_catalog" "x" { name = "workspace_databse" }`,
				ExpectError: regexp.MustCompile(`Unknown\s+Xano\s+scope(.|\s)*Did\s+you\s+mean\s+"workspace_database"\?`),
			},
			{
				Config:      offlineProviderConfig + `data "xano_scope_catalog" "x" { name = "Workspace Files" }`,
				ExpectError: regexp.MustCompile(`Scope\s+must\s+be\s+written\s+as\s+its\s+HCL\s+name(.|\s)*did\s+you\s+mean\s+"workspace_files"\?`),
			},
		},
	})
}

// TestAccScopeCatalogExample applies the documentation example as written.
func TestAccScopeCatalogExample(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "xano_scope_catalog", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offlineProviderConfig + string(example),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("scope_display_names", knownvalue.MapPartial(map[string]knownvalue.Check{
					"workspace_live_data_source": knownvalue.StringExact("Workspace Live Data Source"),
					"workspace_request_history":  knownvalue.StringExact("Workspace Request History"),
				})),
				statecheck.ExpectKnownOutputValue("scope_display_names", knownvalue.MapSizeExact(9)),
				statecheck.ExpectKnownOutputValue("files_read_risk", knownvalue.StringExact("high")),
			},
		}},
	})
}

// TestNameValidators covers the scope and preset name validators, which
// share nameValidator but not their lookups or wording.
func TestNameValidators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		validator   validator.String
		value       types.String
		wantSummary string
		wantDetail  string
	}{
		{name: "scope: null", validator: scopeNameValidator, value: types.StringNull()},
		{name: "scope: unknown", validator: scopeNameValidator, value: types.StringUnknown()},
		{name: "scope: HCL key", validator: scopeNameValidator, value: types.StringValue("workspace_tasks")},
		{name: "scope: typo", validator: scopeNameValidator, value: types.StringValue("workspace_taks"), wantSummary: "Unknown Xano scope", wantDetail: `Did you mean "workspace_tasks"?`},
		{name: "scope: wire key", validator: scopeNameValidator, value: types.StringValue("workspace:task"), wantSummary: "Scope must be written as its HCL name", wantDetail: `did you mean "workspace_tasks"?`},
		{name: "scope: nothing close", validator: scopeNameValidator, value: types.StringValue("zzz"), wantSummary: "Unknown Xano scope", wantDetail: "Valid names: workspace_database"},
		{name: "preset: null", validator: presetNameValidator, value: types.StringNull()},
		{name: "preset: unknown", validator: presetNameValidator, value: types.StringUnknown()},
		{name: "preset: every preset", validator: presetNameValidator, value: types.StringValue("analytics")},
		{name: "preset: typo", validator: presetNameValidator, value: types.StringValue("analytic"), wantSummary: "Unknown scope preset", wantDetail: `Did you mean "analytics"?`},
		{name: "preset: nothing close", validator: presetNameValidator, value: types.StringValue("everything"), wantSummary: "Unknown scope preset", wantDetail: "Valid presets: weweb, monitoring, automation, admin_dashboard, analytics."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			at := path.Root("name")
			var resp validator.StringResponse
			tt.validator.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: tt.value}, &resp)
			if tt.wantSummary == "" {
				if len(resp.Diagnostics) != 0 {
					t.Errorf("unexpected diagnostics: %s", renderDiags(resp.Diagnostics))
				}
				return
			}
			wantDiag(t, resp.Diagnostics, tt.wantSummary, &at, tt.wantDetail)
		})
	}
}
