package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// expiresInDefault plans the 7-day default lifetime when the configuration
// sets neither expires_in nor never_expires = true, and no lifetime when it
// asks for a token that never expires.
type expiresInDefault struct{}

var _ planmodifier.String = expiresInDefault{}

func (expiresInDefault) Description(context.Context) string {
	return "Defaults to " + defaultExpiresIn + " unless never_expires is true."
}

func (m expiresInDefault) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (expiresInDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var never types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("never_expires"), &never)...)
	switch {
	case never.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case never.ValueBool():
		resp.PlanValue = types.StringNull()
	default:
		resp.PlanValue = types.StringValue(defaultExpiresIn)
	}
}

// keepEquivalentDuration is a plan modifier that plans the prior state's text
// when the configuration writes the same duration differently ("1d" after
// "24h"), so such a rewrite plans no change and forces no replacement.
// Terraform accepts a planned value equal to the prior one in place of an
// equivalent configuration value.
type keepEquivalentDuration struct{}

var _ planmodifier.String = keepEquivalentDuration{}

func (keepEquivalentDuration) Description(context.Context) string {
	return "Durations that denote the same length of time plan no change."
}

func (m keepEquivalentDuration) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentDuration) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || resp.PlanValue.IsNull() || resp.PlanValue.IsUnknown() {
		return
	}
	if durationTextEqual(req.StateValue.ValueString(), resp.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// scopePermissionDefaults plans every permission a scope block leaves unset
// as false. It stands in for schema defaults on the nested attributes: the
// framework looks set elements up by value, and a default applied to one
// attribute changes the element's value, so the next attribute's lookup
// misses its configuration and a configured true was planned as false
// (terraform-plugin-framework issues #783 and #867). Building the planned set
// from the configuration avoids the lookup altogether.
type scopePermissionDefaults struct{}

var _ planmodifier.Set = scopePermissionDefaults{}

func (scopePermissionDefaults) Description(context.Context) string {
	return "Permissions a scope block does not set are false."
}

func (m scopePermissionDefaults) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (scopePermissionDefaults) PlanModifySet(_ context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := make([]attr.Value, 0, len(req.ConfigValue.Elements()))
	for _, elem := range req.ConfigValue.Elements() {
		obj, ok := elem.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			return
		}
		attrs := make(map[string]attr.Value, len(scopeAttrTypes))
		for name, v := range obj.Attributes() {
			if b, isBool := v.(types.Bool); isBool && b.IsNull() {
				v = types.BoolValue(false)
			}
			attrs[name] = v
		}
		planned, diags := types.ObjectValue(scopeAttrTypes, attrs)
		resp.Diagnostics.Append(diags...)
		elems = append(elems, planned)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	set, diags := types.SetValue(scopeObjectType, elems)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.PlanValue = set
	}
}

// rotationState says why a token must be replaced, if it must.
type rotationState int

const (
	rotationNotDue rotationState = iota
	rotationWindow
	rotationExpired
)

// rotationDue decides at now whether a token that expires at expiresAt must be
// replaced: it has expired, or less than rotateBefore is left.
func rotationDue(now, expiresAt time.Time, rotateBefore time.Duration) rotationState {
	switch {
	case !now.Before(expiresAt):
		return rotationExpired
	case rotateBefore > 0 && !now.Before(expiresAt.Add(-rotateBefore)):
		return rotationWindow
	}
	return rotationNotDue
}
