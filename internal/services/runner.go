package services

import (
	"context"
	"errors"
	"fmt"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/redact"
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
	Checkpoint  func(step string)
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
		line := "Synchronisatie niet gestart: de inloggegevens ontbreken of zijn niet te lezen. Vul ze in bij Inloggen."
		if errors.Is(err, secrets.ErrKeychain) {
			// The keychain's own message names the cause and what to do.
			line = "Synchronisatie niet gestart: " + red.String(err.Error()) + "."
		}
		return r.cannotStart(ctx, opts, fmt.Errorf("%w: %w", engine.ErrCannotRun, err), line)
	}
	eb, os, err := Clients(creds, r.Endpoints)
	if err != nil {
		return r.cannotStart(ctx, opts, fmt.Errorf("%w: %s", engine.ErrCannotRun, red.String(err.Error())),
			"Synchronisatie niet gestart: "+red.String(err.Error()))
	}
	defer eb.Close(context.WithoutCancel(ctx))
	eng := engine.New(engine.Params{
		Store: r.Store, Bookkeeping: eb, FieldService: os, OnLog: r.OnLog,
		Redactor: red, Checkpoint: r.Checkpoint,
	})
	return eng.Run(ctx, opts)
}

func (r *Runner) cannotStart(ctx context.Context, opts engine.RunOptions, err error, line string) engine.Summary {
	sum := engine.Summary{Err: err, Outcome: store.RunFailed, Line: line}
	if opts.DryRun {
		if r.OnLog != nil {
			r.OnLog(store.LogEntry{Level: store.LevelError, Message: line})
		}
		return sum
	}
	id, _ := r.Store.StartRun(ctx, opts.Trigger)
	e := store.LogEntry{Level: store.LevelError, Message: line, RunID: id}
	if _, logErr := r.Store.AddLog(ctx, e); logErr == nil && r.OnLog != nil {
		r.OnLog(e)
	}
	if id != 0 {
		_ = r.Store.FinishRun(ctx, id, store.RunFailed, line)
	}
	sum.RunID = id
	return sum
}

// Attention, RetryExport and SkipExport reach the engine's export journal
// without credentials.
func (r *Runner) engine() *engine.Engine { return engine.New(engine.Params{Store: r.Store}) }

// Attention lists the parked work orders.
func (r *Runner) Attention(ctx context.Context) ([]store.Export, error) {
	return r.engine().Attention(ctx)
}

// RetryExport asks for a parked work order to be tried again next run.
func (r *Runner) RetryExport(ctx context.Context, rowID string) error {
	return r.engine().RetryExport(ctx, rowID)
}

// SkipExport marks a parked work order as not to be exported.
func (r *Runner) SkipExport(ctx context.Context, rowID string) error {
	return r.engine().SkipExport(ctx, rowID)
}
