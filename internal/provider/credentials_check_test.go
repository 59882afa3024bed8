package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestCheckCredentials answers GET /auth/me in every way that fails the
// check and checks the one error each gives: its summary, the setting it
// points at, and where the value of that setting came from.
func TestCheckCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		conn      connection
		summary   string
		at        *path.Path
		fragments []string
	}{
		{
			name: "401 with the token from a profile", status: 401, body: `{"code":"ERROR_CODE_UNAUTHORIZED","message":"Invalid token."}`,
			conn:    connection{accessTokenSource: "profile work", credentialsFile: "/home/me/.xano/credentials.yaml", baseURLSource: "profile work"},
			summary: "Xano rejected the access token", at: pathOf(path.Root("access_token")),
			fragments: []string{
				"GET /auth/me: 401 ERROR_CODE_UNAUTHORIZED: Invalid token.",
				`The access token comes from profile "work" of the Xano CLI credentials file /home/me/.xano/credentials.yaml.`,
				"skip_credentials_validation = true",
			},
		},
		{
			name: "403", status: 403, body: `{"code":"ERROR_CODE_ACCESS_DENIED","message":"Denied."}`,
			conn:    connection{accessTokenSource: "argument", baseURLSource: "default"},
			summary: "Xano refused the access token", at: pathOf(path.Root("access_token")),
			fragments: []string{"the access_token argument of the provider block", "from the provider's default"},
		},
		{
			name: "404", status: 404, body: `{"code":"ERROR_CODE_NOT_FOUND","message":"No route."}`,
			conn:    connection{accessTokenSource: envAccessToken, baseURLSource: envBaseURL},
			summary: "No Xano Metadata API at base_url", at: pathOf(path.Root("base_url")),
			fragments: []string{"from the XANO_BASE_URL environment variable", xano.DefaultBaseURL},
		},
		{
			name: "a sign-in page", status: 200, body: `<html>Sign in</html>`,
			conn:    connection{accessTokenSource: envAccessToken, baseURLSource: "argument"},
			summary: "No Xano Metadata API at base_url", at: pathOf(path.Root("base_url")),
			fragments: []string{"not a valid account", "the base_url argument of the provider block"},
		},
		{
			name: "500", status: 500, body: `{"code":"ERROR_FATAL","message":"Broke."}`,
			conn:      connection{accessTokenSource: envAccessToken, baseURLSource: "argument"},
			summary:   "Cannot check the Xano access token",
			fragments: []string{"500 ERROR_FATAL: Broke.", "Try again later"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			client, err := xano.New(xano.Config{BaseURL: srv.URL + "/api:meta", AccessToken: "tok-SECRET-1", MaxRetries: 0})
			if err != nil {
				t.Fatal(err)
			}
			tt.conn.baseURL = srv.URL + "/api:meta"
			var diags diag.Diagnostics
			checkCredentials(t.Context(), client, tt.conn, &diags)
			wantDiag(t, diags, tt.summary, tt.at, tt.fragments...)
			if at := tt.at; at == nil && len(diags) == 1 {
				if _, ok := diags[0].(diag.DiagnosticWithPath); ok {
					t.Errorf("a failure of the API itself points at a setting: %s", renderDiags(diags))
				}
			}
			if strings.Contains(renderDiags(diags), "tok-SECRET-1") {
				t.Errorf("the diagnostic shows the token: %s", renderDiags(diags))
			}
		})
	}
}
