package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	xprovider "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// tokenServer is the raw provider with xano_metadata_token's shape, as make
// bench builds it.
func tokenServer(t *testing.T) (*server, tftypes.Type) {
	t.Helper()
	ctx := context.Background()
	var token resource.SchemaResponse
	xprovider.NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &token)
	sh, err := shape.Describe(token.Schema)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(sh)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(data)
	if err != nil {
		t.Fatal(err)
	}
	return s, token.Schema.Type().TerraformType(ctx)
}

func TestRawResourceTakesTheTokenShape(t *testing.T) {
	s, want := tokenServer(t)
	if !s.typ.Equal(want) {
		t.Fatalf("noopraw_shaped's type\n%s\ndiffers from xano_metadata_token's\n%s", s.typ, want)
	}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp.ResourceSchemas[typeName] == nil {
		t.Fatalf("GetProviderSchema has no %s: %v", typeName, err)
	}
	for _, a := range resp.ResourceSchemas[typeName].Block.Attributes {
		if a.Name == "token" && !a.Sensitive {
			t.Fatal("token is not sensitive in noopraw_shaped")
		}
	}
}

func TestRawServerNeedsAShape(t *testing.T) {
	for _, in := range []string{"", "{", `{"attributes":{"x":{"type":"float"}}}`, `{"attributes":{"x":{"type":"list","element":"float"}}}`, `{"attributes":{},"blocks":{"b":{"nesting":"map"}}}`} {
		if _, err := newServer([]byte(in)); err == nil {
			t.Errorf("newServer(%q) built a schema", in)
		}
	}
}

// scopeElement is one scope block with read set and the other permissions
// as the configuration leaves them.
func scopeElement(t *testing.T, typ tftypes.Type, read tftypes.Value) tftypes.Value {
	t.Helper()
	objType := typ.(tftypes.Object).AttributeTypes["scope"].(tftypes.Set).ElementType.(tftypes.Object)
	return tftypes.NewValue(objType, map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "workspace_content"), "read": read,
		"create": tftypes.NewValue(tftypes.Bool, nil), "update": tftypes.NewValue(tftypes.Bool, nil), "delete": tftypes.NewValue(tftypes.Bool, nil),
	})
}

// proposed is a new token as Terraform proposes it: the configured values,
// and null wherever the configuration is silent.
func proposed(t *testing.T, typ tftypes.Type) tftypes.Value {
	t.Helper()
	obj := typ.(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["name"] = tftypes.NewValue(tftypes.String, "bench-0")
	attrs["scope"] = tftypes.NewValue(obj.AttributeTypes["scope"], []tftypes.Value{scopeElement(t, typ, tftypes.NewValue(tftypes.Bool, true))})
	return tftypes.NewValue(typ, attrs)
}

func TestRawPlanAndApply(t *testing.T) {
	s, typ := tokenServer(t)
	ctx := context.Background()
	dv := func(v tftypes.Value) *tfprotov6.DynamicValue {
		d, err := tfprotov6.NewDynamicValue(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	null := tftypes.NewValue(typ, nil)
	prop := proposed(t, typ)

	// A new resource: computed values the configuration leaves null are
	// unknown, optional ones stay null, configured ones are kept.
	plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: dv(null), ProposedNewState: dv(prop), Config: dv(prop)})
	if err != nil || len(plan.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	planned, err := plan.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := planned.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"id": "unknown", "token": "unknown", "findings": "unknown", "expires_in": "unknown", "description": "null", "name": "known"} {
		v := attrs[name]
		got := "known"
		if v.IsNull() {
			got = "null"
		} else if !v.IsKnown() {
			got = "unknown"
		}
		if got != want {
			t.Errorf("planned %s is %s, want %s", name, got, want)
		}
	}
	wantScope := tftypes.NewValue(typ.(tftypes.Object).AttributeTypes["scope"], []tftypes.Value{scopeElement(t, typ, tftypes.NewValue(tftypes.Bool, true))})
	if !attrs["scope"].IsKnown() || attrs["scope"].Equal(wantScope) {
		t.Errorf("the planned scope block's unset permissions are not unknown: %s", attrs["scope"])
	}

	// Apply stores the plan with every unknown made known.
	applied, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName, PriorState: dv(null), PlannedState: plan.PlannedState, Config: dv(prop)})
	if err != nil || len(applied.Diagnostics) > 0 {
		t.Fatalf("apply: %v %v", err, applied.Diagnostics)
	}
	state, err := applied.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !state.IsFullyKnown() {
		t.Fatalf("the stored state has unknown values: %s", state)
	}

	// An existing resource plans what Terraform proposes, and a destroy
	// stores nothing.
	again, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: applied.NewState, ProposedNewState: applied.NewState, Config: dv(prop)})
	if err != nil || len(again.Diagnostics) > 0 {
		t.Fatalf("steady plan: %v %v", err, again.Diagnostics)
	}
	if got, _ := again.PlannedState.Unmarshal(typ); !got.Equal(state) {
		t.Fatalf("the steady plan changed the state:\n%s\nwant\n%s", got, state)
	}
	gone, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName, PriorState: applied.NewState, PlannedState: dv(null), Config: dv(null)})
	if err != nil || len(gone.Diagnostics) > 0 {
		t.Fatalf("destroy: %v %v", err, gone.Diagnostics)
	}
	if got, _ := gone.NewState.Unmarshal(typ); !got.IsNull() {
		t.Fatalf("a destroy stored %s", got)
	}
}

// UpgradeResourceState reads the JSON Terraform stores.
func TestRawUpgradeReadsStoredJSON(t *testing.T) {
	s, typ := tokenServer(t)
	resp, err := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName,
		RawState: &tfprotov6.RawState{JSON: []byte(`{"name":"bench-0","token_id":7,"scope":[{"name":"workspace_content","read":true}],"gone":1}`)}})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	v, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := attrs["name"].As(&name); err != nil || name != "bench-0" {
		t.Fatalf("name = %q (%v), want bench-0", name, err)
	}
	if attrs["description"].IsKnown() && !attrs["description"].IsNull() {
		t.Fatalf("an attribute missing from the JSON is %s, want null", attrs["description"])
	}
}
