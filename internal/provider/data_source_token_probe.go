package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ datasource.DataSource              = &tokenProbeDataSource{}
	_ datasource.DataSourceWithConfigure = &tokenProbeDataSource{}
)

// The rules of the probe's findings, beside the review's.
const (
	// ruleExcess: the token reads a scope it is not expected to.
	ruleExcess = "excess"
	// ruleMissing: the token cannot read a scope it is expected to.
	ruleMissing = "missing"
)

// NewTokenProbeDataSource returns the xano_token_probe data source.
func NewTokenProbeDataSource() datasource.DataSource {
	return &tokenProbeDataSource{}
}

// tokenProbeDataSource asks an instance's Metadata API what a token can
// read, whoever made the token: one GET per scope, never a write.
type tokenProbeDataSource struct {
	data *providerData
}

type tokenProbeModel struct {
	Token       types.String `tfsdk:"token"`
	MetaAPI     types.String `tfsdk:"meta_api"`
	Instance    types.String `tfsdk:"instance"`
	WorkspaceID types.Int64  `tfsdk:"workspace_id"`
	Expect      types.Set    `tfsdk:"expect"`
	Readable    types.Set    `tfsdk:"readable"`
	Refused     types.Set    `tfsdk:"refused"`
	Unknown     types.Map    `tfsdk:"unknown"`
	Findings    types.List   `tfsdk:"findings"`
}

func (d *tokenProbeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token_probe"
}

func (d *tokenProbeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	scopeList := "`" + strings.Join(scopes.Keys(), "`, `") + "`"
	resp.Schema = schema.Schema{
		MarkdownDescription: "What a Metadata API token can actually read, asked of its instance: one `GET` of the " +
			"smallest page of a list that each scope guards, at the instance's own Metadata API (`meta_api`). " +
			"A `2xx` makes the scope `readable`, a `403` `refused`; anything else, or a scope no safe read separates, " +
			"is `unknown` with the reason. It works for any token, minted by Terraform or made by hand in Xano's " +
			"dashboard. It never writes, never reads more than one item and never follows up; create, update and " +
			"delete permissions are not probed. The API contract guide lists every probe endpoint.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: "The token to probe. Pass it from a sensitive variable or a token's `token`; it " +
					"never appears in the plan, the logs or an error.",
				Required:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"meta_api": schema.StringAttribute{
				MarkdownDescription: "Base URL of the instance's own Metadata API, such as " +
					"`https://x1234-4567-8901.n7.xano.io/api:meta`: the `meta_api` of `xano_instance` or of a token. " +
					"When not set, it is read from `instance` through the account API (`GET /instance/{name}`), " +
					"which needs the provider's access token.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{baseURLValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("instance"))},
			},
			"instance": schema.StringAttribute{
				MarkdownDescription: "The instance whose `meta_api` is probed, when `meta_api` is not set; defaults to " +
					"the provider's `instance`.",
				Optional:   true,
				Validators: instanceValidators(),
			},
			"workspace_id": schema.Int64Attribute{
				MarkdownDescription: "The workspace whose lists are probed. A token reaches every workspace of its " +
					"instance, so any will do. When not set, the first workspace `GET /workspace` lists; a token " +
					"that may not list workspaces (no read on `workspace_content`) needs it. Computed as the " +
					"workspace probed; null when there was none.",
				Optional: true,
				Computed: true,
			},
			"expect": schema.SetAttribute{
				MarkdownDescription: "The scopes the token is meant to read, such as the `name` of each scope of a " +
					"`xano_scope_preset` that grants read. One of " + scopeList + ". With it, `findings` compares " +
					"what the token reads with what it should.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{validScopeNames{}},
			},
			"readable": schema.SetAttribute{
				MarkdownDescription: "The scopes whose probe answered `2xx`: the token reads them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"refused": schema.SetAttribute{
				MarkdownDescription: "The scopes whose probe answered `403`: the token may not read them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"unknown": schema.MapAttribute{
				MarkdownDescription: "Scope to reason, for the scopes the probe cannot judge: " +
					"`workspace_live_data_source`, which no safe read separates, a workspace scope when no " +
					"workspace could be probed, or an answer that was neither `2xx` nor `403`.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"findings": schema.ListNestedAttribute{
				MarkdownDescription: "With `expect`, in the shape of the audit's findings: rule " +
					"`excess` for each readable scope not expected, with the catalog's severity of read on it; rule " +
					"`missing` (severity `low`: it breaks the integration, it exposes nothing) for each expected " +
					"scope refused. Empty when the token reads exactly what is expected; null without `expect`.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: probeFindingAttributes()},
			},
		},
	}
}

func (d *tokenProbeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tokenProbeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var token types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token"), &token)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Masked before anything else is read or logged.
	ctx = d.data.mask(ctx, token.ValueString())
	var model tokenProbeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	metaAPI, ok := d.metaAPI(ctx, model, &resp.Diagnostics)
	if !ok {
		return
	}
	res, err := d.probe(ctx, metaAPI, token.ValueString(), model.WorkspaceID.ValueInt64())
	if err != nil {
		probeError(&resp.Diagnostics, metaAPI, err)
		return
	}

	var expect []string
	if !model.Expect.IsNull() {
		resp.Diagnostics.Append(model.Expect.ElementsAs(ctx, &expect, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	model.MetaAPI = types.StringValue(metaAPI)
	model.WorkspaceID = types.Int64Null()
	if res.WorkspaceID > 0 {
		model.WorkspaceID = types.Int64Value(res.WorkspaceID)
	}
	model.Readable = stringSet(res.With(xano.ProbeReadable), &resp.Diagnostics)
	model.Refused = stringSet(res.With(xano.ProbeRefused), &resp.Diagnostics)
	unknown, diags := types.MapValueFrom(ctx, types.StringType, res.UnknownReasons())
	resp.Diagnostics.Append(diags...)
	model.Unknown = unknown
	model.Findings = types.ListNull(findingObjectType)
	if !model.Expect.IsNull() {
		list, diags := types.ListValueFrom(ctx, findingObjectType, probeFindings(res, expect))
		resp.Diagnostics.Append(diags...)
		model.Findings = list
		for _, s := range res.Scopes {
			if s.Outcome == xano.ProbeUnknown && slices.Contains(expect, s.Scope) {
				resp.Diagnostics.AddAttributeWarning(path.Root("expect"), "An expected scope could not be probed",
					fmt.Sprintf("The token is expected to read %s, but the probe cannot tell whether it does: %s.", s.Scope, s.Reason))
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// metaAPI returns the URL to probe: meta_api as set, or the meta_api of
// the instance (this block's, else the provider's) from the account API.
func (d *tokenProbeDataSource) metaAPI(ctx context.Context, model tokenProbeModel, diags *diag.Diagnostics) (string, bool) {
	if s := model.MetaAPI.ValueString(); s != "" {
		return s, true
	}
	name := model.Instance.ValueString()
	if name == "" && d.data != nil {
		name = d.data.instance
	}
	if name == "" {
		diags.AddAttributeError(path.Root("meta_api"), "Nothing to probe",
			"Set meta_api to the instance's Metadata API URL (the meta_api of xano_instance or of a token), or set "+
				"instance, here or in the provider block, to read it from the account API.")
		return "", false
	}
	if d.data == nil || d.data.client == nil {
		diags.AddAttributeError(path.Root("instance"), "No access token to read the instance with",
			fmt.Sprintf("Reading instance %q's meta_api needs the provider's access token, and none is set. Set "+
				"meta_api instead, or configure the provider's access_token.", name))
		return "", false
	}
	in, err := d.data.client.GetInstance(ctx, name)
	switch {
	case xano.IsNotFound(err):
		diags.AddAttributeError(path.Root("instance"), "Xano instance not found",
			fmt.Sprintf("The account has no instance %q, so there is no meta_api to probe. The xano_instances data "+
				"source lists the account's instances.\n\nAPI answer: %s.", name, strings.TrimSuffix(err.Error(), ".")))
		return "", false
	case err != nil:
		diags.AddAttributeError(path.Root("instance"), "Cannot read the instance's meta_api",
			fmt.Sprintf("Reading instance %q from the account API failed; set meta_api to probe without it.\n\n"+
				"API answer: %s.", name, strings.TrimSuffix(err.Error(), ".")))
		return "", false
	case in.MetaAPI == "":
		diags.AddAttributeError(path.Root("instance"), "The instance has no meta_api",
			fmt.Sprintf("The account API describes instance %q without a meta_api; set meta_api to probe it.", name))
		return "", false
	}
	return in.MetaAPI, true
}

// probe runs the probe with the provider's client settings, or with the
// defaults when the provider has no access token: a token made by hand can
// be probed without one.
func (d *tokenProbeDataSource) probe(ctx context.Context, metaAPI, token string, workspaceID int64) (*xano.ProbeResult, error) {
	if d.data != nil && d.data.client != nil {
		return d.data.client.ProbeToken(ctx, metaAPI, token, workspaceID)
	}
	return xano.Probe(ctx, xano.Config{BaseURL: metaAPI, AccessToken: token, MaxRetries: xano.DefaultMaxRetries, Logger: tflogLogger{}}, workspaceID)
}

// probeFindingAttributes is the schema of one finding, whose rules are the
// probe's own.
func probeFindingAttributes() map[string]schema.Attribute {
	attrs := findingDataSourceAttributes()
	attrs["rule"] = schema.StringAttribute{
		MarkdownDescription: "`excess`: the token reads the scope and is not expected to; `missing`: it is expected to read the scope and may not.",
		Computed:            true,
	}
	return attrs
}

// probeError reports a probe that ended without a verdict. The client's
// errors are masked: they never hold the token.
func probeError(diags *diag.Diagnostics, metaAPI string, err error) {
	var rejected *xano.TokenRejectedError
	var cfgErr *xano.ConfigError
	answer := "\n\nAPI answer: " + strings.TrimSuffix(err.Error(), ".") + "."
	switch {
	case errors.As(err, &rejected):
		diags.AddAttributeError(path.Root("token"), "The probed token is wrong, expired or revoked",
			fmt.Sprintf("The Metadata API at %s refused the token itself (401), so none of its scopes can be judged. "+
				"Check that the token belongs to this instance and has not expired or been revoked; a revoked "+
				"token must be replaced.", metaAPI)+answer)
	case errors.As(err, &cfgErr) && (cfgErr.Problem == xano.ProblemTokenEmpty || cfgErr.Problem == xano.ProblemTokenControl):
		diags.AddAttributeError(path.Root("token"), "Invalid token to probe",
			"The token cannot be sent as a bearer token: "+cfgErr.Error()+". Check the variable that holds it.")
	case errors.As(err, &cfgErr):
		diags.AddAttributeError(path.Root("meta_api"), "Invalid meta_api",
			"The Metadata API URL to probe is refused: "+cfgErr.Error()+". Use the meta_api of xano_instance or of a token.")
	default:
		diags.AddError("Cannot probe the token",
			fmt.Sprintf("The Metadata API at %s did not answer the probe. Check meta_api (the meta_api of "+
				"xano_instance or of a token) and the network, then try again.", metaAPI)+answer)
	}
}

// probeFindings compares what the token reads with what it is expected to
// read, in catalog order.
func probeFindings(res *xano.ProbeResult, expect []string) []findingModel {
	out := []findingModel{}
	for _, s := range res.Scopes {
		expected := slices.Contains(expect, s.Scope)
		sc, _ := scopes.ByKey(s.Scope)
		switch {
		case s.Outcome == xano.ProbeReadable && !expected:
			out = append(out, findingModel{
				Scope: s.Scope, Permission: string(scopes.Read), Severity: sc.RiskOf(scopes.Read).String(), Rule: ruleExcess,
				Summary: "reads a scope it is not expected to: can " + sc.Exposure[scopes.Read],
			})
		case s.Outcome == xano.ProbeRefused && expected:
			out = append(out, findingModel{
				Scope: s.Scope, Permission: string(scopes.Read), Severity: scopes.SeverityLow.String(), Rule: ruleMissing,
				Summary: "expected to read this scope, but the instance refused the read (403)",
			})
		}
	}
	return out
}

// stringSet is a set of strings, empty rather than null when there are none.
func stringSet(items []string, diags *diag.Diagnostics) types.Set {
	elems := make([]attr.Value, len(items))
	for i, s := range items {
		elems[i] = types.StringValue(s)
	}
	set, d := types.SetValue(types.StringType, elems)
	diags.Append(d...)
	return set
}

// validScopeNames refuses a name that is not a scope's HCL key, with the
// key most likely meant.
type validScopeNames struct{}

var _ validator.Set = validScopeNames{}

func (validScopeNames) Description(context.Context) string {
	return "each element is a scope's key, such as workspace_api_groups"
}

func (v validScopeNames) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validScopeNames) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, elem := range req.ConfigValue.Elements() {
		s, ok := elem.(types.String)
		if !ok || s.IsUnknown() {
			continue
		}
		if s.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path, "Null scope name", "expect holds a null element: remove it or name a scope.")
			continue
		}
		if _, err := scopes.Resolve(s.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtSetValue(elem), "Unknown Xano scope", unknownScopeDetail(err))
		}
	}
}
