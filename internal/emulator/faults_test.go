package emulator

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{})
	e.FailNext(2, http.StatusServiceUnavailable)
	for range 2 {
		r := c.do(http.MethodPost, "/instance/i/token", createBody("t", 3600, readAPI))
		expectError(t, r, http.StatusServiceUnavailable, xano.CodeFatal)
		if r.header.Get("Retry-After") != "" {
			t.Errorf("a 503 from FailNext carries Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	if n := len(e.Tokens("i")); n != 0 {
		t.Fatalf("failed creates committed %d tokens", n)
	}
	c.mustCreate("i", createBody("t", 3600, readAPI))

	tests := []struct {
		name       string
		fail       func()
		status     int
		code       string
		retryAfter string
	}{
		{"429 gets Retry-After 1", func() { e.FailNext(1, http.StatusTooManyRequests) }, 429, xano.CodeTooManyRequests, "1"},
		{"chosen Retry-After", func() { e.FailNextWithRetryAfter(1, http.StatusTooManyRequests, "7") }, 429, xano.CodeTooManyRequests, "7"},
		{"HTTP-date Retry-After", func() { e.FailNextWithRetryAfter(1, 503, "Wed, 21 Oct 2026 07:28:00 GMT") }, 503, xano.CodeFatal, "Wed, 21 Oct 2026 07:28:00 GMT"},
		{"429 without Retry-After", func() { e.FailNextWithRetryAfter(1, http.StatusTooManyRequests, "") }, 429, xano.CodeTooManyRequests, ""},
		{"401", func() { e.FailNext(1, http.StatusUnauthorized) }, 401, xano.CodeUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fail()
			// Reads of the guarded endpoints are not failed, whatever their method.
			if r := c.do(http.MethodGet, "/workspace", nil); r.status != http.StatusOK {
				t.Fatalf("GET /workspace: %d", r.status)
			}
			r := c.do(http.MethodGet, "/auth/me", nil)
			expectError(t, r, tt.status, tt.code)
			if got := r.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if r := c.do(http.MethodGet, "/auth/me", nil); r.status != http.StatusOK {
				t.Errorf("the request after the failure: %d", r.status)
			}
		})
	}
}

func TestDropNext(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{})
	e.DropNext(1, false)
	// Reads do not consume a drop.
	c.do(http.MethodGet, "/instance/i/token", nil)
	if _, err := c.try(http.MethodPost, "/instance/i/token", createBody("lost", 3600, readAPI)); err == nil {
		t.Fatal("a dropped create answered")
	}
	if n := len(e.Tokens("i")); n != 0 {
		t.Fatalf("a create dropped before commit left %d tokens", n)
	}

	e.DropNext(1, true)
	if _, err := c.try(http.MethodPost, "/instance/i/token", createBody("kept", 3600, readAPI), xano.HeaderIdempotency, "k"); err == nil {
		t.Fatal("a dropped create answered")
	}
	toks := e.Tokens("i")
	if len(toks) != 1 || toks[0].Name != "kept" {
		t.Fatalf("a create dropped after commit left %+v", toks)
	}
	// The retry with the same key gets the committed token, secret included.
	again := c.mustCreate("i", createBody("kept", 3600, readAPI), xano.HeaderIdempotency, "k")
	if again.ID != toks[0].ID || again.Secret == "" {
		t.Fatalf("retry answered token %d (secret set: %v), committed %d", again.ID, again.Secret != "", toks[0].ID)
	}
	if r := c.as(again.Secret).do(http.MethodGet, "/workspace/1/apigroup", nil); r.status != http.StatusOK {
		t.Errorf("replayed secret does not authenticate: %d", r.status)
	}

	path := fmt.Sprintf("/instance/i/token/%d", again.ID)
	e.DropNext(1, false)
	if _, err := c.try(http.MethodPost, path, `{"name":"renamed"}`); err == nil {
		t.Fatal("a dropped update answered")
	}
	if got := e.Tokens("i")[0].Name; got != "kept" {
		t.Errorf("an update dropped before commit renamed the token to %q", got)
	}
	e.DropNext(1, true)
	if _, err := c.try(http.MethodDelete, path, nil); err == nil {
		t.Fatal("a dropped delete answered")
	}
	if n := len(e.Tokens("i")); n != 0 {
		t.Errorf("a delete dropped after commit left %d tokens", n)
	}
}

// outcomes renames one token n times in random fault mode and reports what
// each request saw, checking that only the dropped-after-commit and
// successful renames took effect.
func outcomes(t *testing.T, seed int64, n int) string {
	t.Helper()
	e, c, _ := newTestEmulator(t, Options{FaultRate: 0.5, Seed: seed})
	var tok xano.Token
	for attempt := 0; tok.ID == 0; attempt++ {
		if attempt == 50 {
			t.Fatal("no create succeeded in 50 attempts")
		}
		if r, err := c.try(http.MethodPost, "/instance/i/token", createBody("r0", 0, readAPI), xano.HeaderIdempotency, "setup"); err == nil && r.status == http.StatusOK {
			r.decode(t, &tok)
		}
	}
	var b strings.Builder
	name := "r0"
	for i := 1; i <= n; i++ {
		want := fmt.Sprintf("r%d", i)
		r, err := c.try(http.MethodPost, fmt.Sprintf("/instance/i/token/%d", tok.ID), fmt.Sprintf(`{"name":%q}`, want))
		switch {
		case err != nil:
			b.WriteString("D")
			name = want
		case r.status == http.StatusInternalServerError:
			expectError(t, r, 500, xano.CodeFatal)
			b.WriteString("F")
		case r.status == http.StatusOK:
			b.WriteString(".")
			name = want
		default:
			t.Fatalf("unexpected %d %s", r.status, r.body)
		}
		if got := e.Tokens("i")[0].Name; got != name {
			t.Fatalf("after %q the token is named %q, want %q", b.String(), got, name)
		}
	}
	return b.String()
}

func TestRandomFaultsDeterministic(t *testing.T) {
	t.Parallel()
	a, b, other := outcomes(t, 42, 40), outcomes(t, 42, 40), outcomes(t, 43, 40)
	if a != b {
		t.Fatalf("same seed, different outcomes:\n%s\n%s", a, b)
	}
	if a == other {
		t.Errorf("seeds 42 and 43 gave the same outcomes %s", a)
	}
	for _, kind := range []string{".", "F", "D"} {
		if !strings.Contains(a, kind) {
			t.Errorf("outcomes %s lack %q", a, kind)
		}
	}
}

func TestRandomFaultsSpareReads(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{FaultRate: 1, Seed: 1})
	for range 10 {
		for _, p := range []string{"/auth/me", "/instance/i/token", "/instance/i/token/1", "/workspace"} {
			if r := c.do(http.MethodGet, p, nil); r.status == http.StatusInternalServerError {
				t.Fatalf("GET %s faulted", p)
			}
		}
	}
}

func TestRandomFaultsIdempotentCreate(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{FaultRate: 0.6, Seed: 7})
	for k := range 5 {
		key := fmt.Sprintf("key-%d", k)
		var tok xano.Token
		for attempt := 0; tok.ID == 0; attempt++ {
			if attempt == 100 {
				t.Fatal("no attempt succeeded")
			}
			r, err := c.try(http.MethodPost, "/instance/i/token", createBody(key, 0, readAPI), xano.HeaderIdempotency, key)
			if err == nil && r.status == http.StatusOK {
				r.decode(t, &tok)
			}
		}
		toks := e.Tokens("i")
		if len(toks) != k+1 || toks[k].ID != tok.ID || toks[k].Name != key {
			t.Fatalf("after key %s: tokens %+v, answered %d", key, toks, tok.ID)
		}
	}
	if e.Stats()["POST "+xano.PathTokens+" 0"] == 0 {
		t.Errorf("no create was dropped after commit, so replay was not exercised: %v", e.Stats())
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{RateLimit: 2})
	clock := acctest.NewClock(acctest.Epoch)
	e.SetRateLimitClock(clock.Now)
	get := func(path string) response { return c.do(http.MethodGet, path, nil) }
	limited := func(want string) {
		t.Helper()
		r := get("/auth/me")
		expectError(t, r, http.StatusTooManyRequests, xano.CodeTooManyRequests)
		if got := r.header.Get("Retry-After"); got != want {
			t.Errorf("Retry-After %q, want %q", got, want)
		}
	}
	// The burst is the rate; every route counts, unknown ones included.
	if get("/workspace").status != 200 || get("/nowhere").status != 404 {
		t.Fatal("the burst did not allow 2 requests")
	}
	limited("1")
	// The stats endpoint observes without spending the budget.
	if r := get(PathStats); r.status != http.StatusOK {
		t.Fatalf("stats: %d", r.status)
	}
	clock.Advance(500 * time.Millisecond)
	if r := get("/auth/me"); r.status != http.StatusOK {
		t.Fatalf("after refilling one request: %d", r.status)
	}
	limited("1")

	e.SetRateLimit(0.25) // burst ceil(0.25) = 1, one request every 4 s
	if r := get("/auth/me"); r.status != http.StatusOK {
		t.Fatalf("after reconfiguring: %d", r.status)
	}
	limited("4")
	clock.Advance(2 * time.Second)
	limited("2")
	clock.Advance(2 * time.Second)
	if r := get("/auth/me"); r.status != http.StatusOK {
		t.Fatalf("after 4 s: %d", r.status)
	}
	// The bucket never holds more than the burst.
	clock.Advance(time.Hour)
	get("/auth/me")
	limited("4")

	e.SetRateLimit(0)
	for range 20 {
		if r := get("/auth/me"); r.status != http.StatusOK {
			t.Fatalf("unlimited: %d", r.status)
		}
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	e := New(Options{Latency: 250 * time.Millisecond})
	var mu sync.Mutex
	var waits []time.Duration
	e.sleep = func(_ context.Context, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c := &client{t: t, base: srv.URL + "/api:meta", token: DefaultAdminToken, hc: srv.Client()}
	c.do(http.MethodGet, "/auth/me", nil)
	c.do(http.MethodPost, "/instance/i/token", "{}")
	e.SetLatency(time.Second)
	c.do(http.MethodGet, "/nowhere", nil)
	mu.Lock()
	defer mu.Unlock()
	want := []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

// TestLatencyJitter: each answer waits the latency plus a uniform draw up
// to the jitter, reproducible from the seed, and the draws leave the seeded
// faults where they were.
func TestLatencyJitter(t *testing.T) {
	t.Parallel()
	const latency, jitter = 100 * time.Millisecond, 50 * time.Millisecond
	run := func(opts Options, setJitter time.Duration) (waits []time.Duration, statuses []int) {
		e := New(opts)
		var mu sync.Mutex
		e.sleep = func(_ context.Context, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, d)
		}
		srv := httptest.NewServer(e)
		defer srv.Close()
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		c := &client{t: t, base: srv.URL + "/api:meta", token: DefaultAdminToken, hc: hc}
		for i := range 40 {
			// One instance each, so that the token limit plays no part.
			r, err := c.try(http.MethodPost, fmt.Sprintf("/instance/i%d/token", i), createBody("n", 0, readAPI))
			if err != nil {
				r.status = 0
			}
			statuses = append(statuses, r.status)
		}
		e.SetLatencyJitter(setJitter)
		c.do(http.MethodGet, "/auth/me", nil)
		mu.Lock()
		defer mu.Unlock()
		return waits, statuses
	}
	waits, faults := run(Options{Latency: latency, LatencyJitter: jitter, FaultRate: 0.5, Seed: 7}, 0)
	distinct := map[time.Duration]bool{}
	for _, w := range waits[:len(waits)-1] {
		if w < latency || w > latency+jitter {
			t.Fatalf("wait %v outside [%v, %v]", w, latency, latency+jitter)
		}
		distinct[w] = true
	}
	if len(distinct) < len(waits)/2 {
		t.Errorf("only %d distinct waits in %d: %v", len(distinct), len(waits), waits)
	}
	if last := waits[len(waits)-1]; last != latency {
		t.Errorf("after SetLatencyJitter(0) the wait is %v, want %v", last, latency)
	}
	again, _ := run(Options{Latency: latency, LatencyJitter: jitter, FaultRate: 0.5, Seed: 7}, 0)
	if fmt.Sprint(again) != fmt.Sprint(waits) {
		t.Errorf("the same seed drew other waits:\n%v\n%v", again, waits)
	}
	_, steady := run(Options{Latency: latency, FaultRate: 0.5, Seed: 7}, 0)
	if fmt.Sprint(steady) != fmt.Sprint(faults) {
		t.Errorf("jitter changed the seeded faults:\n%v\n%v", steady, faults)
	}
	// Jitter alone is a delay from 0 to the bound.
	only, _ := run(Options{LatencyJitter: jitter, Seed: 1}, jitter)
	for _, w := range only {
		if w < 0 || w > jitter {
			t.Fatalf("jitter alone waited %v", w)
		}
	}
}

func TestSleepStopsWithTheRequest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A client that gives up must not keep the handler waiting for an hour.
	// The bound below is a deadlock guard, not a timing assertion: it only
	// turns a hang into a failure instead of the suite's timeout.
	done := make(chan struct{})
	go func() {
		sleepCtx(ctx, time.Hour)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("sleepCtx kept sleeping after its context was cancelled")
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{})
	c.mustCreate("i", createBody("t", 0, readAPI))
	c.do(http.MethodPost, "/instance/i/token", "{}")
	c.do(http.MethodGet, "/instance/i/token", nil)
	c.do(http.MethodGet, "/instance/i/token/1", nil)
	c.do(http.MethodGet, "/instance/other/token/1", nil)
	c.do(http.MethodGet, "/nowhere", nil)
	c.do(http.MethodPut, "/auth/me", nil)
	c.do(http.MethodGet, "/workspace/1/table", nil)
	e.DropNext(1, true)
	if _, err := c.try(http.MethodPost, "/instance/i/token", createBody("u", 0, readAPI)); err == nil {
		t.Fatal("drop answered")
	}
	want := map[string]int{
		"POST /instance/{instance}/token 200":     1,
		"POST /instance/{instance}/token 400":     1,
		"POST /instance/{instance}/token 0":       1,
		"GET /instance/{instance}/token 200":      1,
		"GET /instance/{instance}/token/{id} 200": 1,
		"GET /instance/{instance}/token/{id} 404": 1,
		"GET * 404":                     1,
		"PUT /auth/me 405":              1,
		"GET /workspace/{id}/table 200": 1,
	}
	if got := e.Stats(); !maps.Equal(got, want) {
		t.Fatalf("stats %v, want %v", got, want)
	}
	if n := e.Count(http.MethodPost, xano.PathTokens); n != 3 {
		t.Errorf("Count(POST, tokens) = %d, want 3", n)
	}

	// Over HTTP, for an admin only; neither request is counted.
	expectError(t, c.as("nope").do(http.MethodGet, PathStats, nil), http.StatusUnauthorized, xano.CodeUnauthorized)
	var served map[string]int
	c.do(http.MethodGet, PathStats, nil).decode(t, &served)
	if !maps.Equal(served, want) || !maps.Equal(e.Stats(), want) {
		t.Errorf("served %v, then Stats %v; want both %v", served, e.Stats(), want)
	}
	e.ResetStats()
	if got := e.Stats(); len(got) != 0 {
		t.Errorf("after reset: %v", got)
	}
}

// TestOptionsOutOfRange: a NaN, infinite or negative rate, a fault rate
// above 1 and a negative latency are refused by Open, New and SetRateLimit,
// rather than silently turning the limit or the faults off.
func TestOptionsOutOfRange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"NaN rate", Options{RateLimit: math.NaN()}, "RateLimit"},
		{"negative rate", Options{RateLimit: -1}, "RateLimit"},
		{"infinite rate", Options{RateLimit: math.Inf(1)}, "RateLimit"},
		{"NaN fault rate", Options{FaultRate: math.NaN()}, "FaultRate"},
		{"fault rate above 1", Options{FaultRate: 1.5}, "FaultRate"},
		{"negative latency", Options{Latency: -time.Second}, "Latency"},
		{"negative jitter", Options{LatencyJitter: -time.Nanosecond}, "LatencyJitter"},
		{"latency and jitter overflowing", Options{Latency: time.Duration(math.MaxInt64 - 5), LatencyJitter: 6}, "overflows"},
	} {
		if _, err := Open(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Open error %v, want one naming %s", tt.name, err, tt.want)
		}
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tt.want) {
					t.Errorf("%s: New panicked with %v, want a panic naming %s", tt.name, r, tt.want)
				}
			}()
			New(tt.opts)
		}()
	}
	if _, err := Open(Options{RateLimit: 20, FaultRate: 1, Latency: time.Millisecond}); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
	e := New(Options{})
	for name, set := range map[string]func(){
		"SetRateLimit(NaN)":      func() { e.SetRateLimit(math.NaN()) },
		"SetLatency(-1s)":        func() { e.SetLatency(-time.Second) },
		"SetLatencyJitter(-1ns)": func() { e.SetLatencyJitter(-1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			set()
		}()
	}
}
