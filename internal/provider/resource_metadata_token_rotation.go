package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/tfcli"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// Rotation with an overlap. A replacement cannot keep the old token: Terraform
// destroys the old resource object, and Delete revokes its token, in the same
// apply. So when the rotate_before window opens and rotation_overlap is set,
// the plan is an in-place update instead: Update mints the new token and keeps
// the old one as the "previous" token, whose id and revocation time state
// records. A later plan, once the overlap has passed, is an in-place update
// that revokes it. Changes to what a token is minted with (scopes, lifetime,
// instance) still replace it, and destroying the resource revokes both.

// Private-state keys of the resource, beside privateKeyCheckedAt.
const (
	// privateKeyPreviousExpiresAt is when the previous token expires, so a
	// change of rotation_overlap never plans its revocation after that.
	privateKeyPreviousExpiresAt = "previous_expires_at"
	// privateKeyReplacing carries, from the plan of a replacement to the plan
	// of its create half (Terraform passes the first plan's private state to
	// the second), the tokens the replacement revokes before it creates, for
	// the token limit. Update clears it.
	privateKeyReplacing = "replacing"
	// privateKeyRotationKey keeps the Idempotency-Key of a rotation whose
	// create may have been carried out although its answer was lost, so the
	// next apply repeats that create and gets the token it minted, if any,
	// instead of minting another.
	privateKeyRotationKey = "rotation_create"
)

// rotationCreate is the value of privateKeyRotationKey: the key, and a digest
// of the request it was sent with, since a server refuses a key reused with
// another body.
type rotationCreate struct {
	Key    string `json:"key"`
	Digest string `json:"digest"`
}

// requestDigest identifies a create request's body.
func requestDigest(req xano.CreateTokenRequest) string {
	raw, _ := json.Marshal(req)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// rotationKey returns the Idempotency-Key for the rotation's create: the one
// a previous attempt with the same request left in private state, or a new
// one.
func rotationKey(ctx context.Context, private privateGetter, req xano.CreateTokenRequest) (rotationCreate, error) {
	digest := requestDigest(req)
	if raw, _ := private.GetKey(ctx, privateKeyRotationKey); len(raw) > 0 {
		var prev rotationCreate
		if json.Unmarshal(raw, &prev) == nil && prev.Key != "" && prev.Digest == digest {
			return prev, nil
		}
	}
	key, err := xano.NewIdempotencyKey()
	return rotationCreate{Key: key, Digest: digest}, err
}

// replacingMarker is the value of privateKeyReplacing.
type replacingMarker struct {
	Instance string  `json:"instance"`
	TokenIDs []int64 `json:"token_ids"`
}

// rotationAttributes are the resource's attributes for rotation with an
// overlap, merged into its schema.
func rotationAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"rotation_overlap": schema.StringAttribute{
			MarkdownDescription: "How long the old token stays valid after a rotation, e.g. `\"2d\"`, so whatever holds its " +
				"secret keeps working while it moves to the new one. Defaults to `\"0s\"`: the rotation replaces the token " +
				"and revokes the old one in the same apply. When set, the plan that rotates the token (once the " +
				"`rotate_before` window opens) is an in-place update: the apply mints the new token and keeps the old one " +
				"as `previous_token_id` until `previous_revoke_at`; the first plan after that revokes it. Needs " +
				"`rotate_before`, and at most as long: the old token expires at most `rotate_before` after the rotation. " +
				"The old token counts against Xano's limit of 10 tokens per instance until it is revoked.",
			CustomType:    DurationType{},
			Optional:      true,
			PlanModifiers: []planmodifier.String{keepEquivalentDuration{}},
		},
		"previous_token_id": schema.Int64Attribute{
			MarkdownDescription: "The id of the token this one replaced in the last rotation, while `rotation_overlap` keeps " +
				"it valid; null otherwise. Destroying the resource revokes it too.",
			Computed:      true,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"previous_revoke_at": schema.StringAttribute{
			MarkdownDescription: "When the previous token is due for revocation, in RFC 3339: `rotation_overlap` after the " +
				"rotation, or the previous token's own expiry if that comes first. The first plan from then on revokes it. " +
				"Null without a previous token.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
}

// validateRotationOverlap is the part of ValidateConfig about
// rotation_overlap: it needs rotate_before and is at most as long.
func validateRotationOverlap(cfg *metadataTokenModel, diags *diag.Diagnostics) {
	if cfg.RotationOverlap.IsNull() || cfg.RotationOverlap.IsUnknown() {
		return
	}
	overlap, err := cfg.RotationOverlap.Duration()
	if err != nil || overlap == 0 {
		return // the type's own validation reports a malformed value
	}
	at := path.Root("rotation_overlap")
	if cfg.RotateBefore.IsNull() {
		diags.AddAttributeError(at, "rotation_overlap needs rotate_before",
			fmt.Sprintf("rotation_overlap = %q keeps the old token valid after a rotation, but without rotate_before the "+
				"token is rotated only once it has expired, when there is nothing left to keep. Set rotate_before, at least "+
				"as long as rotation_overlap, or remove rotation_overlap.", cfg.RotationOverlap.ValueString()))
		return
	}
	if cfg.RotateBefore.IsUnknown() {
		return
	}
	if rotate, err := cfg.RotateBefore.Duration(); err == nil && overlap > rotate {
		diags.AddAttributeError(at, "rotation_overlap is longer than rotate_before",
			fmt.Sprintf("rotation_overlap = %q is longer than rotate_before = %q: the rotation happens at most %s before the "+
				"old token expires, so it cannot stay valid for longer. Use a rotation_overlap of at most %s, or a longer "+
				"rotate_before.", cfg.RotationOverlap.ValueString(), cfg.RotateBefore.ValueString(),
				cfg.RotateBefore.ValueString(), cfg.RotateBefore.ValueString()))
	}
}

// rotationOverlapOf returns rotation_overlap, 0 when unset; known is false
// while it is unknown.
func rotationOverlapOf(v DurationValue) (d time.Duration, known bool) {
	if v.IsUnknown() {
		return 0, false
	}
	if v.IsNull() {
		return 0, true
	}
	d, err := v.Duration()
	if err != nil {
		return 0, true
	}
	return d, true
}

// unknownOverlap reports a rotation_overlap still unknown when the plan
// depends on it: whether a rotation replaces the token or updates it in place
// must be decided now, and must not change at apply.
func unknownOverlap(diags *diag.Diagnostics, what string) {
	diags.AddAttributeError(path.Root("rotation_overlap"), "rotation_overlap unknown at plan time",
		fmt.Sprintf("rotation_overlap is unknown until apply, and %s depends on it. Set it to a value known at plan "+
			"time, such as a literal or a variable.", what))
}

// planOverlapRotation plans the rotation of a token inside its rotate_before
// window as an in-place update that mints a new token and keeps this one as
// the previous token.
func (r *metadataTokenResource) planOverlapRotation(ctx context.Context, sub policy.Subject, state, plan *metadataTokenModel, resp *resource.ModifyPlanResponse) {
	kept := fmt.Sprintf("rotation_overlap = %s after the apply (or until it expires, if sooner)", plan.RotationOverlap.ValueString())
	replaced := ""
	if !state.PreviousTokenID.IsNull() {
		replaced = fmt.Sprintf(" The token kept by the last rotation (id %d) is revoked first.", state.PreviousTokenID.ValueInt64())
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("expires_at"), fmt.Sprintf("%s: due for rotation, new token planned", sub),
		fmt.Sprintf("Token %q (id %s) expires at %s, within its rotate_before window of %s. Terraform updates it in place: the "+
			"apply mints a new token with a new secret, and this one (id %d) stays valid for %s, so whatever uses it keeps "+
			"working while it moves to the new secret. The first plan after that revokes it.%s",
			state.Name.ValueString(), state.ID.ValueString(), state.ExpiresAt.ValueString(), plan.RotateBefore.ValueString(),
			state.TokenID.ValueInt64(), kept, replaced))
	// The apply mints: what a mint decides is unknown until then, and the
	// current token becomes the previous one.
	resp.Diagnostics.Append(markMinted(ctx, &resp.Plan)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), state.TokenID)...)
}

// planPrevious plans what becomes of the previous token of a token that is
// neither rotated nor replaced: revoked once the refresh finds its time has
// come (rotation_overlap may have been lowered since), otherwise kept until a
// revocation time that follows rotation_overlap.
func (r *metadataTokenResource) planPrevious(ctx context.Context, private privateGetter, state, plan *metadataTokenModel, resp *resource.ModifyPlanResponse) {
	if state.PreviousTokenID.IsNull() || state.PreviousTokenID.IsUnknown() {
		return
	}
	overlap, known := rotationOverlapOf(plan.RotationOverlap)
	if !known {
		unknownOverlap(&resp.Diagnostics, "the revocation of the previous token")
		return
	}
	rotatedAt, err := time.Parse(time.RFC3339, state.CreatedAt.ValueString())
	if err != nil {
		return // nothing to go by: keep the planned state's value
	}
	revokeAt := previousRevokeAt(rotatedAt, overlap, previousExpiry(ctx, private))
	if !r.checkedAt(ctx, private).Before(revokeAt) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), types.Int64Null())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringNull())...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), formatTimestamp(revokeAt))...)
}

// previousRevokeAt is when a previous token is due for revocation: overlap
// after the rotation, or its own expiry when that comes first (nil: unknown).
func previousRevokeAt(rotatedAt time.Time, overlap time.Duration, expires *time.Time) time.Time {
	at := rotatedAt.Add(overlap)
	if expires != nil && expires.Before(at) {
		return *expires
	}
	return at
}

// previousExpiry reads the previous token's expiry from private state.
func previousExpiry(ctx context.Context, private privateGetter) *time.Time {
	raw, _ := private.GetKey(ctx, privateKeyPreviousExpiresAt)
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil
	}
	return &t
}

// planLifecycle is the last step of ModifyPlan: the token limit for a plan
// that creates a token, the replacement marker for the plan of a create half,
// and the expiry warning for an existing token left as it is. rotated says
// the plan rotates the token in place, replaced that it replaces it.
func (r *metadataTokenResource) planLifecycle(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, prior, plan *metadataTokenModel, replaced, rotated bool) {
	sub := reviewSubject(plan.Name, plan.Instance, r.data.instance, false)
	instance := plan.Instance.ValueString()
	if plan.Instance.IsUnknown() {
		instance = ""
	}
	if prior == nil {
		// A new token has no previous one; when it is the create half of a
		// replacement, the first plan said which tokens go first.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), types.Int64Null())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringNull())...)
		var revokedFirst []int64
		if raw, _ := req.Private.GetKey(ctx, privateKeyReplacing); len(raw) > 0 {
			var m replacingMarker
			if json.Unmarshal(raw, &m) == nil && m.Instance == instance {
				revokedFirst = m.TokenIDs
			}
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyReplacing, nil)...)
		}
		if !tfcli.Destroying() {
			r.data.checkTokenLimit(ctx, sub.Name, instance, sub.ShowInstance, revokedFirst, &resp.Diagnostics)
		}
		return
	}
	// Every plan of an existing token says what its destruction revokes, in
	// case Terraform replaces it: the provider is not told of -replace or a
	// tainted object, only of the second plan that follows.
	marker := replacingMarker{Instance: prior.Instance.ValueString()}
	// A pending create has no token id: its token, if the lost create
	// minted one, is not among those the limit check can name.
	if !prior.TokenID.IsNull() && (prior.RevokeOnDestroy.IsNull() || prior.RevokeOnDestroy.ValueBool()) {
		marker.TokenIDs = append(marker.TokenIDs, prior.TokenID.ValueInt64())
		if !prior.PreviousTokenID.IsNull() {
			marker.TokenIDs = append(marker.TokenIDs, prior.PreviousTokenID.ValueInt64())
		}
	}
	raw, _ := json.Marshal(marker)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyReplacing, raw)...)
	if tfcli.Destroying() {
		return
	}
	switch {
	case rotated:
		var revokedFirst []int64
		if !prior.PreviousTokenID.IsNull() {
			revokedFirst = []int64{prior.PreviousTokenID.ValueInt64()}
		}
		r.data.checkTokenLimit(ctx, sub.Name, instance, sub.ShowInstance, revokedFirst, &resp.Diagnostics)
	case !replaced:
		r.warnExpiry(ctx, req.Private, sub, prior, plan, &resp.Diagnostics)
	}
}

// warnExpiry warns about an existing token that will expire within the
// policy's expiry horizon with no rotate_before to replace it.
func (r *metadataTokenResource) warnExpiry(ctx context.Context, private privateGetter, sub policy.Subject, prior, plan *metadataTokenModel, diags *diag.Diagnostics) {
	if prior.ExpiresAt.IsNull() || prior.ExpiresAt.IsUnknown() {
		return
	}
	expiresAt, err := time.Parse(time.RFC3339, prior.ExpiresAt.ValueString())
	if err != nil {
		return
	}
	var lifetime time.Duration
	if created, err := time.Parse(time.RFC3339, prior.CreatedAt.ValueString()); err == nil {
		lifetime = expiresAt.Sub(created)
	}
	rotates := !plan.RotateBefore.IsNull()
	if m := r.data.policy.ExpiryNotice(sub, lifetime, expiresAt, r.checkedAt(ctx, private), rotates); m != nil {
		diags.AddAttributeWarning(path.Root(m.Attribute), m.Summary, m.Detail)
	}
}

// revokePrevious revokes a previous token with one DELETE; a 404 with Xano's
// not-found code counts as done: the token expired and was purged, someone
// revoked it, or a retried DELETE had already succeeded.
func (d *providerData) revokePrevious(ctx context.Context, instance string, id int64) error {
	err := d.client.DeleteToken(ctx, instance, id)
	var apiErr *xano.APIError
	if err != nil && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.HasCode(xano.CodeNotFound) {
		err = nil
	}
	if err == nil {
		d.limits.noteRevoked(instance, id)
	}
	return err
}

// rotateInPlace is Update's half of a rotation with an overlap: it mints the
// successor of the token state describes, with the planned name, description,
// scopes and lifetime, and keeps the old token as the previous one. Whatever
// fails, the state saved is what exists in Xano.
func (r *metadataTokenResource) rotateInPlace(ctx context.Context, instance string, state, plan *metadataTokenModel, resp *resource.UpdateResponse) {
	spec, known, d := tokenPolicySpec(ctx, r.data.policy, plan)
	resp.Diagnostics.Append(d...)
	create, err := createTokenRequest(plan.Name.ValueString(), spec)
	if !known || err != nil || resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Token not known at apply time",
			"The token's scopes or lifetime are unknown or invalid when its rotation mints the new token. This is a bug in "+
				"the provider or Terraform; please report it.")
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	attempt, err := rotationKey(ctx, resp.Private, create)
	if err != nil {
		resp.Diagnostics.AddError("Cannot rotate the token", fmt.Sprintf("No idempotency key could be made for the create: %s.", err))
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	// As in Create, the call outlives a Ctrl-C: only its answer lets the
	// state record a token the server may already have minted.
	tok, err := r.data.client.CreateTokenWithKey(context.WithoutCancel(ctx), instance, create, attempt.Key)
	if err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("create the new token of %q on instance %q (rotation)", plan.Name.ValueString(), instance), err)
		if xano.MayHaveCommitted(err) {
			// The old token stays current; the next apply plans the
			// rotation again and repeats this very create.
			raw, _ := json.Marshal(attempt)
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyRotationKey, raw)...)
			resp.Diagnostics.AddWarning(fmt.Sprintf("Token %q: rotation to be repeated", plan.Name.ValueString()),
				"The old token stays in state and valid. The next apply repeats the rotation's create with the same "+
					"Idempotency-Key, so a token the API minted before the failure is recorded then, not minted twice.")
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyRotationKey, nil)...)
	ctx = r.data.mask(ctx, tok.Secret)

	next := *plan
	next.PreviousTokenID = state.TokenID
	times := r.recordMinted(ctx, &next, instance, tok,
		fmt.Sprintf("Token %d was created by the rotation, but its answer cannot be read", tok.ID),
		fmt.Sprintf("The old token (id %d) stays valid and in state; replace the resource with terraform apply -replace "+
			"once the API answers correctly.", state.TokenID.ValueInt64()), &resp.Diagnostics)
	rotatedAt := r.data.now()
	if times != nil {
		rotatedAt = times.created
	}
	overlap, _ := rotationOverlapOf(plan.RotationOverlap)
	var oldExpiry *time.Time
	if t, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString()); err == nil {
		oldExpiry = &t
		stamp, _ := json.Marshal(formatTimestamp(t))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyPreviousExpiresAt, stamp)...)
	}
	next.PreviousRevokeAt = types.StringValue(formatTimestamp(previousRevokeAt(rotatedAt, overlap, oldExpiry)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// previousNote completes a warning about a token gone from Terraform's
// state while its previous token, if any, is still valid.
func previousNote(state *metadataTokenModel) string {
	if state.PreviousTokenID.IsNull() || state.PreviousTokenID.IsUnknown() {
		return ""
	}
	until := "until it expires"
	if !state.PreviousRevokeAt.IsNull() {
		until = "until it expires; Terraform would have revoked it at " + state.PreviousRevokeAt.ValueString()
	}
	return fmt.Sprintf(" The token it replaced in its last rotation (id %d), kept by rotation_overlap, was not revoked "+
		"and stays valid %s: revoke it in the Xano dashboard if nothing uses it.", state.PreviousTokenID.ValueInt64(), until)
}
