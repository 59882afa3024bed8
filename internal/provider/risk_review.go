package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/tfcli"
)

// The plan-time risk review: a token's configuration becomes a policy.Spec,
// internal/policy turns it into findings and a report per token, and this
// file turns the report into diagnostics and the findings into the computed
// `findings` attribute. The token's warning is raised when a plan creates or
// replaces it, so a reviewer sees each risk once, when it is introduced; a
// plan that keeps the token warns only about what is new or ongoing (a
// purpose just set, idleness). Policy errors are raised on every plan except
// a destroy's, so tightening the policy takes effect on tokens that already
// exist while removing one is always possible.

// specValues are the attributes the review reads, as Terraform values, so the
// managed and the ephemeral token share one conversion.
type specValues struct {
	Scope           types.Set
	ExpiresIn       DurationValue
	NeverExpires    types.Bool
	Description     types.String
	Acknowledgement types.String
	// Purpose is null for the ephemeral token, which has none.
	Purpose types.String
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
	if v.Acknowledgement.IsUnknown() || v.Purpose.IsUnknown() || (pol.RequireDescription && v.Description.IsUnknown()) {
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
		Purpose:         v.Purpose.ValueString(),
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
		Purpose:         m.Purpose,
	})
}

// reviewSubject names a token in its diagnostics: its name, and its instance
// when that is not the provider's default one. An unknown name, taken from a
// resource not yet created, is said to be so.
func reviewSubject(name, instance types.String, defaultInstance string, ephemeral bool) policy.Subject {
	sub := policy.Subject{Name: name.ValueString(), Instance: instance.ValueString(), Ephemeral: ephemeral}
	if name.IsUnknown() {
		sub.Name = "(name known after apply)"
	}
	sub.ShowInstance = sub.Instance != "" && sub.Instance != defaultInstance
	if instance.IsNull() {
		sub.Instance = defaultInstance
	}
	return sub
}

// riskReview reviews next under pol and returns its diagnostics: at most one
// warning and the policy errors. prev is the token being replaced, nil for a
// new token; with it, the report names the grants the replacement adds and
// drops. warn says whether the plan creates or replaces the token: only then
// is the warning returned, while policy errors are returned on every call.
func riskReview(ctx context.Context, pol policy.Policy, sub policy.Subject, prev *policy.Spec, next policy.Spec, warn bool) diag.Diagnostics {
	return reportDiagnostics(ctx, policy.Assess(sub, policy.ReviewChange(prev, next, pol), next, pol), warn)
}

// reportDiagnostics converts a token's report, logging what it held.
func reportDiagnostics(ctx context.Context, rep policy.Report, warn bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if warn && rep.Warning != nil {
		if m := rep.Warning; m.Attribute == "" {
			diags.AddWarning(m.Summary, m.Detail)
		} else {
			diags.AddAttributeWarning(path.Root(m.Attribute), m.Summary, m.Detail)
		}
	}
	for _, m := range rep.Errors {
		if m.Attribute == "" {
			diags.AddError(m.Summary, m.Detail)
		} else {
			diags.AddAttributeError(path.Root(m.Attribute), m.Summary, m.Detail)
		}
	}
	tflog.Debug(ctx, "Reviewed token risks", map[string]any{
		"warn":    warn,
		"warning": rep.Warning != nil,
		"errors":  len(rep.Errors),
	})
	return diags
}

// reviewTokenPlan is the risk review step of the xano_metadata_token
// resource's ModifyPlan. prior is the state, nil when the plan creates the
// token; replaced says the plan replaces it. It returns the planned value of
// `findings`, unknown while a value the review needs is, and the
// diagnostics: the token's warning with a create or a replacement, a warning
// naming only what is new or ongoing (idle, a grant beyond a new purpose) on
// a plan that keeps the token, and policy errors on every plan but a
// destroy's.
func reviewTokenPlan(ctx context.Context, data *providerData, prior, plan *metadataTokenModel, replaced bool) (types.List, diag.Diagnostics) {
	pol := data.policy
	next, ok, diags := tokenPolicySpec(ctx, pol, plan)
	if !ok || diags.HasError() {
		return types.ListUnknown(findingObjectType), diags
	}
	var prev *policy.Spec
	if replaced {
		old, ok, d := tokenPolicySpec(ctx, policy.Default(), prior)
		diags.Append(d...)
		if ok {
			prev = &old
		}
	}
	all := policy.ReviewChange(prev, next, pol)
	warn := prior == nil || replaced
	var kept []policy.Finding
	if !warn {
		// A new or replacing token has never been used; a kept one is as
		// idle as its last refresh found it.
		if f, ok := stateIdleFinding(ctx, prior); ok {
			all = append(all, f)
		}
		kept = keptTokenFindings(ctx, prior, all)
	}
	findings, d := findingsList(ctx, all)
	diags.Append(d...)
	// Before a destroy, Terraform makes a normal plan to refresh the state,
	// and any error in it fails the destroy; warnings from it are dropped.
	if tfcli.Destroying() || (!warn && len(kept) == 0 && !pol.CanFail()) {
		return findings, diags
	}
	sub := reviewSubject(plan.Name, plan.Instance, data.instance, false)
	rep := policy.Assess(sub, all, next, pol)
	if !warn && len(rep.Errors) == 0 && len(kept) > 0 {
		rep.Warning, warn = policy.Assess(sub, kept, next, pol).Warning, true
	}
	return findings, append(diags, reportDiagnostics(ctx, rep, warn)...)
}

// findingModel is one finding as the resource's and the audit data source's
// `findings` attributes hold it.
type findingModel struct {
	Scope      string `tfsdk:"scope"`
	Permission string `tfsdk:"permission"`
	Severity   string `tfsdk:"severity"`
	Rule       string `tfsdk:"rule"`
	Summary    string `tfsdk:"summary"`
}

// findingObjectType is the Terraform type of one findingModel.
var findingObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"scope":      types.StringType,
	"permission": types.StringType,
	"severity":   types.StringType,
	"rule":       types.StringType,
	"summary":    types.StringType,
}}

// findingFields describes the fields of a finding, for both schemas.
var findingFields = map[string]string{
	"scope":      "HCL name of the scope concerned, such as `workspace_database`; empty when the finding is about the token as a whole.",
	"permission": "`create`, `read`, `update` or `delete`; empty when the finding is not about one permission.",
	"severity":   "`low`, `medium`, `high` or `critical`.",
	"rule": "The rule that found it: `grant`, `deny`, `purpose`, `admin_key`, `never_expires`, `long_lifetime`, `max_lifetime`, " +
		"`description_required`, `idle` or (in the audit) `unmanaged`. The risk review guide describes each.",
	"summary": "One line saying what the token can do or what is wrong, such as " +
		"`can delete records and drop tables across all data sources`.",
}

// findingModels converts the token's own findings: a replacement's widening
// and narrowing describe the change, not the token, so state leaves them out
// and the next plan finds nothing to update.
func findingModels(fs []policy.Finding) []findingModel {
	out := make([]findingModel, 0, len(fs))
	for _, f := range fs {
		if f.Rule == policy.RuleWidening || f.Rule == policy.RuleNarrowing {
			continue
		}
		out = append(out, findingModel{
			Scope:      f.Scope,
			Permission: string(f.Permission),
			Severity:   f.Severity.String(),
			Rule:       f.Rule,
			Summary:    f.Summary,
		})
	}
	return out
}

// findingsList is findingModels as the resource's list value.
func findingsList(ctx context.Context, fs []policy.Finding) (types.List, diag.Diagnostics) {
	return types.ListValueFrom(ctx, findingObjectType, findingModels(fs))
}
