package ui

import (
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

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

	h := newHarness(t, harnessOptions{})
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
