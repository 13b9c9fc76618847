package ui

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/koppeling/koppeling/assets"
)

// tray is the icon in the system tray and its menu: the last run on the
// first line, then Nu synchroniseren, Instellingen..., Logboek...,
// Pauzeren/Hervatten and Quit. The icon shows the state (a faded one while
// paused) and its tooltip says it in words.
type tray struct {
	desk  desktop.App
	menu  *fyne.Menu
	last  *fyne.MenuItem
	pause *fyne.MenuItem
	// sync is Nu synchroniseren (a submenu per link with several links).
	sync  *fyne.MenuItem
	icons map[trayIcon]fyne.Resource
	shown trayIcon
	// setTooltip sets the tray icon's tooltip (fyne.io/systray; the test
	// app records it).
	setTooltip  func(string)
	tooltipText string
	// menuSet says the system has the menu with its labels as they are;
	// the menu is given again only when one changed (a long read's
	// progress changes the first line a few times a second, and the system
	// rebuilds the whole menu each time).
	menuSet bool
}

// trayIcon is one picture of the tray: a state, faded while paused.
type trayIcon struct {
	state  assets.TrayState
	paused bool
}

// tooltipSetter is an app that sets its tray icon's tooltip itself (the
// tests' fake desktop); the real one goes through fyne.io/systray.
type tooltipSetter interface{ SetSystemTrayTooltip(string) }

// tapSetter is an app that takes the action of a click on its tray icon
// itself (the tests' fake desktop); the real one goes through
// fyne.io/systray (systemTrayTapped).
type tapSetter interface{ SetSystemTrayTapped(func()) }

func (u *UI) newTray(desk desktop.App) *tray {
	t := &tray{desk: desk, icons: map[trayIcon]fyne.Resource{}, setTooltip: systemTrayTooltip}
	if ts, ok := desk.(tooltipSetter); ok {
		t.setTooltip = ts.SetSystemTrayTooltip
	}
	for _, s := range []assets.TrayState{assets.TrayIdle, assets.TraySyncing, assets.TrayProblem} {
		b, err := assets.TrayIcon(s)
		if err != nil {
			continue
		}
		t.icons[trayIcon{state: s}] = fyne.NewStaticResource("tray-"+string(s)+".png", b)
		if faded, err := fadeIcon(b); err == nil {
			t.icons[trayIcon{state: s, paused: true}] = fyne.NewStaticResource("tray-"+string(s)+"-paused.png", faded)
		}
	}
	t.last = fyne.NewMenuItem("", nil)
	t.last.Disabled = true
	t.pause = fyne.NewMenuItem("", u.trayPause)
	t.sync = u.syncItem()
	// Labelled as Fyne labels its automatic Quit, so Fyne keeps this one (and
	// its check for unsaved changes) instead of adding its own.
	quit := fyne.NewMenuItem(tr("Quit"), u.quit)
	quit.IsQuit = true
	t.menu = fyne.NewMenu(tr("app.title"),
		t.last,
		fyne.NewMenuItemSeparator(),
		t.sync,
		fyne.NewMenuItem(tr("tray.settings"), func() { u.showWindow(u.settingsTab()) }),
		fyne.NewMenuItem(tr("tray.log"), func() { u.showWindow(tabLog) }),
		t.pause,
		fyne.NewMenuItemSeparator(),
		quit,
	)
	desk.SetSystemTrayWindow(u.win)
	// After SetSystemTrayWindow, which sets a click to show the window off
	// the main thread (see systemTrayTapped).
	tapped := func() { u.onMain(func() { u.showWindow(-1) }) }
	if ts, ok := desk.(tapSetter); ok {
		ts.SetSystemTrayTapped(tapped)
	} else {
		systemTrayTapped(tapped)
	}
	return t
}

// update shows the state of the runs in the menu, the icon and its tooltip.
func (t *tray) update(u *UI) {
	v := u.trayView() // links_tray.go
	if last, pause := v.last, pauseLabel(v.paused); !t.menuSet || last != t.last.Label || pause != t.pause.Label {
		t.last.Label, t.pause.Label = last, pause
		t.desk.SetSystemTrayMenu(t.menu)
		t.menuSet = true
	}
	if s := (trayIcon{state: v.state, paused: v.faded}); s != t.shown && t.icons[s] != nil {
		t.desk.SetSystemTrayIcon(t.icons[s])
		t.shown = s
	}
	if tip := v.tip; tip != t.tooltipText {
		t.setTooltip(tip)
		t.tooltipText = tip
	}
}

// pauseLabel is the label of the item that pauses or resumes the runs.
func pauseLabel(paused bool) string {
	if paused {
		return tr("tray.resume")
	}
	return tr("tray.pause")
}

// fadeIcon is a tray icon (PNG) as it looks while paused: most of its
// colour gone and half transparent, so that the state stays recognisable.
func fadeIcon(b []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	img := image.NewNRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	for i := 0; i+3 < len(img.Pix); i += 4 {
		r, g, bl := int(img.Pix[i]), int(img.Pix[i+1]), int(img.Pix[i+2])
		grey := (299*r + 587*g + 114*bl) / 1000
		// keep a quarter of the colour
		img.Pix[i] = uint8((3*grey + r) / 4)
		img.Pix[i+1] = uint8((3*grey + g) / 4)
		img.Pix[i+2] = uint8((3*grey + bl) / 4)
		img.Pix[i+3] = uint8(int(img.Pix[i+3]) * 55 / 100)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
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
	paused, b := !u.paused, u.b
	u.async(func() {
		if err := b.SetPaused(u.ctx, paused); err != nil {
			u.onMain(func() {
				u.showWindow(-1)
				showMessage(u.win, tr("app.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
			})
		}
	})
}
