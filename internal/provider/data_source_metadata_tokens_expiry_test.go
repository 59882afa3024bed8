package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestExpiringWithin(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := func(name string, in time.Duration, expired bool) tokenAuditModel {
		return tokenAuditModel{Name: name, ExpiresAt: types.StringValue(formatTimestamp(now.Add(in))), Expired: expired}
	}
	tokens := []tokenAuditModel{
		tok("in an hour", time.Hour, false),
		tok("in exactly two days", 48*time.Hour, false),
		tok("in three days", 72*time.Hour, false),
		tok("expired", -time.Hour, true),
		{Name: "never", ExpiresAt: types.StringNull(), NeverExpires: true},
	}
	tests := []struct {
		within time.Duration
		want   []string
	}{
		{48 * time.Hour, []string{"in an hour", "in exactly two days"}},
		{30 * time.Minute, nil},
		{7 * 24 * time.Hour, []string{"in an hour", "in exactly two days", "in three days"}},
	}
	for _, tt := range tests {
		var got []string
		for _, t := range expiringWithin(tokens, tt.within, now) {
			got = append(got, t.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("expiringWithin(%s) = %q, want %q", tt.within, got, tt.want)
		}
	}
}
