// Package engine owns one sync run between e-Boekhouden and OutSmart:
// importing relations, materials and hour types from e-Boekhouden into
// OutSmart, exporting completed work orders as e-Boekhouden invoices exactly
// once (journal before every write, look up before ever sending again), and
// the Dutch log and summary of what happened.
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
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/store"
)

// Bookkeeping is what the engine needs of e-Boekhouden.
type Bookkeeping interface {
	Relations(ctx context.Context, f eboekhouden.RelationFilter) ([]eboekhouden.Relation, error)
	AddRelation(ctx context.Context, r eboekhouden.Relation) (int64, error)
	Products(ctx context.Context, f eboekhouden.ProductFilter) ([]eboekhouden.Product, error)
	AddInvoice(ctx context.Context, inv eboekhouden.Invoice) (string, error)
	Invoices(ctx context.Context, f eboekhouden.InvoiceFilter) ([]eboekhouden.InvoiceSummary, error)
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
	// parts. 0 means 2,000 (OutSmart's help page on the e-Boekhouden link).
	ResultCap int
	// BatchSize is the number of records per OutSmart upsert; 0 means 500
	// [inferred: OutSmart documents no limit; 500 relations are about 200 KB].
	BatchSize int
	// OnLog receives every log line as it is written (CLI printer, UI).
	OnLog func(store.LogEntry)
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
	// CallLimited: e-Boekhouden refused calls for now (E003.1).
	CallLimited bool
	// Err is set when the run could not complete.
	Err error
	// Outcome is ok, attention or failed.
	Outcome store.RunOutcome
	// Line is the one Dutch summary line for the log, tray and notification.
	Line string
}

// Changed reports whether the run imported or exported anything.
func (s Summary) Changed() bool {
	return s.Relations+s.Materials+s.HourTypes+s.RelationsCreated+s.Invoices+s.Handled > 0
}

// ErrCannotRun marks errors that stopped a run before it could do its work:
// refused credentials, an unreachable service, a run already in progress.
var ErrCannotRun = errors.New("synchronisatie kon niet draaien")

// run is the state of one run.
type run struct {
	e      *Engine
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
}

// Run performs one sync: import, then export. It never panics on bad data:
// a bad record is logged as needing attention and the run goes on.
func (e *Engine) Run(ctx context.Context, opts RunOptions) Summary {
	r := &run{e: e, ctx: ctx, opts: opts}
	now := e.p.Now().In(e.loc)
	r.today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	if !opts.DryRun {
		lock, err := e.p.Store.LockRun(ctx, store.LockOwner())
		if err != nil {
			r.sum.Err = fmt.Errorf("%w: %w", ErrCannotRun, err)
			r.sum.Outcome = store.RunFailed
			r.sum.Line = "Synchronisatie niet gestart: " + err.Error()
			return r.sum
		}
		defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
		stopRenew := renewLock(ctx, lock)
		defer stopRenew()
		id, err := e.p.Store.StartRun(ctx, opts.Trigger)
		if err != nil {
			r.sum.Err = fmt.Errorf("%w: %w", ErrCannotRun, err)
			r.sum.Outcome = store.RunFailed
			r.sum.Line = "Synchronisatie niet gestart: de opslag is niet bruikbaar."
			return r.sum
		}
		r.id, r.sum.RunID = id, id
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
	}
	return r.finish()
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
	switch {
	case s.Err != nil:
		s.Outcome = store.RunFailed
	case s.Attention > 0:
		s.Outcome = store.RunAttention
	default:
		s.Outcome = store.RunOK
	}
	s.Line = summaryLine(*s)
	level := store.LevelInfo
	details := ""
	if s.Err != nil {
		level = store.LevelError
		details = r.e.p.redactErr(s.Err)
	}
	r.log(level, "", s.Line, details)
	if !r.opts.DryRun && r.id != 0 {
		if err := r.e.p.Store.FinishRun(context.WithoutCancel(r.ctx), r.id, s.Outcome, s.Line); err != nil {
			r.e.p.Logger.Error("finish run", "err", err)
		}
	}
	return *s
}

// log writes one log line (to the store unless this is a dry run) and hands
// it to OnLog.
func (r *run) log(level store.Level, subject, message, details string) {
	e := store.LogEntry{Time: r.e.p.Now(), Level: level, Message: message, Details: details, RunID: r.id, Subject: subject}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch level {
	case store.LevelAttention:
		r.sum.Attention++
	case store.LevelWarning:
		r.sum.Warnings++
	}
	if !r.opts.DryRun {
		if _, err := r.e.p.Store.AddLog(context.WithoutCancel(r.ctx), e); err != nil {
			r.e.p.Logger.Error("write log", "err", err)
		}
	}
	if r.e.p.OnLog != nil {
		r.e.p.OnLog(e)
	}
}

// checkpoint marks a step of the run for the crash tests (Params.Checkpoint).
func (r *run) checkpoint(step string) {
	if r.e.p.Checkpoint != nil {
		r.e.p.Checkpoint(step)
	}
}

// plan records what a dry run would do.
func (r *run) plan(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.sum.Planned = append(r.sum.Planned, line)
	r.mu.Unlock()
	r.log(store.LevelInfo, "", "Proefdraaien: "+line, "")
}

// summaryLine is the one line of a run, in the seed's style
// ("4 relaties, 1 materiaal, 2 uursoorten gesynchroniseerd; 3 facturen aangemaakt").
func summaryLine(s Summary) string {
	var parts []string
	var synced []string
	if s.Relations > 0 {
		synced = append(synced, plural(s.Relations, "relatie", "relaties"))
	}
	if s.Materials > 0 {
		synced = append(synced, plural(s.Materials, "materiaal", "materialen"))
	}
	if s.HourTypes > 0 {
		synced = append(synced, plural(s.HourTypes, "uursoort", "uursoorten"))
	}
	if len(synced) > 0 {
		parts = append(parts, strings.Join(synced, ", ")+" gesynchroniseerd")
	}
	if s.RelationsCreated > 0 {
		parts = append(parts, plural(s.RelationsCreated, "relatie", "relaties")+" aangemaakt in e-Boekhouden")
	}
	if s.Invoices > 0 {
		parts = append(parts, plural(s.Invoices, "factuur", "facturen")+" aangemaakt")
	}
	if s.Handled > s.Invoices {
		parts = append(parts, plural(s.Handled-s.Invoices, "eerder gefactureerde werkbon", "eerder gefactureerde werkbonnen")+" afgehandeld")
	}
	if len(s.Planned) > 0 {
		parts = append(parts, plural(len(s.Planned), "actie", "acties")+" gepland (proefdraaien, niets verstuurd)")
	}
	if len(parts) == 0 {
		parts = append(parts, "Alles was al bijgewerkt")
	}
	if s.Attention > 0 {
		parts = append(parts, plural(s.Attention, "item heeft", "items hebben")+" aandacht nodig")
	}
	line := strings.Join(parts, "; ")
	if s.Err != nil {
		line = "Synchronisatie afgebroken: " + userMessage(s.Err) + " (" + line + ")"
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// userMessage says in Dutch what a run-stopping error means and what to do.
func userMessage(err error) string {
	switch {
	case errors.Is(err, eboekhouden.ErrBadCredentials):
		return "e-Boekhouden weigert de inloggegevens; controleer gebruikersnaam en beveiligingscodes"
	case errors.Is(err, outsmart.ErrUnauthorized):
		return "OutSmart weigert het token; controleer het token en het software token"
	case errors.Is(err, eboekhouden.ErrCallLimit):
		return "e-Boekhouden meldt dat het maximum aantal aanroepen is bereikt (E003.1); de volgende ronde probeert het opnieuw"
	case errors.Is(err, store.ErrLocked):
		return "er loopt al een synchronisatie"
	case store.AsDamaged(err, store.FileName) != nil:
		return store.DamagedDuringRun(store.AsDamaged(err, store.FileName))
	case errors.Is(err, context.Canceled):
		return "gestopt"
	case errors.Is(err, eboekhouden.ErrNotTheService):
		return "geen antwoord van e-Boekhouden maar een webpagina (bijv. van een proxy of een wifi-inlogpagina); controleer de internetverbinding en de proxy"
	case errors.Is(err, outsmart.ErrNotTheService):
		return "geen antwoord van OutSmart maar een webpagina (bijv. van een proxy of een wifi-inlogpagina); controleer de internetverbinding en de proxy"
	case errors.Is(err, eboekhouden.ErrTransient), errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		return "e-Boekhouden is niet bereikbaar; de volgende ronde probeert het opnieuw"
	case errors.Is(err, outsmart.ErrTransient), errors.Is(err, outsmart.ErrOutcomeUnknown):
		return "OutSmart is niet bereikbaar; de volgende ronde probeert het opnieuw"
	case errors.Is(err, eboekhouden.ErrUnreadable):
		return "e-Boekhouden gaf een antwoord dat Koppeling niet volledig kan lezen; er is niets op gebaseerd en de volgende ronde probeert het opnieuw"
	case errors.Is(err, outsmart.ErrUnreadable):
		return "OutSmart gaf een antwoord dat Koppeling niet volledig kan lezen; er is niets op gebaseerd en de volgende ronde probeert het opnieuw"
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
