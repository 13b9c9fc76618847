package ui

// This file owns the tray's side of several links (issue 18). The icon
// shows the overall state: a problem when any link has one, syncing when
// any link runs, faded (paused) only when every link is paused. With
// several links the tooltip names each link with its state in one word,
// the menu's first line is the selected link's last run, and Nu
// synchroniseren is a submenu with the links' names. Pauzeren/Hervatten in
// the tray (and in the window's own menu without a tray) acts on all
// links: Pauzeren pauses every link, Hervatten, shown once all are paused,
// resumes them all; the links bar's Beheren menu pauses or resumes the
// selected link alone. With one link everything is as before.

import (
	"strings"

	"fyne.io/fyne/v2"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/store"
)

// trayView is what the tray shows: its menu's first line, its icon's state,
// whether the icon is faded, and its tooltip.
type trayView struct {
	last   string
	state  assets.TrayState
	paused bool // every link is paused
	faded  bool
	tip    string
}

// trayView is the tray's view of the selected link alone or, with
// several, of all links.
func (u *UI) trayView() trayView {
	v := trayView{last: u.runText(), state: u.trayState(), paused: u.paused, faded: u.paused && !u.running}
	if !u.links.several() {
		v.tip = tr("tray.tooltip", map[string]any{"State": v.last})
		if u.paused {
			v.tip = tr("tray.tooltip.paused", map[string]any{"State": v.last})
		}
		return v
	}
	sel := u.links.selectedID()
	anyRunning, anyProblem, allPaused := u.running, v.state == assets.TrayProblem, true
	lines := make([]string, 0, len(u.links.infos))
	for _, i := range u.links.infos {
		s := linkStateOf(i)
		if i.ID == sel {
			s = u.selectedState()
			v.last = tr("links.tray.last", map[string]any{"Name": i.Name, "State": v.last})
		}
		anyRunning = anyRunning || s == linkRunning
		anyProblem = anyProblem || s == linkProblem || s == linkAttention
		allPaused = allPaused && (i.ID == sel && u.paused || i.ID != sel && i.Paused)
		lines = append(lines, tr("links.tray.line", map[string]any{"Name": i.Name, "State": stateWord(s)}))
	}
	switch {
	case anyRunning:
		v.state = assets.TraySyncing
	case anyProblem:
		v.state = assets.TrayProblem
	default:
		v.state = assets.TrayIdle
	}
	v.paused, v.faded = allPaused, allPaused && !anyRunning
	v.tip = tr("tray.tooltip.links", map[string]any{"Links": strings.Join(lines, "\n")})
	return v
}

// selectedState is the selected link's state as the window knows it (it
// knows more recent news than the list of links: a retried item, a run
// that just started).
func (u *UI) selectedState() linkStateName {
	switch {
	case u.running:
		return linkRunning
	case u.trayState() == assets.TrayProblem && (u.lastRun == nil || u.lastRun.Outcome != store.RunAttention):
		return linkProblem
	case u.trayState() == assets.TrayProblem:
		return linkAttention
	case u.paused:
		return linkPaused
	}
	return linkIdle
}

// pausedAll says Pauzeren/Hervatten of the tray should read Hervatten:
// every link is paused (the selected link alone without a LinkSet).
func (u *UI) pausedAll() bool {
	if !u.links.several() {
		return u.paused
	}
	return u.trayView().paused
}

// syncItem is Nu synchroniseren: one item for one link, a submenu with the
// links' names for several.
func (u *UI) syncItem() *fyne.MenuItem {
	if !u.links.several() {
		return fyne.NewMenuItem(tr("tray.sync"), u.syncFromMenu)
	}
	var items []*fyne.MenuItem
	for _, i := range u.links.infos {
		id := i.ID
		items = append(items, fyne.NewMenuItem(i.Name, func() { u.syncLink(id) }))
	}
	item := fyne.NewMenuItem(tr("tray.sync"), nil)
	item.ChildMenu = fyne.NewMenu("", items...)
	return item
}

// syncLink asks the link's scheduler for a run.
func (u *UI) syncLink(id string) {
	if id == u.links.selectedID() {
		u.syncFromMenu()
		return
	}
	set := u.links.set
	u.async(func() {
		b, err := set.Backend(id)
		if err != nil {
			info, _ := u.links.info(id)
			u.onMain(func() {
				u.showWindow(-1)
				showMessage(u.win, tr("links.open.failed", map[string]any{"Name": info.Name}), err.Error())
			})
			return
		}
		b.SyncNow()
	})
}

// trayPause is the tray's Pauzeren/Hervatten: the selected link's with one
// link, all links' with several.
func (u *UI) trayPause() {
	if !u.links.several() {
		u.togglePause()
		return
	}
	paused := !u.pausedAll()
	set := u.links.set
	for _, i := range u.links.infos {
		if i.Problem != "" || (i.ID != u.links.selectedID() && i.Paused == paused) {
			continue
		}
		id := i.ID
		u.async(func() {
			b, err := set.Backend(id)
			if err == nil {
				err = b.SetPaused(u.ctx, paused)
			}
			if err != nil {
				u.onMain(func() {
					u.showWindow(-1)
					showMessage(u.win, tr("app.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
				})
			}
		})
	}
}

// linksChanged gives the tray and the window's menu the links as they are
// now (Nu synchroniseren per link) and shows the state again.
func (u *UI) linksChanged() {
	if t := u.tray; t != nil {
		for i, it := range t.menu.Items {
			if it == t.sync {
				t.sync = u.syncItem()
				t.menu.Items[i] = t.sync
			}
		}
		t.menuSet = false
	}
	if u.winPause != nil {
		u.setWindowMenu()
	}
	u.updateStatus()
}
