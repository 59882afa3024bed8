package policy

import (
	"fmt"
	"strings"
)

// Outcome splits findings into what the plan prints as warnings and what
// fails it.
type Outcome struct {
	// Warnings are findings at or above WarnAt that do not fail the plan.
	Warnings []Finding
	// Errors are deny matches, always, and with Enforce the unacknowledged
	// findings at or above WarnAt.
	Errors []Finding
}

// Evaluate applies pol to findings from Review or ReviewChange for spec.
// Findings below WarnAt are dropped, except deny findings, which are always
// errors. An acknowledgement keeps the others as warnings, quoted in their
// detail, even under Enforce. The findings passed in are not modified.
func Evaluate(findings []Finding, spec Spec, pol Policy) Outcome {
	var out Outcome
	ack := strings.TrimSpace(spec.Acknowledgement)
	enforced := ""
	if pol.Enforce {
		enforced = fmt.Sprintf("\nEnforced: the provider's policy sets enforce = true, so findings of severity %s and above fail the plan. "+
			"Fix it as described or, if the risk is accepted, set risk_acknowledgement on the resource saying why and who approved it.", pol.warnAt())
	}
	for _, f := range findings {
		switch {
		case f.Rule == RuleDeny:
			out.Errors = append(out.Errors, f)
		case !pol.Reports(f):
			continue
		case ack != "":
			f.Detail += "\nAcknowledged: " + ack
			out.Warnings = append(out.Warnings, f)
		case pol.Enforce:
			f.Detail += enforced
			out.Errors = append(out.Errors, f)
		default:
			out.Warnings = append(out.Warnings, f)
		}
	}
	return out
}

// CanFail says whether Evaluate can return errors under p: only deny
// patterns and enforce produce them, so a caller that wants errors alone can
// skip the review when this is false.
func (p Policy) CanFail() bool { return p.Enforce || len(p.Deny) > 0 }

// Reports says whether a plan shows f under p: every deny match, and the
// other findings at or above WarnAt.
func (p Policy) Reports(f Finding) bool {
	return f.Rule == RuleDeny || f.Severity >= p.warnAt()
}

// SummaryLine renders a finding on one line, e.g. "[grant]
// workspace_database.delete (critical): can ...", for logs and reports.
func SummaryLine(f Finding) string {
	return "[" + f.Rule + "] " + strings.Join(strings.Fields(f.Summary), " ")
}
