// Package cliinit keeps the command line free of the desktop toolkit's
// start-up noise. Fyne's lang package looks up the system locale in its
// package initialisation and logs "Fyne error: Error parsing user locale C"
// under LANG=C.UTF-8 and similar locales; the command line never uses Fyne,
// but the binary links it, so that init runs for every command.
//
// This package imports nothing but os, so Go's initialisation order (the
// first package in import-path order whose imports are all initialised goes
// first) initialises it before the log package and therefore before Fyne's
// lang package. For a command-line command it sets LC_ALL=C for the time of
// package initialisation, which makes the locale lookup find no locale and
// stay silent; main calls Restore first thing, so the command itself and any
// process it starts see the environment as it was given. The desktop app is
// left alone: its language choice (internal/ui) reads the real locale.
package cliinit

import "os"

// commands are the first arguments that start a command-line command rather
// than the desktop app.
var commands = []string{"sync", "settings", "log", "login", "store", "sandbox", "version", "--version", "-version",
	"help", "-h", "--help"}

// IsCommand reports whether arg names a command-line command (as opposed to
// the desktop app and its flags).
func IsCommand(arg string) bool {
	for _, c := range commands {
		if arg == c {
			return true
		}
	}
	return false
}

// saved is LC_ALL as the process got it; active says init replaced it.
var (
	saved     string
	savedSet  bool
	active    bool
	localeVar = "LC_ALL"
)

func init() {
	if len(os.Args) < 2 || !IsCommand(os.Args[1]) {
		return
	}
	saved, savedSet = os.LookupEnv(localeVar)
	if err := os.Setenv(localeVar, "C"); err == nil {
		active = true
	}
}

// Restore puts LC_ALL back as the process was started with. main calls it
// before anything else; calling it again does nothing.
func Restore() {
	if !active {
		return
	}
	active = false
	if savedSet {
		_ = os.Setenv(localeVar, saved)
	} else {
		_ = os.Unsetenv(localeVar)
	}
}
