// Package policy is the plan-time risk review of Xano Metadata API tokens: it
// turns a token spec and an organisation's policy into findings, each with a
// severity, the attribute it concerns and words a reviewer can act on. It has
// no Terraform imports, so the resource, the audit data source and tests share
// the same rules.
package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// Wildcard stands for any scope or any permission in a deny pattern.
const Wildcard = "*"

// Policy is the provider-level guardrail configuration.
type Policy struct {
	// WarnAt is the lowest severity reported; the zero value means high.
	WarnAt scopes.Severity
	// Deny lists grants that always fail the plan.
	Deny []Pattern
	// MaxLifetime caps expires_in; 0 means no cap.
	MaxLifetime time.Duration
	// RequireDescription makes an empty description a high finding.
	RequireDescription bool
	// Enforce turns findings at or above WarnAt into errors unless the
	// resource carries a risk acknowledgement.
	Enforce bool
	// MaxIdle is the longest a valid token may go unused before an idle
	// finding; 0 means no such finding.
	MaxIdle time.Duration
	// ExpiryWarning is the horizon of ExpiryNotice; 0 turns it off.
	ExpiryWarning time.Duration
	// RotateMintedBefore is the incident cut-off: a managed token minted
	// before it plans its rotation; the zero time means none.
	RotateMintedBefore time.Time
	// NamePattern is the rule every minted token's name must match; nil
	// means any name.
	NamePattern *regexp.Regexp
	// AcknowledgementMaxAge requires review_by with every acknowledgement,
	// no further ahead than this; 0 means review_by is optional.
	AcknowledgementMaxAge time.Duration
}

// Default returns the policy used when the provider has no policy block:
// report high and critical findings as warnings, deny nothing, and warn two
// days before a token without rotation expires.
func Default() Policy {
	return Policy{WarnAt: scopes.SeverityHigh, ExpiryWarning: DefaultExpiryWarning}
}

// warnAt resolves the zero value to the documented default.
func (p Policy) warnAt() scopes.Severity {
	if p.WarnAt == 0 {
		return scopes.SeverityHigh
	}
	return p.WarnAt
}

// Pattern is one deny entry, "scope.permission", where either side may be
// the wildcard "*".
type Pattern struct{ Scope, Perm string }

// String renders the pattern as written in HCL, e.g. "workspace_database.delete".
func (p Pattern) String() string { return p.Scope + "." + p.Perm }

// Matches reports whether the pattern covers permission perm on scope key.
func (p Pattern) Matches(key string, perm scopes.Permission) bool {
	return (p.Scope == Wildcard || p.Scope == key) && (p.Perm == Wildcard || p.Perm == string(perm))
}

// patternExamples is quoted by every format error so the fix is one copy away.
const patternExamples = `"workspace_database.delete", "workspace_live_data_source.*", "*.delete" or "*.*"`

// ParsePattern parses a deny entry and checks both sides against the catalog.
// The scope must be an HCL key (a display name or wire key gets a
// did-you-mean) and the permission one of create, read, update, delete.
func ParsePattern(s string) (Pattern, error) {
	in := strings.TrimSpace(s)
	scope, perm, ok := strings.Cut(in, ".")
	if !ok || scope == "" || perm == "" || strings.Contains(perm, ".") {
		return Pattern{}, fmt.Errorf("deny pattern %q is not valid: write it as scope.permission, such as %s", s, patternExamples)
	}
	if scope != Wildcard {
		if strings.Contains(scope, Wildcard) {
			return Pattern{}, fmt.Errorf("deny pattern %q is not valid: %q mixes a name and *; * stands for a whole side, such as %s", s, scope, patternExamples)
		}
		if _, err := scopes.Resolve(scope); err != nil {
			return Pattern{}, fmt.Errorf("deny pattern %q names an unknown scope: %w", s, err)
		}
	}
	if perm != Wildcard && !slices.Contains(scopes.Permissions, scopes.Permission(perm)) {
		names := permissionNames()
		msg := fmt.Sprintf("deny pattern %q names an unknown permission %q.", s, perm)
		if sug := scopes.SuggestFrom(perm, names); sug != "" {
			msg += fmt.Sprintf(" Did you mean %q?", sug)
		}
		return Pattern{}, fmt.Errorf("%s Use one of %s, or * for all four", msg, strings.Join(names, ", "))
	}
	return Pattern{Scope: scope, Perm: perm}, nil
}

func permissionNames() []string {
	out := make([]string, len(scopes.Permissions))
	for i, p := range scopes.Permissions {
		out[i] = string(p)
	}
	return out
}

// Config is the provider's policy block as written: the text of each
// setting, "" where it is unset. ParsePolicy turns it into a Policy.
type Config struct {
	// WarnAt is a severity name; "" means high.
	WarnAt string
	// Deny lists patterns written scope.permission.
	Deny []string
	// MaxLifetime is a duration; "" means no cap.
	MaxLifetime string
	// RequireDescription makes an empty description a high finding.
	RequireDescription bool
	// Enforce turns findings into errors, as Policy.Enforce does.
	Enforce bool
	// MaxIdle is a duration; "" means no idle finding.
	MaxIdle string
	// ExpiryWarning is a duration; "" means DefaultExpiryWarning and "0s"
	// no expiry warning.
	ExpiryWarning string
	// RotateMintedBefore is an RFC 3339 time; "" means no cut-off.
	RotateMintedBefore string
	// NamePattern is an RE2 regular expression; nil means none, and an
	// empty pattern is an error.
	NamePattern *string
	// AcknowledgementMaxAge is a duration; "" means review_by is optional.
	AcknowledgementMaxAge string
}

// ParsePolicy builds a Policy from the provider's policy block. Every
// invalid value yields its own error naming the attribute and the value; the
// returned policy keeps the valid parts.
func ParsePolicy(c Config) (Policy, []error) {
	pol := Default()
	pol.RequireDescription = c.RequireDescription
	pol.Enforce = c.Enforce
	var errs []error
	if strings.TrimSpace(c.WarnAt) != "" {
		sev, err := scopes.ParseSeverity(c.WarnAt)
		if err != nil {
			errs = append(errs, fmt.Errorf("policy warn_at %q is not a severity: use low, medium, high or critical", c.WarnAt))
		} else {
			pol.WarnAt = sev
		}
	}
	seen := map[Pattern]bool{}
	for _, d := range c.Deny {
		p, err := ParsePattern(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("policy deny: %w", err))
			continue
		}
		if !seen[p] {
			seen[p] = true
			pol.Deny = append(pol.Deny, p)
		}
	}
	if strings.TrimSpace(c.MaxLifetime) != "" {
		d, err := ParseMaxLifetime(c.MaxLifetime)
		if err != nil {
			errs = append(errs, err)
		} else {
			pol.MaxLifetime = d
		}
	}
	if strings.TrimSpace(c.MaxIdle) != "" {
		d, err := ParseMaxIdle(c.MaxIdle)
		if err != nil {
			errs = append(errs, err)
		} else {
			pol.MaxIdle = d
		}
	}
	if strings.TrimSpace(c.ExpiryWarning) != "" {
		d, err := ParseExpiryWarning(c.ExpiryWarning)
		if err != nil {
			errs = append(errs, err)
		} else {
			pol.ExpiryWarning = d
		}
	}
	if strings.TrimSpace(c.RotateMintedBefore) != "" {
		if t, err := ParseCutoff(c.RotateMintedBefore); err != nil {
			errs = append(errs, err)
		} else {
			pol.RotateMintedBefore = t
		}
	}
	if c.NamePattern != nil {
		if re, err := ParseNamePattern(*c.NamePattern); err != nil {
			errs = append(errs, err)
		} else {
			pol.NamePattern = re
		}
	}
	if strings.TrimSpace(c.AcknowledgementMaxAge) != "" {
		if d, err := ParseAcknowledgementMaxAge(c.AcknowledgementMaxAge); err != nil {
			errs = append(errs, err)
		} else {
			pol.AcknowledgementMaxAge = d
		}
	}
	return pol, errs
}

// ParseMaxLifetime parses the policy's max_lifetime: a positive duration
// such as "90d".
func ParseMaxLifetime(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("policy max_lifetime: %w", err)
	}
	if d == 0 {
		return 0, fmt.Errorf("policy max_lifetime %q is zero: set a lifetime such as \"90d\", or leave max_lifetime out for no cap", s)
	}
	return d, nil
}
