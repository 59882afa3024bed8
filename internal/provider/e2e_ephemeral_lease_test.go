package provider

import (
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
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
// and the next run revokes what an earlier one abandoned.
func TestE2EFailedRunsLeaveNoEphemeralTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	e.Write(e2eHCL("", failingSmokeTestHCL))
	const runs = 12
	for i := 1; i <= runs; i++ {
		run := e.Apply()
		if run.Err == nil {
			t.Fatalf("apply %d succeeded: the smoke test command should fail", i)
		}
		failedOnCommand := false
		for _, d := range run.Errors() {
			if strings.Contains(d.Summary, "token limit") || strings.Contains(d.Detail, "active tokens") {
				t.Fatalf("apply %d hit the token limit:\n%s", i, diagText(run.Errors()))
			}
			if strings.Contains(d.Summary, "local-exec provisioner error") {
				failedOnCommand = true
			}
		}
		if !failedOnCommand {
			t.Fatalf("apply %d did not fail on the smoke test command:\n%s", i, diagText(run.Errors()))
		}
		left := e.Emu.Tokens(e2eInstance)
		t.Logf("after apply %d: %d token(s) on the instance", i, len(left))
		if len(left) > 2 {
			t.Fatalf("after apply %d the instance holds %d ephemeral tokens, want at most 2: %+v", i, len(left), left)
		}
	}
	if n := e.Emu.Count("POST", "/instance/{instance}/token"); n < runs {
		t.Errorf("only %d tokens were minted in %d applies: the runs did not open the ephemeral resource", n, runs)
	}
}
