package xano

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// maxExcerpt is how many bytes of an unexpected body an error shows.
const maxExcerpt = 200

// APIError is a non-2xx answer of the Metadata API. Code and Message come
// from a Xano JSON error body; Excerpt holds the start of any other body. All
// three are masked by the client before the error is built, for display;
// the predicates (IsNotFound, IsLimitReached...) use what the client read
// in the answer before masking it.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Method     string
	Path       string
	Attempts   int
	Excerpt    string
	// Uncertain is set on a failed POST when an earlier attempt may have
	// been processed without its answer arriving.
	Uncertain bool
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
// name must be ...", with the attempts made and a hint when they help.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	switch {
	case e.Code != "" || e.Message != "":
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		if e.Message != "" {
			// A period of the server's own would double the one added below.
			b.WriteString(": " + strings.TrimRight(e.Message, "."))
		}
	case e.Excerpt != "":
		fmt.Fprintf(&b, " %s, and the body is not a Xano JSON error: %q", http.StatusText(e.StatusCode), e.Excerpt)
	default:
		fmt.Fprintf(&b, " %s with an empty body", http.StatusText(e.StatusCode))
	}
	return b.String() + suffix(e.Attempts, e.hint())
}

// suffix ends an error message with the attempts made, when retries ran, and
// the hint, if any.
func suffix(attempts int, hint string) string {
	s := ""
	if attempts > 1 {
		s = fmt.Sprintf(" (retries ran out after %d attempts)", attempts)
	}
	if hint != "" {
		s += ". " + hint
	}
	return s
}

func (e *APIError) hint() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return "Check the access token (access_token, XANO_ACCESS_TOKEN or the Xano CLI profile): it is missing, wrong or revoked"
	case e.StatusCode == http.StatusForbidden:
		return "The access token is valid but not allowed to do this; use a token of an account that manages this instance"
	case e.StatusCode == http.StatusTooManyRequests:
		return "The API is rate limiting requests; wait and try again, or raise max_retries"
	case e.StatusCode >= 500:
		return "The Xano API or a proxy in front of it failed; try again later, and check base_url if it persists"
	}
	return ""
}

// TransportError is a request that got no HTTP answer: the connection failed
// or was dropped, the attempt timed out or the caller cancelled it. Its
// message is redacted; Unwrap gives the underlying error for errors.Is.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	Message  string
	// Uncertain is set on a failed POST that may have reached the server.
	Uncertain bool
	// NothingSent is set when no attempt got a connection (refused, DNS
	// failure, failed TLS handshake): the server never saw the request, so
	// it was certainly not carried out.
	NothingSent bool
	cause       error
	hint        string
}

// Error describes the failure and, after retries, how many attempts ran.
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Message) + suffix(e.Attempts, e.hint)
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
	return s + ". Check that base_url points at the Xano Metadata API (e.g. " + DefaultBaseURL + ")"
}

func statusIs(err error, code int) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == code
}

// IsNotFound reports a 404: the token (or instance) does not exist.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// MayHaveCommitted reports a failed POST that the server may nevertheless
// have carried out: a create that fails this way may have minted a token.
func MayHaveCommitted(err error) bool {
	var a *APIError
	if errors.As(err, &a) {
		return a.Uncertain
	}
	var t *TransportError
	return errors.As(err, &t) && t.Uncertain
}

// NothingSent reports a request that never reached the server: every
// attempt failed before a connection was made, so nothing was carried out.
func NothingSent(err error) bool {
	var t *TransportError
	return errors.As(err, &t) && t.NothingSent
}

// IsRateLimited reports a 429 that retries did not get past.
func IsRateLimited(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsUnauthorized reports a 401: the access token is missing, wrong or revoked.
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

// IsForbidden reports a 403: the token is valid but not allowed.
func IsForbidden(err error) bool { return statusIs(err, http.StatusForbidden) }

// IsInputError reports a 400 (ERROR_CODE_INPUT_ERROR): the request was refused.
func IsInputError(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.StatusCode == http.StatusBadRequest || e.code() == CodeInputError)
}

// IsLimitReached reports the 400 answered when the instance already has
// MaxActiveTokens active tokens (its message mentions "active tokens").
func IsLimitReached(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && e.limitReached()
}
