package policy

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// instanceReach is the seeds' warning that every finding about scopes
// repeats, because reviewers assume a token is bound to one workspace;
// instanceReachSentence is the same words opening a sentence.
const (
	instanceReachRest     = " Xano Metadata API token reaches all workspaces of its instance, not only the one an integration works with"
	instanceReach         = "a" + instanceReachRest
	instanceReachSentence = "A" + instanceReachRest
)

// grantText is the prepared wording for one (scope, permission) pair.
type grantText struct {
	severity scopes.Severity
	exposure string // what the holder can do, starting with a verb
	drop     string // the HCL change that removes the grant
	summary  string
	detail   string
}

// grantTexts is built once: the catalog is static, and reviews run on every
// plan of every token, so the wording should cost a map lookup.
var grantTexts = sync.OnceValue(func() map[scopes.Pair]grantText {
	out := map[scopes.Pair]grantText{}
	presets := scopes.Presets()
	for _, s := range scopes.All() {
		for _, p := range scopes.Permissions {
			out[scopes.Pair{Scope: s.Key, Perm: p}] = buildGrantText(s, p, presets)
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

func buildGrantText(s scopes.Scope, p scopes.Permission, presets []scopes.Preset) grantText {
	pair := scopes.Pair{Scope: s.Key, Perm: p}
	sev := grantSeverity(p, s.RiskOf(p))
	exposure := s.Exposure[p]
	if exposure == "" {
		exposure = fmt.Sprintf("%s what %s covers", p, s.DisplayName)
	}
	drop := fmt.Sprintf("Set %s = false in the %s scope block", p, s.Key)
	if p == scopes.Read {
		drop = fmt.Sprintf("Set read = false, or remove the %s scope block", s.Key)
	}
	var d strings.Builder
	fmt.Fprintf(&d, "Exposes: whoever holds this token can %s. %s covers %s; %s.\n",
		exposure, s.DisplayName, lowerFirst(strings.TrimSuffix(s.Description, ".")), instanceReach)
	fmt.Fprintf(&d, "Why it matters (%s): %s\n", sev, why(sev))
	fmt.Fprintf(&d, "To narrow it: %s %s if the integration does not need it.", s.Narrowing, drop)
	if hint := presetHint(pair, presets); hint != "" {
		d.WriteString(" " + hint)
	}
	return grantText{
		severity: sev,
		exposure: exposure,
		drop:     drop,
		summary:  fmt.Sprintf("%s (%s): can %s", pair, sev, exposure),
		detail:   d.String(),
	}
}

// why says what the severity means for someone deciding whether to approve.
func why(sev scopes.Severity) string {
	switch sev {
	case scopes.SeverityCritical:
		return "anyone who obtains the token's secret can do this with no further login, so a leak or a misbehaving integration reaches your most sensitive data."
	case scopes.SeverityHigh:
		return "anyone who obtains the token's secret can do this with no further login, so a leak or a misbehaving integration can expose private data or break what your application runs on."
	case scopes.SeverityMedium:
		return "limited on its own, but it adds to what a leaked secret reveals; keep the token's lifetime short."
	default:
		return "little risk on its own, but grant it only if the integration uses it."
	}
}

// presetHint names the seeds' preset that uses the scope without the
// permission, preferring the one granting least on that scope, then the
// smallest preset. With no such preset it says nothing, unless no preset
// uses the scope at all, which is itself worth telling.
func presetHint(pair scopes.Pair, presets []scopes.Preset) string {
	var best *scopes.Preset
	bestOnScope, bestTotal := 0, 0
	used := false
	for i := range presets {
		g, ok := presets[i].Grants.Find(pair.Scope)
		if !ok {
			continue
		}
		used = true
		if g.Has(pair.Perm) {
			continue
		}
		onScope, total := len(g.Perms()), len(presets[i].Grants.Pairs())
		if best == nil || onScope < bestOnScope || onScope == bestOnScope && total < bestTotal {
			best, bestOnScope, bestTotal = &presets[i], onScope, total
		}
	}
	if !used {
		return fmt.Sprintf("None of the seeds' presets (%s) uses %s: confirm the integration needs this scope at all.",
			strings.Join(scopes.PresetNames(), ", "), pair.Scope)
	}
	if best == nil {
		return ""
	}
	only := ""
	if !slices.ContainsFunc(best.Grants, func(g scopes.Grant) bool { return g.Letters() != "-R--" }) {
		only = "only "
	}
	return fmt.Sprintf("The %s preset (%s) does without %s: it grants %s%s.",
		best.Name, strings.TrimSuffix(best.Purpose, "."), pair, only, describeGrants(best.Grants))
}

// describeGrants renders grants in words, grouping scopes with the same
// permissions: "read on workspace_content and workspace_api_groups".
func describeGrants(gs scopes.Grants) string {
	type group struct {
		letters string
		perms   []scopes.Permission
		keys    []string
	}
	var groups []*group
	for _, g := range gs.Sorted() {
		var grp *group
		for _, x := range groups {
			if x.letters == g.Letters() {
				grp = x
			}
		}
		if grp == nil {
			grp = &group{letters: g.Letters(), perms: g.Perms()}
			groups = append(groups, grp)
		}
		grp.keys = append(grp.keys, g.Scope)
	}
	parts := make([]string, len(groups))
	for i, grp := range groups {
		names := make([]string, len(grp.perms))
		for j, p := range grp.perms {
			names[j] = string(p)
		}
		parts[i] = joinAnd(names) + " on " + joinAnd(grp.keys)
	}
	return strings.Join(parts, "; ")
}

// joinAnd joins items as in prose: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// lowerFirst lower-cases the first letter so a catalog sentence can continue
// one of ours, unless the first word is a name such as "WeWeb" or "APIs".
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	for _, c := range s[n:] {
		if c == ' ' {
			break
		}
		if unicode.IsUpper(c) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}
