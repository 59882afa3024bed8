package acctest

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// Epoch is the instant fake clocks start at unless a test needs another.
var Epoch = time.Date(2026, 11, 22, 11, 31, 20, 0, time.UTC)

// Clock is a settable clock for anything that judges time: expiry, rotation,
// idleness, leases and rate limits. One clock can be shared by the emulator
// and the provider, and moved between steps so that nothing waits. It is safe
// for concurrent use, since the emulator reads it from its HTTP handlers.
type Clock struct {
	mu  sync.Mutex
	now time.Time
	// running is set for a clock that moves with real time; setAt is the
	// real time at which now was last set.
	running bool
	setAt   time.Time
}

// NewClock returns a clock standing still at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// NewRunningClock returns a clock at start that moves on with real time,
// for an emulator serving the real CLI: it mints tokens at distinct
// instants, as Xano does, while they look as old as start makes them.
func NewRunningClock(start time.Time) *Clock {
	return &Clock{now: start, running: true, setAt: time.Now()}
}

// Now returns the clock's time; pass the method value where a func() time.Time
// is expected.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read()
}

func (c *Clock) read() time.Time {
	if c.running {
		return c.now.Add(time.Since(c.setAt))
	}
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(c.read().Add(d))
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(t)
}

func (c *Clock) set(t time.Time) {
	c.now, c.setAt = t, time.Now()
}

// AdvanceAfterPlan is a plan check that moves the clock by d. Used as the
// last pre-apply check of a step, it makes time pass between a plan and its
// apply.
func (c *Clock) AdvanceAfterPlan(d time.Duration) plancheck.PlanCheck {
	return advanceCheck{clock: c, by: d}
}

type advanceCheck struct {
	clock *Clock
	by    time.Duration
}

func (a advanceCheck) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	a.clock.Advance(a.by)
}
