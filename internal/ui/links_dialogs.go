package ui

// This file owns the dialogs of the links bar (issue 18): Koppeling
// toevoegen and Hernoemen ask a name and say under the field why a name
// cannot be had; Verwijderen asks, names the link and keeps its data unless
// the user ticks that they go too; Pauzeren/Hervatten acts on the selected
// link.

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// linkMenu is the menu of the bar's Beheren button: it acts on the
// selected link.
func (u *UI) linkMenu() *fyne.Menu {
	info, _ := u.links.info(u.links.selectedID())
	return fyne.NewMenu("",
		fyne.NewMenuItem(tr("links.add.item"), u.askAddLink),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("links.rename"), u.askRenameLink),
		fyne.NewMenuItem(pauseLabel(info.Paused), u.togglePauseLink),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("links.remove"), u.askRemoveLink),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("links.help.item"), func() { showMessage(u.win, tr("links.help.title"), tr("links.help")) }),
	)
}

// nameErrorText is why a link name was refused, in the window's language;
// another error is said as it is.
func nameErrorText(err error) string {
	var ne *LinkNameError
	if !errors.As(err, &ne) {
		return tr("error.generic", map[string]any{"Error": err.Error()})
	}
	switch ne.Key {
	case "link.name.empty":
		return tr("links.name.empty")
	case "link.name.long":
		return tr("links.name.long")
	case "link.name.taken":
		return tr("links.name.taken", map[string]any{"Name": ne.Name})
	}
	return ne.Text
}

// askName asks a link's name in a dialog with the field, its [?] and a
// message under it. do runs off the UI thread with the name; a refusal
// (its error) is shown under the field and the dialog stays, success
// (nil) closes it and runs done on the UI thread.
func (u *UI) askName(title, initial, confirm string, do func(name string) error, done func()) dialog.Dialog {
	name := u.newEntry(false)
	name.SetText(initial)
	problem := newErrorText()
	field := container.NewBorder(nil, nil, nil, helpButton(tr("links.name"), tr("links.name.help"), u.window), name)
	label := widget.NewLabelWithStyle(tr("links.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	form := container.NewVBox(label, field, problem.Label)
	d := dialog.NewCustomWithoutButtons(title, container.New(&minWidth{width: 420}, form), u.win)
	var ok *widget.Button
	submit := func() {
		text := name.Text
		ok.Disable()
		u.async(func() {
			err := do(text)
			u.onMain(func() {
				ok.Enable()
				if err != nil {
					problem.set(nameErrorText(err))
					u.win.Canvas().Focus(name)
					return
				}
				d.Hide()
				done()
			})
		})
	}
	ok = widget.NewButton(confirm, submit)
	ok.Importance = widget.HighImportance
	name.OnSubmitted = func(string) { submit() }
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(tr("unsaved.cancel"), d.Hide), ok})
	d.Show()
	u.win.Canvas().Focus(name)
	return d
}

// askAddLink is Koppeling toevoegen: it asks a name and, when the link is
// made, selects it on its Inloggen tab.
func (u *UI) askAddLink() {
	var added LinkInfo
	u.askName(tr("links.add.title"), "", tr("links.add.confirm"), func(name string) error {
		var err error
		added, err = u.links.set.Add(u.ctx, name)
		return err
	}, func() {
		u.reloadLinks(func() {
			u.selectLinkThen(added.ID, func() { u.tabs.SelectIndex(tabLogin) })
		})
	})
}

// askRenameLink gives the selected link another name.
func (u *UI) askRenameLink() {
	info, _ := u.links.info(u.links.selectedID())
	u.askName(tr("links.rename.title", map[string]any{"Name": info.Name}), info.Name, tr("links.rename.confirm"),
		func(name string) error { return u.links.set.Rename(u.ctx, info.ID, name) },
		func() { u.reloadLinks(nil) })
}

// togglePauseLink pauses or resumes the selected link's automatic runs;
// its scheduler's event updates the bar.
func (u *UI) togglePauseLink() {
	u.togglePause()
}

// askRemoveLink asks whether to remove the selected link, naming it, and
// removes it: its data stay unless the user ticks that they go too. The
// last link cannot be removed from the window (Koppeling would have no
// link to show): the window says so.
func (u *UI) askRemoveLink() {
	info, _ := u.links.info(u.links.selectedID())
	if len(u.links.infos) < 2 {
		showMessage(u.win, tr("links.remove.title", map[string]any{"Name": info.Name}), tr("links.remove.last"))
		return
	}
	body := widget.NewLabel(tr("links.remove.body", map[string]any{"Name": info.Name}))
	body.Wrapping = fyne.TextWrapWord
	purge := widget.NewCheck(tr("links.remove.purge"), nil)
	content := container.New(&minWidth{width: 420}, container.NewVBox(body, purge))
	d := dialog.NewCustomWithoutButtons(tr("links.remove.title", map[string]any{"Name": info.Name}), content, u.win)
	remove := widget.NewButton(tr("links.remove.confirm"), func() {
		d.Hide()
		u.removeLink(info, purge.Checked)
	})
	remove.Importance = widget.DangerImportance
	cancel := widget.NewButton(tr("unsaved.cancel"), d.Hide)
	d.SetButtons([]fyne.CanvasObject{cancel, remove})
	d.Show()
	u.win.Canvas().Focus(cancel)
}

// removeLink removes the link and shows the first one left; unsaved
// changes of the removed link go with it.
func (u *UI) removeLink(info LinkInfo, purge bool) {
	set := u.links.set
	u.async(func() {
		err := set.Remove(u.ctx, info.ID, purge)
		u.onMain(func() {
			if err != nil {
				showMessage(u.win, tr("links.remove.title", map[string]any{"Name": info.Name}),
					tr("error.generic", map[string]any{"Error": err.Error()}))
				return
			}
			delete(u.links.notes, info.ID)
			u.reloadLinks(func() {
				for _, i := range u.links.infos {
					if i.Problem == "" {
						u.openLink(i.ID, nil)
						return
					}
				}
			})
		})
	})
}
