package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// benchLatency is item 7's round trip, added by the emulator to every answer.
const benchLatency = 100 * time.Millisecond

// steadyPlanRequests and steadyPlanAdded are item 7's targets for a steady
// plan of 50 tokens on 5 instances: one credentials check and one list per
// instance, plus one spare, and at most 3 round trips of added wall time.
//
// A steady plan runs three times a round, since it takes about a second and
// the machine's noise is a tenth of that.
const (
	steadyPlanRequests = 7
	steadyPlanAdded    = 3 * benchLatency
)

// latencyRun is one timed command of item 7.
type latencyRun struct {
	d   time.Duration
	got requests
	err error
}

// latencyCase is one configuration of item 7, run in two modes.
type latencyCase struct {
	name               string
	instances, perInst int
	modes              [2]emulator.Options // Latency and RateLimit of each mode
	modeNames          [2]string
	addedHeader        string
	unit               time.Duration // the latency, for round trips; 0 for none
	// defaultInstance sets the provider's instance to the first instance,
	// whose list the provider sends beside its credential check.
	defaultInstance bool
}

// benchLatency runs apply, a steady plan and destroy of 50 tokens on 5
// instances at 0 and 100 ms of latency, and of 200 tokens on 20 instances
// without and with a limit of 20 requests per second, alternating the order
// of the modes per round.
func (h *harness) benchLatency(ctx context.Context) section {
	sec := section{item: 7, title: "Round trips: latency and a rate limit",
		intro: fmt.Sprintf("The emulator delays every answer by %s, as a real network away would, or limits the requests to %d per second. "+
			"\"Round trips\" is the added wall time divided by the latency: the waves of requests the command waits for one after the other. "+
			"Each round runs apply, three steady plans and destroy in each mode. Medians of %d rounds (%d samples of the steady plan).", fmtDuration(benchLatency), benchRate, h.rounds, 3*h.rounds)}
	cases := []latencyCase{
		{name: "50 tokens on 5 instances", instances: benchInstances, perInst: tokensPerInstance,
			modes: [2]emulator.Options{{}, {Latency: benchLatency}}, modeNames: [2]string{"at 0 ms", "at " + fmtDuration(benchLatency)},
			addedHeader: "added by the latency", unit: benchLatency},
		{name: "10 tokens on the provider's instance", instances: 1, perInst: tokensPerInstance, defaultInstance: true,
			modes: [2]emulator.Options{{}, {Latency: benchLatency}}, modeNames: [2]string{"at 0 ms", "at " + fmtDuration(benchLatency)},
			addedHeader: "added by the latency", unit: benchLatency},
		{name: "200 tokens on 20 instances", instances: 20, perInst: tokensPerInstance,
			modes: [2]emulator.Options{{}, {RateLimit: benchRate}}, modeNames: [2]string{"unlimited", fmt.Sprintf("at %d req/s", benchRate)},
			addedHeader: "added by the limit"},
	}
	for _, c := range cases {
		t, samples, checks, notes := h.latencyCase(ctx, c)
		sec.tables = append(sec.tables, t, samples)
		sec.checks = append(sec.checks, checks...)
		sec.notes = append(sec.notes, notes...)
	}
	sec.notes = append(sec.notes, "A destroy refreshes every token first: with the shared list, that is one list per instance, then one DELETE per token.")
	return sec
}

// latencyCase measures one case and renders its tables and checks.
func (h *harness) latencyCase(ctx context.Context, c latencyCase) (table, table, []check, []string) {
	t := table{header: []string{c.name, "requests", c.modeNames[0], c.modeNames[1], c.addedHeader, "round trips"},
		right: []bool{false, true, true, true, true, true}}
	samples := table{header: []string{c.name, c.modeNames[0] + " samples", c.modeNames[1] + " samples"}}
	srv, err := startServer(emulator.Options{})
	if err != nil {
		return t, samples, nil, []string{"Not measured: " + err.Error()}
	}
	defer srv.close()
	config := tokensConfig(c.instances, c.perInst)
	if c.defaultInstance {
		config = strings.Replace(config, `provider "xano" {}`, fmt.Sprintf("provider \"xano\" {\n  instance = %q\n}", benchInstance(1)), 1)
	}
	ws, err := h.newWorkspace(fmt.Sprintf("latency-%d-%t", c.instances, c.defaultInstance), srv, config)
	if err != nil {
		return t, samples, nil, []string{"Not measured: " + err.Error()}
	}
	ops := []string{"apply (create)", "steady plan", "destroy"}
	tokens := c.instances * c.perInst
	var runs [2][3][]latencyRun
	var notes []string
	for round := range h.rounds {
		modes := []int{0, 1}
		if round%2 == 1 {
			modes = []int{1, 0}
		}
		h.logf("item 7: %s, round %d of %d", c.name, round+1, h.rounds)
		for _, mode := range modes {
			srv.emu.SetLatency(c.modes[mode].Latency)
			for _, op := range []int{0, 1, 1, 1, 2} {
				srv.emu.SetRateLimit(c.modes[mode].RateLimit)
				srv.reset()
				var r latencyRun
				switch op {
				case 0:
					r.d, r.err = timed(func() error { return ws.tf.Apply(ctx) })
					if live := liveTokens(srv.emu, c.instances); r.err == nil && live != tokens {
						r.err = fmt.Errorf("the apply left %d tokens, want %d", live, tokens)
					}
				case 1:
					r.d, r.err = timed(func() error {
						changes, err := ws.tf.Plan(ctx)
						if err == nil && changes {
							err = fmt.Errorf("the steady plan has changes")
						}
						return err
					})
				case 2:
					r.d, r.err = timed(func() error { return ws.tf.Destroy(ctx) })
				}
				r.got = srv.snapshot()
				if r.err != nil {
					notes = append(notes, fmt.Sprintf("Failure: %s, %s, %s: %s", c.name, ops[op], c.modeNames[mode], firstLine(r.err)))
				}
				runs[mode][op] = append(runs[mode][op], r)
			}
		}
	}
	srv.emu.SetLatency(0)
	srv.emu.SetRateLimit(0)
	var checks []check
	for op, name := range ops {
		base, slow := runs[0][op], runs[1][op]
		durs := func(rs []latencyRun) []time.Duration {
			out := make([]time.Duration, len(rs))
			for i, r := range rs {
				out[i] = r.d
			}
			return out
		}
		reqs := func(rs []latencyRun) int {
			out := make([]int, len(rs))
			for i, r := range rs {
				out[i] = r.got.total()
			}
			return medianInt(out)
		}
		mBase, mSlow := median(durs(base)), median(durs(slow))
		added := mSlow - mBase
		trips := "-"
		if c.unit > 0 {
			trips = fmtFloat(float64(added) / float64(c.unit))
		}
		requestCell := fmt.Sprint(reqs(base))
		if n := reqs(slow); n != reqs(base) {
			requestCell = fmt.Sprintf("%d, %d", reqs(base), n)
		}
		t.addRow(name, requestCell, fmtDuration(mBase), fmtDuration(mSlow), fmtDuration(added), trips)
		samples.addRow(name, fmtDurations(durs(base)), fmtDurations(durs(slow)))
		failed := false
		for _, r := range append(append([]latencyRun{}, base...), slow...) {
			failed = failed || r.err != nil
		}
		if op == 1 && c.unit > 0 {
			checks = append(checks,
				check{item: 7, what: fmt.Sprintf("requests of a steady plan of %s", c.name), target: fmt.Sprintf("at most %d", steadyPlanRequests),
					measured: fmt.Sprint(reqs(base)), met: !failed && reqs(base) <= steadyPlanRequests},
				check{item: 7, what: fmt.Sprintf("time a latency of %s adds to a steady plan of %s", fmtDuration(c.unit), c.name),
					target: "at most " + fmtDuration(steadyPlanAdded), measured: fmtDuration(added), met: !failed && added <= steadyPlanAdded})
		}
		if c.unit == 0 {
			checks = append(checks, check{item: 7, what: fmt.Sprintf("%s of %s, %s", name, c.name, c.modeNames[1]),
				measured: fmt.Sprintf("%s added", fmtDuration(added)), met: !failed, info: true})
		}
	}
	return t, samples, checks, notes
}
