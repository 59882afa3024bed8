package xano

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzAccessToken is the client's access token in FuzzDecodeResponse; the
// seeds echo it in bodies so the fuzzer starts from leaks worth trying.
const fuzzAccessToken = "fz-ACCESS-7c41e9"

// bodyTransport answers every request with one status and body, without a
// network, so the fuzzer exercises the client's decoding only.
type bodyTransport struct {
	status int
	header http.Header
	body   []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: b.status,
		Status:     http.StatusText(b.status),
		Header:     b.header.Clone(),
		Body:       io.NopCloser(bytes.NewReader(b.body)),
		Request:    r,
	}, nil
}

// fuzzOps are the client calls whose responses FuzzDecodeResponse feeds.
var fuzzOps = []string{"me", "list", "create", "get", "update", "delete"}

// FuzzDecodeResponse feeds arbitrary statuses and bodies to every call of the
// client: token JSON, token pages, account JSON and error bodies. The client
// must never panic or loop, must return the typed error of the status class,
// and its errors must stay one readable line that never carries the access
// token or a secret from a create response it could not use.
func FuzzDecodeResponse(f *testing.F) {
	tok := `{"id":42,"name":"weweb","description":"d","created_at":"2026-11-22 11:31:20+0000","expires_at":null,"last_used_at":null,"scopes":{"workspace:api":["read"]}`
	for _, seed := range []struct {
		op     uint8
		status uint16
		body   string
	}{
		{0, 200, `{"id":1,"name":"Admin","email":"a@example.com"}`},
		{1, 200, `{"items":[` + tok + `}],"curPage":1,"nextPage":null,"prevPage":null}`},
		{1, 200, `{"items":[],"curPage":1,"nextPage":1}`},
		{1, 200, `{"items":[` + tok + `}],"nextPage":2}`},
		{1, 200, `{"items":[{"id":0}]}`},
		{2, 200, tok + `,"token":"xano_mt_secret-value-1234"}`},
		{2, 200, tok + `,"token":"xano_mt_cut-off`},
		{2, 200, `{"id":"42","TOKEN":"xano_mt_case-variant-secret"}`},
		{2, 200, `{"id":"42","to\u212Aen":"xano_mt_kelvin-sign-secret"}`},
		{2, 200, `{"id":42,"token":""}`},
		{3, 200, tok + `}`},
		{3, 200, `{"id":43}`},
		{3, 200, `null`},
		{3, 200, ``},
		{3, 200, `<html><body>Welcome to nginx</body></html>`},
		{3, 200, `{"id":42,"created_at":12345}`},
		{3, 200, `[1,2,3]`},
		{4, 200, tok + `}`},
		{5, 200, `{}`},
		{5, 204, ``},
		{3, 400, `{"code":"ERROR_CODE_INPUT_ERROR","message":"bad input"}`},
		{3, 401, `{"code":"ERROR_CODE_UNAUTHORIZED","message":"invalid token ` + fuzzAccessToken + `"}`},
		{3, 403, `{"code":"ERROR_CODE_ACCESS_DENIED","message":"denied"}`},
		{3, 404, `{"code":"ERROR_CODE_NOT_FOUND","message":"Not found."}`},
		{3, 429, `{"code":"ERROR_CODE_TOO_MANY_REQUESTS","message":"slow down"}`},
		{3, 500, `{"code":"ERROR_FATAL","message":"line one\nline two\u0000"}`},
		{3, 502, `<html>Bad gateway for Authorization: Bearer ` + fuzzAccessToken + `</html>`},
		{3, 500, "fz-ACCESS-\x017c41e9 echoed with a control character inside"},
		{3, 500, "fz-ACCESS-\n7c41e9"},
		{3, 503, "\xff\xfe not UTF-8"},
		{3, 400, `{"code":123,"message":["wrong","types"]}`},
		{3, 400, `{"code":"","message":""}`},
	} {
		f.Add(seed.op, seed.status, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, op uint8, status uint16, body []byte) {
		code := int(status)
		if code < 200 || code > 599 {
			code = 200 + code%400
		}
		c, err := NewForTest(TestConfig{
			Config: Config{BaseURL: "http://127.0.0.1:1/api:meta", AccessToken: fuzzAccessToken, MaxRetries: 0},
			// A create still waits out 429s and 503s beyond MaxRetries; the
			// waits must cost nothing here.
			RetryWaitMin: time.Nanosecond,
			RetryWaitMax: time.Nanosecond,
			MaxRetryWait: time.Nanosecond,
			HTTPClient: &http.Client{Transport: bodyTransport{
				status: code,
				header: http.Header{"Content-Type": {"application/json"}},
				body:   body,
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var (
			callErr error
			secret  string
		)
		switch name := fuzzOps[int(op)%len(fuzzOps)]; name {
		case "me":
			var me *Me
			me, callErr = c.Me(ctx)
			if callErr == nil && me == nil {
				t.Fatal("Me returned neither an account nor an error")
			}
		case "list":
			var toks []Token
			toks, callErr = c.ListTokens(ctx, "main")
			for _, tk := range toks {
				if tk.ID <= 0 {
					t.Fatalf("ListTokens returned a token with id %d", tk.ID)
				}
			}
		case "create":
			var tk *Token
			tk, callErr = c.CreateToken(ctx, "main", CreateTokenRequest{Name: "n", ExpiresIn: 3600})
			if callErr == nil {
				if tk == nil || tk.ID <= 0 || tk.Secret == "" {
					t.Fatalf("CreateToken succeeded with %+v", tk)
				}
				if strings.Contains(c.Redact("x "+tk.Secret+" y"), tk.Secret) {
					t.Fatal("the client does not redact the secret it just learned")
				}
			}
			// What the client would have learned as the secret had the body
			// fitted the contract, decoded with the same key matching.
			var only struct {
				Secret string `json:"token"`
			}
			if json.Unmarshal(body, &only) == nil {
				secret = only.Secret
			}
		case "get":
			var tk *Token
			tk, callErr = c.GetToken(ctx, "main", 42)
			if callErr == nil && (tk == nil || tk.ID != 42) {
				t.Fatalf("GetToken(42) returned %+v", tk)
			}
		case "update":
			name := "renamed"
			var tk *Token
			tk, callErr = c.UpdateToken(ctx, "main", 42, UpdateTokenRequest{Name: &name})
			if callErr == nil && (tk == nil || tk.ID != 42) {
				t.Fatalf("UpdateToken(42) returned %+v", tk)
			}
		case "delete":
			callErr = c.DeleteToken(ctx, "main", 42)
		}
		if callErr == nil {
			if code > 299 {
				t.Fatalf("status %d was taken for success", code)
			}
			return
		}

		msg := callErr.Error()
		if strings.Contains(msg, fuzzAccessToken) {
			t.Fatalf("error shows the access token: %s", msg)
		}
		if strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("error spans several lines: %q", msg)
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
		var apiErr *APIError
		var decErr *DecodeError
		switch {
		case code > 299:
			if !errors.As(callErr, &apiErr) || apiErr.StatusCode != code {
				t.Fatalf("status %d gave %T %v, want an *APIError with that status", code, callErr, callErr)
			}
		case errors.As(callErr, &decErr):
			if len(secret) >= 4 && strings.Contains(decErr.Excerpt, secret) {
				t.Fatalf("the excerpt of an unusable create response shows its secret %q: %s", secret, msg)
			}
		default:
			t.Fatalf("status %d gave %T %v, want a *DecodeError", code, callErr, callErr)
		}
	})
}
