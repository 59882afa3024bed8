// Command xano-emulator serves the in-memory Metadata API emulator on a
// loopback address, or runs a command against it with XANO_BASE_URL and
// XANO_ACCESS_TOKEN exported, for demos and local experiments.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses of the command itself; run otherwise exits with the
// wrapped command's status.
const (
	exitError    = 1
	exitUsage    = 2
	exitNotFound = 127
)

const envAdminToken = "XANO_EMULATOR_ADMIN_TOKEN"

// commandList names every command realMain accepts, for the message about an
// unknown one.
const commandList = "serve, run, probe, version or help"

const usage = `xano-emulator serves an in-memory Xano Metadata API (the token contract of
terraform-provider-xano) on a loopback address, for tests and demos.

Usage:
  xano-emulator serve [flags]
        Serve until SIGINT or SIGTERM. Default address 127.0.0.1:8787.
        Tokens live in memory unless --state-file names a file to keep them.
  xano-emulator run [flags] -- COMMAND [ARGS...]
        Serve on a free loopback port while COMMAND runs, with
        XANO_BASE_URL and XANO_ACCESS_TOKEN exported to it; exit with its
        status. SIGINT and SIGTERM are forwarded to COMMAND (when stdin is a
        terminal, Ctrl-C already reaches it and SIGINT is not sent twice).
        Each run starts empty, so a second run sees the tokens of the first
        as revoked; pass the same --state-file to every run to keep them.
  xano-emulator probe PATH|URL
        GET XANO_BASE_URL+PATH, or an absolute loopback URL such as an
        instance's meta_api plus a path, with the bearer token in
        XANO_PROBE_TOKEN, and print the HTTP status (loopback emulators only).
  xano-emulator version
        Print the version.

Flags of serve and run:
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		newFlags("serve", serveAddr, stderr).fs.Usage()
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "run":
		return runCommand(args[1:], stderr)
	case "probe":
		return probe(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "xano-emulator %s\n", version)
		return 0
	case "help", "-h", "--help", "-help":
		newFlags("serve", serveAddr, stdout).fs.Usage()
		return 0
	}
	fmt.Fprintf(stderr, "xano-emulator: unknown command %q: use %s (-h for help).\n", args[0], commandList)
	return exitUsage
}

// options are the flags shared by serve and run, and the server's timeouts,
// which tests shorten.
type options struct {
	fs            *flag.FlagSet
	addr          string
	adminToken    string
	rateLimit     float64
	faultRate     float64
	seed          int64
	latency       durationFlag
	latencyJitter durationFlag
	stateFile     string
	instances     instanceFlag
	timeouts      timeouts
}

// timeouts bound how long a client may take to send a request, so that slow
// or stalled clients cannot hold connections open: the headers, then the
// whole request, body included. idle bounds a kept-alive connection between
// requests, longer than Go's clients keep theirs (90 s), so that the client
// closes first.
type timeouts struct {
	readHeader, read, idle time.Duration
}

var defaultTimeouts = timeouts{readHeader: 5 * time.Second, read: 10 * time.Second, idle: 2 * time.Minute}

// durationFlag is a time.Duration flag whose parse error shows the form.
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }

func (d *durationFlag) Set(v string) error {
	parsed, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("write a duration from 0 to %v with its unit, such as 100ms or 1.5s", maxLatency)
	}
	*d = durationFlag(parsed)
	return nil
}

// instanceFlag collects the repeatable --instance flag.
type instanceFlag []emulator.InstanceSpec

func (f *instanceFlag) String() string {
	names := make([]string, len(*f))
	for i, s := range *f {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}

func (f *instanceFlag) Set(v string) error {
	spec, err := emulator.ParseInstanceSpec(v)
	if err != nil {
		return err
	}
	for _, s := range *f {
		if s.Name == spec.Name {
			return fmt.Errorf("instance %q is declared twice", spec.Name)
		}
	}
	*f = append(*f, spec)
	return nil
}

// maxLatency bounds --latency and --latency-jitter: a longer wait is no
// longer latency but a hung server, which clients time out on.
const maxLatency = 10 * time.Minute

// maxRateLimit bounds --rate-limit: the bucket holds ceil(rate) requests, so
// the rate must be finite, and a million per second is already no limit.
const maxRateLimit = 1e6

// Default addresses: serve has a fixed port to share, run a free one.
const (
	serveAddr = "127.0.0.1:8787"
	runAddr   = "127.0.0.1:0"
)

func newFlags(name, defaultAddr string, out io.Writer) *options {
	o := &options{fs: flag.NewFlagSet(name, flag.ContinueOnError), timeouts: defaultTimeouts}
	o.fs.SetOutput(out)
	o.fs.Usage = func() {
		fmt.Fprint(out, usage)
		o.fs.PrintDefaults()
	}
	o.fs.StringVar(&o.addr, "addr", defaultAddr, "loopback `address` to listen on: 127.0.0.0/8, [::1] or localhost, with a port (port 0 picks a free one)")
	o.fs.StringVar(&o.adminToken, "admin-token", "", "admin bearer `token` (default $"+envAdminToken+", else a random token; serve prints it)")
	o.fs.Float64Var(&o.rateLimit, "rate-limit", 0, "`rate` in requests per second, with an equal burst; 0 means unlimited")
	o.fs.Float64Var(&o.faultRate, "fault-rate", 0, "`fraction` (0 to 1) of token creates, updates and deletes that fail: half with a 500, half by dropping the connection after committing")
	o.fs.Int64Var(&o.seed, "seed", 0, "`seed` of the fault choices and the latency jitter, for reproducible runs")
	o.fs.Var(&o.latency, "latency", "delay every answer by `duration`, such as 100ms, as a network would (0 to 10m)")
	o.fs.Var(&o.latencyJitter, "latency-jitter", "add to each answer's delay a uniform random wait from 0 to `duration`, such as 20ms, drawn for each answer; also works without --latency (0 to 10m)")
	o.fs.StringVar(&o.stateFile, "state-file", "", "`file` that keeps tokens (with hashes of their secrets, never the secrets), ids and the last 24 h of idempotency keys across restarts; "+
		"a missing file is created empty, an unreadable or corrupt one stops the command and is left as it is; one emulator at a time may use it, whatever link it is named by (default: memory only)")
	o.fs.Var(&o.instances, "instance", "declare an instance of the account as `NAME` or NAME=Display Name; repeatable. "+
		"With declared instances any other instance name is not found (404); without, an instance exists from its first use")
	return o
}

// parse reads the flags and checks them, returning the remaining arguments
// or an exit status when the command must stop.
func (o *options) parse(args []string, stderr io.Writer) ([]string, int, bool) {
	if err := o.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0, false
		}
		return nil, exitUsage, false
	}
	// The comparisons are written so that NaN fails them: NaN compares false
	// with everything, so "x < 0" alone would let it through.
	var problem string
	switch {
	case !(o.rateLimit >= 0 && o.rateLimit <= maxRateLimit):
		problem = fmt.Sprintf("--rate-limit must be a number of requests per second from 0 (unlimited) to %g; got %g.", float64(maxRateLimit), o.rateLimit)
	case !(o.faultRate >= 0 && o.faultRate <= 1):
		problem = fmt.Sprintf("--fault-rate must be a fraction from 0 to 1; got %g.", o.faultRate)
	case !(o.latency >= 0 && time.Duration(o.latency) <= maxLatency):
		problem = fmt.Sprintf("--latency must be a duration from 0 to %v, such as 100ms; got %v.", maxLatency, time.Duration(o.latency))
	case !(o.latencyJitter >= 0 && time.Duration(o.latencyJitter) <= maxLatency):
		problem = fmt.Sprintf("--latency-jitter must be a duration from 0 to %v, such as 20ms; got %v.", maxLatency, time.Duration(o.latencyJitter))
	default:
		if err := checkLoopback(o.addr); err != nil {
			problem = err.Error()
		}
	}
	if problem != "" {
		fmt.Fprintf(stderr, "xano-emulator %s: %s\n", o.fs.Name(), problem)
		return nil, exitUsage, false
	}
	return o.fs.Args(), 0, true
}

// checkLoopback refuses any address another machine could reach: anyone who
// reaches the emulator can use its admin token.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("invalid address %q: write HOST:PORT with a loopback host, e.g. 127.0.0.1:8787", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: the emulator binds to loopback only (127.0.0.0/8, ::1 or localhost), because anyone who reaches it can use its admin token; use e.g. 127.0.0.1:8787", addr)
}

// resolveAdminToken picks the flag, then the environment, then a random token; the
// boolean reports a generated one.
func (o *options) resolveAdminToken() (string, bool) {
	if o.adminToken != "" {
		return o.adminToken, false
	}
	if t := os.Getenv(envAdminToken); t != "" {
		return t, false
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error.
	return "xano_emu_" + hex.EncodeToString(b[:]), true
}

// start listens on the checked address and serves a new emulator there.
func (o *options) start(token string) (*http.Server, net.Listener, <-chan error, error) {
	// Load the state first: a refused file must stop the command before
	// anything listens.
	emu, err := emulator.Open(emulator.Options{
		AdminTokens:   []string{token},
		RateLimit:     o.rateLimit,
		FaultRate:     o.faultRate,
		Seed:          o.seed,
		Latency:       time.Duration(o.latency),
		LatencyJitter: time.Duration(o.latencyJitter),
		StateFile:     o.stateFile,
		Instances:     o.instances,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cannot listen on %s: %w; pick another --addr", o.addr, err)
	}
	srv := &http.Server{
		Handler:           emu,
		ReadHeaderTimeout: o.timeouts.readHeader,
		ReadTimeout:       o.timeouts.read,
		IdleTimeout:       o.timeouts.idle,
	}
	errs := make(chan error, 1)
	go func() { errs <- srv.Serve(ln) }()
	return srv, ln, errs, nil
}

// announceState says where the tokens are kept, when they outlive the process.
func announceState(path string, stderr io.Writer) {
	if path != "" {
		fmt.Fprintf(stderr, "state kept in %s\n", path)
	}
}

func baseURL(ln net.Listener) string { return "http://" + ln.Addr().String() + "/api:meta" }

// stop shuts the server down, giving requests in flight a few seconds.
func stop(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
	}
}

func serve(args []string, stderr io.Writer) int {
	o := newFlags("serve", serveAddr, stderr)
	rest, code, ok := o.parse(args, stderr)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "xano-emulator serve: unexpected argument %q; to wrap a command use: xano-emulator run -- COMMAND\n", rest[0])
		return exitUsage
	}
	token, generated := o.resolveAdminToken()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	srv, ln, errs, err := o.start(token)
	if err != nil {
		fmt.Fprintf(stderr, "xano-emulator serve: %v\n", err)
		return exitError
	}
	if generated {
		fmt.Fprintf(stderr, "admin token (generated; set --admin-token or $%s to choose one): %s\n", envAdminToken, token)
	}
	announceState(o.stateFile, stderr)
	fmt.Fprintf(stderr, "listening on %s\n", baseURL(ln))
	select {
	case <-ctx.Done():
		stop(srv)
		fmt.Fprintln(stderr, "stopped")
		return 0
	case err := <-errs:
		fmt.Fprintf(stderr, "xano-emulator serve: the server stopped: %v\n", err)
		return exitError
	}
}

func runCommand(args []string, stderr io.Writer) int {
	o := newFlags("run", runAddr, stderr)
	command, code, ok := o.parse(args, stderr)
	if !ok {
		return code
	}
	if len(command) == 0 {
		fmt.Fprintln(stderr, "xano-emulator run: no command given: write xano-emulator run [flags] -- COMMAND [ARGS...]")
		return exitUsage
	}
	token, _ := o.resolveAdminToken()
	// Catch the signals before anything starts so none kills the server
	// while the command still needs it.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	srv, ln, errs, err := o.start(token)
	if err != nil {
		fmt.Fprintf(stderr, "xano-emulator run: %v\n", err)
		return exitError
	}
	defer stop(srv)
	announceState(o.stateFile, stderr)
	fmt.Fprintf(stderr, "listening on %s\n", baseURL(ln))

	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), "XANO_BASE_URL="+baseURL(ln), "XANO_ACCESS_TOKEN="+token)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "xano-emulator run: cannot start %q: %v\n", command[0], err)
		return exitNotFound
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// A terminal's Ctrl-C reaches the whole foreground process group, the
	// command included; sending it again would make tools such as Terraform
	// stop without cleaning up.
	interactive := isTerminal(os.Stdin)
	for {
		select {
		case s := <-sigs:
			if s == os.Interrupt && interactive {
				continue
			}
			_ = cmd.Process.Signal(s)
		case err := <-errs:
			fmt.Fprintf(stderr, "xano-emulator run: the server stopped: %v\n", err)
		case err := <-done:
			return exitStatus(err, stderr)
		}
	}
}

// exitStatus maps the command's end to this process's exit status, with the
// shell's 128+N for a command killed by signal N.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		fmt.Fprintf(stderr, "xano-emulator run: waiting for the command: %v\n", err)
		return exitError
	}
	if code := exitErr.ExitCode(); code >= 0 {
		return code
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return exitError
}

// isTerminal reports whether f is a character device other than the null
// device, which is how a terminal looks without terminal-specific calls.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
