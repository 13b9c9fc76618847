package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestCutFontMeasuresAsFynesOwn checks that text set in the window's cut
// fonts (koppelingTheme) takes exactly the room it takes in Fyne's own, in
// every style: Dutch and English text, which the cut fonts cover, and runes
// they lack (Greek, Cyrillic, Polish), for which Fyne's full font is loaded
// when first needed.
func TestCutFontMeasuresAsFynesOwn(t *testing.T) {
	a := test.NewTempApp(t)
	texts := []string{"Factuur € 1.234,56 — “geïmporteerd” café", "Relatie Ελλάδα Москва Łódź"}
	styles := []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}}
	measure := func(th fyne.Theme) []fyne.Size {
		a.Settings().SetTheme(th)
		var sizes []fyne.Size
		for _, s := range styles {
			for _, text := range texts {
				sizes = append(sizes, fyne.MeasureText(text, theme.TextSize(), s))
			}
		}
		return sizes
	}
	want := measure(theme.DefaultTheme())
	got := measure(koppelingTheme{theme.DefaultTheme()})
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%q in style %+v: %v, Fyne's font %v", texts[i%len(texts)], styles[i/len(texts)], got[i], want[i])
		}
	}
}
