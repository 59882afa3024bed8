package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"

	"github.com/hashicorp/terraform-plugin-framework/types"
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

// rotationConfig is a monitoring token rotated three days before it expires
// with the given rotation_overlap ("" for none).
func rotationConfig(baseURL, overlap string) string {
	body := []string{acctest.Attr("instance", "main"), `expires_in    = "10d"`, `rotate_before = "3d"`}
	if overlap != "" {
		body = append(body, acctest.Attr("rotation_overlap", overlap))
	}
	return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(),
		acctest.Token("monitoring", append(body, acctest.Scope("workspace_request_history", "read"))...))
}

// secrets remembers the secrets a test saw in state, step by step.
type secrets struct{ byStep []string }

// record is a check that remembers the token's secret.
func (s *secrets) record(addr string) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		rs, ok := st.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		s.byStep = append(s.byStep, rs.Primary.Attributes["token"])
		return nil
	}
}

// secretWant is the status one secret must get.
type secretWant struct {
	what   string
	secret func() string
	status int
}

// secretStatus checks, at the token's meta_api, that each secret gets the
// status wanted on a scope-guarded read endpoint (request history, which the
// monitoring token may read): 200 for a valid token, 401 for a revoked one.
func secretStatus(addr string, wants ...secretWant) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		rs, ok := st.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		url := rs.Primary.Attributes["meta_api"] + "/workspace/1/request_history"
		for _, w := range wants {
			got, err := getStatus(context.Background(), url, w.secret())
			if err != nil {
				return err
			}
			if got != w.status {
				return fmt.Errorf("GET %s with the %s: %d, want %d", url, w.what, got, w.status)
			}
		}
		return nil
	}
}

// TestAccMetadataToken_rotationOverlap rotates a token with a one-day
// overlap against an emulator sharing the provider's clock: the rotation is
// an in-place update that mints a new token while the old secret keeps
// working; a plan inside the overlap is empty; the first plan after it
// revokes the old token with one DELETE, and its secret is refused.
func TestAccMetadataToken_rotationOverlap(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	const addr = "xano_metadata_token.monitoring"
	const day = 24 * time.Hour
	seen := &secrets{}
	oldSecret := func() string { return seen.byStep[0] }
	newSecret := func() string { return seen.byStep[len(seen.byStep)-1] }
	// The first token's id becomes the previous token's id.
	previous := statecheck.CompareValue(compare.ValuesSame())
	tokens := statecheck.CompareValue(compare.ValuesDiffer())
	kept := statecheck.CompareValue(compare.ValuesSame())
	var rotatedID int64
	var deletesBefore int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main") },
		Steps: []resource.TestStep{
			{
				Config: rotationConfig(baseURL, "1d"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous_revoke_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("rotation_overlap"), knownvalue.StringExact("1d")),
					previous.AddStateValue(addr, tfjsonpath.New("token_id")),
					tokens.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: seen.record(addr),
			},
			{
				// Day 8: inside the window. An in-place update, not a
				// replacement, so the old token is not destroyed.
				PreConfig: func() { clock.Advance(8 * day) },
				Config:    rotationConfig(baseURL, "1d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("token_id")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expires_at")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("previous_revoke_at")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					previous.AddStateValue(addr, tfjsonpath.New("previous_token_id")),
					tokens.AddStateValue(addr, tfjsonpath.New("token_id")),
					kept.AddStateValue(addr, tfjsonpath.New("token_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_at"), knownvalue.StringExact(formatTimestamp(start.Add(18*day)))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("previous_revoke_at"), knownvalue.StringExact(formatTimestamp(start.Add(9*day)))),
				},
				Check: resource.ComposeTestCheckFunc(
					seen.record(addr),
					func(s *terraform.State) error {
						if err := mtHolds(emu, "main", "monitoring", "monitoring"); err != nil {
							return err
						}
						if n := emu.Count(http.MethodDelete, xano.PathToken); n != 0 {
							return fmt.Errorf("the rotation revoked %d tokens, want none", n)
						}
						id, err := mtStateTokenID(s, addr)
						rotatedID = id
						return err
					},
					// Both secrets work during the overlap.
					secretStatus(addr, secretWant{"old secret", oldSecret, http.StatusOK}, secretWant{"new secret", newSecret, http.StatusOK}),
				),
			},
			{
				// Half a day into the overlap: nothing to do.
				PreConfig: func() { clock.Advance(12 * time.Hour) },
				Config:    rotationConfig(baseURL, "1d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: secretStatus(addr, secretWant{"old secret", oldSecret, http.StatusOK}),
			},
			{
				// Past the overlap: an in-place update revokes the previous
				// token, with one DELETE, and keeps the new one.
				PreConfig: func() {
					clock.Advance(13 * time.Hour)
					deletesBefore = emu.Count(http.MethodDelete, xano.PathToken)
				},
				Config: rotationConfig(baseURL, "1d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_revoke_at"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					kept.AddStateValue(addr, tfjsonpath.New("token_id")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if n := emu.Count(http.MethodDelete, xano.PathToken) - deletesBefore; n != 1 {
							return fmt.Errorf("the revocation took %d DELETEs, want 1", n)
						}
						if toks := emu.Tokens("main"); len(toks) != 1 || toks[0].ID != rotatedID {
							return fmt.Errorf("the emulator holds %v, want only token %d", toks, rotatedID)
						}
						return nil
					},
					secretStatus(addr, secretWant{"old secret", oldSecret, http.StatusUnauthorized}, secretWant{"new secret", newSecret, http.StatusOK}),
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: mtImportID(addr),
				ImportStateVerify: true,
				// Configuration-only settings, the secret Xano shows once,
				// and the last use, which this test's requests moved.
				ImportStateVerifyIgnore: []string{"token", "rotate_before", "rotation_overlap", "last_used_at"},
			},
		},
	})
}

// TestAccMetadataToken_rotationOverlapChanges covers a lowered
// rotation_overlap revoking the previous token at the next apply, a raised
// one moving previous_revoke_at without an API call, a second rotation
// revoking the first one's previous token before it mints, and destroy
// during an overlap revoking both tokens.
func TestAccMetadataToken_rotationOverlapChanges(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	const addr = "xano_metadata_token.monitoring"
	const day = 24 * time.Hour
	var ids []int64
	keepID := func(s *terraform.State) error {
		id, err := mtStateTokenID(s, addr)
		ids = append(ids, id)
		return err
	}
	writes := func() int {
		return emu.Count(http.MethodDelete, xano.PathToken) + emu.Count(http.MethodPost, xano.PathTokens)
	}
	var writesBefore int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		CheckDestroy: func(*terraform.State) error {
			// Destroy during the overlap revoked both tokens.
			return mtHolds(emu, "main")
		},
		Steps: []resource.TestStep{
			{Config: rotationConfig(baseURL, "1d"), Check: keepID},
			{
				PreConfig: func() { clock.Advance(8 * day) },
				Config:    rotationConfig(baseURL, "1d"),
				Check: resource.ComposeTestCheckFunc(keepID,
					resource.TestCheckResourceAttr(addr, "previous_revoke_at", formatTimestamp(start.Add(9*day)))),
			},
			{
				// Raised to 3d, past the old token's expiry on day 10: the
				// revocation moves to that expiry, and nothing is written
				// to Xano.
				PreConfig: func() { writesBefore = writes() },
				Config:    rotationConfig(baseURL, "3d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_revoke_at"), knownvalue.StringExact(formatTimestamp(start.Add(10*day)))),
				}},
				Check: func(*terraform.State) error {
					if n := writes() - writesBefore; n != 0 || len(emu.Tokens("main")) != 2 {
						return fmt.Errorf("raising rotation_overlap made %d writes and left %d tokens; want none and 2", n, len(emu.Tokens("main")))
					}
					return nil
				},
			},
			{
				// Day 9, lowered to 12h, below the day elapsed: the apply
				// revokes the previous token.
				PreConfig: func() { clock.Advance(day) },
				Config:    rotationConfig(baseURL, "12h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
				}},
				Check: func(*terraform.State) error {
					if toks := emu.Tokens("main"); len(toks) != 1 || toks[0].ID != ids[1] {
						return fmt.Errorf("the emulator holds %v, want only token %d", toks, ids[1])
					}
					return nil
				},
			},
			{
				// Day 16: the second rotation, back to a 2d overlap.
				PreConfig: func() { clock.Advance(7 * day) },
				Config:    rotationConfig(baseURL, "2d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(keepID,
					func(s *terraform.State) error {
						return resource.TestCheckResourceAttr(addr, "previous_token_id", strconv.FormatInt(ids[1], 10))(s)
					},
					func(*terraform.State) error {
						var got []int64
						for _, tok := range emu.Tokens("main") {
							got = append(got, tok.ID)
						}
						if want := []int64{ids[1], ids[2]}; !slices.Equal(got, want) {
							return fmt.Errorf("the emulator holds tokens %v, want %v", got, want)
						}
						return nil
					}),
			},
			{
				// Removing rotation_overlap altogether revokes the previous
				// token too; the next rotation will be a replacement.
				Config: rotationConfig(baseURL, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("previous_token_id"), knownvalue.Null()),
				}},
				Check: func(*terraform.State) error { return mtHolds(emu, "main", "monitoring") },
			},
			{
				// Day 24: rotated again with an overlap, then destroyed
				// while both tokens are valid.
				PreConfig: func() { clock.Advance(8 * day) },
				Config:    rotationConfig(baseURL, "2d"),
				Check:     func(*terraform.State) error { return mtHolds(emu, "main", "monitoring", "monitoring") },
			},
		},
	})
}

// TestAccMetadataToken_rotationOverlapValidation covers rotation_overlap's
// constraints: it needs rotate_before and is at most as long.
func TestAccMetadataToken_rotationOverlapValidation(t *testing.T) {
	t.Parallel()
	_, baseURL := emulatortest.Start(t, emulator.Options{})
	config := func(body ...string) string {
		return acctest.Config(acctest.Provider{BaseURL: baseURL, AccessToken: emulator.DefaultAdminToken}.String(),
			acctest.Token("t", append([]string{acctest.Attr("instance", "main")}, append(body, acctest.Scope("workspace_request_history", "read"))...)...))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`rotation_overlap = "1d"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`rotation_overlap\s+needs\s+rotate_before`),
			},
			{
				Config: config(`expires_in = "30d"
  rotate_before = "2d"
  rotation_overlap = "3d"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`rotation_overlap\s+is\s+longer\s+than\s+rotate_before`),
			},
			{
				Config:      config(`rotation_overlap = "soon"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid\s+duration`),
			},
		},
	})
}

func TestPreviousRevokeAt(t *testing.T) {
	t.Parallel()
	rotated := time.Date(2030, 1, 9, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := rotated.Add(d); return &v }
	tests := []struct {
		name    string
		overlap time.Duration
		expires *time.Time
		want    time.Time
	}{
		{"the overlap", 24 * time.Hour, at(72 * time.Hour), rotated.Add(24 * time.Hour)},
		{"capped by the old token's expiry", 72 * time.Hour, at(48 * time.Hour), rotated.Add(48 * time.Hour)},
		{"expiry unknown", 72 * time.Hour, nil, rotated.Add(72 * time.Hour)},
		{"no overlap", 0, at(time.Hour), rotated},
	}
	for _, tt := range tests {
		if got := lifecycle.PreviousRevokeAt(rotated, tt.overlap, tt.expires); !got.Equal(tt.want) {
			t.Errorf("%s: previousRevokeAt = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// createFailer passes the next `pass` token creates to the emulator, then
// answers the next `fail` with a 500, committing nothing.
type createFailer struct {
	next       http.Handler
	mu         sync.Mutex
	pass, fail int
}

func (c *createFailer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") {
		c.mu.Lock()
		failing := c.pass == 0 && c.fail > 0
		switch {
		case c.pass > 0:
			c.pass--
		case c.fail > 0:
			c.fail--
		}
		c.mu.Unlock()
		if failing {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(xanoError(xano.CodeFatal, "Injected failure.")))
			return
		}
	}
	c.next.ServeHTTP(w, r)
}

func (c *createFailer) set(pass, fail int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pass, c.fail = pass, fail
}

// TestAccMetadataToken_rotationRepeatsLostCreate loses the answer of a
// rotation's create after the API carried it out, then fails the retry: the
// apply fails and keeps the old token, and the next apply repeats the create
// with the same Idempotency-Key, so the state records the token minted the
// first time and no second one exists.
func TestAccMetadataToken_rotationRepeatsLostCreate(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := acctest.NewClock(start)
	emu := emulator.New(emulator.Options{Clock: clock.Now})
	failer := &createFailer{next: emu}
	srv := httptest.NewServer(failer)
	t.Cleanup(srv.Close)
	baseURL := srv.URL + "/api:meta"
	const addr = "xano_metadata_token.monitoring"
	config := strings.Replace(rotationConfig(baseURL, "1d"), "provider \"xano\" {", "provider \"xano\" {\n  max_retries = 1", 1)
	var firstID int64
	var posts int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories(NewWithClock("test", clock.Now)),
		CheckDestroy:             func(*terraform.State) error { return mtHolds(emu, "main") },
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id, err := mtStateTokenID(s, addr)
					firstID = id
					return err
				},
			},
			{
				// The create is carried out, its answer lost, and every
				// retry refused.
				PreConfig: func() {
					clock.Advance(8 * 24 * time.Hour)
					emu.DropNext(1, true)
					failer.set(1, 20)
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`Could\s+not\s+create\s+the\s+new\s+token\s+of\s+"monitoring"`),
			},
			{
				PreConfig: func() {
					failer.set(0, 0)
					if got := len(emu.Tokens("main")); got != 2 {
						t.Errorf("after the lost answer the instance holds %d tokens, want 2", got)
					}
					posts = emu.Count(http.MethodPost, xano.PathTokens)
				},
				Config: config,
				Check: func(s *terraform.State) error {
					toks := emu.Tokens("main")
					if len(toks) != 2 || toks[0].ID != firstID {
						return fmt.Errorf("the instance holds %v, want the first token and one more", toks)
					}
					id, err := mtStateTokenID(s, addr)
					if err != nil {
						return err
					}
					if id != toks[1].ID {
						return fmt.Errorf("state holds token %d, want %d, minted by the lost create", id, toks[1].ID)
					}
					if n := emu.Count(http.MethodPost, xano.PathTokens) - posts; n != 1 {
						return fmt.Errorf("the repeat took %d creates, want 1", n)
					}
					return resource.TestCheckResourceAttr(addr, "previous_token_id", strconv.FormatInt(firstID, 10))(s)
				},
			},
		},
	})
}

func TestPreviousNote(t *testing.T) {
	t.Parallel()
	none := &metadataTokenModel{PreviousTokenID: types.Int64Null(), PreviousRevokeAt: types.StringNull()}
	if got := previousNote(none); got != "" {
		t.Errorf("a token without a previous one got the note %q", got)
	}
	kept := &metadataTokenModel{PreviousTokenID: types.Int64Value(41), PreviousRevokeAt: types.StringValue("2030-01-10T00:00:00Z")}
	got := previousNote(kept)
	for _, f := range []string{"(id 41)", "was not revoked", "2030-01-10T00:00:00Z", "Xano dashboard"} {
		if !strings.Contains(got, f) {
			t.Errorf("the note lacks %q: %s", f, got)
		}
	}
}
