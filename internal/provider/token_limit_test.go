package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
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

// TestCheckTokenLimit checks the diagnostics: one error per overflowing
// token naming the instance, the limit, the active tokens and what the plan
// adds; one error for a list that failed; nothing for a list refused or
// under skip_credentials_validation.
func TestCheckTokenLimit(t *testing.T) {
	t.Parallel()
	forbidden := &xano.APIError{StatusCode: http.StatusForbidden, Code: xano.CodeAccessDenied, Message: "Access denied."}
	broken := &xano.APIError{StatusCode: http.StatusInternalServerError, Code: xano.CodeFatal, Message: "Something broke."}
	notFound := &xano.APIError{StatusCode: http.StatusNotFound, Code: xano.CodeNotFound, Message: "Unable to locate request.",
		Method: http.MethodGet, Path: "/instance/main/token?page=1&per_page=100"}
	noTokenAPI := &xano.NoTokenAPIError{Instance: "main", Err: notFound}
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
		// The instance check reports an instance that does not exist.
		{name: "list not found", lister: &countingLister{err: notFound}, creates: 3},
		{name: "no token endpoints", lister: &countingLister{err: noTokenAPI}, creates: 3, warning: true,
			want: []string{`Xano token limit not checked|The 10-token limit was not checked: |instance "main"|docs/guides/api-contract.md|xano-emulator|Unable to locate request`}},
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
			d := &providerData{limits: lifecycle.NewLedger(tt.lister.list, acctest.NewClock(limitNow).Now), skipChecks: tt.skipChecks}
			var diags diag.Diagnostics
			for i := range tt.creates {
				d.checkTokenLimit(context.Background(), policy.Subject{Name: fmt.Sprintf("t%d", i+1), Instance: "main"}, "main", nil, &diags)
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
