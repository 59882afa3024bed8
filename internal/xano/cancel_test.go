package xano

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestCancelDuringRetryWait cancels the call while it waits out a server's
// Retry-After: the call ends at once, no further request goes out, and the
// kind says whether the server may have carried out a write.
func TestCancelDuringRetryWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		op   string
		// statuses are the answers before the wait that is cancelled; the
		// last carries Retry-After.
		statuses []int
		want     Kind
	}{
		{"get 429", "get", []int{429}, KindUnreachable},
		{"get 503", "get", []int{503}, KindUnreachable},
		{"create 429", "create", []int{429}, KindUnreachable},
		{"create 500 then 503", "create", []int{500, 503}, KindOutcomeUnknown},
		{"create 500 then 429", "create", []int{500, 429}, KindOutcomeUnknown},
		{"update 503", "update", []int{503}, KindUnreachable},
		{"delete 429", "delete", []int{429}, KindUnreachable},
		{"delete 500 then 503", "delete", []int{500, 503}, KindOutcomeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n >= len(tt.statuses) {
					w.Header().Set("Retry-After", "3600")
				}
				writeError(w, tt.statuses[min(n, len(tt.statuses))-1], CodeFatal, "scripted")
			})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c := fastClient(t, f.srv.URL, func(c *TestConfig) {
				c.MaxRetryWait = time.Hour
				c.OnRetry = func(attempt int, _ time.Duration, _ *http.Response, _ error) {
					if attempt == len(tt.statuses) {
						// Cancelled once the wait has begun.
						time.AfterFunc(20*time.Millisecond, cancel)
					}
				}
			})
			start := time.Now()
			err := kindOps[tt.op](c, ctx)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the call returned %s after the start, not when cancelled", d)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want context.Canceled", err)
			}
			if got := KindOf(err); got != tt.want {
				t.Errorf("KindOf(%v) = %s, want %s", err, got, tt.want)
			}
			time.Sleep(50 * time.Millisecond)
			if n := len(f.requests()); n != len(tt.statuses) {
				t.Errorf("%d requests, want %d: nothing may be sent after the cancellation", n, len(tt.statuses))
			}
		})
	}
}

// countingTransport counts the attempts that reach the transport, which
// would refuse a cancelled request itself: the client must not make them.
type countingTransport struct {
	inner http.RoundTripper
	n     *atomic.Int32
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.inner.RoundTrip(r)
}

// TestNoAttemptAfterCancel cancels the call as a wait of zero begins: a
// timer that fires at once must not win over the ended context and start
// another attempt.
func TestNoAttemptAfterCancel(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "0")
		writeError(w, 429, CodeTooManyRequests, "slow down")
	})
	var attempts atomic.Int32
	hc := &http.Client{Transport: countingTransport{inner: f.srv.Client().Transport, n: &attempts}}
	for i := range 50 {
		ctx, cancel := context.WithCancel(t.Context())
		c := fastClient(t, f.srv.URL, func(c *TestConfig) {
			c.HTTPClient = hc
			c.OnRetry = func(int, time.Duration, *http.Response, error) { cancel() }
		})
		attempts.Store(0)
		err := c.DeleteToken(ctx, "main", 1)
		cancel()
		if n := attempts.Load(); n != 1 {
			t.Fatalf("run %d: %d attempts, want 1: none may start after the cancellation", i, n)
		}
		if KindOf(err) != KindUnreachable || !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: error %v is %s, want a cancelled call (unreachable)", i, err, KindOf(err))
		}
	}
}

// TestCancelledBeforeTheCallSendsNothing ends the context before the call:
// no attempt is made, and the error says so.
func TestCancelledBeforeTheCallSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, map[string]any{}) })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for op, call := range kindOps {
		err := call(fastClient(t, f.srv.URL), ctx)
		var te *TransportError
		if !errors.As(err, &te) || !te.Cancelled || !te.NothingSent || te.Attempts != 0 || KindOf(err) != KindUnreachable {
			t.Errorf("%s: error = %#v, want a cancelled call that made no attempt", op, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}
