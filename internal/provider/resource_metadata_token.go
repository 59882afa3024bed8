package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ resource.Resource                   = &metadataTokenResource{}
	_ resource.ResourceWithConfigure      = &metadataTokenResource{}
	_ resource.ResourceWithImportState    = &metadataTokenResource{}
	_ resource.ResourceWithModifyPlan     = &metadataTokenResource{}
	_ resource.ResourceWithValidateConfig = &metadataTokenResource{}
	_ resource.ResourceWithUpgradeState   = &metadataTokenResource{}
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

func (r *metadataTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	permission := func(p scopes.Permission) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: scopePermissionDescription(p), Optional: true, Computed: true}
	}
	id := computed("`<instance>/<token id>`, the import id. After a create that failed with an unknown outcome (the API " +
		"may have minted the token, but no answer came back), `<instance>/pending-<Idempotency-Key>` on a tainted resource " +
		"with no `token_id`: the create that replaces it in the next apply repeats the request with that key and records " +
		"the token it minted, if any.")
	createdAt := computed("When the token was minted, in RFC 3339.")
	expiresAt := computed("When the token expires, in RFC 3339; null for a token that never expires.")
	token := computed("The token's secret, known only after Terraform creates the token; Xano shows it once. " +
		"Null after an import, since it cannot be recovered.")
	token.Sensitive = true
	resp.Schema = schema.Schema{
		Version: 1, // 1: findings became one string per finding.
		MarkdownDescription: "A Xano Metadata API access token: its name, purpose, lifetime and scopes. " +
			"Scopes, lifetime and instance are fixed when a token is minted, so changing them plans a replacement " +
			"(a new token with a new secret); `name` and `description` change in place. " +
			"An expired token, or one inside its `rotate_before` window, plans a replacement; with `rotation_overlap`, " +
			"a rotation is an in-place update that keeps the old token valid for a while.",
		Attributes: map[string]schema.Attribute{
			"id": id,
			"instance": schema.StringAttribute{
				MarkdownDescription: "The Xano instance the token belongs to. Defaults to the provider's `instance`. Changing it plans a replacement.",
				Optional:            true,
				Computed:            true,
				Validators:          instanceValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"token_id": schema.Int64Attribute{
				MarkdownDescription: "The token's numeric id in Xano.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The token's name, 1 to %d characters. Changes in place.", maxTokenNameLen),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxTokenNameLen)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the token is for; reviewers read it in the plan. Changes in place.",
				Optional:            true,
				Validators:          []validator.String{descriptionMarkerValidator{}},
			},
			"purpose": schema.StringAttribute{
				MarkdownDescription: purposeDescription() + " Changes in place.",
				Optional:            true,
				Validators:          []validator.String{purposeValidator},
			},
			"expires_in": schema.StringAttribute{
				MarkdownDescription: "The token's lifetime from its creation: a number and a unit, `s`, `m`, `h`, `d` (days) or `w` (weeks), " +
					"such as `\"12h\"`, `\"30d\"` or `\"2w\"`. At least `\"1h\"`; defaults to `\"" + defaultExpiresIn + "\"`, as in Xano. " +
					"Durations compare by value: writing `\"1d\"` in place of `\"24h\"` plans no change. " +
					"Changing the lifetime plans a replacement. Conflicts with `never_expires = true`.",
				CustomType:    DurationType{},
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{durationAtLeast{min: minExpiresIn}},
				PlanModifiers: []planmodifier.String{expiresInDefault{}, keepEquivalentDuration{}, stringplanmodifier.RequiresReplace()},
			},
			"never_expires": schema.BoolAttribute{
				MarkdownDescription: "Set to `true` to mint a token that never expires, the explicit opt-in for an unlimited token; " +
					"it then conflicts with `expires_in` and `rotate_before`. Defaults to `false`. Changing it plans a replacement.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: "Plan the rotation this long before the token expires, e.g. `\"7d\"`, so the new secret can be " +
					"rolled out before the old one stops working: a replacement, or with `rotation_overlap` an in-place update " +
					"that keeps the old token valid for a while. Must be shorter than the lifetime. Without it, a replacement is " +
					"planned once the token has expired, and the plan warns as the expiry nears (the provider policy's " +
					"`expiry_warning`).",
				CustomType:    DurationType{},
				Optional:      true,
				Validators:    []validator.String{rotateBeforeRule},
				PlanModifiers: []planmodifier.String{keepEquivalentDuration{}},
			},
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
			"revoke_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Revoke the token in Xano when the resource is destroyed or replaced. Defaults to `true`. " +
					"With `false`, Terraform forgets the token and it stays valid until it expires (forever for a token that never expires).",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"risk_acknowledgement": schema.StringAttribute{
				MarkdownDescription: "Why the token's risky grants are acceptable and who approved them. The plan-time risk review " +
					"prints it beside the findings and does not turn them into errors under an enforcing policy; `deny` rules still apply.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), acknowledgementValidator{}},
			},
			"review_by": schema.StringAttribute{
				MarkdownDescription: "When `risk_acknowledgement` is to be reviewed again: a date, `YYYY-MM-DD` (the end of that day, " +
					"UTC), or an RFC 3339 time. Past it, judged at plan time against the provider's clock, the acknowledgement " +
					"lapses: the review's warning says so with the date, and under an enforcing policy a plan that mints the " +
					"token fails (an existing token gets a warning). Needs `risk_acknowledgement`; the provider policy's " +
					"`acknowledgement_max_age` may require it.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("risk_acknowledgement"))},
			},
			"created_at": createdAt,
			"expires_at": expiresAt,
			"last_used_at": computed("When Xano last accepted the token, in RFC 3339; null while it has never been used. " +
				"Read at every refresh, which changes no plan: compare it with the integration's activity, and see the " +
				"policy's `max_idle` for a warning about a token nobody uses."),
			"token":    token,
			"meta_api": computed(metaAPIDescription),
			"previous_token_id": schema.Int64Attribute{
				MarkdownDescription: "The id of the token this one replaced in the last rotation, while `rotation_overlap` keeps " +
					"it valid; null otherwise. Destroying the resource revokes it too.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"previous_revoke_at": computed("When the previous token is due for revocation, in RFC 3339: `rotation_overlap` after the " +
				"rotation, or the previous token's own expiry if that comes first. The first plan from then on revokes it. " +
				"Null without a previous token."),
			"findings": findingsAttribute("Every finding of the plan-time risk review, whatever the policy's `warn_at`, so a policy tool " +
				"(OPA, conftest, Sentinel) or a pull-request bot reading `terraform show -json` of a saved plan applies its own " +
				"threshold: they are known at plan time, in `resource_changes[].change.after.findings`. " +
				"A change of findings alone (a new policy or provider version) updates state without calling Xano. " +
				"One string per finding, in the review's order (scopes in catalog order), so the plan shows a finding per line: " +
				policy.FindingLineFormat + ". For example `critical grant workspace_database.create: can insert records and " +
				"create tables, fields and relationships in every data source`. The `xano_metadata_tokens` data source " +
				"lists each token's findings as objects with these fields."),
		},
		Blocks: map[string]schema.Block{
			"scope": schema.SetNestedBlock{
				MarkdownDescription: scopeBlockDescription + " Changing the scopes plans a replacement.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name":   schema.StringAttribute{MarkdownDescription: scopeNameDescription(), Required: true},
						"create": permission(scopes.Create),
						"read":   permission(scopes.Read),
						"update": permission(scopes.Update),
						"delete": permission(scopes.Delete),
					},
				},
				Validators:    scopeBlockValidators(),
				PlanModifiers: []planmodifier.Set{scopePermissionDefaults{}, setplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *metadataTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *metadataTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Only the lifetime attributes: decoding the whole model cost more than
	// the checks, and Terraform validates every token of every plan.
	var cfg metadataTokenModel
	for name, v := range map[string]any{"never_expires": &cfg.NeverExpires, "expires_in": &cfg.ExpiresIn,
		"rotate_before": &cfg.RotateBefore, "rotation_overlap": &cfg.RotationOverlap} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), v)...)
	}
	if !resp.Diagnostics.HasError() {
		validateLifetime(&cfg, &resp.Diagnostics)
	}
}

// ModifyPlan decides what the plan does to the token (lifecycle.Decide),
// plans it, and reports the review; every rule lives in the lifecycle.
func (r *metadataTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	ctx = r.data.mask(ctx)
	var prior *metadataTokenModel
	if !req.State.Raw.IsNull() {
		prior = &metadataTokenModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, prior)...)
	}
	if req.Plan.Raw.IsNull() {
		if prior != nil && prior.pending(ctx) != nil {
			resp.Diagnostics.Append(lostCreateNotResumed(prior.Name.ValueString(), prior.Instance.ValueString(), "destroy"))
		}
		return
	}
	r.data.planInstance(ctx, req, prior, resp)
	if resp.Diagnostics.HasError() || !r.data.readyOnce("the token was planned", &resp.Diagnostics) {
		return
	}
	var plan metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, resp.Plan, &plan)...)
	want, known, diags := plan.desired(ctx, r.data.policy)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !known {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("findings"), types.ListUnknown(types.StringType))...)
		return
	}
	in := lifecycle.Input{Want: want, OverlapUnknown: plan.RotationOverlap.IsUnknown(), Policy: r.data.policy,
		Now: r.data.now()}
	if t := privateTime(ctx, req.Private, privateCheckedAt); t != nil {
		in.Now = *t
	}
	if prior != nil {
		in.Prior = prior.minted(ctx, req.Private)
		_, in.Imported = r.data.imported.Load(prior.ID.ValueString())
	} else {
		in.Carried = intentOf(ctx, req.Private)
	}
	d := lifecycle.Decide(in)
	if d.NeedsOverlap {
		resp.Diagnostics.AddAttributeError(path.Root("rotation_overlap"), "rotation_overlap unknown at plan time",
			"rotation_overlap is unknown until apply, and whether the token is rotated in place or its previous token revoked "+
				"depends on it. Set it to a value known at plan time, such as a literal or a variable.")
		return
	}
	sub := r.data.subject(plan.Name, plan.Instance, false)
	planDecision(ctx, r.data, prior, &plan, in, d, sub, resp)
	findings, diags := findingsList(ctx, d.Findings)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("findings"), findings)...)
	resp.Diagnostics.Append(reportDiagnostics(ctx, lifecycle.Report(in, d, sub))...)
}

func (r *metadataTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.data.ready("the token was created", &resp.Diagnostics) {
		return
	}
	ctx = r.data.mask(ctx)
	var plan metadataTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	want, known, diags := plan.desired(ctx, r.data.policy)
	resp.Diagnostics.Append(diags...)
	create, err := want.CreateRequest()
	if resp.Diagnostics.HasError() || !known || err != nil {
		resp.Diagnostics.AddError("Token not known at apply time", "The token's scopes or lifetime are unknown or invalid "+
			"when the token is created. This is a bug in the provider or Terraform; please report it.")
		return
	}
	intent, err := r.data.intents.Take(create)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the token", fmt.Sprintf("No idempotency key could be made for the create: %s.", err))
		return
	}
	instance := want.Instance
	tok, err := r.data.tokens.Mint(ctx, instance, create, intent)
	if err != nil {
		action := fmt.Sprintf("create token %q on instance %q", want.Name, instance)
		if xano.KindOf(err) != xano.KindOutcomeUnknown {
			tokenAPIError(&resp.Diagnostics, action, err)
			return
		}
		// The API may have minted the token: keep the object, tainted, with
		// the intent, so the next apply resumes the create with its key.
		tokenAPIErrorNote(&resp.Diagnostics, action, err, pendingCreateNote)
		resp.Diagnostics.Append(keepPending(ctx, req.Plan, &resp.State, instance, intent)...)
		return
	}
	ctx = r.data.mask(ctx, tok.Secret)
	state := plan
	r.data.recordMint(ctx, &state, instance, tok, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(recordCutoff(ctx, r.data.policy, resp.Private)...)
}

func (r *metadataTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.data.readyOnce("the token was refreshed", &resp.Diagnostics) {
		return
	}
	var state metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() || state.pending(ctx) != nil {
		return // a lost create is resumed by an apply, never by a refresh
	}
	ctx = r.data.mask(ctx, state.Token.ValueString())
	instance, id := state.Instance.ValueString(), state.TokenID.ValueInt64()
	checked := r.data.now()
	imported := state.Findings.IsNull()
	if !imported {
		r.data.prefetchAccountLists(ctx)
	}
	tok, gone, failed, err := r.data.tokens.Read(ctx, instance, id)
	if failed != nil {
		resp.Diagnostics.AddWarning(failed.Summary(), failed.Detail())
	}
	switch {
	case gone:
		resp.Diagnostics.Append(tokenGoneWarning(&state))
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("read token %d on instance %q", id, instance), err)
		return
	}
	times, err := lifecycle.TimesOf(tok)
	if err != nil {
		resp.Diagnostics.Append(unexpectedToken(fmt.Sprintf("Token %d", id), err, ""))
		return
	}
	r.data.noteManaged(&state)
	resp.Diagnostics.Append(state.record(instance, tok, &times)...)
	state.ExpiresIn, state.NeverExpires = deriveLifetime(times)
	if state.MetaAPI.IsNull() || state.MetaAPI.IsUnknown() {
		state.MetaAPI = optionalString(r.data.metaAPIOf(ctx, instance))
	}
	resp.Diagnostics.Append(r.data.refreshFindings(ctx, &state, imported, checked)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setPrivate(ctx, resp.Private, privateCheckedAt, checked.UTC().Format(time.RFC3339Nano))...)
}

func (r *metadataTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.data.ready("the token was updated", &resp.Diagnostics) {
		return
	}
	var plan, state metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = r.data.mask(ctx, state.Token.ValueString())
	instance := state.Instance.ValueString()
	// A failure from here on saves what exists in Xano, not the plan.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacing, nil)...)
	mints := plan.TokenID.IsUnknown()
	if !state.PreviousTokenID.IsNull() && (mints || plan.PreviousTokenID.IsNull()) {
		prev := state.PreviousTokenID.ValueInt64()
		if err := r.data.tokens.Revoke(ctx, instance, prev); err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke the previous token %d of %q on instance %q", prev, state.Name.ValueString(), instance), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		state.PreviousTokenID, state.PreviousRevokeAt = types.Int64Null(), types.StringNull()
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePreviousExpiresAt, nil)...)
	}
	if mints {
		r.data.mintInPlace(ctx, req, &state, &plan, resp)
		return
	}
	if !plan.Name.Equal(state.Name) || plan.Description.ValueString() != state.Description.ValueString() ||
		plan.Purpose.ValueString() != state.Purpose.ValueString() {
		name := plan.Name.ValueString()
		description := lifecycle.WithPurpose(plan.Description.ValueString(), plan.Purpose.ValueString())
		id := state.TokenID.ValueInt64()
		tok, err := r.data.client.UpdateToken(ctx, instance, id, xano.UpdateTokenRequest{Name: &name, Description: &description})
		if err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("update token %d on instance %q", id, instance), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		plan.Name = types.StringValue(tok.Name)
		if remote, _ := lifecycle.SplitPurpose(tok.Description); remote != "" || !plan.Description.IsNull() {
			plan.Description = types.StringValue(remote)
		}
	}
	// Nothing was minted: the minted outputs stay as the refresh read them.
	plan.ID, plan.TokenID, plan.Token, plan.Instance = state.ID, state.TokenID, state.Token, state.Instance
	plan.CreatedAt, plan.ExpiresAt, plan.LastUsedAt = state.CreatedAt, state.ExpiresAt, state.LastUsedAt
	if plan.MetaAPI.IsUnknown() {
		plan.MetaAPI = state.MetaAPI
	}
	if plan.PreviousTokenID.IsUnknown() || plan.PreviousRevokeAt.IsUnknown() {
		plan.PreviousTokenID, plan.PreviousRevokeAt = state.PreviousTokenID, state.PreviousRevokeAt
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *metadataTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.data.ready("the token was destroyed", &resp.Diagnostics) {
		return
	}
	var state metadataTokenModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if p := state.pending(ctx); p != nil {
		// Delete never mints: it leaves the lost create's intent to the
		// create that replaces this object in the same apply, if any.
		r.data.intents.Put(*p)
		return
	}
	ctx = r.data.mask(ctx, state.Token.ValueString())
	instance, id := state.Instance.ValueString(), state.TokenID.ValueInt64()
	if !state.RevokeOnDestroy.ValueBool() && !state.RevokeOnDestroy.IsNull() {
		resp.Diagnostics.Append(tokenLeftValid(&state))
		return
	}
	// The previous token goes first, so a failure leaves both in state.
	if !state.PreviousTokenID.IsNull() {
		prev := state.PreviousTokenID.ValueInt64()
		if err := r.data.tokens.Revoke(ctx, instance, prev); err != nil {
			tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke the previous token %d of %q on instance %q", prev, state.Name.ValueString(), instance), err)
			return
		}
	}
	if err := r.data.tokens.Revoke(ctx, instance, id); err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("revoke token %d on instance %q", id, instance), err)
	}
}

// ImportState accepts "<instance>/<token id>"; Read fills in the rest, and
// the secret stays null since it cannot be recovered.
func (r *metadataTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instance, id, err := parseTokenImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			err.Error()+". Write the instance, a slash and the token's numeric id; the xano_metadata_tokens data source lists the ids.")
		return
	}
	key := fmt.Sprintf("%s/%d", instance, id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), key)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance"), instance)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("revoke_on_destroy"), true)...)
	if r.data != nil {
		r.data.imported.Store(key, true)
	}
}
