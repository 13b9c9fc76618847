package restroad

import (
	"errors"
	"fmt"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
)

// soapRelation is a SOAP relation with the fields the REST model lacks
// cleared, so that it compares with the REST road's.
func soapRelation(r eboekhouden.Relation) eboekhouden.Relation {
	r.BankAccount, r.GiroAccount, r.MembersModule, r.NoEmail, r.NewsletterGroupCount = "", "", "", false, 0
	return r
}

func TestRelationsAreTheSOAPRoads(t *testing.T) {
	r := newRoad(t, nil)
	got, err := r.books(Options{}).Relations(r.ctx, eboekhouden.RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := r.soap.Relations(r.ctx, eboekhouden.RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) < 30 {
		t.Fatalf("REST road: %d relations, SOAP road: %d", len(got), len(want))
	}
	byCode := map[string]eboekhouden.Relation{}
	for _, g := range got {
		byCode[g.Code] = g
	}
	for _, w := range want {
		g, ok := byCode[w.Code]
		if !ok {
			t.Errorf("relation %s missing on the REST road", w.Code)
			continue
		}
		w = soapRelation(w)
		if w.Kind == "" {
			w.Kind = eboekhouden.RelationBusiness // REST: type defaults to B
		}
		if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
			t.Errorf("relation %s:\nREST %+v\nSOAP %+v", w.Code, g, w)
		}
	}
}

func TestProductsAreTheSOAPRoadsToTheCent(t *testing.T) {
	r := newRoad(t, nil)
	got, err := r.books(Options{}).Products(r.ctx, eboekhouden.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := r.soap.Products(r.ctx, eboekhouden.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) < 20 {
		t.Fatalf("REST road: %d products, SOAP road: %d", len(got), len(want))
	}
	byCode := map[string]eboekhouden.Product{}
	for _, g := range got {
		byCode[g.Code] = g
	}
	for _, w := range want {
		g, ok := byCode[w.Code]
		if !ok {
			t.Errorf("product %s missing on the REST road", w.Code)
			continue
		}
		switch {
		case g.ID != w.ID, g.Description != w.Description, g.VATCode != w.VATCode, g.LedgerCode != w.LedgerCode,
			g.CostCentreID != w.CostCentreID, g.Active != w.Active:
			t.Errorf("product %s:\nREST %+v\nSOAP %+v", w.Code, g, w)
		case !g.SalePrice.Equal(w.SalePrice), !g.PurchasePrice.Equal(w.PurchasePrice):
			t.Errorf("product %s: prices REST %s/%s, SOAP %s/%s", w.Code, g.SalePrice, g.PurchasePrice, w.SalePrice, w.PurchasePrice)
		case !sameUnit(g.Unit, w.Unit):
			t.Errorf("product %s: unit REST %q, SOAP %q", w.Code, g.Unit, w.Unit)
		}
		if g.VATCode == "HOOG_VERK_21" && !g.SalePriceInclVAT.Equal(g.SalePrice.Mul(decimal.MustParse("1.21")).RoundCents()) {
			t.Errorf("product %s: incl. VAT %s for %s excl.", w.Code, g.SalePriceInclVAT, g.SalePrice)
		}
	}
}

func TestAPriceInclVATIsConvertedToTheCent(t *testing.T) {
	r := newRoad(t, nil)
	var id int32
	r.env.Sandbox.EBoekhoudenREST.Update(func(st *ebrest.State) {
		incl := 121.00
		st.Products[0].PriceExcl, st.Products[0].PriceIncl, st.Products[0].Vat = nil, &incl, "HOOG_VERK_21"
		id = st.Products[0].ID
	})
	got, err := r.books(Options{}).Products(r.ctx, eboekhouden.ProductFilter{ID: int64(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SalePrice.String() != "100" || got[0].SalePriceInclVAT.String() != "121" {
		t.Fatalf("got %+v; want 100.00 excl., 121.00 incl.", got)
	}
}

func TestMoreThan2000RelationsAndProductsAllArrive(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 4,400 records")
	}
	ds := demodata.Generated(2200, 2200, false)
	r := newRoad(t, ds)
	b := r.books(Options{})
	rels, err := b.Relations(r.ctx, eboekhouden.RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	prods, err := b.Products(r.ctx, eboekhouden.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != len(ds.EBoekhouden.Relations) || len(prods) != len(ds.EBoekhouden.Articles) {
		t.Fatalf("%d of %d relations, %d of %d products", len(rels), len(ds.EBoekhouden.Relations), len(prods), len(ds.EBoekhouden.Articles))
	}
	codes := map[string]bool{}
	for _, x := range rels {
		codes["r"+x.Code] = true
	}
	for _, x := range prods {
		codes["p"+x.Code] = true
	}
	for _, x := range ds.EBoekhouden.Relations {
		if !codes["r"+x.Code] {
			t.Fatalf("relation %s missing", x.Code)
		}
	}
	for _, x := range ds.EBoekhouden.Articles {
		if !codes["p"+x.ArtikelCode] {
			t.Fatalf("product %s missing", x.ArtikelCode)
		}
	}
	pages := 0
	for _, p := range r.rec.take() {
		if p == "GET /v1/relation" {
			pages++
		}
	}
	if n := pages; n != 2 {
		t.Errorf("%d list pages of relations; want 2 (2,000 per page)", n)
	}
}

// TestDetailReadsPerSteadyRun: a first read reads every record's details;
// after that each read reads a third, so that over three reads every
// record is read exactly once; a new record and a changed list item are
// read at once.
func TestDetailReadsPerSteadyRun(t *testing.T) {
	r := newRoad(t, nil)
	cache := NewMemoryCache()
	n := len(r.env.Sandbox.Dataset.EBoekhouden.Relations)
	read := func() (int, map[int64]bool) {
		r.rec.take()
		b := New(r.c, Options{Cache: cache})
		rels, err := b.Relations(r.ctx, eboekhouden.RelationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rels) != len(r.env.Sandbox.EBoekhoudenREST.State().Relations) {
			t.Fatalf("%d relations", len(rels))
		}
		ids := map[int64]bool{}
		for _, p := range r.rec.take() {
			var id int64
			if _, err := fmt.Sscanf(p, "GET /v1/relation/%d", &id); err == nil {
				ids[id] = true
			}
		}
		return b.DetailReads(KindRelation), ids
	}
	if first, _ := read(); first != n {
		t.Fatalf("first read: %d details; want %d", first, n)
	}
	seen := map[int64]int{}
	for run := 1; run <= 3; run++ {
		got, ids := read()
		if got < n/3-1 || got > n/3+1 {
			t.Errorf("steady read %d: %d details; want about %d", run, got, n/3)
		}
		for id := range ids {
			seen[id]++
		}
	}
	for _, rel := range r.env.Sandbox.EBoekhoudenREST.State().Relations {
		if seen[int64(rel.ID)] != 1 {
			t.Errorf("relation %d read %d times in three steady reads; want 1", rel.ID, seen[int64(rel.ID)])
		}
	}
	// A changed code shows in the list: read at once, with the new
	// relation.
	var changed int32
	r.env.Sandbox.EBoekhoudenREST.Update(func(st *ebrest.State) {
		st.Relations[0].Code, st.Relations[0].City = "NIEUW1", "Zwolle"
		changed = st.Relations[0].ID
		st.Relations = append(st.Relations, ebrest.Relation{ID: 999001, Type: "B", Code: "NIEUW2", Name: "Nieuw B.V."})
	})
	_, ids := read()
	if !ids[int64(changed)] || !ids[999001] {
		t.Errorf("the changed and the new relation were not read at once: %v", ids)
	}
	rels, err := New(r.c, Options{Cache: cache}).Relations(r.ctx, eboekhouden.RelationFilter{Code: "NIEUW1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].City != "Zwolle" {
		t.Errorf("by code: %+v", rels)
	}
}

func TestProductListChangesAreReadAtOnce(t *testing.T) {
	r := newRoad(t, nil)
	cache := NewMemoryCache()
	if _, err := New(r.c, Options{Cache: cache}).Products(r.ctx, eboekhouden.ProductFilter{}); err != nil {
		t.Fatal(err)
	}
	r.env.Sandbox.EBoekhoudenREST.Update(func(st *ebrest.State) {
		st.Products[1].Description = "Nieuwe omschrijving"
		p := 99.99
		st.Products[1].PriceExcl = &p
	})
	b := New(r.c, Options{Cache: cache})
	prods, err := b.Products(r.ctx, eboekhouden.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	code := r.env.Sandbox.EBoekhoudenREST.State().Products[1].Code
	for _, p := range prods {
		if p.Code == code && (p.Description != "Nieuwe omschrijving" || p.SalePrice.String() != "99.99") {
			t.Errorf("changed product read as %+v", p)
		}
	}
}

func TestSearchTermsAreRefused(t *testing.T) {
	r := newRoad(t, nil)
	b := r.books(Options{})
	if _, err := b.Relations(r.ctx, eboekhouden.RelationFilter{Keyword: "jan"}); !errors.Is(err, eboekhouden.ErrInvalid) {
		t.Errorf("keyword: %v", err)
	}
	if _, err := b.Products(r.ctx, eboekhouden.ProductFilter{Description: "kabel"}); !errors.Is(err, eboekhouden.ErrInvalid) {
		t.Errorf("description: %v", err)
	}
}

func TestLookUpsByCodeAndID(t *testing.T) {
	r := newRoad(t, nil)
	b := r.books(Options{})
	st := r.env.Sandbox.EBoekhoudenREST.State()
	rel := st.Relations[3]
	if got, err := b.Relations(r.ctx, eboekhouden.RelationFilter{Code: rel.Code}); err != nil || len(got) != 1 || got[0].ID != int64(rel.ID) {
		t.Errorf("relation by code: %+v", got)
	}
	if got, err := b.Relations(r.ctx, eboekhouden.RelationFilter{ID: int64(rel.ID)}); err != nil || len(got) != 1 || got[0].Code != rel.Code {
		t.Errorf("relation by id: %+v", got)
	}
	if got, err := b.Relations(r.ctx, eboekhouden.RelationFilter{Code: "BESTAATNIET"}); err != nil || len(got) != 0 {
		t.Errorf("unknown code: %+v", got)
	}
	if got, err := b.Relations(r.ctx, eboekhouden.RelationFilter{ID: 987654}); err != nil || len(got) != 0 {
		t.Errorf("unknown id: %+v", got)
	}
	p := st.Products[2]
	if got, err := b.Products(r.ctx, eboekhouden.ProductFilter{Code: p.Code}); err != nil || len(got) != 1 || got[0].ID != int64(p.ID) {
		t.Errorf("product by code: %+v", got)
	}
}

// TestRefreshReadsTheWaitingRecordsEveryRun: a relation the engine names
// (one waiting for the user) has its details read on every full read, not
// only in its turn of the rotation: the address the user adds in
// e-Boekhouden arrives in the next run, run after run.
func TestRefreshReadsTheWaitingRecordsEveryRun(t *testing.T) {
	r := newRoad(t, nil)
	cache := NewMemoryCache()
	code := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	if _, err := r.books(Options{Cache: cache}).Relations(r.ctx, eboekhouden.RelationFilter{}); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2*rotation; run++ {
		address := fmt.Sprintf("Dorpsstraat %d", run)
		r.env.Sandbox.EBoekhoudenREST.Update(func(st *ebrest.State) {
			for i := range st.Relations {
				if st.Relations[i].Code == code {
					st.Relations[i].Address = address
				}
			}
		})
		b := r.books(Options{Cache: cache})
		b.RefreshRelations([]string{code})
		all, err := b.Relations(r.ctx, eboekhouden.RelationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range all {
			if rel.Code == code && rel.Address != address {
				t.Errorf("run %d: the waiting relation's address is %q, want the new %q", run, rel.Address, address)
			}
		}
	}
}
