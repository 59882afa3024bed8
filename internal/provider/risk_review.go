package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
)

// subject names a token in the review's messages, with its instance
// whenever it is known: two instances may hold tokens of the same name, and
// a provider cannot tell, since each provider block (alias) of a
// configuration runs apart and knows only its own default instance.
func (d *providerData) subject(name, instance types.String, ephemeral bool) policy.Subject {
	sub := policy.Subject{Name: name.ValueString(), Instance: instance.ValueString(), Ephemeral: ephemeral}
	if name.IsUnknown() {
		sub.Name = "(name known after apply)"
	}
	if instance.IsNull() {
		sub.Instance = d.instance
	}
	sub.ShowInstance = sub.Instance != ""
	return sub
}

// aspectPaths maps the part of a token a message is about to its attribute.
var aspectPaths = map[policy.Aspect]path.Path{
	policy.AboutGrants:       path.Root("scope"),
	policy.AboutLifetime:     path.Root("expires_in"),
	policy.AboutNeverExpires: path.Root("never_expires"),
	policy.AboutDescription:  path.Root("description"),
	policy.AboutExpiry:       path.Root("expires_at"),
}

// reportDiagnostics turns a review's report into diagnostics.
func reportDiagnostics(ctx context.Context, rep policy.Report) diag.Diagnostics {
	var diags diag.Diagnostics
	add := func(m policy.Message, warn bool) {
		p, ok := aspectPaths[m.About]
		switch {
		case warn && ok:
			diags.AddAttributeWarning(p, m.Summary, m.Detail)
		case warn:
			diags.AddWarning(m.Summary, m.Detail)
		case ok:
			diags.AddAttributeError(p, m.Summary, m.Detail)
		default:
			diags.AddError(m.Summary, m.Detail)
		}
	}
	if rep.Warning != nil {
		add(*rep.Warning, true)
	}
	for _, m := range rep.Errors {
		add(m, false)
	}
	tflog.Debug(ctx, "Reviewed token risks", map[string]any{"warning": rep.Warning != nil, "errors": len(rep.Errors)})
	return diags
}

// findingModel is one finding as the resource, the ephemeral resource and
// the audit hold it.
type findingModel struct {
	Scope      string `tfsdk:"scope"`
	Permission string `tfsdk:"permission"`
	Severity   string `tfsdk:"severity"`
	Rule       string `tfsdk:"rule"`
	Summary    string `tfsdk:"summary"`
}

var findingObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"scope":      types.StringType,
	"permission": types.StringType,
	"severity":   types.StringType,
	"rule":       types.StringType,
	"summary":    types.StringType,
}}

// findingFields documents a finding's fields.
var findingFields = map[string]string{
	"scope":      "HCL name of the scope concerned, such as `workspace_database`; empty when the finding is about the token as a whole.",
	"permission": "`create`, `read`, `update` or `delete`; empty when the finding is not about one permission.",
	"severity":   "`low`, `medium`, `high` or `critical`.",
	"rule": "The rule that found it: `grant`, `deny`, `purpose`, `admin_key`, `never_expires`, `long_lifetime`, `max_lifetime`, " +
		"`description_required`, `idle` or (in the audit) `unmanaged`. The risk review guide describes each.",
	"summary": "One line saying what the token can do or what is wrong, such as " +
		"`can delete records and drop tables across all data sources`.",
}

// findingsAttribute is the resource schema of a findings list: one line per
// finding, so a plan diff shows a finding on one line, in the review's order.
func findingsAttribute(description string) schema.ListAttribute {
	return schema.ListAttribute{MarkdownDescription: description, Computed: true, ElementType: types.StringType}
}

// recorded reports whether a finding describes the token, unlike the
// replacement's widening and narrowing, which the warning shows and the next
// plan no longer holds.
func recorded(f policy.Finding) bool {
	return f.Rule != policy.RuleWidening && f.Rule != policy.RuleNarrowing
}

// findingModels converts the recorded findings into objects, as the audit
// holds them.
func findingModels(fs []policy.Finding) []findingModel {
	out := make([]findingModel, 0, len(fs))
	for _, f := range fs {
		if !recorded(f) {
			continue
		}
		out = append(out, findingModel{Scope: f.Scope, Permission: string(f.Permission), Severity: f.Severity.String(),
			Rule: f.Rule, Summary: f.Summary})
	}
	return out
}

// findingLines renders the recorded findings as the resource holds them.
func findingLines(fs []policy.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		if recorded(f) {
			out = append(out, f.Line())
		}
	}
	return out
}

// policyFindings reads recorded findings back; a line that cannot be parsed
// (an unknown severity, say) is dropped.
func policyFindings(lines []string) []policy.Finding {
	out := make([]policy.Finding, 0, len(lines))
	for _, l := range lines {
		f, err := policy.ParseFindingLine(l)
		if err != nil {
			continue
		}
		out = append(out, f)
	}
	return out
}

// findingsList is the list value of the resource's findings.
func findingsList(ctx context.Context, fs []policy.Finding) (types.List, diag.Diagnostics) {
	return types.ListValueFrom(ctx, types.StringType, findingLines(fs))
}
