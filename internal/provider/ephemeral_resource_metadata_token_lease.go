package provider

import (
	"context"
	"encoding/hex"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Terraform does not close an ephemeral resource whose consumer failed or
// was interrupted, so two mechanisms keep such tokens from piling up toward
// Xano's limit of 10 active tokens per instance: the process revokes what it
// opened and did not close when Terraform stops it (Shutdown), and every
// token carries a lease in its description, after which the next Open on the
// instance revokes it as abandoned (a killed process cannot clean up).

const (
	// mintedSuffixBytes random bytes, hex-encoded after a dash, make every
	// minted name unique, so concurrent runs never collide.
	mintedSuffixBytes = 4
	// ephemeralDefaultLease outlasts a typical run by far: a token whose
	// lease has passed may be revoked by another run while still in use.
	ephemeralDefaultLease = "1h"
	// minLease keeps a lease long enough that a run is not cut short by a
	// concurrent one for a lease set too tight.
	minLease = 5 * time.Minute
	// ShutdownTimeout bounds Shutdown: after asking the plugin to exit,
	// Terraform waits two seconds before it kills the process.
	ShutdownTimeout = 1500 * time.Millisecond
)

// abandoned returns the tokens of the ephemeral block named prefix whose
// lease has passed at now and that are still valid, skipping those open in
// this process. Only the block's own names (prefix, a dash, 8 hex digits)
// qualify, so a marker forged or left on another token never revokes it.
func abandoned(tokens []xano.Token, prefix string, now time.Time, open func(id int64) bool) []xano.Token {
	var out []xano.Token
	for _, t := range tokens {
		until, ok := lifecycle.LeaseOf(t)
		if !ok || !mintedBy(prefix, t.Name) || now.Before(until) || open(t.ID) {
			continue
		}
		if times, err := lifecycle.TimesOf(&t); err == nil && times.Expires != nil && !now.Before(*times.Expires) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// processOpenTokens is the registry of the running provider process, which
// Shutdown empties.
var processOpenTokens = &lifecycle.OpenTokens{}

// Shutdown revokes every ephemeral token this process opened and did not
// close. Terraform 1.11 does not close an ephemeral resource whose consumer
// failed, but it stops the provider at the end of every run, so main calls
// Shutdown once the server has stopped, with a context bounded by
// ShutdownTimeout. The errors name token ids, never secrets.
func Shutdown(ctx context.Context) error {
	return processOpenTokens.RevokeAll(ctx)
}

// leaseDescription documents the lease attribute.
var leaseDescription = strings.Join([]string{
	"How long the token is reserved for this run, such as `\"1h\"` (the default) or `\"3h\"`; at least `\"5m\"`.",
	"The token's description ends with a marker holding the time the lease ends. If the run never closes the token",
	"(its process was killed), the next run that opens an ephemeral token on the instance revokes it once that time",
	"has passed; before then it is never touched, since a run may still use it. Set it longer than your longest run.",
	"A lease longer than `expires_in` ends when the token expires.",
}, " ")

// mintedBy says whether name is one the ephemeral block named prefix mints.
func mintedBy(prefix, name string) bool {
	suffix, ok := strings.CutPrefix(name, prefix+"-")
	if !ok || len(suffix) != 2*mintedSuffixBytes {
		return false
	}
	_, err := hex.DecodeString(suffix)
	return err == nil && strings.ToLower(suffix) == suffix
}
