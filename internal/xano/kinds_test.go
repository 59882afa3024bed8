package xano

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// kindOps are the calls of the client, one per method and retry rule.
var kindOps = map[string]func(*Client, context.Context) error{
	"get": func(c *Client, ctx context.Context) error { _, err := c.GetToken(ctx, "main", 1); return err },
	"create": func(c *Client, ctx context.Context) error {
		_, err := c.CreateTokenWithKey(ctx, "main", CreateTokenRequest{Name: "x"}, "key-1")
		return err
	},
	"update": func(c *Client, ctx context.Context) error {
		name := "n"
		_, err := c.UpdateToken(ctx, "main", 1, UpdateTokenRequest{Name: &name})
		return err
	},
	"delete": func(c *Client, ctx context.Context) error { return c.DeleteToken(ctx, "main", 1) },
}

// answer is one scripted answer: a status with a body, or (status 0) a
// dropped connection.
type answer struct {
	status int
	body   string
}

func xanoBody(code, msg string) string { return fmt.Sprintf(`{"code":%q,"message":%q}`, code, msg) }

// TestKindOfAnswers classifies what the client built from every kind of
// answer, for every method: the kind follows the status, except that a
// write which may have been processed is OutcomeUnknown.
func TestKindOfAnswers(t *testing.T) {
	t.Parallel()
	fatal := answer{500, xanoBody(CodeFatal, "broke")}
	conflict := answer{409, `{"code":"ERROR_CODE_CONFLICT","message":"created token 7 before the server restarted","token_id":7}`}
	tests := []struct {
		name   string
		op     string
		script []answer
		want   Kind
	}{
		{"get 400", "get", []answer{{400, xanoBody(CodeInputError, "bad")}}, KindInvalidInput},
		{"create 400", "create", []answer{{400, xanoBody(CodeInputError, "name is required")}}, KindInvalidInput},
		{"create 400 limit", "create", []answer{{400, xanoBody(CodeInputError, LimitMessage)}}, KindLimitReached},
		{"create 400 limit without a code", "create", []answer{{400, `{"message":"too many active tokens"}`}}, KindLimitReached},
		{"create 422", "create", []answer{{422, ""}}, KindInvalidInput},
		{"get 405", "get", []answer{{405, ""}}, KindInvalidInput},
		{"get 401", "get", []answer{{401, xanoBody(CodeUnauthorized, "no")}}, KindUnauthorized},
		{"delete 401", "delete", []answer{{401, ""}}, KindUnauthorized},
		{"get 403", "get", []answer{{403, xanoBody(CodeAccessDenied, "no")}}, KindForbidden},
		{"update 403", "update", []answer{{403, ""}}, KindForbidden},
		{"get 404", "get", []answer{{404, xanoBody(CodeNotFound, "gone")}}, KindNotFound},
		{"get 404 from a proxy", "get", []answer{{404, "<html>Not Found</html>"}}, KindNotFound},
		{"delete 404", "delete", []answer{{404, xanoBody(CodeNotFound, "gone")}}, KindNotFound},
		{"create 409 naming the token", "create", []answer{conflict}, KindConflict},
		{"create 409 without a token", "create", []answer{{409, xanoBody(CodeConflict, "busy")}}, KindConflict},
		{"get 429", "get", []answer{{429, xanoBody(CodeTooManyRequests, "slow")}}, KindRateLimited},
		{"create 429", "create", []answer{{429, ""}}, KindRateLimited},
		{"delete 429", "delete", []answer{{429, ""}}, KindRateLimited},
		{"get 500", "get", []answer{fatal}, KindServerError},
		{"get 501", "get", []answer{{501, ""}}, KindServerError},
		{"get 502", "get", []answer{{502, "<html>bad gateway</html>"}}, KindServerError},
		{"get 503", "get", []answer{{503, ""}}, KindServerError},
		{"create 500", "create", []answer{fatal}, KindOutcomeUnknown},
		{"create 502", "create", []answer{{502, ""}}, KindOutcomeUnknown},
		{"create 503", "create", []answer{{503, ""}}, KindServerError},
		{"update 500", "update", []answer{fatal}, KindOutcomeUnknown},
		{"update 503", "update", []answer{{503, ""}}, KindServerError},
		{"delete 500", "delete", []answer{fatal}, KindOutcomeUnknown},
		{"delete 503", "delete", []answer{{503, ""}}, KindServerError},
		{"get dropped", "get", []answer{{0, ""}}, KindUnreachable},
		{"create dropped", "create", []answer{{0, ""}}, KindOutcomeUnknown},
		{"update dropped", "update", []answer{{0, ""}}, KindOutcomeUnknown},
		{"delete dropped", "delete", []answer{{0, ""}}, KindOutcomeUnknown},
		{"create dropped, then 400", "create", []answer{{0, ""}, {400, xanoBody(CodeInputError, "bad")}}, KindOutcomeUnknown},
		{"create dropped, then 429", "create", []answer{{0, ""}, {429, ""}}, KindOutcomeUnknown},
		{"create dropped, then the limit", "create", []answer{{0, ""}, {400, xanoBody(CodeInputError, LimitMessage)}}, KindOutcomeUnknown},
		{"create dropped, then 409 naming the token", "create", []answer{{0, ""}, conflict}, KindConflict},
		{"create dropped, then 409 naming none", "create", []answer{{0, ""}, {409, xanoBody(CodeConflict, "busy")}}, KindOutcomeUnknown},
		{"delete dropped, then 404", "delete", []answer{{0, ""}, {404, xanoBody(CodeNotFound, "gone")}}, KindNotFound},
		{"delete dropped, then 403", "delete", []answer{{0, ""}, {403, ""}}, KindOutcomeUnknown},
		{"get 200 truncated", "get", []answer{{200, `{"id":1,`}}, KindServerError},
		{"create 200 without a secret", "create", []answer{{200, `{"id":1,"name":"x"}`}}, KindServerError},
		{"get 304", "get", []answer{{304, ""}}, KindServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				a := tt.script[min(n, len(tt.script))-1]
				if a.status == 0 {
					hangUp(t, w)
					return
				}
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			})
			c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.MaxRetries = len(tt.script) - 1 })
			err := kindOps[tt.op](c, t.Context())
			if got := KindOf(err); got != tt.want {
				t.Errorf("KindOf(%v) = %s, want %s", err, got, tt.want)
			}
			// A 429 or 503 to a keyed create or a DELETE may be waited out
			// beyond max_retries, repeating the script's last answer.
			if n := len(f.requests()); n < len(tt.script) {
				t.Errorf("%d requests, want at least %d", n, len(tt.script))
			}
		})
	}
}

// TestKindOfTransport classifies calls that got no answer: nothing sent,
// timed out, cancelled.
func TestKindOfTransport(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	hang := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	tests := []struct {
		name, op, baseURL string
		timeout           time.Duration
		cancelFirst       bool
		want              Kind
	}{
		{"get refused", "get", closed, 0, false, KindUnreachable},
		{"create refused", "create", closed, 0, false, KindUnreachable},
		{"delete refused", "delete", closed, 0, false, KindUnreachable},
		{"get timed out", "get", hang.srv.URL, 20 * time.Millisecond, false, KindUnreachable},
		{"create timed out", "create", hang.srv.URL, 20 * time.Millisecond, false, KindOutcomeUnknown},
		{"delete timed out", "delete", hang.srv.URL, 20 * time.Millisecond, false, KindOutcomeUnknown},
		{"create cancelled before the call", "create", hang.srv.URL, 0, true, KindUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := fastClient(t, tt.baseURL, func(c *TestConfig) { c.MaxRetries = 0; c.RequestTimeout = tt.timeout })
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancelFirst {
				cancel()
			}
			err := kindOps[tt.op](c, ctx)
			if got := KindOf(err); got != tt.want {
				t.Errorf("KindOf(%v) = %s, want %s", err, got, tt.want)
			}
		})
	}
}

// TestKindOfBuiltErrors classifies errors as a caller or a test builds them,
// wrapped or not, and the errors of other packages.
func TestKindOfBuiltErrors(t *testing.T) {
	t.Parallel()
	notFound := &APIError{StatusCode: 404, Code: CodeNotFound, Method: "GET", Path: "/instance/main/token/7"}
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, KindUnknown},
		{"foreign", errors.New("404"), KindUnknown},
		{"404", &APIError{StatusCode: 404}, KindNotFound},
		{"wrapped 404", fmt.Errorf("reading: %w", &APIError{StatusCode: 404}), KindNotFound},
		{"401", &APIError{StatusCode: 401}, KindUnauthorized},
		{"403", &APIError{StatusCode: 403}, KindForbidden},
		{"429", &APIError{StatusCode: 429}, KindRateLimited},
		{"409", &APIError{StatusCode: 409, Code: CodeConflict, TokenID: 7}, KindConflict},
		{"400", &APIError{StatusCode: 400, Code: CodeInputError, Message: "name is required"}, KindInvalidInput},
		{"limit", &APIError{StatusCode: 400, Code: CodeInputError, Message: LimitMessage}, KindLimitReached},
		{"active tokens on a 500 is not the limit", &APIError{StatusCode: 500, Message: "active tokens"}, KindServerError},
		{"uncertain 500", &APIError{StatusCode: 500, Method: "POST", Uncertain: true}, KindOutcomeUnknown},
		{"transport", &TransportError{Message: "EOF"}, KindUnreachable},
		{"uncertain transport", &TransportError{Method: "POST", Uncertain: true}, KindOutcomeUnknown},
		{"cancelled", &TransportError{Cancelled: true, cause: context.Canceled}, KindUnreachable},
		{"bare cancellation", context.Canceled, KindUnreachable},
		{"bare deadline", fmt.Errorf("waiting: %w", context.DeadlineExceeded), KindUnreachable},
		{"decode", &DecodeError{Method: "GET", StatusCode: 200}, KindServerError},
		{"request", &RequestError{Op: "listing tokens", Reason: "the instance name is empty"}, KindInvalidInput},
		{"unconfirmed: not Xano", &UnconfirmedGoneError{Err: notFound, NotXano: true}, KindServerError},
		{"unconfirmed: still listed", &UnconfirmedGoneError{Err: notFound, StillListed: true}, KindServerError},
		{"unconfirmed: list refused", &UnconfirmedGoneError{Err: notFound, ListErr: &APIError{StatusCode: 401}}, KindUnauthorized},
		{"unconfirmed: list unreachable", &UnconfirmedGoneError{Err: notFound, ListErr: &TransportError{NothingSent: true}}, KindUnreachable},
		{"unconfirmed: list 404", &UnconfirmedGoneError{Err: notFound, ListErr: &APIError{StatusCode: 404}}, KindServerError},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestPredicatesFollowKindOf checks the older predicates against KindOf, so
// a caller switching from one to the other sees no change.
func TestPredicatesFollowKindOf(t *testing.T) {
	t.Parallel()
	errs := []error{
		nil, errors.New("x"), &APIError{StatusCode: 404}, &APIError{StatusCode: 401}, &APIError{StatusCode: 403},
		&APIError{StatusCode: 429}, &APIError{StatusCode: 400, Message: LimitMessage}, &APIError{StatusCode: 429, Method: "POST", Uncertain: true},
		&TransportError{NothingSent: true}, &TransportError{}, &TransportError{Uncertain: true},
		&UnconfirmedGoneError{Err: &APIError{StatusCode: 404}, NotXano: true},
	}
	preds := []struct {
		name string
		fn   func(error) bool
		kind Kind
	}{
		{"IsNotFound", IsNotFound, KindNotFound},
		{"IsUnauthorized", IsUnauthorized, KindUnauthorized},
		{"IsForbidden", IsForbidden, KindForbidden},
		{"IsRateLimited", IsRateLimited, KindRateLimited},
		{"IsLimitReached", IsLimitReached, KindLimitReached},
		{"MayHaveCommitted", MayHaveCommitted, KindOutcomeUnknown},
	}
	for _, err := range errs {
		for _, p := range preds {
			if got, want := p.fn(err), KindOf(err) == p.kind; got != want {
				t.Errorf("%s(%#v) = %v, want %v", p.name, err, got, want)
			}
		}
		var te *TransportError
		if got, want := NothingSent(err), errors.As(err, &te) && te.NothingSent && KindOf(err) == KindUnreachable; got != want {
			t.Errorf("NothingSent(%#v) = %v, want %v", err, got, want)
		}
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	seen := map[string]Kind{}
	for k := KindUnknown; k <= KindNoTokenAPI; k++ {
		s := k.String()
		if s == "" || s != strings.ToLower(s) {
			t.Errorf("Kind(%d).String() = %q, want a lower-case name", int(k), s)
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("kinds %d and %d are both %q", int(prev), int(k), s)
		}
		seen[s] = k
	}
	if s := Kind(-1).String(); s != "unknown" {
		t.Errorf("Kind(-1).String() = %q", s)
	}
	if s := (KindNoTokenAPI + 1).String(); s != "unknown" {
		t.Errorf("an undefined kind is %q, want unknown", s)
	}
}
