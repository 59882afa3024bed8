package provider

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestTokenAPIErrorNotFound checks the words of a 404 to a token call: a
// missing token API on a confirmed instance never sends the user to check
// the instance name, and only a call about one token speaks of a token
// deleted outside Terraform.
func TestTokenAPIErrorNotFound(t *testing.T) {
	t.Parallel()
	notFound := func(method, path string) *xano.APIError {
		return &xano.APIError{StatusCode: http.StatusNotFound, Code: xano.CodeNotFound, Message: "Unable to locate request.",
			Method: method, Path: path}
	}
	createdNotFound := notFound(http.MethodPost, "/instance/main/token")
	revokeUnconfirmed := &xano.UnconfirmedGoneError{Instance: "main", ID: 7, Err: notFound(http.MethodDelete, "/instance/main/token/7"),
		ListErr: notFound(http.MethodGet, "/instance/main/token?page=1&per_page=100")}
	const (
		checkName    = "Check the instance name"
		deletedOut   = "deleted outside Terraform"
		noEndpoints  = "Xano publishes no token endpoints"
		contractPage = "API contract page (docs/guides/api-contract.md)"
	)
	tests := []struct {
		name, action string
		err          error
		summary      string
		want, never  []string
	}{
		{"create, no token API", `create token "a" on instance "main"`, &xano.NoTokenAPIError{Instance: "main", Err: createdNotFound},
			noEndpoints,
			[]string{`Could not create token "a" on instance "main". The account's Metadata API confirms that instance "main" exists`,
				"Xano publishes no token-management endpoints for this instance's account API", "GET /auth/me, GET /instance and GET /instance/{name}",
				contractPage, "which xano-emulator implements", "point base_url at a server that implements that contract"},
			[]string{checkName, deletedOut}},
		{"revoke, no token API", "revoke token 7 on instance \"main\"", &xano.NoTokenAPIError{Instance: "main", Err: revokeUnconfirmed},
			noEndpoints, []string{`instance "main" exists`, contractPage}, []string{checkName, deletedOut, "Terraform keeps the token"}},
		{"list, no token API", `list the tokens of instance "main"`,
			&xano.NoTokenAPIError{Instance: "main", Err: notFound(http.MethodGet, "/instance/main/token?page=1&per_page=100")},
			noEndpoints, []string{`instance "main" exists`, contractPage}, []string{checkName, deletedOut}},
		{"create, instance not confirmed", `create token "a" on instance "main"`, createdNotFound,
			"Not found in Xano", []string{checkName + " and base_url."}, []string{deletedOut, contractPage}},
		{"read of one token", `read token 7 on instance "main"`, notFound(http.MethodGet, "/instance/main/token/7"),
			"Not found in Xano", []string{checkName, deletedOut}, []string{contractPage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			tokenAPIError(&diags, tt.action, tt.err)
			if len(diags) != 1 || diags.ErrorsCount() != 1 {
				t.Fatalf("want one error:\n%s", renderDiags(diags))
			}
			d := diags[0]
			if d.Summary() != tt.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tt.summary)
			}
			for _, w := range tt.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, d.Detail())
				}
			}
			for _, n := range tt.never {
				if strings.Contains(d.Detail(), n) {
					t.Errorf("detail says %q:\n%s", n, d.Detail())
				}
			}
			if want := "\n\nAPI answer: " + apiFacts(tt.err) + "."; !strings.HasSuffix(d.Detail(), want) {
				t.Errorf("detail does not end with %q:\n%s", want, d.Detail())
			}
		})
	}
}
