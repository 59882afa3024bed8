package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	Name      types.String            `tfsdk:"name"`
	Scopes    []scopePresetGrantModel `tfsdk:"scopes"`
	Purpose   types.String            `tfsdk:"purpose"`
	Rationale types.String            `tfsdk:"rationale"`
}

type scopePresetGrantModel struct {
	Name   string `tfsdk:"name"`
	Create bool   `tfsdk:"create"`
	Read   bool   `tfsdk:"read"`
	Update bool   `tfsdk:"update"`
	Delete bool   `tfsdk:"delete"`
}

func (d *scopePresetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scope_preset"
}

func (d *scopePresetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	perm := func(p string) schema.BoolAttribute {
		return schema.BoolAttribute{
			MarkdownDescription: "Whether the preset grants `" + p + "` on this scope.",
			Computed:            true,
		}
	}
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
					presetNameValidator{},
				},
			},
			"scopes": schema.ListNestedAttribute{
				MarkdownDescription: "The preset's grants in catalog order, one object per scope.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "HCL name of the scope, such as `workspace_api_groups`.",
							Computed:            true,
						},
						"create": perm("create"),
						"read":   perm("read"),
						"update": perm("update"),
						"delete": perm("delete"),
					},
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
	preset, err := scopes.LookupPreset(model.Name.ValueString())
	if err != nil {
		// The validator reports this at validate time; Read repeats it for
		// values that were unknown then.
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Unknown scope preset", err.Error()+".")
		return
	}
	model.Purpose = types.StringValue(preset.Purpose)
	model.Rationale = types.StringValue(preset.Rationale)
	model.Scopes = make([]scopePresetGrantModel, 0, len(preset.Grants))
	for _, g := range preset.Grants.Sorted() {
		model.Scopes = append(model.Scopes, scopePresetGrantModel{
			Name: g.Scope, Create: g.Create, Read: g.Read, Update: g.Update, Delete: g.Delete,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

var _ validator.String = presetNameValidator{}

// presetNameValidator accepts the preset names. It is used instead of
// stringvalidator.OneOf, not after it, because both would report the same
// mistake and only this one says which preset was probably meant.
type presetNameValidator struct{}

func (presetNameValidator) Description(_ context.Context) string {
	return "value must be a preset name such as weweb"
}

func (presetNameValidator) MarkdownDescription(_ context.Context) string {
	return "value must be a preset name such as `weweb`"
}

func (presetNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := scopes.LookupPreset(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown scope preset", err.Error()+".")
	}
}
