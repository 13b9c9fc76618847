package eboekhouden

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// checkConsistent asserts that the server's index is what indexing its state
// afresh gives, and that its state is what a full normalization derives: the
// operations that update both incrementally must not drift from them.
func checkConsistent(t *testing.T, s *Server, now func() time.Time) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	got, want := *s.ix, *newIndex(&s.st)
	got.artPrices, want.artPrices = nil, nil // a cache, filled by reads
	// The search texts must be the same; how their corpus is laid out (what
	// changed since it was built) may differ.
	for _, ix := range []*index{&got, &want} {
		ix.relText = &textIndex{texts: ix.relText.texts}
		ix.artDesc = &textIndex{texts: ix.artDesc.texts}
		ix.artGroup = &textIndex{texts: ix.artGroup.texts}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("index out of step with the state:\n got %+v\nwant %+v", got.relByCode, want.relByCode)
	}
	incremental, full := s.st.clone(), s.st.clone()
	if err := full.normalize(now()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(incremental, full) {
		t.Errorf("state differs from its full normalization:\n got %+v\nwant %+v", incremental.OpenItems, full.OpenItems)
	}
}

func TestChangedRelationIsFoundByItsNewTextAndCodeOnly(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	now := func() time.Time { return e.clock.Now() }
	codes := func(trefwoord, code string, id int64) string {
		t.Helper()
		var out []string
		for _, r := range e.getRelaties(sid, trefwoord, code, id) {
			out = append(out, r.Code)
		}
		return strings.Join(out, ",")
	}
	if got := codes("jansen", "", 0); got != "1002" {
		t.Fatalf("test needs relation 1002 Bouwbedrijf Jansen: %q", got)
	}
	if len(e.openPosten(sid, "Debiteuren")) == 0 {
		t.Fatal("test needs open items of relation 1002")
	}

	// UpdateRelatie with a new code, name and place.
	var upd UpdateRelatieResponse
	e.call("UpdateRelatie", auth(sid)+relatieXML(4100002, "J-2002", "Zonnepaneel Zuid", "<Plaats>Vlissingen</Plaats>"), &upd)
	requireCode(t, upd.Result, "")
	checkConsistent(t, e.s, now)
	for _, c := range []struct {
		name, trefwoord, code string
		id                    int64
		want                  string
	}{
		{"new name", "ZONNEPANEEL", "", 0, "J-2002"},
		{"new place", "vlissingen", "", 0, "J-2002"},
		{"new code", "", "J-2002", 0, "J-2002"},
		{"new code as keyword", "j-2002", "", 0, "J-2002"},
		{"same ID", "", "", 4100002, "J-2002"},
		{"old code", "", "1002", 0, ""},
		{"old name", "bouwbedrijf jansen", "", 0, ""},
		{"old code and ID", "", "1002", 4100002, ""},
	} {
		if got := codes(c.trefwoord, c.code, c.id); got != c.want {
			t.Errorf("after UpdateRelatie, %s: got %q, want %q", c.name, got, c.want)
		}
	}
	// The invoices of code 1002 keep it: their open items name no relation now.
	for _, p := range e.openPosten(sid, "Debiteuren") {
		if p.RelCode == "1002" && p.RelBedrijf != "" {
			t.Errorf("open item %s still names %q", p.MutFactuur, p.RelBedrijf)
		}
	}

	// The freed code can be taken by a new relation, which then owns those
	// open items and is found by code, ID and keyword.
	var add AddRelatieResponse
	e.call("AddRelatie", auth(sid)+relatieXML(0, "1002", "Nieuwbouw Noord", "<Plaats>Emmen</Plaats>"), &add)
	requireCode(t, add.Result.ErrorMsg, "")
	checkConsistent(t, e.s, now)
	if got := codes("", "1002", 0); got != "1002" {
		t.Errorf("new relation by code: %q", got)
	}
	if got := codes("", "", add.Result.RelID); got != "1002" {
		t.Errorf("new relation by ID %d: %q", add.Result.RelID, got)
	}
	if got := codes("emmen", "", 0); got != "1002" {
		t.Errorf("new relation by keyword: %q", got)
	}
	for _, p := range e.openPosten(sid, "Debiteuren") {
		if p.RelCode == "1002" && p.RelBedrijf != "Nieuwbouw Noord" {
			t.Errorf("open item %s names %q, want the new relation", p.MutFactuur, p.RelBedrijf)
		}
	}
	// A second AddRelatie with the same code is refused, the index says so.
	e.call("AddRelatie", auth(sid)+relatieXML(0, "J-2002", "Dubbel", ""), &add)
	requireCode(t, add.Result.ErrorMsg, CodeRelationCodeInUse)

	// Update replaces the state: the index follows.
	e.s.Update(func(st *State) {
		for i := range st.Relations {
			if st.Relations[i].Code == "J-2002" {
				st.Relations[i].Code, st.Relations[i].Bedrijf = "K-3003", "Kozijnen Kampen"
			}
		}
	})
	checkConsistent(t, e.s, now)
	if got := codes("kozijnen", "K-3003", 4100002); got != "K-3003" {
		t.Errorf("after Update: %q", got)
	}
	if got := codes("zonnepaneel", "", 0) + codes("", "J-2002", 0); got != "" {
		t.Errorf("after Update, old text or code still found: %q", got)
	}

	// Reset restores the dataset, and its index.
	e.s.Reset()
	sid = e.open()
	checkConsistent(t, e.s, now)
	if got := codes("jansen", "1002", 4100002); got != "1002" {
		t.Errorf("after Reset: %q", got)
	}
	if got := codes("kozijnen", "", 0) + codes("", "K-3003", 0); got != "" {
		t.Errorf("after Reset, changed relation still found: %q", got)
	}
}

func TestChangedArticleIsFoundByItsNewCodeAndText(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	find := func(filter string) string {
		t.Helper()
		var r GetArtikelenResponse
		e.call("GetArtikelen", auth(sid)+"<cFilter>"+filter+"</cFilter>", &r)
		requireCode(t, r.Result.ErrorMsg, "")
		var out []string
		for _, a := range r.Result.Artikelen {
			out = append(out, a.ArtikelCode)
		}
		return strings.Join(out, ",")
	}
	if got := find("<ArtikelCode>ARB-MONT</ArtikelCode>"); got != "ARB-MONT" {
		t.Fatalf("test needs article ARB-MONT: %q", got)
	}
	e.s.Update(func(st *State) {
		for i := range st.Articles {
			if st.Articles[i].ArtikelCode == "ARB-MONT" {
				st.Articles[i].ArtikelCode, st.Articles[i].ArtikelOmschrijving = "ARB-NACHT", "Arbeid nachtdienst"
			}
		}
	})
	checkConsistent(t, e.s, func() time.Time { return e.clock.Now() })
	for filter, want := range map[string]string{
		"<ArtikelCode>ARB-NACHT</ArtikelCode>":                                                   "ARB-NACHT",
		"<ArtikelCode>ARB-MONT</ArtikelCode>":                                                    "",
		"<ArtikelOmschrijving>NACHTDIENST</ArtikelOmschrijving>":                                 "ARB-NACHT",
		"<ArtikelOmschrijving>arbeid monteur</ArtikelOmschrijving>":                              "",
		"<ArtikelID>3431201</ArtikelID><ArtikelCode>ARB-NACHT</ArtikelCode>":                     "ARB-NACHT",
		"<ArtikelID>3431201</ArtikelID><ArtikelCode>ARB-MONT</ArtikelCode>":                      "",
		"<ArtikelID>3431201</ArtikelID><ArtikelOmschrijving>nachtdienst</ArtikelOmschrijving>":   "ARB-NACHT",
		"<ArtikelOmschrijving>nachtdienst</ArtikelOmschrijving><GroepCode>UREN</GroepCode>":      "ARB-NACHT",
		"<ArtikelOmschrijving>nachtdienst</ArtikelOmschrijving><GroepCode>MATERIAAL</GroepCode>": "",
	} {
		if got := find(filter); got != want {
			t.Errorf("%s: got %q, want %q", filter, got, want)
		}
	}
}

// TestKeywordNeverMatchesAcrossFields checks the one case the joined search
// text could get wrong: a keyword holding the separator is matched field by
// field. (A SOAP request cannot carry U+0000; the index must not depend on
// that.)
func TestKeywordNeverMatchesAcrossFields(t *testing.T) {
	st := State{Relations: []demodata.Relatie{
		{ID: 1, Code: "AB", Bedrijf: "Cd"},
		{ID: 2, Code: "X", Bedrijf: "b" + searchSep + "c"},
	}}
	ix := newIndex(&st)
	var got []int64
	ix.relations(st.Relations, relationFilter{keyword: "b" + searchSep + "c"}, func(i int) bool {
		got = append(got, st.Relations[i].ID)
		return true
	})
	if !reflect.DeepEqual(got, []int64{2}) {
		t.Errorf("keyword across fields matched relations %v, want only [2]", got)
	}
}

// TestNextInvoiceNumberMatchesItsPattern checks nextInvoiceNumber against
// its definition: one more than the highest "<year><3 or more digits>".
func TestNextInvoiceNumberMatchesItsPattern(t *testing.T) {
	numbers := []string{"2026", "202601", "2026001", "2026001x", "X2026002", "2026-003", "20261234", "2026٠٠٩",
		"2026" + strings.Repeat("9", 20), "2025999", "F-0042", "2026000", "2026 004", "20260100"}
	for _, year := range []int{2025, 2026, 2027} {
		for n := range len(numbers) + 1 {
			st := State{}
			for _, nr := range numbers[:n] {
				st.Invoices = append(st.Invoices, Invoice{Factuurnummer: nr})
			}
			pattern := regexp.MustCompile(fmt.Sprintf(`^%d([0-9]{3,})$`, year))
			var highest int64
			for _, nr := range numbers[:n] {
				if m := pattern.FindStringSubmatch(nr); m != nil {
					if v, err := strconv.ParseInt(m[1], 10, 64); err == nil && v > highest {
						highest = v
					}
				}
			}
			if got, want := st.nextInvoiceNumber(year), fmt.Sprintf("%d%03d", year, highest+1); got != want {
				t.Errorf("year %d after %q: got %s, want %s", year, numbers[:n], got, want)
			}
		}
	}
}
