package eboekhouden

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden request bodies and the fuzz seed corpus in testdata/")

// Fixed credentials for the golden files (not real ones).
var goldenCreds = Credentials{
	Username:      "golden-user",
	SecurityCode1: "0123456789abcdef0123456789abcdef",
	SecurityCode2: "01234567-89AB-CDEF-0123-456789ABCDEF",
}

var sampleAddRelatieOK = envelope(`<AddRelatieResponse xmlns="http://www.e-boekhouden.nl/soap"><AddRelatieResult><ErrorMsg /><Rel_ID>12345679</Rel_ID></AddRelatieResult></AddRelatieResponse>`)

// recorder is a loopback SOAP server that records every request and answers
// each operation with a fixed, valid answer.
type recorder struct {
	mu       sync.Mutex
	bodies   map[string][][]byte
	headers  map[string]http.Header
	answers  map[string][]byte
	requests int
}

func newRecorder() *recorder {
	return &recorder{
		bodies:  map[string][][]byte{},
		headers: map[string]http.Header{},
		answers: map[string][]byte{
			opOpenSession: sampleOpenSession, opCloseSession: sampleCloseSession,
			opGetRelaties: sampleGetRelaties, opAddRelatie: sampleAddRelatieOK, opUpdateRelatie: sampleUpdateRelatieOK,
			opGetArtikelen: sampleGetArtikelen, opAddFactuur: sampleAddFactuur, opGetFacturen: sampleGetFacturen,
			opGetOpenPosten: sampleGetOpenPosten,
		},
	}
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	op := strings.TrimPrefix(strings.Trim(r.Header.Get("SOAPAction"), `"`), soapActionP)
	rec.mu.Lock()
	rec.requests++
	rec.bodies[op] = append(rec.bodies[op], body)
	rec.headers[op] = r.Header.Clone()
	answer := rec.answers[op]
	rec.mu.Unlock()
	if answer == nil || r.Method != http.MethodPost {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(answer)
}

func (rec *recorder) last(op string) []byte {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	b := rec.bodies[op]
	if len(b) == 0 {
		return nil
	}
	return b[len(b)-1]
}

func goldenClient(t *testing.T, rec *recorder) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: newLoopbackServer(t, rec) + "/soap.asmx", Credentials: goldenCreds, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.Local) }
	return c
}

// checkGolden compares got with testdata/golden/name byte for byte, or
// rewrites the file with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("request body differs from %s (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// goldenInvoice has several lines: hours, materials with a four-decimal
// price, a cost centre, and text that needs escaping.
func goldenInvoice() Invoice {
	return Invoice{
		RelationCode:       "1002",
		Date:               date(2026, 3, 14),
		PaymentTermDays:    14,
		Template:           "Factuur met logo",
		Book:               true,
		BookingDescription: "Werkbon 2026-0042 <cv-ketel> & leidingwerk",
		Lines: []InvoiceLine{
			{Quantity: decimal.MustParse("2.5"), Unit: "uur", Code: "ARB-MONT", Description: "Arbeid monteur 12-03", UnitPrice: decimal.MustParse("62.50"), VATCode: "HOOG_VERK_21", LedgerCode: "8010"},
			{Quantity: decimal.MustParse("3"), Unit: "stuk", Code: "MAT-KNEL15", Description: "Knelkoppeling 15 mm \"recht\"", UnitPrice: decimal.MustParse("4.5475"), VATCode: "HOOG_VERK_21", LedgerCode: "8000"},
			{Quantity: decimal.MustParse("1"), Code: "VOORRIJ", Description: "Voorrijkosten", UnitPrice: decimal.MustParse("35"), VATCode: "HOOG_VERK_21", LedgerCode: "8020", CostCentreID: 7},
			{Quantity: decimal.MustParse("-1"), Unit: "stuk", Code: "KORTING", Description: "Korting 't Gooi", UnitPrice: decimal.MustParse("10.00"), VATCode: "LAAG_VERK_9", LedgerCode: "8020"},
		},
	}
}

func goldenRelation() Relation {
	return Relation{
		Code: "1042", Company: "Van der Meer & Zn", ContactPerson: "Anna van der Meer", Gender: GenderFemale,
		Address: "Kerkstraat 10", PostalCode: "3511 AB", City: "Utrecht", Country: "NL",
		PostalAddress: "Postbus 12", PostalAddressPostalCode: "3500 AA", PostalAddressCity: "Utrecht", PostalAddressCountry: "NL",
		Phone: "030-1234567", Mobile: "06-12345678", Email: "factuur@vandermeer.nl", Website: "www.vandermeer.nl",
		Note: "Sleutel bij buren <nr 12>", VATNumber: "NL009876543B01", ChamberOfCommerce: "87654321",
		Salutation: "Geachte mevrouw Van der Meer", IBAN: "NL02RABO0123456789", BIC: "RABONL2U", Kind: RelationPrivate,
		Def1: "OutSmart 1042", Def10: "laatste veld", LedgerID: 906, NoEmail: true,
	}
}

func TestGoldenRequests(t *testing.T) {
	rec := newRecorder()
	c := goldenClient(t, rec)
	ctx := context.Background()

	number, err := c.AddInvoice(ctx, goldenInvoice())
	if err != nil || number != "F00042" {
		t.Fatalf("AddInvoice = %q, %v", number, err)
	}
	inv := goldenInvoice()
	inv.Number, inv.EmailIt = "2026-0042", true
	inv.EmailSubject, inv.EmailBody = "Factuur 2026-0042", "Beste klant,\n\nIn de bijlage vindt u de factuur.\n"
	inv.EmailFromAddress, inv.EmailFromName = "facturen@devries.nl", "Installatiebedrijf De Vries"
	inv.Book, inv.BookingDescription = false, ""
	inv.Lines = inv.Lines[:1]
	if _, err := c.AddInvoice(ctx, inv); err != nil {
		t.Fatal(err)
	}
	second := rec.last(opAddFactuur)
	rel := goldenRelation()
	if _, err := c.AddRelation(ctx, rel); err != nil {
		t.Fatal(err)
	}
	upd := goldenRelation()
	upd.ID, upd.AddedOn, upd.Kind, upd.NoEmail = 4100042, date(2024, 1, 19), RelationBusiness, false
	upd.MembersModule, upd.NewsletterGroupCount = "0", 2
	if err := c.UpdateRelation(ctx, upd); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Relations(ctx, RelationFilter{Keyword: "meer & zn", Code: "1042"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Products(ctx, ProductFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoices(ctx, InvoiceFilter{Number: "F00042", From: date(2026, 1, 1), To: date(2026, 12, 31)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenItems(ctx, OpenItemsCreditors); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	firstInvoice := rec.bodies[opAddFactuur][0]
	rec.mu.Unlock()
	for name, body := range map[string][]byte{
		"OpenSession.xml":               rec.last(opOpenSession),
		"AddFactuur.xml":                firstInvoice,
		"AddFactuur_number_email.xml":   second,
		"AddRelatie.xml":                rec.last(opAddRelatie),
		"UpdateRelatie.xml":             rec.last(opUpdateRelatie),
		"GetRelaties.xml":               rec.last(opGetRelaties),
		"GetArtikelen.xml":              rec.last(opGetArtikelen),
		"GetFacturen.xml":               rec.last(opGetFacturen),
		"GetOpenPosten_Crediteuren.xml": rec.last(opGetOpenPosten),
		"CloseSession.xml":              rec.last(opCloseSession),
	} {
		t.Run(name, func(t *testing.T) { checkGolden(t, name, body) })
	}
	// One session for the whole sequence, closed at the end.
	rec.mu.Lock()
	opens, closes := len(rec.bodies[opOpenSession]), len(rec.bodies[opCloseSession])
	rec.mu.Unlock()
	if opens != 1 || closes != 1 {
		t.Errorf("OpenSession %d times, CloseSession %d times; want 1 and 1", opens, closes)
	}
}

func TestRequestHeaders(t *testing.T) {
	rec := newRecorder()
	c := goldenClient(t, rec)
	if _, err := c.Relations(context.Background(), RelationFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{opOpenSession, opGetRelaties} {
		rec.mu.Lock()
		h := rec.headers[op]
		rec.mu.Unlock()
		if got := h.Get("Content-Type"); got != "text/xml; charset=utf-8" {
			t.Errorf("%s Content-Type = %q", op, got)
		}
		if got, want := h.Get("SOAPAction"), `"http://www.e-boekhouden.nl/soap/`+op+`"`; got != want {
			t.Errorf("%s SOAPAction = %s, want %s", op, got, want)
		}
	}
}
