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
// process it starts see the environment as it was given.
//
// The desktop app reads the real locale for its language choice
// (internal/ui), but the same lookup fails on the C locale's dotted forms
// (C.UTF-8, POSIX.UTF-8): the locale library Fyne uses treats only a bare
// "C" or "POSIX" as "no locale". QuietCLocale names the messages' locale
// plainly "C" in those cases; init does that for a desktop start, and
// internal/ui again before it loads its translations, so the desktop app's
// console stays quiet too.
package cliinit

import "os"

// commands are the first arguments that start a command-line command rather
// than the desktop app.
var commands = []string{"sync", "settings", "log", "invoices", "login", "store", "links", "sandbox", "version", "--version", "-version",
	"help", "-h", "--help"}

// CommandArg is the argument of args that names the command: the first,
// after a --link NAME or --link=NAME in front of it (the link selection may
// stand anywhere; "" when nothing is left).
func CommandArg(args []string) string {
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--link" || a == "-link":
			args = args[min(2, len(args)):]
		case len(a) >= 7 && a[:7] == "--link=" || len(a) >= 6 && a[:6] == "-link=":
			args = args[1:]
		default:
			return a
		}
	}
	return ""
}

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
	if len(os.Args) < 2 || !IsCommand(CommandArg(os.Args[1:])) {
		QuietCLocale()
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

// categories are the locale categories LC_ALL stands for.
var categories = []string{"LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
	"LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"}

// QuietCLocale makes a C locale in a dotted form (C.UTF-8, POSIX.UTF-8,
// C@euro) read as the plain C locale for the messages' language, which the
// locale lookup of Fyne (github.com/jeandeaual/go-locale) then takes as "no
// locale" instead of logging "Error parsing user locale C". That lookup
// reads the first set of LC_ALL, LC_MESSAGES and LANG (LANGUAGE only when
// that one is not C). Only the messages' category changes: with LC_ALL
// set, it is replaced by the same value for every category but
// LC_MESSAGES, so the character set C libraries use stays as it was. It
// does nothing for any other locale, for a bare C or POSIX, and when
// LANGUAGE names the languages (the lookup then reads LANGUAGE). It
// reports whether it changed the environment.
func QuietCLocale() bool {
	if os.Getenv("LANGUAGE") != "" {
		return false
	}
	name, value := "", ""
	for _, v := range []string{localeVar, "LC_MESSAGES", "LANG"} {
		if value = os.Getenv(v); value != "" {
			name = v
			break
		}
	}
	if name == "" || value == "C" || value == "POSIX" || !isCLocale(value) {
		return false
	}
	if name == localeVar {
		for _, c := range categories {
			if c != "LC_MESSAGES" {
				_ = os.Setenv(c, value)
			}
		}
		_ = os.Unsetenv(localeVar)
	}
	return os.Setenv("LC_MESSAGES", "C") == nil
}

// isCLocale reports whether a locale value names the C (or POSIX) locale,
// with or without a character set or modifier: C, C.UTF-8, POSIX@x.
func isCLocale(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' || v[i] == '@' {
			v = v[:i]
			break
		}
	}
	return v == "C" || v == "POSIX"
}
