package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestListsSingleFlight reads 10 tokens on each of 5 instances at once, and
// the limit check's list after them: each instance is listed once.
func TestListsSingleFlight(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := map[string]int{}
	lists := NewLists(func(_ context.Context, instance string) ([]xano.Token, error) {
		mu.Lock()
		calls[instance]++
		mu.Unlock()
		time.Sleep(10 * time.Millisecond) // let the other readers queue
		return limitTokens(10, 0), nil
	})
	var wg sync.WaitGroup
	for i := range 5 {
		for id := range int64(10) {
			wg.Go(func() {
				tok, listed, failed, err := lists.find(context.Background(), fmt.Sprint("i", i), id+1)
				if err != nil || failed != nil || !listed || tok.ID != id+1 {
					t.Errorf("find %d: token %v, listed %v, failure %v, error %v", id+1, tok, listed, failed, err)
				}
			})
		}
	}
	wg.Wait()
	for i := range 5 {
		if got, err := lists.Tokens(context.Background(), fmt.Sprint("i", i)); err != nil || len(got) != 10 {
			t.Errorf("Tokens: %d tokens, error %v", len(got), err)
		}
	}
	for i := range 5 {
		if n := calls[fmt.Sprint("i", i)]; n != 1 {
			t.Errorf("instance i%d listed %d times, want once", i, n)
		}
	}
}

// TestListsPrefetch starts a list without waiting, the way the provider does
// beside its credential check, on a context that is cancelled at once: the
// later reader takes that list instead of listing again.
func TestListsPrefetch(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	lists := NewLists(func(ctx context.Context, _ string) ([]xano.Token, error) {
		calls.Add(1)
		<-release
		return limitTokens(3, 0), ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	lists.Prefetch(ctx, "i")
	lists.Prefetch(ctx, "i")
	cancel()
	if n := calls.Load(); n > 1 {
		t.Fatalf("two prefetches listed %d times", n)
	}
	close(release)
	got, err := lists.Tokens(context.Background(), "i")
	if err != nil || len(got) != 3 {
		t.Fatalf("Tokens after a prefetch: %d tokens, error %v", len(got), err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("listed %d times, want once", n)
	}
}

// TestListsWaiterCancelled checks that a reader that stops waiting gets its
// context's error, while the list goes on for the others, and a cancelled
// first reader does not fail the list.
func TestListsWaiterCancelled(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	lists := NewLists(func(ctx context.Context, _ string) ([]xano.Token, error) {
		calls.Add(1)
		<-release
		return limitTokens(1, 0), ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, _, _, err := lists.find(ctx, "a", 1)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled reader got %v, want context.Canceled", err)
	}
	close(release)
	tok, listed, failed, err := lists.find(context.Background(), "a", 1)
	if err != nil || failed != nil || !listed || tok.ID != 1 {
		t.Errorf("the next reader got token %v, listed %v, failure %v, error %v", tok, listed, failed, err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("listed %d times, want once", n)
	}
}

// refusingLists serves the emulator, refusing the token list of the
// instances in refuse with status.
func refusingLists(t *testing.T, emu *emulator.Emulator, status int, refuse ...string) (*xano.Client, *atomic.Int32) {
	t.Helper()
	var refused atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, in := range refuse {
			if r.Method == http.MethodGet && r.URL.Path == "/api:meta/instance/"+in+"/token" {
				refused.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = w.Write([]byte(`{"code":"ERROR_FATAL","message":"refused"}`))
				return
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := xano.New(xano.Config{BaseURL: srv.URL + "/api:meta", AccessToken: emulator.DefaultAdminToken, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c, &refused
}

// TestServiceReadFromLists reads tokens through the lists against the
// emulator: a listed token costs no GET, a token the list lacks is read on
// its own (and called gone only when that GET and a fresh list prove it),
// and a refused list falls back to one GET per token, warning once.
func TestServiceReadFromLists(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int // the list's answer; 0 serves it
		// revoke revokes the second token before the reads.
		revoke bool
		// wantGets and wantLists are the requests the three reads make,
		// refused lists included.
		wantGets, wantLists int
		wantGone            bool
		wantFailures        int
	}{
		{name: "listed", wantGets: 0, wantLists: 1},
		{name: "revoked outside", revoke: true, wantGets: 1, wantLists: 2, wantGone: true},
		{name: "list forbidden", status: http.StatusForbidden, wantGets: 3, wantLists: 1, wantFailures: 1},
		{name: "list fails", status: http.StatusInternalServerError, wantGets: 3, wantLists: 1, wantFailures: 1},
		// Nothing proves the token gone while the list fails.
		{name: "list fails, one revoked", status: http.StatusBadGateway, revoke: true, wantGets: 3, wantLists: 2, wantFailures: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emu := emulator.New(emulator.Options{})
			var refuse []string
			if tt.status != 0 {
				refuse = []string{"main"}
			}
			client, refused := refusingLists(t, emu, tt.status, refuse...)
			ctx := context.Background()
			var ids []int64
			for i := range 3 {
				tok, err := client.CreateToken(ctx, "main", xano.CreateTokenRequest{Name: fmt.Sprint("t", i), ExpiresIn: 3600,
					Scopes: map[string][]string{"workspace:api": {"read"}}})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tok.ID)
			}
			if tt.revoke {
				if err := client.RevokeToken(ctx, "main", ids[1]); err != nil {
					t.Fatal(err)
				}
			}
			emu.ResetStats()
			svc := &Service{Client: client, Lists: NewLists(client.ListTokens)}
			failures, goneSeen := 0, false
			for i, id := range ids {
				tok, gone, failed, err := svc.Read(ctx, "main", id)
				if failed != nil {
					failures++
					if !strings.Contains(failed.Detail(), `"main"`) || failed.Summary() == "" {
						t.Errorf("the warning does not name the instance: %s", failed.Detail())
					}
				}
				switch {
				case tt.revoke && i == 1:
					goneSeen = gone
					if tok != nil {
						t.Errorf("the revoked token was read: %+v", tok)
					}
				case err != nil || gone || tok == nil || tok.ID != id || tok.Name != fmt.Sprint("t", i):
					t.Errorf("read %d: token %+v, gone %v, error %v", id, tok, gone, err)
				}
			}
			if goneSeen != tt.wantGone {
				t.Errorf("gone = %v, want %v", goneSeen, tt.wantGone)
			}
			if failures != tt.wantFailures {
				t.Errorf("%d list warnings, want %d", failures, tt.wantFailures)
			}
			if n := emu.Count(http.MethodGet, xano.PathToken); n != tt.wantGets {
				t.Errorf("%d GETs of a token, want %d", n, tt.wantGets)
			}
			if n := emu.Count(http.MethodGet, xano.PathTokens) + int(refused.Load()); n != tt.wantLists {
				t.Errorf("%d lists, want %d", n, tt.wantLists)
			}
		})
	}
}
