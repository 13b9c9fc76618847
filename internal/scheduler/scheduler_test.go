package scheduler

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/scheduler/schedulertest"
)

func newClock() *schedulertest.Clock {
	return schedulertest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
}

// recorder collects events.
type recorder struct{ ch chan Event }

func newRecorder(s *Scheduler) *recorder {
	r := &recorder{ch: make(chan Event, 100)}
	s.Subscribe(func(e Event) { r.ch <- e })
	return r
}

// next waits for the next event of kind (skipping others). The timeout only
// guards against a hung test; no assertion depends on timing.
func (r *recorder) next(t *testing.T, kind EventKind) Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-r.ch:
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event", kind)
		}
	}
}

func (r *recorder) none(t *testing.T, kind EventKind) {
	t.Helper()
	grace := time.After(50 * time.Millisecond)
	for {
		select {
		case e := <-r.ch:
			if e.Kind == kind {
				t.Fatalf("unexpected %s event (%s)", kind, e.Trigger)
			}
		case <-grace:
			return
		}
	}
}

func TestScheduledRunsEveryInterval(t *testing.T) {
	clock := newClock()
	var runs atomic.Int32
	s := New(func(ctx context.Context, tr Trigger) Result {
		runs.Add(1)
		return Result{Summary: "ok"}
	}, Options{Interval: 15 * time.Minute, Clock: clock})
	rec := newRecorder(s)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if want := clock.Now().Add(15 * time.Minute); !s.NextRun().Equal(want) {
		t.Fatalf("NextRun = %v, want %v", s.NextRun(), want)
	}
	clock.WaitForWaiter(t)
	clock.Advance(14 * time.Minute)
	rec.none(t, EventStarted)
	clock.Advance(time.Minute)
	if e := rec.next(t, EventStarted); e.Trigger != TriggerSchedule {
		t.Fatalf("trigger %s", e.Trigger)
	}
	fin := rec.next(t, EventFinished)
	if fin.Result.Summary != "ok" || !fin.NextRun.Equal(clock.Now().Add(15*time.Minute)) {
		t.Fatalf("finished: %+v", fin)
	}
	if last, ok := s.LastFinished(); !ok || last.Result.Summary != "ok" {
		t.Fatal("LastFinished not recorded")
	}
}

func TestManualTriggerNeverRunsTwoAtOnce(t *testing.T) {
	release := make(chan struct{})
	var active, maxActive, runs atomic.Int32
	s := New(func(ctx context.Context, tr Trigger) Result {
		n := active.Add(1)
		for {
			m := maxActive.Load()
			if n <= m || maxActive.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		<-release
		active.Add(-1)
		return Result{}
	}, Options{Clock: newClock()})
	rec := newRecorder(s)
	if got := s.Trigger(); got != Refused {
		t.Fatalf("Trigger before Start = %v", got)
	}
	s.Start(context.Background())
	defer s.Stop()

	if got := s.Trigger(); got != Started {
		t.Fatalf("first Trigger = %v", got)
	}
	rec.next(t, EventStarted)
	if !s.Running() {
		t.Fatal("Running() false during a run")
	}
	var wg sync.WaitGroup
	outcomes := make(chan TriggerOutcome, 20)
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); outcomes <- s.Trigger() }()
	}
	wg.Wait()
	close(outcomes)
	count := map[TriggerOutcome]int{}
	for o := range outcomes {
		count[o]++
	}
	if count[Queued] != 1 || count[AlreadyQueued] != 19 {
		t.Fatalf("outcomes during a run: %v", count)
	}
	release <- struct{}{}
	rec.next(t, EventFinished)
	rec.next(t, EventStarted) // the one queued run
	release <- struct{}{}
	rec.next(t, EventFinished)
	rec.none(t, EventStarted)
	if runs.Load() != 2 || maxActive.Load() != 1 {
		t.Fatalf("runs %d, max concurrent %d", runs.Load(), maxActive.Load())
	}
}

func TestPauseResume(t *testing.T) {
	clock := newClock()
	var runs atomic.Int32
	s := New(func(context.Context, Trigger) Result { runs.Add(1); return Result{} }, Options{Interval: 10 * time.Minute, Clock: clock, Paused: true})
	rec := newRecorder(s)
	s.Start(context.Background())
	defer s.Stop()
	if !s.Paused() || !s.NextRun().IsZero() {
		t.Fatal("should start paused without a next run")
	}
	clock.WaitForWaiter(t)
	clock.Advance(30 * time.Minute)
	rec.none(t, EventStarted)

	s.Trigger() // manual runs work while paused
	if e := rec.next(t, EventStarted); e.Trigger != TriggerManual {
		t.Fatalf("trigger %s", e.Trigger)
	}
	rec.next(t, EventFinished)

	s.Resume()
	if e := rec.next(t, EventResumed); !e.NextRun.Equal(clock.Now().Add(10 * time.Minute)) {
		t.Fatalf("after resume next run %v", e.NextRun)
	}
	clock.WaitForWaiter(t)
	clock.Advance(10 * time.Minute)
	if e := rec.next(t, EventStarted); e.Trigger != TriggerSchedule {
		t.Fatalf("trigger %s", e.Trigger)
	}
	rec.next(t, EventFinished)
	s.Pause()
	rec.next(t, EventPaused)
	s.Pause() // no second event
	rec.none(t, EventPaused)
}

func TestCallLimitBacksOffToNextCycle(t *testing.T) {
	clock := newClock()
	release := make(chan struct{})
	var runs atomic.Int32
	s := New(func(context.Context, Trigger) Result {
		runs.Add(1)
		<-release
		return Result{CallLimited: true}
	}, Options{Interval: 15 * time.Minute, Clock: clock})
	rec := newRecorder(s)
	s.Start(context.Background())
	defer s.Stop()
	s.Trigger()
	rec.next(t, EventStarted)
	if s.Trigger() != Queued {
		t.Fatal("second trigger not queued")
	}
	clock.Advance(5 * time.Minute)
	release <- struct{}{}
	fin := rec.next(t, EventFinished)
	if !fin.NextRun.Equal(clock.Now().Add(15 * time.Minute)) {
		t.Fatalf("next run after E003.1 = %v, want a full interval from now", fin.NextRun)
	}
	rec.none(t, EventStarted) // the queued manual run was dropped
	if runs.Load() != 1 {
		t.Fatalf("runs = %d", runs.Load())
	}
}

func TestStopCancelsRunAndRefusesMore(t *testing.T) {
	s := New(func(ctx context.Context, _ Trigger) Result {
		<-ctx.Done()
		return Result{Err: ctx.Err()}
	}, Options{Clock: newClock(), RunAtStart: true})
	rec := newRecorder(s)
	s.Start(context.Background())
	if e := rec.next(t, EventStarted); e.Trigger != TriggerStartup {
		t.Fatalf("first run trigger %s, want startup", e.Trigger)
	}
	s.Stop()
	if fin := rec.next(t, EventFinished); fin.Result.Err == nil {
		t.Fatal("run was not cancelled")
	}
	rec.next(t, EventStopped)
	if s.Trigger() != Refused {
		t.Fatal("Trigger after Stop not refused")
	}
	if err := s.Start(context.Background()); err != ErrStopped {
		t.Fatalf("Start after Stop = %v", err)
	}
	s.Stop() // twice is fine

	never := New(func(context.Context, Trigger) Result { return Result{} }, Options{})
	never.Stop() // never started: returns at once
}

func TestSetInterval(t *testing.T) {
	clock := newClock()
	s := New(func(context.Context, Trigger) Result { return Result{} }, Options{Interval: 15 * time.Minute, Clock: clock})
	rec := newRecorder(s)
	s.Start(context.Background())
	defer s.Stop()
	start := clock.Now()
	s.SetInterval(5 * time.Minute)
	if !s.NextRun().Equal(start.Add(5 * time.Minute)) {
		t.Fatalf("NextRun = %v", s.NextRun())
	}
	clock.WaitForWaiter(t)
	clock.Advance(5 * time.Minute)
	rec.next(t, EventStarted)
	rec.next(t, EventFinished)
	s.SetInterval(0) // ignored
	if !s.NextRun().Equal(clock.Now().Add(5 * time.Minute)) {
		t.Fatalf("NextRun after a run = %v", s.NextRun())
	}
}
