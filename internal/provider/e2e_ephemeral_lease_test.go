package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/lifecycle"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// failingSmokeTestHCL is the ephemeral resource's documented example with a
// command that fails, as a smoke test against a broken deployment would.
// Terraform 1.11 does not close an ephemeral resource whose consumer failed.
const failingSmokeTestHCL = `
ephemeral "xano_metadata_token" "smoke_test" {
  name        = "deploy-smoke-test"
  description = "Post-deployment check: lists the API groups of workspace 1"

  scope {
    name = "workspace_api_groups"
    read = true
  }
}

resource "terraform_data" "smoke_test" {
  triggers_replace = [timestamp()]

  provisioner "local-exec" {
    command = "test -n \"$XANO_TOKEN\" && exit 3"
    environment = {
      XANO_TOKEN = ephemeral.xano_metadata_token.smoke_test.token
    }
  }
}
`

// TestE2EFailedRunsLeaveNoEphemeralTokens applies the failing smoke test 12
// times in a row. Every apply must fail on the command, never on Xano's
// limit of 10 active tokens, and leave at most 2 ephemeral tokens on the
// instance: the provider revokes what it opened when Terraform stops it,
// and the first run revokes the 9 tokens killed runs abandoned, whose lease
// has passed, while the token of a run whose lease has not passed survives
// every run.
func TestE2EFailedRunsLeaveNoEphemeralTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(acctest.E2EConfig(acctest.Provider{}, failingSmokeTestHCL))
	client := mtClientWith(t, e.BaseURL, e.Token)
	seed := func(name string, leaseUntil time.Time) int64 {
		t.Helper()
		tok, err := client.CreateToken(t.Context(), e2eInstance, xano.CreateTokenRequest{Name: name,
			Description: lifecycle.WithLease("Smoke test of a killed run", leaseUntil), ExpiresIn: 3600,
			Scopes: map[string][]string{"workspace:api": {"read"}}})
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	for i := range 9 {
		seed(fmt.Sprintf("deploy-smoke-test-%08x", i), time.Now().Add(-time.Minute))
	}
	running := seed("deploy-smoke-test-0a1b2c3d", time.Now().Add(time.Hour))
	const runs = 12
	for i := 1; i <= runs; i++ {
		run := e.Apply()
		if run.Err == nil {
			t.Fatalf("apply %d succeeded: the smoke test command should fail", i)
		}
		failedOnCommand := false
		for _, d := range run.Errors() {
			if strings.Contains(d.Summary, "token limit") || strings.Contains(d.Detail, "active tokens") {
				t.Fatalf("apply %d hit the token limit:\n%s", i, acctest.DiagText(run.Errors()))
			}
			if strings.Contains(d.Summary, "local-exec provisioner error") {
				failedOnCommand = true
			}
		}
		if !failedOnCommand {
			t.Fatalf("apply %d did not fail on the smoke test command:\n%s", i, acctest.DiagText(run.Errors()))
		}
		left := e.Emu.Tokens(e2eInstance)
		t.Logf("after apply %d: %d token(s) on the instance", i, len(left))
		if len(left) > 2 {
			t.Fatalf("after apply %d the instance holds %d ephemeral tokens, want at most 2: %+v", i, len(left), left)
		}
		if !slices.ContainsFunc(left, func(tok xano.Token) bool { return tok.ID == running }) {
			t.Fatalf("apply %d revoked token %d, whose lease has not passed", i, running)
		}
	}
	if n := e.Emu.Count("POST", "/instance/{instance}/token"); n < 10+runs {
		t.Errorf("only %d tokens were minted in %d applies: the runs did not open the ephemeral resource", n, runs)
	}
}
