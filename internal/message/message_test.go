package message

import (
	"strings"
	"testing"
	"time"
)

// TestEveryKeyHasBothLanguages: each message reads in Dutch and in English,
// and the two differ (a template copied untranslated is caught).
func TestEveryKeyHasBothLanguages(t *testing.T) {
	sample := Args{"Text": "x", "Code": "1034", "Name": "Bakkerij Jansen", "Number": "WB1", "Missing": "adres, postcode",
		"Relations": "2", "Invoices": "1", "OpenRelations": "2", "Cause": "@cause.locked", "CauseText": "x",
		"Problem": "@problem.hourtype.noname", "Subject": "@subject.relation", "Status": "Gereed", "Choices": "A, B",
		"KeychainCause": "@keychain.locked", "Detail": "x"}
	same := map[string]bool{KeyText: true, "cause.other": true, "attention.line": true, "keychain.other": true}
	for _, k := range Keys() {
		e := catalogue[k]
		if e.compose == nil && (strings.TrimSpace(e.nl) == "" || strings.TrimSpace(e.en) == "") {
			t.Errorf("%s: Dutch %q, English %q", k, e.nl, e.en)
			continue
		}
		nl, en := Render(Dutch, k, sample), Render(English, k, sample)
		if nl == "" || en == "" {
			t.Errorf("%s renders empty: %q / %q", k, nl, en)
		}
		if nl == en && !same[k] {
			t.Errorf("%s reads the same in both languages: %q", k, nl)
		}
		if strings.Contains(nl, "{") || strings.Contains(en, "{") {
			t.Errorf("%s leaves a placeholder: %q / %q", k, nl, en)
		}
	}
}

func TestRenderArguments(t *testing.T) {
	a := Args{"Code": "1034", "Name": "Bakkerij Jansen", "Missing": "adres, postcode"}
	if got, want := Render(Dutch, "relation.refused", a), "Relatie 1034, Bakkerij Jansen kan niet naar OutSmart: adres, postcode ontbreekt."; got != want {
		t.Errorf("nl = %q, want %q", got, want)
	}
	if got, want := Render(English, "relation.refused", a), "Relation 1034, Bakkerij Jansen cannot go to OutSmart: address, postal code missing."; got != want {
		t.Errorf("en = %q, want %q", got, want)
	}
	nested := Args{"Code": "U1", "Name": "Uur", "Problem": "@problem.hourtype.noname"}
	if got := Render(English, "hourtype.refused", nested); got != "Hour type U1, Uur cannot go to OutSmart: the description is missing." {
		t.Errorf("nested = %q", got)
	}
	if got := Render(Dutch, "unknown.key", Args{"Text": "oude regel"}); got != "oude regel" {
		t.Errorf("unknown key with text = %q", got)
	}
	if got := Render(English, KeyText, Args{"Text": "Nederlandse regel"}); got != "Nederlandse regel" {
		t.Errorf("text = %q", got)
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 12, 6, 14, 5, 0, 0, time.UTC)
	if got := Date(Dutch, d); got != "06-12-2026" {
		t.Errorf("nl date = %q", got)
	}
	if got := Date(English, d); got != "06 Dec 2026" {
		t.Errorf("en date = %q", got)
	}
	if got := DateTime(English, d); got != "06 Dec 2026 14:05" {
		t.Errorf("en datetime = %q", got)
	}
	catalogue["test.date"] = entry{nl: "op {InvoiceDate}", en: "on {InvoiceDate}"}
	defer delete(catalogue, "test.date")
	if got := Render(English, "test.date", Args{"InvoiceDate": "2026-12-06"}); got != "on 06 Dec 2026" {
		t.Errorf("date argument = %q", got)
	}
	if got := Render(Dutch, "test.date", Args{"InvoiceDate": "2026-12-06"}); got != "op 06-12-2026" {
		t.Errorf("date argument = %q", got)
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		name   string
		a      Args
		nl, en string
	}{
		{"nothing", Args{}, "Alles was al bijgewerkt", "Everything was up to date"},
		{"work and open", Args{"Relations": "4", "Materials": "1", "Invoices": "3", "OpenRelations": "2"},
			"4 relaties, 1 materiaal gesynchroniseerd; 3 facturen aangemaakt; 2 relaties kunnen niet naar OutSmart",
			"4 relations, 1 material synchronised; 3 invoices created; 2 relations cannot go to OutSmart"},
		{"only still open", Args{"OpenRelations": "2", "OpenWorkOrders": "1"},
			"Alles was al bijgewerkt; 1 werkbon heeft aandacht nodig; 2 relaties kunnen niet naar OutSmart",
			"Everything was up to date; 1 work order needs attention; 2 relations cannot go to OutSmart"},
		{"failed", Args{"Failed": "1", "Cause": "@cause.locked"},
			"Synchronisatie afgebroken: er loopt al een synchronisatie",
			"Synchronisation stopped: a synchronisation is already running"},
		{"failed after work", Args{"Failed": "1", "Cause": "@cause.other", "CauseText": "boem", "Invoices": "1", "OpenLogin": "1"},
			"Synchronisatie afgebroken: boem (1 factuur aangemaakt; 1 dienst weigert de inloggegevens)",
			"Synchronisation stopped: boem (1 invoice created; 1 service refuses the login details)"},
	} {
		if got := Render(Dutch, KeySummary, c.a); got != c.nl {
			t.Errorf("%s nl = %q, want %q", c.name, got, c.nl)
		}
		if got := Render(English, KeySummary, c.a); got != c.en {
			t.Errorf("%s en = %q, want %q", c.name, got, c.en)
		}
	}
}

func TestArgsRoundTrip(t *testing.T) {
	a := Args{"Code": "1034", "Name": "Bakkerij \"Jansen\""}
	got := DecodeArgs(EncodeArgs(a))
	if len(got) != 2 || got["Name"] != a["Name"] {
		t.Errorf("round trip = %v", got)
	}
	if EncodeArgs(nil) != "" || DecodeArgs("") != nil || DecodeArgs("{kapot") != nil {
		t.Error("empty or damaged arguments are not none")
	}
}

func TestFromEnvironment(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, Dutch},
		{map[string]string{"LANG": "C.UTF-8"}, Dutch},
		{map[string]string{"LANG": "en_GB.UTF-8"}, English},
		{map[string]string{"LANG": "nl_NL.UTF-8"}, Dutch},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "nl_NL.UTF-8"}, Dutch},
		{map[string]string{"LANG": "nl_NL.UTF-8", "LC_MESSAGES": "en"}, English},
		{map[string]string{"LANG": "de_DE.UTF-8"}, Dutch},
	} {
		if got := FromEnvironment(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
	}
}

func TestProgressReadsAsABookkeeperWritesNumbers(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		args Args
		want string
	}{
		{Dutch, Args{"Kind": "relations", "Read": "6000", "About": "15000"}, "Relaties ophalen: 6.000 van ongeveer 15.000"},
		{English, Args{"Kind": "relations", "Read": "6000", "About": "15000"}, "Reading relations: 6,000 of about 15,000"},
		{Dutch, Args{"Kind": "products", "Read": "1250000"}, "Producten ophalen: 1.250.000 gelezen"},
		{English, Args{"Kind": "products", "Read": "999", "About": "0"}, "Reading products: 999 read"},
	} {
		if got := Render(c.lang, KeyProgress, c.args); got != c.want {
			t.Errorf("%v %v: %q, want %q", c.lang, c.args, got, c.want)
		}
	}
	if got := Number(Dutch, -1234); got != "-1.234" {
		t.Errorf("Number(-1234) = %q", got)
	}
}

func TestSummaryCountsAreGrouped(t *testing.T) {
	a := Args{"Relations": "15035", "Materials": "10021", "HourTypes": "1"}
	if got, want := Render(Dutch, KeySummary, a), "15.035 relaties, 10.021 materialen, 1 uursoort gesynchroniseerd"; got != want {
		t.Errorf("nl: %q, want %q", got, want)
	}
	if got, want := Render(English, KeySummary, a), "15,035 relations, 10,021 materials, 1 hour type synchronised"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
}
