package policy

import (
	"strings"
	"testing"
	"time"
)

func TestExpiryNotice(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	sub := Subject{Name: "billing"}
	tests := []struct {
		name     string
		horizon  time.Duration
		lifetime time.Duration
		left     time.Duration
		rotates  bool
		summary  string // "" means no notice
		detail   []string
	}{
		{"inside the default horizon", DefaultExpiryWarning, 30 * day, 36 * time.Hour, false,
			`Token "billing": expires in 1d12h, no rotate_before`,
			[]string{"expires at 2030-01-03T00:00:00Z, in 1d12h", `rotate_before = "7d12h"`, "expires_in", "-replace", "expiry_warning (2d)"}},
		{"exactly at the horizon", DefaultExpiryWarning, 7 * day, 2 * day, false, `Token "billing": expires in 2d, no rotate_before`, nil},
		{"seconds are cut to minutes", DefaultExpiryWarning, 7 * day, 5*time.Hour + 59*time.Second, false, `Token "billing": expires in 5h, no rotate_before`, nil},
		{"under a minute shows a minute", DefaultExpiryWarning, time.Hour, 20 * time.Second, false,
			`Token "billing": expires in 1m, no rotate_before`, []string{`rotate_before = "15m"`}},
		{"beyond the horizon", DefaultExpiryWarning, 30 * day, 2*day + time.Second, false, "", nil},
		{"with rotation", DefaultExpiryWarning, 30 * day, time.Hour, true, "", nil},
		{"already expired", DefaultExpiryWarning, 30 * day, 0, false, "", nil},
		{"turned off", 0, 30 * day, time.Hour, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := Default()
			pol.ExpiryWarning = tt.horizon
			m := pol.ExpiryNotice(sub, tt.lifetime, now.Add(tt.left), now, tt.rotates)
			if tt.summary == "" {
				if m != nil {
					t.Fatalf("want no notice, got %q", m.Summary)
				}
				return
			}
			if m == nil || m.Summary != tt.summary || m.About != AboutExpiry {
				t.Fatalf("notice = %+v, want summary %q on expires_at", m, tt.summary)
			}
			for _, f := range tt.detail {
				if !strings.Contains(m.Detail, f) {
					t.Errorf("detail lacks %q:\n%s", f, m.Detail)
				}
			}
		})
	}
}

func TestParseExpiryWarning(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"2d": 48 * time.Hour, "12h": 12 * time.Hour, "0s": 0} {
		if got, err := ParseExpiryWarning(in); err != nil || got != want {
			t.Errorf("ParseExpiryWarning(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParseExpiryWarning("soon"); err == nil || !strings.Contains(err.Error(), "expiry_warning") {
		t.Errorf("a malformed value gave %v, want an error naming expiry_warning", err)
	}
	if Default().ExpiryWarning != DefaultExpiryWarning {
		t.Error("the default policy has no expiry horizon")
	}
}
