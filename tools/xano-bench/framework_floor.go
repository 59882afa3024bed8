package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	xprovider "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// The framework floor of item 5: PlanResourceChange of an unchanged resource
// whose methods do nothing, for a schema of one attribute and for the token
// resource's shape, beside the provider's own benchmark of an unchanged token.

// floorProvider serves one resource, floor_r, with the given schema.
type floorProvider struct{ s schema.Schema }

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}
func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return floorResource(p) }}
}

// floorResource does nothing.
type floorResource struct{ s schema.Schema }

func (floorResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "floor_r"
}
func (r floorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.s
}
func (floorResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (floorResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// floorSchemas returns the one-attribute schema and the token's shape.
func floorSchemas(ctx context.Context) (one, token schema.Schema, err error) {
	one = schema.Schema{Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Required: true}}}
	var sr resource.SchemaResponse
	xprovider.NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	sh, err := shape.Describe(sr.Schema)
	if err != nil {
		return one, token, err
	}
	token, err = sh.Schema()
	return one, token, err
}

// steadyValues fills every attribute of typ with a known value (every
// collection with one element) as the prior state, and the configuration
// with the computed-only attributes null, as Terraform sends them for an
// unchanged resource.
func steadyValues(s schema.Schema, typ tftypes.Type) (state, config tftypes.Value, err error) {
	state, err = shape.Sample(typ)
	if err != nil {
		return state, config, err
	}
	obj := typ.(tftypes.Object)
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		return state, config, err
	}
	cfg := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		if a, ok := s.Attributes[name]; ok && a.IsComputed() && !a.IsOptional() && !a.IsRequired() {
			v = tftypes.NewValue(obj.AttributeTypes[name], nil)
		}
		cfg[name] = v
	}
	return state, tftypes.NewValue(typ, cfg), nil
}

// floorBench returns the benchmark of an unchanged floor_r with schema s.
func floorBench(ctx context.Context, s schema.Schema) (func(b *testing.B), error) {
	srv, err := providerserver.NewProtocol6WithError(floorProvider{s})()
	if err != nil {
		return nil, err
	}
	if _, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		return nil, err
	}
	empty := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	pc, err := tfprotov6.NewDynamicValue(empty, tftypes.NewValue(empty, map[string]tftypes.Value{}))
	if err != nil {
		return nil, err
	}
	if _, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pc}); err != nil {
		return nil, err
	}
	typ := s.Type().TerraformType(ctx)
	state, config, err := steadyValues(s, typ)
	if err != nil {
		return nil, err
	}
	st, err := tfprotov6.NewDynamicValue(typ, state)
	if err != nil {
		return nil, err
	}
	cf, err := tfprotov6.NewDynamicValue(typ, config)
	if err != nil {
		return nil, err
	}
	req := &tfprotov6.PlanResourceChangeRequest{TypeName: "floor_r", PriorState: &st, ProposedNewState: &st, Config: &cf}
	resp, err := srv.PlanResourceChange(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := diagError(resp.Diagnostics); err != nil {
		return nil, err
	}
	return func(b *testing.B) {
		for b.Loop() {
			_, _ = srv.PlanResourceChange(ctx, req)
		}
	}, nil
}
