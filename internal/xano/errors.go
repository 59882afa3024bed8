package xano

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The errors carry facts (status, code, attempts, whether the outcome is
// uncertain, whether anything was sent) and read as short, plain lines for
// logs; KindOf (kinds.go) says what each means. What to do about them is for
// the caller to say: the provider's diagnostics give that advice.

// APIError is a non-2xx answer of the Metadata API. Code and Message come
// from a Xano JSON error body; Excerpt holds the start of any other body. All
// three are masked by the client before the error is built, for display;
// KindOf uses what the client read in the answer before masking it.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Method     string
	Path       string
	Attempts   int
	// MaxRetries is the client's max_retries: a 429 or 503 to a create with
	// an Idempotency-Key or to a DELETE may be waited out beyond it.
	MaxRetries int
	Excerpt    string
	// Uncertain is set on a failed write (POST or DELETE) when an attempt
	// may have been processed without its answer arriving.
	Uncertain bool
	// RetryAfter is the last wait an answer asked for in its Retry-After
	// header, as asked (not capped); 0 when no answer asked for one.
	RetryAfter time.Duration
	// TokenID is the token a 409 ERROR_CODE_CONFLICT names: the one an
	// earlier create with the same Idempotency-Key minted, whose secret the
	// server cannot return again. 0 otherwise.
	TokenID int64
	// classified is set when the client built the error: it classified the
	// raw answer before masking it, since masking a short access token could
	// rewrite a code such as ERROR_CODE_NOT_FOUND. The results are kept
	// instead of the raw text, which could hold a secret.
	classified bool
	// xanoCode is the code as sent when it is one of Xano's documented
	// codes, "" otherwise.
	xanoCode string
	// limit is set when the raw message speaks of the active-token limit.
	limit bool
}

// code is the server's error code as sent, for classification; an error
// built by hand has only Code.
func (e *APIError) code() string {
	if e.classified {
		return e.xanoCode
	}
	return e.Code
}

// limitReached reports a message about the active-token limit, read before
// masking when the client built the error.
func (e *APIError) limitReached() bool {
	if e.classified {
		return e.limit
	}
	return isLimitMessage(e.Message)
}

// isLimitMessage recognises the limit by the phrase "active tokens".
func isLimitMessage(msg string) bool {
	return strings.Contains(strings.ToLower(msg), "active tokens")
}

// HasCode reports whether the server answered with the Xano error code.
func (e *APIError) HasCode(code string) bool { return e.code() == code }

// Error returns e.g. "POST /instance/main/token: 400 ERROR_CODE_INPUT_ERROR:
// name must be ... (after 3 attempts)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	switch {
	case e.Code != "" || e.Message != "":
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		if e.Message != "" {
			// The server's own period would end the line twice once a
			// caller adds one.
			b.WriteString(": " + strings.TrimRight(e.Message, "."))
		}
	case e.Excerpt != "":
		fmt.Fprintf(&b, " %s, and the body is not a Xano JSON error: %q", http.StatusText(e.StatusCode), e.Excerpt)
	default:
		fmt.Fprintf(&b, " %s with an empty body", http.StatusText(e.StatusCode))
	}
	if id, ok := e.conflictToken(); ok {
		fmt.Fprintf(&b, "; token_id %d", id)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; Retry-After %s", e.RetryAfter)
	}
	return b.String() + attemptsSuffix(e.Attempts)
}

// conflictToken returns the token a 409 ERROR_CODE_CONFLICT names.
func (e *APIError) conflictToken() (int64, bool) {
	if e.StatusCode != http.StatusConflict || e.code() != CodeConflict || e.TokenID <= 0 {
		return 0, false
	}
	return e.TokenID, true
}

// attemptsSuffix says how many attempts ran, when there was more than one.
func attemptsSuffix(attempts int) string {
	if attempts > 1 {
		return fmt.Sprintf(" (after %d attempts)", attempts)
	}
	return ""
}

// apiError builds the typed error for a non-2xx response, with the server's
// code and message when the body is a Xano JSON error (behind a byte order
// mark or a ")]}'" guard too), an excerpt otherwise. The error is classified
// on the code and message as sent, and shows them masked.
func (c *Client) apiError(st *callState, status int, data []byte) *APIError {
	e := &APIError{StatusCode: status, Method: st.method, Path: st.path, Attempts: st.attempts, MaxRetries: c.maxRetries,
		Uncertain: st.uncertain, RetryAfter: st.retryAfter, classified: true}
	// token_id is read apart so that a malformed one loses only itself.
	var eb struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		TokenID json.RawMessage `json:"token_id"`
	}
	if err := json.Unmarshal(trimJSONPrefix(data), &eb); err == nil && (eb.Code != "" || eb.Message != "") {
		if knownCodes[eb.Code] {
			e.xanoCode = eb.Code
		}
		e.limit = isLimitMessage(eb.Message)
		if id, err := strconv.ParseInt(string(eb.TokenID), 10, 64); err == nil && id > 0 && status == http.StatusConflict && eb.Code == CodeConflict {
			e.TokenID = id
		}
		e.Code = c.scrubCode(eb.Code)
		e.Message = c.scrub(eb.Message)
		return e
	}
	e.Excerpt = c.excerpt(data)
	return e
}

// TransportError is a request that got no HTTP answer: the connection failed
// or was dropped, the attempt timed out or the caller cancelled it. Its
// message is redacted; Unwrap gives the underlying error for errors.Is.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	Message  string
	// MaxRetries is the client's max_retries.
	MaxRetries int
	// Uncertain is set on a failed write (POST or DELETE) that may have
	// been processed without its answer arriving.
	Uncertain bool
	// NothingSent is set when no attempt got a connection (refused, DNS
	// failure, failed TLS handshake): the server never saw the request, so
	// it was certainly not carried out.
	NothingSent bool
	// TimedOut is set when the last attempt got no answer within the
	// request timeout.
	TimedOut bool
	// Cancelled is set when the caller's context ended the call.
	Cancelled bool
	cause     error
}

// Error describes the failure and, after retries, how many attempts ran.
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Message) + attemptsSuffix(e.Attempts)
}

// Unwrap returns the underlying error (e.g. context.Canceled).
func (e *TransportError) Unwrap() error { return e.cause }

// DecodeError is a 2xx answer whose body is not what the contract promises:
// truncated or malformed JSON, wrong types, or a token without an id.
type DecodeError struct {
	Method     string
	Path       string
	StatusCode int
	What       string
	Reason     string
	Excerpt    string
}

// Error says what was expected, why the body does not fit and how it starts.
func (e *DecodeError) Error() string {
	s := fmt.Sprintf("%s %s: the API answered %d with a body that is not a valid %s: %s", e.Method, e.Path, e.StatusCode, e.What, e.Reason)
	if e.Excerpt != "" {
		s += fmt.Sprintf("; the body starts with %q", e.Excerpt)
	}
	return s
}

// decodeError builds the error for a 2xx body that does not fit the
// contract, with every string redacted.
func (c *Client) decodeError(req request, status int, reason string, data []byte) *DecodeError {
	return &DecodeError{Method: req.method, Path: c.redact(req.path), StatusCode: status, What: req.what,
		Reason: c.scrub(reason), Excerpt: c.excerpt(data)}
}

// UnconfirmedGoneError is a 404 about a token that ConfirmTokenGone does not
// take as proof that the token is gone. Exactly one of NotXano, ListErr and
// StillListed says why. Unwrap gives the 404.
type UnconfirmedGoneError struct {
	Instance string
	ID       int64
	// Err is the answer about the token: a 404.
	Err error
	// NotXano is set when the 404 lacks Xano's ERROR_CODE_NOT_FOUND code, so
	// it may come from a proxy or a wrong URL.
	NotXano bool
	// ListErr is set when the instance's token list could not be read.
	ListErr error
	// StillListed is set when the instance's token list holds the token.
	StillListed bool
}

func (e *UnconfirmedGoneError) Error() string {
	switch {
	case e.NotXano:
		return fmt.Sprintf("%s (a 404 without Xano's %s code)", e.Err, CodeNotFound)
	case e.ListErr != nil:
		return fmt.Sprintf("%s; listing instance %q's tokens to confirm that token %d is gone failed too: %s", e.Err, e.Instance, e.ID, e.ListErr)
	}
	return fmt.Sprintf("%s, yet the instance's token list still holds token %d", e.Err, e.ID)
}

// Unwrap returns the 404 for errors.As; the error's kind is its own.
func (e *UnconfirmedGoneError) Unwrap() error { return e.Err }

// RequestError is a call the client refused before sending anything, such
// as one naming an instance that no request may go to. Its kind is
// KindInvalidInput.
type RequestError struct {
	// Op says what the call was for, e.g. "reading token 7".
	Op string
	// Reason says what is wrong with the call.
	Reason string
}

// Error says what was refused and why.
func (e *RequestError) Error() string { return e.Op + ": " + e.Reason }

// ConflictTokenID returns the token named by a 409 ERROR_CODE_CONFLICT: a
// create retried with an Idempotency-Key the server remembers, whose token
// it cannot return again (its secret is gone). The caller can revoke that
// token and create anew with a new key.
func ConflictTokenID(err error) (int64, bool) {
	var e *APIError
	if !errors.As(err, &e) || KindOf(err) != KindConflict {
		return 0, false
	}
	return e.conflictToken()
}

// IsNotFound reports KindNotFound.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// MayHaveCommitted reports KindOutcomeUnknown: a failed write that the
// server may nevertheless have carried out, so a create may have minted.
func MayHaveCommitted(err error) bool { return KindOf(err) == KindOutcomeUnknown }

// NothingSent reports a KindUnreachable call that never reached the server:
// every attempt failed before a connection was made, or none was made.
func NothingSent(err error) bool {
	var t *TransportError
	return KindOf(err) == KindUnreachable && errors.As(err, &t) && t.NothingSent
}

// IsRateLimited reports KindRateLimited.
func IsRateLimited(err error) bool { return KindOf(err) == KindRateLimited }

// IsUnauthorized reports KindUnauthorized.
func IsUnauthorized(err error) bool { return KindOf(err) == KindUnauthorized }

// IsForbidden reports KindForbidden.
func IsForbidden(err error) bool { return KindOf(err) == KindForbidden }

// IsLimitReached reports KindLimitReached.
func IsLimitReached(err error) bool { return KindOf(err) == KindLimitReached }
