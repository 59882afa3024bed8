package xano

import (
	"strings"
	"testing"
)

// TestParseBaseURL feeds URLs with credentials in every position a typo can
// put them: the error must say what is wrong and show neither the user name
// nor the password.
func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want, wantErr string
	}{
		{"https://app.xano.com/api:meta", "https://app.xano.com/api:meta", ""},
		{" http://127.0.0.1:8787/api:meta/ ", "http://127.0.0.1:8787/api:meta", ""},
		{"https://x1.n7.xano.io/api:meta//", "https://x1.n7.xano.io/api:meta", ""},
		{"https://host/api@v1", "https://host/api@v1", ""},
		{"", "", "is empty"},
		{"https//admin:SECRET@host/api:meta", "", `"https//***@host/api:meta" is not an absolute http or https URL`},
		{"htps://SECRET@host/api:meta", "", `"htps://***@host/api:meta" is not an absolute http or https URL`},
		{"https://admin:SECRET@host/api:meta", "", `"https://***@host/api:meta" carries credentials`},
		{"https://admin@host/api:meta", "", `"https://***@host/api:meta" carries credentials`},
		{"https://admin:SEC/RET@host/api:meta", "", `"https://***@host/api:meta"`},
		{"https://admin:SEC#RET@host/api:meta", "", `"https://***@host/api:meta" does not parse`},
		{"https://admin:SEC?RET@host", "", `"https://***@host"`},
		{"https://admin:SE@CRET@host", "", `"https://***@host" carries credentials`},
		{"admin:SECRET@host/api:meta", "", `"***@host/api:meta"`},
		{"https://admin:SECRET@", "", `"https://***@"`},
		{"https://admin:SECRET\n@host", "", `"https://***@host" does not parse`},
		{"ftp://host/api:meta", "", "not an absolute http or https URL"},
		{"https://host/api:meta?token=SECRET&debug", "", `"https://host/api:meta?token=***&debug" has a query or fragment`},
		{"https://host/api:meta#SECRET", "", `"https://host/api:meta#***" has a query or fragment`},
		{"https://host/api:meta?a=SECRET#", "", `"https://host/api:meta?a=***#" has a query or fragment`},
		{"https://host/api:meta?", "", "has a query or fragment"},
		{"https:admin:SECRET", "", `"https:***" is not an absolute http or https URL`},
		{"http://[::1", "", "does not parse"},
	}
	for _, tt := range tests {
		got, err := ParseBaseURL(tt.raw)
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseBaseURL(%q) error = %v, want it to contain %s", tt.raw, err, tt.wantErr)
			continue
		}
		for _, secret := range []string{"SECRET", "admin", "SEC", "RET"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseBaseURL(%q) error shows %q: %v", tt.raw, secret, err)
			}
		}
	}
}

// TestNewAgreesWithParseBaseURL checks that the client refuses exactly the
// URLs the provider's validation refuses, with the same reason.
func TestNewAgreesWithParseBaseURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"https://app.xano.com/api:meta", "https://u:p@host", "https//u:p@host", "https://h/?", "ftp://h", ""} {
		_, perr := ParseBaseURL(raw)
		_, nerr := New(Config{BaseURL: raw, AccessToken: "x"})
		if (perr == nil) != (nerr == nil) || (perr != nil && !strings.HasSuffix(nerr.Error(), perr.Error())) {
			t.Errorf("%q: ParseBaseURL says %v, New says %v", raw, perr, nerr)
		}
	}
}

// TestCleartext lists the base URLs that would send the access token in
// clear text to another machine: http to any host but a loopback one.
func TestCleartext(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"http://xano.example.com/api:meta":  true,
		"http://10.0.0.5:8080/api:meta":     true,
		"http://[2001:db8::1]/api:meta":     true,
		"http://localhost.evil.test/":       true,
		"http://128.0.0.1/":                 true,
		"HTTP://proxy.internal/api:meta":    true,
		"https://xano.example.com/api:meta": false,
		"http://127.0.0.1:8787/api:meta":    false,
		"http://127.8.9.10/api:meta":        false,
		"http://[::1]:8787/api:meta":        false,
		"http://localhost:8787/api:meta":    false,
		"http://LOCALHOST./api:meta":        false,
	} {
		if got := Cleartext(raw); got != want {
			t.Errorf("Cleartext(%q) = %v, want %v", raw, got, want)
		}
	}
}
