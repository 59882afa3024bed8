package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// QuarterlyRotation is the longest lifetime that still fits the seeds'
// "rotate tokens on a schedule (monthly/quarterly)" advice.
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

// Resource attributes a finding can point at, as carried in Finding.Attribute.
const (
	AttrScope        = "scope"
	AttrExpiresIn    = "expires_in"
	AttrNeverExpires = "never_expires"
	AttrDescription  = "description"
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
}

// Finding is one reviewed risk.
type Finding struct {
	Severity scopes.Severity
	// Rule is one of the Rule* constants.
	Rule string
	// Scope is the HCL key concerned, "" when the finding is not about one scope.
	Scope string
	// Permission is the permission concerned, "" when not about one permission.
	Permission scopes.Permission
	// Attribute is the resource attribute concerned, one of the Attr* constants.
	Attribute string
	// Summary is one line, e.g. "workspace_database.delete (critical): can
	// delete records and drop tables across all data sources".
	Summary string
	// Detail explains what is exposed, why it matters and how to narrow it.
	Detail string
}

// Review returns every finding for spec, all severities, in a stable order:
// grants in catalog and CRUD order (each followed by its deny finding, if
// any), then the token-level rules.
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
			Attribute:  AttrScope,
			Summary:    t.summary,
			Detail:     t.detail,
		})
		if f, ok := denyFinding(pair, t, pol.Deny); ok {
			out = append(out, f)
		}
	}
	if isAdminKey(spec.Grants) {
		out = append(out, adminKeyFinding())
	}
	out = append(out, lifetimeFindings(spec, pol)...)
	if pol.RequireDescription && strings.TrimSpace(spec.Description) == "" {
		out = append(out, descriptionFinding())
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
	quoted := joinAnd(matched)
	which := "deny pattern " + quoted
	if len(matched) > 1 {
		which = "deny patterns " + quoted
	}
	return Finding{
		Severity:   t.severity,
		Rule:       RuleDeny,
		Scope:      pair.Scope,
		Permission: pair.Perm,
		Attribute:  AttrScope,
		Summary:    fmt.Sprintf("%s (%s): denied by the provider policy (%s)", pair, t.severity, which),
		Detail: fmt.Sprintf("The provider's policy block denies %s, and this token grants %s: whoever holds it could %s. "+
			"%s. A deny rule always fails the plan: neither enforce = false nor risk_acknowledgement lifts it. "+
			"%s, or ask whoever owns the provider policy to change it.",
			quoted, pair, t.exposure,
			instanceReachSentence, t.drop),
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

func adminKeyFinding() Finding {
	return Finding{
		Severity:  scopes.SeverityCritical,
		Rule:      RuleAdminKey,
		Attribute: AttrScope,
		Summary:   "scopes (critical): create, read, update and delete on every scope, an admin key in disguise",
		Detail: "This token grants every permission on every scope Xano offers, so it can do whatever the Metadata API allows: " +
			"read, change and delete all database records, files, code, tasks and request logs. " +
			instanceReachSentence + ", so this is the whole instance. " +
			"Xano's guide warns against over-permissioning and token sharing: give each integration its own token with only the scopes it needs " +
			"(the presets " + joinAnd(scopes.PresetNames()) + " cover the common cases).",
	}
}

func lifetimeFindings(spec Spec, pol Policy) []Finding {
	var out []Finding
	if spec.NeverExpires {
		out = append(out, Finding{
			Severity:  scopes.SeverityHigh,
			Rule:      RuleNeverExpires,
			Attribute: AttrNeverExpires,
			Summary:   "never_expires (high): the token never expires and stays valid until someone revokes it",
			Detail: "never_expires = true mints a token without an expiry date: if its secret leaks, it stays usable until someone notices and revokes it, " +
				"and " + instanceReach + ". Xano's guide lists indefinite tokens among the common mistakes and recommends rotating tokens monthly or quarterly. " +
				"Remove never_expires and set expires_in (90d or less for a quarterly rotation); rotate_before then plans the replacement in time.",
		})
		if pol.MaxLifetime > 0 {
			maxLife := duration.Format(pol.MaxLifetime)
			out = append(out, Finding{
				Severity:  scopes.SeverityHigh,
				Rule:      RuleMaxLifetime,
				Attribute: AttrNeverExpires,
				Summary:   fmt.Sprintf("never_expires (high): the policy's max_lifetime of %s rules out a token that never expires", maxLife),
				Detail: fmt.Sprintf("The provider's policy block sets max_lifetime = %q, and this token asks never to expire. "+
					"Remove never_expires and set expires_in to %s or less, or ask whoever owns the provider policy to change it.", maxLife, maxLife),
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
			Severity:  scopes.SeverityMedium,
			Rule:      RuleLongLifetime,
			Attribute: AttrExpiresIn,
			Summary:   fmt.Sprintf("expires_in (medium): a lifetime of %s is longer than the 90 days of a quarterly rotation", life),
			Detail: fmt.Sprintf("Xano's guide recommends rotating tokens monthly or quarterly. A token living %s outlives a quarterly rotation, "+
				"and if its secret leaks it stays usable that long; %s. "+
				"Set expires_in to 90d or less; rotate_before plans the replacement before the token expires.", life, instanceReach),
		})
	}
	if pol.MaxLifetime > 0 && spec.Lifetime > pol.MaxLifetime {
		maxLife := duration.Format(pol.MaxLifetime)
		out = append(out, Finding{
			Severity:  scopes.SeverityHigh,
			Rule:      RuleMaxLifetime,
			Attribute: AttrExpiresIn,
			Summary:   fmt.Sprintf("expires_in (high): a lifetime of %s exceeds the policy's max_lifetime of %s", life, maxLife),
			Detail: fmt.Sprintf("The provider's policy block sets max_lifetime = %q, and this token asks for expires_in = %q. "+
				"Set expires_in to %s or less, or ask whoever owns the provider policy to change it.", maxLife, life, maxLife),
		})
	}
	return out
}

func descriptionFinding() Finding {
	return Finding{
		Severity:  scopes.SeverityHigh,
		Rule:      RuleDescriptionRequired,
		Attribute: AttrDescription,
		Summary:   "description (high): the policy requires a description and this token has none",
		Detail: "The provider's policy block sets require_description = true. Say what the token is for and who owns it, " +
			"for example description = \"WeWeb Xano plugin: API discovery for data binding\": Xano's guide asks for clear records of each token's purpose and scopes, " +
			"and a reviewer cannot judge the grants without one.",
	}
}

// changeFinding describes the pairs a replacement adds or removes as one
// finding, pointing at a scope or permission only when all pairs share it.
func changeFinding(rule string, pairs []scopes.Pair) (Finding, bool) {
	var listed []scopes.Pair
	var sev scopes.Severity
	var lines strings.Builder
	for _, p := range pairs {
		t, ok := textFor(p)
		if !ok {
			continue
		}
		listed = append(listed, p)
		sev = max(sev, t.severity)
		fmt.Fprintf(&lines, "\n- %s (%s): %s", p, t.severity, t.exposure)
	}
	if len(listed) == 0 {
		return Finding{}, false
	}
	var gs scopes.Grants
	for _, p := range listed {
		if i := slices.IndexFunc(gs, func(g scopes.Grant) bool { return g.Scope == p.Scope }); i >= 0 {
			gs[i] = gs[i].Set(p.Perm, true)
		} else {
			gs = append(gs, scopes.Grant{Scope: p.Scope}.Set(p.Perm, true))
		}
	}
	what := describeGrants(gs)
	f := Finding{Rule: rule, Attribute: AttrScope, Scope: listed[0].Scope}
	for _, p := range listed {
		if p.Scope != f.Scope {
			f.Scope = ""
		}
	}
	if len(listed) == 1 {
		f.Permission = listed[0].Perm
	}
	if rule == RuleWidening {
		f.Severity = sev
		f.Summary = fmt.Sprintf("scopes (%s): the replacement token adds %s", sev, what)
		f.Detail = "Changing the scopes makes Terraform mint a replacement token with a new secret, and the replacement can do more than the current one. " +
			"Whoever holds it could newly:" + lines.String() + "\n" +
			instanceReachSentence + ", so each added grant applies in every workspace there. " +
			"Check that the integration needs each one; the grant findings for these permissions say how to narrow them."
		return f, true
	}
	f.Severity = scopes.SeverityLow
	f.Summary = fmt.Sprintf("scopes (low): the replacement token drops %s", what)
	f.Detail = "Changing the scopes makes Terraform mint a replacement token with a new secret, and the replacement can do less than the current one. " +
		"It can no longer:" + lines.String() + "\n" +
		instanceReachSentence + ", so the integration loses this access in every workspace there once the old token is revoked: " +
		"make sure it does not rely on it."
	return f, true
}
