package backend

// This file owns the links of the installation as the desktop app runs
// them (issue 18): per link its store, keychain item, runner and scheduler,
// made from the registry (internal/links), with one gate shared by the
// schedulers so that runs of different links never overlap. The window's
// view of it (ui.LinkSet) is adapted in the composition root, because this
// layer does not import the UI.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// InitNewLink gives the store of a link just made ("koppeling links add",
// the window's Add) the settings a new link starts with (newLinkSettings).
func InitNewLink(ctx context.Context, st *store.Store) error {
	if values := newLinkSettings(time.Now()); len(values) > 0 {
		if err := st.SetSettings(ctx, values); err != nil {
			return fmt.Errorf("first settings of a new link: %w", err)
		}
	}
	return nil
}

// newLinkSettings are the settings a new link starts with, made today: its
// work orders count from that day ("Werkbonnen vanaf"), so that connecting
// an OutSmart account with a history does not invoice its old work.
func newLinkSettings(today time.Time) map[string]string {
	return map[string]string{store.KeyWorkOrdersFrom: store.WorkOrdersFromValue(today)}
}

// LinkParts are what a link runs with, as LinkSetOptions.Open makes them.
type LinkParts struct {
	Store     *store.Store
	Vault     *secrets.Vault
	Endpoints services.Endpoints
	// Close releases what Open started besides the store (the demo's
	// sandboxes); nil when nothing. The store is closed by the LinkSet.
	Close func()
}

// LinkSetOptions configure a LinkSet.
type LinkSetOptions struct {
	Registry *links.Registry
	// Open opens link l's store in dir with its keychain item and service
	// addresses (the real ones, or the demo's sandboxes).
	Open func(ctx context.Context, l links.Link, dir string) (LinkParts, error)
	// Vault is link l's keychain item, for a purge of a link that could not
	// be opened; nil: such a link's item stays.
	Vault func(l links.Link) *secrets.Vault
	// RunAtStart runs a link once at start when it is not paused and has
	// credentials for both services (the desktop app; not the demo).
	RunAtStart bool
	// Autostart is every link's Parts.Autostart: the system starts the one
	// app, so the app.autostart setting of any link switches it; nil for
	// none (the demo, tests).
	Autostart func(enabled bool) error
	// Clock drives the schedulers in tests; nil is the real clock.
	Clock scheduler.Clock
	// AllWorkOrders makes a new link invoice every work order, also those
	// dated before it was made (the demo, whose work orders are dated in
	// the past); without it a new link starts on the day it was made.
	AllWorkOrders bool
}

// LinkInfo is one link as the links list shows it.
type LinkInfo struct {
	ID, Name        string
	Paused, Running bool
	// LastRunTime and LastRunOutcome are the start and outcome of its last
	// run; zero when it never ran.
	LastRunTime    time.Time
	LastRunOutcome string
	Attention      int
	// Problem is why the link cannot be shown or run (its store cannot be
	// read); nil when it can.
	Problem error
}

// LinkSet is every link of the installation, each with its Parts.
type LinkSet struct {
	opts LinkSetOptions
	gate *scheduler.Gate

	mu      sync.Mutex
	open    map[string]*openLink // by link id
	subs    map[int]func(id string, ev scheduler.Event)
	nextSub int
	onProg  func(id string, p report.Progress)
	ctx     context.Context // set by Start; nil before
}

// openLink is one link's running parts, or why it has none.
type openLink struct {
	link    links.Link
	parts   *Parts
	close   func()
	unsub   func()
	problem error
}

// ErrLinkProblem is returned by Backend for a link that cannot be opened.
var ErrLinkProblem = errors.New("link cannot be opened")

// NewLinkSet opens every link of the registry. A link whose store cannot
// be opened is kept with its Problem; the others run. A registry that
// cannot be read is an error.
func NewLinkSet(ctx context.Context, opts LinkSetOptions) (*LinkSet, error) {
	ls, err := opts.Registry.List()
	if err != nil {
		return nil, err
	}
	s := &LinkSet{opts: opts, gate: scheduler.NewGate(), open: map[string]*openLink{},
		subs: map[int]func(string, scheduler.Event){}}
	for _, l := range ls {
		s.open[l.ID] = s.openOne(ctx, l)
	}
	return s, nil
}

// openOne opens link l's parts and its scheduler (not started).
func (s *LinkSet) openOne(ctx context.Context, l links.Link) *openLink {
	o := &openLink{link: l}
	lp, err := s.opts.Open(ctx, l, s.opts.Registry.Folder(l))
	if err != nil {
		o.problem = err
		return o
	}
	set, err := lp.Store.Settings(ctx)
	if err != nil {
		o.problem = problemOf(err, lp.Store)
		_ = lp.Store.Close()
		if lp.Close != nil {
			lp.Close()
		}
		return o
	}
	id := l.ID
	runner := &services.Runner{Store: lp.Store, Endpoints: lp.Endpoints, Credentials: func() (secrets.Credentials, error) {
		c, _, err := lp.Vault.Load()
		return c, err
	}, OnProgress: func(p report.Progress) { s.progress(id, p) }}
	atStart := false
	if s.opts.RunAtStart && !set.Paused {
		creds, _, _ := lp.Vault.Load()
		atStart = creds.EBoekhoudenComplete() && creds.OutSmartComplete()
	}
	sched := scheduler.New(RunFunc(runner), scheduler.Options{
		Interval: time.Duration(set.IntervalMinutes) * time.Minute, Paused: set.Paused, RunAtStart: atStart,
		Clock: s.opts.Clock, Gate: s.gate,
	})
	o.parts = &Parts{Store: lp.Store, Vault: lp.Vault, Runner: runner, Scheduler: sched, Endpoints: lp.Endpoints}
	o.parts.Autostart = s.opts.Autostart
	o.unsub = sched.Subscribe(func(ev scheduler.Event) { s.emit(id, ev) })
	o.close = func() {
		sched.Stop()
		o.unsub()
		_ = lp.Store.Close()
		if lp.Close != nil {
			lp.Close()
		}
	}
	return o
}

// OnProgress makes fn receive the progress reports of every link's runs,
// with the link's id. Since runs of different links take turns, the
// reports of one run never mix with another's.
func (s *LinkSet) OnProgress(fn func(id string, p report.Progress)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onProg = fn
}

func (s *LinkSet) progress(id string, p report.Progress) {
	s.mu.Lock()
	fn := s.onProg
	s.mu.Unlock()
	if fn != nil {
		fn(id, p)
	}
}

// emit hands ev of link id to every subscriber.
func (s *LinkSet) emit(id string, ev scheduler.Event) {
	s.mu.Lock()
	subs := make([]func(string, scheduler.Event), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(id, ev)
	}
}

// Start starts the scheduler of every link that could be opened, and of
// every link added later, until ctx ends or Close.
func (s *LinkSet) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctx = ctx
	for _, o := range s.open {
		if o.parts != nil {
			if err := o.parts.Scheduler.Start(ctx); err != nil {
				return fmt.Errorf("start link %s: %w", o.link.ID, err)
			}
		}
	}
	return nil
}

// Registry is the registry the set was made from.
func (s *LinkSet) Registry() *links.Registry { return s.opts.Registry }

// Close stops every scheduler and closes every store.
func (s *LinkSet) Close() {
	s.mu.Lock()
	open := s.open
	s.open = map[string]*openLink{}
	s.mu.Unlock()
	for _, o := range open {
		if o.close != nil {
			o.close()
		}
	}
}

// Links lists the links in the registry's order with their state.
func (s *LinkSet) Links(ctx context.Context) ([]LinkInfo, error) {
	ls, err := s.opts.Registry.List()
	if err != nil {
		return nil, err
	}
	out := make([]LinkInfo, 0, len(ls))
	for _, l := range ls {
		s.mu.Lock()
		o := s.open[l.ID]
		s.mu.Unlock()
		if o == nil {
			// Added by another process ("koppeling links add") meanwhile.
			o = s.adopt(ctx, l)
		}
		out = append(out, info(ctx, l, o))
	}
	return out, nil
}

// adopt opens a link that this LinkSet does not know yet and starts it
// when the set runs.
func (s *LinkSet) adopt(ctx context.Context, l links.Link) *openLink {
	o := s.openOne(ctx, l)
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing := s.open[l.ID]; existing != nil {
		if o.close != nil {
			o.close()
		}
		return existing
	}
	s.open[l.ID] = o
	if s.ctx != nil && o.parts != nil {
		if err := o.parts.Scheduler.Start(s.ctx); err != nil {
			o.problem = err
		}
	}
	return o
}

// info reads a link's state from its store and scheduler.
func info(ctx context.Context, l links.Link, o *openLink) LinkInfo {
	i := LinkInfo{ID: l.ID, Name: l.Name, Problem: o.problem}
	if o.parts == nil {
		return i
	}
	i.Paused, i.Running = o.parts.Scheduler.Paused(), o.parts.Scheduler.Running()
	run, err := o.parts.Store.LastRun(ctx)
	switch {
	case err == nil:
		i.LastRunTime, i.LastRunOutcome = run.StartedAt, string(run.Outcome)
	case !errors.Is(err, store.ErrNotFound):
		i.Problem = problemOf(err, o.parts.Store)
		return i
	}
	items, err := o.parts.Store.AttentionItems(ctx)
	if err != nil {
		i.Problem = problemOf(err, o.parts.Store)
	}
	i.Attention = len(items)
	return i
}

// problemOf is a store error as a link's problem: the damage when it is
// one.
func problemOf(err error, st *store.Store) error {
	if d := store.AsDamaged(err, st.Path()); d != nil {
		return d
	}
	return err
}

// Backend is the Parts of link id; an error wrapping ErrLinkProblem (and
// the problem) when it cannot be opened.
func (s *LinkSet) Backend(id string) (*Parts, error) {
	s.mu.Lock()
	o := s.open[id]
	s.mu.Unlock()
	if o == nil {
		l, err := s.opts.Registry.ByID(id)
		if err != nil {
			return nil, err
		}
		o = s.adopt(context.Background(), l)
	}
	if o.parts == nil {
		return nil, fmt.Errorf("%w: %w", ErrLinkProblem, o.problem)
	}
	return o.parts, nil
}

// Add makes a new link named name (a *links.NameError when it cannot have
// that name), gives its store the first settings and starts it when the
// set runs.
func (s *LinkSet) Add(ctx context.Context, name string) (LinkInfo, error) {
	l, err := s.opts.Registry.Add(name)
	if err != nil {
		return LinkInfo{}, err
	}
	o := s.adopt(ctx, l)
	if o.parts != nil && !s.opts.AllWorkOrders {
		if err := InitNewLink(ctx, o.parts.Store); err != nil {
			return LinkInfo{}, err
		}
	}
	return info(ctx, l, o), nil
}

// Rename gives link id the name name.
func (s *LinkSet) Rename(ctx context.Context, id, name string) error {
	l, err := s.opts.Registry.Rename(id, name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if o := s.open[id]; o != nil {
		o.link = l
	}
	s.mu.Unlock()
	return nil
}

// Remove stops link id, takes it out of the registry and, with purge,
// deletes its store files and keychain item. It is refused (an error
// wrapping store.ErrLocked) while a run of the link holds its run lock, in
// this process or another ("koppeling sync --once").
func (s *LinkSet) Remove(ctx context.Context, id string, purge bool) error {
	l, err := s.opts.Registry.ByID(id)
	if err != nil {
		return err
	}
	ls, err := s.opts.Registry.List()
	if err != nil {
		return err
	}
	if len(ls) == 1 {
		return &links.LastLinkError{Name: l.Name}
	}
	s.mu.Lock()
	o := s.open[id]
	s.mu.Unlock()
	if o != nil && o.parts != nil {
		if err := notRunning(ctx, o.parts.Store); err != nil {
			return err
		}
	}
	s.mu.Lock()
	delete(s.open, id)
	s.mu.Unlock()
	var vault *secrets.Vault
	switch {
	case o != nil && o.parts != nil:
		vault = o.parts.Vault
	case s.opts.Vault != nil:
		vault = s.opts.Vault(l)
	}
	if o != nil && o.close != nil {
		o.close()
	}
	if _, err := s.opts.Registry.Remove(id); err != nil {
		return err
	}
	if !purge {
		return nil
	}
	if err := s.opts.Registry.Purge(l, store.FileName); err != nil {
		return err
	}
	if vault != nil {
		return vault.Delete()
	}
	return nil
}

// removeOwner is the run lock's owner while Remove checks that no run
// holds it: not this process's runs' owner, so that a run of this process
// counts as running too.
var removeOwner = store.LockOwner() + "/remove"

// notRunning is nil when no run holds st's run lock, else an error that
// wraps store.ErrLocked.
func notRunning(ctx context.Context, st *store.Store) error {
	lock, err := st.LockRun(ctx, removeOwner)
	if err != nil {
		return fmt.Errorf("remove link: %w", err)
	}
	return lock.Release(ctx)
}

// Subscribe delivers every link's scheduler events with its id, also of
// links added later, until cancel is called.
func (s *LinkSet) Subscribe(fn func(id string, ev scheduler.Event)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextSub
	s.nextSub++
	s.subs[n] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, n)
	}
}
