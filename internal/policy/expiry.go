package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
)

// DefaultExpiryWarning is the expiry horizon when the policy sets none: two
// days, so a token expiring over a weekend is noticed by Friday's plan.
const DefaultExpiryWarning = 48 * time.Hour

// ParseExpiryWarning parses the policy's expiry_warning; "0s" turns the
// warning off.
func ParseExpiryWarning(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("policy expiry_warning: %w", err)
	}
	return d, nil
}

// ExpiryNotice is the plan warning for a token that will expire within the
// policy's ExpiryWarning horizon with nothing to replace it: a token with a
// rotation window (rotates) is replaced before it expires, and an expired
// one is replaced by the plan anyway, so neither gets it. lifetime is the
// token's, for the advice; now is when the token was last checked. nil means
// no warning.
func (p Policy) ExpiryNotice(sub Subject, lifetime time.Duration, expiresAt, now time.Time, rotates bool) *Message {
	left := expiresAt.Sub(now)
	if rotates || p.ExpiryWarning <= 0 || left <= 0 || left > p.ExpiryWarning {
		return nil
	}
	// Minutes are precise enough for a horizon of days, and stable between
	// the plan and the apply that follows it.
	shown := duration.Format(max(left.Truncate(time.Minute), time.Minute))
	lines := []string{
		fmt.Sprintf("%s expires at %s, in %s, and has no rotate_before: nothing replaces it before then, "+
			"so whatever uses its secret will be refused from that moment.", sub, expiresAt.UTC().Format(time.RFC3339), shown),
		fmt.Sprintf("Add rotate_before (for example rotate_before = %q, a quarter of its lifetime) so that a plan mints the new "+
			"token ahead of the expiry, or re-apply with a new lifetime: change expires_in, or run terraform apply -replace "+
			"on this resource.", suggestRotateBefore(lifetime)),
		fmt.Sprintf("The provider policy's expiry_warning (%s) sets how far ahead this warning looks.", duration.Format(p.ExpiryWarning)),
	}
	return &Message{
		Summary: fmt.Sprintf("%s: expires in %s, no rotate_before", sub, shown),
		Detail:  strings.Join(lines, "\n"),
		About:   AboutExpiry,
	}
}

// suggestRotateBefore proposes a quarter of the lifetime, in whole hours
// (minutes for a lifetime under four hours), which the resource accepts since
// it is shorter than the lifetime; any rotate_before silences the warning.
func suggestRotateBefore(lifetime time.Duration) string {
	q := lifetime / 4
	if q >= time.Hour {
		return duration.Format(q.Round(time.Hour))
	}
	return duration.Format(max(q.Round(time.Minute), time.Minute))
}
