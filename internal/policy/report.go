package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// Subject names the token a report is about. Every message's summary starts
// with it, so Terraform, which folds warnings that share a summary in its
// text output, never folds two tokens together.
type Subject struct {
	// Name is the token's name (for an ephemeral token, its name prefix).
	Name string
	// Instance is the token's instance, "" when not known yet.
	Instance string
	// ShowInstance puts the instance in the summary: two instances may hold
	// tokens of the same name, and the provider names the instance of every
	// token whose instance is known.
	ShowInstance bool
	// Ephemeral says the token is minted for one run.
	Ephemeral bool
}

func (s Subject) String() string {
	kind := "Token"
	if s.Ephemeral {
		kind = "Ephemeral token"
	}
	out := fmt.Sprintf("%s %q", kind, s.Name)
	if s.ShowInstance && s.Instance != "" {
		out += fmt.Sprintf(" on instance %q", s.Instance)
	}
	return out
}

// Message is one diagnostic: a summary naming the token, a detail of short
// lines, and the part of the token at fault.
type Message struct {
	Summary string
	Detail  string
	About   Aspect
}

// Report is what a plan shows for one token: at most one warning, and the
// errors that fail the plan.
type Report struct {
	Warning *Message
	Errors  []Message
}

// Reports says whether a plan shows f under p: every deny match, and the
// other findings at or above WarnAt.
func (p Policy) Reports(f Finding) bool {
	return f.Rule == RuleDeny || f.Severity >= p.warnAt()
}

// CanFail says whether Assess can return errors under p: only deny patterns
// and enforce produce them, so a caller that wants errors alone can skip the
// review when this is false.
func (p Policy) CanFail() bool { return p.Enforce || len(p.Deny) > 0 }

// Assess turns the findings ReviewChange made for spec into what a plan
// shows for the token. Deny matches make one error listing every denied
// grant, and nothing else is shown until they are gone, so each denied grant
// appears once. Otherwise the findings at or above WarnAt make one message:
// a warning, or an error when the policy enforces, the token carries no
// acknowledgement and a finding is not advisory (an idle token only warns).
func Assess(sub Subject, findings []Finding, spec Spec, pol Policy) Report {
	var denied, reported []Finding
	for _, f := range findings {
		switch {
		case f.Rule == RuleDeny:
			denied = append(denied, f)
		case pol.Reports(f):
			reported = append(reported, f)
		}
	}
	if len(denied) > 0 {
		return Report{Errors: []Message{denyMessage(sub, denied, pol)}}
	}
	if len(reported) == 0 {
		return Report{}
	}
	ack := strings.TrimSpace(spec.Acknowledgement)
	sev := highest(reported)
	lines := reviewLines(sub, reported, spec, pol)
	msg := Message{About: sharedAspect(reported)}
	lapsed := ""
	if ack != "" && spec.Lapsed && spec.ReviewBy != nil {
		// A lapsed acknowledgement reopens the findings it covered.
		lapsed = fmt.Sprintf(", acknowledgement lapsed (review_by %s)", spec.ReviewBy.Text)
		lines = append(lines, fmt.Sprintf("Lapsed: the risk_acknowledgement was to be reviewed by %s (review_by), and no longer "+
			"counts: review the findings, then fix them or renew the acknowledgement with a later review_by. It said: %s",
			spec.ReviewBy.Text, ack))
		ack = ""
	}
	if pol.Enforce && ack == "" && slices.ContainsFunc(reported, func(f Finding) bool { return !advisory(f) }) {
		msg.Summary = fmt.Sprintf("%s: %s risk refused by the provider policy%s", sub, sev, lapsed)
		lines = append(lines, fmt.Sprintf("Enforced: the provider policy fails findings of severity %s and above; "+
			"fix them, or set risk_acknowledgement saying why and who approved it.", pol.warnAt()))
		msg.Detail = strings.Join(lines, "\n")
		return Report{Errors: []Message{msg}}
	}
	msg.Summary = fmt.Sprintf("%s: %s risk%s", sub, sev, lapsed)
	if ack != "" {
		msg.Summary += ", acknowledged"
		lines = append(lines, "Acknowledged: "+ack)
	}
	msg.Detail = strings.Join(lines, "\n")
	return Report{Warning: &msg}
}

// AssessExisting is what a plan shows for a token it leaves as it is: at
// most one warning and never an error, since deny and enforce gate what a
// plan would mint, and a refresh must not fail on a token that already
// exists. The warning names a deny rule that now covers the token, else a
// finding enforce would refuse in a new token, else what is new since the
// token was reviewed: idleness and grants beyond a new purpose (recorded
// holds the findings of that review).
func AssessExisting(sub Subject, findings, recorded []Finding, spec Spec, pol Policy) Report {
	return assessKept(sub, findings, recorded, spec, pol, false)
}

// AssessImported is what the plan that imports a token shows: the review a
// create of it would get, since nobody has reviewed it in Terraform yet, but
// as at most one warning, since deny and enforce gate mints and an import
// mints nothing.
func AssessImported(sub Subject, findings []Finding, spec Spec, pol Policy) Report {
	return assessKept(sub, findings, nil, spec, pol, true)
}

// assessKept is AssessExisting; reviewAll reports every finding the policy
// reports instead of only what is new since the token was reviewed.
func assessKept(sub Subject, findings, recorded []Finding, spec Spec, pol Policy, reviewAll bool) Report {
	var denied, kept []Finding
	for _, f := range findings {
		switch {
		case f.Rule == RuleDeny:
			denied = append(denied, f)
		case f.Rule == RuleIdle:
			kept = append(kept, f)
		case f.Rule == RulePurpose && !slices.ContainsFunc(recorded, func(r Finding) bool {
			return r.Rule == f.Rule && r.Scope == f.Scope && r.Permission == f.Permission && r.Summary == f.Summary
		}):
			kept = append(kept, f)
		}
	}
	if len(denied) > 0 {
		msg := denyMessage(sub, denied, pol)
		msg.Summary = fmt.Sprintf("%s: existing token covered by a deny rule", sub)
		lines := strings.Split(msg.Detail, "\n")
		lines[len(lines)-1] = "The token already exists, so the plan does not fail; a create, replacement or rotation " +
			"with these grants would. Remove them from its scope blocks: narrowing the scopes replaces the token and " +
			"mints a new secret, which whatever uses it must then receive. Or ask whoever owns the provider policy to change the rule."
		msg.Detail = strings.Join(lines, "\n")
		return Report{Warning: &msg}
	}
	rep := Assess(sub, findings, spec, pol)
	if len(rep.Errors) > 0 {
		msg := rep.Errors[0]
		msg.Summary = fmt.Sprintf("%s: existing token above the enforced policy", sub)
		msg.Detail = strings.Replace(msg.Detail, "Enforced: the provider policy fails",
			"The token already exists, so the plan does not fail; a new token like it would, as the provider policy enforces", 1)
		return Report{Warning: &msg}
	}
	if (reviewAll || spec.Lapsed && strings.TrimSpace(spec.Acknowledgement) != "") && rep.Warning != nil {
		return Report{Warning: rep.Warning}
	}
	if len(kept) == 0 {
		return Report{}
	}
	return Report{Warning: Assess(sub, kept, spec, pol).Warning}
}

// row is one line of a report's table: a scope, the permissions the token
// grants on it, the highest severity found and a last column of words.
type row struct {
	scope   string
	letters string
	sev     scopes.Severity
	words   string
}

// reviewLines is the body of a warning or an enforce error: one table row
// per scope with a reported grant, the instance-wide reach and how to narrow
// the riskiest scope, one line for the grants beyond the token's purpose,
// then one line per token-level finding.
func reviewLines(sub Subject, reported []Finding, spec Spec, pol Policy) []string {
	var rows []row
	for _, f := range reported {
		if f.Rule != RuleGrant {
			continue
		}
		i := slices.IndexFunc(rows, func(r row) bool { return r.scope == f.Scope })
		if i < 0 {
			g, _ := spec.Grants.Find(f.Scope)
			s, _ := scopes.ByKey(f.Scope)
			rows = append(rows, row{scope: f.Scope, letters: spaced(g.Letters()), words: s.Reach})
			i = len(rows) - 1
		}
		rows[i].sev = max(rows[i].sev, f.Severity)
	}
	lines := table(rows)
	if len(rows) > 0 {
		where := "its instance"
		if sub.Instance != "" {
			where = fmt.Sprintf("instance %q", sub.Instance)
		}
		lines = append(lines, fmt.Sprintf("Reach: the token works in every workspace of %s, not only the one an integration uses.", where))
		top := rows[0]
		for _, r := range rows {
			if r.sev > top.sev {
				top = r
			}
		}
		s, _ := scopes.ByKey(top.scope)
		lines = append(lines, fmt.Sprintf("Narrow %s: %s", top.scope, s.Narrowing))
	}
	if line, ok := purposeLine(spec, reported); ok {
		lines = append(lines, line)
	}
	maxLife := duration.Format(pol.MaxLifetime)
	for _, f := range reported {
		switch f.Rule {
		case RuleAdminKey:
			lines = append(lines, "Admin key: every permission on every scope, the whole instance; give each integration its own token, "+
				"starting from a recipe of Xano's scope guide (data source xano_scope_preset).")
		case RuleNeverExpires:
			lines = append(lines, "Lifetime: never expires, so a leaked secret works until someone revokes it; "+
				"set expires_in, as Xano's scope guide advises rotating tokens monthly or quarterly.")
		case RuleLongLifetime:
			lines = append(lines, fmt.Sprintf("Lifetime: %s, longer than the 90 days of a quarterly rotation; set expires_in to 90d or less.",
				duration.Format(spec.Lifetime)))
		case RuleMaxLifetime:
			if spec.NeverExpires {
				lines = append(lines, fmt.Sprintf("Max lifetime: the provider policy caps tokens at %s; replace never_expires with expires_in.", maxLife))
			} else {
				lines = append(lines, fmt.Sprintf("Max lifetime: %s is over the provider policy's cap of %s; set expires_in to %s or less.",
					duration.Format(spec.Lifetime), maxLife, maxLife))
			}
		case RuleDescriptionRequired:
			lines = append(lines, "Description: the provider policy requires one; say what the token is for and who owns it.")
		case RuleIdle:
			lines = append(lines, idleLine(f))
		case RuleWidening, RuleNarrowing:
			lines = append(lines, strings.ToUpper(f.Summary[:1])+f.Summary[1:]+".")
		}
	}
	return lines
}

// denyMessage is the one error of a token whose grants match deny patterns:
// a row per scope with the denied permissions and the patterns that match.
func denyMessage(sub Subject, denied []Finding, pol Policy) Message {
	var rows []row
	var grants scopes.Grants
	pairs := make([]string, 0, len(denied))
	for _, f := range denied {
		i := slices.IndexFunc(rows, func(r row) bool { return r.scope == f.Scope })
		if i < 0 {
			rows = append(rows, row{scope: f.Scope})
			grants = append(grants, scopes.Grant{Scope: f.Scope})
			i = len(rows) - 1
		}
		grants[i] = grants[i].Set(f.Permission, true)
		rows[i].sev = max(rows[i].sev, f.Severity)
		pairs = append(pairs, scopes.Pair{Scope: f.Scope, Perm: f.Permission}.String())
	}
	for i := range rows {
		// The patterns that match, in the policy's order.
		var patterns []string
		for _, p := range pol.Deny {
			if slices.ContainsFunc(grants[i].Perms(), func(perm scopes.Permission) bool { return p.Matches(rows[i].scope, perm) }) {
				patterns = append(patterns, fmt.Sprintf("%q", p))
			}
		}
		rows[i].letters = spaced(grants[i].Letters())
		rows[i].words = "denied by " + strings.Join(patterns, ", ")
	}
	what := "grant"
	if len(denied) > 1 {
		what = "grants"
	}
	lines := append(table(rows), "A deny rule fails a plan that mints the token, whatever enforce and risk_acknowledgement say: remove "+
		strings.Join(pairs, ", ")+", or ask whoever owns the provider policy to change it. Terraform's destroy plans this configuration first, "+
		"so while it asks for these grants, destroy with -refresh=false.")
	return Message{
		Summary: fmt.Sprintf("%s: %s denied by the provider policy", sub, what),
		Detail:  strings.Join(lines, "\n"),
		About:   AboutGrants,
	}
}

// table renders rows with aligned columns. Each line starts with two spaces,
// which Terraform's text output takes as preformatted and never rewraps.
func table(rows []row) []string {
	keyWidth, sevWidth := 0, 0
	for _, r := range rows {
		keyWidth = max(keyWidth, len(r.scope))
		sevWidth = max(sevWidth, len(r.sev.String()))
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.TrimRight(fmt.Sprintf("  %-*s  %s  %-*s  %s", keyWidth, r.scope, r.letters, sevWidth, r.sev, r.words), " ")
	}
	return out
}

// spaced renders "CRU-" as "C R U -", easier to scan in a column.
func spaced(letters string) string {
	return strings.Join(strings.Split(letters, ""), " ")
}

func highest(fs []Finding) scopes.Severity {
	var sev scopes.Severity
	for _, f := range fs {
		sev = max(sev, f.Severity)
	}
	return sev
}

// sharedAspect is the aspect every finding concerns, AboutToken when they
// concern several.
func sharedAspect(fs []Finding) Aspect {
	attr := fs[0].About
	for _, f := range fs[1:] {
		if f.About != attr {
			return AboutToken
		}
	}
	return attr
}
