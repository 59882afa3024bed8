package provider

import (
	"context"
	"encoding/hex"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Terraform does not close an ephemeral resource whose consumer failed, so
// the process revokes what it left open when it stops (Shutdown), and a lease
// marker lets the block's next Open revoke what a killed process left.

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

// abandoned returns the still valid tokens of the block named prefix whose
// lease has passed, except those open here; only the block's own names
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
// close; main calls it once the server has stopped, within ShutdownTimeout.
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
