package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// lostCreateHCL is a token whose first create's answer was lost.
const lostCreateHCL = `
resource "xano_metadata_token" "ci" {
  name = "ci"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`

// scratchImportHCL adopts token id under another address, as the
// xano_metadata_token page's recovery says.
func scratchImportHCL(id int64) string {
	return fmt.Sprintf(`
import {
  to = xano_metadata_token.orphan
  id = "%s/%d"
}

resource "xano_metadata_token" "orphan" {
  name = "ci"
  scope {
    name = "workspace_api_groups"
    read = true
  }
}
`, e2eInstance, id)
}

// seedOrphan mints, behind Terraform's back, the token a killed apply left:
// the name and grants of lostCreateHCL, the default lifetime of 7 days.
func seedOrphan(t *testing.T, e *e2eEnv) xano.Token {
	t.Helper()
	tok, err := mtClientWith(t, e.BaseURL, e.Token).CreateToken(t.Context(), e2eInstance, xano.CreateTokenRequest{
		Name: "ci", ExpiresIn: 7 * 86400, Scopes: map[string][]string{"workspace:api": {"read"}}})
	if err != nil {
		t.Fatal(err)
	}
	return *tok
}

// TestE2ELostCreateWarnsAndRecovers plays the re-run after a killed apply:
// the instance holds the token the lost create minted, which no state
// records. The plan warns once, naming it, its creation time and the import
// block that adopts it. The re-run is applied anyway; then `terraform import`
// of the resource address fails with "Resource already managed", as the
// page says, and its documented recovery (an import block into a scratch
// resource, then removing the scratch resource) revokes the orphan and
// leaves only the managed token.
func TestE2ELostCreateWarnsAndRecovers(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	orphan := seedOrphan(t, e)
	e.Write(acctest.E2EConfig(acctest.Provider{}, lostCreateHCL))

	plan := e.Plan()
	if plan.Err != nil {
		t.Fatalf("plan failed: %v\n%s", plan.Err, acctest.DiagText(plan.Errors()))
	}
	var warned []acctest.Diag
	for _, d := range plan.Warnings() {
		if strings.Contains(d.Summary, "already holds token") {
			warned = append(warned, d)
		}
	}
	if len(warned) != 1 {
		t.Fatalf("want one warning about token %d, got:\n%s", orphan.ID, acctest.DiagText(plan.Warnings()))
	}
	created, err := xano.ParseTime(orphan.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("active token %d", orphan.ID), `named "ci"`, "created at " + created.UTC().Format(time.RFC3339),
		"import {", fmt.Sprintf("id = %q", fmt.Sprintf("%s/%d", e2eInstance, orphan.ID)), "Resource already managed",
		"scratch resource", "Xano dashboard",
	} {
		if !strings.Contains(warned[0].Detail, want) {
			t.Errorf("warning lacks %q:\n%s", want, warned[0].Detail)
		}
	}

	e.MustApply()
	managed := stateIDs(stateTokens(t, e))
	if len(managed) != 1 || managed[0] == orphan.ID {
		t.Fatalf("state holds %v after the re-run, want one new token beside orphan %d", managed, orphan.ID)
	}
	imp := e.Run("import", "xano_metadata_token.ci", fmt.Sprintf("%s/%d", e2eInstance, orphan.ID))
	if imp.Err == nil || !strings.Contains(acctest.FlatText(imp.Out), "Resource already managed") {
		t.Fatalf("terraform import of the managed address: want \"Resource already managed\", got (%v):\n%s", imp.Err, imp.Out)
	}

	e.Write(acctest.E2EConfig(acctest.Provider{}, lostCreateHCL, scratchImportHCL(orphan.ID)))
	e.MustApply()
	e.Write(acctest.E2EConfig(acctest.Provider{}, lostCreateHCL))
	e.MustApply()
	if got := emulatorIDs(e.Emu); fmt.Sprint(got) != fmt.Sprint(managed) {
		t.Fatalf("after the recovery the instance holds %v, want only the managed token %v", got, managed)
	}
}

// TestE2ELostCreateAdoptedByImportBlock follows the warning's first advice:
// an import block into the resource's own address, added before the re-run
// is applied, adopts the orphan and nothing is minted.
func TestE2ELostCreateAdoptedByImportBlock(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	orphan := seedOrphan(t, e)
	e.Write(acctest.E2EConfig(acctest.Provider{}, lostCreateHCL, fmt.Sprintf(`
import {
  to = xano_metadata_token.ci
  id = "%s/%d"
}
`, e2eInstance, orphan.ID)))
	run := e.MustApply()
	for _, d := range run.Warnings() {
		if strings.Contains(d.Summary, "already holds token") {
			t.Errorf("the import warned about the token it adopts: %s", d.Summary)
		}
	}
	if n := e.Emu.Count("POST", "/instance/{instance}/token"); n != 1 {
		t.Errorf("%d creates in all, want only the seed's", n)
	}
	if got := emulatorIDs(e.Emu); len(got) != 1 || got[0] != orphan.ID {
		t.Errorf("the instance holds %v, want only the adopted token %d", got, orphan.ID)
	}
}

// TestE2EReplacedTokenIsNotUnmanaged checks that replacing a managed token,
// tainted or with -replace, which Terraform plans as a plain create, does
// not report the token being replaced as one no resource records.
func TestE2EReplacedTokenIsNotUnmanaged(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{}, lostCreateHCL))
	e.MustApply()
	for _, tt := range []struct {
		name string
		plan func() acctest.JSONRun
	}{
		{"-replace", func() acctest.JSONRun { return e.Plan(tfexec.Replace("xano_metadata_token.ci")) }},
		{"tainted", func() acctest.JSONRun {
			e.MustRun("taint", "xano_metadata_token.ci")
			return e.Plan()
		}},
	} {
		plan := tt.plan()
		if plan.Err != nil || plan.Actions["xano_metadata_token.ci"] != "replace" {
			t.Fatalf("%s: plan %v, actions %v: want a replacement", tt.name, plan.Err, plan.Actions)
		}
		for _, d := range plan.Warnings() {
			if strings.Contains(d.Summary, "already holds token") {
				t.Errorf("%s: the replacement warns about the token it replaces: %s", tt.name, d.Summary)
			}
		}
	}
}
