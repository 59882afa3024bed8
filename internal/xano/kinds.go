package xano

import (
	"context"
	"errors"
	"net/http"
)

// Kind is what a failed call means for the caller: every error the client
// returns has exactly one, read by KindOf. The typed errors keep the facts
// behind it (status, code, attempts) for messages.
type Kind int

// The kinds. A write (POST or DELETE) that may have been processed is
// KindOutcomeUnknown whatever its last answer said, except a 409 that names
// the token and a 404 to a DELETE, which settle the outcome.
const (
	// KindUnknown is the kind of nil and of errors the client did not make.
	KindUnknown Kind = iota
	// KindNotFound is a 404: the token or instance does not exist (or the URL is wrong).
	KindNotFound
	// KindForbidden is a 403: the access token is valid but may not do this.
	KindForbidden
	// KindUnauthorized is a 401: the access token is missing, wrong, expired or revoked.
	KindUnauthorized
	// KindRateLimited is a 429 that the retries did not get past.
	KindRateLimited
	// KindConflict is a 409: a create's Idempotency-Key was used by a create whose token cannot be returned (see ConflictTokenID).
	KindConflict
	// KindInvalidInput is a request refused as sent: a 400 or other 4xx, or a call the client refused before sending.
	KindInvalidInput
	// KindLimitReached is the 400 answered when the instance already holds MaxActiveTokens active tokens.
	KindLimitReached
	// KindUnreachable is a call that got no answer and cannot have changed anything: nothing was sent, or a read got no answer.
	KindUnreachable
	// KindOutcomeUnknown is a failed write that the server may nevertheless have carried out.
	KindOutcomeUnknown
	// KindServerError is a failure of the server or a proxy: a 5xx the retries did not get past, or an answer outside the contract.
	KindServerError
	// KindNoTokenAPI is a 404 to an instance's token list or create when the account confirms the instance exists: the API serves no token endpoints, as Xano's documented account API does not (see NoTokenAPIError).
	KindNoTokenAPI
)

var kindNames = [...]string{
	KindUnknown:        "unknown",
	KindNotFound:       "not found",
	KindForbidden:      "forbidden",
	KindUnauthorized:   "unauthorized",
	KindRateLimited:    "rate limited",
	KindConflict:       "conflict",
	KindInvalidInput:   "invalid input",
	KindLimitReached:   "token limit reached",
	KindUnreachable:    "unreachable",
	KindOutcomeUnknown: "outcome unknown",
	KindServerError:    "server error",
	KindNoTokenAPI:     "no token endpoints",
}

// String names the kind in lower case, e.g. "rate limited".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// kinded is implemented by every error type of the client.
type kinded interface {
	kind() Kind
}

// KindOf returns the kind of an error the client returned, looking through
// wrapping; a bare context error (the call's context ended before any
// request) is KindUnreachable, and nil or any other error KindUnknown.
func KindOf(err error) Kind {
	if err == nil {
		return KindUnknown
	}
	var k kinded
	if errors.As(err, &k) {
		return k.kind()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return KindUnreachable
	}
	return KindUnknown
}

func (e *APIError) kind() Kind {
	if _, ok := e.conflictToken(); ok {
		// The server names the token the key minted: the outcome is known.
		return KindConflict
	}
	if e.Uncertain && (e.Method != http.MethodDelete || e.StatusCode != http.StatusNotFound) {
		return KindOutcomeUnknown
	}
	switch s := e.StatusCode; {
	case s == http.StatusNotFound:
		return KindNotFound
	case s == http.StatusForbidden:
		return KindForbidden
	case s == http.StatusUnauthorized:
		return KindUnauthorized
	case s == http.StatusTooManyRequests:
		return KindRateLimited
	case s == http.StatusConflict:
		return KindConflict
	case s == http.StatusBadRequest && e.limitReached():
		return KindLimitReached
	case s >= 400 && s <= 499:
		return KindInvalidInput
	}
	// A 5xx, or a status no API error has (a redirect the client did not follow).
	return KindServerError
}

func (e *TransportError) kind() Kind {
	if e.Uncertain {
		return KindOutcomeUnknown
	}
	return KindUnreachable
}

// A 2xx whose body the client cannot use is a contract breach, kept apart
// from OutcomeUnknown so that repeating a create does not meet it forever.
func (e *DecodeError) kind() Kind { return KindServerError }

// An unconfirmed 404 never reads as not found, so no caller takes it for a
// gone token: a failed listing keeps its own kind, and the rest are answers
// outside the contract.
func (e *UnconfirmedGoneError) kind() Kind {
	if e.ListErr != nil {
		if k := KindOf(e.ListErr); k != KindNotFound && k != KindUnknown {
			return k
		}
	}
	return KindServerError
}

func (e *RequestError) kind() Kind { return KindInvalidInput }
