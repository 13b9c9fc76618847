package ui

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestMetadataMatchesFyneAppToml keeps the app's id and name, which every
// build gives Fyne (NewDesktop), equal to FyneApp.toml's, which the
// packages use.
func TestMetadataMatchesFyneAppToml(t *testing.T) {
	f, err := os.Open("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.HasPrefix(strings.TrimSpace(k), "#") {
			continue
		}
		if s, err := strconv.Unquote(strings.TrimSpace(v)); err == nil {
			got[strings.TrimSpace(k)] = s
		}
	}
	if got["ID"] != AppID || got["Name"] != AppName {
		t.Fatalf("FyneApp.toml has ID %q, Name %q; the app says %q, %q", got["ID"], got["Name"], AppID, AppName)
	}
}

// TestPauseShowsInTrayIconAndTooltip pauses from the tray: the icon fades
// and the tooltip says so next to the last run's state; resuming undoes
// both.
func TestPauseShowsInTrayIconAndTooltip(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{startScheduler: true, loggedIn: true})
	u := h.u
	if h.app.tooltip != "Koppeling – Nog niet gesynchroniseerd." || h.app.icon.Name() != "tray-idle.png" {
		t.Fatalf("before pausing: tooltip %q, icon %s", h.app.tooltip, h.app.icon.Name())
	}
	h.trayItem("Pauzeren").Action()
	h.pump("the pause", func() bool { return u.paused })
	if h.app.tooltip != "Koppeling – gepauzeerd. Nog niet gesynchroniseerd." || h.app.icon.Name() != "tray-idle-paused.png" {
		t.Errorf("paused: tooltip %q, icon %s", h.app.tooltip, h.app.icon.Name())
	}
	if idle, paused := h.u.tray.icons[trayIcon{state: "idle"}], h.app.icon; string(idle.Content()) == string(paused.Content()) {
		t.Error("the paused icon is the same picture as the idle one")
	}
	h.trayItem("Hervatten").Action()
	h.pump("the resume", func() bool { return !u.paused })
	if h.app.tooltip != "Koppeling – Nog niet gesynchroniseerd." || h.app.icon.Name() != "tray-idle.png" {
		t.Errorf("resumed: tooltip %q, icon %s", h.app.tooltip, h.app.icon.Name())
	}

	// After a run the tooltip tells its state.
	h.trayItem("Nu synchroniseren").Action()
	h.waitForRun(0)
	if want := "Koppeling – " + u.runText(); h.app.tooltip != want || !strings.Contains(want, "Laatste synchronisatie") {
		t.Errorf("after a run: tooltip %q, want %q", h.app.tooltip, want)
	}
}

// TestWithoutTrayTheWindowIsHome fakes a desktop without a tray host: no
// tray is set up, the window's own menu has Nu synchroniseren,
// Pauzeren/Hervatten and Afsluiten, and closing the window asks whether to
// quit or go on in the background, saying how to get back.
func TestWithoutTrayTheWindowIsHome(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{startScheduler: true, loggedIn: true, opts: Options{TrayMissing: true}})
	u := h.u
	if u.tray != nil || h.app.menu != nil || h.app.trayWindow != nil {
		t.Fatal("a tray was set up although there is none")
	}
	menu := u.win.MainMenu()
	if menu == nil || len(menu.Items) != 1 {
		t.Fatalf("window menu: %v", menu)
	}
	item := func(label string) *fyne.MenuItem {
		for _, it := range menu.Items[0].Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("no window menu item %q", label)
		return nil
	}
	if !item("Afsluiten").IsQuit {
		t.Error("Afsluiten is not the window's Quit")
	}
	item("Pauzeren").Action()
	h.pump("the pause", func() bool { return u.paused && u.winPause.Label == "Hervatten" })
	if !h.sched.Paused() {
		t.Fatal("Pauzeren in the window did not pause")
	}
	item("Hervatten").Action()
	h.pump("the resume", func() bool { return !u.paused && u.winPause.Label == "Pauzeren" })

	u.win.Show()
	u.requestClose()
	body := h.topDialogText()
	if !strings.Contains(body, "geen systeemvak") || !strings.Contains(body, "start Koppeling opnieuw") {
		t.Fatalf("closing without a tray asks %q", body)
	}
	h.tapDialogButton("Annuleren")
	if h.app.quits != 0 {
		t.Fatal("Annuleren quit")
	}
	u.requestClose()
	h.tapDialogButton("Op de achtergrond doorgaan")
	if h.app.quits != 0 || h.sched.Paused() {
		t.Fatal("going on in the background quit or paused")
	}
	if u.win.(*shownWindow).shown {
		t.Error("the window is still shown after going on in the background")
	}
	u.Show() // a second start
	h.settle()
	if !u.win.(*shownWindow).shown {
		t.Fatal("a second start did not show the window again")
	}
	u.requestClose()
	h.tapDialogButton("Afsluiten")
	if h.app.quits != 1 {
		t.Fatalf("Afsluiten: quits %d", h.app.quits)
	}
}

// TestTrayClickShowsOnTheMainThread clicks the tray icon from another
// goroutine, as the tray's D-Bus handler does: the window is shown by the
// UI thread (the harness's queue), never by the clicking goroutine, which
// painted a black window (issue #14; app TestTrayClickAlwaysPaints shows
// it on the real binary).
func TestTrayClickShowsOnTheMainThread(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	w := h.u.win.(*shownWindow)
	w.Hide()
	if h.app.tapped == nil {
		t.Fatal("no action for a click on the tray icon")
	}
	done := make(chan struct{})
	go func() { h.app.tapped(); close(done) }()
	<-done
	if w.shown {
		t.Fatal("the click showed the window on the clicking goroutine")
	}
	h.settle()
	if !w.shown {
		t.Fatal("the click did not show the window")
	}
}
