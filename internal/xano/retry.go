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

// The retry policy. A call is retried after a 429 or 503 (the server did
// not process it), a 5xx, a dropped connection or a timeout, but a POST
// without an Idempotency-Key only when the server cannot have acted on it
// (429, 503, refused connection). Each call has two budgets of retries, kept
// in retryBudget: max_retries for failures, and a larger one for the 429s
// and 503s of a call that must get through (see rateLimitedBudget).

// rateLimitedBudget is how many 429/503 answers a request carrying an
// Idempotency-Key, or a DELETE, may wait out beyond max_retries. A create
// whose first attempt committed but lost its answer must get to replay its
// key, and a revoke must not give up on a token that stays valid: rate
// limiting alone must not orphan either.
const rateLimitedBudget = 16

// retryBudget is how many retries a call has left, by kind of failure.
type retryBudget struct {
	// failures is spent by every retry but those of rateLimited.
	failures int
	// rateLimited is spent by the 429 and 503 answers of a create with an
	// Idempotency-Key or of a DELETE; other calls have none.
	rateLimited int
}

// callState follows one call through its attempts: what the attempts saw
// decides the next retry and becomes the facts of the final error.
type callState struct {
	c      *Client
	ctx    context.Context
	method string
	// path is already redacted: it goes into log lines and errors.
	path string
	// idempotent is set when repeating the request after an attempt that
	// may have been processed is safe: any method but a POST without key.
	idempotent bool
	// keyed is set when 429/503 answers spend the rateLimited budget.
	keyed  bool
	budget retryBudget
	// attempts counts the attempts made so far.
	attempts int
	// uncertain is set once an attempt of a write (POST or DELETE) may have
	// been processed without its answer reaching us, so a failed create may
	// still have minted.
	uncertain bool
	// retryAfter is the last wait an answer asked for, not capped.
	retryAfter time.Duration
	// connected is set by the HTTP trace when an attempt gets a connection,
	// and cleared by record after each attempt; sent records that some
	// attempt got one. An attempt without a connection (refused, DNS
	// failure, failed TLS handshake) sent nothing the server could act on.
	connected atomic.Bool
	sent      bool
}

func (c *Client) newCallState(ctx context.Context, method, safePath string, hasKey bool) *callState {
	st := &callState{
		c: c, ctx: ctx, method: method, path: safePath,
		idempotent: method != http.MethodPost || hasKey,
		keyed:      hasKey || method == http.MethodDelete,
		budget:     retryBudget{failures: c.maxRetries},
	}
	if st.keyed {
		st.budget.rateLimited = c.maxRetries + rateLimitedBudget
	}
	return st
}

// trace returns ctx with an HTTP trace that records connections.
func (st *callState) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.connected.Store(true) },
	})
}

// record notes what an attempt established: that it was made, whether it
// reached the server, whether a write may have been processed without its
// answer arriving, and the wait the answer asked for.
func (st *callState) record(resp *http.Response, err error) {
	st.attempts++
	// A response means the attempt had a connection, whatever the trace saw.
	sent := st.connected.Swap(false) || resp != nil
	st.sent = st.sent || sent
	write := st.method == http.MethodPost || st.method == http.MethodDelete
	if write && sent && (err != nil || (resp != nil && resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable)) {
		st.uncertain = true
	}
	if resp != nil {
		if d, ok := st.c.askedWait(resp.Header.Get("Retry-After")); ok {
			st.retryAfter = d
		}
	}
}

// retry decides whether the attempt just recorded is followed by another,
// and spends the budget the retry uses.
func (st *callState) retry(resp *http.Response, err error) bool {
	if !st.c.shouldRetry(st.idempotent, resp, err) {
		return false
	}
	left := &st.budget.failures
	if st.keyed && err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		left = &st.budget.rateLimited
	}
	if *left <= 0 {
		return false
	}
	*left--
	return true
}

// wait is the pause before the next attempt. A refused connection is retried
// at the shortest wait: nothing listens at base_url, waiting longer and
// longer rarely helps, and a wrong URL must fail within seconds.
func (st *callState) wait(resp *http.Response, err error) time.Duration {
	maxWait := st.c.retryWaitMax
	if err != nil && errors.Is(err, syscall.ECONNREFUSED) {
		maxWait = st.c.retryWaitMin
	}
	return st.c.backoff(st.c.retryWaitMin, maxWait, st.attempts-1, resp)
}

// log writes one line per attempt, never with headers or bodies.
func (st *callState) log(resp *http.Response, err error, wait time.Duration, retrying bool) {
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
		fields["error"] = st.c.redact(err.Error())
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

// backoff chooses the wait after failed attempt number attempt, counted from
// 0. A Retry-After header (seconds or HTTP date) wins, capped at
// maxRetryWait; otherwise the wait is minWait*2^attempt capped at maxWait,
// plus up to 50% jitter from the injectable rand source, never above maxWait.
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

// retryAfter is the wait a Retry-After value asks for, capped at
// maxRetryWait.
func (c *Client) retryAfter(v string) (time.Duration, bool) {
	d, ok := c.askedWait(v)
	return min(d, c.maxRetryWait), ok
}

// askedWait parses a Retry-After value, in seconds or as an HTTP date
// (against the injectable clock). A date in the past means no wait.
func (c *Client) askedWait(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Compared in seconds first, so a huge value cannot overflow.
		if secs > int64(math.MaxInt64/time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(c.now()), 0), true
}
