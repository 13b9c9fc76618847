package demodata

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	ds := Default()
	if err := ds.Validate(); err != nil {
		t.Fatalf("embedded dataset invalid:\n%v", err)
	}
	eb, os := ds.EBoekhouden, ds.OutSmart
	if len(eb.Relations) < 24 {
		t.Errorf("want dozens of relations, got %d", len(eb.Relations))
	}
	units := map[string]bool{}
	for _, a := range eb.Articles {
		units[strings.ToLower(a.Eenheid)] = true
	}
	for _, u := range []string{"stuk", "meter", "doos", "uur"} {
		if !units[u] {
			t.Errorf("no product with unit %q", u)
		}
	}
	statuses := map[string]int{}
	for _, w := range os.Workorders {
		statuses[w.Status]++
	}
	for _, s := range []string{"Klaargezet", "Opgehaald", "Compleet", "Afgehandeld"} {
		if statuses[s] == 0 {
			t.Errorf("no work order in status %s", s)
		}
	}
	found := false
	for _, s := range os.Workstatusses {
		found = found || s.Name == "1 naar E-boekhouden"
	}
	if !found {
		t.Error(`workflow status "1 naar E-boekhouden" missing`)
	}
}

func TestDefaultReturnsIndependentCopies(t *testing.T) {
	a, b := Default(), Default()
	a.EBoekhouden.Relations[0].Bedrijf = "changed"
	a.OutSmart.Workorders[0].Materials = nil
	if b.EBoekhouden.Relations[0].Bedrijf == "changed" {
		t.Fatal("Default shares relation slices between calls")
	}
	c := b.Clone()
	c.OutSmart.Workorders[0].Status = "Afgehandeld"
	if b.OutSmart.Workorders[0].Status == "Afgehandeld" {
		t.Fatal("Clone shares work orders")
	}
}

func TestParseRejectsBrokenDatasets(t *testing.T) {
	cases := map[string]string{
		"unknown key":     `{"eboekhouden":{"relatons":[]}}`,
		"not json":        `{`,
		"missing creds":   `{}`,
		"dangling debtor": brokenDebtor(),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in)); err == nil {
				t.Fatal("Parse accepted a broken dataset")
			}
		})
	}
}

func brokenDebtor() string {
	ds := Default()
	ds.OutSmart.Workorders[0].CustomerDebtorNrInvoice = "NOPE"
	b, _ := json.Marshal(ds)
	return string(b)
}

func TestIsHourUnit(t *testing.T) {
	for _, u := range []string{"uur", "Uur", " UREN ", "hour"} {
		if !IsHourUnit(u) {
			t.Errorf("IsHourUnit(%q) = false", u)
		}
	}
	for _, u := range []string{"stuk", "meter", "", "uurloon"} {
		if IsHourUnit(u) {
			t.Errorf("IsHourUnit(%q) = true", u)
		}
	}
}

func TestGeneratedIsValidAndDeterministic(t *testing.T) {
	base := Default()
	ds := Generated(300, 200, true)
	if err := ds.Validate(); err != nil {
		t.Fatalf("generated dataset invalid:\n%v", err)
	}
	eb, fs := ds.EBoekhouden, ds.OutSmart
	if got, want := len(eb.Relations), len(base.EBoekhouden.Relations)+300; got != want {
		t.Errorf("%d e-Boekhouden relations, want %d", got, want)
	}
	if got, want := len(eb.Articles), len(base.EBoekhouden.Articles)+200; got != want {
		t.Errorf("%d articles, want %d", got, want)
	}
	if got, want := len(fs.Relations), len(base.OutSmart.Relations)+300; got != want {
		t.Errorf("%d OutSmart relations, want %d", got, want)
	}
	last := eb.Relations[len(eb.Relations)-1]
	if last.Code != "BR00299" || last.Bedrijf != "Klant 00299 B.V." || last.ID != 6_000_299 {
		t.Errorf("last relation %+v", last)
	}
	hours := 0
	for _, a := range eb.Articles[len(base.EBoekhouden.Articles):] {
		if IsHourUnit(a.Eenheid) {
			hours++
		}
	}
	if hours != 66 {
		t.Errorf("%d generated hour products, want every third of 200 (66)", hours)
	}
	if again := Generated(300, 200, true); !reflect.DeepEqual(ds, again) {
		t.Error("two calls generate different datasets")
	}
	if plain := Generated(10, 0, false); len(plain.OutSmart.Relations) != len(base.OutSmart.Relations) {
		t.Error("inOutSmart false still added relations to OutSmart")
	}
}
