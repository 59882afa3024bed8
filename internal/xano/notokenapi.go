package xano

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// NoTokenAPIError is a 404 to an instance's token list or create when the
// account's Metadata API confirms that the instance exists (GET /instance or
// GET /instance/{name}): the API serves no token endpoints, as Xano's
// documented account API does not. Its kind is KindNoTokenAPI; Unwrap gives
// the answer.
type NoTokenAPIError struct {
	Instance string
	// Err is the answer: the 404, or the UnconfirmedGoneError whose listing
	// got it.
	Err error
}

// Error states the 404 and that the instance exists.
func (e *NoTokenAPIError) Error() string {
	return fmt.Sprintf("%s, although the account's Metadata API confirms instance %q", strings.TrimSuffix(e.Err.Error(), "."), e.Instance)
}

// Unwrap returns the answer for errors.As; the error's kind is its own.
func (e *NoTokenAPIError) Unwrap() error { return e.Err }

func (e *NoTokenAPIError) kind() Kind { return KindNoTokenAPI }

// IsNoTokenAPI reports KindNoTokenAPI.
func IsNoTokenAPI(err error) bool { return KindOf(err) == KindNoTokenAPI }

// collectionNotFound reports a 404 of kind not found to a list (GET) or a
// create (POST) at collection, an instance's token path as the client's
// errors show it: the error itself, or the listing that ConfirmTokenGone
// made. A 404 about one token proves nothing about the endpoints, since the
// token may be gone.
func collectionNotFound(collection string, err error) bool {
	var gone *UnconfirmedGoneError
	if errors.As(err, &gone) {
		if gone.ListErr == nil {
			return false
		}
		err = gone.ListErr
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || KindOf(apiErr) != KindNotFound {
		return false
	}
	p, _, _ := strings.Cut(apiErr.Path, "?")
	return p == collection && (apiErr.Method == http.MethodGet || apiErr.Method == http.MethodPost)
}

// ExplainNotFound returns err as a *NoTokenAPIError when it is a 404 to the
// token list or a create of instance and the account confirms that the
// instance exists, which it asks at most once per name. Otherwise, or on a
// nil directory, it returns err as it is: the 404 may then mean a wrong
// instance name or base_url.
func (d *Directory) ExplainNotFound(ctx context.Context, instance string, err error) error {
	if d == nil || err == nil || !collectionNotFound(d.client.redact(tokensPath(instance)), err) {
		return err
	}
	res, lerr := d.Lookup(ctx, instance, true)
	if lerr != nil || res.Found == nil {
		return err
	}
	return &NoTokenAPIError{Instance: instance, Err: err}
}

// ListTokens is Client.ListTokens with ExplainNotFound applied to its error,
// so a reader of the list can tell a missing token API from a wrong name.
func (d *Directory) ListTokens(ctx context.Context, instance string) ([]Token, error) {
	tokens, err := d.client.ListTokens(ctx, instance)
	if err != nil {
		return nil, d.ExplainNotFound(ctx, instance, err)
	}
	return tokens, nil
}

// AboutOneToken reports an API answer to a call about one token (a read, an
// update or a revoke of /instance/{instance}/token/{id}), as against the
// token list, a create or the instance endpoints: only there can a 404 mean
// that the token was deleted.
func AboutOneToken(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	p, _, _ := strings.Cut(apiErr.Path, "?")
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	return len(seg) == 4 && seg[0] == "instance" && seg[2] == "token" && seg[3] != ""
}
