package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// instanceAttributeValidators returns the validators of every `instance`
// attribute the provider serves, by where it appears.
func instanceAttributeValidators(t *testing.T) map[string][]validator.String {
	t.Helper()
	ctx := context.Background()
	out := map[string][]validator.String{}

	var p provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &p)
	out["provider"] = p.Schema.Attributes["instance"].(pschema.StringAttribute).Validators

	var r resource.SchemaResponse
	NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &r)
	out["resource"] = r.Schema.Attributes["instance"].(rschema.StringAttribute).Validators

	var e ephemeral.SchemaResponse
	NewMetadataTokenEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &e)
	out["ephemeral resource"] = e.Schema.Attributes["instance"].(eschema.StringAttribute).Validators

	var d datasource.SchemaResponse
	NewMetadataTokensDataSource().Schema(ctx, datasource.SchemaRequest{}, &d)
	out["data source"] = d.Schema.Attributes["instance"].(dschema.StringAttribute).Validators
	return out
}

func runStringValidators(vs []validator.String, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range vs {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("instance"), ConfigValue: types.StringValue(value),
		}, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// TestInstanceValidatorShared checks that every `instance` argument refuses
// the same names with the same diagnostic: a resource used to accept " p2"
// and silently plan a replacement onto another instance.
func TestInstanceValidatorShared(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		// want is in the detail of the one error; "" means valid.
		want string
	}{
		{"main", ""},
		{"x8ki-letl-twmt", ""},
		{"my instance", ""},
		{" p2", `The instance " p2" has white space at its start or end`},
		{"p2 ", `Write the name without it, such as "p2"`},
		{"\tp2", "white space"},
		{"p\n2", "control character"},
		{"p\x002", "control character"},
		{"", "length must be at least 1"},
		{".", `"." or "..", a path segment that names no instance`},
		{"..", `"." or "..", a path segment that names no instance`},
		{"../token", "contains a slash"},
		{"a/./b", "contains a slash"},
		{`..\x`, "contains a slash or backslash"},
		{"v1.2", ""},
		{"...", ""},
	}
	all := instanceAttributeValidators(t)
	for _, tt := range tests {
		var first diag.Diagnostics
		for where, vs := range all {
			diags := runStringValidators(vs, tt.value)
			if tt.want == "" {
				if diags.HasError() {
					t.Errorf("%s refuses instance %q: %v", where, tt.value, diags)
				}
				continue
			}
			if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), tt.want) {
				t.Errorf("%s on instance %q: %v, want one error with %q", where, tt.value, diags, tt.want)
				continue
			}
			if first == nil {
				first = diags
			} else if !first.Equal(diags) {
				t.Errorf("instance %q: %s says %v, another says %v; want the same message", tt.value, where, diags, first)
			}
		}
	}
}
