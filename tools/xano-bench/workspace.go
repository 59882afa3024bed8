package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// providerSource is the address the dev override maps to the local build.
const providerSource = "terraform-provider-xano/xano"

// releaseLDFlags are the link flags of `make build` (minus the version), so
// the measured binary is the one users install.
const releaseLDFlags = "-s -w -X main.version=bench"

// harness holds what every item shares: the module, the terraform binary,
// the provider build and a scratch directory removed at the end.
type harness struct {
	root      string
	tmp       string
	tfPath    string
	binPath   string
	cliConfig string
	rounds    int
	progress  io.Writer
	// profiledCLIConfig points Terraform at the profiled build of item 6.
	profiledCLIConfig string
	// baseline is the commit item 6 profiles beside the current code, and
	// baselineCLIConfig points Terraform at its build; both empty without.
	baseline          string
	baselineCLIConfig string
}

// logf reports progress on stderr so that stdout carries only the report.
func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.progress, "xano-bench: "+format+"\n", args...)
}

// providerModule is the module path of the provider this harness measures.
const providerModule = "github.com/terraform-provider-xano/terraform-provider-xano"

// moduleRoot asks the go command where the provider's module is: this
// harness is a module of its own that replaces the provider with the
// repository's copy, so it works from any directory inside the repository.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", providerModule).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w: run make bench from the repository", providerModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("the go command does not know where the provider's module is: run make bench from the repository")
	}
	return dir, nil
}

// buildProvider compiles the provider into dir with the given link flags and
// returns the binary's path.
func buildProvider(ctx context.Context, root, dir string, release bool) (string, error) {
	bin := filepath.Join(dir, "terraform-provider-xano")
	args := []string{"build", "-o", bin}
	if release {
		args = append(args, "-trimpath", "-ldflags", releaseLDFlags)
	}
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// writeCLIConfig points Terraform at the local build through dev_overrides,
// so no registry and no `terraform init` are involved.
func writeCLIConfig(path, binDir string) error {
	text := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		providerSource, binDir, noopProviderSource, binDir, rawProviderSource, binDir)
	return os.WriteFile(path, []byte(text), 0o600)
}

// server is one emulator listening on loopback behind a retry recorder.
type server struct {
	emu     *emulator.Emulator
	rec     *recorder
	srv     *http.Server
	baseURL string
	// conns counts the TCP connections accepted since the last reset, to
	// show whether the provider keeps its connections alive.
	conns atomic.Int64
}

// startServer serves a new emulator on 127.0.0.1 on a free port.
func startServer(opts emulator.Options) (*server, error) {
	if len(opts.AdminTokens) == 0 {
		opts.AdminTokens = []string{emulator.DefaultAdminToken}
	}
	emu := emulator.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1 for the emulator: %w", err)
	}
	rec := newRecorder(emu, time.Now)
	s := &server{
		emu:     emu,
		rec:     rec,
		baseURL: "http://" + ln.Addr().String() + "/api:meta",
	}
	s.srv = &http.Server{Handler: rec, ReadHeaderTimeout: 10 * time.Second, ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *server) close() { _ = s.srv.Close() }

// reset forgets the request counts and retry gaps before an operation.
func (s *server) reset() {
	s.emu.ResetStats()
	s.rec.reset()
	s.conns.Store(0)
}

// requests is what the emulator saw during one operation.
type requests struct {
	stats map[string]int
	// conns is the number of TCP connections the requests came on.
	conns int
}

func (s *server) snapshot() requests {
	return requests{stats: s.emu.Stats(), conns: int(s.conns.Load())}
}

// total counts every request, retries and failures included.
func (r requests) total() int {
	n := 0
	for _, c := range r.stats {
		n += c
	}
	return n
}

// withStatus counts requests answered with a status for which keep is true;
// dropped connections have status 0.
func (r requests) withStatus(keep func(status int) bool) int {
	n := 0
	for k, c := range r.stats {
		if keep(statusOf(k)) {
			n += c
		}
	}
	return n
}

func (r requests) ok() int { return r.withStatus(func(s int) bool { return s >= 200 && s < 300 }) }

func (r requests) tooMany() int {
	return r.withStatus(func(s int) bool { return s == http.StatusTooManyRequests })
}

// breakdown lists the counts per "METHOD PATTERN STATUS", sorted, e.g.
// "GET /instance/{instance}/token/{id} 200 ×1".
func (r requests) breakdown() string {
	if len(r.stats) == 0 {
		return "none"
	}
	keys := slices.Sorted(maps.Keys(r.stats))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, r.stats[k])
	}
	return strings.Join(parts, "; ")
}

// statusOf reads the status at the end of a stats key; -1 if there is none.
func statusOf(key string) int {
	i := strings.LastIndexByte(key, ' ')
	var s int
	if _, err := fmt.Sscanf(key[i+1:], "%d", &s); err != nil {
		return -1
	}
	return s
}

// recorder wraps the emulator to measure how long clients wait after a 429
// before they retry: a retry is the next request with the same method, URL
// and Idempotency-Key.
type recorder struct {
	next    http.Handler
	now     func() time.Time
	mu      sync.Mutex
	pending map[string]pendingRetry
	gaps    []retryGap
}

type pendingRetry struct {
	at    time.Time
	asked time.Duration
}

// retryGap is one observed retry: what Retry-After asked and what the client
// actually waited (from the 429 leaving to the retry arriving).
type retryGap struct {
	asked, waited time.Duration
}

func newRecorder(next http.Handler, now func() time.Time) *recorder {
	return &recorder{next: next, now: now, pending: map[string]pendingRetry{}}
}

func (rc *recorder) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	clear(rc.pending)
	rc.gaps = nil
}

// retryGaps returns the retries seen since the last reset.
func (rc *recorder) retryGaps() []retryGap {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.gaps)
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.RequestURI() + " " + r.Header.Get("Idempotency-Key")
	arrived := rc.now()
	rc.mu.Lock()
	if p, ok := rc.pending[key]; ok {
		rc.gaps = append(rc.gaps, retryGap{asked: p.asked, waited: arrived.Sub(p.at)})
		delete(rc.pending, key)
	}
	rc.mu.Unlock()

	sw := &statusWriter{ResponseWriter: w}
	rc.next.ServeHTTP(sw, r)
	if sw.status == http.StatusTooManyRequests {
		var secs int
		_, _ = fmt.Sscanf(sw.Header().Get("Retry-After"), "%d", &secs)
		rc.mu.Lock()
		rc.pending[key] = pendingRetry{at: rc.now(), asked: time.Duration(secs) * time.Second}
		rc.mu.Unlock()
	}
}

// statusWriter remembers the status written; Unwrap lets the emulator still
// hijack the connection through http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// workspace is one Terraform working directory.
type workspace struct {
	dir string
	tf  *tfexec.Terraform
	env map[string]string
}

// newWorkspace creates a working directory holding hcl as main.tf. With a
// server, the provider is pointed at it through the environment; without,
// the Xano variables are absent (the terraform_data floor needs none).
func (h *harness) newWorkspace(name string, srv *server, hcl string) (*workspace, error) {
	dir := filepath.Join(h.tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ws := &workspace{dir: dir}
	if err := ws.write(hcl); err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(dir, h.tfPath)
	if err != nil {
		return nil, err
	}
	// The caller's Terraform and Xano settings must not leak into the
	// measurement (TF_ACC, TF_LOG, a developer's real token...).
	env := map[string]string{}
	for _, kv := range callerEnv("TF_", "XANO_", "CHECKPOINT_") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["TF_CLI_CONFIG_FILE"] = h.cliConfig
	env["CHECKPOINT_DISABLE"] = "1"
	env["XANO_CONFIG"] = filepath.Join(h.tmp, "no-xano-credentials.yaml")
	if srv != nil {
		env["XANO_BASE_URL"] = srv.baseURL
		env["XANO_ACCESS_TOKEN"] = emulator.DefaultAdminToken
	}
	if err := tf.SetEnv(env); err != nil {
		return nil, err
	}
	ws.tf, ws.env = tf, env
	return ws, nil
}

// callerEnv is this process's environment without the variables whose names
// start with one of prefixes.
func callerEnv(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			env = append(env, kv)
		}
	}
	return env
}

// setEnv adds variables to the environment of every later command.
func (ws *workspace) setEnv(extra map[string]string) error {
	env := maps.Clone(ws.env)
	maps.Copy(env, extra)
	if err := ws.tf.SetEnv(env); err != nil {
		return err
	}
	ws.env = env
	return nil
}

// sdkLogsOff silences the plugin SDK's own loggers, which otherwise run at
// TRACE whenever their variables are unset and write every line to the
// plugin's stderr, where Terraform discards them unless TF_LOG asks.
var sdkLogsOff = map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}

func (ws *workspace) write(hcl string) error {
	return os.WriteFile(filepath.Join(ws.dir, "main.tf"), []byte(hcl), 0o600)
}

// timed runs f and returns its wall time.
func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// cost is what one command took: wall time, and the CPU time of the
// processes it started (terraform and its plugins), -1 when unknown.
type cost struct {
	wall, cpu time.Duration
}

// measured runs f, a command that starts processes and waits for them, and
// returns its wall time and the CPU time of those processes.
func measured(f func() error) (cost, error) {
	cpuBefore, okBefore := childCPU()
	wall, err := timed(f)
	cpuAfter, okAfter := childCPU()
	c := cost{wall: wall, cpu: -1}
	if okBefore && okAfter {
		c.cpu = cpuAfter - cpuBefore
	}
	return c, err
}

// firstLine shortens a Terraform error to something a table cell can hold.
func firstLine(err error) string {
	if err == nil {
		return ""
	}
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.Trim(strings.TrimSpace(l), "│╷╵ ")
		if l != "" && !strings.HasPrefix(l, "exit status") {
			return l
		}
	}
	return err.Error()
}

// xanoHeader opens every configuration that uses the provider.
const xanoHeader = `terraform {
  required_providers {
    xano = {
      source = "terraform-provider-xano/xano"
    }
  }
}

provider "xano" {}
`

// tokenBlock renders one xano_metadata_token resource; count 0 means a
// single resource without count.
func tokenBlock(label, instance, name string, count int) string {
	countLine, nameExpr := "", fmt.Sprintf("%q", name)
	if count > 0 {
		countLine = fmt.Sprintf("  count      = %d\n", count)
		nameExpr = fmt.Sprintf("\"%s-${count.index}\"", name)
	}
	return fmt.Sprintf(`
resource "xano_metadata_token" %q {
%s  instance   = %q
  name       = %s
  expires_in = "7d"

  scope {
    name = "workspace_content"
    read = true
  }
}
`, label, countLine, instance, nameExpr)
}

// tokensConfig is instances×perInstance tokens, one counted resource per
// instance (Xano allows at most 10 active tokens per instance).
func tokensConfig(instances, perInstance int) string {
	var b strings.Builder
	b.WriteString(xanoHeader)
	for i := 1; i <= instances; i++ {
		b.WriteString(tokenBlock(fmt.Sprintf("bench_%d", i), benchInstance(i), "bench", perInstance))
	}
	return b.String()
}

func benchInstance(i int) string { return fmt.Sprintf("bench-%d", i) }

// dataConfig is the floor: n terraform_data resources, built into Terraform.
func dataConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "d" {
  count = %d
  input = "bench-${count.index}"
}
`, n)
}

// liveTokens counts the tokens the emulator holds on the bench instances.
func liveTokens(emu *emulator.Emulator, instances int) int {
	n := 0
	for i := 1; i <= instances; i++ {
		n += len(emu.Tokens(benchInstance(i)))
	}
	return n
}
