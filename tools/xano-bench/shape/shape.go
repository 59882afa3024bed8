// Package shape describes what a resource schema looks like to the plugin
// framework, its attributes' types and flags and its blocks, without plan
// modifiers, validators, defaults or custom types. The bench harness
// describes xano_metadata_token's schema, and the no-op provider builds a
// resource of the same shape that does nothing, so the two differ only in
// what the Xano provider does. It imports only the framework, since the
// no-op provider is built in a module of its own.
package shape

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Env is the environment variable through which the harness hands the
// shape, as JSON, to the no-op provider.
const Env = "XANO_BENCH_SHAPE"

// Attribute is one attribute: a primitive type ("string", "bool", "int64",
// "number"), a list of a primitive (type "list" and its element), or nested
// attributes under a nesting ("list", "set", "single").
type Attribute struct {
	Type       string               `json:"type,omitempty"`
	Element    string               `json:"element,omitempty"`
	Nesting    string               `json:"nesting,omitempty"`
	Attributes map[string]Attribute `json:"attributes,omitempty"`
	Required   bool                 `json:"required,omitempty"`
	Optional   bool                 `json:"optional,omitempty"`
	Computed   bool                 `json:"computed,omitempty"`
	Sensitive  bool                 `json:"sensitive,omitempty"`
}

// Block is one nested block ("list" or "set").
type Block struct {
	Nesting    string               `json:"nesting"`
	Attributes map[string]Attribute `json:"attributes,omitempty"`
	Blocks     map[string]Block     `json:"blocks,omitempty"`
}

// Shape is a resource schema's shape.
type Shape struct {
	Attributes map[string]Attribute `json:"attributes"`
	Blocks     map[string]Block     `json:"blocks,omitempty"`
}

// Describe returns the shape of s. It fails on a kind of attribute or block
// it does not know, rather than describe a different shape.
func Describe(s schema.Schema) (Shape, error) {
	attrs, err := describeAttributes(s.Attributes)
	if err != nil {
		return Shape{}, err
	}
	blocks, err := describeBlocks(s.Blocks)
	return Shape{Attributes: attrs, Blocks: blocks}, err
}

func describeAttributes(in map[string]schema.Attribute) (map[string]Attribute, error) {
	out := make(map[string]Attribute, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		a := in[name]
		d := Attribute{Required: a.IsRequired(), Optional: a.IsOptional(), Computed: a.IsComputed(), Sensitive: a.IsSensitive()}
		var nested map[string]schema.Attribute
		switch v := a.(type) {
		case schema.StringAttribute:
			d.Type = "string"
		case schema.BoolAttribute:
			d.Type = "bool"
		case schema.Int64Attribute:
			d.Type = "int64"
		case schema.NumberAttribute:
			d.Type = "number"
		case schema.ListAttribute:
			d.Type = "list"
			if d.Element = primitiveName(v.ElementType); d.Element == "" {
				return nil, fmt.Errorf("attribute %q is a list of %s, which package shape does not describe yet", name, v.ElementType)
			}
		case schema.ListNestedAttribute:
			d.Nesting, nested = "list", v.NestedObject.Attributes
		case schema.SetNestedAttribute:
			d.Nesting, nested = "set", v.NestedObject.Attributes
		case schema.SingleNestedAttribute:
			d.Nesting, nested = "single", v.Attributes
		default:
			return nil, fmt.Errorf("attribute %q is a %T, which package shape does not describe yet", name, a)
		}
		if nested != nil {
			var err error
			if d.Attributes, err = describeAttributes(nested); err != nil {
				return nil, fmt.Errorf("in %q: %w", name, err)
			}
		}
		out[name] = d
	}
	return out, nil
}

// primitives are the element types a list attribute may have, by name.
var primitives = map[string]attr.Type{"string": types.StringType, "bool": types.BoolType, "int64": types.Int64Type, "number": types.NumberType}

// primitiveName names a primitive element type, "" for any other type.
func primitiveName(t attr.Type) string {
	for name, p := range primitives {
		if t != nil && t.Equal(p) {
			return name
		}
	}
	return ""
}

func describeBlocks(in map[string]schema.Block) (map[string]Block, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]Block, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		var d Block
		var obj schema.NestedBlockObject
		switch v := in[name].(type) {
		case schema.ListNestedBlock:
			d.Nesting, obj = "list", v.NestedObject
		case schema.SetNestedBlock:
			d.Nesting, obj = "set", v.NestedObject
		default:
			return nil, fmt.Errorf("block %q is a %T, which package shape does not describe yet", name, in[name])
		}
		var err error
		if d.Attributes, err = describeAttributes(obj.Attributes); err != nil {
			return nil, fmt.Errorf("in block %q: %w", name, err)
		}
		if d.Blocks, err = describeBlocks(obj.Blocks); err != nil {
			return nil, fmt.Errorf("in block %q: %w", name, err)
		}
		out[name] = d
	}
	return out, nil
}

// Parse reads a shape from JSON.
func Parse(data []byte) (Shape, error) {
	var s Shape
	if err := json.Unmarshal(data, &s); err != nil {
		return Shape{}, fmt.Errorf("reading the shape: %w", err)
	}
	return s, nil
}

// Schema builds a schema of the shape.
func (s Shape) Schema() (schema.Schema, error) {
	attrs, err := buildAttributes(s.Attributes)
	if err != nil {
		return schema.Schema{}, err
	}
	blocks, err := buildBlocks(s.Blocks)
	return schema.Schema{MarkdownDescription: "A resource of the described shape.", Attributes: attrs, Blocks: blocks}, err
}

const described = "As in the described resource."

func buildAttributes(in map[string]Attribute) (map[string]schema.Attribute, error) {
	out := make(map[string]schema.Attribute, len(in))
	for name, a := range in {
		var nested map[string]schema.Attribute
		if a.Nesting != "" {
			var err error
			if nested, err = buildAttributes(a.Attributes); err != nil {
				return nil, fmt.Errorf("in %q: %w", name, err)
			}
		}
		switch {
		case a.Type == "string":
			out[name] = schema.StringAttribute{MarkdownDescription: described, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Type == "bool":
			out[name] = schema.BoolAttribute{MarkdownDescription: described, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Type == "int64":
			out[name] = schema.Int64Attribute{MarkdownDescription: described, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Type == "number":
			out[name] = schema.NumberAttribute{MarkdownDescription: described, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Type == "list" && primitives[a.Element] != nil:
			out[name] = schema.ListAttribute{MarkdownDescription: described, ElementType: primitives[a.Element],
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Nesting == "list":
			out[name] = schema.ListNestedAttribute{MarkdownDescription: described, NestedObject: schema.NestedAttributeObject{Attributes: nested},
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Nesting == "set":
			out[name] = schema.SetNestedAttribute{MarkdownDescription: described, NestedObject: schema.NestedAttributeObject{Attributes: nested},
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		case a.Nesting == "single":
			out[name] = schema.SingleNestedAttribute{MarkdownDescription: described, Attributes: nested,
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		default:
			return nil, fmt.Errorf("attribute %q has type %q and nesting %q, which package shape does not build", name, a.Type, a.Nesting)
		}
	}
	return out, nil
}

func buildBlocks(in map[string]Block) (map[string]schema.Block, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]schema.Block, len(in))
	for name, b := range in {
		attrs, err := buildAttributes(b.Attributes)
		if err != nil {
			return nil, fmt.Errorf("in block %q: %w", name, err)
		}
		blocks, err := buildBlocks(b.Blocks)
		if err != nil {
			return nil, fmt.Errorf("in block %q: %w", name, err)
		}
		obj := schema.NestedBlockObject{Attributes: attrs, Blocks: blocks}
		switch b.Nesting {
		case "list":
			out[name] = schema.ListNestedBlock{MarkdownDescription: described, NestedObject: obj}
		case "set":
			out[name] = schema.SetNestedBlock{MarkdownDescription: described, NestedObject: obj}
		default:
			return nil, fmt.Errorf("block %q has nesting %q, which package shape does not build", name, b.Nesting)
		}
	}
	return out, nil
}

// Sample returns a known value of typ: "bench" for strings, true, 42, and
// one sample element in every list and set, so a no-op resource holds as
// many values as the resource it stands in for (one finding, one scope).
func Sample(typ tftypes.Type) (tftypes.Value, error) {
	switch t := typ.(type) {
	case tftypes.Object:
		attrs := make(map[string]tftypes.Value, len(t.AttributeTypes))
		for name, at := range t.AttributeTypes {
			v, err := Sample(at)
			if err != nil {
				return tftypes.Value{}, err
			}
			attrs[name] = v
		}
		return tftypes.NewValue(t, attrs), nil
	case tftypes.Set:
		v, err := Sample(t.ElementType)
		return tftypes.NewValue(t, []tftypes.Value{v}), err
	case tftypes.List:
		v, err := Sample(t.ElementType)
		return tftypes.NewValue(t, []tftypes.Value{v}), err
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(tftypes.String, "bench"), nil
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(tftypes.Bool, true), nil
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(tftypes.Number, big.NewFloat(42)), nil
	}
	return tftypes.Value{}, fmt.Errorf("package shape has no sample value for %s", typ)
}

// Known replaces every unknown value in v with a sample value of its type,
// as a create that computed them would.
func Known(v tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		return Sample(v.Type())
	})
}
