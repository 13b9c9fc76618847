package ui

// This file owns the window's side of several links (issue 18): the bar
// above the tabs that lists the links, the selection that makes the screens
// of the manual act on one link's Backend, and Koppeling toevoegen,
// Hernoemen, Pauzeren/Hervatten and Verwijderen. The tray's side is in
// links_tray.go.
//
// The bar sits above the tabs rather than in a column beside them: at the
// default size (920 × 700) and on a 1366 × 768 screen a column would take
// the width the forms and the log's Bericht column need, while the bar
// costs one low row. With one link it is a single line ("Koppeling:
// Standaard") with the buttons, so that a single-link user sees nearly the
// window of before; with several it shows a card per link (name, state,
// last run, attention count), scrolling sideways when they do not fit.

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
)

// linkState is what the UI keeps of the links. Its fields are used on the
// UI thread only, except selected, which the scheduler's goroutines read
// through selectedID.
type linkState struct {
	set   LinkSet
	infos []LinkInfo

	mu       sync.Mutex
	selected string

	// notes are what the user was told of each link's runs (parked work
	// orders, the attention count); the selected link's are also u's
	// knownParked and toldAttention.
	notes map[string]*linkNotes

	// single names the only link; bar holds the cards of several.
	single *widget.Label
	bar    *fyne.Container
	cards  *fyne.Container
	// row places single and the buttons in the tabs' row.
	row *tabRowLayout
	// manage is the Beheren button (⋮): its menu acts on the selected link.
	manage *widget.Button
	scroll *container.Scroll
	// cancel ends the subscription to the links' events.
	cancel func()
}

// linkNotes is what the notifications of one link told the user.
type linkNotes struct {
	knownParked map[string]bool
	told        int
}

// selectedID is the selected link's ID; any goroutine may call it.
func (l *linkState) selectedID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.selected
}

func (l *linkState) setSelected(id string) {
	l.mu.Lock()
	l.selected = id
	l.mu.Unlock()
}

// info is the link with id, and whether it is listed.
func (l *linkState) info(id string) (LinkInfo, bool) {
	for _, i := range l.infos {
		if i.ID == id {
			return i, true
		}
	}
	return LinkInfo{}, false
}

// several says the bar lists more than one link (cards, names in the
// notifications and the tray).
func (l *linkState) several() bool { return l != nil && len(l.infos) > 1 }

// NewDesktopLinks is NewDesktop over several links: the window lists set's
// links and its screens act on the selected one (at start the first one
// that can be opened); the tray offers Nu synchroniseren per link.
func NewDesktopLinks(set LinkSet, opts Options) (*UI, error) {
	a, opts := desktopApp(opts)
	u, err := NewLinks(a, set, opts)
	if err != nil {
		return nil, err
	}
	u.notify = platformNotifier(a)
	return u, nil
}

// NewLinks is New over several links (see NewDesktopLinks).
func NewLinks(a fyne.App, set LinkSet, opts Options) (*UI, error) {
	return newUILinks(a, set, opts, fyne.Do, func(f func()) { go f() })
}

// newUILinks is NewLinks with the functions that run work on the UI thread
// and off it. It subscribes to the links' events (Close ends that).
func newUILinks(a fyne.App, set LinkSet, opts Options, onMain, async func(func())) (*UI, error) {
	ctx := context.Background()
	infos, err := set.Links(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the links: %w", err)
	}
	if len(infos) == 0 {
		return nil, errors.New("no links to show")
	}
	var b Backend
	var opened LinkInfo
	var errs []error
	for _, i := range selectFirst(infos, opts.SelectLink) {
		if b, err = set.Backend(i.ID); err == nil {
			opened = i
			break
		}
		errs = append(errs, fmt.Errorf("open link %q: %w", i.Name, err))
	}
	if b == nil {
		return nil, errors.Join(errs...)
	}
	l := &linkState{set: set, infos: infos, selected: opened.ID, notes: map[string]*linkNotes{}}
	u, err := newUIWith(a, b, l, opts, onMain, async)
	if err != nil {
		return nil, err
	}
	u.running = opened.Running
	u.updateStatus()
	l.notes[opened.ID] = &linkNotes{knownParked: u.knownParked}
	u.seedOtherLinks()
	l.cancel = set.Subscribe(u.handleLinkEvent)
	return u, nil
}

// desktopApp creates the Fyne application with Koppeling's metadata and
// asks the system whether a tray will show the icon.
func desktopApp(opts Options) (fyne.App, Options) {
	setAppMetadata(opts)
	a := app.NewWithID(AppID)
	opts.TrayMissing = opts.TrayMissing || trayMissing()
	return a, opts
}

// Close ends the subscription to the links' events (nothing without a
// LinkSet).
func (u *UI) Close() {
	if u.links != nil && u.links.cancel != nil {
		u.links.cancel()
		u.links.cancel = nil
	}
}

// linksLayout places the links in the window: it returns the cards, which
// go above the tabs (hidden with one link), and the tabs with, in the empty
// end of their row, the name of the only link and the buttons Koppeling
// toevoegen and Beheren (⋮). That row costs no height: with one link every
// tab of the manual keeps the space it had.
func (u *UI) linksLayout() (fyne.CanvasObject, fyne.CanvasObject) {
	l := u.links
	l.single = widget.NewLabel("")
	l.cards = container.NewHBox()
	l.scroll = container.NewHScroll(l.cards)
	add := widget.NewButtonWithIcon(tr("links.add"), theme.ContentAddIcon(), u.askAddLink)
	add.Importance = widget.LowImportance
	var manage *widget.Button
	// The Beheren button shows as ⋮ only, the sign of "more actions", to leave the
	// tabs' row room.
	manage = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
		widget.ShowPopUpMenuAtRelativePosition(u.linkMenu(), u.win.Canvas(), fyne.NewPos(0, manage.Size().Height), manage)
	})
	manage.Importance = widget.LowImportance
	l.manage = manage
	// No separator: the cards' outlines and the tabs' underline set the
	// bar apart, and every pixel of height is a tab's.
	l.bar = container.NewStack(l.scroll)
	l.row = &tabRowLayout{used: func() float32 { return tabsWidth(u.tabs) }, skip: map[fyne.CanvasObject]bool{}}
	row := container.New(l.row, l.single, add, manage)
	u.showLinks()
	controls := container.NewBorder(row, nil, nil, nil)
	return l.bar, container.NewStack(u.tabs, controls)
}

// tabRowLayout places its objects at the right end of the tabs' row, from
// the right, each only while it fits beside the tabs (used is the width
// they take): the first ones give way first (the only link's name, then
// Nieuwe koppeling, which the Beheren menu also has), so that another
// tab or a longer translation never covers a tab. An object in skip is
// not shown at all (the name while there are several links).
type tabRowLayout struct {
	used func() float32
	skip map[fyne.CanvasObject]bool
}

func (l *tabRowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		if !l.skip[o] {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(0, h)
}

func (l *tabRowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	left := l.used() + theme.Padding()
	x, fits := size.Width, true
	for i := len(objects) - 1; i >= 0; i-- {
		o := objects[i]
		m := o.MinSize()
		// Beheren, the last, stays: it is the way to every action.
		fits = fits && !l.skip[o] && (x-m.Width >= left || i == len(objects)-1)
		setShown(o, fits)
		if !fits {
			continue
		}
		x -= m.Width
		o.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
		o.Resize(m)
	}
}

// tabsWidth is about the width the tabs' buttons take: each its bold
// title, the button's padding and the space between buttons (measured
// against Fyne's own tab buttons by TestLinkControlsNeverCoverATab).
func tabsWidth(t *container.AppTabs) float32 {
	var w float32
	for _, it := range t.Items {
		w += fyne.MeasureText(it.Text, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding() + theme.Padding()
	}
	return w
}

// showLinks shows the links as they are now in the bar.
func (u *UI) showLinks() {
	l := u.links
	if !l.several() {
		name := ""
		if len(l.infos) == 1 {
			name = l.infos[0].Name
		}
		l.single.SetText(tr("links.single", map[string]any{"Name": name}))
		l.row.skip[l.single] = false
		l.bar.Hide()
		return
	}
	l.row.skip[l.single] = true
	for len(l.cards.Objects) < len(l.infos) {
		l.cards.Add(newLinkCard())
	}
	l.cards.Objects = l.cards.Objects[:len(l.infos)]
	for i, info := range l.infos {
		c := l.cards.Objects[i].(*linkCard)
		id := info.ID
		c.onTap = func() { u.selectLink(id) }
		c.show(u.cardLines(info), info.ID == l.selected, linkImportance(info))
	}
	l.cards.Refresh()
	l.bar.Show()
	if u.win.Content() != nil {
		u.relayout()
	}
}

// cardLines are a link's name, its state and attention count, and its
// last run.
func (u *UI) cardLines(i LinkInfo) [3]string {
	st := linkStateOf(i)
	state := stateWord(st)
	count := ""
	switch {
	case i.Attention == 1:
		count = tr("links.attention.one")
	case i.Attention > 1:
		count = tr("links.attention.many", map[string]any{"Count": i.Attention})
	}
	switch {
	case count != "" && st == linkAttention:
		state = count // "2 punten vragen aandacht" says the state
	case count != "":
		state += " · " + count
	}
	last := tr("links.never")
	if !i.LastRunTime.IsZero() {
		last = tr("links.last", map[string]any{"Time": u.formatTime(i.LastRunTime), "Result": tr(outcomeKey(i.LastRunOutcome))})
	}
	return [3]string{i.Name, state, last}
}

// linkStateOf is a link's state in one word: a problem (it cannot be
// opened, its last run failed) outweighs running, which outweighs
// something that needs the user, which outweighs paused.
func linkStateOf(i LinkInfo) linkStateName {
	switch {
	case i.Problem != "":
		return linkProblem
	case i.Running:
		return linkRunning
	case i.LastRunOutcome != "" && i.LastRunOutcome != "ok" && i.LastRunOutcome != "attention":
		return linkProblem
	case i.LastRunOutcome == "attention", i.Attention > 0:
		return linkAttention
	case i.Paused:
		return linkPaused
	}
	return linkIdle
}

// linkStateName is a link's state as the bar and the tray say it.
type linkStateName string

// The states of a link (stateWord says them).
const (
	linkIdle    linkStateName = "idle"
	linkRunning linkStateName = "running"
	linkPaused  linkStateName = "paused"
	linkProblem linkStateName = "problem"
	// linkAttention: the link runs, but something needs the user (a
	// parked work order, invoices that wait for approval).
	linkAttention linkStateName = "attention"
)

// stateWord is a link's state in the user's language.
func stateWord(s linkStateName) string {
	switch s {
	case linkRunning:
		return tr("links.state.running")
	case linkPaused:
		return tr("links.state.paused")
	case linkProblem:
		return tr("links.state.problem")
	case linkAttention:
		return tr("links.state.attention")
	}
	return tr("links.state.idle")
}

func linkImportance(i LinkInfo) widget.Importance {
	switch linkStateOf(i) {
	case linkProblem:
		return widget.DangerImportance
	case linkPaused, linkAttention:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// outcomeKey is the translation key of a run outcome as LinkInfo has it.
func outcomeKey(outcome string) string {
	switch outcome {
	case "ok":
		return "result.ok"
	case "attention":
		return "result.attention"
	}
	return "result.failed"
}

// linkCard is one link in the bar: its name and state (with the
// attention count) on one line, its last run below in small print; tapping
// it selects the link. Its texts are canvas texts, not labels, so that the
// card stays two lines low.
type linkCard struct {
	widget.BaseWidget
	name, state, last *canvas.Text
	bg                *canvas.Rectangle
	selected, focused bool
	imp               widget.Importance
	onTap             func()
}

func newLinkCard() *linkCard {
	c := &linkCard{name: canvas.NewText("", color.Black), state: canvas.NewText("", color.Black),
		last: canvas.NewText("", color.Black), bg: canvas.NewRectangle(color.Transparent)}
	c.name.TextStyle.Bold = true
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.bg.StrokeWidth = 1
	c.ExtendBaseWidget(c)
	return c
}

func (c *linkCard) show(lines [3]string, selected bool, imp widget.Importance) {
	c.name.Text, c.state.Text, c.last.Text = lines[0], lines[1], lines[2]
	c.selected, c.imp = selected, imp
	c.Refresh()
}

// Refresh paints the card in the theme's colours: the selected link's
// filled and outlined, the others only outlined; the state in the colour
// of its importance.
func (c *linkCard) Refresh() {
	c.paint()
	c.BaseWidget.Refresh()
}

func (c *linkCard) paint() {
	c.name.Color, c.last.Color = theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNamePlaceHolder)
	c.name.TextSize, c.state.TextSize = theme.TextSize(), theme.TextSize()
	c.last.TextSize = theme.CaptionTextSize()
	c.state.Color = theme.Color(theme.ColorNameForeground)
	switch c.imp {
	case widget.DangerImportance:
		c.state.Color = theme.Color(theme.ColorNameError)
	case widget.WarningImportance:
		c.state.Color = theme.Color(theme.ColorNameWarning)
	}
	c.bg.FillColor, c.bg.StrokeColor = color.Transparent, theme.Color(theme.ColorNameSeparator)
	if c.selected {
		c.bg.FillColor, c.bg.StrokeColor = theme.Color(theme.ColorNameSelection), theme.Color(theme.ColorNamePrimary)
	}
	c.bg.StrokeWidth = 1
	if c.focused {
		c.bg.StrokeColor, c.bg.StrokeWidth = theme.Color(theme.ColorNameFocus), 2
	}
}

// The card takes the keyboard's focus (Tab) and selects its link on space
// or Enter, as a button does.

// FocusGained shows the focus on the card's outline.
func (c *linkCard) FocusGained() { c.focused = true; c.Refresh() }

// FocusLost takes the focus off the outline.
func (c *linkCard) FocusLost() { c.focused = false; c.Refresh() }

// TypedRune selects the link on space.
func (c *linkCard) TypedRune(r rune) {
	if r == ' ' {
		c.Tapped(nil)
	}
}

// TypedKey selects the link on Enter.
func (c *linkCard) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		c.Tapped(nil)
	}
}

// Tapped selects the card's link.
func (c *linkCard) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

// Cursor is the hand: the card is a button.
func (c *linkCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (c *linkCard) CreateRenderer() fyne.WidgetRenderer {
	c.paint()
	p := theme.Padding()
	first := container.New(layout.NewCustomPaddedHBoxLayout(2*p), c.name, c.state)
	lines := container.New(layout.NewCustomPaddedVBoxLayout(0), first, c.last)
	inset := container.New(layout.NewCustomPaddedLayout(p/2, p/2, 2*p, 2*p), lines)
	return widget.NewSimpleRenderer(container.NewStack(c.bg, inset))
}

// selectLink makes the screens act on the link with id, after asking about
// unsaved changes on the current one.
func (u *UI) selectLink(id string) {
	u.selectLinkThen(id, nil)
}

// selectLinkThen is selectLink, then runs then (if any) once the link
// shows.
func (u *UI) selectLinkThen(id string, then func()) {
	if id == u.links.selectedID() {
		if then != nil {
			then()
		}
		return
	}
	if u.dirty() {
		u.askUnsaved(func() { u.openLink(id, then) })
		return
	}
	u.openLink(id, then)
}

// openLink opens the link's Backend off the UI thread and shows the link.
// A link that cannot be opened stays unselected and its problem is shown.
func (u *UI) openLink(id string, then func()) {
	set := u.links.set
	u.async(func() {
		b, err := set.Backend(id)
		u.onMain(func() {
			if err != nil {
				info, _ := u.links.info(id)
				text := info.Problem
				if text == "" {
					text = err.Error()
				}
				showMessage(u.win, tr("links.open.failed", map[string]any{"Name": info.Name}), text)
				return
			}
			u.useLink(id, b)
			if then != nil {
				then()
			}
		})
	})
}

// useLink swaps the screens over to the link's Backend and loads all it
// holds: settings, credentials, log, attention list, last run and the
// Export tab's lists. What the notifications told of the link before
// stays told.
func (u *UI) useLink(id string, b Backend) {
	l := u.links
	if n := l.notes[l.selectedID()]; n != nil {
		n.knownParked, n.told = u.knownParked, u.toldAttention
	}
	n := l.notes[id]
	if n == nil {
		n = &linkNotes{knownParked: map[string]bool{}}
		l.notes[id] = n
	}
	u.b = b
	l.setSelected(id)
	info, _ := l.info(id)
	u.knownParked, u.toldAttention = n.knownParked, n.told
	u.lastRun, u.nextRun, u.running, u.progress = nil, time.Time{}, info.Running, nil
	u.progressFeed.newRun()
	u.login.result.Hide()
	if err := u.loadAll(); err != nil {
		u.status.SetText(tr("error.generic", map[string]any{"Error": err.Error()}))
	}
	u.loadWorkflowStatuses()
	u.loadChoices(true)
	u.showLinks()
	u.updateStatus()
	u.relayout()
}

// reloadLinks reads the list of links again and shows it; then (if any)
// runs with the list read.
func (u *UI) reloadLinks(then func()) {
	set := u.links.set
	u.async(func() {
		infos, err := set.Links(u.ctx)
		u.onMain(func() {
			if err != nil {
				log.Printf("koppeling: list the links: %v", err)
				return
			}
			renamed := !sameNames(u.links.infos, infos)
			u.links.infos = infos
			u.showLinks()
			if renamed {
				u.linksChanged()
			} else {
				u.updateTray()
			}
			if then != nil {
				then()
			}
		})
	})
}

// sameNames says two lists hold the same links under the same names, in
// the same order.
func sameNames(a, b []LinkInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// handleLinkEvent takes a scheduler event of one link; it runs on the
// scheduler's goroutine. The selected link's events drive the status line,
// the log and the notifications as HandleEvent does; every link's events
// update its card and the tray.
func (u *UI) handleLinkEvent(id string, ev scheduler.Event) {
	selected := id == u.links.selectedID()
	if selected && (ev.Kind == scheduler.EventStarted || ev.Kind == scheduler.EventFinished) {
		u.progressFeed.newRun()
	}
	u.onMain(func() {
		u.linkEvent(id, ev)
		if id == u.links.selectedID() {
			u.handleEvent(ev)
		} else if ev.Kind == scheduler.EventFinished {
			u.otherLinkFinished(id, ev.Result)
		}
	})
}

// HandleLinkProgress takes a progress report of one link's run (that
// link's Runner's OnProgress); it runs on the run's goroutine and never
// blocks it. The selected link's reports show as HandleProgress shows
// them; another link's are dropped (its card says that it runs). A report
// that races with a change of the selection belongs to a run the feed has
// ended (useLink), so it is not shown either.
func (u *UI) HandleLinkProgress(id string, p report.Progress) {
	if u.links == nil || id == u.links.selectedID() {
		u.progressFeed.report(p)
	}
}

// linkEvent updates a link's card after one of its events; the end of a
// run reads the list again for its last run and attention count.
func (u *UI) linkEvent(id string, ev scheduler.Event) {
	l := u.links
	for i := range l.infos {
		if l.infos[i].ID != id {
			continue
		}
		switch ev.Kind {
		case scheduler.EventStarted:
			l.infos[i].Running = true
		case scheduler.EventFinished:
			l.infos[i].Running = false
		case scheduler.EventPaused:
			l.infos[i].Paused = true
		case scheduler.EventResumed:
			l.infos[i].Paused = false
		}
	}
	u.showLinks()
	u.updateTray()
	if ev.Kind == scheduler.EventFinished {
		u.reloadLinks(nil)
	}
}

// updateTray shows the links' state in the tray (and the window's own
// menu without one).
func (u *UI) updateTray() {
	if u.tray != nil {
		u.tray.update(u)
	}
	if u.winPause != nil && u.winPause.Label != pauseLabel(u.pausedAll()) {
		u.winPause.Label = pauseLabel(u.pausedAll())
		if m := u.win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
}
