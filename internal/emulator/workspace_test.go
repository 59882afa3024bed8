package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// readPaths are one request per scope-guarded read endpoint, with the wire
// keys whose read permission each needs.
var readPaths = []struct {
	path  string
	needs []string
}{
	{"/workspace", []string{"instance:workspace"}},
	{"/workspace/1/table", []string{"workspace:database"}},
	{"/workspace/1/apigroup", []string{"workspace:api"}},
	{"/workspace/1/function", []string{"workspace:function"}},
	{"/workspace/1/addon", []string{"workspace:addon"}},
	{"/workspace/1/task", []string{"workspace:task"}},
	{"/workspace/1/file", []string{"workspace:file"}},
	{"/workspace/1/request_history", []string{"workspace:requesthistory"}},
	{"/workspace/1/table/1/content", []string{"workspace:datasource:live", "instance:workspace"}},
}

// TestEveryScopeHasARead: each scope of the catalog guards at least one
// read endpoint, and the table above covers every such endpoint.
func TestEveryScopeHasARead(t *testing.T) {
	t.Parallel()
	guarded := map[string]bool{}
	n := 0
	for _, r := range routes {
		if r.scope != "" {
			guarded[r.scope] = true
			n++
		}
	}
	for _, wire := range scopes.WireKeys() {
		if !guarded[wire] {
			t.Errorf("no read endpoint is guarded by %s", wire)
		}
	}
	if n != len(readPaths) {
		t.Errorf("%d scope-guarded routes, but the test covers %d", n, len(readPaths))
	}
}

// TestReadsGuardedByEachScope mints, for each scope, a token with read on
// it alone, and one with every other permission on every scope: exactly the
// endpoints the scope guards answer the first, and none the second.
func TestReadsGuardedByEachScope(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	writes := map[string][]string{}
	for _, wire := range scopes.WireKeys() {
		writes[wire] = []string{"create", "update", "delete"}
	}
	writer := c.mustCreate("i", createBody("writer", 0, writes))
	for _, p := range readPaths {
		if r := c.as(writer.Secret).do(http.MethodGet, p.path, nil); r.status != http.StatusForbidden {
			t.Errorf("a token without read: GET %s = %d, want 403", p.path, r.status)
		}
	}
	for _, wire := range scopes.WireKeys() {
		reader := c.mustCreate("i", createBody("reads-"+wire, 0, map[string][]string{wire: {"read"}}))
		for _, p := range readPaths {
			want := http.StatusForbidden
			if len(p.needs) == 1 && p.needs[0] == wire {
				want = http.StatusOK
			}
			r := c.as(reader.Secret).do(http.MethodGet, p.path, nil)
			if r.status != want {
				t.Errorf("read on %s only: GET %s = %d, want %d (%s)", wire, p.path, r.status, want, r.body)
			}
			if r.status == http.StatusForbidden {
				expectError(t, r, http.StatusForbidden, xano.CodeAccessDenied, "needs read permission on scope")
			}
		}
		// Xano allows ten active tokens per instance.
		if r := c.do(http.MethodDelete, fmt.Sprintf("/instance/i/token/%d", reader.ID), nil); r.status != http.StatusOK {
			t.Fatalf("revoking %s: %d %s", reader.Name, r.status, r.body)
		}
	}
	// The live data source's records need content read as well.
	both := c.mustCreate("i", createBody("live", 0, map[string][]string{"workspace:datasource:live": {"read"}, "instance:workspace": {"read"}}))
	var records Page[Record]
	r := c.as(both.Secret).do(http.MethodGet, "/workspace/1/table/1/content", nil)
	r.decode(t, &records)
	if r.status != http.StatusOK || len(records.Items) != 2 {
		t.Errorf("live and content read: %d %s", r.status, r.body)
	}
	expectError(t, c.as(both.Secret).do(http.MethodGet, "/workspace/1/table/1/content", nil, "X-Data-Source", "test"),
		http.StatusNotFound, xano.CodeNotFound, `"test"`)
	expectError(t, c.as(both.Secret).do(http.MethodGet, "/workspace/1/table/9/content", nil), http.StatusNotFound, xano.CodeNotFound, `"9"`)
}

// TestReadPaging: the list endpoints honour page and per_page as Xano
// documents them, so a probe's smallest page carries one item.
func TestReadPaging(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{})
	type envelope struct {
		Items    []json.RawMessage `json:"items"`
		CurPage  int               `json:"curPage"`
		NextPage *int              `json:"nextPage"`
		PrevPage *int              `json:"prevPage"`
	}
	tests := []struct {
		query      string
		items, cur int
		next, prev bool
	}{
		{"", 2, 1, false, false},
		{"?page=1&per_page=1", 1, 1, true, false},
		{"?page=2&per_page=1", 1, 2, false, true},
		{"?page=5&per_page=1", 0, 5, false, true},
	}
	for _, path := range []string{"/workspace/1/table", "/workspace/1/function", "/workspace/1/task", "/workspace/1/file", "/workspace/1/request_history"} {
		for _, tt := range tests {
			var got envelope
			r := c.do(http.MethodGet, path+tt.query, nil)
			r.decode(t, &got)
			if r.status != http.StatusOK || len(got.Items) != tt.items || got.CurPage != tt.cur || (got.NextPage != nil) != tt.next || (got.PrevPage != nil) != tt.prev {
				t.Errorf("GET %s%s = %d %s", path, tt.query, r.status, r.body)
			}
		}
	}
	for _, q := range []string{"?per_page=0", "?per_page=10001", "?page=0", "?page=x"} {
		expectError(t, c.do(http.MethodGet, "/workspace/1/addon"+q, nil), http.StatusBadRequest, xano.CodeInputError, "whole number")
	}
}

// TestReadsUnderInstanceMetaAPI: the added reads are served, and guarded,
// under each instance's own Metadata API too, and its OpenAPI lists them.
func TestReadsUnderInstanceMetaAPI(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{Instances: []InstanceSpec{{Name: "prod"}}})
	tasks := c.mustCreate("prod", createBody("tasks", 0, map[string][]string{"workspace:task": {"read"}}))
	meta := *c
	meta.base = strings.TrimSuffix(c.base, "/api:meta") + "/_instance/prod/api:meta"
	if r := meta.as(tasks.Secret).do(http.MethodGet, "/workspace/1/task?page=1&per_page=1", nil); r.status != http.StatusOK {
		t.Errorf("GET task at meta_api: %d %s", r.status, r.body)
	}
	expectError(t, meta.as(tasks.Secret).do(http.MethodGet, "/workspace/1/file", nil), http.StatusForbidden, xano.CodeAccessDenied,
		"/_instance/{instance}/api:meta/workspace/{id}/file", "workspace:file")
	if r := meta.as(tasks.Secret).do(http.MethodPost, "/workspace/1/task", "{}"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST task at meta_api: %d, want 405: the emulator serves reads only", r.status)
	}

	var doc struct {
		Paths map[string]map[string]struct {
			Scope string `json:"x-xano-scope"`
		} `json:"paths"`
	}
	swagger := *c
	swagger.base = strings.TrimSuffix(c.base, "/api:meta") + "/_instance/prod"
	swagger.do(http.MethodGet, "/apispec:meta", nil).decode(t, &doc)
	var listed []string
	for p, ops := range doc.Paths {
		listed = append(listed, p+" "+ops["get"].Scope)
	}
	for _, want := range []string{PathFunctions + " workspace:function", PathAddons + " workspace:addon", PathTasks + " workspace:task",
		PathFiles + " workspace:file", PathTableContent + " workspace:datasource:live"} {
		if !slices.Contains(listed, want) {
			t.Errorf("meta_swagger does not list %s: %v", want, listed)
		}
	}
}
