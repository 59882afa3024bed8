package emulator

import (
	"math"
	"time"
)

// bucket is a token bucket holding up to ceil(rate) requests and refilling
// at rate per second. It runs on real time unless now is replaced, because
// the Retry-After it computes is a promise about real time.
type bucket struct {
	rate   float64
	tokens float64
	last   time.Time // zero until the first request after a (re)configuration
	now    func() time.Time
}

func (b *bucket) setRate(rps float64) {
	b.rate = max(rps, 0)
	b.last = time.Time{}
}

// take spends one request. When the bucket is empty it reports, in whole
// seconds rounded up and at least 1, how long until one is available.
func (b *bucket) take() (retryAfter int, ok bool) {
	if b.rate <= 0 {
		return 0, true
	}
	now := time.Now
	if b.now != nil {
		now = b.now
	}
	t := now()
	burst := math.Ceil(b.rate)
	switch {
	case b.last.IsZero():
		b.tokens, b.last = burst, t
	case t.After(b.last):
		b.tokens = min(burst, b.tokens+t.Sub(b.last).Seconds()*b.rate)
		b.last = t
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return max(1, int(math.Ceil((1-b.tokens)/b.rate))), false
}
