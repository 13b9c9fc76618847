package restroad

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// workOrderInvoice is an invoice as the engine builds one: a reference
// line, a material line and an hour line, booked.
func workOrderInvoice(ref, relation, template string) eboekhouden.Invoice {
	d := decimal.MustParse
	return eboekhouden.Invoice{
		RelationCode: relation, Date: time.Now().UTC().Truncate(24 * time.Hour), PaymentTermDays: 14,
		Template: template, Book: true, BookingDescription: ref,
		Lines: []eboekhouden.InvoiceLine{
			{Quantity: d("1"), Code: "WERKBON", Description: ref + " van 01-12-2026: lekkage", VATCode: "HOOG_VERK_21", LedgerCode: "8000"},
			{Quantity: d("3"), Unit: "stuk", Code: "KOP-15", Description: "Koppeling 15 mm", UnitPrice: d("3.33"), VATCode: "HOOG_VERK_21", LedgerCode: "8000"},
			{Quantity: d("1.5833"), Unit: "uur", Code: "ARB-MONT", Description: "Arbeid monteur (1:35 uur)", UnitPrice: d("62.50"), VATCode: "LAAG_VERK_9", LedgerCode: "8010"},
		},
	}
}

// TestInvoicesAreTheSOAPRoadsToTheCent makes the same invoice on both
// roads and reads both back: the same number (each server's next), the
// same totals to the cent, the same lines.
func TestInvoicesAreTheSOAPRoadsToTheCent(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	inv := workOrderInvoice("Werkbon WB1 (ref 4711)", rel, "Standaard")
	b := r.books(Options{})
	restNr, err := b.AddInvoice(r.ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	soapNr, err := r.soap.AddInvoice(r.ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if restNr != soapNr {
		t.Errorf("invoice number REST %q, SOAP %q", restNr, soapNr)
	}
	got, err := b.Invoices(r.ctx, eboekhouden.InvoiceFilter{Number: restNr})
	if err != nil || len(got) != 1 {
		t.Fatalf("REST read-back: %v %+v", err, got)
	}
	want, err := r.soap.Invoices(r.ctx, eboekhouden.InvoiceFilter{Number: soapNr})
	if err != nil || len(want) != 1 {
		t.Fatalf("SOAP read-back: %v %+v", err, want)
	}
	g, w := got[0], want[0]
	if g.TotalInclVAT.Cents() != w.TotalInclVAT.Cents() || g.TotalExclVAT.Cents() != w.TotalExclVAT.Cents() ||
		g.TotalVAT.Cents() != w.TotalVAT.Cents() || g.RelationCode != w.RelationCode || !g.Date.Equal(w.Date) {
		t.Errorf("REST %+v\nSOAP %+v", g, w)
	}
	// 3 × 3.33 = 9.99 and 1.5833 × 62.50 = 98.96: 108.95 excl.
	if g.TotalExclVAT.String() != "108.95" {
		t.Errorf("total excl. VAT %s; want 108.95", g.TotalExclVAT)
	}
	if len(g.Lines) != len(inv.Lines) {
		t.Fatalf("%d lines read back", len(g.Lines))
	}
	for i, l := range g.Lines {
		in := inv.Lines[i]
		if !l.Quantity.Equal(in.Quantity) || !l.UnitPrice.Equal(in.UnitPrice) || l.Description != in.Description ||
			l.LedgerCode != in.LedgerCode || l.VATCode != in.VATCode || !sameUnit(l.Unit, in.Unit) || l.Code != in.Code {
			t.Errorf("line %d read back as %+v; sent %+v", i, l, in)
		}
	}
	// The booking carries the reference as a checked payment reference on
	// the debtor ledger.
	for _, v := range r.env.Sandbox.EBoekhoudenREST.State().Invoices {
		if v.InvoiceNumber == restNr {
			if v.Booking == nil || v.Booking.PaymentReference != "Werkbon WB1 (ref 4711)" {
				t.Errorf("booking %+v", v.Booking)
			}
		}
	}
}

// TestThePaymentReferenceGuardsAgainstASecondInvoice: even when the same
// work order's invoice is sent twice (which the engine's journal never
// does), the server refuses the second, and the answer is "unknown", which
// the engine settles by looking the invoice up.
func TestThePaymentReferenceGuardsAgainstASecondInvoice(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[1].Code
	inv := workOrderInvoice("Werkbon WB2 (ref 4712)", rel, "Standaard")
	b := r.books(Options{})
	if _, err := b.AddInvoice(r.ctx, inv); err != nil {
		t.Fatal(err)
	}
	before := len(r.env.Sandbox.EBoekhoudenREST.State().Invoices)
	_, err := b.AddInvoice(r.ctx, inv)
	isBoth(t, "second invoice", err, rest.ErrOutcomeUnknown, eboekhouden.ErrOutcomeUnknown)
	if !strings.Contains(err.Error(), "FACT_VERWERK_004") {
		t.Errorf("second invoice: %v; want FACT_VERWERK_004", err)
	}
	if after := len(r.env.Sandbox.EBoekhoudenREST.State().Invoices); after != before {
		t.Errorf("%d invoices after the second attempt; want %d", after, before)
	}
}

// TestALongReferenceIsHashed: a work order reference longer than 50
// characters becomes a payment reference of its own that still tells work
// orders apart.
func TestALongReferenceIsHashed(t *testing.T) {
	long := "Werkbon WB-2026-000123 (ref 0f5c2a9e-7b1d-4c83-9d2e-5a1b3c4d5e6f)"
	a, b := PaymentReference(long), PaymentReference(long+"x")
	if len(a) > 50 || a == b || !strings.HasPrefix(a, "KOP-") || PaymentReference("Werkbon 1 (ref 2)") != "Werkbon 1 (ref 2)" {
		t.Errorf("%q %q", a, b)
	}
}

func TestATemplateThatMatchesNoneIsARefusalNamingTheTemplates(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	b := r.books(Options{})
	r.rec.take()
	_, err := b.AddInvoice(r.ctx, workOrderInvoice("Werkbon WB3 (ref 4713)", rel, "Standard"))
	var apiErr *eboekhouden.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "FACT_018" || !strings.Contains(apiErr.Description, "Factuur met logo") {
		t.Fatalf("%v; want a FACT_018 refusal naming the active templates", err)
	}
	for _, p := range r.rec.take() {
		if p == "POST /v1/invoice" {
			t.Error("an invoice was sent")
		}
	}
	// A name that differs only in case and spaces is that template.
	if _, err := b.AddInvoice(r.ctx, workOrderInvoice("Werkbon WB3 (ref 4713)", rel, " standaard ")); err != nil {
		t.Errorf("loose name: %v", err)
	}
}

func TestAnUnknownLedgerOrRelationIsARefusal(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	b := r.books(Options{})
	inv := workOrderInvoice("Werkbon WB4 (ref 4714)", rel, "Standaard")
	inv.Lines[1].LedgerCode = "9999"
	var apiErr *eboekhouden.APIError
	if _, err := b.AddInvoice(r.ctx, inv); !errors.As(err, &apiErr) || apiErr.Code != "FACT_ITEM_012" {
		t.Errorf("unknown ledger: %v", err)
	}
	inv = workOrderInvoice("Werkbon WB4 (ref 4714)", "GEENRELATIE", "Standaard")
	if _, err := b.AddInvoice(r.ctx, inv); !errors.As(err, &apiErr) || apiErr.Code != "FACT_002" {
		t.Errorf("unknown relation: %v", err)
	}
}

// TestTheServerNumbers: Books sends no invoice number, so that
// e-Boekhouden goes on with the administration's own series and format
// (as on the SOAP road); the number it reports is the one the server gave.
func TestTheServerNumbers(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	b := r.books(Options{})
	var got []string
	for _, ref := range []string{"Werkbon WB5 (ref 4715)", "Werkbon WB6 (ref 4716)"} {
		n, err := b.AddInvoice(r.ctx, workOrderInvoice(ref, rel, "Standaard"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	held := map[string]bool{}
	for _, v := range r.env.Sandbox.EBoekhoudenREST.State().Invoices {
		held[v.InvoiceNumber] = true
	}
	if got[0] == got[1] || !held[got[0]] || !held[got[1]] {
		t.Errorf("numbers %q; the server holds %v", got, held)
	}
	for _, req := range r.env.Sandbox.EBoekhoudenREST.Requests().All() {
		if req.Op == "POST /v1/invoice" && strings.Contains(req.Body, "invoiceNumber") {
			t.Errorf("a number was sent: %s", req.Body)
		}
	}
}

// TestALostAnswerIsUnknownAndTheLookUpFindsTheInvoice: the invoice is
// made but its answer lost; the engine then looks it up by relation and
// date and finds it by its reference line.
func TestALostAnswerIsUnknownAndTheLookUpFindsTheInvoice(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[2].Code
	b := r.books(Options{})
	inv := workOrderInvoice("Werkbon WB7 (ref 4717)", rel, "Standaard")
	r.env.Sandbox.EBoekhoudenREST.Faults().Add(fault.Rule{Op: "POST /v1/invoice", Kind: fault.DropAfterApply, Times: 1})
	_, err := b.AddInvoice(r.ctx, inv)
	isBoth(t, "lost answer", err, rest.ErrOutcomeUnknown, eboekhouden.ErrOutcomeUnknown)
	got, err := r.books(Options{}).Invoices(r.ctx, eboekhouden.InvoiceFilter{RelationCode: rel, From: inv.Date, To: inv.Date})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, g := range got {
		if len(g.Lines) > 0 && g.Lines[0].Description == inv.Lines[0].Description {
			found++
		}
	}
	if found != 1 {
		t.Errorf("%d invoices carry the reference; want 1: %+v", found, got)
	}
}

// TestAnUnreadableListIsAnErrorNeverNone: a look-up whose answer cannot be
// read is an error (unknown), not an empty list (not found).
func TestAnUnreadableListIsAnErrorNeverNone(t *testing.T) {
	r := newRoad(t, nil)
	for _, kind := range []fault.Kind{fault.Malformed, fault.HTTP500} {
		r.env.Sandbox.EBoekhoudenREST.Faults().Add(fault.Rule{Op: "GET /v1/invoice", Kind: kind})
		got, err := r.books(Options{}).Invoices(r.ctx, eboekhouden.InvoiceFilter{From: time.Now().AddDate(0, -1, 0)})
		if err == nil || got != nil {
			t.Errorf("%s: %d invoices, %v; want an error", kind, len(got), err)
		}
		isBoth(t, string(kind), err, rest.ErrTransient, eboekhouden.ErrTransient)
		r.env.Sandbox.EBoekhoudenREST.Faults().Clear()
	}
	// One invoice's details unreadable: the whole answer is an error.
	r.env.Sandbox.EBoekhoudenREST.Faults().Add(fault.Rule{Op: "GET /v1/invoice/{id}", Kind: fault.Malformed})
	if got, err := r.books(Options{}).Invoices(r.ctx, eboekhouden.InvoiceFilter{}); err == nil {
		t.Errorf("%d invoices with unreadable details; want an error", len(got))
	}
}

// TestTheCostCentreGoesOnEveryLine: the lines' cost centre (the Export
// tab's kostenplaats) reaches the server as each item's costCenterId.
func TestTheCostCentreGoesOnEveryLine(t *testing.T) {
	r := newRoad(t, nil)
	rel := r.env.Sandbox.Dataset.EBoekhouden.Relations[0].Code
	inv := workOrderInvoice("Werkbon WB8 (ref 4718)", rel, "Standaard")
	for i := range inv.Lines {
		inv.Lines[i].CostCentreID = 2201
	}
	number, err := r.books(Options{}).AddInvoice(r.ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.env.Sandbox.EBoekhoudenREST.State().Invoices {
		if v.InvoiceNumber != number {
			continue
		}
		if len(v.Items) != len(inv.Lines) {
			t.Fatalf("%d items, want %d", len(v.Items), len(inv.Lines))
		}
		for i, it := range v.Items {
			if it.CostCenterID != 2201 {
				t.Errorf("item %d: cost centre %d, want 2201", i, it.CostCenterID)
			}
		}
		return
	}
	t.Fatalf("invoice %s not in the sandbox", number)
}

// TestFitPriceKeepsTheAmount: a price with more than two decimals becomes
// a price in cents with a quantity that gives the same amount to the cent,
// or one line of the amount that says what it was; two decimals pass.
func TestFitPriceKeepsTheAmount(t *testing.T) {
	d := decimal.MustParse
	for _, tc := range []struct {
		qty, price       string
		wantQty, wantPrc string
		wantDesc         string
	}{
		{"2.5", "60", "2.5", "60", "Arbeid"},
		{"1.5833", "62.50", "1.5833", "62.50", "Arbeid"},
		{"1.5833", "107.368", "1.5833", "107.37", "Arbeid"},
		{"7.25", "226.2897", "7.25", "226.29", "Arbeid"},
		// 2,5 × 107,37 is 268,425 and 2,4999 × 107,37 is 268,4143: no
		// quantity lands safely on 268,42.
		{"2.5", "107.368", "1", "268.42", "Arbeid (2,5 × € 107,368)"},
		{"3", "3.333", "1", "10.00", "Arbeid (3 × € 3,333)"},
	} {
		q, p, desc := fitPrice(d(tc.qty), d(tc.price), "Arbeid")
		if !q.Equal(d(tc.wantQty)) || !p.Equal(d(tc.wantPrc)) || desc != tc.wantDesc {
			t.Errorf("%s × %s: got %s × %s %q; want %s × %s %q", tc.qty, tc.price, q, p, desc, tc.wantQty, tc.wantPrc, tc.wantDesc)
		}
		want, _ := d(tc.qty).MulRound(d(tc.price), 2)
		if got, _ := q.MulRound(p, 2); !got.Equal(want) {
			t.Errorf("%s × %s: amount %s, want %s", tc.qty, tc.price, got, want)
		}
	}
}
