package xano

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

func newTestClient(t *testing.T, cfg TestConfig) *Client {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:1"
	}
	if cfg.AccessToken == "" {
		cfg.AccessToken = "test-access-token"
	}
	c, err := NewForTest(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func respWith(status int, retryAfter string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(nil)}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	const (
		minW = 100 * time.Millisecond
		maxW = 2 * time.Second
	)
	tests := []struct {
		name     string
		capWait  time.Duration
		rand     float64
		attempt  int
		resp     *http.Response
		wantWait time.Duration
	}{
		{"retry-after seconds", 30 * time.Second, 0.9, 0, respWith(429, "7"), 7 * time.Second},
		{"retry-after above cap", 30 * time.Second, 0.9, 0, respWith(429, "120"), 30 * time.Second},
		{"retry-after huge number", 30 * time.Second, 0, 0, respWith(503, "99999999999999999"), 30 * time.Second},
		{"retry-after small cap", 50 * time.Millisecond, 0, 0, respWith(429, "1"), 50 * time.Millisecond},
		{"retry-after zero", 30 * time.Second, 0.9, 3, respWith(429, "0"), 0},
		{"retry-after http date", 30 * time.Second, 0.9, 0, respWith(429, now.Add(9*time.Second).Format(http.TimeFormat)), 9 * time.Second},
		{"retry-after date above cap", 5 * time.Second, 0.9, 0, respWith(503, now.Add(time.Hour).Format(http.TimeFormat)), 5 * time.Second},
		{"retry-after date in the past", 30 * time.Second, 0.9, 0, respWith(429, now.Add(-time.Hour).Format(http.TimeFormat)), 0},
		{"retry-after garbage falls back", 30 * time.Second, 0, 1, respWith(429, "soon"), 200 * time.Millisecond},
		{"retry-after negative falls back", 30 * time.Second, 0, 0, respWith(429, "-3"), minW},
		{"first retry no jitter", 30 * time.Second, 0, 0, respWith(500, ""), minW},
		{"first retry half jitter", 30 * time.Second, 0.5, 0, respWith(500, ""), 125 * time.Millisecond},
		{"third retry", 30 * time.Second, 0, 2, nil, 400 * time.Millisecond},
		{"third retry max jitter", 30 * time.Second, 0.999999, 2, nil, 400*time.Millisecond + time.Duration(0.999999*float64(400*time.Millisecond)/2)},
		{"capped at max", 30 * time.Second, 0, 10, nil, maxW},
		{"capped at max with jitter", 30 * time.Second, 0.9, 4, nil, maxW},
		{"huge attempt", 30 * time.Second, 0.5, 1000, nil, maxW},
		{"bad rand ignored", 30 * time.Second, 7, 0, nil, minW},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, TestConfig{MaxRetryWait: tt.capWait, Rand: func() float64 { return tt.rand }, Now: func() time.Time { return now }})
			if got := c.backoff(minW, maxW, tt.attempt, tt.resp); got != tt.wantWait {
				t.Errorf("backoff = %s, want %s", got, tt.wantWait)
			}
		})
	}
}

func TestShouldRetry(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}
	eof := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/x", Err: io.EOF}
	cert := &url.Error{Op: "Get", URL: "https://127.0.0.1:1/x", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}
	scheme := &url.Error{Op: "Get", URL: "ftp://x", Err: errors.New("unsupported protocol scheme \"ftp\"")}
	noHost := &url.Error{Op: "Get", URL: "https://nowhere.invalid/x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}}}
	dnsTimeout := &url.Error{Op: "Get", URL: "https://slow.example/x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "i/o timeout", Name: "slow.example", IsTimeout: true}}}
	tests := []struct {
		name       string
		idempotent bool
		resp       *http.Response
		err        error
		want       bool
	}{
		{"200", true, respWith(200, ""), nil, false},
		{"400", true, respWith(400, ""), nil, false},
		{"404", true, respWith(404, ""), nil, false},
		{"429 idempotent", true, respWith(429, ""), nil, true},
		{"429 plain POST", false, respWith(429, ""), nil, true},
		{"503 plain POST", false, respWith(503, ""), nil, true},
		{"500 idempotent", true, respWith(500, ""), nil, true},
		{"500 plain POST", false, respWith(500, ""), nil, false},
		{"502 idempotent", true, respWith(502, ""), nil, true},
		{"502 plain POST", false, respWith(502, ""), nil, false},
		{"501", true, respWith(501, ""), nil, false},
		{"EOF idempotent", true, nil, eof, true},
		{"EOF plain POST", false, nil, eof, false},
		{"reset idempotent", true, nil, reset, true},
		{"refused idempotent", true, nil, refused, true},
		{"refused plain POST", false, nil, refused, true},
		{"certificate", true, nil, cert, false},
		{"bad scheme", true, nil, scheme, false},
		{"no such host", true, nil, noHost, false},
		{"DNS timeout", true, nil, dnsTimeout, true},
	}
	c := newTestClient(t, TestConfig{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := c.shouldRetry(tt.idempotent, tt.resp, tt.err); got != tt.want {
				t.Errorf("shouldRetry = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsPermanentTransportError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{x509.HostnameError{Host: "x"}, true},
		{fmt.Errorf("wrapped: %w", x509.CertificateInvalidError{}), true},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, true},
		{errors.New("http: server gave HTTP response to HTTPS client"), true},
		{errors.New(`Get "/x": stopped after 10 redirects`), true},
		{errors.New("net/http: invalid header field value for \"Authorization\""), true},
		{io.ErrUnexpectedEOF, false},
		{syscall.ECONNRESET, false},
		{errors.New("net/http: request canceled (Client.Timeout exceeded while awaiting headers)"), false},
	}
	for _, tt := range tests {
		if got := isPermanentTransportError(tt.err); got != tt.want {
			t.Errorf("isPermanentTransportError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestRateLimitExhausted gives up on a 429 and keeps what the caller needs
// to say so: how many attempts ran, the client's max_retries and the last
// wait the server asked for, as asked rather than as capped.
func TestRateLimitExhausted(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	tests := []struct {
		name       string
		op         string
		retryAfter []string // by attempt; the last repeats
		maxRetries int
		wantTries  int
		wantWait   time.Duration
		wantText   string
	}{
		{"seconds", "get", []string{"7"}, 2, 3, 7 * time.Second, "429 ERROR_CODE_TOO_MANY_REQUESTS: slow down; Retry-After 7s (after 3 attempts)"},
		{"the last of several", "get", []string{"1", "2", "90"}, 2, 3, 90 * time.Second, "; Retry-After 1m30s (after 3 attempts)"},
		{"HTTP date", "get", []string{at.Add(time.Hour).Format(http.TimeFormat)}, 1, 2, time.Hour, "; Retry-After 1h0m0s (after 2 attempts)"},
		{"none", "get", []string{""}, 1, 2, 0, "slow down (after 2 attempts)"},
		{"no retries", "get", []string{"5"}, 0, 1, 5 * time.Second, "slow down; Retry-After 5s"},
		{"keyed create beyond max_retries", "create", []string{"3"}, 1, 1 + 1 + rateLimitedBudget, 3 * time.Second, "(after 18 attempts)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if v := tt.retryAfter[min(n, len(tt.retryAfter))-1]; v != "" {
					w.Header().Set("Retry-After", v)
				}
				writeError(w, 429, CodeTooManyRequests, "slow down")
			})
			c := fastClient(t, f.srv.URL, func(c *TestConfig) {
				c.MaxRetries = tt.maxRetries
				c.Now = func() time.Time { return at }
			})
			err := kindOps[tt.op](c, t.Context())
			var ae *APIError
			if !errors.As(err, &ae) || KindOf(err) != KindRateLimited {
				t.Fatalf("error = %v, want rate limited", err)
			}
			if ae.Attempts != tt.wantTries || ae.MaxRetries != tt.maxRetries || ae.RetryAfter != tt.wantWait {
				t.Errorf("attempts %d, max_retries %d, Retry-After %s; want %d, %d, %s",
					ae.Attempts, ae.MaxRetries, ae.RetryAfter, tt.wantTries, tt.maxRetries, tt.wantWait)
			}
			if !strings.HasSuffix(err.Error(), tt.wantText) {
				t.Errorf("error %q does not end with %q", err, tt.wantText)
			}
			assertPlain(t, err)
		})
	}
}
