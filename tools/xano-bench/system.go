package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine describes where the figures were measured, because wall times mean
// nothing without it.
type machine struct {
	os, arch string
	cpus     int
	cpuModel string
	memTotal string
}

func (m machine) String() string {
	s := fmt.Sprintf("%s/%s, %d CPUs", m.os, m.arch, m.cpus)
	if m.cpuModel != "" {
		s += ", " + m.cpuModel
	}
	if m.memTotal != "" {
		s += ", " + m.memTotal + " RAM"
	}
	return s
}

// describeMachine reads the CPU model and memory from /proc where it exists;
// elsewhere those parts are left out rather than guessed.
func describeMachine() machine {
	m := machine{os: runtime.GOOS, arch: runtime.GOARCH, cpus: runtime.NumCPU()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		m.cpuModel = procField(f, "model name")
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		if kb := procField(f, "MemTotal"); kb != "" {
			if n, err := strconv.ParseFloat(strings.TrimSuffix(kb, " kB"), 64); err == nil {
				m.memTotal = fmt.Sprintf("%.1f GiB", n/(1<<20))
			}
		}
		f.Close()
	}
	return m
}

// loadAverage reads the one-minute load average, so a reader can tell a
// quiet machine from a busy one; other work on the machine slows every
// wall time in the report.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// procField returns the value of the first "key : value" line of a /proc file.
func procField(f *os.File, key string) string {
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// providerCommit names the commit the provider was built from and says when
// the working tree differs from it, since a benchmark of uncommitted code is
// not reproducible from the hash alone.
func providerCommit(ctx context.Context, root string) string {
	out, err := gitOutput(ctx, root, "rev-parse", "--short", "HEAD")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	commit := strings.TrimSpace(out)
	status, err := gitOutput(ctx, root, "status", "--porcelain", "--untracked-files=normal", "--", ".", ":(exclude)docs/benchmarks.md")
	if err == nil && strings.TrimSpace(status) != "" {
		commit += " (with uncommitted changes)"
	}
	return commit
}

func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}
