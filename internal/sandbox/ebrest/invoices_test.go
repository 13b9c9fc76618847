package ebrest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// invoiceBody is a valid CreateInvoice body (the reference's example 11.3
// on the demo administration) with fields replaced or added by extra
// ("key": raw JSON; a nil value removes the key).
func invoiceBody(t *testing.T, st State, extra map[string]any) string {
	t.Helper()
	var hours, labour, materials int32
	for _, u := range st.Units {
		if u.Singular == "uur" {
			hours = u.ID
		}
	}
	for _, l := range st.Ledgers {
		switch l.Code {
		case "8010":
			labour = l.ID
		case "8000":
			materials = l.ID
		}
	}
	body := map[string]any{
		"invoiceNumber": "WB-2026-00042", "relationId": st.Relations[0].ID, "date": "2026-12-07",
		"termOfPayment": 14, "inExVat": "EX", "templateId": st.InvoiceTemplates[0].ID, "reference": "Werkbon 42",
		"items": []map[string]any{
			{"quantity": 2.5, "unitId": hours, "productId": st.Products[0].ID, "description": "Montage per uur",
				"pricePerUnit": 60.00, "vatCode": "HOOG_VERK_21", "ledgerId": labour},
			{"quantity": 1, "description": "Materiaal: kraan", "pricePerUnit": 89.95, "vatCode": "HOOG_VERK_21", "ledgerId": materials},
		},
		"mutation": map[string]any{"paymentReference": "WO-42", "checkPaymentReference": true, "description": "Werkbon 42"},
	}
	for k, v := range extra {
		if v == nil {
			delete(body, k)
			continue
		}
		body[k] = v
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withItem changes the first item of a body: set (raw JSON values) and
// drop keys.
func withItem(t *testing.T, st State, set map[string]any, drop ...string) string {
	var body map[string]any
	if err := json.Unmarshal([]byte(invoiceBody(t, st, nil)), &body); err != nil {
		t.Fatal(err)
	}
	item := body["items"].([]any)[0].(map[string]any)
	for k, v := range set {
		item[k] = v
	}
	for _, k := range drop {
		delete(item, k)
	}
	b, _ := json.Marshal(body)
	return string(b)
}

// TestCreateInvoiceRefusals covers checklist item 5: one row per refusal.
func TestCreateInvoiceRefusals(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	e.rs.Update(func(st *State) {
		st.Relations[1].Inactive = true
		st.InvoiceTemplates[2].Active = false
		st.Relations[2].EmailAddress = ""
	})
	body := func(extra map[string]any) string { return invoiceBody(t, st, extra) }
	item := func(set map[string]any, drop ...string) string { return withItem(t, st, set, drop...) }
	tests := []refusal{
		{"unknown field", body(map[string]any{"relationCode": "1001"}), 400, "ERR_002", "relationCode"},
		{"field name in the wrong case", body(map[string]any{"InvoiceNumber": "X1"}), 400, "ERR_002", "InvoiceNumber"},
		{"unknown item field", item(map[string]any{"VatCode": "HOOG_VERK_21"}), 400, "ERR_002", "items[0].VatCode"},
		{"unknown mutation field", body(map[string]any{"mutation": map[string]any{"reference": "x"}}), 400, "ERR_002", "mutation.reference"},
		{"relationId as a string", body(map[string]any{"relationId": "4100001"}), 400, "ERR_002", "relationId"},
		{"price as a string", item(map[string]any{"pricePerUnit": "60.00"}), 400, "ERR_002", "items[0].pricePerUnit"},
		{"quantity as a string", item(map[string]any{"quantity": "2,5"}), 400, "ERR_002", "items[0].quantity"},
		{"ledgerId with decimals", item(map[string]any{"ledgerId": 907.5}), 400, "ERR_002", "items[0].ledgerId"},
		{"print as a string", body(map[string]any{"print": "true"}), 400, "ERR_002", "print"},
		{"items not a list", body(map[string]any{"items": map[string]any{}}), 400, "ERR_002", "items"},
		{"mutation not an object", body(map[string]any{"mutation": "book"}), 400, "ERR_002", "mutation"},
		{"relationId too large for int32", body(map[string]any{"relationId": 4294967296}), 400, "ERR_002", "relationId"},
		{"relation missing", body(map[string]any{"relationId": nil}), 400, "FACT_001", "relationId"},
		{"relation unknown", body(map[string]any{"relationId": 1}), 400, "FACT_002", "relationId"},
		{"relation inactive", body(map[string]any{"relationId": st.Relations[1].ID}), 400, "FACT_003", "relationId"},
		{"number too long", body(map[string]any{"invoiceNumber": strings.Repeat("1", 51)}), 400, "FACT_007", "invoiceNumber"},
		{"number invalid", body(map[string]any{"invoiceNumber": "WB 42 "}), 400, "FACT_008", "invoiceNumber"},
		{"number without a final digit", body(map[string]any{"invoiceNumber": "WB-42A"}), 400, "FACT_009", "invoiceNumber"},
		{"number in use", body(map[string]any{"invoiceNumber": "2026001"}), 400, "FACT_101", "invoiceNumber"},
		{"date invalid", body(map[string]any{"date": "07-12-2026"}), 400, "FACT_012", "date"},
		{"date out of range", body(map[string]any{"date": "1999-12-31"}), 400, "FACT_013", "date"},
		{"term missing", body(map[string]any{"termOfPayment": nil}), 400, "FACT_015", "termOfPayment"},
		{"term out of range", body(map[string]any{"termOfPayment": -1}), 400, "FACT_016", "termOfPayment"},
		{"inExVat", body(map[string]any{"inExVat": "INCL"}), 400, "FACT_010", "inExVat"},
		{"template missing", body(map[string]any{"templateId": nil}), 400, "FACT_018", "templateId"},
		{"template inactive", body(map[string]any{"templateId": st.InvoiceTemplates[2].ID}), 400, "FACT_018", "templateId"},
		{"e-mail template", body(map[string]any{"emailTemplateId": 1}), 400, "FACT_020", "emailTemplateId"},
		{"e-mail template for quotes", body(map[string]any{"emailTemplateId": EmailTemplateQuote}), 400, "FACT_020", "emailTemplateId"},
		{"e-mail sender invalid", body(map[string]any{"email": map[string]any{"fromEmail": "facturen@", "subject": "s", "body": "b"}}), 400, "FACT_EMAIL_006", "email.fromEmail"},
		{"e-mail subject missing", body(map[string]any{"email": map[string]any{"body": "b"}}), 400, "FACT_EMAIL_013", "email.subject"},
		{"e-mail body missing", body(map[string]any{"email": map[string]any{"subject": "s"}}), 400, "FACT_EMAIL_014", "email.body"},
		{"e-mail field unknown", body(map[string]any{"email": map[string]any{"to": "x@y.nl"}}), 400, "ERR_002", "email.to"},
		{"reference too long", body(map[string]any{"reference": strings.Repeat("r", 51)}), 400, "FACT_014", "reference"},
		{"no items", body(map[string]any{"items": []any{}}), 400, "FACT_019", "items"},
		{"item description", item(nil, "description"), 400, "FACT_ITEM_001", "items[0].description"},
		{"item code too long", item(map[string]any{"code": strings.Repeat("c", 51)}), 400, "FACT_ITEM_003", "items[0].code"},
		{"item price", item(nil, "pricePerUnit"), 400, "FACT_ITEM_004", "items[0].pricePerUnit"},
		{"item vat code missing", item(nil, "vatCode"), 400, "FACT_ITEM_006", "items[0].vatCode"},
		{"item vat code legacy", item(map[string]any{"vatCode": "HOOG_VERK"}), 400, "FACT_ITEM_014", "items[0].vatCode"},
		{"item ledger missing", item(nil, "ledgerId"), 400, "FACT_ITEM_007", "items[0].ledgerId"},
		{"item ledger unknown", item(map[string]any{"ledgerId": 1}), 400, "FACT_ITEM_012", "items[0].ledgerId"},
		{"item unit unknown", item(map[string]any{"unitId": 1}), 400, "FACT_ITEM_010", "items[0].unitId"},
		{"item product unknown", item(map[string]any{"productId": 1}), 400, "FACT_ITEM_011", "items[0].productId"},
		{"both discounts", item(map[string]any{"discountAmount": 1, "discountPercentage": 5}), 400, "FACT_ITEM_013", "items[0].discountAmount"},
		{"vat amount without AFW_VERK", item(map[string]any{"vatAmount": 1}), 400, "FACT_ITEM_015", "items[0].vatAmount"},
		{"quantity and amount differ", item(map[string]any{"amount": 3}), 400, "ERR_002", "items[0].amount"},
		{"quantity with 5 decimals", item(map[string]any{"quantity": 1.23456}), 400, "ERR_002", "items[0].quantity"},
		{"booking ledger unknown", body(map[string]any{"mutation": map[string]any{"ledgerId": 1}}), 400, "MUT_007", "mutation.ledgerId"},
		{"booking description too long", body(map[string]any{"mutation": map[string]any{"description": strings.Repeat("d", 201)}}), 400, "FACT_VERWERK_002", "mutation.description"},
		{"payment reference too long", body(map[string]any{"mutation": map[string]any{"paymentReference": strings.Repeat("p", 51)}}), 400, "FACT_VERWERK_003", "mutation.paymentReference"},
		{"e-mail without an address", body(map[string]any{"relationId": st.Relations[2].ID, "email": map[string]any{"attachUbl": true}}), 400, "FACT_EMAIL_001", "relationId"},
		{"direct debit without IBAN", body(map[string]any{"directDebit": map[string]any{"mandateType": "O"}}), 400, "FACT_INCASSO_008", "directDebit.iban"},
		{"direct debit mandate type", body(map[string]any{"directDebit": map[string]any{"iban": "NL91ABNA0417164300", "mandateType": "X"}}), 400, "FACT_INCASSO_002", "directDebit.mandateType"},
	}
	checkRefusals(t, e, tok, "/v1/invoice", tests)
	if n := len(e.rs.State().Invoices); n != len(st.Invoices) {
		t.Errorf("refused creates changed the invoices: %d -> %d", len(st.Invoices), n)
	}
}

type invoiceAnswer struct {
	Invoice
	Booking *struct{} `json:"booking"` // must stay absent
}

// TestCreateInvoice covers numbering, FACT_101 on a reused number, look-up
// by number, totals, payment-reference uniqueness and the open item.
func TestCreateInvoice(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, nil))
	var created struct {
		ID            int32  `json:"id"`
		InvoiceNumber string `json:"invoiceNumber"`
		InExVat       string `json:"inExVat"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil || r.status != 200 || created.InvoiceNumber != "WB-2026-00042" || created.InExVat != "EX" {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	// The reference's example 11.3: 239.95 excl., 50.39 VAT, 290.34.
	var got invoiceAnswer
	r = e.do("GET", fmt.Sprintf("/v1/invoice/%d", created.ID), tok, "")
	if err := json.Unmarshal(r.body, &got); err != nil || got.TotalExcl != 239.95 || got.VatAmount != 50.39 || got.TotalAmount != 290.34 ||
		len(got.Items) != 2 || got.Items[0].Code != "" || got.Booking != nil || got.RelationID != st.Relations[0].ID {
		t.Errorf("created invoice: %s", r.body)
	}
	items, n := list[invoiceListItem](t, e.do("GET", "/v1/invoice?invoiceNumber=WB-2026-00042", tok, ""))
	if n != 1 || items[0].ID != created.ID || items[0].TotalAmount != 290.34 {
		t.Errorf("look-up by number: %+v", items)
	}
	if _, n := list[invoiceListItem](t, e.do("GET", "/v1/invoice?invoiceNumber=WB-2026-00043", tok, "")); n != 0 {
		t.Errorf("look-up of an unused number: %d", n)
	}
	// The same number again: FACT_101; the same checked payment reference
	// under another number: FACT_VERWERK_004; unchecked it is accepted.
	if r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, nil)); r.status != 400 || r.errBody(t).Code != "FACT_101" {
		t.Errorf("reused number: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, map[string]any{"invoiceNumber": "WB-2026-00043"})); r.status != 400 || r.errBody(t).Code != "FACT_VERWERK_004" {
		t.Errorf("reused payment reference: %d %s", r.status, r.body)
	}
	unchecked := map[string]any{"invoiceNumber": "WB-2026-00044", "mutation": map[string]any{"paymentReference": "WO-42"}}
	if r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, unchecked)); r.status != 200 {
		t.Errorf("unchecked payment reference: %d %s", r.status, r.body)
	}
	// No number: the next one after the highest all-digit number (2026004).
	r = e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, map[string]any{"invoiceNumber": nil, "mutation": nil, "inExVat": "IN"}))
	if err := json.Unmarshal(r.body, &created); err != nil || created.InvoiceNumber != "2026005" || created.InExVat != "IN" {
		t.Errorf("auto-numbered: %d %s", r.status, r.body)
	}
	r = e.do("GET", fmt.Sprintf("/v1/invoice/%d", created.ID), tok, "")
	if err := json.Unmarshal(r.body, &got); err != nil || got.TotalAmount != 239.95 || got.TotalExcl != 198.31 {
		t.Errorf("prices incl. VAT: %s", r.body)
	}
	for _, m := range []string{"PATCH", "DELETE", "PUT"} {
		if r := e.do(m, fmt.Sprintf("/v1/invoice/%d", created.ID), tok, `{}`); r.status != 405 {
			t.Errorf("%s invoice: %d, want 405", m, r.status)
		}
	}
	if r := e.do("GET", "/v1/invoice/1", tok, ""); r.status != 404 || r.errBody(t).Code != "FACT_021" {
		t.Errorf("unknown invoice: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/invoice?relationId[gt]=1", tok, ""); r.status != 400 || r.errBody(t).Code != "ERR_002" {
		t.Errorf("relationId with an operator: %d %s", r.status, r.body)
	}
	if _, n := list[invoiceListItem](t, e.do("GET", fmt.Sprintf("/v1/invoice?relationId=%d&date[range]=2026-12-01,2026-12-31", st.Relations[0].ID), tok, "")); n != 3 {
		t.Errorf("by relation and date range: %d, want 3", n)
	}
}

// TestOutstanding covers the open items and the payment hook (checklist
// items 5 and 6): booked invoices are open until paid in full; unbooked
// ones are never open.
func TestOutstanding(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	st := e.rs.State()
	if r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, nil)); r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	open := func(nr string) []outstandingItem {
		items, _ := list[outstandingItem](t, e.do("GET", "/v1/mutation/invoice/outstanding?credDeb=D&invoiceNumber="+nr, tok, ""))
		return items
	}
	got := open("WB-2026-00042")
	if len(got) != 1 || got[0].TotalAmount != 290.34 || got[0].OutstandingAmount != 290.34 || got[0].RelationCode != st.Relations[0].Code || got[0].MutationID == 0 {
		t.Fatalf("open item: %+v", got)
	}
	if err := e.rs.RegisterPayment("WB-2026-00042", 100); err != nil {
		t.Fatal(err)
	}
	if got := open("WB-2026-00042"); len(got) != 1 || got[0].PaidAmount != 100 || got[0].OutstandingAmount != 190.34 {
		t.Errorf("after a part payment: %+v", got)
	}
	if err := e.rs.RegisterPayment("WB-2026-00042", 190.35); err == nil {
		t.Error("an overpayment was accepted")
	}
	if err := e.rs.RegisterPayment("WB-2026-00042", 190.34); err != nil {
		t.Fatal(err)
	}
	if got := open("WB-2026-00042"); len(got) != 0 {
		t.Errorf("a paid invoice is still open: %+v", got)
	}
	if got := open("2026004"); len(got) != 0 {
		t.Errorf("an unbooked demo invoice is open: %+v", got)
	}
	if got := open("2026001"); len(got) != 1 || got[0].TotalAmount != 490.05 {
		t.Errorf("booked demo invoice 2026001 (250 + 155 excl., 85.05 VAT): %+v", got)
	}
	if err := e.rs.RegisterPayment("2026004", 1); err == nil {
		t.Error("a payment on an unbooked invoice was accepted")
	}
	if items, _ := list[outstandingItem](t, e.do("GET", "/v1/mutation/invoice/outstanding?credDeb=C", tok, "")); len(items) != 0 {
		t.Errorf("credDeb=C: %+v", items)
	}
	for _, q := range []string{"", "?credDeb=X", "?credDeb[like]=D"} {
		if r := e.do("GET", "/v1/mutation/invoice/outstanding"+q, tok, ""); r.status != 400 || r.errBody(t).PropertyName != "credDeb" {
			t.Errorf("outstanding%s: %d %s", q, r.status, r.body)
		}
	}
}

// TestCreateInvoiceEmailed: an invoice with an `email` block records where
// it went (the invoice address before the general one) and what was asked,
// in the state but not in the Invoice answer; the e-mail templates are
// listed and a template for invoices is taken without subject and body.
func TestCreateInvoiceEmailed(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	e.rs.Update(func(st *State) { st.Relations[0].EmailAddressInvoice = "facturen@klant.nl" })
	st := e.rs.State()
	email := map[string]any{"fromEmail": "boekhouding@jansen.nl", "fromName": "Jansen", "subject": "Factuur WB1",
		"body": "Beste klant,<br>zie bijlage.", "attachUbl": true}
	r := e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, map[string]any{"email": email}))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	got := e.rs.State().Invoices
	inv := got[len(got)-1]
	want := InvoiceEmail{To: "facturen@klant.nl", FromEmail: "boekhouding@jansen.nl", FromName: "Jansen", Subject: "Factuur WB1",
		Body: "Beste klant,<br>zie bijlage.", AttachUbl: true}
	if inv.Email == nil || *inv.Email != want {
		t.Fatalf("recorded e-mail %+v, want %+v", inv.Email, want)
	}
	if page := fmt.Sprint(e.rs.Page()); !strings.Contains(page, "facturen@klant.nl (Factuur WB1) + UBL") {
		t.Errorf("the state page does not show the e-mail: %s", page)
	}
	r = e.do("GET", fmt.Sprintf("/v1/invoice/%d", inv.ID), tok, "")
	if strings.Contains(string(r.body), "boekhouding@jansen.nl") {
		t.Errorf("the Invoice answer carries the sandbox's record: %s", r.body)
	}
	tpls, n := list[EmailTemplate](t, e.do("GET", "/v1/emailtemplate", tok, ""))
	if n != 2 || tpls[0].ID != EmailTemplateInvoice || !tpls[0].UseInvoice {
		t.Fatalf("e-mail templates: %+v", tpls)
	}
	r = e.do("POST", "/v1/invoice", tok, invoiceBody(t, st, map[string]any{"emailTemplateId": EmailTemplateInvoice,
		"email": map[string]any{}, "invoiceNumber": nil, "mutation": nil}))
	if r.status != 200 {
		t.Fatalf("with a template: %d %s", r.status, r.body)
	}
	got = e.rs.State().Invoices
	if last := got[len(got)-1]; last.EmailTemplateID != EmailTemplateInvoice || last.Email == nil || last.Email.To != "facturen@klant.nl" {
		t.Errorf("with a template: %+v %+v", last, last.Email)
	}
	if got[0].Email != nil {
		t.Errorf("an invoice without an e-mail block records one: %+v", got[0].Email)
	}
}
