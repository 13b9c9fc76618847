package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
)

// pagedServer serves total relations and products with ids from 1, pages
// cut by limit and offset, and count = the total (§4.1: a fake returns the
// total, so that a client using it as the page size breaks).
func pagedServer(t *testing.T, total int, ignoreOffset bool) *sessionServer {
	return newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		q := r.URL.Query()
		limit, err1 := strconv.Atoi(q.Get("limit"))
		offset, err2 := strconv.Atoi(q.Get("offset"))
		if err1 != nil || err2 != nil || limit < 1 || limit > 2000 {
			jsonAnswer(w, 400, `{"type":"validation","code":"PAGE_001","title":"Limit must be between 1 and 2000.","status":400}`)
			return
		}
		if ignoreOffset {
			offset = 0
		}
		var items []string
		for id := offset + 1; id <= min(total, offset+limit); id++ {
			switch r.URL.Path {
			case "/v1/relation":
				items = append(items, fmt.Sprintf(`{"id":%d,"type":"B","code":"K%d"}`, id, id))
			case "/v1/product":
				items = append(items, fmt.Sprintf(`{"id":%d,"code":"P%d","description":"Product %d","unitId":301,"active":%t}`, id, id, id, id%2 == 0))
			}
		}
		jsonAnswer(w, 200, fmt.Sprintf(`{"items":[%s],"count":%d}`, strings.Join(items, ","), total))
	})
}

func TestListsPageUntilAShortPage(t *testing.T) {
	tests := []struct {
		total, pageSize int
		offsets         []string
	}{
		{4500, 0, []string{"0", "2000", "4000"}},
		{4000, 0, []string{"0", "2000", "4000"}},
		{0, 0, []string{"0"}},
		{7, 3, []string{"0", "3", "6"}},
	}
	for _, tt := range tests {
		s := pagedServer(t, tt.total, false)
		c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.PageSize = tt.pageSize })
		rels, err := c.ListRelations(context.Background())
		if err != nil || len(rels) != tt.total {
			t.Fatalf("%d relations: got %d, %v", tt.total, len(rels), err)
		}
		if tt.total > 0 && (rels[0] != RelationRef{ID: 1, Type: "B", Code: "K1"} || rels[tt.total-1].ID != int64(tt.total)) {
			t.Errorf("relations %v ... %v", rels[0], rels[tt.total-1])
		}
		var offsets []string
		wantLimit := strconv.Itoa(max(tt.pageSize, 0))
		if tt.pageSize == 0 {
			wantLimit = "2000"
		}
		for _, r := range s.requests() {
			if r.Path != "/v1/relation" {
				continue
			}
			q, _ := parseQuery(r.RawQuery)
			offsets = append(offsets, q["offset"])
			if q["limit"] != wantLimit {
				t.Errorf("limit %s, want %s", q["limit"], wantLimit)
			}
		}
		if strings.Join(offsets, ",") != strings.Join(tt.offsets, ",") {
			t.Errorf("%d relations: offsets %v, want %v", tt.total, offsets, tt.offsets)
		}
		prods, err := c.ListProducts(context.Background())
		if err != nil || len(prods) != tt.total {
			t.Fatalf("%d products: got %d, %v", tt.total, len(prods), err)
		}
		if tt.total > 1 && (prods[1] != ProductRef{ID: 2, Code: "P2", Description: "Product 2", UnitID: 301, Active: true} || prods[0].Active) {
			t.Errorf("products %+v %+v", prods[0], prods[1])
		}
	}
}

func parseQuery(raw string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out, nil
}

func TestAServerThatIgnoresOffsetIsRefused(t *testing.T) {
	s := pagedServer(t, 10, true)
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.PageSize = 5 })
	rels, err := c.ListRelations(context.Background())
	if !errors.Is(err, ErrUnreadable) || rels != nil || !strings.Contains(err.Error(), "came twice") {
		t.Errorf("got %d, err = %v", len(rels), err)
	}
}

// §4.2 and §11.2: the operator is part of the parameter name, % goes as %25.
func TestFilters(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"items":[
  {"id":7012345,"code":"UUR-MONT","description":"Montage per uur","unitId":301,"active":true},
  {"id":7012346,"code":"UUR-SPOED","description":"Spoedtoeslag per uur","unitId":301,"active":false}
 ],
 "count":102}`)
	})
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.PageSize = 100 })
	prods, err := c.ListProducts(context.Background(), Filter{Param: "code", Op: "like", Value: "%UUR%"}, Filter{Param: "groupCode", Value: "A"})
	if err != nil || len(prods) != 2 || prods[1] != (ProductRef{ID: 7012346, Code: "UUR-SPOED", Description: "Spoedtoeslag per uur", UnitID: 301}) {
		t.Fatalf("%+v, %v", prods, err)
	}
	r := s.requests()[1]
	for _, want := range []string{"code%5Blike%5D=%25UUR%25", "groupCode=A", "limit=100", "offset=0"} {
		if !strings.Contains(r.RawQuery, want) {
			t.Errorf("query %q lacks %q", r.RawQuery, want)
		}
	}
	for _, bad := range [][]Filter{
		{{Param: "code", Op: "contains", Value: "x"}},
		{{Param: "limit", Value: "5"}},
		{{Param: "code", Value: "a"}, {Param: "code", Op: "not_eq", Value: "b"}},
	} {
		if _, err := c.ListRelations(context.Background(), bad...); err == nil {
			t.Errorf("filters %v accepted", bad)
		}
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests: refused filters must not be sent", n)
	}
}

func TestGetRelation(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"id":40994969,"type":"B","code":"K1001","date":"2026-01-05T00:00:00","name":"Jansen Installatie BV",
"contact":"P. Jansen","gender":"m","address":"Dorpsstraat 1","postalCode":"1234 AB","city":"Utrecht","country":"NL",
"phoneNumber":"030-1234567","emailAddress":"info@jansen.nl","emailAddressInvoice":"factuur@jansen.nl","vatNumber":"NL001234567B01",
"inactive":false,"iban":"NL91ABNA0417164300","freeText3":"vrij","isClubOrAssociationMember":0,"doNotReceiveNewsletters":1,
"ledgerId":22206455,"mandate":true,"mandateType":"D","mandateSignedDate":"2025-03-01","peppolId":"0106:12345678"}`)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	r, err := c.GetRelation(context.Background(), 40994969)
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != "K1001" || r.Name != "Jansen Installatie BV" || r.City != "Utrecht" || r.EmailInvoice != "factuur@jansen.nl" ||
		r.Created.Format("2006-01-02") != "2026-01-05" || r.MandateSigned.Format("2006-01-02") != "2025-03-01" ||
		!r.NoNewsletters || !r.Mandate || r.Inactive || r.TermOfPayment != nil || r.FreeText[2] != "vrij" || r.LedgerID != 22206455 {
		t.Errorf("%+v", r)
	}
	if got := s.requests()[1].Path; got != "/v1/relation/40994969" {
		t.Errorf("path %s", got)
	}
	if _, err := c.GetRelation(context.Background(), 0); err == nil {
		t.Error("id 0 accepted")
	}
}

func TestGetProduct(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/v1/product/7012345":
			jsonAnswer(w, 200, `{"id":7012345,"code":"UUR-MONT","description":"Montage per uur","unitId":301,"active":true,
"groupId":12,"purchasePriceExcl":41.5,"priceExcl":60.0,"vat":"HOOG_VERK_21","ledgerId":22206470,"inStockManagement":false}`)
		case "/v1/product/7":
			jsonAnswer(w, 200, `{"id":7,"code":"KRAAN","priceIncl":108.8395,"vat":"HOOG_VERK_21","ledgerId":1}`)
		default:
			jsonAnswer(w, 404, `{"type":"notfound","code":"ART_001","title":"Product not found.","status":404}`)
		}
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	p, err := c.GetProduct(context.Background(), 7012345)
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "UUR-MONT" || p.UnitID != 301 || !p.Active || p.GroupID != 12 || p.VATCode != "HOOG_VERK_21" || p.LedgerID != 22206470 ||
		p.PriceExcl == nil || !p.PriceExcl.Equal(decimal.MustParse("60")) || p.PriceIncl != nil ||
		p.PurchasePriceExcl == nil || !p.PurchasePriceExcl.Equal(decimal.MustParse("41.50")) {
		t.Errorf("%+v", p)
	}
	p, err = c.GetProduct(context.Background(), 7)
	if err != nil || p.PriceExcl != nil || p.PriceIncl == nil || p.PriceIncl.String() != "108.8395" {
		t.Errorf("%+v, %v", p, err)
	}
	_, err = c.GetProduct(context.Background(), 8)
	var apiErr *APIError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Code != "ART_001" {
		t.Errorf("err = %v", err)
	}
}

func TestUnitsAndTemplates(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/v1/unit":
			jsonAnswer(w, 200, `{"items":[{"id":301,"singular":"uur","plural":"uren"},{"id":302,"singular":"stuk","plural":"stuks"}],"count":2}`)
		case "/v1/invoicetemplate":
			jsonAnswer(w, 200, `{"items":[{"id":118822,"name":"Standaard","active":true},{"id":118823,"name":"Oud","active":false,"type":"E"}],"count":2}`)
		}
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	units, err := c.ListUnits(context.Background())
	if err != nil || len(units) != 2 || units[0] != (Unit{ID: 301, Singular: "uur", Plural: "uren"}) {
		t.Errorf("%+v, %v", units, err)
	}
	tpls, err := c.ListInvoiceTemplates(context.Background(), Filter{Param: "active", Value: "true"})
	if err != nil || len(tpls) != 2 || tpls[0] != (InvoiceTemplate{ID: 118822, Name: "Standaard", Active: true}) || tpls[1].Type != "E" || tpls[1].Active {
		t.Errorf("%+v, %v", tpls, err)
	}
}

// A record that cannot be read names the call, the record and the field,
// and is not retried.
func TestUnreadableRecords(t *testing.T) {
	tests := []struct {
		path, body, field string
		id                int64
		index             int
	}{
		{"/v1/product", `{"items":[{"id":1,"code":"A"},{"id":2,"code":"B","active":"yes"}],"count":2}`, "active", 2, 1},
		{"/v1/product", `{"items":[{"id":"x3","code":"A"}],"count":1}`, "id", 0, 0},
		{"/v1/relation", `{"items":[{"id":1,"code":7}],"count":1}`, "code", 1, 0},
		{"/v1/relation", `{"items":[17],"count":1}`, "", 0, 0},
		{"/v1/unit", `{"items":[{"id":1.5}],"count":1}`, "id", 0, 0},
	}
	for _, tt := range tests {
		s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, tt.body) })
		c, clock, _ := testClient(t, s.srv.URL, nil)
		var err error
		switch tt.path {
		case "/v1/product":
			_, err = c.ListProducts(context.Background())
		case "/v1/relation":
			_, err = c.ListRelations(context.Background())
		case "/v1/unit":
			_, err = c.ListUnits(context.Background())
		}
		var re *RecordError
		if !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrTransient) || !errors.As(err, &re) ||
			re.Field != tt.field || re.ID != tt.id || re.Index != tt.index {
			t.Errorf("%s: err = %v (%+v)", tt.body, err, re)
		}
		if len(clock.Waits()) != 0 {
			t.Errorf("%s: retried", tt.body)
		}
	}
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/v1/product/5":
			jsonAnswer(w, 200, `{"id":5,"priceExcl":"abc"}`)
		case "/v1/product/6":
			jsonAnswer(w, 200, `{"id":60}`)
		case "/v1/relation/5":
			jsonAnswer(w, 200, `{"id":5,"date":"05-01-2026"}`)
		case "/v1/unit":
			jsonAnswer(w, 200, `{"items":{"id":1},"count":1}`)
		}
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	_, err1 := c.GetProduct(context.Background(), 5)
	_, err2 := c.GetProduct(context.Background(), 6)
	_, err3 := c.GetRelation(context.Background(), 5)
	_, err4 := c.ListUnits(context.Background())
	for i, tc := range []struct {
		err   error
		field string
	}{{err1, "priceExcl"}, {err2, "id"}, {err3, "date"}, {err4, "items"}} {
		var re *RecordError
		if !errors.Is(tc.err, ErrUnreadable) || errors.Is(tc.err, ErrTransient) {
			t.Errorf("case %d: err = %v", i, tc.err)
		}
		if i < 3 && (!errors.As(tc.err, &re) || re.Field != tc.field) {
			t.Errorf("case %d: err = %v, want field %s", i, tc.err, tc.field)
		}
	}
}

// TestAListWithoutItemsIsUnreadable: an answer without its items list (a
// shape the client does not know, or "items": null) is ErrUnreadable, not
// an empty list: a look-up must never read it as "not found".
func TestAListWithoutItemsIsUnreadable(t *testing.T) {
	for _, body := range []string{`{"count":3}`, `{"itemsV2":[{"idV2":1}],"countV2":1}`, `{"items":null}`} {
		n, err := decodePage([]byte(body), "GET /v1/invoice", "invoice", 0, map[int64]bool{}, func(json.RawMessage, int) (int64, error) {
			t.Fatalf("%s: a record was handed out", body)
			return 0, nil
		})
		if !errors.Is(err, ErrUnreadable) || n != 0 {
			t.Errorf("%s: %d, %v; want ErrUnreadable", body, n, err)
		}
	}
	if n, err := decodePage([]byte(`{"items":[],"count":0}`), "GET /v1/invoice", "invoice", 0, map[int64]bool{},
		func(json.RawMessage, int) (int64, error) { return 0, nil }); err != nil || n != 0 {
		t.Errorf("an empty list: %d, %v", n, err)
	}
}
