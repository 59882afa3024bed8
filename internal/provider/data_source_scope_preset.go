package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

var _ datasource.DataSource = &scopePresetDataSource{}

// NewScopePresetDataSource returns the xano_scope_preset data source.
func NewScopePresetDataSource() datasource.DataSource {
	return &scopePresetDataSource{}
}

// scopePresetDataSource publishes one of the recommended integration
// configurations, shaped for a dynamic "scope" block. It makes no API call.
type scopePresetDataSource struct{}

type scopePresetModel struct {
	Name      types.String      `tfsdk:"name"`
	Scopes    []scopeGrantModel `tfsdk:"scopes"`
	Purpose   types.String      `tfsdk:"purpose"`
	Rationale types.String      `tfsdk:"rationale"`
}

// scopeGrantModel is one scope's grants as the data sources publish them:
// the preset's scopes here, and each listed token's in xano_metadata_tokens.
type scopeGrantModel struct {
	Name   string `tfsdk:"name"`
	Create bool   `tfsdk:"create"`
	Read   bool   `tfsdk:"read"`
	Update bool   `tfsdk:"update"`
	Delete bool   `tfsdk:"delete"`
}

// scopeGrantModels converts grants, in their order, for state.
func scopeGrantModels(gs scopes.Grants) []scopeGrantModel {
	out := make([]scopeGrantModel, 0, len(gs))
	for _, g := range gs {
		out = append(out, scopeGrantModel{Name: g.Scope, Create: g.Create, Read: g.Read, Update: g.Update, Delete: g.Delete})
	}
	return out
}

// scopeGrantAttributes is the schema of a scopeGrantModel: the scope's HCL
// name and one computed bool a permission, described by permDesc.
func scopeGrantAttributes(nameDesc string, permDesc func(scopes.Permission) string) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{MarkdownDescription: nameDesc, Computed: true},
	}
	for _, p := range scopes.Permissions {
		attrs[string(p)] = schema.BoolAttribute{MarkdownDescription: permDesc(p), Computed: true}
	}
	return attrs
}

func (d *scopePresetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scope_preset"
}

func (d *scopePresetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One of the integration presets recommended by Xano's documentation, with its " +
			"scopes shaped like the `scope` block of `xano_metadata_token`, ready for a `dynamic \"scope\"` " +
			"block. Makes no API call.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Preset name: `weweb`, `monitoring`, `automation` (Make.com, n8n), " +
					"`admin_dashboard` or `analytics`.",
				Required: true,
				Validators: []validator.String{
					presetNameValidator,
				},
			},
			"scopes": schema.ListNestedAttribute{
				MarkdownDescription: "The preset's grants in catalog order, one object per scope.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: scopeGrantAttributes("HCL name of the scope, such as `workspace_api_groups`.",
						func(p scopes.Permission) string {
							return "Whether the preset grants `" + string(p) + "` on this scope."
						}),
				},
			},
			"purpose": schema.StringAttribute{
				MarkdownDescription: "What kind of integration the preset is for.",
				Computed:            true,
			},
			"rationale": schema.StringAttribute{
				MarkdownDescription: "Why these scopes, in the words of Xano's documentation.",
				Computed:            true,
			},
		},
	}
}

func (d *scopePresetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model scopePresetModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &model.Name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	preset, ok := lookupPresetName(path.Root("name"), model.Name.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	model.Purpose = types.StringValue(preset.Purpose)
	model.Rationale = types.StringValue(preset.Rationale)
	model.Scopes = scopeGrantModels(preset.Grants.Sorted())
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// presetNameValidator accepts the preset names.
var presetNameValidator = nameValidator[scopes.Preset]{what: "a preset name such as `weweb`", lookup: lookupPresetName}

// lookupPresetName returns the named preset, reporting at p a name it does
// not know. The validator calls it at validate time, and Read again for a
// name that was unknown then.
func lookupPresetName(p path.Path, name string, diags *diag.Diagnostics) (scopes.Preset, bool) {
	preset, err := scopes.LookupPreset(name)
	if err != nil {
		diags.AddAttributeError(p, "Unknown scope preset", err.Error()+".")
		return scopes.Preset{}, false
	}
	return preset, true
}
