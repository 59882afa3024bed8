package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
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
// with the SDK's trace logging off (A′), or the same count of terraform_data
// (B, the floor).
type side struct {
	label string
	srv   *server
	ws    *workspace
	times [][]time.Duration // per phase, per round
	reqs  [][]int           // per phase, per round (token sides only)
}

// benchWallTime times plan, apply, a steady plan and destroy of 50 tokens
// against 50 terraform_data resources, rotating which side goes first in
// each round so that none always runs on a warmer machine.
func (h *harness) benchWallTime(ctx context.Context) section {
	sec := section{item: 2, title: "Wall time: 50 tokens against 50 terraform_data",
		intro: fmt.Sprintf("A is %d `xano_metadata_token` (10 on each of 5 instances) against the emulator (no latency, no rate limit); "+
			"B is %d `terraform_data`, built into Terraform: the floor, the cost of Terraform itself. "+
			"A′ is A with the plugin SDK's own loggers set to OFF (`TF_LOG_SDK`, `TF_LOG_SDK_PROTO`, `TF_LOG_SDK_FRAMEWORK`), "+
			"to show what the SDK's trace logging costs when nobody reads it. Each command runs once per side per round, "+
			"the first side rotating between rounds; %d rounds; times are medians.", benchTokens, benchTokens, h.rounds)}
	var sides []*side
	defer func() {
		for _, s := range sides {
			if s.srv != nil {
				s.srv.close()
			}
		}
	}()
	for _, spec := range []struct {
		label  string
		tokens bool
		env    map[string]string
	}{{"A", true, nil}, {"A′", true, sdkLogsOff}, {"B", false, nil}} {
		s := &side{label: spec.label, times: make([][]time.Duration, len(wallPhases)), reqs: make([][]int, len(wallPhases))}
		sides = append(sides, s)
		var err error
		if spec.tokens {
			// Each token side has its own emulator: 50 tokens fill the 5
			// instances' limit of 10 active tokens.
			if s.srv, err = startServer(emulator.Options{}); err == nil {
				s.ws, err = h.newWorkspace("wall-tokens-"+fmt.Sprint(len(sides)), s.srv, tokensConfig(benchInstances, tokensPerInstance))
			}
		} else {
			s.ws, err = h.newWorkspace("wall-data", nil, dataConfig(benchTokens))
		}
		if err == nil && spec.env != nil {
			err = s.ws.setEnv(spec.env)
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
				d, err := timed(func() error { return p.run(ctx, s.ws) })
				if err != nil {
					failures = append(failures, fmt.Sprintf("round %d, %s, side %s: %s", round+1, p.name, s.label, firstLine(err)))
				}
				s.times[pi] = append(s.times[pi], d)
				if s.srv == nil {
					continue
				}
				s.reqs[pi] = append(s.reqs[pi], s.srv.snapshot().total())
				if live := liveTokens(s.srv.emu, benchInstances); pi == 1 && live != benchTokens {
					failures = append(failures, fmt.Sprintf("round %d, side %s: after apply the emulator holds %d tokens, not %d", round+1, s.label, live, benchTokens))
				} else if pi == 3 && live != 0 {
					failures = append(failures, fmt.Sprintf("round %d, side %s: after destroy the emulator still holds %d tokens", round+1, s.label, live))
				}
			}
		}
	}

	a, a2, b := sides[0], sides[1], sides[2]
	// apply + destroy is the cost of one full lifecycle, summed per round
	// before taking the median.
	names := append(phaseNames(), "apply + destroy")
	series := func(s *side, pi int) []time.Duration {
		if pi < len(wallPhases) {
			return s.times[pi]
		}
		var life []time.Duration
		for r := range s.times[1] {
			life = append(life, s.times[1][r]+s.times[3][r])
		}
		return life
	}
	reqs := func(pi int) int {
		if pi < len(wallPhases) {
			return medianInt(a.reqs[pi])
		}
		return medianInt(a.reqs[1]) + medianInt(a.reqs[3])
	}
	t := table{header: []string{"command", "A: tokens", "A′: tokens, SDK logs off", "B: terraform_data", "A / B", "A − B", "A′ − B", "share of A − B spent on SDK logs", "A requests per run"},
		right: []bool{false, true, true, true, true, true, true, true, true}}
	samples := table{header: []string{"command", "A samples", "A′ samples", "B samples"}}
	for pi, name := range names {
		ma, ma2, mb := median(series(a, pi)), median(series(a2, pi)), median(series(b, pi))
		t.addRow(name, fmtDuration(ma), fmtDuration(ma2), fmtDuration(mb), ratio(ma, mb), fmtDuration(ma-mb), fmtDuration(ma2-mb),
			percent(ma-ma2, ma-mb), fmt.Sprint(reqs(pi)))
		samples.addRow(name, fmtDurations(series(a, pi)), fmtDurations(series(a2, pi)), fmtDurations(series(b, pi)))
	}
	sec.tables = append(sec.tables, t, samples)
	sec.notes = append(sec.notes,
		"A − B is what the provider adds to Terraform's own work: starting the plugin (Terraform starts it several times per command), the gRPC calls, the framework's per-resource work and the API round trips.",
		"Terraform runs 10 operations in parallel (its default); the emulator answers in well under a millisecond, so real-network latency comes on top of A.")
	for _, f := range failures {
		sec.notes = append(sec.notes, "Failure: "+f)
	}
	sec.checks = append(sec.checks, check{item: 2, what: "wall-time runs without failure", target: "0 failures",
		measured: fmt.Sprintf("%d failures", len(failures)), met: len(failures) == 0})
	return sec
}

func phaseNames() []string {
	names := make([]string, len(wallPhases))
	for i, p := range wallPhases {
		names[i] = p.name
	}
	return names
}
