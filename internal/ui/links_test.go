package ui

// The behaviour tests of several links (issue 18) on a fake LinkSet of
// fakeBackends: selecting, adding, renaming, removing and pausing links in
// the window, the links' events in the bar, the status line and the
// notifications, and the tray's per-link items.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// fakeLinkSet is a LinkSet in memory over fakeBackends. A link's paused
// state, last run and attention count are read from its backend, as the
// real one reads them from the link's store.
type fakeLinkSet struct {
	mu       sync.Mutex
	order    []string
	names    map[string]string
	backends map[string]*fakeBackend
	broken   map[string]string // id -> Problem: Backend fails
	// override, when set for a link, is what Backend gives for it (a
	// wrapper around its fakeBackend).
	override map[string]Backend
	subs     map[int]func(string, scheduler.Event)
	nextSub  int
	calls    []string
}

var _ LinkSet = (*fakeLinkSet)(nil)

func newFakeLinkSet() *fakeLinkSet {
	return &fakeLinkSet{names: map[string]string{}, backends: map[string]*fakeBackend{}, broken: map[string]string{},
		subs: map[int]func(string, scheduler.Event){}}
}

// add puts a link with its backend in the set (seeding, no call recorded).
func (s *fakeLinkSet) add(id, name string, b *fakeBackend) {
	s.order = append(s.order, id)
	s.names[id], s.backends[id] = name, b
}

func (s *fakeLinkSet) called(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (s *fakeLinkSet) Links(ctx context.Context) ([]LinkInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []LinkInfo
	for _, id := range s.order {
		i := LinkInfo{ID: id, Name: s.names[id], Problem: s.broken[id]}
		if b := s.backends[id]; b != nil && i.Problem == "" {
			i.Paused = b.savedSettings().Paused
			i.Attention = len(b.attention())
			if r, err := b.LastRun(ctx); err == nil {
				i.LastRunTime, i.LastRunOutcome = runTime(r), string(r.Outcome)
			}
		}
		out = append(out, i)
	}
	return out, nil
}

func (s *fakeLinkSet) Backend(id string) (Backend, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.broken[id]; p != "" {
		return nil, errors.New(p)
	}
	if o := s.override[id]; o != nil {
		return o, nil
	}
	b, ok := s.backends[id]
	if !ok {
		return nil, fmt.Errorf("no link %q", id)
	}
	return b, nil
}

// checkName is the real rule in short: not empty, not taken by another
// link (case-insensitive).
func (s *fakeLinkSet) checkName(id, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return &LinkNameError{Name: name, Key: "link.name.empty", Text: "Vul een naam in."}
	}
	for other, n := range s.names {
		if other != id && strings.EqualFold(n, name) {
			return &LinkNameError{Name: name, Key: "link.name.taken", Text: "Die naam is al in gebruik."}
		}
	}
	return nil
}

func (s *fakeLinkSet) Add(_ context.Context, name string) (LinkInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "Add "+name)
	if err := s.checkName("", name); err != nil {
		return LinkInfo{}, err
	}
	id := fmt.Sprintf("link-%d", len(s.order)+1)
	s.order = append(s.order, id)
	s.names[id], s.backends[id] = strings.TrimSpace(name), newFakeBackend()
	return LinkInfo{ID: id, Name: s.names[id]}, nil
}

func (s *fakeLinkSet) Rename(_ context.Context, id, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "Rename "+id+" "+name)
	if err := s.checkName(id, name); err != nil {
		return err
	}
	s.names[id] = strings.TrimSpace(name)
	return nil
}

func (s *fakeLinkSet) Remove(_ context.Context, id string, purge bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("Remove %s %v", id, purge))
	s.order = slices.DeleteFunc(s.order, func(o string) bool { return o == id })
	delete(s.names, id)
	delete(s.backends, id)
	return nil
}

func (s *fakeLinkSet) Subscribe(fn func(string, scheduler.Event)) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextSub
	s.nextSub++
	s.subs[n] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, n)
	}
}

// emit delivers a link's event to the subscribers, as a link's scheduler
// does from its own goroutine.
func (s *fakeLinkSet) emit(id string, ev scheduler.Event) {
	s.mu.Lock()
	var fns []func(string, scheduler.Event)
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(id, ev)
	}
}

// linksHarness is a UI over a fakeLinkSet.
type linksHarness struct {
	*harness
	set *fakeLinkSet
}

// twoLinks is a set of two links, De Vries (selected at start) and Jansen,
// each with its own settings, credentials and log.
func twoLinks() (*fakeLinkSet, *fakeBackend, *fakeBackend) {
	set := newFakeLinkSet()
	a, b := newFakeBackend(), newFakeBackend()
	a.creds, b.creds = fakeCredentials, fakeCredentials
	b.creds.EBoekhoudenUsername, b.creds.OutSmartCompanyID = "jansen-boekhouding", "bedrijf-9"
	if err := a.SaveSettings(context.Background(), map[string]string{store.KeyIntervalMinutes: "30"}); err != nil {
		panic(err)
	}
	if err := b.SaveSettings(context.Background(), map[string]string{store.KeyIntervalMinutes: "50"}); err != nil {
		panic(err)
	}
	a.addLog(store.LogEntry{Time: goldenAt.Add(time.Hour), Level: store.LevelInfo, Message: "Regel van De Vries."})
	b.addLog(store.LogEntry{Time: goldenAt.Add(time.Hour), Level: store.LevelInfo, Message: "Regel van Jansen."})
	set.add("vries", "De Vries", a)
	set.add("jansen", "Jansen", b)
	return set, a, b
}

func newLinksHarness(t *testing.T, set *fakeLinkSet, opts Options) *linksHarness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), q: newMainQueue()}
	h.app = &fakeDesktop{App: test.NewTempApp(t)}
	var err error
	h.u, err = newUILinks(h.app, set, opts, h.q.do, func(f func()) { go f() })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.u.Close)
	h.u.win.Resize(defaultWindowSize)
	h.settle()
	return &linksHarness{harness: h, set: set}
}

// card is the links bar's card of the link named name.
func (h *linksHarness) card(name string) *linkCard {
	h.t.Helper()
	for _, o := range h.u.links.cards.Objects {
		if c := o.(*linkCard); c.name.Text == name {
			return c
		}
	}
	h.t.Fatalf("no card for %q", name)
	return nil
}

func logMessages(u *UI) []string {
	var out []string
	for _, e := range u.logView.entries {
		out = append(out, e.Message)
	}
	return out
}

func TestSelectingALinkShowsItsSettingsCredentialsAndLog(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	u := h.u
	if u.settings.interval.Text != "30" || u.login.username.Text != "installatie" ||
		!slices.Contains(logMessages(u), "Regel van De Vries.") {
		t.Fatalf("De Vries at start: interval %q, user %q, log %v", u.settings.interval.Text, u.login.username.Text, logMessages(u))
	}
	if !h.card("De Vries").selected || h.card("Jansen").selected {
		t.Fatal("De Vries's card is not the selected one")
	}
	test.Tap(h.card("Jansen"))
	h.settle()
	if u.b != Backend(b) || u.settings.interval.Text != "50" || u.login.username.Text != "jansen-boekhouding" ||
		!slices.Contains(logMessages(u), "Regel van Jansen.") || slices.Contains(logMessages(u), "Regel van De Vries.") {
		t.Fatalf("Jansen selected: interval %q, user %q, log %v", u.settings.interval.Text, u.login.username.Text, logMessages(u))
	}
	if !h.card("Jansen").selected || h.card("De Vries").selected {
		t.Error("the selection does not show on the cards")
	}
	for _, call := range []string{"Settings", "Credentials", "Log", "Attention", "LastRun"} {
		if len(b.called(call)) == 0 {
			t.Errorf("Jansen's %s was not read", call)
		}
	}
	// Saving now saves Jansen's settings, not De Vries's.
	typeInto(u.settings.interval, "45")
	u.saveAll(nil)
	h.settle()
	if a.savedSettings().IntervalMinutes != 30 || b.savedSettings().IntervalMinutes != 45 {
		t.Errorf("saved: De Vries %d, Jansen %d minutes", a.savedSettings().IntervalMinutes, b.savedSettings().IntervalMinutes)
	}
}

func TestSwitchingLinksAsksAboutUnsavedChanges(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	typeInto(h.u.settings.interval, "15")
	test.Tap(h.card("Jansen"))
	h.settle()
	if !strings.Contains(h.topDialogText(), tr("unsaved.body")) || h.u.b != Backend(a) {
		t.Fatalf("no question before switching: %q", h.topDialogText())
	}
	h.tapDialogButton(tr("unsaved.save"))
	h.settle()
	if a.savedSettings().IntervalMinutes != 15 || h.u.b != Backend(b) || h.u.settings.interval.Text != "50" {
		t.Fatalf("after Opslaan: De Vries %d minutes, Jansen shown %v, interval %q",
			a.savedSettings().IntervalMinutes, h.u.b == Backend(b), h.u.settings.interval.Text)
	}
}

func TestAddingALinkRefusesATakenNameAndOpensTheNewOne(t *testing.T) {
	set, _, _ := twoLinks()
	h := newLinksHarness(t, set, Options{})
	h.u.askAddLink()
	entry := dialogEntry(t, h.u)
	typeInto(entry, "de vries")
	h.tapDialogButton(tr("links.add.confirm"))
	h.settle()
	want := "Er is al een koppeling met de naam de vries. Kies een andere naam."
	if !strings.Contains(h.topDialogText(), want) {
		t.Fatalf("taken name: dialog says %q", h.topDialogText())
	}
	typeInto(entry, "  ")
	h.tapDialogButton(tr("links.add.confirm"))
	h.settle()
	if txt := h.topDialogText(); !strings.Contains(txt, "Vul een naam in.") || strings.Contains(txt, want) {
		t.Fatalf("empty name: dialog says %q", txt)
	}
	typeInto(entry, "Bakker Installaties")
	h.tapDialogButton(tr("links.add.confirm"))
	h.settle()
	if h.topDialogText() != "" {
		t.Fatalf("the dialog stays: %q", h.topDialogText())
	}
	if got := set.called("Add"); !slices.Equal(got, []string{"Add de vries", "Add   ", "Add Bakker Installaties"}) {
		t.Errorf("Add calls %q", got)
	}
	info, _ := h.u.links.info(h.u.links.selectedID())
	if info.Name != "Bakker Installaties" || h.u.tabs.SelectedIndex() != tabLogin || h.u.login.username.Text != "" {
		t.Errorf("after adding: selected %q on tab %d, user %q", info.Name, h.u.tabs.SelectedIndex(), h.u.login.username.Text)
	}
	if len(h.u.links.cards.Objects) != 3 || !h.card("Bakker Installaties").selected {
		t.Error("the new link's card is missing or not selected")
	}
}

// dialogEntry is the text field of the topmost dialog.
func dialogEntry(t *testing.T, u *UI) *formEntry {
	t.Helper()
	var e *formEntry
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if f, ok := o.(*formEntry); ok && e == nil {
			e = f
		}
	})
	if e == nil {
		t.Fatal("no text field in the dialog")
	}
	return e
}

func TestRenamingALinkShowsTheNewName(t *testing.T) {
	set, _, _ := twoLinks()
	h := newLinksHarness(t, set, Options{})
	h.u.askRenameLink()
	typeInto(dialogEntry(t, h.u), "Jansen")
	h.tapDialogButton(tr("links.rename.confirm"))
	h.settle()
	if !strings.Contains(h.topDialogText(), "Er is al een koppeling met de naam Jansen.") {
		t.Fatalf("taken name: %q", h.topDialogText())
	}
	typeInto(dialogEntry(t, h.u), "De Vries & Zn")
	h.tapDialogButton(tr("links.rename.confirm"))
	h.settle()
	if h.card("De Vries & Zn") == nil || !slices.Contains(set.called("Rename"), "Rename vries De Vries & Zn") {
		t.Fatalf("rename calls %q", set.called("Rename"))
	}
}

func TestRemovingALinkAsksAndPurgesOnlyWhenTicked(t *testing.T) {
	set, a, b := twoLinks()
	set.add("bakker", "Bakker", newFakeBackend())
	h := newLinksHarness(t, set, Options{})
	h.u.askRemoveLink()
	text := h.topDialogText()
	if !strings.Contains(text, "Koppeling De Vries wordt uit Koppeling gehaald") || !strings.Contains(text, "blijven op deze computer bewaard") {
		t.Fatalf("the question: %q", text)
	}
	h.tapDialogButton(tr("unsaved.cancel"))
	h.settle()
	if got := set.called("Remove"); len(got) != 0 {
		t.Fatalf("cancel removed: %q", got)
	}
	h.u.askRemoveLink()
	h.tapDialogButton(tr("links.remove.confirm"))
	h.settle()
	if got := set.called("Remove"); !slices.Equal(got, []string{"Remove vries false"}) {
		t.Fatalf("remove calls %q", got)
	}
	if h.u.b != Backend(b) || len(h.u.links.cards.Objects) != 2 || !h.card("Jansen").selected {
		t.Fatalf("after removing De Vries the window shows %v", h.u.links.infos)
	}
	_ = a
	// Now Jansen, ticking the box.
	h.u.askRemoveLink()
	tickInDialog(t, h.u, tr("links.remove.purge"))
	h.tapDialogButton(tr("links.remove.confirm"))
	h.settle()
	if got := set.called("Remove"); !slices.Equal(got, []string{"Remove vries false", "Remove jansen true"}) {
		t.Fatalf("remove calls %q", got)
	}
	// The last one cannot be removed from the window.
	if h.u.links.several() || h.u.links.single.Text != "Koppeling: Bakker" {
		t.Fatalf("one link left, the bar says %q", h.u.links.single.Text)
	}
	h.u.askRemoveLink()
	if !strings.Contains(h.topDialogText(), "Dit is de enige koppeling") {
		t.Fatalf("removing the last link: %q", h.topDialogText())
	}
	h.closeDialogs()
	if got := set.called("Remove"); len(got) != 2 {
		t.Fatalf("the last link was removed: %q", got)
	}
}

func tickInDialog(t *testing.T, u *UI, label string) {
	t.Helper()
	var c *widget.Check
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Check); ok && w.Text == label {
			c = w
		}
	})
	if c == nil {
		t.Fatalf("no %q in the dialog", label)
	}
	test.Tap(c)
}

func TestAnUnselectedLinksEventsUpdateItsCardNotTheStatusLine(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	status := h.u.status.Text
	if h.card("Jansen").state.Text != "Actief" || h.card("Jansen").last.Text != "Nog niet gesynchroniseerd" {
		t.Fatalf("Jansen at start: %q / %q", h.card("Jansen").state.Text, h.card("Jansen").last.Text)
	}
	set.emit("jansen", scheduler.Event{Kind: scheduler.EventStarted, Time: time.Now()})
	h.settle()
	if h.card("Jansen").state.Text != "Bezig…" || h.u.running || h.u.status.Text != status {
		t.Fatalf("Jansen started: card %q, running %v, status %q", h.card("Jansen").state.Text, h.u.running, h.u.status.Text)
	}
	if h.app.icon.Name() != "tray-syncing.png" {
		t.Errorf("one link runs, the tray shows %s", h.app.icon.Name())
	}
	// Jansen's run fails and parks a work order.
	started := time.Date(2026, 3, 16, 10, 15, 0, 0, time.UTC)
	res := scheduler.Result{Err: errors.New("OutSmart antwoordt niet"), Summary: "OutSmart antwoordt niet."}
	b.park(store.Export{RowID: "wo-7", OrderNumber: "WB7", State: store.ExportParked, Reason: "Geen relatie."})
	b.finishRun(scheduler.TriggerManual, started, res)
	set.emit("jansen", scheduler.Event{Kind: scheduler.EventFinished, Time: time.Now(), Result: res})
	h.settle()
	c := h.card("Jansen")
	if c.state.Text != "Probleem · 1 punt vraagt aandacht" || !strings.HasPrefix(c.last.Text, "Laatst: ") ||
		!strings.HasSuffix(c.last.Text, ", mislukt") {
		t.Fatalf("Jansen after its run: %q / %q", c.state.Text, c.last.Text)
	}
	if h.u.status.Text != status || h.u.lastRun != nil || len(h.u.logView.items) != 0 || h.u.b != Backend(a) {
		t.Fatalf("De Vries's window changed: status %q, last run %v, items %d", h.u.status.Text, h.u.lastRun, len(h.u.logView.items))
	}
	titles := h.app.notifications()
	if !slices.Contains(titles, "Jansen: "+tr("notify.failed")) || !slices.Contains(titles, "Jansen: "+tr("notify.parked", map[string]any{"Number": "WB7"})) {
		t.Fatalf("notifications %q", titles)
	}
	if h.app.icon.Name() != "tray-problem.png" || !strings.Contains(h.app.tooltip, "Jansen: Probleem") ||
		!strings.Contains(h.app.tooltip, "De Vries: Actief") {
		t.Errorf("tray: icon %s, tooltip %q", h.app.icon.Name(), h.app.tooltip)
	}
	if len(a.called("Log")) != 1 {
		t.Errorf("De Vries's log was read again: %q", a.called("Log"))
	}
}

func TestTheSelectedLinksEventsDriveTheStatusLineAndNameTheLink(t *testing.T) {
	set, a, _ := twoLinks()
	h := newLinksHarness(t, set, Options{})
	set.emit("vries", scheduler.Event{Kind: scheduler.EventStarted, Time: time.Now()})
	h.settle()
	if !h.u.running || h.u.status.Text != tr("status.running") || h.card("De Vries").state.Text != "Bezig…" {
		t.Fatalf("De Vries started: running %v, status %q", h.u.running, h.u.status.Text)
	}
	res := scheduler.Result{Err: errors.New("kapot"), Summary: "e-Boekhouden antwoordt niet."}
	a.finishRun(scheduler.TriggerManual, time.Now(), res)
	set.emit("vries", scheduler.Event{Kind: scheduler.EventFinished, Time: time.Now(), Result: res})
	h.settle()
	if h.u.running || h.u.lastRun == nil || !strings.Contains(h.u.status.Text, "e-Boekhouden antwoordt niet.") {
		t.Fatalf("De Vries finished: status %q", h.u.status.Text)
	}
	if titles := h.app.notifications(); !slices.Equal(titles, []string{"De Vries: " + tr("notify.failed")}) {
		t.Fatalf("notifications %q", titles)
	}
}

func TestTraySyncsThePickedLink(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	item := h.trayItem(tr("tray.sync"))
	if item.ChildMenu == nil || len(item.ChildMenu.Items) != 2 {
		t.Fatalf("Nu synchroniseren has no submenu per link: %+v", item.ChildMenu)
	}
	var names []string
	for _, it := range item.ChildMenu.Items {
		names = append(names, it.Label)
	}
	if !slices.Equal(names, []string{"De Vries", "Jansen"}) {
		t.Fatalf("submenu %q", names)
	}
	item.ChildMenu.Items[1].Action()
	h.settle()
	if len(b.called("SyncNow")) != 1 || len(a.called("SyncNow")) != 0 {
		t.Fatalf("Jansen: De Vries synced %d, Jansen %d times", len(a.called("SyncNow")), len(b.called("SyncNow")))
	}
	item.ChildMenu.Items[0].Action()
	h.settle()
	if len(a.called("SyncNow")) != 1 || len(b.called("SyncNow")) != 1 {
		t.Fatalf("De Vries: De Vries synced %d, Jansen %d times", len(a.called("SyncNow")), len(b.called("SyncNow")))
	}
}

func TestTrayPausesAllLinksAndTheBarOne(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	h.trayItem(tr("tray.pause")).Action()
	h.settle()
	if got := [2][]string{a.called("SetPaused"), b.called("SetPaused")}; !slices.Equal(got[0], []string{"SetPaused true"}) ||
		!slices.Equal(got[1], []string{"SetPaused true"}) {
		t.Fatalf("tray Pauzeren: %q", got)
	}
	for _, id := range []string{"vries", "jansen"} {
		set.emit(id, scheduler.Event{Kind: scheduler.EventPaused})
	}
	h.settle()
	if h.trayItem(tr("tray.resume")) == nil || h.app.icon.Name() != "tray-idle-paused.png" {
		t.Fatalf("all paused: icon %s", h.app.icon.Name())
	}
	// The bar's menu resumes De Vries alone; the tray then offers Pauzeren.
	resume := menuItem(h.u.linkMenu(), tr("tray.resume"))
	if resume == nil {
		t.Fatal("the bar's menu offers no Hervatten")
	}
	resume.Action()
	h.settle()
	set.emit("vries", scheduler.Event{Kind: scheduler.EventResumed})
	h.settle()
	if !slices.Equal(a.called("SetPaused"), []string{"SetPaused true", "SetPaused false"}) || len(b.called("SetPaused")) != 1 {
		t.Fatalf("bar Hervatten: %q / %q", a.called("SetPaused"), b.called("SetPaused"))
	}
	if h.trayItem(tr("tray.pause")) == nil || h.app.icon.Name() != "tray-idle.png" || h.card("Jansen").state.Text != "Gepauzeerd" {
		t.Fatalf("one paused: icon %s, Jansen %q", h.app.icon.Name(), h.card("Jansen").state.Text)
	}
}

func TestOneLinkKeepsTheWindowAndTrayOfBefore(t *testing.T) {
	set := newFakeLinkSet()
	b := newFakeBackend()
	b.creds = fakeCredentials
	set.add("std", "Standaard", b)
	h := newLinksHarness(t, set, Options{})
	// At the default size the six tabs leave no room for the name beside
	// them (it gives way first); a wider window shows it.
	h.u.win.Resize(fyne.NewSize(1200, defaultWindowSize.Height))
	h.u.win.Content().Refresh()
	if !h.u.links.single.Visible() || h.u.links.single.Text != "Koppeling: Standaard" || h.u.links.bar.Visible() {
		t.Fatalf("one link: bar %q", h.u.links.single.Text)
	}
	item := h.trayItem(tr("tray.sync"))
	if item.ChildMenu != nil {
		t.Fatal("one link has a submenu")
	}
	item.Action()
	if len(b.called("SyncNow")) != 1 {
		t.Fatal("Nu synchroniseren did not sync")
	}
	if h.app.tooltip != "Koppeling – Nog niet gesynchroniseerd." {
		t.Errorf("tooltip %q", h.app.tooltip)
	}
	b.finishRun(scheduler.TriggerManual, time.Now(), scheduler.Result{Err: errors.New("x"), Summary: "Mislukt."})
	set.emit("std", scheduler.Event{Kind: scheduler.EventFinished, Result: scheduler.Result{Err: errors.New("x"), Summary: "Mislukt."}})
	h.settle()
	if titles := h.app.notifications(); !slices.Equal(titles, []string{tr("notify.failed")}) {
		t.Errorf("one link's notification is named: %q", titles)
	}
}

func TestALinkThatCannotOpenIsSkippedAtStartAndExplained(t *testing.T) {
	set, _, b := twoLinks()
	set.broken["vries"] = "De opslag van De Vries is beschadigd."
	h := newLinksHarness(t, set, Options{})
	if h.u.b != Backend(b) || !h.card("Jansen").selected {
		t.Fatal("the window did not open on the link that works")
	}
	if h.card("De Vries").state.Text != "Probleem" {
		t.Errorf("the broken link's card says %q", h.card("De Vries").state.Text)
	}
	test.Tap(h.card("De Vries"))
	h.settle()
	if txt := h.topDialogText(); !strings.Contains(txt, "De opslag van De Vries is beschadigd.") || h.u.b != Backend(b) {
		t.Fatalf("selecting the broken link: %q", txt)
	}
}

func TestLinksInEnglish(t *testing.T) {
	t.Setenv("LANG", "en_GB.UTF-8")
	t.Setenv("LC_MESSAGES", "")
	if _, err := setUpLanguage(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Setenv("LANG", "nl_NL.UTF-8")
		setUpLanguage()
	})
	set, _, _ := twoLinks()
	h := newLinksHarness(t, set, Options{})
	if h.card("Jansen").state.Text != "Idle" || h.card("Jansen").last.Text != "Not synchronised yet" {
		t.Fatalf("English card: %q / %q", h.card("Jansen").state.Text, h.card("Jansen").last.Text)
	}
	h.u.askAddLink()
	typeInto(dialogEntry(t, h.u), "jansen")
	h.tapDialogButton("Add")
	h.settle()
	if !strings.Contains(h.topDialogText(), "There already is a link named jansen.") {
		t.Fatalf("English refusal: %q", h.topDialogText())
	}
}

// TestLinksFitAtTheDefaultSize opens the demo's window over one link and
// over two at its default size, in Dutch and English, with a history in
// the log and invoices on: the links leave every tab without scrolling and
// the status line whole. The Dutch Log tab with two links is compared with
// links.png (after a deliberate change the new image is in
// testdata/failed/).
func TestLinksFitAtTheDefaultSize(t *testing.T) {
	for _, c := range []struct {
		lang  string
		links int
	}{{"nl_NL.UTF-8", 2}, {"en_US.UTF-8", 2}, {"nl_NL.UTF-8", 1}, {"en_US.UTF-8", 1}} {
		lang := c.lang
		t.Run(fmt.Sprintf("%s/%d", lang, c.links), func(t *testing.T) {
			t.Setenv("LANG", lang)
			t.Setenv("LC_MESSAGES", "")
			set, a, b := twoLinks()
			goldenFake(a)
			for _, f := range []*fakeBackend{a, b} {
				if err := f.SaveSettings(t.Context(), map[string]string{store.KeyExportInvoices: "true",
					store.KeyTemplate: "Standaard"}); err != nil {
					t.Fatal(err)
				}
			}
			b.mu.Lock()
			b.runs = append(b.runs, store.Run{ID: 1, StartedAt: goldenAt, FinishedAt: goldenAt.Add(2 * time.Minute),
				Outcome: store.RunOK, Summary: "Alles was al bijgewerkt"})
			b.settings.Paused = true
			b.mu.Unlock()
			set.order = set.order[:c.links]
			h := newLinksHarness(t, set, demoOptions)
			u := h.u
			for i, item := range u.tabs.Items {
				u.tabs.SelectIndex(i)
				assertFits(t, item)
			}
			if min := u.win.Content().MinSize(); min.Width > defaultWindowSize.Width || min.Height > defaultWindowSize.Height {
				t.Errorf("the window needs %v, more than its default size", min)
			}
			assertStatusWhole(t, u)
			if lang == "nl_NL.UTF-8" && c.links == 2 {
				u.tabs.SelectIndex(tabLog)
				u.win.Canvas().Unfocus()
				test.AssertImageMatches(t, "links.png", u.win.Canvas().Capture())
			}
		})
	}
}

// menuItem is the item of m labelled label (nil when none).
func menuItem(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

// TestLinkControlsNeverCoverATab: the link's name, Koppeling toevoegen and
// Beheren share the tabs' row; with one link or two, in Dutch and English,
// with a sixth tab as another part of issue 18 adds, what does not fit
// beside the last tab gives way (Beheren, which has every action, stays).
func TestLinkControlsNeverCoverATab(t *testing.T) {
	for _, lang := range []string{"nl_NL.UTF-8", "en_US.UTF-8"} {
		for _, n := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d", lang, n), func(t *testing.T) {
				t.Setenv("LANG", lang)
				t.Setenv("LC_MESSAGES", "")
				set, _, _ := twoLinks()
				if n == 1 {
					set.order = set.order[:1]
				}
				h := newLinksHarness(t, set, Options{})
				u := h.u
				for extra := 0; extra < 2; extra++ {
					u.win.Content().Refresh()
					end := lastTabEnd(t, u)
					var shown []string
					for _, o := range []fyne.CanvasObject{u.links.single, findButton(u.win.Content(), tr("links.add")),
						u.links.manage} {
						if !o.Visible() {
							continue
						}
						x := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X
						if x < end {
							t.Errorf("%T at x %v covers the tabs, which end at %v", o, x, end)
						}
						shown = append(shown, fmt.Sprint(texts(o)))
					}
					if !slices.Contains(shown, "[]") {
						t.Errorf("Beheren gave way: %q", shown)
					}
					// Six tabs (Facturen among them) leave room for Nieuwe
					// koppeling at the default size; the single link's name
					// has given way already.
					if extra == 0 && !slices.Contains(shown, "["+tr("links.add")+"]") {
						t.Errorf("six tabs leave room for Nieuwe koppeling, shown %q", shown)
					}
					u.tabs.Append(container.NewTabItem("Rapporten", widget.NewLabel("")))
				}
			})
		}
	}
}

// lastTabEnd is the right edge of the tabs' last button on the canvas.
func lastTabEnd(t *testing.T, u *UI) float32 {
	t.Helper()
	var end float32
	walk(u.tabs, func(o fyne.CanvasObject) {
		if fmt.Sprintf("%T", o) == "*container.tabButton" {
			end = max(end, fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X+o.Size().Width)
		}
	})
	if end == 0 {
		t.Fatal("no tab buttons found")
	}
	return end
}

// TestOnlyTheSelectedLinksProgressShows: a long read of a link that is not
// selected leaves the status line alone; the selected link's shows.
func TestOnlyTheSelectedLinksProgressShows(t *testing.T) {
	set, _, _ := twoLinks()
	h := newLinksHarness(t, set, Options{})
	for _, id := range []string{"vries", "jansen"} {
		set.emit(id, scheduler.Event{Kind: scheduler.EventStarted, Time: time.Now()})
	}
	h.settle()
	h.u.HandleLinkProgress("jansen", report.Progress{Kind: "relations", Read: 6000})
	h.settle()
	if h.u.status.Text != tr("status.running") {
		t.Fatalf("Jansen's progress shows: %q", h.u.status.Text)
	}
	h.u.HandleLinkProgress("vries", report.Progress{Kind: "relations", Read: 7000})
	h.settle()
	if !strings.HasPrefix(h.u.status.Text, "Relaties ophalen: 7.000 gelezen") {
		t.Fatalf("De Vries's progress does not show: %q", h.u.status.Text)
	}
}

// TestLinkCardsWorkByKeyboard: Tab reaches the cards and space or Enter
// selects a link, as it presses a button.
func TestLinkCardsWorkByKeyboard(t *testing.T) {
	set, _, b := twoLinks()
	h := newLinksHarness(t, set, Options{})
	c := h.card("Jansen")
	var focusable fyne.Focusable = c
	h.u.win.Canvas().Focus(focusable)
	if !c.focused || c.bg.StrokeWidth != 2 {
		t.Fatal("the focused card shows no focus")
	}
	test.Type(c, " ")
	h.settle()
	if h.u.b != Backend(b) || !c.selected {
		t.Fatal("space did not select Jansen")
	}
	other := h.card("De Vries")
	h.u.win.Canvas().Focus(other)
	other.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if h.u.b == Backend(b) || !other.selected {
		t.Fatal("Enter did not select De Vries")
	}
}

// TestWithoutATrayTheWindowsMenuSyncsPerLink: without a tray the
// window's own menu has Nu synchroniseren per link, and its
// Pauzeren/Hervatten acts on all links.
func TestWithoutATrayTheWindowsMenuSyncsPerLink(t *testing.T) {
	set, a, b := twoLinks()
	h := newLinksHarness(t, set, Options{TrayMissing: true})
	if h.u.tray != nil {
		t.Fatal("a tray without one")
	}
	items := h.u.win.MainMenu().Items[0].Items
	sync := menuItem(h.u.win.MainMenu().Items[0], tr("tray.sync"))
	if sync == nil || sync.ChildMenu == nil || len(sync.ChildMenu.Items) != 2 {
		t.Fatalf("the window's menu: %+v", items)
	}
	sync.ChildMenu.Items[1].Action()
	h.settle()
	if len(b.called("SyncNow")) != 1 || len(a.called("SyncNow")) != 0 {
		t.Fatal("the window's menu synced the wrong link")
	}
	h.u.winPause.Action()
	h.settle()
	if len(a.called("SetPaused true")) != 1 || len(b.called("SetPaused true")) != 1 {
		t.Fatalf("Pauzeren paused %q and %q", a.called("SetPaused"), b.called("SetPaused"))
	}
}

// gatedBackend is a fakeBackend whose Log and WorkflowStatuses wait, while
// gate is set, until it is closed: a slow read of a link.
type gatedBackend struct {
	*fakeBackend
	gate chan struct{}
}

func (g *gatedBackend) wait() {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (g *gatedBackend) Log(ctx context.Context, f store.LogFilter) ([]store.LogEntry, error) {
	g.wait()
	return g.fakeBackend.Log(ctx, f)
}

func (g *gatedBackend) CheckLogin(ctx context.Context, c secrets.Credentials) *report.LoginProblem {
	g.wait()
	return g.fakeBackend.CheckLogin(ctx, c)
}

func (g *gatedBackend) WorkflowStatuses(ctx context.Context) ([]string, error) {
	g.wait()
	return g.fakeBackend.WorkflowStatuses(ctx)
}

// TestASlowReadOfTheLinkBeforeIsNotShown: the log and the workflow
// statuses of the link that was selected, read while the user switched,
// do not land on the new link's screens.
func TestASlowReadOfTheLinkBeforeIsNotShown(t *testing.T) {
	set, a, b := twoLinks()
	a.statuses = []string{"Alleen bij De Vries"}
	slow := &gatedBackend{fakeBackend: a}
	set.override = map[string]Backend{"vries": slow}
	h := newLinksHarness(t, set, Options{})
	gate := make(chan struct{})
	slow.mu.Lock()
	slow.gate = gate
	slow.mu.Unlock()
	h.u.refresh()
	h.u.loadWorkflowStatuses()
	test.Tap(h.card("Jansen"))
	h.settle()
	close(gate)
	h.settle()
	if h.u.b != Backend(b) || slices.Contains(logMessages(h.u), "Regel van De Vries.") ||
		!slices.Contains(logMessages(h.u), "Regel van Jansen.") {
		t.Fatalf("Jansen shows %q", logMessages(h.u))
	}
	if slices.Contains(h.u.settings.workflowStatus.Options, "Alleen bij De Vries") {
		t.Fatal("Jansen's Export tab offers De Vries's workflow status")
	}
}

// TestALoginCheckThatEndsAfterASwitchKeepsToItsLink: Submit on one link,
// another chosen while the services are asked: the checked credentials go
// to the first link's keychain item, never to the second's, and the second
// link's form stays as it is.
func TestALoginCheckThatEndsAfterASwitchKeepsToItsLink(t *testing.T) {
	set, a, b := twoLinks()
	slow := &gatedBackend{fakeBackend: a}
	set.override = map[string]Backend{"vries": slow}
	h := newLinksHarness(t, set, Options{})
	gate := make(chan struct{})
	slow.mu.Lock()
	slow.gate = gate
	slow.mu.Unlock()
	h.u.tabs.SelectIndex(tabLogin)
	typeInto(h.u.login.username, "vries-nieuw")
	test.Tap(h.u.login.submit)
	h.settle()
	test.Tap(h.card("Jansen"))
	h.settle()
	close(gate)
	h.settle()
	h.closeDialogs()
	if got := a.savedCredentials().EBoekhoudenUsername; got != "vries-nieuw" {
		t.Errorf("De Vries's keychain has %q", got)
	}
	if got := b.savedCredentials().EBoekhoudenUsername; got != "jansen-boekhouding" || len(b.called("SaveCredentials")) != 0 {
		t.Errorf("Jansen's keychain has %q", got)
	}
	if h.u.login.username.Text != "jansen-boekhouding" || h.u.savedCreds.EBoekhoudenUsername != "jansen-boekhouding" {
		t.Errorf("Jansen's form shows %q, saved %q", h.u.login.username.Text, h.u.savedCreds.EBoekhoudenUsername)
	}
}
