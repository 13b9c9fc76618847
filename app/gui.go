package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui"
	"github.com/koppeling/koppeling/internal/ui/instance"
)

// runGUI starts the desktop app: window, tray and every link's sync loop.
// With --demo it runs against in-process sandboxes (package demo). A second
// start with the same data directory brings the running window to the
// front and exits. When no link's store can be opened (a damaged store of
// the only link), nothing starts but the window that explains it.
func runGUI(args []string, e env) int {
	flags, ok := parseGUIFlags(args, e)
	if !ok {
		return exitCannotRun
	}
	dir, err := e.dataDir()
	if err == nil && flags.demo {
		dir, err = e.demoDataDir()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling: %v\n", err)
		return exitCannotRun
	}
	claim, code, ok := claimWindow(e, dir)
	if !ok {
		return code
	}
	defer claim.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// From here on Fyne and the tray (and Koppeling's own desktop code) log
	// to the data directory, not to the console (see guiLog).
	defer routeGUILog(dir)()
	set, opts, code, ok := openGUILinks(ctx, e, dir, flags, claim)
	if !ok {
		return code
	}
	defer set.Close()
	return runDesktop(ctx, e, set, opts, claim)
}

// guiFlags are the desktop app's command-line flags.
type guiFlags struct {
	demo   bool // --demo: against built-in sandboxes
	hidden bool // --tray: start in the tray without showing the window
}

// parseGUIFlags reads the flags; false when they are wrong or there is no
// display, after saying so on stderr.
func parseGUIFlags(args []string, e env) (guiFlags, bool) {
	var f guiFlags
	fs := flag.NewFlagSet("koppeling", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.BoolVar(&f.demo, "demo", false, "run against built-in sandbox servers with demo data")
	fs.BoolVar(&f.hidden, "tray", false, "start in the system tray without showing the window")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		usage(e.stderr)
		return f, false
	}
	if !hasDisplay(e) {
		fmt.Fprintln(e.stderr, "koppeling: no display to show the window on: run it on a desktop, or `xvfb-run koppeling --demo`; `koppeling sandbox` runs the servers alone.")
		fmt.Fprintln(e.stderr)
		usage(e.stderr)
		return f, false
	}
	return f, true
}

// claimWindow makes this process the one that shows the window for dir. A
// running one is asked to come to the front instead: ok is false and code
// the exit code.
func claimWindow(e env, dir string) (claim *instance.Instance, code int, ok bool) {
	claim, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		if err := instance.Show(dir, 5*time.Second); err != nil {
			fmt.Fprintf(e.stderr, "koppeling: Koppeling draait al, maar reageert niet: %v\n", err)
			return nil, exitCannotRun, false
		}
		fmt.Fprintln(e.stdout, "Koppeling draait al; het venster staat nu vooraan.")
		return nil, exitOK, false
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling: %v\n", err)
		return nil, exitCannotRun, false
	}
	return claim, exitOK, true
}

// openGUILinks opens every link of the installation (the demo's, with
// --demo) for the window, with the --link one selected first. A link whose
// store cannot be opened is listed with its problem while the others run;
// when no link can be opened the app stops before anything syncs, with
// the reason on stderr, and a damaged store is also shown in a window, for
// a start from the menu or at login, where stderr goes nowhere (the app
// keeps its claim until the window closes). ok is false when the app
// stops, with code its exit code.
func openGUILinks(ctx context.Context, e env, dir string, f guiFlags, claim *instance.Instance) (set *backend.LinkSet, opts ui.Options, code int, ok bool) {
	opts = ui.Options{StartHidden: f.hidden, BuiltInSoftwareToken: softwareToken != "", Version: version}
	reg := links.New(dir)
	// The named link is selected first, or the only one; several and none
	// named is no error here: the window shows them all.
	switch l, err := e.pickLink(reg); {
	case err == nil:
		opts.SelectLink = l.ID
	case e.linkName() != "":
		return nil, opts, storeFailed(e, "koppeling", err), false
	}
	opener := &linkOpener{e: e, demo: f.demo, envLink: opts.SelectLink}
	lo := backend.LinkSetOptions{Registry: reg, Open: opener.open, RunAtStart: !f.demo, AllWorkOrders: f.demo}
	if !f.demo {
		// Catch up at start, unless there is nothing to log in with yet or
		// the user paused; the demo waits for its user's first Start
		// synchronisatie.
		lo.Vault, lo.Autostart = e.vaultFor, switchAutostart
	}
	set, err := backend.NewLinkSet(ctx, lo)
	if err != nil {
		return nil, opts, storeFailed(e, "koppeling", err), false
	}
	infos, code, ok := anyLinkOpens(ctx, e, set, f, claim)
	if !ok {
		set.Close()
		return nil, opts, code, false
	}
	if d := opener.demoEnv(); d != nil {
		fmt.Fprintf(e.stdout, "Koppeling demo (data in %s)\n  e-Boekhouden sandbox  %s\n  OutSmart sandbox      %s\n",
			dir, d.Endpoints.EBoekhoudenURL, d.Endpoints.OutSmartURL)
		opts.Demo, opts.DemoEBoekhoudenState, opts.DemoOutSmartState = true, d.EBoekhoudenStateURL, d.OutSmartStateURL
		opts.DemoEBoekhoudenRESTState = d.EBoekhoudenRESTStateURL
		opts.BuiltInSoftwareToken = true
		opts.DemoAPIToken = ebrest.DemoAPIToken // the REST sandbox's, to try the token's road
	} else if f.demo {
		opts.Demo, opts.BuiltInSoftwareToken, opts.DemoAPIToken = true, true, ebrest.DemoAPIToken
	}
	if !f.demo {
		// Every link's app.autostart shows what the system does.
		for _, i := range infos {
			if p, err := set.Backend(i.ID); err == nil {
				reconcileAutostart(ctx, p.Store)
			}
		}
	}
	return set, opts, exitOK, true
}

// anyLinkOpens returns the links when at least one can be opened; when
// none can, it says why the first cannot (as the app did with one store)
// and ok is false.
func anyLinkOpens(ctx context.Context, e env, set *backend.LinkSet, f guiFlags, claim *instance.Instance) (infos []backend.LinkInfo, code int, ok bool) {
	infos, err := set.Links(ctx)
	if err != nil {
		return nil, storeFailed(e, "koppeling", err), false
	}
	for _, i := range infos {
		if i.Problem == nil {
			return infos, exitOK, true
		}
	}
	if len(infos) == 0 {
		return nil, storeFailed(e, "koppeling", &chooseError{}), false
	}
	problem := infos[0].Problem
	code = storeFailed(e, "koppeling", problem)
	var d *store.DamagedError
	if errors.As(problem, &d) && !f.demo {
		damagedStoreWindow(e, d, claim)
	}
	return nil, code, false
}

// runDesktop runs the window over the links, starts every link's
// scheduler and runs until the user quits.
func runDesktop(ctx context.Context, e env, set *backend.LinkSet, opts ui.Options, claim *instance.Instance) int {
	app, err := ui.NewDesktopLinks(uiLinks{set: set, lang: message.FromEnvironment(e.getenv)}, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling: %v\n", err)
		return exitCannotRun
	}
	defer app.Close()
	// Before the schedulers start, which run the runners on their
	// goroutines: the window shows the selected link's reports.
	set.OnProgress(app.HandleLinkProgress)
	claim.Serve(app.Show)
	if err := set.Start(ctx); err != nil {
		fmt.Fprintf(e.stderr, "koppeling: %v\n", err)
		return exitCannotRun
	}
	app.Run()
	writeMemProfile(e)
	return exitOK
}

// damagedStoreWindow shows the window about a damaged store; the in-process
// tests, which have no display, replace it.
var damagedStoreWindow = showDamagedStore

// showDamagedStore shows the window about a damaged store, also for a
// start in the tray, until the user closes it; nothing else starts. A
// second start meanwhile brings it to the front.
func showDamagedStore(e env, d *store.DamagedError, claim *instance.Instance) {
	w, err := ui.NewDamagedStore(d)
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling: %v\n", err)
		return
	}
	claim.Serve(w.Show)
	w.Run()
}

// GUILogFile is the desktop app's diagnostic log in its data directory:
// what Fyne, the tray and the notifications report that the window cannot
// show (a settings watch that failed, a desktop without a notification
// service). The sync's own log is in the store.
const GUILogFile = "koppeling-gui.log"

// maxGUILog is the size above which the diagnostic log starts afresh.
const maxGUILog = 1 << 20

// routeGUILog sends the standard logger, which Fyne and fyne.io/systray
// write to, to GUILogFile in dir, each distinct line once per start: on a
// normal start the console shows nothing, and a condition that repeats
// (every run, every frame) does not fill the disk. It returns the function
// that puts the console back.
func routeGUILog(dir string) (restore func()) {
	w := &onceWriter{path: filepath.Join(dir, GUILogFile), seen: map[string]bool{}}
	prevOut, prevFlags := log.Writer(), log.Flags()
	log.SetOutput(w)
	log.SetFlags(0) // onceWriter stamps the lines itself, after comparing them
	return func() {
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		w.close()
	}
}

// onceWriter appends each line it has not seen before to a file, opened
// at the first line, with the time in front.
type onceWriter struct {
	path string
	mu   sync.Mutex
	f    *os.File
	seen map[string]bool
	err  error
}

func (w *onceWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if w.seen[line] || w.err != nil {
			continue
		}
		w.seen[line] = true
		if w.f == nil {
			if fi, err := os.Stat(w.path); err == nil && fi.Size() > maxGUILog {
				_ = os.Remove(w.path)
			}
			if w.f, w.err = os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); w.err != nil {
				continue
			}
		}
		fmt.Fprintf(w.f, "%s %s\n", time.Now().Format(time.RFC3339), line)
	}
	return len(p), nil
}

func (w *onceWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		_ = w.f.Close()
		w.f = nil
	}
}

// hasDisplay reports whether a window can be shown: on Linux and the BSDs
// that needs an X11 or Wayland display.
func hasDisplay(e env) bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		return e.getenv("DISPLAY") != "" || e.getenv("WAYLAND_DISPLAY") != ""
	}
	return true
}
