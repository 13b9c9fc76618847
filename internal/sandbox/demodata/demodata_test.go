package demodata

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	ds := Default()
	if err := ds.Validate(); err != nil {
		t.Fatalf("embedded dataset invalid:\n%v", err)
	}
	eb, outSmart := ds.EBoekhouden, ds.OutSmart
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
	for _, w := range outSmart.Workorders {
		statuses[w.Status]++
	}
	for _, s := range []string{"Klaargezet", "Opgehaald", "Compleet", "Afgehandeld"} {
		if statuses[s] == 0 {
			t.Errorf("no work order in status %s", s)
		}
	}
	found := false
	for _, s := range outSmart.Workstatusses {
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

// TestCloneCopiesEveryField fills every field of a dataset, clones it and
// checks that the clone is equal, shares no memory with the original, and
// equals what a JSON round trip (the old Clone) gives.
func TestCloneCopiesEveryField(t *testing.T) {
	var ds Dataset
	fill(reflect.ValueOf(&ds).Elem(), 0)
	c := ds.Clone()
	if !reflect.DeepEqual(&ds, c) {
		t.Fatal("clone differs from the original")
	}
	b, err := json.Marshal(&ds)
	if err != nil {
		t.Fatal(err)
	}
	var viaJSON Dataset
	if err := json.Unmarshal(b, &viaJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&viaJSON, c) {
		t.Error("clone differs from a JSON round trip")
	}
	shared(t, reflect.ValueOf(ds), reflect.ValueOf(*c), "Dataset")
	empty := (&Dataset{}).Clone()
	if empty.EBoekhouden.Relations != nil || empty.OutSmart.Workorders != nil {
		t.Error("clone of nil lists is not nil")
	}
}

// fill sets every field reachable from v to a distinct non-zero value, with
// two elements in every slice.
func fill(v reflect.Value, n int) int {
	switch v.Kind() {
	case reflect.String:
		n++
		v.SetString(fmt.Sprint("s", n))
	case reflect.Int, reflect.Int64:
		n++
		v.SetInt(int64(n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		n = fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			n = fill(v.Index(i), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			n = fill(v.Field(i), n)
		}
	default:
		panic("fill: unsupported kind " + v.Kind().String() + ": extend Clone and this test")
	}
	return n
}

// shared reports every slice or pointer of a that b shares.
func shared(t *testing.T, a, b reflect.Value, path string) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			t.Errorf("%s is shared", path)
		}
		if !a.IsNil() {
			shared(t, a.Elem(), b.Elem(), path)
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s is shared", path)
		}
		for i := range a.Len() {
			shared(t, a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		for i := range a.NumField() {
			shared(t, a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
		}
	}
}
