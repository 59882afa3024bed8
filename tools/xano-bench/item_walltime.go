package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
	"github.com/terraform-provider-xano/terraform-provider-xano/tools/xano-bench/shape"
)

// The scale of items 2 and 3: 50 tokens, 10 on each of 5 instances.
const (
	benchInstances    = 5
	tokensPerInstance = 10
	benchTokens       = benchInstances * tokensPerInstance
)

// phase is one timed Terraform command of item 2.
type phase struct {
	name string
	run  func(ctx context.Context, ws *workspace) error
}

var wallPhases = []phase{
	{"plan (50 to create)", func(ctx context.Context, ws *workspace) error {
		changes, err := ws.tf.Plan(ctx)
		if err == nil && !changes {
			err = fmt.Errorf("the plan has nothing to create")
		}
		return err
	}},
	{"apply (create 50)", func(ctx context.Context, ws *workspace) error { return ws.tf.Apply(ctx) }},
	{"plan (steady, 50 refreshed)", func(ctx context.Context, ws *workspace) error {
		changes, err := ws.tf.Plan(ctx)
		if err == nil && changes {
			err = fmt.Errorf("the steady-state plan is not empty")
		}
		return err
	}},
	{"destroy (50)", func(ctx context.Context, ws *workspace) error { return ws.tf.Destroy(ctx) }},
}

// side is one configuration compared: the provider's tokens (A), the same
// count of no-op resources with the token's schema shape (S), of no-op
// resources storing a name (N, the floor the target is set against), or of
// terraform_data (B, Terraform alone).
type side struct {
	label string
	srv   *server
	ws    *workspace
	costs [][]cost // per phase, per round
	reqs  [][]int  // per phase, per round (token side only)
	conns [][]int  // TCP connections, per phase, per round (token side only)
}

// wholeCycle is the row summing the four commands of one round.
const wholeCycle = "whole cycle (the four commands)"

// maxCycleRatio is the target of the whole cycle against the no-op provider.
const maxCycleRatio = 1.2

// benchWallTime times plan, apply, a steady plan and destroy of 50 tokens
// against 50 resources of a no-op provider on the same framework and 50
// terraform_data, rotating which side goes first in each round so that none
// always runs on a warmer machine.
func (h *harness) benchWallTime(ctx context.Context) section {
	sec := section{item: 2, title: "Wall time: 50 tokens against no-op framework providers and terraform_data",
		intro: fmt.Sprintf("A is %d `xano_metadata_token` (10 on each of 5 instances) against the emulator (no latency, no rate limit). "+
			"N is %d `noop_thing` of a provider built by the harness in a temporary module from the provider's own go.mod, so on the same "+
			"plugin framework version: one resource that stores a `name` and makes no I/O, the floor of any provider on this framework. "+
			"S is %d `noop_shaped` of the same provider: a resource with `xano_metadata_token`'s schema shape (the same attributes, flags and "+
			"scope block, described from the live schema, without plan modifiers, validators, defaults or custom types) that stores its plan and "+
			"makes no I/O, configured like A; A − S is what the Xano provider's own code and API calls add, S − N what the framework charges "+
			"for the schema. N and S run with the plugin SDK's loggers OFF, as the Xano provider turns them off itself when no `TF_LOG*` variable is set, "+
			"and at Go's default garbage-collection target, where the Xano provider sets GOGC=400 for itself (item 6 shows what the collector costs each). "+
			"R is %d `noopraw_shaped`: the same shape, configured the same way, served by a provider written on terraform-plugin-go alone, "+
			"without the framework, that does the least the protocol allows (it marks a new resource's computed values unknown, stores the plan "+
			"and keeps the state): the floor of any provider with this schema, on any framework, so R / N is the lowest ratio such a provider can reach. "+
			"B is %d `terraform_data`, built into Terraform with no plugin process: the cost of Terraform itself. "+
			"Each command runs once per side per round, the first side rotating between rounds; %d rounds; figures are medians.",
			benchTokens, benchTokens, benchTokens, benchTokens, benchTokens, h.rounds)}
	var sides []*side
	defer func() {
		for _, s := range sides {
			if s.srv != nil {
				s.srv.close()
			}
		}
	}()
	shapeJSON, shapeErr := tokenShape(ctx)
	for _, label := range []string{"A", "S", "R", "N", "B"} {
		s := &side{label: label, costs: make([][]cost, len(wallPhases)), reqs: make([][]int, len(wallPhases)), conns: make([][]int, len(wallPhases))}
		sides = append(sides, s)
		var err error
		switch label {
		case "A":
			// The token side has its own emulator: 50 tokens fill the 5
			// instances' limit of 10 active tokens.
			if s.srv, err = startServer(emulator.Options{}); err == nil {
				s.ws, err = h.newWorkspace("wall-tokens", s.srv, tokensConfig(benchInstances, tokensPerInstance))
			}
		case "S", "R":
			// The two no-op resources of the token's shape, on the
			// framework and without it, take the shape from one variable.
			name, config := "wall-shaped", shapedConfig(benchInstances, tokensPerInstance)
			if label == "R" {
				name, config = "wall-raw", rawConfig(benchInstances, tokensPerInstance)
			}
			err = shapeErr
			if err == nil {
				s.ws, err = h.newWorkspace(name, nil, config)
			}
			if err == nil {
				err = s.ws.setEnv(sdkLogsOff)
			}
			if err == nil {
				err = s.ws.setEnv(map[string]string{shape.Env: shapeJSON})
			}
		case "N":
			if s.ws, err = h.newWorkspace("wall-noop", nil, noopConfig(benchInstances, tokensPerInstance)); err == nil {
				err = s.ws.setEnv(sdkLogsOff)
			}
		default:
			s.ws, err = h.newWorkspace("wall-data", nil, dataConfig(benchTokens))
		}
		if err == nil {
			// tfexec asks terraform for its version before the first
			// command; asking now keeps that out of the first sample.
			_, _, err = s.ws.tf.Version(ctx, false)
		}
		if err != nil {
			sec.notes = append(sec.notes, "Not measured: "+err.Error())
			return sec
		}
	}

	var failures []string
	for round := range h.rounds {
		order := append(slices.Clone(sides[round%len(sides):]), sides[:round%len(sides)]...)
		h.logf("item 2: round %d of %d (%s first)", round+1, h.rounds, order[0].label)
		for pi, p := range wallPhases {
			for _, s := range order {
				if s.srv != nil {
					s.srv.reset()
				}
				c, err := measured(func() error { return p.run(ctx, s.ws) })
				if err != nil {
					failures = append(failures, fmt.Sprintf("round %d, %s, side %s: %s", round+1, p.name, s.label, firstLine(err)))
				}
				s.costs[pi] = append(s.costs[pi], c)
				if s.srv == nil {
					continue
				}
				got := s.srv.snapshot()
				s.reqs[pi] = append(s.reqs[pi], got.total())
				s.conns[pi] = append(s.conns[pi], got.conns)
				if live := liveTokens(s.srv.emu, benchInstances); pi == 1 && live != benchTokens {
					failures = append(failures, fmt.Sprintf("round %d, side %s: after apply the emulator holds %d tokens, not %d", round+1, s.label, live, benchTokens))
				} else if pi == 3 && live != 0 {
					failures = append(failures, fmt.Sprintf("round %d, side %s: after destroy the emulator still holds %d tokens", round+1, s.label, live))
				}
			}
		}
	}

	a, sh, raw, n, b := sides[0], sides[1], sides[2], sides[3], sides[4]
	names := append(phaseNames(), wholeCycle)
	// series returns one side's samples of a row, wall or CPU; the whole
	// cycle is summed per round before taking the median.
	series := func(s *side, pi int, cpu bool) []time.Duration {
		pick := func(c cost) time.Duration {
			if cpu {
				return c.cpu
			}
			return c.wall
		}
		var out []time.Duration
		if pi < len(wallPhases) {
			for _, c := range s.costs[pi] {
				out = append(out, pick(c))
			}
			return out
		}
		for r := range s.costs[0] {
			var sum time.Duration
			for p := range wallPhases {
				sum += pick(s.costs[p][r])
			}
			out = append(out, sum)
		}
		return out
	}
	// perRun is the median count of a token-side series; the whole cycle
	// adds the medians of the four commands.
	perRun := func(counts [][]int, pi int) int {
		if pi < len(wallPhases) {
			return medianInt(counts[pi])
		}
		total := 0
		for p := range wallPhases {
			total += medianInt(counts[p])
		}
		return total
	}
	wall := table{header: []string{"command", "A: tokens", "S: no-op, token's shape", "R: token's shape, no framework", "N: no-op, one attribute", "B: terraform_data",
		"A / N", "A − N", "A / S", "A / R", "R / N", "A / B", "A requests per run", "A TCP connections per run"},
		right: []bool{false, true, true, true, true, true, true, true, true, true, true, true, true, true}}
	cpu := table{header: []string{"command", "A CPU", "S CPU", "R CPU", "N CPU", "B CPU", "A / N CPU", "A − N CPU per token", "A / S CPU", "A − S CPU per token", "A / R CPU", "R / N CPU"},
		right: []bool{false, true, true, true, true, true, true, true, true, true, true, true}}
	samples := table{header: []string{"command", "A samples", "S samples", "R samples", "N samples", "B samples"}}
	cpuKnown := true
	var cycleRatio, shapedCycleRatio, rawCycleRatio, rawCycleCPURatio float64
	for pi, name := range names {
		ma, ms, mr, mn, mb := median(series(a, pi, false)), median(series(sh, pi, false)), median(series(raw, pi, false)), median(series(n, pi, false)), median(series(b, pi, false))
		ca, cs, cr, cn, cb := median(series(a, pi, true)), median(series(sh, pi, true)), median(series(raw, pi, true)), median(series(n, pi, true)), median(series(b, pi, true))
		label := name
		if pi == len(wallPhases) {
			label = "**" + name + "**"
			cycleRatio, shapedCycleRatio, rawCycleRatio = ratioOf(ma, mn), ratioOf(ma, ms), ratioOf(mr, mn)
			rawCycleCPURatio = ratioOf(cr, cn)
		}
		wall.addRow(label, fmtDuration(ma), fmtDuration(ms), fmtDuration(mr), fmtDuration(mn), fmtDuration(mb), ratio(ma, mn), fmtDuration(ma-mn),
			ratio(ma, ms), ratio(ma, mr), ratio(mr, mn), ratio(ma, mb), fmt.Sprint(perRun(a.reqs, pi)), fmt.Sprint(perRun(a.conns, pi)))
		if ca < 0 || cs < 0 || cr < 0 || cn < 0 || cb < 0 {
			cpuKnown = false
		}
		cpu.addRow(label, fmtDuration(ca), fmtDuration(cs), fmtDuration(cr), fmtDuration(cn), fmtDuration(cb), ratio(ca, cn), fmtDuration((ca-cn)/benchTokens),
			ratio(ca, cs), fmtDuration((ca-cs)/benchTokens), ratio(ca, cr), ratio(cr, cn))
		samples.addRow(name, fmtDurations(series(a, pi, false)), fmtDurations(series(sh, pi, false)), fmtDurations(series(raw, pi, false)),
			fmtDurations(series(n, pi, false)), fmtDurations(series(b, pi, false)))
	}
	sec.tables = append(sec.tables, wall)
	if cpuKnown {
		sec.tables = append(sec.tables, cpu)
	}
	sec.tables = append(sec.tables, samples)
	sec.notes = append(sec.notes,
		"A − N is what the Xano provider adds to the smallest provider on the same framework: the framework's per-resource work for a larger schema (S − N), "+
			"then the provider's own code, its start-up and the API round trips (A − S); N − B is the plugin protocol itself "+
			"(Terraform starts the plugin several times per command, and every resource crosses gRPC).",
		"R − N is what Terraform itself and the plugin protocol charge for the token's schema (decoding, planning, diffing, rendering and storing "+
			"twenty attributes, a set of scope blocks and a list of findings per resource) with the framework out of the way; S − R is the framework's "+
			"share. A target below R / N cannot be met by any provider that keeps this schema.",
		"CPU is user plus system time of terraform and every plugin process it started during the command (getrusage of the reaped children), "+
			"so it is less sensitive than wall time to other work on the machine; the emulator runs inside the harness and is not counted.",
		"Terraform runs 10 operations in parallel (its default); the emulator answers in well under a millisecond, so real-network latency comes on top of A.")
	for _, f := range failures {
		sec.notes = append(sec.notes, "Failure: "+f)
	}
	sec.checks = append(sec.checks,
		check{item: 2, what: "wall-time runs without failure", target: "0 failures",
			measured: fmt.Sprintf("%d failures", len(failures)), met: len(failures) == 0},
		check{item: 2, what: "whole cycle of 50 tokens against the no-op framework provider", target: fmt.Sprintf("≤ %.2f×", maxCycleRatio),
			measured: fmt.Sprintf("%.2f×", cycleRatio), met: cycleRatio > 0 && cycleRatio <= maxCycleRatio},
		check{item: 2, what: "whole cycle of 50 tokens against a no-op resource of the token's schema shape", target: fmt.Sprintf("≤ %.2f×", maxCycleRatio),
			measured: fmt.Sprintf("%.2f×", shapedCycleRatio), met: shapedCycleRatio > 0 && shapedCycleRatio <= maxCycleRatio},
		check{item: 2, what: "the floor for the token's schema: whole cycle of 50 no-op resources of that schema without the framework (R) against the one-attribute no-op",
			target: "context: no provider with this schema can go below it", measured: fmt.Sprintf("%.2f× wall, %.2f× CPU", rawCycleRatio, rawCycleCPURatio), info: true})
	return sec
}

func phaseNames() []string {
	names := make([]string, len(wallPhases))
	for i, p := range wallPhases {
		names[i] = p.name
	}
	return names
}
