package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// TestE2EImportReviewedAsCreate imports a token made in the dashboard with an
// import block: the plan that imports it shows the review a create of the
// same configuration shows, as a warning even under enforce, since an import
// mints nothing. Once imported, a steady plan is silent, as after a create.
func TestE2EImportReviewedAsCreate(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	token := acctest.Token("crm", `instance = "main"`, `name = "crm-sync"`, `description = "CRM sync"`, `expires_in = "30d"`,
		acctest.Scope("workspace_database", "read", "update"))

	// The create of the same configuration, for comparison, before the
	// dashboard's token of the same name exists.
	e.Write(acctest.E2EConfig(acctest.Provider{}, token))
	create := e.Run("plan")
	if create.Err != nil {
		t.Fatalf("plan of a create: %v\n%s", create.Err, create.Out)
	}
	want := []string{`warning: Token "crm-sync" on instance "main": critical risk`}
	if got := create.Summaries(); !slices.Equal(got, want) {
		t.Fatalf("the create's plan warns %q, want %q\n%s", got, want, create.Out)
	}
	tok := mint(t, mtClient(t, e.BaseURL), "crm-sync", "CRM sync", 30*24*time.Hour,
		map[string][]string{"workspace:database": {"read", "update"}})

	e.Write(acctest.E2EConfig(acctest.Provider{}, token, fmt.Sprintf(`
import {
  to = xano_metadata_token.crm
  id = "main/%d"
}
`, tok.ID)))
	plan := e.Run("plan")
	if plan.Err != nil || !strings.Contains(plan.Out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("import plan: %v\n%s", plan.Err, plan.Out)
	}
	if got := plan.Summaries(); !slices.Equal(got, want) {
		t.Fatalf("the import plan warns %q, want the create's %q\n%s", got, want, plan.Out)
	}
	if !strings.Contains(acctest.FlatText(plan.Diags()[0].Text()), "workspace_database") {
		t.Errorf("the import plan's warning lacks the review table:\n%s", plan.Out)
	}

	// Under enforce, the import plan warns and does not fail.
	e.Write(acctest.E2EConfig(acctest.Provider{Policy: []string{"enforce = true"}}, token, fmt.Sprintf(`
import {
  to = xano_metadata_token.crm
  id = "main/%d"
}
`, tok.ID)))
	enforced := e.Run("plan")
	if enforced.Err != nil {
		t.Fatalf("an enforcing import plan failed: %v\n%s", enforced.Err, enforced.Out)
	}
	if got, want := enforced.Summaries(), []string{`warning: Token "crm-sync" on instance "main": existing token above the enforced policy`}; !slices.Equal(got, want) {
		t.Fatalf("the enforcing import plan warns %q, want %q\n%s", got, want, enforced.Out)
	}

	e.Write(acctest.E2EConfig(acctest.Provider{}, token, fmt.Sprintf(`
import {
  to = xano_metadata_token.crm
  id = "main/%d"
}
`, tok.ID)))
	if apply := e.Run("apply", "-auto-approve"); apply.Err != nil {
		t.Fatalf("apply: %v\n%s", apply.Err, apply.Out)
	}
	steady := e.Run("plan")
	if steady.Err != nil || !strings.Contains(steady.Out, "No changes.") {
		t.Fatalf("after the import: %v\n%s", steady.Err, steady.Out)
	}
	if got := steady.Summaries(); len(got) != 0 {
		t.Errorf("a steady plan after the import warns %q, as no plan after a create does", got)
	}
}
