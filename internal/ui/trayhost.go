package ui

import "fyne.io/systray"

// systemTrayTooltip sets the tooltip of the real tray icon. Fyne has no
// call for it; fyne.io/systray is what Fyne's tray is built on, and keeps
// the text for when the icon registers.
func systemTrayTooltip(text string) { systray.SetTooltip(text) }
