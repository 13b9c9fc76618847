package ui

import "fyne.io/systray"

// systemTrayTooltip sets the tooltip of the real tray icon. Fyne has no
// call for it; fyne.io/systray is what Fyne's tray is built on, and keeps
// the text for when the icon registers.
func systemTrayTooltip(text string) { systray.SetTooltip(text) }

// systemTrayTapped sets what a click on the real tray icon does. Fyne's
// SetSystemTrayWindow makes it call the window's Show on the goroutine
// that received the click (fyne.io/systray's D-Bus handler on Linux); with
// migrated_fynedo Fyne then runs Show right there, off the main thread, and
// the window is mapped but painted by the wrong thread: black, until
// something repaints it, and the next click can hang. So the tray's click
// goes through fyne.Do like every other change from a goroutine.
func systemTrayTapped(f func()) { systray.SetOnTapped(f) }
