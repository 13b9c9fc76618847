package ebrest

import (
	"fmt"
	"html"
	"strings"
	"testing"
)

// TestPageShowsTheInvoicesMade: the demo's "Stand van e-Boekhouden" page of
// the REST sandbox shows an invoice made over the API, with its relation,
// its amounts to the cent, that it was booked and what is outstanding.
func TestPageShowsTheInvoicesMade(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	before := fmt.Sprintf("Facturen (%d)", len(st.Invoices))
	if r := e.do("GET", "/_sandbox/stand", "", ""); r.status != 200 || !strings.Contains(string(r.body), before) {
		t.Fatalf("page before the invoice: %d, no %q\n%s", r.status, before, r.body)
	}
	if r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, nil)); r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r := e.do("GET", "/_sandbox/stand", "", "")
	page := string(r.body)
	rel := st.Relations[0]
	for _, want := range []string{"WB-2026-00042", "07-12-2026", html.EscapeString(rel.Code + ", " + rel.Name), "239,95", "50,39", "290,34", "Montage per uur", "Openstaande posten"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if after := fmt.Sprintf("Facturen (%d)", len(st.Invoices)+1); r.status != 200 || !strings.Contains(page, after) {
		t.Errorf("page after the invoice: %d, no %q", r.status, after)
	}
}
