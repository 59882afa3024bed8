package lifecycle

import "github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"

// Report is what a plan shows for a decision. Deny and enforce gate what a
// plan mints, as policy tools gate resource changes; a token kept as it is
// gets at most a warning, so a refresh before a destroy never fails.
func Report(in Input, d Decision, sub policy.Subject) policy.Report {
	if d.Action.Mints() || in.Prior == nil {
		return policy.Assess(sub, d.Findings, in.Want.Spec(), in.Policy)
	}
	return policy.AssessExisting(sub, d.Findings, in.Prior.Findings, in.Want.Spec(), in.Policy)
}
