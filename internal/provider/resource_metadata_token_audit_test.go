package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

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
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// useToken makes one real request with the secret of addr at its meta_api,
// to an endpoint its workspace_api_groups read opens.
func useToken(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		url := rs.Primary.Attributes["meta_api"] + "/workspace/1/apigroup"
		got, err := getStatus(context.Background(), url, rs.Primary.Attributes["token"])
		if err != nil {
			return err
		}
		if got != http.StatusOK {
			return fmt.Errorf("GET %s with the secret of %s: %d, want 200", url, addr, got)
		}
		return nil
	}
}

// TestAccMetadataToken_usage covers last_used_at and the idle rule on
// managed tokens: a token used once has last_used_at and one never used has
// none; under max_idle the unused one gets an idle finding at refresh, with
// no change planned; using it ends the finding.
func TestAccMetadataToken_usage(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	const used, unused = "xano_metadata_token.used", "xano_metadata_token.unused"
	config := func(usedName string, policy ...string) string {
		token := func(label, name string) string {
			return acctest.Token(label, acctest.Attr("name", name), `expires_in = "30d"`, acctest.Scope("workspace_api_groups", "read"))
		}
		return acctest.Config(
			acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main", Policy: policy}.String(),
			token("used", usedName), token("unused", "unused"))
	}
	maxIdle := `max_idle = "1s"`
	lastUsed, findings := tfjsonpath.New("last_used_at"), tfjsonpath.New("findings")
	grant := knownvalue.StringExact("low grant workspace_api_groups.read: can read API endpoint definitions, groups and settings")
	idle := knownvalue.StringExact("high idle: never used since its creation at 2030-01-01T00:00:00Z, more than the provider policy's max_idle of 1s ago")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		Steps: []resource.TestStep{
			{
				Config: config("used"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(used, lastUsed),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(used, lastUsed, knownvalue.Null()),
					statecheck.ExpectKnownValue(unused, lastUsed, knownvalue.Null()),
				},
				// Ten seconds later, one real request with the first secret.
				Check: func(s *terraform.State) error {
					clock.Advance(10 * time.Second)
					return useToken(used)(s)
				},
			},
			{
				// The refresh reads the use; the idle finding of the other
				// token is judged then, so the plan is empty.
				Config: config("used", maxIdle),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(used, lastUsed, knownvalue.StringExact("2030-01-01T00:00:10Z")),
					statecheck.ExpectKnownValue(unused, lastUsed, knownvalue.Null()),
					statecheck.ExpectKnownValue(used, findings, knownvalue.ListExact([]knownvalue.Check{grant})),
					statecheck.ExpectKnownValue(unused, findings, knownvalue.ListExact([]knownvalue.Check{grant, idle})),
				},
			},
			{
				// An import reads the same, idle finding included.
				ResourceName:            unused,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(unused),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				// A minute later the first token is idle too. An in-place
				// rename keeps the last use the refresh read, as planned.
				PreConfig: func() { clock.Advance(time.Minute) },
				Config:    config("used-renamed", maxIdle),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(used, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(unused, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(used, lastUsed, knownvalue.StringExact("2030-01-01T00:00:10Z")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(used, lastUsed, knownvalue.StringExact("2030-01-01T00:00:10Z")),
					statecheck.ExpectKnownValue(used, findings, knownvalue.ListExact([]knownvalue.Check{grant,
						knownvalue.StringExact("high idle: last used at 2030-01-01T00:00:10Z, more than the provider policy's max_idle of 1s ago")})),
				},
				Check: useToken(unused),
			},
			{
				// Used now: the idle finding goes at the next refresh, still
				// with no change planned.
				Config: config("used-renamed", maxIdle),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(unused, lastUsed, knownvalue.StringExact("2030-01-01T00:01:10Z")),
					statecheck.ExpectKnownValue(unused, findings, knownvalue.ListExact([]knownvalue.Check{grant})),
				},
			},
		},
	})
	if n := len(emu.Tokens("main")); n != 0 {
		t.Errorf("%d token(s) left after destroy", n)
	}
}

// TestAccMetadataToken_purpose covers purpose: validated with a
// did-you-mean, recorded as a marker at the end of the description Xano
// holds while the configured description round-trips, a purpose finding for
// each grant beyond the recipe and none within it, and an in-place change.
func TestAccMetadataToken_purpose(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	const grafana, weweb = "xano_metadata_token.grafana", "xano_metadata_token.weweb"
	config := func(purpose string) string {
		return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String(),
			acctest.Token("grafana", `description = "Grafana dashboards"`, "purpose     = "+purpose, `expires_in  = "30d"`,
				acctest.Scope("workspace_api_groups", "read"), acctest.Scope("workspace_request_history", "read"),
				acctest.Scope("workspace_addons", "read")),
			acctest.Token("weweb", `purpose = "weweb"`, wewebScopes))
	}
	descriptions := func(want map[string]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, tok := range emu.Tokens("main") {
				if tok.Description != want[tok.Name] {
					return fmt.Errorf("Xano holds the description %q for %s, want %q", tok.Description, tok.Name, want[tok.Name])
				}
			}
			return nil
		}
	}
	beyond := knownvalue.StringExact("high purpose workspace_addons.read: workspace_addons.read is not part of the monitoring recipe")
	purposeRule := tfjsonpath.New("findings")
	ids := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`"monitorng"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Unknown\s+token\s+purpose[\s\S]*Did\s+you\s+mean\s+"monitoring"\?`),
			},
			{
				Config: config(`"monitoring"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(grafana, purposeRule.AtSliceIndex(2), beyond),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(grafana, tfjsonpath.New("purpose"), knownvalue.StringExact("monitoring")),
					statecheck.ExpectKnownValue(grafana, tfjsonpath.New("description"), knownvalue.StringExact("Grafana dashboards")),
					statecheck.ExpectKnownValue(weweb, tfjsonpath.New("description"), knownvalue.Null()),
					// Within its recipe: the grants alone.
					statecheck.ExpectKnownValue(weweb, purposeRule, knownvalue.ListSizeExact(2)),
					ids.AddStateValue(grafana, tfjsonpath.New("token_id")),
				},
				Check: descriptions(map[string]string{"grafana": "Grafana dashboards [purpose: monitoring]", "weweb": "[purpose: weweb]"}),
			},
			{
				ResourceName:            grafana,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(grafana),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				Config: config(`"monitoring"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Dropping the purpose changes the description in place.
				Config: config("null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(grafana, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(weweb, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(grafana, tfjsonpath.New("purpose"), knownvalue.Null()),
					statecheck.ExpectKnownValue(grafana, purposeRule, knownvalue.ListSizeExact(3)),
					ids.AddStateValue(grafana, tfjsonpath.New("token_id")),
				},
				Check: descriptions(map[string]string{"grafana": "Grafana dashboards", "weweb": "[purpose: weweb]"}),
			},
			{
				Config: config("null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccMetadataTokensDataSource_audit covers what the audit adds for the
// practice of Xano's scope guide: last_used_at and idle, managed_token_ids with
// managed and the unmanaged finding, expires_in, and the purpose read from a
// description's marker.
func TestAccMetadataTokensDataSource_audit(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	_, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	client := mtClient(t, baseURL)
	// Made in the dashboard, with a purpose its grants exceed.
	manual, err := client.CreateToken(t.Context(), "main", xano.CreateTokenRequest{
		Name: "made-by-hand", Description: "Grafana [purpose: monitoring]", ExpiresIn: 3600,
		Scopes: map[string][]string{"workspace:api": {"read"}, "workspace:addon": {"read"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// One provider block: the test harness serves every provider
	// configuration from one server, so an alias would share its policy.
	resources := acctest.Config(
		acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main", Policy: []string{`max_idle = "1s"`}}.String(),
		acctest.Token("managed", acctest.Scope("workspace_api_groups", "read")))
	withAudit := resources + `
data "xano_metadata_tokens" "plain" {}

data "xano_metadata_tokens" "audit" {
  managed_token_ids = [xano_metadata_token.managed.token_id]
}

output "unmanaged" {
  value = [for t in data.xano_metadata_tokens.audit.tokens : t.name if t.managed == false]
}
`
	tokens := tfjsonpath.New("tokens")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		Steps: []resource.TestStep{
			{
				Config: resources,
				Check: func(s *terraform.State) error {
					clock.Advance(10 * time.Second)
					return useToken("xano_metadata_token.managed")(s)
				},
			},
			{
				Config: withAudit,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.xano_metadata_tokens.audit", tokens, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"token_id":      knownvalue.Int64Exact(manual.ID),
							"description":   knownvalue.StringExact("Grafana"),
							"purpose":       knownvalue.StringExact("monitoring"),
							"expires_in":    knownvalue.StringExact("1h"),
							"never_expires": knownvalue.Bool(false),
							"last_used_at":  knownvalue.Null(),
							"managed":       knownvalue.Bool(false),
							"findings": knownvalue.ListExact([]knownvalue.Check{
								findingCheck("workspace_api_groups", "read", "low", "grant", "can read API endpoint"),
								findingCheck("workspace_addons", "read", "low", "grant", "can "),
								findingCheck("workspace_addons", "read", "high", "purpose", "workspace_addons.read is not part of the monitoring recipe"),
								findingCheck("", "", "high", "idle", "never used since its creation at 2030-01-01T00:00:00Z"),
								findingCheck("", "", "high", "unmanaged", "not managed by this Terraform configuration"),
							}),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":         knownvalue.StringExact("managed"),
							"expires_in":   knownvalue.StringExact("7d"),
							"purpose":      knownvalue.Null(),
							"last_used_at": knownvalue.StringExact("2030-01-01T00:00:10Z"),
							"managed":      knownvalue.Bool(true),
							"findings": knownvalue.ListExact([]knownvalue.Check{
								findingCheck("workspace_api_groups", "read", "low", "grant", "can read API endpoint"),
							}),
						}),
					})),
					// Without managed_token_ids nothing is judged managed.
					statecheck.ExpectKnownValue("data.xano_metadata_tokens.plain", tokens.AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"managed": knownvalue.Null(),
						"findings": knownvalue.ListExact([]knownvalue.Check{
							findingCheck("workspace_api_groups", "read", "low", "grant", "can read API endpoint"),
							findingCheck("workspace_addons", "read", "low", "grant", "can "),
							findingCheck("workspace_addons", "read", "high", "purpose", "workspace_addons.read is not part of the monitoring recipe"),
							findingCheck("", "", "high", "idle", "never used since its creation at 2030-01-01T00:00:00Z"),
						}),
					})),
					statecheck.ExpectKnownOutputValue("unmanaged", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("made-by-hand")})),
				},
			},
		},
	})
}
