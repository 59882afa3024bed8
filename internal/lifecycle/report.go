package lifecycle

import "github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"

// Report is what a plan shows for a decision. Deny and enforce gate what a
// plan mints, as policy tools gate resource changes; a token kept as it is
// gets at most a warning, so a refresh before a destroy never fails.
// An acknowledgement past its review_by at in.Now no longer counts.
func Report(in Input, d Decision, sub policy.Subject) policy.Report {
	spec := in.Want.Spec()
	spec.Lapsed = spec.ReviewBy.Lapsed(in.Now)
	switch {
	case d.Action.Mints() || in.Prior == nil:
		return policy.Assess(sub, d.Findings, spec, in.Policy)
	case in.Imported:
		return policy.AssessImported(sub, d.Findings, spec, in.Policy)
	}
	return policy.AssessExisting(sub, d.Findings, in.Prior.Findings, spec, in.Policy)
}
