// Package ui is Koppeling's desktop face, built with Fyne: the window with
// the screens of e-Boekhouden's manual for this link (Inloggen, Import
// instellingen, Export instellingen, Log) plus a General tab, the tray icon
// and menu, and the notifications. It is the only package that imports Fyne.
//
// Over several links (NewDesktopLinks, a LinkSet) the window lists the
// links and its screens act on the selected one, through that link's own
// Backend; the tray shows them all (links_panel.go, links_tray.go).
//
// The UI talks to the rest of Koppeling through the small Backend interface,
// whose values are its own (package report): internal/backend's Parts is
// the real one, over the engine and the services, which the UI does not
// import. It receives the scheduler's events as values through
// HandleEvent. When the store is damaged, the app shows only
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
	"log"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// AppID and AppName are the application's id and name, as in FyneApp.toml
// (a test keeps them equal). NewDesktop gives them to Fyne, so that every
// build (make build, the packages, go build, the tests' binaries) names
// itself Koppeling in the tray and the notifications, not by its id.
const (
	AppID   = "nl.koppeling.desktop"
	AppName = "Koppeling"
)

// Options configure the UI.
type Options struct {
	// Demo labels the window "Demo" and links to the sandboxes' state.
	Demo bool
	// DemoEBoekhoudenState and DemoOutSmartState are the inspection URLs of
	// the demo's sandbox servers.
	DemoEBoekhoudenState, DemoOutSmartState string
	// DemoEBoekhoudenRESTState is the REST sandbox's inspection URL: the
	// e-Boekhouden link shows it while the saved credentials take the REST
	// road.
	DemoEBoekhoudenRESTState string
	// DemoAPIToken is the API token the demo's REST sandbox accepts; the
	// login form shows it and fills it in when the token's road is chosen.
	DemoAPIToken string
	// SelectLink is the ID of the link the window over several links
	// selects at start ("koppeling --link NAME"); empty, or a link that
	// cannot be opened: the first one that can.
	SelectLink string
	// StartHidden starts in the tray without showing the window (when there
	// is a tray).
	StartHidden bool
	// BuiltInSoftwareToken says this build carries OutSmart's software token.
	BuiltInSoftwareToken bool
	// Version is the build's version, for the app's metadata.
	Version string
	// TrayMissing says no system tray shows the icon (NewDesktop asks the
	// system): the window is then the app's home, with Afsluiten and
	// Pauzeren/Hervatten in its own menu, and closing it asks whether to
	// quit or go on in the background.
	TrayMissing bool
}

// defaultWindowSize is the window's size at start: every tab, the status
// line and the buttons fit in it at 100 % scaling, also in demo mode with its
// banner, and it fits on a 1366 × 768 screen with a task bar.
var defaultWindowSize = fyne.NewSize(920, 700)

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

	// demoBooksLink is the demo banner's e-Boekhouden link (nil outside the
	// demo); demoFollowRoad keeps it on the road in use.
	demoBooksLink *widget.Hyperlink

	win  fyne.Window
	tabs *container.AppTabs
	// tabContent holds the content of each tab until its first selection
	// (fillTab), nil after.
	tabContent []fyne.CanvasObject
	login      *loginForm
	settings   *settingsForm
	logView    *logView
	invoices   *invoicesView
	tray       *tray
	// winPause is Pauzeren/Hervatten in the window's own menu (without a
	// tray only).
	winPause *fyne.MenuItem
	// notify sends the notifications (notify.go).
	notify   notifier
	status   *widget.Label
	saveNote *widget.Label
	save     *widget.Button
	help     fyne.Window

	// shortcuts are the names of the window's own shortcuts.
	shortcuts map[string]bool
	// mem is what releaseMemory needs (memory.go).
	mem memoryState

	saved      store.Settings
	savedCreds secrets.Credentials
	lastRun    *store.Run
	running    bool
	// progress is the newest report of a long read of the current run
	// (nil when there is none, or its read is done); progressFeed brings
	// the reports (progress.go).
	progress     *report.Progress
	progressFeed *progressFeed
	paused       bool
	nextRun      time.Time
	// knownParked are parked work orders the user has been told about (or
	// that were parked before the app started).
	knownParked map[string]bool
	// toldAttention is how many other items that need attention the last
	// notification counted.
	toldAttention int
	// pending is the plan whose invoices wait for the user's approval (nil:
	// none), shown by approvalBar and the preview dialog (preview.go);
	// askedRun: the user asked for the current run (Start synchronisatie,
	// Nu synchroniseren), so its waiting invoices are shown even when the
	// plan is not new.
	pending       *report.ExportPlan
	approvalBar   *fyne.Container
	approvalLabel *widget.Label
	preview       dialog.Dialog
	askedRun      bool
	// startedMsg is the message that the asked run started; the preview
	// takes its place.
	startedMsg dialog.Dialog

	// links are the links the window lists and selects among
	// (links_panel.go); nil for a UI over one Backend (New), which shows
	// no links bar.
	links *linkState
}

// NewDesktop creates the Fyne application and the UI over b. It fills in
// the app's metadata (the tray's title and the notifications' sender say
// Koppeling), asks the system whether a tray will show the icon, and sends
// notifications through the platform's own service where Fyne cannot
// replace or expire them (notify.go).
func NewDesktop(b Backend, opts Options) (*UI, error) {
	a, opts := desktopApp(opts)
	u, err := New(a, b, opts)
	if err != nil {
		return nil, err
	}
	u.notify = platformNotifier(a)
	return u, nil
}

// setAppMetadata gives Fyne the app's metadata (NewDesktop).
func setAppMetadata(opts Options) {
	app.SetMetadata(fyne.AppMetadata{ID: AppID, Name: AppName, Version: opts.Version,
		Icon: fyne.NewStaticResource("icon.png", assets.Icon())})
}

// trayMissing asks the system whether a tray will show the icon, and logs
// why not when not.
func trayMissing() bool {
	ok, err := TrayHostPresent()
	if ok {
		return false
	}
	if err == nil {
		err = errors.New("no StatusNotifier host on the session bus")
	}
	log.Printf("koppeling: no system tray, the window stays the app's home: %v", err)
	return true
}

// New builds the window and, when a has one, the tray, and loads what b
// holds. Call Run to show it.
func New(a fyne.App, b Backend, opts Options) (*UI, error) {
	return newUI(a, b, opts, fyne.Do, func(f func()) { go f() })
}

// newUI is New with the functions that run work on the UI thread and off it.
func newUI(a fyne.App, b Backend, opts Options, onMain, async func(func())) (*UI, error) {
	return newUIWith(a, b, nil, opts, onMain, async)
}

// newUIWith is newUI over b, the selected one of links (nil: no links bar).
func newUIWith(a fyne.App, b Backend, links *linkState, opts Options, onMain, async func(func())) (*UI, error) {
	u := &UI{app: a, b: b, opts: opts, ctx: context.Background(), knownParked: map[string]bool{},
		onMain: onMain, async: async, notify: appNotifier{a}, links: links}
	u.progressFeed = newProgressFeed(func(run int, p report.Progress) {
		u.onMain(func() { u.showProgress(run, p) })
	})
	lng, err := setUpLanguage()
	if err != nil {
		return nil, fmt.Errorf("set up the window's language: %w", err)
	}
	u.lang = lng
	a.Settings().SetTheme(koppelingTheme{theme.DefaultTheme()})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.WindowIcon()))

	title := tr("app.title")
	if opts.Demo {
		title = tr("app.title.demo")
	}
	u.win = a.NewWindow(title)
	u.build()
	if err := u.loadAll(); err != nil {
		return nil, err
	}
	if desk, ok := a.(desktop.App); ok && !opts.TrayMissing {
		u.tray = u.newTray(desk)
	} else {
		u.setWindowMenu()
	}
	// After the tray, which installs its own close handler.
	u.win.SetCloseIntercept(u.requestClose)
	u.win.Resize(defaultWindowSize)
	u.updateStatus()
	u.loadWorkflowStatuses()
	u.loadChoices(false)
	// Open on Inloggen until both logins are filled in, on the Log after.
	if u.settingsTab() == tabLogin {
		u.tabs.SelectIndex(tabLogin)
	} else {
		u.tabs.SelectIndex(tabLog)
	}
	u.fillTab(u.tabs.SelectedIndex()) // the first tab is selected without OnSelected
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
	u.invoices = u.newInvoicesView()
	padded := func(o fyne.CanvasObject) fyne.CanvasObject { return container.NewVScroll(container.NewPadded(o)) }
	// A tab gets its content when it is first selected (fillTab): until
	// then Fyne neither lays it out nor measures its texts, which the app in
	// the tray or on its first tab does not need.
	u.tabContent = []fyne.CanvasObject{padded(u.login.tab), padded(u.settings.importTab),
		padded(u.settings.exportTab), padded(u.settings.generalTab), container.NewPadded(u.invoices.tab),
		container.NewPadded(u.logView.tab)}
	var items []*container.TabItem
	for _, name := range []string{tr("tab.login"), tr("tab.import"), tr("tab.export"), tr("tab.general"), tr("tab.invoices"),
		tr("tab.log")} {
		items = append(items, container.NewTabItem(name, container.NewStack()))
	}
	u.tabs = container.NewAppTabs(items...)
	// The status wraps rather than cut off the attention count, the next
	// run or the pause.
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord
	u.saveNote = widget.NewLabel("")
	u.save = widget.NewButton(tr("button.save"), func() { u.saveAll(nil) })
	sync := widget.NewButton(tr("button.sync"), u.startSync)
	sync.Importance = widget.HighImportance
	helpBtn := widget.NewButtonWithIcon(tr("button.help"), theme.HelpIcon(), u.showHelp)
	u.approvalBar = u.newApprovalBar()
	bottom := container.NewVBox(widget.NewSeparator(), u.status, u.approvalBar,
		container.NewHBox(u.saveNote, layout.NewSpacer(), helpBtn, u.save, sync))

	var top, cards fyne.CanvasObject
	var center fyne.CanvasObject = u.tabs
	if u.links != nil {
		cards, center = u.linksLayout() // links_panel.go
		top = cards
	}
	if u.opts.Demo {
		top = u.demoBanner(cards)
	}
	u.win.SetContent(container.NewBorder(top, container.NewPadded(bottom), nil, nil, center))

	focusFirst := []fyne.Focusable{u.login.username, u.settings.importRelations, u.settings.exportInvoices,
		u.settings.interval, u.invoices.search, u.logView.problemsOnly}
	u.tabs.OnSelected = func(*container.TabItem) {
		i := u.tabs.SelectedIndex()
		u.fillTab(i)
		if i == tabExport {
			u.loadChoices(false) // the login may have changed road since
		}
		if i == tabInvoices {
			u.loadInvoices()
		}
		switch {
		case i == tabLogin:
			u.win.Canvas().Focus(u.login.firstField()) // the chosen road's
		case i >= 0 && i < len(focusFirst):
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
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6} {
		add(k, func() { u.tabs.SelectIndex(i) })
	}
}

// fillTab gives tab i its content the first time it is selected.
func (u *UI) fillTab(i int) {
	if i < 0 || i >= len(u.tabContent) || u.tabContent[i] == nil {
		return
	}
	u.tabs.Items[i].Content = u.tabContent[i]
	u.tabContent[i] = nil
	u.tabs.Refresh()
}

// demoBanner is the demo's banner: its text, the sandboxes' links beside
// it and, below the text, the links' cards (when not nil), which so take
// little more height than the sandboxes' links do.
func (u *UI) demoBanner(cards fyne.CanvasObject) fyne.CanvasObject {
	text := widget.NewLabel(tr("demo.banner"))
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.WarningImportance
	links := container.NewVBox()
	for i, l := range []struct{ text, raw string }{
		{tr("demo.eboekhouden"), u.opts.DemoEBoekhoudenState}, {tr("demo.outsmart"), u.opts.DemoOutSmartState},
	} {
		if target, err := url.Parse(l.raw); err == nil && l.raw != "" {
			link := widget.NewHyperlink(l.text, target)
			if i == 0 {
				u.demoBooksLink = link
			}
			links.Add(link)
		}
	}
	u.demoFollowRoad()
	// The links beside the text, one above the other, keep the banner low.
	if cards != nil {
		return container.NewBorder(nil, nil, nil, links, container.NewVBox(text, cards))
	}
	return container.NewBorder(nil, nil, nil, links, text)
}

// demoFollowRoad points the demo banner's e-Boekhouden link at the
// sandbox of the road the saved credentials take: after logging in with
// the API token, the page shows the REST sandbox the runs write to.
func (u *UI) demoFollowRoad() {
	if u.demoBooksLink == nil {
		return
	}
	raw := u.opts.DemoEBoekhoudenState
	if u.savedCreds.EBoekhoudenREST() && u.opts.DemoEBoekhoudenRESTState != "" {
		raw = u.opts.DemoEBoekhoudenRESTState
	}
	if target, err := url.Parse(raw); err == nil && raw != "" {
		u.demoBooksLink.SetURL(target)
	}
}

// snapshot is what the window shows of the stored state.
type snapshot struct {
	lastRun *store.Run
	log     []store.LogEntry
	items   []report.AttentionItem
	parked  []store.Export // the work orders among items
	plan    *report.ExportPlan
	next    time.Time
	err     error
}

// gather reads the state of b, the Backend of the link shown when it was
// asked for (u.b may change meanwhile: links_panel.go); it may block.
func (u *UI) gather(b Backend, f store.LogFilter) snapshot {
	var s snapshot
	var errs []error
	run, err := b.LastRun(u.ctx)
	switch {
	case err == nil:
		s.lastRun = &run
	case !errors.Is(err, store.ErrNotFound):
		errs = append(errs, err)
	}
	s.log, err = b.Log(u.ctx, f)
	errs = append(errs, err)
	s.items, err = b.Attention(u.ctx)
	errs = append(errs, err)
	for _, it := range s.items {
		if it.Kind == report.AttentionWorkOrder {
			s.parked = append(s.parked, it.Export)
		}
	}
	s.plan, err = b.PendingApproval(u.ctx)
	errs = append(errs, err)
	s.next = b.NextRun()
	s.err = errors.Join(errs...)
	return s
}

// apply shows a snapshot.
func (u *UI) apply(s snapshot) {
	u.lastRun, u.nextRun = s.lastRun, s.next
	u.logView.showLog(s.log)
	u.showAttention(s.items)
	u.showPending(s.plan)
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
	f, b := u.logView.filter(), u.b
	u.async(func() {
		s := u.gather(b, f)
		u.onMain(func() {
			if u.b == b { // not another link's since (links_panel.go)
				u.apply(s)
			}
		})
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
	u.demoFollowRoad()
	u.login.show(creds)
	if credErr != nil {
		u.login.showResult(tr("login.keychain.problem", map[string]any{"Error": u.keychainText(credErr), "Advice": keychainAdvice()}), true)
	}
	s := u.gather(u.b, u.logView.filter())
	for _, x := range s.parked {
		u.knownParked[x.RowID] = true
	}
	u.apply(s)
	u.updateDirty()
	return nil
}

// dirty reports whether the screen holds settings that are not saved. The
// login fields do not count: Submit checks and keeps them.
func (u *UI) dirty() bool {
	return u.settings.changedFrom(u.saved)
}

// settingChanged follows an edit of a setting: it shows whether there are
// unsaved changes and clears the message of a field that is now right.
func (u *UI) settingChanged() {
	if u.settings == nil || u.login == nil || u.saveNote == nil {
		return // still building
	}
	u.updateDirty()
	if u.settings.recheck() {
		u.relayout()
	}
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
	b := u.b // these values are this link's, whichever shows when saved
	u.async(func() {
		err := b.SaveSettings(u.ctx, values)
		var credErr, readErr error
		var set store.Settings
		if err == nil {
			if credsChanged {
				credErr = b.SaveCredentials(creds)
			}
			set, readErr = b.Settings(u.ctx)
		}
		u.onMain(func() {
			defer u.relayout()
			u.save.Enable()
			if u.b != b {
				return // another link shows now (links_panel.go)
			}
			if err != nil {
				if first := u.settings.showRefusals(err); first != nil {
					u.tabs.SelectIndex(first.tab)
					showMessage(u.win, tr("save.refused.title"), tr("save.refused.body")).
						SetOnClosed(func() { u.win.Canvas().Focus(first.focus) })
				} else {
					showMessage(u.win, tr("save.refused.title"), saveFailedText(err))
				}
				return
			}
			if readErr == nil {
				u.saved = set
				u.settings.show(set)
			}
			if credsChanged && credErr == nil {
				u.savedCreds = creds
				u.demoFollowRoad()
				u.loginChanged()
			}
			u.updateDirty()
			if credErr != nil {
				showMessage(u.win, tr("save.refused.title"), tr("login.keychain.failed", map[string]any{"Error": u.keychainText(credErr)}))
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

// saveFailedText says why saving failed other than by a refusal: a damaged
// store in words and with what to do, anything else as it is.
func saveFailedText(err error) string {
	if errors.Is(err, store.ErrDamaged) {
		return tr("save.failed.damaged")
	}
	return tr("save.failed", map[string]any{"Error": err.Error()})
}

// discard puts the saved settings and credentials back on the screen.
func (u *UI) discard() {
	u.settings.show(u.saved)
	u.login.show(u.savedCreds)
	u.loginChanged()
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
			u.askedRun = true
			u.startedMsg = showMessage(u.win, tr("sync.started.title"), tr("sync.started.body"))
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
	f.loadingStatuses = true
	f.enableInvoiceFields()
	u.relayout()
	b := u.b
	u.async(func() {
		names, err := b.WorkflowStatuses(u.ctx)
		u.onMain(func() {
			defer u.relayout()
			f.loadingStatuses = false
			f.enableInvoiceFields()
			if u.b != b {
				return // another link's since; useLink asked for its own
			}
			if err != nil {
				f.note(tr("export.workflowstatus.failed", map[string]any{"Error": u.errorText(err)}))
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
// it asks whether to quit or to go on in the background, and says how to
// get the window back.
func (u *UI) requestClose() {
	leave := u.hideWindow
	if u.tray == nil {
		leave = u.askLeave
	}
	if u.dirty() {
		u.askUnsaved(leave)
		return
	}
	leave()
}

// askLeave asks, without a tray, whether closing the window quits
// Koppeling or leaves it syncing in the background.
func (u *UI) askLeave() {
	showChoice(u.win, tr("close.notray.title"), tr("close.notray.body"), []choice{
		{label: tr("unsaved.cancel")},
		{label: tr("Quit"), do: u.app.Quit},
		{label: tr("close.notray.background"), primary: true, do: u.hideWindow},
	}, 2)
}

// setWindowMenu gives the window, when there is no tray, the tray's
// commands in a menu of its own: Nu synchroniseren, Pauzeren/Hervatten and
// Afsluiten.
func (u *UI) setWindowMenu() {
	u.winPause = fyne.NewMenuItem(pauseLabel(u.pausedAll()), u.trayPause)
	quit := fyne.NewMenuItem(tr("Quit"), u.quit)
	quit.IsQuit = true
	u.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu(tr("app.title"),
		u.syncItem(),
		u.winPause,
		fyne.NewMenuItemSeparator(),
		quit,
	)))
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
	u.mem.shown = true
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
		u.mem.shown = true
	}
	u.releaseAfterStart()
	u.app.Run()
}

// HandleEvent takes a scheduler event; it runs on the scheduler's goroutine
// and only hands the event to the UI thread. A run's start and end also
// end the progress reports of the run before.
func (u *UI) HandleEvent(ev scheduler.Event) {
	if ev.Kind == scheduler.EventStarted || ev.Kind == scheduler.EventFinished {
		u.progressFeed.newRun()
	}
	u.onMain(func() { u.handleEvent(ev) })
}

// handleEvent shows a scheduler event of the selected link, on the UI
// thread. The state read after a run is shown only while its link is
// still the selected one.
func (u *UI) handleEvent(ev scheduler.Event) {
	switch ev.Kind {
	case scheduler.EventStarted:
		u.running, u.progress = true, nil
	case scheduler.EventFinished:
		u.running, u.progress = false, nil
		u.loadInvoices() // the run read the payment status
		f, b := u.logView.filter(), u.b
		u.async(func() {
			s := u.gather(b, f)
			u.onMain(func() {
				if u.b == b {
					u.finished(ev.Result, s)
				}
			})
		})
	case scheduler.EventPaused:
		u.paused = true
	case scheduler.EventResumed:
		u.paused = false
	}
	u.nextRun = ev.NextRun
	u.updateStatus()
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
	notes, told := runNotifications(res, fresh, u.saved.NotifySuccess, u.toldAttention, u.messageLang())
	u.toldAttention = told
	for _, n := range notes {
		u.notify.send(u.linkNote(n))
	}
	u.awaitApproval(res, s.plan)
	u.releaseMemory() // the run's garbage
}

// updateStatus shows the last run, the next one and the pause in the status
// line and the tray.
func (u *UI) updateStatus() {
	text := u.runText()
	if u.lastRun != nil && !u.running {
		text = tr("status.last", map[string]any{"Time": u.formatTime(runTime(*u.lastRun)), "Summary": u.lastRun.Text(u.messageLang())})
	}
	text = sentence(text) // a summary may end without a full stop
	// Everything on the one attention list counts, not only work orders.
	switch n := len(u.logView.items); {
	case n == 1:
		text += "  " + tr("status.attention.one")
	case n > 1:
		text += "  " + tr("status.attention.many", map[string]any{"Count": n})
	}
	switch {
	case u.paused:
		text += "  " + tr("status.paused")
	case !u.nextRun.IsZero():
		text += "  " + tr("status.next", map[string]any{"Time": u.nextRun.Local().Format(tr("format.time"))})
	}
	u.status.SetText(text)
	u.updateTray() // links_panel.go
}

// sentence is s ending as a sentence, so that the next part of the status
// line reads apart from it.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}

// runText is the short state of the runs: running (with the progress of a
// long read), never run, or the last run's time and result.
func (u *UI) runText() string {
	switch {
	case u.running && u.progress != nil:
		return u.progress.Text().Render(u.messageLang())
	case u.running:
		return tr("status.running")
	case u.lastRun == nil:
		return tr("status.never")
	}
	return tr("tray.last", map[string]any{"Time": u.formatTime(runTime(*u.lastRun)), "Result": tr(resultKey(*u.lastRun))})
}

// formatTime is a moment as the window shows it everywhere (status line,
// tray menu and tooltip), the same as the log's Tijd column: dd-mm-jjjj
// in Dutch, "06 Dec 2026" in English (internal/message).
func (u *UI) formatTime(t time.Time) string { return message.DateTime(u.messageLang(), t.Local()) }

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
