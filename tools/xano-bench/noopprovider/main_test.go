package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	xprovider "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// TestShapedResourceTakesTheTokenShape builds noop_shaped from the token
// resource's described shape, as make bench does, and checks that the
// framework sees the same value type for both.
func TestShapedResourceTakesTheTokenShape(t *testing.T) {
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
	t.Setenv(shape.Env, string(data))

	if n := len(noopProvider{}.Resources(ctx)); n != 2 {
		t.Fatalf("with %s set the no-op provider has %d resources, want 2", shape.Env, n)
	}
	var shaped resource.SchemaResponse
	shapedResource{}.Schema(ctx, resource.SchemaRequest{}, &shaped)
	if shaped.Diagnostics.HasError() {
		t.Fatalf("noop_shaped: %v", shaped.Diagnostics)
	}
	want, got := token.Schema.Type().TerraformType(ctx), shaped.Schema.Type().TerraformType(ctx)
	if !got.Equal(want) {
		t.Fatalf("noop_shaped's type\n%s\ndiffers from xano_metadata_token's\n%s", got, want)
	}
	again, err := shape.Describe(shaped.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if againData, _ := json.Marshal(again); string(againData) != string(data) {
		t.Fatalf("noop_shaped describes as\n%s\nnot\n%s", againData, data)
	}
}

func TestShapedResourceNeedsAShape(t *testing.T) {
	t.Setenv(shape.Env, "")
	ctx := context.Background()
	if n := len(noopProvider{}.Resources(ctx)); n != 1 {
		t.Fatalf("without %s the no-op provider has %d resources, want 1", shape.Env, n)
	}
	var resp resource.SchemaResponse
	shapedResource{}.Schema(ctx, resource.SchemaRequest{}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("noop_shaped built a schema without a shape")
	}
}
