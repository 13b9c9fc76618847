package eboekhouden

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// These tests run the client against the e-Boekhouden sandbox over real
// loopback HTTP with the demo dataset.

// relationFromDemo maps a sandbox relation to the client's type.
func relationFromDemo(t *testing.T, r demodata.Relatie) Relation {
	t.Helper()
	added, err := time.Parse("2006-01-02", r.AddDatum)
	if err != nil {
		t.Fatal(err)
	}
	return Relation{
		ID: r.ID, AddedOn: added, Code: r.Code, Company: r.Bedrijf, ContactPerson: r.Contactpersoon, Gender: r.Geslacht,
		Address: r.Adres, PostalCode: r.Postcode, City: r.Plaats, Country: r.Land,
		PostalAddress: r.Adres2, PostalAddressPostalCode: r.Postcode2, PostalAddressCity: r.Plaats2, PostalAddressCountry: r.Land2,
		Phone: r.Telefoon, Mobile: r.GSM, Fax: r.FAX, Email: r.Email, Website: r.Site, Note: r.Notitie,
		BankAccount: r.Bankrekening, GiroAccount: r.Girorekening, VATNumber: r.BTWNummer, ChamberOfCommerce: r.KvkNummer,
		Salutation: r.Aanhef, IBAN: r.IBAN, BIC: r.BIC, Kind: bpFromWire(r.BP),
		Def1: r.Def1, Def2: r.Def2, Def3: r.Def3, Def4: r.Def4, Def5: r.Def5, Def6: r.Def6, Def7: r.Def7, Def8: r.Def8, Def9: r.Def9, Def10: r.Def10,
		MembersModule: r.LA, LedgerID: r.GbID, NoEmail: r.GeenEmail != 0, NewsletterGroupCount: r.NieuwsbriefgroepenCount,
	}
}

func (e *sandboxEnv) stateRelation(code string) (demodata.Relatie, bool) {
	for _, r := range e.srv.State().Relations {
		if r.Code == code {
			return r, true
		}
	}
	return demodata.Relatie{}, false
}

func (e *sandboxEnv) invoiceCount() int { return len(e.srv.State().Invoices) }

// demoInvoice is a valid invoice for the demo administration.
func demoInvoice() Invoice {
	return Invoice{
		RelationCode: "1002", Date: date(2026, 3, 14), PaymentTermDays: 30, Template: "Standaard", Book: true,
		BookingDescription: "Werkbon 2026-0042",
		Lines: []InvoiceLine{
			{Quantity: decimal.MustParse("2.5"), Unit: "uur", Code: "ARB-MONT", Description: "Arbeid monteur", UnitPrice: decimal.MustParse("62.5"), VATCode: "HOOG_VERK_21", LedgerCode: "8010"},
			{Quantity: decimal.MustParse("3"), Unit: "stuk", Code: "MAT-01", Description: "Knelkoppeling 15 mm", UnitPrice: decimal.MustParse("4.55"), VATCode: "HOOG_VERK_21", LedgerCode: "8000"},
			{Quantity: decimal.MustParse("1"), Code: "VOORRIJ", Description: "Voorrijkosten", UnitPrice: decimal.MustParse("35"), VATCode: "LAAG_VERK_9", LedgerCode: "8020", CostCentreID: 3},
		},
	}
}

func TestSandboxRelations(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	state := e.srv.State().Relations

	all, err := e.client.Relations(ctx, RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(state) || len(all) == 0 {
		t.Fatalf("got %d relations, the sandbox has %d", len(all), len(state))
	}
	for i, r := range state {
		if want := relationFromDemo(t, r); !reflect.DeepEqual(all[i], want) {
			t.Errorf("relation %s =\n%+v\nwant\n%+v", r.Code, all[i], want)
		}
	}
	cases := []struct {
		name   string
		filter RelationFilter
		want   func(demodata.Relatie) bool
	}{
		{"by code", RelationFilter{Code: "1002"}, func(r demodata.Relatie) bool { return r.Code == "1002" }},
		{"by ID", RelationFilter{ID: state[2].ID}, func(r demodata.Relatie) bool { return r.ID == state[2].ID }},
		{"by keyword", RelationFilter{Keyword: "utrecht"}, func(r demodata.Relatie) bool {
			return strings.Contains(strings.ToLower(r.Code+"|"+r.Bedrijf+"|"+r.Contactpersoon+"|"+r.Plaats+"|"+r.Email), "utrecht")
		}},
		{"unknown code", RelationFilter{Code: "9999"}, func(demodata.Relatie) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.client.Relations(ctx, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, r := range state {
				if c.want(r) {
					want = append(want, r.Code)
				}
			}
			var codes []string
			for _, r := range got {
				codes = append(codes, r.Code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(want) {
				t.Errorf("codes = %v, want %v", codes, want)
			}
		})
	}
	if n := e.count(opOpenSession); n != 1 {
		t.Errorf("OpenSession called %d times for one client, want 1", n)
	}
}

func TestSandboxAddAndUpdateRelation(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	rel := goldenRelation()
	rel.AddedOn = date(2026, 3, 14)
	id, err := e.client.AddRelation(ctx, rel)
	if err != nil {
		t.Fatal(err)
	}
	if id <= 0 {
		t.Fatalf("id = %d", id)
	}
	got, err := e.client.Relations(ctx, RelationFilter{Code: rel.Code})
	if err != nil || len(got) != 1 {
		t.Fatalf("read back: %d, %v", len(got), err)
	}
	want := rel
	want.ID, want.MembersModule = id, "0"
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("read back =\n%+v\nwant\n%+v", got[0], want)
	}

	// Read-modify-write, including clearing fields.
	upd := got[0]
	upd.Company, upd.Phone, upd.Def1, upd.Kind, upd.NoEmail = "Van der Meer Installaties B.V.", "", "", RelationBusiness, false
	if err := e.client.UpdateRelation(ctx, upd); err != nil {
		t.Fatal(err)
	}
	again, err := e.client.Relations(ctx, RelationFilter{ID: id})
	if err != nil || len(again) != 1 {
		t.Fatalf("read back after update: %d, %v", len(again), err)
	}
	if !reflect.DeepEqual(again[0], upd) {
		t.Errorf("after update =\n%+v\nwant\n%+v", again[0], upd)
	}
	st, _ := e.stateRelation(rel.Code)
	if st.Telefoon != "" || st.Def1 != "" || st.BP != "B" || st.Bedrijf != upd.Company {
		t.Errorf("sandbox state after update = %+v", st)
	}

	t.Run("CREL001", func(t *testing.T) {
		before := len(e.srv.State().Relations)
		dup := goldenRelation()
		_, err := e.client.AddRelation(ctx, dup)
		var api *APIError
		if !errors.As(err, &api) || api.Code != CodeRelationCodeInUse || !errors.Is(err, ErrRelationCodeInUse) {
			t.Fatalf("err = %v, want CREL001", err)
		}
		if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) {
			t.Errorf("a refused write is marked %v", err)
		}
		if after := len(e.srv.State().Relations); after != before {
			t.Errorf("relations %d -> %d", before, after)
		}
	})
	t.Run("unknown ID", func(t *testing.T) {
		ghost := upd
		ghost.ID = 999999
		ghost.Code = "GHOST"
		err := e.client.UpdateRelation(ctx, ghost)
		var api *APIError
		if !errors.As(err, &api) || api.Op != opUpdateRelatie || api.Code == "" || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v, want an APIError from UpdateRelatie", err)
		}
	})
}

func TestSandboxProducts(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	state := e.srv.State().Articles
	all, err := e.client.Products(ctx, ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(state) {
		t.Fatalf("got %d products, the sandbox has %d", len(all), len(state))
	}
	for i, a := range state {
		p := all[i]
		want := Product{
			ID: a.ArtikelID, Code: a.ArtikelCode, Description: a.ArtikelOmschrijving, GroupCode: a.GroepCode,
			GroupDescription: a.GroepOmschrijving, Unit: a.Eenheid,
			PurchasePrice: decimal.MustParse(a.InkoopprijsExclBTW), SalePrice: decimal.MustParse(a.VerkoopprijsExclBTW),
			SalePriceInclVAT: decimal.MustParse(a.VerkoopprijsInclBTW), VATCode: a.BTWCode, LedgerCode: a.TegenrekeningCode,
			VATRate: decimal.MustParse(a.BtwPercentage), CostCentreID: a.KostenplaatsID, Active: a.Actief,
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("product %s =\n%+v\nwant\n%+v", a.ArtikelCode, p, want)
		}
	}
	one, err := e.client.Products(ctx, ProductFilter{Code: "ARB-MONT"})
	if err != nil || len(one) != 1 || one[0].Code != "ARB-MONT" || one[0].Unit != "uur" {
		t.Fatalf("ARB-MONT: %+v, %v", one, err)
	}
	group, err := e.client.Products(ctx, ProductFilter{GroupCode: one[0].GroupCode})
	if err != nil || len(group) == 0 {
		t.Fatalf("group %s: %d, %v", one[0].GroupCode, len(group), err)
	}
	for _, p := range group {
		if p.GroupCode != one[0].GroupCode {
			t.Errorf("group filter returned %s in group %s", p.Code, p.GroupCode)
		}
	}
}

func TestSandboxInvoices(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	inv := demoInvoice()
	next := e.srv.State().NextInvoiceNumbers["2026"]
	number, err := e.client.AddInvoice(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if number != next {
		t.Errorf("number = %q, the sandbox announced %q", number, next)
	}
	got, err := e.client.Invoices(ctx, InvoiceFilter{Number: number})
	if err != nil || len(got) != 1 {
		t.Fatalf("Invoices(%s) = %d, %v", number, len(got), err)
	}
	s := got[0]
	if s.Number != number || s.RelationCode != inv.RelationCode || !s.Date.Equal(inv.Date) || s.PaymentTermDays != inv.PaymentTermDays || s.PDFURL == "" {
		t.Errorf("summary = %+v", s)
	}
	if !reflect.DeepEqual(s.Lines, inv.Lines) {
		t.Errorf("lines =\n%+v\nwant\n%+v", s.Lines, inv.Lines)
	}
	var stInv sbeb.Invoice
	for _, x := range e.srv.State().Invoices {
		if x.Factuurnummer == number {
			stInv = x
		}
	}
	for name, pair := range map[string][2]string{
		"excl": {s.TotalExclVAT.String(), stInv.TotaalExclBTW}, "vat": {s.TotalVAT.String(), stInv.TotaalBTW},
		"incl": {s.TotalInclVAT.String(), stInv.TotaalInclBTW}, "open": {s.TotalOutstanding.String(), stInv.TotaalOpenstaand},
	} {
		if pair[0] != pair[1] {
			t.Errorf("total %s = %s, sandbox %s", name, pair[0], pair[1])
		}
	}
	// 2.5*62.5 + 3*4.55 = 169.90 at 21% (35.68), 35 at 9% (3.15).
	if s.TotalExclVAT.String() != "204.9" || s.TotalVAT.String() != "38.83" || s.TotalInclVAT.String() != "243.73" {
		t.Errorf("totals %s + %s = %s", s.TotalExclVAT, s.TotalVAT, s.TotalInclVAT)
	}

	t.Run("explicit number and duplicate", func(t *testing.T) {
		inv := demoInvoice()
		inv.Number = "KOP-2026-0001"
		n, err := e.client.AddInvoice(ctx, inv)
		if err != nil || n != inv.Number {
			t.Fatalf("AddInvoice = %q, %v", n, err)
		}
		before := e.invoiceCount()
		_, err = e.client.AddInvoice(ctx, inv)
		var api *APIError
		if !errors.As(err, &api) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("duplicate number: err = %v", err)
		}
		if e.invoiceCount() != before {
			t.Error("the duplicate was stored")
		}
	})
	t.Run("filters", func(t *testing.T) {
		byRel, err := e.client.Invoices(ctx, InvoiceFilter{RelationCode: "1002"})
		if err != nil || len(byRel) < 2 {
			t.Fatalf("by relation: %d, %v", len(byRel), err)
		}
		for _, x := range byRel {
			if x.RelationCode != "1002" {
				t.Errorf("relation filter returned %s for %s", x.Number, x.RelationCode)
			}
		}
		inMarch, err := e.client.Invoices(ctx, InvoiceFilter{From: date(2026, 3, 14), To: date(2026, 3, 14)})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range inMarch {
			if !x.Date.Equal(date(2026, 3, 14)) {
				t.Errorf("date filter returned %s dated %s", x.Number, x.Date)
			}
		}
		if len(inMarch) < 2 {
			t.Errorf("date filter found %d invoices of 14 March 2026", len(inMarch))
		}
	})
	t.Run("open items", func(t *testing.T) {
		items, err := e.client.OpenItems(ctx, OpenItemsDebtors)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(e.srv.State().OpenItems) {
			t.Errorf("%d open items, the sandbox has %d", len(items), len(e.srv.State().OpenItems))
		}
		found := false
		for _, it := range items {
			if it.InvoiceNumber == number {
				found = true
				if !it.Outstanding.Equal(s.TotalInclVAT) || !it.Amount.Equal(s.TotalInclVAT) || !it.Paid.IsZero() || it.RelationCode != "1002" || it.RelationCompany == "" {
					t.Errorf("open item = %+v", it)
				}
			}
		}
		if !found {
			t.Errorf("invoice %s is not an open item", number)
		}
		cred, err := e.client.OpenItems(ctx, OpenItemsCreditors)
		if err != nil || len(cred) != 0 {
			t.Errorf("creditors: %d, %v", len(cred), err)
		}
	})
}

func TestSandboxInvoiceBusinessErrors(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	cases := []struct {
		name   string
		change func(*Invoice)
		code   string
	}{
		{"unknown relation", func(i *Invoice) { i.RelationCode = "9999" }, sbeb.CodeInvoiceRelation},
		{"unknown template", func(i *Invoice) { i.Template = "standaard" }, sbeb.CodeInvoiceTemplate},
		{"unknown VAT code", func(i *Invoice) { i.Lines[1].VATCode = "HOOG_VERK_99" }, sbeb.CodeInvoiceBTW},
		{"purchase VAT code", func(i *Invoice) { i.Lines[0].VATCode = "HOOG_INK_21" }, sbeb.CodeInvoiceBTW},
		{"unknown ledger", func(i *Invoice) { i.Lines[2].LedgerCode = "9999" }, sbeb.CodeInvoiceLedger},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := demoInvoice()
			c.change(&inv)
			before, calls := e.invoiceCount(), e.count(opAddFactuur)
			_, err := e.client.AddInvoice(ctx, inv)
			var api *APIError
			if !errors.As(err, &api) || api.Code != c.code || api.Description == "" {
				t.Fatalf("err = %v, want APIError %s", err, c.code)
			}
			if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) || errors.Is(err, ErrSessionExpired) {
				t.Errorf("business error classified as %v", err)
			}
			if !strings.Contains(err.Error(), "AddFactuur for relation "+inv.RelationCode) {
				t.Errorf("error lacks context: %v", err)
			}
			if got := e.count(opAddFactuur) - calls; got != 1 {
				t.Errorf("AddFactuur sent %d times, want 1", got)
			}
			if e.invoiceCount() != before {
				t.Error("a refused invoice was stored")
			}
		})
	}
}

func TestSandboxCheckLoginAndClose(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	if err := e.client.CheckLogin(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.State().Sessions; n != 1 {
		t.Errorf("%d sessions open after CheckLogin", n)
	}
	if err := e.client.CheckLogin(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.State().Sessions; n != 1 {
		t.Errorf("%d sessions open after a second CheckLogin (the old one should be closed)", n)
	}
	if err := e.client.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.State().Sessions; n != 0 {
		t.Errorf("%d sessions open after Close", n)
	}
	closes := e.count(opCloseSession)
	if err := e.client.Close(ctx); err != nil || e.count(opCloseSession) != closes {
		t.Errorf("a second Close sent CloseSession or failed: %v", err)
	}
	// Usable after Close: a new session opens.
	if _, err := e.client.Products(ctx, ProductFilter{Code: "ARB-MONT"}); err != nil {
		t.Fatal(err)
	}

	for name, creds := range map[string]Credentials{
		"wrong security code 1": {Username: e.creds.Username, SecurityCode1: "ffffffffffffffffffffffffffffffff", SecurityCode2: e.creds.SecurityCode2},
		"wrong security code 2": {Username: e.creds.Username, SecurityCode1: e.creds.SecurityCode1, SecurityCode2: "00000000-0000-0000-0000-000000000000"},
		"wrong username":        {Username: "iemand-anders", SecurityCode1: e.creds.SecurityCode1, SecurityCode2: e.creds.SecurityCode2},
	} {
		t.Run(name, func(t *testing.T) {
			bad, err := New(Config{Endpoint: e.url, Credentials: creds, Retry: fastRetry})
			if err != nil {
				t.Fatal(err)
			}
			before := e.count(opOpenSession)
			err = bad.CheckLogin(ctx)
			var api *APIError
			if !errors.Is(err, ErrBadCredentials) || !errors.As(err, &api) || api.Op != opOpenSession {
				t.Fatalf("err = %v, want ErrBadCredentials", err)
			}
			if errors.Is(err, ErrTransient) || errors.Is(err, ErrCallLimit) {
				t.Errorf("bad credentials classified as %v", err)
			}
			if n := e.count(opOpenSession) - before; n != 1 {
				t.Errorf("OpenSession sent %d times, want 1 (no retry)", n)
			}
			// An operation reports the refused login too, and sends nothing else.
			_, err = bad.Relations(ctx, RelationFilter{})
			if !errors.Is(err, ErrBadCredentials) {
				t.Errorf("Relations err = %v", err)
			}
			assertNoSecrets(t, "error", err.Error(), bad)
			assertNoSecrets(t, "error", err.Error(), e.client)
		})
	}
}

func TestSandboxSessionExpiredRecovery(t *testing.T) {
	t.Run("read", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		if _, err := e.client.Relations(ctx, RelationFilter{Code: "1001"}); err != nil {
			t.Fatal(err)
		}
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.SessionExpired, Times: 1})
		rels, err := e.client.Relations(ctx, RelationFilter{Code: "1002"})
		if err != nil || len(rels) != 1 {
			t.Fatalf("Relations after E0023: %d, %v", len(rels), err)
		}
		if o, g := e.count(opOpenSession), e.count(opGetRelaties); o != 2 || g != 3 {
			t.Errorf("OpenSession %d, GetRelaties %d; want 2 and 3", o, g)
		}
	})
	t.Run("write is repeated once, applied once", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.SessionExpired, Times: 1})
		before := e.invoiceCount()
		number, err := e.client.AddInvoice(ctx, demoInvoice())
		if err != nil || number == "" {
			t.Fatalf("AddInvoice after E0023: %q, %v", number, err)
		}
		if after := e.invoiceCount(); after != before+1 {
			t.Errorf("invoices %d -> %d, want exactly one more", before, after)
		}
		if o, a := e.count(opOpenSession), e.count(opAddFactuur); o != 2 || a != 2 {
			t.Errorf("OpenSession %d, AddFactuur %d; want 2 and 2", o, a)
		}
	})
	t.Run("persistent E0023 is reported after one reopen", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opUpdateRelatie, Kind: fault.SessionExpired})
		rels, err := e.client.Relations(ctx, RelationFilter{Code: "1002"})
		if err != nil {
			t.Fatal(err)
		}
		err = e.client.UpdateRelation(ctx, rels[0])
		var api *APIError
		if !errors.Is(err, ErrSessionExpired) || !errors.As(err, &api) || api.Code != CodeSessionExpired {
			t.Fatalf("err = %v, want ErrSessionExpired", err)
		}
		if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrBadCredentials) {
			t.Errorf("E0023 classified as %v", err)
		}
		if n := e.count(opUpdateRelatie); n != 2 {
			t.Errorf("UpdateRelatie sent %d times, want 2 (the call and one repeat)", n)
		}
		e.srv.Faults().Clear()
		if err := e.client.UpdateRelation(ctx, rels[0]); err != nil {
			t.Errorf("after the fault cleared: %v", err)
		}
	})
	t.Run("idle session", func(t *testing.T) {
		clock := &testClock{t: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}
		e := newSandbox(t, func(o *sbeb.Options) { o.Now = clock.Now; o.SessionIdle = 10 * time.Minute }, nil)
		ctx := ctxT(t)
		if _, err := e.client.Products(ctx, ProductFilter{}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(11 * time.Minute)
		if _, err := e.client.Products(ctx, ProductFilter{}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(opOpenSession); n != 2 {
			t.Errorf("OpenSession %d times, want 2", n)
		}
	})
	t.Run("session call cap", func(t *testing.T) {
		e := newSandbox(t, func(o *sbeb.Options) { o.SessionMaxCalls = 2 }, nil)
		ctx := ctxT(t)
		for i := range 5 {
			if _, err := e.client.OpenItems(ctx, OpenItemsDebtors); err != nil {
				t.Fatalf("call %d: %v", i+1, err)
			}
		}
		// Sessions allow 2 calls: 2 + 2 + 1, each expiry costing one rejected call.
		if o, g := e.count(opOpenSession), e.count(opGetOpenPosten); o != 3 || g != 7 {
			t.Errorf("OpenSession %d, GetOpenPosten %d; want 3 and 7", o, g)
		}
	})
}

// testClock is a settable clock for the sandbox.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestSandboxCallLimit(t *testing.T) {
	t.Run("injected on a read and a write", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.CallLimit, Times: 1})
		_, err := e.client.Relations(ctx, RelationFilter{})
		var api *APIError
		if !errors.Is(err, ErrCallLimit) || !errors.As(err, &api) || api.Code != CodeCallLimit {
			t.Fatalf("err = %v, want ErrCallLimit", err)
		}
		if n := e.count(opGetRelaties); n != 1 {
			t.Errorf("GetRelaties sent %d times, want 1 (no retry inside the client)", n)
		}
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.CallLimit, Times: 1})
		before := e.invoiceCount()
		_, err = e.client.AddInvoice(ctx, demoInvoice())
		if !errors.Is(err, ErrCallLimit) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("AddInvoice err = %v", err)
		}
		if e.invoiceCount() != before || e.count(opAddFactuur) != 1 {
			t.Error("a call refused by the call limit was stored or repeated")
		}
	})
	t.Run("real limit, also on OpenSession", func(t *testing.T) {
		e := newSandbox(t, func(o *sbeb.Options) { o.CallLimitPerMinute = 2 }, nil)
		ctx := ctxT(t)
		if _, err := e.client.Relations(ctx, RelationFilter{Code: "1001"}); err != nil { // OpenSession + GetRelaties
			t.Fatal(err)
		}
		if _, err := e.client.Relations(ctx, RelationFilter{Code: "1001"}); !errors.Is(err, ErrCallLimit) {
			t.Fatalf("third call: %v, want ErrCallLimit", err)
		}
		other, err := New(Config{Endpoint: e.url, Credentials: e.creds, Retry: fastRetry})
		if err != nil {
			t.Fatal(err)
		}
		err = other.CheckLogin(ctx)
		if !errors.Is(err, ErrCallLimit) || errors.Is(err, ErrBadCredentials) {
			t.Fatalf("CheckLogin under the call limit: %v, want ErrCallLimit and not ErrBadCredentials", err)
		}
	})
}

func TestSandboxHTTP500(t *testing.T) {
	t.Run("read retried", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetArtikelen, Kind: fault.HTTP500, Times: 1})
		if _, err := e.client.Products(ctx, ProductFilter{}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(opGetArtikelen); n != 2 {
			t.Errorf("GetArtikelen sent %d times, want 2", n)
		}
	})
	t.Run("read gives up after the policy", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetArtikelen, Kind: fault.HTTP500})
		_, err := e.client.Products(ctx, ProductFilter{})
		var fe *FaultError
		if !errors.Is(err, ErrTransient) || !errors.As(err, &fe) || fe.Code != "soap:Server" || fe.StatusCode != 500 || fe.Message == "" {
			t.Fatalf("err = %v", err)
		}
		if n := e.count(opGetArtikelen); n != fastRetry.Attempts {
			t.Errorf("GetArtikelen sent %d times, want %d", n, fastRetry.Attempts)
		}
	})
	t.Run("write: outcome unknown, never retried", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.HTTP500, Times: 1})
		before := e.invoiceCount()
		_, err := e.client.AddInvoice(ctx, demoInvoice())
		var fe *FaultError
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &fe) || fe.Code != "soap:Server" || fe.Refused() {
			t.Fatalf("err = %v", err)
		}
		if n := e.count(opAddFactuur); n != 1 {
			t.Errorf("AddFactuur sent %d times, want 1", n)
		}
		if e.invoiceCount() != before {
			t.Error("the sandbox applied a call it answered with HTTP 500")
		}
	})
}

func TestSandboxDroppedConnections(t *testing.T) {
	t.Run("read retried", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetFacturen, Kind: fault.DropAfterApply, Times: 2})
		if _, err := e.client.Invoices(ctx, InvoiceFilter{}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(opGetFacturen); n != 3 {
			t.Errorf("GetFacturen sent %d times, want 3", n)
		}
	})
	t.Run("read gives up", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetFacturen, Kind: fault.DropBeforeApply})
		_, err := e.client.Invoices(ctx, InvoiceFilter{})
		if !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	for _, kind := range []fault.Kind{fault.DropAfterApply, fault.DropBeforeApply} {
		t.Run("write "+string(kind), func(t *testing.T) {
			e := newSandbox(t, nil, nil)
			ctx := ctxT(t)
			e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: kind, Times: 1})
			before := e.invoiceCount()
			_, err := e.client.AddInvoice(ctx, demoInvoice())
			if !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			if n := e.count(opAddFactuur); n != 1 {
				t.Errorf("AddFactuur sent %d times, want 1", n)
			}
			applied := kind == fault.DropAfterApply
			if got := e.invoiceCount() == before+1; got != applied {
				t.Errorf("invoice stored = %v, want %v", got, applied)
			}
			// The caller's way out: look the invoice up before trying again.
			found, err := e.client.Invoices(ctx, InvoiceFilter{RelationCode: "1002", From: date(2026, 3, 14), To: date(2026, 3, 14)})
			if err != nil || (len(found) == 1) != applied {
				t.Errorf("lookup after the unknown outcome: %d invoices, %v", len(found), err)
			}
		})
	}
	t.Run("relation write", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddRelatie, Kind: fault.DropAfterApply, Times: 1})
		_, err := e.client.AddRelation(ctx, goldenRelation())
		if !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		if _, ok := e.stateRelation(goldenRelation().Code); !ok {
			t.Error("the relation was not stored")
		}
		if _, err := e.client.AddRelation(ctx, goldenRelation()); !errors.Is(err, ErrRelationCodeInUse) {
			t.Errorf("adding it again: %v, want CREL001", err)
		}
	})
}

func TestSandboxTimeouts(t *testing.T) {
	short := func(c *Config) { c.Timeout = 250 * time.Millisecond }
	t.Run("write times out before the server applies it", func(t *testing.T) {
		e := newSandbox(t, nil, short)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.Timeout, Delay: fault.Duration(20 * time.Second), Times: 1})
		before := e.invoiceCount()
		start := time.Now()
		_, err := e.client.AddInvoice(ctx, demoInvoice())
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		// Without the 250 ms timeout the call would take the 5 s default.
		if el := time.Since(start); el > 4*time.Second {
			t.Errorf("took %s with a 250 ms timeout", el)
		}
		if n := e.count(opAddFactuur); n > 1 {
			t.Errorf("AddFactuur sent %d times", n)
		}
		if e.invoiceCount() != before {
			t.Error("stored although the client had gone")
		}
	})
	t.Run("write applied after the client gave up", func(t *testing.T) {
		e := newSandbox(t, nil, short)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.Slow, Delay: fault.Duration(600 * time.Millisecond), Times: 1})
		before := e.invoiceCount()
		_, err := e.client.AddInvoice(ctx, demoInvoice())
		if !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for e.invoiceCount() == before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if e.invoiceCount() != before+1 {
			t.Error("the slow server never stored the invoice")
		}
	})
	t.Run("read retried after a timeout", func(t *testing.T) {
		e := newSandbox(t, nil, short)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.Timeout, Delay: fault.Duration(2 * time.Second), Times: 1})
		if _, err := e.client.Relations(ctx, RelationFilter{Code: "1001"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.Slow, Delay: fault.Duration(2 * time.Second)})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := e.client.Relations(ctx, RelationFilter{})
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTransient) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSandboxMalformedAndOversized(t *testing.T) {
	t.Run("malformed read retried", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.Malformed, Times: 1})
		rels, err := e.client.Relations(ctx, RelationFilter{})
		if err != nil || len(rels) != len(e.srv.State().Relations) {
			t.Fatalf("%d relations, %v", len(rels), err)
		}
		if n := e.count(opGetRelaties); n != 2 {
			t.Errorf("GetRelaties sent %d times, want 2", n)
		}
	})
	t.Run("malformed write", func(t *testing.T) {
		e := newSandbox(t, nil, nil)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddFactuur, Kind: fault.Malformed, Times: 1})
		before := e.invoiceCount()
		_, err := e.client.AddInvoice(ctx, demoInvoice())
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, errMalformed) {
			t.Fatalf("err = %v", err)
		}
		if e.invoiceCount() != before+1 || e.count(opAddFactuur) != 1 {
			t.Error("want the invoice stored once and the call not repeated")
		}
	})
	capped := func(c *Config) { c.MaxResponseBytes = 1 << 20 }
	t.Run("oversized read", func(t *testing.T) {
		e := newSandbox(t, nil, capped)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.Oversized, Size: 4 << 20})
		_, err := e.client.Relations(ctx, RelationFilter{})
		if !errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrTransient) {
			t.Fatalf("err = %v", err)
		}
		if n := e.count(opGetRelaties); n != 1 {
			t.Errorf("GetRelaties sent %d times, want 1", n)
		}
	})
	t.Run("oversized write", func(t *testing.T) {
		e := newSandbox(t, nil, capped)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opAddRelatie, Kind: fault.Oversized, Size: 4 << 20})
		_, err := e.client.AddRelation(ctx, goldenRelation())
		if !errors.Is(err, ErrResponseTooLarge) || !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("padding under the cap is not an answer", func(t *testing.T) {
		// A complete, well-formed answer the WSDL does not describe: not
		// an empty list, and not repeated (the same answer would come
		// again).
		e := newSandbox(t, nil, capped)
		ctx := ctxT(t)
		e.srv.Faults().Add(fault.Rule{Op: opGetOpenPosten, Kind: fault.Oversized, Size: 64 << 10, Times: 1})
		items, err := e.client.OpenItems(ctx, OpenItemsDebtors)
		if !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrTransient) || items != nil {
			t.Fatalf("%d items, %v", len(items), err)
		}
		if n := e.count(opGetOpenPosten); n != 1 {
			t.Errorf("GetOpenPosten sent %d times, want 1", n)
		}
	})
}

func TestSandboxConcurrentCalls(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				var err error
				switch (g + i) % 3 {
				case 0:
					_, err = e.client.Relations(ctx, RelationFilter{})
				case 1:
					_, err = e.client.Products(ctx, ProductFilter{})
				default:
					_, err = e.client.OpenItems(ctx, OpenItemsDebtors)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := e.count(opOpenSession); n != 1 {
		t.Errorf("OpenSession %d times for 40 concurrent calls, want 1", n)
	}
}

func TestSandboxQueuedCallerGivesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
	e := newSandbox(t, nil, nil)
	e.srv.Faults().Add(fault.Rule{Op: opGetRelaties, Kind: fault.Slow, Delay: fault.Duration(3 * time.Second), Times: 1})
	done := make(chan error, 1)
	go func() {
		_, err := e.client.Relations(context.Background(), RelationFilter{})
		done <- err
	}()
	// Wait until the slow call holds the turn: its session is open and its
	// GetRelaties is in flight (the sandbox logs a call when it answers).
	for e.count(opOpenSession) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.client.Products(ctx, ProductFilter{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("queued call: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("queued call waited %s for a turn instead of giving up at its deadline", el)
	}
	if err := <-done; err != nil {
		t.Errorf("slow call: %v", err)
	}
}

// TestSandboxUnrecognisedListAnswers: with the sandbox's "unrecognised"
// fault every list read fails with ErrUnreadable instead of reading the
// renamed records as an empty list, also when nothing matches; it is not
// repeated, and the next call reads the real data.
func TestSandboxUnrecognisedListAnswers(t *testing.T) {
	e := newSandbox(t, nil, nil)
	ctx := ctxT(t)
	for _, c := range []struct {
		name, op string
		call     func() (int, error)
	}{
		{"invoices", opGetFacturen, func() (int, error) { v, err := e.client.Invoices(ctx, InvoiceFilter{}); return len(v), err }},
		{"no invoice found", opGetFacturen, func() (int, error) {
			v, err := e.client.Invoices(ctx, InvoiceFilter{RelationCode: "GEEN"})
			return len(v), err
		}},
		{"relations", opGetRelaties, func() (int, error) { v, err := e.client.Relations(ctx, RelationFilter{}); return len(v), err }},
		{"products", opGetArtikelen, func() (int, error) { v, err := e.client.Products(ctx, ProductFilter{}); return len(v), err }},
		{"open items", opGetOpenPosten, func() (int, error) { v, err := e.client.OpenItems(ctx, OpenItemsDebtors); return len(v), err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.count(c.op)
			e.srv.Faults().Add(fault.Rule{Op: c.op, Kind: fault.Unrecognised, Times: 1})
			n, err := c.call()
			if n != 0 || !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrTransient) || !strings.Contains(err.Error(), c.op) {
				t.Fatalf("%d records, err = %v; want ErrUnreadable", n, err)
			}
			if sent := e.count(c.op) - before; sent != 1 {
				t.Errorf("%s sent %d times, want 1", c.op, sent)
			}
			if _, err := c.call(); err != nil {
				t.Fatalf("the next call: %v", err)
			}
		})
	}
}
