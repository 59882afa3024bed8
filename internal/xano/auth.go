package xano

import (
	"context"
	"net/http"
)

// Me returns the account the access token belongs to.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	return doJSON[Me](ctx, c, request{method: http.MethodGet, path: PathMe, what: "account"})
}
