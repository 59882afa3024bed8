package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
)

// tokenStateOf renders m as the resource's state, through the framework.
func tokenStateOf(t *testing.T, m *metadataTokenModel) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	NewMetadataTokenResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := st.Set(ctx, m); d.HasError() {
		t.Fatalf("State.Set: %v", d)
	}
	return st
}

func TestGetModelMatchesFrameworkGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	set, d := scopeSetFromGrants(scopes.Grants{{Scope: "workspace_content", Read: true}, {Scope: "workspace_database", Create: true, Delete: true}})
	if d.HasError() {
		t.Fatal(d)
	}
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	models := map[string]metadataTokenModel{
		"minted token": {
			ID: types.StringValue("main/7"), Instance: types.StringValue("main"), TokenID: types.Int64Value(7),
			Name: types.StringValue("ci"), Description: types.StringValue("CI token"),
			ExpiresIn: NewDurationValue("30d"), NeverExpires: types.BoolValue(false), RotateBefore: NewDurationValue("7d"),
			RevokeOnDestroy: types.BoolValue(true), RiskAcknowledgement: types.StringNull(), Scope: set,
			CreatedAt: types.StringValue(formatTimestamp(created)), ExpiresAt: types.StringValue(formatTimestamp(created.Add(30 * 24 * time.Hour))),
			Token: types.StringValue("secret"), MetaAPI: types.StringValue("https://x1.xano.io/api:meta"),
			Findings: types.ListValueMust(types.StringType, []attr.Value{types.StringValue("critical grant workspace_database.delete: can drop tables")}),
		},
		"planned token, unknowns and nulls": {
			ID: types.StringUnknown(), Instance: types.StringValue("main"), TokenID: types.Int64Unknown(),
			Name: types.StringValue("ci"), Description: types.StringNull(),
			ExpiresIn: NewDurationUnknown(), NeverExpires: types.BoolUnknown(), RotateBefore: NewDurationNull(),
			RevokeOnDestroy: types.BoolValue(true), RiskAcknowledgement: types.StringValue("approved"), Scope: types.SetUnknown(scopeObjectType),
			CreatedAt: types.StringUnknown(), ExpiresAt: types.StringUnknown(), Token: types.StringUnknown(),
			MetaAPI: types.StringUnknown(), Findings: types.ListUnknown(types.StringType),
		},
	}
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := tokenStateOf(t, &m)
			var want, got metadataTokenModel
			if d := st.Get(ctx, &want); d.HasError() {
				t.Fatalf("State.Get: %v", d)
			}
			if d := getModel(ctx, st, &got); d.HasError() {
				t.Fatalf("getModel: %v", d)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("getModel = %+v\nState.Get = %+v", got, want)
			}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("getModel = %+v\nwritten  = %+v", got, m)
			}
		})
	}
}

func TestDecodeObjectRefusesMismatches(t *testing.T) {
	t.Parallel()
	obj := types.ObjectValueMust(map[string]attr.Type{"name": types.StringType, "read": types.BoolType},
		map[string]attr.Value{"name": types.StringValue("x"), "read": types.BoolValue(true)})
	var ok struct {
		Name types.String `tfsdk:"name"`
		Read types.Bool   `tfsdk:"read"`
	}
	if d := decodeObject(obj, &ok); d.HasError() || ok.Name.ValueString() != "x" || !ok.Read.ValueBool() {
		t.Fatalf("decodeObject = %+v, %v", ok, d)
	}
	var missing struct {
		Name types.String `tfsdk:"name"`
	}
	var renamed struct {
		Name types.String `tfsdk:"name"`
		Rd   types.Bool   `tfsdk:"rd"`
	}
	var wrongType struct {
		Name types.String `tfsdk:"name"`
		Read types.String `tfsdk:"read"`
	}
	tests := []struct {
		name   string
		obj    types.Object
		target any
		want   string
	}{
		{"not a pointer", obj, ok, "pointer to a struct"},
		{"a field missing", obj, &missing, "2 attributes but"},
		{"an attribute without a field", obj, &renamed, `no field for the attribute "read"`},
		{"a field of another type", obj, &wrongType, `"read" is a basetypes.BoolValue`},
		{"a null object", types.ObjectNull(obj.AttributeTypes(context.Background())), &ok, "null or unknown"},
	}
	for _, tt := range tests {
		d := decodeObject(tt.obj, tt.target)
		if !d.HasError() || !strings.Contains(d[0].Detail(), tt.want) {
			t.Errorf("%s: diagnostics %v, want an error containing %q", tt.name, d, tt.want)
		}
	}
}
