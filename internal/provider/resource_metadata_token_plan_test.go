package provider

import (
	"context"
	"testing"
	"time"

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

func TestMetadataTokenRotationDue(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 12, 22, 11, 31, 20, 0, time.UTC)
	tests := []struct {
		name   string
		now    time.Time
		rotate time.Duration
		want   rotationState
	}{
		{"well before", expires.Add(-30 * 24 * time.Hour), 7 * 24 * time.Hour, rotationNotDue},
		{"just before the window", expires.Add(-7*24*time.Hour - time.Second), 7 * 24 * time.Hour, rotationNotDue},
		{"window opens", expires.Add(-7 * 24 * time.Hour), 7 * 24 * time.Hour, rotationWindow},
		{"inside the window", expires.Add(-time.Hour), 7 * 24 * time.Hour, rotationWindow},
		{"no window configured", expires.Add(-time.Hour), 0, rotationNotDue},
		{"expiry instant", expires, 0, rotationExpired},
		{"expired with window", expires.Add(time.Hour), 7 * 24 * time.Hour, rotationExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rotationDue(tt.now, expires, tt.rotate); got != tt.want {
				t.Errorf("rotationDue = %v, want %v", got, tt.want)
			}
		})
	}
}
