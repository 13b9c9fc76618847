package ebrest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// refusal is one table row: a body and the error it must get.
type refusal struct {
	name, body string
	status     int
	code, prop string
}

func checkRefusals(t *testing.T, e *env, tok, path string, tests []refusal) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", path, tok, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.status)
			}
			if got := r.errBody(t); got.Code != tc.code || got.PropertyName != tc.prop {
				t.Errorf("got %+v, want code %q property %q", got, tc.code, tc.prop)
			}
		})
	}
}

// TestCreateRelationRefusals covers the strict JSON and CreateRelation's
// rules: one row per refusal.
func TestCreateRelationRefusals(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	existing := e.rs.State().Relations[0].Code
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []refusal{
		{"empty body", "", 400, "DATA_01", ""},
		{"not an object", `["name"]`, 400, "ERR_002", ""},
		{"unknown field", `{"name":"X","bedrijf":"X"}`, 400, "ERR_002", "bedrijf"},
		{"SOAP field name", `{"name":"X","Code":"K1"}`, 400, "ERR_002", "Code"},
		{"name of the wrong type", `{"name":5}`, 400, "ERR_002", "name"},
		{"termOfPayment as a string", `{"name":"X","termOfPayment":"14"}`, 400, "ERR_002", "termOfPayment"},
		{"termOfPayment with decimals", `{"name":"X","termOfPayment":14.5}`, 400, "ERR_002", "termOfPayment"},
		{"newsletters as a number", `{"name":"X","doNotReceiveNewsletters":1}`, 400, "ERR_002", "doNotReceiveNewsletters"},
		{"trailing data", `{"name":"X"} {}`, 400, "ERR_002", ""},
		{"name missing", `{"code":"K1"}`, 400, "REL_002", "name"},
		{"name null", `{"name":null}`, 400, "REL_002", "name"},
		{"name blank", `{"name":"  "}`, 400, "REL_002", "name"},
		{"name too long", `{"name":"` + long(101) + `"}`, 400, "REL_003", "name"},
		{"type", `{"name":"X","type":"C"}`, 400, "REL_001", "type"},
		{"gender", `{"name":"X","gender":"x"}`, 400, "REL_004", "gender"},
		{"mandateType", `{"name":"X","mandateType":"O"}`, 400, "REL_051", "mandateType"},
		{"code too long", `{"name":"X","code":"` + long(16) + `"}`, 400, "REL_006", "code"},
		{"city too long", `{"name":"X","city":"` + long(51) + `"}`, 400, "REL_013", "city"},
		{"email too long", `{"name":"X","emailAddress":"` + long(150) + `@x.nl"}`, 400, "REL_022", "emailAddress"},
		{"bic too long", `{"name":"X","bic":"` + long(21) + `"}`, 400, "REL_032", "bic"},
		{"freeText10 too long", `{"name":"X","freeText10":"` + long(101) + `"}`, 400, "REL_046", "freeText10"},
		{"email invalid", `{"name":"X","emailAddress":"info.example.nl"}`, 400, "REL_023", "emailAddress"},
		{"invoice email invalid", `{"name":"X","emailAddressInvoice":"a@b"}`, 400, "REL_025", "emailAddressInvoice"},
		{"code invalid", `{"name":"X","code":" K1"}`, 400, "REL_005", "code"},
		{"company registration number not numeric", `{"name":"X","companyRegistrationNumber":"12A"}`, 400, "REL_008", "companyRegistrationNumber"},
		{"termOfPayment negative", `{"name":"X","termOfPayment":-1}`, 400, "REL_030", "termOfPayment"},
		{"termOfPayment too high", `{"name":"X","termOfPayment":366}`, 400, "REL_031", "termOfPayment"},
		{"unknown ledger", `{"name":"X","ledgerId":1}`, 400, "REL_048", "ledgerId"},
		{"mandate date", `{"name":"X","mandateSignedDate":"07-12-2026"}`, 400, "ERR_002", "mandateSignedDate"},
		{"code in use", `{"name":"X","code":"` + existing + `"}`, 400, "REL_049", "code"},
	}
	before := len(e.rs.State().Relations)
	checkRefusals(t, e, tok, "/v1/relation", tests)
	if after := len(e.rs.State().Relations); after != before {
		t.Errorf("refused creates changed the relations: %d -> %d", before, after)
	}
}

// TestCreateRelation creates with and without a code, and finds the
// relation again by code and by id.
func TestCreateRelation(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	var created struct {
		ID   int32  `json:"id"`
		Code string `json:"code"`
	}
	r := e.do("POST", "/v1/relation", tok, `{"name":"Fam. Jansen","type":"P","city":"Utrecht","termOfPayment":14,"doNotReceiveNewsletters":true,"emailAddress":"jansen@example.nl"}`)
	if err := json.Unmarshal(r.body, &created); err != nil || r.status != 200 || created.ID == 0 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	if created.Code != "1038" {
		t.Errorf("generated code %q, want 1038 (after the highest numeric code 1037)", created.Code)
	}
	items, _ := list[relItem](t, e.do("GET", "/v1/relation?code=1038", tok, ""))
	if len(items) != 1 || items[0].ID != created.ID || items[0].Type != "P" {
		t.Errorf("list by code: %+v", items)
	}
	var got Relation
	r = e.do("GET", "/v1/relation/"+itoa(created.ID), tok, "")
	if err := json.Unmarshal(r.body, &got); err != nil || got.Name != "Fam. Jansen" || got.TermOfPayment == nil || *got.TermOfPayment != 14 ||
		got.DoNotReceiveNewsletters != 1 || got.Date != "2026-12-07" {
		t.Errorf("created relation: %s", r.body)
	}
	r = e.do("POST", "/v1/relation", tok, `{"name":"Bouwbedrijf K","code":"k-100"}`)
	if r.status != 200 {
		t.Fatalf("with a code: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/relation", tok, `{"name":"Ander","code":"K-100"}`); r.status != 400 || r.errBody(t).Code != "REL_049" {
		t.Errorf("the same code in other case: %d %s, want REL_049", r.status, r.body)
	}
}

// TestCreateProductRefusals covers CreateProduct's rules.
func TestCreateProductRefusals(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	const ok = `"code":"NEW-1","description":"Nieuw","vat":"HOOG_VERK_21","ledgerId":907`
	tests := []refusal{
		{"unknown field", `{` + ok + `,"priceExcl":1,"vatCode":"HOOG_VERK_21"}`, 400, "ERR_002", "vatCode"},
		{"price as a string", `{` + ok + `,"priceExcl":"12.50"}`, 400, "ERR_002", "priceExcl"},
		{"ledgerId as a string", `{"code":"N","description":"N","vat":"GEEN","ledgerId":"907","priceExcl":1}`, 400, "ERR_002", "ledgerId"},
		{"code missing", `{"description":"N","vat":"GEEN","ledgerId":907,"priceExcl":1}`, 400, "ART_004", "code"},
		{"code too long", `{"code":"` + strings.Repeat("C", 21) + `","description":"N","vat":"GEEN","ledgerId":907,"priceExcl":1}`, 400, "ART_007", "code"},
		{"description missing", `{"code":"N","vat":"GEEN","ledgerId":907,"priceExcl":1}`, 400, "ART_005", "description"},
		{"vat missing", `{"code":"N","description":"N","ledgerId":907,"priceExcl":1}`, 400, "ART_017", "vat"},
		{"purchase vat", `{"code":"N","description":"N","vat":"HOOG_INK_21","ledgerId":907,"priceExcl":1}`, 400, "ART_023", "vat"},
		{"unknown vat", `{"code":"N","description":"N","vat":"HOOG_VERK","ledgerId":907,"priceExcl":1}`, 400, "ART_013", "vat"},
		{"ledger missing", `{"code":"N","description":"N","vat":"GEEN","priceExcl":1}`, 400, "ART_006", "ledgerId"},
		{"unknown ledger", `{"code":"N","description":"N","vat":"GEEN","ledgerId":1,"priceExcl":1}`, 400, "ART_009", "ledgerId"},
		{"debtor ledger", `{"code":"N","description":"N","vat":"GEEN","ledgerId":902,"priceExcl":1}`, 400, "ART_028", "ledgerId"},
		{"unknown unit", `{` + ok + `,"unitId":1,"priceExcl":1}`, 400, "ART_011", "unitId"},
		{"group", `{` + ok + `,"groupId":1,"priceExcl":1}`, 400, "ART_012", "groupId"},
		{"cost centre", `{` + ok + `,"costCenterId":1,"priceExcl":1}`, 400, "ART_015", "costCenterId"},
		{"both prices", `{` + ok + `,"priceExcl":1,"priceIncl":1.21}`, 400, "ART_016", "priceIncl"},
		{"no price", `{` + ok + `}`, 400, "ART_018", "priceExcl"},
		{"price too high", `{` + ok + `,"priceExcl":1000000000000}`, 400, "ART_024", "priceExcl"},
		{"price too low", `{` + ok + `,"priceIncl":-1000000000000}`, 400, "ART_030", "priceIncl"},
		{"purchase price too high", `{` + ok + `,"priceExcl":1,"purchasePriceExcl":1000000000000}`, 400, "ART_027", "purchasePriceExcl"},
	}
	before := len(e.rs.State().Products)
	checkRefusals(t, e, tok, "/v1/product", tests)
	if after := len(e.rs.State().Products); after != before {
		t.Errorf("refused creates changed the products: %d -> %d", before, after)
	}
}

// TestCreateProduct creates a product and reads it back from the list and
// by id.
func TestCreateProduct(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	unit := e.rs.State().Units[0]
	r := e.do("POST", "/v1/product", tok, `{"code":"NEW-1","description":"Nieuw","vat":"LAAG_VERK_9","ledgerId":906,"priceExcl":12.5,"unitId":`+itoa(unit.ID)+`}`)
	var created struct {
		ID int32 `json:"id"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil || r.status != 200 || created.ID == 0 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	var got Product
	r = e.do("GET", "/v1/product/"+itoa(created.ID), tok, "")
	if err := json.Unmarshal(r.body, &got); err != nil || got.Code != "NEW-1" || got.PriceExcl == nil || *got.PriceExcl != 12.5 ||
		got.UnitID != unit.ID || !got.Active || got.Vat != "LAAG_VERK_9" || got.PriceIncl != nil {
		t.Errorf("created product: %s", r.body)
	}
	type prodItem struct {
		ID          int32  `json:"id"`
		Code        string `json:"code"`
		Description string `json:"description"`
		UnitID      int32  `json:"unitId"`
		Active      bool   `json:"active"`
	}
	items, _ := list[prodItem](t, e.do("GET", "/v1/product?code[like]=new%25", tok, ""))
	if len(items) != 1 || items[0].ID != created.ID {
		t.Errorf("list by code: %+v", items)
	}
}

// TestCreateCommitThenDrop covers checklist item 7's "commit then time
// out": the client sees no answer, the relation exists.
func TestCreateCommitThenDrop(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	e.rs.Faults().Add(fault.Rule{Op: "POST /v1/relation", Kind: fault.DropAfterApply, Times: 1})
	req, _ := http.NewRequest("POST", e.rs.URL+"/v1/relation", strings.NewReader(`{"name":"Verloren antwoord","code":"D-1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer %d", resp.StatusCode)
	}
	items, _ := list[relItem](t, e.do("GET", "/v1/relation?code=D-1", tok, ""))
	if len(items) != 1 {
		t.Errorf("the relation of a dropped answer: %+v, want it created", items)
	}
	e.rs.Faults().Add(fault.Rule{Op: "GET /v1/relation", Kind: fault.Malformed, Times: 1})
	r := e.do("GET", "/v1/relation", tok, "")
	if r.status != 200 || json.Valid(r.body) {
		t.Errorf("malformed: %d %s, want 200 and a truncated body", r.status, r.body)
	}
	reqs := e.rs.Requests().All()
	if last := reqs[len(reqs)-1]; last.Op != "GET /v1/relation" || last.Result != string(fault.Malformed) {
		t.Errorf("request log: %+v", last)
	}
}

func itoa(v int32) string { b, _ := json.Marshal(v); return string(b) }
