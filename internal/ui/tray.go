package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/koppeling/koppeling/assets"
)

// tray is the icon in the system tray and its menu: the last run on the
// first line, then Nu synchroniseren, Instellingen..., Logboek...,
// Pauzeren/Hervatten and Quit.
type tray struct {
	desk  desktop.App
	menu  *fyne.Menu
	last  *fyne.MenuItem
	pause *fyne.MenuItem
	icons map[assets.TrayState]fyne.Resource
	shown assets.TrayState
}

func (u *UI) newTray(desk desktop.App) *tray {
	t := &tray{desk: desk, icons: map[assets.TrayState]fyne.Resource{}}
	for _, s := range []assets.TrayState{assets.TrayIdle, assets.TraySyncing, assets.TrayProblem} {
		if b, err := assets.TrayIcon(s); err == nil {
			t.icons[s] = fyne.NewStaticResource("tray-"+string(s)+".png", b)
		}
	}
	t.last = fyne.NewMenuItem("", nil)
	t.last.Disabled = true
	t.pause = fyne.NewMenuItem("", u.togglePause)
	// Labelled as Fyne labels its automatic Quit, so Fyne keeps this one (and
	// its check for unsaved changes) instead of adding its own.
	quit := fyne.NewMenuItem(tr("Quit"), u.quit)
	quit.IsQuit = true
	t.menu = fyne.NewMenu(tr("app.title"),
		t.last,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("tray.sync"), func() { u.b.SyncNow() }),
		fyne.NewMenuItem(tr("tray.settings"), func() { u.showWindow(u.settingsTab()) }),
		fyne.NewMenuItem(tr("tray.log"), func() { u.showWindow(tabLog) }),
		t.pause,
		fyne.NewMenuItemSeparator(),
		quit,
	)
	desk.SetSystemTrayWindow(u.win)
	return t
}

// update shows the state of the runs in the menu and the icon.
func (t *tray) update(u *UI) {
	t.last.Label = u.runText()
	t.pause.Label = tr("tray.pause")
	if u.paused {
		t.pause.Label = tr("tray.resume")
	}
	t.desk.SetSystemTrayMenu(t.menu)
	if s := u.trayState(); s != t.shown && t.icons[s] != nil {
		t.desk.SetSystemTrayIcon(t.icons[s])
		t.shown = s
	}
}

// settingsTab is where Instellingen... opens: Inloggen until both logins
// are filled in, Import instellingen after.
func (u *UI) settingsTab() int {
	if u.savedCreds.EBoekhoudenComplete() && u.savedCreds.OutSmartComplete() {
		return tabImport
	}
	return tabLogin
}

// togglePause pauses or resumes the automatic runs; the scheduler's event
// updates the menu.
func (u *UI) togglePause() {
	paused := !u.paused
	u.async(func() {
		if err := u.b.SetPaused(u.ctx, paused); err != nil {
			u.onMain(func() {
				u.showWindow(-1)
				showMessage(u.win, tr("app.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
			})
		}
	})
}
