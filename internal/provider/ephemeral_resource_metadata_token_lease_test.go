package provider

import (
	"context"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// leaseProvider is a provider process of its own: its clock, and its own
// record of the tokens it opened.
func leaseProvider(clock *acctest.Clock) *xanoProvider {
	return &xanoProvider{version: "test", now: clock.Now, env: osEnvironment(), open: &lifecycle.OpenTokens{}}
}

// openID opens the harness's ephemeral resource with attrs and returns the
// minted token's id and private data.
func openID(t *testing.T, h *ephemeralHarness, attrs map[string]tftypes.Value) (int64, []byte) {
	t.Helper()
	resp := h.open(h.config(attrs, map[string][]string{"workspace_api_groups": {"read"}}))
	if len(errorDiags(resp.Diagnostics)) > 0 {
		t.Fatalf("Open: %s", protoDiags(resp.Diagnostics))
	}
	var id *big.Float
	if err := h.result(resp)["token_id"].As(&id); err != nil {
		t.Fatal(err)
	}
	n, _ := id.Int64()
	return n, resp.Private
}

func tokenIDs(emu *emulator.Emulator) []int64 {
	var ids []int64
	for _, tok := range emu.Tokens("main") {
		ids = append(ids, tok.ID)
	}
	return ids
}

// TestEphemeralMetadataTokenRevokesAbandoned seeds the instance with the
// tokens other runs and tools leave: Open must revoke exactly the still
// valid ephemeral tokens whose lease has passed, and nothing else.
func TestEphemeralMetadataTokenRevokesAbandoned(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	client := mtClient(t, baseURL)
	seed := func(name, description string, expiresIn int64) int64 {
		t.Helper()
		tok, err := client.CreateToken(t.Context(), "main", xano.CreateTokenRequest{Name: name, Description: description,
			ExpiresIn: expiresIn, Scopes: map[string][]string{"workspace:api": {"read"}}})
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	// Minted two hours ago for an hour, lease long passed: expired, so it
	// no longer counts and is left alone.
	expired := seed("next-run-00c0ffee", lifecycle.WithLease("", clock.Now().Add(time.Hour)), 3600)
	clock.Advance(2 * time.Hour)
	now := clock.Now()
	past := now.Add(-time.Minute)
	revoked := []int64{
		seed("next-run-0a1b2c3d", lifecycle.WithLease("Smoke test", past), 7200),
		seed("next-run-deadbeef", lifecycle.WithLease("", now.Add(-time.Second)), 0),
		// The lease ends now: from that instant the token counts abandoned.
		seed("next-run-12345678", lifecycle.WithLease("", now), 3600),
	}
	kept := []int64{
		expired,
		// Another run holds this one for another minute.
		seed("next-run-1a1b2c3d", lifecycle.WithLease("", now.Add(time.Minute)), 3600),
		// Another ephemeral block's abandoned token, a forged marker on a
		// managed token, and an imported ephemeral token renamed by its
		// resource: none is this block's to revoke.
		seed("killed-run-0a1b2c3d", lifecycle.WithLease("", past), 3600),
		seed("billing-deadbeef", lifecycle.WithLease("Billing export", past), 3600),
		seed("next-run", lifecycle.WithLease("", past), 3600),
		seed("weweb-production", "WeWeb plugin", 0),
		// A marker not at the end, or a suffix not in lower-case hex, is
		// not this provider's.
		seed("next-run-2a1b2c3d", lifecycle.WithLease("", past)+" (kept by hand)", 3600),
		seed("next-run-0A1B2C3D", lifecycle.WithLease("", past), 3600),
	}

	h := newEphemeralHarnessFor(t, leaseProvider(clock), baseURL, true)
	id, _ := openID(t, h, map[string]tftypes.Value{"name": str("next-run")})
	want := append(slices.Clone(kept), id)
	slices.Sort(want)
	if got := tokenIDs(emu); !slices.Equal(got, want) {
		t.Errorf("after Open the instance holds %v, want %v (revoked: %v)", got, want, revoked)
	}
	var minted xano.Token
	for _, tok := range emu.Tokens("main") {
		if tok.ID == id {
			minted = tok
		}
	}
	until, ok := lifecycle.LeaseOf(minted)
	if !ok || !until.Equal(now.Add(time.Hour)) {
		t.Errorf("the minted token %q / %q carries lease %v (%v), want the default hour, %v", minted.Name, minted.Description, until, ok, now.Add(time.Hour))
	}
}

// TestEphemeralMetadataTokenLease opens tokens from two provider processes
// of the same block and moves the clock: a token's lease protects it until it
// ends, even when its run never closes it; then the other process's next
// Open revokes it, while the process that opened it never does.
func TestEphemeralMetadataTokenLease(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	emu, baseURL := emulatortest.Start(t, emulator.Options{Clock: clock.Now})
	first := newEphemeralHarnessFor(t, leaseProvider(clock), baseURL, true)
	second := newEphemeralHarnessFor(t, leaseProvider(clock), baseURL, true)

	// Never closed, as when the consumer fails and the process is killed.
	held, _ := openID(t, first, map[string]tftypes.Value{"name": str("held"), "lease": str("10m"), "expires_in": str("2h")})

	clock.Advance(10*time.Minute - time.Second)
	other, otherPrivate := openID(t, second, map[string]tftypes.Value{"name": str("held")})
	if !slices.Contains(tokenIDs(emu), held) {
		t.Fatalf("an Open 1s before the lease ends revoked token %d", held)
	}
	if ds := second.close(otherPrivate); len(errorDiags(ds)) > 0 {
		t.Fatalf("Close: %s", protoDiags(ds))
	}

	clock.Advance(time.Second)
	// The process that opened it still has it open: it never revokes it.
	again, againPrivate := openID(t, first, map[string]tftypes.Value{"name": str("held")})
	if !slices.Contains(tokenIDs(emu), held) {
		t.Fatalf("the process that holds token %d revoked it", held)
	}
	if ds := first.close(againPrivate); len(errorDiags(ds)) > 0 {
		t.Fatalf("Close: %s", protoDiags(ds))
	}
	last, _ := openID(t, second, map[string]tftypes.Value{"name": str("held")})
	if got := tokenIDs(emu); slices.Contains(got, held) || !slices.Contains(got, last) {
		t.Fatalf("once the lease ended, the instance holds %v; want %d revoked and %d open", got, held, last)
	}
	if other == again {
		t.Fatal("two opens returned one token")
	}

	// A lease longer than the lifetime ends with the token.
	capped, _ := openID(t, second, map[string]tftypes.Value{"name": str("capped"), "lease": str("3h"), "expires_in": str("1h")})
	for _, tok := range emu.Tokens("main") {
		if tok.ID != capped {
			continue
		}
		until, ok := lifecycle.LeaseOf(tok)
		expires, err := xano.ParseTime(*tok.ExpiresAt)
		if !ok || err != nil || !until.Equal(expires) {
			t.Errorf("the capped lease ends %v (%v), the token expires %v: want the same time", until, ok, expires)
		}
	}
}

// TestEphemeralTokensRevokedAtShutdown opens tokens and closes only one, as
// a run whose consumer failed: the process's shutdown revokes the rest, and
// when the API does not answer, it gives up at its deadline and says which
// tokens stay valid, without their secrets.
func TestEphemeralTokensRevokedAtShutdown(t *testing.T) {
	t.Parallel()
	clock := acctest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	emu := emulator.New(emulator.Options{Clock: clock.Now})
	hang := make(chan struct{})
	var hanging atomic.Bool
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && hanging.Load() {
			select {
			case <-r.Context().Done():
			case <-hang:
			}
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(hang) })
	baseURL := front.URL + "/api:meta"

	p := leaseProvider(clock)
	h := newEphemeralHarnessFor(t, p, baseURL, true)
	a, _ := openID(t, h, map[string]tftypes.Value{"name": str("a")})
	_, closed := openID(t, h, map[string]tftypes.Value{"name": str("b")})
	c, _ := openID(t, h, map[string]tftypes.Value{"name": str("c")})
	if ds := h.close(closed); len(errorDiags(ds)) > 0 {
		t.Fatalf("Close: %s", protoDiags(ds))
	}
	if got := tokenIDs(emu); !slices.Equal(got, []int64{a, c}) {
		t.Fatalf("before shutdown the instance holds %v, want %v", got, []int64{a, c})
	}
	if err := p.open.RevokeAll(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := noTokensLeft(emu, "main"); err != nil {
		t.Fatalf("after shutdown: %v", err)
	}
	if err := p.open.RevokeAll(t.Context()); err != nil {
		t.Fatalf("a second shutdown has nothing to do, yet: %v", err)
	}

	d, _ := openID(t, h, map[string]tftypes.Value{"name": str("d")})
	hanging.Store(true)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := p.open.RevokeAll(ctx)
	if err == nil || !strings.Contains(err.Error(), "stays valid") || !strings.Contains(err.Error(), "token "+strconv.FormatInt(d, 10)) {
		t.Fatalf("shutdown against a silent API: %v, want an error naming token %d", err, d)
	}
	if strings.Contains(err.Error(), mintedPrefix) || strings.Contains(err.Error(), emulator.DefaultAdminToken) {
		t.Errorf("the shutdown error shows a secret: %v", err)
	}
	if n := p.open.Len(); n != 1 {
		t.Errorf("the record holds %d tokens after a shutdown that could not revoke token %d, want it kept", n, d)
	}
}
