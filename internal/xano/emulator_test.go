package xano_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// These tests run the client against the emulator, the in-process
// implementation of the API contract page (docs/guides/api-contract.md), so
// retries, idempotent creates and pagination are checked end to end.

const (
	patternTokens = "/instance/{instance}/token"
	patternToken  = "/instance/{instance}/token/{id}"
)

// retryLog records what OnRetry reported.
type retryLog struct {
	mu       sync.Mutex
	waits    []time.Duration
	statuses []int
}

func (l *retryLog) hook(_ int, wait time.Duration, resp *http.Response, _ error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, wait)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	l.statuses = append(l.statuses, status)
}

func startEmulator(t *testing.T, mods ...func(*xano.TestConfig)) (*emulator.Emulator, *xano.Client, *retryLog) {
	t.Helper()
	e, base := emulatortest.Start(t, emulator.Options{})
	log := &retryLog{}
	cfg := xano.TestConfig{
		Config:       xano.Config{BaseURL: base, AccessToken: emulator.DefaultAdminToken, Version: "test", MaxRetries: 4},
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
		Rand:         func() float64 { return 0 },
		OnRetry:      log.hook,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := xano.NewForTest(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e, c, log
}

func createReq(name string) xano.CreateTokenRequest {
	return xano.CreateTokenRequest{
		Name:        name,
		Description: "created by the client tests",
		ExpiresIn:   7 * 24 * 3600,
		Scopes:      map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}},
	}
}

func TestEmulatorRoundTrip(t *testing.T) {
	t.Parallel()
	_, c, _ := startEmulator(t)
	ctx := t.Context()
	if _, err := c.Me(ctx); err != nil {
		t.Fatalf("Me: %v", err)
	}
	created, err := c.CreateToken(ctx, "main", createReq("weweb-production"))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if created.ID <= 0 || created.Secret == "" || created.ExpiresAt == nil {
		t.Fatalf("created = %+v", created)
	}
	createdAt, err := xano.ParseTime(created.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	expiresAt, err := xano.ParseTime(*created.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	if got := expiresAt.Sub(createdAt); got != 7*24*time.Hour {
		t.Errorf("lifetime = %s, want 168h", got)
	}
	if got := c.Redact("secret=" + created.Secret); got != "secret=***" {
		t.Errorf("the client does not redact the minted secret: %q", got)
	}

	got, err := c.GetToken(ctx, "main", created.ID)
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if got.Secret != "" || got.Name != "weweb-production" || len(got.Scopes) != 2 {
		t.Errorf("GetToken = %+v", got)
	}

	name := "renamed"
	updated, err := c.UpdateToken(ctx, "main", created.ID, xano.UpdateTokenRequest{Name: &name})
	if err != nil || updated.Name != "renamed" || updated.Description != "created by the client tests" {
		t.Fatalf("UpdateToken = %+v, %v", updated, err)
	}

	if err := c.DeleteToken(ctx, "main", created.ID); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if _, err := c.GetToken(ctx, "main", created.ID); !xano.IsNotFound(err) {
		t.Errorf("GetToken after delete = %v, want not found", err)
	}
	if err := c.DeleteToken(ctx, "main", created.ID); !xano.IsNotFound(err) {
		t.Errorf("second DeleteToken = %v, want not found", err)
	}
}

func TestEmulatorNotFound(t *testing.T) {
	t.Parallel()
	_, c, log := startEmulator(t)
	_, err := c.GetToken(t.Context(), "main", 999)
	if !xano.IsNotFound(err) {
		t.Fatalf("GetToken(999) = %v, want not found", err)
	}
	if !strings.HasPrefix(err.Error(), "GET /instance/main/token/999: 404 "+xano.CodeNotFound) {
		t.Errorf("error = %q", err)
	}
	name := "x"
	if _, err := c.UpdateToken(t.Context(), "main", 999, xano.UpdateTokenRequest{Name: &name}); !xano.IsNotFound(err) {
		t.Errorf("UpdateToken(999) = %v, want not found", err)
	}
	if len(log.waits) != 0 {
		t.Errorf("a 404 was retried %d times", len(log.waits))
	}
}

func TestEmulatorRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		capWait    time.Duration
		wantWait   time.Duration
	}{
		// One real second of waiting: the emulator asks for it and the
		// client must honour it.
		{"honoured", "1", 30 * time.Second, time.Second},
		{"capped", "120", 50 * time.Millisecond, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, c, log := startEmulator(t, func(cfg *xano.TestConfig) { cfg.MaxRetryWait = tt.capWait })
			e.FailNextWithRetryAfter(1, http.StatusTooManyRequests, tt.retryAfter)
			if _, err := c.ListTokens(t.Context(), "main"); err != nil {
				t.Fatalf("ListTokens: %v", err)
			}
			if fmt.Sprint(log.waits) != fmt.Sprint([]time.Duration{tt.wantWait}) || fmt.Sprint(log.statuses) != "[429]" {
				t.Errorf("retries waited %v after %v, want [%s] after [429]", log.waits, log.statuses, tt.wantWait)
			}
			if n := e.Count(http.MethodGet, patternTokens); n != 2 {
				t.Errorf("%d list requests, want 2", n)
			}
		})
	}
}

func TestEmulatorRateLimitedUntilRetriesRunOut(t *testing.T) {
	t.Parallel()
	e, c, _ := startEmulator(t, func(cfg *xano.TestConfig) {
		cfg.MaxRetries = 2
		cfg.MaxRetryWait = time.Millisecond
	})
	e.FailNext(3, http.StatusTooManyRequests)
	_, err := c.Me(t.Context())
	if !xano.IsRateLimited(err) || !strings.Contains(err.Error(), "(after 3 attempts)") {
		t.Fatalf("error = %v, want a 429 after 3 attempts", err)
	}
}

func TestEmulatorServerErrorThenSuccess(t *testing.T) {
	t.Parallel()
	e, c, log := startEmulator(t)
	tok, err := c.CreateToken(t.Context(), "main", createReq("monitoring"))
	if err != nil {
		t.Fatal(err)
	}
	e.FailNext(1, http.StatusInternalServerError)
	got, err := c.GetToken(t.Context(), "main", tok.ID)
	if err != nil || got.ID != tok.ID {
		t.Fatalf("GetToken = %+v, %v", got, err)
	}
	if n := e.Count(http.MethodGet, patternToken); n != 2 {
		t.Errorf("%d get requests, want 2", n)
	}
	if fmt.Sprint(log.statuses) != "[500]" {
		t.Errorf("retried after %v, want [500]", log.statuses)
	}

	// A create answered 500 is retried with the same key and mints once.
	e.FailNext(1, http.StatusInternalServerError)
	if _, err := c.CreateToken(t.Context(), "main", createReq("second")); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Tokens("main")); n != 2 {
		t.Errorf("%d tokens, want 2", n)
	}
}

func TestEmulatorDroppedConnectionOnCreate(t *testing.T) {
	t.Parallel()
	for _, afterCommit := range []bool{true, false} {
		t.Run(fmt.Sprintf("afterCommit=%v", afterCommit), func(t *testing.T) {
			t.Parallel()
			e, c, _ := startEmulator(t)
			e.DropNext(1, afterCommit)
			tok, err := c.CreateToken(t.Context(), "main", createReq("automation"))
			if err != nil {
				t.Fatalf("CreateToken: %v", err)
			}
			stored := e.Tokens("main")
			if len(stored) != 1 {
				t.Fatalf("%d tokens exist after a dropped create, want exactly 1", len(stored))
			}
			if tok.ID != stored[0].ID || tok.Secret == "" {
				t.Errorf("client returned %+v, stored %+v", tok, stored[0])
			}
			if n := e.Count(http.MethodPost, patternTokens); n != 2 {
				t.Errorf("%d create requests, want 2 (the dropped one and its retry)", n)
			}
		})
	}
}

func TestEmulatorUnauthorized(t *testing.T) {
	t.Parallel()
	const wrong = "wrong-token-do-not-print-4711"
	_, c, log := startEmulator(t, func(cfg *xano.TestConfig) { cfg.AccessToken = wrong })
	for name, call := range map[string]func() error{
		"me":     func() error { _, err := c.Me(t.Context()); return err },
		"list":   func() error { _, err := c.ListTokens(t.Context(), "main"); return err },
		"create": func() error { _, err := c.CreateToken(t.Context(), "main", createReq("x")); return err },
	} {
		err := call()
		if !xano.IsUnauthorized(err) {
			t.Fatalf("%s: error = %v, want 401", name, err)
		}
		if strings.Contains(err.Error(), wrong) {
			t.Errorf("%s: error leaks the token: %v", name, err)
		}
		if !strings.Contains(err.Error(), "401 "+xano.CodeUnauthorized) {
			t.Errorf("%s: unclear error: %v", name, err)
		}
	}
	if len(log.waits) != 0 {
		t.Errorf("a 401 was retried")
	}
}

func TestEmulatorPagination(t *testing.T) {
	t.Parallel()
	e, c, _ := startEmulator(t, func(cfg *xano.TestConfig) { cfg.PageSize = 4 })
	var want []string
	for i := range xano.MaxActiveTokens {
		name := fmt.Sprintf("token-%02d", i)
		if _, err := c.CreateToken(t.Context(), "main", createReq(name)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	if _, err := c.CreateToken(t.Context(), "other", createReq("elsewhere")); err != nil {
		t.Fatal(err)
	}
	toks, err := c.ListTokens(t.Context(), "main")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, tk.Name)
		if tk.Secret != "" {
			t.Errorf("list returned a secret for %s", tk.Name)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	if n := e.Count(http.MethodGet, patternTokens); n != 3 {
		t.Errorf("%d list requests, want 3 pages of 4", n)
	}
}

func TestEmulatorLimitReached(t *testing.T) {
	t.Parallel()
	_, c, log := startEmulator(t)
	for i := range xano.MaxActiveTokens {
		if _, err := c.CreateToken(t.Context(), "main", createReq(fmt.Sprintf("t%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateToken(t.Context(), "main", createReq("one too many"))
	if xano.KindOf(err) != xano.KindLimitReached {
		t.Fatalf("11th create = %v, want the limit error", err)
	}
	var ae *xano.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.Attempts != 1 {
		t.Errorf("APIError = %+v", ae)
	}
	if len(log.waits) != 0 {
		t.Errorf("the limit error was retried")
	}
}

// A create whose committed answer was lost must get to replay its key even
// when rate limiting answers the next attempts: 429s do not use up the
// retries a keyed request needs, so no token is orphaned.
func TestEmulatorLostCreateThenRateLimited(t *testing.T) {
	t.Parallel()
	var e *emulator.Emulator
	var once sync.Once
	e, c, _ := startEmulator(t, func(cfg *xano.TestConfig) {
		cfg.MaxRetries = 2
		cfg.MaxRetryWait = time.Millisecond
		cfg.OnRetry = func(int, time.Duration, *http.Response, error) {
			// After the dropped attempt, the server rate-limits more times
			// than max_retries allows.
			once.Do(func() { e.FailNextWithRetryAfter(6, http.StatusTooManyRequests, "") })
		}
	})
	e.DropNext(1, true)
	tok, err := c.CreateToken(t.Context(), "main", createReq("automation"))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	stored := e.Tokens("main")
	if len(stored) != 1 || stored[0].ID != tok.ID || tok.Secret == "" {
		t.Fatalf("stored %+v, client returned %+v: want the one committed token with its secret", stored, tok)
	}

	// A plain GET still stops after max_retries.
	e.FailNext(3, http.StatusTooManyRequests)
	if _, err := c.Me(t.Context()); !xano.IsRateLimited(err) {
		t.Fatalf("Me error = %v, want rate limited after max_retries", err)
	}
}

// A create that fails after an attempt whose answer was lost says so, since
// the server may have minted a token.
func TestEmulatorFailedCreateMayHaveCommitted(t *testing.T) {
	t.Parallel()
	e, c, _ := startEmulator(t, func(cfg *xano.TestConfig) { cfg.MaxRetries = 1 })
	e.DropNext(2, true)
	_, err := c.CreateToken(t.Context(), "main", createReq("automation"))
	if err == nil || !xano.MayHaveCommitted(err) {
		t.Fatalf("error = %v, MayHaveCommitted = %v; want a failure flagged as possibly committed", err, xano.MayHaveCommitted(err))
	}
	e2, c2, _ := startEmulator(t)
	e2.FailNext(1, http.StatusBadRequest)
	if _, err := c2.CreateToken(t.Context(), "main", createReq("x")); err == nil || xano.MayHaveCommitted(err) {
		t.Fatalf("a plain 400 must not be flagged as possibly committed: %v", err)
	}
}

// Only a real "token not found" counts as gone: a 404 from a wrong base URL
// must keep the token, or the provider would drop live tokens from state.
func TestEmulatorConfirmTokenGone(t *testing.T) {
	t.Parallel()
	_, c, _ := startEmulator(t)
	tok, err := c.CreateToken(t.Context(), "main", createReq("kept"))
	if err != nil {
		t.Fatal(err)
	}
	deleted, err := c.CreateToken(t.Context(), "main", createReq("deleted"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteToken(t.Context(), "main", deleted.ID); err != nil {
		t.Fatal(err)
	}
	_, getErr := c.GetToken(t.Context(), "main", deleted.ID)
	if gone, err := c.ConfirmTokenGone(t.Context(), "main", deleted.ID, getErr); !gone || err != nil {
		t.Fatalf("deleted token: gone=%v err=%v, want gone", gone, err)
	}

	// The same emulator behind a mistyped base URL answers 404 for every route.
	_, base := emulatortest.Start(t, emulator.Options{})
	wrong, err := xano.New(xano.Config{BaseURL: strings.TrimSuffix(base, "/api:meta") + "/api:wrong", AccessToken: emulator.DefaultAdminToken, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, getErr = wrong.GetToken(t.Context(), "main", tok.ID)
	if !xano.IsNotFound(getErr) {
		t.Fatalf("wrong base URL: %v, want a 404", getErr)
	}
	gone, err := wrong.ConfirmTokenGone(t.Context(), "main", tok.ID, getErr)
	var unconfirmed *xano.UnconfirmedGoneError
	if gone || !errors.As(err, &unconfirmed) || (!unconfirmed.NotXano && unconfirmed.ListErr == nil) || xano.IsNotFound(err) {
		t.Fatalf("wrong base URL: gone=%v err=%#v, want not gone: a 404 without proof", gone, err)
	}

	// A non-JSON 404 (a proxy page) is not proof either.
	proxy := &xano.APIError{StatusCode: http.StatusNotFound, Excerpt: "<html>Not Found</html>"}
	if gone, err := c.ConfirmTokenGone(t.Context(), "main", tok.ID, proxy); gone || !errors.As(err, &unconfirmed) || !unconfirmed.NotXano {
		t.Fatalf("proxy 404: gone=%v err=%#v, want not gone for want of Xano's code", gone, err)
	}
	// Nor is Xano's 404 about a token the instance still lists.
	listed := &xano.APIError{StatusCode: http.StatusNotFound, Code: xano.CodeNotFound}
	if gone, err := c.ConfirmTokenGone(t.Context(), "main", tok.ID, listed); gone || !errors.As(err, &unconfirmed) || !unconfirmed.StillListed {
		t.Fatalf("listed token: gone=%v err=%#v, want not gone since the list holds it", gone, err)
	}
	// Other errors pass through unchanged.
	if gone, err := c.ConfirmTokenGone(t.Context(), "main", tok.ID, nil); gone || err != nil {
		t.Fatalf("nil error: gone=%v err=%v", gone, err)
	}
}

// A revoke waits out rate limiting beyond max_retries too: giving up would
// leave a token valid that the user asked to revoke.
func TestEmulatorDeleteRateLimited(t *testing.T) {
	t.Parallel()
	e, c, _ := startEmulator(t, func(cfg *xano.TestConfig) {
		cfg.MaxRetries = 1
		cfg.MaxRetryWait = time.Millisecond
	})
	tok, err := c.CreateToken(t.Context(), "main", createReq("revoked"))
	if err != nil {
		t.Fatal(err)
	}
	e.FailNextWithRetryAfter(5, http.StatusTooManyRequests, "")
	if err := c.DeleteToken(t.Context(), "main", tok.ID); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if n := len(e.Tokens("main")); n != 0 {
		t.Fatalf("%d tokens left, want 0", n)
	}
}
