package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// QuarterlyRotation is the longest lifetime that still fits the advice of
// Xano's scope guide to rotate tokens monthly or quarterly.
const QuarterlyRotation = 90 * duration.Day

// Rule identifiers, as carried in Finding.Rule.
const (
	RuleGrant               = "grant"
	RuleNeverExpires        = "never_expires"
	RuleLongLifetime        = "long_lifetime"
	RuleMaxLifetime         = "max_lifetime"
	RuleAdminKey            = "admin_key"
	RuleDescriptionRequired = "description_required"
	RuleDeny                = "deny"
	RuleWidening            = "widening"
	RuleNarrowing           = "narrowing"
)

// Aspect is the part of a token a finding or message is about; callers map
// it to their own fields.
type Aspect int

// The aspects of a token.
const (
	AboutToken Aspect = iota
	AboutGrants
	AboutLifetime
	AboutNeverExpires
	AboutDescription
	AboutExpiry
	AboutName
)

// Spec is what the review looks at: the token as configured, no API needed.
type Spec struct {
	// Grants are the token's scopes; unknown scopes are left to validation.
	Grants scopes.Grants
	// Lifetime is expires_in; ignored when NeverExpires, and 0 means not
	// known yet, so no lifetime rule fires.
	Lifetime time.Duration
	// NeverExpires is never_expires = true.
	NeverExpires bool
	// Description is the token's description, checked by RequireDescription.
	Description string
	// Acknowledgement is risk_acknowledgement; empty means none.
	Acknowledgement string
	// ReviewBy is when the acknowledgement lapses (review_by), nil for never.
	ReviewBy *ReviewBy
	// Lapsed says the acknowledgement is past ReviewBy at plan time, so it
	// no longer counts; the caller judges it against its clock.
	Lapsed bool
	// Purpose names the recipe of Xano's scope guide the token serves, ""
	// for none; every grant beyond it is a purpose finding.
	Purpose string
}

// Finding is one reviewed risk. Scope and Permission are empty when the
// finding is about the token as a whole.
type Finding struct {
	Severity scopes.Severity
	// Rule is one of the Rule* constants.
	Rule string
	// Scope is the HCL key concerned, "" when the finding is not about one scope.
	Scope string
	// Permission is the permission concerned, "" when not about one permission.
	Permission scopes.Permission
	// About is the part of the token concerned.
	About Aspect
	// Summary says in one line what the token can do or what is wrong, such
	// as "can delete records and drop tables across all data sources".
	Summary string
}

// Review returns every finding for spec, all severities, in a stable order:
// grants in catalog and CRUD order (each followed by its deny and purpose
// findings, if any), then the token-level rules.
func Review(spec Spec, pol Policy) []Finding {
	pairs := spec.Grants.Pairs()
	out := make([]Finding, 0, len(pairs)+2)
	for _, pair := range pairs {
		t, ok := textFor(pair)
		if !ok {
			continue
		}
		out = append(out, Finding{
			Severity:   t.severity,
			Rule:       RuleGrant,
			Scope:      pair.Scope,
			Permission: pair.Perm,
			About:      AboutGrants,
			Summary:    "can " + t.exposure,
		})
		if f, ok := denyFinding(pair, t, pol.Deny); ok {
			out = append(out, f)
		}
		if f, ok := purposeFinding(spec, pair, t); ok {
			out = append(out, f)
		}
	}
	if isAdminKey(spec.Grants) {
		out = append(out, Finding{
			Severity: scopes.SeverityCritical,
			Rule:     RuleAdminKey,
			About:    AboutGrants,
			Summary:  "every permission on every scope: an admin key in disguise",
		})
	}
	out = append(out, lifetimeFindings(spec, pol)...)
	if pol.RequireDescription && strings.TrimSpace(spec.Description) == "" {
		out = append(out, Finding{
			Severity: scopes.SeverityHigh,
			Rule:     RuleDescriptionRequired,
			About:    AboutDescription,
			Summary:  "has no description, and the provider policy requires one",
		})
	}
	return out
}

// ReviewChange reviews next and, when prev is not nil, names the grants a
// replacement adds (one widening finding) and removes (one narrowing finding).
func ReviewChange(prev *Spec, next Spec, pol Policy) []Finding {
	out := Review(next, pol)
	if prev == nil {
		return out
	}
	added, removed := scopes.Diff(prev.Grants, next.Grants)
	if f, ok := changeFinding(RuleWidening, added); ok {
		out = append(out, f)
	}
	if f, ok := changeFinding(RuleNarrowing, removed); ok {
		out = append(out, f)
	}
	return out
}

// grantSeverity is the severity of a grant given the catalog's rating: a
// delete is at least high, and an unrated permission counts as high so a
// catalog gap never hides a grant.
func grantSeverity(p scopes.Permission, catalog scopes.Severity) scopes.Severity {
	if catalog == 0 {
		return scopes.SeverityHigh
	}
	if p == scopes.Delete && catalog < scopes.SeverityHigh {
		return scopes.SeverityHigh
	}
	return catalog
}

func denyFinding(pair scopes.Pair, t grantText, deny []Pattern) (Finding, bool) {
	var matched []string
	for _, p := range deny {
		if p.Matches(pair.Scope, pair.Perm) {
			matched = append(matched, fmt.Sprintf("%q", p.String()))
		}
	}
	if len(matched) == 0 {
		return Finding{}, false
	}
	return Finding{
		Severity:   t.severity,
		Rule:       RuleDeny,
		Scope:      pair.Scope,
		Permission: pair.Perm,
		About:      AboutGrants,
		Summary:    "denied by the provider policy (" + strings.Join(matched, ", ") + ")",
	}, true
}

func isAdminKey(gs scopes.Grants) bool {
	for _, key := range scopes.Keys() {
		g, ok := gs.Find(key)
		if !ok || !g.Create || !g.Read || !g.Update || !g.Delete {
			return false
		}
	}
	return true
}

func lifetimeFindings(spec Spec, pol Policy) []Finding {
	var out []Finding
	maxLife := duration.Format(pol.MaxLifetime)
	if spec.NeverExpires {
		out = append(out, Finding{
			Severity: scopes.SeverityHigh,
			Rule:     RuleNeverExpires,
			About:    AboutNeverExpires,
			Summary:  "never expires, so a leaked secret works until someone revokes it",
		})
		if pol.MaxLifetime > 0 {
			out = append(out, Finding{
				Severity: scopes.SeverityHigh,
				Rule:     RuleMaxLifetime,
				About:    AboutNeverExpires,
				Summary:  "never expires, and the provider policy's max_lifetime is " + maxLife,
			})
		}
		return out
	}
	if spec.Lifetime <= 0 {
		return nil
	}
	life := duration.Format(spec.Lifetime)
	if spec.Lifetime > QuarterlyRotation {
		out = append(out, Finding{
			Severity: scopes.SeverityMedium,
			Rule:     RuleLongLifetime,
			About:    AboutLifetime,
			Summary:  "lives " + life + ", longer than the 90 days of a quarterly rotation",
		})
	}
	if pol.MaxLifetime > 0 && spec.Lifetime > pol.MaxLifetime {
		out = append(out, Finding{
			Severity: scopes.SeverityHigh,
			Rule:     RuleMaxLifetime,
			About:    AboutLifetime,
			Summary:  "lives " + life + ", over the provider policy's max_lifetime of " + maxLife,
		})
	}
	return out
}

// changeFinding describes the pairs a replacement adds or removes as one
// finding, pointing at a scope or permission only when all pairs share it.
// A widening is as severe as the riskiest grant it adds; a narrowing is low.
func changeFinding(rule string, pairs []scopes.Pair) (Finding, bool) {
	f := Finding{Rule: rule, About: AboutGrants, Severity: scopes.SeverityLow}
	var listed []scopes.Pair
	for _, p := range pairs {
		t, ok := textFor(p)
		if !ok {
			continue
		}
		listed = append(listed, p)
		if rule == RuleWidening {
			f.Severity = max(f.Severity, t.severity)
		}
	}
	if len(listed) == 0 {
		return Finding{}, false
	}
	f.Scope = listed[0].Scope
	for _, p := range listed {
		if p.Scope != f.Scope {
			f.Scope = ""
		}
	}
	if len(listed) == 1 {
		f.Permission = listed[0].Perm
	}
	verb := "adds"
	if rule == RuleNarrowing {
		verb = "drops"
	}
	f.Summary = "the replacement " + verb + " " + pairList(listed)
	return f, true
}

// pairList names pairs as given, such as "workspace_files.read,
// workspace_files.delete"; scopes.Diff hands them over in catalog order.
func pairList(pairs []scopes.Pair) string {
	names := make([]string, len(pairs))
	for i, p := range pairs {
		names[i] = p.String()
	}
	return strings.Join(names, ", ")
}

func (a Aspect) String() string {
	return [...]string{"token", "grants", "lifetime", "never_expires", "description", "expiry", "name"}[a]
}
