package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/policy"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/scopes"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// TestAuditCatalogOrder checks that the audit lists a token's scopes and the
// findings about them in the catalog's order, whatever order the API's map of
// scopes comes in: a reviewer compares tokens line by line.
func TestAuditCatalogOrder(t *testing.T) {
	t.Parallel()
	wire := map[string][]string{}
	for _, s := range scopes.All() {
		wire[s.WireKey] = []string{"delete", "read"}
	}
	tok := xano.Token{ID: 1, Name: "all", CreatedAt: "2026-01-01T00:00:00Z", Scopes: wire}
	// Go randomises map order, so several runs catch an order taken from it.
	for range 5 {
		got, err := auditToken("main", &tok, policy.Policy{WarnAt: scopes.SeverityLow}, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var gotScopes, gotFindings []string
		for _, s := range got.Scopes {
			gotScopes = append(gotScopes, s.Name)
		}
		for _, f := range got.Findings {
			if f.Scope != "" {
				gotFindings = append(gotFindings, f.Scope+"."+f.Permission)
			}
		}
		var wantFindings []string
		for _, k := range scopes.Keys() {
			wantFindings = append(wantFindings, k+".read", k+".delete")
		}
		if !slices.Equal(gotScopes, scopes.Keys()) {
			t.Fatalf("scopes = %v, want the catalog's order %v", gotScopes, scopes.Keys())
		}
		if !slices.Equal(gotFindings, wantFindings) {
			t.Fatalf("findings = %v, want the catalog's order, then create, read, update, delete: %v", gotFindings, wantFindings)
		}
	}
}
