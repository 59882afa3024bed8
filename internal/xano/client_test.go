package xano

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const testToken = "tok-S3CR3T-access-value-123"

// recorded is one request a fake server received.
type recorded struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// fake is an httptest server whose handler gets the 1-based request number.
type fake struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		n := len(f.reqs)
		f.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// fastConfig returns a config with waits of a millisecond so retries cost
// no wall time worth measuring.
func fastConfig(baseURL string) TestConfig {
	return TestConfig{
		Config:       Config{BaseURL: baseURL, AccessToken: testToken, Version: "1.2.3", MaxRetries: 3},
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
		MaxRetryWait: 5 * time.Millisecond,
		Rand:         func() float64 { return 0 },
	}
}

func fastClient(t *testing.T, baseURL string, mods ...func(*TestConfig)) *Client {
	t.Helper()
	cfg := fastConfig(baseURL)
	for _, m := range mods {
		m(&cfg)
	}
	c, err := NewForTest(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Code: code, Message: msg})
}

func sampleToken(id int64) Token {
	return Token{ID: id, Name: "t" + strconv.FormatInt(id, 10), CreatedAt: "2026-11-22 11:31:20+0000",
		Scopes: map[string][]string{"workspace:api": {"read"}}}
}

// hangUp closes the connection without answering, as a proxy dropping it.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"ok", Config{BaseURL: "https://app.xano.com/api:meta", AccessToken: "x"}, ""},
		{"trailing slash", Config{BaseURL: "http://127.0.0.1:8080/api:meta/", AccessToken: "x"}, ""},
		{"empty base", Config{AccessToken: "x"}, "base URL is empty"},
		{"relative", Config{BaseURL: "/api:meta", AccessToken: "x"}, "not an absolute http or https URL"},
		{"ftp", Config{BaseURL: "ftp://example.com", AccessToken: "x"}, "not an absolute http or https URL"},
		{"no host", Config{BaseURL: "https://", AccessToken: "x"}, "not an absolute http or https URL"},
		{"unparsable", Config{BaseURL: "http://[::1", AccessToken: "x"}, "does not parse"},
		{"credentials in URL", Config{BaseURL: "https://u:pw@example.com", AccessToken: "x"}, "carries credentials"},
		{"query", Config{BaseURL: "https://example.com/?a=b", AccessToken: "x"}, "query or fragment"},
		{"empty token", Config{BaseURL: "https://example.com"}, "access token is empty"},
		{"blank token", Config{BaseURL: "https://example.com", AccessToken: "  "}, "access token is empty"},
		{"token with newline", Config{BaseURL: "https://example.com", AccessToken: testToken + "\n"}, "control character"},
		{"negative retries", Config{BaseURL: "https://example.com", AccessToken: "x", MaxRetries: -1}, "max_retries is -1"},
		{"negative timeout", Config{BaseURL: "https://example.com", AccessToken: "x", RequestTimeout: -time.Second}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if strings.HasSuffix(c.baseURL, "/") {
					t.Errorf("baseURL %q keeps its trailing slash", c.baseURL)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestNewValidatesTuning(t *testing.T) {
	t.Parallel()
	base := Config{BaseURL: "https://example.com", AccessToken: "x"}
	for _, tt := range []struct {
		cfg  TestConfig
		want string
	}{
		{TestConfig{Config: base, PageSize: -1}, "page size is negative"},
		{TestConfig{Config: base, RetryWaitMin: -time.Second}, "minimum retry wait is negative"},
		{TestConfig{Config: base, MaxRetryWait: -time.Second}, "Retry-After cap is negative"},
	} {
		if _, err := NewForTest(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewForTest(%+v) error = %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	base := &http.Client{Timeout: time.Hour}
	c, err := NewForTest(TestConfig{Config: Config{BaseURL: "https://example.com/api:meta/", AccessToken: "x"}, HTTPClient: base})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "https://example.com/api:meta" || c.requestTimeout != DefaultRequestTimeout ||
		c.retryWaitMin != defaultRetryWaitMin || c.retryWaitMax != defaultRetryWaitMax ||
		c.maxRetryWait != defaultMaxRetryWait || c.pageSize != defaultPageSize || c.maxRetries != 0 ||
		c.userAgent != "terraform-provider-xano/dev" {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.httpClient == base || c.httpClient.Timeout != DefaultRequestTimeout || base.Timeout != time.Hour {
		t.Errorf("the base client must be copied with the per-attempt timeout, leaving the original alone")
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, Me{ID: 1, Name: "Ada", Email: "ada@example.com"})
		default:
			tok := sampleToken(5)
			tok.Secret = "minted-secret-5"
			writeJSON(w, 200, tok)
		}
	})
	for _, version := range []string{"1.2.3", ""} {
		c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.Version = version })
		me, err := c.Me(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if me.Email != "ada@example.com" {
			t.Errorf("Me = %+v", me)
		}
		if _, err := c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x", ExpiresIn: 3600}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := f.requests()
	if len(reqs) != 4 {
		t.Fatalf("got %d requests, want 4", len(reqs))
	}
	uuidRe := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for i, r := range reqs {
		wantUA := "terraform-provider-xano/1.2.3"
		if i >= 2 {
			wantUA = "terraform-provider-xano/dev"
		}
		if got := r.Header.Get("User-Agent"); got != wantUA {
			t.Errorf("request %d User-Agent = %q, want %q", i, got, wantUA)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %d Accept = %q", i, got)
		}
		isPost := r.Method == http.MethodPost
		if got := r.Header.Get("Content-Type"); (got == "application/json") != isPost {
			t.Errorf("request %d (%s) Content-Type = %q", i, r.Method, got)
		}
		if key := r.Header.Get(HeaderIdempotency); isPost != uuidRe.MatchString(key) {
			t.Errorf("request %d (%s) Idempotency-Key = %q", i, r.Method, key)
		}
	}
	if reqs[1].Path != "/instance/main/token" || reqs[0].Path != "/auth/me" {
		t.Errorf("paths: %q %q", reqs[0].Path, reqs[1].Path)
	}
	var body CreateTokenRequest
	if err := json.Unmarshal([]byte(reqs[1].Body), &body); err != nil || body.Name != "x" || body.ExpiresIn != 3600 {
		t.Errorf("create body = %s (%v)", reqs[1].Body, err)
	}
	if reqs[1].Header.Get(HeaderIdempotency) == reqs[3].Header.Get(HeaderIdempotency) {
		t.Error("two logical creates share an idempotency key")
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.URL.RawPath != "" && r.URL.RawPath != "/instance/my%20inst/token/7":
			writeError(w, 400, CodeInputError, "bad escaping "+r.URL.RawPath)
		case r.Method == http.MethodGet && r.URL.Path == "/instance/my inst/token/7":
			writeJSON(w, 200, sampleToken(7))
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token/7"):
			tok := sampleToken(7)
			tok.Name = "renamed"
			writeJSON(w, 200, tok)
		case r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/token/7"):
			writeJSON(w, 200, map[string]any{})
		case r.Method == http.MethodDelete:
			writeError(w, 404, CodeNotFound, "token not found")
		default:
			writeError(w, 500, CodeFatal, "unexpected "+r.Method+" "+r.URL.Path)
		}
	})
	c := fastClient(t, f.srv.URL)
	ctx := t.Context()
	tok, err := c.GetToken(ctx, "my inst", 7)
	if err != nil || tok.ID != 7 || tok.Scopes["workspace:api"][0] != "read" {
		t.Fatalf("GetToken = %+v, %v", tok, err)
	}
	name, desc := "renamed", ""
	tok, err = c.UpdateToken(ctx, "my inst", 7, UpdateTokenRequest{Name: &name, Description: &desc})
	if err != nil || tok.Name != "renamed" {
		t.Fatalf("UpdateToken = %+v, %v", tok, err)
	}
	if err := c.DeleteToken(ctx, "my inst", 7); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if err := c.DeleteToken(ctx, "my inst", 8); !IsNotFound(err) {
		t.Fatalf("DeleteToken(8) = %v, want not found", err)
	}
	reqs := f.requests()
	if got := reqs[1].Body; got != `{"name":"renamed","description":""}` {
		t.Errorf("update body = %s", got)
	}
	if reqs[1].Header.Get(HeaderIdempotency) != "" {
		t.Error("update sent an idempotency key")
	}
	for _, fn := range []func() error{
		func() error { _, err := c.ListTokens(ctx, ""); return err },
		func() error { _, err := c.GetToken(ctx, " ", 1); return err },
		func() error { return c.DeleteToken(ctx, "", 1) },
		func() error { _, err := c.CreateTokenWithKey(ctx, "main", CreateTokenRequest{}, ""); return err },
	} {
		if err := fn(); err == nil {
			t.Error("expected a validation error")
		}
	}
	if got := len(f.requests()); got != 4 {
		t.Errorf("validation errors sent requests: %d requests", got)
	}
}

func TestDecodeErrorsOn2xx(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		reason string
	}{
		{"truncated", `{"id": 4, "name": "we`, "unexpected end of JSON input"},
		{"empty", ``, "unexpected end of JSON input"},
		{"null", `null`, "empty or null"},
		{"wrong type", `{"id": "four", "name": "x"}`, "cannot unmarshal string"},
		{"scopes wrong type", `{"id": 4, "scopes": ["workspace:api"]}`, "cannot unmarshal array"},
		{"no id", `{"name": "x"}`, "no valid id"},
		{"html", `<!DOCTYPE html><html><body>Login</body></html>`, "invalid character"},
		{"trailing garbage", `{"id": 4} {"id": 5}`, "invalid character"},
		{"other token", `{"id": 5}`, "describes token 5, not 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(200)
				_, _ = io.WriteString(w, tt.body)
			})
			c := fastClient(t, f.srv.URL)
			_, err := c.GetToken(t.Context(), "main", 4)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("GetToken error = %v, want *DecodeError", err)
			}
			msg := err.Error()
			assertPlain(t, err)
			for _, want := range []string{"GET /instance/main/token/4", "the API answered 200 with a body that is not a valid token", tt.reason} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			if len(f.requests()) != 1 {
				t.Errorf("a 200 was retried")
			}
		})
	}
}

func TestNon2xxBodies(t *testing.T) {
	t.Parallel()
	long := "<html>" + strings.Repeat("é", 300) + "</html>"
	tests := []struct {
		name         string
		status       int
		body         string
		want         []string
		wantCode     string
		wantExcerpt  string
		excerptLimit bool
	}{
		{"html 502", 502, "<html>\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>",
			[]string{"GET /auth/me: 502 Bad Gateway, and the body is not a Xano JSON error", "<head><title>502 Bad Gateway"},
			"", "<html> <head><title>502 Bad Gateway</title></head>  <body>nginx</body></html>", false},
		{"empty 500", 500, "", []string{"500 Internal Server Error with an empty body"}, "", "", false},
		{"json error", 400, `{"code":"ERROR_CODE_INPUT_ERROR","message":"name must be set"}`,
			[]string{"GET /auth/me: 400 ERROR_CODE_INPUT_ERROR: name must be set"}, CodeInputError, "", false},
		{"json other shape", 404, `{"error":"nope"}`, []string{`404 Not Found, and the body is not a Xano JSON error: "{\"error\":\"nope\"}"`}, "", `{"error":"nope"}`, false},
		{"control characters", 403, "{\"code\":\"ERROR_CODE_ACCESS_DENIED\",\"message\":\"no\\u0000 way\\nfake log line\"}",
			[]string{"403 ERROR_CODE_ACCESS_DENIED: no way fake log line"}, CodeAccessDenied, "", false},
		{"long body cut", 418, long, []string{"418 I'm a teapot"}, "", "", true},
		{"binary body", 400, "\x00\x01\x02\xff\xfeabc", []string{"400 Bad Request"}, "", "?abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.MaxRetries = 0 })
			_, err := c.Me(t.Context())
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.wantCode || ae.Attempts != 1 || ae.Method != "GET" || ae.Path != "/auth/me" {
				t.Errorf("APIError = %+v", ae)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.wantExcerpt != "" && ae.Excerpt != tt.wantExcerpt {
				t.Errorf("excerpt = %q, want %q", ae.Excerpt, tt.wantExcerpt)
			}
			if tt.excerptLimit && (len(ae.Excerpt) > maxExcerpt+len("…") || !strings.HasSuffix(ae.Excerpt, "…") || !strings.HasPrefix(ae.Excerpt, "<html>é")) {
				t.Errorf("excerpt not cut cleanly: %q (%d bytes)", ae.Excerpt, len(ae.Excerpt))
			}
			if strings.ContainsAny(err.Error(), "\n\r\x00") {
				t.Errorf("error has control characters: %q", err)
			}
			assertPlain(t, err)
		})
	}
}

// outcome is one scripted answer of a fake: a status, a dropped connection
// (status 0) or a success (200 with a token).
type outcome struct {
	status     int
	retryAfter string
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	name := "n"
	ops := map[string]func(*Client, context.Context) error{
		"get": func(c *Client, ctx context.Context) error { _, err := c.GetToken(ctx, "main", 1); return err },
		"list": func(c *Client, ctx context.Context) error {
			_, err := c.ListTokens(ctx, "main")
			return err
		},
		"create": func(c *Client, ctx context.Context) error {
			_, err := c.CreateToken(ctx, "main", CreateTokenRequest{Name: "x"})
			return err
		},
		"update": func(c *Client, ctx context.Context) error {
			_, err := c.UpdateToken(ctx, "main", 1, UpdateTokenRequest{Name: &name})
			return err
		},
		"delete": func(c *Client, ctx context.Context) error { return c.DeleteToken(ctx, "main", 1) },
	}
	tests := []struct {
		name       string
		op         string
		script     []outcome // then 200 forever
		wantReqs   int
		wantStatus int // 0 = success, -1 = transport error
	}{
		{"get 500 then ok", "get", []outcome{{500, ""}}, 2, 0},
		{"get 502 503 504 then ok", "get", []outcome{{502, ""}, {503, ""}, {504, ""}}, 4, 0},
		{"get 501 not retried", "get", []outcome{{501, ""}}, 1, 501},
		{"get 400 not retried", "get", []outcome{{400, ""}}, 1, 400},
		{"get 404 not retried", "get", []outcome{{404, ""}}, 1, 404},
		{"get 429 until retries run out", "get", []outcome{{429, "0"}, {429, "0"}, {429, "0"}, {429, "0"}}, 4, 429},
		{"get dropped then ok", "get", []outcome{{0, ""}}, 2, 0},
		{"get dropped four times", "get", []outcome{{0, ""}, {0, ""}, {0, ""}, {0, ""}}, 4, -1},
		{"list 500 then ok", "list", []outcome{{500, ""}}, 2, 0},
		{"create 500 then ok", "create", []outcome{{500, ""}}, 2, 0},
		{"create dropped then ok", "create", []outcome{{0, ""}}, 2, 0},
		{"create 501 not retried", "create", []outcome{{501, ""}}, 1, 501},
		{"update 500 not retried", "update", []outcome{{500, ""}}, 1, 500},
		{"update 502 not retried", "update", []outcome{{502, ""}}, 1, 502},
		{"update dropped not retried", "update", []outcome{{0, ""}}, 1, -1},
		{"update 503 retried", "update", []outcome{{503, ""}}, 2, 0},
		{"update 429 retried", "update", []outcome{{429, "0"}}, 2, 0},
		{"delete 500 then ok", "delete", []outcome{{500, ""}}, 2, 0},
		{"delete dropped then ok", "delete", []outcome{{0, ""}}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= len(tt.script) {
					o := tt.script[n-1]
					if o.status == 0 {
						hangUp(t, w)
						return
					}
					if o.retryAfter != "" {
						w.Header().Set("Retry-After", o.retryAfter)
					}
					writeError(w, o.status, "ERROR_CODE_SCRIPTED", fmt.Sprintf("scripted %d", o.status))
					return
				}
				switch {
				case r.Method == http.MethodDelete:
					writeJSON(w, 200, map[string]any{})
				case r.URL.Path == "/instance/main/token" && r.Method == http.MethodGet:
					writeJSON(w, 200, TokenPage{Items: []Token{sampleToken(1)}, CurPage: 1})
				default:
					tok := sampleToken(1)
					if r.URL.Path == "/instance/main/token" {
						tok.Secret = "minted-secret"
					}
					writeJSON(w, 200, tok)
				}
			})
			var waits []time.Duration
			c := fastClient(t, f.srv.URL, func(c *TestConfig) {
				c.OnRetry = func(_ int, wait time.Duration, _ *http.Response, _ error) { waits = append(waits, wait) }
			})
			err := ops[tt.op](c, t.Context())
			reqs := f.requests()
			if len(reqs) != tt.wantReqs {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantReqs)
			}
			if len(waits) != tt.wantReqs-1 {
				t.Errorf("OnRetry called %d times, want %d", len(waits), tt.wantReqs-1)
			}
			switch tt.wantStatus {
			case 0:
				if err != nil {
					t.Fatalf("error: %v", err)
				}
			case -1:
				var te *TransportError
				if !errors.As(err, &te) || te.Attempts != tt.wantReqs {
					t.Fatalf("error = %v, want a TransportError after %d attempts", err, tt.wantReqs)
				}
			default:
				var ae *APIError
				if !errors.As(err, &ae) || ae.StatusCode != tt.wantStatus || ae.Attempts != tt.wantReqs {
					t.Fatalf("error = %#v, want status %d after %d attempts", err, tt.wantStatus, tt.wantReqs)
				}
				if tt.wantReqs > 1 && !strings.Contains(err.Error(), fmt.Sprintf("(after %d attempts)", tt.wantReqs)) {
					t.Errorf("error %q does not say how many attempts ran", err)
				}
			}
			keys := map[string]bool{}
			for _, r := range reqs {
				keys[r.Header.Get(HeaderIdempotency)] = true
				if r.Body != reqs[0].Body {
					t.Errorf("retry body %q differs from the first %q", r.Body, reqs[0].Body)
				}
			}
			if len(keys) != 1 {
				t.Errorf("retries used %d different idempotency keys", len(keys))
			}
		})
	}
}

func TestRateLimitedError(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "1")
		writeError(w, 429, CodeTooManyRequests, "slow down")
	})
	var waits []time.Duration
	var attempts []int
	c := fastClient(t, f.srv.URL, func(c *TestConfig) {
		c.MaxRetries = 2
		c.MaxRetryWait = 3 * time.Millisecond
		c.OnRetry = func(a int, wait time.Duration, resp *http.Response, err error) {
			if resp == nil || resp.StatusCode != 429 || err != nil {
				t.Errorf("OnRetry got resp %v, err %v", resp, err)
			}
			attempts = append(attempts, a)
			waits = append(waits, wait)
		}
	})
	_, err := c.Me(t.Context())
	if !IsRateLimited(err) {
		t.Fatalf("error = %v, want rate limited", err)
	}
	if want := "GET /auth/me: 429 ERROR_CODE_TOO_MANY_REQUESTS: slow down; Retry-After 1s (after 3 attempts)"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if fmt.Sprint(attempts) != "[1 2]" || fmt.Sprint(waits) != "[3ms 3ms]" {
		t.Errorf("OnRetry attempts %v waits %v, want [1 2] and the capped Retry-After [3ms 3ms]", attempts, waits)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", at.Format(http.TimeFormat))
			writeError(w, 503, CodeFatal, "maintenance")
			return
		}
		writeJSON(w, 200, Me{ID: 1})
	})
	var waits []time.Duration
	c := fastClient(t, f.srv.URL, func(c *TestConfig) {
		c.MaxRetryWait = time.Minute
		c.Now = func() time.Time { return at.Add(-15 * time.Millisecond) }
		c.OnRetry = func(_ int, wait time.Duration, _ *http.Response, _ error) { waits = append(waits, wait) }
	})
	if _, err := c.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] != 15*time.Millisecond {
		t.Errorf("waits = %v, want [15ms] from the Retry-After date", waits)
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	t.Parallel()
	t.Run("during backoff", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeError(w, 503, CodeFatal, "down") })
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c := fastClient(t, f.srv.URL, func(c *TestConfig) {
			// A long wait that only the cancellation can cut short.
			c.RetryWaitMin, c.RetryWaitMax = time.Hour, time.Hour
			c.OnRetry = func(int, time.Duration, *http.Response, error) { cancel() }
		})
		_, err := c.GetToken(ctx, "main", 1)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		if !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("error %q does not say the request was cancelled", err)
		}
		if te := (*TransportError)(nil); !errors.As(err, &te) || !te.Cancelled || te.TimedOut || te.NothingSent {
			t.Errorf("error = %#v, want a TransportError cancelled after sending", err)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%d requests after cancellation, want 1", n)
		}
	})
	t.Run("during request", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			cancel()
			<-r.Context().Done()
		})
		c := fastClient(t, f.srv.URL)
		_, err := c.GetToken(ctx, "main", 1)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("before the call", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, Me{ID: 1}) })
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := fastClient(t, f.srv.URL).Me(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("%d requests, want 0", n)
		}
	})
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			<-r.Context().Done() // hangs until the client gives up on this attempt
			return
		}
		writeJSON(w, 200, Me{ID: 1})
	})
	var errs []error
	c := fastClient(t, f.srv.URL, func(c *TestConfig) {
		c.RequestTimeout = 50 * time.Millisecond
		c.OnRetry = func(_ int, _ time.Duration, _ *http.Response, err error) { errs = append(errs, err) }
	})
	if _, err := c.Me(t.Context()); err != nil {
		t.Fatalf("Me: %v", err)
	}
	if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), "Timeout") {
		t.Errorf("OnRetry errors = %v, want one timeout", errs)
	}
}

func TestConnectionRefusedRetriedEvenForPlainPost(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var retries int
	c := fastClient(t, "http://"+addr, func(c *TestConfig) {
		c.MaxRetries = 2
		c.OnRetry = func(int, time.Duration, *http.Response, error) { retries++ }
	})
	name := "x"
	_, err = c.UpdateToken(t.Context(), "main", 1, UpdateTokenRequest{Name: &name})
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 3 || retries != 2 {
		t.Fatalf("error = %v (retries %d), want a TransportError after 3 attempts", err, retries)
	}
	if !strings.Contains(err.Error(), "could not reach the Xano API") || !strings.Contains(err.Error(), "(after 3 attempts)") {
		t.Errorf("unclear error: %v", err)
	}
}

func TestListTokensPagination(t *testing.T) {
	t.Parallel()
	intp := func(i int) *int { return &i }
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		switch page {
		case 1:
			writeJSON(w, 200, TokenPage{Items: []Token{sampleToken(1), sampleToken(2)}, CurPage: 1, NextPage: intp(2)})
		case 2:
			writeJSON(w, 200, TokenPage{Items: []Token{sampleToken(3), sampleToken(4)}, CurPage: 2, NextPage: intp(3), PrevPage: intp(1)})
		case 3:
			writeJSON(w, 200, TokenPage{Items: []Token{sampleToken(5)}, CurPage: 3, PrevPage: intp(2)})
		default:
			writeError(w, 400, CodeInputError, "bad page")
		}
	})
	c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.PageSize = 2 })
	toks, err := c.ListTokens(t.Context(), "main")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, tk := range toks {
		ids = append(ids, tk.ID)
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5]" {
		t.Errorf("ids = %v", ids)
	}
	var queries []string
	for _, r := range f.requests() {
		queries = append(queries, r.Query)
	}
	if fmt.Sprint(queries) != "[page=1&per_page=2 page=2&per_page=2 page=3&per_page=2]" {
		t.Errorf("queries = %v", queries)
	}
}

func TestListTokensBadPages(t *testing.T) {
	t.Parallel()
	intp := func(i int) *int { return &i }
	tests := []struct {
		name string
		page func(n int) any
		want string
	}{
		{"loop", func(n int) any { return TokenPage{Items: []Token{sampleToken(int64(n))}, NextPage: intp(1)} }, "points back to a page already read"},
		{"zero next", func(n int) any { return TokenPage{NextPage: intp(0)} }, "points back"},
		{"item without id", func(n int) any { return TokenPage{Items: []Token{{Name: "x"}}} }, "item 0 has no valid id"},
		{"items wrong type", func(n int) any { return map[string]any{"items": "none"} }, "cannot unmarshal string"},
		{"null", func(n int) any { return nil }, "empty or null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, tt.page(n)) })
			_, err := fastClient(t, f.srv.URL).ListTokens(t.Context(), "main")
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "page of tokens") {
				t.Fatalf("error = %v, want a DecodeError containing %q", err, tt.want)
			}
		})
	}
}

func TestCreateRequiresSecret(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, sampleToken(3)) })
	_, err := fastClient(t, f.srv.URL).CreateTokenWithKey(t.Context(), "main", CreateTokenRequest{Name: "x"}, "key-1")
	if err == nil || !strings.Contains(err.Error(), `carries no "token" secret`) {
		t.Fatalf("error = %v", err)
	}
	if got := f.requests()[0].Header.Get(HeaderIdempotency); got != "key-1" {
		t.Errorf("Idempotency-Key = %q, want the caller's key-1", got)
	}
}

// captureLogger records every log line.
type captureLogger struct {
	mu    sync.Mutex
	lines []map[string]any
	msgs  []string
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
	l.lines = append(l.lines, fields)
}

func TestLoggingOneLinePerAttempt(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			writeError(w, 500, CodeFatal, "boom")
			return
		}
		writeJSON(w, 200, sampleToken(9))
	})
	log := &captureLogger{}
	c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.Logger = log })
	type ctxKey struct{}
	ctx := context.WithValue(t.Context(), ctxKey{}, "request-scoped")
	if _, err := c.GetToken(ctx, "main", 9); err != nil {
		t.Fatal(err)
	}
	if len(log.lines) != 3 {
		t.Fatalf("%d log lines, want 3: %v", len(log.lines), log.lines)
	}
	for i, fields := range log.lines {
		if fields["method"] != "GET" || fields["path"] != "/instance/main/token/9" || fields["attempt"] != i+1 {
			t.Errorf("line %d = %v", i, fields)
		}
		wantStatus := 500
		if i == 2 {
			wantStatus = 200
		}
		if fields["status"] != wantStatus {
			t.Errorf("line %d status = %v, want %d", i, fields["status"], wantStatus)
		}
		_, hasWait := fields["wait"]
		if hasWait != (i < 2) {
			t.Errorf("line %d wait present = %v", i, hasWait)
		}
		for k := range fields {
			if !map[string]bool{"method": true, "path": true, "attempt": true, "status": true, "wait": true}[k] {
				t.Errorf("line %d has unexpected field %q", i, k)
			}
		}
	}
	if log.lines[0]["wait"] != "1ms" {
		t.Errorf("first wait = %v, want 1ms", log.lines[0]["wait"])
	}
}

func TestLoggerReceivesCallerContext(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, Me{ID: 1}) })
	type ctxKey struct{}
	var got []any
	c := fastClient(t, f.srv.URL, func(c *TestConfig) {
		c.Logger = loggerFunc(func(ctx context.Context, _ string, _ map[string]any) { got = append(got, ctx.Value(ctxKey{})) })
	})
	if _, err := c.Me(context.WithValue(t.Context(), ctxKey{}, "mask-me")); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[mask-me]" {
		t.Errorf("logger contexts carried %v", got)
	}
}

type loggerFunc func(ctx context.Context, msg string, fields map[string]any)

func (f loggerFunc) Debug(ctx context.Context, msg string, fields map[string]any) {
	f(ctx, msg, fields)
}

// TestRedaction checks every error path and log line for the access token
// and minted secrets, including bodies, paths and transport errors.
func TestRedaction(t *testing.T) {
	t.Parallel()
	const minted = "minted-SECRET-abcdef-987"
	tests := []struct {
		name     string
		instance string
		handler  func(w http.ResponseWriter, r *http.Request)
		mintSelf bool // create a token first so the client knows the secret
	}{
		{"401 message echoes token", "main", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 401, CodeUnauthorized, "invalid token "+testToken)
		}, false},
		{"code echoes token", "main", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 400, testToken, "bad")
		}, false},
		{"html 502 echoes header", "main", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html>upstream rejected Authorization: "+r.Header.Get("Authorization")+"</html>")
		}, false},
		{"token far into the body", "main", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			_, _ = io.WriteString(w, strings.Repeat("x", 190)+testToken)
		}, false},
		{"truncated 200 echoes token", "main", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"id": 1, "name": "`+testToken)
		}, false},
		{"token in the instance name", testToken, func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 404, CodeNotFound, "no instance "+r.URL.Path)
		}, false},
		{"transport error with token in URL", testToken, func(w http.ResponseWriter, r *http.Request) {
			hangUp(t, w)
		}, false},
		{"known secret echoed", "main", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, 500, CodeFatal, "token "+minted+" broke")
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == http.MethodPost {
					tok := sampleToken(1)
					tok.Secret = minted
					writeJSON(w, 200, tok)
					return
				}
				tt.handler(w, r)
			})
			log := &captureLogger{}
			c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.Logger = log; c.MaxRetries = 1 })
			if tt.mintSelf {
				if _, err := c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"}); err != nil {
					t.Fatal(err)
				}
			}
			_, err := c.GetToken(t.Context(), tt.instance, 1)
			if err == nil {
				t.Fatal("expected an error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
			for _, l := range log.lines {
				texts = append(texts, fmt.Sprint(l))
			}
			for _, s := range texts {
				if strings.Contains(s, testToken) || strings.Contains(s, minted) {
					t.Errorf("secret leaked: %s", s)
				}
			}
			if !strings.Contains(err.Error(), "***") && tt.name != "truncated 200 echoes token" {
				t.Errorf("error %q shows no redaction marker", err)
			}
		})
	}
}

func TestRedactUnparsedSecretInExcerpt(t *testing.T) {
	t.Parallel()
	const body = `{"id": 1, "scopes": {}, "token": "never-seen-secret-42`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, body)
	})
	c := fastClient(t, f.srv.URL)
	// A create response is not excerpted at all: its secret may sit under a
	// key spelled in a way no pattern catches.
	_, err := c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"})
	if err == nil || strings.Contains(err.Error(), "never-seen-secret-42") || !strings.Contains(err.Error(), "not shown") {
		t.Fatalf("create error = %v", err)
	}
	// Other responses are excerpted with any token field masked.
	_, err = c.GetToken(t.Context(), "main", 1)
	if err == nil || strings.Contains(err.Error(), "never-seen-secret-42") || !strings.Contains(err.Error(), `\"token\": \"***`) {
		t.Fatalf("get error = %v", err)
	}
}

func TestCreateExcerptKeptForNonJSON(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "<html>Welcome to nginx</html>")
	})
	_, err := fastClient(t, f.srv.URL).CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"})
	if err == nil || !strings.Contains(err.Error(), "Welcome to nginx") {
		t.Fatalf("error = %v, want the HTML excerpt that shows base_url points elsewhere", err)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, TestConfig{Config: Config{AccessToken: "acc"}})
	c.rememberSecret("sec1")
	c.rememberSecret("sec1")
	c.rememberSecret("")
	tests := map[string]string{
		"":                   "",
		"plain":              "plain",
		"Bearer acc":         "Bearer ***",
		"sec1 and acc, sec1": "*** and ***, ***",
	}
	for in, want := range tests {
		if got := c.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if len(c.secrets) != 1 {
		t.Errorf("secrets = %d entries, want 1", len(c.secrets))
	}
}

func TestMaskFields(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`{"token":"abc"}`:                       `{"token":"***"}`,
		`{"token" : "a\"b", "x":1}`:             `{"token" : "***", "x":1}`,
		`{"token":"cut-off`:                     `{"token":"***`,
		`{"Token":"abc"}`:                       `{"Token":"***"}`,
		`{"TOKEN": "abc", "id": 1}`:             `{"TOKEN": "***", "id": 1}`,
		`{"access_token":"abc"}`:                `{"access_token":"***"}`,
		`{"refreshToken":"abc"}`:                `{"refreshToken":"***"}`,
		`{"client_secret":"abc"}`:               `{"client_secret":"***"}`,
		`{'token': 'abc'}`:                      `{'token': '***'}`,
		`{"token": 12345}`:                      `{"token": ***}`,
		`token=abc&name=x`:                      `token=***&name=x`,
		`Token: abc`:                            `Token: ***`,
		`<input name=x token=abc>`:              `<input name=x token=***>`,
		`{"tokens":"x"}`:                        `{"tokens":"x"}`,
		`{"name":"token"}`:                      `{"name":"token"}`,
		`{"name":"token", "description":"x"}`:   `{"name":"token", "description":"x"}`,
		`no token here`:                         `no token here`,
		`{"items":[{"id":1,"name":"token x"}]}`: `{"items":[{"id":1,"name":"token x"}]}`,
	}
	for in, want := range tests {
		if got := maskFields(in); got != want {
			t.Errorf("maskFields(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskShapes(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"minted xano_mt_0123456789abcdef0123456789abcdef01234567 here": "minted *** here",
		`"xano_mt_abc"`: `"***"`,
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end": "jwt *** end",
		"Authorization: Bearer abc.def":                             "Authorization: Bearer ***",
		"xano_mt_ alone":                                            "xano_mt_ alone",
		"eyJ alone":                                                 "eyJ alone",
		"plain text":                                                "plain text",
	}
	for in, want := range tests {
		if got := maskShapes(in); got != want {
			t.Errorf("maskShapes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrimJSONPrefix(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`{"a":1}`:          `{"a":1}`,
		"\ufeff{\"a\":1}":  `{"a":1}`,
		")]}'\n{\"a\":1}":  `{"a":1}`,
		")]}',\n{\"a\":1}": `{"a":1}`,
		"\ufeff )]}', [1]": `[1]`,
		"<html>":           "<html>",
		")]}x":             ")]}x",
	}
	for in, want := range tests {
		if got := string(trimJSONPrefix([]byte(in))); got != want {
			t.Errorf("trimJSONPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestClassifyBeforeMasking answers with a short access token that occurs
// inside Xano's error codes and messages: masking it for display must not
// change how the error is classified, or a token revoked in the dashboard
// would stop being recognised as gone.
func TestClassifyBeforeMasking(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == http.MethodPost:
			writeError(w, 400, CodeInputError, LimitMessage)
		case strings.HasSuffix(r.URL.Path, "/token"):
			writeJSON(w, 200, TokenPage{Items: []Token{}})
		default:
			writeError(w, 404, CodeNotFound, "Token not found.")
		}
	})
	for _, token := range []string{"T", "O", "a", "N"} {
		c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.AccessToken = token })
		_, err := c.GetToken(t.Context(), "main", 7)
		if !IsNotFound(err) || !strings.Contains(err.Error(), CodeNotFound) {
			t.Errorf("token %q: GET error %v, want a 404 that shows %s", token, err, CodeNotFound)
		}
		gone, cerr := c.ConfirmTokenGone(t.Context(), "main", 7, err)
		if !gone || cerr != nil {
			t.Errorf("token %q: ConfirmTokenGone = %v, %v; want the token confirmed gone", token, gone, cerr)
		}
		_, err = c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"})
		if KindOf(err) != KindLimitReached {
			t.Errorf("token %q: create error %v, want the token limit", token, err)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) && strings.Contains(apiErr.Message, token+"oken") {
			t.Errorf("token %q: the displayed message %q is not masked", token, apiErr.Message)
		}
	}
}

// TestMaskedExcerpts sends bodies the client cannot use, holding a secret
// under every spelling and in every format a proxy or a broken server might
// use: no error may show it.
func TestMaskedExcerpts(t *testing.T) {
	t.Parallel()
	const secret = "xano_mt_6f1c0ffee0ddba11c0ffee0ddba11c0ffee0ddba"
	const foreign = "never-seen-42"
	tests := []struct {
		name, body string
		status     int
		create     bool
		// show is a text of the body the error must still show.
		show string
	}{
		{"capitalised key in a get", `{"id":"x","Token":"` + foreign + `"}`, 200, false, `Token`},
		{"upper-case key in a get", `{"id":"x","TOKEN":"` + foreign + `"}`, 200, false, `TOKEN`},
		{"BOM before a create answer", "\ufeff{\"id\":1,\"Token\":\"" + secret + "\"}", 200, true, "not shown"},
		{"guard before a create answer", ")]}',\n{\"id\":1,\"tOkEn\":\"" + foreign + "\"}", 200, true, "not shown"},
		{"escaped key in a create answer", `{"id":"1","\u0074oken":"` + foreign + `"}`, 200, true, "not shown"},
		{"form body in an error", "token=" + foreign + "&error=bad", 500, false, "error=bad"},
		{"YAML body in an error", "error: bad\ntoken: " + foreign, 502, false, "error: bad"},
		{"HTML echoing a minted secret", "<html>bad gateway " + secret + "</html>", 502, true, "bad gateway"},
		{"minted secret in a Xano message", `{"code":"ERROR_FATAL","message":"cannot store ` + secret + `"}`, 500, false, "cannot store"},
		{"JWT in a Xano message", `{"code":"ERROR_FATAL","message":"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.` + foreign + `"}`, 500, false, "ERROR_FATAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.MaxRetries = 0 })
			var err error
			if tt.create {
				_, err = c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"})
			} else {
				_, err = c.GetToken(t.Context(), "main", 1)
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, secret) || strings.Contains(s, foreign) || strings.Contains(s, "eyJzdWIiOiIxIn0") {
					t.Errorf("the error shows a secret: %s", s)
				}
			}
			if !strings.Contains(err.Error(), tt.show) {
				t.Errorf("the error %q does not show %q", err, tt.show)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"2026-11-22 11:31:20+0000", want, false},
		{" 2026-11-22 11:31:20+0000 ", want, false},
		{"2026-11-22 12:31:20+0100", want, false},
		{"2026-11-22T11:31:20Z", want, false},
		{"2026-11-22T13:31:20+02:00", want, false},
		{"2026-11-22T11:31:20.5Z", want.Add(500 * time.Millisecond), false},
		{"", time.Time{}, true},
		{"2026-11-22", time.Time{}, true},
		{"yesterday", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "2026-11-22 11:31:20+0000") {
			t.Errorf("ParseTime error %q does not show the expected format", err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 12, 31, 20, 0, time.FixedZone("CET", 3600))
	got := FormatTime(at)
	if got != "2026-11-22 11:31:20+0000" {
		t.Errorf("FormatTime = %q, want the API's UTC form", got)
	}
	if back, err := ParseTime(got); err != nil || !back.Equal(at) {
		t.Errorf("ParseTime(FormatTime(t)) = %v, %v; want %v", back, err, at)
	}
}

func TestNewIdempotencyKey(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		k, err := NewIdempotencyKey()
		if err != nil || !re.MatchString(k) || seen[k] {
			t.Fatalf("key %q (%v) is malformed or repeated", k, err)
		}
		seen[k] = true
	}
}

// TestTimedOut tells a timed-out attempt from a refused connection, so the
// provider can advise raising request_timeout for the first only.
func TestTimedOut(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	c := fastClient(t, f.srv.URL, func(c *TestConfig) { c.RequestTimeout = 20 * time.Millisecond; c.MaxRetries = 0 })
	_, err := c.GetToken(t.Context(), "main", 1)
	var te *TransportError
	if !errors.As(err, &te) || !te.TimedOut || te.Cancelled || te.NothingSent {
		t.Fatalf("error = %#v, want a TransportError that timed out after sending", err)
	}
	assertPlain(t, err)
	l, lerr := net.Listen("tcp", "127.0.0.1:0")
	if lerr != nil {
		t.Fatal(lerr)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = fastClient(t, "http://"+addr, func(c *TestConfig) { c.MaxRetries = 0 }).GetToken(t.Context(), "main", 1)
	if !errors.As(err, &te) || te.TimedOut || te.Cancelled || !te.NothingSent {
		t.Fatalf("refused connection: error = %#v, want a TransportError that sent nothing and did not time out", err)
	}
	assertPlain(t, err)
}

// adviceWords are what a sentence telling the user what to do would hold:
// a provider setting or a call to act.
var adviceWords = regexp.MustCompile(`(?i)base_url|request_timeout|max_retries|access_token|XANO_|try again|terraform|\bcheck\b|\braise\b|\bwait\b`)

// assertPlain fails when err's text gives advice: the client's errors state
// facts, and the provider's diagnostics say what to do, once.
func assertPlain(t *testing.T, err error) {
	t.Helper()
	if m := adviceWords.FindString(err.Error()); m != "" {
		t.Errorf("error %q gives advice (%q); the provider's diagnostics do that", err, m)
	}
}

func TestErrorsStateFactsOnly(t *testing.T) {
	t.Parallel()
	notFound := &APIError{StatusCode: 404, Code: CodeNotFound, Message: "Not found.", Method: "GET", Path: "/instance/main/token/7"}
	for _, err := range []error{
		&APIError{StatusCode: 401, Code: CodeUnauthorized, Message: "Invalid token.", Method: "GET", Path: "/auth/me"},
		&APIError{StatusCode: 403, Method: "GET", Path: "/auth/me", Excerpt: "<html>denied</html>"},
		&APIError{StatusCode: 429, Method: "GET", Path: "/auth/me", Attempts: 5},
		&APIError{StatusCode: 502, Method: "GET", Path: "/auth/me", Attempts: 2, Uncertain: true},
		&TransportError{Method: "POST", Path: "/instance/main/token", Message: "could not reach the Xano API: timeout", Attempts: 3, TimedOut: true},
		&TransportError{Method: "GET", Path: "/auth/me", Message: "could not reach the Xano API: connection refused", NothingSent: true},
		&DecodeError{Method: "GET", Path: "/auth/me", StatusCode: 200, What: "account", Reason: "it is empty or null"},
		&UnconfirmedGoneError{Instance: "main", ID: 7, Err: notFound, NotXano: true},
		&UnconfirmedGoneError{Instance: "main", ID: 7, Err: notFound, StillListed: true},
		&UnconfirmedGoneError{Instance: "main", ID: 7, Err: notFound, ListErr: &APIError{StatusCode: 500, Method: "GET", Path: "/instance/main/token"}},
	} {
		assertPlain(t, err)
		if s := err.Error(); strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
			t.Errorf("%q ends with or doubles a period; callers add their own", s)
		}
	}
}

func TestAPIErrorNoDoublePeriod(t *testing.T) {
	t.Parallel()
	for _, e := range []*APIError{
		{StatusCode: 401, Code: CodeUnauthorized, Message: "Invalid access token.", Method: "GET", Path: "/auth/me"},
		{StatusCode: 500, Code: CodeFatal, Message: "Broke...", Method: "GET", Path: "/auth/me", Attempts: 3},
	} {
		if s := e.Error(); strings.Contains(s, "..") {
			t.Errorf("%q has a doubled period", s)
		}
	}
}

// TestNothingSent tells a create that never left the machine from one whose
// outcome is unknown: only when no attempt got a connection (refused, DNS
// failure) is it certain that no token was minted.
func TestNothingSent(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()
	dnsFailure := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "xano.invalid", IsNotFound: true}}
		},
	}}
	dropped := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { hangUp(t, w) })
	var refusedThenDropped atomic.Int32
	// The first attempt is refused, the next ones reach a server that hangs
	// up: once any attempt was sent, the outcome is unknown.
	mixed := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { hangUp(t, w) })
	mixedClient := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if refusedThenDropped.Add(1) == 1 {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			return (&net.Dialer{}).DialContext(ctx, network, strings.TrimPrefix(mixed.srv.URL, "http://"))
		},
	}}
	tests := []struct {
		name        string
		baseURL     string
		hc          *http.Client
		nothingSent bool
	}{
		{"connection refused", "http://" + closedAddr, nil, true},
		{"DNS failure", "http://xano.invalid", dnsFailure, true},
		{"dropped after sending", dropped.srv.URL, nil, false},
		{"refused, then dropped after sending", "http://xano.invalid", mixedClient, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := fastClient(t, tt.baseURL, func(c *TestConfig) { c.HTTPClient = tt.hc; c.MaxRetries = 2 })
			_, err := c.CreateToken(t.Context(), "main", CreateTokenRequest{Name: "x"})
			if err == nil {
				t.Fatal("expected an error")
			}
			if got := NothingSent(err); got != tt.nothingSent {
				t.Errorf("NothingSent = %v, want %v: %v", got, tt.nothingSent, err)
			}
			if got := MayHaveCommitted(err); got == tt.nothingSent {
				t.Errorf("MayHaveCommitted = %v, want %v: %v", got, !tt.nothingSent, err)
			}
		})
	}
}
