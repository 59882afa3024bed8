// Command rawprovider is the absolute floor of make bench for the token's
// schema: a provider written on terraform-plugin-go alone, without the
// plugin framework, serving noopraw_shaped with xano_metadata_token's
// schema shape and doing the least the protocol allows (store the plan,
// keep the state). Whatever it costs above the one-attribute no-op is what
// Terraform itself and the plugin protocol charge for the schema, so no
// provider with that schema, on any framework, can cost less. The harness
// builds it beside the no-op provider in the same temporary module; it is
// never part of the shipped binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/benchprof"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// typeName is the one resource this provider serves.
const typeName = "noopraw_shaped"

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run serves the provider; XANO_CPUPROFILE=dir profiles the process, as the
// other providers of the bench do.
func run() error {
	stop, err := benchprof.Start()
	if err != nil {
		return err
	}
	defer stop()
	srv, err := newServer([]byte(os.Getenv(shape.Env)))
	if err != nil {
		return err
	}
	return tf6server.Serve("registry.terraform.io/terraform-provider-xano/noopraw",
		func() tfprotov6.ProviderServer { return srv })
}

// server answers every RPC; only the resource ones do anything.
type server struct {
	schema   *tfprotov6.Schema
	typ      tftypes.Type
	computed map[string]bool // by attribute path without element steps, e.g. "scope.read"
}

var _ tfprotov6.ProviderServer = (*server)(nil)

// newServer builds the resource's protocol schema from a shape as JSON.
func newServer(shapeJSON []byte) (*server, error) {
	sh, err := shape.Parse(shapeJSON)
	if err != nil {
		return nil, fmt.Errorf("%s needs a shape in %s: %w", typeName, shape.Env, err)
	}
	s := &server{computed: map[string]bool{}}
	block, err := s.block("", sh.Attributes, sh.Blocks)
	if err != nil {
		return nil, err
	}
	s.schema = &tfprotov6.Schema{Block: block}
	s.typ = s.schema.ValueType()
	return s, nil
}

func (s *server) block(prefix string, attrs map[string]shape.Attribute, blocks map[string]shape.Block) (*tfprotov6.SchemaBlock, error) {
	out := &tfprotov6.SchemaBlock{}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		pa, err := s.attribute(prefix+name, name, attrs[name])
		if err != nil {
			return nil, err
		}
		out.Attributes = append(out.Attributes, pa)
	}
	for _, name := range slices.Sorted(maps.Keys(blocks)) {
		b := blocks[name]
		nesting, err := nestingOf(b.Nesting)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		inner, err := s.block(prefix+name+".", b.Attributes, b.Blocks)
		if err != nil {
			return nil, err
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov6.SchemaNestedBlock{TypeName: name, Nesting: nesting, Block: inner})
	}
	return out, nil
}

func (s *server) attribute(key, name string, a shape.Attribute) (*tfprotov6.SchemaAttribute, error) {
	s.computed[key] = a.Computed
	out := &tfprotov6.SchemaAttribute{Name: name, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
	if a.Nesting == "" {
		typ, err := primitive(key, a.Type)
		if a.Type == "list" {
			var elem tftypes.Type
			elem, err = primitive(key, a.Element)
			typ = tftypes.List{ElementType: elem}
		}
		out.Type = typ
		return out, err
	}
	obj := &tfprotov6.SchemaObject{}
	switch a.Nesting {
	case "list":
		obj.Nesting = tfprotov6.SchemaObjectNestingModeList
	case "set":
		obj.Nesting = tfprotov6.SchemaObjectNestingModeSet
	case "single":
		obj.Nesting = tfprotov6.SchemaObjectNestingModeSingle
	default:
		return nil, fmt.Errorf("attribute %s: unknown nesting %q", key, a.Nesting)
	}
	for _, n := range slices.Sorted(maps.Keys(a.Attributes)) {
		pa, err := s.attribute(key+"."+n, n, a.Attributes[n])
		if err != nil {
			return nil, err
		}
		obj.Attributes = append(obj.Attributes, pa)
	}
	out.NestedType = obj
	return out, nil
}

// primitive is the protocol type of a primitive shape type.
func primitive(key, t string) (tftypes.Type, error) {
	switch t {
	case "string":
		return tftypes.String, nil
	case "bool":
		return tftypes.Bool, nil
	case "int64", "number":
		return tftypes.Number, nil
	}
	return nil, fmt.Errorf("attribute %s: unknown type %q", key, t)
}

func nestingOf(n string) (tfprotov6.SchemaNestedBlockNestingMode, error) {
	switch n {
	case "list":
		return tfprotov6.SchemaNestedBlockNestingModeList, nil
	case "set":
		return tfprotov6.SchemaNestedBlockNestingModeSet, nil
	}
	return 0, fmt.Errorf("unknown nesting %q", n)
}

// schemaKey is a value's attribute path without its element steps.
func schemaKey(p *tftypes.AttributePath) string {
	var names []string
	for _, step := range p.Steps() {
		if n, ok := step.(tftypes.AttributeName); ok {
			names = append(names, string(n))
		}
	}
	return strings.Join(names, ".")
}

// plan marks the computed values a new resource leaves null as unknown, as
// any provider must for Terraform to accept what it stores at apply.
func (s *server) plan(proposed, prior tftypes.Value) (tftypes.Value, error) {
	if proposed.IsNull() || !prior.IsNull() {
		return proposed, nil
	}
	return tftypes.Transform(proposed, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsNull() && s.computed[schemaKey(p)] {
			return tftypes.NewValue(v.Type(), tftypes.UnknownValue), nil
		}
		return v, nil
	})
}

func (s *server) dynamic(v tftypes.Value) (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(s.typ, v)
	return &dv, err
}

func errorDiags(err error) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "noopraw", Detail: err.Error()}}
}

func (s *server) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return &tfprotov6.GetMetadataResponse{Resources: []tfprotov6.ResourceMetadata{{TypeName: typeName}}}, nil
}

func (s *server) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{
		Provider:        &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}},
		ResourceSchemas: map[string]*tfprotov6.Schema{typeName: s.schema},
	}, nil
}

func (s *server) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (s *server) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *server) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s *server) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

func (s *server) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState decodes the stored JSON with the current type.
func (s *server) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp := &tfprotov6.UpgradeResourceStateResponse{}
	v, err := req.RawState.UnmarshalWithOpts(s.typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err == nil {
		resp.UpgradedState, err = s.dynamic(v)
	}
	if err != nil {
		resp.Diagnostics = errorDiags(err)
	}
	return resp, nil
}

// ReadResource keeps the state.
func (s *server) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

func (s *server) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedPrivate: req.PriorPrivate}
	proposed, err := req.ProposedNewState.Unmarshal(s.typ)
	if err != nil {
		resp.Diagnostics = errorDiags(err)
		return resp, nil
	}
	prior, err := req.PriorState.Unmarshal(s.typ)
	if err != nil {
		resp.Diagnostics = errorDiags(err)
		return resp, nil
	}
	planned, err := s.plan(proposed, prior)
	if err == nil {
		resp.PlannedState, err = s.dynamic(planned)
	}
	if err != nil {
		resp.Diagnostics = errorDiags(err)
	}
	return resp, nil
}

// ApplyResourceChange stores the plan with its unknowns made known, or
// nothing when the plan is to destroy.
func (s *server) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp := &tfprotov6.ApplyResourceChangeResponse{Private: req.PlannedPrivate}
	planned, err := req.PlannedState.Unmarshal(s.typ)
	if err == nil && !planned.IsNull() {
		planned, err = shape.Known(planned)
	}
	if err == nil {
		resp.NewState, err = s.dynamic(planned)
	}
	if err != nil {
		resp.Diagnostics = errorDiags(err)
	}
	return resp, nil
}

var errUnsupported = errors.New("noopraw serves one resource and nothing else")

func (s *server) ImportResourceState(context.Context, *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return &tfprotov6.ImportResourceStateResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) GenerateResourceConfig(context.Context, *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) ValidateDataResourceConfig(context.Context, *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) ReadDataSource(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) CallFunction(context.Context, *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: errUnsupported.Error()}}, nil
}

func (s *server) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{}, nil
}

func (s *server) ValidateEphemeralResourceConfig(context.Context, *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) OpenEphemeralResource(context.Context, *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return &tfprotov6.OpenEphemeralResourceResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return &tfprotov6.RenewEphemeralResourceResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}

func (s *server) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return &tfprotov6.CloseEphemeralResourceResponse{Diagnostics: errorDiags(errUnsupported)}, nil
}
