package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ resource.Resource                   = &metadataTokenResource{}
	_ resource.ResourceWithConfigure      = &metadataTokenResource{}
	_ resource.ResourceWithImportState    = &metadataTokenResource{}
	_ resource.ResourceWithModifyPlan     = &metadataTokenResource{}
	_ resource.ResourceWithValidateConfig = &metadataTokenResource{}
)

// NewMetadataTokenResource returns the xano_metadata_token resource.
func NewMetadataTokenResource() resource.Resource {
	return &metadataTokenResource{}
}

// metadataTokenResource manages one Metadata API access token.
type metadataTokenResource struct {
	data *providerData
}

func (r *metadataTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_metadata_token"
}

func (r *metadataTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// resolveMetaAPI returns a known meta_api for state: the planned value when
// the plan knew it, else the instance's Metadata API URL, null when that
// cannot be read.
func (r *metadataTokenResource) resolveMetaAPI(ctx context.Context, planned types.String, instance string) types.String {
	if !planned.IsUnknown() {
		return planned
	}
	if u := r.data.metaAPIOf(ctx, instance); u != "" {
		return types.StringValue(u)
	}
	return types.StringNull()
}

// recordMinted fills m from the answer of a create that minted tok: the
// secret, meta_api and the token as the answer describes it. An answer whose
// times cannot be read is an error made of what, the cause and then; the rest
// is recorded all the same, so the state knows the token, and the times are nil.
func (r *metadataTokenResource) recordMinted(ctx context.Context, m *metadataTokenModel, instance string, tok *xano.Token, what, then string, diags *diag.Diagnostics) *tokenTimes {
	m.Token = types.StringValue(tok.Secret)
	m.MetaAPI = r.resolveMetaAPI(ctx, m.MetaAPI, instance)
	times, err := parseTokenTimes(tok)
	if err != nil {
		diags.Append(unexpectedToken(what, err, then))
		diags.Append(m.applyToken(instance, tok, nil)...)
		return nil
	}
	diags.Append(m.applyToken(instance, tok, &times)...)
	return &times
}

// configured reports a missing provider configuration as an error.
func (r *metadataTokenResource) configured(diags *diag.Diagnostics) bool {
	return r.data.ready("the token was used", diags)
}

func (r *metadataTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.configured(&resp.Diagnostics) {
		return
	}
	ctx = r.data.mask(ctx)
	var plan metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	instance := r.data.instanceOr(plan.Instance)
	if instance == "" {
		missingInstance(&resp.Diagnostics, "resource")
		return
	}
	// Validation ran again on the now-known configuration before this apply,
	// so what is left to catch here is a value still unknown.
	spec, known, d := tokenPolicySpec(ctx, r.data.policy, &plan)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	create, err := createTokenRequest(plan.Name.ValueString(), spec)
	switch {
	case !known:
		resp.Diagnostics.AddError("Token not known at apply time",
			"The token's scopes or lifetime are unknown or invalid when the token is created. This is a bug in the provider or Terraform; please report it.")
		return
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("scope"), "Invalid scopes at apply time",
			fmt.Sprintf("The scope blocks are invalid when the token is created (%v). This is a bug in the provider or Terraform; please report it.", err))
		return
	}

	key, err := xano.NewIdempotencyKey()
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the token", fmt.Sprintf("No idempotency key could be made for the create: %s.", err))
		return
	}
	// The call is not cancelled when Terraform stops the provider (Ctrl-C):
	// the server may already have minted the token, and only the answer lets
	// the state record it. The per-attempt timeout and max_retries bound it.
	tok, err := r.data.client.CreateTokenWithKey(context.WithoutCancel(ctx), instance, create, key)
	if err != nil {
		action := fmt.Sprintf("create token %q on instance %q", plan.Name.ValueString(), instance)
		if !xano.MayHaveCommitted(err) {
			tokenAPIError(&resp.Diagnostics, action, err)
			return
		}
		tokenAPIErrorNote(&resp.Diagnostics, action, err, pendingCreateNote)
		keepPendingCreate(ctx, req, resp, pendingCreate{Instance: instance, Key: key})
		return
	}
	ctx = r.data.mask(ctx, tok.Secret)

	// From here on the token exists: the state is saved whatever else fails,
	// so Terraform knows it (tainted, if there is an error) and never orphans
	// it. expires_in and never_expires keep their planned text.
	state := plan
	r.recordMinted(ctx, &state, instance, tok, fmt.Sprintf("Token %d was created, but its answer cannot be read", tok.ID),
		"Terraform marks it tainted so the next apply replaces it.", &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *metadataTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Without a token the refresh keeps the prior state: the first caller
	// reports the missing token, which fails the plan.
	if !r.data.readyOnce("the token was refreshed", &resp.Diagnostics) {
		return
	}
	var state metadataTokenModel
	ctx, instance, id, pending, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok || pending != nil {
		// A pending create is settled by the apply that replaces it; a
		// refresh must not repeat the create, which could mint a token.
		return
	}
	checked := r.data.now()
	tok, err := r.data.client.GetToken(ctx, instance, id)
	gone := false
	if err != nil {
		gone, err = r.data.client.ConfirmTokenGone(ctx, instance, id, err)
	}
	if gone {
		resp.Diagnostics.AddWarning("Token revoked outside Terraform",
			fmt.Sprintf("Token %q (id %d) no longer exists on instance %q. Possible causes: someone deleted it in the Xano dashboard, "+
				"another tool or configuration revoked it, or the server lost its data (an emulator that was restarted, for example). "+
				"Terraform removed it from state; it will be created again, with a new secret.%s", state.Name.ValueString(), id, instance,
				previousNote(&state)))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("read token %d on instance %q", id, instance), err)
		return
	}
	times, err := parseTokenTimes(tok)
	if err != nil {
		resp.Diagnostics.Append(unexpectedToken(fmt.Sprintf("Token %d", id), err, ""))
		return
	}
	resp.Diagnostics.Append(state.applyToken(instance, tok, &times)...)
	// The framework keeps the prior expires_in text when the derived one
	// denotes the same duration (DurationValue's semantic equality).
	var never bool
	state.ExpiresIn, never = deriveLifetime(times.created, times.expires)
	state.NeverExpires = types.BoolValue(never)
	if state.MetaAPI.IsNull() || state.MetaAPI.IsUnknown() {
		// Imported, or created by a version without meta_api.
		state.MetaAPI = r.resolveMetaAPI(ctx, types.StringUnknown(), instance)
	}
	if state.Findings.IsNull() {
		// An import: review the token as found, so a configuration that
		// matches it plans no change.
		resp.Diagnostics.Append(state.reviewFindings(ctx, r.data.policy, checked)...)
	} else {
		resp.Diagnostics.Append(state.refreshIdle(ctx, r.data.policy, checked)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	stamp, _ := json.Marshal(checked.UTC().Format(time.RFC3339Nano))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyCheckedAt, stamp)...)
}

// priorState begins Read, Update and Delete: it checks the provider is
// configured, reads the prior state into state, masks the token's secret in
// the returned context and returns the instance and token id the state refers
// to, or the pending create a state without a token id stands for. ok is
// false when it added an error.
func (r *metadataTokenResource) priorState(ctx context.Context, prior tfsdk.State, state *metadataTokenModel, diags *diag.Diagnostics) (_ context.Context, instance string, id int64, pending *pendingCreate, ok bool) {
	if !r.configured(diags) {
		return ctx, "", 0, nil, false
	}
	diags.Append(getModel(ctx, prior, state)...)
	if diags.HasError() {
		return ctx, "", 0, nil, false
	}
	ctx = r.data.mask(ctx, state.Token.ValueString())
	if p := pendingCreateOf(state); p != nil {
		return ctx, p.Instance, 0, p, true
	}
	if state.TokenID.IsNull() || state.TokenID.IsUnknown() || state.Instance.ValueString() == "" {
		diags.AddError("Corrupt state",
			"The state of this xano_metadata_token has no instance or token id. Remove it with `terraform state rm` and import it again by <instance>/<token id>.")
		return ctx, "", 0, nil, false
	}
	return ctx, state.Instance.ValueString(), state.TokenID.ValueInt64(), nil, true
}

func (r *metadataTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state metadataTokenModel
	ctx, instance, id, pending, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	if pending != nil {
		// Only an untainted pending create is planned as an update.
		resp.Diagnostics.AddError("Token create not settled",
			fmt.Sprintf("The create of token %q on instance %q lost its answer, so Terraform does not know the token's id and "+
				"cannot update it. Replace it: terraform apply -replace=<this resource's address> revokes what the lost "+
				"create minted, if anything, and creates the token again.", state.Name.ValueString(), instance))
		resp.State.Raw = req.State.Raw
		return
	}
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The replacement marker is for the plan of a create half only.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyReplacing, nil)...)
	// From here on, a failure saves state as what exists in Xano: the
	// response starts as the plan, whose unknown values would be lost.
	rotate := plan.TokenID.IsUnknown()
	if !state.PreviousTokenID.IsNull() && (rotate || plan.PreviousTokenID.IsNull()) {
		prev := state.PreviousTokenID.ValueInt64()
		if err := r.data.revokePrevious(ctx, instance, prev); err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke the previous token %d of %q on instance %q", prev, state.Name.ValueString(), instance), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		state.PreviousTokenID, state.PreviousRevokeAt = types.Int64Null(), types.StringNull()
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyPreviousExpiresAt, nil)...)
	}
	if rotate {
		r.rotateInPlace(ctx, instance, &state, &plan, resp)
		return
	}
	// Only name, description and purpose live in Xano; the other in-place
	// changes (rotate_before, rotation_overlap, revoke_on_destroy,
	// risk_acknowledgement, findings) are Terraform's own and need no call.
	if !plan.Name.Equal(state.Name) || plan.Description.ValueString() != state.Description.ValueString() ||
		plan.Purpose.ValueString() != state.Purpose.ValueString() {
		// The purpose is a marker at the end of the description Xano holds.
		name, description := plan.Name.ValueString(), withPurpose(plan.Description.ValueString(), plan.Purpose.ValueString())
		tok, err := r.data.client.UpdateToken(ctx, instance, id, xano.UpdateTokenRequest{Name: &name, Description: &description})
		if err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("update token %d on instance %q", id, instance), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		plan.Name = types.StringValue(tok.Name)
		remote, _ := splitPurpose(tok.Description)
		plan.Description = descriptionValue(remote, plan.Description)
	}
	// An update mints nothing: every minted output stays as it was
	// (last_used_at as the refresh read it, which the plan showed).
	keepMinted(&plan, &state)
	plan.Instance = state.Instance
	plan.MetaAPI = r.resolveMetaAPI(ctx, plan.MetaAPI, instance)
	if plan.PreviousTokenID.IsUnknown() || plan.PreviousRevokeAt.IsUnknown() {
		plan.PreviousTokenID, plan.PreviousRevokeAt = state.PreviousTokenID, state.PreviousRevokeAt
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *metadataTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state metadataTokenModel
	ctx, instance, id, pending, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	if pending != nil {
		// Whatever revoke_on_destroy says: a token minted by a lost create
		// has a secret nobody ever saw, so nothing can need it.
		r.settlePendingCreate(ctx, &state, pending, &resp.Diagnostics)
		return
	}
	if !state.RevokeOnDestroy.IsNull() && !state.RevokeOnDestroy.ValueBool() {
		until := "until it expires at " + state.ExpiresAt.ValueString()
		if state.ExpiresAt.IsNull() {
			until = "FOREVER: it never expires, so anyone holding its secret keeps access until someone deletes it in the Xano dashboard"
		}
		resp.Diagnostics.AddWarning("Token left valid",
			fmt.Sprintf("revoke_on_destroy = false: token %q (id %d) on instance %q was removed from Terraform's state but not revoked. It stays valid %s.%s",
				state.Name.ValueString(), id, instance, until, previousNote(&state)))
		return
	}
	// The previous token goes first: if the token itself then fails to go,
	// the state still names both, and the next destroy finishes the job.
	if !state.PreviousTokenID.IsNull() && !state.PreviousTokenID.IsUnknown() {
		prev := state.PreviousTokenID.ValueInt64()
		if err := r.data.revokePrevious(ctx, instance, prev); err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke the previous token %d of %q on instance %q", prev, state.Name.ValueString(), instance), err)
			return
		}
	}
	if err := r.data.revokeToken(ctx, instance, id); err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke token %d on instance %q", id, instance), err)
	}
}

// ImportState accepts "<instance>/<token id>". Read fills in the rest; the
// secret cannot be recovered, so token stays null.
func (r *metadataTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instance, id, err := parseTokenImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			err.Error()+". Write the instance, a slash and the token's numeric id; the xano_metadata_tokens data source lists the ids.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), tokenResourceID(instance, id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance"), instance)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("revoke_on_destroy"), true)...)
}
