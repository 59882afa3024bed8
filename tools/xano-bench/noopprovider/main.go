// Command noopprovider is the floor of make bench: a provider on the same
// plugin framework version as terraform-provider-xano that makes no I/O.
// noop_thing stores a name. noop_shaped, present when the harness sets
// XANO_BENCH_SHAPE, takes the shape of xano_metadata_token's schema (the
// same attributes and blocks, with no plan modifier, validator, default or
// custom type) and stores its plan, so it measures what the framework costs
// for that shape. The harness copies this package and package shape into a
// temporary module that pins the provider's own go.mod; neither is ever
// part of the shipped binary.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/benchprof"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run serves the provider; XANO_CPUPROFILE=dir profiles the process into
// dir/cpu-<pid>.pprof, as the bench's build of the Xano provider does, so
// item 6 compares like with like.
func run() error {
	stop, err := benchprof.Start()
	if err != nil {
		return err
	}
	defer stop()
	return providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} }, providerserver.ServeOpts{
		Address:         "registry.terraform.io/terraform-provider-xano/noop",
		ProtocolVersion: 6,
	})
}

var (
	_ provider.Provider = noopProvider{}
	_ resource.Resource = noopResource{}
	_ resource.Resource = shapedResource{}
)

// noopProvider has no configuration and one resource, noop_thing.
type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{}
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	resources := []func() resource.Resource{func() resource.Resource { return noopResource{} }}
	if os.Getenv(shape.Env) != "" {
		resources = append(resources, func() resource.Resource { return shapedResource{} })
	}
	return resources
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// noopResource stores its name in state and nothing else.
type noopResource struct{}

type noopModel struct {
	Name types.String `tfsdk:"name"`
}

func (noopResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (noopResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Stores a name; makes no I/O.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: "Any name.", Required: true},
		},
	}
}

func (noopResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m noopModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read keeps the prior state, which the framework has already copied into
// the response.
func (noopResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (noopResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m noopModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete has nothing to undo: the framework removes the resource from state.
func (noopResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// shapedResource has the token resource's schema shape and stores its plan.
type shapedResource struct{}

func (shapedResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_shaped"
}

// Schema builds the shape the harness describes in XANO_BENCH_SHAPE.
func (shapedResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	sh, err := shape.Parse([]byte(os.Getenv(shape.Env)))
	if err == nil {
		resp.Schema, err = sh.Schema()
	}
	if err != nil {
		resp.Diagnostics.AddError("No shape for noop_shaped", err.Error())
	}
}

// Create stores the plan with every value left unknown made known, with
// package shape's sample values.
func (shapedResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	known, err := shape.Known(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Cannot store the plan", err.Error())
		return
	}
	resp.State.Raw = known
}

// Read keeps the prior state.
func (shapedResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update stores the plan, whose unknowns can only be computed values kept
// from state by Terraform.
func (shapedResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete has nothing to undo.
func (shapedResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
