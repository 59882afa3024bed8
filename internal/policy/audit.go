package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The rules that answer the security practice of Xano's scope guide beyond
// the grants themselves: regular cleanup (idle, unmanaged) and the comparison
// of required with granted permissions (purpose).
const (
	// RuleIdle is a valid token unused for longer than the policy's MaxIdle.
	RuleIdle = "idle"
	// RuleUnmanaged is a token of the instance that the audit was told
	// Terraform does not manage.
	RuleUnmanaged = "unmanaged"
	// RulePurpose is a grant beyond the recipe the token declares.
	RulePurpose = "purpose"
)

// Usage is what the API says about a token's use and life.
type Usage struct {
	Created time.Time
	// LastUsed is nil for a token never used.
	LastUsed *time.Time
	// Expires is nil for a token that never expires.
	Expires *time.Time
}

// ParseMaxIdle parses the policy's max_idle: a positive duration such as
// "30d".
func ParseMaxIdle(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("policy max_idle: %w", err)
	}
	if d == 0 {
		return 0, fmt.Errorf("policy max_idle %q is zero: set a duration such as \"30d\", or leave max_idle out to report no idle token", s)
	}
	return d, nil
}

// IdleFinding reports a token unused for longer than pol.MaxIdle at now:
// never used and created more than MaxIdle ago, or last used more than
// MaxIdle ago. An expired token is not idle: it no longer works, and the
// audit's expired attribute reports it. The summary quotes times, not an
// age, so it stays the same from one plan to the next.
func IdleFinding(u Usage, pol Policy, now time.Time) (Finding, bool) {
	if pol.MaxIdle <= 0 || (u.Expires != nil && !now.Before(*u.Expires)) {
		return Finding{}, false
	}
	since, what := u.Created, "never used since its creation at "
	if u.LastUsed != nil {
		since, what = *u.LastUsed, "last used at "
	}
	if now.Sub(since) <= pol.MaxIdle {
		return Finding{}, false
	}
	return Finding{
		Severity: scopes.SeverityHigh,
		Rule:     RuleIdle,
		Summary: what + since.UTC().Format(time.RFC3339) + ", more than the provider policy's max_idle of " +
			duration.Format(pol.MaxIdle) + " ago",
	}, true
}

// UnmanagedFinding is the finding of a token the audit was told Terraform
// does not manage.
func UnmanagedFinding() Finding {
	return Finding{
		Severity: scopes.SeverityHigh,
		Rule:     RuleUnmanaged,
		Summary:  "not managed by this Terraform configuration: nothing reviews, rotates or revokes it; import it or revoke it",
	}
}

// purposeFinding reports pair when spec declares a purpose whose recipe does
// not grant it. Its severity is the grant's, and at least high, so it is
// reported under the default warn_at. An unknown purpose is left to
// validation.
func purposeFinding(spec Spec, pair scopes.Pair, t grantText) (Finding, bool) {
	if spec.Purpose == "" {
		return Finding{}, false
	}
	recipe, err := scopes.LookupPreset(spec.Purpose)
	if err != nil {
		return Finding{}, false
	}
	if g, ok := recipe.Grants.Find(pair.Scope); ok && g.Has(pair.Perm) {
		return Finding{}, false
	}
	return Finding{
		Severity:   max(t.severity, scopes.SeverityHigh),
		Rule:       RulePurpose,
		Scope:      pair.Scope,
		Permission: pair.Perm,
		About:      AboutGrants,
		Summary:    fmt.Sprintf("%s is not part of the %s recipe", pair, recipe.Name),
	}, true
}

// purposeLine is the one line of a report naming every reported grant
// beyond the token's recipe.
func purposeLine(spec Spec, reported []Finding) (string, bool) {
	var pairs []string
	for _, f := range reported {
		if f.Rule == RulePurpose {
			pairs = append(pairs, scopes.Pair{Scope: f.Scope, Perm: f.Permission}.String())
		}
	}
	switch len(pairs) {
	case 0:
		return "", false
	case 1:
		return fmt.Sprintf("Purpose: %s is not part of the %s recipe of Xano's scope guide; remove it, or set the purpose the token really serves.",
			pairs[0], spec.Purpose), true
	}
	return fmt.Sprintf("Purpose: %s are not part of the %s recipe of Xano's scope guide; remove them, or set the purpose the token really serves.",
		strings.Join(pairs, ", "), spec.Purpose), true
}

// idleLine is the report's line for an idle finding.
func idleLine(f Finding) string {
	return "Idle: " + f.Summary + "; revoke it if nothing needs it (remove the resource, or terraform destroy -target), " +
		"or raise max_idle. Idle tokens warn but never fail a plan."
}

// advisory reports the findings a plan shows but never turns into an error
// under enforce: they describe how the token is used, which no change of its
// configuration undoes, so time passing alone would otherwise fail plans.
func advisory(f Finding) bool { return f.Rule == RuleIdle || f.Rule == RuleUnmanaged }
