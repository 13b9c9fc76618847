// Package scheduler owns when a sync runs: every interval (15 minutes by
// default), on demand (the tray's "Nu synchroniseren", the Start
// synchronisatie button, the CLI), never two at once, paused and resumed by
// the user, and stopped cleanly at shutdown. It knows nothing of what a run
// does: it calls a RunFunc and tells subscribers what happened.
package scheduler

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Trigger says who asked for a run.
type Trigger string

// Triggers.
const (
	TriggerSchedule Trigger = "schedule"
	TriggerManual   Trigger = "manual"
	TriggerStartup  Trigger = "startup"
)

// Result is what a run reports back.
type Result struct {
	// Summary is the one line for the log and the tray, e.g. "4 relaties
	// gesynchroniseerd; 3 facturen aangemaakt".
	Summary string
	// Changed says the run imported or exported something (a success
	// notification is only worth it then).
	Changed bool
	// Attention counts records that need the user.
	Attention int
	// Err is set when the run could not complete.
	Err error
	// CallLimited says the service refused calls for now (e-Boekhouden
	// E003.1): the scheduler waits for the next regular cycle, whatever
	// triggers arrive before it.
	CallLimited bool
	// Detail is the run function's own account of the run, handed to the
	// subscribers as it is (the desktop app's run function puts the
	// engine's summary here, for the texts of its notifications).
	Detail any
}

// RunFunc performs one run. It must return soon after ctx is cancelled.
type RunFunc func(ctx context.Context, trigger Trigger) Result

// EventKind is what happened.
type EventKind string

// Event kinds.
const (
	EventStarted  EventKind = "started"
	EventFinished EventKind = "finished"
	EventPaused   EventKind = "paused"
	EventResumed  EventKind = "resumed"
	EventStopped  EventKind = "stopped"
)

// Event tells subscribers what happened.
type Event struct {
	Kind    EventKind
	Time    time.Time
	Trigger Trigger
	Result  Result    // for EventFinished
	NextRun time.Time // when the next scheduled run is due (zero while paused)
}

// Clock lets tests drive time.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once after d.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a Scheduler.
type Options struct {
	Interval time.Duration // default 15 minutes
	Paused   bool          // start paused
	// RunAtStart runs once right after Start (TriggerStartup).
	RunAtStart bool
	Clock      Clock // nil: the real clock
	// Gate, when set, is shared with other schedulers (one per link): their
	// runs take turns, one at a time among all of them. A run waits at the
	// gate until the other's run has finished.
	Gate *Gate
}

// Gate lets the runs of several schedulers take turns (issue 18: the links
// of one installation never run at the same time, so the per-service call
// limits hold). Make it with NewGate.
type Gate struct{ turn chan struct{} }

// NewGate returns an open gate.
func NewGate() *Gate { return &Gate{turn: make(chan struct{}, 1)} }

// enter waits for the turn; false when ctx ended first.
func (g *Gate) enter(ctx context.Context) bool {
	select {
	case g.turn <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (g *Gate) leave() { <-g.turn }

// TriggerOutcome says what a Trigger call did.
type TriggerOutcome int

// Trigger outcomes.
const (
	// Started: the run starts now.
	Started TriggerOutcome = iota
	// Queued: a run is in progress; another starts right after it.
	Queued
	// AlreadyQueued: a run is in progress and another is already queued.
	AlreadyQueued
	// Refused: the scheduler is not running or has stopped.
	Refused
)

// ErrStopped is returned by Start after Stop.
var ErrStopped = errors.New("scheduler stopped")

// Scheduler runs syncs. Create it with New, start it with Start.
type Scheduler struct {
	run   RunFunc
	clock Clock
	gate  *Gate

	mu          sync.Mutex
	interval    time.Duration
	paused      bool
	running     bool
	waiting     bool // a run waits at the gate
	queued      bool
	started     bool
	stopped     bool
	next        time.Time
	subscribers map[int]func(Event)
	nextSubID   int
	last        *Event

	kick    chan struct{} // a manual run or a changed setting
	cancel  context.CancelFunc
	done    chan struct{}
	atStart bool
}

// New returns a stopped scheduler.
func New(run RunFunc, opts Options) *Scheduler {
	if opts.Interval <= 0 {
		opts.Interval = 15 * time.Minute
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	return &Scheduler{
		run: run, clock: opts.Clock, gate: opts.Gate, interval: opts.Interval, paused: opts.Paused, atStart: opts.RunAtStart,
		subscribers: map[int]func(Event){}, kick: make(chan struct{}, 1), done: make(chan struct{}),
	}
}

// Subscribe registers fn for every event; fn runs on the scheduler's
// goroutine and must not block (a UI hands the event to its own thread).
// The returned function unsubscribes.
func (s *Scheduler) Subscribe(fn func(Event)) (unsubscribe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSubID
	s.nextSubID++
	s.subscribers[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subscribers, id)
	}
}

func (s *Scheduler) emit(e Event) {
	s.mu.Lock()
	e.Time = s.clock.Now()
	e.NextRun = s.nextLocked()
	if e.Kind == EventFinished {
		ev := e
		s.last = &ev
	}
	subs := make([]func(Event), 0, len(s.subscribers))
	for _, fn := range s.subscribers {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(e)
	}
}

func (s *Scheduler) nextLocked() time.Time {
	if s.paused {
		return time.Time{}
	}
	return s.next
}

// Start runs the loop in its own goroutine until ctx ends or Stop is called.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrStopped
	}
	if s.started {
		s.mu.Unlock()
		return errors.New("scheduler already started")
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	s.next = s.clock.Now().Add(s.interval)
	if s.atStart {
		s.queued = true
		s.kickLocked()
	}
	s.mu.Unlock()
	go s.loop(ctx)
	return nil
}

func (s *Scheduler) kickLocked() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	for {
		s.mu.Lock()
		wait := s.next.Sub(s.clock.Now())
		s.mu.Unlock()
		timer := s.clock.After(max(wait, 0))
		// The clock may have passed s.next between reading it and starting
		// the wait, which then counts from the later time and would fire
		// late (a test's manual clock jumps in one step; on a loaded machine
		// the loop can be held up right there): if the run is due by now,
		// do not wait for the timer.
		s.mu.Lock()
		if wait > 0 && !s.clock.Now().Before(s.next) {
			due := make(chan time.Time, 1)
			due <- s.clock.Now()
			timer = due
		}
		s.mu.Unlock()

		trigger := Trigger("")
		select {
		case <-ctx.Done():
			s.emit(Event{Kind: EventStopped})
			return
		case <-timer:
			s.mu.Lock()
			due := !s.clock.Now().Before(s.next)
			if due {
				s.next = s.clock.Now().Add(s.interval)
				if !s.paused {
					trigger = TriggerSchedule
				}
			}
			s.mu.Unlock()
		case <-s.kick:
			s.mu.Lock()
			if s.queued {
				s.queued = false
				trigger = TriggerManual
				if s.atStart {
					s.atStart = false
					trigger = TriggerStartup
				}
			}
			s.mu.Unlock()
		}
		if trigger == "" {
			continue // a setting changed or the timer fired early: recompute
		}
		s.runOnce(ctx, trigger)
	}
}

func (s *Scheduler) runOnce(ctx context.Context, trigger Trigger) {
	if s.gate != nil {
		s.mu.Lock()
		s.waiting = true
		s.mu.Unlock()
		entered := s.gate.enter(ctx)
		s.mu.Lock()
		s.waiting = false
		s.mu.Unlock()
		if !entered {
			return // stopping: the loop says so
		}
		defer s.gate.leave()
	}
	s.mu.Lock()
	s.running = true
	s.mu.Unlock()
	s.emit(Event{Kind: EventStarted, Trigger: trigger})

	res := s.run(ctx, trigger)

	s.mu.Lock()
	s.running = false
	if res.CallLimited {
		// Back off to the next regular cycle: drop a queued manual run.
		s.queued = false
		s.next = s.clock.Now().Add(s.interval)
	}
	if s.queued {
		s.kickLocked()
	}
	s.mu.Unlock()
	s.emit(Event{Kind: EventFinished, Trigger: trigger, Result: res})
}

// Trigger asks for a run now (manual). It never starts a second run while
// one is in progress: it queues one (at most one) instead.
func (s *Scheduler) Trigger() TriggerOutcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.started || s.stopped:
		return Refused
	case s.queued:
		return AlreadyQueued
	}
	s.queued = true
	s.kickLocked()
	if s.running || s.waiting {
		return Queued
	}
	return Started
}

// Pause stops scheduled runs (manual runs still work).
func (s *Scheduler) Pause() { s.setPaused(true) }

// Resume restarts scheduled runs; the next one is due one interval from now.
func (s *Scheduler) Resume() { s.setPaused(false) }

func (s *Scheduler) setPaused(p bool) {
	s.mu.Lock()
	if s.paused == p {
		s.mu.Unlock()
		return
	}
	s.paused = p
	if !p {
		s.next = s.clock.Now().Add(s.interval)
	}
	s.kickLocked()
	s.mu.Unlock()
	if p {
		s.emit(Event{Kind: EventPaused})
	} else {
		s.emit(Event{Kind: EventResumed})
	}
}

// Paused reports whether scheduled runs are paused.
func (s *Scheduler) Paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// Running reports whether a run is in progress.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// SetInterval changes the time between scheduled runs: the next run is due
// one new interval after the last scheduled one (at once, if that moment has
// passed).
func (s *Scheduler) SetInterval(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = s.next.Add(d - s.interval)
	s.interval = d
	s.kickLocked()
}

// NextRun returns when the next scheduled run is due (zero while paused).
func (s *Scheduler) NextRun() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextLocked()
}

// LastFinished returns the last EventFinished, if any.
func (s *Scheduler) LastFinished() (Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return Event{}, false
	}
	return *s.last, true
}

// Stop cancels a run in progress, waits for the loop to end and refuses
// further triggers. It is safe to call more than once.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		<-s.done
		return
	}
	s.stopped = true
	started := s.started
	cancel := s.cancel
	s.mu.Unlock()
	if !started {
		close(s.done)
		return
	}
	cancel()
	<-s.done
}
