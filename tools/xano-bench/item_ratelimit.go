package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/terraform-provider-xano/terraform-provider-xano/internal/emulator"
)

// benchRate is item 3's rate limit in requests per second.
const benchRate = 20

// retrySlack is how much longer than Retry-After a retry may arrive and
// still count as honouring it: the client's timer, a new request and the
// loopback round trip take microseconds, so anything beyond this is backoff
// of the client's own.
const retrySlack = 250 * time.Millisecond

// limitRun is one timed command in one mode of item 3.
type limitRun struct {
	d      time.Duration
	got    requests
	gaps   []retryGap
	failed int
	err    error
}

// benchRateLimit applies and destroys 50 tokens against an emulator limited
// to 20 requests per second, and the same without a limit, alternating the
// order per round. The floor is the successful requests divided by the rate.
func (h *harness) benchRateLimit(ctx context.Context) section {
	sec := section{item: 3, title: fmt.Sprintf("Apply of 50 tokens at %d requests per second", benchRate),
		intro: fmt.Sprintf("The emulator's token bucket allows %d requests per second with a burst of %d and answers the rest with 429 and a "+
			"Retry-After in whole seconds (rounded up). The floor is the successful requests divided by the rate, as if every request had to wait its turn; "+
			"the burst lets a run finish below it. \"Unlimited\" is the same command on the same server without the limit, so \"added\" is the time the limit costs. "+
			"Medians of %d rounds.", benchRate, benchRate, h.rounds)}
	srv, err := startServer(emulator.Options{})
	if err != nil {
		sec.notes = append(sec.notes, "Not measured: "+err.Error())
		return sec
	}
	defer srv.close()
	ws, err := h.newWorkspace("ratelimit", srv, tokensConfig(benchInstances, tokensPerInstance))
	if err != nil {
		sec.notes = append(sec.notes, "Not measured: "+err.Error())
		return sec
	}

	ops := []string{"apply (create 50)", "destroy (50)"}
	// runs[mode][op] with mode 0 unlimited, 1 limited.
	var runs [2][2][]limitRun
	for round := range h.rounds {
		modes := []int{0, 1}
		if round%2 == 1 {
			modes = []int{1, 0}
		}
		h.logf("item 3: round %d of %d", round+1, h.rounds)
		for _, mode := range modes {
			for op := range ops {
				// Setting the rate refills the bucket, so every run starts
				// with the same burst available.
				srv.emu.SetRateLimit(float64(mode * benchRate))
				srv.reset()
				var r limitRun
				if op == 0 {
					r.d, r.err = timed(func() error { return ws.tf.Apply(ctx) })
					r.failed = benchTokens - liveTokens(srv.emu, benchInstances)
				} else {
					r.d, r.err = timed(func() error { return ws.tf.Destroy(ctx) })
					r.failed = liveTokens(srv.emu, benchInstances)
				}
				r.got, r.gaps = srv.snapshot(), srv.rec.retryGaps()
				runs[mode][op] = append(runs[mode][op], r)
			}
		}
	}
	srv.emu.SetRateLimit(0)

	t := table{header: []string{"command", "unlimited", fmt.Sprintf("at %d req/s", benchRate), "added by the limit", "successful requests",
		"floor", "total / floor", "added / floor", "429s per round", "failed resources"},
		right: []bool{false, true, true, true, true, true, true, true, false, true}}
	gapsTable := table{header: []string{"command", "retries seen", "Retry-After asked", "waited (median)", "waited (max)", "longest wait beyond Retry-After"},
		right: []bool{false, true, false, true, true, true}}
	for op, name := range ops {
		free, limited := runs[0][op], runs[1][op]
		mFree, mLim := median(durations(free)), median(durations(limited))
		okReqs := medianInt(mapRuns(limited, func(r limitRun) int { return r.got.ok() }))
		floor := time.Duration(float64(okReqs) / benchRate * float64(time.Second))
		failed := 0
		var tooMany []string
		var gaps []retryGap
		for _, r := range append(append([]limitRun{}, free...), limited...) {
			failed = max(failed, r.failed)
			if r.err != nil {
				sec.notes = append(sec.notes, fmt.Sprintf("Failure: %s: %s", name, firstLine(r.err)))
			}
		}
		for _, r := range limited {
			tooMany = append(tooMany, fmt.Sprint(r.got.tooMany()))
			gaps = append(gaps, r.gaps...)
		}
		added := mLim - mFree
		t.addRow(name, fmtDuration(mFree), fmtDuration(mLim), fmtDuration(added), fmt.Sprint(okReqs),
			fmtDuration(floor), ratio(mLim, floor), ratio(added, floor), strings.Join(tooMany, ", "), fmt.Sprint(failed))
		sec.checks = append(sec.checks, check{item: 3, what: fmt.Sprintf("failed resources, %s at %d req/s", name, benchRate),
			target: "0", measured: fmt.Sprint(failed), met: failed == 0 && !anyErr(limited) && !anyErr(free)})

		g := summarizeGaps(gaps)
		gapsTable.addRow(name, fmt.Sprint(len(gaps)), g.asked, fmtDuration(g.median), fmtDuration(g.max), fmtDuration(g.excess))
		measured := fmt.Sprintf("%s beyond, %s early", fmtDuration(max(g.excess, 0)), fmtDuration(max(-g.minExcess, 0)))
		if len(gaps) == 0 {
			measured = "no retries seen"
		}
		sec.checks = append(sec.checks, check{item: 3, what: fmt.Sprintf("retries wait what Retry-After asks, %s", name),
			target: fmt.Sprintf("never early, at most %s beyond", fmtDuration(retrySlack)), measured: measured,
			met: g.excess <= retrySlack && g.minExcess >= 0})
	}
	samples := table{header: []string{"command", "unlimited samples", fmt.Sprintf("at %d req/s samples", benchRate)}}
	for op, name := range ops {
		samples.addRow(name, fmtDurations(durations(runs[0][op])), fmtDurations(durations(runs[1][op])))
	}
	sec.tables = append(sec.tables, t, samples, gapsTable)
	sec.notes = append(sec.notes,
		"A destroy refreshes every token first, so it makes two requests per token.",
		"Retry waits are measured at the server: from the 429 leaving to the same request (method, URL, Idempotency-Key) arriving again.")
	return sec
}

// gapSummary condenses the retry waits of one command.
type gapSummary struct {
	asked             string
	median, max       time.Duration
	excess, minExcess time.Duration // largest and smallest waited − asked
}

func summarizeGaps(gaps []retryGap) gapSummary {
	var g gapSummary
	if len(gaps) == 0 {
		g.asked = "none"
		return g
	}
	waited := make([]time.Duration, len(gaps))
	asked := map[time.Duration]int{}
	g.excess, g.minExcess = gaps[0].waited-gaps[0].asked, gaps[0].waited-gaps[0].asked
	for i, x := range gaps {
		waited[i] = x.waited
		asked[x.asked]++
		g.max = max(g.max, x.waited)
		g.excess = max(g.excess, x.waited-x.asked)
		g.minExcess = min(g.minExcess, x.waited-x.asked)
	}
	g.median = median(waited)
	var parts []string
	for d := time.Duration(0); d <= 60*time.Second; d += time.Second {
		n := asked[d]
		switch {
		case n > 0 && d == 0:
			parts = append(parts, fmt.Sprintf("no header ×%d", n))
		case n > 0:
			parts = append(parts, fmt.Sprintf("%s ×%d", fmtDuration(d), n))
		}
	}
	g.asked = strings.Join(parts, ", ")
	return g
}

func durations(runs []limitRun) []time.Duration {
	return mapRuns(runs, func(r limitRun) time.Duration { return r.d })
}

func mapRuns[T any](runs []limitRun, f func(limitRun) T) []T {
	out := make([]T, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

func anyErr(runs []limitRun) bool {
	for _, r := range runs {
		if r.err != nil {
			return true
		}
	}
	return false
}
