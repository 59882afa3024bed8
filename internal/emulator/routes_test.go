package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

func TestAuthAndRouting(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	minted := c.mustCreate("i", createBody("reader", 0, map[string][]string{"instance:workspace": {"create", "read", "update", "delete"}}))
	tests := []struct {
		name   string
		token  string
		method string
		path   string
		status int
	}{
		{"me", DefaultAdminToken, http.MethodGet, "/auth/me", http.StatusOK},
		{"no token", "", http.MethodGet, "/auth/me", http.StatusUnauthorized},
		{"wrong token", "nope", http.MethodGet, "/instance/i/token", http.StatusUnauthorized},
		{"minted token on me", minted.Secret, http.MethodGet, "/auth/me", http.StatusUnauthorized},
		{"minted token lists tokens", minted.Secret, http.MethodGet, "/instance/i/token", http.StatusUnauthorized},
		{"minted token creates", minted.Secret, http.MethodPost, "/instance/i/token", http.StatusUnauthorized},
		{"minted token deletes", minted.Secret, http.MethodDelete, fmt.Sprintf("/instance/i/token/%d", minted.ID), http.StatusUnauthorized},
		{"unknown route", DefaultAdminToken, http.MethodGet, "/nothing", http.StatusNotFound},
		{"trailing slash", DefaultAdminToken, http.MethodGet, "/instance/i/token/", http.StatusNotFound},
		{"empty instance", DefaultAdminToken, http.MethodGet, "/instance//token", http.StatusNotFound},
		{"wrong method on me", DefaultAdminToken, http.MethodPost, "/auth/me", http.StatusMethodNotAllowed},
		{"PUT on a token", DefaultAdminToken, http.MethodPut, "/instance/i/token/1", http.StatusMethodNotAllowed},
		{"DELETE on the list", DefaultAdminToken, http.MethodDelete, "/instance/i/token", http.StatusMethodNotAllowed},
		{"POST on a read endpoint", DefaultAdminToken, http.MethodPost, "/workspace", http.StatusMethodNotAllowed},
		{"escaped instance name", DefaultAdminToken, http.MethodGet, "/instance/my%20instance/token", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.as(tt.token).do(tt.method, tt.path, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusOK {
				expectError(t, r, tt.status, codeFor(tt.status))
			}
			if tt.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
				t.Errorf("405 without Allow header")
			}
		})
	}
	var me xano.Me
	c.do(http.MethodGet, "/auth/me", nil).decode(t, &me)
	if me.ID != 1 || me.Name == "" || me.Email == "" {
		t.Errorf("me: %+v", me)
	}
	// The prefix /api:meta is required.
	bare := *c
	bare.base = strings.TrimSuffix(c.base, "/api:meta")
	expectError(t, bare.do(http.MethodGet, "/auth/me", nil), http.StatusNotFound, xano.CodeNotFound)
}

func TestScopeGuardedReads(t *testing.T) {
	t.Parallel()
	_, c, clock := newTestEmulator(t, Options{})
	weweb := c.mustCreate("i", createBody("weweb", 0, map[string][]string{"workspace:api": {"read"}, "instance:workspace": {"read"}}))
	writer := c.mustCreate("i", createBody("writer", 0, map[string][]string{"workspace:database": {"create", "update", "delete"}}))
	monitor := c.mustCreate("i", createBody("monitor", 3600, map[string][]string{"workspace:requesthistory": {"read"}, "workspace:database": {"read"}}))
	gone := c.mustCreate("i", createBody("gone", 0, readAPI))
	c.do(http.MethodDelete, fmt.Sprintf("/instance/i/token/%d", gone.ID), nil)

	type want map[string]int
	paths := []string{"/workspace", "/workspace/1/table", "/workspace/1/apigroup", "/workspace/1/request_history", "/workspace/9/table", "/workspace/x/apigroup"}
	tests := []struct {
		name  string
		token string
		want  want
	}{
		{"admin reads everything", DefaultAdminToken, want{"/workspace": 200, "/workspace/1/table": 200, "/workspace/1/apigroup": 200, "/workspace/1/request_history": 200, "/workspace/9/table": 404, "/workspace/x/apigroup": 404}},
		{"weweb preset", weweb.Secret, want{"/workspace": 200, "/workspace/1/table": 403, "/workspace/1/apigroup": 200, "/workspace/1/request_history": 403, "/workspace/9/table": 403, "/workspace/x/apigroup": 404}},
		{"writes without read", writer.Secret, want{"/workspace": 403, "/workspace/1/table": 403, "/workspace/1/apigroup": 403, "/workspace/1/request_history": 403, "/workspace/9/table": 403, "/workspace/x/apigroup": 403}},
		{"monitoring", monitor.Secret, want{"/workspace": 403, "/workspace/1/table": 200, "/workspace/1/apigroup": 403, "/workspace/1/request_history": 200, "/workspace/9/table": 404, "/workspace/x/apigroup": 403}},
		{"deleted token", gone.Secret, want{"/workspace": 401, "/workspace/1/table": 401, "/workspace/1/apigroup": 401, "/workspace/1/request_history": 401, "/workspace/9/table": 401, "/workspace/x/apigroup": 401}},
		{"no token", "", want{"/workspace": 401, "/workspace/1/table": 401, "/workspace/1/apigroup": 401, "/workspace/1/request_history": 401, "/workspace/9/table": 401, "/workspace/x/apigroup": 401}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range paths {
				r := c.as(tt.token).do(http.MethodGet, p, nil)
				if r.status != tt.want[p] {
					t.Errorf("GET %s: %d, want %d: %s", p, r.status, tt.want[p], r.body)
					continue
				}
				if r.status != http.StatusOK {
					expectError(t, r, r.status, codeFor(r.status))
				}
			}
		})
	}

	var tables Page[Table]
	c.as(monitor.Secret).do(http.MethodGet, "/workspace/1/table", nil).decode(t, &tables)
	if len(tables.Items) != 2 || tables.Items[0].Name != "users" || tables.Items[1].Name != "orders" {
		t.Errorf("tables: %+v", tables)
	}
	var workspaces []Workspace
	c.as(weweb.Secret).do(http.MethodGet, "/workspace", nil).decode(t, &workspaces)
	if len(workspaces) != 1 || workspaces[0].ID != 1 || workspaces[0].Name != "main" {
		t.Errorf("workspaces: %+v", workspaces)
	}
	expectError(t, c.as(weweb.Secret).do(http.MethodGet, "/workspace/1/table", nil), http.StatusForbidden, xano.CodeAccessDenied, "workspace:database")

	clock.Advance(time.Hour)
	expectError(t, c.as(monitor.Secret).do(http.MethodGet, "/workspace/1/table", nil), http.StatusUnauthorized, xano.CodeUnauthorized, "expired")
}

// TestMethodNotAllowed: a method a route does not serve is the client's
// error, with a client error code and the Allow header, never ERROR_FATAL.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	for _, tt := range []struct {
		method, path, allow string
	}{
		{http.MethodPost, "/auth/me", "GET"},
		{http.MethodPut, "/instance/i/token/1", "GET, POST, DELETE"},
		{http.MethodPatch, "/instance/i/token", "GET, POST"},
		{http.MethodDelete, "/workspace", "GET"},
		{http.MethodPost, PathStats, "GET"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := c.do(tt.method, tt.path, nil)
			expectError(t, r, http.StatusMethodNotAllowed, CodeBadRequest, tt.method, "not allowed")
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
}
