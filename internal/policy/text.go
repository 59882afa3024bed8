package policy

import (
	"fmt"
	"sync"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// grantText is the prepared wording for one (scope, permission) pair.
type grantText struct {
	severity scopes.Severity
	exposure string // what the holder can do, starting with a verb
}

// grantTexts is built once: the catalog is static, and reviews run on every
// plan of every token, so the wording should cost a map lookup.
var grantTexts = sync.OnceValue(func() map[scopes.Pair]grantText {
	out := map[scopes.Pair]grantText{}
	for _, s := range scopes.All() {
		for _, p := range scopes.Permissions {
			exposure := s.Exposure[p]
			if exposure == "" {
				exposure = fmt.Sprintf("%s what %s covers", p, s.DisplayName)
			}
			out[scopes.Pair{Scope: s.Key, Perm: p}] = grantText{severity: grantSeverity(p, s.RiskOf(p)), exposure: exposure}
		}
	}
	return out
})

// textFor returns the wording for pair, false when the scope or permission
// is not in the catalog (validation reports those).
func textFor(pair scopes.Pair) (grantText, bool) {
	t, ok := grantTexts()[pair]
	return t, ok
}
