package ui

// This file owns the Backend interface, everything the UI needs from the
// rest of Koppeling, whose values are the UI's own (attention
// items, login problems, run summaries, progress: package model). The real
// Backend lives in internal/backend, which converts the engine's and the
// services' values into model's; the tests use a map-backed fake.

import (
	"context"
	"sort"
	"time"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// Backend is everything the window and the tray need from the rest of
// Koppeling. Methods may block (disk, keychain, network): the UI calls them
// off the UI thread, except the initial load.
type Backend interface {
	// Settings reads the saved settings.
	Settings(ctx context.Context) (store.Settings, error)
	// SaveSettings validates and saves values (setting key -> text) all or
	// nothing; refused values come back as *store.SettingError, joined.
	SaveSettings(ctx context.Context, values map[string]string) error
	// Credentials loads the credentials from the keychain.
	Credentials() (secrets.Credentials, error)
	// SaveCredentials stores the credentials in the keychain.
	SaveCredentials(c secrets.Credentials) error
	// CheckLogin opens a session with both services; nil when both work.
	CheckLogin(ctx context.Context, c secrets.Credentials) *report.LoginProblem
	// Administrations lists the administrations linked to the e-Boekhouden
	// account of c's security codes (an accountant's; SOAP
	// GetAdministraties), for the login's choice: none for an ordinary
	// account and on the REST road. A list that cannot be read is a
	// problem, never "none".
	Administrations(ctx context.Context, c secrets.Credentials) ([]report.Administration, *report.LoginProblem)
	// WorkflowStatuses lists OutSmart's workflow statuses with the saved
	// credentials; a refused or missing login is a *report.LoginProblem in the
	// error's chain.
	WorkflowStatuses(ctx context.Context) ([]string, error)
	// SettingChoices reads what the export settings offer with the saved
	// credentials: on e-Boekhouden's REST road the active invoice templates,
	// the revenue ledgers and the active cost centres; on the SOAP road the
	// revenue ledgers only. Refused credentials are a *report.LoginProblem
	// in the error's chain.
	SettingChoices(ctx context.Context) (report.SettingChoices, error)
	// Log returns log lines, newest first.
	Log(ctx context.Context, f store.LogFilter) ([]store.LogEntry, error)
	// Attention lists everything that needs the user; RetryAttention and
	// SkipAttention act on one item, RetryCause on the items of one cause.
	Attention(ctx context.Context) ([]report.AttentionItem, error)
	RetryAttention(ctx context.Context, kind report.AttentionKind, id string) error
	SkipAttention(ctx context.Context, kind report.AttentionKind, id string) error
	RetryCause(ctx context.Context, cause string) (int, error)
	// SyncNow asks the scheduler for a run.
	SyncNow() scheduler.TriggerOutcome
	// SetPaused pauses or resumes the automatic runs and remembers it.
	SetPaused(ctx context.Context, paused bool) error
	// LastRun returns the most recent run (store.ErrNotFound when none).
	LastRun(ctx context.Context) (store.Run, error)
	// NextRun is when the next automatic run is due (zero while paused).
	NextRun() time.Time
	// PendingApproval returns the plan whose invoices wait for the user's
	// approval (nil when none waits); ApprovePlan records the approval of
	// exactly the plan with hash (Facturen aanmaken) and asks for a run. It
	// returns store.ErrNotFound, and asks for none, when another plan waits
	// by now.
	PendingApproval(ctx context.Context) (*report.ExportPlan, error)
	ApprovePlan(ctx context.Context, hash string) (scheduler.TriggerOutcome, error)
	// Invoices is the invoice overview (issue 18) with the payment status
	// of the last run, from the store only.
	Invoices(ctx context.Context) ([]store.InvoiceRow, error)
	// InvoicePDF is the link to an invoice's PDF (e-Boekhouden's REST
	// road; report.ErrNoPDFLink on the SOAP road).
	InvoicePDF(ctx context.Context, number string) (string, error)
}

// groupByCause orders items so that those of one cause follow each other
// (in the order their first item had) and returns the size of each cause.
func groupByCause(items []report.AttentionItem) ([]report.AttentionItem, map[string]int) {
	first := map[string]int{}
	size := map[string]int{}
	for i, it := range items {
		if _, ok := first[it.Cause]; !ok {
			first[it.Cause] = i
		}
		size[it.Cause]++
	}
	out := append([]report.AttentionItem(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return first[out[i].Cause] < first[out[j].Cause] })
	return out, size
}
