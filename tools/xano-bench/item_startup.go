package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	xprovider "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider"
)

// Terraform's plugin handshake, as terraform-plugin-go's tf6server declares
// it: without this cookie the binary refuses to serve and explains that it
// is a plugin.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
)

// gRPC method paths used by Terraform: the schema call and go-plugin's
// shutdown, which lets the plugin exit the way it does under Terraform.
const (
	methodGetProviderSchema = "/tfplugin6.Provider/GetProviderSchema"
	methodShutdown          = "/plugin.GRPCController/Shutdown"
)

// startupSample is one launch of the provider binary.
type startupSample struct {
	handshake, schema time.Duration
	bytes             int
}

// benchStartup measures the binary's size and how long a launch takes to
// answer GetProviderSchema: over gRPC from a fresh process, in process, and
// end to end through `terraform providers schema -json` against the floor.
func (h *harness) benchStartup(ctx context.Context) section {
	sec := section{item: 4, title: "Binary size and time to the provider schema"}
	samples := max(5, 3*h.rounds)

	sizes := table{header: []string{"binary", "build flags", "size"}, right: []bool{false, false, true}}
	if fi, err := os.Stat(h.binPath); err == nil {
		sizes.addRow("terraform-provider-xano", "`-trimpath -ldflags \"-s -w\"` (as `make build` and releases)", fmtBytes(fi.Size()))
	}
	h.logf("item 4: default build for its size")
	plainDir := filepath.Join(h.tmp, "plain-build")
	if err := os.MkdirAll(plainDir, 0o755); err == nil {
		if bin, err := buildProvider(ctx, h.root, plainDir, false); err != nil {
			sec.notes = append(sec.notes, "Default build failed: "+firstLine(err))
		} else if fi, err := os.Stat(bin); err == nil {
			sizes.addRow("terraform-provider-xano", "none (`go build`, symbols and DWARF kept)", fmtBytes(fi.Size()))
		}
	}
	sec.tables = append(sec.tables, sizes)

	h.logf("item 4: %d launches of the provider binary", samples)
	times := table{header: []string{"measure", "median", "min", "max", "samples"}, right: []bool{false, true, true, true, true}}
	var hs, sc []time.Duration
	var schemaBytes int
	for i := range samples {
		s, err := launchAndAskSchema(ctx, h.binPath, filepath.Join(h.tmp, fmt.Sprintf("plugin-%d", i)))
		if err != nil {
			sec.notes = append(sec.notes, "Launch failed: "+firstLine(err))
			break
		}
		hs, sc, schemaBytes = append(hs, s.handshake), append(sc, s.schema), s.bytes
	}
	addTimeRow(&times, "process start → plugin handshake line", hs)
	addTimeRow(&times, fmt.Sprintf("process start → GetProviderSchema answered over gRPC (%d bytes)", schemaBytes), sc)

	h.logf("item 4: in-process GetProviderSchema")
	var cold []time.Duration
	for range samples {
		d, err := inProcessSchema(ctx)
		if err != nil {
			sec.notes = append(sec.notes, "In-process GetProviderSchema failed: "+firstLine(err))
			break
		}
		cold = append(cold, d)
	}
	addTimeRow(&times, "in process: new provider server + first GetProviderSchema", cold)
	warm, warmErr := warmSchemaBenchmark(ctx)
	if warmErr != nil {
		sec.notes = append(sec.notes, "In-process repeated GetProviderSchema failed: "+firstLine(warmErr))
	} else {
		d := time.Duration(warm.NsPerOp())
		times.addRow(fmt.Sprintf("in process: repeated GetProviderSchema on one server (%d allocs, %d B per call)", warm.AllocsPerOp(), warm.AllocedBytesPerOp()),
			fmtDuration(d), "", "", fmt.Sprint(warm.N))
	}
	sec.tables = append(sec.tables, times)

	h.logf("item 4: terraform providers schema -json, %d rounds", h.rounds)
	e2e := table{header: []string{"command", "A: with the provider", "B: terraform_data only", "A / B", "A − B", "A samples", "B samples"},
		right: []bool{false, true, true, true, true}}
	a, errA := h.newWorkspace("schema-provider", nil, xanoHeader)
	b, errB := h.newWorkspace("schema-floor", nil, dataConfig(1))
	if errA != nil || errB != nil {
		sec.notes = append(sec.notes, fmt.Sprintf("terraform providers schema not measured: %v %v", errA, errB))
	} else {
		var ta, tb []time.Duration
		for round := range h.rounds {
			order := []*workspace{a, b}
			if round%2 == 1 {
				order = []*workspace{b, a}
			}
			for _, ws := range order {
				d, err := timed(func() error { _, err := ws.tf.ProvidersSchema(ctx); return err })
				if err != nil {
					sec.notes = append(sec.notes, "terraform providers schema -json failed: "+firstLine(err))
				}
				if ws == a {
					ta = append(ta, d)
				} else {
					tb = append(tb, d)
				}
			}
		}
		ma, mb := median(ta), median(tb)
		e2e.addRow("terraform providers schema -json, end to end", fmtDuration(ma), fmtDuration(mb), ratio(ma, mb), fmtDuration(ma-mb), fmtDurations(ta), fmtDurations(tb))
		sec.tables = append(sec.tables, e2e)
	}
	sec.notes = append(sec.notes,
		"The gRPC figures launch the binary as Terraform does (magic cookie, protocol 6, a Unix socket), read the handshake line, then call GetProviderSchema over the socket and shut the plugin down through go-plugin's controller.",
		"The in-process figures call the framework's protocol 6 server directly: the cold one includes building every schema once, the repeated one shows whether a schema is rebuilt per call.")
	return sec
}

func addTimeRow(t *table, name string, ds []time.Duration) {
	if len(ds) == 0 {
		t.addRow(name, "not measured", "", "", "0")
		return
	}
	lo, hi := ds[0], ds[0]
	for _, d := range ds {
		lo, hi = min(lo, d), max(hi, d)
	}
	t.addRow(name, fmtDuration(median(ds)), fmtDuration(lo), fmtDuration(hi), fmt.Sprint(len(ds)))
}

// inProcessSchema times a new protocol 6 server and its first schema call.
func inProcessSchema(ctx context.Context) (time.Duration, error) {
	var resp *tfprotov6.GetProviderSchemaResponse
	d, err := timed(func() error {
		srv := fwprovider.NewProtocol6(xprovider.New("bench")())()
		var err error
		resp, err = srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		return err
	})
	if err != nil {
		return 0, err
	}
	return d, diagError(resp.Diagnostics)
}

// warmSchemaBenchmark runs GetProviderSchema repeatedly on one server with
// the testing package's benchmark driver, allocations included.
func warmSchemaBenchmark(ctx context.Context) (testing.BenchmarkResult, error) {
	srv := fwprovider.NewProtocol6(xprovider.New("bench")())()
	first, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err == nil {
		err = diagError(first.Diagnostics)
	}
	if err != nil {
		return testing.BenchmarkResult{}, err
	}
	var callErr error
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
				callErr = err
			}
		}
	})
	return res, callErr
}

func diagError(diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}

// launchAndAskSchema starts the provider binary as Terraform does, with env
// added, waits for its handshake line, asks for the schema over the
// announced Unix socket and shuts it down. sockDir holds the socket and is
// removed afterwards.
func launchAndAskSchema(ctx context.Context, bin, sockDir string, env ...string) (startupSample, error) {
	var s startupSample
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		return s, err
	}
	defer os.RemoveAll(sockDir)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	cmd := exec.CommandContext(ctx, bin)
	// Without the caller's Terraform, Xano or plugin settings, a developer's
	// shell cannot change what the plugin does.
	cmd.Env = append(callerEnv("TF_", "XANO_", "PLUGIN_"), magicCookieKey+"="+magicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_UNIX_SOCKET_DIR="+sockDir)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return s, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return s, err
	}
	exited := make(chan error, 1)
	stopped := false
	defer func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	rd := bufio.NewReader(stdout)
	line, err := rd.ReadString('\n')
	s.handshake = time.Since(start)
	// Drain whatever else the plugin prints, so it never blocks on a pipe.
	go func() { _, _ = io.Copy(io.Discard, rd); exited <- cmd.Wait() }()
	if err != nil {
		return s, fmt.Errorf("reading the plugin handshake: %w", err)
	}
	sock, err := parseHandshake(line)
	if err != nil {
		return s, err
	}
	client := h2cClient(sock)
	defer client.CloseIdleConnections()
	msg, err := grpcCall(ctx, client, methodGetProviderSchema)
	s.schema = time.Since(start)
	if err != nil {
		return s, fmt.Errorf("GetProviderSchema: %w", err)
	}
	s.bytes = len(msg)
	// go-plugin stops its server inside Shutdown, which often resets the
	// connection before the answer: wait for the exit whatever it returned.
	_, _ = grpcCall(ctx, client, methodShutdown)
	select {
	case <-exited:
		stopped = true
	case <-time.After(5 * time.Second):
	}
	return s, nil
}

// parseHandshake reads go-plugin's "core|protocol|network|address|grpc|cert"
// line and returns the Unix socket to dial.
func parseHandshake(line string) (string, error) {
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 {
		return "", fmt.Errorf("unexpected plugin handshake %q", strings.TrimSpace(line))
	}
	if parts[1] != "6" || parts[2] != "unix" || parts[4] != "grpc" {
		return "", fmt.Errorf("the plugin offers protocol %s over %s/%s; expected protocol 6 over a Unix socket with gRPC", parts[1], parts[2], parts[4])
	}
	return parts[3], nil
}

// h2cClient speaks cleartext HTTP/2 over the plugin's Unix socket, which is
// all a gRPC call needs on a trusted local socket.
func h2cClient(sock string) *http.Client {
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{
		Protocols: &protocols,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
}

// grpcCall sends an empty request message to method and returns the first
// response message, or the gRPC status as an error.
func grpcCall(ctx context.Context, client *http.Client, method string) ([]byte, error) {
	// An empty protobuf message framed as gRPC: not compressed, length 0.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://plugin"+method, bytes.NewReader(make([]byte, 5)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	status := resp.Trailer.Get("Grpc-Status")
	if status == "" {
		status = resp.Header.Get("Grpc-Status")
	}
	if resp.StatusCode != http.StatusOK || status != "0" {
		return nil, fmt.Errorf("HTTP %d, grpc-status %q: %s", resp.StatusCode, status, resp.Trailer.Get("Grpc-Message")+resp.Header.Get("Grpc-Message"))
	}
	return grpcMessage(body)
}

// grpcMessage unframes the first message of a gRPC body.
func grpcMessage(body []byte) ([]byte, error) {
	if len(body) < 5 {
		return nil, errors.New("the gRPC response has no message")
	}
	if body[0] != 0 {
		return nil, errors.New("the gRPC response is compressed, which was not asked for")
	}
	n := binary.BigEndian.Uint32(body[1:5])
	if uint64(len(body)-5) < uint64(n) {
		return nil, fmt.Errorf("the gRPC message is cut short: %d of %d bytes", len(body)-5, n)
	}
	return body[5 : 5+n], nil
}
