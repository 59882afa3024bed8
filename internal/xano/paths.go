package xano

import (
	"fmt"
	"net/url"
	"strconv"
)

// The API contract lives in this one file. GET /auth/me, GET /instance and
// GET /instance/{name} are documented by Xano; Xano publishes no token
// endpoints, so the token paths are this provider's assumption. The API
// contract page (docs/guides/api-contract.md) says which is which, and the
// emulator serves exactly these.
const (
	PathMe            = "/auth/me"
	PathInstances     = "/instance"
	PathInstance      = "/instance/{name}"
	PathTokens        = "/instance/{instance}/token"
	PathToken         = "/instance/{instance}/token/{id}"
	HeaderIdempotency = "Idempotency-Key"
	DefaultBaseURL    = "https://app.xano.com/api:meta"
)

func instancePath(name string) string {
	return "/instance/" + url.PathEscape(name)
}

func tokensPath(instance string) string {
	return fmt.Sprintf("/instance/%s/token", url.PathEscape(instance))
}

func tokenPath(instance string, id int64) string {
	return fmt.Sprintf("/instance/%s/token/%s", url.PathEscape(instance), strconv.FormatInt(id, 10))
}
