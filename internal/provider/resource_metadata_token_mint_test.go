package provider

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func tokenResourceSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	NewMetadataTokenResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

// replacing finds, by running every plan modifier of the schema on a value
// that changed, the attributes and blocks whose change plans a replacement:
// a RequiresReplace written by hand is found as surely as a derived one.
func replacing(t *testing.T, s schema.Schema) []string {
	t.Helper()
	ctx := context.Background()
	// The modifiers only need a state and a plan that exist.
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	raw := tftypes.NewValue(typ, nulls)
	state := tfsdk.State{Schema: s, Raw: raw}
	plan := tfsdk.Plan{Schema: s, Raw: raw}
	config := tfsdk.Config{Schema: s, Raw: raw}

	var out []string
	check := func(name string, mods func() bool) {
		if mods() {
			out = append(out, name)
		}
	}
	for name, a := range s.Attributes {
		p := path.Root(name)
		switch a := a.(type) {
		case schema.StringAttribute:
			check(name, func() bool {
				for _, m := range a.PlanModifiers {
					resp := &planmodifier.StringResponse{PlanValue: types.StringValue("2h")}
					m.PlanModifyString(ctx, planmodifier.StringRequest{Path: p, State: state, Plan: plan, Config: config,
						StateValue: types.StringValue("1h"), PlanValue: types.StringValue("2h"), ConfigValue: types.StringValue("2h")}, resp)
					if resp.RequiresReplace {
						return true
					}
				}
				return false
			})
		case schema.BoolAttribute:
			check(name, func() bool {
				for _, m := range a.PlanModifiers {
					resp := &planmodifier.BoolResponse{PlanValue: types.BoolValue(true)}
					m.PlanModifyBool(ctx, planmodifier.BoolRequest{Path: p, State: state, Plan: plan, Config: config,
						StateValue: types.BoolValue(false), PlanValue: types.BoolValue(true), ConfigValue: types.BoolValue(true)}, resp)
					if resp.RequiresReplace {
						return true
					}
				}
				return false
			})
		case schema.Int64Attribute:
			check(name, func() bool {
				for _, m := range a.PlanModifiers {
					resp := &planmodifier.Int64Response{PlanValue: types.Int64Value(2)}
					m.PlanModifyInt64(ctx, planmodifier.Int64Request{Path: p, State: state, Plan: plan, Config: config,
						StateValue: types.Int64Value(1), PlanValue: types.Int64Value(2), ConfigValue: types.Int64Value(2)}, resp)
					if resp.RequiresReplace {
						return true
					}
				}
				return false
			})
		case schema.ListAttribute:
			if len(a.PlanModifiers) > 0 {
				t.Errorf("attribute %q: the test does not run list plan modifiers; teach it", name)
			}
		default:
			t.Errorf("attribute %q is a %T, which the test does not know; teach it", name, a)
		}
	}
	for name, b := range s.Blocks {
		sb, ok := b.(schema.SetNestedBlock)
		if !ok {
			t.Errorf("block %q is a %T, which the test does not know; teach it", name, b)
			continue
		}
		elem := sb.NestedObject.Type()
		empty := types.SetValueMust(elem, nil)
		one := types.SetValueMust(elem, []attr.Value{sampleObject(t, elem.(types.ObjectType))})
		check(name, func() bool {
			for _, m := range sb.PlanModifiers {
				resp := &planmodifier.SetResponse{PlanValue: one}
				m.PlanModifySet(ctx, planmodifier.SetRequest{Path: path.Root(name), State: state, Plan: plan, Config: config,
					StateValue: empty, PlanValue: one, ConfigValue: types.SetNull(elem)}, resp)
				if resp.RequiresReplace {
					return true
				}
			}
			return false
		})
	}
	sort.Strings(out)
	return out
}

// sampleObject is an object of typ with every string "x" and every bool
// true.
func sampleObject(t *testing.T, typ types.ObjectType) types.Object {
	t.Helper()
	vals := map[string]attr.Value{}
	for name, at := range typ.AttrTypes {
		switch at {
		case types.StringType:
			vals[name] = types.StringValue("x")
		case types.BoolType:
			vals[name] = types.BoolValue(true)
		default:
			t.Fatalf("sampleObject: attribute %q of type %s", name, at)
		}
	}
	return types.ObjectValueMust(typ.AttrTypes, vals)
}

// TestMintInputsAreWhatReplaces checks that exactly what Xano fixes when it
// mints a token plans a replacement, as the lifecycle decides.
func TestMintInputsAreWhatReplaces(t *testing.T) {
	t.Parallel()
	s := tokenResourceSchema(t)
	mintInputs := []string{"expires_in", "instance", "never_expires", "scope"}
	if got := replacing(t, s); !slices.Equal(got, mintInputs) {
		t.Errorf("attributes that plan a replacement = %v, want %v", got, mintInputs)
	}
	for _, name := range mintInputs {
		_, isAttr := s.Attributes[name]
		_, isBlock := s.Blocks[name]
		if !isAttr && !isBlock {
			t.Errorf("mint input %q is not in the schema", name)
		}
		if a, ok := s.Attributes[name]; ok && !a.IsOptional() && !a.IsRequired() {
			t.Errorf("mint input %q cannot be configured", name)
		}
	}
}

// TestMintedOutputs checks that every minted output is a computed attribute
// the configuration cannot set.
func TestMintedOutputs(t *testing.T) {
	t.Parallel()
	s := tokenResourceSchema(t)
	for _, name := range mintedOutputs {
		a, ok := s.Attributes[name]
		if !ok {
			t.Errorf("minted output %q is not in the schema", name)
			continue
		}
		if !a.IsComputed() || a.IsOptional() || a.IsRequired() {
			t.Errorf("minted output %q is not a computed-only attribute", name)
		}
	}
}

// TestMarkMinted plans a token's minted outputs as unknown, and nothing else.
func TestMarkMinted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := tokenResourceSchema(t)
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		switch {
		case at.Is(tftypes.String):
			vals[name] = tftypes.NewValue(at, "v")
		case at.Is(tftypes.Number):
			vals[name] = tftypes.NewValue(at, 7)
		case at.Is(tftypes.Bool):
			vals[name] = tftypes.NewValue(at, true)
		default:
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	plan := tfsdk.Plan{Schema: s, Raw: tftypes.NewValue(typ, vals)}
	if diags := markMinted(ctx, &plan); diags.HasError() {
		t.Fatalf("markMinted: %v", diags)
	}
	var got map[string]tftypes.Value
	if err := plan.Raw.As(&got); err != nil {
		t.Fatal(err)
	}
	for name, v := range got {
		if minted := slices.Contains(mintedOutputs, name); minted == v.IsKnown() {
			t.Errorf("%s: known = %v after markMinted, minted output = %v", name, v.IsKnown(), minted)
		}
	}
}
