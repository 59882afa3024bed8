package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// FindingLineFormat documents the one-line form of a finding that the
// resource's findings attribute holds, so a plan diff shows a finding per line.
const FindingLineFormat = "`<severity> <rule> <scope>.<permission>: <summary>`; `<severity> <rule> <scope>: <summary>` " +
	"when the finding is about a scope but not one permission; `<severity> <rule>: <summary>` when it is about the token " +
	"as a whole. Severity, rule, scope and permission never hold a space, a colon or a dot, so everything up to the " +
	"first `: ` is the head and the rest, colons and dots included, is the summary"

// Line renders f in FindingLineFormat, such as "critical grant
// workspace_database.delete: can delete records and drop tables across all
// data sources". About is not part of the line.
func (f Finding) Line() string {
	var b strings.Builder
	b.Grow(len(f.Rule) + len(f.Scope) + len(f.Summary) + 24)
	b.WriteString(f.Severity.String())
	b.WriteByte(' ')
	b.WriteString(f.Rule)
	if f.Scope != "" || f.Permission != "" {
		b.WriteByte(' ')
		b.WriteString(f.Scope)
		if f.Permission != "" {
			b.WriteByte('.')
			b.WriteString(string(f.Permission))
		}
	}
	b.WriteString(": ")
	b.WriteString(f.Summary)
	return b.String()
}

// ParseFindingLine reads a line that Line wrote back into a finding (without
// About). It is strict, so a line it accepts is exactly what Line renders of
// the finding it returns.
func ParseFindingLine(s string) (Finding, error) {
	head, summary, ok := strings.Cut(s, ": ")
	if !ok {
		return Finding{}, fmt.Errorf("finding %q has no \": \" between its head and its summary", s)
	}
	fields := strings.Split(head, " ")
	if len(fields) < 2 || len(fields) > 3 {
		return Finding{}, fmt.Errorf("finding %q: want \"<severity> <rule>\" and an optional \"<scope>[.<permission>]\" before \": \"", s)
	}
	sev, err := scopes.ParseSeverity(fields[0])
	if err != nil || sev.String() != fields[0] {
		return Finding{}, fmt.Errorf("finding %q: unknown severity %q: want low, medium, high or critical", s, fields[0])
	}
	if !lineToken(fields[1], ".") {
		return Finding{}, fmt.Errorf("finding %q: rule %q is empty or holds a colon or a dot", s, fields[1])
	}
	f := Finding{Severity: sev, Rule: fields[1], Summary: summary}
	if len(fields) == 3 {
		scope, perm, hasPerm := strings.Cut(fields[2], ".")
		switch {
		case hasPerm && !slices.Contains(scopes.Permissions, scopes.Permission(perm)):
			return Finding{}, fmt.Errorf("finding %q: unknown permission %q: want create, read, update or delete", s, perm)
		case !hasPerm && !lineToken(scope, "."):
			return Finding{}, fmt.Errorf("finding %q: scope %q is empty or holds a colon", s, scope)
		case hasPerm && scope != "" && !lineToken(scope, "."):
			return Finding{}, fmt.Errorf("finding %q: scope %q holds a colon", s, scope)
		}
		f.Scope, f.Permission = scope, scopes.Permission(perm)
	}
	return f, nil
}

// lineToken reports whether s can stand as one field of a line's head:
// not empty, and without a space, a colon or any of extra.
func lineToken(s, extra string) bool {
	return s != "" && !strings.ContainsAny(s, " :"+extra)
}
