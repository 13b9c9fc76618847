// Package ui is Koppeling's desktop face, built with Fyne: the window with
// the screens of e-Boekhouden's manual for this link (Inloggen, Import
// instellingen, Export instellingen, Log) plus a General tab, the tray icon
// and menu, and the notifications. It is the only package that imports Fyne.
//
// The UI talks to the rest of Koppeling through the small Backend interface
// (Parts is the real one) and receives the scheduler's events as values
// through HandleEvent. When the store is damaged, the app shows only
// DamagedStore, a window that says so and what to do. Work that may block
// runs off the UI thread; every widget change from another goroutine goes
// through fyne.Do. All text of its own comes from the translations in assets
// (Dutch, or English when the system language is English); messages of the
// sync engine are Dutch by design and shown as they are.
package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// AppID is the application's id, as in FyneApp.toml.
const AppID = "nl.koppeling.desktop"

// Options configure the UI.
type Options struct {
	// Demo labels the window "Demo" and links to the sandboxes' state.
	Demo bool
	// DemoEBoekhoudenState and DemoOutSmartState are the inspection URLs of
	// the demo's sandbox servers.
	DemoEBoekhoudenState, DemoOutSmartState string
	// StartHidden starts in the tray without showing the window (when there
	// is a tray).
	StartHidden bool
	// BuiltInSoftwareToken says this build carries OutSmart's software token.
	BuiltInSoftwareToken bool
}

// UI is the window, the tray and the notifications. Its fields are used on
// the UI thread only.
type UI struct {
	app  fyne.App
	b    Backend
	opts Options
	ctx  context.Context
	lang Language

	// onMain runs a function on the UI thread (fyne.Do); async runs blocking
	// work off it. Tests replace both to run everything on the test's
	// goroutine, in order.
	onMain func(func())
	async  func(func())

	win      fyne.Window
	tabs     *container.AppTabs
	login    *loginForm
	settings *settingsForm
	logView  *logView
	tray     *tray
	status   *widget.Label
	saveNote *widget.Label
	save     *widget.Button
	help     fyne.Window

	// shortcuts are the names of the window's own shortcuts.
	shortcuts map[string]bool

	saved      store.Settings
	savedCreds secrets.Credentials
	lastRun    *store.Run
	running    bool
	paused     bool
	nextRun    time.Time
	// knownParked are parked work orders the user has been told about (or
	// that were parked before the app started).
	knownParked map[string]bool
}

// NewDesktop creates the Fyne application and the UI over b.
func NewDesktop(b Backend, opts Options) (*UI, error) {
	return New(app.NewWithID(AppID), b, opts)
}

// New builds the window and, when a has one, the tray, and loads what b
// holds. Call Run to show it.
func New(a fyne.App, b Backend, opts Options) (*UI, error) {
	return newUI(a, b, opts, fyne.Do, func(f func()) { go f() })
}

// newUI is New with the functions that run work on the UI thread and off it.
func newUI(a fyne.App, b Backend, opts Options, onMain, async func(func())) (*UI, error) {
	u := &UI{app: a, b: b, opts: opts, ctx: context.Background(), knownParked: map[string]bool{},
		onMain: onMain, async: async}
	lng, err := setUpLanguage()
	if err != nil {
		return nil, fmt.Errorf("set up the window's language: %w", err)
	}
	u.lang = lng
	a.Settings().SetTheme(koppelingTheme{theme.DefaultTheme()})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))

	title := tr("app.title")
	if opts.Demo {
		title = tr("app.title.demo")
	}
	u.win = a.NewWindow(title)
	u.build()
	if err := u.loadAll(); err != nil {
		return nil, err
	}
	if desk, ok := a.(desktop.App); ok {
		u.tray = u.newTray(desk)
	}
	// After the tray, which installs its own close handler.
	u.win.SetCloseIntercept(u.requestClose)
	u.win.Resize(fyne.NewSize(900, 660))
	u.updateStatus()
	u.loadWorkflowStatuses()
	// Open on Inloggen until both logins are filled in, on the Log after.
	if u.settingsTab() == tabLogin {
		u.tabs.SelectIndex(tabLogin)
	} else {
		u.tabs.SelectIndex(tabLog)
	}
	return u, nil
}

func (u *UI) window() fyne.Window { return u.win }

// relayout lays the window out again after messages appeared or went: the
// GL driver does it on its next frame by itself, the test driver does not.
func (u *UI) relayout() { u.win.Content().Refresh() }

// newEntry makes a text field that lets the window's shortcuts through.
func (u *UI) newEntry(password bool) *formEntry {
	return newFormEntry(u.window, u.isShortcut, password)
}

func (u *UI) isShortcut(s fyne.Shortcut) bool { return u.shortcuts[s.ShortcutName()] }

// build lays out the window.
func (u *UI) build() {
	u.login = u.newLoginForm()
	u.settings = u.newSettingsForm()
	u.logView = u.newLogView()
	padded := func(o fyne.CanvasObject) fyne.CanvasObject { return container.NewVScroll(container.NewPadded(o)) }
	u.tabs = container.NewAppTabs(
		container.NewTabItem(tr("tab.login"), padded(u.login.tab)),
		container.NewTabItem(tr("tab.import"), padded(u.settings.importTab)),
		container.NewTabItem(tr("tab.export"), padded(u.settings.exportTab)),
		container.NewTabItem(tr("tab.general"), padded(u.settings.generalTab)),
		container.NewTabItem(tr("tab.log"), container.NewPadded(u.logView.tab)),
	)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.saveNote = widget.NewLabel("")
	u.save = widget.NewButton(tr("button.save"), func() { u.saveAll(nil) })
	sync := widget.NewButton(tr("button.sync"), u.startSync)
	sync.Importance = widget.HighImportance
	helpBtn := widget.NewButtonWithIcon(tr("button.help"), theme.HelpIcon(), u.showHelp)
	bottom := container.NewVBox(widget.NewSeparator(), u.status,
		container.NewHBox(u.saveNote, layout.NewSpacer(), helpBtn, u.save, sync))

	var top fyne.CanvasObject
	if u.opts.Demo {
		top = u.demoBanner()
	}
	u.win.SetContent(container.NewBorder(top, container.NewPadded(bottom), nil, nil, u.tabs))

	focusFirst := []fyne.Focusable{u.login.username, u.settings.importRelations, u.settings.exportInvoices,
		u.settings.interval, u.logView.problemsOnly}
	u.tabs.OnSelected = func(*container.TabItem) {
		if i := u.tabs.SelectedIndex(); i >= 0 && i < len(focusFirst) {
			u.win.Canvas().Focus(focusFirst[i])
		}
	}
	u.shortcuts = map[string]bool{}
	add := func(key fyne.KeyName, action func()) {
		s := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		u.shortcuts[s.ShortcutName()] = true
		u.win.Canvas().AddShortcut(s, func(fyne.Shortcut) { action() })
	}
	add(fyne.KeyS, func() { u.saveAll(nil) })
	add(fyne.KeyR, u.startSync)
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5} {
		add(k, func() { u.tabs.SelectIndex(i) })
	}
}

func (u *UI) demoBanner() fyne.CanvasObject {
	text := widget.NewLabel(tr("demo.banner"))
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.WarningImportance
	links := container.NewHBox()
	for _, l := range []struct{ text, raw string }{
		{tr("demo.eboekhouden"), u.opts.DemoEBoekhoudenState}, {tr("demo.outsmart"), u.opts.DemoOutSmartState},
	} {
		if target, err := url.Parse(l.raw); err == nil && l.raw != "" {
			links.Add(widget.NewHyperlink(l.text, target))
		}
	}
	return container.NewPadded(container.NewVBox(text, links))
}

// snapshot is what the window shows of the stored state.
type snapshot struct {
	lastRun *store.Run
	log     []store.LogEntry
	items   []engine.AttentionItem
	parked  []store.Export // the work orders among items
	next    time.Time
	err     error
}

// gather reads the state; it may block.
func (u *UI) gather(f store.LogFilter) snapshot {
	var s snapshot
	var errs []error
	run, err := u.b.LastRun(u.ctx)
	switch {
	case err == nil:
		s.lastRun = &run
	case !errors.Is(err, store.ErrNotFound):
		errs = append(errs, err)
	}
	s.log, err = u.b.Log(u.ctx, f)
	errs = append(errs, err)
	s.items, err = u.b.Attention(u.ctx)
	errs = append(errs, err)
	for _, it := range s.items {
		if it.Kind == engine.AttentionWorkOrder {
			s.parked = append(s.parked, it.Export)
		}
	}
	s.next = u.b.NextRun()
	s.err = errors.Join(errs...)
	return s
}

// apply shows a snapshot.
func (u *UI) apply(s snapshot) {
	u.lastRun, u.nextRun = s.lastRun, s.next
	u.logView.showLog(s.log)
	u.showAttention(s.items)
	current := map[string]bool{}
	for _, x := range s.parked {
		current[x.RowID] = true
	}
	for id := range u.knownParked {
		if !current[id] {
			delete(u.knownParked, id) // solved: told again if it comes back
		}
	}
	u.updateStatus()
	if s.err != nil {
		u.status.SetText(tr("error.generic", map[string]any{"Error": s.err.Error()}))
	}
}

// refresh reloads the log, the attention list and the last run.
func (u *UI) refresh() {
	f := u.logView.filter()
	u.async(func() {
		s := u.gather(f)
		u.onMain(func() { u.apply(s) })
	})
}

// loadAll loads everything at start, on the calling goroutine.
func (u *UI) loadAll() error {
	set, err := u.b.Settings(u.ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	u.saved, u.paused = set, set.Paused
	u.settings.show(set)
	creds, credErr := u.b.Credentials()
	u.savedCreds = creds
	u.login.show(creds)
	if credErr != nil {
		u.login.showResult(tr("login.keychain.unreadable"), true)
	}
	s := u.gather(u.logView.filter())
	for _, x := range s.parked {
		u.knownParked[x.RowID] = true
	}
	u.apply(s)
	u.updateDirty()
	return nil
}

// dirty reports whether the screen holds changes that are not saved.
func (u *UI) dirty() bool {
	return u.settings.changedFrom(u.saved) || u.login.credentials() != u.savedCreds
}

// updateDirty shows whether there are unsaved changes.
func (u *UI) updateDirty() {
	if u.settings == nil || u.login == nil || u.saveNote == nil {
		return // still building
	}
	if u.dirty() {
		u.saveNote.SetText(tr("save.unsaved"))
		u.saveNote.Importance = widget.WarningImportance
		u.save.Importance = widget.HighImportance
	} else if u.saveNote.Text == tr("save.unsaved") {
		u.saveNote.SetText("")
		u.save.Importance = widget.MediumImportance
	}
	u.saveNote.Refresh()
	u.save.Refresh()
}

// saveAll saves the settings and, when changed, the credentials; then runs
// then (if any). Refused settings are marked on their tab and nothing is
// saved.
func (u *UI) saveAll(then func()) {
	values := u.settings.values()
	creds := u.login.credentials()
	credsChanged := creds != u.savedCreds
	u.save.Disable()
	u.async(func() {
		err := u.b.SaveSettings(u.ctx, values)
		var credErr, readErr error
		var set store.Settings
		if err == nil {
			if credsChanged {
				credErr = u.b.SaveCredentials(creds)
			}
			set, readErr = u.b.Settings(u.ctx)
		}
		u.onMain(func() {
			defer u.relayout()
			u.save.Enable()
			if err != nil {
				if first := u.settings.showRefusals(err); first != nil {
					u.tabs.SelectIndex(first.tab)
					showMessage(u.win, tr("save.refused.title"), tr("save.refused.body")).
						SetOnClosed(func() { u.win.Canvas().Focus(first.focus) })
				} else {
					showMessage(u.win, tr("save.refused.title"), tr("save.failed", map[string]any{"Error": err.Error()}))
				}
				return
			}
			if readErr == nil {
				u.saved = set
				u.settings.show(set)
			}
			if credsChanged && credErr == nil {
				u.savedCreds = creds
			}
			u.updateDirty()
			if credErr != nil {
				showMessage(u.win, tr("save.refused.title"), tr("login.keychain.failed", map[string]any{"Error": credErr.Error()}))
				return
			}
			u.saveNote.SetText(tr("save.done"))
			u.saveNote.Importance = widget.SuccessImportance
			u.saveNote.Refresh()
			u.refresh() // the next run moves with a new interval
			if then != nil {
				then()
			}
		})
	})
}

// discard puts the saved settings and credentials back on the screen.
func (u *UI) discard() {
	u.settings.show(u.saved)
	u.login.show(u.savedCreds)
	u.updateDirty()
	u.relayout()
}

// startSync is Start synchronisatie: unsaved changes are saved first, then a
// run is asked for and the answer shown, as in step 9 of the manual.
func (u *UI) startSync() {
	trigger := func() {
		if reason := u.runRefusal(); reason != "" {
			showMessage(u.win, tr("button.sync"), reason)
			return
		}
		switch u.b.SyncNow() {
		case scheduler.Started:
			showMessage(u.win, tr("sync.started.title"), tr("sync.started.body"))
		case scheduler.Queued, scheduler.AlreadyQueued:
			showMessage(u.win, tr("button.sync"), tr("sync.queued.body"))
		default:
			showMessage(u.win, tr("button.sync"), tr("sync.refused.body"))
		}
	}
	if u.dirty() {
		u.saveAll(trigger)
		return
	}
	trigger()
}

// loadWorkflowStatuses fetches OutSmart's workflow statuses for the Export
// tab.
func (u *UI) loadWorkflowStatuses() {
	f := u.settings
	if !u.savedCreds.OutSmartComplete() {
		f.note(tr("export.workflowstatus.needlogin"))
		u.relayout()
		return
	}
	f.note(tr("export.workflowstatus.loading"))
	f.fetchStatuses.Disable()
	u.relayout()
	u.async(func() {
		names, err := u.b.WorkflowStatuses(u.ctx)
		u.onMain(func() {
			defer u.relayout()
			f.fetchStatuses.Enable()
			if err != nil {
				f.note(tr("export.workflowstatus.failed", map[string]any{"Error": err.Error()}))
				return
			}
			f.note("")
			f.setWorkflowStatuses(names)
			u.updateDirty()
		})
	})
}

// askUnsaved asks what to do with unsaved changes: save them, drop them, or
// stay. then runs after save or drop.
func (u *UI) askUnsaved(then func()) {
	showChoice(u.win, tr("unsaved.title"), tr("unsaved.body"), []choice{
		{label: tr("unsaved.cancel")},
		{label: tr("unsaved.discard"), do: func() { u.discard(); then() }},
		{label: tr("unsaved.save"), primary: true, do: func() { u.saveAll(then) }},
	}, 2)
}

// requestClose is the window's close button: it hides the window (Koppeling
// lives on in the tray), after asking about unsaved changes. Without a tray
// it quits instead.
func (u *UI) requestClose() {
	leave := u.win.Hide
	if u.tray == nil {
		leave = u.app.Quit
	}
	if u.dirty() {
		u.askUnsaved(leave)
		return
	}
	leave()
}

// quit ends the app (the tray's Quit), after asking about unsaved changes.
func (u *UI) quit() {
	if u.dirty() {
		u.showWindow(-1)
		u.askUnsaved(u.app.Quit)
		return
	}
	u.app.Quit()
}

// showWindow shows and raises the window, on tab (or the current one when
// tab < 0).
func (u *UI) showWindow(tab int) {
	if tab >= 0 {
		u.tabs.SelectIndex(tab)
	}
	u.win.Show()
	u.win.RequestFocus()
}

// Show brings the window to the front; it may be called from any goroutine
// (a second start of the app asks for it).
func (u *UI) Show() { u.onMain(func() { u.showWindow(-1) }) }

// Run shows the window (unless it starts hidden in the tray) and runs the
// app until Quit. It reads the state once more first, so that a scheduler
// started after New shows its next run.
func (u *UI) Run() {
	u.refresh()
	if !u.opts.StartHidden || u.tray == nil {
		u.win.Show()
	}
	u.app.Run()
}

// HandleEvent takes a scheduler event; it runs on the scheduler's goroutine
// and only hands the event to the UI thread.
func (u *UI) HandleEvent(ev scheduler.Event) {
	u.onMain(func() {
		switch ev.Kind {
		case scheduler.EventStarted:
			u.running = true
		case scheduler.EventFinished:
			u.running = false
			f := u.logView.filter()
			u.async(func() {
				s := u.gather(f)
				u.onMain(func() { u.finished(ev.Result, s) })
			})
		case scheduler.EventPaused:
			u.paused = true
		case scheduler.EventResumed:
			u.paused = false
		}
		u.nextRun = ev.NextRun
		u.updateStatus()
	})
}

// finished shows the state after a run and sends its notifications.
func (u *UI) finished(res scheduler.Result, s snapshot) {
	var fresh []store.Export
	for _, x := range s.parked {
		if !u.knownParked[x.RowID] {
			u.knownParked[x.RowID] = true
			fresh = append(fresh, x)
		}
	}
	u.apply(s)
	for _, n := range runNotifications(res, fresh, u.saved.NotifySuccess) {
		u.app.SendNotification(n)
	}
}

// updateStatus shows the last run, the next one and the pause in the status
// line and the tray.
func (u *UI) updateStatus() {
	text := u.runText()
	if u.lastRun != nil && !u.running {
		text = tr("status.last", map[string]any{"Time": u.formatTime(runTime(*u.lastRun)), "Summary": u.lastRun.Text(u.messageLang())})
	}
	switch {
	case u.paused:
		text += "  " + tr("status.paused")
	case !u.nextRun.IsZero():
		text += "  " + tr("status.next", map[string]any{"Time": u.nextRun.Local().Format(tr("format.time"))})
	}
	u.status.SetText(text)
	if u.tray != nil {
		u.tray.update(u)
	}
}

// runText is the short state of the runs: running, never run, or the last
// run's time and result.
func (u *UI) runText() string {
	switch {
	case u.running:
		return tr("status.running")
	case u.lastRun == nil:
		return tr("status.never")
	}
	return tr("tray.last", map[string]any{"Time": u.formatTime(runTime(*u.lastRun)), "Result": tr(resultKey(*u.lastRun))})
}

func (u *UI) formatTime(t time.Time) string { return t.Local().Format(tr("format.datetime")) }

// runTime is when a run ended, or started when it never finished.
func runTime(r store.Run) time.Time {
	if !r.FinishedAt.IsZero() {
		return r.FinishedAt
	}
	return r.StartedAt
}

// resultKey is the translation key of a run's outcome; a run without one
// ended without finishing (the process stopped), which counts as failed.
func resultKey(r store.Run) string {
	switch r.Outcome {
	case store.RunOK:
		return "result.ok"
	case store.RunAttention:
		return "result.attention"
	}
	return "result.failed"
}

// trayState is what the tray icon shows.
func (u *UI) trayState() assets.TrayState {
	switch {
	case u.running:
		return assets.TraySyncing
	case u.lastRun != nil && u.lastRun.Outcome != store.RunOK, len(u.logView.items) > 0:
		return assets.TrayProblem
	}
	return assets.TrayIdle
}
