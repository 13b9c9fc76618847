package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestEmailAndStartDateSettings: each e-mail and start date value is kept
// in its canonical form or refused with a Dutch reason, and a refused
// value changes nothing.
func TestEmailAndStartDateSettings(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		key, in string
		want    string // stored form; "" with reason set: refused
		reason  string // part of the refusal
	}{
		{KeyEmail, "ja", "true", ""},
		{KeyEmail, "misschien", "", "true of false"},
		{KeyEmailSubject, " Factuur {werkbon} voor {klant} ", "Factuur {werkbon} voor {klant}", ""},
		{KeyEmailSubject, "Werk van {werkdatum}, gefactureerd {datum}", "Werk van {werkdatum}, gefactureerd {datum}", ""},
		{KeyEmailSubject, "Factuur {factuur}", "", "pas een nummer"},
		{KeyEmailSubject, "Factuur {Factuur}", "", "pas een nummer"},
		{KeyEmailSubject, "Factuur {ordernr}", "", "onbekend veld {ordernr}; gebruik {werkbon}"},
		{KeyEmailSubject, "regel\nregel", "", "stuurteken"},
		{KeyEmailSubject, strings.Repeat("x", 256), "", "hoogstens 255"},
		{KeyEmailBody, "Beste {klant},\r\n\r\nZie bijlage.\r\n", `Beste {klant},\n\nZie bijlage.`, ""},
		{KeyEmailBody, `Beste {klant},\n\nZie bijlage.\n`, `Beste {klant},\n\nZie bijlage.`, ""},
		{KeyEmailBody, "Kolom\tkolom", "Kolom\tkolom", ""},
		{KeyEmailBody, "nummer {factuur}", "", "pas een nummer"},
		{KeyEmailBody, "{onbekend}", "", "onbekend veld"},
		{KeyEmailBody, "bel\x07", "", "stuurteken"},
		{KeyEmailFromName, "Installatiebedrijf Jansen", "Installatiebedrijf Jansen", ""},
		{KeyEmailFromName, strings.Repeat("n", 151), "", "hoogstens 150"},
		{KeyEmailFromAddress, " facturen@jansen.nl ", "facturen@jansen.nl", ""},
		{KeyEmailFromAddress, "", "", ""},
		{KeyEmailFromAddress, "Jansen <facturen@jansen.nl>", "", "één e-mailadres"},
		{KeyEmailFromAddress, "facturen@", "", "één e-mailadres"},
		{KeyEmailFromAddress, "facturen@localhost", "", "één e-mailadres"},
		{KeyEmailFromAddress, "a@b.nl, c@d.nl", "", "één e-mailadres"},
		{KeyEmailTemplate, "3   Factuur  standaard ", "3 Factuur standaard", ""},
		{KeyEmailTemplate, "7", "7", ""},
		{KeyEmailTemplate, "Factuur standaard", "", "nummer van een e-mailsjabloon"},
		{KeyEmailTemplate, "9999999999", "", "te groot"},
		{KeyEmailAttachUBL, "aan", "true", ""},
		{KeyWorkOrdersFrom, "2026-12-07", "2026-12-07", ""},
		{KeyWorkOrdersFrom, "07-12-2026", "2026-12-07", ""},
		{KeyWorkOrdersFrom, " ", "", ""},
		{KeyWorkOrdersFrom, "2026-02-30", "", "een datum als 2026-12-07"},
		{KeyWorkOrdersFrom, "7 december", "", "een datum als"},
		{KeyWorkOrdersFrom, "1999-12-31", "", "een datum als"},
	} {
		st, _ := openTemp(t)
		before, _ := st.Settings(ctx)
		err := st.SetSetting(ctx, c.key, c.in)
		after, _ := st.Settings(ctx)
		got, _ := after.Value(c.key)
		if c.reason == "" {
			if err != nil || got != c.want {
				t.Errorf("%s=%q: stored %q, %v; want %q", c.key, c.in, got, err, c.want)
			}
			continue
		}
		se := refusal(t, err)
		if se.Key != c.key || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("%s=%q: refusal %+v, want reason with %q", c.key, c.in, se, c.reason)
		}
		if after != before {
			t.Errorf("%s=%q: a refused value changed the settings", c.key, c.in)
		}
	}
}

// TestEmailSettingsDefaults: e-mail is off and there is no start date by
// default, so an existing store invoices as before; the default texts hold
// only placeholders that are filled in.
func TestEmailSettingsDefaults(t *testing.T) {
	d := DefaultSettings()
	if d.Email || d.EmailAttachUBL || d.EmailTemplateID != 0 || d.WorkOrdersFrom != "" || d.EmailFromAddress != "" {
		t.Fatalf("defaults: %+v", d)
	}
	if _, ok := d.StartDate(); ok {
		t.Error("a start date by default")
	}
	for _, text := range []string{d.EmailSubject, d.EmailBody} {
		filled := FillEmailText(text, "WB26116", "Jansen BV", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), time.Time{})
		if strings.Contains(filled, "{") || !strings.Contains(filled, "WB26116") {
			t.Errorf("default %q fills in as %q", text, filled)
		}
	}
	got := FillEmailText("{werkbon} {klant} {datum} {werkdatum}", "WB1", "Klant", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if got != "WB1 Klant 07-12-2026 01-11-2026" {
		t.Errorf("filled in: %q", got)
	}
}

// TestEmailNeedsTextOrTemplate: e-mailing without an e-mail template needs
// a subject and a message; with a template they may be empty; nothing is
// saved when refused.
func TestEmailNeedsTextOrTemplate(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		stored  map[string]string
		change  map[string]string
		wantKey string
	}{
		{"on with the default texts", nil, map[string]string{KeyEmail: "true"}, ""},
		{"clear the subject while on", map[string]string{KeyEmail: "true"}, map[string]string{KeyEmailSubject: ""}, KeyEmailSubject},
		{"clear the message while on", map[string]string{KeyEmail: "true"}, map[string]string{KeyEmailBody: ""}, KeyEmailBody},
		{"turn on with an empty message", map[string]string{KeyEmailBody: ""}, map[string]string{KeyEmail: "true"}, KeyEmail},
		{"empty texts with a template", map[string]string{KeyEmail: "true", KeyEmailTemplate: "3 Standaard"},
			map[string]string{KeyEmailSubject: "", KeyEmailBody: ""}, ""},
		{"remove the template with empty texts", map[string]string{KeyEmail: "true", KeyEmailTemplate: "3", KeyEmailBody: ""},
			map[string]string{KeyEmailTemplate: ""}, KeyEmailTemplate},
		{"empty texts while off", nil, map[string]string{KeyEmailSubject: "", KeyEmailBody: ""}, ""},
	} {
		st, _ := openTemp(t)
		if c.stored != nil {
			if err := st.SetSettings(ctx, c.stored); err != nil {
				t.Fatalf("%s: stored: %v", c.name, err)
			}
		}
		before, _ := st.Settings(ctx)
		err := st.SetSettings(ctx, c.change)
		after, _ := st.Settings(ctx)
		if c.wantKey == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		se := refusal(t, err)
		if se.Key != c.wantKey || se.Rule != RuleEmailText || !strings.Contains(se.Reason, "e-mailsjabloon") {
			t.Errorf("%s: refusal %+v", c.name, se)
		}
		if after != before {
			t.Errorf("%s: a refused change was saved", c.name)
		}
	}
}

// TestEmailBodyLines: the message keeps its line ends in Settings and
// writes them as \n in its text form, one KEY=VALUE line.
func TestEmailBodyLines(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	if err := st.SetSetting(ctx, KeyEmailBody, "Beste {klant},\n\nGroet"); err != nil {
		t.Fatal(err)
	}
	s, _ := st.Settings(ctx)
	text, _ := s.Value(KeyEmailBody)
	if s.EmailBody != "Beste {klant},\n\nGroet" || text != `Beste {klant},\n\nGroet` {
		t.Fatalf("message %q, text form %q", s.EmailBody, text)
	}
	if d, _ := DefaultSettings().Value(KeyEmailBody); strings.Contains(d, "\n") {
		t.Errorf("the default's text form has a line end: %q", d)
	}
}

// TestSetWorkOrdersFrom: the helper for a new link stores the calendar day.
func TestSetWorkOrdersFrom(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	ams := time.FixedZone("CET", 3600)
	if err := st.SetWorkOrdersFrom(ctx, time.Date(2026, 12, 7, 0, 30, 0, 0, ams)); err != nil {
		t.Fatal(err)
	}
	s, _ := st.Settings(ctx)
	day, ok := s.StartDate()
	if !ok || s.WorkOrdersFrom != "2026-12-07" || !day.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("start date %q %v %v", s.WorkOrdersFrom, day, ok)
	}
	if err := st.SetWorkOrdersFrom(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if s, _ = st.Settings(ctx); s.WorkOrdersFrom != "" {
		t.Fatalf("not cleared: %q", s.WorkOrdersFrom)
	}
}
