package eboekhouden

import (
	"math/big"
	"net/http"
	"testing"
)

// A payment registered through the inspection API moves Voldaan and
// Openstaand of the open item, and at the full amount the item leaves
// GetOpenPosten; what cannot be paid is refused.
func TestRegisterPaymentThroughInspection(t *testing.T) {
	e := newEnv(t)
	open := e.s.State().OpenItems
	if len(open) == 0 {
		t.Fatal("the demo dataset has no open item")
	}
	nr := open[0].MutFactuur
	item := func() *OpenItem {
		for _, o := range e.s.State().OpenItems {
			if o.MutFactuur == nr {
				return &o
			}
		}
		return nil
	}
	total, err := parseAmount(open[0].Bedrag)
	if err != nil {
		t.Fatal(err)
	}
	if code := e.do("POST", "/_sandbox/payments", `{"invoice":"`+nr+`","amount":10.05}`); code != http.StatusNoContent {
		t.Fatalf("payment: HTTP %d", code)
	}
	got := item()
	if got == nil {
		t.Fatal("a partly paid invoice left the open items")
	}
	rest, _ := parseAmount(got.Openstaand)
	paid, _ := parseAmount(got.Voldaan)
	if paid.FloatString(2) != "10.05" || new(big.Rat).Add(rest, paid).FloatString(2) != total.FloatString(2) {
		t.Errorf("after 10.05: Voldaan %s Openstaand %s of %s", got.Voldaan, got.Openstaand, got.Bedrag)
	}
	// More than is open is refused and changes nothing.
	if code := e.do("POST", "/_sandbox/payments", `{"invoice":"`+nr+`","amount":`+total.FloatString(2)+`}`); code != http.StatusConflict {
		t.Errorf("overpayment: HTTP %d", code)
	}
	restF, _ := rest.Float64()
	if err := e.s.RegisterPayment(nr, restF); err != nil {
		t.Fatal(err)
	}
	if item() != nil {
		t.Errorf("a paid invoice is still open")
	}
	for _, inv := range e.s.State().Invoices {
		if !inv.InBoekhoudingPlaatsen {
			if err := e.s.RegisterPayment(inv.Factuurnummer, 1); err == nil {
				t.Errorf("a payment on invoice %s, not booked, was accepted", inv.Factuurnummer)
			}
			break
		}
	}
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"invoice":"NOPE","amount":1}`, http.StatusConflict},
		{`{"invoice":"` + nr + `"}`, http.StatusBadRequest},
		{`{"amount":1}`, http.StatusBadRequest},
		{`not json`, http.StatusBadRequest},
	} {
		if code := e.do("POST", "/_sandbox/payments", c.body); code != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.body, code, c.want)
		}
	}
	if code := e.do("GET", "/_sandbox/payments", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET payments: HTTP %d", code)
	}
}
