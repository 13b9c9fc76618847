package services

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// ErrNoCredentials is returned when a run has no (complete) credentials.
var ErrNoCredentials = errors.New("inloggegevens ontbreken")

// Runner performs complete sync runs: it reads the credentials anew for each
// run (so a new login takes effect at once), builds the clients, runs the
// engine and closes the e-Boekhouden session.
type Runner struct {
	Store *store.Store
	// Credentials returns the credentials to use (the keychain, or demo
	// credentials).
	Credentials func() (secrets.Credentials, error)
	Endpoints   Endpoints
	OnLog       func(store.LogEntry)
	// OnProgress receives the progress of a long read (engine.Params).
	OnProgress func(report.Progress)
	Checkpoint func(step string)
}

// Run performs one run. A run that cannot start (no credentials, bad
// address) is still recorded in the log and the run history.
func (r *Runner) Run(ctx context.Context, opts engine.RunOptions) engine.Summary {
	creds, err := r.Credentials()
	if err == nil && (!creds.EBoekhoudenComplete() || !creds.OutSmartComplete()) {
		err = ErrNoCredentials
	}
	red := redact.New(creds.Secrets()...)
	if err != nil {
		line := message.T("run.notstarted", "Cause", "@cause.nocredentials")
		reason := message.T("login.missing")
		if errors.Is(err, secrets.ErrKeychain) {
			// The keychain's cause says what to do, in either language.
			p := secrets.Problem(err)
			line = message.Text{Key: "run.notstarted", Args: message.Args{"Cause": "@" + p.Key}}
			for k, v := range p.Args {
				line.Args[k] = red.String(v)
			}
			reason = message.Text{Key: "login.unreadable", Args: line.Args}
		}
		if !opts.DryRun {
			// On the attention list until a run starts with credentials. A
			// store that cannot take it fails the run's record below too,
			// and the refusal is said either way.
			_ = r.engine().NoteNoCredentials(ctx, reason)
		}
		return r.cannotStart(ctx, opts, fmt.Errorf("%w: %w", engine.ErrCannotRun, err), line)
	}
	keep := r.Store // where the REST road keeps record details; a dry run writes nothing
	if opts.DryRun {
		keep = nil
	}
	eb, field, err := roadClients(creds, r.Endpoints, keep)
	if err != nil {
		return r.cannotStart(ctx, opts, fmt.Errorf("%w: %s", engine.ErrCannotRun, red.String(err.Error())),
			message.T("run.notstarted", "Cause", "@cause.other", "CauseText", red.String(err.Error())))
	}
	defer eb.close(context.WithoutCancel(ctx))
	eng := engine.New(engine.Params{
		Store: r.Store, Bookkeeping: eb, FieldService: field, OnLog: r.OnLog, OnProgress: r.OnProgress,
		Redactor: red, Checkpoint: r.Checkpoint, ResultCap: eb.resultCap,
	})
	return eng.Run(ctx, opts)
}

func (r *Runner) cannotStart(ctx context.Context, opts engine.RunOptions, err error, m message.Text) engine.Summary {
	line := m.Render(message.Dutch)
	sum := engine.Summary{Err: err, Outcome: store.RunFailed, Line: line, Message: m}
	sum.Open, _ = r.engine().CountOpen(ctx)
	// The line carries its time: a refused run is shown at the moment it
	// was refused.
	e := store.LogEntry{Time: time.Now(), Level: store.LevelError, Message: line, Key: m.Key, Args: m.Args}
	if opts.DryRun {
		if r.OnLog != nil {
			r.OnLog(e)
		}
		return sum
	}
	id, _ := r.Store.StartRun(ctx, opts.Trigger)
	e.RunID = id
	if _, logErr := r.Store.AddLog(ctx, e); logErr == nil && r.OnLog != nil {
		r.OnLog(e)
	}
	if id != 0 {
		_ = r.Store.FinishRunMessage(ctx, id, store.RunFailed, m)
	}
	sum.RunID = id
	return sum
}

// Attention, RetryExport and SkipExport reach the engine's export journal
// without credentials.
func (r *Runner) engine() *engine.Engine { return engine.New(engine.Params{Store: r.Store}) }

// Attention lists everything that needs the user.
func (r *Runner) Attention(ctx context.Context) ([]report.AttentionItem, error) {
	return r.engine().Attention(ctx)
}

// RetryAttention asks for an item of the attention list to be tried again
// on the next run.
func (r *Runner) RetryAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	return r.engine().RetryAttention(ctx, kind, id)
}

// SkipAttention marks an item of the attention list as skipped.
func (r *Runner) SkipAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	return r.engine().SkipAttention(ctx, kind, id)
}

// RetryCause retries every item of one cause.
func (r *Runner) RetryCause(ctx context.Context, cause string) (int, error) {
	return r.engine().RetryCause(ctx, cause)
}

// RetryExport asks for a parked work order to be tried again next run.
func (r *Runner) RetryExport(ctx context.Context, rowID string) error {
	return r.engine().RetryExport(ctx, rowID)
}

// SkipExport marks a parked work order as not to be exported.
func (r *Runner) SkipExport(ctx context.Context, rowID string) error {
	return r.engine().SkipExport(ctx, rowID)
}

// RunGated performs one run of the desktop app: its new invoices wait for
// the user's approval when the engine's gate says so (engine/approval.go),
// and the approved plan, if any, is what the run may send. A run whose
// invoices wait stores their plan; Summary.ApprovalNew is true when the
// user has not yet been told of this plan (a background run every 15
// minutes that finds the same plan tells it once). A run that ends without error and without
// waiting invoices forgets the plan: its invoices were made, or nothing
// waits any more.
func (r *Runner) RunGated(ctx context.Context, opts engine.RunOptions) engine.Summary {
	approval := &engine.Approval{}
	if plan, waiting, err := r.WaitingPlan(ctx); err == nil && waiting.Approved {
		approval.Approved = plan.Fingerprints()
	}
	opts.Approval = approval
	sum := r.Run(ctx, opts)
	switch {
	case sum.Awaiting != nil:
		// A plan the store cannot keep is told as new: the run's summary
		// says the invoices wait, and the next run makes the plan again.
		sum.ApprovalNew = true
		if data, err := json.Marshal(sum.Awaiting); err == nil {
			if fresh, err := r.Store.SaveWaitingPlan(ctx, data, sum.Awaiting.Hash); err == nil {
				sum.ApprovalNew = fresh
			}
		}
	case sum.Err == nil:
		// A plan that cannot be forgotten is harmless: its approval covers
		// only invoices still to be made exactly as approved.
		_ = r.Store.ClearWaitingPlan(ctx)
	}
	return sum
}

// WaitingPlan reads the export plan that waits for the user's approval, as
// the engine made it, and its state in the store (store.ErrNotFound when
// none waits).
func (r *Runner) WaitingPlan(ctx context.Context) (report.ExportPlan, store.WaitingPlan, error) {
	w, err := r.Store.WaitingPlan(ctx)
	if err != nil {
		return report.ExportPlan{}, w, err
	}
	var plan report.ExportPlan
	if err := json.Unmarshal(w.Plan, &plan); err != nil {
		return report.ExportPlan{}, w, fmt.Errorf("read the export plan waiting for approval: %w", err)
	}
	return plan, w, nil
}

// ApprovePlan records the user's approval of the waiting plan with hash:
// the next run makes its invoices if they are still exactly these.
// store.ErrNotFound when another plan waits by now.
func (r *Runner) ApprovePlan(ctx context.Context, hash string) error {
	return r.Store.ApprovePlan(ctx, hash)
}
