package shape

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestDescribeAndBuildKeepTheType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	in := schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true},
			"secret": schema.StringAttribute{Computed: true, Sensitive: true},
			"count":  schema.Int64Attribute{Optional: true},
			"ratio":  schema.NumberAttribute{Optional: true},
			"on":     schema.BoolAttribute{Required: true},
			"lines":  schema.ListAttribute{Computed: true, ElementType: types.StringType},
			"findings": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"rule": schema.StringAttribute{Computed: true},
			}}},
			"tags":  schema.SetNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{"k": schema.StringAttribute{Required: true}}}},
			"owner": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Optional: true}}},
		},
		Blocks: map[string]schema.Block{
			"scope": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Required: true}},
				Blocks:     map[string]schema.Block{"inner": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{"x": schema.BoolAttribute{Optional: true}}}}},
			}},
		},
	}
	sh, err := Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sh.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.Type().TerraformType(ctx), in.Type().TerraformType(ctx); !got.Equal(want) {
		t.Fatalf("built type %s, want %s", got, want)
	}
	if a := out.Attributes["secret"]; !a.IsComputed() || !a.IsSensitive() || a.IsOptional() {
		t.Fatalf("secret lost its flags: %+v", a)
	}
	if a := out.Attributes["on"]; !a.IsRequired() {
		t.Fatalf("on lost Required: %+v", a)
	}
}

func TestDescribeRefusesWhatItDoesNotKnow(t *testing.T) {
	t.Parallel()
	_, err := Describe(schema.Schema{Attributes: map[string]schema.Attribute{
		"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType},
	}})
	if err == nil || !strings.Contains(err.Error(), `"labels"`) {
		t.Fatalf("Describe = %v, want an error naming labels", err)
	}
	_, err = Describe(schema.Schema{Attributes: map[string]schema.Attribute{
		"pairs": schema.ListAttribute{Optional: true, ElementType: types.ListType{ElemType: types.StringType}},
	}})
	if err == nil || !strings.Contains(err.Error(), `"pairs"`) {
		t.Fatalf("Describe = %v, want an error naming pairs", err)
	}
	if _, err := (Shape{Attributes: map[string]Attribute{"x": {Type: "list", Element: "duration"}}}).Schema(); err == nil {
		t.Fatal("Schema built a list of an unknown type")
	}
	if _, err := (Shape{Attributes: map[string]Attribute{"x": {Type: "duration"}}}).Schema(); err == nil {
		t.Fatal("Schema built an attribute of an unknown type")
	}
	if _, err := Parse([]byte("{")); err == nil {
		t.Fatal("Parse accepted broken JSON")
	}
}

func TestKnownFillsEveryUnknown(t *testing.T) {
	t.Parallel()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id":       tftypes.String,
		"count":    tftypes.Number,
		"findings": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"rule": tftypes.String}}},
		"name":     tftypes.String,
	}}
	v := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":       tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"count":    tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
		"findings": tftypes.NewValue(typ.AttributeTypes["findings"], tftypes.UnknownValue),
		"name":     tftypes.NewValue(tftypes.String, "kept"),
	})
	known, err := Known(v)
	if err != nil {
		t.Fatal(err)
	}
	if !known.IsFullyKnown() {
		t.Fatalf("Known left unknowns: %s", known)
	}
	var attrs map[string]tftypes.Value
	if err := known.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := attrs["name"].As(&name); err != nil || name != "kept" {
		t.Fatalf("name = %q, %v; a known value was replaced", name, err)
	}
	var findings []tftypes.Value
	if err := attrs["findings"].As(&findings); err != nil || len(findings) != 1 {
		t.Fatalf("findings = %v, %v; want one sample element", findings, err)
	}
	if _, err := Sample(tftypes.DynamicPseudoType); err == nil {
		t.Fatal("Sample made a value of the dynamic type")
	}
}
