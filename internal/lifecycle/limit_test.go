package lifecycle

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// limitNow is the fixed clock of the ledger tests.
var limitNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// limitTokens returns n active tokens with ids from 1, and expired ones with
// ids from 101.
func limitTokens(active, expired int) []xano.Token {
	var out []xano.Token
	at := func(d time.Duration) *string { s := xano.FormatTime(limitNow.Add(d)); return &s }
	for i := range active {
		exp := at(time.Hour)
		if i == 0 {
			exp = nil // a token that never expires counts too
		}
		out = append(out, xano.Token{ID: int64(i + 1), ExpiresAt: exp})
	}
	for i := range expired {
		out = append(out, xano.Token{ID: int64(101 + i), ExpiresAt: at(-time.Hour)})
	}
	return out
}

// countingLister serves tokens and counts the calls.
type countingLister struct {
	tokens []xano.Token
	err    error
	calls  atomic.Int32
}

func (c *countingLister) list(context.Context, string) ([]xano.Token, error) {
	c.calls.Add(1)
	return c.tokens, c.err
}

// TestTokenLedger runs sequences of registrations against an instance and
// checks which ones overflow: active tokens plus planned creates, minus the
// active tokens revoked before the creates, against the limit of 10.
func TestTokenLedger(t *testing.T) {
	t.Parallel()
	type step struct {
		// revoke is a token this process revoked before the registration.
		revoke int64
		// revokedFirst are the tokens the registering plan revokes first.
		revokedFirst []int64
		wantOver     bool
		wantTotal    int
	}
	tests := []struct {
		name            string
		active, expired int
		steps           []step
	}{
		{"3 new on 8: the third overflows", 8, 0, []step{{wantTotal: 9}, {wantTotal: 10}, {wantOver: true, wantTotal: 11}}},
		{"2 new on 8 fit", 8, 0, []step{{wantTotal: 9}, {wantTotal: 10}}},
		{"every registration past the limit fails", 9, 0, []step{{wantTotal: 10}, {wantOver: true, wantTotal: 11}, {wantOver: true, wantTotal: 12}}},
		{"expired tokens do not count", 8, 5, []step{{wantTotal: 9}, {wantTotal: 10}}},
		{"a replacement at the limit frees its slot first", 10, 0, []step{{revokedFirst: []int64{4}, wantTotal: 10}}},
		{"a rotation revoking its previous token at the limit", 10, 0, []step{{revokedFirst: []int64{7}, wantTotal: 10}, {wantOver: true, wantTotal: 11}}},
		{"revoking an expired token frees nothing", 10, 1, []step{{revokedFirst: []int64{101}, wantOver: true, wantTotal: 11}}},
		{"revoking an unknown token frees nothing", 10, 0, []step{{revokedFirst: []int64{999}, wantOver: true, wantTotal: 11}}},
		{"a token revoked by this process no longer counts", 10, 0, []step{{revoke: 3, wantTotal: 10}}},
		{"a token revoked twice counts once", 10, 0, []step{{revoke: 3, revokedFirst: []int64{3}, wantTotal: 10}, {wantOver: true, wantTotal: 11}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lister := &countingLister{tokens: limitTokens(tt.active, tt.expired)}
			l := NewLedger(lister.list, func() time.Time { return limitNow })
			for i, s := range tt.steps {
				if s.revoke != 0 {
					l.NoteRevoked("main", s.revoke)
				}
				v := l.Register(context.Background(), "main", "t", s.revokedFirst)
				if v.Over() != s.wantOver || v.Total() != s.wantTotal || v.Err != nil {
					t.Errorf("registration %d: over = %v, total = %d, err = %v; want over = %v, total = %d",
						i+1, v.Over(), v.Total(), v.Err, s.wantOver, s.wantTotal)
				}
			}
			if n := lister.calls.Load(); n != 1 {
				t.Errorf("the instance was listed %d times, want once", n)
			}
		})
	}
}

// TestTokenLedgerConcurrent registers plans from many goroutines at once, as
// Terraform's parallel plans do: the list is read once, and exactly the
// registrations past the limit fail.
func TestTokenLedgerConcurrent(t *testing.T) {
	t.Parallel()
	lister := &countingLister{tokens: limitTokens(8, 0)}
	l := NewLedger(lister.list, func() time.Time { return limitNow })
	const n = 20
	var wg sync.WaitGroup
	var over atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Register(context.Background(), "main", "t", nil).Over() {
				over.Add(1)
			}
		}()
	}
	wg.Wait()
	if got, want := over.Load(), int32(8+n-xano.MaxActiveTokens); got != want {
		t.Errorf("%d registrations overflowed, want %d", got, want)
	}
	if got := lister.calls.Load(); got != 1 {
		t.Errorf("the instance was listed %d times, want once", got)
	}
	// Another instance has its own count and its own list.
	if v := l.Register(context.Background(), "other", "t", nil); v.Over() || v.Total() != 9 {
		t.Errorf("another instance: total %d, over %v; want 9 and no overflow", v.Total(), v.Over())
	}
	if got := lister.calls.Load(); got != 2 {
		t.Errorf("two instances were listed %d times, want twice", got)
	}
}

// TestTokenLedgerUnmanaged checks which same-named active tokens a plan that
// creates a token is told about, under the limit as over it: not those it
// revokes first, revoked by this process, recorded by a planned resource,
// expired, or of another name; each with its creation time.
func TestTokenLedgerUnmanaged(t *testing.T) {
	t.Parallel()
	created := limitNow.Add(-2 * time.Hour)
	tokens := func() []xano.Token {
		ts := limitTokens(5, 1)
		for i := range ts {
			ts[i].CreatedAt = xano.FormatTime(created.Add(time.Duration(ts[i].ID) * time.Minute))
		}
		for _, id := range []int64{2, 3, 4, 101} {
			ts = namedTokens(ts, id, "ci")
		}
		return namedTokens(ts, 5, "other")
	}
	tests := []struct {
		name         string
		revoke       int64
		managed      []int64
		revokedFirst []int64
		want         []int64
	}{
		{name: "every active token of the name", want: []int64{2, 3, 4}},
		{name: "not the tokens the plan revokes first", revokedFirst: []int64{3}, want: []int64{2, 4}},
		{name: "not a token this process revoked", revoke: 2, want: []int64{3, 4}},
		{name: "not a token a resource records", managed: []int64{4, 2}, want: []int64{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := NewLedger((&countingLister{tokens: tokens()}).list, func() time.Time { return limitNow })
			if tt.revoke != 0 {
				l.NoteRevoked("main", tt.revoke)
			}
			l.NoteManaged("main", tt.managed...)
			v := l.Register(context.Background(), "main", "ci", tt.revokedFirst)
			if v.Over() {
				t.Fatalf("total %d is over the limit: the case is under it", v.Total())
			}
			var got []int64
			for _, u := range v.Unmanaged {
				got = append(got, u.ID)
				if u.Name != "ci" || !u.CreatedAt.Equal(created.Add(time.Duration(u.ID)*time.Minute)) {
					t.Errorf("token %d listed as %q created %s", u.ID, u.Name, u.CreatedAt)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("unmanaged = %v, want %v", got, tt.want)
			}
		})
	}
}

// namedTokens names token id of tokens.
func namedTokens(tokens []xano.Token, id int64, name string) []xano.Token {
	for i := range tokens {
		if tokens[i].ID == id {
			tokens[i].Name = name
		}
	}
	return tokens
}
