package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/store"
)

// This file generates the large datasets of the engine benchmarks
// (bench_test.go): the demo administration plus generated relations,
// products and work orders. Everything is deterministic, so two runs of a
// benchmark see the same data.

// benchCities are the places of the generated relations.
var benchCities = []struct{ postcode, city string }{
	{"3511", "Utrecht"}, {"1012", "Amsterdam"}, {"3011", "Rotterdam"}, {"2511", "Den Haag"},
	{"5611", "Eindhoven"}, {"9711", "Groningen"}, {"6811", "Arnhem"}, {"3701", "Zeist"},
	{"3811", "Amersfoort"}, {"5211", "'s-Hertogenbosch"},
}

// benchStreets are the streets of the generated relations.
var benchStreets = []string{"Dorpsstraat", "Kerkstraat", "Industrieweg", "Stationsweg", "Molenweg", "Julianalaan",
	"Beatrixstraat", "Nieuwe Gracht", "Oranjelaan", "Schoolstraat"}

// benchUnits are the units of the generated products, in turn: one product
// in three is an hour type.
var benchUnits = []string{"stuk", "meter", "uur"}

// benchRelationCode is the code of the i-th generated relation.
func benchRelationCode(i int) string { return fmt.Sprintf("BR%05d", i) }

// benchProductCode is the code of the i-th generated product.
func benchProductCode(i int) string { return fmt.Sprintf("BP%05d", i) }

// benchDataset returns a clone of the demo administration with nRel
// generated relations and nProd generated products added to e-Boekhouden,
// and with the demo's work orders replaced by nOrders generated work orders
// that are Compleet with the workflow status "1 naar E-boekhouden". Every
// generated relation has a full address (so it can go to OutSmart), every
// product a unit of benchUnits, and every work order a debtor that exists in
// e-Boekhouden (no relation is created by the export), two or three material
// lines whose codes are generated materials and two work periods whose hour
// types are generated "uur" products.
func benchDataset(nRel, nProd, nOrders int) *demodata.Dataset {
	ds := demodata.Default().Clone()
	eb := &ds.EBoekhouden

	for i := range nRel {
		pc := benchCities[i%len(benchCities)]
		street := benchStreets[(i/len(benchCities))%len(benchStreets)]
		eb.Relations = append(eb.Relations, demodata.Relatie{
			ID:             int64(6_000_000 + i),
			AddDatum:       fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
			Code:           benchRelationCode(i),
			Bedrijf:        fmt.Sprintf("Klant %05d B.V.", i),
			Contactpersoon: fmt.Sprintf("J. de Boer %d", i),
			Geslacht:       "m",
			Adres:          fmt.Sprintf("%s %d", street, 1+i%180),
			Postcode:       fmt.Sprintf("%s %c%c", pc.postcode, 'A'+rune(i%26), 'A'+rune((i/26)%26)),
			Plaats:         pc.city,
			Land:           "NL",
			Telefoon:       fmt.Sprintf("030-%07d", 1_000_000+i),
			Email:          fmt.Sprintf("administratie%05d@klant.nl", i),
			BTWNummer:      fmt.Sprintf("NL%09dB01", 100_000_000+i),
			KvkNummer:      fmt.Sprintf("%08d", 30_000_000+i),
			IBAN:           fmt.Sprintf("NL%02dRABO%010d", 10+i%89, 300_000_000+i),
			BIC:            "RABONL2U",
			BP:             "B",
			LA:             "0",
		})
	}

	for i := range nProd {
		unit := benchUnits[i%len(benchUnits)]
		a := demodata.Artikel{
			ArtikelID:           int64(7_000_000 + i),
			ArtikelOmschrijving: fmt.Sprintf("Artikel %05d", i),
			ArtikelCode:         benchProductCode(i),
			GroepOmschrijving:   "Materialen",
			GroepCode:           "MAT",
			Eenheid:             unit,
			InkoopprijsExclBTW:  benchCents(100 + 37*i%5000),
			VerkoopprijsExclBTW: benchCents(250 + 53*i%9000),
			BTWCode:             "HOOG_VERK_21",
			TegenrekeningCode:   "8000",
			Actief:              true,
		}
		if unit == "uur" {
			a.ArtikelOmschrijving = fmt.Sprintf("Arbeid tarief %05d", i)
			a.GroepOmschrijving, a.GroepCode, a.TegenrekeningCode = "Arbeid", "UREN", "8010"
			a.InkoopprijsExclBTW = benchCents(2500 + i%1500)
			a.VerkoopprijsExclBTW = benchCents(4500 + i%3000)
		}
		if i%7 == 0 {
			a.BTWCode = "LAAG_VERK_9"
		}
		eb.Articles = append(eb.Articles, a)
	}

	var mats, hours []demodata.Artikel
	for _, a := range eb.Articles[len(eb.Articles)-nProd:] {
		if a.Eenheid == "uur" {
			hours = append(hours, a)
		} else {
			mats = append(mats, a)
		}
	}
	status := ""
	for _, s := range ds.OutSmart.Workstatusses {
		if s.Name == store.DefaultWorkflowStatus {
			status = s.Code
		}
	}
	ds.OutSmart.Workorders = nil
	for i := range nOrders {
		if nRel == 0 || len(mats) == 0 || len(hours) == 0 {
			panic("benchDataset: work orders need generated relations, materials and hour types")
		}
		rel := eb.Relations[len(eb.Relations)-nRel+i%nRel]
		street, number := splitStreet(rel.Adres)
		day := fmt.Sprintf("%02d-%02d-2026", 1+i%28, 1+i%12)
		wo := demodata.Workorder{
			ID: fmt.Sprint(800_000 + i), OrderNr: fmt.Sprintf("WB9%05d", i),
			WorkDate: day, WorkTime: "08:00", WorkEndDate: day, WorkEndTime: "17:00",
			CustomerName: rel.Bedrijf, CustomerDebtorNr: rel.Code, CustomerStreet: street, CustomerStreetNo: number,
			CustomerEmail: rel.Email, CustomerZIP: rel.Postcode, CustomerCity: rel.Plaats, CustomerCountry: rel.Land,
			CustomerContactPerson: rel.Contactpersoon, CustomerPhone: rel.Telefoon,
			CustomerNameInvoice: rel.Bedrijf, CustomerDebtorNrInvoice: rel.Code, CustomerStreetInvoice: street,
			CustomerStreetNoInvoice: number, CustomerEmailInvoice: rel.Email, CustomerZIPInvoice: rel.Postcode,
			CustomerCityInvoice: rel.Plaats, CustomerCountryInvoice: rel.Land,
			CustomerContactPersonInvoice: rel.Contactpersoon, CustomerPhoneInvoice: rel.Telefoon,
			TypeOfWork: "Onderhoud", WorkDescription: fmt.Sprintf("Onderhoud installatie, opdracht %d", i),
			ShortWorkDescription: "Onderhoud installatie", PaymentMethod: "op rekening",
			CreationDate: fmt.Sprintf("2026-%02d-%02d 07:45", 1+i%12, 1+i%28), EmployeeNr: "11", Archived: "0",
			PdfURL:        fmt.Sprintf("https://app.out-smart.com/mailpdf.php?action=display&sheet_id=%012x", 0xbe0000+i),
			WorksheetCode: fmt.Sprintf("%032x", 0xbe0000+i), Status: "Compleet", WorkFinished: "1", WorkStatus: status,
		}
		for j := range 2 + i%2 {
			m := mats[(3*i+j)%len(mats)]
			qty := 1 + (i+j)%4
			price := benchCentsOf(m.VerkoopprijsExclBTW)
			vat, ledger := m.BTWCode, m.TegenrekeningCode
			wo.Materials = append(wo.Materials, demodata.WorkorderMaterial{
				MaterialCode: m.ArtikelCode, MaterialNr: fmt.Sprint(qty),
				MaterialPrice: benchComma(price), MaterialTotalPrice: benchComma(price * qty),
				MaterialName: m.ArtikelOmschrijving, MaterialUnit: m.Eenheid,
				MaterialFreeField1: &vat, MaterialFreeField2: &ledger,
			})
		}
		for j := range 2 {
			h := hours[(2*i+j)%len(hours)]
			breakMin := 30 * j
			total := 4*60 + 15*(i%4) - breakMin
			wo.Workperiods = append(wo.Workperiods, demodata.WorkorderPeriod{
				WorkDate: day, BeginTime: "08:00", EndTime: benchHM(8*60 + total + breakMin),
				Break: fmt.Sprint(breakMin), TotalTime: benchHM(total), Travel: fmt.Sprint(10 + i%30),
				EmployeeNr: []string{"11", "12", "13", "14"}[(i+j)%4], HourType: h.ArtikelCode,
			})
		}
		ds.OutSmart.Workorders = append(ds.OutSmart.Workorders, wo)
	}
	return ds
}

// benchCents formats cents as a dot decimal ("12.40").
func benchCents(c int) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// benchComma formats cents as OutSmart's comma decimal ("12,40").
func benchComma(c int) string { return strings.Replace(benchCents(c), ".", ",", 1) }

// benchCentsOf reads a dot decimal with two decimals as cents.
func benchCentsOf(s string) int {
	var whole, frac int
	if _, err := fmt.Sscanf(s, "%d.%d", &whole, &frac); err != nil {
		panic("benchCentsOf: " + s)
	}
	return whole*100 + frac
}

// benchHM formats minutes as H:i ("04:15").
func benchHM(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// TestBenchDataset keeps the benchmarks' generator honest in plain test
// runs: a small dataset is valid, and one run turns every work order into an
// invoice without creating a relation or parking anything.
func TestBenchDataset(t *testing.T) {
	ds := benchDataset(30, 30, 12)
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := len(ds.OutSmart.Workorders); got != 12 {
		t.Fatalf("%d work orders, want 12", got)
	}
	codes := map[string]bool{}
	for _, r := range ds.EBoekhouden.Relations {
		if codes[r.Code] {
			t.Fatalf("relation code %s twice", r.Code)
		}
		codes[r.Code] = true
		if strings.HasPrefix(r.Code, "BR") && (r.Adres == "" || r.Postcode == "" || r.Plaats == "") {
			t.Errorf("generated relation %s has no full address", r.Code)
		}
	}
	for _, w := range ds.OutSmart.Workorders {
		if !codes[w.CustomerDebtorNrInvoice] || len(w.Materials) < 2 || len(w.Workperiods) != 2 {
			t.Errorf("work order %s: debtor %s, %d material lines, %d periods", w.OrderNr, w.CustomerDebtorNrInvoice,
				len(w.Materials), len(w.Workperiods))
		}
	}

	h := newHarness(t, sandbox.Options{Dataset: ds}, nil)
	sum := h.run(RunOptions{})
	if sum.Err != nil {
		t.Fatalf("run failed: %v", sum.Err)
	}
	if sum.Invoices != 12 || sum.Handled != 12 || sum.RelationsCreated != 0 {
		t.Errorf("invoices %d, handled %d, relations created %d; want 12, 12, 0", sum.Invoices, sum.Handled, sum.RelationsCreated)
	}
	for _, e := range h.logs {
		if (e.Level == store.LevelAttention && strings.HasPrefix(e.Subject, "werkbon")) || e.Level == store.LevelWarning {
			t.Errorf("log: %s %s: %s", e.Level, e.Subject, e.Message)
		}
	}
	h.assertExactlyOnce(keys(h.eligible()))
}
