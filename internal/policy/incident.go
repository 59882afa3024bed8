package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The rules of incident response and recertification.
const (
	// RuleMintedBeforeCutoff is a token minted before the policy's
	// rotate_minted_before, as the audit reports it.
	RuleMintedBeforeCutoff = "minted_before_cutoff"
)

// Setting names of the policy block, as SettingError carries them.
const (
	SettingRotateMintedBefore    = "rotate_minted_before"
	SettingNamePattern           = "name_pattern"
	SettingAcknowledgementMaxAge = "acknowledgement_max_age"
)

// SettingError is an invalid value of one setting of the policy block, so
// the provider can report it on that attribute.
type SettingError struct {
	Setting string
	Err     error
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

// SettingOf is the policy setting an error of ParsePolicy is about, "" when
// it does not say.
func SettingOf(err error) string {
	var se *SettingError
	if errors.As(err, &se) {
		return se.Setting
	}
	return ""
}

// cutoffExample is quoted by the format error so the fix is one copy away.
const cutoffExample = `"2026-12-06T09:00:00Z"`

// ParseCutoff parses rotate_minted_before, an RFC 3339 time.
func ParseCutoff(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, &SettingError{SettingRotateMintedBefore, fmt.Errorf(
			"policy rotate_minted_before %q is not an RFC 3339 time: write a date, a time and a zone, such as %s", s, cutoffExample)}
	}
	return t.UTC(), nil
}

// ParseNamePattern parses name_pattern, an RE2 regular expression that may
// not be empty, since an empty pattern matches every name.
func ParseNamePattern(s string) (*regexp.Regexp, error) {
	if strings.TrimSpace(s) == "" {
		return nil, &SettingError{SettingNamePattern, errors.New(
			`policy name_pattern is empty, which would match every name: write an RE2 regular expression such as "^[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)$", or leave name_pattern out`)}
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, &SettingError{SettingNamePattern, fmt.Errorf("policy name_pattern %q is not an RE2 regular expression: %v", s, err)}
	}
	return re, nil
}

// ParseAcknowledgementMaxAge parses acknowledgement_max_age, a positive
// duration such as "90d".
func ParseAcknowledgementMaxAge(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err == nil && d <= 0 {
		err = fmt.Errorf("duration %q is zero", s)
	}
	if err != nil {
		return 0, &SettingError{SettingAcknowledgementMaxAge, fmt.Errorf(
			"policy acknowledgement_max_age: %v; set a positive duration such as \"90d\" for a quarterly review", err)}
	}
	return d, nil
}

// MintedBefore says whether a token minted at created is before the policy's
// cut-off and has not yet been replaced by a mint that satisfied it: met is
// the cut-off recorded by the mint of the token, nil when none.
func (p Policy) MintedBefore(created time.Time, met *time.Time) bool {
	cut := p.RotateMintedBefore
	if cut.IsZero() || !created.Before(cut) {
		return false
	}
	return met == nil || !met.Equal(cut)
}

// CutoffFinding is the audit's finding for a token minted before the
// policy's rotate_minted_before, managed or not.
func CutoffFinding(created time.Time, pol Policy) (Finding, bool) {
	if pol.RotateMintedBefore.IsZero() || !created.Before(pol.RotateMintedBefore) {
		return Finding{}, false
	}
	return Finding{
		Severity: scopes.SeverityCritical,
		Rule:     RuleMintedBeforeCutoff,
		Summary: fmt.Sprintf("minted at %s, before the provider policy's rotate_minted_before of %s: its secret may have "+
			"leaked; rotate it if Terraform manages it, else revoke it", created.UTC().Format(time.RFC3339),
			pol.RotateMintedBefore.Format(time.RFC3339)),
	}, true
}

// NameMessage is the diagnostic for a token name that does not match the
// policy's name_pattern, nil when it matches or there is no pattern. A plan
// that mints the token fails on it (mints); an existing token only warns,
// as deny rules do.
func (p Policy) NameMessage(sub Subject, name string, mints bool) *Message {
	if p.NamePattern == nil || p.NamePattern.MatchString(name) {
		return nil
	}
	msg := &Message{About: AboutName}
	lines := []string{fmt.Sprintf("The name %q does not match the provider policy's name_pattern %q.", name, p.NamePattern.String())}
	if mints {
		msg.Summary = fmt.Sprintf("%s: name refused by the provider policy", sub)
		lines = append(lines, "Rename the token to match the pattern, or ask whoever owns the provider policy to change it.")
	} else {
		msg.Summary = fmt.Sprintf("%s: existing token's name does not match the provider policy", sub)
		lines = append(lines, "The token already exists, so the plan does not fail; a create, replacement or rotation would. "+
			"Renaming it changes it in place and keeps its secret.")
	}
	msg.Detail = strings.Join(lines, "\n")
	return msg
}

// EphemeralNameError says why the generated names of an ephemeral token,
// the prefix, a hyphen and 8 hex digits, cannot match the policy's
// name_pattern; nil when they can. Two sample suffixes are tried, since a
// pattern may accept some hex digits and not others.
func (p Policy) EphemeralNameError(prefix string) error {
	if p.NamePattern == nil {
		return nil
	}
	for _, suffix := range []string{"0a1b2c3d", "9f8e7d6c"} {
		name := prefix + "-" + suffix
		if !p.NamePattern.MatchString(name) {
			return fmt.Errorf("an ephemeral token is named after its name prefix, a hyphen and 8 random hexadecimal "+
				"digits, such as %q, which does not match the provider policy's name_pattern %q: choose a prefix that "+
				"makes such names match, or ask whoever owns the policy to allow a trailing \"-[0-9a-f]{8}\"", name, p.NamePattern.String())
		}
	}
	return nil
}

// reviewByExamples is quoted by the format error of review_by.
const reviewByExamples = `"2027-03-31" or "2027-03-31T17:00:00Z"`

// ReviewBy is a parsed review_by: when the acknowledgement lapses, and the
// date or time as written, which messages quote.
type ReviewBy struct {
	Lapses time.Time
	Text   string
}

// ParseReviewBy parses review_by: a date, YYYY-MM-DD, which lapses at the
// end of that day in UTC, or an RFC 3339 time, which lapses at that instant.
func ParseReviewBy(s string) (ReviewBy, error) {
	in := strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, in); err == nil {
		return ReviewBy{Lapses: d.Add(24 * time.Hour).UTC(), Text: in}, nil
	}
	t, err := time.Parse(time.RFC3339, in)
	if err != nil {
		return ReviewBy{}, fmt.Errorf("review_by %q is neither a date nor an RFC 3339 time: write it as %s", s, reviewByExamples)
	}
	return ReviewBy{Lapses: t.UTC(), Text: in}, nil
}

// Lapsed says whether the acknowledgement is past its review at now.
func (r *ReviewBy) Lapsed(now time.Time) bool {
	return r != nil && !now.Before(r.Lapses)
}

// AcknowledgementAgeMessage is the diagnostic for an acknowledgement the
// policy's acknowledgement_max_age refuses: one without review_by, or one
// whose review_by is further ahead than the max age at now. nil when fine.
// A plan that mints fails on it (mints); an existing token only warns.
func (p Policy) AcknowledgementAgeMessage(sub Subject, spec Spec, now time.Time, mints bool) *Message {
	if p.AcknowledgementMaxAge <= 0 || strings.TrimSpace(spec.Acknowledgement) == "" {
		return nil
	}
	limit := now.Add(p.AcknowledgementMaxAge)
	maxAge := duration.Format(p.AcknowledgementMaxAge)
	var what string
	switch {
	case spec.ReviewBy == nil:
		what = fmt.Sprintf("risk_acknowledgement has no review_by, and the provider policy's acknowledgement_max_age of %s "+
			"requires one with every acknowledgement.", maxAge)
	case spec.ReviewBy.Lapses.After(limit.Add(24 * time.Hour)):
		// A day of slack lets a date-only review_by name the last day allowed.
		what = fmt.Sprintf("review_by %s is more than the provider policy's acknowledgement_max_age of %s ahead.",
			spec.ReviewBy.Text, maxAge)
	default:
		return nil
	}
	lines := []string{what, fmt.Sprintf("Set review_by to %s or sooner, the date by which the acknowledgement is reviewed again.",
		limit.UTC().Format(time.DateOnly))}
	msg := &Message{About: AboutToken}
	if mints {
		msg.Summary = fmt.Sprintf("%s: acknowledgement refused by the provider policy", sub)
	} else {
		msg.Summary = fmt.Sprintf("%s: existing token's acknowledgement outside the provider policy", sub)
		lines = append(lines, "The token already exists, so the plan does not fail; a create, replacement or rotation would.")
	}
	msg.Detail = strings.Join(lines, "\n")
	return msg
}
