package xano

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// maxPages stops ListTokens if a server keeps answering with a next page;
// 10 active tokens per instance never need more than a handful of pages.
const maxPages = 10000

// violation reports a token without an id, which no later call could name.
func (t *Token) violation() string {
	if t.ID <= 0 {
		return "it has no valid id"
	}
	return ""
}

// ListTokens returns every token of instance, following nextPage to the end.
func (c *Client) ListTokens(ctx context.Context, instance string) ([]Token, error) {
	if err := checkInstance("listing tokens", instance); err != nil {
		return nil, err
	}
	var all []Token
	seen := map[int]bool{}
	page := 1
	var req request
	for range maxPages {
		seen[page] = true
		req = request{method: http.MethodGet, what: "page of tokens",
			path: tokensPath(instance) + "?page=" + strconv.Itoa(page) + "&per_page=" + strconv.Itoa(c.pageSize)}
		p, err := doJSON[TokenPage](ctx, c, req)
		if err != nil {
			return nil, err
		}
		for i, t := range p.Items {
			if t.ID <= 0 {
				return nil, c.decodeError(req, http.StatusOK, fmt.Sprintf("item %d has no valid id", i), nil)
			}
		}
		all = append(all, p.Items...)
		if p.NextPage == nil {
			return all, nil
		}
		next := *p.NextPage
		if next <= 0 || seen[next] {
			return nil, c.decodeError(req, http.StatusOK,
				fmt.Sprintf("nextPage %d points back to a page already read, so the listing would never end", next), nil)
		}
		page = next
	}
	return nil, c.decodeError(req, http.StatusOK, fmt.Sprintf("the API kept answering with a next page after %d pages", maxPages), nil)
}

// CreateToken mints a token with a fresh Idempotency-Key, reused for every
// retry, so a lost response never mints a second token. The returned token
// carries its secret, which the client redacts from then on.
func (c *Client) CreateToken(ctx context.Context, instance string, req CreateTokenRequest) (*Token, error) {
	key, err := NewIdempotencyKey()
	if err != nil {
		return nil, err
	}
	return c.CreateTokenWithKey(ctx, instance, req, key)
}

// CreateTokenWithKey mints a token with the caller's Idempotency-Key. A
// caller that keeps the key of a create whose answer was lost, and sends the
// same request with it in a later run, gets the token the server minted then
// rather than a second one, as long as the server still remembers the key.
func (c *Client) CreateTokenWithKey(ctx context.Context, instance string, body CreateTokenRequest, idempotencyKey string) (*Token, error) {
	if err := checkInstance("creating a token", instance); err != nil {
		return nil, err
	}
	if strings.TrimSpace(idempotencyKey) == "" || hasControl(idempotencyKey) {
		return nil, &RequestError{Op: "creating a token", Reason: "the idempotency key is empty or contains control characters"}
	}
	req := request{method: http.MethodPost, path: tokensPath(instance), body: body, idempotencyKey: idempotencyKey, what: "token"}
	t, err := doJSON[Token](ctx, c, req)
	if err != nil {
		hideCreateExcerpt(err)
		return nil, err
	}
	if t.Secret == "" {
		return nil, c.decodeError(req, http.StatusOK, "the create response carries no \"token\" secret", nil)
	}
	c.rememberSecret(t.Secret)
	return t, nil
}

// hideCreateExcerpt drops the body excerpt of a create response the client
// could not use when that body is JSON, behind a byte order mark or a ")]}'"
// guard too: it may carry the new token's secret under a key the masking
// does not recognise (JSON keys may be escaped), so no excerpt of it is safe
// to show.
func hideCreateExcerpt(err error) {
	var de *DecodeError
	if !errors.As(err, &de) || de.Excerpt == "" {
		return
	}
	if trimmed := trimJSONPrefix([]byte(de.Excerpt)); bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("[")) {
		de.Excerpt = ""
		de.Reason += " (the body is not shown, since it may hold the new token's secret)"
	}
}

// GetToken returns one token (without its secret); a missing token is an
// error for which IsNotFound is true.
func (c *Client) GetToken(ctx context.Context, instance string, id int64) (*Token, error) {
	return c.callToken(ctx, http.MethodGet, instance, id, nil)
}

// UpdateToken changes a token's name and/or description. It sends no
// Idempotency-Key, so it is retried only when the server says it did not
// process the request (429, 503) or the connection was refused.
func (c *Client) UpdateToken(ctx context.Context, instance string, id int64, req UpdateTokenRequest) (*Token, error) {
	return c.callToken(ctx, http.MethodPost, instance, id, req)
}

// callToken sends a request about token id and returns the token the answer
// describes, refusing an answer about another token.
func (c *Client) callToken(ctx context.Context, method, instance string, id int64, body any) (*Token, error) {
	op := "reading"
	if method == http.MethodPost {
		op = "updating"
	}
	if err := checkInstance(fmt.Sprintf("%s token %d", op, id), instance); err != nil {
		return nil, err
	}
	req := request{method: method, path: tokenPath(instance, id), body: body, what: "token"}
	t, err := doJSON[Token](ctx, c, req)
	if err != nil {
		return nil, err
	}
	if t.ID != id {
		return nil, c.decodeError(req, http.StatusOK, fmt.Sprintf("it describes token %d, not %d", t.ID, id), nil)
	}
	return t, nil
}

// DeleteToken revokes a token with one DELETE (and its retries). A missing
// token is a 404 error; RevokeToken is the call that takes a token proven
// gone as revoked.
func (c *Client) DeleteToken(ctx context.Context, instance string, id int64) error {
	if err := checkInstance(fmt.Sprintf("revoking token %d", id), instance); err != nil {
		return err
	}
	return c.doNoContent(ctx, request{method: http.MethodDelete, path: tokenPath(instance, id)})
}

// RevokeToken revokes a token, and takes a token proven gone (see
// ConfirmTokenGone) as revoked already: nil then too.
func (c *Client) RevokeToken(ctx context.Context, instance string, id int64) error {
	err := c.DeleteToken(ctx, instance, id)
	if err == nil {
		return nil
	}
	_, err = c.ConfirmTokenGone(ctx, instance, id, err)
	return err
}

// ConfirmTokenGone decides whether err, the answer to a call about token id,
// proves the token no longer exists. This is the client's one rule for
// "gone": a 404 alone is no proof, since a mistyped base_url or a proxy
// answers 404 too and dropping a live token from state would mint a
// duplicate, so the 404 must carry Xano's ERROR_CODE_NOT_FOUND and the
// instance's token list must then load without the id. Otherwise it returns
// false with err, or with an *UnconfirmedGoneError that says why the 404
// proves nothing.
func (c *Client) ConfirmTokenGone(ctx context.Context, instance string, id int64, err error) (bool, error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return false, err
	}
	unconfirmed := &UnconfirmedGoneError{Instance: instance, ID: id, Err: err}
	if !apiErr.HasCode(CodeNotFound) {
		unconfirmed.NotXano = true
		return false, unconfirmed
	}
	tokens, listErr := c.ListTokens(ctx, instance)
	if listErr != nil {
		unconfirmed.ListErr = listErr
		return false, unconfirmed
	}
	for _, t := range tokens {
		if t.ID == id {
			unconfirmed.StillListed = true
			return false, unconfirmed
		}
	}
	return true, nil
}

// ValidInstanceName reports why no request may name the instance: an empty
// name, a dot segment ("." or "..", which would turn /instance/.. into
// another path), a slash or backslash, or a control character. nil means
// the name can be sent.
func ValidInstanceName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("the instance name is empty")
	case name == "." || name == "..":
		return errors.New(`the instance name is "." or "..", a path segment that names no instance`)
	case strings.ContainsAny(name, `/\`):
		return errors.New("the instance name contains a slash or backslash")
	case hasControl(name):
		return errors.New("the instance name contains a control character")
	}
	return nil
}

// checkInstance refuses, before anything is sent, a call of op about an
// instance name ValidInstanceName refuses.
func checkInstance(op, instance string) error {
	if err := ValidInstanceName(instance); err != nil {
		return &RequestError{Op: op, Reason: err.Error()}
	}
	return nil
}

// NewIdempotencyKey returns a random UUID (version 4) for an Idempotency-Key,
// as CreateToken sends and CreateTokenWithKey takes.
func NewIdempotencyKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating an idempotency key: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
