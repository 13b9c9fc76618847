package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
)

// manualTimers stand in for the progress feed's clock: time moves and
// waiting functions run only when the test says so.
type manualTimers struct {
	mu      sync.Mutex
	now     time.Time
	pending []manualTimer
}

type manualTimer struct {
	at time.Time
	f  func()
}

func (m *manualTimers) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *manualTimers) after(d time.Duration, f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = append(m.pending, manualTimer{m.now.Add(d), f})
}

// advance moves the clock and runs, on the test's goroutine, the functions
// that are due.
func (m *manualTimers) advance(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	var due []func()
	keep := m.pending[:0]
	for _, p := range m.pending {
		if p.at.After(m.now) {
			keep = append(keep, p)
		} else {
			due = append(due, p.f)
		}
	}
	m.pending = keep
	m.mu.Unlock()
	for _, f := range due {
		f()
	}
}

func (m *manualTimers) waiting() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending)
}

// fakeRun is a run that the test steers: it hands each report it is given
// to the UI, as the engine does from the run's goroutine, and ends when
// told to.
type fakeRun struct {
	reports chan report.Progress
	handed  chan struct{}
	u       *UI
}

func newFakeRun() *fakeRun {
	return &fakeRun{reports: make(chan report.Progress), handed: make(chan struct{})}
}

func (r *fakeRun) run(ctx context.Context, _ scheduler.Trigger) scheduler.Result {
	for {
		select {
		case p, ok := <-r.reports:
			if !ok {
				return scheduler.Result{Summary: "klaar"}
			}
			r.u.HandleProgress(p)
			r.handed <- struct{}{}
		case <-ctx.Done(): // the scheduler stops (a test that failed)
			return scheduler.Result{Err: ctx.Err()}
		}
	}
}

// report has the run report p and waits until the UI took it.
func (r *fakeRun) report(p report.Progress) {
	r.reports <- p
	<-r.handed
}

// progressHarness is a UI over real parts whose runs are fakeRuns, with
// the progress feed on manual time. Its tray shows no run yet.
func progressHarness(t *testing.T) (*harness, *fakeRun, *manualTimers) {
	t.Helper()
	fr := newFakeRun()
	h := newFakeHarness(t, harnessOptions{startScheduler: true, run: fr.run})
	fr.u = h.u
	clock := &manualTimers{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	h.u.progressFeed.now, h.u.progressFeed.after = clock.Now, clock.after
	return h, fr, clock
}

// drain runs what the UI thread has queued, on the test's goroutine.
func (h *harness) drain() {
	for f := h.q.next(); f != nil; f = h.q.next() {
		f()
	}
}

// startFakeRun starts a run and waits until the UI shows it.
func (h *harness) startFakeRun() {
	h.t.Helper()
	if got := h.sched.Trigger(); got != scheduler.Started {
		h.t.Fatalf("trigger: %v", got)
	}
	h.pump("the run's start", func() bool { return h.u.running })
}

// TestProgressShowsInStatusAndTray feeds the reports of a long read through
// a run: the status line, the tray's first menu line and its tooltip say
// how far it is, at most one repaint per progressRepaint with the newest
// report, the normal texts come back after Done and after the run, and no
// report changes anything once the run ended.
func TestProgressShowsInStatusAndTray(t *testing.T) {
	h, fr, clock := progressHarness(t)
	u := h.u
	rel := func(read int) report.Progress { return report.Progress{Kind: "relations", Read: read, About: 15000} }
	shows := func(when, want string) {
		t.Helper()
		h.drain()
		if got := u.status.Text; !strings.HasPrefix(got, want) {
			t.Errorf("%s: status %q, want it to start with %q", when, got, want)
		}
		if got := u.tray.last.Label; got != strings.TrimSuffix(want, ".") {
			t.Errorf("%s: tray menu %q, want %q", when, got, strings.TrimSuffix(want, "."))
		}
		if got, want := h.app.tooltip, "Koppeling – "+strings.TrimSuffix(want, "."); got != want {
			t.Errorf("%s: tooltip %q, want %q", when, got, want)
		}
	}

	h.startFakeRun()
	shows("started", "Bezig met synchroniseren…")
	firstRun := u.progressFeed.current()
	fr.report(rel(2000))
	shows("first report", "Relaties ophalen: 2.000 van ongeveer 15.000.")

	// Two more within a quarter of a second: they wait, the newest wins.
	clock.advance(100 * time.Millisecond)
	fr.report(rel(4000))
	clock.advance(50 * time.Millisecond)
	fr.report(rel(6000))
	shows("reports within the repaint time", "Relaties ophalen: 2.000 van ongeveer 15.000.")
	if n := clock.waiting(); n != 1 {
		t.Fatalf("%d repaints wait, want 1", n)
	}
	clock.advance(100 * time.Millisecond)
	shows("the repaint time is up", "Relaties ophalen: 6.000 van ongeveer 15.000.")
	if slices.Contains(h.app.tooltips, "Koppeling – Relaties ophalen: 4.000 van ongeveer 15.000") {
		t.Errorf("a report that a newer one replaced was shown: %q", h.app.tooltips)
	}

	// A report long after the last repaint shows at once.
	clock.advance(time.Second)
	fr.report(rel(8000))
	shows("a report a second later", "Relaties ophalen: 8.000 van ongeveer 15.000.")

	// Done brings the normal text back at once, whatever the time.
	clock.advance(10 * time.Millisecond)
	fr.report(report.Progress{Kind: "relations", Read: 15000, About: 15000, Done: true})
	shows("relations done", "Bezig met synchroniseren…")

	// The products' read starts; its first report waits for the repaint
	// time, and the run ends before it.
	clock.advance(10 * time.Millisecond)
	fr.report(report.Progress{Kind: "products", Read: 2000})
	shows("products within the repaint time", "Bezig met synchroniseren…")
	close(fr.reports)
	h.pump("the run's end", func() bool { return !u.running })
	h.settle()
	after := len(h.app.tooltips)
	normal := u.status.Text
	if strings.Contains(normal, "ophalen") || strings.Contains(h.app.tooltip, "ophalen") {
		t.Fatalf("after the run: status %q, tooltip %q", normal, h.app.tooltip)
	}
	clock.advance(time.Second) // the waiting repaint is due
	u.HandleProgress(report.Progress{Kind: "products", Read: 4000})
	h.drain()
	if u.progress != nil || u.status.Text != normal || len(h.app.tooltips) != after || u.tray.last.Label != u.runText() ||
		strings.Contains(u.tray.last.Label, "ophalen") {
		t.Errorf("a report after the run changed the texts: status %q, tray %q, tooltips %q",
			u.status.Text, u.tray.last.Label, h.app.tooltips[after:])
	}
	for _, tip := range h.app.tooltips {
		if strings.Contains(tip, "Producten") {
			t.Errorf("the products' report of an ended run was shown: %q", tip)
		}
	}

	// The next run starts from the normal text, not from the last report.
	fr.reports = make(chan report.Progress)
	h.startFakeRun()
	shows("the next run", "Bezig met synchroniseren…")
	clock.advance(time.Second)
	fr.report(report.Progress{Kind: "products", Read: 6000})
	shows("the next run's report", "Producten ophalen: 6.000 gelezen.")
	// A report of the first run that reaches the UI thread only now (its
	// hand-on raced with the run's end) is not shown.
	u.progressFeed.deliver(firstRun, rel(12000))
	shows("a late report of the run before", "Producten ophalen: 6.000 gelezen.")
	close(fr.reports)
	h.pump("the next run's end", func() bool { return !u.running })
}

// TestProgressInEnglish: an English window says the progress in English,
// with English thousands separators.
func TestProgressInEnglish(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	h, fr, clock := progressHarness(t)
	u := h.u
	h.startFakeRun()
	fr.report(report.Progress{Kind: "relations", Read: 6000, About: 15000})
	h.drain()
	want := "Reading relations: 6,000 of about 15,000"
	if !strings.HasPrefix(u.status.Text, want+".") || u.tray.last.Label != want || h.app.tooltip != "Koppeling – "+want {
		t.Errorf("status %q, tray %q, tooltip %q; want %q", u.status.Text, u.tray.last.Label, h.app.tooltip, want)
	}
	clock.advance(time.Second)
	fr.report(report.Progress{Kind: "relations", Read: 15000, About: 15000, Done: true})
	h.drain()
	if !strings.HasPrefix(u.status.Text, "Synchronising…") || h.app.tooltip != "Koppeling – Synchronising…" {
		t.Errorf("after Done: status %q, tooltip %q", u.status.Text, h.app.tooltip)
	}
	close(fr.reports)
	h.pump("the run's end", func() bool { return !u.running })
}
