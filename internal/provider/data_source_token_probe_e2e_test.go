package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// probeSecretsHCL probes the token in var.token and prints what it reads.
const probeSecretsHCL = `
variable "token" {
  type      = string
  sensitive = true
}

data "xano_token_probe" "p" {
  token        = var.token
  workspace_id = 1
  expect       = ["workspace_api_groups"]
}

output "reach" {
  value = data.xano_token_probe.p.readable
}

output "findings" {
  value = data.xano_token_probe.p.findings
}
`

// TestE2ETokenProbeSecretsNeverLeak probes a hand-made token with
// TF_LOG=trace through apply, plan, refresh, show and output, then a revoked
// one whose plan fails: neither token, nor the provider's, appears in the
// log or in any command's output, and the revoked token is one error.
func TestE2ETokenProbeSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{AdminTokens: []string{secretsAdminToken}})
	admin, err := xano.New(xano.Config{BaseURL: e.BaseURL, AccessToken: secretsAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	mint := func(name string) *xano.Token {
		t.Helper()
		tok, err := admin.CreateToken(context.Background(), e2eInstance, xano.CreateTokenRequest{Name: name, ExpiresIn: 86400,
			Scopes: map[string][]string{"workspace:database": {"create", "read", "update", "delete"}}})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	probed, revoked := mint("probed-by-hand"), mint("revoked-by-hand")
	if err := admin.DeleteToken(context.Background(), e2eInstance, revoked.ID); err != nil {
		t.Fatal(err)
	}

	logPath := filepath.Join(t.TempDir(), "terraform.log")
	env := map[string]string{"TF_LOG": "trace", "TF_LOG_PATH": logPath, "TF_VAR_token": probed.Secret}
	var runs []acctest.TextRun
	e.Write(acctest.E2EConfig(acctest.Provider{}, probeSecretsHCL))
	for _, args := range [][]string{
		{"apply", "-auto-approve", "-input=false"}, {"plan", "-input=false"}, {"refresh", "-input=false"}, {"show"}, {"output"},
	} {
		runs = append(runs, e.MustRunEnv(env, args...))
	}
	if out := runs[0].Stdout; !strings.Contains(out, `"workspace_database"`) || !strings.Contains(out, `"excess"`) {
		t.Errorf("the apply does not show the probe's reach and its excess finding:\n%s", out)
	}

	env["TF_VAR_token"] = revoked.Secret
	failed := e.RunEnv(env, "plan", "-input=false")
	runs = append(runs, failed)
	if failed.Err == nil {
		t.Fatalf("the plan with a revoked token succeeded:\n%s", failed.Stdout)
	}
	errs := failed.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "The probed token is wrong, expired or revoked") {
		t.Errorf("a revoked token gives %d errors, want one saying it is wrong, expired or revoked: %q", len(errs), errs)
	}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(logData)
	// Controls: the log holds the probe's requests, so an absent secret
	// means a masked one, not a silent log.
	for _, want := range []string{"Xano API request", "/workspace/1/table", "/workspace/1/request_history"} {
		if !strings.Contains(log, want) {
			t.Errorf("the trace log lacks %q: the scan below would prove nothing", want)
		}
	}
	needles := []struct{ what, text string }{
		{"the probed token", probed.Secret}, {"the revoked token", revoked.Secret},
		{"the provider's access token", secretsAdminToken}, {"a minted secret's prefix", mintedPrefix},
	}
	for _, n := range needles {
		checkAbsent(t, "the TF_LOG=trace log", log, n.what, n.text)
		for _, r := range runs {
			checkAbsent(t, "stdout of terraform "+r.Args, r.Stdout, n.what, n.text)
			checkAbsent(t, "stderr of terraform "+r.Args, r.Stderr, n.what, n.text)
		}
	}
	// The state holds the token (a data source's arguments are kept there),
	// marked sensitive.
	raw, err := os.ReadFile(filepath.Join(e.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"sensitive_attributes"`) || !strings.Contains(string(raw), `"value": "token"`) {
		t.Errorf("the state does not mark the probed token sensitive:\n%s", raw)
	}
}

// TestE2ETokenProbeGuideExamples applies the guide's examples as written,
// with the real terraform CLI: two hand-made integration tokens, one with
// the database beyond its recipe, and a minted token whose check passes.
func TestE2ETokenProbeGuideExamples(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{})
	admin, err := xano.New(xano.Config{BaseURL: e.BaseURL, AccessToken: e.Token})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	for name, wire := range map[string]map[string][]string{
		"weweb":   {"workspace:api": {"read"}, "instance:workspace": {"read"}},
		"grafana": {"workspace:api": {"read"}, "instance:workspace": {"read"}, "workspace:requesthistory": {"read"}, "workspace:database": {"read"}},
	} {
		tok, err := admin.CreateToken(context.Background(), "x1234-4567-8901", xano.CreateTokenRequest{Name: name, ExpiresIn: 86400, Scopes: wire})
		if err != nil {
			t.Fatal(err)
		}
		secrets[name] = tok.Secret
	}
	var hcl strings.Builder
	for _, f := range []string{"hand-made.tf", "check.tf"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", "token-probe", f))
		if err != nil {
			t.Fatal(err)
		}
		hcl.Write(raw)
	}
	e.Write(acctest.E2EConfig(acctest.Provider{}, hcl.String()))
	tokens, err := json.Marshal(secrets)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TF_VAR_integration_tokens": string(tokens)}
	apply := e.MustRunEnv(env, "apply", "-auto-approve", "-input=false")
	if strings.Contains(apply.Out, "Check block assertion failed") {
		t.Errorf("the minted token's check failed:\n%s", apply.Out)
	}
	out := e.MustRunEnv(env, "output", "-json", "integration_findings")
	var findings map[string][]string
	if err := json.Unmarshal([]byte(out.Stdout), &findings); err != nil {
		t.Fatalf("output %q: %v", out.Stdout, err)
	}
	want := map[string][]string{"weweb": {}, "grafana": {"excess workspace_database (critical)"}}
	if !reflect.DeepEqual(findings, want) {
		t.Errorf("integration_findings = %v, want %v", findings, want)
	}
	// The check probed the minted token: its reads reached the emulator.
	if n := e.Emu.Count("GET", emulator.PathInstanceMetaAPI+"/workspace/{id}/request_history"); n < 3 {
		t.Errorf("%d probes of request history, want the two integrations' and the check's", n)
	}
}
