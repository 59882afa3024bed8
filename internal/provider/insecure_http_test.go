package provider

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestInsecureHTTPBaseURL configures the provider with http base URLs from
// each origin: one to a host that is not loopback fails with one error on
// base_url that names the origin, before any request (the host does not
// resolve, so a request would add a "Cannot reach" error), unless
// insecure_http is true, which warns instead; loopback hosts pass silently.
func TestInsecureHTTPBaseURL(t *testing.T) {
	t.Parallel()
	const remote = "http://xano.invalid/api:meta"
	dir := t.TempDir()
	creds := writeFile(t, filepath.Join(dir, "credentials.yaml"),
		"profiles:\n  default:\n    access_token: tok-file\n    instance_origin: http://xano.invalid\n")
	yes := tftypes.NewValue(tftypes.Bool, true)
	tests := []struct {
		name    string
		attrs   map[string]tftypes.Value
		env     map[string]string
		summary string
		sev     diag.Severity
		detail  []string
	}{
		{
			name:    "argument",
			attrs:   map[string]tftypes.Value{"base_url": str(remote), "access_token": str("tok")},
			summary: "Insecure Xano base URL", sev: diag.SeverityError,
			detail: []string{remote, "the base_url argument of the provider block", "insecure_http = true", "no request was sent"},
		},
		{
			name:    "environment",
			attrs:   map[string]tftypes.Value{"access_token": str("tok")},
			env:     map[string]string{envBaseURL: "http://10.1.2.3:8080/api:meta"},
			summary: "Insecure Xano base URL", sev: diag.SeverityError,
			detail: []string{"the XANO_BASE_URL environment variable"},
		},
		{
			name:    "profile",
			env:     map[string]string{envConfig: creds},
			summary: "Insecure Xano base URL", sev: diag.SeverityError,
			detail: []string{`profile "default" of the Xano CLI credentials file ` + creds},
		},
		{
			name:    "allowed by insecure_http",
			attrs:   map[string]tftypes.Value{"base_url": str(remote), "access_token": str("tok"), "insecure_http": yes, "skip_credentials_validation": yes},
			summary: "Xano access token sent in clear text", sev: diag.SeverityWarning,
			detail: []string{remote, "insecure_http = true", "Use an https URL"},
		},
		{name: "127.0.0.0/8", attrs: map[string]tftypes.Value{"base_url": str("http://127.3.2.1:9/api:meta"), "access_token": str("tok"), "skip_credentials_validation": yes}},
		{name: "localhost", attrs: map[string]tftypes.Value{"base_url": str("http://localhost:9/api:meta"), "access_token": str("tok"), "skip_credentials_validation": yes}},
		{name: "::1", attrs: map[string]tftypes.Value{"base_url": str("http://[::1]:9/api:meta"), "access_token": str("tok"), "skip_credentials_validation": yes}},
		{name: "https", attrs: map[string]tftypes.Value{"base_url": str("https://xano.invalid/api:meta"), "access_token": str("tok"), "skip_credentials_validation": yes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, diags := configure(t, &xanoProvider{version: "test", env: fakeEnv(tt.env, "")}, tt.attrs)
			if tt.summary == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics, got %s", renderDiags(diags))
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != tt.sev || diags[0].Summary() != tt.summary {
				t.Fatalf("want one %s %q, got %s", tt.sev, tt.summary, renderDiags(diags))
			}
			if wp, ok := diags[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("base_url")) {
				t.Errorf("diagnostic is not on base_url: %s", renderDiags(diags))
			}
			for _, f := range tt.detail {
				if !strings.Contains(diags[0].Detail(), f) {
					t.Errorf("detail does not contain %q:\n%s", f, diags[0].Detail())
				}
			}
		})
	}
}
