package provider

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// tokenAttributeValidators returns the validators of a string attribute of
// xano_metadata_token, as its schema declares them.
func tokenAttributeValidators(t *testing.T, name string) []validator.String {
	t.Helper()
	var r resource.SchemaResponse
	NewMetadataTokenResource().Schema(context.Background(), resource.SchemaRequest{}, &r)
	return r.Schema.Attributes[name].(rschema.StringAttribute).Validators
}

// runAttributeValidators runs vs on value as the framework would, with the
// attribute's path; a DurationType value goes through its own type.
func runAttributeValidators(vs []validator.String, attr, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range vs {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root(attr), ConfigValue: types.StringValue(value),
		}, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// TestTokenAttributeRules checks the values of xano_metadata_token that
// used to pass and silently meant nothing: a zero rotate_before silenced the
// expiry warning, and an acknowledgement of blank or zero-width text turned
// an enforced finding into a warning. rotation_overlap keeps "0s", its
// documented default.
func TestTokenAttributeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attr, value string
		// want is in the detail of the one error; "" means valid.
		want string
	}{
		{"rotate_before", "0s", `The rotate_before "0s" is zero`},
		{"rotate_before", "0d", "is zero"},
		{"rotate_before", "1s", ""},
		{"rotate_before", "7d", ""},
		{"rotation_overlap", "0s", ""},
		{"risk_acknowledgement", "\u200b", "has no visible character"},
		{"risk_acknowledgement", "   ", "has no visible character"},
		{"risk_acknowledgement", "\u200b \u2060\ufeff", "has no visible character"},
		{"risk_acknowledgement", "\u3164", "has no visible character"},
		{"risk_acknowledgement", "\u00a0\t", "has no visible character"},
		{"risk_acknowledgement", "approved by alice, ticket SEC-12", ""},
		{"risk_acknowledgement", "\u200b✓", ""},
	}
	for _, tt := range tests {
		t.Run(tt.attr+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			diags := runAttributeValidators(tokenAttributeValidators(t, tt.attr), tt.attr, tt.value)
			if tt.want == "" {
				if diags.HasError() {
					t.Fatalf("%s = %q refused: %s", tt.attr, tt.value, renderDiags(diags))
				}
				return
			}
			if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), tt.want) {
				t.Fatalf("%s = %q: %s, want one error with %q", tt.attr, tt.value, renderDiags(diags), tt.want)
			}
		})
	}
}

// TestRateLimitDiagnostic checks that retries run out on a 429 say how many
// retries max_retries allowed and the wait the server asked for, not just
// "try again".
func TestRateLimitDiagnostic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *xano.APIError
		want []string
		not  []string
	}{
		{
			name: "with Retry-After",
			err:  &xano.APIError{StatusCode: 429, Code: xano.CodeTooManyRequests, Method: "POST", Path: "/instance/main/token", Attempts: 4, MaxRetries: 3, RetryAfter: 40 * time.Second},
			want: []string{"429 after 4 attempt(s)", "asked to wait 40s (Retry-After)", "Wait at least 40s", "raise max_retries in the provider block (now 3, at most 10)"},
		},
		{
			name: "without Retry-After",
			err:  &xano.APIError{StatusCode: 429, Method: "GET", Path: "/instance/main/token", Attempts: 1, MaxRetries: 0},
			want: []string{"429 after 1 attempt(s)", "Wait a minute", "raise max_retries in the provider block (now 0, at most 10)"},
			not:  []string{"Retry-After)"},
		},
		{
			name: "at the max",
			err:  &xano.APIError{StatusCode: 429, Method: "GET", Path: "/instance/main/token", Attempts: 11, MaxRetries: 10, RetryAfter: 2 * time.Minute},
			want: []string{"max_retries is already 10, its maximum", "Wait at least 2m0s", "-parallelism=1"},
			not:  []string{"raise max_retries"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, d := range []string{tokenDetail(tt.err), tokenLimitCheckError("main", tt.err).Detail()} {
				for _, w := range tt.want {
					if !strings.Contains(d, w) {
						t.Errorf("detail lacks %q:\n%s", w, d)
					}
				}
				for _, n := range tt.not {
					if strings.Contains(d, n) {
						t.Errorf("detail has %q:\n%s", n, d)
					}
				}
			}
		})
	}
}

func tokenDetail(err error) string {
	var diags diag.Diagnostics
	tokenAPIError(&diags, "create token", err)
	if len(diags) != 1 || diags[0].Summary() != "Xano rate limit" {
		return renderDiags(diags)
	}
	return diags[0].Detail()
}

// TestGuidesQuoteValidWarnAt reads every `warn_at = "…"` the guides and
// examples quote and runs the provider schema's warn_at validators on it: a
// guide once said a rule is reported "only with warn_at = low", a value the
// schema refuses.
func TestGuidesQuoteValidWarnAt(t *testing.T) {
	t.Parallel()
	var p provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &p)
	vs := p.Schema.Blocks["policy"].(pschema.SingleNestedBlock).Attributes["warn_at"].(pschema.StringAttribute).Validators
	quoted := regexp.MustCompile(`warn_at\s*=\s*\\?"([^"\\]*)\\?"`)
	seen := 0
	for _, dir := range []string{"../../templates", "../../examples"} {
		err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			text, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			for _, m := range quoted.FindAllStringSubmatch(string(text), -1) {
				seen++
				if diags := runAttributeValidators(vs, "warn_at", m[1]); diags.HasError() {
					t.Errorf("%s quotes warn_at = %q, which the provider refuses: %s", name, m[1], renderDiags(diags))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen == 0 {
		t.Fatal("no warn_at value quoted in templates or examples: the pattern is wrong")
	}
}
