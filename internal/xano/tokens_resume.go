package xano

import "context"

// CreateTokenWithKey mints a token with the caller's Idempotency-Key. A
// caller that keeps the key of a create whose answer was lost, and sends the
// same request with it in a later run, gets the token the server minted then
// rather than a second one, as long as the server still remembers the key.
func (c *Client) CreateTokenWithKey(ctx context.Context, instance string, req CreateTokenRequest, idempotencyKey string) (*Token, error) {
	return c.createToken(ctx, instance, req, idempotencyKey)
}

// NewIdempotencyKey returns a fresh random key for CreateTokenWithKey.
func NewIdempotencyKey() (string, error) { return newIdempotencyKey() }
