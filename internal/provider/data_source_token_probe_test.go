package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// probeInstance is the instance the probe tests declare on the emulator.
const probeInstance = "x1234-4567-8901"

// probeEmulator serves an emulator with probeInstance and returns it, its
// base URL, the instance's meta_api and an admin client.
func probeEmulator(t *testing.T) (*emulator.Emulator, string, string, *xano.Client) {
	t.Helper()
	emu, baseURL := emulatortest.Start(t, emulator.Options{Instances: []emulator.InstanceSpec{{Name: probeInstance}}})
	admin, err := xano.New(xano.Config{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	metaAPI := strings.TrimSuffix(baseURL, "/api:meta") + "/_instance/" + probeInstance + "/api:meta"
	return emu, baseURL, metaAPI, admin
}

// handMade mints a token outside Terraform, as a user does in Xano's
// dashboard, with the given wire scopes.
func handMade(t *testing.T, admin *xano.Client, name string, wire map[string][]string) *xano.Token {
	t.Helper()
	tok, err := admin.CreateToken(context.Background(), probeInstance, xano.CreateTokenRequest{Name: name, ExpiresIn: 86400, Scopes: wire})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func stringSetExact(items ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(items))
	for i, s := range items {
		checks[i] = knownvalue.StringExact(s)
	}
	return knownvalue.SetExact(checks)
}

func probeFinding(scope, severity, rule, summaryPrefix string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"scope":      knownvalue.StringExact(scope),
		"permission": knownvalue.StringExact("read"),
		"severity":   knownvalue.StringExact(severity),
		"rule":       knownvalue.StringExact(rule),
		"summary":    knownvalue.StringRegexp(regexp.MustCompile("^" + regexp.QuoteMeta(summaryPrefix))),
	})
}

// writesIn returns the requests of stats that are not GETs.
func writesIn(stats map[string]int) []string {
	var out []string
	for k := range stats {
		if !strings.HasPrefix(k, "GET ") {
			out = append(out, k)
		}
	}
	return out
}

// TestAccTokenProbeMintedWeWebToken: a token minted with read on API groups
// and content reads exactly those two and is refused the six other
// scopes that have a probe, the database among them; its probe finds
// nothing against the weweb preset, and a refresh of the probe writes
// nothing.
func TestAccTokenProbeMintedWeWebToken(t *testing.T) {
	t.Parallel()
	emu, baseURL, metaAPI, _ := probeEmulator(t)
	cfg := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: probeInstance}.String() + `
data "xano_scope_preset" "weweb" {
  name = "weweb"
}

resource "xano_metadata_token" "weweb" {
  name       = "weweb"
  expires_in = "7d"

  dynamic "scope" {
    for_each = data.xano_scope_preset.weweb.scopes
    content {
      name = scope.value.name
      read = scope.value.read
    }
  }
}

data "xano_token_probe" "weweb" {
  token    = xano_metadata_token.weweb.token
  meta_api = xano_metadata_token.weweb.meta_api
  expect   = [for s in data.xano_scope_preset.weweb.scopes : s.name if s.read]
}
`
	probePaths := []string{"/workspace", "/workspace/{id}/table", "/workspace/{id}/apigroup", "/workspace/{id}/function",
		"/workspace/{id}/addon", "/workspace/{id}/task", "/workspace/{id}/file", "/workspace/{id}/request_history"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("readable"),
						stringSetExact("workspace_api_groups", "workspace_content")),
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("refused"),
						stringSetExact("workspace_database", "workspace_functions", "workspace_addons", "workspace_tasks",
							"workspace_files", "workspace_request_history")),
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("unknown"),
						knownvalue.MapExact(map[string]knownvalue.Check{
							"workspace_live_data_source": knownvalue.StringRegexp(regexp.MustCompile("^no safe read separates this scope")),
						})),
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("findings"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("workspace_id"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("meta_api"), knownvalue.StringExact(metaAPI)),
					statecheck.ExpectSensitiveValue("data.xano_token_probe.weweb", tfjsonpath.New("token")),
				},
			},
			{
				PreConfig:    emu.ResetStats,
				RefreshState: true,
				Check: func(*terraform.State) error {
					stats := emu.Stats()
					if w := writesIn(stats); len(w) != 0 {
						return fmt.Errorf("the refresh sent writes: %v", w)
					}
					reads := emu.Count("GET", emulator.PathInstanceMetaAPI+probePaths[0])
					if reads == 0 {
						return fmt.Errorf("the refresh did not probe: %v", stats)
					}
					for _, p := range probePaths {
						if n := emu.Count("GET", emulator.PathInstanceMetaAPI+p); n != reads {
							return fmt.Errorf("GET %s ran %d times, but GET /workspace %d: one GET per scope per probe (%v)", p, n, reads, stats)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestAccTokenProbeHandMadeDatabaseToken: a token made outside Terraform
// with the whole database, probed against the weweb expectation of API
// groups, is a critical excess on the database and a missing API groups;
// instance is enough to find its meta_api.
func TestAccTokenProbeHandMadeDatabaseToken(t *testing.T) {
	t.Parallel()
	emu, baseURL, metaAPI, admin := probeEmulator(t)
	tok := handMade(t, admin, "made-by-hand", map[string][]string{"workspace:database": {"create", "read", "update", "delete"}})
	provider := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String()
	probe := `
variable "token" {
  type      = string
  sensitive = true
}

data "xano_token_probe" "db" {
  token    = var.token
  instance = "` + probeInstance + `"
  expect   = ["workspace_api_groups"]
%s
}
`
	db, _ := scopes.ByKey("workspace_database")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// It may not list workspaces, so only workspace_content is
				// probed until workspace_id is set.
				Config:          provider + fmt.Sprintf(probe, ""),
				ConfigVariables: config.Variables{"token": config.StringVariable(tok.Secret)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("readable"), knownvalue.SetExact(nil)),
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("refused"), stringSetExact("workspace_content")),
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("unknown").AtMapKey("workspace_database"),
						knownvalue.StringRegexp(regexp.MustCompile(`set workspace_id to probe this scope`))),
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("workspace_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("meta_api"), knownvalue.StringExact(metaAPI)),
				},
			},
			{
				Config:          provider + fmt.Sprintf(probe, "  workspace_id = 1"),
				ConfigVariables: config.Variables{"token": config.StringVariable(tok.Secret)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("readable"), stringSetExact("workspace_database")),
					statecheck.ExpectKnownValue("data.xano_token_probe.db", tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
						probeFinding("workspace_database", "critical", "excess", "reads a scope it is not expected to: can "+db.Exposure[scopes.Read]),
						probeFinding("workspace_api_groups", "low", "missing", "expected to read this scope, but the instance refused"),
					})),
				},
			},
		},
	})
	if w := writesIn(emu.Stats()); len(w) != 1 || !strings.HasPrefix(w[0], "POST /instance/{instance}/token ") {
		t.Errorf("the emulator saw writes %v, want the hand-made token's create only", w)
	}
}

// TestAccTokenProbeRevokedToken: a revoked token is one clear error on
// token, never a list of refusals.
func TestAccTokenProbeRevokedToken(t *testing.T) {
	t.Parallel()
	_, _, metaAPI, admin := probeEmulator(t)
	tok := handMade(t, admin, "revoked", map[string][]string{"workspace:api": {"read"}})
	if err := admin.DeleteToken(context.Background(), probeInstance, tok.ID); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// No provider token: a hand-made token is probed without one.
			Config: `
provider "xano" {
  skip_credentials_validation = true
}

variable "token" {
  type      = string
  sensitive = true
}

data "xano_token_probe" "revoked" {
  token    = var.token
  meta_api = "` + metaAPI + `"
}
`,
			ConfigVariables: config.Variables{"token": config.StringVariable(tok.Secret)},
			ExpectError:     regexp.MustCompile(`The probed token is wrong, expired or revoked(.|\s)*refused the token itself\s+\(401\)`),
		}},
	})
}

// TestAccTokenProbeConfigErrors: each wrong configuration fails with the
// error that says what to change.
func TestAccTokenProbeConfigErrors(t *testing.T) {
	t.Parallel()
	_, baseURL, metaAPI, _ := probeEmulator(t)
	provider := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String()
	tests := []struct {
		name, body string
		want       string
	}{
		{"a typo in expect", `meta_api = "` + metaAPI + `"
  expect   = ["workspace_api_grups"]`, `Unknown Xano scope(.|\s)*Did\s+you\s+mean\s+"workspace_api_groups"`},
		{"a display name in expect", `meta_api = "` + metaAPI + `"
  expect   = ["Workspace Database"]`, `Write\s+it\s+as\s+its\s+HCL\s+key:\s+did\s+you\s+mean\s+"workspace_database"`},
		{"meta_api and instance", `meta_api = "` + metaAPI + `"
  instance = "` + probeInstance + `"`, `Invalid Attribute Combination`},
		{"neither meta_api nor instance", ``, `Nothing to probe(.|\s)*Set\s+meta_api`},
		{"an instance the account lacks", `instance = "x1234-4567-8902"`, `Xano instance not found`},
		{"a meta_api with a query", `meta_api = "` + metaAPI + `?x=1"`, `has\s+a\s+query\s+or\s+fragment`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: provider + `
data "xano_token_probe" "this" {
  token = "xano_mt_not-a-real-token"
  ` + tt.body + `
}
`,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

// TestAccTokenProbeExample applies the documentation example as written,
// with a token made for WeWeb by hand.
func TestAccTokenProbeExample(t *testing.T) {
	t.Parallel()
	_, baseURL, metaAPI, admin := probeEmulator(t)
	tok := handMade(t, admin, "weweb-by-hand", map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}})
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "xano_token_probe", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String() + string(example),
			ConfigVariables: config.Variables{"weweb_token": config.StringVariable(tok.Secret)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("weweb_reaches", stringSetExact("workspace_api_groups", "workspace_content")),
				statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("meta_api"), knownvalue.StringExact(metaAPI)),
				statecheck.ExpectKnownValue("data.xano_token_probe.weweb", tfjsonpath.New("findings"), knownvalue.ListExact(nil)),
			},
		}},
	})
}
