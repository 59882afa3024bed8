package acctest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// The end-to-end runner drives the real terraform binary against a provider
// binary built from this tree, through dev_overrides, as a user would: it
// sees exactly the output a user sees, warnings included, which
// terraform-plugin-testing cannot assert.

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SkipUnlessAcc skips t unless TF_ACC is set: the tests that run terraform
// are the acceptance layer.
func SkipUnlessAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end tests run with TF_ACC=1")
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// providerDir builds the provider once per test binary and returns the
// directory that holds it.
func providerDir(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xano-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-"+ProviderName), ".")
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the provider for end-to-end tests: %v", buildErr)
	}
	return binDir
}

// Main runs the tests of a package that uses the runner, then removes the
// provider binary it built. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// Terraform is one working directory, with a CLI configuration that points
// Terraform at the freshly built provider.
type Terraform struct {
	t   testing.TB
	Dir string
	TF  *tfexec.Terraform
	// Env is added to the environment of every run.
	Env map[string]string
}

// NewTerraform skips unless TF_ACC is set, then prepares a working directory
// whose runs see env. No `terraform init` is needed: with dev_overrides
// covering the only provider that is not built in, plan and apply run in a
// fresh directory.
func NewTerraform(t testing.TB, env map[string]string) *Terraform {
	t.Helper()
	SkipUnlessAcc(t)
	tfPath, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is not on PATH: %v", err)
	}
	bin := providerDir(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, bin)
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
	all := map[string]string{"TF_CLI_CONFIG_FILE": rc, "CHECKPOINT_DISABLE": "1"}
	for k, v := range env {
		all[k] = v
	}
	// tfexec sets TF_IN_AUTOMATION itself and refuses a run that sets it.
	if err := tf.SetEnv(all); err != nil {
		t.Fatal(err)
	}
	return &Terraform{t: t, Dir: work, TF: tf, Env: all}
}

// Write replaces the configuration with hcl.
func (w *Terraform) Write(hcl string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Command is terraform with args in w's directory and environment, for the
// runs neither Run nor tfexec can drive, such as one interrupted by a signal.
func (w *Terraform) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.TF.ExecPath(), args...)
	cmd.Dir = w.Dir
	cmd.Env = userEnviron()
	for k, v := range w.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// userEnviron is the process environment without the variables that change
// what Terraform prints, so a text run shows what a user at a terminal sees
// even under CI, which sets TF_IN_AUTOMATION; a test that wants one sets it.
func userEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_IN_AUTOMATION" || strings.HasPrefix(name, "TF_CLI_ARGS") || strings.HasPrefix(name, "TF_LOG") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// runTimeout bounds one text run. It guards against a hang; it is no timing
// assertion.
const runTimeout = 5 * time.Minute

// Run runs terraform with args, adding -no-color after the subcommand, and
// returns what it printed whatever its exit status.
func (w *Terraform) Run(args ...string) TextRun {
	w.t.Helper()
	return w.RunEnv(nil, args...)
}

// RunEnv is Run with env on top of w's environment.
func (w *Terraform) RunEnv(env map[string]string, args ...string) TextRun {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	args = withNoColor(args)
	cmd := w.Command(ctx, args...)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	out := &lockedBuffer{}
	cmd.Stdout = io.MultiWriter(&stdout, out)
	cmd.Stderr = io.MultiWriter(&stderr, out)
	start := time.Now()
	err := cmd.Run()
	run := TextRun{Args: strings.Join(args, " "), Stdout: stdout.String(), Stderr: stderr.String(), Out: out.String(),
		Err: err, Elapsed: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		run.ExitCode = exitErr.ExitCode()
	case err != nil:
		w.t.Fatalf("terraform %s: %v", run.Args, err)
	}
	return run
}

// withNoColor inserts -no-color after the subcommand, since Terraform reads
// no option after a positional argument such as a plan file.
func withNoColor(args []string) []string {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++
	}
	if i == len(args) {
		return append(args[:len(args):len(args)], "-no-color")
	}
	return slices.Concat(args[:i+1], []string{"-no-color"}, args[i+1:])
}

// MustRun is Run that fails the test unless terraform succeeds.
func (w *Terraform) MustRun(args ...string) TextRun {
	w.t.Helper()
	return w.MustRunEnv(nil, args...)
}

// MustRunEnv is RunEnv that fails the test unless terraform succeeds.
func (w *Terraform) MustRunEnv(env map[string]string, args ...string) TextRun {
	w.t.Helper()
	run := w.RunEnv(env, args...)
	if run.Err != nil {
		w.t.Fatalf("terraform %s: %v\nstdout:\n%s\nstderr:\n%s", run.Args, run.Err, run.Stdout, run.Stderr)
	}
	return run
}

// lockedBuffer is a buffer two pipes write to, standard output and standard
// error, in the order Terraform printed them.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Plan runs terraform plan -json.
func (w *Terraform) Plan(opts ...tfexec.PlanOption) JSONRun {
	w.t.Helper()
	var buf bytes.Buffer
	_, err := w.TF.PlanJSON(context.Background(), &buf, opts...)
	return parseJSONRun(buf.String(), err)
}

// Apply runs terraform apply -json.
func (w *Terraform) Apply(opts ...tfexec.ApplyOption) JSONRun {
	w.t.Helper()
	var buf bytes.Buffer
	err := w.TF.ApplyJSON(context.Background(), &buf, opts...)
	return parseJSONRun(buf.String(), err)
}

// MustApply is Apply that fails the test unless the apply succeeds.
func (w *Terraform) MustApply(opts ...tfexec.ApplyOption) JSONRun {
	w.t.Helper()
	run := w.Apply(opts...)
	if run.Err != nil {
		w.t.Fatalf("apply: %v\n%s", run.Err, DiagText(run.Diags))
	}
	return run
}

// Destroy runs terraform destroy -json.
func (w *Terraform) Destroy(opts ...tfexec.DestroyOption) JSONRun {
	w.t.Helper()
	var buf bytes.Buffer
	err := w.TF.DestroyJSON(context.Background(), &buf, opts...)
	return parseJSONRun(buf.String(), err)
}

// SavedPlan saves a plan of the configuration and returns it as
// `terraform show -json` prints it, which is what policy tools read.
func (w *Terraform) SavedPlan() (*tfjson.Plan, []byte) {
	w.t.Helper()
	planFile := filepath.Join(w.Dir, "saved.tfplan")
	if _, err := w.TF.Plan(context.Background(), tfexec.Out(planFile)); err != nil {
		w.t.Fatalf("plan -out: %v", err)
	}
	raw, err := w.Command(context.Background(), "show", "-json", planFile).Output()
	if err != nil {
		w.t.Fatalf("show -json: %v", err)
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(raw, &plan); err != nil {
		w.t.Fatalf("show -json: %v\n%s", err, raw)
	}
	return &plan, raw
}

// State returns the state as `terraform show -json` prints it, sensitive
// values included.
func (w *Terraform) State() *tfjson.State {
	w.t.Helper()
	st, err := w.TF.Show(context.Background())
	if err != nil {
		w.t.Fatalf("terraform show: %v", err)
	}
	return st
}

// Diag is one diagnostic of Terraform's machine-readable UI.
type Diag struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
	} `json:"range"`
}

// JSONRun is what one -json command printed.
type JSONRun struct {
	Raw   string
	Diags []Diag
	// Actions holds the action planned for each resource address, from the
	// planned_change lines.
	Actions map[string]string
	Err     error
}

// devOverrides is the summary of the notice Terraform prints on every run
// with dev_overrides, which users of a released provider never see.
const devOverrides = "Provider development overrides"

// Warnings returns the warning diagnostics, without the dev_overrides
// notice.
func (r JSONRun) Warnings() []Diag { return r.filter("warning") }

// Errors returns the error diagnostics.
func (r JSONRun) Errors() []Diag { return r.filter("error") }

func (r JSONRun) filter(sev string) []Diag {
	var out []Diag
	for _, d := range r.Diags {
		if d.Severity == sev && !strings.Contains(d.Summary, devOverrides) {
			out = append(out, d)
		}
	}
	return out
}

func parseJSONRun(raw string, err error) JSONRun {
	run := JSONRun{Raw: raw, Err: err, Actions: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Type       string `json:"type"`
			Diagnostic Diag   `json:"diagnostic"`
			Change     struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch line.Type {
		case "diagnostic":
			run.Diags = append(run.Diags, line.Diagnostic)
		case "planned_change":
			run.Actions[line.Change.Resource.Addr] = line.Change.Action
		}
	}
	return run
}

// Summaries lists the diagnostics' summaries, in order.
func Summaries(ds []Diag) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Summary
	}
	return out
}

// DiagText renders diagnostics for a failure message.
func DiagText(ds []Diag) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%s] %s: %s (%s)\n", d.Severity, d.Summary, d.Detail, d.Address)
	}
	return b.String()
}

// TextRun is what one text-mode command printed.
type TextRun struct {
	Args           string
	Stdout, Stderr string
	// Out is standard output and standard error together, as a terminal or
	// a CI log shows them.
	Out      string
	ExitCode int
	Err      error
	Elapsed  time.Duration
}

// TextDiag is one diagnostic block of Terraform's text output: its severity,
// its summary and every line printed for it, header first.
type TextDiag struct {
	Severity string
	Summary  string
	Lines    []string
}

// Text is the block as printed.
func (d TextDiag) Text() string { return strings.Join(d.Lines, "\n") }

// Diags splits the output into its diagnostic blocks, without the
// dev_overrides notice. A block is the header, a blank line, the
// "with ..., on ..." source lines and a blank line when there are any, then
// the detail up to the next blank line; the provider's details hold none.
func (r TextRun) Diags() []TextDiag {
	lines := strings.Split(r.Out, "\n")
	var out []TextDiag
	for i := 0; i < len(lines); i++ {
		sev, summary, ok := strings.Cut(lines[i], ": ")
		if !ok || (sev != "Warning" && sev != "Error") {
			continue
		}
		d := TextDiag{Severity: strings.ToLower(sev), Summary: summary, Lines: []string{lines[i]}}
		j := i + 1
		blanks := 0
		wantBlanks := 2
		if j+1 < len(lines) && !strings.HasPrefix(lines[j+1], "  with ") && !strings.HasPrefix(lines[j+1], "  on ") {
			wantBlanks = 1
		}
		for ; j < len(lines); j++ {
			if lines[j] == "" {
				blanks++
				if blanks > wantBlanks {
					break
				}
			}
			d.Lines = append(d.Lines, lines[j])
		}
		i = j - 1
		if !strings.Contains(summary, devOverrides) {
			out = append(out, d)
		}
	}
	return out
}

// Summaries returns "<severity>: <summary>" of each diagnostic block,
// sorted, for comparing what a run said regardless of Terraform's order.
func (r TextRun) Summaries() []string {
	var out []string
	for _, d := range r.Diags() {
		out = append(out, d.Severity+": "+d.Summary)
	}
	slices.Sort(out)
	return out
}

// textErrorLine is one "Error: <summary>" line of standard error.
var textErrorLine = regexp.MustCompile(`(?m)^[│ ]*Error: (.*)$`)

// Errors returns the summaries of the errors printed on standard error.
func (r TextRun) Errors() []string {
	var out []string
	for _, m := range textErrorLine.FindAllStringSubmatch(r.Stderr, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// FlatText joins Terraform's wrapped lines, so a sentence can be found
// wherever the terminal width broke it.
func FlatText(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "│", "")), " ")
}

// WithoutDevOverrides drops the dev_overrides notice from text output.
func WithoutDevOverrides(out string) string {
	const start, end = "\nWarning: " + devOverrides + " are in effect\n", "published\nreleases.\n"
	i := strings.Index(out, start)
	if i < 0 {
		return out
	}
	j := strings.Index(out[i:], end)
	if j < 0 {
		return out
	}
	return out[:i] + out[i+j+len(end):]
}
