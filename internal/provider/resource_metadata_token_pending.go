package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// A create whose every attempt failed after the request may have reached the
// API leaves a pending create: the resource is saved (tainted) with no token
// id and an `id` of `<instance>/pending-<Idempotency-Key>`. The next apply
// replaces a tainted resource, and its Delete repeats that create with the
// same key: the API answers with the token the lost attempt minted, if any,
// which Delete then revokes. So a lost answer never orphans a token, and a
// refresh never mints one.
//
// The key lives in state, not in private state: Terraform hands the destroy
// half of a tainted resource's replacement the private state of the create
// half's plan, which is empty. The request is rebuilt from the saved
// attributes, which are the ones it was made from.

// pendingIDInfix separates the instance from the key in a pending create's id.
const pendingIDInfix = "/pending-"

// pendingCreate is a create whose outcome is unknown.
type pendingCreate struct {
	Instance string
	Key      string
}

// id is the resource id that records p.
func (p pendingCreate) id() string { return p.Instance + pendingIDInfix + p.Key }

// pendingCreateNote replaces outcomeNote for a create kept as pending.
const pendingCreateNote = "The API may have minted the token before the failure. Terraform keeps the resource as tainted, " +
	"with no token id, and remembers the create's Idempotency-Key: the next terraform apply repeats the create with it, " +
	"revokes the token the API minted, if any, and creates a new one (terraform destroy revokes it the same way). " +
	"Nothing else needs to be done."

// keepPendingCreate saves the planned token as a pending create: every value
// the plan left unknown becomes null, and id records the instance and key.
func keepPendingCreate(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, p pendingCreate) {
	raw, err := tftypes.Transform(req.Plan.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot record the pending create", fmt.Sprintf("The planned token could not be saved: %s. "+
			"List the instance's tokens with the xano_metadata_tokens data source and revoke any you do not recognise.", err))
		return
	}
	resp.State.Raw = raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), p.id())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance"), p.Instance)...)
}

// pendingCreateOf returns the pending create a state without a token id
// records, or nil.
func pendingCreateOf(state *metadataTokenModel) *pendingCreate {
	if !state.TokenID.IsNull() || state.ID.IsNull() || state.ID.IsUnknown() {
		return nil
	}
	instance, key, ok := strings.Cut(state.ID.ValueString(), pendingIDInfix)
	if !ok || instance == "" || key == "" {
		return nil
	}
	return &pendingCreate{Instance: instance, Key: key}
}

// settlePendingCreate is Delete's work for a pending create: it repeats the
// create with its key and revokes what the API answers. A create refused
// for the token limit minted nothing the first time either (the API answers
// a repeated key with its first answer, and checks the limit only for a new
// token), so there is nothing to revoke.
func (r *metadataTokenResource) settlePendingCreate(ctx context.Context, state *metadataTokenModel, p *pendingCreate, diags *diag.Diagnostics) {
	name := state.Name.ValueString()
	const retry = "The resource stays in state, so the next apply or destroy tries again. To give up instead, remove it with " +
		"terraform state rm, and look for a token of that name with the xano_metadata_tokens data source."
	spec, known, d := tokenPolicySpec(ctx, r.data.policy, state)
	create, err := createTokenRequest(name, spec)
	if d.HasError() || !known || err != nil {
		diags.AddError("Cannot repeat the lost create",
			fmt.Sprintf("The saved attributes of token %q no longer make a valid create request, so the create whose answer was lost "+
				"cannot be repeated to find the token it minted. %s", name, retry))
		return
	}
	// As in Create, the call outlives a Ctrl-C: its answer is what says which
	// token to revoke.
	tok, err := r.data.client.CreateTokenWithKey(context.WithoutCancel(ctx), p.Instance, create, p.Key)
	switch {
	case xano.IsLimitReached(err):
		return
	case err != nil:
		tokenAPIErrorNote(diags, fmt.Sprintf("repeat the lost create of token %q on instance %q to revoke what it minted", name, p.Instance), err, retry)
		return
	}
	ctx = r.data.mask(ctx, tok.Secret)
	if err := r.data.revokeToken(ctx, p.Instance, tok.ID); err != nil {
		tokenAPIErrorNote(diags, fmt.Sprintf("revoke token %d on instance %q, minted by the lost create of %q", tok.ID, p.Instance, name), err, retry)
	}
}
