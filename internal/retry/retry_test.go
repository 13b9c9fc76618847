package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayGrowsCapsAndJitters(t *testing.T) {
	p := Policy{Attempts: 10, Initial: 100 * time.Millisecond, Max: 400 * time.Millisecond}
	lo, hi := func() float64 { return 0 }, func() float64 { return 0.999999 }
	wantBase := []time.Duration{100, 200, 400, 400, 400}
	for i, b := range wantBase {
		base := b * time.Millisecond
		if got := p.Delay(i+1, lo); got != base/2 {
			t.Errorf("attempt %d low = %v, want %v", i+1, got, base/2)
		}
		if got := p.Delay(i+1, hi); got < base*99/100 || got > base {
			t.Errorf("attempt %d high = %v, want about %v", i+1, got, base)
		}
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[p.Delay(2, nil)] = true
	}
	if len(seen) < 2 {
		t.Error("Delay does not jitter")
	}
}

var errTransient = errors.New("transient")

func TestDoRetriesOnlyRetryable(t *testing.T) {
	p := Policy{Attempts: 3, Initial: time.Millisecond, Max: time.Millisecond}
	isTransient := func(err error) bool { return errors.Is(err, errTransient) }

	calls := 0
	err := Do(context.Background(), p, isTransient, func(context.Context) error { calls++; return errTransient })
	if !errors.Is(err, errTransient) || calls != 3 {
		t.Fatalf("err=%v calls=%d, want transient after 3", err, calls)
	}

	calls = 0
	permanent := errors.New("permanent")
	err = Do(context.Background(), p, isTransient, func(context.Context) error { calls++; return permanent })
	if err != permanent || calls != 1 {
		t.Fatalf("permanent error retried: calls=%d", calls)
	}

	calls = 0
	err = Do(context.Background(), p, isTransient, func(context.Context) error {
		calls++
		if calls < 2 {
			return errTransient
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("err=%v calls=%d, want success on try 2", err, calls)
	}
}

func TestDoStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := Policy{Attempts: 5, Initial: time.Hour, Max: time.Hour}
	calls := 0
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	err := Do(ctx, p, func(error) bool { return true }, func(context.Context) error { calls++; return errTransient })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err=%v calls=%d, want canceled after 1 call", err, calls)
	}
}
