package rest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDecodePage2000Products decodes one full page of the product
// list (2,000 items, the API's largest page).
func BenchmarkDecodePage2000Products(b *testing.B) {
	items := make([]string, MaxPageSize)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":%d,"code":"P%d","description":"Product %d met een omschrijving","unitId":301,"active":true}`, i+1, i+1, i+1)
	}
	page := []byte(`{"items":[` + strings.Join(items, ",") + `],"count":2000}`)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var out []ProductRef
		n, err := decodePage(page, "GET /v1/product", "product", 0, map[int64]bool{}, func(raw json.RawMessage, _ int) (int64, error) {
			p, err := parseProductRef(raw)
			out = append(out, p)
			return p.ID, err
		})
		if err != nil || n != MaxPageSize || len(out) != MaxPageSize {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkParseRelation decodes one relation as GET /v1/relation/{id}
// returns it (one call per relation, §5.1).
func BenchmarkParseRelation(b *testing.B) {
	raw := []byte(`{"id":40994969,"type":"B","code":"K1001","date":"2026-01-05T00:00:00","name":"Jansen Installatie BV",
"contact":"P. Jansen","gender":"m","address":"Dorpsstraat 1","postalCode":"1234 AB","city":"Utrecht","country":"NL",
"phoneNumber":"030-1234567","emailAddress":"info@jansen.nl","vatNumber":"NL001234567B01","inactive":false,
"iban":"NL91ABNA0417164300","doNotReceiveNewsletters":1,"ledgerId":22206455,"mandate":false}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseRelation(raw); err != nil {
			b.Fatal(err)
		}
	}
}
