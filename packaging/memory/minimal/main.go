// Command minimal is the yardstick of packaging/memory/measure.sh: the
// smallest Fyne app with a window, one label in it. It is built exactly as
// Koppeling is (the same tags, the same patched Fyne) and measured on the
// same kind of display, so that the difference in memory is Koppeling's own.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("nl.koppeling.memory.minimal")
	w := a.NewWindow("Minimal")
	w.SetContent(widget.NewLabel("Hallo"))
	w.ShowAndRun()
}
