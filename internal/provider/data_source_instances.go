package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var (
	_ datasource.DataSource              = &instancesDataSource{}
	_ datasource.DataSourceWithConfigure = &instancesDataSource{}
)

// NewInstancesDataSource returns the xano_instances data source.
func NewInstancesDataSource() datasource.DataSource {
	return &instancesDataSource{}
}

// instancesDataSource lists the account's instances with GET /instance of
// Xano's master Metadata API, sharing the provider's one read of the list.
type instancesDataSource struct {
	data *providerData
}

type instancesModel struct {
	Instances []instanceModel `tfsdk:"instances"`
}

// instanceModel is one instance with exactly the fields Xano documents.
type instanceModel struct {
	Name         types.String `tfsdk:"name"`
	Display      types.String `tfsdk:"display"`
	XanoDomain   types.String `tfsdk:"xano_domain"`
	CustomDomain types.String `tfsdk:"custom_domain"`
	MetaAPI      types.String `tfsdk:"meta_api"`
	MetaSwagger  types.String `tfsdk:"meta_swagger"`
}

// newInstanceModel converts an instance for state; an empty custom_domain,
// an instance without one, is null.
func newInstanceModel(in xano.Instance) instanceModel {
	m := instanceModel{
		Name:         types.StringValue(in.Name),
		Display:      types.StringValue(in.Display),
		XanoDomain:   types.StringValue(in.XanoDomain),
		CustomDomain: types.StringNull(),
		MetaAPI:      types.StringValue(in.MetaAPI),
		MetaSwagger:  types.StringValue(in.MetaSwagger),
	}
	if in.CustomDomain != "" {
		m.CustomDomain = types.StringValue(in.CustomDomain)
	}
	return m
}

// instanceAttributeDescriptions describe the documented fields, shared by
// both instance data sources.
var instanceAttributeDescriptions = map[string]string{
	"display":       "The instance's display name, as the Xano dashboard shows it.",
	"xano_domain":   "The instance's Xano domain, such as `x1234-4567-8901.n7.xano.com`.",
	"custom_domain": "The instance's custom domain; null when it has none.",
	"meta_api": "Base URL of the instance's own Metadata API, such as `https://x1234-4567-8901.n7.xano.com/api:meta`: " +
		"tokens minted for the instance are used there.",
	"meta_swagger": "URL of the OpenAPI (Swagger) document of the instance's Metadata API, in JSON.",
}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func (d *instancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "The instance's name, such as `x1234-4567-8901`: the value of `instance` in the provider and the resources.",
			Computed:            true,
		},
	}
	for name, desc := range instanceAttributeDescriptions {
		attrs[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The instances of the Xano account the access token belongs to, as `GET /instance` of " +
			"Xano's [master Metadata API](https://docs.xano.com/xano-features/metadata-api/master-metadata-api) " +
			"lists them, with each instance's `meta_api`, where tokens minted for it are used. The provider reads the " +
			"list once per run and shares it with the instance check of the resources.",
		Attributes: map[string]schema.Attribute{
			"instances": schema.ListNestedAttribute{
				MarkdownDescription: "The account's instances, in the order the API lists them.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: attrs},
			},
		},
	}
}

func (d *instancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready("the xano_instances data source was read", &resp.Diagnostics) {
		return
	}
	ctx = d.data.mask(ctx)
	list, skipped, err := d.data.instances.All(ctx)
	if err == nil {
		err = skipped
	}
	if err != nil {
		instancesAPIError(&resp.Diagnostics, "list the account's instances", err)
		return
	}
	model := instancesModel{Instances: make([]instanceModel, 0, len(list))}
	for _, in := range list {
		model.Instances = append(model.Instances, newInstanceModel(in))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
