// Package message is the catalogue of what Koppeling tells the bookkeeper
// outside the window's own labels: log lines, run summaries and the reasons
// and fixes of what needs attention. Each message is a key with arguments;
// Render turns it into Dutch or English, so a log line written while the
// window spoke Dutch reads in English once it speaks English.
//
// Arguments are plain strings, stored as they are. Three kinds are
// formatted on rendering: an argument whose name ends in "Date" holds a day
// as 2006-01-02 and reads dd-mm-jjjj in Dutch and "06 Dec 2026" in English;
// an argument whose value starts with "@" names another message, rendered
// in the same language with the same arguments; amounts are formatted by
// the caller with decimal.Euro (the same in both languages). The package
// imports no UI.
package message

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Lang is a language messages are rendered in.
type Lang string

// The languages of the catalogue. Dutch is the default.
const (
	Dutch   Lang = "nl"
	English Lang = "en"
)

// Args are a message's arguments by name.
type Args map[string]string

// Without returns a copy of a without the named arguments.
func (a Args) Without(names ...string) Args {
	out := make(Args, len(a))
	for k, v := range a {
		out[k] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

// Text is a message: a key of the catalogue and its arguments.
type Text struct {
	Key  string
	Args Args
}

// T returns the message key with its arguments given as name, value pairs.
func T(key string, pairs ...string) Text {
	a := Args{}
	for i := 0; i+1 < len(pairs); i += 2 {
		a[pairs[i]] = pairs[i+1]
	}
	return Text{Key: key, Args: a}
}

// Render returns the message in lang.
func (t Text) Render(lang Lang) string { return Render(lang, t.Key, t.Args) }

// IsZero reports whether t holds no message.
func (t Text) IsZero() bool { return t.Key == "" }

// entry is one message of the catalogue: a template per language, or a
// function that composes the text (summaries with plural forms).
type entry struct {
	nl, en  string
	compose func(lang Lang, a Args) string
}

// KeyText is the key of a message that is a ready Dutch text (argument
// "Text"), shown as it is in both languages: lines written before the
// catalogue existed, and texts of the services themselves.
const KeyText = "text"

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Keys lists the catalogue's keys, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalogue))
	for k := range catalogue {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Render returns the message key with its arguments in lang (Dutch for any
// language it does not know). An unknown key renders as its "Text"
// argument, or as the key itself: a newer version's log line still shows.
func Render(lang Lang, key string, a Args) string {
	return render(lang, key, a, 0)
}

func render(lang Lang, key string, a Args, depth int) string {
	e, ok := catalogue[key]
	if !ok {
		if t := a["Text"]; t != "" {
			return t
		}
		return key
	}
	if e.compose != nil {
		return e.compose(lang, a)
	}
	tmpl := e.nl
	if lang == English && e.en != "" {
		tmpl = e.en
	}
	return fill(lang, tmpl, a, depth)
}

// fill replaces each {Name} in tmpl by its argument.
func fill(lang Lang, tmpl string, a Args, depth int) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:open])
		name := tmpl[open+1 : open+end]
		b.WriteString(arg(lang, name, a, depth))
		tmpl = tmpl[open+end+1:]
	}
}

// arg is one argument formatted for lang.
func arg(lang Lang, name string, a Args, depth int) string {
	v := a[name]
	switch {
	case strings.HasPrefix(v, "@") && depth < 4:
		return render(lang, v[1:], a, depth+1)
	case strings.HasSuffix(name, "Date"):
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return Date(lang, d)
		}
	}
	return v
}

// Date is a day as the bookkeeper reads it: 06-12-2026 in Dutch; in
// English "06 Dec 2026", which no reader can take for 12 June (an English
// system may be British or American, and the numeric forms differ).
func Date(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("02 Jan 2006")
	}
	return t.Format("02-01-2006")
}

// DateTime is a moment as the log's Tijd column shows it.
func DateTime(lang Lang, t time.Time) string {
	return Date(lang, t) + " " + t.Format("15:04")
}

// EncodeArgs is the stored form of arguments (JSON; empty for none).
func EncodeArgs(a Args) string {
	if len(a) == 0 {
		return ""
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "" // a map of strings always marshals
	}
	return string(b)
}

// DecodeArgs reads arguments stored by EncodeArgs; damaged ones read as
// none.
func DecodeArgs(s string) Args {
	if s == "" {
		return nil
	}
	var a Args
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil
	}
	return a
}

// FromEnvironment is the language of the command line, chosen as the
// window chooses its own from the system: English when the locale that
// names the messages' language (LC_ALL, else LC_MESSAGES, else LANG) is
// English, Dutch otherwise (also for C and POSIX).
func FromEnvironment(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		base := strings.ToLower(v)
		if i := strings.IndexAny(base, "_.@-"); i >= 0 {
			base = base[:i]
		}
		if base == "en" {
			return English
		}
		return Dutch
	}
	return Dutch
}
