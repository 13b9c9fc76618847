//go:build !linux && !freebsd && !openbsd && !netbsd

package ui

import "fyne.io/fyne/v2"

// platformNotifier is Fyne's: Windows toasts and macOS notifications cannot
// be given an expiry or be replaced through Fyne; the system decides how
// long they stay.
func platformNotifier(a fyne.App) notifier { return appNotifier{a} }
