package ui

import (
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/koppeling/koppeling/internal/scheduler"
)

// releasingDriver is the test driver with the method the patched Fyne
// driver adds (packaging/fyne-patch/koppeling_memory.go.patched), counted.
type releasingDriver struct {
	fyne.Driver
	releases int
}

func (d *releasingDriver) KoppelingReleaseCaches() { d.releases++ }

// releasingApp is the test app with that driver.
type releasingApp struct {
	*fakeDesktop
	driver *releasingDriver
}

func (a releasingApp) Driver() fyne.Driver { return a.driver }

// TestHiddenWindowGivesMemoryBack checks that closing the window into the
// tray drops Fyne's font caches and returns the heap's free memory to the
// system, that the caches stay while the window is shown, and that a run
// that ends while the window is hidden gives its memory back too.
func TestHiddenWindowGivesMemoryBack(t *testing.T) {
	var frees atomic.Int32
	orig := freeOSMemory
	freeOSMemory = func() { frees.Add(1) }
	t.Cleanup(func() { freeOSMemory = orig })

	h := newFakeHarness(t, harnessOptions{})
	u := h.u
	drv := &releasingDriver{Driver: h.app.Driver()}
	u.app = releasingApp{fakeDesktop: h.app, driver: drv}
	// waitFrees runs the UI thread's queue until memory was given back n
	// times in all (that happens off the UI thread).
	waitFrees := func(n int32) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); frees.Load() < n; {
			if f := h.q.next(); f != nil {
				f()
				continue
			}
			if time.Now().After(deadline) {
				t.Fatalf("memory given back %d times, want %d", frees.Load(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	u.showWindow(tabLog)
	u.releaseMemory()
	waitFrees(1)
	if drv.releases != 0 {
		t.Fatal("the font caches were dropped while the window is shown")
	}

	u.requestClose()
	waitFrees(2)
	if drv.releases != 1 {
		t.Fatalf("closing the window into the tray dropped the font caches %d times, want 1", drv.releases)
	}

	u.HandleEvent(scheduler.Event{Kind: scheduler.EventFinished})
	waitFrees(3)
	if drv.releases != 2 {
		t.Fatalf("a run that ended in the tray dropped the font caches %d times in all, want 2", drv.releases)
	}

	u.showWindow(-1)
	u.HandleEvent(scheduler.Event{Kind: scheduler.EventFinished})
	waitFrees(4)
	if drv.releases != 2 {
		t.Fatal("a run that ended with the window shown dropped the font caches")
	}
}

// TestTabsGetTheirContentWhenFirstSelected checks that at start only the
// tab the window opens on has its content (the others are neither laid out
// nor measured), and that every tab shows its own content, with its first
// field focused, from its first selection on: by a click, a shortcut, or the
// app (Instellingen in the tray, a refused save).
func TestTabsGetTheirContentWhenFirstSelected(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u := h.u
	want := []fyne.CanvasObject{u.login.tab, u.settings.importTab, u.settings.exportTab,
		u.settings.generalTab, u.invoices.tab, u.logView.tab}
	// holds says whether tab i's content is the form or view it shows,
	// visible or not.
	var contains func(o, target fyne.CanvasObject) bool
	contains = func(o, target fyne.CanvasObject) bool {
		switch c := o.(type) {
		case *container.Scroll:
			return contains(c.Content, target)
		case *fyne.Container:
			if c == target {
				return true
			}
			for _, child := range c.Objects {
				if contains(child, target) {
					return true
				}
			}
		}
		return o == target
	}
	holds := func(i int) bool { return contains(u.tabs.Items[i].Content, want[i]) }
	if u.tabs.SelectedIndex() != tabLogin || !holds(tabLogin) {
		t.Fatalf("the window opens on tab %d, the login form in it: %v", u.tabs.SelectedIndex(), holds(tabLogin))
	}
	for i := range want {
		if i != tabLogin && holds(i) {
			t.Errorf("tab %s has its content before it was selected", u.tabs.Items[i].Text)
		}
	}

	sc := u.win.Canvas().(fyne.Shortcutable)
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault})
	// Ctrl+5: Facturen.
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key5, Modifier: fyne.KeyModifierShortcutDefault})
	u.tabs.Select(u.tabs.Items[tabImport]) // what a click on the tab does
	u.showWindow(tabExport)
	u.tabs.SelectIndex(tabLog)
	for i := range want {
		if !holds(i) {
			t.Errorf("tab %s has no content after it was selected", u.tabs.Items[i].Text)
		}
	}
	for i, first := range []fyne.Focusable{u.login.username, u.settings.importRelations, u.settings.exportInvoices,
		u.settings.interval, u.invoices.search, u.logView.problemsOnly} {
		u.tabs.SelectIndex(i)
		if u.win.Canvas().Focused() != first {
			t.Errorf("tab %s focuses %T", u.tabs.Items[i].Text, u.win.Canvas().Focused())
		}
		if got, min := u.tabs.Items[i].Content.Size(), u.tabs.Items[i].Content.MinSize(); got.Width < min.Width {
			t.Errorf("tab %s is laid out at %v, narrower than it needs (%v)", u.tabs.Items[i].Text, got, min)
		}
	}
}
