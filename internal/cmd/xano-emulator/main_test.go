package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/xano"
)

// bin is the xano-emulator binary built once for all tests.
var bin string

// childEnv makes the test binary act as the command that run wraps: it
// reports what it sees of the emulator and exits.
const childEnv = "XANO_EMULATOR_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
	case "mint":
		os.Exit(childMint())
	case "read":
		os.Exit(childRead())
	default:
		os.Exit(child())
	}
	dir, err := os.MkdirTemp("", "xano-emulator-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "xano-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func child() int {
	base := os.Getenv("XANO_BASE_URL")
	req, err := http.NewRequest(http.MethodGet, base+xano.PathMe, nil)
	if err != nil {
		fmt.Println("error:", err)
		return 3
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("XANO_ACCESS_TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return 3
	}
	_ = resp.Body.Close()
	fmt.Printf("base=%s\nme=%d\ntoken-matches=%v\ninherited=%s\n", base, resp.StatusCode,
		os.Getenv("XANO_ACCESS_TOKEN") == os.Getenv("WANT_TOKEN"), os.Getenv("INHERITED"))
	return 0
}

// childMint mints a token that reads the request history and prints its
// secret.
func childMint() int {
	body := `{"name":"n","expires_in":0,"scopes":{"workspace:requesthistory":["read"]}}`
	req, _ := http.NewRequest(http.MethodPost, os.Getenv("XANO_BASE_URL")+"/instance/main/token", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+os.Getenv("XANO_ACCESS_TOKEN"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return 3
	}
	defer resp.Body.Close()
	var tok xano.Token
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Secret == "" {
		fmt.Println("error: status", resp.StatusCode, err)
		return 3
	}
	fmt.Print(tok.Secret)
	return 0
}

// childRead prints the status of a request history read with the secret in
// READ_SECRET.
func childRead() int {
	req, _ := http.NewRequest(http.MethodGet, os.Getenv("XANO_BASE_URL")+"/workspace/1/request_history", nil)
	req.Header.Set("Authorization", "Bearer "+os.Getenv("READ_SECRET"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return 3
	}
	_ = resp.Body.Close()
	fmt.Print(resp.StatusCode)
	return 0
}

// command prepares the binary with a deadline, so a hung process fails the
// test instead of the whole run.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = os.Environ()
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("command did not run: %v", err)
	}
	return exitErr.ExitCode()
}

var listening = regexp.MustCompile(`listening on (http://\S+/api:meta)`)

// startServe starts serve and waits for its address; it returns the base URL
// and every stderr line up to it.
func startServe(t *testing.T, env []string, args ...string) (*exec.Cmd, string, []string) {
	t.Helper()
	cmd := command(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited before listening: %q", seen)
			}
			seen = append(seen, line)
			if m := listening.FindStringSubmatch(line); m != nil {
				// Keep draining so the server never blocks on stderr.
				go func() {
					for range lines {
					}
				}()
				return cmd, m[1], seen
			}
		case <-deadline:
			t.Fatalf("serve did not report its address: %q", seen)
		}
	}
}

func getMe(t *testing.T, base, token string) (int, xano.Me) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+xano.PathMe, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var me xano.Me
	_ = json.NewDecoder(resp.Body).Decode(&me)
	return resp.StatusCode, me
}

func TestServe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   []string
		args  []string
		token func(stderr []string) string
	}{
		{"token flag", nil, []string{"--admin-token", "flag-token"}, func([]string) string { return "flag-token" }},
		{"token from the environment", []string{envAdminToken + "=env-token"}, nil, func([]string) string { return "env-token" }},
		{"flag wins over the environment", []string{envAdminToken + "=env-token"}, []string{"--admin-token", "flag-token"}, func([]string) string { return "flag-token" }},
		{"generated token", []string{envAdminToken + "="}, []string{"--rate-limit", "100", "--fault-rate", "0.1", "--seed", "3"}, func(stderr []string) string {
			for _, l := range stderr {
				if strings.HasPrefix(l, "admin token (generated") {
					return l[strings.LastIndex(l, " ")+1:]
				}
			}
			t.Errorf("no generated token printed: %q", stderr)
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd, base, stderr := startServe(t, tt.env, tt.args...)
			if u, err := url.Parse(base); err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "0" {
				t.Fatalf("base URL %q", base)
			}
			token := tt.token(stderr)
			if status, me := getMe(t, base, token); status != http.StatusOK || me.Name == "" {
				t.Errorf("/auth/me with the admin token: %d %+v", status, me)
			}
			if status, _ := getMe(t, base, token+"x"); status != http.StatusUnauthorized {
				t.Errorf("/auth/me with a wrong token: %d", status)
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if code := exitCode(t, cmd.Wait()); code != 0 {
				t.Errorf("serve exited %d after SIGINT, want 0", code)
			}
		})
	}
}

// TestServeDeclaredInstances starts serve with two --instance flags: the
// account has exactly those, and another name is not found.
func TestServeDeclaredInstances(t *testing.T) {
	t.Parallel()
	_, base, _ := startServe(t, nil, "--admin-token", "tok", "--instance", "x1a2-b3c4-d5e6=Production", "--instance", "x9f8-e7d6-c5b4")
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	status, body := get(xano.PathInstances)
	var list []xano.Instance
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil {
		t.Fatalf("GET /instance: %d %s", status, body)
	}
	if len(list) != 2 || list[0].Name != "x1a2-b3c4-d5e6" || list[0].Display != "Production" || list[1].Name != "x9f8-e7d6-c5b4" {
		t.Errorf("GET /instance = %+v", list)
	}
	if status, body := get("/instance/x1a2-b3c4-d5e7/token"); status != http.StatusNotFound || !strings.Contains(string(body), xano.CodeNotFound) {
		t.Errorf("an undeclared instance: %d %s, want 404 %s", status, body, xano.CodeNotFound)
	}
}

func TestRefusedArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		mention string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, "loopback"},
		{[]string{"serve", "--addr", ""}, "HOST:PORT"},
		{[]string{"serve", "--addr", ":8787"}, "loopback"},
		{[]string{"serve", "--addr", "[::]:0"}, "loopback"},
		{[]string{"serve", "--addr", "192.0.2.1:8787"}, "loopback"},
		{[]string{"serve", "--addr", "example.com:8787"}, "loopback"},
		{[]string{"serve", "--addr", "127.0.0.1"}, "HOST:PORT"},
		{[]string{"run", "--addr", "0.0.0.0:0", "--", "true"}, "loopback"},
		{[]string{"serve", "--fault-rate", "1.5"}, "--fault-rate"},
		{[]string{"serve", "--rate-limit", "-1"}, "--rate-limit"},
		{[]string{"serve", "--rate-limit", "NaN"}, "--rate-limit must be a number of requests per second from 0 (unlimited)"},
		{[]string{"serve", "--rate-limit", "Inf"}, "got +Inf"},
		{[]string{"serve", "--rate-limit", "-Inf"}, "got -Inf"},
		{[]string{"run", "--rate-limit", "1e300", "--", "true"}, "--rate-limit"},
		{[]string{"serve", "--fault-rate", "NaN"}, "--fault-rate must be a fraction from 0 to 1; got NaN"},
		{[]string{"serve", "--fault-rate", "+Inf"}, "--fault-rate"},
		{[]string{"serve", "--fault-rate", "-0.1"}, "--fault-rate"},
		{[]string{"serve", "--latency", "-1s"}, "--latency must be a duration from 0 to 10m0s, such as 100ms; got -1s."},
		{[]string{"serve", "--latency", "11m"}, "--latency must be a duration from 0 to 10m0s"},
		{[]string{"serve", "--latency", "NaN"}, `invalid value "NaN" for flag -latency: write a duration from 0 to 10m0s with its unit`},
		{[]string{"serve", "--latency", "100"}, "write a duration from 0 to 10m0s with its unit"},
		{[]string{"serve", "--latency", "fast"}, "write a duration"},
		{[]string{"serve", "--latency", "9999999999h"}, "write a duration from 0 to 10m0s"},
		{[]string{"serve", "--latency-jitter", "-5ms"}, "--latency-jitter must be a duration from 0 to 10m0s, such as 20ms; got -5ms."},
		{[]string{"serve", "--latency-jitter", "1h"}, "--latency-jitter must be"},
		{[]string{"run", "--latency-jitter", "NaN", "--", "true"}, `invalid value "NaN" for flag -latency-jitter`},
		{[]string{"serve", "--bogus"}, "bogus"},
		{[]string{"serve", "--instance", "=Display"}, "has no name"},
		{[]string{"serve", "--instance", "a", "--instance", "a=Again"}, "declared twice"},
		{[]string{"serve", "extra"}, "extra"},
		{[]string{"run"}, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"frobnicate"}, "use serve, run, probe, version or help"},
		{nil, "Usage"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			cmd := command(t, tt.args...)
			cmd.Stderr = &stderr
			if code := exitCode(t, cmd.Run()); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.mention) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.mention)
			}
		})
	}
}

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"127.0.0.1:8787": true, "127.1.2.3:0": true, "[::1]:8787": true, "localhost:8787": true,
		"": false, ":8787": false, "0.0.0.0:0": false, "[::]:1": false, "10.0.0.1:80": false,
		"localhost.example.com:80": false, "127.0.0.1": false, "127.0.0.1:": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// refused reports whether nothing listens at the host of base any more.
func refused(t *testing.T, base string) bool {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err == nil {
		_ = conn.Close()
		return false
	}
	return true
}

func TestRunExportsEnvironment(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := command(t, "run", "--admin-token", "run-token", "--", self)
	cmd.Env = append(cmd.Env, childEnv+"=1", "WANT_TOKEN=run-token", "INHERITED=yes", "XANO_BASE_URL=http://stale.invalid")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("run exited %d: %s %s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"me=200", "token-matches=true", "inherited=yes"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("child output %q lacks %q", out, want)
		}
	}
	m := regexp.MustCompile(`base=(http://127\.0\.0\.1:\d+/api:meta)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("child saw no loopback XANO_BASE_URL: %q", out)
	}
	if !strings.Contains(stderr.String(), "listening on "+m[1]) {
		t.Errorf("stderr %q does not announce %s", stderr.String(), m[1])
	}
	if !refused(t, m[1]) {
		t.Errorf("the server at %s still answers after run returned", m[1])
	}
}

func TestRunShellSeesVariables(t *testing.T) {
	t.Parallel()
	cmd := command(t, "run", "--", "sh", "-c", `echo "$XANO_BASE_URL"; test -n "$XANO_ACCESS_TOKEN" && echo token-set`)
	cmd.Env = append(cmd.Env, envAdminToken+"=")
	out, err := cmd.Output()
	if code := exitCode(t, err); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/api:meta\ntoken-set\n$`).Match(out) {
		t.Errorf("output %q", out)
	}
}

func TestRunExitStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"success", []string{"true"}, 0},
		{"exit 7", []string{"sh", "-c", "exit 7"}, 7},
		{"killed by SIGTERM", []string{"sh", "-c", "kill -TERM $$"}, 128 + int(syscall.SIGTERM)},
		{"command not found", []string{"xano-emulator-no-such-command"}, exitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			cmd := command(t, append([]string{"run", "--"}, tt.args...)...)
			cmd.Stderr = &stderr
			if code := exitCode(t, cmd.Run()); code != tt.want {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.want, stderr.String())
			}
		})
	}
}

func TestRunForwardsSignals(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			script := `trap 'exit 5' INT; trap 'exit 6' TERM; echo ready; while :; do sleep 0.05; done`
			cmd := command(t, "run", "--", "sh", "-c", script)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
				t.Fatalf("child said %q, %v", line, err)
			}
			// Only run gets the signal; the child hears it through run.
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			want := map[syscall.Signal]int{syscall.SIGINT: 5, syscall.SIGTERM: 6}[sig]
			if code := exitCode(t, cmd.Wait()); code != want {
				t.Errorf("exit %d, want %d; stderr %s", code, want, stderr.String())
			}
			m := listening.FindStringSubmatch(stderr.String())
			if m == nil {
				t.Fatalf("no address in %q", stderr.String())
			}
			if !refused(t, m[1]) {
				t.Errorf("the server at %s still answers", m[1])
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	out, err := command(t, "version").Output()
	if exitCode(t, err) != 0 || !strings.HasPrefix(string(out), "xano-emulator ") {
		t.Errorf("version: %q", out)
	}
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}, {"run", "-h"}} {
		out, err := command(t, args...).CombinedOutput()
		if code := exitCode(t, err); code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, want := range []string{"serve", "run [flags] -- COMMAND", "-addr", "-fault-rate", "-latency duration", "-latency-jitter duration", "-state-file", "Each run starts empty"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%v: help lacks %q", args, want)
			}
		}
	}
}

// mint creates a token that can read the request history and returns it.
func mint(t *testing.T, base, admin string) xano.Token {
	t.Helper()
	body := `{"name":"kept","description":"","expires_in":0,"scopes":{"workspace:requesthistory":["read"]}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/instance/main/token", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok xano.Token
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.Secret == "" {
		t.Fatalf("create: status %d, %+v, %v", resp.StatusCode, tok, err)
	}
	return tok
}

func readHistory(t *testing.T, base, secret string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/workspace/1/request_history", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func stopServe(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd.Wait()); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}
}

func TestServeStateFileAcrossRestarts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "emulator.json")
	// A different generated admin token each time: minted tokens do not
	// depend on it.
	env := []string{envAdminToken + "="}
	adminOf := func(stderr []string) string {
		for _, l := range stderr {
			if strings.HasPrefix(l, "admin token (generated") {
				return l[strings.LastIndex(l, " ")+1:]
			}
		}
		t.Fatalf("no generated token printed: %q", stderr)
		return ""
	}

	cmd, base, stderr := startServe(t, env, "--state-file", path)
	if !slices.Contains(stderr, "state kept in "+path) {
		t.Errorf("serve does not say where the state is kept: %q", stderr)
	}
	tok := mint(t, base, adminOf(stderr))
	stopServe(t, cmd)

	cmd, base, _ = startServe(t, env, "--state-file", path)
	if status := readHistory(t, base, tok.Secret); status != http.StatusOK {
		t.Errorf("a secret minted before the restart: status %d, want 200", status)
	}
	stopServe(t, cmd)

	// Without the flag, the same secret means nothing to a new server.
	cmd, base, _ = startServe(t, env)
	if status := readHistory(t, base, tok.Secret); status != http.StatusUnauthorized {
		t.Errorf("a server without --state-file knows the token: status %d, want 401", status)
	}
	stopServe(t, cmd)
}

func TestStateFileRefusedByCommands(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"run", "--", "sh", "-c", "echo ran"}} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "emulator.json")
			corrupt := []byte(`{"version": 1, "next_id": 2, "tokens": [{"id": 1,`)
			if err := os.WriteFile(path, corrupt, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := command(t, append([]string{args[0], "--state-file", path}, args[1:]...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if code := exitCode(t, cmd.Run()); code != exitError {
				t.Errorf("exit %d, want %d; stderr %s", code, exitError, stderr.String())
			}
			if !strings.Contains(stderr.String(), path) || !strings.Contains(stderr.String(), "not a usable xano-emulator state file") {
				t.Errorf("stderr %q does not name the file and the problem", stderr.String())
			}
			if strings.Contains(stderr.String(), "listening") || stdout.Len() > 0 {
				t.Errorf("started despite the corrupt file: %q %q", stdout.String(), stderr.String())
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, corrupt) {
				t.Errorf("the corrupt file was changed to %q", got)
			}
		})
	}
}

func TestRunStateFileKeepsTokensBetweenRuns(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "emulator.json")
	cmd := command(t, "run", "--state-file", path, "--", self)
	cmd.Env = append(cmd.Env, childEnv+"=mint")
	secret, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(secret), "xano_mt_") {
		t.Fatalf("first run: %q, %v", secret, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--state-file", path}, "200"},
		{nil, "401"},
	} {
		cmd := command(t, append(append([]string{"run"}, tt.args...), "--", self)...)
		cmd.Env = append(cmd.Env, childEnv+"=read", "READ_SECRET="+string(secret))
		out, err := cmd.Output()
		if err != nil || string(out) != tt.want {
			t.Errorf("run %v: %q, %v; want %s", tt.args, out, err, tt.want)
		}
	}
}

// TestServeLatency: --latency delays every answer by at least its value,
// whatever the jitter draws; only the lower bound is certain, so only it is
// checked.
func TestServeLatency(t *testing.T) {
	t.Parallel()
	const latency = 300 * time.Millisecond
	_, base, _ := startServe(t, nil, "--admin-token", "tok", "--latency", latency.String(), "--latency-jitter", "50ms", "--seed", "4")
	for range 3 {
		start := time.Now()
		if status, _ := getMe(t, base, "tok"); status != http.StatusOK {
			t.Fatalf("/auth/me: %d", status)
		}
		if took := time.Since(start); took < latency {
			t.Fatalf("an answer took %v with --latency %v", took, latency)
		}
	}
}

// TestServerCutsOffSlowClients: a client that sends its headers or its body
// too slowly loses its connection once the server's read timeouts pass,
// instead of holding it open. The timeouts are shortened through options;
// the 20-second deadline only turns a connection held forever into a
// failure.
func TestServerCutsOffSlowClients(t *testing.T) {
	t.Parallel()
	const head = "POST /api:meta/instance/i/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tok\r\n"
	for _, tt := range []struct {
		name string
		// start is sent at once, then drip one byte at a time.
		start, drip string
	}{
		{"slow body", head + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{", strings.Repeat(" ", 4000)},
		{"slow headers", head, "X-Padding: " + strings.Repeat("a", 4000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := newFlags("serve", "127.0.0.1:0", io.Discard)
			if _, code, ok := o.parse([]string{"--admin-token", "tok"}, io.Discard); !ok {
				t.Fatalf("parse: exit %d", code)
			}
			o.timeouts = timeouts{readHeader: 200 * time.Millisecond, read: 400 * time.Millisecond, idle: time.Second}
			srv, ln, _, err := o.start("tok")
			if err != nil {
				t.Fatal(err)
			}
			defer stop(srv)
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.start); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			defer close(done)
			go func() {
				// At one byte each 10 ms the whole request would take 40 s.
				for i := range len(tt.drip) {
					select {
					case <-done:
						return
					case <-time.After(10 * time.Millisecond):
					}
					if _, err := conn.Write([]byte{tt.drip[i]}); err != nil {
						return
					}
				}
			}()
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			got, err := io.ReadAll(conn)
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				t.Fatalf("the server kept a slow client's connection open for 20 s (read %q)", got)
			}
		})
	}
}
