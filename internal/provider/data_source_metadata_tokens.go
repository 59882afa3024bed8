package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ datasource.DataSource              = &metadataTokensDataSource{}
	_ datasource.DataSourceWithConfigure = &metadataTokensDataSource{}
)

// NewMetadataTokensDataSource returns the xano_metadata_tokens data source.
func NewMetadataTokensDataSource() datasource.DataSource {
	return &metadataTokensDataSource{}
}

// metadataTokensDataSource lists every token of an instance, managed by
// Terraform or not, with the risk review of each: an audit in one plan. The
// API never returns a secret outside a create, so none can reach state.
type metadataTokensDataSource struct {
	data *providerData
}

type metadataTokensModel struct {
	Instance        types.String      `tfsdk:"instance"`
	ManagedTokenIDs types.Set         `tfsdk:"managed_token_ids"`
	Tokens          []tokenAuditModel `tfsdk:"tokens"`
	ExpiresWithin   DurationValue     `tfsdk:"expires_within"`
}

// tokenAuditModel is one token of the listing.
type tokenAuditModel struct {
	ID           string            `tfsdk:"id"`
	TokenID      int64             `tfsdk:"token_id"`
	Name         string            `tfsdk:"name"`
	Description  string            `tfsdk:"description"`
	CreatedAt    string            `tfsdk:"created_at"`
	ExpiresAt    types.String      `tfsdk:"expires_at"`
	Expired      bool              `tfsdk:"expired"`
	NeverExpires bool              `tfsdk:"never_expires"`
	ExpiresIn    types.String      `tfsdk:"expires_in"`
	LastUsedAt   types.String      `tfsdk:"last_used_at"`
	Purpose      types.String      `tfsdk:"purpose"`
	Managed      types.Bool        `tfsdk:"managed"`
	Scopes       []scopeGrantModel `tfsdk:"scopes"`
	Findings     []findingModel    `tfsdk:"findings"`
}

func (d *metadataTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_metadata_tokens"
}

func (d *metadataTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	scopeAttrs := scopeGrantAttributes("HCL name of the scope, such as `workspace_database`.",
		func(p scopes.Permission) string {
			return fmt.Sprintf("Whether the token holds the %s permission on this scope.", p)
		})
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every Metadata API token of an instance, whether this configuration manages it or not, " +
			"with the provider policy's findings for each: an audit in one plan. Secrets are never listed: " +
			"the API returns a token's secret only once, when it is created. A token an ephemeral `xano_metadata_token` " +
			"holds while the data source is read is listed too: it is a real token until the run closes it.",
		Attributes: map[string]schema.Attribute{
			"instance": schema.StringAttribute{
				MarkdownDescription: "Xano instance whose tokens are listed. Defaults to the provider's `instance`.",
				Optional:            true,
				Computed:            true,
				Validators:          instanceValidators(),
			},
			"managed_token_ids": schema.SetAttribute{
				MarkdownDescription: "The `token_id`s of the tokens Terraform manages, typically those of this configuration's " +
					"`xano_metadata_token` resources. With it, every listed token has `managed` set, and each token not in " +
					"the set has a finding with rule `unmanaged`; an ephemeral token of this provider (whose description " +
					"carries its lease marker) counts as managed, as Terraform revokes it itself. Without it, `managed` is null.",
				ElementType: types.Int64Type,
				Optional:    true,
			},
			"expires_within": expiresWithinAttribute(),
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The instance's tokens, expired ones included (unless `expires_within` is set), ordered by token id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":       computed("`<instance>/<token id>`, the import id of `xano_metadata_token`."),
						"token_id": schema.Int64Attribute{MarkdownDescription: "Xano's numeric id of the token.", Computed: true},
						"name":     computed("Name of the token."),
						"description": computed("Description of the token, without the `[purpose: <recipe>]` marker that records " +
							"its purpose; empty when it has none."),
						"created_at": computed("When the token was created, in RFC 3339."),
						"expires_at": computed("When the token expires, in RFC 3339; null for a token that never expires."),
						"expired": schema.BoolAttribute{
							MarkdownDescription: "Whether the token has expired: it is listed but no longer accepted.",
							Computed:            true,
						},
						"never_expires": schema.BoolAttribute{
							MarkdownDescription: "Whether the token was created without an expiry date.",
							Computed:            true,
						},
						"expires_in": computed("The token's lifetime from its creation, as `xano_metadata_token` writes it " +
							"(`1h`, `30d`...); null for a token that never expires. With `never_expires`, it is what a " +
							"configuration needs to import the token and plan no change."),
						"last_used_at": computed("When Xano last accepted the token, in RFC 3339; null when it was never used."),
						"purpose": computed("The recipe of Xano's scope guide the token serves, as a `[purpose: <recipe>]` marker " +
							"at the end of its description records it (the `purpose` of `xano_metadata_token` writes it); null " +
							"without one. Grants beyond it are findings with rule `purpose`."),
						"managed": schema.BoolAttribute{
							MarkdownDescription: "Whether Terraform manages the token: its `token_id` is in `managed_token_ids`, " +
								"or it is an ephemeral token of this provider. Null when `managed_token_ids` is not set.",
							Computed: true,
						},
						"scopes": schema.ListNestedAttribute{
							MarkdownDescription: "The token's grants in catalog order, shaped like the `scopes` of " +
								"`xano_scope_preset`.",
							Computed:     true,
							NestedObject: schema.NestedAttributeObject{Attributes: scopeAttrs},
						},
						"findings": schema.ListNestedAttribute{
							MarkdownDescription: "Every finding of the provider's risk review for the token, whatever the " +
								"policy's `warn_at`, with the fields of each line of the `findings` of `xano_metadata_token`: filter on " +
								"`severity` or `rule` to apply a threshold.",
							Computed: true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: findingDataSourceAttributes(),
							},
						},
					},
				},
			},
		},
	}
}

func (d *metadataTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *metadataTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready("the xano_metadata_tokens data source was read", &resp.Diagnostics) {
		return
	}
	ctx = d.data.mask(ctx)
	var model metadataTokensModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	instance := d.data.instanceOr(model.Instance)
	if instance == "" {
		missingInstance(&resp.Diagnostics, "data source")
		return
	}
	// The directory tells a missing token API (a 404 on an instance the
	// account confirms) from a wrong name.
	tokens, err := d.data.instances.ListTokens(ctx, instance)
	if err != nil {
		if xano.IsNotFound(err) {
			// A mistyped instance deserves a did-you-mean, not a bare 404.
			var check diag.Diagnostics
			d.data.checkInstance(ctx, instance, d.data.originOf(!model.Instance.IsNull()), path.Root("instance"), &check)
			if check.HasError() {
				resp.Diagnostics.Append(check...)
				return
			}
		}
		tokenAPIError(&resp.Diagnostics, fmt.Sprintf("list the tokens of instance %q", instance), err)
		return
	}
	slices.SortFunc(tokens, func(a, b xano.Token) int { return cmp.Compare(a.ID, b.ID) })
	managed, diags := managedTokenIDs(ctx, model.ManagedTokenIDs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := d.data.now()
	model.Instance = types.StringValue(instance)
	model.Tokens = make([]tokenAuditModel, 0, len(tokens))
	for i := range tokens {
		audit, err := auditToken(instance, &tokens[i], d.data.policy, now)
		if err != nil {
			resp.Diagnostics.Append(unexpectedToken(fmt.Sprintf("Cannot list token %d of instance %q", tokens[i].ID, instance), err, catalogAdvice))
			return
		}
		audit.markManaged(managed, &tokens[i])
		model.Tokens = append(model.Tokens, audit)
	}
	if d, err := model.ExpiresWithin.Duration(); err == nil {
		model.Tokens = expiringWithin(model.Tokens, d, now)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// auditToken converts a token from the API into its entry in the listing,
// judging expiry at now and reviewing it with pol as a plan would.
func auditToken(instance string, t *xano.Token, pol policy.Policy, now time.Time) (tokenAuditModel, error) {
	m, err := lifecycle.MintedOf(instance, t)
	if err != nil {
		return tokenAuditModel{}, err
	}
	out := tokenAuditModel{
		ID:           fmt.Sprintf("%s/%d", instance, t.ID),
		TokenID:      t.ID,
		Name:         t.Name,
		Description:  m.Description,
		CreatedAt:    formatTimestamp(m.CreatedAt),
		ExpiresAt:    timestampValue(m.ExpiresAt),
		NeverExpires: m.NeverExpires,
		LastUsedAt:   timestampValue(m.LastUsedAt),
		Purpose:      optionalString(m.Purpose),
		Managed:      types.BoolNull(),
		Scopes:       scopeGrantModels(m.Grants),
		Findings:     findingModels(m.Review(pol, now)),
	}
	// The cut-off flags every token minted before it, managed or not, so
	// the unmanaged ones can be revoked.
	if f, ok := policy.CutoffFinding(m.CreatedAt, pol); ok {
		out.Findings = append(out.Findings, findingModels([]policy.Finding{f})...)
	}
	// Derived as the resource's Read derives it, so an import configured
	// from the audit plans no change.
	expiresIn, _ := deriveLifetime(lifecycle.Times{Created: m.CreatedAt, Expires: m.ExpiresAt})
	out.ExpiresIn = expiresIn.StringValue
	if m.ExpiresAt != nil {
		out.Expired = !now.Before(*m.ExpiresAt)
	}
	return out, nil
}

// findingDataSourceAttributes is the schema of one finding.
func findingDataSourceAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(findingFields))
	for name, desc := range findingFields {
		out[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return out
}

// expiresWithinAttribute is the audit's expiry filter: the question the
// plan's expiry warning asks of each managed token, asked of every token of
// the instance.
func expiresWithinAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "List only the tokens that will expire within this duration from now, such as `\"7d\"`: " +
			"those still valid whose `expires_at` comes before then. Expired tokens and tokens that never expire are " +
			"left out. A `check` block over the result fails a scheduled plan's check while any token of the instance " +
			"is about to expire; see the example. Unset, every token is listed.",
		CustomType: DurationType{},
		Optional:   true,
		Validators: []validator.String{durationAtLeast{min: time.Second, why: "A window of zero lists nothing."}},
	}
}

// expiringWithin keeps the tokens that are valid at now and expire no later
// than within from now.
func expiringWithin(tokens []tokenAuditModel, within time.Duration, now time.Time) []tokenAuditModel {
	out := make([]tokenAuditModel, 0, len(tokens))
	horizon := now.Add(within)
	for _, t := range tokens {
		if t.Expired || t.ExpiresAt.IsNull() {
			continue
		}
		exp, err := time.Parse(time.RFC3339, t.ExpiresAt.ValueString())
		if err != nil || exp.After(horizon) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// managedTokenIDs reads the audit's managed_token_ids: nil when the argument
// is not set, so no token is judged managed or not.
func managedTokenIDs(ctx context.Context, set types.Set) (map[int64]bool, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var ids []int64
	diags := set.ElementsAs(ctx, &ids, false)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, diags
}

// markManaged sets managed when the audit was given managed_token_ids, with
// the unmanaged finding for a token Terraform does not manage; an ephemeral
// token of this provider counts as managed, since its lease revokes it.
func (a *tokenAuditModel) markManaged(managed map[int64]bool, t *xano.Token) {
	if managed == nil {
		return
	}
	_, ephemeral := lifecycle.LeaseOf(*t)
	is := managed[t.ID] || ephemeral
	a.Managed = types.BoolValue(is)
	if !is {
		a.Findings = append(a.Findings, findingModels([]policy.Finding{policy.UnmanagedFinding()})...)
	}
}
