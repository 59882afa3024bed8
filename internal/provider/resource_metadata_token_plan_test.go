package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestMetadataTokenKeepEquivalentDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		state, plan types.String
		want        types.String
	}{
		{"same value rewritten", types.StringValue("24h"), types.StringValue("1d"), types.StringValue("24h")},
		{"import text kept for default", types.StringValue("1w"), types.StringValue("7d"), types.StringValue("1w")},
		{"different value", types.StringValue("1d"), types.StringValue("2d"), types.StringValue("2d")},
		{"create", types.StringNull(), types.StringValue("7d"), types.StringValue("7d")},
		{"unknown plan", types.StringValue("1d"), types.StringUnknown(), types.StringUnknown()},
		{"removed", types.StringValue("1d"), types.StringNull(), types.StringNull()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &planmodifier.StringResponse{PlanValue: tt.plan}
			keepEquivalentDuration{}.PlanModifyString(context.Background(),
				planmodifier.StringRequest{StateValue: tt.state, PlanValue: tt.plan, ConfigValue: tt.plan}, resp)
			if !resp.PlanValue.Equal(tt.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, tt.want)
			}
		})
	}
}
