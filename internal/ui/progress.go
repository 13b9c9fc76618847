package ui

// This file owns the progress of a long read (a large administration's
// first import) in the status line and the tray: the engine reports after
// every request, the window repaints at most a few times a second.

import (
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/report"
)

// progressRepaint is the least time between two repaints of the progress.
const progressRepaint = 250 * time.Millisecond

// progressFeed carries the engine's progress reports from the run's
// goroutine to the UI thread without blocking the run: the first report
// goes at once, later ones at most one per progressRepaint (the newest
// wins; a waiting one goes when the time is up), a Done report at once.
// Every report belongs to a run (run counts the runs); one that arrives on
// the UI thread after its run ended is dropped there (UI.showProgress).
type progressFeed struct {
	mu      sync.Mutex
	run     int
	waiting *report.Progress // the newest report not yet handed on
	timer   bool             // a hand-on of waiting is due
	shown   time.Time        // when a report was last handed on

	now     func() time.Time
	after   func(time.Duration, func()) // runs a function after a while, on another goroutine
	deliver func(run int, p report.Progress)
}

func newProgressFeed(deliver func(run int, p report.Progress)) *progressFeed {
	return &progressFeed{now: time.Now, deliver: deliver,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// newRun starts a new run (or ends one): reports of the runs before it are
// dropped. It returns the new run's number.
func (f *progressFeed) newRun() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.run++
	f.waiting = nil
	return f.run
}

// current is the number of the current run.
func (f *progressFeed) current() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run
}

// report takes a report of the run's goroutine.
func (f *progressFeed) report(p report.Progress) {
	f.mu.Lock()
	run, now := f.run, f.now()
	switch {
	case p.Done:
		f.waiting = nil // said by the Done report
	case f.timer:
		f.waiting = &p // the timer hands it on
		f.mu.Unlock()
		return
	case now.Sub(f.shown) < progressRepaint:
		f.waiting, f.timer = &p, true
		f.after(progressRepaint-now.Sub(f.shown), f.flush)
		f.mu.Unlock()
		return
	}
	f.shown = now
	f.mu.Unlock()
	f.deliver(run, p)
}

// flush hands on the report that waited, if its run is still going.
func (f *progressFeed) flush() {
	f.mu.Lock()
	f.timer = false
	p, run := f.waiting, f.run
	f.waiting = nil
	if p == nil {
		f.mu.Unlock()
		return
	}
	f.shown = f.now()
	f.mu.Unlock()
	f.deliver(run, *p)
}

// HandleProgress takes a progress report of a run (the Runner's
// OnProgress); it runs on the run's goroutine, never blocks it and hands
// the report to the UI thread at most a few times a second.
func (u *UI) HandleProgress(p report.Progress) { u.progressFeed.report(p) }

// showProgress shows a report on the UI thread while its run is going; a
// Done report brings back the normal texts.
func (u *UI) showProgress(run int, p report.Progress) {
	if !u.running || run != u.progressFeed.current() {
		return // the run ended
	}
	switch {
	case !p.Done:
		u.progress = &p
	case u.progress != nil && u.progress.Kind == p.Kind:
		u.progress = nil
	default:
		return // nothing shown changes
	}
	u.updateStatus()
}
