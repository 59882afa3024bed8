package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// The example policy under examples/policy, run with OPA's CLI (pinned in
// tools/go.mod) on saved plans of the real terraform CLI.

var (
	opaOnce sync.Once
	opaPath string
	opaErr  error
)

// opaBinary builds OPA's CLI once per test binary, through `go tool`, which
// keeps the build in Go's cache for the next run, and returns its path.
func opaBinary(t *testing.T) string {
	t.Helper()
	opaOnce.Do(func() {
		cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "-n", "opa")
		cmd.Dir = acctest.RepoRoot()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			opaErr = fmt.Errorf("go tool -n opa: %v\n%s", err, stderr.String())
			return
		}
		opaPath = strings.TrimSpace(string(out))
	})
	if opaErr != nil {
		t.Fatal(opaErr)
	}
	return opaPath
}

// policyVerdict is what the example policy says about one plan.
type policyVerdict struct {
	Deny []string `json:"deny"`
	Warn []string `json:"warn"`
}

// evalExamplePolicy evaluates examples/policy/xano.rego on plan JSON.
func evalExamplePolicy(t *testing.T, planJSON []byte) policyVerdict {
	t.Helper()
	input := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(input, planJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(opaBinary(t), "eval", "--format", "json",
		"--data", filepath.Join(acctest.RepoRoot(), "examples", "policy", "xano.rego"),
		"--input", input, "data.xano")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opa eval: %v\n%s%s", err, out, stderr.String())
	}
	var result struct {
		Result []struct {
			Expressions []struct {
				Value policyVerdict `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &result); err != nil || len(result.Result) != 1 || len(result.Result[0].Expressions) != 1 {
		t.Fatalf("opa eval answered %s (%v)", out, err)
	}
	v := result.Result[0].Expressions[0].Value
	slices.Sort(v.Deny)
	slices.Sort(v.Warn)
	return v
}

// TestE2EExamplePolicy saves a plan of risky tokens and one of safe tokens,
// converts each with `terraform show -json` and evaluates the example
// policy: it denies the first and passes the second.
func TestE2EExamplePolicy(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end tests run with TF_ACC=1")
	}
	opa := opaBinary(t) // built before the plans, so the emulator is not left waiting
	rego := filepath.Join(acctest.RepoRoot(), "examples", "policy", "xano.rego")
	for _, args := range [][]string{{"check", "--strict", rego}, {"fmt", "--list", "--fail", rego}} {
		if out, err := exec.Command(opa, args...).CombinedOutput(); err != nil {
			t.Errorf("opa %s: %v\n%s", args[0], err, out)
		}
	}

	t.Run("risky", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(acctest.E2EConfig(acctest.Provider{}, tokenScope("reports", "reports", "workspace_database", "read")+
			presetToken("forever", "weweb", `never_expires = true
  risk_acknowledgement = "Legacy plugin; approved by the web team"`)))
		_, plan := e.SavedPlan()
		got := evalExamplePolicy(t, plan)
		want := policyVerdict{Deny: []string{
			`xano_metadata_token.forever ("forever"): never expires; set expires_in`,
			`xano_metadata_token.reports ("reports"): critical workspace_database.read: ` +
				`can read every table record and schema across all data sources, including any personal or business data they hold`,
		}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("verdict:\n got %q\nwant %q", got, want)
		}
	})

	t.Run("safe", func(t *testing.T) {
		t.Parallel()
		e := newE2E(t, emulator.Options{})
		e.Write(acctest.E2EConfig(acctest.Provider{}, presetToken("weweb", "weweb", `expires_in = "30d"`)+
			automationToken(`risk_acknowledgement = "Staging only; approved by the platform team"`)+`
resource "terraform_data" "scope" {
  input = "workspace_api_groups"
}

resource "xano_metadata_token" "later" {
  name = "later"

  scope {
    name = terraform_data.scope.output
    read = true
  }
}
`))
		_, plan := e.SavedPlan()
		got := evalExamplePolicy(t, plan)
		want := policyVerdict{Warn: []string{
			"xano_metadata_token.later: findings known only after apply; check the plan of the apply",
		}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("verdict:\n got %q\nwant %q", got, want)
		}
	})
}
