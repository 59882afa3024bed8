package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// mintedOutputs are the computed attributes a new mint changes.
var mintedOutputs = []string{"id", "token_id", "token", "created_at", "expires_at", "last_used_at"}

// planDecision writes a decision into the plan: what a mint leaves unknown,
// the previous token, the intent of the mint, the token limit and the
// warnings about rotation and expiry.
func planDecision(ctx context.Context, data *providerData, prior, plan *metadataTokenModel, in lifecycle.Input, d lifecycle.Decision, sub policy.Subject, resp *resource.ModifyPlanResponse) {
	diags := &resp.Diagnostics
	switch d.Action {
	case lifecycle.Create:
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), types.Int64Null())...)
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringNull())...)
		if in.Want.NeverExpires {
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringNull())...)
		}
	case lifecycle.Replace:
		if d.Reason != lifecycle.Changed || prior.pending(ctx) != nil {
			diags.Append(markMinted(ctx, &resp.Plan)...)
			resp.RequiresReplace.Append(path.Root("expires_at"))
		}
	case lifecycle.Resume:
		diags.Append(markMinted(ctx, &resp.Plan)...)
	case lifecycle.Rotate:
		diags.Append(markMinted(ctx, &resp.Plan)...)
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), prior.TokenID)...)
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringUnknown())...)
	case lifecycle.Nothing:
		switch {
		case d.RevokePrevious:
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_token_id"), types.Int64Null())...)
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), types.StringNull())...)
		case d.PreviousRevokeAt != nil:
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_revoke_at"), formatTimestamp(*d.PreviousRevokeAt))...)
		}
		warnExpiry(data.policy, sub, in, diags)
	}
	if prior != nil && (d.Reason == lifecycle.Expired || d.Reason == lifecycle.Due || d.Reason == lifecycle.Cutoff) {
		diags.Append(rotationWarning(sub, prior, plan, d, data.policy, in.Now))
	}
	if m := data.policy.NameMessage(sub, in.Want.Name, d.Action.Mints()); m != nil && d.Action.Mints() {
		diags.AddAttributeError(path.Root("name"), m.Summary, m.Detail)
	} else if m != nil {
		diags.AddAttributeWarning(path.Root("name"), m.Summary, m.Detail)
	}
	spec := in.Want.Spec()
	if m := data.policy.AcknowledgementAgeMessage(sub, spec, in.Now, d.Action.Mints()); m != nil && d.Action.Mints() {
		diags.AddAttributeError(path.Root("review_by"), m.Summary, m.Detail)
	} else if m != nil {
		diags.AddAttributeWarning(path.Root("review_by"), m.Summary, m.Detail)
	}
	if d.Abandoned {
		diags.Append(lostCreateNotResumed(sub.Name, in.Want.Instance, "change"))
		diags.Append(resp.Private.SetKey(ctx, privateIntent, nil)...)
	}
	if d.Action == lifecycle.Create || d.Action == lifecycle.Resume || d.Action == lifecycle.Rotate {
		planIntent(ctx, data, in.Want, d, resp)
	}
	checkLimit(ctx, data, prior, in.Want.Instance, d, sub, resp)
}

// planInstance plans the provider's instance when the resource sets none,
// and checks a new token's instance against the account's instances.
func (d *providerData) planInstance(ctx context.Context, req resource.ModifyPlanRequest, prior *metadataTokenModel, resp *resource.ModifyPlanResponse) {
	var configured, planned types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance"), &configured)...)
	if configured.IsNull() {
		instance := d.instance
		if instance == "" && prior != nil {
			instance = prior.Instance.ValueString()
		}
		if instance == "" {
			missingInstance(&resp.Diagnostics, "resource")
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("instance"), instance)...)
		if prior != nil && prior.Instance.ValueString() != instance {
			resp.RequiresReplace.Append(path.Root("instance"))
		}
	}
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("instance"), &planned)...)
	if prior != nil || resp.Diagnostics.HasError() || planned.IsUnknown() || !d.readyOnce("the token was planned", &resp.Diagnostics) {
		return
	}
	found := d.checkInstance(ctx, planned.ValueString(), d.originOf(!configured.IsNull()), path.Root("instance"), &resp.Diagnostics)
	if found != nil && found.MetaAPI != "" && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("meta_api"), found.MetaAPI)...)
	}
}

// mintInPlace is an update that mints: a rotation with an overlap, which
// keeps the old token as the previous one, or the resumption of a lost
// create. Its intent comes from the plan's private data.
func (d *providerData) mintInPlace(ctx context.Context, req resource.UpdateRequest, state, plan *metadataTokenModel, resp *resource.UpdateResponse) {
	instance := state.Instance.ValueString()
	want, known, diags := plan.desired(ctx, d.policy)
	resp.Diagnostics.Append(diags...)
	create, err := want.CreateRequest()
	if !known || err != nil {
		resp.Diagnostics.AddError("Token not known at apply time", "The token's scopes or lifetime are unknown or invalid "+
			"when its new token is minted. This is a bug in the provider or Terraform; please report it.")
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	// The plan's intent, unless a value unknown at plan time changed the request.
	intent := intentOf(ctx, req.Private)
	if !intent.For(create) {
		fresh, err := lifecycle.NewIntent(create)
		if err != nil {
			resp.Diagnostics.AddError("Cannot mint the token", fmt.Sprintf("No idempotency key could be made for the create: %s.", err))
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			return
		}
		intent = &fresh
		resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privateIntent, fresh)...)
	}
	tok, err := d.tokens.Mint(ctx, instance, create, *intent)
	if err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("create the new token of %q on instance %q", want.Name, instance), err)
		if xano.KindOf(err) != xano.KindOutcomeUnknown {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateIntent, nil)...)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	ctx = d.mask(ctx, tok.Secret)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateIntent, nil)...)
	resp.Diagnostics.Append(recordCutoff(ctx, d.policy, resp.Private)...)
	next := *plan
	next.PreviousTokenID, next.PreviousRevokeAt = types.Int64Null(), types.StringNull()
	times := d.recordMint(ctx, &next, instance, tok, &resp.Diagnostics)
	if !state.TokenID.IsNull() {
		next.PreviousTokenID = state.TokenID
		rotatedAt := d.now()
		if times != nil {
			rotatedAt = times.Created
		}
		oldExpiry := stateTime(state.ExpiresAt)
		if oldExpiry != nil {
			resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privatePreviousExpiresAt, formatTimestamp(*oldExpiry))...)
		}
		next.PreviousRevokeAt = types.StringValue(formatTimestamp(lifecycle.PreviousRevokeAt(rotatedAt, want.RotationOverlap, oldExpiry)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// recordCutoff records with a new mint the policy's rotate_minted_before:
// a mint meets the cut-off even while it is ahead, so a cut-off in the future
// rotates each token once, not at every plan until it passes.
func recordCutoff(ctx context.Context, pol policy.Policy, p privateSetter) diag.Diagnostics {
	if pol.RotateMintedBefore.IsZero() {
		return nil
	}
	return setPrivate(ctx, p, privateCutoff, pol.RotateMintedBefore.UTC().Format(time.RFC3339Nano))
}

// planIntent makes the intent of a mint at plan time: private state carries
// it to Update, and the provider's intents to Create.
func planIntent(ctx context.Context, data *providerData, want lifecycle.Desired, d lifecycle.Decision, resp *resource.ModifyPlanResponse) {
	req, err := want.CreateRequest()
	if err != nil {
		return
	}
	intent, waiting := data.intents.Waiting(req)
	if d.Key != "" {
		intent = lifecycle.Intent{Key: d.Key, Request: lifecycle.Fingerprint(req)}
	} else if !waiting {
		if intent, err = lifecycle.NewIntent(req); err != nil {
			resp.Diagnostics.AddError("Cannot plan the token", fmt.Sprintf("No idempotency key could be made for the create: %s.", err))
			return
		}
	}
	data.intents.Put(intent)
	resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privateIntent, intent)...)
}

// checkLimit checks Xano's token limit for a plan that creates or rotates a
// token, and records for a replacement which tokens go before its create.
func checkLimit(ctx context.Context, data *providerData, prior *metadataTokenModel, instance string, d lifecycle.Decision, sub policy.Subject, resp *resource.ModifyPlanResponse) {
	var revokedFirst []int64
	if prior == nil {
		var m replacingMarker
		if getPrivate(ctx, resp.Private, privateReplacing, &m) && m.Instance == instance {
			revokedFirst = m.TokenIDs
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacing, nil)...)
	} else {
		data.noteManaged(prior)
		// Terraform does not tell the provider of -replace or a tainted
		// object, only of the create half's plan that follows: every plan of
		// an existing token says what its destruction revokes.
		m := replacingMarker{Instance: prior.Instance.ValueString()}
		if !prior.TokenID.IsNull() && (prior.RevokeOnDestroy.IsNull() || prior.RevokeOnDestroy.ValueBool()) {
			m.TokenIDs = append(m.TokenIDs, prior.TokenID.ValueInt64())
			if !prior.PreviousTokenID.IsNull() {
				m.TokenIDs = append(m.TokenIDs, prior.PreviousTokenID.ValueInt64())
			}
		}
		resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privateReplacing, m)...)
		if d.Action != lifecycle.Rotate {
			return
		}
		if !prior.PreviousTokenID.IsNull() {
			revokedFirst = []int64{prior.PreviousTokenID.ValueInt64()}
		}
	}
	if prior != nil || d.Action == lifecycle.Create {
		v := data.checkTokenLimit(ctx, sub, instance, revokedFirst, &resp.Diagnostics)
		// A create that resumes or drops a lost create may find that create's
		// token under the name: other diagnostics speak of it.
		if prior == nil && d.Key == "" && !d.Abandoned {
			for _, t := range v.Unmanaged {
				resp.Diagnostics.Append(unmanagedSameName(sub, instance, t))
			}
		}
	}
}

// noteManaged tells the ledger that the tokens of a state are managed, so a
// create of the same name does not report them as unmanaged. The refresh
// calls it too: Terraform plans the replacement of a tainted or -replace'd
// object as a plain create, after refreshing it.
func (d *providerData) noteManaged(state *metadataTokenModel) {
	if d.limits == nil {
		return
	}
	for _, id := range []types.Int64{state.TokenID, state.PreviousTokenID} {
		if !id.IsNull() && !id.IsUnknown() {
			d.limits.NoteManaged(state.Instance.ValueString(), id.ValueInt64())
		}
	}
}

// checkTokenLimit registers a plan that creates a token and reports one
// that takes the instance past Xano's limit; it returns the ledger's verdict.
// An instance whose API serves no token endpoints gets one warning, from the
// ledger's first verdict there.
func (d *providerData) checkTokenLimit(ctx context.Context, sub policy.Subject, instance string, revokedFirst []int64, diags *diag.Diagnostics) lifecycle.Verdict {
	if d.limits == nil || d.skipChecks || instance == "" {
		return lifecycle.Verdict{}
	}
	v := d.limits.Register(ctx, instance, sub.Name, revokedFirst)
	switch {
	case xano.IsNoTokenAPI(v.Err):
		diags.Append(tokenLimitNotChecked(instance, v.Err))
	case v.Err != nil:
		diags.Append(tokenLimitCheckError(instance, v.Err))
	case !v.Over():
	case len(v.SameName) > 0:
		diags.Append(overTokenLimitUnlessReplaced(sub.String(), instance, v.Total(), v.Active, v.Creates, v.SameName))
	default:
		diags.Append(overTokenLimit(sub.String(), instance, v.Total(), v.Active, v.Creates, v.Freed))
	}
	return v
}

// markMinted plans every minted output as unknown: the apply mints.
func markMinted(ctx context.Context, plan *tfsdk.Plan) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range mintedOutputs {
		a, d := plan.Schema.AttributeAtPath(ctx, path.Root(name))
		diags.Append(d...)
		if d.HasError() {
			continue
		}
		typ := a.GetType()
		unknown, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), tftypes.UnknownValue))
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Cannot plan a minted value", err.Error()+". This is a bug in the provider; please report it.")
			continue
		}
		diags.Append(plan.SetAttribute(ctx, path.Root(name), unknown)...)
	}
	return diags
}

// rotationWarning says why an existing token is replaced or rotated; now
// is when the token was last checked.
func rotationWarning(sub policy.Subject, prior, plan *metadataTokenModel, d lifecycle.Decision, pol policy.Policy, now time.Time) diag.Diagnostic {
	who := fmt.Sprintf("Token %q (id %s)", prior.Name.ValueString(), prior.ID.ValueString())
	at := path.Root("expires_at")
	consequence := " Terraform plans a replacement: a new token with a new secret, after which the old one is revoked " +
		"(unless revoke_on_destroy = false). Hand the new secret to whatever uses this token after the apply."
	switch {
	case d.Reason == lifecycle.Cutoff:
		return cutoffWarning(sub, who, prior, plan, d, pol.RotateMintedBefore, now, consequence)
	case d.Action == lifecycle.Rotate:
		replaced := ""
		if !prior.PreviousTokenID.IsNull() {
			replaced = fmt.Sprintf(" The token kept by the last rotation (id %d) is revoked first.", prior.PreviousTokenID.ValueInt64())
		}
		return diag.NewAttributeWarningDiagnostic(at, fmt.Sprintf("%s: due for rotation, new token planned", sub),
			fmt.Sprintf("%s expires at %s, within its rotate_before window of %s. Terraform updates it in place: the "+
				"apply mints a new token with a new secret, and this one (id %d) stays valid for rotation_overlap = %s after "+
				"the apply (or until it expires, if sooner), so whatever uses it keeps working while it moves to the new "+
				"secret. The first plan after that revokes it.%s", who, prior.ExpiresAt.ValueString(), plan.RotateBefore.ValueString(),
				prior.TokenID.ValueInt64(), plan.RotationOverlap.ValueString(), replaced))
	case d.Reason == lifecycle.Expired:
		return diag.NewAttributeWarningDiagnostic(at, fmt.Sprintf("%s: expired, replacement planned", sub),
			fmt.Sprintf("%s expired at %s.%s", who, prior.ExpiresAt.ValueString(), consequence))
	}
	return diag.NewAttributeWarningDiagnostic(at, fmt.Sprintf("%s: due for rotation, replacement planned", sub),
		fmt.Sprintf("%s expires at %s, within its rotate_before window of %s.%s Set rotation_overlap to keep the old "+
			"token valid for a while after the rotation.", who, prior.ExpiresAt.ValueString(), plan.RotateBefore.ValueString(), consequence))
}

// cutoffWarning says an existing token is rotated because it was minted
// before the policy's rotate_minted_before.
func cutoffWarning(sub policy.Subject, who string, prior, plan *metadataTokenModel, d lifecycle.Decision, cut, now time.Time, consequence string) diag.Diagnostic {
	cutoff := cut.UTC().Format(time.RFC3339)
	lines := []string{fmt.Sprintf("%s was minted at %s, before the provider policy's rotate_minted_before = %q, the cut-off "+
		"of an incident response: its secret may have leaked.", who, prior.CreatedAt.ValueString(), cutoff)}
	if d.Action == lifecycle.Rotate {
		lines = append(lines, fmt.Sprintf("Terraform updates it in place: the apply mints a new token with a new secret, and this "+
			"one (id %d) stays valid for rotation_overlap = %s after the apply (or until it expires, if sooner), so whatever "+
			"uses it can move to the new secret; the first plan after that revokes it. If the old secret is known to be in "+
			"the wrong hands, set rotation_overlap = \"0s\" for this apply so it is revoked at once.",
			prior.TokenID.ValueInt64(), plan.RotationOverlap.ValueString()))
	} else {
		lines = append(lines, strings.TrimSpace(consequence))
	}
	if now.Before(cut) {
		lines = append(lines, fmt.Sprintf("The cut-off is in the future: every token minted until then, this one's successor "+
			"too, is minted before it, so it would rotate every token at every plan until %s. Terraform rotates each token "+
			"once: the new token records that it met this cut-off. Set the cut-off to the time of the leak, not ahead of it.", cutoff))
	}
	lines = append(lines, "Once every token is rotated, audit the instance's other tokens with the xano_metadata_tokens data "+
		"source (rule minted_before_cutoff), then remove rotate_minted_before from the provider's policy.")
	summary := fmt.Sprintf("%s: minted before the cut-off %s, replacement planned", sub, cutoff)
	if d.Action == lifecycle.Rotate {
		summary = fmt.Sprintf("%s: minted before the cut-off %s, new token planned", sub, cutoff)
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("created_at"), summary, strings.Join(lines, "\n"))
}

// warnExpiry warns about a token that will expire within the policy's
// expiry horizon with no rotate_before to replace it.
func warnExpiry(pol policy.Policy, sub policy.Subject, in lifecycle.Input, diags *diag.Diagnostics) {
	p := in.Prior
	if p == nil || p.ExpiresAt == nil {
		return
	}
	if m := pol.ExpiryNotice(sub, p.ExpiresAt.Sub(p.CreatedAt), *p.ExpiresAt, in.Now, in.Want.RotateBefore > 0); m != nil {
		diags.AddAttributeWarning(path.Root("expires_at"), m.Summary, m.Detail)
	}
}

// recordMint fills m from the answer of a create; an answer whose times
// cannot be read is an error, and the state still records the token.
func (d *providerData) recordMint(ctx context.Context, m *metadataTokenModel, instance string, tok *xano.Token, diags *diag.Diagnostics) *lifecycle.Times {
	m.Token = types.StringValue(tok.Secret)
	if m.MetaAPI.IsUnknown() {
		m.MetaAPI = optionalString(d.metaAPIOf(ctx, instance))
	}
	times, err := lifecycle.TimesOf(tok)
	if err != nil {
		diags.Append(unexpectedToken(fmt.Sprintf("Token %d was created, but its answer cannot be read", tok.ID), err,
			"Terraform marks it tainted so the next apply replaces it."))
		diags.Append(m.record(instance, tok, nil)...)
		return nil
	}
	diags.Append(m.record(instance, tok, &times)...)
	return &times
}

// refreshFindings reviews an imported token as found, so a configuration
// that matches it plans no change, and otherwise renews the idle finding.
func (d *providerData) refreshFindings(ctx context.Context, m *metadataTokenModel, imported bool, now time.Time) diag.Diagnostics {
	minted := m.minted(ctx, emptyPrivate{})
	if imported {
		return m.setFindings(ctx, minted.Review(d.policy, now))
	}
	var fs []policy.Finding
	for _, f := range minted.Findings {
		if f.Rule != policy.RuleIdle {
			fs = append(fs, f)
		}
	}
	if f, ok := policy.IdleFinding(minted.Usage(), d.policy, now); ok {
		fs = append(fs, f)
	}
	return m.setFindings(ctx, fs)
}

// setFindings records findings in the model.
func (m *metadataTokenModel) setFindings(ctx context.Context, fs []policy.Finding) diag.Diagnostics {
	list, diags := findingsList(ctx, fs)
	m.Findings = list
	return diags
}

// emptyPrivate is private state with nothing in it.
type emptyPrivate struct{}

func (emptyPrivate) GetKey(context.Context, string) ([]byte, diag.Diagnostics) { return nil, nil }

// keepPending saves the planned token of a create whose answer was lost:
// unknown values become null, and the id holds the create's key.
func keepPending(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, instance string, intent lifecycle.Intent) diag.Diagnostics {
	var diags diag.Diagnostics
	raw, err := tftypes.Transform(plan.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Cannot record the pending create", fmt.Sprintf("The planned token could not be saved: %s. "+
			"List the instance's tokens with the xano_metadata_tokens data source and revoke any you do not recognise.", err))
		return diags
	}
	state.Raw = raw
	diags.Append(state.SetAttribute(ctx, path.Root("id"), instance+pendingIDInfix+intent.Key)...)
	diags.Append(state.SetAttribute(ctx, path.Root("instance"), instance)...)
	return diags
}

// pendingCreateNote replaces the outcome note for a create kept as pending.
const pendingCreateNote = "The API may have minted the token before the failure. Terraform keeps the resource as tainted, " +
	"with no token id and the create's Idempotency-Key in its id. The next terraform apply, which replaces it, repeats " +
	"the create with that key: it records the token the API minted, if any, instead of minting a second one, or, when " +
	"the API can no longer return that token's secret (it answers 409 with the token's id, after a restart for example), " +
	"revokes it and mints another. Run terraform apply again once the API answers."

// lostCreateNotResumed warns that a create whose answer was lost will not be
// repeated, so a token it may have minted stays unmanaged.
func lostCreateNotResumed(name, instance, why string) diag.Diagnostic {
	cause := "This plan destroys the resource, and a destroy never mints, so the create is not repeated to find out."
	if why == "change" {
		cause = "The token's configuration changed since, so the create cannot be repeated with its Idempotency-Key."
	}
	return diag.NewWarningDiagnostic(fmt.Sprintf("Token %q: lost create not resumed", name),
		fmt.Sprintf("An earlier create of token %q on instance %q lost its answer, so the API may have minted a token "+
			"nobody holds the secret of. %s List the instance's tokens (the xano_metadata_tokens data source) and revoke "+
			"any named %q that Terraform does not manage.", name, instance, cause, name))
}

// tokenGoneWarning says a refresh found the token revoked outside Terraform.
func tokenGoneWarning(state *metadataTokenModel) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Token revoked outside Terraform",
		fmt.Sprintf("Token %q (id %d) no longer exists on instance %q. Possible causes: someone deleted it in the Xano dashboard, "+
			"another tool or configuration revoked it, or the server lost its data (an emulator that was restarted, for example). "+
			"Terraform removed it from state; it will be created again, with a new secret.%s", state.Name.ValueString(),
			state.TokenID.ValueInt64(), state.Instance.ValueString(), previousNote(state)))
}

// tokenLeftValid says a destroy with revoke_on_destroy = false left the token valid.
func tokenLeftValid(state *metadataTokenModel) diag.Diagnostic {
	until := "until it expires at " + state.ExpiresAt.ValueString()
	if state.ExpiresAt.IsNull() {
		until = "FOREVER: it never expires, so anyone holding its secret keeps access until someone deletes it in the Xano dashboard"
	}
	return diag.NewWarningDiagnostic("Token left valid",
		fmt.Sprintf("revoke_on_destroy = false: token %q (id %d) on instance %q was removed from Terraform's state but not revoked. It stays valid %s.%s",
			state.Name.ValueString(), state.TokenID.ValueInt64(), state.Instance.ValueString(), until, previousNote(state)))
}

// previousNote completes a warning about a token gone from state while its
// previous token, if any, is still valid.
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

// validateLifetime checks what single attributes cannot: never_expires
// against expires_in and rotate_before, whole seconds, rotate_before
// against the lifetime, and rotation_overlap against rotate_before.
func validateLifetime(cfg *metadataTokenModel, diags *diag.Diagnostics) {
	never := !cfg.NeverExpires.IsUnknown() && cfg.NeverExpires.ValueBool()
	known := func(v DurationValue) bool { return !v.IsNull() && !v.IsUnknown() }
	if never && known(cfg.ExpiresIn) {
		diags.AddAttributeError(path.Root("expires_in"), "Conflicting lifetime",
			"expires_in sets a lifetime but never_expires = true asks for a token that never expires. Remove one of them.")
	}
	if d, err := cfg.ExpiresIn.Duration(); known(cfg.ExpiresIn) && err == nil && d%time.Second != 0 {
		diags.AddAttributeError(path.Root("expires_in"), "Lifetime not in whole seconds",
			fmt.Sprintf("expires_in = %q is not a whole number of seconds, and Xano counts token lifetimes in seconds. Use, e.g., %q.",
				cfg.ExpiresIn.ValueString(), duration.Format(d.Round(time.Second))))
	}
	if overlap, err := cfg.RotationOverlap.Duration(); known(cfg.RotationOverlap) && err == nil && overlap > 0 {
		at := path.Root("rotation_overlap")
		if cfg.RotateBefore.IsNull() {
			diags.AddAttributeError(at, "rotation_overlap needs rotate_before",
				fmt.Sprintf("rotation_overlap = %q keeps the old token valid after a rotation, but without rotate_before the "+
					"token is rotated only once it has expired, when there is nothing left to keep. Set rotate_before, at least "+
					"as long as rotation_overlap, or remove rotation_overlap.", cfg.RotationOverlap.ValueString()))
		} else if rotate, err := cfg.RotateBefore.Duration(); known(cfg.RotateBefore) && err == nil && overlap > rotate {
			diags.AddAttributeError(at, "rotation_overlap is longer than rotate_before",
				fmt.Sprintf("rotation_overlap = %q is longer than rotate_before = %q: the rotation happens at most %s before the "+
					"old token expires, so it cannot stay valid for longer. Use a rotation_overlap of at most %s, or a longer "+
					"rotate_before.", cfg.RotationOverlap.ValueString(), cfg.RotateBefore.ValueString(),
					cfg.RotateBefore.ValueString(), cfg.RotateBefore.ValueString()))
		}
	}
	if !known(cfg.RotateBefore) {
		return
	}
	if never {
		diags.AddAttributeError(path.Root("rotate_before"), "rotate_before needs an expiry",
			"rotate_before plans a replacement before the token expires, but never_expires = true means it never does. "+
				"Remove rotate_before, or set expires_in instead of never_expires.")
		return
	}
	rotate, err := cfg.RotateBefore.Duration()
	lifetime, ok, lerr := tokenLifetime(cfg.ExpiresIn, cfg.NeverExpires)
	if err == nil && ok && lerr == nil && rotate >= lifetime {
		diags.AddAttributeError(path.Root("rotate_before"), "rotate_before is not shorter than the lifetime",
			fmt.Sprintf("rotate_before = %q is not shorter than the token's lifetime of %s, so every plan would replace the token. "+
				"Use a rotate_before shorter than expires_in, e.g. a quarter of it (%s).",
				cfg.RotateBefore.ValueString(), duration.Format(lifetime), duration.Format((lifetime/4).Round(time.Hour))))
	}
}
