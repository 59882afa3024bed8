package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

func TestMetadataTokenParseImportID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id           string
		wantInstance string
		wantID       int64
		wantErr      bool
	}{
		{"main/42", "main", 42, false},
		{"x8ki-letl-twmt/7", "x8ki-letl-twmt", 7, false},
		{"team/prod/3", "team/prod", 3, false},
		{"42", "", 0, true},
		{"main/", "", 0, true},
		{"/42", "", 0, true},
		{"main/abc", "", 0, true},
		{"main/0", "", 0, true},
		{"main/-4", "", 0, true},
		{" /4", "", 0, true},
		{"", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			instance, id, err := parseTokenImportID(tt.id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "<instance>/<token id>") {
					t.Errorf("error %q does not show the expected format", err)
				}
				return
			}
			if instance != tt.wantInstance || id != tt.wantID {
				t.Errorf("got (%q, %d), want (%q, %d)", instance, id, tt.wantInstance, tt.wantID)
			}
			if back := fmt.Sprintf("%s/%d", instance, id); back != tt.id {
				t.Errorf("round trip = %q, want %q", back, tt.id)
			}
		})
	}
}

func TestMetadataTokenDeriveLifetime(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := created.Add(d); return &v }
	tests := []struct {
		name      string
		expires   *time.Time
		wantText  string
		wantNever bool
	}{
		{"never", nil, "", true},
		{"seven days reads as days", at(7 * 24 * time.Hour), "7d", false},
		{"thirty days", at(30 * 24 * time.Hour), "30d", false},
		{"one hour", at(time.Hour), "1h", false},
		{"a day and a half", at(36 * time.Hour), "1d12h", false},
		{"sub-second noise rounds away", at(24*time.Hour + 300*time.Millisecond), "1d", false},
		{"expiry before creation", at(-time.Hour), "0s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, neverValue := deriveLifetime(lifecycle.Times{Created: created, Expires: tt.expires})
			if never := neverValue.ValueBool(); never != tt.wantNever {
				t.Fatalf("never = %v, want %v", never, tt.wantNever)
			}
			if tt.wantNever {
				if !text.IsNull() {
					t.Errorf("expires_in = %s, want null", text)
				}
				return
			}
			if text.ValueString() != tt.wantText {
				t.Errorf("expires_in = %q, want %q", text.ValueString(), tt.wantText)
			}
		})
	}
}

func TestMetadataTokenParseTokenTimes(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name        string
		tok         xano.Token
		wantCreated string
		wantExpires string // "" means never
		wantErr     bool
	}{
		{"xano layout", xano.Token{ID: 1, CreatedAt: "2026-11-22 11:31:20+0000", ExpiresAt: str("2026-12-22 11:31:20+0000")},
			"2026-11-22T11:31:20Z", "2026-12-22T11:31:20Z", false},
		{"offset normalised to UTC", xano.Token{ID: 2, CreatedAt: "2026-11-22 12:31:20+0100"}, "2026-11-22T11:31:20Z", "", false},
		{"empty expiry is never", xano.Token{ID: 3, CreatedAt: "2026-11-22 11:31:20+0000", ExpiresAt: str("")}, "2026-11-22T11:31:20Z", "", false},
		{"bad created_at", xano.Token{ID: 4, CreatedAt: "yesterday"}, "", "", true},
		{"bad expires_at", xano.Token{ID: 5, CreatedAt: "2026-11-22 11:31:20+0000", ExpiresAt: str("later")}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			times, err := lifecycle.TimesOf(&tt.tok)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := formatTimestamp(times.Created); got != tt.wantCreated {
				t.Errorf("created = %s, want %s", got, tt.wantCreated)
			}
			gotExpires := ""
			if times.Expires != nil {
				gotExpires = formatTimestamp(*times.Expires)
			}
			if gotExpires != tt.wantExpires {
				t.Errorf("expires = %q, want %q", gotExpires, tt.wantExpires)
			}
		})
	}
}

func TestMetadataTokenLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expiresIn DurationValue
		never     types.Bool
		want      time.Duration
		wantKnown bool
		wantErr   bool
	}{
		{"default", NewDurationNull(), types.BoolValue(false), 7 * 24 * time.Hour, true, false},
		{"default with never unset", NewDurationNull(), types.BoolNull(), 7 * 24 * time.Hour, true, false},
		{"explicit", NewDurationValue("30d"), types.BoolValue(false), 30 * 24 * time.Hour, true, false},
		{"never", NewDurationNull(), types.BoolValue(true), 0, true, false},
		{"unknown lifetime", NewDurationUnknown(), types.BoolValue(false), 0, false, false},
		{"unknown never", NewDurationNull(), types.BoolUnknown(), 0, false, false},
		{"malformed", NewDurationValue("soon"), types.BoolValue(false), 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known, err := tokenLifetime(tt.expiresIn, tt.never)
			if (err != nil) != tt.wantErr || known != tt.wantKnown || got != tt.want {
				t.Errorf("tokenLifetime() = (%s, %v, %v), want (%s, %v, error %v)", got, known, err, tt.want, tt.wantKnown, tt.wantErr)
			}
		})
	}
}

// mtScopeSet builds a scope set value for validator tests; a nil permission
// pointer is null.
func mtScopeSet(t *testing.T, blocks ...map[string]attr.Value) types.Set {
	t.Helper()
	elems := make([]attr.Value, 0, len(blocks))
	for _, b := range blocks {
		vals := map[string]attr.Value{
			"name": types.StringNull(), "create": types.BoolNull(), "read": types.BoolNull(),
			"update": types.BoolNull(), "delete": types.BoolNull(),
		}
		for k, v := range b {
			vals[k] = v
		}
		obj, diags := types.ObjectValue(scopeAttrTypes, vals)
		if diags.HasError() {
			t.Fatalf("building a scope block: %v", diags)
		}
		elems = append(elems, obj)
	}
	set, diags := types.SetValue(scopeObjectType, elems)
	if diags.HasError() {
		t.Fatalf("building the scope set: %v", diags)
	}
	return set
}

func TestMetadataTokenValidScopes(t *testing.T) {
	t.Parallel()
	name := func(s string) attr.Value { return types.StringValue(s) }
	yes := types.BoolValue(true)
	no := types.BoolValue(false)
	tests := []struct {
		name    string
		set     types.Set
		want    []string // substrings of the single error's detail
		summary string
	}{
		{"valid", mtScopeSet(t, map[string]attr.Value{"name": name("workspace_api_groups"), "read": yes},
			map[string]attr.Value{"name": name("workspace_content"), "read": yes}), nil, ""},
		{"typo", mtScopeSet(t, map[string]attr.Value{"name": name("workspace_databse"), "read": yes}),
			[]string{`Did you mean "workspace_database"?`, "workspace_request_history"}, "Unknown Xano scope"},
		{"display name", mtScopeSet(t, map[string]attr.Value{"name": name("Workspace Database"), "read": yes}),
			[]string{`did you mean "workspace_database"?`}, "Unknown Xano scope"},
		{"wire key", mtScopeSet(t, map[string]attr.Value{"name": name("workspace:api"), "read": yes}),
			[]string{`did you mean "workspace_api_groups"?`}, "Unknown Xano scope"},
		{"duplicate", mtScopeSet(t, map[string]attr.Value{"name": name("workspace_files"), "read": yes},
			map[string]attr.Value{"name": name("workspace_files"), "create": yes}),
			[]string{`"workspace_files" appears in more than one scope block`}, "Duplicate scope"},
		{"grants nothing", mtScopeSet(t, map[string]attr.Value{"name": name("workspace_tasks"), "read": no}),
			[]string{`"workspace_tasks" sets none of create, read, update, delete`}, "Scope grants nothing"},
		{"unknown permission may grant", mtScopeSet(t, map[string]attr.Value{"name": name("workspace_tasks"), "read": types.BoolUnknown()}), nil, ""},
		{"unknown name skipped", mtScopeSet(t, map[string]attr.Value{"name": types.StringUnknown(), "read": yes}), nil, ""},
		{"unknown set", types.SetUnknown(scopeObjectType), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &validator.SetResponse{}
			validScopes{}.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("scope"), ConfigValue: tt.set}, resp)
			errs := resp.Diagnostics.Errors()
			if len(tt.want) == 0 {
				if len(errs) != 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			e := errs[0]
			if e.Summary() != tt.summary {
				t.Errorf("summary = %q, want %q", e.Summary(), tt.summary)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Detail(), w) {
					t.Errorf("detail %q lacks %q", e.Detail(), w)
				}
			}
			if _, ok := e.(diag.DiagnosticWithPath); !ok {
				t.Error("the error has no attribute path")
			}
		})
	}
}

func TestMetadataTokenScopeSetRoundTrip(t *testing.T) {
	t.Parallel()
	in := scopes.Grants{
		{Scope: "workspace_files", Create: true, Read: true, Update: true},
		{Scope: "workspace_database", Read: true},
	}
	set, diags := scopeSetFromGrants(in)
	if diags.HasError() {
		t.Fatal(diags)
	}
	out, known, diags := grantsFromScopeSet(context.Background(), set)
	if diags.HasError() || !known {
		t.Fatalf("known = %v, diags = %v", known, diags)
	}
	if got, want := out.String(), in.String(); got != want {
		t.Errorf("round trip = %s, want %s", got, want)
	}
	if _, known, _ := grantsFromScopeSet(context.Background(), types.SetUnknown(scopeObjectType)); known {
		t.Error("an unknown set must not count as known")
	}
}

func TestMetadataTokenAPIErrorDiagnostics(t *testing.T) {
	t.Parallel()
	apiErr := func(status int, code, msg string) error {
		return &xano.APIError{StatusCode: status, Code: code, Message: msg, Method: http.MethodPost, Path: "/instance/main/token"}
	}
	tests := []struct {
		name        string
		err         error
		wantSummary string
		wantDetail  []string
		// without is advice the detail must not give.
		without []string
	}{
		{"limit", apiErr(400, xano.CodeInputError, xano.LimitMessage), "Xano token limit reached",
			[]string{"at most 10 active tokens", "terraform destroy -target", "xano_metadata_tokens"}, nil},
		{"unauthorized", apiErr(401, xano.CodeUnauthorized, "Invalid token."), "Xano rejected the access token",
			[]string{"XANO_ACCESS_TOKEN", "Invalid token"}, nil},
		{"forbidden", apiErr(403, xano.CodeAccessDenied, "Access denied."), "The access token lacks the rights for this",
			[]string{"403", "Access denied", "administers it"}, nil},
		{"rate limited", apiErr(429, xano.CodeTooManyRequests, "Slow down."), "Xano rate limit",
			[]string{"max_retries", "Slow down"}, nil},
		{"other input error", apiErr(400, xano.CodeInputError, "name is too long"), "Xano API error",
			[]string{"name is too long"}, nil},
		{"create that may have committed", &xano.APIError{StatusCode: 500, Code: xano.CodeFatal, Message: "boom", Uncertain: true},
			"Xano API error", []string{"boom", "may have carried out the request", "xano_metadata_tokens"}, nil},
		{"create that never left", &xano.TransportError{Method: http.MethodPost, Path: "/instance/main/token", Message: "could not reach the Xano API: connection refused", NothingSent: true},
			"Xano API error", []string{"connection refused", "No attempt reached the Xano API", "nothing was created", "Check base_url and the network"}, nil},
		{"server failure", &xano.APIError{StatusCode: 502, Method: http.MethodGet, Path: "/instance/main/token/7", Excerpt: "<html>upstream down</html>", Attempts: 5},
			"Xano API error", []string{"upstream down", "(after 5 attempts)", "try again later"}, nil},
		{"timed out", &xano.TransportError{Method: http.MethodPost, Path: "/instance/main/token", Message: "could not reach the Xano API: timeout", TimedOut: true, Uncertain: true},
			"Xano API error", []string{"raise request_timeout", "may have carried out the request"}, nil},
		{"cancelled", &xano.TransportError{Method: http.MethodGet, Path: "/instance/main/token/7", Message: "the request was cancelled before the API answered: context canceled", Cancelled: true},
			"Xano API error", []string{"cancelled"}, []string{"base_url", "request_timeout", "try again"}},
		{"malformed answer", &xano.DecodeError{Method: http.MethodGet, Path: "/instance/main/token/7", StatusCode: 200, What: "token", Reason: "it is empty or null"},
			"Xano API error", []string{"not a valid token", "Check that base_url points at the Xano Metadata API"}, nil},
		{"404 from a proxy", &xano.UnconfirmedGoneError{Instance: "main", ID: 7, Err: apiErr(404, "", ""), NotXano: true},
			"Xano API error", []string{"without Xano's ERROR_CODE_NOT_FOUND code", "Terraform keeps the token", "check that base_url"}, nil},
		{"404 for a listed token", &xano.UnconfirmedGoneError{Instance: "main", ID: 7, Err: apiErr(404, xano.CodeNotFound, "Not found."), StillListed: true},
			"Xano API error", []string{"still holds token 7", "Terraform keeps the token; try again"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.Diagnostics
			tokenAPIError(&diags, "create token", tt.err)
			if len(diags) != 1 || diags[0].Summary() != tt.wantSummary {
				t.Fatalf("diagnostics = %v, want one %q", diags, tt.wantSummary)
			}
			for _, w := range tt.wantDetail {
				// Each piece of advice is said once, not by the provider and
				// again by the error it quotes.
				if n := strings.Count(diags[0].Detail(), w); n != 1 {
					t.Errorf("detail %q holds %q %d times, want once", diags[0].Detail(), w, n)
				}
			}
			for _, w := range tt.without {
				if strings.Contains(diags[0].Detail(), w) {
					t.Errorf("detail %q gives advice about %q, which does not apply", diags[0].Detail(), w)
				}
			}
			if xano.NothingSent(tt.err) && strings.Contains(diags[0].Detail(), "may have carried out") {
				t.Errorf("detail %q says a request that never left may have been carried out", diags[0].Detail())
			}
		})
	}
}
