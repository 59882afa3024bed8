package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// privateKeyCheckedAt is the private-state key where Read records the time of
// the refresh. The rotation decision uses it, so the plan Terraform makes
// again at apply time decides as the reviewed plan did, however much time
// passed in between.
const privateKeyCheckedAt = "rotation_checked_at"

// ModifyPlan fills the instance from the provider, plans a replacement of a
// token that has expired or entered its rotate_before window, then runs the
// risk review on what was planned.
func (r *metadataTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	ctx = r.data.mask(ctx)
	r.planInstance(ctx, req, resp)
	if resp.Diagnostics.HasError() || !r.data.readyOnce("the token was planned", &resp.Diagnostics) {
		return
	}
	if req.State.Raw.IsNull() {
		// A create, or the create half of a replacement, which Terraform
		// plans again without the prior state: the instance must exist
		// before anything is minted there.
		r.planNewInstance(ctx, req, resp)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	// The plan is read once, after the instance is filled in; the steps
	// below change only computed attributes the review does not read.
	var plan metadataTokenModel
	var prior *metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, resp.Plan, &plan)...)
	if !req.State.Raw.IsNull() {
		prior = &metadataTokenModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if prior == nil {
		// A token that never expires has no expiry to wait for.
		if !plan.NeverExpires.IsUnknown() && plan.NeverExpires.ValueBool() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringNull())...)
		}
	}
	rotated := false
	if prior != nil {
		rotated = r.planRotation(ctx, req.Private, prior, &plan, resp)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework starts this method with RequiresReplace empty, so it
	// holds only what planInstance and planRotation added.
	replaced := prior != nil && (len(resp.RequiresReplace) > 0 || tokenReplaced(prior, &plan))
	if prior != nil && !replaced && !rotated {
		r.planPrevious(ctx, req.Private, prior, &plan, resp)
	}
	// A rotation in place mints a new secret: the review treats it as the
	// replacement it stands for.
	findings, diags := reviewTokenPlan(ctx, r.data, prior, &plan, replaced || rotated)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("findings"), findings)...)
	if !resp.Diagnostics.HasError() {
		r.planLifecycle(ctx, req, resp, prior, &plan, replaced, rotated)
	}
}

// planInstance plans the provider's instance when the resource sets none,
// and a replacement when that moves the token to another instance.
func (r *metadataTokenResource) planInstance(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured, prior types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance"), &configured)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("instance"), &prior)...)
	}
	if resp.Diagnostics.HasError() || !configured.IsNull() {
		return
	}
	instance := r.data.instance
	if instance == "" && !prior.IsNull() && !prior.IsUnknown() {
		instance = prior.ValueString()
	}
	if instance == "" {
		missingInstance(&resp.Diagnostics, "resource")
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("instance"), instance)...)
	if !prior.IsNull() && prior.ValueString() != instance {
		resp.RequiresReplace.Append(path.Root("instance"))
	}
}

// planNewInstance checks the planned instance against the account's
// instances and plans meta_api, when the list is known, as that instance's
// Metadata API URL.
func (r *metadataTokenResource) planNewInstance(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured, planned types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance"), &configured)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("instance"), &planned)...)
	if resp.Diagnostics.HasError() || planned.IsUnknown() || planned.IsNull() {
		return
	}
	found := r.data.checkInstance(ctx, planned.ValueString(), r.data.originOf(!configured.IsNull()), path.Root("instance"), &resp.Diagnostics)
	if found != nil && found.MetaAPI != "" && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("meta_api"), found.MetaAPI)...)
	}
}

// planRotation plans a replacement when the token has expired or is inside
// its rotate_before window, or, inside the window with a rotation_overlap, an
// in-place rotation, which it reports. It leaves the plan untouched
// otherwise, so a steady configuration plans nothing.
func (r *metadataTokenResource) planRotation(ctx context.Context, private privateGetter, state, plan *metadataTokenModel, resp *resource.ModifyPlanResponse) (inPlace bool) {
	if state.ExpiresAt.IsNull() || state.ExpiresAt.IsUnknown() {
		return false
	}
	expiresAt, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString())
	if err != nil {
		return false
	}
	var rotateBefore time.Duration
	if !plan.RotateBefore.IsNull() && !plan.RotateBefore.IsUnknown() {
		if rotateBefore, err = plan.RotateBefore.Duration(); err != nil {
			return false
		}
	}
	due := rotationDue(r.checkedAt(ctx, private), expiresAt, rotateBefore)
	if due == rotationNotDue {
		return false
	}
	sub := reviewSubject(state.Name, state.Instance, r.data.instance, false)
	// An expired token has nothing left to keep, and a change of what the
	// token is minted with replaces it anyway.
	if due == rotationWindow && !tokenReplaced(state, plan) {
		overlap, known := rotationOverlapOf(plan.RotationOverlap)
		if !known {
			unknownOverlap(&resp.Diagnostics, "the rotation this plan makes")
			return false
		}
		if overlap > 0 {
			r.planOverlapRotation(ctx, sub, state, plan, resp)
			return true
		}
	}
	who := fmt.Sprintf("Token %q (id %s)", state.Name.ValueString(), state.ID.ValueString())
	consequence := " Terraform plans a replacement: a new token with a new secret, after which the old one is revoked " +
		"(unless revoke_on_destroy = false). Hand the new secret to whatever uses this token after the apply."
	if due == rotationExpired {
		resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), fmt.Sprintf("%s: expired, replacement planned", sub),
			fmt.Sprintf("%s expired at %s.%s", who, state.ExpiresAt.ValueString(), consequence))
	} else {
		resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), fmt.Sprintf("%s: due for rotation, replacement planned", sub),
			fmt.Sprintf("%s expires at %s, within its rotate_before window of %s.%s Set rotation_overlap to keep the old "+
				"token valid for a while after the rotation.",
				who, state.ExpiresAt.ValueString(), plan.RotateBefore.ValueString(), consequence))
	}
	resp.RequiresReplace.Append(path.Root("expires_at"))
	resp.Diagnostics.Append(markMinted(ctx, &resp.Plan)...)
	return false
}

// privateGetter is the read side of a request's private state.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// checkedAt returns the time of the last refresh, recorded by Read, or now
// when there was none (a plan with -refresh=false after a create).
func (r *metadataTokenResource) checkedAt(ctx context.Context, private privateGetter) time.Time {
	raw, _ := private.GetKey(ctx, privateKeyCheckedAt)
	var s string
	if len(raw) > 0 && json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	return r.data.now()
}

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
