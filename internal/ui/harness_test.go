package ui

import (
	"bytes"
	"context"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// The UI tests run the window on Fyne's headless test driver. The
// behaviour tests have a map-backed fake Backend behind it (newFakeHarness,
// fake_test.go) and run anywhere, also with -short. The end-to-end tests
// (newHarness) have the real parts behind it: the sandbox servers over
// loopback HTTP, a SQLite store in a temporary directory, the real
// scheduler and the OS keychain (make test runs them inside a D-Bus session
// with gnome-keyring); -short skips them. The tray and the notifications
// are fakes in both, because the test driver has neither.

func TestMain(m *testing.M) {
	// Goldens show times: render them in one zone, in Dutch, whatever the
	// machine's settings.
	time.Local = time.UTC
	for k, v := range map[string]string{"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// fakeDesktop is Fyne's test app with a tray and notifications that are
// recorded instead of shown.
type fakeDesktop struct {
	fyne.App
	menu       *fyne.Menu
	icon       fyne.Resource
	trayWindow fyne.Window
	tooltip    string
	// tooltips are every tooltip set, in order.
	tooltips []string
	tapped   func()
	notes    []*fyne.Notification
	quits    int
	// opened are the URLs given to OpenURL; openErr is its answer.
	opened  []*url.URL
	openErr error
}

// Settings renders every theme in its light variant (the test app has
// none), so that the goldens look like the default desktop.
func (f *fakeDesktop) Settings() fyne.Settings { return lightSettings{f.App.Settings()} }

type lightSettings struct{ fyne.Settings }

func (s lightSettings) SetTheme(t fyne.Theme) { s.Settings.SetTheme(lightTheme{t}) }

func (f *fakeDesktop) SetSystemTrayMenu(m *fyne.Menu)    { f.menu = m }
func (f *fakeDesktop) SetSystemTrayIcon(r fyne.Resource) { f.icon = r }
func (f *fakeDesktop) SetSystemTrayWindow(w fyne.Window) { f.trayWindow = w }
func (f *fakeDesktop) SetSystemTrayTooltip(s string) {
	f.tooltip, f.tooltips = s, append(f.tooltips, s)
}
func (f *fakeDesktop) SetSystemTrayTapped(tapped func()) { f.tapped = tapped }

// NewWindow is the test app's window, which records whether it is shown.
func (f *fakeDesktop) NewWindow(title string) fyne.Window {
	return &shownWindow{Window: f.App.NewWindow(title)}
}

// shownWindow is a test window that remembers Show and Hide (the test
// driver's own does not).
type shownWindow struct {
	fyne.Window
	shown bool
}

func (w *shownWindow) Show()                                 { w.shown = true; w.Window.Show() }
func (w *shownWindow) Hide()                                 { w.shown = false; w.Window.Hide() }
func (w *shownWindow) ShowAndRun()                           { w.Show() }
func (f *fakeDesktop) SendNotification(n *fyne.Notification) { f.notes = append(f.notes, n) }
func (f *fakeDesktop) Quit()                                 { f.quits++ }
func (f *fakeDesktop) OpenURL(u *url.URL) error {
	f.opened = append(f.opened, u)
	return f.openErr
}
func (f *fakeDesktop) notifications() (titles []string) {
	for _, n := range f.notes {
		titles = append(titles, n.Title)
	}
	return titles
}

// lightTheme is a theme in its light variant only.
type lightTheme struct{ fyne.Theme }

func (t lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

// mainQueue stands in for the UI thread: onMain queues, the test's
// goroutine runs the queue (pump), so every widget change happens on the
// test's goroutine, in order, as fyne.Do does on the real one.
type mainQueue struct {
	mu    sync.Mutex
	fns   []func()
	ready chan struct{}
}

func newMainQueue() *mainQueue { return &mainQueue{ready: make(chan struct{}, 1)} }

func (q *mainQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *mainQueue) next() func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.fns) == 0 {
		return nil
	}
	f := q.fns[0]
	q.fns = q.fns[1:]
	return f
}

// harness is a UI over real parts (newHarness) or over a fake
// (newFakeHarness: fake is set, the real parts are nil).
type harness struct {
	t     *testing.T
	ctx   context.Context
	dir   string
	env   *testkit.Env
	sb    *sandbox.Sandbox
	st    *store.Store
	vault *secrets.Vault
	sched *scheduler.Scheduler
	parts *backend.Parts
	fake  *fakeBackend
	app   *fakeDesktop
	q     *mainQueue
	u     *UI
}

type harnessOptions struct {
	// startScheduler starts the run loop (goldens leave it stopped, so that
	// no "next run" time shows).
	startScheduler bool
	// loggedIn stores the sandbox's credentials in the keychain before the
	// UI starts.
	loggedIn bool
	// settings are saved before the UI starts.
	settings map[string]string
	// seed writes to the store before the UI starts.
	seed func(*store.Store)
	// dir reuses a data directory (a restart).
	dir string
	// service reuses a keychain item (a restart).
	service string
	// keychain, when set, stands in for the OS keychain (one that fails).
	keychain secrets.Keychain
	// run, when set, is the scheduler's run function instead of a run of
	// the real runner (a fake run that the test steers).
	run  scheduler.RunFunc
	opts Options
}

// newHarness is a UI over the real parts: an end-to-end test, which -short
// skips.
func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("end to end over the sandbox, a store and the keychain; -short runs the UI on the fake only")
	}
	h := &harness{t: t, ctx: context.Background(), q: newMainQueue()}
	h.env = testkit.Start(t, sandbox.Options{})
	h.sb = h.env.Sandbox
	h.st = testkit.OpenStore(t, o.dir)
	h.dir = filepath.Dir(h.st.Path())
	h.vault = testkit.OSVault(t, o.service)
	if o.keychain != nil {
		h.vault.Keychain = o.keychain
	}
	if o.loggedIn {
		if err := h.vault.Save(h.demoCredentials()); err != nil {
			t.Fatal(err)
		}
	}
	if len(o.settings) > 0 {
		if err := h.st.SetSettings(h.ctx, o.settings); err != nil {
			t.Fatal(err)
		}
	}
	if o.seed != nil {
		o.seed(h.st)
	}
	ep := services.Endpoints(h.env.Endpoints)
	runner := &services.Runner{Store: h.st, Endpoints: ep, Credentials: func() (secrets.Credentials, error) {
		c, _, err := h.vault.Load()
		return c, err
	}}
	set, err := h.st.Settings(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	run := backend.RunFunc(runner)
	if o.run != nil {
		run = o.run
	}
	h.sched = scheduler.New(run, scheduler.Options{Interval: time.Duration(set.IntervalMinutes) * time.Minute, Paused: set.Paused})
	t.Cleanup(h.sched.Stop)
	h.parts = &backend.Parts{Store: h.st, Vault: h.vault, Runner: runner, Scheduler: h.sched, Endpoints: ep}
	h.app = &fakeDesktop{App: test.NewTempApp(t)}
	h.u, err = newUI(h.app, h.parts, o.opts, h.q.do, func(f func()) { go f() })
	if err != nil {
		t.Fatal(err)
	}
	h.u.win.Resize(defaultWindowSize)
	unsubscribe := h.sched.Subscribe(h.u.HandleEvent)
	t.Cleanup(unsubscribe)
	if o.startScheduler {
		if err := h.sched.Start(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	h.settle()
	return h
}

// demoCredentials are the sandbox's credentials.
func (h *harness) demoCredentials() secrets.Credentials { return h.env.Credentials }

func (h *harness) secrets() []string { return h.demoCredentials().Secrets() }

// pump runs the UI thread's queue until cond holds.
func (h *harness) pump(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		if f := h.q.next(); f != nil {
			f()
			continue
		}
		select {
		case <-h.q.ready:
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settle runs what is queued and what it leads to until the queue stays
// empty for a moment.
func (h *harness) settle() {
	h.t.Helper()
	for {
		if f := h.q.next(); f != nil {
			f()
			continue
		}
		select {
		case <-h.q.ready:
		case <-time.After(300 * time.Millisecond):
			return
		}
	}
}

// waitForRun waits until the UI shows a finished run newer than before.
func (h *harness) waitForRun(before int64) {
	h.t.Helper()
	h.pump("a finished run", func() bool {
		return h.u.lastRun != nil && h.u.lastRun.ID > before && !h.u.running && !h.u.lastRun.FinishedAt.IsZero()
	})
	h.settle()
}

// typeInto replaces an entry's text as a user would: select all, type.
func typeInto(e *formEntry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// topDialogText is all text of the topmost overlay ("" when none).
func (h *harness) topDialogText() string {
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), " | ")
}

// tapDialogButton taps the button labelled label in the topmost overlay.
func (h *harness) tapDialogButton(label string) {
	h.t.Helper()
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatalf("no dialog to tap %q in", label)
	}
	b := findButton(top, label)
	if b == nil {
		h.t.Fatalf("no button %q in the dialog: %s", label, h.topDialogText())
	}
	test.Tap(b)
}

// closeDialogs taps OK on every open message.
func (h *harness) closeDialogs() {
	for h.u.win.Canvas().Overlays().Top() != nil {
		h.tapDialogButton(tr("OK"))
	}
}

// texts lists the text shown in o and below it.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *dialogButton:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Hyperlink:
			out = append(out, w.Text)
		}
	})
	return out
}

func findButton(o fyne.CanvasObject, label string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		b, ok := o.(*widget.Button)
		if db, isDialog := o.(*dialogButton); isDialog {
			b, ok = &db.Button, true
		}
		if ok && found == nil && b.Text == label {
			found = b
		}
	})
	return found
}

// walk visits o and everything inside it that is visible.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, visit)
		}
	case *container.Scroll:
		walk(c.Content, visit)
	case fyne.Widget:
		switch c.(type) {
		case *widget.Label, *widget.Button, *dialogButton, *widget.Check, *widget.Hyperlink, *widget.Entry, *formEntry:
			return
		}
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, visit)
		}
	}
}

// assertNoSecretsIn fails when a file below dir holds one of the secrets.
func assertNoSecretsIn(t *testing.T, dir string, secrets []string) {
	t.Helper()
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("a credential is stored in %s", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no files in %s to search", dir)
	}
}
