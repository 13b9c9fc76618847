package cliinit

import (
	"os"
	"testing"
)

func TestIsCommand(t *testing.T) {
	for _, a := range []string{"sync", "settings", "log", "login", "store", "sandbox", "version", "--help"} {
		if !IsCommand(a) {
			t.Errorf("%q is a command", a)
		}
	}
	for _, a := range []string{"", "--demo", "--tray", "-tray", "syncs"} {
		if IsCommand(a) {
			t.Errorf("%q is not a command", a)
		}
	}
}

func TestRestorePutsTheLocaleBack(t *testing.T) {
	t.Setenv(localeVar, "nl_NL.UTF-8")
	saved, savedSet, active = "nl_NL.UTF-8", true, true
	os.Setenv(localeVar, "C")
	Restore()
	if got := os.Getenv(localeVar); got != "nl_NL.UTF-8" {
		t.Fatalf("LC_ALL after Restore = %q", got)
	}
	os.Setenv(localeVar, "changed later")
	Restore() // a second call does nothing
	if got := os.Getenv(localeVar); got != "changed later" {
		t.Fatalf("second Restore changed LC_ALL to %q", got)
	}

	saved, savedSet, active = "", false, true
	Restore()
	if _, ok := os.LookupEnv(localeVar); ok {
		t.Fatal("LC_ALL was unset at start and is set after Restore")
	}
}
