package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
)

// formEntry is an Entry that passes the window's own shortcuts (Ctrl+S and
// the like) on to the window: Fyne gives a focused Entry every shortcut, so
// without this they would not work while typing.
type formEntry struct {
	widget.Entry
	window func() fyne.Window
	ours   func(fyne.Shortcut) bool
}

func newFormEntry(window func() fyne.Window, ours func(fyne.Shortcut) bool, password bool) *formEntry {
	e := &formEntry{window: window, ours: ours}
	e.Password = password
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // one line, as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs the window's shortcuts and leaves the rest to the Entry.
func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	if _, custom := s.(*desktop.CustomShortcut); custom && e.ours(s) {
		if sh, ok := e.window().Canvas().(fyne.Shortcutable); ok {
			sh.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// errorText is an inline validation message under a field, hidden while
// empty.
type errorText struct {
	*widget.Label
}

func newErrorText() errorText {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return errorText{l}
}

func (e errorText) set(msg string) {
	e.SetText(msg)
	if msg == "" {
		e.Hide()
	} else {
		e.Show()
	}
}

// helpButton is the [?] beside a setting: it shows the setting's help text.
func helpButton(title, text string, window func() fyne.Window) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.QuestionIcon(), func() { showMessage(window(), title, text) })
	b.Importance = widget.LowImportance
	return b
}

// showMessage shows a short text in a dialog with an OK button; the text
// wraps at a readable width. OK has the keyboard focus.
func showMessage(w fyne.Window, title, text string) dialog.Dialog {
	return showChoice(w, title, text, []choice{{label: tr("OK"), primary: true}}, 0)
}

// choice is a button of a dialog; do runs after the dialog closed (nil: just
// close).
type choice struct {
	label   string
	primary bool
	do      func()
}

// showChoice shows text with a button per choice. The focused button is the
// one at index focus: Enter or space press it, Escape closes the dialog
// choosing nothing, Tab moves between the buttons.
func showChoice(w fyne.Window, title, text string, choices []choice, focus int) dialog.Dialog {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, container.New(&minWidth{width: 420}, l), w)
	buttons := make([]fyne.CanvasObject, len(choices))
	var focused *dialogButton
	for i, c := range choices {
		b := &dialogButton{escape: d.Hide}
		b.Text, b.OnTapped = c.label, func() {
			d.Hide()
			if c.do != nil {
				c.do()
			}
		}
		if c.primary {
			b.Importance = widget.HighImportance
		}
		b.ExtendBaseWidget(b)
		buttons[i] = b
		if i == focus {
			focused = b
		}
	}
	d.SetButtons(buttons)
	d.Show()
	if focused != nil {
		w.Canvas().Focus(focused)
	}
	return d
}

// dialogButton is a dialog's button that also answers Enter, and Escape
// (which closes the dialog).
type dialogButton struct {
	widget.Button
	escape func()
}

// TypedKey presses the button on Enter and closes the dialog on Escape.
func (b *dialogButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.escape()
	default:
		b.Button.TypedKey(ev)
	}
}

// minWidth lays out one object at least width wide, as tall as it needs to be
// at that width.
type minWidth struct{ width float32 }

func (m *minWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	if len(objects) == 0 {
		return fyne.Size{}
	}
	o := objects[0]
	// A wrapping label reports its height for its current width: give it the
	// width first.
	if o.Size().Width < m.width {
		o.Resize(fyne.NewSize(m.width, o.MinSize().Height))
	}
	return fyne.NewSize(max(m.width, o.MinSize().Width), o.MinSize().Height)
}

func (m *minWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.Position{})
	}
}

// title is a screen's title.
func title(text string) *widget.RichText {
	return widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyleSubHeading})
}

// heading is a bold section title.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// formLabel is the label of a field in a form layout, as widget.Form
// draws it.
func formLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

// hint is a small explanatory text.
func hint(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// koppelingTheme is Fyne's theme with the teal of the app icon as primary
// colour, and Fyne's text font cut down to the Latin scripts (assets.Font):
// the same letters, a sixth of the memory per text style. The patched Fyne
// loads its full font for a style only when a text needs a rune the cut one
// lacks (packaging/fyne-patch/README.md).
type koppelingTheme struct{ fyne.Theme }

// textFonts are the cut fonts, by bold and italic.
var textFonts = map[[2]bool]fyne.Resource{}

func init() {
	for _, s := range []struct {
		name         string
		bold, italic bool
	}{{"NotoSans-Regular.ttf", false, false}, {"NotoSans-Bold.ttf", true, false},
		{"NotoSans-Italic.ttf", false, true}, {"NotoSans-BoldItalic.ttf", true, true}} {
		textFonts[[2]bool{s.bold, s.italic}] = fyne.NewStaticResource("koppeling-"+s.name, assets.Font(s.bold, s.italic))
	}
}

func (t koppelingTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return textFonts[[2]bool{s.Bold, s.Italic}]
}

func (t koppelingTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		if v == theme.VariantDark {
			return color.NRGBA{R: 0x4f, G: 0xb3, B: 0xd6, A: 0xff}
		}
		return color.NRGBA{R: 0x1f, G: 0x6e, B: 0x8c, A: 0xff}
	}
	return t.Theme.Color(n, v)
}
