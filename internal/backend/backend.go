// Package backend is the desktop UI's Backend made of Koppeling's real
// parts: the store, the keychain, the runner of the engine, the scheduler
// and the services' login checks. It converts the engine's and the
// services' values into the UI's own (package report), so that the UI
// depends on neither. The composition root (app) builds Parts; the UI's
// end-to-end tests build it over a sandbox, a temporary store and the test
// keychain.
package backend

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Parts is the UI's Backend made of Koppeling's real parts (it satisfies
// ui.Backend).
type Parts struct {
	Store     *store.Store
	Vault     *secrets.Vault
	Runner    *services.Runner
	Scheduler *scheduler.Scheduler
	Endpoints services.Endpoints
	// Autostart, when set, makes the operating system start Koppeling with
	// the user's session (true) or not (false); it is called when the
	// app.autostart setting changes. Nil (demo mode, tests) keeps only the
	// setting.
	Autostart func(enabled bool) error
}

// Settings reads the saved settings.
func (p *Parts) Settings(ctx context.Context) (store.Settings, error) { return p.Store.Settings(ctx) }

// SaveSettings saves the values and gives the scheduler a changed interval.
func (p *Parts) SaveSettings(ctx context.Context, values map[string]string) error {
	before, err := p.Store.Settings(ctx)
	if err != nil {
		return err
	}
	if err := p.checkCostCentre(ctx, values, before); err != nil {
		return err // nothing is saved (pickers.go)
	}
	if err := p.Store.SetSettings(ctx, values); err != nil {
		return err
	}
	if v, ok := values[store.KeyAutostart]; ok && p.Autostart != nil {
		after, err := p.Store.Settings(ctx)
		if err != nil {
			return err
		}
		if after.Autostart != before.Autostart {
			if err := p.Autostart(after.Autostart); err != nil {
				// Keep the setting true to what the system does.
				_ = p.Store.SetSetting(ctx, store.KeyAutostart, strconv.FormatBool(before.Autostart))
				return &store.SettingError{Key: store.KeyAutostart, Value: v,
					Reason: fmt.Sprintf("automatisch starten instellen lukte niet: %v", err)}
			}
		}
	}
	if _, ok := values[store.KeyIntervalMinutes]; ok {
		set, err := p.Store.Settings(ctx)
		if err != nil {
			return err
		}
		p.Scheduler.SetInterval(time.Duration(set.IntervalMinutes) * time.Minute)
	}
	return nil
}

// Credentials loads the credentials to show: from the keychain even when
// the environment supplies every credential a run needs (secrets.LoadAll),
// so that the form shows what the app uses, the company id included.
func (p *Parts) Credentials() (secrets.Credentials, error) {
	c, _, err := p.Vault.LoadAll()
	return c, err
}

// SaveCredentials stores the credentials in the keychain.
func (p *Parts) SaveCredentials(c secrets.Credentials) error { return p.Vault.Save(c) }

// CheckLogin checks the credentials against both services.
func (p *Parts) CheckLogin(ctx context.Context, c secrets.Credentials) *report.LoginProblem {
	return services.CheckLogin(ctx, c, p.Endpoints)
}

// Administrations lists the linked administrations of the e-Boekhouden
// account for the login's choice.
func (p *Parts) Administrations(ctx context.Context, c secrets.Credentials) ([]report.Administration, *report.LoginProblem) {
	return services.Administrations(ctx, c, p.Endpoints)
}

// WorkflowStatuses lists OutSmart's workflow statuses; a failed call holds
// a *report.LoginProblem in its chain.
func (p *Parts) WorkflowStatuses(ctx context.Context) ([]string, error) {
	c, err := p.Credentials()
	if err != nil {
		return nil, err
	}
	return services.WorkflowStatuses(ctx, c, p.Endpoints)
}

// Log returns log lines.
func (p *Parts) Log(ctx context.Context, f store.LogFilter) ([]store.LogEntry, error) {
	return p.Store.Log(ctx, f)
}

// Attention lists everything that needs the user.
func (p *Parts) Attention(ctx context.Context) ([]report.AttentionItem, error) {
	return p.Runner.Attention(ctx)
}

// RetryAttention asks for an item to be tried again next run.
func (p *Parts) RetryAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	return p.Runner.RetryAttention(ctx, report.AttentionKind(kind), id)
}

// SkipAttention marks an item as skipped.
func (p *Parts) SkipAttention(ctx context.Context, kind report.AttentionKind, id string) error {
	return p.Runner.SkipAttention(ctx, report.AttentionKind(kind), id)
}

// RetryCause asks for the items of one cause to be tried again next run.
func (p *Parts) RetryCause(ctx context.Context, cause string) (int, error) {
	return p.Runner.RetryCause(ctx, cause)
}

// SyncNow triggers a run.
func (p *Parts) SyncNow() scheduler.TriggerOutcome { return p.Scheduler.Trigger() }

// SetPaused remembers the choice, then pauses or resumes the scheduler.
func (p *Parts) SetPaused(ctx context.Context, paused bool) error {
	if err := p.Store.SetSetting(ctx, store.KeyPaused, strconv.FormatBool(paused)); err != nil {
		return fmt.Errorf("remember pause: %w", err)
	}
	if paused {
		p.Scheduler.Pause()
	} else {
		p.Scheduler.Resume()
	}
	return nil
}

// LastRun returns the most recent run.
func (p *Parts) LastRun(ctx context.Context) (store.Run, error) { return p.Store.LastRun(ctx) }

// NextRun is when the next automatic run is due.
func (p *Parts) NextRun() time.Time { return p.Scheduler.NextRun() }

// RunFunc is the scheduler's run function over a runner: one complete run,
// its summary handed back as the scheduler's Result, with the UI's account
// of it (report.RunSummary) as the Result's Detail.
//
// The desktop app's runs are gated (services.Runner.RunGated): the link's
// first export, or more new invoices than export.confirm_above, waits for
// the user's approval of exactly those invoices.
func RunFunc(r *services.Runner) scheduler.RunFunc {
	return func(ctx context.Context, trigger scheduler.Trigger) scheduler.Result {
		sum := r.RunGated(ctx, engine.RunOptions{Trigger: string(trigger)})
		return scheduler.Result{Summary: sum.Line, Changed: sum.Changed(), Attention: sum.Attention, Err: sum.Err,
			CallLimited: sum.CallLimited, Detail: RunSummary(sum)}
	}
}

// PendingApproval returns the export plan whose invoices wait for the
// user's approval; nil when none waits (or the user approved it and the
// run that makes its invoices is still to come).
func (p *Parts) PendingApproval(ctx context.Context) (*report.ExportPlan, error) {
	plan, w, err := p.Runner.WaitingPlan(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case w.Approved:
		return nil, nil
	}
	return &plan, nil
}

// ApprovePlan records the user's approval of the plan with hash (Facturen
// aanmaken) and asks for a run, which makes the invoices if they are still
// exactly the approved ones. It returns store.ErrNotFound, and asks for no
// run, when another plan waits by now.
func (p *Parts) ApprovePlan(ctx context.Context, hash string) (scheduler.TriggerOutcome, error) {
	if err := p.Runner.ApprovePlan(ctx, hash); err != nil {
		return scheduler.Refused, err
	}
	return p.Scheduler.Trigger(), nil
}
