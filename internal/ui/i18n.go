package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/cliinit"
)

// Language is a language the window speaks: "nl" or "en".
type Language string

// The languages of the window.
const (
	Dutch   Language = "nl"
	English Language = "en"
)

// chooseLanguage picks the window's language from the system's locales, most
// preferred first: English when the first one is English, Dutch otherwise
// (also when the system names none, as in the C locale).
func chooseLanguage(locales []string) Language {
	for _, l := range locales {
		tag, err := language.Parse(l)
		if err != nil {
			continue
		}
		if base, _ := tag.Base(); base.String() == "en" {
			return English
		}
		return Dutch
	}
	return Dutch
}

// registrationLocales are the locales under which the chosen translation is
// registered with Fyne's lang package. Fyne localises with the closest match
// between the system's locales and the registered ones, falling back to "en"
// when none matches; registering the chosen translation under the language
// itself, every system locale, its base language and "en" makes that match
// always land on the chosen strings, so nothing falls through to another
// language.
func registrationLocales(choice Language, system []string) []string {
	out := []string{string(choice), "en"}
	seen := map[string]bool{string(choice): true, "en": true}
	add := func(l string) {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for _, l := range system {
		tag, err := language.Parse(l)
		if err != nil {
			continue
		}
		add(tag.String())
		base, _ := tag.Base()
		add(base.String())
	}
	return out
}

// setUpLanguage chooses the window's language from the system and loads its
// translations into Fyne's lang package (for Fyne's own dialogs and menus
// too). It can run again, e.g. after the system language changed in a test.
// A C locale in a dotted form (C.UTF-8) counts as no locale, as a bare C
// does, before Fyne looks at it: otherwise Fyne logs "Error parsing user
// locale C" for every translation loaded and every locale lookup after.
func setUpLanguage() (Language, error) {
	cliinit.QuietCLocale()
	system, err := locale.GetLocales()
	if err != nil {
		system = nil // unknown: the default language
	}
	choice := chooseLanguage(system)
	data, err := assets.Translation(string(choice))
	if err != nil {
		return choice, err
	}
	for _, l := range registrationLocales(choice, system) {
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(l)); err != nil {
			return choice, fmt.Errorf("load %s translations for %s: %w", choice, l, err)
		}
	}
	return choice, nil
}

// tr translates a key of assets/translations; data fills its {{.Name}}
// fields.
func tr(key string, data ...map[string]any) string {
	if len(data) > 0 {
		return lang.X(key, key, data[0])
	}
	return lang.X(key, key)
}
