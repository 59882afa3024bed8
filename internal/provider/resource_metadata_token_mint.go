package provider

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The lists of what a mint decides, mintInputs and mintedOutputs, are
// declared beside the schema; everything that depends on them is derived
// here.

// requireReplaceOnMintInputs adds the RequiresReplace modifier to every mint
// input of s. An input the schema lacks, or whose kind it cannot modify, is
// a bug that the schema tests catch, so it panics.
func requireReplaceOnMintInputs(s *schema.Schema) {
	for _, name := range mintInputs {
		if a, ok := s.Attributes[name]; ok {
			switch a := a.(type) {
			case schema.StringAttribute:
				a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
				s.Attributes[name] = a
			case schema.BoolAttribute:
				a.PlanModifiers = append(a.PlanModifiers, boolplanmodifier.RequiresReplace())
				s.Attributes[name] = a
			default:
				panic(fmt.Sprintf("mint input %q is a %T, which requireReplaceOnMintInputs does not handle", name, a))
			}
			continue
		}
		b, ok := s.Blocks[name].(schema.SetNestedBlock)
		if !ok {
			panic(fmt.Sprintf("mint input %q is not an attribute or a set block of the schema", name))
		}
		b.PlanModifiers = append(b.PlanModifiers, []planmodifier.Set{setplanmodifier.RequiresReplace()}...)
		s.Blocks[name] = b
	}
}

// markMinted plans every minted output as unknown: the plan mints a new
// token, whose values only the apply knows.
func markMinted(ctx context.Context, plan *tfsdk.Plan) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range mintedOutputs {
		p := path.Root(name)
		a, d := plan.Schema.AttributeAtPath(ctx, p)
		diags.Append(d...)
		if d.HasError() {
			continue
		}
		typ := a.GetType()
		unknown, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), tftypes.UnknownValue))
		if err != nil {
			diags.AddAttributeError(p, "Cannot plan a minted value",
				fmt.Sprintf("%s. This is a bug in the provider, please report it.", err))
			continue
		}
		diags.Append(plan.SetAttribute(ctx, p, unknown)...)
	}
	return diags
}

// tokenReplaced reports whether the plan changes a mint input: what the
// RequiresReplace modifiers asked, whose answer the framework does not pass
// to ModifyPlan. A value still unknown counts as a change, and
// keepEquivalentDuration has already planned the state's text for the same
// lifetime written differently.
func tokenReplaced(state, plan *metadataTokenModel) bool {
	for _, name := range mintInputs {
		if !modelValue(plan, name).Equal(modelValue(state, name)) {
			return true
		}
	}
	return false
}

// keepMinted copies the minted outputs of from into m, for an update that
// mints nothing.
func keepMinted(m, from *metadataTokenModel) {
	dst, src := reflect.ValueOf(m).Elem(), reflect.ValueOf(from).Elem()
	fields := fieldsOf(dst.Type())
	for _, name := range mintedOutputs {
		i, ok := fields[name]
		if !ok {
			panic(fmt.Sprintf("metadataTokenModel has no attribute %q", name))
		}
		dst.Field(i).Set(src.Field(i))
	}
}

// modelValue is the attribute name of m. A name the model lacks is a bug
// that the schema tests catch, so it panics.
func modelValue(m *metadataTokenModel, name string) attr.Value {
	v := reflect.ValueOf(m).Elem()
	i, ok := fieldsOf(v.Type())[name]
	if !ok {
		panic(fmt.Sprintf("metadataTokenModel has no attribute %q", name))
	}
	return v.Field(i).Interface().(attr.Value)
}
