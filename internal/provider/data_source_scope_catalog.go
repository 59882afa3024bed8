package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

var _ datasource.DataSource = &scopeCatalogDataSource{}

// NewScopeCatalogDataSource returns the xano_scope_catalog data source.
func NewScopeCatalogDataSource() datasource.DataSource {
	return &scopeCatalogDataSource{}
}

// scopeCatalogDataSource publishes the scope catalog from internal/scopes. It
// makes no API call, so it needs no provider data.
type scopeCatalogDataSource struct{}

type scopeCatalogModel struct {
	Name   types.String             `tfsdk:"name"`
	Scopes []scopeCatalogEntryModel `tfsdk:"scopes"`
}

type scopeCatalogEntryModel struct {
	Name        string                `tfsdk:"name"`
	WireKey     string                `tfsdk:"wire_key"`
	DisplayName string                `tfsdk:"display_name"`
	Description string                `tfsdk:"description"`
	Includes    []string              `tfsdk:"includes"`
	Risk        scopeCatalogRiskModel `tfsdk:"risk"`
}

type scopeCatalogRiskModel struct {
	Create string `tfsdk:"create"`
	Read   string `tfsdk:"read"`
	Update string `tfsdk:"update"`
	Delete string `tfsdk:"delete"`
}

func (d *scopeCatalogDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scope_catalog"
}

func (d *scopeCatalogDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	severity := func(perm string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "Severity of granting `" + perm + "`: `low`, `medium`, `high` or `critical`.",
			Computed:            true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Xano Metadata API scope catalog: each scope's HCL name, the key the API " +
			"carries, the name Xano's dashboard shows, what it reaches and the risk of each permission. " +
			"Makes no API call.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Return only this scope, by its HCL name such as `workspace_database`. " +
					"A display name, wire key or typo is an error with a did-you-mean.",
				Optional: true,
				Validators: []validator.String{
					scopeNameValidator,
				},
			},
			"scopes": schema.ListNestedAttribute{
				MarkdownDescription: "The scopes in the order Xano lists them, or the one scope named by `name`.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "HCL name, used in `scope` blocks and deny patterns.",
							Computed:            true,
						},
						"wire_key": schema.StringAttribute{
							MarkdownDescription: "Key the Metadata API carries, such as `workspace:api`.",
							Computed:            true,
						},
						"display_name": schema.StringAttribute{
							MarkdownDescription: "Name Xano's dashboard shows, such as `Workspace API Groups`.",
							Computed:            true,
						},
						"description": schema.StringAttribute{
							MarkdownDescription: "Xano's one-line description of the scope.",
							Computed:            true,
						},
						"includes": schema.ListAttribute{
							MarkdownDescription: "What the scope reaches, in the words of Xano's documentation.",
							ElementType:         types.StringType,
							Computed:            true,
						},
						"risk": schema.SingleNestedAttribute{
							MarkdownDescription: "Severity of each permission, as the plan-time risk review rates it.",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"create": severity("create"),
								"read":   severity("read"),
								"update": severity("update"),
								"delete": severity("delete"),
							},
						},
					},
				},
			},
		},
	}
}

func (d *scopeCatalogDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model scopeCatalogModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &model.Name)...)
	if resp.Diagnostics.HasError() {
		return
	}

	list := scopes.All()
	if !model.Name.IsNull() {
		s, ok := resolveScopeName(path.Root("name"), model.Name.ValueString(), &resp.Diagnostics)
		if !ok {
			return
		}
		list = []scopes.Scope{s}
	}

	model.Scopes = make([]scopeCatalogEntryModel, 0, len(list))
	for _, s := range list {
		model.Scopes = append(model.Scopes, scopeCatalogEntryModel{
			Name:        s.Key,
			WireKey:     s.WireKey,
			DisplayName: s.DisplayName,
			Description: s.Description,
			Includes:    append([]string{}, s.Includes...),
			Risk: scopeCatalogRiskModel{
				Create: s.RiskOf(scopes.Create).String(),
				Read:   s.RiskOf(scopes.Read).String(),
				Update: s.RiskOf(scopes.Update).String(),
				Delete: s.RiskOf(scopes.Delete).String(),
			},
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// nameValidator checks a name with the lookup Read uses, so a typo gets the
// same did-you-mean at validate time, which stringvalidator.OneOf cannot say.
type nameValidator[T any] struct {
	// what completes "value must be ", in Markdown.
	what   string
	lookup func(p path.Path, name string, diags *diag.Diagnostics) (T, bool)
}

var _ validator.String = nameValidator[scopes.Scope]{}

// scopeNameValidator accepts only HCL scope keys.
var scopeNameValidator = nameValidator[scopes.Scope]{what: "a Xano scope name such as `workspace_database`", lookup: resolveScopeName}

func (v nameValidator[T]) Description(ctx context.Context) string {
	return strings.ReplaceAll(v.MarkdownDescription(ctx), "`", "")
}

func (v nameValidator[T]) MarkdownDescription(_ context.Context) string {
	return "value must be " + v.what
}

func (v nameValidator[T]) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v.lookup(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
}

// resolveScopeName resolves an HCL scope name, reporting at p one it does not
// know. The validator calls it at validate time, and Read again for a name
// that was unknown then.
func resolveScopeName(p path.Path, name string, diags *diag.Diagnostics) (scopes.Scope, bool) {
	s, err := scopes.Resolve(name)
	if err == nil {
		return s, true
	}
	var unknown *scopes.UnknownScopeError
	summary := "Unknown Xano scope"
	if errors.As(err, &unknown) && unknown.Alias {
		summary = "Scope must be written as its HCL name"
	}
	diags.AddAttributeError(p, summary, err.Error())
	return scopes.Scope{}, false
}
