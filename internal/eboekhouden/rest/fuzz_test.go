package rest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// The fuzz targets feed arbitrary bytes to the answer parsers: none may
// panic, and what they return must be consistent. Run one with
//
//	go test -run '^$' -fuzz '^FuzzDecodePage$' -fuzztime 30s ./internal/eboekhouden/rest/

func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"type":"validation","code":"FACT_101","title":"Invoice number is in use.","status":400,"propertyName":"invoiceNumber","traceId":"00-4bf92f35-01"}`,
		`{"type":"security","securityType":"0","code":"API_SESSION_004","title":"Access token has expired.","status":403}`,
		`{"type":"x","title":"One or more validation errors occurred.","status":400,"errors":{"$.relationId":["bad"]}}`,
		`{"title":"t","errors":["a","b"]}`,
		`{"title":"t","errors":5}`,
		`<html>`, ``, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, ok := parseErrorBody(data)
		if !ok {
			if b.Title != "" || b.Code != "" || len(b.Errors) != 0 {
				t.Fatalf("not a body, but fields %+v", b)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if b.Title == "" && b.Type == "" && b.Code == "" {
			t.Fatalf("accepted a body without title, type or code: %q", data)
		}
		again, _ := parseErrorBody(data)
		if len(again.Errors) != len(b.Errors) {
			t.Fatal("not deterministic")
		}
		for i := range b.Errors {
			if again.Errors[i] != b.Errors[i] {
				t.Fatal("not deterministic")
			}
		}
		_ = (&APIError{Op: "GET /v1/x", Status: 400, Title: b.Title, Errors: b.Errors}).Error()
	})
}

// checkRecordErr checks the contract of a record parser's error: it names a
// field or says the record as a whole is unreadable, and becomes an
// ErrUnreadable RecordError.
func checkRecordErr(t *testing.T, data []byte, err error) {
	t.Helper()
	re := recordError("GET /v1/x", "record", 0, idOf(data), err)
	if !errors.Is(re, ErrUnreadable) || re.Error() == "" {
		t.Fatalf("record error %v", re)
	}
}

func checkMoney(t *testing.T, d *decimal.Decimal) {
	t.Helper()
	if d == nil {
		return
	}
	back, err := decimal.ParseDouble(d.String())
	if err != nil || !back.Equal(*d) {
		t.Fatalf("amount %s does not read back: %v", d, err)
	}
}

func checkDate(t *testing.T, d time.Time) {
	t.Helper()
	if !d.IsZero() && (d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0) {
		t.Fatalf("date %v is not a plain date", d)
	}
}

func FuzzParseProduct(f *testing.F) {
	for _, s := range []string{
		`{"id":7012345,"code":"UUR-MONT","description":"Montage per uur","unitId":301,"active":true,"groupId":12,"purchasePriceExcl":41.5,"priceExcl":60.0,"vat":"HOOG_VERK_21","ledgerId":22206470,"inStockManagement":false}`,
		`{"id":7,"priceIncl":1E-05,"active":1}`,
		`{"id":7,"priceExcl":"60"}`,
		`{"id":7,"priceExcl":0.30000000000000004}`,
		`{"id":7,"priceExcl":1e300}`,
		`{"id":1.5}`, `[]`, `7`, `{"id":7`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseProduct(data)
		if err != nil {
			checkRecordErr(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		checkMoney(t, p.PriceExcl)
		checkMoney(t, p.PriceIncl)
		checkMoney(t, p.PurchasePriceExcl)
		if ref, err := parseProductRef(data); err != nil || ref != p.ProductRef {
			t.Fatalf("list item %+v (%v) differs from %+v", ref, err, p.ProductRef)
		}
	})
}

func FuzzParseRelation(f *testing.F) {
	for _, s := range []string{
		`{"id":40994969,"type":"B","code":"K1001","date":"2026-01-05T00:00:00","name":"Jansen","doNotReceiveNewsletters":1,"mandate":true,"mandateSignedDate":"2025-03-01","termOfPayment":14}`,
		`{"id":1,"date":"2026-01-05T10:00:00+02:00","inactive":null}`,
		`{"id":1,"date":"05-01-2026"}`,
		`{"id":1,"inactive":"false"}`,
		`{"id":1,"termOfPayment":1.5}`,
		`{}`, `null`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseRelation(data)
		if err != nil {
			checkRecordErr(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		checkDate(t, r.Created)
		checkDate(t, r.MandateSigned)
		if ref, err := parseRelationRef(data); err != nil || ref.ID != r.ID || ref.Code != r.Code || ref.Type != r.Type {
			t.Fatalf("list item %+v (%v) differs from %+v", ref, err, r)
		}
	})
}

func FuzzDecodePage(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"id":7012345,"code":"UUR-MONT","description":"Montage per uur","unitId":301,"active":true},{"id":7012346,"code":"UUR-SPOED","active":false}],"count":102}`,
		`{"items":[],"count":0}`,
		`{"count":3}`,
		`{"items":null}`,
		`{"items":[{"id":1},{"id":1}]}`,
		`{"items":{"id":1}}`,
		`{"items":[17]}`,
		`{"items":[{"id":1,`, ``, `<!DOCTYPE html>`,
	} {
		f.Add([]byte(s), 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, offset int) {
		if offset < 0 || offset > 1<<20 {
			return
		}
		var got []ProductRef
		seen := map[int64]bool{}
		n, err := decodePage(data, "GET /v1/product", "product", offset, seen, func(raw json.RawMessage, index int) (int64, error) {
			if index != offset+len(got) {
				t.Fatalf("index %d, want %d", index, offset+len(got))
			}
			p, err := parseProductRef(raw)
			if err == nil {
				got = append(got, p)
			}
			return p.ID, err
		})
		if err != nil {
			var syn *json.SyntaxError
			if n != 0 || (!errors.As(err, &syn) && !errors.Is(err, ErrUnreadable) && !errors.As(err, new(*fieldError))) {
				t.Fatalf("n %d, err %v", n, err)
			}
			return
		}
		if n != len(got) {
			t.Fatalf("n %d, read %d", n, len(got))
		}
		ids := map[int64]bool{}
		for _, p := range got {
			if p.ID != 0 && ids[p.ID] {
				t.Fatalf("id %d accepted twice", p.ID)
			}
			ids[p.ID] = true
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, s := range []string{"15", "0", "-1", "Mon, 07 Dec 2026 09:00:15 GMT", "soon", "", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		d, ok := retryAfter(h, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("%q: %v, %v", h, d, ok)
		}
	})
}

func FuzzParseInvoiceSummary(f *testing.F) {
	for _, s := range []string{
		`{"id":5512345,"invoiceNumber":"WB-2026-00042","relationId":40994969,"date":"2026-12-07","reference":"Werkbon 42","termOfPayment":14,"templateId":118822,"totalExcl":239.95,"vatAmount":50.39,"totalAmount":290.34,"urlPdfFile":"https://x"}`,
		`{"id":1,"totalAmount":121.0,"date":"2026-12-07T00:00:00"}`,
		`{"id":1,"totalAmount":"121"}`,
		`{"id":1,"totalAmount":-0}`,
		`{"id":1,"date":7}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseInvoiceSummary(data)
		if err != nil {
			checkRecordErr(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		checkDate(t, s.Date)
		for _, d := range []decimal.Decimal{s.TotalExcl, s.VATAmount, s.TotalAmount} {
			checkMoney(t, &d)
		}
	})
}
