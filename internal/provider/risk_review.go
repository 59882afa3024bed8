package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// The plan-time risk review: a token's configuration becomes a policy.Spec,
// internal/policy turns it into findings, and this file turns findings into
// diagnostics. Warnings are raised only when a plan creates or replaces a
// token, so a reviewer sees each risk once, when it is introduced; policy
// errors are raised on every plan, so tightening the policy takes effect on
// tokens that already exist.

// specValues are the attributes the review reads, as Terraform values, so the
// managed and the ephemeral token share one conversion.
type specValues struct {
	Scope           types.Set
	ExpiresIn       DurationValue
	NeverExpires    types.Bool
	Description     types.String
	Acknowledgement types.String
}

// policySpec converts a token's attributes into the review's spec. ok is
// false when a value the review needs under pol is still unknown (a scope
// name from a resource not yet created, say): the review is then skipped
// rather than run on a guess, and Terraform's plan during apply, where every
// value is known, runs it again before anything is minted.
func policySpec(ctx context.Context, pol policy.Policy, v specValues) (spec policy.Spec, ok bool, diags diag.Diagnostics) {
	grants, known, d := grantsFromScopeSet(ctx, v.Scope)
	diags.Append(d...)
	if !known || diags.HasError() {
		return policy.Spec{}, false, diags
	}
	if v.Acknowledgement.IsUnknown() || (pol.RequireDescription && v.Description.IsUnknown()) {
		return policy.Spec{}, false, diags
	}
	lifetime, known, err := tokenLifetime(v.ExpiresIn, v.NeverExpires)
	if !known || err != nil {
		// Malformed durations are reported by validation, not here.
		return policy.Spec{}, false, diags
	}
	return policy.Spec{
		Grants:          grants,
		Lifetime:        lifetime,
		NeverExpires:    v.NeverExpires.ValueBool(),
		Description:     v.Description.ValueString(),
		Acknowledgement: v.Acknowledgement.ValueString(),
	}, true, diags
}

// tokenPolicySpec is policySpec for the xano_metadata_token resource model,
// read from a plan or a state.
func tokenPolicySpec(ctx context.Context, pol policy.Policy, m *metadataTokenModel) (policy.Spec, bool, diag.Diagnostics) {
	return policySpec(ctx, pol, specValues{
		Scope:           m.Scope,
		ExpiresIn:       m.ExpiresIn,
		NeverExpires:    m.NeverExpires,
		Description:     m.Description,
		Acknowledgement: m.RiskAcknowledgement,
	})
}

// riskReview reviews next under pol and returns its diagnostics. prev is the
// token being replaced, nil for a new token; with it, the grants the
// replacement adds are named in one widening warning. warn says whether the
// plan creates or replaces the token: only then are warnings returned, while
// policy errors (deny matches, and findings enforce refuses) are returned on
// every call. Each diagnostic points at the attribute its finding concerns.
func riskReview(ctx context.Context, pol policy.Policy, prev *policy.Spec, next policy.Spec, warn bool) diag.Diagnostics {
	var diags diag.Diagnostics
	out := policy.Evaluate(policy.ReviewChange(prev, next, pol), next, pol)
	acknowledged := strings.TrimSpace(next.Acknowledgement) != ""
	if warn {
		for _, f := range out.Warnings {
			diags.AddAttributeWarning(findingPath(f), findingTitle(f, prev, next, acknowledged), findingDetail(f))
		}
	}
	for _, f := range out.Errors {
		diags.AddAttributeError(findingPath(f), findingTitle(f, prev, next, false), findingDetail(f))
	}
	tflog.Debug(ctx, "Reviewed token risks", map[string]any{
		"replacement": prev != nil,
		"warn":        warn,
		"warnings":    len(out.Warnings),
		"errors":      len(out.Errors),
	})
	return diags
}

// findingPath is the attribute a finding concerns; findings about grants
// point at the scope blocks.
func findingPath(f policy.Finding) path.Path {
	if f.Attribute == "" {
		return path.Root(policy.AttrScope)
	}
	return path.Root(f.Attribute)
}

// findingTitle is the diagnostic summary: what kind of risk, on what, and how
// severe, short enough to scan in a long plan.
func findingTitle(f policy.Finding, prev *policy.Spec, next policy.Spec, acknowledged bool) string {
	sev := f.Severity.String()
	if acknowledged {
		sev += ", acknowledged"
	}
	pair := scopes.Pair{Scope: f.Scope, Perm: f.Permission}
	switch f.Rule {
	case policy.RuleGrant:
		return fmt.Sprintf("Risky grant: %s (%s)", pair, sev)
	case policy.RuleDeny:
		return fmt.Sprintf("Grant denied by the provider policy: %s (%s)", pair, sev)
	case policy.RuleAdminKey:
		return fmt.Sprintf("Admin key in disguise: every permission on every scope (%s)", sev)
	case policy.RuleNeverExpires:
		return fmt.Sprintf("Token never expires (%s)", sev)
	case policy.RuleLongLifetime:
		return fmt.Sprintf("Token lifetime longer than 90 days (%s)", sev)
	case policy.RuleMaxLifetime:
		return fmt.Sprintf("Token lifetime exceeds the policy's max_lifetime (%s)", sev)
	case policy.RuleDescriptionRequired:
		return fmt.Sprintf("Description required by the provider policy (%s)", sev)
	case policy.RuleWidening, policy.RuleNarrowing:
		var added, removed []scopes.Pair
		if prev != nil {
			added, removed = scopes.Diff(prev.Grants, next.Grants)
		}
		if f.Rule == policy.RuleWidening {
			return changeTitle("widens", "adds", added, sev)
		}
		return changeTitle("narrows", "drops", removed, sev)
	}
	return fmt.Sprintf("Token risk: %s (%s)", f.Rule, sev)
}

// changeTitle names the grants a replacement adds or drops, in catalog order.
func changeTitle(verb, action string, pairs []scopes.Pair, sev string) string {
	names := make([]string, 0, len(pairs))
	for _, p := range pairs {
		if _, ok := scopes.ByKey(p.Scope); ok {
			names = append(names, p.String())
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("Replacement token %s access (%s)", verb, sev)
	}
	return fmt.Sprintf("Replacement token %s access: %s %s (%s)", verb, action, strings.Join(names, ", "), sev)
}

// findingDetail is the finding's one-line summary followed by its
// explanation, as Terraform prints the detail under the summary.
func findingDetail(f policy.Finding) string {
	return f.Summary + "\n\n" + f.Detail
}

// reviewTokenPlan is the risk review step of the xano_metadata_token
// resource's ModifyPlan. prior is the state, nil when the plan creates the
// token; replaced says the plan replaces it. Warnings come only with a create
// or a replacement, and a replacement also names the grants it adds or drops;
// other plans report only the errors of deny and enforce.
func reviewTokenPlan(ctx context.Context, pol policy.Policy, prior, plan *metadataTokenModel, replaced bool) diag.Diagnostics {
	warn := prior == nil || replaced
	if !warn && !pol.CanFail() {
		// Without warnings, only deny and enforce yield diagnostics.
		return nil
	}
	next, ok, diags := tokenPolicySpec(ctx, pol, plan)
	if !ok || diags.HasError() {
		return diags
	}
	var prev *policy.Spec
	if replaced {
		old, ok, d := tokenPolicySpec(ctx, policy.Default(), prior)
		diags.Append(d...)
		if ok {
			prev = &old
		}
	}
	return append(diags, riskReview(ctx, pol, prev, next, warn)...)
}

// tokenReplaced reports whether the plan changes what is fixed when a token
// is minted: its instance, lifetime or scopes. It asks what the schema's
// RequiresReplace modifiers asked, whose answer the framework does not pass
// to ModifyPlan: whether the planned value differs from the state's. A value
// still unknown counts as a change, and keepEquivalentDuration has already
// planned the state's text for the same lifetime written differently.
func tokenReplaced(state, plan *metadataTokenModel) bool {
	return !plan.Instance.Equal(state.Instance) ||
		!plan.ExpiresIn.Equal(state.ExpiresIn) ||
		!plan.NeverExpires.Equal(state.NeverExpires) ||
		!plan.Scope.Equal(state.Scope)
}
