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

func TestCommandArgSkipsTheLinkSelection(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--once"}, "sync"},
		{[]string{"--link", "De Vries", "sync"}, "sync"},
		{[]string{"--link=De Vries", "links"}, "links"},
		{[]string{"-link", "A", "--link", "B", "log"}, "log"},
		{[]string{"--link", "A"}, ""},
		{[]string{"--link"}, ""},
		{[]string{"--link", "A", "--tray"}, "--tray"},
		{nil, ""},
	} {
		if got := CommandArg(c.args); got != c.want {
			t.Errorf("CommandArg(%q) = %q, want %q", c.args, got, c.want)
		}
	}
	if !IsCommand("links") {
		t.Error("links is a command")
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

func TestQuietCLocale(t *testing.T) {
	vars := append([]string{"LANG", "LANGUAGE"}, categories...)
	vars = append(vars, localeVar)
	for _, c := range []struct {
		name    string
		env     map[string]string
		changed bool
		want    map[string]string // after; "-" is unset
	}{
		{"LANG=C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, true,
			map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "C", "LC_CTYPE": "-", localeVar: "-"}},
		{"LANG=POSIX.utf8", map[string]string{"LANG": "POSIX.utf8"}, true,
			map[string]string{"LANG": "POSIX.utf8", "LC_MESSAGES": "C"}},
		{"LC_MESSAGES=C@euro", map[string]string{"LANG": "nl_NL.UTF-8", "LC_MESSAGES": "C@euro"}, true,
			map[string]string{"LANG": "nl_NL.UTF-8", "LC_MESSAGES": "C"}},
		{"LC_ALL=C.UTF-8", map[string]string{"LC_ALL": "C.UTF-8", "LC_TIME": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, true,
			map[string]string{localeVar: "-", "LC_MESSAGES": "C", "LC_CTYPE": "C.UTF-8", "LC_TIME": "C.UTF-8",
				"LC_NUMERIC": "C.UTF-8", "LANG": "en_US.UTF-8"}},
		{"bare C", map[string]string{"LANG": "C"}, false, map[string]string{"LANG": "C", "LC_MESSAGES": "-"}},
		{"POSIX", map[string]string{"LC_ALL": "POSIX"}, false, map[string]string{localeVar: "POSIX", "LC_MESSAGES": "-"}},
		{"Dutch", map[string]string{"LANG": "nl_NL.UTF-8"}, false, map[string]string{"LANG": "nl_NL.UTF-8", "LC_MESSAGES": "-"}},
		{"English over C", map[string]string{"LANG": "C.UTF-8", "LC_ALL": "en_GB.UTF-8"}, false,
			map[string]string{localeVar: "en_GB.UTF-8", "LC_MESSAGES": "-"}},
		{"LANGUAGE", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "en_US:nl"}, false,
			map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "-"}},
		{"nothing", map[string]string{}, false, map[string]string{"LANG": "-", "LC_MESSAGES": "-"}},
		{"Catalan is not C", map[string]string{"LANG": "ca_ES.UTF-8"}, false, map[string]string{"LC_MESSAGES": "-"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range vars {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			for k, v := range c.env {
				os.Setenv(k, v)
			}
			if got := QuietCLocale(); got != c.changed {
				t.Errorf("QuietCLocale() = %v, want %v", got, c.changed)
			}
			for k, want := range c.want {
				got, set := os.LookupEnv(k)
				if !set {
					got = "-"
				}
				if got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
