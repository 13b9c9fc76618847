package ui

import (
	"runtime/debug"
	"time"
)

// settleAfterStart is how long after Run the start-up's garbage (fonts
// parsed and text shaped for the first layout, the first reads of the
// store) is given back to the system.
const settleAfterStart = 10 * time.Second

// freeOSMemory runs a garbage collection and returns as much memory to the
// system as it can; tests replace it to count the calls.
var freeOSMemory = debug.FreeOSMemory

// cacheReleaser is what the patched Fyne driver adds
// (packaging/fyne-patch/koppeling_memory.go.patched); an unpatched build or
// the test driver lacks it and keeps its caches.
type cacheReleaser interface{ KoppelingReleaseCaches() }

// memoryState is what releaseMemory needs to know; used on the UI thread.
type memoryState struct {
	// shown says the window is visible (it is shown, not yet hidden again).
	shown bool
}

// hideWindow hides the window into the tray and gives back the memory it
// no longer needs.
func (u *UI) hideWindow() {
	u.win.Hide()
	u.mem.shown = false
	u.releaseMemory()
}

// releaseMemory gives the system back what the app holds but does not use:
// while the window is hidden Fyne's caches of parsed fonts and measured
// text first, then, off the UI thread, the garbage and the free pages of
// the Go heap (a tray app that idles for hours should not keep the peak of
// its start or of its last run). It runs on the UI thread.
func (u *UI) releaseMemory() {
	if r, ok := u.app.Driver().(cacheReleaser); ok && !u.mem.shown {
		r.KoppelingReleaseCaches()
	}
	u.async(freeOSMemory)
}

// releaseAfterStart gives back the start-up's garbage once it settled.
func (u *UI) releaseAfterStart() {
	time.AfterFunc(settleAfterStart, func() { u.onMain(u.releaseMemory) })
}
