package xano

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestConflictTokenID reads the 409 a server answers to a create retried
// with a key it remembers but whose token it can no longer return: the
// caller gets the token's id, to revoke it and create anew.
func TestConflictTokenID(t *testing.T) {
	t.Parallel()
	const contract = `{"code":"ERROR_CODE_CONFLICT","message":"created token 7 before the server restarted","token_id":7}`
	tests := []struct {
		name string
		// dropFirst hangs up on the first attempt, as a create whose answer
		// was lost.
		dropFirst bool
		status    int
		body      string
		wantKind  Kind
		wantID    int64
		wantText  string
	}{
		{"contract", false, 409, contract, KindConflict, 7, "409 ERROR_CODE_CONFLICT: created token 7 before the server restarted; token_id 7"},
		{"after a lost answer", true, 409, contract, KindConflict, 7, "; token_id 7 (after 2 attempts)"},
		{"behind a guard", false, 409, ")]}',\n" + contract, KindConflict, 7, "token_id 7"},
		{"no token_id", false, 409, `{"code":"ERROR_CODE_CONFLICT","message":"busy"}`, KindConflict, 0, "409 ERROR_CODE_CONFLICT: busy"},
		{"no token_id after a lost answer", true, 409, `{"code":"ERROR_CODE_CONFLICT","message":"busy"}`, KindOutcomeUnknown, 0, "busy"},
		{"token_id as a string", false, 409, `{"code":"ERROR_CODE_CONFLICT","message":"m","token_id":"7"}`, KindConflict, 0, "409 ERROR_CODE_CONFLICT: m"},
		{"token_id zero", false, 409, `{"code":"ERROR_CODE_CONFLICT","message":"m","token_id":0}`, KindConflict, 0, "m"},
		{"another code", false, 409, `{"code":"ERROR_FATAL","message":"m","token_id":7}`, KindConflict, 0, "409 ERROR_FATAL: m"},
		{"token_id on a 400", false, 400, `{"code":"ERROR_CODE_CONFLICT","message":"m","token_id":7}`, KindInvalidInput, 0, "400"},
		{"a proxy's 409", false, 409, `<html>Conflict</html>`, KindConflict, 0, "not a Xano JSON error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tt.dropFirst && n == 1 {
					hangUp(t, w)
					return
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := fastClient(t, f.srv.URL)
			_, err := c.CreateTokenWithKey(t.Context(), "main", CreateTokenRequest{Name: "x"}, "key-1")
			if got := KindOf(err); got != tt.wantKind {
				t.Errorf("KindOf(%v) = %s, want %s", err, got, tt.wantKind)
			}
			id, ok := ConflictTokenID(err)
			if id != tt.wantID || ok != (tt.wantID != 0) {
				t.Errorf("ConflictTokenID = %d, %v; want %d", id, ok, tt.wantID)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not say %q", err, tt.wantText)
			}
			if n := len(f.requests()); n != 1+btoi(tt.dropFirst) {
				t.Errorf("%d requests: a 409 is not retried", n)
			}
		})
	}
}

func TestConflictTokenIDOfBuiltErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int64
	}{
		{"nil", nil, 0},
		{"foreign", errors.New("409 token_id 7"), 0},
		{"404 with an id", &APIError{StatusCode: 404, Code: CodeConflict, TokenID: 7}, 0},
		{"409", &APIError{StatusCode: 409, Code: CodeConflict, TokenID: 7}, 7},
		{"409 after an uncertain attempt", &APIError{StatusCode: 409, Code: CodeConflict, TokenID: 7, Uncertain: true, Method: "POST"}, 7},
	}
	for _, tt := range tests {
		if id, ok := ConflictTokenID(tt.err); id != tt.want || ok != (tt.want != 0) {
			t.Errorf("%s: ConflictTokenID = %d, %v; want %d", tt.name, id, ok, tt.want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
