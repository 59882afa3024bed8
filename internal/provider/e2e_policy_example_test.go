package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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
	var v policyVerdict
	evalExampleQuery(t, planJSON, "data.xano", &v)
	slices.Sort(v.Deny)
	slices.Sort(v.Warn)
	return v
}

// evalExampleQuery evaluates query with examples/policy/xano.rego on plan
// JSON and decodes its value into out.
func evalExampleQuery(t *testing.T, planJSON []byte, query string, out any) {
	t.Helper()
	input := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(input, planJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(opaBinary(t), "eval", "--format", "json",
		"--data", filepath.Join(acctest.RepoRoot(), "examples", "policy", "xano.rego"),
		"--input", input, query)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("opa eval: %v\n%s%s", err, stdout, stderr.String())
	}
	var result struct {
		Result []struct {
			Expressions []struct {
				Value json.RawMessage `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(stdout, &result); err != nil || len(result.Result) != 1 || len(result.Result[0].Expressions) != 1 {
		t.Fatalf("opa eval answered %s (%v)", stdout, err)
	}
	if err := json.Unmarshal(result.Result[0].Expressions[0].Value, out); err != nil {
		t.Fatalf("opa eval %s: %v\n%s", query, err, result.Result[0].Expressions[0].Value)
	}
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
	dir := filepath.Join(acctest.RepoRoot(), "examples", "policy")
	// The policy and its own tests (xano_test.rego, the line parser).
	for _, args := range [][]string{{"check", "--strict", dir}, {"fmt", "--list", "--fail", dir}, {"test", dir}} {
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

		// Every field of every finding is recovered from its line.
		var parsed map[string][]map[string]string
		evalExampleQuery(t, plan, "data.xano.parsed_findings", &parsed)
		finding := func(severity, rule, scope, permission, summary string) map[string]string {
			return map[string]string{"severity": severity, "rule": rule, "scope": scope, "permission": permission, "summary": summary}
		}
		wantParsed := map[string][]map[string]string{
			"xano_metadata_token.reports": {
				finding("critical", "grant", "workspace_database", "read",
					"can read every table record and schema across all data sources, including any personal or business data they hold"),
			},
			"xano_metadata_token.forever": {
				finding("medium", "grant", "workspace_content", "read",
					"can read workspace metadata and data source and branch settings, under a scope that also covers exporting, importing and cloning whole workspaces"),
				finding("low", "grant", "workspace_api_groups", "read", "can read API endpoint definitions, groups and settings"),
				finding("high", "never_expires", "", "", "never expires, so a leaked secret works until someone revokes it"),
			},
		}
		if !reflect.DeepEqual(parsed, wantParsed) {
			t.Errorf("parsed_findings:\n got %q\nwant %q", parsed, wantParsed)
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
