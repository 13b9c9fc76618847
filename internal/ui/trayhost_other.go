//go:build !linux && !freebsd && !openbsd && !netbsd

package ui

// TrayHostPresent reports whether a system tray will show Koppeling's
// icon: Windows and macOS always have one.
func TrayHostPresent() (bool, error) { return true, nil }
