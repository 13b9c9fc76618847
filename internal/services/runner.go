package services

import (
	"context"
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
