// Package engine owns one sync run between e-Boekhouden and OutSmart:
// importing relations, materials and hour types from e-Boekhouden into
// OutSmart, exporting completed work orders as e-Boekhouden invoices exactly
// once (journal before every write, look up before ever sending again), and
// the log and summary of what happened, as messages of internal/message
// (stored with their Dutch text) so they read in the window's language.
//
// The engine talks to the services through the small Bookkeeping and
// FieldService interfaces (satisfied by the eboekhouden and outsmart
// clients), keeps its state in the store, and never imports a UI.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// Bookkeeping is what the engine needs of e-Boekhouden.
type Bookkeeping interface {
	Relations(ctx context.Context, f eboekhouden.RelationFilter) ([]eboekhouden.Relation, error)
	AddRelation(ctx context.Context, r eboekhouden.Relation) (int64, error)
	Products(ctx context.Context, f eboekhouden.ProductFilter) ([]eboekhouden.Product, error)
	AddInvoice(ctx context.Context, inv eboekhouden.Invoice) (string, error)
	Invoices(ctx context.Context, f eboekhouden.InvoiceFilter) ([]eboekhouden.InvoiceSummary, error)
	// OpenItems lists the open debtor items, for the invoice overview's
	// payment status (invoicestatus.go): SOAP GetOpenPosten, REST
	// /v1/mutation/invoice/outstanding.
	OpenItems(ctx context.Context, kind eboekhouden.OpenItemKind) ([]eboekhouden.OpenItem, error)
}

// DetailRefresher is a Bookkeeping that may answer a full list with
// record details kept from an earlier run (the REST road reads a third of
// them again per run, see restroad). Before each full read the engine
// names the records waiting for the user on the attention list: their
// details are read afresh, so that a fix the user made in e-Boekhouden
// reaches OutSmart in the next run, as the attention text promises.
type DetailRefresher interface {
	RefreshRelations(codes []string)
	RefreshProducts(codes []string)
}

// FieldService is what the engine needs of OutSmart.
type FieldService interface {
	UpsertRelations(ctx context.Context, rs []outsmart.Relation) (int, error)
	UpsertMaterials(ctx context.Context, ms []outsmart.Material) (int, error)
	HourTypes(ctx context.Context, filters ...outsmart.Filter) ([]outsmart.HourType, error)
	UpsertHourTypes(ctx context.Context, hs []outsmart.HourType) (int, error)
	WorkStatuses(ctx context.Context) ([]outsmart.WorkStatus, error)
	WorkOrders(ctx context.Context, q outsmart.WorkOrderQuery) ([]outsmart.WorkOrder, error)
	WorkOrder(ctx context.Context, rowID string) (outsmart.WorkOrder, error)
	MarkHandled(ctx context.Context, rowID string) error
}

// Params wire an Engine.
type Params struct {
	Store        *store.Store
	Bookkeeping  Bookkeeping
	FieldService FieldService
	// Now is the clock; nil means time.Now. Invoice dates are the day of Now
	// in Europe/Amsterdam.
	Now func() time.Time
	// ResultCap is the most records e-Boekhouden returns per request; a
	// result of exactly this size may be cut off and is fetched again in
	// parts. 0 means 2,000 (OutSmart's help page on the e-Boekhouden link);
	// Uncapped is a Bookkeeping whose lists are never cut off (the REST road
	// pages), so the engine never reads in parts.
	ResultCap int
	// BatchSize is the number of records per OutSmart upsert; 0 means 500
	// [inferred: OutSmart documents no limit; 500 relations are about 200 KB].
	BatchSize int
	// OnLog receives every log line as it is written (CLI printer, UI).
	OnLog func(store.LogEntry)
	// OnProgress receives the progress of a long read of master data (a
	// large administration's first import); nil ignores it. It is called
	// from the run's goroutine and must not block.
	OnProgress func(report.Progress)
	// Checkpoint, when set, is called at each step of a run: after an
	// OutSmart upsert was accepted ("import.sent"), after a relation was
	// created in e-Boekhouden ("export.relation"), and at each step of a work
	// order's export ("export.journaled", "export.sent", "export.invoiced",
	// "export.marked", "export.handled"). The crash tests use it to stop the
	// process at a chosen step; production leaves it nil.
	Checkpoint func(step string)
	// Logger receives debug detail; nil discards it.
	Logger *slog.Logger
	// Redactor masks the credentials in error details before they are
	// logged. The clients already redact their errors; this is the second
	// line of defence.
	Redactor redact.Redactor
}

// Uncapped is the ResultCap of a Bookkeeping that returns every record of
// a list (the REST road reads all pages): no answer is ever cut off, so the
// engine never sweeps by search terms and never splits a look-up.
const Uncapped = math.MaxInt

// redactErr is the text of err for a log line's details.
func (p Params) redactErr(err error) string {
	if err == nil {
		return ""
	}
	return p.Redactor.String(err.Error())
}

// Engine performs sync runs. Run is not meant to be called concurrently (the
// scheduler runs one at a time, and the store's run lock guards against a
// second process).
type Engine struct {
	p   Params
	loc *time.Location
}

// New returns an engine.
func New(p Params) *Engine {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.ResultCap <= 0 {
		p.ResultCap = 2000
	}
	if p.BatchSize <= 0 {
		p.BatchSize = 500
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.FixedZone("CET", 3600) // no tzdata: close enough for a calendar day
	}
	return &Engine{p: p, loc: loc}
}

// RunOptions configure one run.
type RunOptions struct {
	Trigger string // schedule | manual | cli | startup
	// DryRun makes no write call to either service and changes nothing in
	// the store: it reports what a run would do.
	DryRun bool
	// Approval, when set, gates the invoices (approval.go): the desktop
	// app's runs set it, the command line's do not.
	Approval *Approval
}

// Summary is what a run did.
type Summary struct {
	RunID            int64
	Relations        int // relations sent to OutSmart
	Materials        int
	HourTypes        int
	RelationsCreated int // relations created in e-Boekhouden for invoices
	Invoices         int // invoices created
	Handled          int // work orders marked Afgehandeld
	Attention        int // records that need the user
	Warnings         int
	// Planned lists what a dry run would do, one Dutch line each.
	Planned []string
	// Awaiting is the plan of the invoices that wait for the user's
	// approval; nil when none wait (approval.go).
	Awaiting *report.ExportPlan
	// ApprovalNew is true when the user has not been told of the plan in
	// Awaiting before; the desktop app's runner sets it, knowing what it
	// told (services.Runner.RunGated).
	ApprovalNew bool
	// CallLimited: e-Boekhouden refused calls for now (E003.1).
	CallLimited bool
	// Err is set when the run could not complete.
	Err error
	// Outcome is ok, attention or failed.
	Outcome store.RunOutcome
	// Line is the one Dutch summary line for the log, tray and notification.
	Line string
	// Open counts what still needs the user after the run, by kind: what
	// this run found and what earlier runs found and nobody fixed yet.
	Open report.OpenCounts
	// Message is the summary line as a message (internal/message): its
	// Render gives Line in Dutch and the same line in English.
	Message message.Text
}

// Changed reports whether the run imported or exported anything.
func (s Summary) Changed() bool {
	return s.Relations+s.Materials+s.HourTypes+s.RelationsCreated+s.Invoices+s.Handled > 0
}

// ErrCannotRun marks errors that stopped a run before it could do its work:
// refused credentials, an unreachable service, a run already in progress.
// Its text is a developer's (English, like the causes it wraps); the user
// reads the run's message (Summary.Message), which names the cause.
var ErrCannotRun = errors.New("the run could not start")

// run is the state of one run.
type run struct {
	e *Engine
	// p is the engine's wiring; store, books and field are its store and
	// services, named once here for every part of the run.
	p      *Params
	store  runStore // in a dry run, one that writes nothing
	books  Bookkeeping
	field  FieldService
	ctx    context.Context
	opts   RunOptions
	id     int64
	set    store.Settings
	sum    Summary
	mu     sync.Mutex // guards sum and log writes from the export pipeline
	today  time.Time
	prods  map[string]eboekhouden.Product
	rels   map[string]eboekhouden.Relation
	relsOK bool // rels holds every relation (not cut off)
	// prodsOK: prods holds every product as read in this run (not a
	// large administration's kept copy).
	prodsOK bool
	// tracked counts this run's attention lines that are items of the
	// attention list (the rest are Open.OtherNew).
	tracked int
	// attention holds the attention list's items ("kind subject"), read
	// once when needed (listed).
	attention map[string]bool
	// made are the invoices this run created (the invoice overview keeps
	// their payment term and booking as exact).
	made []createdInvoice
}

// Run performs one sync: import, then export. It never panics on bad data:
// a bad record is logged as needing attention and the run goes on.
func (e *Engine) Run(ctx context.Context, opts RunOptions) Summary {
	r := e.newRun(ctx, opts)
	now := e.p.Now().In(e.loc)
	r.today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	if !opts.DryRun {
		lock, err := e.p.Store.LockRun(ctx, store.LockOwner())
		if err != nil {
			r.sum.Err = fmt.Errorf("%w: %w", ErrCannotRun, err)
			r.sum.Outcome = store.RunFailed
			r.sum.Message = message.T("run.notstarted", "Cause", causeOf(err), "CauseText", err.Error())
			r.sum.Line = r.sum.Message.Render(message.Dutch)
			return r.sum
		}
		defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
		stopRenew := renewLock(ctx, lock)
		defer stopRenew()
		id, err := e.p.Store.StartRun(ctx, opts.Trigger)
		if err != nil {
			r.sum.Err = fmt.Errorf("%w: %w", ErrCannotRun, err)
			r.sum.Outcome = store.RunFailed
			r.sum.Message = message.T("run.notstarted", "Cause", "@cause.store")
			r.sum.Line = r.sum.Message.Render(message.Dutch)
			return r.sum
		}
		r.id, r.sum.RunID = id, id
		// It started with credentials: they are no longer missing.
		r.settled(store.AttentionLogin, credentialsSubject)
	}

	set, err := e.p.Store.Settings(ctx)
	if err != nil {
		r.fail(fmt.Errorf("%w: %w", ErrCannotRun, err))
		return r.finish()
	}
	r.set = set

	if err := r.importAll(); err != nil {
		r.fail(err)
		return r.finish()
	}
	if err := r.exportAll(); err != nil {
		r.fail(err)
	} else {
		r.refreshInvoiceStatus()
	}
	return r.finish()
}

// newRun is the state of a run about to start.
func (e *Engine) newRun(ctx context.Context, opts RunOptions) *run {
	return &run{e: e, p: &e.p, store: storeFor(e.p.Store, opts), books: e.p.Bookkeeping, field: e.p.FieldService, ctx: ctx, opts: opts}
}

// renewLock keeps the run lock alive during a long run.
func renewLock(ctx context.Context, lock *store.RunLock) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(store.LockTTL / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = lock.Renew(ctx)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// fail records the error that stopped the run.
func (r *run) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sum.Err == nil {
		r.sum.Err = err
	}
	if errors.Is(err, eboekhouden.ErrCallLimit) {
		r.sum.CallLimited = true
	}
}

// finish writes the summary line and closes the run.
func (r *run) finish() Summary {
	s := &r.sum
	r.noteLogin()
	r.countOpen()
	switch {
	case s.Err != nil:
		s.Outcome = store.RunFailed
	case s.Attention > 0 || s.Open.Total() > 0 || s.Awaiting != nil:
		s.Outcome = store.RunAttention
	default:
		s.Outcome = store.RunOK
	}
	s.Message = summaryMessage(*s)
	s.Line = s.Message.Render(message.Dutch)
	level := store.LevelInfo
	details := ""
	if s.Err != nil {
		level = store.LevelError
		details = r.p.redactErr(s.Err)
	}
	r.log(level, "", s.Message, details)
	if r.id != 0 {
		if err := r.store.FinishRunMessage(context.WithoutCancel(r.ctx), r.id, s.Outcome, s.Message); err != nil {
			r.p.Logger.Error("finish run", "err", err)
		}
	}
	return *s
}

// log writes one log line (to the store unless this is a dry run) and hands
// it to OnLog. The line is a message of the catalogue; it is stored with its
// Dutch text.
func (r *run) log(level store.Level, subject string, m message.Text, details string) {
	e := store.LogEntry{Time: r.p.Now(), Level: level, Message: m.Render(message.Dutch), Key: m.Key, Args: m.Args,
		Details: details, RunID: r.id, Subject: subject}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch level {
	case store.LevelAttention:
		r.sum.Attention++
	case store.LevelWarning:
		r.sum.Warnings++
	}
	if _, err := r.store.AddLog(context.WithoutCancel(r.ctx), e); err != nil {
		r.p.Logger.Error("write log", "err", err)
	}
	if r.p.OnLog != nil {
		r.p.OnLog(e)
	}
}

// checkpoint marks a step of the run for the crash tests (Params.Checkpoint).
func (r *run) checkpoint(step string) {
	if r.p.Checkpoint != nil {
		r.p.Checkpoint(step)
	}
}

// plan records what a dry run would do.
func (r *run) plan(m message.Text) {
	r.mu.Lock()
	r.sum.Planned = append(r.sum.Planned, m.Render(message.Dutch))
	r.mu.Unlock()
	args := message.Args{"Text": "@" + m.Key}
	for k, v := range m.Args {
		args[k] = v
	}
	r.log(store.LevelInfo, "", message.Text{Key: "dryrun", Args: args}, "")
}

// summaryMessage is the one line of a run ("4 relaties, 1 materiaal
// gesynchroniseerd; 3 facturen aangemaakt; 2 relaties kunnen niet naar
// OutSmart"): what it did, what is still open, and why it stopped.
func summaryMessage(s Summary) message.Text {
	a := message.Args{}
	put := func(name string, n int) {
		if n > 0 {
			a[name] = strconv.Itoa(n)
		}
	}
	put("Relations", s.Relations)
	put("Materials", s.Materials)
	put("HourTypes", s.HourTypes)
	put("RelationsCreated", s.RelationsCreated)
	put("Invoices", s.Invoices)
	put("HandledEarlier", s.Handled-s.Invoices)
	put("Planned", len(s.Planned))
	if s.Awaiting != nil {
		put("Awaiting", len(s.Awaiting.Invoices))
	}
	put("OpenWorkOrders", s.Open.WorkOrders)
	put("OpenRelations", s.Open.Relations)
	put("OpenMaterials", s.Open.Materials)
	put("OpenHourTypes", s.Open.HourTypes)
	put("OpenSettings", s.Open.Settings)
	put("OpenLogin", s.Open.Login)
	put("OtherNew", s.Open.OtherNew)
	if s.Err != nil {
		a["Failed"] = "1"
		a["Cause"] = causeOf(s.Err)
		if a["Cause"] == "@cause.other" {
			a["CauseText"] = causeText(s.Err)
		}
	}
	return message.Text{Key: message.KeySummary, Args: a}
}

// causeOf is the message (as an "@key" argument) that says what a
// run-stopping error means; "@cause.other" when only the error's own text
// can (with the CauseText argument).
func causeOf(err error) string {
	switch {
	case errors.Is(err, eboekhouden.ErrTokenExpired):
		return "@cause.eboekhouden.tokenexpired"
	case errors.Is(err, eboekhouden.ErrBadCredentials):
		return "@cause.eboekhouden.credentials"
	case errors.Is(err, outsmart.ErrUnauthorized):
		return "@cause.outsmart.credentials"
	case errors.Is(err, eboekhouden.ErrCallLimit):
		return "@cause.eboekhouden.calllimit"
	case errors.Is(err, store.ErrLocked):
		return "@cause.locked"
	case store.AsDamaged(err, store.FileName) != nil:
		return "@cause.other" // causeText: the file and the ways out
	case errors.Is(err, context.Canceled):
		return "@cause.stopped"
	case errors.Is(err, eboekhouden.ErrNotTheService):
		return "@cause.eboekhouden.nottheservice"
	case errors.Is(err, outsmart.ErrNotTheService):
		return "@cause.outsmart.nottheservice"
	case errors.Is(err, eboekhouden.ErrTransient), errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		return "@cause.eboekhouden.unreachable"
	case errors.Is(err, outsmart.ErrTransient), errors.Is(err, outsmart.ErrOutcomeUnknown):
		return "@cause.outsmart.unreachable"
	case errors.Is(err, eboekhouden.ErrUnreadable):
		return "@cause.eboekhouden.unreadable"
	case errors.Is(err, outsmart.ErrUnreadable):
		return "@cause.outsmart.unreadable"
	}
	return "@cause.other"
}

// causeText is the text of a run-stopping error that has no message of its
// own: for a damaged store the Dutch text naming the file and the ways out
// (store.DamagedDuringRun), otherwise the error itself.
func causeText(err error) string {
	if d := store.AsDamaged(err, store.FileName); d != nil {
		return store.DamagedDuringRun(d)
	}
	return err.Error()
}

// stopsRun reports whether an error from a service call means the run
// cannot go on (as opposed to one record failing).
func stopsRun(err error) bool {
	return errors.Is(err, eboekhouden.ErrBadCredentials) || errors.Is(err, outsmart.ErrUnauthorized) ||
		errors.Is(err, eboekhouden.ErrCallLimit) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded)
}
