package ui

// This file owns fakeBackend, a Backend held in memory for the UI's
// behaviour tests: no sandbox, no SQLite, no keychain, no D-Bus. It keeps
// what the real one keeps (settings, credentials, log lines, the attention
// list, the last run) in maps and slices, validates settings with the
// store's own rules (store.ApplySettings) and records every call.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// fakeBackend is a Backend in memory. Its zero value is not ready: use
// newFakeBackend. Tests set its fields before the UI starts or under mu.
type fakeBackend struct {
	mu sync.Mutex

	// settings are the saved settings; SaveSettings changes them all or
	// nothing, as the store does.
	settings store.Settings
	// saveErr, when set, is what every SaveSettings answers (a damaged
	// store); nothing is saved.
	saveErr error

	// creds are the credentials in the "keychain"; credsErr and
	// saveCredsErr are the keychain's failures.
	creds                  secrets.Credentials
	credsErr, saveCredsErr error
	// login answers CheckLogin for complete credentials (nil: both
	// services accept); an empty field is named as the services name it.
	login func(secrets.Credentials) *report.LoginProblem
	// admins and adminsProblem answer Administrations on the SOAP road
	// (an accountant's linked administrations).
	admins        []report.Administration
	adminsProblem *report.LoginProblem
	// statuses and statusesErr answer WorkflowStatuses.
	statuses    []string
	statusesErr error
	// choices and choicesErr answer SettingChoices; while choicesGate is
	// set, SettingChoices waits until it is closed (the lists loading).
	choices     report.SettingChoices
	choicesErr  error
	choicesGate chan struct{}

	// log holds the log lines in the order they were written.
	log []store.LogEntry
	// items is the attention list (park and note add to it as the engine
	// lists them). RetryAttention and SkipAttention take an item off it,
	// as the engine does until the next run; RetryCause takes the items of
	// one cause that need no confirmation. Unlike the engine, the fake
	// writes no log line for them.
	items []report.AttentionItem
	// runs are the finished runs, oldest first.
	runs []store.Run

	// sched, when set, runs SyncNow, SetPaused and NextRun.
	sched *scheduler.Scheduler

	// plan is the export plan that waits for approval (nil: none);
	// ApprovePlan of its hash takes it off and asks for a run, as the
	// real one does.
	plan *report.ExportPlan
	// invoices answer Invoices (invoicesErr instead when set); pdfs are
	// the PDF links InvoicePDF gives by invoice number (none: the SOAP
	// road's answer, report.ErrNoPDFLink).
	invoices    []store.InvoiceRow
	invoicesErr error
	pdfs        map[string]string

	// calls are the calls made, in order, as "Method arg ...".
	calls []string
}

var _ Backend = (*fakeBackend)(nil)

// newFakeBackend is a fake with the default settings, no credentials, an
// empty log and nothing that needs attention.
func newFakeBackend() *fakeBackend {
	return &fakeBackend{settings: store.DefaultSettings(), statuses: []string{store.DefaultWorkflowStatus},
		choices: report.SettingChoices{Ledgers: []report.LedgerChoice{{Code: "8000", Description: "Omzet"}}}}
}

func (f *fakeBackend) record(format string, a ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

// called lists the calls made whose text starts with prefix.
func (f *fakeBackend) called(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// savedSettings are the settings as saved now.
func (f *fakeBackend) savedSettings() store.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

// savedCredentials are the credentials in the fake keychain now.
func (f *fakeBackend) savedCredentials() secrets.Credentials {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.creds
}

// attention is the attention list now.
func (f *fakeBackend) attention() []report.AttentionItem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.items)
}

func (f *fakeBackend) Settings(context.Context) (store.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Settings")
	return f.settings, nil
}

// SaveSettings checks and applies values over the saved settings with the
// store's own rules (store.ApplySettings): every value on its own, then the
// rules between settings.
func (f *fakeBackend) SaveSettings(_ context.Context, values map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SaveSettings %d", len(values))
	if f.saveErr != nil {
		return f.saveErr
	}
	// A new cost centre is checked against the lists, as the real one does.
	err := backend.CheckCostCentre(values, f.settings, func() (bool, error) { return f.creds.EBoekhoudenREST(), nil },
		func(id int64) (bool, error) {
			ok := slices.ContainsFunc(f.choices.CostCentres, func(c report.CostCentreChoice) bool { return c.ID == id })
			return ok, f.choicesErr
		})
	if err != nil {
		return err
	}
	next, err := store.ApplySettings(f.settings, values)
	if err != nil {
		return err
	}
	if _, ok := values[store.KeyIntervalMinutes]; ok && f.sched != nil {
		f.sched.SetInterval(time.Duration(next.IntervalMinutes) * time.Minute)
	}
	f.settings = next
	return nil
}

func (f *fakeBackend) Credentials() (secrets.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Credentials")
	if f.credsErr != nil {
		return secrets.Credentials{}, f.credsErr
	}
	return f.creds, nil
}

func (f *fakeBackend) SaveCredentials(c secrets.Credentials) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SaveCredentials")
	if f.saveCredsErr != nil {
		return f.saveCredsErr
	}
	f.creds = c
	return nil
}

func (f *fakeBackend) CheckLogin(_ context.Context, c secrets.Credentials) *report.LoginProblem {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CheckLogin")
	// As the services do before they send anything: the first empty field.
	if p := report.MissingField(c); p != nil {
		return p
	}
	if f.login == nil {
		return nil
	}
	return f.login(c)
}

func (f *fakeBackend) Administrations(_ context.Context, c secrets.Credentials) ([]report.Administration, *report.LoginProblem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Administrations")
	if c.EBoekhoudenREST() {
		return nil, nil // as the services: no choice on the REST road
	}
	if f.adminsProblem != nil {
		return nil, f.adminsProblem
	}
	return append([]report.Administration(nil), f.admins...), nil
}

func (f *fakeBackend) WorkflowStatuses(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("WorkflowStatuses")
	return slices.Clone(f.statuses), f.statusesErr
}

func (f *fakeBackend) SettingChoices(context.Context) (report.SettingChoices, error) {
	f.mu.Lock()
	f.record("SettingChoices")
	gate := f.choicesGate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.choices, f.choicesErr
}

// Log filters and orders as the store does: newest first (by time, then
// by the order of writing), the levels and run asked for, at most Limit
// lines (500 when 0).
func (f *fakeBackend) Log(_ context.Context, lf store.LogFilter) ([]store.LogEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Log")
	var out []store.LogEntry
	for i := len(f.log) - 1; i >= 0; i-- {
		e := f.log[i]
		if (len(lf.Levels) == 0 || slices.Contains(lf.Levels, e.Level)) && (lf.RunID == 0 || e.RunID == lf.RunID) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	limit := lf.Limit
	if limit <= 0 {
		limit = 500
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// addLog writes log lines, numbered in the order of writing, as the
// store's AddLog does: now when without a time, info when without a level,
// the Dutch text of its message when without a text.
func (f *fakeBackend) addLog(entries ...store.LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range entries {
		e.ID = int64(len(f.log) + 1)
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		if e.Level == "" {
			e.Level = store.LevelInfo
		}
		if e.Message == "" && e.Key != "" {
			e.Message = message.Render(message.Dutch, e.Key, e.Args)
		}
		f.log = append(f.log, e)
	}
}

// loginMissing is the attention item of missing login details, as the
// engine notes it (engine.NoteNoCredentials with login.missing).
var loginMissing = store.Attention{Kind: store.AttentionLogin, Subject: "credentials", Cause: "credentials",
	TitleKey: "subject.login", ReasonKey: "login.missing", FixKey: "login.missing.fix"}

func (f *fakeBackend) Attention(context.Context) ([]report.AttentionItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Attention")
	return slices.Clone(f.items), nil
}

// take removes the item of kind and id from the list; it fails like the
// engine when there is none.
func (f *fakeBackend) take(kind report.AttentionKind, id string) error {
	i := slices.IndexFunc(f.items, func(it report.AttentionItem) bool { return it.Kind == kind && it.ID == id })
	if i < 0 {
		return fmt.Errorf("no %s %q needs attention", kind, id)
	}
	f.items = slices.Delete(f.items, i, i+1)
	return nil
}

func (f *fakeBackend) RetryAttention(_ context.Context, kind report.AttentionKind, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RetryAttention %s %s", kind, id)
	return f.take(kind, id)
}

func (f *fakeBackend) SkipAttention(_ context.Context, kind report.AttentionKind, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SkipAttention %s %s", kind, id)
	if kind == report.AttentionSettings || kind == report.AttentionLogin {
		return fmt.Errorf("%s %s cannot be skipped: it stops every run until it is fixed", kind, id)
	}
	return f.take(kind, id)
}

// park puts a parked work order on the attention list as the engine lists
// it (fakeAttentionMatchesTheEngine checks it against the engine).
func (f *fakeBackend) park(x store.Export) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, report.WorkOrderItem(x))
}

// note puts a record, setting or login on the attention list as the engine
// lists it.
func (f *fakeBackend) note(a store.Attention) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, report.StoredItem(a))
}

func (f *fakeBackend) RetryCause(_ context.Context, cause string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RetryCause %s", cause)
	n := len(f.items)
	// A confirmation is asked one work order at a time.
	f.items = slices.DeleteFunc(f.items, func(it report.AttentionItem) bool {
		return it.Cause == cause && it.CanRetry && !it.NeedsConfirmation
	})
	return n - len(f.items), nil
}

func (f *fakeBackend) SyncNow() scheduler.TriggerOutcome {
	f.mu.Lock()
	f.record("SyncNow")
	s := f.sched
	f.mu.Unlock()
	if s == nil {
		return scheduler.Started
	}
	return s.Trigger()
}

func (f *fakeBackend) SetPaused(_ context.Context, paused bool) error {
	f.mu.Lock()
	f.record("SetPaused %v", paused)
	f.settings.Paused = paused
	s := f.sched
	f.mu.Unlock()
	if s != nil {
		if paused {
			s.Pause()
		} else {
			s.Resume()
		}
	}
	return nil
}

func (f *fakeBackend) LastRun(context.Context) (store.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("LastRun")
	if len(f.runs) == 0 {
		return store.Run{}, store.ErrNotFound
	}
	return f.runs[len(f.runs)-1], nil
}

// finishRun records a run that ended with res, as the runner's store does.
func (f *fakeBackend) finishRun(trigger scheduler.Trigger, started time.Time, res scheduler.Result) store.Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := store.Run{ID: int64(len(f.runs) + 1), StartedAt: started, FinishedAt: time.Now(), Trigger: string(trigger),
		Outcome: store.RunOK, Summary: res.Summary}
	switch {
	case res.Err != nil:
		r.Outcome = store.RunFailed
	case res.Attention > 0:
		r.Outcome = store.RunAttention
	}
	f.runs = append(f.runs, r)
	return r
}

func (f *fakeBackend) PendingApproval(context.Context) (*report.ExportPlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("PendingApproval")
	return f.plan, nil
}

func (f *fakeBackend) ApprovePlan(_ context.Context, hash string) (scheduler.TriggerOutcome, error) {
	f.mu.Lock()
	f.record("ApprovePlan %s", hash)
	if f.plan == nil || f.plan.Hash != hash {
		f.mu.Unlock()
		return scheduler.Refused, fmt.Errorf("approve the export plan %s: %w", hash, store.ErrNotFound)
	}
	f.plan = nil
	f.mu.Unlock()
	return f.SyncNow(), nil
}

func (f *fakeBackend) NextRun() time.Time {
	f.mu.Lock()
	s := f.sched
	f.mu.Unlock()
	if s == nil {
		return time.Time{}
	}
	return s.NextRun()
}

func (f *fakeBackend) Invoices(context.Context) ([]store.InvoiceRow, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Invoices")
	if f.invoicesErr != nil {
		return nil, f.invoicesErr
	}
	return slices.Clone(f.invoices), nil
}

func (f *fakeBackend) InvoicePDF(_ context.Context, number string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("InvoicePDF %s", number)
	if link, ok := f.pdfs[number]; ok {
		return link, nil
	}
	return "", fmt.Errorf("invoice %s: %w", number, report.ErrNoPDFLink)
}

// TestFakeSettingsMatchTheStore saves the same values, one change after
// the other, in the fake and in a real store (SQLite in a temporary
// directory, no keychain): both refuse the same values with the same
// words and keep the same settings.
func TestFakeSettingsMatchTheStore(t *testing.T) {
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := newFakeBackend()
	for _, values := range []map[string]string{
		{store.KeyImportMaterials: "nee", store.KeyExportRelations: "UIT", store.KeyNotifySuccess: " 0 "},
		{store.KeyExportInvoices: "ja"}, // no template yet: refused
		{store.KeyExportInvoices: "aan", store.KeyTemplate: "  Standaard "},
		{store.KeyExportInvoices: "true"}, // the template is saved now
		{store.KeyTemplate: ""},           // invoices on: refused
		{store.KeyPaymentTermDays: " 030", store.KeyIntervalMinutes: "60"},
		{store.KeyPaymentTermDays: "400", store.KeyDefaultLedger: "80 10"},
		{store.KeyDefaultVATCode: " laag_verk_9 ", store.KeyDefaultLedger: "8010"},
		{store.KeyDefaultVATCode: "HOOG_INK"},
		{store.KeyHoursRounding: "Kwartier"}, {store.KeyHoursRounding: "0,01"}, {store.KeyHoursRounding: "half uur"},
		{store.KeyHoursRounding: "uur"},
		{store.KeyMaxLineAmount: "€ 30000,5"}, {store.KeyMaxLineAmount: "1,234"}, {store.KeyMaxLineAmount: "0"},
		{store.KeyWorkflowStatus: "Klaar", store.KeyAutostart: "yes", store.KeyPaused: "on", store.KeyBookDirectly: "1"},
		{store.KeyWorkflowStatus: ""}, {store.KeyTemplate: "a\tb"}, {"export.colour": "blauw"},
		{store.KeyImportRelations: "misschien", store.KeyImportHourTypes: "off"},
	} {
		realErr := st.SetSettings(t.Context(), values)
		fakeErr := f.SaveSettings(t.Context(), values)
		if fmt.Sprint(realErr) != fmt.Sprint(fakeErr) {
			t.Errorf("%v:\nstore says %v\n fake says %v", values, realErr, fakeErr)
		}
		want, err := st.Settings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := f.savedSettings(); got != want {
			t.Fatalf("after %v:\nstore keeps %+v\n fake keeps %+v", values, want, got)
		}
	}
	if f.savedSettings() == store.DefaultSettings() {
		t.Fatal("nothing was saved")
	}
}

// fakeCredentials are complete credentials for the fake keychain (no
// service sees them).
var fakeCredentials = secrets.Credentials{EBoekhoudenUsername: "installatie", EBoekhoudenSecurityCode1: strings.Repeat("1", 32),
	EBoekhoudenSecurityCode2: strings.Repeat("2", 32), OutSmartCompanyID: "bedrijf-7", OutSmartToken: strings.Repeat("a", 64),
	OutSmartSoftwareToken: strings.Repeat("b", 64)}

// newFakeHarness is a UI over a fakeBackend and the real scheduler, whose
// runs are o.run (or a run that finds nothing to do) recorded in the fake
// as the runner records them in the store. Of o it takes loggedIn
// (fakeCredentials in the fake keychain), settings, run, startScheduler
// and opts; seed fills the fake before the UI starts.
func newFakeHarness(t *testing.T, o harnessOptions, seed ...func(*fakeBackend)) *harness {
	t.Helper()
	if o.seed != nil || o.dir != "" || o.service != "" || o.keychain != nil {
		t.Fatal("newFakeHarness has no store, data directory or keychain: use newHarness")
	}
	h := &harness{t: t, ctx: context.Background(), q: newMainQueue(), fake: newFakeBackend()}
	if o.loggedIn {
		h.fake.creds = fakeCredentials
	}
	if len(o.settings) > 0 {
		if err := h.fake.SaveSettings(h.ctx, o.settings); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range seed {
		s(h.fake)
	}
	run := o.run
	if run == nil {
		run = func(context.Context, scheduler.Trigger) scheduler.Result {
			return scheduler.Result{Summary: "Alles was al bijgewerkt"}
		}
	}
	set := h.fake.savedSettings()
	h.sched = scheduler.New(func(ctx context.Context, trigger scheduler.Trigger) scheduler.Result {
		started := time.Now()
		res := run(ctx, trigger)
		h.fake.finishRun(trigger, started, res)
		return res
	}, scheduler.Options{Interval: time.Duration(set.IntervalMinutes) * time.Minute, Paused: set.Paused})
	t.Cleanup(h.sched.Stop)
	h.fake.sched = h.sched
	h.fake.calls = nil // what the UI calls, not the seeding
	h.app = &fakeDesktop{App: test.NewTempApp(t)}
	var err error
	h.u, err = newUI(h.app, h.fake, o.opts, h.q.do, func(f func()) { go f() })
	if err != nil {
		t.Fatal(err)
	}
	h.u.win.Resize(defaultWindowSize)
	t.Cleanup(h.sched.Subscribe(h.u.HandleEvent))
	if o.startScheduler {
		if err := h.sched.Start(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	h.settle()
	return h
}

// TestFakeNamesAMissingFieldAsTheServicesDo: for credentials with one
// field empty, the fake's CheckLogin answers what the real Backend answers
// (which sends nothing then).
func TestFakeNamesAMissingFieldAsTheServicesDo(t *testing.T) {
	parts, f := &backend.Parts{}, newFakeBackend()
	blank := []func(*secrets.Credentials){
		func(c *secrets.Credentials) { c.EBoekhoudenUsername = "" },
		func(c *secrets.Credentials) { c.EBoekhoudenSecurityCode1 = "" },
		func(c *secrets.Credentials) { c.EBoekhoudenSecurityCode2 = "" },
		func(c *secrets.Credentials) { c.OutSmartToken = "" },
		func(c *secrets.Credentials) { c.OutSmartSoftwareToken = "" },
		func(c *secrets.Credentials) { *c = secrets.Credentials{} },
		// The token's road: the three codes are not asked for, OutSmart's are.
		func(c *secrets.Credentials) {
			*c = secrets.Credentials{EBoekhoudenAPIToken: "tok", OutSmartSoftwareToken: c.OutSmartSoftwareToken}
		},
		func(c *secrets.Credentials) {
			c.EBoekhoudenUsername, c.EBoekhoudenAPIToken, c.OutSmartSoftwareToken = "", "tok", ""
		},
	}
	for i, b := range blank {
		c := fakeCredentials
		b(&c)
		want, got := parts.CheckLogin(t.Context(), c), f.CheckLogin(t.Context(), c)
		if want == nil || got == nil || *got != *want {
			t.Errorf("case %d: fake says %+v, the real Backend %+v", i, got, want)
		}
	}
}

// savedSettings are the settings as saved, in the fake or the store.
func (h *harness) savedSettings() store.Settings {
	h.t.Helper()
	if h.fake != nil {
		return h.fake.savedSettings()
	}
	set, err := h.st.Settings(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return set
}

// TestFakeAttentionMatchesTheEngine puts the same work orders and records
// in the fake and in a real store: the fake lists them as the real
// Backend lists them from the store, text for text.
func TestFakeAttentionMatchesTheEngine(t *testing.T) {
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := newFakeBackend()
	for _, x := range []store.Export{
		{RowID: "wo-120", OrderNumber: "WB26120", State: store.ExportParked, RelationCode: "R0004", Reason: "Held back.",
			NeedsConfirmation: true},
		{RowID: "wo-121", OrderNumber: "WB26121", State: store.ExportParked, RelationCode: "R0011",
			Reason: "e-Boekhouden weigert de factuur: onbekende btw-code HOOG_VERK."},
		{RowID: "wo-122", OrderNumber: "WB26122", State: store.ExportParked, ReasonKey: "park.legacy",
			FixKey: "park.legacy.fix", Args: message.Args{"Invoice": "F2026-7", "Number": "WB26122", "Code": "R0004"}},
	} {
		if err := st.SaveExport(t.Context(), x); err != nil {
			t.Fatal(err)
		}
		f.park(x)
	}
	// In the store's order: kind, subject. The login is noted by the
	// engine itself.
	if err := engine.New(engine.Params{Store: st}).NoteNoCredentials(t.Context(), message.T("login.missing")); err != nil {
		t.Fatal(err)
	}
	f.note(loginMissing)
	for _, code := range []string{"1034", "1035"} {
		if err := st.SetAttention(t.Context(), relationRefused(code)); err != nil {
			t.Fatal(err)
		}
		f.note(relationRefused(code))
	}
	parts := &backend.Parts{Store: st, Runner: &services.Runner{Store: st}}
	want, err := parts.Attention(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.Attention(t.Context())
	if len(got) != len(want) || len(want) != 6 {
		t.Fatalf("fake lists %d items, the engine %d", len(got), len(want))
	}
	for i := range want {
		// The journal entry comes back from the store with its times.
		want[i].Export, got[i].Export = store.Export{RowID: want[i].Export.RowID}, store.Export{RowID: got[i].Export.RowID}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("item %d:\n fake   %+v\n engine %+v", i, got[i], want[i])
		}
		for _, lang := range []message.Lang{message.Dutch, message.English} {
			if g, w := got[i].Reason.Render(lang)+got[i].Fix.Render(lang), want[i].Reason.Render(lang)+want[i].Fix.Render(lang); g != w {
				t.Errorf("item %d in %s: %q, engine %q", i, lang, g, w)
			}
		}
	}
}

// TestFakeHistoryMatchesTheStore fills a real store and the fake with the
// golden history: the last run, the log (all of it, problems only, cut
// off) and the attention list read the same from both.
func TestFakeHistoryMatchesTheStore(t *testing.T) {
	st, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	goldenSeed(t)(st)
	parts := &backend.Parts{Store: st, Runner: &services.Runner{Store: st}}
	f := newFakeBackend()
	goldenFake(f)

	wantRun, err := parts.LastRun(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if gotRun, err := f.LastRun(t.Context()); err != nil || !reflect.DeepEqual(gotRun, wantRun) {
		t.Errorf("last run:\n fake  %+v (%v)\n store %+v", gotRun, err, wantRun)
	}
	for _, lf := range []store.LogFilter{{}, {Levels: problemLevels}, {Limit: 3}, {RunID: wantRun.ID, Limit: 2}, {RunID: 99}} {
		want, err := parts.Log(t.Context(), lf)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.Log(t.Context(), lf)
		if len(got) != len(want) || (lf.RunID != 99 && len(want) == 0) {
			t.Fatalf("%+v: fake has %d lines, the store %d", lf, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%+v line %d:\n fake  %+v\n store %+v", lf, i, got[i], want[i])
			}
		}
	}
	want, err := parts.Attention(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.Attention(t.Context())
	if len(got) != len(want) || len(want) != 2 {
		t.Fatalf("fake lists %d items, the store %d", len(got), len(want))
	}
	for i := range want {
		want[i].Export, got[i].Export = store.Export{RowID: want[i].Export.RowID}, store.Export{RowID: got[i].Export.RowID}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("item %d:\n fake  %+v\n store %+v", i, got[i], want[i])
		}
	}
}
