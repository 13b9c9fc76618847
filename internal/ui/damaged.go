package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/store"
)

// This file owns the window the desktop app shows instead of itself when its
// store is damaged: started from the Start menu or at login there is no
// terminal to print to, so the user would otherwise see nothing at all. The
// window says which file, what is wrong with it, that nothing was sent, and
// the two ways out; closing it ends the app. Nothing else runs meanwhile.

// DamagedStore is the window about a damaged store. Its fields are used on
// the UI thread only.
type DamagedStore struct {
	app    fyne.App
	win    fyne.Window
	damage *store.DamagedError

	// onMain runs a function on the UI thread, async off it (as in UI).
	onMain func(func())
	async  func(func())

	closeButton *dialogButton
	openFolder  *dialogButton
}

// NewDamagedStore creates the Fyne application and the window about d. Call
// Run to show it.
func NewDamagedStore(d *store.DamagedError) (*DamagedStore, error) {
	return newDamagedStore(app.NewWithID(AppID), d, fyne.Do, func(f func()) { go f() })
}

// newDamagedStore is NewDamagedStore on the app a, with the functions that
// run work on the UI thread and off it.
func newDamagedStore(a fyne.App, d *store.DamagedError, onMain, async func(func())) (*DamagedStore, error) {
	if _, err := setUpLanguage(); err != nil {
		return nil, fmt.Errorf("set up the window's language: %w", err)
	}
	a.Settings().SetTheme(koppelingTheme{theme.DefaultTheme()})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.WindowIcon()))
	w := &DamagedStore{app: a, damage: d, onMain: onMain, async: async}
	w.win = a.NewWindow(tr("damaged.window"))
	w.build()
	// Every way out ends the app: Sluiten, Escape and the window's own close.
	w.win.SetOnClosed(a.Quit)
	w.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			w.win.Close()
		}
	})
	w.win.Canvas().Focus(w.closeButton)
	return w, nil
}

// build lays out the window.
func (w *DamagedStore) build() {
	d := w.damage
	wrap := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	path := widget.NewLabel(d.Path)
	path.Wrapping = fyne.TextWrapBreak
	path.Selectable = true
	command := widget.NewLabelWithStyle("koppeling store reset", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	command.Selectable = true
	backup := filepath.Base(d.Path) + store.BackupInfix + tr("damaged.stamp")

	facts := container.New(layout.NewFormLayout(),
		formLabel(tr("damaged.file")), path,
		formLabel(tr("damaged.problem")), wrap(damageText(d)),
	)
	warning := widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon()))
	body := container.NewVBox(
		container.NewBorder(nil, nil, warning, nil, title(tr("damaged.heading"))),
		wrap(tr("damaged.intro")),
		facts,
		wrap(tr("damaged.nothingsent")),
		heading(tr("damaged.whattodo")),
		wrap(tr("damaged.restore")),
		wrap(tr("damaged.reset")),
		container.NewPadded(command),
		wrap(tr("damaged.reset.keeps", map[string]any{"Backup": backup})),
	)

	w.closeButton = w.button(tr("damaged.close"), w.win.Close)
	w.closeButton.Importance = widget.HighImportance
	w.openFolder = w.button(tr("damaged.openfolder"), w.openDataFolder)
	buttons := container.NewHBox(layout.NewSpacer(), w.openFolder, w.closeButton)

	w.win.SetContent(container.NewPadded(container.NewBorder(nil, buttons, nil, nil,
		container.New(&minWidth{width: 600}, body))))
}

// button is a button that also answers Enter, and Escape (which closes the
// window).
func (w *DamagedStore) button(label string, tapped func()) *dialogButton {
	b := &dialogButton{escape: w.win.Close}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// damageText is the user's words for what is wrong with the store file.
func damageText(d *store.DamagedError) string {
	return tr(problemKey(d.Problem), map[string]any{"File": filepath.Base(d.Path)})
}

// problemKey is the translation key of a problem (store owns the mapping);
// an unknown one reads as unreadable.
func problemKey(p store.Problem) string { return p.Key() }

// dataFolder is the folder that holds the store file (and, for a missing
// one, its leftover write-ahead log).
func (w *DamagedStore) dataFolder() string { return filepath.Dir(w.damage.Path) }

// openDataFolder shows the data folder in the system's file manager (off
// the UI thread: on Windows and macOS OpenURL waits for the opener), and
// says so when that is not possible.
func (w *DamagedStore) openDataFolder() {
	dir := w.dataFolder()
	w.async(func() {
		if err := w.app.OpenURL(folderURL(dir)); err != nil {
			w.onMain(func() {
				showMessage(w.win, tr("damaged.openfolder"),
					tr("damaged.openfolder.failed", map[string]any{"Folder": dir, "Error": err.Error()}))
			})
		}
	})
}

// folderURL is the file:// URL of a local folder, which the system's opener
// (xdg-open, open, the Windows shell) shows in the file manager. A Windows
// path gets the slash before its drive letter: file:///C:/Users/...
func folderURL(dir string) *url.URL {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

// Show brings the window to the front; it may be called from any goroutine
// (a second start of the app asks for it).
func (w *DamagedStore) Show() {
	w.onMain(func() {
		w.win.Show()
		w.win.RequestFocus()
	})
}

// Run shows the window and runs the app until the window closes.
func (w *DamagedStore) Run() {
	w.win.CenterOnScreen()
	w.win.Show()
	w.app.Run()
}
