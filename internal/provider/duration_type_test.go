package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestMetadataTokenDurationSemanticEquals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"24h", "1d", true},
		{"7d", "1w", true},
		{"168h", "7d", true},
		{"720h", "30d", true},
		{"1d12h", "36h", true},
		{"90m", "1h30m", true},
		{"1d", "25h", false},
		{"2w", "15d", false},
		{"soon", "soon", true},
		{"soon", "1d", false},
		{"1x", "1y", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"="+tt.b, func(t *testing.T) {
			got, diags := NewDurationValue(tt.a).StringSemanticEquals(context.Background(), NewDurationValue(tt.b))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got != tt.want {
				t.Errorf("StringSemanticEquals(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestMetadataTokenDurationSemanticEqualsWrongType(t *testing.T) {
	t.Parallel()
	_, diags := NewDurationValue("1d").StringSemanticEquals(context.Background(), types.StringValue("1d"))
	if !diags.HasError() {
		t.Fatal("comparing with a plain string should be an error")
	}
}

func TestMetadataTokenDurationValidateAttribute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   DurationValue
		wantErr bool
	}{
		{NewDurationValue("12h"), false},
		{NewDurationValue("2w"), false},
		{NewDurationValue("7 days"), true},
		{NewDurationValue("-1d"), true},
		{NewDurationValue(""), true},
		{NewDurationNull(), false},
		{NewDurationUnknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.value.String(), func(t *testing.T) {
			resp := &xattr.ValidateAttributeResponse{}
			tt.value.ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("expires_in")}, resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantErr {
				t.Errorf("error = %v, want %v: %v", got, tt.wantErr, resp.Diagnostics)
			}
		})
	}
}

func TestMetadataTokenDurationAtLeast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   types.String
		wantErr bool
	}{
		{types.StringValue("1h"), false},
		{types.StringValue("60m"), false},
		{types.StringValue("59m"), true},
		{types.StringValue("30s"), true},
		{types.StringValue("not a duration"), false}, // reported by the type
		{types.StringNull(), false},
		{types.StringUnknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.value.String(), func(t *testing.T) {
			resp := &validator.StringResponse{}
			durationAtLeast{min: time.Hour}.ValidateString(context.Background(),
				validator.StringRequest{Path: path.Root("expires_in"), ConfigValue: tt.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantErr {
				t.Errorf("error = %v, want %v: %v", got, tt.wantErr, resp.Diagnostics)
			}
		})
	}
}
