package provider

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestAPIDiagnosticsEndWithTheAnswer checks the one order every API error
// diagnostic follows: what failed and what to do first, then the client's
// facts as the last paragraph, quoted once.
func TestAPIDiagnosticsEndWithTheAnswer(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"401":       &xano.APIError{StatusCode: 401, Code: xano.CodeUnauthorized, Message: "Invalid token.", Method: http.MethodGet, Path: "/auth/me"},
		"403":       &xano.APIError{StatusCode: 403, Code: xano.CodeAccessDenied, Message: "Denied.", Method: http.MethodGet, Path: xano.PathInstances},
		"404":       &xano.APIError{StatusCode: 404, Code: xano.CodeNotFound, Message: "Nope.", Method: http.MethodGet, Path: xano.PathInstances},
		"limit":     &xano.APIError{StatusCode: 400, Code: xano.CodeInputError, Message: xano.LimitMessage, Method: http.MethodPost, Path: "/instance/main/token"},
		"500":       &xano.APIError{StatusCode: 500, Code: xano.CodeFatal, Message: "Broke.", Method: http.MethodPost, Path: "/instance/main/token", Uncertain: true, Attempts: 3},
		"refused":   &xano.TransportError{Method: http.MethodGet, Path: "/auth/me", Message: "could not reach the Xano API: connection refused", NothingSent: true},
		"timed out": &xano.TransportError{Method: http.MethodGet, Path: "/auth/me", Message: "could not reach the Xano API: timeout", TimedOut: true},
		"decode":    &xano.DecodeError{Method: http.MethodGet, Path: "/auth/me", StatusCode: 200, What: "account", Reason: "it is empty or null"},
	}
	conn := connection{baseURL: "https://x.example/api:meta", baseURLSource: "argument", accessTokenSource: envAccessToken}
	for name, err := range errs {
		var diags diag.Diagnostics
		tokenAPIError(&diags, "do something", err)
		instancesAPIError(&diags, "list the account's instances", err)
		diags.Append(credentialsCheckError(conn, err))
		diags.Append(instanceCheckError(path.Root("instance"), "main", instanceOrigin{text: "set in this block"}, err))
		want := "\n\nAPI answer: " + apiFacts(err) + "."
		for _, d := range diags {
			if !strings.HasSuffix(d.Detail(), want) {
				t.Errorf("%s: %q does not end with %q:\n%s", name, d.Summary(), want, d.Detail())
			}
			if n := strings.Count(d.Detail(), apiFacts(err)); n != 1 {
				t.Errorf("%s: %q quotes the answer %d times:\n%s", name, d.Summary(), n, d.Detail())
			}
		}
	}
}

// TestConfigAdvice checks that every base URL or client configuration the
// client refuses gets advice from the provider, and that the client's own
// message gives none.
func TestConfigAdvice(t *testing.T) {
	t.Parallel()
	refused := []error{}
	for _, raw := range []string{"", "not a url", "https://u:p@host/api:meta", "https://host/api:meta?x", "http://[::1"} {
		_, err := xano.ParseBaseURL(raw)
		refused = append(refused, err)
	}
	for _, token := range []string{" ", "a\nb"} {
		_, err := xano.New(xano.Config{BaseURL: xano.DefaultBaseURL, AccessToken: token})
		refused = append(refused, err)
	}
	for _, err := range refused {
		if err == nil {
			t.Fatal("a configuration the test expects refused was accepted")
		}
		if configAdvice(err) == "" {
			t.Errorf("no advice for %q", err)
		}
		for _, advice := range []string{"set ", "use ", "remove", "copy"} {
			if strings.Contains(strings.ToLower(err.Error()), advice) {
				t.Errorf("the client's error %q gives advice (%q): that is the provider's to say", err, advice)
			}
		}
		if d := clientError(err); !strings.Contains(d.Detail(), configAdvice(err)) {
			t.Errorf("clientError(%q) leaves out the advice: %s", err, d.Detail())
		}
	}
}
