package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	const ok = `"name":"n","description":"d","expires_in":3600,"scopes":{"workspace:api":["read"]}`
	tests := []struct {
		name    string
		body    string
		wantOK  bool
		mention string // a word the 400 message must contain
	}{
		{"valid", `{` + ok + `}`, true, ""},
		{"name of 100 characters", fmt.Sprintf(`{"name":%q,"expires_in":0,"scopes":{"workspace:api":["read"]}}`, strings.Repeat("é", 100)), true, ""},
		{"never expires", `{"name":"n","expires_in":0,"scopes":{"workspace:api":["read"]}}`, true, ""},
		{"all permissions", `{"name":"n","expires_in":3600,"scopes":{"workspace:database":["delete","create","read","update"]}}`, true, ""},
		{"empty body", ``, false, "JSON object"},
		{"body over 1 MiB", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, false, "1 MiB"},
		{"not JSON", `{"name":`, false, "JSON object"},
		{"array body", `[]`, false, "JSON object"},
		{"null body", `null`, false, "JSON object"},
		{"unknown field", `{` + ok + `,"owner":"me"}`, false, `"owner"`},
		{"field name case matters", `{"Name":"n","expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, `"Name"`},
		{"name missing", `{"expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, "name"},
		{"name null", `{"name":null,"expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, "name"},
		{"name empty", `{"name":"","expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, "name"},
		{"name of 101 characters", fmt.Sprintf(`{"name":%q,"expires_in":3600,"scopes":{"workspace:api":["read"]}}`, strings.Repeat("a", 101)), false, "name"},
		{"name not a string", `{"name":5,"expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, "name"},
		{"description not a string", `{"name":"n","description":[],"expires_in":3600,"scopes":{"workspace:api":["read"]}}`, false, "description"},
		{"expires_in missing", `{"name":"n","scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in negative", `{"name":"n","expires_in":-1,"scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in one second", `{"name":"n","expires_in":1,"scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in just under an hour", `{"name":"n","expires_in":3599,"scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in fractional", `{"name":"n","expires_in":3600.5,"scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in a string", `{"name":"n","expires_in":"7d","scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"expires_in overflowing", `{"name":"n","expires_in":9223372036854775807,"scopes":{"workspace:api":["read"]}}`, false, "expires_in"},
		{"scopes missing", `{"name":"n","expires_in":3600}`, false, "scopes"},
		{"scopes empty", `{"name":"n","expires_in":3600,"scopes":{}}`, false, "scopes"},
		{"scopes a list", `{"name":"n","expires_in":3600,"scopes":["workspace:api"]}`, false, "scopes"},
		{"unknown scope", `{"name":"n","expires_in":3600,"scopes":{"workspace:nope":["read"]}}`, false, `"workspace:nope"`},
		{"HCL key instead of wire key", `{"name":"n","expires_in":3600,"scopes":{"workspace_api_groups":["read"]}}`, false, `"workspace:api"`},
		{"scope with no permission", `{"name":"n","expires_in":3600,"scopes":{"workspace:api":[]}}`, false, `scopes["workspace:api"]`},
		{"scope with null permissions", `{"name":"n","expires_in":3600,"scopes":{"workspace:api":null}}`, false, `scopes["workspace:api"]`},
		{"unknown permission", `{"name":"n","expires_in":3600,"scopes":{"workspace:api":["write"]}}`, false, `"write"`},
		{"upper-case permission", `{"name":"n","expires_in":3600,"scopes":{"workspace:api":["READ"]}}`, false, `"READ"`},
		{"permission twice", `{"name":"n","expires_in":3600,"scopes":{"workspace:api":["read","read"]}}`, false, "twice"},
		{"name with an escaped surrogate pair", `{"name":"smile \ud83d\ude00","expires_in":0,"scopes":{"workspace:api":["read"]}}`, true, ""},
		{"name with a replacement character sent as such", `{"name":"\ufffd and �","expires_in":0,"scopes":{"workspace:api":["read"]}}`, true, ""},
		{"name with an escaped backslash before u", `{"name":"a\\ud800","expires_in":0,"scopes":{"workspace:api":["read"]}}`, true, ""},
		{"name with invalid UTF-8", "{\"name\":\"a\xffb\",\"expires_in\":0,\"scopes\":{\"workspace:api\":[\"read\"]}}", false, "name must be valid UTF-8"},
		{"name with a truncated UTF-8 sequence", "{\"name\":\"caf\xc3\",\"expires_in\":0,\"scopes\":{\"workspace:api\":[\"read\"]}}", false, "name must be valid UTF-8"},
		{"description with invalid UTF-8", "{\"name\":\"n\",\"description\":\"\xc0\xaf\",\"expires_in\":0,\"scopes\":{\"workspace:api\":[\"read\"]}}", false, "description must be valid UTF-8"},
		{"name with a lone high surrogate", `{"name":"a\ud800b","expires_in":0,"scopes":{"workspace:api":["read"]}}`, false, "name must be valid UTF-8"},
		{"name ending in a high surrogate", `{"name":"a\ud800","expires_in":0,"scopes":{"workspace:api":["read"]}}`, false, "name must be valid UTF-8"},
		{"name with a lone low surrogate", `{"name":"\udc00","expires_in":0,"scopes":{"workspace:api":["read"]}}`, false, "name must be valid UTF-8"},
		{"name with two high surrogates", `{"name":"\ud83d\ud83d","expires_in":0,"scopes":{"workspace:api":["read"]}}`, false, "name must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, "/instance/v/token", tt.body)
			if tt.wantOK {
				if r.status != http.StatusOK {
					t.Fatalf("status %d, body %s", r.status, r.body)
				}
				// Keep the instance under the active-token limit.
				var tok xano.Token
				r.decode(t, &tok)
				if strings.ContainsRune(tok.Name, utf8.RuneError) != strings.Contains(tt.name, "replacement") {
					t.Errorf("name echoed as %q", tok.Name)
				}
				c.do(http.MethodDelete, fmt.Sprintf("/instance/v/token/%d", tok.ID), nil)
				return
			}
			expectError(t, r, http.StatusBadRequest, xano.CodeInputError, tt.mention)
		})
	}
}

func TestCreateAnswer(t *testing.T) {
	t.Parallel()
	_, c, clock := newTestEmulator(t, Options{})
	clock.Advance(500 * time.Millisecond) // sub-second parts are dropped on the wire
	tok := c.mustCreate("prod", map[string]any{
		"name": "weweb", "description": "WeWeb plugin", "expires_in": 30 * 86400,
		"scopes": map[string][]string{"workspace:api": {"read"}, "workspace:database": {"delete", "read"}},
	})
	if !regexp.MustCompile(`^xano_mt_[0-9a-f]{40}$`).MatchString(tok.Secret) {
		t.Errorf("secret does not look like xano_mt_ + 40 hex characters")
	}
	if tok.CreatedAt != "2026-11-22 11:31:20+0000" {
		t.Errorf("created_at %q", tok.CreatedAt)
	}
	if tok.ExpiresAt == nil || *tok.ExpiresAt != "2026-12-22 11:31:20+0000" {
		t.Errorf("expires_at %v", tok.ExpiresAt)
	}
	if tok.LastUsedAt != nil || tok.Name != "weweb" || tok.Description != "WeWeb plugin" {
		t.Errorf("token %+v", tok)
	}
	// Permissions come back in CRUD order whatever order they were sent in.
	if got := tok.Scopes["workspace:database"]; !slices.Equal(got, []string{"read", "delete"}) {
		t.Errorf("scopes %v", tok.Scopes)
	}
	second := c.mustCreate("prod", createBody("b", 0, readAPI))
	if second.ID <= tok.ID || second.Secret == tok.Secret || second.ExpiresAt != nil {
		t.Errorf("second token %d (expires %v) after %d: ids must increase, secrets differ, expires_at null", second.ID, second.ExpiresAt, tok.ID)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	tok := c.mustCreate("i", createBody("before", 3600, readAPI))
	path := fmt.Sprintf("/instance/i/token/%d", tok.ID)
	tests := []struct {
		name    string
		body    string
		mention string
	}{
		{"scopes", `{"scopes":{"workspace:api":["read","update"]}}`, "scopes"},
		{"expires_in", `{"expires_in":7200}`, "expires_in"},
		{"name with expires_in", `{"name":"x","expires_in":0}`, "expires_in"},
		{"unknown field", `{"token":"x"}`, `"token"`},
		{"empty name", `{"name":""}`, "name"},
		{"long name", fmt.Sprintf(`{"name":%q}`, strings.Repeat("n", 101)), "name"},
		{"name not a string", `{"name":true}`, "name"},
		{"not an object", `"rename"`, "JSON object"},
		{"name with invalid UTF-8", "{\"name\":\"\xfe\"}", "name must be valid UTF-8"},
		{"description with a lone surrogate", `{"description":"\udfff"}`, "description must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, c.do(http.MethodPost, path, tt.body), http.StatusBadRequest, xano.CodeInputError, tt.mention)
		})
	}
	r := c.do(http.MethodPost, path, `{"name":"after","description":"now described"}`)
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	var got xano.Token
	r.decode(t, &got)
	if got.Name != "after" || got.Description != "now described" || got.Secret != "" {
		t.Errorf("update answered %+v", got)
	}
	// A field left out keeps its value.
	c.do(http.MethodPost, path, `{"description":"again"}`).decode(t, &got)
	if got.Name != "after" || got.Description != "again" || got.CreatedAt != tok.CreatedAt || *got.ExpiresAt != *tok.ExpiresAt {
		t.Errorf("partial update answered %+v", got)
	}
	expectError(t, c.do(http.MethodPost, "/instance/i/token/999", `{"name":"x"}`), http.StatusNotFound, xano.CodeNotFound)
}

func TestGetAndDelete(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	tok := c.mustCreate("a", createBody("t", 3600, readAPI))
	path := fmt.Sprintf("/instance/a/token/%d", tok.ID)

	r := c.do(http.MethodGet, path, nil)
	if r.status != http.StatusOK || strings.Contains(string(r.body), `"token"`) || strings.Contains(string(r.body), tok.Secret) {
		t.Fatalf("get: %d %s (must not carry the secret)", r.status, r.body)
	}
	r = c.do(http.MethodGet, "/instance/a/token", nil)
	if strings.Contains(string(r.body), `"token"`) || strings.Contains(string(r.body), tok.Secret) {
		t.Fatalf("list carries the secret: %s", r.body)
	}
	// Only the canonical decimal id names the token: a sign, leading zeros
	// or an escaped digit would give one token several paths.
	for _, p := range []string{"/instance/a/token/999", fmt.Sprintf("/instance/b/token/%d", tok.ID), "/instance/a/token/abc",
		fmt.Sprintf("/instance/a/token/+%d", tok.ID), fmt.Sprintf("/instance/a/token/%%2B%d", tok.ID),
		fmt.Sprintf("/instance/a/token/0%d", tok.ID), fmt.Sprintf("/instance/a/token/00%d", tok.ID), fmt.Sprintf("/instance/a/token/%d%%20", tok.ID)} {
		for _, m := range []string{http.MethodGet, http.MethodDelete, http.MethodPost} {
			var body any
			if m == http.MethodPost {
				body = map[string]any{"name": "renamed"}
			}
			expectError(t, c.do(m, p, body), http.StatusNotFound, xano.CodeNotFound)
		}
	}
	r = c.do(http.MethodDelete, path, nil)
	if r.status != http.StatusOK || string(r.body) != "{}" {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		expectError(t, c.do(m, path, nil), http.StatusNotFound, xano.CodeNotFound)
	}
	if toks := c.do(http.MethodGet, "/instance/a/token", nil); strings.Contains(string(toks.body), fmt.Sprintf(`"id":%d`, tok.ID)) {
		t.Errorf("deleted token still listed: %s", toks.body)
	}
}

func TestActiveTokenLimit(t *testing.T) {
	t.Parallel()
	e, c, clock := newTestEmulator(t, Options{})
	c.mustCreate("lim", createBody("short", 3600, readAPI))
	for i := range xano.MaxActiveTokens - 1 {
		c.mustCreate("lim", createBody(fmt.Sprintf("t%d", i), 0, readAPI))
	}
	expectError(t, c.do(http.MethodPost, "/instance/lim/token", createBody("eleventh", 0, readAPI)), http.StatusBadRequest, xano.CodeInputError, xano.LimitMessage)
	// The limit is per instance.
	c.mustCreate("other", createBody("elsewhere", 0, readAPI))

	// Once the short-lived token expires it no longer counts, but it is
	// still listed.
	clock.Advance(time.Hour)
	c.mustCreate("lim", createBody("eleventh", 0, readAPI))
	expectError(t, c.do(http.MethodPost, "/instance/lim/token", createBody("twelfth", 0, readAPI)), http.StatusBadRequest, xano.CodeInputError, xano.LimitMessage)
	if n := len(e.Tokens("lim")); n != xano.MaxActiveTokens+1 {
		t.Errorf("%d tokens listed, want %d (expired ones included)", n, xano.MaxActiveTokens+1)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	e, c, clock := newTestEmulator(t, Options{})
	tok := c.mustCreate("x", createBody("hour", 3600, readAPI))
	guarded := c.as(tok.Secret)

	clock.Advance(time.Hour - time.Second)
	if r := guarded.do(http.MethodGet, "/workspace/1/apigroup", nil); r.status != http.StatusOK {
		t.Fatalf("a second before expiry: %d %s", r.status, r.body)
	}
	clock.Advance(time.Second)
	expectError(t, guarded.do(http.MethodGet, "/workspace/1/apigroup", nil), http.StatusUnauthorized, xano.CodeUnauthorized, "2026-11-22 12:31:20+0000")

	// Expired tokens stay visible with their expiry until deleted.
	toks := e.Tokens("x")
	if len(toks) != 1 || toks[0].ExpiresAt == nil || *toks[0].ExpiresAt != "2026-11-22 12:31:20+0000" || toks[0].Secret != "" {
		t.Fatalf("Tokens: %+v", toks)
	}
	if toks[0].LastUsedAt == nil || *toks[0].LastUsedAt != "2026-11-22 12:31:19+0000" {
		t.Errorf("last_used_at %v, want the time of the last successful read", toks[0].LastUsedAt)
	}
	var page xano.TokenPage
	c.do(http.MethodGet, "/instance/x/token", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != tok.ID {
		t.Errorf("list: %+v", page)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	var ids []int64
	for i := range 7 {
		ids = append(ids, c.mustCreate("p", createBody(fmt.Sprintf("t%d", i), 0, readAPI)).ID)
	}
	ptr := func(n int) *int { return &n }
	tests := []struct {
		query      string
		cur        int
		next, prev *int
		ids        []int64
	}{
		{"?per_page=3", 1, ptr(2), nil, ids[0:3]},
		{"?page=2&per_page=3", 2, ptr(3), ptr(1), ids[3:6]},
		{"?page=3&per_page=3", 3, nil, ptr(2), ids[6:7]},
		{"?page=4&per_page=3", 4, nil, ptr(3), nil},
		{"", 1, nil, nil, ids},
		{"?per_page=7", 1, nil, nil, ids},
		{"?per_page=100", 1, nil, nil, ids},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var page xano.TokenPage
			r := c.do(http.MethodGet, "/instance/p/token"+tt.query, nil)
			r.decode(t, &page)
			var got []int64
			for _, it := range page.Items {
				got = append(got, it.ID)
			}
			if page.CurPage != tt.cur || !eqPtr(page.NextPage, tt.next) || !eqPtr(page.PrevPage, tt.prev) || !slices.Equal(got, tt.ids) {
				t.Errorf("got %s", r.body)
			}
			if page.Items == nil {
				t.Errorf("items must be a list, even empty: %s", r.body)
			}
		})
	}
	for _, q := range []string{"?page=0", "?page=-1", "?page=x", "?per_page=0", "?per_page=101", "?per_page=1.5"} {
		field := strings.Split(strings.TrimPrefix(q, "?"), "=")[0]
		expectError(t, c.do(http.MethodGet, "/instance/p/token"+q, nil), http.StatusBadRequest, xano.CodeInputError, field)
	}
}

func eqPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{AdminTokens: []string{DefaultAdminToken, "second-admin"}})
	body := createBody("once", 3600, readAPI)
	first := c.do(http.MethodPost, "/instance/i/token", body, xano.HeaderIdempotency, "k1")
	// The same JSON value with other spacing and key order is the same request.
	again := c.do(http.MethodPost, "/instance/i/token", ` {"scopes":{"workspace:api":["read"]}, "expires_in":3600,"description":"","name":"once"}`, xano.HeaderIdempotency, "k1")
	if first.status != http.StatusOK || again.status != first.status || string(again.body) != string(first.body) {
		t.Fatalf("replay answered %d %s, first %d %s", again.status, again.body, first.status, first.body)
	}
	if again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay not marked")
	}
	if n := len(e.Tokens("i")); n != 1 {
		t.Fatalf("%d tokens after a replay, want 1", n)
	}

	expectError(t, c.do(http.MethodPost, "/instance/i/token", createBody("other", 3600, readAPI), xano.HeaderIdempotency, "k1"),
		http.StatusBadRequest, xano.CodeInputError, xano.HeaderIdempotency)

	// Keys are scoped per instance and per admin token.
	c.mustCreate("j", body, xano.HeaderIdempotency, "k1")
	c.as("second-admin").mustCreate("i", body, xano.HeaderIdempotency, "k1")
	// A failed create does not consume its key.
	expectError(t, c.do(http.MethodPost, "/instance/i/token", createBody("", 3600, readAPI), xano.HeaderIdempotency, "k2"), http.StatusBadRequest, xano.CodeInputError, "name")
	c.mustCreate("i", createBody("fixed", 3600, readAPI), xano.HeaderIdempotency, "k2")
	if n := len(e.Tokens("i")); n != 3 {
		t.Errorf("%d tokens on i, want 3", n)
	}
	expectError(t, c.do(http.MethodPost, "/instance/i/token", body, xano.HeaderIdempotency, strings.Repeat("k", 256)), http.StatusBadRequest, xano.CodeInputError, xano.HeaderIdempotency)
}

// TestContentType checks that a POST must say its body is JSON: a form or a
// text body is refused with 415 and the error body of the API contract page
// (docs/guides/api-contract.md), before the body is read as JSON, while JSON
// with parameters or a +json type is fine.
func TestContentType(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	tok := c.mustCreate("ct", createBody("t", 3600, readAPI))
	body := `{"name":"n","description":"","expires_in":3600,"scopes":{"workspace:api":["read"]}}`
	update := fmt.Sprintf("/instance/ct/token/%d", tok.ID)
	tests := []struct {
		path, contentType string
		ok                bool
	}{
		{"/instance/ct/token", "application/json", true},
		{"/instance/ct/token", "application/json; charset=utf-8", true},
		{"/instance/ct/token", "Application/JSON", true},
		{"/instance/ct/token", "application/vnd.xano+json", true},
		{"/instance/ct/token", "text/plain", false},
		{"/instance/ct/token", "application/x-www-form-urlencoded", false},
		{"/instance/ct/token", "application/jsonx", false},
		{"/instance/ct/token", "json", false},
		{"/instance/ct/token", "", false},
		{update, "text/plain; charset=utf-8", false},
		{update, "multipart/form-data; boundary=x", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.contentType, func(t *testing.T) {
			r := c.do(http.MethodPost, tt.path, body, "Content-Type", tt.contentType)
			if tt.ok {
				if r.status != http.StatusOK {
					t.Fatalf("status %d, body %s", r.status, r.body)
				}
				var got xano.Token
				r.decode(t, &got)
				if got.ID != tok.ID {
					c.do(http.MethodDelete, fmt.Sprintf("/instance/ct/token/%d", got.ID), nil)
				}
				return
			}
			expectError(t, r, http.StatusUnsupportedMediaType, xano.CodeInputError, "not JSON", "application/json")
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("the 415 is sent as %q, want application/json", ct)
			}
		})
	}
}

// TestLastUsed covers last_used_at: null until Xano accepts the token, then
// the time of the last request it was allowed to make, at the account's
// Metadata API or its instance's; a request refused for a missing scope is
// no use of the token.
func TestLastUsed(t *testing.T) {
	t.Parallel()
	e, c, clock := newTestEmulator(t, Options{})
	tok := c.mustCreate("x", createBody("ci", 3600, readAPI))
	used := c.as(tok.Secret)
	lastUsed := func() string {
		t.Helper()
		toks := e.Tokens("x")
		if len(toks) != 1 {
			t.Fatalf("Tokens: %+v", toks)
		}
		if toks[0].LastUsedAt == nil {
			return "null"
		}
		return *toks[0].LastUsedAt
	}
	if got := lastUsed(); got != "null" {
		t.Fatalf("a new token has last_used_at %s, want null", got)
	}
	clock.Advance(time.Minute)
	expectError(t, used.do(http.MethodGet, "/workspace/1/table", nil), http.StatusForbidden, xano.CodeAccessDenied, "workspace:database")
	if got := lastUsed(); got != "null" {
		t.Errorf("a request refused for its scope set last_used_at to %s", got)
	}
	if r := used.do(http.MethodGet, "/workspace/1/apigroup", nil); r.status != http.StatusOK {
		t.Fatalf("GET apigroup: %d %s", r.status, r.body)
	}
	if got, want := lastUsed(), "2026-11-22 11:32:20+0000"; got != want {
		t.Errorf("last_used_at = %s, want %s", got, want)
	}
	clock.Advance(time.Minute)
	instanceAPI := &client{t: t, base: strings.TrimSuffix(c.base, "/api:meta") + "/_instance/x/api:meta", token: tok.Secret, hc: c.hc}
	if r := instanceAPI.do(http.MethodGet, "/workspace/1/apigroup", nil); r.status != http.StatusOK {
		t.Fatalf("GET apigroup at the instance's Metadata API: %d %s", r.status, r.body)
	}
	if got, want := lastUsed(), "2026-11-22 11:33:20+0000"; got != want {
		t.Errorf("last_used_at = %s after a use at the instance's Metadata API, want %s", got, want)
	}
}
