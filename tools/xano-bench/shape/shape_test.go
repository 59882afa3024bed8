package shape

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
	if _, err := (Shape{Attributes: map[string]Attribute{"x": {Type: "duration"}}}).Schema(); err == nil {
		t.Fatal("Schema built an attribute of an unknown type")
	}
	if _, err := Parse([]byte("{")); err == nil {
		t.Fatal("Parse accepted broken JSON")
	}
}
