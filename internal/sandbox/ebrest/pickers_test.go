package ebrest

import (
	"net/http"
	"testing"
)

// TestUnitsAndTemplates lists units and invoice templates with paging and
// filters, and refuses a bad filter on them.
func TestUnitsAndTemplates(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	units, n := list[Unit](t, e.do("GET", "/v1/unit?limit=2000", tok, ""))
	if n != len(st.Units) || len(units) != n || n == 0 {
		t.Fatalf("units: %d, count %d, want %d", len(units), n, len(st.Units))
	}
	hours, n := list[Unit](t, e.do("GET", "/v1/unit?plural=UREN", tok, ""))
	if n != 1 || hours[0].Singular != "uur" || hours[0].Plural != "uren" {
		t.Errorf("plural=UREN: %+v", hours)
	}
	if page, n := list[Unit](t, e.do("GET", "/v1/unit?limit=2&offset=1", tok, "")); len(page) != 2 || n != len(st.Units) || page[0] != st.Units[1] {
		t.Errorf("units page: %+v count %d", page, n)
	}
	tpls, n := list[InvoiceTemplate](t, e.do("GET", "/v1/invoicetemplate", tok, ""))
	if n != 3 || len(tpls) != 3 || tpls[0].Name != "Standaard" || !tpls[0].Active || tpls[0].ID == 0 {
		t.Errorf("templates: %+v, count %d", tpls, n)
	}
	e.rs.Update(func(st *State) { st.InvoiceTemplates[2].Active = false })
	if active, n := list[InvoiceTemplate](t, e.do("GET", "/v1/invoicetemplate?active=true&name[not_like]=%25logo%25", tok, "")); n != 1 || active[0].Name != "Standaard" {
		t.Errorf("active and not like logo: %+v", active)
	}
	for _, q := range []string{"/v1/invoicetemplate?active=yes", "/v1/invoicetemplate?active[like]=true", "/v1/unit?singular[gte]=a", "/v1/unit?limit=2001"} {
		r := e.do("GET", q, tok, "")
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, r.status)
			continue
		}
		if got := r.errBody(t); got.Code != "ERR_002" && got.Code != "PAGE_001" {
			t.Errorf("%s: %+v", q, got)
		}
	}
	if r := e.do("GET", "/v1/unit", "", ""); r.status != 401 {
		t.Errorf("units without Authorization: %d", r.status)
	}
}
