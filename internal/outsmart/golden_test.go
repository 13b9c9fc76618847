package outsmart

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", name, got, want)
	}
}

// postedBodies returns the bodies of the op's requests as the sandbox
// received them, one per line.
func (e *env) postedBodies(t *testing.T, op string) string {
	t.Helper()
	var out []string
	for _, r := range e.srv.Requests().All() {
		if r.Op == op {
			if !json.Valid([]byte(r.Body)) {
				t.Fatalf("%s body is not JSON: %s", op, r.Body)
			}
			out = append(out, r.Body)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func TestGoldenRelationsBatches(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BatchSize = 2 })
	in := []Relation{
		{DebtorNumber: "14233Aaa", Name: "Naam B.V.", Contact: "Dhr. Piet Klaassen", Phone: "0761625345",
			Email: "vb@example.nl", EmailWorkOrder: "vb@example.nl", Street: "Beatrixlaan", HouseNumber: "132",
			PostalCode: "1234AB", City: "Utrecht", Remark: "Let op met parkeren hier."},
		{DebtorNumber: "1001", Name: "Installatiebedrijf Van Dijk & Zn <B.V.>", Contact: "J. \"Jan\" van Dijk",
			Phone: "030-1234567", Mobile: "06-12345678", Email: "info@vandijk.nl", Street: "Oudegracht",
			HouseNumber: "12a", PostalCode: "3511 AB", City: "Utrecht", Country: "NL", Remark: "Regel 1\nRegel 2 – één",
			ExternalID: "eb-77", DebtorNumberInvoice: "1001", KvKNumber: "30123456", VATNumber: "NL001234567B01",
			DebtorType: "Klant", Language: "nl", Active: active(true)},
		{DebtorNumber: "1002", Name: "P. de Boer", Street: "Laan", PostalCode: "3706 GE", City: "Zeist", Active: active(false)},
	}
	if n, err := e.client.UpsertRelations(context.Background(), in); err != nil || n != 3 {
		t.Fatalf("UpsertRelations = %d, %v", n, err)
	}
	golden(t, "relations_batches.json", e.postedBodies(t, "POST relations"))
}

func TestGoldenMaterialsBatch(t *testing.T) {
	e := newEnv(t, nil)
	in := []Material{
		{Code: "00001", Description: "Omschrijving 1", Price: decimal.MustParse("4.55"), Unit: "M2"},
		{Code: "CU-22", Description: "Koperen buis 22 mm", Price: decimal.MustParse("12.4"), Unit: "meter",
			EANCode: "8711234567890", Barcode: "CU22", FreeField1: "HOOG_VERK_21", FreeField2: "8000"},
		{Code: "KLEIN", Description: "Kleinmateriaal", Price: decimal.MustParse("0.1234"), Unit: "stuk", FreeField1: "GEEN"},
		{Code: "KORTING", Description: "Korting", Price: decimal.MustParse("-10"), Unit: "stuk"},
	}
	if n, err := e.client.UpsertMaterials(context.Background(), in); err != nil || n != 4 {
		t.Fatalf("UpsertMaterials = %d, %v", n, err)
	}
	golden(t, "materials_batch.json", e.postedBodies(t, "POST materials"))
}

func TestGoldenHourTypesBatch(t *testing.T) {
	e := newEnv(t, nil)
	in := []HourType{
		{Code: "001", Name: "Normale uren", SalePrice: decimal.MustParse("50"), CostPrice: decimal.MustParse("25"), Active: true},
		{Code: "ZK", Name: "Ziekte", CostBooking: true, SaleBooking: true, Active: true},
		{Code: "ARB-SPOED", Name: "Spoedtarief", SaleBooking: true, SalePrice: decimal.MustParse("87.125")},
	}
	if n, err := e.client.UpsertHourTypes(context.Background(), in); err != nil || n != 3 {
		t.Fatalf("UpsertHourTypes = %d, %v", n, err)
	}
	golden(t, "hourtypes_batch.json", e.postedBodies(t, "POST hourtypes"))
}

// TestBodiesMatchTheBlueprintExamples: the records the Blueprint posts in
// its own examples come out of the client byte for byte.
func TestBodiesMatchTheBlueprintExamples(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"relation", relationWire(Relation{DebtorNumber: "152346", Name: "Naam2 BV", Contact: "Dhr. Example",
			Phone: "0761654637", Email: "vb@example2.nl", EmailWorkOrder: "vb@example2.nl", Street: "Clauslaan",
			HouseNumber: "54", PostalCode: "1234AX", City: "Amsterdam", Remark: "Let op met parkeren hier."}),
			`{"name":"Naam2 BV","debtor_number":"152346","contact":"Dhr. Example","phone_number":"0761654637","email":"vb@example2.nl","email_workorder":"vb@example2.nl","street":"Clauslaan","house_number":"54","postal_code":"1234AX","city":"Amsterdam","remark":"Let op met parkeren hier."}`},
		{"material", materialWire(Material{Code: "00012", Description: "Omschrijving 2", Price: decimal.MustParse("2.5"), Unit: "M2"}),
			`{"code":"00012","description":"Omschrijving 2","price":"2,50","unit":"M2"}`},
		{"hour type", hourTypeWire(HourType{Code: "ZK", Name: "Ziekte", CostBooking: true, SaleBooking: true, Active: true}),
			`{"code":"ZK","name":"Ziekte","cost_booking":"1","sale_booking":"1","sale_price":"0.00","cost_price":"0.00","active":"1"}`},
	}
	for _, tt := range tests {
		b, err := marshalBody(tt.got)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, b, tt.want)
		}
	}
}
