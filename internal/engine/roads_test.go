package engine

// This file owns the two roads to e-Boekhouden the engine's suite runs on
// (issue 17): SOAP (package eboekhouden against sandbox/eboekhouden) and
// REST (eboekhouden/restroad over eboekhouden/rest against sandbox/ebrest).
// A test that holds on both takes its harness from newRoadHarness inside
// forEachRoad; the road gives it
//
//   - the bookkeeping the engine is wired to (roadBooks),
//   - the sandbox's fault injector and request log, with the engine's calls
//     named by what they do (opAddInvoice, ...) and mapped onto the road's
//     wire operations ("AddFactuur", "POST /v1/invoice"), so that a fault
//     case means the same on both roads,
//   - the sandbox's own state, read through its inspection API (State),
//     never through the client under test, as road-neutral invoices,
//     relations and products (bkInvoice, bkRelation, bkProduct), and the
//     few changes tests make to it (a product's price, a new relation).

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ebsandbox "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// road is one way to e-Boekhouden.
type road string

const (
	roadSOAP road = "soap"
	roadREST road = "rest"
)

// roads are the roads every road-neutral test runs on, in this order.
var roads = []road{roadSOAP, roadREST}

// forEachRoad runs fn as a subtest per road ("soap", "rest").
func forEachRoad(t *testing.T, fn func(t *testing.T, rd road)) {
	t.Helper()
	for _, rd := range roads {
		t.Run(string(rd), func(t *testing.T) { fn(t, rd) })
	}
}

// roadBooks is the bookkeeping of a road as the harness holds it: what the
// engine needs, and Close, which ends the session after a run as
// services.Runner does.
type roadBooks interface {
	Bookkeeping
	Close(ctx context.Context) error
}

// booksFor builds the road's bookkeeping from link (on REST, link must be
// OnREST). On REST, cache keeps the records' details between runs, as the
// store does for the app (nil: a new one, as a process without a store).
func booksFor(tb testing.TB, rd road, link testkit.Link, o testkit.ClientOptions, cache restroad.Cache) roadBooks {
	tb.Helper()
	if rd == roadREST {
		return restroad.New(link.EBoekhoudenRESTClient(tb, o), restroad.Options{Cache: cache})
	}
	return link.EBoekhoudenClient(tb, o)
}

// resultCap is the engine's Params.ResultCap on road rd, as services wires
// it: SOAP's default (2,000) or Uncapped (REST pages; the engine never
// sweeps).
func resultCap(rd road) int {
	if rd == roadREST {
		return Uncapped
	}
	return 0
}

// The engine's calls to e-Boekhouden, by what they do. A road names each
// with its wire operation (wireOps); the REST road reads a record's
// details with a call of its own (opRelation, opProduct, opInvoice).
const (
	opLogin       = "login"
	opRelations   = "relations"
	opRelation    = "relation"
	opProducts    = "products"
	opProduct     = "product"
	opAddRelation = "add relation"
	opAddInvoice  = "add invoice"
	opInvoices    = "invoices"
	opInvoice     = "invoice"
	opLogout      = "logout"
	// The REST road's look-ups of the pickers' lists: units (an invoice
	// line's unit is an id), ledgers (a product's ledger is an id) and
	// invoice templates (the template is an id).
	opUnits     = "units"
	opLedgers   = "ledgers"
	opTemplates = "templates"
	// opOpenItems is the read of the open items at the end of a run, for
	// the invoice overview's payment status (invoicestatus.go).
	opOpenItems = "open items"
)

// wireOps are the sandbox's operation names (fault rules, request log) of
// the engine's calls on each road.
var wireOps = map[road]map[string]string{
	roadSOAP: {opLogin: "OpenSession", opRelations: "GetRelaties", opProducts: "GetArtikelen", opAddRelation: "AddRelatie",
		opAddInvoice: "AddFactuur", opInvoices: "GetFacturen", opLogout: "CloseSession", opOpenItems: "GetOpenPosten"},
	roadREST: {opLogin: "POST /v1/session", opRelations: "GET /v1/relation", opRelation: "GET /v1/relation/{id}",
		opProducts: "GET /v1/product", opProduct: "GET /v1/product/{id}", opAddRelation: "POST /v1/relation",
		opAddInvoice: "POST /v1/invoice", opInvoices: "GET /v1/invoice", opInvoice: "GET /v1/invoice/{id}",
		opLogout: "DELETE /v1/session", opUnits: "GET /v1/unit", opLedgers: "GET /v1/ledger", opTemplates: "GET /v1/invoicetemplate",
		opOpenItems: "GET /v1/mutation/invoice/outstanding"},
}

// op is the road's wire operation of the engine's call name.
func (h *harness) op(name string) string {
	h.t.Helper()
	w, ok := wireOps[h.road][name]
	if !ok {
		h.t.Fatalf("the %s road has no call %q", h.road, name)
	}
	return w
}

// ebFaults is the fault injector of the road's e-Boekhouden sandbox.
func (h *harness) ebFaults() *fault.Injector {
	if h.road == roadREST {
		return h.sb.EBoekhoudenREST.Faults()
	}
	return h.sb.EBoekhouden.Faults()
}

// ebRequests is the request log of the road's e-Boekhouden sandbox.
func (h *harness) ebRequests() *inspect.RequestLog {
	if h.road == roadREST {
		return h.sb.EBoekhoudenREST.Requests()
	}
	return h.sb.EBoekhouden.Requests()
}

// assertOnItsRoad fails the test when the sandbox of the other road has
// seen a request: a test on one road must never reach the other.
func (h *harness) assertOnItsRoad() {
	h.t.Helper()
	other := h.sb.EBoekhoudenREST.Requests()
	if h.road == roadREST {
		other = h.sb.EBoekhouden.Requests()
	}
	if n := len(other.All()); n != 0 {
		h.t.Errorf("a test on the %s road made %d calls to the other road's e-Boekhouden", h.road, n)
	}
}

// ebCalls counts the road's requests of the engine's call name.
func (h *harness) ebCalls(name string) int { return h.ebRequests().Count(h.op(name)) }

// isEBWrite reports whether a request of the road's log changed e-Boekhouden
// (opening and closing a session do not).
func (h *harness) isEBWrite(r inspect.Request) bool {
	if h.road == roadREST {
		return r.Method != "GET" && r.Op != wireOps[roadREST][opLogin] && r.Op != wireOps[roadREST][opLogout]
	}
	switch r.Op {
	case "AddFactuur", "AddRelatie", "UpdateRelatie":
		return true
	}
	return false
}

// loggedCall reports whether a log line of level names the road's wire
// operation of the engine's call name: in its text on SOAP; on REST in
// its text or its details (the Dutch text names SOAP's operation, the
// details the REST client's error, "GET /v1/invoice: ...").
func (h *harness) loggedCall(level store.Level, name string) bool {
	op := h.op(name)
	for _, e := range h.logs {
		if e.Level == level && (strings.Contains(e.Message, op) || h.road == roadREST && strings.Contains(e.Details, op)) {
			return true
		}
	}
	return false
}

// bkLine is an invoice line as e-Boekhouden keeps it, on either road.
type bkLine struct {
	Code, Description, Unit, VATCode string
	Quantity, Price                  decimal.Decimal
}

// bkInvoice is an invoice as e-Boekhouden keeps it, on either road.
type bkInvoice struct {
	Number, RelationCode string
	Lines                []bkLine
	TotalExcl, TotalIncl decimal.Decimal
	// Booked: placed in the books (an open item on SOAP, a booking on REST).
	Booked bool
}

// bkRelation is a relation as e-Boekhouden keeps it, on either road.
type bkRelation struct {
	Code, Name, Address, Address2, PostalCode, City string
}

// bkProduct is a product as e-Boekhouden keeps it, on either road.
type bkProduct struct {
	Code, VATCode string
	Active        bool
	// Price is the sale price excl. VAT (zero when there is none).
	Price decimal.Decimal
}

// dec reads a sandbox amount or fails the test.
func (h *harness) dec(s string) decimal.Decimal {
	h.t.Helper()
	d, err := decimal.Parse(s)
	if err != nil {
		h.t.Fatalf("sandbox amount %q: %v", s, err)
	}
	return d
}

// decFloat reads a REST sandbox amount (a JSON number) or fails the test.
func (h *harness) decFloat(v float64) decimal.Decimal {
	h.t.Helper()
	return h.dec(strconv.FormatFloat(v, 'f', -1, 64))
}

// bkInvoices are the invoices in the road's sandbox.
func (h *harness) bkInvoices() []bkInvoice {
	h.t.Helper()
	var out []bkInvoice
	if h.road == roadREST {
		st := h.sb.EBoekhoudenREST.State()
		relCode, unit := map[int32]string{}, map[int32]string{}
		for _, r := range st.Relations {
			relCode[r.ID] = r.Code
		}
		for _, u := range st.Units {
			unit[u.ID] = u.Singular
		}
		for _, inv := range st.Invoices {
			b := bkInvoice{Number: inv.InvoiceNumber, RelationCode: relCode[inv.RelationID], TotalExcl: h.decFloat(inv.TotalExcl),
				TotalIncl: h.decFloat(inv.TotalAmount), Booked: inv.Booking != nil}
			for _, it := range inv.Items {
				b.Lines = append(b.Lines, bkLine{Code: it.Code, Description: it.Description, Unit: unit[it.UnitID], VATCode: it.VatCode,
					Quantity: h.decFloat(it.Quantity), Price: h.decFloat(it.PricePerUnit)})
			}
			out = append(out, b)
		}
		return out
	}
	st := h.sb.EBoekhouden.State()
	open := map[string]bool{}
	for _, o := range st.OpenItems {
		open[o.MutFactuur] = true
	}
	for _, inv := range st.Invoices {
		b := bkInvoice{Number: inv.Factuurnummer, RelationCode: inv.Relatiecode, TotalExcl: h.dec(inv.TotaalExclBTW),
			TotalIncl: h.dec(inv.TotaalInclBTW), Booked: open[inv.Factuurnummer]}
		for _, l := range inv.Regels {
			b.Lines = append(b.Lines, bkLine{Code: l.Code, Description: l.Omschrijving, Unit: l.Eenheid, VATCode: l.BTWCode,
				Quantity: h.dec(l.Aantal), Price: h.dec(l.PrijsPerEenheid)})
		}
		out = append(out, b)
	}
	return out
}

// booked counts the invoices placed in the books in the road's sandbox.
func (h *harness) booked() int {
	n := 0
	for _, inv := range h.bkInvoices() {
		if inv.Booked {
			n++
		}
	}
	return n
}

// bkRelations are the relations in the road's sandbox.
func (h *harness) bkRelations() []bkRelation {
	var out []bkRelation
	if h.road == roadREST {
		for _, r := range h.sb.EBoekhoudenREST.State().Relations {
			out = append(out, bkRelation{Code: r.Code, Name: r.Name, Address: r.Address, Address2: r.Address2, PostalCode: r.PostalCode, City: r.City})
		}
		return out
	}
	for _, r := range h.sb.EBoekhouden.State().Relations {
		out = append(out, bkRelation{Code: r.Code, Name: r.Bedrijf, Address: r.Adres, Address2: r.Adres2, PostalCode: r.Postcode, City: r.Plaats})
	}
	return out
}

// bkProducts are the products in the road's sandbox.
func (h *harness) bkProducts() []bkProduct {
	h.t.Helper()
	var out []bkProduct
	if h.road == roadREST {
		for _, p := range h.sb.EBoekhoudenREST.State().Products {
			b := bkProduct{Code: p.Code, VATCode: p.Vat, Active: p.Active}
			if p.PriceExcl != nil {
				b.Price = h.decFloat(*p.PriceExcl)
			}
			out = append(out, b)
		}
		return out
	}
	for _, a := range h.sb.EBoekhouden.State().Articles {
		b := bkProduct{Code: a.ArtikelCode, VATCode: a.BTWCode, Active: a.Actief}
		if a.VerkoopprijsExclBTW != "" {
			b.Price = h.dec(a.VerkoopprijsExclBTW)
		}
		out = append(out, b)
	}
	return out
}

// productChange is a change tests make to a product in e-Boekhouden; nil
// fields stay as they are.
type productChange struct {
	Price  *string // sale price excl. VAT, "8.10"
	Active *bool
	VAT    *string
}

// changeProduct changes the product with this code in the road's sandbox.
func (h *harness) changeProduct(code string, c productChange) {
	h.t.Helper()
	found := false
	if h.road == roadREST {
		h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
			for i := range st.Products {
				if p := &st.Products[i]; p.Code == code {
					found = true
					if c.Price != nil {
						v, err := strconv.ParseFloat(*c.Price, 64)
						if err != nil {
							h.t.Errorf("price %q: %v", *c.Price, err)
						}
						p.PriceExcl = &v
					}
					if c.Active != nil {
						p.Active = *c.Active
					}
					if c.VAT != nil {
						p.Vat = *c.VAT
					}
				}
			}
		})
	} else {
		h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
			for i := range st.Articles {
				if a := &st.Articles[i]; a.ArtikelCode == code {
					found = true
					if c.Price != nil {
						a.VerkoopprijsExclBTW = *c.Price
					}
					if c.Active != nil {
						a.Actief = *c.Active
					}
					if c.VAT != nil {
						a.BTWCode = *c.VAT
					}
				}
			}
		})
	}
	if !found {
		h.t.Fatalf("no product %s in the %s sandbox", code, h.road)
	}
}

// raiseRandomPrice raises the sale price of a product the rng picks by
// € 1 (the soak's changed price).
func (h *harness) raiseRandomPrice(rng *rand.Rand) {
	if h.road == roadREST {
		h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
			p := &st.Products[rng.IntN(len(st.Products))]
			v := 1.0
			if p.PriceExcl != nil {
				v += *p.PriceExcl
			}
			p.PriceExcl = &v
		})
		return
	}
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		a := &st.Articles[rng.IntN(len(st.Articles))]
		a.VerkoopprijsExclBTW = decimal.MustParse(a.VerkoopprijsExclBTW).Add(decimal.FromInt(1)).Fixed(2)
	})
}

// addRelation adds a relation to the road's sandbox, as the user would in
// e-Boekhouden (r's ID is kept as the REST id).
func (h *harness) addRelation(r demodata.Relatie) {
	h.t.Helper()
	if h.road == roadREST {
		h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
			typ := r.BP
			if typ == "" {
				typ = "B"
			}
			st.Relations = append(st.Relations, ebrest.Relation{ID: int32(r.ID), Type: typ, Code: r.Code, Date: r.AddDatum,
				Name: r.Bedrijf, Address: r.Adres, PostalCode: r.Postcode, City: r.Plaats})
		})
		return
	}
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) { st.Relations = append(st.Relations, r) })
}

// setAddress gives the relations with these codes an address in the road's
// sandbox.
func (h *harness) setAddress(codes map[string]string, address, postalCode, city string) {
	if h.road == roadREST {
		h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
			for i, r := range st.Relations {
				if _, ok := codes[r.Code]; ok {
					st.Relations[i].Address, st.Relations[i].PostalCode, st.Relations[i].City = address, postalCode, city
				}
			}
		})
		return
	}
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		for i, r := range st.Relations {
			if _, ok := codes[r.Code]; ok {
				st.Relations[i].Adres, st.Relations[i].Postcode, st.Relations[i].Plaats = address, postalCode, city
			}
		}
	})
}

// addProduct adds a product to the road's sandbox, as the user would in
// e-Boekhouden: on REST with the ledger of a's TegenrekeningCode and the
// unit named by a's Eenheid (singular or plural, added when new).
func (h *harness) addProduct(a demodata.Artikel) {
	h.t.Helper()
	if h.road != roadREST {
		h.sb.EBoekhouden.Update(func(st *ebsandbox.State) { st.Articles = append(st.Articles, ebsandbox.Article{Artikel: a}) })
		return
	}
	price, err1 := strconv.ParseFloat(a.VerkoopprijsExclBTW, 64)
	cost, err2 := strconv.ParseFloat(a.InkoopprijsExclBTW, 64)
	if err1 != nil || err2 != nil {
		h.t.Fatalf("product %s: prices %q, %q", a.ArtikelCode, a.VerkoopprijsExclBTW, a.InkoopprijsExclBTW)
	}
	h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
		p := ebrest.Product{ID: int32(a.ArtikelID), Code: a.ArtikelCode, Description: a.ArtikelOmschrijving, Active: a.Actief,
			Vat: a.BTWCode, PriceExcl: &price, PurchasePriceExcl: &cost, GroupCode: a.GroepCode}
		for _, l := range st.Ledgers {
			if l.Code == a.TegenrekeningCode {
				p.LedgerID = l.ID
			}
		}
		if p.LedgerID == 0 {
			h.t.Errorf("product %s: no ledger %s in the REST sandbox", a.ArtikelCode, a.TegenrekeningCode)
		}
		if a.Eenheid != "" {
			for _, u := range st.Units {
				if strings.EqualFold(u.Singular, a.Eenheid) || strings.EqualFold(u.Plural, a.Eenheid) {
					p.UnitID = u.ID
				}
			}
			if p.UnitID == 0 {
				p.UnitID = st.Units[len(st.Units)-1].ID + 1
				st.Units = append(st.Units, ebrest.Unit{ID: p.UnitID, Singular: a.Eenheid, Plural: a.Eenheid})
			}
		}
		st.Products = append(st.Products, p) // Update sorts by id
	})
}

// TestRoadViewsAgreeOnTheDemoData: both e-Boekhouden sandboxes load the
// same dataset, so the road-neutral views of their state must agree:
// the same relations, products and invoices (numbers, customers, lines,
// totals to the cent); and the changes tests make land alike on both. It
// reads the sandboxes only, so it needs no REST road in the tree.
func TestRoadViewsAgreeOnTheDemoData(t *testing.T) {
	kit := testkit.Start(t, sandbox.Options{})
	soap := &harness{t: t, road: roadSOAP, kit: kit, sb: kit.Sandbox}
	rest := &harness{t: t, road: roadREST, kit: kit, sb: kit.Sandbox}
	compare := func(when string) {
		t.Helper()
		if a, b := soap.bkRelations(), rest.bkRelations(); !reflect.DeepEqual(a, b) || len(a) == 0 {
			t.Errorf("%s: relations differ:\nsoap %+v\nrest %+v", when, a, b)
		}
		if a, b := soap.bkProducts(), rest.bkProducts(); !reflect.DeepEqual(a, b) || len(a) == 0 {
			t.Errorf("%s: products differ:\nsoap %+v\nrest %+v", when, a, b)
		}
		a, b := soap.bkInvoices(), rest.bkInvoices()
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%s: %d invoices on SOAP, %d on REST", when, len(a), len(b))
		}
		for i := range a {
			x, y := a[i], b[i]
			if x.Number != y.Number || x.RelationCode != y.RelationCode || !x.TotalExcl.Equal(y.TotalExcl) || !x.TotalIncl.Equal(y.TotalIncl) ||
				len(x.Lines) != len(y.Lines) {
				t.Errorf("%s: invoice %d differs:\nsoap %+v\nrest %+v", when, i, x, y)
				continue
			}
			for j := range x.Lines {
				l, m := x.Lines[j], y.Lines[j]
				if l.Code != m.Code || l.Description != m.Description || l.VATCode != m.VATCode || !l.Quantity.Equal(m.Quantity) ||
					!l.Price.Equal(m.Price) || !strings.EqualFold(l.Unit, m.Unit) && l.Unit != "" {
					t.Errorf("%s: invoice %s line %d differs:\nsoap %+v\nrest %+v", when, x.Number, j, l, m)
				}
			}
		}
		if soap.booked() == 0 || rest.booked() == 0 {
			t.Errorf("%s: booked invoices: %d on SOAP, %d on REST; the demo data has some", when, soap.booked(), rest.booked())
		}
	}
	compare("as loaded")

	price, off, vat := "8.10", false, "HOOG_INK_21"
	for _, h := range []*harness{soap, rest} {
		h.changeProduct("CU-15", productChange{Price: &price, VAT: &vat})
		h.changeProduct("ARB-LEER", productChange{Active: &off})
		h.addRelation(demodata.Relatie{ID: 9999999, AddDatum: "2026-11-27", Code: "NIEUW-1", Bedrijf: "Nieuw", BP: "B"})
		h.setAddress(map[string]string{"NIEUW-1": ""}, "Dorpsstraat 1", "1234 AB", "Ergens")
		h.addProduct(demodata.Artikel{ArtikelID: 9900, ArtikelOmschrijving: "Arbeid test", ArtikelCode: "UUR-T", Eenheid: "uren",
			InkoopprijsExclBTW: "0", VerkoopprijsExclBTW: "62.125", BTWCode: "HOOG_VERK_21", TegenrekeningCode: "8010", Actief: true})
	}
	compare("after the same changes")
	var cu ebrest.Product
	for _, p := range rest.sb.EBoekhoudenREST.State().Products {
		if p.Code == "CU-15" {
			cu = p
		}
	}
	if cu.PriceExcl == nil || *cu.PriceExcl != 8.10 || cu.Vat != vat {
		t.Errorf("CU-15 on REST after the change: %+v", cu)
	}
}
