package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ ephemeral.EphemeralResource                   = &metadataTokenEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigure      = &metadataTokenEphemeral{}
	_ ephemeral.EphemeralResourceWithClose          = &metadataTokenEphemeral{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &metadataTokenEphemeral{}
)

const (
	// ephemeralDefaultExpiresIn is the lifetime of an ephemeral token whose
	// configuration sets none: the shortest Xano accepts, since Close
	// revokes the token anyway and the expiry only matters if it cannot.
	ephemeralDefaultExpiresIn = "1h"
	// privateKeyMinted is the private-data key where Open records what Close
	// must revoke.
	privateKeyMinted = "minted_token"
)

// maxEphemeralNameLen leaves room for the "-" and hex suffix of the minted name.
const maxEphemeralNameLen = maxTokenNameLen - 1 - 2*mintedSuffixBytes

// NewMetadataTokenEphemeralResource returns the xano_metadata_token
// ephemeral resource.
func NewMetadataTokenEphemeralResource() ephemeral.EphemeralResource {
	return &metadataTokenEphemeral{}
}

// metadataTokenEphemeral mints a short-lived token when Terraform opens it
// and revokes it when Terraform closes it, so the secret is used during one
// run and never reaches plan or state.
type metadataTokenEphemeral struct {
	data *providerData
}

// metadataTokenEphemeralModel maps the ephemeral resource.
type metadataTokenEphemeralModel struct {
	Instance            types.String  `tfsdk:"instance"`
	Name                types.String  `tfsdk:"name"`
	Description         types.String  `tfsdk:"description"`
	Purpose             types.String  `tfsdk:"purpose"`
	ExpiresIn           DurationValue `tfsdk:"expires_in"`
	Lease               DurationValue `tfsdk:"lease"`
	RiskAcknowledgement types.String  `tfsdk:"risk_acknowledgement"`
	Scope               types.Set     `tfsdk:"scope"`
	TokenID             types.Int64   `tfsdk:"token_id"`
	MintedName          types.String  `tfsdk:"minted_name"`
	ExpiresAt           types.String  `tfsdk:"expires_at"`
	Token               types.String  `tfsdk:"token"`
	MetaAPI             types.String  `tfsdk:"meta_api"`
}

// mintedToken is what Open hands to Close through private data: enough to
// revoke the token and to say when it expires if revoking fails.
type mintedToken struct {
	Instance  string `json:"instance"`
	TokenID   int64  `json:"token_id"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

func (r *metadataTokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_metadata_token"
}

func (r *metadataTokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	scopeAttrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{MarkdownDescription: scopeNameDescription(), Required: true},
	}
	for _, p := range scopes.Permissions {
		scopeAttrs[string(p)] = schema.BoolAttribute{MarkdownDescription: scopePermissionDescription(p), Optional: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived Xano Metadata API token for the length of one Terraform run. " +
			"Terraform mints it when it opens the ephemeral resource (during plan and again during apply) and revokes it " +
			"when it closes it, so its secret is never written to the plan or the state. Each token gets a unique name, " +
			"`name` followed by a dash and 8 random hex characters, so concurrent runs never collide. " +
			"The provider's risk review and policy apply as for the `xano_metadata_token` resource.\n\n" +
			"While it is open the token counts toward Xano's limit of 10 active tokens per instance. Terraform does not close " +
			"an ephemeral resource whose consumer failed (a provisioner exiting with an error, for example), so the provider also " +
			"revokes every token it opened and did not close when Terraform stops it at the end of the run. If the provider " +
			"is killed before it can, the token stays valid until its `lease` passes, after which the next run that opens an " +
			"ephemeral token on the instance revokes it, and at the latest until `expires_in` runs out, which is why the default " +
			"is Xano's shortest lifetime. Requires Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"instance": schema.StringAttribute{
				MarkdownDescription: "The Xano instance to mint the token on. Defaults to the provider's `instance`.",
				Optional:            true,
				Computed:            true,
				Validators:          instanceValidators(),
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Prefix of the token's name, 1 to %d characters; the minted token is named "+
					"`<name>-<8 hex characters>` (see `minted_name`).", maxEphemeralNameLen),
				Required: true,
				// Counted in characters, as Xano counts the minted name; the
				// suffix is ASCII, one character per byte.
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, maxEphemeralNameLen)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "What the token is for, shown in the Xano dashboard while the token exists. The provider appends " +
					"the lease marker, such as `[xano_metadata_token ephemeral lease until 2026-11-22T12:31:20Z]` (see `lease`).",
				Optional: true,
			},
			"purpose": schema.StringAttribute{
				MarkdownDescription: purposeDescription() + " The lease marker follows the purpose marker.",
				Optional:            true,
				Validators:          []validator.String{purposeValidator},
			},
			"expires_in": schema.StringAttribute{
				MarkdownDescription: "The token's lifetime, a number and a unit such as `\"1h\"` or `\"2h\"`. At least `\"1h\"`, " +
					"Xano's shortest, which is the default. The token is revoked when the run ends; the lifetime bounds its " +
					"use if revoking fails, and must outlast the run, since a token cannot be renewed.",
				CustomType: DurationType{},
				Optional:   true,
				Validators: []validator.String{durationAtLeast{min: minExpiresIn}},
			},
			"lease": schema.StringAttribute{
				MarkdownDescription: leaseDescription,
				CustomType:          DurationType{},
				Optional:            true,
				Validators: []validator.String{durationAtLeast{min: minLease,
					why: "A shorter lease would let another run revoke the token while this one still uses it."}},
			},
			"risk_acknowledgement": schema.StringAttribute{
				MarkdownDescription: "Why the token's risky grants are acceptable and who approved them. The risk review " +
					"prints it beside the findings and does not turn them into errors under an enforcing policy; `deny` rules still apply.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token_id": schema.Int64Attribute{
				MarkdownDescription: "The minted token's numeric id in Xano.",
				Computed:            true,
			},
			"minted_name": schema.StringAttribute{
				MarkdownDescription: "The name the token was minted with: `name`, a dash and 8 random hex characters.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires if it is not revoked first, in RFC 3339.",
				Computed:            true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token's secret. Ephemeral: usable in provider blocks, write-only arguments, provisioners " +
					"and other ephemeral contexts, never stored.",
				Computed:  true,
				Sensitive: true,
			},
			"meta_api": schema.StringAttribute{
				MarkdownDescription: metaAPIDescription,
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"scope": schema.SetNestedBlock{
				MarkdownDescription: scopeBlockDescription,
				NestedObject:        schema.NestedBlockObject{Attributes: scopeAttrs},
				Validators:          scopeBlockValidators(),
			},
		},
	}
}

func (r *metadataTokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the risk review once the provider is configured:
// Terraform validates an ephemeral resource again right before each Open.
func (r *metadataTokenEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	if r.data == nil {
		return
	}
	ctx = r.data.mask(ctx)
	var cfg metadataTokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	want, ok, d := cfg.desired(ctx, r.data.policy)
	resp.Diagnostics.Append(d...)
	if ok && !d.HasError() {
		resp.Diagnostics.Append(ephemeralReview(ctx, r.data, &cfg, want, true)...)
	}
}

// desired is the token the configuration asks for; ok is false while a
// value it needs is unknown.
func (m *metadataTokenEphemeralModel) desired(ctx context.Context, pol policy.Policy) (lifecycle.Desired, bool, diag.Diagnostics) {
	tm := metadataTokenModel{Scope: m.Scope, ExpiresIn: m.expiresIn(), NeverExpires: types.BoolValue(false),
		Description: m.Description, Purpose: m.Purpose, RiskAcknowledgement: m.RiskAcknowledgement, Name: m.Name}
	return tm.desired(ctx, pol)
}

// ephemeralReview reviews a token about to be minted for one run: the
// warning once (warn), the policy's errors every time.
func ephemeralReview(ctx context.Context, data *providerData, m *metadataTokenEphemeralModel, want lifecycle.Desired, warn bool) diag.Diagnostics {
	spec := want.Spec()
	rep := policy.Assess(data.subject(m.Name, m.Instance, true), policy.Review(spec, data.policy), spec, data.policy)
	if !warn {
		rep.Warning = nil
	}
	diags := reportDiagnostics(ctx, rep)
	if err := data.policy.EphemeralNameError(m.Name.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("name"), fmt.Sprintf("%s: generated names refused by the provider policy",
			data.subject(m.Name, m.Instance, true)), capitalize(err.Error())+".")
	}
	return diags
}

// expiresIn is the configured lifetime or the one-hour default.
func (m *metadataTokenEphemeralModel) expiresIn() DurationValue {
	if m.ExpiresIn.IsNull() {
		return NewDurationValue(ephemeralDefaultExpiresIn)
	}
	return m.ExpiresIn
}

func (r *metadataTokenEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !r.data.ready("the ephemeral token was opened", &resp.Diagnostics) {
		return
	}
	ctx = r.data.mask(ctx)
	var cfg metadataTokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	instance := r.data.instanceOr(cfg.Instance)
	if instance == "" {
		missingInstance(&resp.Diagnostics, "ephemeral resource")
		return
	}
	create, ok := r.mintRequest(ctx, &cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	// The configuration is checked before the API is asked anything.
	now := r.data.now()
	leaseUntil, err := cfg.leaseUntil(now)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("lease"), "Invalid lease", err.Error())
		return
	}
	// Nothing is minted on an instance the account does not have. The
	// instance list is read once per process, so metaAPIOf reuses the
	// check's answer.
	r.data.checkInstance(ctx, instance, r.data.originOf(!cfg.Instance.IsNull()), path.Root("instance"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	metaAPI := types.StringNull()
	if u := r.data.metaAPIOf(ctx, instance); u != "" {
		metaAPI = types.StringValue(u)
	}
	// Tokens abandoned by killed runs count toward the instance's limit
	// until they expire: revoke those whose lease has passed first.
	r.revokeAbandoned(ctx, instance, cfg.Name.ValueString(), now)
	create.Description = lifecycle.WithLease(create.Description, leaseUntil)
	intent, err := lifecycle.NewIntent(create)
	if err != nil {
		resp.Diagnostics.AddError("Cannot mint the ephemeral token", fmt.Sprintf("No idempotency key could be made: %s.", err))
		return
	}
	// A run cut short stops the mint; a token minted without its answer
	// carries the lease marker, so the next Open on the instance revokes it.
	tok, err := r.data.tokens.Mint(ctx, instance, create, intent)
	if err != nil && ctx.Err() != nil {
		resp.Diagnostics.AddError("Run interrupted while minting an ephemeral token",
			fmt.Sprintf("Terraform stopped the run while token %q was being minted on instance %q, and the provider sends "+
				"nothing more once it is stopped. If the API minted the token, its lease ends at %s: the next run that opens "+
				"this ephemeral resource on the instance revokes it then, and it expires on its own after expires_in.",
				create.Name, instance, leaseUntil.Format(time.RFC3339)))
		return
	}
	if err != nil {
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("mint ephemeral token %q on instance %q", create.Name, instance), err)
		return
	}
	ctx = r.data.mask(ctx, tok.Secret)

	// The token exists from here on: whatever fails next must revoke it, or
	// it would outlive the run with nobody to close it. Until Close revokes
	// it, the process revokes it when Terraform stops the provider.
	r.data.open.Add(r.data.tokens, instance, tok.ID)
	minted := mintedToken{Instance: instance, TokenID: tok.ID}
	cfg.Instance = types.StringValue(instance)
	cfg.TokenID = types.Int64Value(tok.ID)
	cfg.MintedName = types.StringValue(tok.Name)
	cfg.Token = types.StringValue(tok.Secret)
	cfg.ExpiresAt = types.StringNull()
	cfg.MetaAPI = metaAPI
	var diags diag.Diagnostics
	if ctx.Err() != nil {
		// The run was interrupted while the token was minted: nobody would
		// use it, and Terraform may never call Close for it.
		diags.AddError("Run interrupted while minting an ephemeral token",
			fmt.Sprintf("Terraform stopped the provider while token %d was being minted; the provider revokes it.", tok.ID))
	}
	times, err := lifecycle.TimesOf(tok)
	if err != nil {
		diags.Append(unexpectedToken(fmt.Sprintf("Token %d was minted, but its answer cannot be read", tok.ID), err, "The provider revokes it; retry, and report the answer if it persists."))
	} else if times.Expires != nil {
		minted.ExpiresAt = formatTimestamp(*times.Expires)
		cfg.ExpiresAt = types.StringValue(minted.ExpiresAt)
	}
	if !diags.HasError() {
		raw, err := json.Marshal(minted)
		if err != nil {
			diags.AddError("Cannot record the ephemeral token", err.Error())
		} else {
			diags.Append(resp.Private.SetKey(ctx, privateKeyMinted, raw)...)
		}
	}
	if !diags.HasError() {
		diags.Append(resp.Result.Set(ctx, &cfg)...)
	}
	if diags.HasError() {
		r.revoke(context.WithoutCancel(ctx), minted, &diags)
	}
	resp.Diagnostics.Append(diags...)
}

// mintRequest builds the create request from a configuration, stopping
// before any call when the scopes or lifetime are not usable or the policy
// refuses the token.
func (r *metadataTokenEphemeral) mintRequest(ctx context.Context, cfg *metadataTokenEphemeralModel, diags *diag.Diagnostics) (xano.CreateTokenRequest, bool) {
	want, ok, d := cfg.desired(ctx, r.data.policy)
	diags.Append(d...)
	if diags.HasError() {
		return xano.CreateTokenRequest{}, false
	}
	if !ok || cfg.Lease.IsUnknown() {
		diags.AddError("Ephemeral token not fully known",
			"Some of the token's scopes, lifetime, lease or risk_acknowledgement are still unknown when Terraform opens it. "+
				"Use values known at plan time, or values from resources that already exist.")
		return xano.CreateTokenRequest{}, false
	}
	for _, err := range want.Grants.Validate() {
		diags.AddAttributeError(path.Root("scope"), "Invalid scopes", err.Error())
	}
	// Only errors: ValidateConfig already printed the warnings.
	diags.Append(ephemeralReview(ctx, r.data, cfg, want, false)...)
	if diags.HasError() {
		return xano.CreateTokenRequest{}, false
	}
	suffix, err := randomSuffix()
	if err != nil {
		diags.AddError("Cannot name the ephemeral token", "Reading random bytes for the token's unique name failed: "+err.Error())
		return xano.CreateTokenRequest{}, false
	}
	want.Name = mintedName(cfg.Name.ValueString(), suffix)
	if m := r.data.policy.NameMessage(r.data.subject(cfg.Name, cfg.Instance, true), want.Name, true); m != nil {
		diags.AddAttributeError(path.Root("name"), m.Summary, m.Detail)
		return xano.CreateTokenRequest{}, false
	}
	create, err := want.CreateRequest()
	if err != nil {
		diags.AddAttributeError(path.Root("scope"), "Invalid scopes", err.Error())
		return xano.CreateTokenRequest{}, false
	}
	return create, true
}

// randomSuffix returns mintedSuffixBytes random bytes in hex.
func randomSuffix() (string, error) {
	b := make([]byte, mintedSuffixBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// mintedName is the name an ephemeral token is minted with.
func mintedName(prefix, suffix string) string {
	return prefix + "-" + suffix
}

// Close revokes the token Open minted. A token already gone (revoked by
// someone else, or expired and purged) is what Close wants, so a 404 is fine.
func (r *metadataTokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	ctx = r.data.mask(ctx)
	raw, d := req.Private.GetKey(ctx, privateKeyMinted)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return
	}
	var minted mintedToken
	if err := json.Unmarshal(raw, &minted); err != nil || minted.Instance == "" || minted.TokenID <= 0 {
		resp.Diagnostics.AddError("Cannot revoke the ephemeral token",
			"The record Open left for Close is unreadable, so the token it minted was not revoked; it stays valid until it expires. "+
				"Find it with the xano_metadata_tokens data source and delete it in the Xano dashboard. This is a bug in the provider, please report it.")
		return
	}
	if r.data == nil || r.data.client == nil {
		resp.Diagnostics.AddError("Provider not configured",
			fmt.Sprintf("The xano provider was not configured when Terraform closed ephemeral token %d on instance %q, so it was not revoked. "+
				"This is a bug in the provider or Terraform; please report it.", minted.TokenID, minted.Instance))
		return
	}
	r.revoke(ctx, minted, &resp.Diagnostics)
}

// revoke deletes a minted token, treating one already gone as revoked. A
// token it could not revoke stays recorded, so the process tries again when
// Terraform stops it.
func (r *metadataTokenEphemeral) revoke(ctx context.Context, minted mintedToken, diags *diag.Diagnostics) {
	err := r.data.tokens.Revoke(ctx, minted.Instance, minted.TokenID)
	if err == nil {
		r.data.open.Remove(r.data.tokens, minted.Instance, minted.TokenID)
		return
	}
	until := "until it expires"
	if minted.ExpiresAt != "" {
		until += " at " + minted.ExpiresAt
	}
	tokenAPIError(diags, fmt.Sprintf("revoke ephemeral token %d on instance %q (it stays valid %s: delete it in the Xano dashboard)",
		minted.TokenID, minted.Instance, until), err)
}

// revokeAbandoned revokes the instance's ephemeral tokens whose lease has
// passed, so that tokens left behind by killed runs do not fill the
// instance. It is best effort: a failure is logged, and the mint goes on.
func (r *metadataTokenEphemeral) revokeAbandoned(ctx context.Context, instance, prefix string, now time.Time) {
	tokens, err := r.data.client.ListTokens(ctx, instance)
	if err != nil {
		tflog.Warn(ctx, "Could not list the instance's tokens to revoke abandoned ephemeral tokens", map[string]any{
			"instance": instance, "error": err.Error(),
		})
		return
	}
	open := func(id int64) bool { return r.data.open.Has(r.data.tokens, instance, id) }
	for _, t := range abandoned(tokens, prefix, now, open) {
		until, _ := lifecycle.LeaseOf(t)
		fields := map[string]any{"instance": instance, "token_id": t.ID, "name": t.Name, "lease_until": until.Format(time.RFC3339)}
		if err := r.data.tokens.Revoke(ctx, instance, t.ID); err != nil {
			fields["error"] = err.Error()
			tflog.Warn(ctx, "Could not revoke an abandoned ephemeral token", fields)
			continue
		}
		tflog.Info(ctx, "Revoked an abandoned ephemeral token whose lease had passed", fields)
	}
}

// leaseUntil is when a token minted at now with the configured lease counts
// as abandoned: now plus the lease, but never after the token expires.
func (m *metadataTokenEphemeralModel) leaseUntil(now time.Time) (time.Time, error) {
	lease := m.Lease
	if lease.IsNull() {
		lease = NewDurationValue(ephemeralDefaultLease)
	}
	d, err := lease.Duration()
	if err != nil {
		return time.Time{}, err
	}
	lifetime, err := m.expiresIn().Duration()
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(min(d, lifetime)).Truncate(time.Second), nil
}
