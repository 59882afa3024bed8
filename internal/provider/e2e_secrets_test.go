package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/acctest"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// secretsAdminToken is distinctive so that any trace of it in a log is found.
const secretsAdminToken = "adm-SECRET-4f9c2e71b8d05a36-do-not-log"

// mintedPrefix starts every secret the emulator mints, so a scan for it
// finds secrets the test never learns, such as an ephemeral token's.
const mintedPrefix = "xano_mt_"

// secretsHCL declares a managed token whose scopes vary with readScope (a
// change plans a replacement), a sensitive output of its secret, the audit
// data source and an ephemeral token.
func secretsHCL(readScope string) string {
	return acctest.E2EConfig(acctest.Provider{Body: []string{`request_timeout = "10s"`}}, `
resource "xano_metadata_token" "ci" {
  name        = "ci-deploy"
  description = "Secrets test token"
  expires_in  = "1d"

  scope {
    name = "`+readScope+`"
    read = true
  }
}

output "ci_token" {
  value     = xano_metadata_token.ci.token
  sensitive = true
}

data "xano_metadata_tokens" "audit" {
  depends_on = [xano_metadata_token.ci]
}

output "audited" {
  value = length(data.xano_metadata_tokens.audit.tokens)
}

ephemeral "xano_metadata_token" "run" {
  name        = "secrets-run"
  description = "Ephemeral token of the secrets test"

  scope {
    name = "workspace_content"
    read = true
  }
}
`)
}

// TestE2ESecretsNeverLeak runs apply, a replacing plan and apply, show and
// destroy with TF_LOG=trace, then checks that neither the provider's access
// token nor any minted secret appears in the log, in any command's stdout or
// stderr, in `terraform show` or in the plan, and that the state marks the
// secret sensitive.
func TestE2ESecretsNeverLeak(t *testing.T) {
	t.Parallel()
	e := newE2E(t, emulator.Options{AdminTokens: []string{secretsAdminToken}})
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	trace := map[string]string{"TF_LOG": "trace", "TF_LOG_PATH": logPath}

	var runs []acctest.TextRun
	tf := func(args ...string) acctest.TextRun {
		t.Helper()
		r := e.MustRunEnv(trace, args...)
		runs = append(runs, r)
		return r
	}
	// secrets collects every managed token's secret the state held.
	secrets := map[string]bool{}
	collect := func() string {
		t.Helper()
		toks := stateTokens(t, e)
		if len(toks) != 1 || !strings.HasPrefix(toks[0].Secret, mintedPrefix) {
			t.Fatalf("state holds %+v, want one token with a minted secret", toks)
		}
		secrets[toks[0].Secret] = true
		return toks[0].Secret
	}

	e.Write(secretsHCL("workspace_api_groups"))
	apply := tf("apply", "-auto-approve", "-input=false")
	if !strings.Contains(apply.Stdout, "ci_token = <sensitive>") {
		t.Errorf("apply does not print the output as <sensitive>:\n%s", apply.Stdout)
	}
	first := collect()

	// A scope change replaces the token: the plan, its rendering and the
	// apply of the saved plan must not show the old or the new secret.
	e.Write(secretsHCL("workspace_request_history"))
	plan := tf("plan", "-input=false", "-out=replace.tfplan")
	if !strings.Contains(plan.Stdout, "must be replaced") {
		t.Errorf("the plan does not replace the token:\n%s", plan.Stdout)
	}
	shownPlan := tf("show", "replace.tfplan")
	if !strings.Contains(shownPlan.Stdout, "(sensitive value)") {
		t.Errorf("terraform show of the plan does not render the secret as (sensitive value):\n%s", shownPlan.Stdout)
	}
	tf("apply", "-auto-approve", "-input=false", "replace.tfplan")
	second := collect()
	if first == second {
		t.Fatal("the replacement kept the old secret: the test proves nothing about a new one")
	}
	shown := tf("show")
	if !strings.Contains(shown.Stdout, "(sensitive value)") {
		t.Errorf("terraform show does not render the secret as (sensitive value):\n%s", shown.Stdout)
	}
	tf("output")

	// The state holds the secret (that is its job), marked sensitive.
	raw, err := os.ReadFile(filepath.Join(e.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	checkSensitiveInState(t, raw)

	tf("destroy", "-auto-approve", "-input=false")
	if left := e.Emu.Tokens(e2eInstance); len(left) != 0 {
		t.Errorf("tokens left after destroy: %+v", left)
	}

	// The ephemeral token was minted (once per plan and per apply) and
	// revoked: its secret is covered by the prefix scan below.
	if n := e.Emu.Count("POST", "/instance/{instance}/token"); n < 2+3 {
		t.Errorf("%d creates reached the emulator, want the 2 managed tokens plus an ephemeral one per run", n)
	}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(logData)
	// Controls: the log holds the provider's own trace lines and its API
	// requests, so an absent secret means a masked one, not a silent log.
	for _, want := range []string{"Xano API request", "/instance/e2e/token", "Calling provider defined Resource Create"} {
		if !strings.Contains(log, want) {
			t.Errorf("the trace log lacks %q: the scan below would prove nothing", want)
		}
	}

	type needle struct{ what, text string }
	needles := []needle{{"the provider's access token", secretsAdminToken}, {"a minted secret's prefix", mintedPrefix}}
	for s := range secrets {
		needles = append(needles, needle{"a managed token's secret", s})
	}
	for _, n := range needles {
		checkAbsent(t, "the TF_LOG=trace log", log, n.what, n.text)
		for _, r := range runs {
			checkAbsent(t, "stdout of terraform "+r.Args, r.Stdout, n.what, n.text)
			checkAbsent(t, "stderr of terraform "+r.Args, r.Stderr, n.what, n.text)
		}
	}
}

// checkAbsent fails when needle occurs in text, showing the line around it
// with the secret cut out.
func checkAbsent(t *testing.T, where, text, what, needle string) {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		return
	}
	start := max(0, strings.LastIndex(text[:i], "\n")+1)
	end := i + len(needle)
	if j := strings.Index(text[end:], "\n"); j >= 0 {
		end += j
	} else {
		end = len(text)
	}
	line := strings.ReplaceAll(text[start:end], needle, "<"+what+">")
	if len(line) > 600 {
		line = line[:600] + "…"
	}
	t.Errorf("%s contains %s: %s", where, what, line)
}

// checkSensitiveInState checks that the raw state marks each token's secret
// and the ci_token output sensitive.
func checkSensitiveInState(t *testing.T, raw []byte) {
	t.Helper()
	var st struct {
		Outputs map[string]struct {
			Sensitive bool `json:"sensitive"`
		} `json:"outputs"`
		Resources []struct {
			Type      string `json:"type"`
			Mode      string `json:"mode"`
			Instances []struct {
				SensitiveAttributes []json.RawMessage `json:"sensitive_attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	if !st.Outputs["ci_token"].Sensitive {
		t.Error("the ci_token output is not sensitive in state")
	}
	found := false
	for _, r := range st.Resources {
		if r.Type != "xano_metadata_token" || r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			found = true
			marked := false
			for _, p := range inst.SensitiveAttributes {
				if strings.Contains(string(p), `"token"`) {
					marked = true
				}
			}
			if !marked {
				t.Errorf("the state does not list token among the sensitive attributes: %s", inst.SensitiveAttributes)
			}
		}
	}
	if !found {
		t.Error("no xano_metadata_token in the state")
	}
}

// TestE2EBaseURLCredentialsNeverEchoed configures base_url with credentials,
// as a sensitive variable or as XANO_BASE_URL, malformed or not: the plan
// must fail on base_url, and neither the user name nor the password may
// appear in the output or the TF_LOG=trace log.
func TestE2EBaseURLCredentialsNeverEchoed(t *testing.T) {
	t.Parallel()
	const config = `
variable "url" {
  type      = string
  sensitive = true
  default   = null
}

data "xano_scope_catalog" "all" {}
`
	tests := []struct {
		name string
		// variable is passed as TF_VAR_url (the provider's base_url), env
		// as XANO_BASE_URL.
		variable, env string
		// secrets are the texts that must appear nowhere.
		secrets []string
		want    string
	}{
		{name: "scheme typo in a sensitive variable", variable: "https//usr-a1:pw-SECRET-a1@127.0.0.1/api:meta",
			secrets: []string{"usr-a1", "pw-SECRET-a1"}, want: `"https//***@127.0.0.1/api:meta" is not an absolute http or https URL`},
		{name: "valid URL with credentials in a sensitive variable", variable: "https://usr-b2:pw-SECRET-b2@127.0.0.1/api:meta",
			secrets: []string{"usr-b2", "pw-SECRET-b2"}, want: `"https://***@127.0.0.1/api:meta" carries credentials`},
		{name: "scheme typo in XANO_BASE_URL", env: "htps://tok-SECRET-c3@127.0.0.1/api:meta",
			secrets: []string{"tok-SECRET-c3"}, want: `From the XANO_BASE_URL environment variable: the base URL "htps://***@127.0.0.1/api:meta"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, emulator.Options{})
			p := acctest.Provider{}
			env := map[string]string{"TF_LOG": "trace", "TF_LOG_PATH": filepath.Join(t.TempDir(), "terraform.log")}
			if tt.variable != "" {
				p.Body = []string{"base_url = var.url"}
				env["TF_VAR_url"] = tt.variable
			}
			if tt.env != "" {
				env[envBaseURL] = tt.env
			}
			e.Write(acctest.E2EConfig(p, config))
			run := e.RunEnv(env, "plan", "-input=false")
			if run.Err == nil {
				t.Fatalf("the plan succeeded with base_url %q:\n%s", tt.variable+tt.env, run.Stdout)
			}
			out := run.Out
			if !strings.Contains(out, "Invalid Xano base URL") || !strings.Contains(strings.Join(strings.Fields(out), " "), tt.want) {
				t.Errorf("the plan does not fail with %q:\n%s", tt.want, out)
			}
			if tt.variable != "" && !strings.Contains(out, "base_url = var.url") {
				t.Errorf("the error does not point at base_url:\n%s", out)
			}
			logData, err := os.ReadFile(env["TF_LOG_PATH"])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(logData), "Invalid Xano base URL") {
				t.Error("the trace log lacks the diagnostic: the scan below would prove nothing")
			}
			for _, s := range tt.secrets {
				checkAbsent(t, "the plan's output", out, "a credential of the base URL", s)
				checkAbsent(t, "the TF_LOG=trace log", string(logData), "a credential of the base URL", s)
			}
		})
	}
}
