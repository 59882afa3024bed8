// Command xano-bench measures what the provider costs its users, side by side
// with the floor, and writes the report to docs/benchmarks.md: API requests
// per operation, wall time against terraform_data, behaviour under a rate
// limit, start-up cost, the Go benchmarks of the per-token work, and the
// round trips a plan, an apply and a destroy wait for at 100 ms of latency
// and at 20 requests per second. `make bench` runs it against the in-process
// emulator with the real terraform CLI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// itemNames lets -only take names as well as numbers.
var itemNames = map[string]int{"requests": 1, "walltime": 2, "ratelimit": 3, "startup": 4, "gobench": 5, "profile": 6, "latency": 7}

// lastItem is the number of the last item.
const lastItem = 7

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "xano-bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("xano-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "also write the report to this file (make bench: docs/benchmarks.md)")
	rounds := fs.Int("rounds", defaultRounds(os.Getenv("BENCH_ROUNDS")), "rounds of each timed comparison (default: $BENCH_ROUNDS, else 3)")
	only := fs.String("only", "", "comma-separated items to run, by number (1-7) or name ("+strings.Join(slices.Sorted(maps.Keys(itemNames)), ", ")+"); default all")
	keep := fs.Bool("keep", false, "keep the scratch directory (workspaces, builds, item 6's profiles) and print its path")
	baseline := fs.String("baseline", os.Getenv("BENCH_BASELINE"), "a commit whose provider item 6 also profiles, for a before/after comparison (default: $BENCH_BASELINE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds is %d; use 1 or more", *rounds)
	}
	items, err := parseOnly(*only)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()

	started, loadBefore := time.Now(), loadAverage()
	h, cleanup, err := newHarness(ctx, *rounds, items, *baseline, stderr)
	if err != nil {
		return err
	}
	if *keep {
		defer fmt.Fprintf(stderr, "xano-bench: kept %s\n", h.tmp)
	} else {
		defer cleanup()
	}

	runners := map[int]func(context.Context) section{
		1: h.benchRequests, 2: h.benchWallTime, 3: h.benchRateLimit, 4: h.benchStartup, 5: h.benchGo, 6: h.benchProfile, 7: h.benchLatency,
	}
	var sections []section
	for _, item := range items {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		sections = append(sections, runners[item](ctx))
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}

	info := runInfo{
		date:      started.UTC().Format("2006-01-02 15:04 MST"),
		took:      time.Since(started),
		machine:   describeMachine().String(),
		goVersion: runtime.Version(),
		tfVersion: terraformVersion(ctx, h.tfPath),
		commit:    providerCommit(ctx, h.root),
		rounds:    *rounds,
		items:     items,
		load:      loadBefore + " at the start, " + loadAverage() + " at the end",
	}
	report := renderReport(info, sections)
	if _, err := io.WriteString(stdout, report); err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		fmt.Fprintf(stderr, "xano-bench: wrote %s in %s\n", *out, fmtDuration(time.Since(started)))
	}
	return nil
}

// defaultRounds reads BENCH_ROUNDS, falling back to 3 when it is unset or
// not a positive number.
func defaultRounds(env string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(env)); err == nil && n > 0 {
		return n
	}
	return 3
}

// parseOnly turns -only into sorted, distinct item numbers; empty means all.
func parseOnly(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		all := make([]int, lastItem)
		for i := range all {
			all[i] = i + 1
		}
		return all, nil
	}
	var items []int
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		n, ok := itemNames[part]
		if !ok {
			var err error
			if n, err = strconv.Atoi(part); err != nil || n < 1 || n > lastItem {
				return nil, fmt.Errorf("-only: %q is not an item; use numbers 1 to %d or the names %s", part, lastItem, strings.Join(slices.Sorted(maps.Keys(itemNames)), ", "))
			}
		}
		if !slices.Contains(items, n) {
			items = append(items, n)
		}
	}
	if len(items) == 0 {
		return nil, errors.New("-only lists no item; leave it out to run them all")
	}
	slices.Sort(items)
	return items, nil
}

// newHarness finds the module and terraform and builds the provider, unless
// only the Go benchmarks were asked for; the no-op provider for items 2 and
// 6; and for item 6 the profiled provider, and the baseline's when one is
// given.
func newHarness(ctx context.Context, rounds int, items []int, baseline string, progress io.Writer) (*harness, func(), error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "xano-bench-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	h := &harness{root: root, tmp: tmp, rounds: rounds, progress: progress}
	if tfPath, err := exec.LookPath("terraform"); err == nil {
		h.tfPath = tfPath
	}
	if slices.ContainsFunc(items, func(i int) bool { return i != 5 }) {
		if h.tfPath == "" {
			cleanup()
			return nil, nil, errors.New("terraform is not on PATH: every item but 5 runs the real terraform CLI (1.11.4 expected); use -only 5 without it")
		}
		binDir := filepath.Join(tmp, "bin")
		if err := os.MkdirAll(binDir, 0o755); err != nil {
			cleanup()
			return nil, nil, err
		}
		h.logf("building the provider")
		if h.binPath, err = buildProvider(ctx, root, binDir, true); err != nil {
			cleanup()
			return nil, nil, err
		}
		if slices.Contains(items, 2) || slices.Contains(items, 6) {
			h.logf("building the no-op providers")
			if err := buildNoopProviders(ctx, root, tmp, binDir); err != nil {
				cleanup()
				return nil, nil, err
			}
		}
		h.cliConfig = filepath.Join(tmp, "terraformrc")
		if err := writeCLIConfig(h.cliConfig, binDir); err != nil {
			cleanup()
			return nil, nil, err
		}
		if slices.Contains(items, 6) {
			h.logf("building the profiled provider")
			profDir := filepath.Join(tmp, "profiled-bin")
			if err := os.MkdirAll(profDir, 0o755); err != nil {
				cleanup()
				return nil, nil, err
			}
			if _, err := buildProfiledProvider(ctx, root, filepath.Join(tmp, "profiled-module"), profDir); err != nil {
				cleanup()
				return nil, nil, err
			}
			h.profiledCLIConfig = filepath.Join(tmp, "terraformrc-profiled")
			if err := writeCLIConfig(h.profiledCLIConfig, profDir); err != nil {
				cleanup()
				return nil, nil, err
			}
		}
		if baseline != "" && slices.Contains(items, 6) {
			h.logf("building the provider at %s", baseline)
			baseDir := filepath.Join(tmp, "baseline-bin")
			if err := os.MkdirAll(baseDir, 0o755); err != nil {
				cleanup()
				return nil, nil, err
			}
			if _, err := buildBaseline(ctx, root, baseline, tmp, baseDir); err != nil {
				cleanup()
				return nil, nil, fmt.Errorf("building the baseline %s: %w", baseline, err)
			}
			h.baseline = baseline
			h.baselineCLIConfig = filepath.Join(tmp, "terraformrc-baseline")
			if err := writeCLIConfig(h.baselineCLIConfig, baseDir); err != nil {
				cleanup()
				return nil, nil, err
			}
		}
	}
	return h, cleanup, nil
}

// terraformVersion asks the terraform binary for its version.
func terraformVersion(ctx context.Context, tfPath string) string {
	if tfPath == "" {
		return "not found on PATH"
	}
	tf, err := tfexec.NewTerraform(os.TempDir(), tfPath)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	v, _, err := tf.Version(ctx, true)
	if err != nil {
		return "unknown (" + firstLine(err) + ")"
	}
	return v.String()
}

// runInfo is the header of the report: when, where and on what it ran.
type runInfo struct {
	date, machine, goVersion, tfVersion, commit, load string
	took                                              time.Duration
	rounds                                            int
	items                                             []int
}

// renderReport assembles the markdown document printed and committed.
func renderReport(info runInfo, sections []section) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("<!-- Generated by `make bench` (tools/xano-bench). Do not edit: run `make bench` and commit the result. -->\n\n")
	b.WriteString("What the provider costs its users, measured in one run against the in-process emulator with the real `terraform` CLI, " +
		"side by side with the floor. Generated by `make bench`; do not edit by hand.\n\n")
	meta := table{header: []string{"", ""}}
	itemList := make([]string, len(info.items))
	for i, n := range info.items {
		itemList[i] = strconv.Itoa(n)
	}
	meta.addRow("date", info.date)
	meta.addRow("machine", info.machine)
	meta.addRow("Go", info.goVersion)
	meta.addRow("Terraform", info.tfVersion)
	meta.addRow("provider commit", info.commit)
	meta.addRow("rounds", strconv.Itoa(info.rounds))
	meta.addRow("items", strings.Join(itemList, ", "))
	meta.addRow("load average (1 min)", info.load)
	meta.addRow("run time", info.took.Round(time.Second).String())
	b.WriteString(meta.markdown() + "\n")

	var checks []check
	for _, s := range sections {
		checks = append(checks, s.checks...)
	}
	if len(checks) > 0 {
		b.WriteString("## Summary\n\n")
		b.WriteString(summaryTable(checks).markdown() + "\n")
	}
	for _, s := range sections {
		b.WriteString(s.markdown())
	}
	return b.String()
}
