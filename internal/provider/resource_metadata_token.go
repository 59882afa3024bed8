package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ resource.Resource                   = &metadataTokenResource{}
	_ resource.ResourceWithConfigure      = &metadataTokenResource{}
	_ resource.ResourceWithImportState    = &metadataTokenResource{}
	_ resource.ResourceWithModifyPlan     = &metadataTokenResource{}
	_ resource.ResourceWithValidateConfig = &metadataTokenResource{}
)

// privateKeyCheckedAt is the private-state key where Read records the time of
// the refresh. The rotation decision uses it, so the plan Terraform makes
// again at apply time decides as the reviewed plan did, however much time
// passed in between.
const privateKeyCheckedAt = "rotation_checked_at"

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
	permission := func(p scopes.Permission) schema.BoolAttribute {
		return schema.BoolAttribute{
			MarkdownDescription: scopePermissionDescription(p),
			Optional:            true,
			Computed:            true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Xano Metadata API access token: its name, purpose, lifetime and scopes. " +
			"Scopes, lifetime and instance are fixed when a token is minted, so changing them plans a replacement " +
			"(a new token with a new secret); `name` and `description` change in place. " +
			"An expired token, or one inside its `rotate_before` window, plans a replacement; with `rotation_overlap`, " +
			"a rotation is an in-place update that keeps the old token valid for a while.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<instance>/<token id>`, the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance": schema.StringAttribute{
				MarkdownDescription: "The Xano instance the token belongs to. Defaults to the provider's `instance`. Changing it plans a replacement.",
				Optional:            true,
				Computed:            true,
				Validators:          instanceValidators(),
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
					stringplanmodifier.UseStateForUnknown(),
				},
			},
			"token_id": schema.Int64Attribute{
				MarkdownDescription: "The token's numeric id in Xano.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The token's name, 1 to %d characters. Changes in place.", maxTokenNameLen),
				Required:            true,
				// Xano counts characters, not bytes: a name of 100 "é" is valid.
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, maxTokenNameLen)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the token is for; reviewers read it in the plan. Changes in place.",
				Optional:            true,
				Validators:          []validator.String{descriptionMarkerValidator{}},
			},
			"purpose": schema.StringAttribute{
				MarkdownDescription: "The recipe of Xano's scope guide the token serves: `" + strings.Join(scopes.PresetNames(), "`, `") + "` " +
					"(the `xano_scope_preset` data source shows each). Every grant beyond the recipe is a finding with rule " +
					"`purpose`, of severity high or more, in the token's plan warning. Xano has no field for it: the provider " +
					"appends `[purpose: <recipe>]` to the description it sends, strips it from the description it reads, " +
					"and the `xano_metadata_tokens` audit reads it from any token's description. Changes in place.",
				Optional:   true,
				Validators: []validator.String{purposeValidator},
			},
			"expires_in": schema.StringAttribute{
				MarkdownDescription: "The token's lifetime from its creation: a number and a unit, `s`, `m`, `h`, `d` (days) or `w` (weeks), " +
					"such as `\"12h\"`, `\"30d\"` or `\"2w\"`. At least `\"1h\"`; defaults to `\"" + defaultExpiresIn + "\"`, as in Xano. " +
					"Durations compare by value: writing `\"1d\"` in place of `\"24h\"` plans no change. " +
					"Changing the lifetime plans a replacement. Conflicts with `never_expires = true`.",
				CustomType: DurationType{},
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{durationAtLeast{min: minExpiresIn}},
				PlanModifiers: []planmodifier.String{
					expiresInDefault{},
					keepEquivalentDuration{},
					stringplanmodifier.RequiresReplace(),
				},
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
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the token was minted, in RFC 3339.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires, in RFC 3339; null for a token that never expires.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token's secret, known only after Terraform creates the token; Xano shows it once. " +
					"Null after an import, since it cannot be recovered.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"meta_api": schema.StringAttribute{
				MarkdownDescription: metaAPIDescription,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_used_at": schema.StringAttribute{
				MarkdownDescription: "When Xano last accepted the token, in RFC 3339; null while it has never been used. " +
					"Read at every refresh, which changes no plan: compare it with the integration's activity, and see the " +
					"policy's `max_idle` for a warning about a token nobody uses.",
				Computed: true,
				// An in-place update keeps the value the refresh read, as the
				// plan shows it; a new token is unknown until it is minted.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"findings": schema.ListNestedAttribute{
				MarkdownDescription: "Every finding of the plan-time risk review, whatever the policy's `warn_at`, so a policy tool " +
					"(OPA, conftest, Sentinel) or a pull-request bot reading `terraform show -json` of a saved plan applies its own " +
					"threshold: they are known at plan time, in `resource_changes[].change.after.findings`. " +
					"A change of findings alone (a new policy or provider version) updates state without calling Xano.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: findingResourceAttributes(),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"scope": schema.SetNestedBlock{
				MarkdownDescription: scopeBlockDescription + " Changing the scopes plans a replacement.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: scopeNameDescription(),
							Required:            true,
						},
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
	maps.Copy(resp.Schema.Attributes, rotationAttributes())
}

func (r *metadataTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what single attributes cannot: never_expires against
// expires_in and rotate_before, a lifetime in whole seconds, and
// rotate_before against the lifetime.
// never_expires = false beside expires_in is fine, so a module can pass both
// from variables; only true conflicts.
func (r *metadataTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Only the lifetime and rotation attributes are read: decoding the whole
	// model through the framework's reflection cost more than the rest of
	// the validation, and Terraform validates every token of every plan.
	var cfg metadataTokenModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("never_expires"), &cfg.NeverExpires)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("expires_in"), &cfg.ExpiresIn)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotate_before"), &cfg.RotateBefore)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotation_overlap"), &cfg.RotationOverlap)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateRotationOverlap(&cfg, &resp.Diagnostics)
	never := !cfg.NeverExpires.IsUnknown() && cfg.NeverExpires.ValueBool()
	if never && !cfg.ExpiresIn.IsNull() && !cfg.ExpiresIn.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("expires_in"), "Conflicting lifetime",
			"expires_in sets a lifetime but never_expires = true asks for a token that never expires. Remove one of them.")
	}
	if !cfg.ExpiresIn.IsNull() && !cfg.ExpiresIn.IsUnknown() {
		// Xano counts lifetimes in seconds: a fraction would be cut at
		// create and the derived lifetime would differ on every refresh.
		if d, err := cfg.ExpiresIn.Duration(); err == nil && d%time.Second != 0 {
			resp.Diagnostics.AddAttributeError(path.Root("expires_in"), "Lifetime not in whole seconds",
				fmt.Sprintf("expires_in = %q is not a whole number of seconds, and Xano counts token lifetimes in seconds. Use, e.g., %q.",
					cfg.ExpiresIn.ValueString(), duration.Format(d.Round(time.Second))))
		}
	}
	if cfg.RotateBefore.IsNull() || cfg.RotateBefore.IsUnknown() {
		return
	}
	if never {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before needs an expiry",
			"rotate_before plans a replacement before the token expires, but never_expires = true means it never does. "+
				"Remove rotate_before, or set expires_in instead of never_expires.")
		return
	}
	rotate, err := cfg.RotateBefore.Duration()
	if err != nil {
		return // the type's own validation reports it
	}
	lifetime, known, err := tokenLifetime(cfg.ExpiresIn, cfg.NeverExpires)
	if !known || err != nil {
		return
	}
	if rotate >= lifetime {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before is not shorter than the lifetime",
			fmt.Sprintf("rotate_before = %q is not shorter than the token's lifetime of %s, so every plan would replace the token. "+
				"Use a rotate_before shorter than expires_in, e.g. a quarter of it (%s).",
				cfg.RotateBefore.ValueString(), duration.Format(lifetime), duration.Format((lifetime/4).Round(time.Hour))))
	}
}

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

// findingResourceAttributes is the schema of one finding.
func findingResourceAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(findingFields))
	for name, desc := range findingFields {
		out[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return out
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
		missingInstance(&resp.Diagnostics)
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

func missingInstance(diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("instance"), "Missing Xano instance",
		"The token needs a Xano instance and neither the resource nor the provider sets one. "+
			"Set instance on the resource, or instance in the provider block (or XANO_INSTANCE).")
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
	for _, p := range []string{"expires_at", "created_at", "token", "id"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("token_id"), types.Int64Unknown())...)
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
		missingInstance(&resp.Diagnostics)
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

	// The call is not cancelled when Terraform stops the provider (Ctrl-C):
	// the server may already have minted the token, and only the answer lets
	// the state record it. The per-attempt timeout and max_retries bound it.
	tok, err := r.data.client.CreateToken(context.WithoutCancel(ctx), instance, create)
	if err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("create token %q on instance %q", plan.Name.ValueString(), instance), err)
		return
	}
	ctx = r.data.mask(ctx, tok.Secret)

	// From here on the token exists: the state is saved whatever else fails,
	// so Terraform knows it (tainted, if there is an error) and never orphans
	// it. expires_in and never_expires keep their planned text.
	state := plan
	state.Token = types.StringValue(tok.Secret)
	state.MetaAPI = r.resolveMetaAPI(ctx, plan.MetaAPI, instance)
	times, err := parseTokenTimes(tok)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected token from the Xano API",
			fmt.Sprintf("Token %d was created but %s. Terraform marks it tainted so the next apply replaces it.", tok.ID, err))
		resp.Diagnostics.Append(state.applyToken(instance, tok, nil)...)
	} else {
		resp.Diagnostics.Append(state.applyToken(instance, tok, &times)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *metadataTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Without a token the refresh keeps the prior state: the first caller
	// reports the missing token, which fails the plan.
	if !r.data.readyOnce("the token was refreshed", &resp.Diagnostics) {
		return
	}
	var state metadataTokenModel
	ctx, instance, id, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
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
		resp.Diagnostics.AddError("Unexpected token from the Xano API", fmt.Sprintf("Token %d: %s.", id, err))
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
// to. ok is false when it added an error.
func (r *metadataTokenResource) priorState(ctx context.Context, prior tfsdk.State, state *metadataTokenModel, diags *diag.Diagnostics) (_ context.Context, instance string, id int64, ok bool) {
	if !r.configured(diags) {
		return ctx, "", 0, false
	}
	diags.Append(getModel(ctx, prior, state)...)
	if diags.HasError() {
		return ctx, "", 0, false
	}
	ctx = r.data.mask(ctx, state.Token.ValueString())
	if state.TokenID.IsNull() || state.TokenID.IsUnknown() || state.Instance.ValueString() == "" {
		diags.AddError("Corrupt state",
			"The state of this xano_metadata_token has no instance or token id. Remove it with `terraform state rm` and import it again by <instance>/<token id>.")
		return ctx, "", 0, false
	}
	return ctx, state.Instance.ValueString(), state.TokenID.ValueInt64(), true
}

func (r *metadataTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state metadataTokenModel
	ctx, instance, id, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
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
	// Everything minted stays as it was, and last_used_at as the refresh
	// read it, which the plan showed.
	plan.ID, plan.Instance, plan.TokenID = state.ID, state.Instance, state.TokenID
	plan.CreatedAt, plan.ExpiresAt, plan.Token = state.CreatedAt, state.ExpiresAt, state.Token
	plan.LastUsedAt = state.LastUsedAt
	plan.MetaAPI = r.resolveMetaAPI(ctx, plan.MetaAPI, instance)
	if plan.PreviousTokenID.IsUnknown() || plan.PreviousRevokeAt.IsUnknown() {
		plan.PreviousTokenID, plan.PreviousRevokeAt = state.PreviousTokenID, state.PreviousRevokeAt
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *metadataTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state metadataTokenModel
	ctx, instance, id, ok := r.priorState(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
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
