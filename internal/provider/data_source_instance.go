package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

var (
	_ datasource.DataSource              = &instanceDataSource{}
	_ datasource.DataSourceWithConfigure = &instanceDataSource{}
)

// NewInstanceDataSource returns the xano_instance data source.
func NewInstanceDataSource() datasource.DataSource {
	return &instanceDataSource{}
}

// instanceDataSource reads one instance of the account by name.
type instanceDataSource struct {
	data *providerData
}

func (d *instanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "The instance's name, such as `x1234-4567-8901`. A name the account does not have " +
				"fails with the name or display name most likely meant.",
			Required:   true,
			Validators: instanceValidators(),
		},
	}
	for name, desc := range instanceAttributeDescriptions {
		attrs[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One instance of the Xano account, as `GET /instance/{name}` of Xano's " +
			"[master Metadata API](https://docs.xano.com/xano-features/metadata-api/master-metadata-api) describes it: " +
			"above all its `meta_api`, the base URL where tokens minted for the instance are used.",
		Attributes: attrs,
	}
}

func (d *instanceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready("the xano_instance data source was read", &resp.Diagnostics) {
		return
	}
	ctx = d.data.mask(ctx)
	var model instanceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := model.Name.ValueString()
	res, err := d.data.instances.Lookup(ctx, name, true)
	if err == nil {
		err = res.Skipped
	}
	switch {
	case err != nil:
		instancesAPIError(&resp.Diagnostics, fmt.Sprintf("read instance %q", name), err)
	case res.NotFound:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Xano instance not found",
			instanceNotFoundDetail(name, "the data source's name", "name", res.List))
	case res.Found != nil:
		resp.Diagnostics.Append(resp.State.Set(ctx, newInstanceModel(*res.Found))...)
	}
}
