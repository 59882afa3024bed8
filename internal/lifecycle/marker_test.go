package lifecycle

import "testing"

func TestSplitPurpose(t *testing.T) {
	t.Parallel()
	const lease = "[xano_metadata_token ephemeral lease until 2026-11-22T12:31:20Z]"
	for _, tt := range []struct {
		in, rest, purpose string
	}{
		{"", "", ""},
		{"nightly sync", "nightly sync", ""},
		{"nightly sync [purpose: monitoring]", "nightly sync", "monitoring"},
		{"[Purpose: Admin-Dashboard ]", "", "admin_dashboard"},
		{"sync [purpose: payroll]", "sync [purpose: payroll]", ""},
		{"[purpose: monitoring] and more", "[purpose: monitoring] and more", ""},
		// An ephemeral token's lease marker follows its purpose marker.
		{"deploy job [purpose: monitoring] " + lease, "deploy job " + lease, "monitoring"},
		{"[purpose: weweb] " + lease, lease, "weweb"},
		{"deploy job " + lease, "deploy job " + lease, ""},
		{lease, lease, ""},
	} {
		rest, purpose := SplitPurpose(tt.in)
		if rest != tt.rest || purpose != tt.purpose {
			t.Errorf("SplitPurpose(%q) = %q, %q; want %q, %q", tt.in, rest, purpose, tt.rest, tt.purpose)
		}
	}
}
