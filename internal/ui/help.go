package ui

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

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
	md, err := assets.Help(string(u.lang))
	if err != nil {
		showMessage(u.win, tr("help.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
		return
	}
	w := u.app.NewWindow(tr("help.title"))
	w.SetContent(container.NewVScroll(container.NewPadded(helpContent(md))))
	w.Resize(fyne.NewSize(680, 600))
	w.SetOnClosed(func() { u.help = nil })
	u.help = w
	w.Show()
}

// helpContent lays out the help's markdown: headings, paragraphs, and lists
// with their bullets or numbers beside the items, which wrap under
// themselves.
//
// Fyne's own markdown rendering is not used: its word wrapping breaks a
// bold or italic word that starts near the end of a line between its
// letters ("M a / terialen"), and a list right after a list item's text
// loses its first bullet. Here paragraphs are flowText, which breaks lines
// only between words.
func helpContent(md []byte) fyne.CanvasObject {
	doc := goldmark.New().Parser().Parse(text.NewReader(md))
	return container.NewVBox(helpBlocks(doc, md)...)
}

// helpBlocks lays out the block children of n.
func helpBlocks(n ast.Node, src []byte) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch b := c.(type) {
		case *ast.Heading:
			style := widget.RichTextStyleSubHeading
			if b.Level == 1 {
				style = widget.RichTextStyleHeading
			}
			var words []string
			for _, r := range inlineRuns(b, src, fyne.TextStyle{}, false) {
				words = append(words, r.text)
			}
			out = append(out, widget.NewRichText(&widget.TextSegment{Text: strings.Join(words, ""), Style: style}))
		case *ast.Paragraph, *ast.TextBlock:
			out = append(out, wordWrapped(inlineRuns(b, src, fyne.TextStyle{}, false)))
		case *ast.List:
			out = append(out, helpList(b, src)...)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var lines []string
			for i := 0; i < b.Lines().Len(); i++ {
				seg := b.Lines().At(i)
				lines = append(lines, strings.TrimRight(string(seg.Value(src)), "\n"))
			}
			l := widget.NewLabelWithStyle(strings.Join(lines, "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			out = append(out, l)
		case *ast.ThematicBreak:
			out = append(out, widget.NewSeparator())
		default:
			out = append(out, helpBlocks(c, src)...)
		}
	}
	return out
}

// helpList lays out a list: each item's marker (a bullet, or its number) in
// a column of its own, its blocks beside it.
func helpList(l *ast.List, src []byte) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	number := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "•"
		if l.IsOrdered() {
			marker = strconv.Itoa(number) + "."
			number++
		}
		// A flowText like the item's text, so that both sit on one line.
		m := wordWrapped([]run{{marker, fyne.TextStyle{Bold: l.IsOrdered()}}})
		markerCol := container.NewVBox(container.New(&minWidth{width: 32}, m))
		out = append(out, container.NewBorder(nil, nil, markerCol, nil, container.NewVBox(helpBlocks(item, src)...)))
	}
	return out
}

// run is inline text in one style.
type run struct {
	text  string
	style fyne.TextStyle
}

// inlineRuns is the text of n's inline children in their styles; line
// breaks inside a paragraph become spaces.
func inlineRuns(n ast.Node, src []byte, style fyne.TextStyle, code bool) []run {
	var out []run
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			s := string(t.Segment.Value(src))
			if code {
				out = append(out, run{s, fyne.TextStyle{Monospace: true}})
			} else {
				out = append(out, run{s, style})
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				out = append(out, run{" ", style})
			}
		case *ast.String:
			out = append(out, run{string(t.Value), style})
		case *ast.Emphasis:
			s := style
			if t.Level >= 2 {
				s.Bold = true
			} else {
				s.Italic = true
			}
			out = append(out, inlineRuns(t, src, s, code)...)
		case *ast.CodeSpan:
			out = append(out, inlineRuns(t, src, style, true)...)
		case *ast.AutoLink:
			out = append(out, run{string(t.Label(src)), style})
		default:
			out = append(out, inlineRuns(c, src, style, code)...)
		}
	}
	return out
}

// wordWrapped is a paragraph whose words flow into lines as wide as it is.
func wordWrapped(runs []run) *flowText {
	t := &flowText{}
	var word strings.Builder
	var wordStyle fyne.TextStyle
	flush := func() {
		if word.Len() > 0 {
			t.words = append(t.words, flowWord{text: word.String(), style: wordStyle})
			word.Reset()
		}
	}
	for _, r := range runs {
		for _, c := range r.text {
			if unicode.IsSpace(c) {
				flush()
				continue
			}
			if word.Len() == 0 {
				wordStyle = r.style
			}
			word.WriteRune(c)
		}
	}
	flush()
	t.ExtendBaseWidget(t)
	return t
}

// flowWord is a word of a flowText; a word takes the style of its first
// letter.
type flowWord struct {
	text  string
	style fyne.TextStyle
}

// flowText is text that wraps between words only, its words in their own
// styles. Its height follows its width.
type flowText struct {
	widget.BaseWidget
	words []flowWord
}

// String is the text, its words separated by single spaces.
func (t *flowText) String() string {
	words := make([]string, len(t.words))
	for i, w := range t.words {
		words[i] = w.text
	}
	return strings.Join(words, " ")
}

// Resize lays the words out again for a new width; the parents then see the
// new height.
func (t *flowText) Resize(s fyne.Size) {
	old := t.Size()
	t.BaseWidget.Resize(s)
	if old.Width != s.Width {
		t.Refresh()
	}
}

func (t *flowText) CreateRenderer() fyne.WidgetRenderer {
	r := &flowRenderer{t: t}
	for _, w := range t.words {
		txt := canvas.NewText(w.text, theme.Color(theme.ColorNameForeground))
		txt.TextStyle = w.style
		r.texts = append(r.texts, txt)
	}
	return r
}

type flowRenderer struct {
	t     *flowText
	texts []*canvas.Text
}

func (r *flowRenderer) Destroy() {}

func (r *flowRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(r.texts))
	for i, t := range r.texts {
		out[i] = t
	}
	return out
}

// place puts the words in lines no wider than width (a word wider than a
// line gets a line of its own) and returns the height they take; move
// false only measures.
func (r *flowRenderer) place(width float32, move bool) float32 {
	pad, vpad := theme.InnerPadding(), theme.InnerPadding()/2
	size := theme.TextSize()
	// Whole pixels: a word drawn at a fractional position looks blurred
	// and paler than its neighbours.
	whole := func(f float32) float32 { return float32(math.Ceil(float64(f))) }
	space := whole(fyne.MeasureText(" ", size, fyne.TextStyle{}).Width)
	lineHeight := whole(fyne.MeasureText("Mg", size, fyne.TextStyle{}).Height)
	x, y := pad, vpad
	for i, t := range r.texts {
		w := whole(fyne.MeasureText(t.Text, size, t.TextStyle).Width)
		if i > 0 {
			if x+space+w > width-pad && x > pad {
				x, y = pad, y+lineHeight+theme.LineSpacing()
			} else {
				x += space
			}
		}
		if move {
			t.TextSize = size
			t.Move(fyne.NewPos(x, y))
			t.Resize(fyne.NewSize(w, lineHeight))
		}
		x += w
	}
	return y + lineHeight + vpad
}

func (r *flowRenderer) Layout(s fyne.Size) { r.place(s.Width, true) }

// MinSize is as wide as the widest word and as tall as the words are at the
// current width.
func (r *flowRenderer) MinSize() fyne.Size {
	widest := float32(0)
	for _, t := range r.texts {
		widest = max(widest, fyne.MeasureText(t.Text, theme.TextSize(), t.TextStyle).Width)
	}
	width := max(r.t.Size().Width, widest+2*theme.InnerPadding())
	return fyne.NewSize(widest+2*theme.InnerPadding(), r.place(width, false))
}

func (r *flowRenderer) Refresh() {
	for _, t := range r.texts {
		t.Color = theme.Color(theme.ColorNameForeground)
		t.Refresh()
	}
	r.Layout(r.t.Size())
}
