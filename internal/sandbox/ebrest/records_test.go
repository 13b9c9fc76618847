package ebrest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// TestDemoDataLoads checks the mapping of the demo administration onto the
// REST model.
func TestDemoDataLoads(t *testing.T) {
	ds := demodata.Default().EBoekhouden
	st := New(Options{Dataset: ds}).State()
	if len(st.Relations) != len(ds.Relations) || len(st.Products) != len(ds.Articles) || len(st.Ledgers) != len(ds.LedgerAccounts) {
		t.Fatalf("%d relations, %d products, %d ledgers; want %d, %d, %d", len(st.Relations), len(st.Products), len(st.Ledgers),
			len(ds.Relations), len(ds.Articles), len(ds.LedgerAccounts))
	}
	src := ds.Relations[0]
	var rel *Relation
	for i := range st.Relations {
		if st.Relations[i].Code == src.Code {
			rel = &st.Relations[i]
		}
	}
	if rel == nil || int64(rel.ID) != src.ID || rel.Name != src.Bedrijf || rel.City != src.Plaats || rel.EmailAddress != src.Email ||
		rel.Type != src.BP || rel.Iban != src.IBAN || rel.Date != src.AddDatum {
		t.Errorf("relation %s mapped to %+v", src.Code, rel)
	}
	hourUnits := map[int32]bool{}
	for _, a := range ds.Articles {
		var p Product
		for _, q := range st.Products {
			if int64(q.ID) == a.ArtikelID {
				p = q
			}
		}
		u := st.unit(p.UnitID)
		l := st.ledger(p.LedgerID)
		if p.Code != a.ArtikelCode || p.Vat != a.BTWCode || u == nil || l == nil || l.Code != a.TegenrekeningCode ||
			p.PriceExcl == nil || fmt.Sprintf("%.2f", *p.PriceExcl) != a.VerkoopprijsExclBTW || p.Active != a.Actief {
			t.Errorf("article %s mapped to %+v (unit %v, ledger %v)", a.ArtikelCode, p, u, l)
			continue
		}
		if !strings.EqualFold(a.Eenheid, u.Singular) && !strings.EqualFold(a.Eenheid, u.Plural) {
			t.Errorf("article %s: Eenheid %q became unit %+v", a.ArtikelCode, a.Eenheid, u)
		}
		if demodata.IsHourUnit(a.Eenheid) {
			hourUnits[p.UnitID] = true
		}
	}
	if len(hourUnits) != 1 {
		t.Errorf("hour units (uur, uren, Uur) map to %d units, want one", len(hourUnits))
	}
	if !slices.IsSortedFunc(st.Relations, func(a, b Relation) int { return int(a.ID - b.ID) }) {
		t.Error("relations are not in id order")
	}
}

type relItem struct {
	ID   int32  `json:"id"`
	Type string `json:"type"`
	Code string `json:"code"`
}

// list decodes a list answer strictly: items with only the list item's
// fields, and count.
func list[T any](t *testing.T, r reply) ([]T, int) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	var env struct {
		Items []T `json:"items"`
		Count int `json:"count"`
	}
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		t.Fatalf("list %s: %v", r.body, err)
	}
	return env.Items, env.Count
}

// TestListPaging covers checklist items 3 and 4: limit/offset pages that
// add up to every record in id order, count the total, and list items
// with ids and codes only.
func TestListPaging(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	var got []int32
	for off := 0; ; off += 10 {
		items, count := list[relItem](t, e.do("GET", fmt.Sprintf("/v1/relation?limit=10&offset=%d", off), tok, ""))
		if count != len(st.Relations) {
			t.Fatalf("count %d at offset %d, want the total %d", count, off, len(st.Relations))
		}
		for _, it := range items {
			got = append(got, it.ID)
		}
		if len(items) < 10 {
			break
		}
	}
	var want []int32
	for _, r := range st.Relations {
		want = append(want, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged ids %v, want %v", got, want)
	}
	if items, _ := list[relItem](t, e.do("GET", "/v1/relation", tok, "")); len(items) != len(want) {
		t.Errorf("default limit: %d items", len(items))
	}
	if items, _ := list[relItem](t, e.do("GET", "/v1/relation?LIMIT=2000&offset=36", tok, "")); len(items) != 1 {
		t.Errorf("limit 2000 at offset 36: %d items, want 1", len(items))
	}
	e.rs.Update(func(st *State) {
		for i := 0; i < 150; i++ {
			st.Relations = append(st.Relations, Relation{ID: int32(9000000 + i), Type: "P", Code: fmt.Sprintf("G%d", i), Name: "x"})
		}
	})
	if items, count := list[relItem](t, e.do("GET", "/v1/relation", tok, "")); len(items) != DefaultLimit || count != 187 {
		t.Errorf("default page: %d items, count %d; want 100 and 187", len(items), count)
	}
	type prodItem struct {
		ID          int32  `json:"id"`
		Code        string `json:"code"`
		Description string `json:"description"`
		UnitID      int32  `json:"unitId"`
		Active      bool   `json:"active"`
	}
	if items, count := list[prodItem](t, e.do("GET", "/v1/product?limit=5&offset=25", tok, "")); len(items) != 3 || count != 28 || items[0].UnitID == 0 {
		t.Errorf("products at offset 25: %+v, count %d", items, count)
	}
}

// TestListRefusals covers checklist item 3's refusals: paging out of range
// and wrong filter syntax answer the documented error body.
func TestListRefusals(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	tests := []struct {
		name, query, code, prop string
	}{
		{"limit 0", "limit=0", "PAGE_001", "limit"},
		{"limit above 2000", "limit=2001", "PAGE_001", "limit"},
		{"limit not a number", "limit=ten", "PAGE_001", "limit"},
		{"limit twice", "limit=5&limit=6", "PAGE_001", "limit"},
		{"negative offset", "offset=-1", "PAGE_002", "offset"},
		{"offset not a number", "offset=1.5", "PAGE_002", "offset"},
		{"unknown operator", "code[contains]=10", "ERR_002", "code"},
		{"number operator on a string", "name[gt]=A", "ERR_002", "name"},
		{"range on a string", "city[range]=A,B", "ERR_002", "city"},
		{"two filters on one parameter", "code=1001&code[like]=10%25", "ERR_002", "code"},
		{"one parameter twice", "type=B&type=P", "ERR_002", "type"},
		{"unclosed bracket", "code[like=10%25", "ERR_002", "code"},
		{"empty operator", "code[]=1001", "ERR_002", "code"},
		{"bad escape", "code=%zz", "ERR_002", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/v1/relation", "/v1/product"} {
				if path == "/v1/product" && !strings.HasPrefix(tc.query, "code") && !strings.Contains(tc.query, "limit") && !strings.Contains(tc.query, "offset") {
					continue
				}
				r := e.do("GET", path+"?"+tc.query, tok, "")
				if r.status != http.StatusBadRequest {
					t.Fatalf("%s?%s: %d %s, want 400", path, tc.query, r.status, r.body)
				}
				if got := r.errBody(t); got.Code != tc.code || got.PropertyName != tc.prop || got.Type != "validation" {
					t.Errorf("%s?%s: %+v, want code %s property %q", path, tc.query, got, tc.code, tc.prop)
				}
			}
		})
	}
	if r := e.do("GET", "/v1/relation", "", ""); r.status != 401 || r.errBody(t).Code != "SECURITY_010" {
		t.Errorf("list without Authorization: %d %s", r.status, r.body)
	}
}

// TestListFilters covers the filter operators and their wire form
// (percent-encoded brackets, %25 for the like wildcard).
func TestListFilters(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	count := func(pred func(r Relation) bool) int {
		n := 0
		for _, r := range st.Relations {
			if pred(r) {
				n++
			}
		}
		return n
	}
	first := st.Relations[0]
	tests := []struct {
		query string
		want  int
	}{
		{"code=" + first.Code, 1},
		{"code[eq]=" + first.Code, 1},
		{"code%5Bnot_eq%5D=" + first.Code, len(st.Relations) - 1},
		{"code[like]=100%25", count(func(r Relation) bool { return strings.HasPrefix(r.Code, "100") })},
		{"code[like]=100?", count(func(r Relation) bool { return len(r.Code) == 4 && strings.HasPrefix(r.Code, "100") })},
		{"code[not_like]=100%25", count(func(r Relation) bool { return !strings.HasPrefix(r.Code, "100") })},
		{"type=p", count(func(r Relation) bool { return r.Type == "P" })},
		{"name[like]=%25" + strings.ToUpper(first.Name[:5]) + "%25", count(func(r Relation) bool {
			return strings.Contains(strings.ToLower(r.Name), strings.ToLower(first.Name[:5]))
		})},
		{"city=" + strings.ReplaceAll(first.City, " ", "+"), count(func(r Relation) bool { return strings.EqualFold(r.City, first.City) })},
		{"email=" + first.EmailAddress, 1},
		{"unknown=1", len(st.Relations)},
	}
	for _, tc := range tests {
		items, n := list[relItem](t, e.do("GET", "/v1/relation?limit=2000&"+tc.query, tok, ""))
		if n != tc.want || len(items) != tc.want || tc.want == 0 {
			t.Errorf("%s: %d items, count %d; want %d (and more than 0)", tc.query, len(items), n, tc.want)
		}
	}
	type prodItem struct {
		ID          int32  `json:"id"`
		Code        string `json:"code"`
		Description string `json:"description"`
		UnitID      int32  `json:"unitId"`
		Active      bool   `json:"active"`
	}
	groups := 0
	for _, p := range st.Products {
		if p.GroupCode == "UREN" {
			groups++
		}
	}
	if items, n := list[prodItem](t, e.do("GET", "/v1/product?groupCode=uren", tok, "")); n != groups || len(items) != groups || groups == 0 {
		t.Errorf("groupCode=uren: %d items, count %d; want %d", len(items), n, groups)
	}
}

// TestGetByID covers GET /v1/{relation,product}/{id}: the full model with
// empty fields omitted, 404 with the resource's code otherwise.
func TestGetByID(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	rel := st.Relations[0]
	r := e.do("GET", fmt.Sprintf("/v1/relation/%d", rel.ID), tok, "")
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil || r.status != 200 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	if got["code"] != rel.Code || got["name"] != rel.Name || got["id"] != float64(rel.ID) {
		t.Errorf("relation %d: %v", rel.ID, got)
	}
	if _, ok := got["address2"]; ok || rel.Address2 != "" {
		t.Errorf("an empty field is not omitted: %v", got)
	}
	p := st.Products[0]
	r = e.do("GET", fmt.Sprintf("/v1/product/%d", p.ID), tok, "")
	if err := json.Unmarshal(r.body, &got); err != nil || got["vat"] != p.Vat || got["ledgerId"] != float64(p.LedgerID) {
		t.Errorf("product %d: %s", p.ID, r.body)
	}
	if _, ok := got["groupCode"]; ok {
		t.Errorf("the product answer has groupCode, not a Product field: %s", r.body)
	}
	for _, tc := range []struct{ path, code string }{
		{"/v1/relation/1", "REL_055"}, {"/v1/relation/abc", "REL_055"}, {"/v1/relation/-4", "REL_055"},
		{"/v1/product/99999999999", "ART_001"}, {"/v1/product/1", "ART_001"},
	} {
		r := e.do("GET", tc.path, tok, "")
		if r.status != 404 || r.errBody(t).Code != tc.code {
			t.Errorf("%s: %d %s, want 404 %s", tc.path, r.status, r.body, tc.code)
		}
	}
	if r := e.do("PUT", fmt.Sprintf("/v1/relation/%d", rel.ID), tok, `{}`); r.status != 405 {
		t.Errorf("PUT relation: %d, want 405", r.status)
	}
}
