package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
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

// namedTokens names token id of tokens.
func namedTokens(tokens []xano.Token, id int64, name string) []xano.Token {
	for i := range tokens {
		if tokens[i].ID == id {
			tokens[i].Name = name
		}
	}
	return tokens
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
			l := newTokenLedger(lister.list, acctest.NewClock(limitNow).Now)
			for i, s := range tt.steps {
				if s.revoke != 0 {
					l.noteRevoked("main", s.revoke)
				}
				v := l.register(context.Background(), "main", "t", s.revokedFirst)
				if v.over() != s.wantOver || v.total() != s.wantTotal || v.err != nil {
					t.Errorf("registration %d: over = %v, total = %d, err = %v; want over = %v, total = %d",
						i+1, v.over(), v.total(), v.err, s.wantOver, s.wantTotal)
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
	l := newTokenLedger(lister.list, acctest.NewClock(limitNow).Now)
	const n = 20
	var wg sync.WaitGroup
	var over atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.register(context.Background(), "main", "t", nil).over() {
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
	if v := l.register(context.Background(), "other", "t", nil); v.over() || v.total() != 9 {
		t.Errorf("another instance: total %d, over %v; want 9 and no overflow", v.total(), v.over())
	}
	if got := lister.calls.Load(); got != 2 {
		t.Errorf("two instances were listed %d times, want twice", got)
	}
}

// TestCheckTokenLimit checks the diagnostics: one error per overflowing
// token naming the instance, the limit, the active tokens and what the plan
// adds; one error for a list that failed; nothing for a list refused or
// under skip_credentials_validation.
func TestCheckTokenLimit(t *testing.T) {
	t.Parallel()
	forbidden := &xano.APIError{StatusCode: http.StatusForbidden, Code: xano.CodeAccessDenied, Message: "Access denied."}
	broken := &xano.APIError{StatusCode: http.StatusInternalServerError, Code: xano.CodeFatal, Message: "Something broke."}
	tests := []struct {
		name       string
		lister     *countingLister
		skipChecks bool
		creates    int
		want       []string // one entry per diagnostic: fragments of summary and detail
		warning    bool     // the diagnostics are warnings, not errors
	}{
		{name: "third of three on eight", lister: &countingLister{tokens: limitTokens(8, 0)}, creates: 3,
			want: []string{`Token "t3": over Xano's token limit|Instance "main" would hold 11 active tokens, over Xano's limit of 10 per instance: it has 8 now, and this plan creates at least 3 there|xano_metadata_tokens`}},
		{name: "two on eight", lister: &countingLister{tokens: limitTokens(8, 0)}, creates: 2},
		{name: "list refused", lister: &countingLister{err: forbidden}, creates: 12},
		{name: "list failed", lister: &countingLister{err: broken}, creates: 3,
			want: []string{`Cannot check the Xano token limit|instance "main"|Something broke|skip_credentials_validation = true`}},
		{name: "checks skipped", lister: &countingLister{tokens: limitTokens(10, 0)}, skipChecks: true, creates: 2},
		// A tainted t1's replacement is planned as a plain create.
		{name: "same name at the limit", lister: &countingLister{tokens: namedTokens(limitTokens(10, 0), 3, "t1")}, creates: 1,
			want: []string{`Token "t1": at Xano's token limit unless it replaces a token|would hold 11 active tokens|(id 3)|revokes it first`}, warning: true},
		{name: "same name, expired", lister: &countingLister{tokens: namedTokens(limitTokens(10, 1), 101, "t1")}, creates: 1,
			want: []string{`Token "t1": over Xano's token limit`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &providerData{limits: newTokenLedger(tt.lister.list, acctest.NewClock(limitNow).Now), skipChecks: tt.skipChecks}
			var diags diag.Diagnostics
			for i := range tt.creates {
				d.checkTokenLimit(context.Background(), fmt.Sprintf("t%d", i+1), "main", false, nil, &diags)
			}
			if len(diags) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(diags), len(tt.want), renderDiags(diags))
			}
			if got := diags.ErrorsCount() == 0 && len(diags) > 0; len(tt.want) > 0 && got != tt.warning {
				t.Errorf("warnings only = %t, want %t:\n%s", got, tt.warning, renderDiags(diags))
			}
			for i, w := range tt.want {
				text := diags[i].Summary() + "|" + diags[i].Detail()
				for _, f := range strings.Split(w, "|") {
					if !strings.Contains(text, f) {
						t.Errorf("diagnostic %d lacks %q:\n%s", i, f, text)
					}
				}
			}
			if tt.skipChecks && tt.lister.calls.Load() != 0 {
				t.Error("skip_credentials_validation still listed the tokens")
			}
		})
	}
}
