package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestGateLetsSchedulersTakeTurns: three schedulers share a gate; while one
// run holds it the others' triggered runs wait (and say Queued), then run
// one after another, never two at once; a stop while waiting ends the
// wait.
func TestGateLetsSchedulersTakeTurns(t *testing.T) {
	gate := NewGate()
	active := make(chan string, 3) // who runs now (at most one, checked below)
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	mk := func(name string) *Scheduler {
		return New(func(ctx context.Context, _ Trigger) Result {
			active <- name
			if len(active) > 1 {
				t.Errorf("%s: %d runs at once", name, len(active))
			}
			<-release
			mu.Lock()
			order = append(order, <-active)
			mu.Unlock()
			return Result{}
		}, Options{Clock: newClock(), Gate: gate})
	}
	a, b, c := mk("a"), mk("b"), mk("c")
	ra, rb, rc := newRecorder(a), newRecorder(b), newRecorder(c)
	for _, s := range []*Scheduler{a, b, c} {
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer s.Stop()
	}
	if got := a.Trigger(); got != Started {
		t.Fatalf("a: %v", got)
	}
	ra.next(t, EventStarted)
	b.Trigger()
	c.Trigger()
	// b and c wait at the gate: neither has started, and another trigger
	// is queued behind the waiting run.
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiting })
	waitFor(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.waiting })
	if b.Running() || c.Running() {
		t.Fatal("a run started past the gate")
	}
	if got := b.Trigger(); got != AlreadyQueued && got != Queued {
		t.Fatalf("trigger of a waiting scheduler: %v", got)
	}
	release <- struct{}{}
	ra.next(t, EventFinished)
	release <- struct{}{}
	release <- struct{}{}
	rb.next(t, EventStarted)
	rc.next(t, EventStarted)
	mu.Lock()
	if len(order) < 1 || order[0] != "a" {
		t.Errorf("order %v", order)
	}
	mu.Unlock()
	close(release) // b's queued second run goes through too
	rb.next(t, EventFinished)
	rc.next(t, EventFinished)
}

// TestStopWhileWaitingAtTheGate: a scheduler stopped while its run waits
// for the gate ends without running it.
func TestStopWhileWaitingAtTheGate(t *testing.T) {
	gate := NewGate()
	if !gate.enter(context.Background()) { // another link's run holds it
		t.Fatal("a new gate is closed")
	}
	ran := make(chan struct{}, 1)
	s := New(func(context.Context, Trigger) Result { ran <- struct{}{}; return Result{} }, Options{Clock: newClock(), Gate: gate})
	r := newRecorder(s)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Trigger()
	waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.waiting })
	s.Stop()
	r.next(t, EventStopped)
	select {
	case <-ran:
		t.Fatal("the run went past a closed gate")
	default:
	}
	gate.leave()
}

// waitFor waits until cond holds; the deadline only guards against a hung
// test.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
