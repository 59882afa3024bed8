package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

var twoInstances = []InstanceSpec{
	{Name: "x1a2-b3c4-d5e6", Display: "Production"},
	{Name: "x9f8-e7d6-c5b4"},
}

func TestDeclaredInstances(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{Instances: twoInstances})
	origin := strings.TrimSuffix(c.base, "/api:meta")
	host := strings.TrimPrefix(origin, "http://")

	var list []xano.Instance
	r := c.do(http.MethodGet, "/instance", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /instance: %d %s", r.status, r.body)
	}
	r.decode(t, &list)
	want := []xano.Instance{
		{
			Name: "x1a2-b3c4-d5e6", Display: "Production", XanoDomain: host,
			MetaAPI:     origin + "/_instance/x1a2-b3c4-d5e6/api:meta",
			MetaSwagger: origin + "/_instance/x1a2-b3c4-d5e6/apispec:meta?type=json",
		},
		{
			Name: "x9f8-e7d6-c5b4", Display: "x9f8-e7d6-c5b4", XanoDomain: host,
			MetaAPI:     origin + "/_instance/x9f8-e7d6-c5b4/api:meta",
			MetaSwagger: origin + "/_instance/x9f8-e7d6-c5b4/apispec:meta?type=json",
		},
	}
	if len(list) != len(want) {
		t.Fatalf("GET /instance = %+v, want %+v", list, want)
	}
	for i := range want {
		if list[i] != want[i] {
			t.Errorf("instance %d = %+v, want %+v", i, list[i], want[i])
		}
	}
	// Every documented field is in the body, custom_domain included.
	for _, key := range []string{`"name"`, `"display"`, `"xano_domain"`, `"custom_domain"`, `"meta_api"`, `"meta_swagger"`} {
		if !strings.Contains(string(r.body), key) {
			t.Errorf("GET /instance body lacks %s: %s", key, r.body)
		}
	}

	var one xano.Instance
	c.do(http.MethodGet, "/instance/x1a2-b3c4-d5e6", nil).decode(t, &one)
	if one != want[0] {
		t.Errorf("GET /instance/{name} = %+v, want %+v", one, want[0])
	}

	// Any other name is not found on every instance-scoped route.
	for _, rt := range []struct{ method, path string }{
		{http.MethodGet, "/instance/x1a2-b3c4-d5e7"},
		{http.MethodGet, "/instance/x1a2-b3c4-d5e7/token"},
		{http.MethodPost, "/instance/x1a2-b3c4-d5e7/token"},
		{http.MethodGet, "/instance/x1a2-b3c4-d5e7/token/1"},
		{http.MethodPost, "/instance/x1a2-b3c4-d5e7/token/1"},
		{http.MethodDelete, "/instance/x1a2-b3c4-d5e7/token/1"},
		{http.MethodGet, "/instance/Production"},
	} {
		var body any
		if rt.method == http.MethodPost {
			body = createBody("t", 3600, readAPI)
		}
		expectError(t, c.do(rt.method, rt.path, body), http.StatusNotFound, xano.CodeNotFound, "not found")
	}
	for _, p := range []string{"/_instance/nope/api:meta/workspace", "/_instance/nope/apispec:meta"} {
		expectError(t, c.root().do(http.MethodGet, p, nil), http.StatusNotFound, xano.CodeNotFound, `"nope"`)
	}
	// Nothing was created by naming an unknown instance.
	c.do(http.MethodGet, "/instance", nil).decode(t, &list)
	if len(list) != 2 {
		t.Errorf("GET /instance lists %d instances after requests on unknown ones, want 2", len(list))
	}
}

func TestInstancesCreatedOnFirstUse(t *testing.T) {
	t.Parallel()
	e, c, _ := newTestEmulator(t, Options{})
	var list []xano.Instance
	c.do(http.MethodGet, "/instance", nil).decode(t, &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("GET /instance = %+v before any use, want []", list)
	}
	// A request that fails authentication creates nothing.
	c.as("wrong").do(http.MethodGet, "/instance/ghost/token", nil)
	c.do(http.MethodGet, "/instance/first/token", nil)
	c.mustCreate("second", createBody("t", 3600, readAPI))
	var got xano.Instance
	c.do(http.MethodGet, "/instance/third", nil).decode(t, &got)
	if got.Name != "third" || got.Display != "third" || !strings.HasSuffix(got.MetaAPI, "/_instance/third/api:meta") {
		t.Errorf("GET /instance/third = %+v", got)
	}
	c.do(http.MethodGet, "/instance", nil).decode(t, &list)
	if names := xano.InstanceNames(list); strings.Join(names, ",") != "first,second,third" {
		t.Errorf("GET /instance lists %v, want first, second, third", names)
	}
	if names := e.InstanceNames(); strings.Join(names, ",") != "first,second,third" {
		t.Errorf("InstanceNames() = %v, want them in order of first use", names)
	}
}

// TestInstanceMetaAPI uses a minted token at its instance's meta_api, where
// the scope-guarded read endpoints check it, and at another instance's,
// which does not know it.
func TestInstanceMetaAPI(t *testing.T) {
	t.Parallel()
	_, c, _ := newTestEmulator(t, Options{Instances: twoInstances})
	var prod, other xano.Instance
	c.do(http.MethodGet, "/instance/x1a2-b3c4-d5e6", nil).decode(t, &prod)
	c.do(http.MethodGet, "/instance/x9f8-e7d6-c5b4", nil).decode(t, &other)
	minted := c.mustCreate(prod.Name, createBody("monitoring", 3600, map[string][]string{
		"workspace:requesthistory": {"read"}, "workspace:api": {"read"}, "instance:workspace": {"read"},
	}))
	at := func(base, token string) *client {
		cp := c.as(token)
		cp.base = base
		return cp
	}
	tests := []struct {
		name, base, token, path string
		status                  int
	}{
		{"granted read", prod.MetaAPI, minted.Secret, "/workspace/1/request_history", http.StatusOK},
		{"workspaces", prod.MetaAPI, minted.Secret, "/workspace", http.StatusOK},
		{"scope not granted", prod.MetaAPI, minted.Secret, "/workspace/1/table", http.StatusForbidden},
		{"another instance's Metadata API", other.MetaAPI, minted.Secret, "/workspace/1/request_history", http.StatusUnauthorized},
		{"admin token", other.MetaAPI, DefaultAdminToken, "/workspace/1/table", http.StatusOK},
		{"no token", prod.MetaAPI, "", "/workspace", http.StatusUnauthorized},
		{"token routes are not served there", prod.MetaAPI, DefaultAdminToken, "/instance/x1a2-b3c4-d5e6/token", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := at(tt.base, tt.token).do(http.MethodGet, tt.path, nil)
			if r.status != tt.status {
				t.Fatalf("GET %s%s: status %d, want %d: %s", tt.base, tt.path, r.status, tt.status, r.body)
			}
			if tt.status != http.StatusOK {
				expectError(t, r, tt.status, codeFor(tt.status))
			}
		})
	}
	// A minted token cannot browse the account's instances.
	expectError(t, c.as(minted.Secret).do(http.MethodGet, "/instance", nil), http.StatusUnauthorized, xano.CodeUnauthorized)

	// meta_swagger answers with an OpenAPI document naming meta_api.
	swagger := at(strings.TrimSuffix(prod.MetaSwagger, "?type=json"), "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Servers []struct{ URL string }    `json:"servers"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r := swagger.do(http.MethodGet, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET meta_swagger: %d %s", r.status, r.body)
	}
	r.decode(t, &doc)
	if doc.OpenAPI != "3.0.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != prod.MetaAPI || doc.Paths[PathRequestHistory] == nil {
		t.Errorf("meta_swagger document: %s", r.body)
	}
}

// root returns a client for the emulator's origin, above /api:meta.
func (c *client) root() *client {
	cp := *c
	cp.base = strings.TrimSuffix(c.base, "/api:meta")
	return &cp
}

func TestParseInstanceSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    InstanceSpec
		wantErr string
	}{
		{"x1a2-b3c4-d5e6", InstanceSpec{Name: "x1a2-b3c4-d5e6"}, ""},
		{"x1a2-b3c4-d5e6=My Instance", InstanceSpec{Name: "x1a2-b3c4-d5e6", Display: "My Instance"}, ""},
		{" main = Main = primary ", InstanceSpec{Name: "main", Display: "Main = primary"}, ""},
		{"=Display", InstanceSpec{}, "has no name"},
		{"", InstanceSpec{}, "has no name"},
		{"a/b", InstanceSpec{}, "slash"},
	}
	for _, tt := range tests {
		got, err := ParseInstanceSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseInstanceSpec(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInstanceSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}
