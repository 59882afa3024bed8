package xano

import (
	"fmt"
	"net/url"
	"strconv"
)

// The token-management contract lives in this one file: Xano publishes no
// token endpoints, so these paths are the provider's documented assumption
// (DESIGN.md, "API contract") and the emulator serves exactly these.
const (
	PathMe            = "/auth/me"
	PathTokens        = "/instance/{instance}/token"
	PathToken         = "/instance/{instance}/token/{id}"
	HeaderIdempotency = "Idempotency-Key"
	DefaultBaseURL    = "https://app.xano.com/api:meta"
)

func tokensPath(instance string) string {
	return fmt.Sprintf("/instance/%s/token", url.PathEscape(instance))
}

func tokenPath(instance string, id int64) string {
	return fmt.Sprintf("/instance/%s/token/%s", url.PathEscape(instance), strconv.FormatInt(id, 10))
}
