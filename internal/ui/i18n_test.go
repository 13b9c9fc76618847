package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"log"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

func TestChooseLanguage(t *testing.T) {
	for _, c := range []struct {
		locales []string
		want    Language
	}{
		{nil, Dutch},                 // C / POSIX: no language set
		{[]string{"C"}, Dutch},       // C.UTF-8
		{[]string{"nl-NL"}, Dutch},   //
		{[]string{"nl-BE"}, Dutch},   //
		{[]string{"en-US"}, English}, //
		{[]string{"en-GB", "nl"}, English},
		{[]string{"de-DE"}, Dutch}, // another language: the default
		{[]string{"fr", "en"}, Dutch},
		{[]string{"C", "en-GB"}, English}, // the first one Go can read counts
	} {
		if got := chooseLanguage(c.locales); got != c.want {
			t.Errorf("chooseLanguage(%q) = %s, want %s", c.locales, got, c.want)
		}
	}
	got := registrationLocales(Dutch, []string{"de-DE", "C"})
	if want := []string{"nl", "en", "de-DE", "de"}; !slices.Equal(got, want) {
		t.Errorf("registrationLocales = %q, want %q", got, want)
	}
}

// TestLanguageSetUpIsQuietUnderTheCLocale sets up the window's language
// under the C locale's forms: nothing may reach the log (Fyne's "Error
// parsing user locale C" did, three lines per translation loaded), the
// window speaks Dutch, and Fyne's own locale lookups afterwards stay quiet
// as well.
func TestLanguageSetUpIsQuietUnderTheCLocale(t *testing.T) {
	for _, env := range []map[string]string{
		{"LANG": "C.UTF-8"}, {"LANG": "C.utf8"}, {"LC_ALL": "C.UTF-8"}, {"LANG": "POSIX"}, {"LC_MESSAGES": "C"},
	} {
		// QuietCLocale may set every LC_ category: t.Setenv restores them.
		for _, v := range []string{"LANG", "LC_ALL", "LANGUAGE", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
			"LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT",
			"LC_IDENTIFICATION"} {
			t.Setenv(v, env[v])
		}
		var logged bytes.Buffer
		log.SetOutput(&logged)
		got, err := setUpLanguage()
		lang.SystemLocale()
		log.SetOutput(os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		if got != Dutch {
			t.Errorf("%v: language %q, want Dutch", env, got)
		}
		if logged.Len() > 0 {
			t.Errorf("%v: setting up the language logged:\n%s", env, logged.String())
		}
	}
}

// TestWindowLanguageFollowsTheSystem starts the window under several system
// languages: English for English, Dutch for everything else, Fyne's own
// dialogs and the tray's Quit included.
func TestWindowLanguageFollowsTheSystem(t *testing.T) {
	for _, c := range []struct {
		lang, login, save, tray, quit, cancel string
	}{
		{"en_US.UTF-8", "Log in", "Save settings", "Synchronise now", "Quit", "Cancel"},
		{"nl_NL.UTF-8", "Inloggen", "Instellingen opslaan", "Nu synchroniseren", "Afsluiten", "Annuleren"},
		{"de_DE.UTF-8", "Inloggen", "Instellingen opslaan", "Nu synchroniseren", "Afsluiten", "Annuleren"},
		{"C.UTF-8", "Inloggen", "Instellingen opslaan", "Nu synchroniseren", "Afsluiten", "Annuleren"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			t.Setenv("LC_MESSAGES", "") // C.UTF-8 sets it to C (cliinit.QuietCLocale)
			h := newHarness(t, harnessOptions{loggedIn: true})
			u := h.u
			if got := u.tabs.Items[tabLogin].Text; got != c.login {
				t.Errorf("login tab %q, want %q", got, c.login)
			}
			if u.save.Text != c.save {
				t.Errorf("save button %q, want %q", u.save.Text, c.save)
			}
			if got := h.app.menu.Items[2].Label; got != c.tray {
				t.Errorf("tray item %q, want %q", got, c.tray)
			}
			if got := h.app.menu.Items[len(h.app.menu.Items)-1].Label; got != c.quit || got != lang.L("Quit") {
				t.Errorf("tray Quit %q (Fyne's %q), want %q", got, lang.L("Quit"), c.quit)
			}
			if got := lang.L("Cancel"); got != c.cancel {
				t.Errorf("Fyne's Cancel is %q, want %q", got, c.cancel)
			}
			test.Tap(findButton(u.win.Content(), "Help"))
			help := richText(u.help.Content())
			if wantEN := c.login == "Log in"; strings.Contains(help, "Setting up the link") != wantEN {
				t.Errorf("help in the wrong language: %.80q", help)
			}
			if c.lang == "en_US.UTF-8" {
				u.tabs.SelectIndex(tabLogin)
				u.win.Canvas().Unfocus()
				test.AssertImageMatches(t, "login_en.png", u.win.Canvas().Capture())
			}
		})
	}
}

// TestTranslationsCoverTheCode finds every key the package asks for and
// checks that both translation files have it, and that they hold no key
// nothing asks for.
func TestTranslationsCoverTheCode(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	call := regexp.MustCompile(`\btr\("([^"]+)"[,)]`)
	helpCall := regexp.MustCompile(`help\("([^"]+)", "([^"]+)"\)`)
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		for _, m := range helpCall.FindAllStringSubmatch(string(src), -1) {
			used[m[1]], used[m[2]] = true, true
		}
	}
	// Keys built at run time.
	for _, k := range []string{store.KeyTemplate, store.KeyPaymentTermDays, store.KeyWorkflowStatus,
		store.KeyDefaultVATCode, store.KeyDefaultLedger, store.KeyHoursRounding, store.KeyMaxLineAmount, store.KeyConfirmAbove,
		store.KeyIntervalMinutes, store.KeyAutostart, store.RuleTemplateRequired,
		store.KeyCostCentre, store.RuleCostCentreUnknown, store.RuleCostCentreUnchecked,
		store.KeyWorkOrdersFrom, store.KeyEmailSubject, store.KeyEmailBody, store.KeyEmailFromName, store.KeyEmailFromAddress,
		store.KeyEmailTemplate, store.RuleEmailText} {
		used["invalid."+k] = true
	}
	for _, k := range []string{"export.choices.loading", "export.choices.failed"} { // roadText
		used[k], used[k+".soap"] = true, true
	}
	for _, f := range []report.LoginField{report.FieldUsername, report.FieldSecurityCodes, report.FieldSecurityCode1,
		report.FieldSecurityCode2, report.FieldToken, report.FieldSoftwareToken, report.FieldAddress, report.FieldAPIToken,
		report.FieldAdministration} {
		used["field."+string(f)] = true
	}
	for _, r := range []store.Run{{Outcome: store.RunOK}, {Outcome: store.RunAttention}, {Outcome: store.RunFailed}} {
		used[resultKey(r)] = true
	}
	for _, p := range allProblems {
		used[problemKey(p)] = true
	}
	// The Facturen tab's columns, filter and states (invoices.go).
	for _, c := range invoiceColumns {
		used[c.key] = true
	}
	for _, k := range filterKeys {
		used[k] = true
	}
	for s := range stateRank {
		used["invoices.state."+string(s)] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys; is the scan broken?", len(used))
	}
	fyneKeys := map[string]bool{}
	for _, k := range []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error",
		"Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all",
		"Show Hidden Files", "Undo", "Yes", "file.name", "file.parent"} {
		fyneKeys[k] = true
	}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		fyneKeys[d], fyneKeys[d+".short"] = true, true
	}
	for _, l := range assets.Languages() {
		b, err := assets.Translation(l)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k := range used {
			if _, ok := m[k]; !ok {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
		for k := range m {
			if !used[k] && !fyneKeys[k] {
				t.Errorf("%s.json has %q, which nothing uses", l, k)
			}
		}
	}
}

func TestRunNotifications(t *testing.T) {
	if _, err := setUpLanguage(); err != nil { // TestMain set LANG to Dutch
		t.Fatal(err)
	}
	parked := func(n int) []store.Export {
		var out []store.Export
		for i := range n {
			out = append(out, store.Export{OrderNumber: "WB" + string(rune('1'+i)), Reason: "reden"})
		}
		return out
	}
	titles := func(res scheduler.Result, p []store.Export, notify bool) []string {
		var out []string
		notes, _ := runNotifications(res, p, notify, 0, message.Dutch)
		for _, n := range notes {
			out = append(out, n.title)
		}
		return out
	}
	ok := scheduler.Result{Summary: "samenvatting", Changed: true}
	failed := scheduler.Result{Summary: "mislukt", Err: errors.New("weg")}
	for _, c := range []struct {
		name   string
		res    scheduler.Result
		parked []store.Export
		notify bool
		want   []string
	}{
		{"changed", ok, nil, true, []string{"Synchronisatie klaar"}},
		{"changed, silenced", ok, nil, false, nil},
		{"nothing changed", scheduler.Result{Summary: "niets"}, nil, true, nil},
		{"failed, even silenced", failed, nil, false, []string{"Synchronisatie mislukt"}},
		{"two parked", scheduler.Result{}, parked(2), false, []string{"Werkbon WB1 heeft aandacht nodig", "Werkbon WB2 heeft aandacht nodig"}},
		{"many parked", ok, parked(5), true, []string{"5 werkbonnen hebben aandacht nodig", "Synchronisatie klaar"}},
	} {
		got := titles(c.res, c.parked, c.notify)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if notes, _ := runNotifications(failed, nil, true, 0, message.Dutch); notes[0].body != "mislukt" {
		t.Errorf("failed run notification says %q", notes[0].body)
	}
}

// TestDatesFollowTheLogsRule: the last run's time reads the same in the
// status line, the tray menu and the tray's tooltip as in the log's Tijd
// column: dd-mm-jjjj in Dutch, "06 Dec 2026" in English, never ISO.
func TestDatesFollowTheLogsRule(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"nl_NL.UTF-8", "06-12-2026 09:30"},
		{"en_US.UTF-8", "06 Dec 2026 09:30"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			h := newFakeHarness(t, harnessOptions{})
			u := h.u
			at := time.Date(2026, 12, 6, 9, 30, 0, 0, time.Local)
			u.lastRun = &store.Run{ID: 1, StartedAt: at.Add(-time.Minute), FinishedAt: at, Outcome: store.RunOK,
				SummaryMessage: message.T(message.KeyText, "Text", "Klaar")}
			u.updateStatus()
			if got := message.DateTime(u.messageLang(), at); got != c.want {
				t.Fatalf("the log's form is %q, want %q", got, c.want)
			}
			for what, s := range map[string]string{"status line": u.status.Text, "tray menu": u.tray.last.Label,
				"tooltip": h.app.tooltip} {
				if !strings.Contains(s, c.want) || strings.Contains(s, "2026-12-06") {
					t.Errorf("%s %q, want the time as %q", what, s, c.want)
				}
			}
		})
	}
}
