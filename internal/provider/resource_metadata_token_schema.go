package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/duration"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// What a mint decides, said once. Xano fixes a token's instance, lifetime
// and scopes when it mints it, so changing one plans a new token; and a new
// token has its own id, secret and times. The schema's RequiresReplace
// modifiers, the unknown values of a plan that mints (a replacement or a
// rotation) and the risk review's replacement test all derive from these two
// lists, so a new mint-time attribute is added here and nowhere else.

// mintInputs are the attributes Xano fixes when it mints a token.
var mintInputs = []string{"instance", "expires_in", "never_expires", "scope"}

// mintedOutputs are the computed attributes a new mint changes.
var mintedOutputs = []string{"id", "token_id", "token", "created_at", "expires_at", "last_used_at"}

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
				MarkdownDescription: "`<instance>/<token id>`, the import id. After a create that failed with an unknown outcome " +
					"(the API may have minted the token, but no answer came back), `<instance>/pending-<Idempotency-Key>` on a tainted " +
					"resource with no `token_id`: the next apply or destroy repeats that create with the same key and revokes the token it minted, if any.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance": schema.StringAttribute{
				MarkdownDescription: "The Xano instance the token belongs to. Defaults to the provider's `instance`. Changing it plans a replacement.",
				Optional:            true,
				Computed:            true,
				Validators:          instanceValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
				MarkdownDescription: purposeDescription() + " Changes in place.",
				Optional:            true,
				Validators:          []validator.String{purposeValidator},
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
				},
			},
			"never_expires": schema.BoolAttribute{
				MarkdownDescription: "Set to `true` to mint a token that never expires, the explicit opt-in for an unlimited token; " +
					"it then conflicts with `expires_in` and `rotate_before`. Defaults to `false`. Changing it plans a replacement.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
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
				PlanModifiers: []planmodifier.Set{scopePermissionDefaults{}},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, rotationAttributes())
	requireReplaceOnMintInputs(&resp.Schema)
}

// findingResourceAttributes is the schema of one finding.
func findingResourceAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(findingFields))
	for name, desc := range findingFields {
		out[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return out
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
