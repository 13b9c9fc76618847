package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/store"
)

// allProblems are the problems store.Open reports.
var allProblems = []store.Problem{store.ProblemEmpty, store.ProblemTruncated, store.ProblemNotSQLite,
	store.ProblemUnreadable, store.ProblemForeign, store.ProblemOrphanWAL}

// damagedStorePath is where the tests' damaged store lives.
const damagedStorePath = "/home/anna/.config/Koppeling/koppeling.db"

// newTestDamagedStore builds the window about an empty store on a fake
// desktop; work for the UI thread and off it runs at once, in order.
func newTestDamagedStore(t *testing.T) (*DamagedStore, *fakeDesktop) {
	t.Helper()
	a := &fakeDesktop{App: test.NewTempApp(t)}
	w, err := newDamagedStore(a, &store.DamagedError{Path: damagedStorePath, Problem: store.ProblemEmpty,
		Reason: "the file is empty (0 bytes)"}, func(f func()) { f() }, func(f func()) { f() })
	if err != nil {
		t.Fatal(err)
	}
	w.win.Resize(w.win.Content().MinSize())
	return w, a
}

// TestDamagedStoreWindowSaysWhatAndWhatToDo reads the window in Dutch and
// in English: the file, the problem, that nothing was sent, both ways out
// and the buttons.
func TestDamagedStoreWindowSaysWhatAndWhatToDo(t *testing.T) {
	for _, c := range []struct {
		lang, title, heading string
		want                 []string
	}{
		{"nl_NL.UTF-8", "Koppeling — opslag beschadigd", "De opslag van Koppeling is beschadigd", []string{
			damagedStorePath, "Het bestand is leeg (0 bytes).",
			"Er is niets verstuurd naar e-Boekhouden.nl of OutSmart",
			"Zet een reservekopie van dit bestand terug",
			"sluit dit venster", "koppeling store reset", "koppeling.db.beschadigd-JJJJMMDD-UUMMSS",
			"Map openen", "Sluiten"}},
		{"en_US.UTF-8", "Koppeling — store damaged", "Koppeling's store is damaged", []string{
			damagedStorePath, "The file is empty (0 bytes).",
			"Nothing was sent to e-Boekhouden.nl or OutSmart",
			"Put back a backup of this file",
			"close this window", "koppeling store reset", "koppeling.db.beschadigd-YYYYMMDD-HHMMSS",
			"Open folder", "Close"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			w, _ := newTestDamagedStore(t)
			if got := w.win.Title(); got != c.title {
				t.Errorf("title %q, want %q", got, c.title)
			}
			if got := richText(w.win.Content()); got != c.heading {
				t.Errorf("heading %q, want %q", got, c.heading)
			}
			shown := strings.Join(texts(w.win.Content()), "\n")
			for _, s := range c.want {
				if !strings.Contains(shown, s) {
					t.Errorf("the window does not say %q:\n%s", s, shown)
				}
			}
			if f, ok := w.win.Canvas().Focused().(*dialogButton); !ok || f != w.closeButton {
				t.Errorf("focused: %T, want the close button", w.win.Canvas().Focused())
			}
		})
	}
}

// TestDamagedStoreWindowQuits closes the window every way a user can; each
// ends the app.
func TestDamagedStoreWindowQuits(t *testing.T) {
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}
	for _, c := range []struct {
		name  string
		close func(*DamagedStore)
	}{
		{"Sluiten", func(w *DamagedStore) { test.Tap(findButton(w.win.Content(), "Sluiten")) }},
		{"Enter on Sluiten", func(w *DamagedStore) { w.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }},
		{"Escape on Sluiten", func(w *DamagedStore) { w.win.Canvas().Focused().TypedKey(escape) }},
		{"Escape on Map openen", func(w *DamagedStore) {
			w.win.Canvas().Focus(w.openFolder)
			w.win.Canvas().Focused().TypedKey(escape)
		}},
		{"Escape, nothing focused", func(w *DamagedStore) {
			w.win.Canvas().Unfocus()
			w.win.Canvas().OnTypedKey()(escape)
		}},
		{"the window's close", func(w *DamagedStore) { w.win.Close() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, a := newTestDamagedStore(t)
			if a.quits != 0 {
				t.Fatalf("quit before anything was done")
			}
			c.close(w)
			if a.quits != 1 {
				t.Errorf("%d quits, want 1", a.quits)
			}
		})
	}
}

// TestDamagedStoreWindowOpensTheDataFolder taps Map openen: the folder of
// the store goes to the system's opener as a file:// URL; when that fails,
// the window says where the folder is.
func TestDamagedStoreWindowOpensTheDataFolder(t *testing.T) {
	w, a := newTestDamagedStore(t)
	test.Tap(findButton(w.win.Content(), "Map openen"))
	if len(a.opened) != 1 || a.opened[0].String() != "file:///home/anna/.config/Koppeling" {
		t.Fatalf("opened %v, want the data folder", a.opened)
	}
	if a.quits != 0 || w.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("Map openen quit (%d) or showed a message", a.quits)
	}

	a.openErr = errors.New(`exec: "xdg-open": executable file not found in $PATH`)
	test.Tap(findButton(w.win.Content(), "Map openen"))
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no message when the folder cannot be opened")
	}
	if msg := strings.Join(texts(top), " | "); !strings.Contains(msg, "/home/anna/.config/Koppeling") ||
		!strings.Contains(msg, "xdg-open") {
		t.Errorf("message %q does not name the folder and the error", msg)
	}
}

func TestFolderURL(t *testing.T) {
	for _, c := range []struct{ dir, want string }{
		{"/home/anna/.config/Koppeling", "file:///home/anna/.config/Koppeling"},
		{"/home/anna/Mijn documenten/Koppeling", "file:///home/anna/Mijn%20documenten/Koppeling"},
		{"C:/Users/Anna/AppData/Roaming/Koppeling", "file:///C:/Users/Anna/AppData/Roaming/Koppeling"},
	} {
		if got := folderURL(c.dir).String(); got != c.want {
			t.Errorf("folderURL(%q) = %q, want %q", c.dir, got, c.want)
		}
	}
}

// TestProblemTexts gives every problem its own words in both languages; an
// unknown problem reads as unreadable.
func TestProblemTexts(t *testing.T) {
	for _, lang := range []string{"nl_NL.UTF-8", "en_US.UTF-8"} {
		t.Setenv("LANG", lang)
		if _, err := setUpLanguage(); err != nil {
			t.Fatal(err)
		}
		seen := map[string]store.Problem{}
		for _, p := range allProblems {
			text := damageText(&store.DamagedError{Path: damagedStorePath, Problem: p})
			if text == "" || strings.HasPrefix(text, "damaged.") {
				t.Errorf("%s: problem %d has no text: %q", lang, p, text)
			}
			if q, dup := seen[text]; dup {
				t.Errorf("%s: problems %d and %d both read %q", lang, q, p, text)
			}
			seen[text] = p
		}
		orphan := damageText(&store.DamagedError{Path: damagedStorePath, Problem: store.ProblemOrphanWAL})
		if !strings.Contains(orphan, "koppeling.db-wal") {
			t.Errorf("%s: the orphan WAL text does not name the file: %q", lang, orphan)
		}
		unknown := damageText(&store.DamagedError{Path: damagedStorePath, Problem: 99})
		if want := damageText(&store.DamagedError{Problem: store.ProblemUnreadable}); unknown != want {
			t.Errorf("%s: an unknown problem reads %q, want %q", lang, unknown, want)
		}
	}
	t.Setenv("LANG", "nl_NL.UTF-8")
	if _, err := setUpLanguage(); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedStoreWindowMatchesGolden renders the Dutch window.
func TestDamagedStoreWindowMatchesGolden(t *testing.T) {
	w, _ := newTestDamagedStore(t)
	test.AssertImageMatches(t, "damaged_store.png", w.win.Canvas().Capture())
}
