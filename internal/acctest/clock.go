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
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time; pass the method value where a func() time.Time
// is expected.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
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
