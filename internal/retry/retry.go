// Package retry owns the one backoff policy of the product: exponential
// delays with full jitter, bounded attempts, and a context that stops the
// waiting. Callers decide what may be retried; a write whose outcome is
// unknown must never be handed to Do.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy says how often and how long to wait between attempts.
type Policy struct {
	// Attempts is the total number of tries, including the first (at least 1).
	Attempts int
	// Initial is the base delay before the second try; it doubles each time.
	Initial time.Duration
	// Max caps the base delay.
	Max time.Duration
}

// Default is the policy for reads and transient failures of the two
// services: 4 tries, waits of 0.25-0.5 s, 0.5-1 s and 1-2 s between them.
var Default = Policy{Attempts: 4, Initial: 500 * time.Millisecond, Max: 8 * time.Second}

// Delay returns the wait before try number attempt+1 (attempt counts from 1):
// a random duration in [base/2, base], where base = Initial × 2^(attempt-1)
// capped at Max ("equal jitter": never zero, never in lockstep with other
// clients). rnd returns a float in [0, 1); nil uses math/rand/v2.
func (p Policy) Delay(attempt int, rnd func() float64) time.Duration {
	if rnd == nil {
		rnd = rand.Float64
	}
	base := p.Initial
	for i := 1; i < attempt && base < p.Max; i++ {
		base *= 2
	}
	if p.Max > 0 && base > p.Max {
		base = p.Max
	}
	half := base / 2
	return half + time.Duration(rnd()*float64(base-half))
}

// Do calls fn until it succeeds, returns an error for which retryable is
// false, the attempts are used up, or ctx ends. It returns fn's last error,
// or ctx's error when the context ended while waiting.
func Do(ctx context.Context, p Policy, retryable func(error) bool, fn func(ctx context.Context) error) error {
	attempts := max(p.Attempts, 1)
	var err error
	for attempt := 1; ; attempt++ {
		if err = fn(ctx); err == nil || !retryable(err) || attempt >= attempts {
			return err
		}
		t := time.NewTimer(p.Delay(attempt, nil))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
