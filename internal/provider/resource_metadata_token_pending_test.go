package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// pendingConfig is one token on instance main, with one retry per request.
func pendingConfig(baseURL string) string {
	return strings.Replace(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(), "provider \"xano\" {", "provider \"xano\" {\n  max_retries = 1", 1) + `
resource "xano_metadata_token" "ci" {
  instance   = "main"
  name       = "ci"
  expires_in = "12h"
  scope {
    name = "workspace_content"
    read = true
  }
}
`
}

// lostCreateError is the apply error of a create whose answer was lost.
var lostCreateError = regexp.MustCompile(`Could\s+not\s+create\s+token\s+"ci"(.|\n)*keeps\s+the\s+resource\s+as\s+tainted`)

// pendingSetup serves an emulator behind a createFailer and returns the
// step whose apply loses the create: carried out (afterCommit) or not, its
// answer lost and its retry refused, so the apply cannot tell whether a
// token was minted.
func pendingSetup(t *testing.T, afterCommit bool) (*emulator.Emulator, *createFailer, string, resource.TestStep) {
	t.Helper()
	emu := emulator.New(emulator.Options{})
	failer := &createFailer{next: emu}
	srv := httptest.NewServer(failer)
	t.Cleanup(srv.Close)
	baseURL := srv.URL + "/api:meta"
	lost := resource.TestStep{
		PreConfig: func() {
			emu.DropNext(1, afterCommit)
			failer.set(1, 20)
		},
		Config:      pendingConfig(baseURL),
		ExpectError: lostCreateError,
	}
	return emu, failer, baseURL, lost
}

// TestAccMetadataToken_lostCreateIsSettledByTheNextApply: the apply that
// lost the create's answer fails and keeps the resource tainted with no token
// id; the next apply repeats the create with the same Idempotency-Key and
// records the token the lost create minted, or mints it if it never was.
func TestAccMetadataToken_lostCreateIsSettledByTheNextApply(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		afterCommit bool
		// lost is how many tokens the failed apply left on the instance.
		lost int
	}{
		{"carried out", true, 1},
		{"never carried out", false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emu, failer, baseURL, lost := pendingSetup(t, tt.afterCommit)
			const addr = "xano_metadata_token.ci"
			var lostIDs []int64
			var posts, deletes int
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main") },
				Steps: []resource.TestStep{
					lost,
					{
						PreConfig: func() {
							failer.set(0, 0)
							for _, tok := range emu.Tokens("main") {
								lostIDs = append(lostIDs, tok.ID)
							}
							if len(lostIDs) != tt.lost {
								t.Errorf("the failed apply left %d tokens, want %d", len(lostIDs), tt.lost)
							}
							posts, deletes = emu.Count(http.MethodPost, xano.PathTokens), emu.Count(http.MethodDelete, xano.PathToken)
						},
						Config: pendingConfig(baseURL),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
						},
						Check: func(s *terraform.State) error {
							if err := mtHolds(emu, "main", "ci"); err != nil {
								return err
							}
							id, err := mtStateTokenID(s, addr)
							if err != nil {
								return err
							}
							if len(lostIDs) > 0 && id != lostIDs[0] {
								return fmt.Errorf("state holds token %d, want %d, minted by the lost create", id, lostIDs[0])
							}
							// The repeated create only, answered with the lost one's token.
							if n := emu.Count(http.MethodPost, xano.PathTokens) - posts; n != 1 {
								return fmt.Errorf("the settling apply made %d creates, want 1", n)
							}
							if n := emu.Count(http.MethodDelete, xano.PathToken) - deletes; n != 0 {
								return fmt.Errorf("the settling apply made %d revocations, want 0", n)
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
		})
	}
}

// TestAccMetadataToken_lostCreateNeverRepeatedByDestroy: neither a refresh
// nor a destroy after the failed apply repeats the create, since that could
// mint a token: the token the lost create minted stays (CheckDestroy), and
// the destroy's plan says so.
func TestAccMetadataToken_lostCreateNeverRepeatedByDestroy(t *testing.T) {
	t.Parallel()
	emu, failer, _, lost := pendingSetup(t, true)
	var posts int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := emu.Count(http.MethodPost, xano.PathTokens) - posts; n != 0 {
				return fmt.Errorf("the destroy made %d creates, want 0", n)
			}
			return mtHolds(emu, "main", "ci")
		},
		Steps: []resource.TestStep{
			lost,
			{
				// A refresh-only plan reads the pending create without a
				// request that could mint a token.
				PreConfig: func() {
					failer.set(0, 0)
					posts = emu.Count(http.MethodPost, xano.PathTokens)
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					if n := emu.Count(http.MethodPost, xano.PathTokens) - posts; n != 0 {
						return fmt.Errorf("the refresh made %d creates, want 0", n)
					}
					return mtHolds(emu, "main", "ci")
				},
			},
		},
	})
}

// TestAccMetadataToken_lostCreateAtTheLimit: with nine other tokens on the
// instance, the lost create's token is the tenth. The next plan cannot know
// that the replacement revokes it first (Terraform plans a tainted
// resource's replacement as a plain create), so it warns instead of failing
// the plan, and the apply settles the create within the limit.
func TestAccMetadataToken_lostCreateAtTheLimit(t *testing.T) {
	t.Parallel()
	emu, failer, baseURL, lost := pendingSetup(t, true)
	client := mtClient(t, baseURL)
	for i := range xano.MaxActiveTokens - 1 {
		if _, err := client.CreateToken(t.Context(), "main", xano.CreateTokenRequest{Name: fmt.Sprintf("other-%d", i), ExpiresIn: 3600,
			Scopes: map[string][]string{"instance:workspace": {"read"}}}); err != nil {
			t.Fatal(err)
		}
	}
	const addr = "xano_metadata_token.ci"
	var others []string
	for i := range xano.MaxActiveTokens - 1 {
		others = append(others, fmt.Sprintf("other-%d", i))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main", others...) },
		Steps: []resource.TestStep{
			lost,
			{
				PreConfig: func() {
					failer.set(0, 0)
					if n := len(emu.Tokens("main")); n != xano.MaxActiveTokens {
						t.Errorf("the failed apply left the instance with %d tokens, want %d", n, xano.MaxActiveTokens)
					}
				},
				Config: pendingConfig(baseURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					toks := emu.Tokens("main")
					ci := 0
					for _, tok := range toks {
						if tok.Name == "ci" {
							ci++
						}
					}
					if len(toks) != xano.MaxActiveTokens || ci != 1 {
						return fmt.Errorf("the instance holds %d tokens, %d of them ci; want %d and 1", len(toks), ci, xano.MaxActiveTokens)
					}
					return nil
				},
			},
		},
	})
}
