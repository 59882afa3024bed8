package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator/emulatortest"
)

// The end-to-end tests run the real terraform binary against a freshly built
// provider binary through dev_overrides, as a user would, so they see exactly
// the diagnostics and output a user sees (warnings included, which
// terraform-plugin-testing cannot assert).

var (
	e2eBuildOnce sync.Once
	e2eBinDir    string
	e2eBuildErr  error
)

// e2eProviderDir builds the provider once per test binary and returns the
// directory that holds it.
func e2eProviderDir(t testing.TB) string {
	t.Helper()
	e2eBuildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xano-e2e-bin-")
		if err != nil {
			e2eBuildErr = err
			return
		}
		e2eBinDir = dir
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-xano"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			e2eBuildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2eBuildErr != nil {
		t.Fatalf("building the provider for end-to-end tests: %v", e2eBuildErr)
	}
	return e2eBinDir
}

// TestMain removes the provider binary built for the end-to-end tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if e2eBinDir != "" {
		_ = os.RemoveAll(e2eBinDir)
	}
	os.Exit(code)
}

// e2eInstance is the instance newE2E configures through XANO_INSTANCE.
const e2eInstance = "e2e"

// e2eEnv is one working directory wired to one emulator.
type e2eEnv struct {
	t       *testing.T
	Dir     string
	TF      *tfexec.Terraform
	Emu     *emulator.Emulator
	BaseURL string
	Token   string
	Env     map[string]string
}

// newE2E skips unless TF_ACC is set, then prepares a working directory whose
// CLI config points Terraform at the freshly built provider.
func newE2E(t *testing.T, opts emulator.Options) *e2eEnv {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end tests run with TF_ACC=1")
	}
	tfPath, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is not on PATH: %v", err)
	}
	if len(opts.AdminTokens) == 0 {
		opts.AdminTokens = []string{emulator.DefaultAdminToken}
	}
	emu, baseURL := emulatortest.Start(t, opts)
	binDir := e2eProviderDir(t)

	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"terraform-provider-xano/xano\" = %q\n  }\n  direct {}\n}\n", binDir)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	tf, err := tfexec.NewTerraform(work, tfPath)
	if err != nil {
		t.Fatal(err)
	}
	// tfexec sets TF_IN_AUTOMATION itself and refuses a run that sets it.
	// No `terraform init` is needed: with dev_overrides covering the only
	// provider, plan and apply run in a fresh directory.
	env := map[string]string{
		"TF_CLI_CONFIG_FILE": rc,
		"CHECKPOINT_DISABLE": "1",
		"XANO_BASE_URL":      baseURL,
		"XANO_ACCESS_TOKEN":  opts.AdminTokens[0],
		"XANO_INSTANCE":      e2eInstance,
		// The provider must not read a developer's own Xano CLI profile.
		"XANO_CONFIG": filepath.Join(dir, "no-credentials.yaml"),
	}
	if err := tf.SetEnv(env); err != nil {
		t.Fatal(err)
	}
	return &e2eEnv{t: t, Dir: work, TF: tf, Emu: emu, BaseURL: baseURL, Token: opts.AdminTokens[0], Env: env}
}

// Write replaces the configuration with hcl.
func (e *e2eEnv) Write(hcl string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.Dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// Command is terraform with args in e's directory and environment, for the
// runs tfexec cannot drive, such as one interrupted by a signal.
func (e *e2eEnv) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.TF.ExecPath(), args...)
	cmd.Dir = e.Dir
	cmd.Env = os.Environ()
	for k, v := range e.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// e2eDiag is one diagnostic of Terraform's machine-readable UI.
type e2eDiag struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
	} `json:"range"`
}

// e2eRun is what one JSON-streaming command printed.
type e2eRun struct {
	Raw   string
	Diags []e2eDiag
	Err   error
}

// Warnings returns the warning diagnostics, without the dev_overrides notice
// Terraform prints on every run.
func (r e2eRun) Warnings() []e2eDiag { return r.filter("warning") }

// Errors returns the error diagnostics.
func (r e2eRun) Errors() []e2eDiag { return r.filter("error") }

func (r e2eRun) filter(sev string) []e2eDiag {
	var out []e2eDiag
	for _, d := range r.Diags {
		if d.Severity != sev || strings.Contains(d.Summary, "Provider development overrides") {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Plan runs terraform plan -json and collects its diagnostics.
func (e *e2eEnv) Plan(opts ...tfexec.PlanOption) e2eRun {
	e.t.Helper()
	var buf bytes.Buffer
	_, err := e.TF.PlanJSON(context.Background(), &buf, opts...)
	return parseE2E(e.t, buf.String(), err)
}

// Apply runs terraform apply -json and collects its diagnostics.
func (e *e2eEnv) Apply(opts ...tfexec.ApplyOption) e2eRun {
	e.t.Helper()
	var buf bytes.Buffer
	err := e.TF.ApplyJSON(context.Background(), &buf, opts...)
	return parseE2E(e.t, buf.String(), err)
}

// Destroy runs terraform destroy -json and collects its diagnostics.
func (e *e2eEnv) Destroy(opts ...tfexec.DestroyOption) e2eRun {
	e.t.Helper()
	var buf bytes.Buffer
	err := e.TF.DestroyJSON(context.Background(), &buf, opts...)
	return parseE2E(e.t, buf.String(), err)
}

func parseE2E(t *testing.T, raw string, err error) e2eRun {
	t.Helper()
	run := e2eRun{Raw: raw, Err: err}
	sc := bufio.NewScanner(strings.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Type       string  `json:"type"`
			Diagnostic e2eDiag `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Type != "diagnostic" {
			continue
		}
		run.Diags = append(run.Diags, line.Diagnostic)
	}
	return run
}

// diagText renders diagnostics for a failure message.
func diagText(ds []e2eDiag) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%s] %s: %s (%s)\n", d.Severity, d.Summary, d.Detail, d.Address)
	}
	return b.String()
}

// e2eHCL is a configuration with the given provider block body and
// resources, for the provider built from this tree.
func e2eHCL(providerBody, resources string) string {
	return `terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

provider "xano" {
` + providerBody + `
}

` + resources
}
