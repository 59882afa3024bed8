package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// mtClient is an API client for changes made behind Terraform's
// back.
func mtClient(t *testing.T, baseURL string) *xano.Client {
	t.Helper()
	c, err := xano.New(xano.Config{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mtImportID builds "<instance>/<token id>" from a resource's state.
func mtImportID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in state", addr)
		}
		return rs.Primary.Attributes["instance"] + "/" + rs.Primary.Attributes["token_id"], nil
	}
}

// mtHolds checks the instance's tokens, by name, in id order.
func mtHolds(emu *emulator.Emulator, instance string, names ...string) error {
	var got []string
	for _, tok := range emu.Tokens(instance) {
		got = append(got, tok.Name)
	}
	if !slices.Equal(got, names) {
		return fmt.Errorf("instance %q holds tokens %q, want %q", instance, got, names)
	}
	return nil
}

// mtStateTokenID reads token_id of addr from state.
func mtStateTokenID(s *terraform.State, addr string) (int64, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return 0, fmt.Errorf("%s is not in state", addr)
	}
	return strconv.ParseInt(rs.Primary.Attributes["token_id"], 10, 64)
}

func mtScopeCheck(name string, c, r, u, d bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":   knownvalue.StringExact(name),
		"create": knownvalue.Bool(c),
		"read":   knownvalue.Bool(r),
		"update": knownvalue.Bool(u),
		"delete": knownvalue.Bool(d),
	})
}

// wewebScopes are the scope blocks of a WeWeb token.
var wewebScopes = acctest.Scope("workspace_api_groups", "read") + acctest.Scope("workspace_content", "read")

// TestAccMetadataToken_lifecycle covers create, terraform import, an
// in-place rename, a lifetime rewritten in other units, a scope change
// planned as a replacement, and a token revoked behind Terraform's back.
func TestAccMetadataToken_lifecycle(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	client := mtClient(t, baseURL)
	const addr = "xano_metadata_token.weweb"
	config := func(name, expiresIn, scopeBlocks string) string {
		return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(),
			acctest.Token("weweb", acctest.Attr("instance", "main"), acctest.Attr("name", name),
				acctest.Attr("description", "WeWeb Xano plugin: API discovery for data binding"),
				acctest.Attr("expires_in", expiresIn), scopeBlocks))
	}
	sameToken := statecheck.CompareValue(compare.ValuesSame())
	replacedToken := statecheck.CompareValue(compare.ValuesDiffer())
	var firstID int64

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return mtHolds(emu, "main")
		},
		Steps: []resource.TestStep{
			{
				Config: config("weweb-production", "30d", wewebScopes),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expires_at")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expires_in"), knownvalue.StringExact("30d")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^main/\d+$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^xano_mt_`))),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("never_expires"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						mtScopeCheck("workspace_api_groups", false, true, false, false),
						mtScopeCheck("workspace_content", false, true, false, false),
					})),
					sameToken.AddStateValue(addr, tfjsonpath.New("token_id")),
					replacedToken.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: func(s *terraform.State) error {
					if err := mtHolds(emu, "main", "weweb-production"); err != nil {
						return err
					}
					if n := emu.Count(http.MethodPost, xano.PathTokens); n != 1 {
						return fmt.Errorf("the create took %d POSTs, want 1", n)
					}
					tok := emu.Tokens("main")[0]
					created, _ := xano.ParseTime(tok.CreatedAt)
					expires, _ := xano.ParseTime(*tok.ExpiresAt)
					if got := expires.Sub(created); got != 30*24*time.Hour {
						return fmt.Errorf("the token lives %s, want 720h", got)
					}
					if got := tok.Scopes; len(got) != 2 || !slices.Equal(got["workspace:api"], []string{"read"}) || !slices.Equal(got["instance:workspace"], []string{"read"}) {
						return fmt.Errorf("the token's scopes are %v", got)
					}
					rs := s.RootModule().Resources[addr].Primary.Attributes
					if rs["expires_at"] != formatTimestamp(expires) || rs["created_at"] != formatTimestamp(created) {
						return fmt.Errorf("state times %s/%s differ from the API's %s/%s", rs["created_at"], rs["expires_at"], tok.CreatedAt, *tok.ExpiresAt)
					}
					var err error
					firstID, err = mtStateTokenID(s, addr)
					return err
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(addr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d states, want 1", len(states))
					}
					if v, ok := states[0].Attributes["token"]; ok && v != "" {
						return fmt.Errorf("an imported token has a secret in state")
					}
					return nil
				},
			},
			{
				// Renaming updates in place; "720h" is the same lifetime
				// as "30d" and changes nothing.
				Config: config("weweb-prod", "720h", wewebScopes),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expires_in"), knownvalue.StringExact("30d")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameToken.AddStateValue(addr, tfjsonpath.New("token_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("weweb-prod")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^xano_mt_`))),
				},
				Check: func(*terraform.State) error {
					if n := emu.Count(http.MethodPost, xano.PathToken); n != 1 {
						return fmt.Errorf("the rename took %d update calls, want 1", n)
					}
					return mtHolds(emu, "main", "weweb-prod")
				},
			},
			{
				// Scopes are fixed at mint: a change is a replacement,
				// destroy first by default.
				Config: config("weweb-prod", "720h", acctest.Scope("workspace_api_groups", "read")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					replacedToken.AddStateValue(addr, tfjsonpath.New("token_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						mtScopeCheck("workspace_api_groups", false, true, false, false),
					})),
				},
				Check: func(s *terraform.State) error {
					id, err := mtStateTokenID(s, addr)
					if err != nil {
						return err
					}
					toks := emu.Tokens("main")
					if len(toks) != 1 || toks[0].ID != id || id == firstID {
						return fmt.Errorf("after the replacement the emulator holds %v, want only the new token %d", toks, id)
					}
					return nil
				},
			},
			{
				// Revoked in the dashboard: refresh drops it, the plan
				// creates it again.
				PreConfig: func() {
					for _, tok := range emu.Tokens("main") {
						if err := client.DeleteToken(context.Background(), "main", tok.ID); err != nil {
							t.Fatalf("revoking token %d out of band: %v", tok.ID, err)
						}
					}
				},
				Config: config("weweb-prod", "720h", acctest.Scope("workspace_api_groups", "read")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					replacedToken.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: func(*terraform.State) error {
					return mtHolds(emu, "main", "weweb-prod")
				},
			},
		},
	})
}

// TestAccMetadataToken_rotation moves the clock: a steady plan stays empty
// before the rotate_before window, the window and the expiry each plan a
// replacement, and a saved plan still applies when time moved into the
// window between plan and apply.
func TestAccMetadataToken_rotation(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	const addr = "xano_metadata_token.monitoring"
	const day = 24 * time.Hour
	config := func(name string) string {
		return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(),
			acctest.Token("monitoring", acctest.Attr("instance", "main"), acctest.Attr("name", name),
				`expires_in    = "10d"`, `rotate_before = "3d"`, acctest.Scope("workspace_request_history", "read")))
	}
	expiresAt := func(at time.Time) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_at"), knownvalue.StringExact(formatTimestamp(at)))
	}
	tokens := statecheck.CompareValue(compare.ValuesDiffer())
	rotated := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		Steps: []resource.TestStep{
			{
				Config: config("monitoring"),
				ConfigStateChecks: []statecheck.StateCheck{
					expiresAt(start.Add(10 * day)),
					tokens.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
			},
			{
				// Six days in, the window (the last three days) is still
				// ahead: nothing to do.
				PreConfig: func() { clock.Advance(6 * day) },
				Config:    config("monitoring"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Eight days in: inside the window, a replacement.
				PreConfig: func() { clock.Advance(2 * day) },
				Config:    config("monitoring"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expires_at")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expiresAt(start.Add(18 * day)),
					tokens.AddStateValue(addr, tfjsonpath.New("token_id")),
					rotated.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: func(*terraform.State) error { return mtHolds(emu, "main", "monitoring") },
			},
			{
				// A rename planned on day 8 is applied on day 16, inside the
				// new token's window: the apply keeps the reviewed plan.
				// The refresh after it sees the window, hence a non-empty plan.
				Config: config("monitoring-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					clock.AdvanceAfterPlan(8 * day),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					rotated.AddStateValue(addr, tfjsonpath.New("token_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("monitoring-renamed")),
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// Day 19: the token has expired; it stays in state and is
				// replaced.
				PreConfig: func() { clock.Advance(3 * day) },
				Config:    config("monitoring-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expiresAt(start.Add(29 * day)),
					tokens.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: func(*terraform.State) error { return mtHolds(emu, "main", "monitoring-renamed") },
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: mtImportID(addr),
				ImportStateVerify: true,
				// rotate_before lives only in the configuration: the API
				// knows nothing of it, so an import leaves it null.
				ImportStateVerifyIgnore: []string{"token", "rotate_before"},
			},
		},
	})
}

// TestAccMetadataToken_lifetimes covers never_expires, the 7-day default,
// the provider's default instance, "24h" rewritten as "1d", import {}
// blocks of matching configurations planning no change, and
// revoke_on_destroy = false leaving the token in Xano.
func TestAccMetadataToken_lifetimes(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	config := func(daily, weekly string) string {
		weeklyLine := ""
		if weekly != "" {
			weeklyLine = fmt.Sprintf("expires_in = %q", weekly)
		}
		return acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String() + fmt.Sprintf(`
resource "xano_metadata_token" "forever" {
  name              = "legacy-backup"
  never_expires     = true
  revoke_on_destroy = false
  scope {
    name = "workspace_database"
    read = true
  }
}

resource "xano_metadata_token" "weekly" {
  name        = "weekly"
  description = "default lifetime"
  %s
  scope {
    name = "workspace_content"
    read = true
  }
}

resource "xano_metadata_token" "daily" {
  name       = "daily"
  expires_in = %q
  scope {
    name   = "workspace_files"
    create = true
    read   = true
    update = true
  }
}
`, weeklyLine, daily)
	}
	const forever, weekly, daily = "xano_metadata_token.forever", "xano_metadata_token.weekly", "xano_metadata_token.daily"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Only the token with revoke_on_destroy = false survives.
			return mtHolds(emu, "main", "legacy-backup")
		},
		Steps: []resource.TestStep{
			{
				Config: config("24h", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(forever, tfjsonpath.New("expires_at"), knownvalue.Null()),
					plancheck.ExpectKnownValue(forever, tfjsonpath.New("expires_in"), knownvalue.Null()),
					plancheck.ExpectKnownValue(weekly, tfjsonpath.New("expires_in"), knownvalue.StringExact("7d")),
					plancheck.ExpectKnownValue(weekly, tfjsonpath.New("instance"), knownvalue.StringExact("main")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("never_expires"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(forever, tfjsonpath.New("expires_in"), knownvalue.Null()),
					statecheck.ExpectKnownValue(weekly, tfjsonpath.New("expires_in"), knownvalue.StringExact("7d")),
					statecheck.ExpectKnownValue(weekly, tfjsonpath.New("never_expires"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(daily, tfjsonpath.New("expires_in"), knownvalue.StringExact("24h")),
				},
				Check: func(*terraform.State) error {
					lifetimes := map[string]string{}
					for _, tok := range emu.Tokens("main") {
						if tok.ExpiresAt == nil {
							lifetimes[tok.Name] = "never"
							continue
						}
						created, _ := xano.ParseTime(tok.CreatedAt)
						expires, _ := xano.ParseTime(*tok.ExpiresAt)
						lifetimes[tok.Name] = expires.Sub(created).String()
					}
					want := map[string]string{"legacy-backup": "never", "weekly": "168h0m0s", "daily": "24h0m0s"}
					if fmt.Sprint(lifetimes) != fmt.Sprint(want) {
						return fmt.Errorf("lifetimes %v, want %v", lifetimes, want)
					}
					return nil
				},
			},
			{
				// The same lifetimes in other units plan nothing.
				Config: config("1d", "1w"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(daily, tfjsonpath.New("expires_in"), knownvalue.StringExact("24h")),
				},
			},
			{
				// Import blocks: the refresh derives "7d" and "1d", which
				// match the default and "24h", so the imports plan no change.
				Config:            config("24h", ""),
				ResourceName:      weekly,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: mtImportID(weekly),
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					plancheck.ExpectKnownValue(weekly, tfjsonpath.New("token"), knownvalue.Null()),
				}},
			},
			{
				Config:            config("24h", ""),
				ResourceName:      daily,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: mtImportID(daily),
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// mtRequestLog records the method and path of every request as it arrives.
type mtRequestLog struct {
	mu      sync.Mutex
	entries []string
}

func (l *mtRequestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.entries = append(l.entries, r.Method+" "+r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// index returns the position of the last entry equal to want, or -1.
func (l *mtRequestLog) lastIndex(want string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.entries) - 1; i >= 0; i-- {
		if l.entries[i] == want {
			return i
		}
	}
	return -1
}

// TestAccMetadataToken_applyFaults covers a create whose response is lost
// after commit, create_before_destroy ordering, an API error on refresh that
// keeps the state, and the 10-token limit, which the plan catches.
func TestAccMetadataToken_applyFaults(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	log := &mtRequestLog{}
	srv := httptest.NewServer(log.wrap(emu))
	t.Cleanup(srv.Close)
	baseURL := srv.URL + "/api:meta"
	client := mtClient(t, baseURL)
	const addr = "xano_metadata_token.ci"
	config := func(token, scopeName string, extra string) string {
		return acctest.Provider{BaseURL: baseURL, AccessToken: token}.String() + fmt.Sprintf(`
resource "xano_metadata_token" "ci" {
  instance   = "main"
  name       = "ci"
  expires_in = "12h"
  scope {
    name = %q
    read = true
  }
  lifecycle {
    create_before_destroy = true
  }
}
%s`, scopeName, extra)
	}
	var oldID int64

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return mtHolds(emu, "main")
		},
		Steps: []resource.TestStep{
			{
				// The first create response is lost after the token was
				// minted; the retry with the same idempotency key gets it.
				PreConfig: func() { emu.DropNext(1, true) },
				Config:    config(emulator.DefaultAdminToken, "workspace_api_groups", ""),
				Check: func(s *terraform.State) error {
					if n := emu.Count(http.MethodPost, xano.PathTokens); n != 2 {
						return fmt.Errorf("%d create attempts, want 2 (one dropped, one retried)", n)
					}
					toks := emu.Tokens("main")
					id, err := mtStateTokenID(s, addr)
					if err != nil {
						return err
					}
					if len(toks) != 1 || toks[0].ID != id {
						return fmt.Errorf("the emulator holds %v, want only token %d", toks, id)
					}
					oldID = id
					return nil
				},
			},
			{
				// create_before_destroy: the new token exists before the
				// old one is revoked.
				Config: config(emulator.DefaultAdminToken, "workspace_functions", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: func(s *terraform.State) error {
					id, err := mtStateTokenID(s, addr)
					if err != nil {
						return err
					}
					toks := emu.Tokens("main")
					if len(toks) != 1 || toks[0].ID != id || id <= oldID {
						return fmt.Errorf("the emulator holds %v, want only the new token %d (after %d)", toks, id, oldID)
					}
					created := log.lastIndex("POST /api:meta/instance/main/token")
					revoked := log.lastIndex("DELETE /api:meta/instance/main/token/" + strconv.FormatInt(oldID, 10))
					if created < 0 || revoked < 0 || created > revoked {
						return fmt.Errorf("create at request %d, revoke of the old token at request %d: want the create first", created, revoked)
					}
					return nil
				},
			},
			{
				// A refresh that fails keeps the token in state.
				Config:      config("wrong-access-token", "workspace_functions", ""),
				ExpectError: regexp.MustCompile(`Xano\s+rejected\s+the\s+access\s+token`),
			},
			{
				// The 11th token on an instance.
				PreConfig: func() {
					for i := range xano.MaxActiveTokens {
						_, err := client.CreateToken(context.Background(), "full", xano.CreateTokenRequest{
							Name: "existing-" + strconv.Itoa(i), ExpiresIn: 3600, Scopes: map[string][]string{"workspace:api": {"read"}},
						})
						if err != nil {
							t.Fatalf("filling instance full: %v", err)
						}
					}
				},
				Config: config(emulator.DefaultAdminToken, "workspace_functions", `
resource "xano_metadata_token" "eleventh" {
  instance = "full"
  name     = "one-too-many"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`),
				// The plan catches it before anything is created; the
				// apply-time error is unit-tested with the API's answer.
				ExpectError: regexp.MustCompile(`Token\s+"one-too-many"\s+on\s+instance\s+"full":\s+over\s+Xano's\s+token\s+limit[\s\S]*would\s+hold\s+11\s+active\s+tokens`),
			},
			{
				// The state survived the failed refresh: same token, no
				// change.
				Config: config(emulator.DefaultAdminToken, "workspace_functions", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(s *terraform.State) error {
					if len(emu.Tokens("full")) != xano.MaxActiveTokens {
						return fmt.Errorf("the failed create left %d tokens on instance full", len(emu.Tokens("full")))
					}
					id, err := mtStateTokenID(s, addr)
					if err != nil {
						return err
					}
					if toks := emu.Tokens("main"); len(toks) != 1 || toks[0].ID != id {
						return fmt.Errorf("the emulator holds %v, want only token %d", toks, id)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(addr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
		},
	})
}

// TestAccMetadataToken_validation checks every configuration error at plan
// time, before any API call, with the words Terraform wraps.
func TestAccMetadataToken_validation(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	provider := acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String()
	token := func(body ...string) string {
		return provider + acctest.Token("bad", body...)
	}
	readAPI := acctest.Scope("workspace_api_groups", "read")
	tests := []struct {
		name   string
		config string
		err    string
	}{
		{"typo", token(acctest.Scope("workspace_databse", "read")),
			`Unknown\s+Xano\s+scope[\s\S]*Did\s+you\s+mean\s+"workspace_database"\?[\s\S]*workspace_request_history`},
		{"display name", token(acctest.Scope("Workspace Database", "read")),
			`Unknown\s+Xano\s+scope[\s\S]*did\s+you\s+mean\s+"workspace_database"\?`},
		{"wire key", token(acctest.Scope("workspace:api", "read")),
			`Unknown\s+Xano\s+scope[\s\S]*did\s+you\s+mean\s+"workspace_api_groups"\?`},
		{"duplicate", token(readAPI, acctest.Scope("workspace_api_groups", "create")), `Duplicate\s+scope`},
		{"grants nothing", token(acctest.Block("scope", acctest.Attr("name", "workspace_tasks"), acctest.Attr("read", false))), `Scope\s+grants\s+nothing`},
		{"no scope", token(), `Block\s+scope\s+must\s+have\s+a\s+configuration\s+value`},
		{"malformed duration", token(`expires_in = "7 days"`, readAPI), `Invalid\s+duration`},
		{"too short", token(`expires_in = "30m"`, readAPI), `Duration\s+too\s+short`},
		{"fraction of a second", token(`expires_in = "2h0.5s"`, readAPI), `Lifetime\s+not\s+in\s+whole\s+seconds`},
		{"rotate_before too long", token(`expires_in = "7d"`, `rotate_before = "1w"`, readAPI),
			`rotate_before\s+is\s+not\s+shorter\s+than\s+the\s+lifetime`},
		{"rotate_before of the default", token(`rotate_before = "8d"`, readAPI),
			`rotate_before\s+is\s+not\s+shorter\s+than\s+the\s+lifetime`},
		{"rotate_before forever", token(`never_expires = true`, `rotate_before = "1d"`, readAPI),
			`rotate_before\s+needs\s+an\s+expiry`},
		{"never and expires_in", token(`never_expires = true`, `expires_in = "30d"`, readAPI),
			`Conflicting\s+lifetime`},
		{"long name", token(acctest.Attr("name", strings.Repeat("n", 101)), readAPI), `character\s+count\s+must\s+be\s+between\s+1\s+and\s+100`},
	}
	steps := make([]resource.TestStep, 0, len(tests)+2)
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			Config:      tt.config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tt.err),
		})
	}
	steps = append(steps,
		resource.TestStep{
			// Neither the resource nor the provider names an instance.
			SkipFunc:    func() (bool, error) { return os.Getenv("XANO_INSTANCE") != "", nil },
			Config:      acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(), acctest.Token("bad", readAPI)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Missing\s+Xano\s+instance`),
		},
		resource.TestStep{
			Config:        token(readAPI),
			ResourceName:  "xano_metadata_token.bad",
			ImportState:   true,
			ImportStateId: "main-42",
			ExpectError:   regexp.MustCompile(`Invalid\s+import\s+ID[\s\S]*<instance>/<token\s+id>`),
		},
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	if n := emu.Count(http.MethodPost, xano.PathTokens); n != 0 {
		t.Errorf("validation errors still sent %d creates", n)
	}
}

// mtWarning returns the warning with summary on addr (any address when addr
// is empty), failing the test when there is none.
func mtWarning(t *testing.T, run acctest.JSONRun, addr, summary string) acctest.Diag {
	t.Helper()
	for _, w := range run.Warnings() {
		if (addr == "" || w.Address == addr) && w.Summary == summary {
			return w
		}
	}
	t.Fatalf("no warning %q on %s; diagnostics:\n%s", summary, addr, acctest.DiagText(run.Diags))
	return acctest.Diag{}
}

// TestE2EMetadataTokenWarnings runs the real CLI against a built provider
// (real clock) to check what terraform-plugin-testing cannot: the warnings a
// user reads for rotation, expiry, a token revoked out of band and
// revoke_on_destroy = false, and that the minted secrets appear in no output
// and no provider log line.
func TestE2EMetadataTokenWarnings(t *testing.T) {
	t.Parallel()
	// The emulator's clock runs 25 days behind, so tokens it mints now are
	// already old for the provider, which uses the real clock.
	e := newE2E(t, emulator.Options{Clock: acctest.NewRunningClock(time.Now().Add(-25 * 24 * time.Hour)).Now})
	logPath := filepath.Join(t.TempDir(), "provider.log")
	if err := e.TF.SetLogProvider("TRACE"); err != nil {
		t.Fatal(err)
	}
	if err := e.TF.SetLogPath(logPath); err != nil {
		t.Fatal(err)
	}
	token := func(name string, lifetime ...string) string {
		return acctest.Token(name, append(lifetime, acctest.Scope("workspace_api_groups", "read"))...)
	}
	e.Write(acctest.E2EConfig(acctest.Provider{},
		token("rotating", `expires_in = "30d"`, `rotate_before = "7d"`), token("expired", `expires_in = "2w"`), token("revoked"),
		token("kept", `never_expires = true`, `revoke_on_destroy = false`)))

	apply := e.MustApply()
	var secrets []string
	for _, r := range e.State().Values.RootModule.Resources {
		secret, _ := r.AttributeValues["token"].(string)
		if secret == "" {
			t.Fatalf("%s has no secret in state", r.Address)
		}
		secrets = append(secrets, secret)
	}
	revokedID := int64(0)
	for _, tok := range e.Emu.Tokens(e2eInstance) {
		if tok.Name == "revoked" {
			revokedID = tok.ID
		}
	}
	if err := mtClient(t, e.BaseURL).DeleteToken(context.Background(), e2eInstance, revokedID); err != nil {
		t.Fatalf("revoking the token out of band: %v", err)
	}

	plan := e.Plan()
	if plan.Err != nil {
		t.Fatalf("plan: %v\n%s", plan.Err, acctest.DiagText(plan.Diags))
	}
	w := mtWarning(t, plan, "xano_metadata_token.rotating", `Token "rotating" on instance "e2e": due for rotation, replacement planned`)
	if !strings.Contains(w.Detail, "expires at 20") || !strings.Contains(w.Detail, "rotate_before window of 7d") {
		t.Errorf("the rotation warning should name the expiry and the window:\n%s", w.Detail)
	}
	w = mtWarning(t, plan, "xano_metadata_token.expired", `Token "expired" on instance "e2e": expired, replacement planned`)
	if !strings.Contains(w.Detail, "expired at 20") {
		t.Errorf("the expiry warning should name the expiry time:\n%s", w.Detail)
	}
	w = mtWarning(t, plan, "xano_metadata_token.revoked", "Token revoked outside Terraform")
	if !strings.Contains(w.Detail, "created again") {
		t.Errorf("the revocation warning should say the token is created again:\n%s", w.Detail)
	}
	for _, d := range plan.Warnings() {
		if d.Address == "xano_metadata_token.kept" {
			t.Errorf("an unchanged token should plan silently, got %q", d.Summary)
		}
	}

	destroy := e.Destroy()
	if destroy.Err != nil {
		t.Fatalf("destroy: %v\n%s", destroy.Err, acctest.DiagText(destroy.Diags))
	}
	// Terraform attaches no address to a destroy's diagnostics; the detail
	// names the token.
	w = mtWarning(t, destroy, "", "Token left valid")
	if !strings.Contains(w.Detail, `token "kept"`) || !strings.Contains(w.Detail, "FOREVER") {
		t.Errorf("the warning for a never-expiring token left valid should say so strongly:\n%s", w.Detail)
	}
	if err := mtHolds(e.Emu, e2eInstance, "kept"); err != nil {
		t.Error(err)
	}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(logData) == 0 {
		t.Fatal("the provider wrote no log; the secret check would prove nothing")
	}
	for _, secret := range secrets {
		for what, text := range map[string]string{"apply": apply.Raw, "plan": plan.Raw, "destroy": destroy.Raw, "provider log": string(logData)} {
			if strings.Contains(text, secret) {
				t.Errorf("a minted secret appears in the %s output", what)
			}
		}
	}
}

// TestAccMetadataToken_characterNames writes and imports a token whose name
// is 100 two-byte characters: Xano counts characters, so the provider must
// not refuse it as 200 long.
func TestAccMetadataToken_characterNames(t *testing.T) {
	t.Parallel()
	emu, baseURL := emulatortest.Start(t, emulator.Options{})
	const addr = "xano_metadata_token.accented"
	name := strings.Repeat("é", maxTokenNameLen)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return mtHolds(emu, "main")
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken, Instance: "main"}.String() + fmt.Sprintf(`
resource "xano_metadata_token" "accented" {
  name = %q
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				},
				Check: func(*terraform.State) error { return mtHolds(emu, "main", name) },
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateIdFunc:       mtImportID(addr),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
		},
	})
}
