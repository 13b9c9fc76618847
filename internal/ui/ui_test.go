package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// TestLoginSubmitNamesTheProblemAndKeepsCredentialsInTheKeychain fills in
// the Inloggen screen (the manual's AUTHENTICATION) and submits wrong and
// then right credentials.
func TestLoginSubmitNamesTheProblemAndKeepsCredentialsInTheKeychain(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	u, c := h.u, h.demoCredentials()
	if u.tabs.SelectedIndex() != tabLogin {
		t.Fatalf("without credentials the window opens on tab %d, want Inloggen", u.tabs.SelectedIndex())
	}
	f := u.login
	typeInto(f.username, c.EBoekhoudenUsername)
	typeInto(f.code1, "00000000000000000000000000000000")
	typeInto(f.code2, c.EBoekhoudenSecurityCode2)
	typeInto(f.companyID, c.OutSmartCompanyID)
	typeInto(f.token, c.OutSmartToken)
	typeInto(f.softwareToken, c.OutSmartSoftwareToken)
	// Submit keeps credentials: they are no unsaved settings, but the form
	// says Submit has yet to keep them.
	if u.dirty() || u.saveNote.Text == "Niet-opgeslagen wijzigingen" {
		t.Fatalf("typed credentials count as unsaved settings: %q", u.saveNote.Text)
	}
	if !f.pending.Visible() || f.pending.Text != "Kies Submit om deze inloggegevens te controleren en te bewaren." {
		t.Fatalf("typed credentials: pending %v %q", f.pending.Visible(), f.pending.Text)
	}
	submit := func() {
		t.Helper()
		test.Tap(f.submit)
		h.pump("the login check", func() bool { return !f.submit.Disabled() && f.result.Text != tr("login.checking") })
	}

	submit()
	want := "e-Boekhouden weigert de gebruikersnaam of beveiligingscodes. Controleer ze en probeer het opnieuw."
	if f.result.Text != want {
		t.Fatalf("refused login says %q, want %q", f.result.Text, want)
	}
	if f.code2Err.Text != want || !f.code2Err.Visible() {
		t.Errorf("the security codes are not marked: %q", f.code2Err.Text)
	}
	if got := h.topDialogText(); !strings.Contains(got, "Inloggen mislukt") || !strings.Contains(got, want) {
		t.Errorf("dialog: %q", got)
	}
	for _, s := range h.secrets() {
		if strings.Contains(h.topDialogText(), s) || strings.Contains(f.result.Text, s) {
			t.Fatal("a secret is shown")
		}
	}
	if _, src, _ := h.vault.Load(); src.Keychain {
		t.Fatal("refused credentials were stored")
	}
	h.closeDialogs()

	// A wrong OutSmart token names OutSmart and the token.
	typeInto(f.code1, c.EBoekhoudenSecurityCode1)
	typeInto(f.token, strings.Repeat("f", 64))
	submit()
	if want := "OutSmart weigert de token. Controleer ze en probeer het opnieuw."; f.result.Text != want || f.tokenErr.Text != want {
		t.Fatalf("wrong token: %q / %q", f.result.Text, f.tokenErr.Text)
	}
	if f.code2Err.Visible() {
		t.Error("the e-Boekhouden mark stays after e-Boekhouden accepted the codes")
	}
	h.closeDialogs()

	// An empty field is named before anything is sent.
	typeInto(f.token, "")
	submit()
	if want := "OutSmart: vul de token in."; f.result.Text != want {
		t.Fatalf("missing token: %q", f.result.Text)
	}
	h.closeDialogs()

	typeInto(f.token, c.OutSmartToken)
	submit()
	if f.result.Text != "Gelukt - Je bent ingelogd!" {
		t.Fatalf("good login says %q", f.result.Text)
	}
	if got := h.topDialogText(); !strings.Contains(got, "Gelukt") || !strings.Contains(got, "Je bent ingelogd!") {
		t.Fatalf("success dialog: %q", got)
	}
	h.tapDialogButton("OK")
	if u.dirty() || f.pending.Visible() {
		t.Error("submitted credentials still count as unsaved")
	}
	// Kept in the real keychain, under the test's service name.
	stored, src, err := h.vault.Load()
	if err != nil || !src.Keychain || stored != c {
		t.Fatalf("keychain holds %v (from the keychain: %v, %v)", stored, src.Keychain, err)
	}
	// The Export tab's workflow statuses now come from OutSmart.
	h.pump("the workflow statuses", func() bool { return len(u.settings.workflowStatus.Options) > 1 })
	if !slices.Contains(u.settings.workflowStatus.Options, store.DefaultWorkflowStatus) ||
		u.settings.workflowStatus.Selected != store.DefaultWorkflowStatus {
		t.Errorf("workflow statuses: %v, chosen %q", u.settings.workflowStatus.Options, u.settings.workflowStatus.Selected)
	}
	assertNoSecretsIn(t, h.dir, h.secrets())
}

// TestSettingsAreValidatedSavedAndSurviveARestart fills the settings tabs,
// has a refused value marked inline, saves, and starts a new UI on the same
// data directory and keychain item.
func TestSettingsAreValidatedSavedAndSurviveARestart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	u, f := h.u, h.u.settings
	test.Tap(f.importMaterials) // off
	test.Tap(f.exportInvoices)  // on
	typeInto(f.template, "Standaard")
	typeInto(f.paymentTerm, "400")
	f.vatCode.SetSelected("Laag tarief 9 % (LAAG_VERK_9)")
	typeInto(f.ledger, "8010")
	typeInto(f.interval, "30")
	test.Tap(f.notifySuccess) // off
	typeInto(u.login.username, "installatie")

	// Ctrl+S while typing in a field saves (and is refused: 400 days).
	u.win.Canvas().Focus(f.template)
	f.template.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	h.pump("the refusal", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	if got := h.topDialogText(); !strings.Contains(got, "Niet opgeslagen") {
		t.Fatalf("refused save: %q", got)
	}
	term := h.field(store.KeyPaymentTermDays)
	if want := "Vul een geheel aantal dagen in, van 0 tot en met 365."; term.err.Text != want || !term.err.Visible() {
		t.Fatalf("inline error %q, want %q", term.err.Text, want)
	}
	h.closeDialogs()
	if u.tabs.SelectedIndex() != tabExport || u.win.Canvas().Focused() != f.paymentTerm {
		t.Errorf("the refused field is not brought into view: tab %d, focus %T", u.tabs.SelectedIndex(), u.win.Canvas().Focused())
	}
	if set, _ := h.st.Settings(h.ctx); set.ExportInvoices || set.Template != "" || !set.ImportMaterials {
		t.Fatalf("a refused save changed the store: %+v", set)
	}
	if c, src, _ := h.vault.Load(); src.Keychain || c.EBoekhoudenUsername != "" {
		t.Fatal("a refused save stored the credentials")
	}

	typeInto(f.paymentTerm, "30")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if term.err.Visible() {
		t.Error("the inline error stays after a good save")
	}
	set, err := h.st.Settings(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.DefaultSettings()
	want.ImportMaterials, want.ExportInvoices, want.Template, want.PaymentTermDays = false, true, "Standaard", 30
	want.DefaultVATCode, want.DefaultLedger, want.IntervalMinutes, want.NotifySuccess = "LAAG_VERK_9", "8010", 30, false
	if set != want {
		t.Fatalf("stored settings\n %+v\nwant\n %+v", set, want)
	}
	if c, _, _ := h.vault.Load(); c.EBoekhoudenUsername != "installatie" {
		t.Errorf("the username typed before saving is not in the keychain: %q", c.EBoekhoudenUsername)
	}

	// Restart: a new UI over the same data directory and keychain item.
	h.sched.Stop()
	h.st.Close()
	r := newHarness(t, harnessOptions{dir: h.dir, service: h.vault.Service})
	rf := r.u.settings
	if rf.importMaterials.Checked || !rf.exportInvoices.Checked || rf.template.Text != "Standaard" ||
		rf.paymentTerm.Text != "30" || rf.vatCode.Selected != "Laag tarief 9 % (LAAG_VERK_9)" || rf.ledger.Text != "8010" ||
		rf.interval.Text != "30" || rf.notifySuccess.Checked {
		t.Fatalf("settings after a restart: %v", rf.values())
	}
	if r.u.login.username.Text != "installatie" || r.u.dirty() {
		t.Fatalf("credentials after a restart: %q (unsaved: %v)", r.u.login.username.Text, r.u.dirty())
	}
}

func (h *harness) field(key string) *settingField {
	h.t.Helper()
	for _, fd := range h.u.settings.fields {
		if fd.key == key {
			return fd
		}
	}
	h.t.Fatalf("no field for %s", key)
	return nil
}

// TestStartSynchronisatieRunsAgainstTheSandbox follows the manual's steps 8
// to 10: save, Start synchronisatie, the message that it started, and the
// log showing what was synchronised; then the tray's Nu synchroniseren.
func TestStartSynchronisatieRunsAgainstTheSandbox(t *testing.T) {
	h := newHarness(t, harnessOptions{startScheduler: true, loggedIn: true})
	u, f := h.u, h.u.settings
	if h.app.icon == nil || h.app.icon.Name() != "tray-idle.png" {
		t.Fatalf("tray icon before the first run: %v", h.app.icon)
	}
	if got := h.app.menu.Items[0].Label; got != "Nog niet gesynchroniseerd." {
		t.Fatalf("first tray line: %q", got)
	}
	test.Tap(f.exportInvoices)
	typeInto(f.template, "Standaard")

	// Start synchronisatie with unsaved changes saves them first.
	test.Tap(findButton(u.win.Content(), "Start synchronisatie"))
	h.pump("the message that the run started", func() bool { return h.topDialogText() != "" })
	if got := h.topDialogText(); !strings.Contains(got, "De synchronisatie is gestart.") {
		t.Fatalf("after Start synchronisatie: %q", got)
	}
	if set, _ := h.st.Settings(h.ctx); !set.ExportInvoices || set.Template != "Standaard" {
		t.Fatalf("the changes were not saved before the run: %+v", set)
	}
	h.tapDialogButton("OK")
	h.waitForRun(0)
	// The link's first invoices wait for approval: nothing went to
	// e-Boekhouden until Facturen aanmaken, and then exactly the preview.
	if got := len(h.sb.EBoekhouden.State().Invoices); got != len(h.sb.Dataset.EBoekhouden.Invoices) {
		t.Fatalf("the first run made %d invoices before the approval", got-len(h.sb.Dataset.EBoekhouden.Invoices))
	}
	plan := h.approveWaiting(1)

	// The services got the data.
	osState, ebState := h.sb.OutSmart.State(), h.sb.EBoekhouden.State()
	if len(osState.Relations) == 0 || len(osState.Materials) == 0 || len(osState.HourTypes) == 0 {
		t.Fatalf("OutSmart got %d relations, %d materials, %d hour types",
			len(osState.Relations), len(osState.Materials), len(osState.HourTypes))
	}
	handled, err := h.st.Exports(h.ctx, store.ExportHandled)
	if err != nil || len(handled) != len(plan.Invoices) || len(ebState.Invoices) != len(h.sb.Dataset.EBoekhouden.Invoices)+len(handled) {
		t.Fatalf("%d work orders handled of %d previewed, e-Boekhouden holds %d invoices (%v)", len(handled), len(plan.Invoices),
			len(ebState.Invoices), err)
	}

	// The log table: Tijd and Bericht, newest first, with what was synchronised.
	v := u.logView
	rows, cols := v.table.Length()
	if rows < 3 || cols != 2 {
		t.Fatalf("log table is %dx%d", rows, cols)
	}
	if tr("log.time") != "Tijd" || tr("log.message") != "Bericht" {
		t.Fatal("log headers are not Tijd and Bericht")
	}
	var all []string
	for i := range rows {
		all = append(all, cellText(v.table, i, 1))
		if i > 0 && v.entries[i].Time.After(v.entries[i-1].Time) {
			t.Fatalf("log line %d is newer than the one above it", i)
		}
	}
	if got := cellText(v.table, 0, 0); got != v.entries[0].Time.Format("02-01-2006 15:04") {
		t.Errorf("Tijd shows %q", got)
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{"relaties", "Factuur "} {
		if !strings.Contains(joined, want) {
			t.Errorf("the log does not mention %q:\n%s", want, joined)
		}
	}
	// The problem filter keeps warnings, errors and what needs attention.
	test.Tap(v.problemsOnly)
	h.pump("the filtered log", func() bool { r, _ := v.table.Length(); return r < rows })
	for _, e := range v.entries {
		if !slices.Contains(problemLevels, e.Level) {
			t.Errorf("problem filter shows a %s line: %s", e.Level, e.Message)
		}
	}
	test.Tap(v.problemsOnly)
	h.pump("the full log", func() bool { r, _ := v.table.Length(); return r == rows })

	// Status line, tray and the one success notification.
	run := u.lastRun
	if !strings.Contains(u.status.Text, run.Summary) || !strings.Contains(u.status.Text, "Volgende om") {
		t.Errorf("status line: %q", u.status.Text)
	}
	if want := fmt.Sprintf("Laatste synchronisatie: %s, %s", run.FinishedAt.Format("02-01-2006 15:04"), tr(resultKey(*run))); h.app.menu.Items[0].Label != want {
		t.Errorf("first tray line %q, want %q", h.app.menu.Items[0].Label, want)
	}
	// The demo's relations without an address are told on their own; the
	// success notification says what was done; the waiting invoices are
	// told once (the window being hidden); the approved run says what it
	// did.
	notes := h.app.notes
	if len(notes) != 4 || !strings.HasSuffix(notes[0].Title, "aandacht nodig") ||
		notes[1].Title != "Synchronisatie klaar" || notes[1].Content == "" ||
		strings.Contains(notes[1].Content, "aandacht") || !strings.Contains(notes[1].Content, "OutSmart") ||
		notes[2].Title != fmt.Sprintf("%d facturen wachten op uw akkoord", len(plan.Invoices)) ||
		notes[3].Title != "Synchronisatie klaar" || !strings.Contains(notes[3].Content, fmt.Sprintf("%d facturen aangemaakt", len(plan.Invoices))) {
		t.Fatalf("notifications after a run that imported: %v %q", h.app.notifications(), notes[len(notes)-1].Content)
	}
	wantIcon := "tray-idle.png"
	if run.Outcome != store.RunOK {
		wantIcon = "tray-problem.png"
	}
	if h.app.icon.Name() != wantIcon {
		t.Errorf("tray icon after a %s run: %s", run.Outcome, h.app.icon.Name())
	}

	// Nu synchroniseren from the tray: nothing changed, so no notification;
	// the two relations without an address are still open, and the run and
	// the tray say so.
	h.trayItem("Nu synchroniseren").Action()
	h.waitForRun(run.ID)
	if u.lastRun.Outcome != store.RunAttention || len(h.app.notes) != 4 ||
		!strings.Contains(u.lastRun.Summary, "2 relaties kunnen niet naar OutSmart") {
		t.Fatalf("second run %s (%q), notifications %v", u.lastRun.Outcome, u.lastRun.Summary, h.app.notifications())
	}
	if h.app.icon.Name() != "tray-problem.png" {
		t.Errorf("tray icon with relations still open: %s", h.app.icon.Name())
	}
	// The status line counts the one attention list, relations too.
	h.pump("the status line", func() bool { return strings.Contains(u.status.Text, "2 punten vragen aandacht") })
	assertNoSecretsIn(t, h.dir, h.secrets())
}

// cellText is what the table shows in a cell.
func cellText(t *widget.Table, row, col int) string {
	cell := t.CreateCell()
	t.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
	return cell.(*widget.Label).Text
}

func (h *harness) trayItem(label string) *fyne.MenuItem {
	h.t.Helper()
	for _, it := range h.app.menu.Items {
		if it.Label == label {
			return it
		}
	}
	h.t.Fatalf("no tray menu item %q", label)
	return nil
}

// attentionButton is the button labelled label on the i-th row of the
// attention list.
func (h *harness) attentionButton(i int, label string) *widget.Button {
	h.t.Helper()
	scroll, ok := h.u.logView.attention.Objects[0].(*container.Scroll)
	if !ok {
		h.t.Fatal("the attention list is empty")
	}
	b := findButton(scroll.Content.(*fyne.Container).Objects[i], label)
	if b == nil {
		h.t.Fatalf("no %q on attention row %d", label, i)
	}
	return b
}

// TestParkedWorkOrdersNotifyAndCanBeRetriedOrSkipped uses a template name
// e-Boekhouden does not know, so that every work order is parked.
func TestParkedWorkOrdersNotifyAndCanBeRetriedOrSkipped(t *testing.T) {
	h := newHarness(t, harnessOptions{startScheduler: true, loggedIn: true, settings: map[string]string{
		store.KeyExportInvoices: "true", store.KeyTemplate: "Bestaat niet", store.KeyNotifySuccess: "false"}})
	u := h.u
	h.trayItem("Nu synchroniseren").Action()
	h.waitForRun(0)
	// The first export waits for approval (one notification, the window
	// being hidden), and tells the other items that need attention (the
	// demo's relations without an address, said as what they are) on
	// their own; approved, its invoices are refused for the template.
	waiting := h.app.notes
	if len(waiting) != 2 || !strings.HasSuffix(waiting[0].Title, "aandacht nodig") ||
		waiting[0].Content != "2 relaties kunnen niet naar OutSmart" || !strings.HasSuffix(waiting[1].Title, "wachten op uw akkoord") {
		t.Fatalf("notifications of the waiting run: %v", h.app.notifications())
	}
	h.app.notes = nil
	h.approveWaiting(1)

	parked := u.logView.parked
	if len(parked) <= maxParkedNotifications {
		t.Fatalf("%d work orders parked; the demo data should park more than %d", len(parked), maxParkedNotifications)
	}
	// One notification for all of them; the other items were told before
	// and are not told again; none for success (silenced).
	want := fmt.Sprintf("%d werkbonnen hebben aandacht nodig", len(parked))
	other := h.u.lastRun.Summary // "...; N items hebben aandacht nodig"
	if len(h.app.notes) != 1 || h.app.notes[0].Title != want || !strings.Contains(h.app.notes[0].Content, "sjabloon") {
		t.Fatalf("notifications: %v (last run: %s)", h.app.notifications(), other)
	}
	if h.app.icon.Name() != "tray-problem.png" {
		t.Errorf("tray icon with parked work orders: %s", h.app.icon.Name())
	}
	// One list: the work orders and the relations OutSmart cannot take, each
	// with its reason and its fix stated once.
	list := strings.Join(texts(u.logView.attention), " | ")
	relations := 0
	for _, it := range u.logView.items {
		reason, fix := it.Reason.Render(message.Dutch), it.Fix.Render(message.Dutch)
		if !strings.Contains(list, it.Title.Render(message.Dutch)+" | "+reason) || fix == "" || strings.Count(list, " | "+fix) != countCause(u.logView.items, it) {
			t.Fatalf("attention list lacks %s with its reason and fix once:\n%s", it.Title.Render(message.Dutch), list)
		}
		if it.Kind == report.AttentionRelation {
			relations++
		}
	}
	if relations != 2 || !strings.Contains(list, "kan niet naar OutSmart: adres") {
		t.Fatalf("the relations without an address are not in the list:\n%s", list)
	}
	// The work orders share one cause (the unknown template): one Alles
	// opnieuw proberen for all of them.
	if findButton(u.logView.attention, fmt.Sprintf("Alles opnieuw proberen (%d)", len(parked))) == nil {
		t.Fatalf("no Alles opnieuw proberen for the %d work orders: %q", len(parked), texts(u.logView.attention))
	}

	// Skip the first (after confirming), retry the second.
	skipped, retried := parked[0], parked[1]
	test.Tap(h.attentionButton(0, "Overslaan"))
	if got := h.topDialogText(); !strings.Contains(got, "Werkbon "+skipped.OrderNumber+" wordt dan niet") {
		t.Fatalf("skip confirmation: %q", got)
	}
	h.tapDialogButton("Overslaan")
	h.pump("the skip", func() bool { return len(u.logView.parked) == len(parked)-1 })
	// Opnieuw proberen starts a run at once and says so; the template is
	// still unknown, so that run parks the work order again.
	before := u.lastRun.ID
	test.Tap(h.attentionButton(0, "Opnieuw proberen"))
	h.waitForRun(before)
	if got := u.logView.note.Text; got != tr("attention.retry.started") || !u.logView.note.Visible() {
		t.Errorf("after Opnieuw proberen: %q", got)
	}
	// Still the link's first invoice: it waits for approval first.
	h.approveWaiting(u.lastRun.ID)
	retriedAgain := false
	lines, _ := h.st.Log(h.ctx, store.LogFilter{RunID: u.lastRun.ID})
	for _, l := range lines {
		retriedAgain = retriedAgain || (l.Subject == "werkbon "+retried.OrderNumber && l.Level == store.LevelAttention)
	}
	if !retriedAgain {
		t.Errorf("the run after Opnieuw proberen did not try work order %s", retried.OrderNumber)
	}
	h.pump("the list after the retry", func() bool { return len(u.logView.parked) == len(parked)-1 })
	for id, state := range map[string]store.ExportState{skipped.RowID: store.ExportSkipped, retried.RowID: store.ExportParked} {
		if x, err := h.st.Export(h.ctx, id); err != nil || x.State != state {
			t.Fatalf("work order %s is %s, want %s (%v)", id, x.State, state, err)
		}
	}

	// Fix the template; the next run invoices everything but the skipped one.
	typeInto(u.settings.template, "Standaard")
	test.Tap(findButton(u.win.Content(), "Start synchronisatie"))
	h.pump("the message that the run started", func() bool { return h.topDialogText() != "" })
	h.closeDialogs()
	h.waitForRun(u.lastRun.ID)
	h.approveWaiting(u.lastRun.ID)
	if len(u.logView.parked) != 0 {
		t.Fatalf("%d work orders still parked", len(u.logView.parked))
	}
	if x, _ := h.st.Export(h.ctx, skipped.RowID); x.State != store.ExportSkipped {
		t.Errorf("the skipped work order is %s", x.State)
	}
	if x, _ := h.st.Export(h.ctx, retried.RowID); x.State != store.ExportHandled {
		t.Errorf("the retried work order is %s", x.State)
	}
	// The retried work order, parked again by the run Opnieuw proberen
	// started, was told about; the relations without an address are still
	// open and were told about: no new notification for them.
	// (Beside them, each plan that waited was told once.)
	var told []string
	for _, n := range h.app.notifications() {
		if !strings.HasSuffix(n, "op uw akkoord") {
			told = append(told, n)
		}
	}
	if len(told) != 2 || told[1] != "Werkbon "+retried.OrderNumber+" heeft aandacht nodig" {
		t.Errorf("notifications after the fix: %v", h.app.notifications())
	}
	// Only the two relations without an address are left.
	if got := strings.Join(texts(u.logView.attention), " "); strings.Contains(got, "Werkbon") || len(u.logView.items) != 2 {
		t.Errorf("attention list after the fix: %q", got)
	}
}

// countCause is how many items share it's cause and fix (each states its
// fix once).
func countCause(items []report.AttentionItem, it report.AttentionItem) int {
	n := 0
	for _, x := range items {
		if x.Fix.Render(message.Dutch) == it.Fix.Render(message.Dutch) {
			n++
		}
	}
	return n
}

// TestFailedRunNotifies stores codes e-Boekhouden refuses.
func TestFailedRunNotifies(t *testing.T) {
	h := newHarness(t, harnessOptions{startScheduler: true, loggedIn: true})
	bad := h.demoCredentials()
	bad.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
	if err := h.vault.Save(bad); err != nil {
		t.Fatal(err)
	}
	h.trayItem("Nu synchroniseren").Action()
	h.waitForRun(0)
	if h.u.lastRun.Outcome != store.RunFailed {
		t.Fatalf("run with refused codes: %s", h.u.lastRun.Outcome)
	}
	// The reason, without the engine's counts in brackets.
	if len(h.app.notes) != 1 || h.app.notes[0].Title != "Synchronisatie mislukt" ||
		!strings.HasPrefix(h.u.lastRun.Summary, h.app.notes[0].Content) || strings.Contains(h.app.notes[0].Content, "(") {
		t.Fatalf("notifications: %v %q (last run: %s)", h.app.notifications(), h.app.notes[0].Content, h.u.lastRun.Summary)
	}
	if h.app.icon.Name() != "tray-problem.png" || !strings.HasSuffix(h.app.menu.Items[0].Label, ", mislukt") {
		t.Errorf("tray after a failed run: %s, %q", h.app.icon.Name(), h.app.menu.Items[0].Label)
	}
	for _, s := range h.secrets() {
		if strings.Contains(h.app.notes[0].Content, s) {
			t.Fatal("a secret in a notification")
		}
	}
}

// TestTrayMenu checks the menu, the pause (remembered in sync.paused) and
// the items that open the window.
func TestTrayMenu(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{startScheduler: true, loggedIn: true})
	u := h.u
	var labels []string
	for _, it := range h.app.menu.Items {
		if it.IsSeparator {
			labels = append(labels, "-")
		} else {
			labels = append(labels, it.Label)
		}
	}
	want := []string{"Nog niet gesynchroniseerd.", "-", "Nu synchroniseren", "Instellingen...", "Logboek...", "Pauzeren", "-", "Afsluiten"}
	if !slices.Equal(labels, want) {
		t.Fatalf("tray menu %q, want %q", labels, want)
	}
	if !h.app.menu.Items[0].Disabled || !h.trayItem("Afsluiten").IsQuit || h.app.trayWindow != u.win {
		t.Error("status line, Quit or the tray window is not set up")
	}

	h.trayItem("Pauzeren").Action()
	h.pump("the pause", func() bool { return u.paused && h.app.menu.Items[5].Label == "Hervatten" })
	if set := h.savedSettings(); !set.Paused || !h.sched.Paused() {
		t.Fatalf("pause not remembered (%v) or not applied (%v)", set.Paused, h.sched.Paused())
	}
	if !strings.Contains(u.status.Text, "Automatisch synchroniseren is gepauzeerd.") {
		t.Errorf("status while paused: %q", u.status.Text)
	}
	h.trayItem("Hervatten").Action()
	h.pump("the resume", func() bool { return !u.paused && h.app.menu.Items[5].Label == "Pauzeren" })
	if set := h.savedSettings(); set.Paused || h.sched.Paused() {
		t.Fatal("resume not remembered or not applied")
	}
	if !strings.Contains(u.status.Text, "Volgende om") {
		t.Errorf("status after resume: %q", u.status.Text)
	}

	h.trayItem("Logboek...").Action()
	if u.tabs.SelectedIndex() != tabLog {
		t.Errorf("Logboek... opened tab %d", u.tabs.SelectedIndex())
	}
	h.trayItem("Instellingen...").Action()
	if u.tabs.SelectedIndex() != tabImport {
		t.Errorf("Instellingen... (logged in) opened tab %d", u.tabs.SelectedIndex())
	}
}

// TestUnsavedChangesAreNotLostSilently closes the window and quits with a
// change pending.
func TestUnsavedChangesAreNotLostSilently(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u := h.u
	test.Tap(u.settings.exportInvoices) // the template takes input with Factuur on
	typeInto(u.settings.template, "Standaard")

	u.requestClose()
	if got := h.topDialogText(); !strings.Contains(got, "U heeft wijzigingen die nog niet zijn opgeslagen.") {
		t.Fatalf("closing with changes: %q", got)
	}
	h.tapDialogButton("Annuleren")
	if !u.dirty() || u.settings.template.Text != "Standaard" {
		t.Fatal("Annuleren lost the change")
	}

	u.requestClose()
	h.tapDialogButton("Opslaan")
	h.pump("the save", func() bool { return !u.dirty() })
	if set := h.savedSettings(); set.Template != "Standaard" {
		t.Fatalf("Opslaan did not save: %q", set.Template)
	}
	if h.app.quits != 0 {
		t.Fatal("closing the window quit the app")
	}

	typeInto(u.settings.template, "Anders")
	h.trayItem("Afsluiten").Action()
	if got := h.topDialogText(); !strings.Contains(got, "Niet opslaan") || h.app.quits != 0 {
		t.Fatalf("quitting with changes: %q, quits %d", got, h.app.quits)
	}
	h.tapDialogButton("Niet opslaan")
	if u.settings.template.Text != "Standaard" || u.dirty() || h.app.quits != 1 {
		t.Fatalf("Niet opslaan: template %q, quits %d", u.settings.template.Text, h.app.quits)
	}

	h.trayItem("Afsluiten").Action()
	if h.app.quits != 2 || h.topDialogText() != "" {
		t.Fatal("quitting without changes asks or does not quit")
	}
}

// TestKeyboardNavigation tabs through the login form, switches tabs with
// Ctrl+number, toggles a check box with space and submits with Enter.
func TestKeyboardNavigation(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u, f := h.u, h.u.login
	c := u.win.Canvas()
	c.Focus(f.username)
	for _, want := range []fyne.Focusable{f.code1, f.code2, f.companyID, f.token, f.softwareToken, f.submit} {
		test.FocusNext(c)
		if c.Focused() != want {
			t.Fatalf("Tab moved focus to %T, want %T", c.Focused(), want)
		}
	}

	sc, ok := c.(fyne.Shortcutable)
	if !ok {
		t.Fatal("the canvas takes no shortcuts")
	}
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault})
	if u.tabs.SelectedIndex() != tabExport || c.Focused() != u.settings.exportInvoices {
		t.Fatalf("Ctrl+3: tab %d, focus %T", u.tabs.SelectedIndex(), c.Focused())
	}
	c.Focused().TypedRune(' ')
	if !u.settings.exportInvoices.Checked || !u.dirty() {
		t.Fatal("space did not toggle the focused check box")
	}
	test.FocusNext(c)
	if c.Focused() == nil {
		t.Fatal("Tab left the Export tab without focus")
	}

	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault})
	if c.Focused() != f.username {
		t.Fatalf("Ctrl+1 focused %T", c.Focused())
	}
	f.username.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.pump("the login check", func() bool {
		return !f.submit.Disabled() && f.result.Visible() && f.result.Text != tr("login.checking")
	})
	if f.result.Text != "e-Boekhouden: vul de gebruikersnaam in." {
		t.Fatalf("Enter in the form: %q", f.result.Text)
	}
	// The answer's OK has the focus: Enter closes it.
	if h.topDialogText() == "" || c.Focused() == nil {
		t.Fatal("no answer, or its OK has no focus")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.topDialogText() != "" {
		t.Fatal("Enter did not close the answer")
	}
	// Escape leaves the question about unsaved changes choosing nothing.
	u.requestClose()
	if h.topDialogText() == "" {
		t.Fatal("no question about the unsaved change")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.topDialogText() != "" || !u.dirty() || h.app.quits != 0 {
		t.Fatal("Escape did not just close the question")
	}
}

// TestHelpOpensInTheUsersLanguage taps Help.
func TestHelpOpensInTheUsersLanguage(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	test.Tap(findButton(h.u.win.Content(), "Help"))
	w := h.u.help
	if w == nil || w.Title() != "Koppeling — Help" {
		t.Fatal("no help window")
	}
	if got := richText(w.Content()); !strings.Contains(got, "De koppeling leggen") || !strings.Contains(got, "Als iets aandacht nodig heeft") {
		t.Fatalf("help text: %.200q", got)
	}
	test.Tap(findButton(h.u.win.Content(), "Help"))
	if h.u.help != w {
		t.Error("a second Help opened a second window")
	}
}

func richText(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.RichText:
			b.WriteString(w.String())
		case *flowText:
			b.WriteString(w.String())
		}
	})
	return b.String()
}

func TestDemoWindowIsLabelled(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{opts: Options{Demo: true,
		DemoEBoekhoudenState: "http://127.0.0.1:1/_sandbox/state", DemoOutSmartState: "http://127.0.0.1:2/_sandbox/state"}})
	if got := h.u.win.Title(); got != "Koppeling — Demo" {
		t.Fatalf("demo window title %q", got)
	}
	all := strings.Join(texts(h.u.win.Content()), " | ")
	for _, want := range []string{"Demo: Koppeling werkt hier met voorbeeldgegevens", "Stand van e-Boekhouden (demo)", "Stand van OutSmart (demo)"} {
		if !strings.Contains(all, want) {
			t.Errorf("demo window lacks %q", want)
		}
	}
}

// TestAutostartCheckboxSwitchesTheSystemEntry: saving "Start automatisch bij
// inloggen" calls the system switch once per change; a switch that fails
// is shown inline and the setting keeps what the system does.
func TestAutostartCheckboxSwitchesTheSystemEntry(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	var calls []bool
	var fail error
	h.parts.Autostart = func(on bool) error {
		calls = append(calls, on)
		return fail
	}
	u, f := h.u, h.u.settings
	u.tabs.SelectIndex(tabGeneral)
	test.Tap(f.autostart) // on
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if set, _ := h.st.Settings(h.ctx); !set.Autostart || len(calls) != 1 || !calls[0] {
		t.Fatalf("after switching on: setting %v, calls %v", set.Autostart, calls)
	}
	// Saving without a change does not touch the system again.
	test.Tap(f.notifySuccess)
	test.Tap(u.save)
	h.pump("the second save", func() bool { return !u.dirty() })
	if len(calls) != 1 {
		t.Fatalf("unchanged autostart switched again: %v", calls)
	}
	// A failing switch: refused inline, the setting stays on.
	fail = errors.New("geen toegang")
	test.Tap(f.autostart) // off
	test.Tap(u.save)
	h.pump("the refusal", func() bool { return h.field(store.KeyAutostart).err.Visible() })
	if set, _ := h.st.Settings(h.ctx); !set.Autostart {
		t.Fatal("the setting says off although the system entry could not be removed")
	}
	h.closeDialogs()
}

// TestHoursRoundingAndLineLimitAreValidatedAndSaved: the Export tab offers
// the hour rounding rules and the highest line amount; a refused amount,
// and an empty template while Factuur is ticked, are marked under their
// fields and nothing is saved; good values are saved and shown again.
func TestHoursRoundingAndLineLimitAreValidatedAndSaved(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u, f := h.u, h.u.settings
	rules := []string{"Per minuut (exact)", "Op 0,01 uur", "Per kwartier (naar boven)", "Per half uur (naar boven)"}
	if !slices.Equal(f.hoursRounding.Options, rules) || f.hoursRounding.Selected != rules[0] {
		t.Fatalf("hour rounding offers %q, chosen %q", f.hoursRounding.Options, f.hoursRounding.Selected)
	}
	if f.maxLineAmount.Text != "25000,00" || u.dirty() {
		t.Fatalf("highest line amount shows %q (unsaved: %v)", f.maxLineAmount.Text, u.dirty())
	}
	test.Tap(f.exportInvoices) // on: the invoice fields take input
	typeInto(f.maxLineAmount, "25000")
	test.Tap(f.exportInvoices) // off again, as saved
	if u.dirty() {
		t.Error("the same amount written without cents counts as a change")
	}
	// The [?] explain the rules with the example of the help.
	for key, want := range map[string][]string{
		"help.export.hoursrounding": {"6:35 uur à € 62,50 is € 411,46", "6,58 × € 62,50 = € 411,25"},
		"help.export.maxlineamount": {"negatief totaal", "Toch factureren"},
	} {
		for _, w := range want {
			if !strings.Contains(tr(key), w) {
				t.Errorf("%s lacks %q: %s", key, w, tr(key))
			}
		}
	}

	test.Tap(f.exportInvoices) // on, without a template
	typeInto(f.maxLineAmount, "0")
	f.hoursRounding.SetSelected(rules[2])
	test.Tap(u.save)
	h.pump("the refusal", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	tpl, limit := h.field(store.KeyTemplate), h.field(store.KeyMaxLineAmount)
	if want := "Zolang Factuur aangevinkt is, is een factuursjabloon nodig."; !strings.HasPrefix(tpl.err.Text, want) || !tpl.err.Visible() {
		t.Errorf("under the template: %q", tpl.err.Text)
	}
	if want := tr("invalid.export.max_line_amount"); limit.err.Text != want || !limit.err.Visible() {
		t.Errorf("under the amount: %q", limit.err.Text)
	}
	h.closeDialogs()
	if u.win.Canvas().Focused() != f.template {
		t.Errorf("focus after the refusal: %T", u.win.Canvas().Focused())
	}
	if set := h.savedSettings(); set != store.DefaultSettings() {
		t.Fatalf("a refused save changed the store: %+v", set)
	}

	typeInto(f.template, "Standaard")
	typeInto(f.maxLineAmount, "€ 12500,5")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if tpl.err.Visible() || limit.err.Visible() {
		t.Error("an inline error stays after a good save")
	}
	set := h.savedSettings()
	if !set.ExportInvoices || set.Template != "Standaard" || set.HoursRounding != store.HoursRoundingQuarter ||
		set.MaxLineAmount.Fixed(2) != "12500.50" {
		t.Fatalf("stored: %+v", set)
	}
	if f.maxLineAmount.Text != "12500,50" || f.hoursRounding.Selected != rules[2] || u.dirty() {
		t.Fatalf("after the save the screen shows %q, %q (unsaved: %v)", f.maxLineAmount.Text, f.hoursRounding.Selected, u.dirty())
	}
}

// heldExports are two parked work orders: one held as implausible, which
// the user can confirm, and one with an ordinary problem.
func heldExports(reason string) []store.Export {
	return []store.Export{
		{RowID: "wo-120", OrderNumber: "WB26120", State: store.ExportParked, RelationCode: "R0004", Reason: reason,
			NeedsConfirmation: true},
		{RowID: "wo-121", OrderNumber: "WB26121", State: store.ExportParked, RelationCode: "R0011",
			Reason: "e-Boekhouden weigert de factuur: onbekende btw-code HOOG_VERK."},
	}
}

// heldSeed parks the heldExports in the store.
func heldSeed(t *testing.T, reason string) func(*store.Store) {
	return func(st *store.Store) {
		for _, x := range heldExports(reason) {
			if err := st.SaveExport(t.Context(), x); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// heldFake parks the heldExports in the fake.
func heldFake(reason string) func(*fakeBackend) {
	return func(f *fakeBackend) {
		for _, x := range heldExports(reason) {
			f.park(x)
		}
	}
}

// attentionRow is the index of a work order in the attention list.
func (h *harness) attentionRow(rowID string) int {
	h.t.Helper()
	for i, x := range h.u.logView.parked {
		if x.RowID == rowID {
			return i
		}
	}
	h.t.Fatalf("work order %s is not in the attention list", rowID)
	return -1
}

// TestHeldWorkOrderIsInvoicedAnywayAfterConfirmation: a work order held as
// implausible offers Toch factureren instead of Opnieuw proberen; it asks
// first, repeating the reason, and then retries the work order.
func TestHeldWorkOrderIsInvoicedAnywayAfterConfirmation(t *testing.T) {
	reason := "Werkbon WB26120 heeft een regel van € 31.250,00 excl. btw, meer dan het hoogste regelbedrag zonder " +
		"bevestiging (€ 25.000,00). Klopt de werkbon, kies dan Toch factureren."
	h := newFakeHarness(t, harnessOptions{}, heldFake(reason))
	u := h.u
	u.tabs.SelectIndex(tabLog)
	rows := h.u.logView.attention.Objects[0].(*container.Scroll).Content.(*fyne.Container).Objects
	held, other := rows[h.attentionRow("wo-120")], rows[h.attentionRow("wo-121")]
	if findButton(held, "Opnieuw proberen") != nil || findButton(other, "Toch factureren") != nil ||
		findButton(other, "Opnieuw proberen") == nil {
		t.Fatalf("attention list: %q", texts(u.logView.attention))
	}

	confirm := func() {
		t.Helper()
		test.Tap(h.attentionButton(h.attentionRow("wo-120"), "Toch factureren"))
		if got := h.topDialogText(); !strings.Contains(got, reason) || !strings.Contains(got, "Werkbon WB26120 wordt dan") {
			t.Fatalf("confirmation: %q", got)
		}
	}
	// Cancel (which has the focus) leaves the work order held.
	confirm()
	if b, ok := u.win.Canvas().Focused().(*dialogButton); !ok || b.Text != "Annuleren" {
		t.Errorf("focus in the confirmation: %v", u.win.Canvas().Focused())
	}
	h.tapDialogButton("Annuleren")
	h.settle()
	if calls := h.fake.called("RetryAttention"); len(calls) != 0 || len(h.fake.attention()) != 2 || len(u.logView.parked) != 2 {
		t.Fatalf("after Annuleren the work order is retried (%q), %d in the list", calls, len(u.logView.parked))
	}

	confirm()
	h.tapDialogButton("Toch factureren")
	h.pump("the confirmation", func() bool { return len(u.logView.parked) == 1 })
	if u.logView.parked[0].RowID != "wo-121" {
		t.Fatalf("left in the list: %s", u.logView.parked[0].OrderNumber)
	}
	if retried, skipped := h.fake.called("RetryAttention"), h.fake.called("SkipAttention"); !slices.Equal(retried,
		[]string{"RetryAttention workorder wo-120"}) || len(skipped) != 0 {
		t.Fatalf("the confirmed work order: retried %q, skipped %q", retried, skipped)
	}
}

// TestExportLimitsInEnglish: the new fields and Invoice anyway in English.
func TestExportLimitsInEnglish(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	h := newHarness(t, harnessOptions{seed: heldSeed(t, "Held back.")})
	u, f := h.u, h.u.settings
	rules := []string{"Per minute (exact)", "To 0.01 hour", "Per quarter hour (rounded up)", "Per half hour (rounded up)"}
	if !slices.Equal(f.hoursRounding.Options, rules) || f.maxLineAmount.Text != "25000.00" || u.dirty() {
		t.Fatalf("hour rounding %q, amount %q (unsaved: %v)", f.hoursRounding.Options, f.maxLineAmount.Text, u.dirty())
	}
	test.Tap(h.attentionButton(h.attentionRow("wo-120"), "Invoice anyway"))
	if got := h.topDialogText(); !strings.Contains(got, "Held back.") || !strings.Contains(got, "Work order WB26120 is then invoiced") {
		t.Fatalf("confirmation: %q", got)
	}
	h.tapDialogButton("Cancel")
	u.tabs.SelectIndex(tabExport)
	u.win.Canvas().Unfocus()
	test.AssertImageMatches(t, "export_en.png", u.win.Canvas().Capture())
}

func TestStoredAmount(t *testing.T) {
	for typed, want := range map[string]string{
		"25000": "25000.00", "25000,5": "25000.50", " € 12,34 ": "12.34", "25000.00": "25000.00",
		"-5": "-5.00", "1.000,00": "1.000,00", "0,001": "0,001", "veel": "veel", "": "",
	} {
		if got := storedAmount(typed); got != want {
			t.Errorf("storedAmount(%q) = %q, want %q", typed, got, want)
		}
	}
}

// TestLoginFormShowsTheKeychainsCompanyIDUnderACompleteEnvironment: with
// every credential a run needs in the environment, the runs leave the
// keychain alone, but the login form still shows what the app would use:
// the environment's values and the company id kept only in the keychain.
func TestLoginFormShowsTheKeychainsCompanyIDUnderACompleteEnvironment(t *testing.T) {
	h := newHarness(t, harnessOptions{loggedIn: true})
	stored := h.demoCredentials()
	env := map[string]string{
		secrets.EnvEBoekhoudenUsername: "from-env", secrets.EnvEBoekhoudenSecurityCode1: stored.EBoekhoudenSecurityCode1,
		secrets.EnvEBoekhoudenSecurityCode2: stored.EBoekhoudenSecurityCode2, secrets.EnvOutSmartToken: stored.OutSmartToken,
		secrets.EnvOutSmartSoftwareToken: stored.OutSmartSoftwareToken,
	}
	h.vault.Getenv = func(k string) string { return env[k] }
	if !h.vault.EnvComplete() || stored.OutSmartCompanyID == "" {
		t.Fatalf("the test needs a complete environment and a stored company id (%q)", stored.OutSmartCompanyID)
	}
	if err := h.u.loadAll(); err != nil {
		t.Fatal(err)
	}
	f := h.u.login
	if f.companyID.Text != stored.OutSmartCompanyID || f.username.Text != "from-env" {
		t.Errorf("login form: company id %q, user name %q; want %q from the keychain and the environment's user name",
			f.companyID.Text, f.username.Text, stored.OutSmartCompanyID)
	}
	if f.result.Visible() {
		t.Errorf("the form reports a problem: %q", f.result.Text)
	}
}

// TestLoginProblemsAreNamedAtTheirField submits the login form to a
// backend that answers with each kind of problem: the answer names the
// service and the field in Dutch, under that field, which gets the focus
// once the message is closed; nothing is kept. Accepted credentials are
// kept and the workflow statuses fetched; a refused login there is said
// in the same words.
func TestLoginProblemsAreNamedAtTheirField(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u, f := h.u, h.u.login
	for _, e := range []struct {
		entry *formEntry
		text  string
	}{{f.username, "installatie"}, {f.code1, fakeCredentials.EBoekhoudenSecurityCode1},
		{f.code2, fakeCredentials.EBoekhoudenSecurityCode2}, {f.companyID, fakeCredentials.OutSmartCompanyID},
		{f.token, fakeCredentials.OutSmartToken}, {f.softwareToken, fakeCredentials.OutSmartSoftwareToken}} {
		typeInto(e.entry, e.text)
	}
	for _, c := range []struct {
		problem report.LoginProblem
		want    string
		marked  errorText  // the message under the field; zero: none
		focus   *formEntry // nil: the focus stays
	}{
		{report.LoginProblem{Service: "e-Boekhouden", Kind: report.ProblemRefused, Field: report.FieldSecurityCodes},
			"e-Boekhouden weigert de gebruikersnaam of beveiligingscodes. Controleer ze en probeer het opnieuw.", f.code2Err, f.username},
		{report.LoginProblem{Service: "e-Boekhouden", Kind: report.ProblemRefused, Field: report.FieldSecurityCode1},
			"e-Boekhouden weigert de beveiligingscode 1. Controleer ze en probeer het opnieuw.", f.code1Err, f.code1},
		{report.LoginProblem{Service: "OutSmart", Kind: report.ProblemRefused, Field: report.FieldToken},
			"OutSmart weigert de token. Controleer ze en probeer het opnieuw.", f.tokenErr, f.token},
		{report.LoginProblem{Service: "OutSmart", Kind: report.ProblemRefused, Field: report.FieldSoftwareToken},
			"OutSmart weigert de software token. Controleer ze en probeer het opnieuw.", f.softwareTokenErr, f.softwareToken},
		{report.LoginProblem{Service: "OutSmart", Kind: report.ProblemUnreachable, Detail: "dial tcp: timeout"},
			"OutSmart is niet bereikbaar. Controleer de internetverbinding en probeer het later opnieuw.", errorText{}, nil},
		{report.LoginProblem{Service: "e-Boekhouden", Kind: report.ProblemNotTheService},
			"Het antwoord kwam niet van e-Boekhouden maar was een webpagina (bijvoorbeeld van een proxy of de inlogpagina van een wifi-netwerk). " +
				"Controleer de internetverbinding en de proxy en probeer het opnieuw.", errorText{}, nil},
	} {
		p := c.problem
		h.fake.mu.Lock()
		h.fake.login = func(secrets.Credentials) *report.LoginProblem { return &p }
		h.fake.mu.Unlock()
		u.win.Canvas().Unfocus()
		test.Tap(f.submit)
		h.pump("the login check", func() bool { return !f.submit.Disabled() && f.result.Text != tr("login.checking") })
		if f.result.Text != c.want {
			t.Errorf("%+v says %q, want %q", p, f.result.Text, c.want)
		}
		if got := h.topDialogText(); !strings.Contains(got, "Inloggen mislukt") || !strings.Contains(got, c.want) {
			t.Errorf("%+v: dialog %q", p, got)
		}
		for _, e := range []errorText{f.usernameErr, f.code1Err, f.code2Err, f.tokenErr, f.softwareTokenErr} {
			if marked := e.Visible() && e.Text == c.want; marked != (e.Label == c.marked.Label) {
				t.Errorf("%+v: a field's message is %q (visible %v)", p, e.Text, e.Visible())
			}
		}
		h.closeDialogs()
		if focused := u.win.Canvas().Focused(); c.focus != nil && focused != c.focus {
			t.Errorf("%+v: focus on %T %p after the message", p, focused, focused)
		}
		for _, s := range fakeCredentials.Secrets() {
			if strings.Contains(f.result.Text, s) {
				t.Fatal("a secret is shown")
			}
		}
		if (h.fake.savedCredentials() != secrets.Credentials{}) {
			t.Fatalf("%+v: refused credentials were kept", p)
		}
	}

	// Accepted: kept; the workflow statuses are fetched with them, and
	// OutSmart refusing them there is said as at Submit.
	h.fake.mu.Lock()
	h.fake.login = nil
	h.fake.statusesErr = fmt.Errorf("workflow statuses: %w", &report.LoginProblem{Service: "OutSmart", Kind: report.ProblemRefused,
		Field: report.FieldToken})
	h.fake.mu.Unlock()
	test.Tap(f.submit)
	h.pump("the login check", func() bool { return !f.submit.Disabled() && f.result.Text != tr("login.checking") })
	if f.result.Text != "Gelukt - Je bent ingelogd!" || h.fake.savedCredentials() != fakeCredentials {
		t.Fatalf("good login says %q, keeps %v", f.result.Text, h.fake.savedCredentials() == fakeCredentials)
	}
	h.closeDialogs()
	if u.dirty() || f.pending.Visible() {
		t.Error("submitted credentials still count as unsaved")
	}
	h.pump("the workflow statuses", func() bool { return len(h.fake.called("WorkflowStatuses")) == 1 && !u.settings.loadingStatuses })
	want := "De werkbonstatussen konden niet uit OutSmart worden opgehaald: OutSmart weigert de token. Controleer ze en probeer het opnieuw."
	if note := u.settings.statusNote; note.Text != want || !note.Visible() {
		t.Errorf("workflow statuses refused: %q (visible %v)", note.Text, note.Visible())
	}
}
