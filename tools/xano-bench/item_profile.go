package main

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/benchprof"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// profileEnv is the switch the bench's providers read through benchprof:
// each provider process writes a CPU profile into that directory.
const profileEnv = benchprof.Env

// profileBucket is one entry of the breakdown: a function whose cumulative
// time (its own and its callees') says where the provider spends its CPU.
type profileBucket struct {
	label, function string
}

// profileBuckets are the entries item 6 reports, the per-call work first.
// Times are cumulative, so an entry includes the ones nested in it.
var profileBuckets = []profileBucket{
	{"PlanResourceChange (framework + provider)", "github.com/hashicorp/terraform-plugin-framework/internal/proto6server.(*Server).PlanResourceChange"},
	{"· decoding config, state and plan (with NullifyCollectionBlocks)", "github.com/hashicorp/terraform-plugin-framework/internal/fromproto6.DynamicValue"},
	{"· TransformDefaults", "github.com/hashicorp/terraform-plugin-framework/internal/fwschemadata.(*Data).TransformDefaults"},
	{"· SchemaModifyPlan (every attribute's plan modifiers)", "github.com/hashicorp/terraform-plugin-framework/internal/fwserver.SchemaModifyPlan"},
	{"· provider ModifyPlan", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.(*metadataTokenResource).ModifyPlan"},
	{"ValidateResourceConfig (framework + provider)", "github.com/hashicorp/terraform-plugin-framework/internal/proto6server.(*Server).ValidateResourceConfig"},
	{"· provider ValidateConfig", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.(*metadataTokenResource).ValidateConfig"},
	{"ApplyResourceChange (framework + provider)", "github.com/hashicorp/terraform-plugin-framework/internal/proto6server.(*Server).ApplyResourceChange"},
	{"ReadResource (framework + provider)", "github.com/hashicorp/terraform-plugin-framework/internal/proto6server.(*Server).ReadResource"},
	{"· semantic equality of the new state", "github.com/hashicorp/terraform-plugin-framework/internal/fwserver.SchemaSemanticEquality"},
	{"UpgradeResourceState (framework)", "github.com/hashicorp/terraform-plugin-framework/internal/proto6server.(*Server).UpgradeResourceState"},
	{"API client (xano.Client.do, HTTP included)", "github.com/terraform-provider-xano/terraform-provider-xano/internal/xano.(*Client).do"},
	{"provider Configure (settings, credentials file, client)", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.(*xanoProvider).Configure"},
	{"risk review of a planned token (findings and diagnostics)", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.reviewTokenPlan"},
	{"duration type: semantic equality", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.DurationValue.StringSemanticEquals"},
	{"duration type: validation", "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider.DurationValue.ValidateAttribute"},
	{"framework reflection into models (tfsdk Get)", "github.com/hashicorp/terraform-plugin-framework/internal/reflect.Into"},
	{"framework reflection from models (tfsdk Set)", "github.com/hashicorp/terraform-plugin-framework/internal/reflect.FromValue"},
	{"· regexp compiled per struct field (framework issue #725)", "github.com/hashicorp/terraform-plugin-framework/internal/reflect.isValidFieldName"},
	{"schema attribute map rebuilt per path lookup", "github.com/hashicorp/terraform-plugin-framework/resource/schema.schemaAttributes"},
	{"go-plugin TLS certificate, once per process", "github.com/hashicorp/go-plugin.generateCert"},
	{"garbage collector (background marking)", "runtime.gcBgMarkWorker"},
	{"memory allocation (mallocgc, with GC assists)", "runtime.mallocgc"},
}

// profileLine is one function of `go tool pprof -top` output.
type profileLine struct {
	function  string
	flat, cum time.Duration
}

// pprofTop is the parsed output of `go tool pprof -top -cum`.
type pprofTop struct {
	total time.Duration
	lines []profileLine
}

var (
	totalSamplesRe = regexp.MustCompile(`Total samples = ([0-9.]+)ms`)
	topLineRe      = regexp.MustCompile(`^\s*([0-9.]+)(?:ms)?\s+[0-9.]+%\s+[0-9.]+%\s+([0-9.]+)(?:ms)?\s+[0-9.]+%\s+(.+?)(?:\s+\((?:partial-)?inline\))?$`)
)

// parsePprofTop reads `go tool pprof -top -cum -unit=ms` output; lines it
// does not recognise are skipped.
func parsePprofTop(out string) pprofTop {
	var top pprofTop
	for _, line := range strings.Split(out, "\n") {
		if m := totalSamplesRe.FindStringSubmatch(line); m != nil {
			top.total = msDuration(m[1])
			continue
		}
		if m := topLineRe.FindStringSubmatch(line); m != nil {
			top.lines = append(top.lines, profileLine{function: m[3], flat: msDuration(m[1]), cum: msDuration(m[2])})
		}
	}
	return top
}

func msDuration(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return time.Duration(f * float64(time.Millisecond))
}

// cum returns the cumulative time of function, and whether it was sampled.
func (t pprofTop) cum(function string) (time.Duration, bool) {
	for _, l := range t.lines {
		if l.function == function {
			return l.cum, true
		}
	}
	return 0, false
}

// topFlat returns the n functions with the most time of their own.
func (t pprofTop) topFlat(n int) []profileLine {
	lines := append([]profileLine(nil), t.lines...)
	// Stable by flat time, descending; ties keep pprof's order.
	for i := 1; i < len(lines); i++ {
		for j := i; j > 0 && lines[j].flat > lines[j-1].flat; j-- {
			lines[j], lines[j-1] = lines[j-1], lines[j]
		}
	}
	return lines[:min(n, len(lines))]
}

// readProfiles merges the profiles in dirs with go tool pprof.
func readProfiles(ctx context.Context, dirs ...string) (pprofTop, error) {
	var files []string
	for _, d := range dirs {
		matches, _ := filepath.Glob(filepath.Join(d, "*.pprof"))
		files = append(files, matches...)
	}
	if len(files) == 0 {
		return pprofTop{}, errors.New("no provider process wrote a profile")
	}
	args := append([]string{"tool", "pprof", "-top", "-cum", "-unit=ms", "-nodecount=100000"}, files...)
	out, err := exec.CommandContext(ctx, "go", args...).Output()
	if err != nil {
		return pprofTop{}, fmt.Errorf("go tool pprof: %w", err)
	}
	return parsePprofTop(string(out)), nil
}

// profiledBuild is one provider and resource whose processes item 6
// profiles.
type profiledBuild struct {
	label     string
	cliConfig string
	// kind is "tokens", "shaped" (noop_shaped) or "noop" (noop_thing).
	kind string
	// dirs[phase] collects the profiles of every round.
	dirs []string
}

// benchProfile runs the four commands of item 2 with every provider process
// profiled: the current build, the no-op provider and, with -baseline, the
// provider built from an earlier commit, and reports the provider CPU per
// command and where it goes.
func (h *harness) benchProfile(ctx context.Context) section {
	sec := section{item: 6, title: "Where the provider's CPU time goes",
		intro: fmt.Sprintf("Every provider process started by the four commands of item 2 (50 tokens, 10 on each of 5 instances) writes a CPU profile "+
			"(`%s=dir`, read by the bench's own builds: the provider's `main.go` wrapped by a main that starts and stops the profile, "+
			"and the no-op providers; the shipped binary has no profile hook). Profiles sample at 100 Hz, so these are sums of 10 ms samples over "+
			"%d rounds, divided by the rounds. The breakdown lists cumulative times (a function and its callees), so nested entries, marked ·, "+
			"are part of the entry above them; `go tool pprof -top -cum` on the same files gives the rest.", profileEnv, h.rounds)}
	shapeJSON, err := tokenShape(ctx)
	if err != nil {
		sec.notes = append(sec.notes, "Not measured: "+err.Error())
		return sec
	}
	builds := []*profiledBuild{{label: "tokens", cliConfig: h.profiledCLIConfig, kind: "tokens"}}
	if h.baselineCLIConfig != "" {
		builds = append([]*profiledBuild{{label: "tokens at " + h.baseline, cliConfig: h.baselineCLIConfig, kind: "tokens"}}, builds...)
	}
	builds = append(builds,
		&profiledBuild{label: "no-op, token's shape", cliConfig: h.cliConfig, kind: "shaped"},
		&profiledBuild{label: "no-op, one attribute", cliConfig: h.cliConfig, kind: "noop"})
	// current is the index of the current build, the first after a baseline.
	current := len(builds) - 3

	var failures []string
	for bi, b := range builds {
		for pi := range wallPhases {
			dir := filepath.Join(h.tmp, fmt.Sprintf("profile-%d-%d", bi, pi))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				sec.notes = append(sec.notes, "Not measured: "+err.Error())
				return sec
			}
			b.dirs = append(b.dirs, dir)
		}
	}
	for round := range h.rounds {
		h.logf("item 6: round %d of %d", round+1, h.rounds)
		for bi, b := range builds {
			if err := h.profileCycle(ctx, b, fmt.Sprintf("profile-ws-%d-%d", bi, round), shapeJSON); err != nil {
				failures = append(failures, fmt.Sprintf("round %d, %s: %s", round+1, b.label, firstLine(err)))
			}
		}
	}

	perCommand := table{header: []string{"command"}, right: []bool{false}}
	for _, b := range builds {
		perCommand.header = append(perCommand.header, "provider CPU: "+b.label)
		perCommand.right = append(perCommand.right, true)
	}
	perCommand.header = append(perCommand.header, "tokens − one-attribute no-op, per token", "tokens − shaped no-op, per token")
	perCommand.right = append(perCommand.right, true, true)
	tops := make([]pprofTop, len(builds))
	var cycle []time.Duration
	for range builds {
		cycle = append(cycle, 0)
	}
	rounds := time.Duration(h.rounds)
	for pi, p := range wallPhases {
		row := []string{p.name}
		var totals []time.Duration
		for bi, b := range builds {
			top, err := readProfiles(ctx, b.dirs[pi])
			if err != nil {
				failures = append(failures, fmt.Sprintf("%s, %s: %s", p.name, b.label, err))
			}
			totals = append(totals, top.total/rounds)
			cycle[bi] += top.total / rounds
			row = append(row, fmtDuration(top.total/rounds))
		}
		row = append(row, perTokenGaps(totals, current)...)
		perCommand.addRow(row...)
	}
	cycleRow := []string{"**" + wholeCycle + "**"}
	for _, c := range cycle {
		cycleRow = append(cycleRow, fmtDuration(c))
	}
	cycleRow = append(cycleRow, perTokenGaps(cycle, current)...)
	perCommand.addRow(cycleRow...)
	sec.tables = append(sec.tables, perCommand)

	breakdown := table{header: []string{"where (cumulative)"}, right: []bool{false}}
	for bi, b := range builds {
		top, err := readProfiles(ctx, b.dirs...)
		if err != nil {
			failures = append(failures, fmt.Sprintf("whole cycle, %s: %s", b.label, err))
		}
		tops[bi] = top
		breakdown.header = append(breakdown.header, b.label)
		breakdown.right = append(breakdown.right, true)
	}
	for _, bucket := range profileBuckets {
		row := []string{bucket.label}
		for _, top := range tops {
			row = append(row, profileCell(top, bucket.function, rounds))
		}
		breakdown.addRow(row...)
	}
	sec.tables = append(sec.tables, breakdown)

	sec.tables = append(sec.tables, candidatesTable(tops[current], rounds))

	for bi, b := range builds {
		if b.kind != "tokens" {
			continue
		}
		flat := table{header: []string{"function (" + b.label + ")", "own time per cycle", "share"}, right: []bool{false, true, true}}
		for _, l := range tops[bi].topFlat(12) {
			flat.addRow(l.function, fmtDuration(l.flat/rounds), percent(l.flat, tops[bi].total))
		}
		sec.tables = append(sec.tables, flat)
	}
	sec.notes = append(sec.notes,
		"Provider CPU is the sampled CPU time of the provider processes only; terraform's own CPU is in item 2. "+
			"— means no sample: under 10 ms over all rounds.",
		"The framework's cost grows with the schema: every call walks every attribute and block of the resource "+
			"(decoding, defaults, plan modifiers, semantic equality), looking each one up in an attribute map that "+
			"`resource/schema` rebuilds per lookup, while the no-op resource has one attribute.")
	if h.baselineCLIConfig == "" {
		sec.notes = append(sec.notes, "Run with `BENCH_BASELINE=<commit>` (`-baseline`) to profile a build of an earlier commit beside this one.")
	}
	for _, f := range failures {
		sec.notes = append(sec.notes, "Failure: "+f)
	}
	return sec
}

// candidatesTable weighs the causes the performance issue suspected against
// this run's profile of the current build; the verdicts say what the code
// does about each, the figures come from the run.
func candidatesTable(top pprofTop, rounds time.Duration) table {
	fig := func(functions ...string) string {
		var parts []string
		for _, f := range functions {
			for _, b := range profileBuckets {
				if b.function == f {
					parts = append(parts, strings.TrimPrefix(b.label, "· ")+": "+profileCell(top, f, rounds))
				}
			}
		}
		return strings.Join(parts, "; ")
	}
	const prov = "github.com/terraform-provider-xano/terraform-provider-xano/internal/provider."
	const fw = "github.com/hashicorp/terraform-plugin-framework/internal/"
	t := table{header: []string{"suspected cause", "this run (tokens, per cycle)", "verdict"}}
	t.addRow("decoding plan and state more than once per call",
		fig(prov+"(*metadataTokenResource).ModifyPlan", fw+"reflect.Into", fw+"reflect.isValidFieldName"),
		"Dismissed as a double decode, confirmed as a cost: the framework decodes each value once, and ModifyPlan decoded the plan and the state "+
			"into the model once each, through reflection that compiles a regexp per field. getModel now decodes without it, "+
			"which saved about 1,200 of the 12,379 allocations of an unchanged token's plan when it came in.")
	t.addRow("set-nested blocks and their semantic equality",
		fig(fw+"fromproto6.DynamicValue", fw+"fwserver.SchemaModifyPlan", fw+"fwserver.SchemaSemanticEquality"),
		"Confirmed, in the framework: the scope block is most of the per-token cost, and each further block adds about as much again "+
			"(item 5, BenchmarkPlanUnchangedTokenFourScopes against BenchmarkPlanUnchangedToken), because every walk converts the whole element "+
			"to find each of its attributes (terraform-plugin-framework issue #775); semantic equality is small. Item 2's S side pays the same "+
			"with no provider code. A list-nested block costs about a fifth less but compares by position, so reordered blocks would plan changes.")
	t.addRow("the duration custom type",
		fig(prov+"DurationValue.StringSemanticEquals", prov+"DurationValue.ValidateAttribute"),
		"Dismissed: parsing a duration takes nanoseconds; custom type, plan modifiers, validators and ModifyPlan together add a few per cent "+
			"of allocations to the framework's cost for the schema (item 5, the floor of the token's shape against BenchmarkPlanUnchangedToken).")
	t.addRow("the risk review running on unchanged tokens",
		fig(prov+"reviewTokenPlan"),
		"Dismissed as a cost of its own: the review runs on every plan, since `findings` is planned for every token, but the policy "+
			"takes microseconds (item 5); what it adds is the framework's work for the `findings` values in every later walk.")
	t.addRow("building a client or reading the credentials file more than once per process",
		fig(prov+"(*xanoProvider).Configure"),
		"Dismissed: Terraform configures each provider process once, and Configure builds one client (item 1 counts the processes per command).")
	t.addRow("a new TCP connection per request",
		fig("github.com/terraform-provider-xano/terraform-provider-xano/internal/xano.(*Client).do"),
		"Dismissed: connections are kept alive; item 2 counts the connections per command, about one per request in flight under "+
			"Terraform's parallelism of 10 rather than one per request, although the idle pool keeps only GOMAXPROCS+1 (3 on 2 cores).")
	t.addRow("the garbage collector",
		fig("runtime.gcBgMarkWorker", "runtime.mallocgc"),
		"Confirmed and tuned: the framework allocates about 0.8 MB per token per plan; the provider now collects at GOGC=400 unless GOGC is set.")
	return t
}

// perTokenGaps formats, per token, the current build's CPU minus the
// one-attribute no-op's (the last) and minus the shaped no-op's (before it).
func perTokenGaps(totals []time.Duration, current int) []string {
	n := len(totals)
	return []string{fmtDuration((totals[current] - totals[n-1]) / benchTokens), fmtDuration((totals[current] - totals[n-2]) / benchTokens)}
}

// profileCell formats one bucket of one build: time per cycle and share.
func profileCell(top pprofTop, function string, rounds time.Duration) string {
	d, ok := top.cum(function)
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s (%s)", fmtDuration(d/rounds), percent(d, top.total))
}

// profileCycle runs plan, apply, steady plan and destroy of one build in a
// fresh working directory, each command's provider processes profiling into
// that command's directory.
func (h *harness) profileCycle(ctx context.Context, b *profiledBuild, name, shapeJSON string) error {
	var ws *workspace
	var err error
	switch b.kind {
	case "tokens":
		srv, serr := startServer(emulator.Options{})
		if serr != nil {
			return serr
		}
		defer srv.close()
		ws, err = h.newWorkspace(name, srv, tokensConfig(benchInstances, tokensPerInstance))
	case "shaped":
		if ws, err = h.newWorkspace(name, nil, shapedConfig(benchInstances, tokensPerInstance)); err == nil {
			err = ws.setEnv(maps.Clone(sdkLogsOff))
		}
		if err == nil {
			err = ws.setEnv(map[string]string{shape.Env: shapeJSON})
		}
	default:
		if ws, err = h.newWorkspace(name, nil, noopConfig(benchInstances, tokensPerInstance)); err == nil {
			err = ws.setEnv(sdkLogsOff)
		}
	}
	if err == nil {
		err = ws.setEnv(map[string]string{"TF_CLI_CONFIG_FILE": b.cliConfig})
	}
	if err != nil {
		return err
	}
	for pi, p := range wallPhases {
		if err := ws.setEnv(map[string]string{profileEnv: b.dirs[pi]}); err != nil {
			return err
		}
		if err := p.run(ctx, ws); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

// buildBaseline extracts the tree of rev with git archive and builds its
// profiled provider into dir.
func buildBaseline(ctx context.Context, root, rev, scratch, dir string) (string, error) {
	src := filepath.Join(scratch, "baseline-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "git", "archive", "--format=tar", rev)
	cmd.Dir = root
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	extractErr := extractTar(out, src)
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("git archive %s: %v: %s", rev, err, strings.TrimSpace(stderr.String()))
	}
	if extractErr != nil {
		return "", extractErr
	}
	return buildProfiledProvider(ctx, src, filepath.Join(scratch, "baseline-module"), dir)
}

// extractTar writes the regular files and directories of a tar stream under
// dir, refusing paths that would leave it.
func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(filepath.Separator)) {
			return fmt.Errorf("the archive holds %q, outside the extraction directory", hdr.Name)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, copyErr := io.Copy(f, tr)
			if err := f.Close(); err != nil || copyErr != nil {
				return errors.Join(copyErr, err)
			}
		}
	}
}
