package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
)

// showHelp opens the built-in help in the window's language (one help
// window; asking again raises it).
func (u *UI) showHelp() {
	if u.help != nil {
		u.help.Show()
		u.help.RequestFocus()
		return
	}
	text, err := assets.Help(string(u.lang))
	if err != nil {
		showMessage(u.win, tr("help.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
		return
	}
	w := u.app.NewWindow(tr("help.title"))
	body := widget.NewRichTextFromMarkdown(string(text))
	body.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewVScroll(container.NewPadded(body)))
	w.Resize(fyne.NewSize(680, 600))
	w.SetOnClosed(func() { u.help = nil })
	u.help = w
	w.Show()
}
