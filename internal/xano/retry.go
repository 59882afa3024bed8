package xano

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// attemptState carries one logical request through go-retryablehttp's
// callbacks: the retry rules depend on the method and idempotency key, and
// the attempt count feeds the logs, OnRetry and the final error.
type attemptState struct {
	c      *Client
	ctx    context.Context
	method string
	// path is already redacted: it only goes into log lines.
	path       string
	idempotent bool
	keyed      bool
	attempts   int
	// hard counts failed attempts other than a keyed request's 429/503, which
	// have a budget of their own (see rateLimitedBudget).
	hard    int
	limited int
	lastErr error
	// uncertain is set once an attempt of a POST may have reached the server
	// without its answer reaching us, so a failed create may still have minted.
	uncertain bool
	// connected is set by the HTTP trace when an attempt gets a connection,
	// and cleared by checkRetry after each attempt; sent records that some
	// attempt got one. An attempt without a connection (refused, DNS
	// failure, failed TLS handshake) sent nothing the server could act on.
	connected atomic.Bool
	sent      bool
}

// trace returns ctx with an HTTP trace that records connections.
func (st *attemptState) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.connected.Store(true) },
	})
}

// rateLimitedBudget is how many 429/503 answers a request carrying an
// Idempotency-Key, or a DELETE, may wait out beyond max_retries. A create
// whose first attempt committed but lost its answer must get to replay its
// key, and a revoke must not give up on a token that stays valid: rate
// limiting alone must not orphan either.
const rateLimitedBudget = 16

// checkRetry is the retryablehttp.CheckRetry of one call. It never returns
// an error of its own except the caller's context error, so that the
// ErrorHandler receives the last response or transport error untouched.
func (st *attemptState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st.attempts++
	st.lastErr = err
	if ctxErr := ctx.Err(); ctxErr != nil {
		st.log(resp, err, 0, false)
		return false, ctxErr
	}
	// A response means the attempt had a connection, whatever the trace saw.
	sent := st.connected.Swap(false) || resp != nil
	st.sent = st.sent || sent
	retry := st.c.shouldRetry(st.idempotent, resp, err)
	if st.method == http.MethodPost && sent && (err != nil || (resp != nil && resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable)) {
		st.uncertain = true
	}
	if retry {
		if st.keyed && resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			st.limited++
			retry = st.limited <= st.c.maxRetries+rateLimitedBudget
		} else {
			st.hard++
			retry = st.hard <= st.c.maxRetries
		}
	}
	if !retry {
		st.log(resp, err, 0, false)
	}
	return retry, nil
}

// backoff is the retryablehttp.Backoff of one call; it is only called when a
// retry follows, so it logs the failed attempt with the wait chosen.
func (st *attemptState) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp == nil && errors.Is(st.lastErr, syscall.ECONNREFUSED) {
		// Nothing listens at base_url: waiting longer and longer rarely
		// helps, and a wrong URL must fail within seconds, so a refused
		// connection is retried at the shortest wait.
		maxWait = minWait
	}
	wait := st.c.backoff(minWait, maxWait, attemptNum, resp)
	st.log(resp, st.lastErr, wait, true)
	if st.c.onRetry != nil {
		st.c.onRetry(st.attempts, wait, resp, st.lastErr)
	}
	return wait
}

// log writes one line per attempt, never with headers or bodies.
func (st *attemptState) log(resp *http.Response, err error, wait time.Duration, retrying bool) {
	if st.c.logger == nil {
		return
	}
	fields := map[string]any{
		"method":  st.method,
		"path":    st.path,
		"attempt": st.attempts,
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = st.c.Redact(err.Error())
	}
	msg := "Xano API request"
	if retrying {
		msg = "Xano API request failed, retrying"
		fields["wait"] = wait.String()
	}
	st.c.logger.Debug(st.ctx, msg, fields)
}

// shouldRetry decides whether an attempt's outcome is worth another try. A
// POST without an Idempotency-Key may already have been processed, so it is
// retried only when the server says it was not (429, 503) or the connection
// was refused before anything was sent.
func (c *Client) shouldRetry(idempotent bool, resp *http.Response, err error) bool {
	if err != nil {
		if isPermanentTransportError(err) {
			return false
		}
		return idempotent || errors.Is(err, syscall.ECONNREFUSED)
	}
	if resp == nil {
		return false
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return true
	case code == http.StatusNotImplemented:
		return false
	case code >= 500 || code == 0:
		return idempotent
	}
	return false
}

// isPermanentTransportError reports transport errors that another attempt
// cannot fix: certificate problems, a URL the client cannot use, redirect
// loops and invalid headers.
func isPermanentTransportError(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		recordHeader tls.RecordHeaderError
	)
	if errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidCert) || errors.As(err, &recordHeader) {
		return true
	}
	// A host name that does not exist will not exist a second later either.
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"unsupported protocol scheme",
		"no Host in request URL",
		"stopped after",
		"invalid header field",
		"certificate is not trusted",
		"server gave HTTP response to HTTPS client",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// backoff chooses the wait before retry number attempt+1. A Retry-After
// header (seconds or HTTP date) wins, capped at MaxRetryWait; otherwise the
// wait is minWait*2^attempt capped at maxWait, plus up to 50% jitter from the
// injectable rand source, never above maxWait.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := c.retryAfter(resp.Header.Get("Retry-After")); ok {
			return ra
		}
	}
	base := maxWait
	if attempt < 62 {
		if step := float64(minWait) * math.Pow(2, float64(attempt)); step < float64(maxWait) {
			base = time.Duration(step)
		}
	}
	c.randMu.Lock()
	r := c.rand()
	c.randMu.Unlock()
	if r < 0 || r >= 1 || math.IsNaN(r) {
		r = 0
	}
	return min(base+time.Duration(r*float64(base)/2), maxWait)
}

// retryAfter parses a Retry-After value, in seconds or as an HTTP date
// (against the injectable clock), capped at MaxRetryWait. A date in the past
// means no wait.
func (c *Client) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Compared in seconds first, so a huge value cannot overflow.
		if secs > int64(c.maxRetryWait/time.Second) {
			return c.maxRetryWait, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(c.now()), 0), c.maxRetryWait), true
}
