package engine

// Direct table tests of the pure functions that decide an invoice's lines,
// amounts and references (the end-to-end tests reach them only through the
// sandbox).

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

func d(s string) decimal.Decimal { return decimal.MustParse(s) }

// invoiceSettings are the defaults the builder falls back on.
func invoiceSettings(rounding string) store.Settings {
	s := store.DefaultSettings()
	s.DefaultVATCode, s.DefaultLedger, s.HoursRounding = "HOOG_VERK_21", "8000", rounding
	s.Template, s.PaymentTermDays, s.BookDirectly = "Factuur", 14, true
	return s
}

// invoiceCatalog has a material, a labour product, and OutSmart hour types
// of which one is not billable.
func invoiceCatalog() catalog {
	return catalog{
		products: map[string]eboekhouden.Product{
			"M1":  {Code: "M1", Unit: "stuk", VATCode: "HOOG_VERK_21", LedgerCode: "8010"},
			"ARB": {Code: "ARB", Description: "Arbeid", SalePrice: d("60"), VATCode: "HOOG_VERK_21", LedgerCode: "8020"},
			"INK": {Code: "INK", VATCode: "HOOG_INK_21", LedgerCode: "8030"},
		},
		hourTypes: map[string]outsmart.HourType{
			"REIS": {Code: "REIS", Name: "Reistijd", SaleBooking: true, SalePrice: d("40")},
			"ZIEK": {Code: "ZIEK", Name: "Ziek", SaleBooking: false, SalePrice: d("50")},
		},
	}
}

func TestBuildInvoiceLinesAndTotals(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	wo := outsmart.WorkOrder{RowID: "77", Number: "WB1", Date: day, ShortDescription: "Ketel", Description: "Lang verhaal",
		Materials: []outsmart.MaterialLine{
			{Code: " M1 ", Name: "Kraan", Quantity: d("2"), UnitPrice: d("12.50")},
			{Name: "Kit", Quantity: d("3"), UnitPrice: d("1.99"), FreeFields: [5]string{" laag_verk_9 ", " 8040 "}},
			{Code: "M1", Name: "Niet gebruikt", Quantity: decimal.Zero, UnitPrice: d("99")},
		},
		WorkPeriods: []outsmart.WorkPeriod{
			{HourType: "ARB", Total: 70 * time.Minute},
			{HourType: "REIS", Total: 25 * time.Minute},
			{HourType: " ARB", Total: 20 * time.Minute},
			{HourType: "ZIEK", Total: 8 * time.Hour},
		},
	}
	got, err := buildInvoice(wo, "R1", invoiceCatalog(), invoiceSettings(store.HoursRoundingQuarter), day)
	if err != nil {
		t.Fatal(err)
	}
	want := []eboekhouden.InvoiceLine{
		{Quantity: d("1"), Code: "WERKBON", Description: "Werkbon WB1 (ref 77) van 20-11-2026: Ketel", VATCode: "HOOG_VERK_21", LedgerCode: "8010"},
		{Quantity: d("2"), Unit: "stuk", Code: "M1", Description: "Kraan", UnitPrice: d("12.50"), VATCode: "HOOG_VERK_21", LedgerCode: "8010"},
		{Quantity: d("3"), Code: "MATERIAAL", Description: "Kit", UnitPrice: d("1.99"), VATCode: "LAAG_VERK_9", LedgerCode: "8040"},
		// 70 and 20 minutes are 75 and 30 by the quarter: 1:45 billed, 1:30 worked.
		{Quantity: d("1.75"), Unit: "uur", Code: "ARB", Description: "Arbeid (1:45 uur, gewerkt 1:30)", UnitPrice: d("60"), VATCode: "HOOG_VERK_21", LedgerCode: "8020"},
		// Priced by OutSmart's hour type, with the default VAT code and ledger.
		{Quantity: d("0.5"), Unit: "uur", Code: "REIS", Description: "Reistijd (0:30 uur, gewerkt 0:25)", UnitPrice: d("40"), VATCode: "HOOG_VERK_21", LedgerCode: "8000"},
	}
	if !slices.EqualFunc(got.invoice.Lines, want, lineEqual) {
		t.Errorf("lines\n got %+v\nwant %+v", got.invoice.Lines, want)
	}
	inv := got.invoice
	if inv.RelationCode != "R1" || !inv.Date.Equal(day) || inv.PaymentTermDays != 14 || inv.Template != "Factuur" || !inv.Book ||
		inv.BookingDescription != "Werkbon WB1 (ref 77)" || got.reference != "Werkbon WB1 (ref 77)" {
		t.Errorf("invoice head %+v, reference %q", inv, got.reference)
	}
	// 21 % of 25.00 + 105.00 + 20.00 = 31.50; 9 % of 5.97 = 0.5373 → 0.54.
	if got.total.Cmp(d("188.01")) != 0 || !got.checkable || got.totalPerLine.Cmp(d("188.01")) != 0 {
		t.Errorf("total %s checkable %v per line %s, want 188.01 true 188.01", got.total, got.checkable, got.totalPerLine)
	}
	var notes []string
	for _, n := range got.notes {
		notes = append(notes, n.Key+" "+n.Args["Code"])
	}
	if !slices.Equal(notes, []string{"workorder.note.vat REIS", "workorder.note.ledger REIS"}) {
		t.Errorf("notes %v, want the VAT code and ledger defaults of REIS", notes)
	}
}

func lineEqual(a, b eboekhouden.InvoiceLine) bool {
	return a.Quantity.Equal(b.Quantity) && a.UnitPrice.Equal(b.UnitPrice) && a.Unit == b.Unit && a.Code == b.Code &&
		a.Description == b.Description && a.VATCode == b.VATCode && a.LedgerCode == b.LedgerCode &&
		a.CostCentreID == b.CostCentreID
}

// TestBuildInvoiceCostCentre: the Export tab's cost centre goes on every
// line, the reference line too; none leaves every line without one.
func TestBuildInvoiceCostCentre(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	wo := outsmart.WorkOrder{RowID: "78", Number: "WB2", Date: day,
		Materials:   []outsmart.MaterialLine{{Code: "M1", Name: "Kraan", Quantity: d("1"), UnitPrice: d("10")}},
		WorkPeriods: []outsmart.WorkPeriod{{HourType: "ARB", Total: time.Hour}}}
	for _, id := range []int64{0, 2201} {
		s := invoiceSettings(store.HoursRoundingQuarter)
		s.CostCentreID, s.CostCentre = id, "Installatie"
		got, err := buildInvoice(wo, "R1", invoiceCatalog(), s, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.invoice.Lines) != 3 {
			t.Fatalf("%d lines, want the reference, the material and the hours", len(got.invoice.Lines))
		}
		for i, l := range got.invoice.Lines {
			if l.CostCentreID != id {
				t.Errorf("cost centre %d: line %d carries %d", id, i, l.CostCentreID)
			}
		}
	}
}

func TestBuildInvoiceHourRounding(t *testing.T) {
	for _, tc := range []struct {
		rule, quantity, text string
	}{
		// 50 minutes at € 60: exact to the minute, to the hundredth, and up.
		{store.HoursRoundingMinute, "0.8333", "Arbeid (0:50 uur)"},
		{store.HoursRoundingHundredth, "0.83", "Arbeid (0:50 uur)"},
		{store.HoursRoundingQuarter, "1", "Arbeid (1:00 uur, gewerkt 0:50)"},
		{store.HoursRoundingHalf, "1", "Arbeid (1:00 uur, gewerkt 0:50)"},
	} {
		wo := outsmart.WorkOrder{RowID: "1", Number: "WB2", WorkPeriods: []outsmart.WorkPeriod{{HourType: "ARB", Total: 50 * time.Minute}}}
		got, err := buildInvoice(wo, "R1", invoiceCatalog(), invoiceSettings(tc.rule), time.Time{})
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		l := got.invoice.Lines[1]
		if !l.Quantity.Equal(d(tc.quantity)) || l.Description != tc.text {
			t.Errorf("%s: %s × %s %q, want quantity %s %q", tc.rule, l.Quantity, l.UnitPrice, l.Description, tc.quantity, tc.text)
		}
		// The reference line has no date and no description to add.
		if ref := got.invoice.Lines[0].Description; ref != "Werkbon WB2 (ref 1)" {
			t.Errorf("reference line %q", ref)
		}
	}
}

func TestBuildInvoiceParks(t *testing.T) {
	minutes := func(code string, m int) outsmart.WorkPeriod {
		return outsmart.WorkPeriod{HourType: code, Total: time.Duration(m) * time.Minute}
	}
	for _, tc := range []struct {
		name   string
		wo     outsmart.WorkOrder
		reason string
	}{
		{"material without code or name", outsmart.WorkOrder{Materials: []outsmart.MaterialLine{{Code: " ", Quantity: d("1")}}}, "park.materialline"},
		{"hours without hour type", outsmart.WorkOrder{WorkPeriods: []outsmart.WorkPeriod{minutes("", 30)}}, "park.nohourtype"},
		{"unknown hour type", outsmart.WorkOrder{WorkPeriods: []outsmart.WorkPeriod{minutes("ONBEKEND", 30)}}, "park.unknownhourtype"},
		{"purchase VAT code", outsmart.WorkOrder{Materials: []outsmart.MaterialLine{{Code: "INK", Quantity: d("1"), UnitPrice: d("1")}}}, "park.vatnotsales"},
		{"free-field VAT code that is no sales code falls back to the default", outsmart.WorkOrder{
			Materials:   []outsmart.MaterialLine{{Code: "X", Quantity: d("1"), FreeFields: [5]string{"HOOG_INK_21"}}},
			WorkPeriods: []outsmart.WorkPeriod{minutes("ONBEKEND", 30)}}, "park.unknownhourtype"},
		{"nothing to invoice", outsmart.WorkOrder{Materials: []outsmart.MaterialLine{{Code: "M1", Quantity: decimal.Zero}},
			WorkPeriods: []outsmart.WorkPeriod{minutes("ARB", 0)}}, "park.empty"},
		{"only hours that are not billable", outsmart.WorkOrder{WorkPeriods: []outsmart.WorkPeriod{minutes("ZIEK", 60)}}, "park.empty"},
		{"amount does not fit", outsmart.WorkOrder{Materials: []outsmart.MaterialLine{
			{Code: "M1", Quantity: d("900000000"), UnitPrice: d("900000000")}}}, "park.toolarge"},
	} {
		tc.wo.Number, tc.wo.RowID = "WB3", "3"
		_, err := buildInvoice(tc.wo, "R1", invoiceCatalog(), invoiceSettings(store.HoursRoundingMinute), time.Time{})
		var p *parkError
		if !errors.As(err, &p) {
			t.Errorf("%s: %v, want park %s", tc.name, err, tc.reason)
			continue
		}
		if p.reason != tc.reason {
			t.Errorf("%s: parked for %s, want %s", tc.name, p.reason, tc.reason)
		}
	}
}

func TestBuildInvoiceParksHoursWhoseAmountDoesNotFit(t *testing.T) {
	cat := invoiceCatalog()
	cat.products["DUUR"] = eboekhouden.Product{Code: "DUUR", SalePrice: d("900000000000"), VATCode: "GEEN", LedgerCode: "8020"}
	wo := outsmart.WorkOrder{Number: "WB4", RowID: "4", WorkPeriods: []outsmart.WorkPeriod{{HourType: "DUUR", Total: 90000 * time.Hour}}}
	_, err := buildInvoice(wo, "R1", cat, invoiceSettings(store.HoursRoundingMinute), time.Time{})
	var p *parkError
	if !errors.As(err, &p) || p.reason != "park.hoursamount" {
		t.Fatalf("got %v, want the hours parked as too large an amount", err)
	}
	if p.args["Hours"] != "90000:00" || p.args["Code"] != "DUUR" || p.args["Number"] != "WB4" {
		t.Errorf("park arguments %v", p.args)
	}
}

func TestInvoiceTotal(t *testing.T) {
	line := func(q, price, vat string) eboekhouden.InvoiceLine {
		return eboekhouden.InvoiceLine{Quantity: d(q), UnitPrice: d(price), VATCode: vat}
	}
	for _, tc := range []struct {
		name             string
		lines            []eboekhouden.InvoiceLine
		total, perLine   string
		checkable, fails bool
	}{
		{"one line at 21 %", []eboekhouden.InvoiceLine{line("1", "100", "HOOG_VERK_21")}, "121.00", "121.00", true, false},
		{"line amount rounded half away from zero", []eboekhouden.InvoiceLine{line("3", "0.335", "GEEN")}, "1.01", "1.01", true, false},
		{"negative line rounded away from zero", []eboekhouden.InvoiceLine{line("-3", "0.335", "GEEN")}, "-1.01", "-1.01", true, false},
		// Three lines of 0.07 at 21 %: 0.0441 per code is 0.04; per line 3 × 0.01.
		{"VAT per code, not per line", []eboekhouden.InvoiceLine{line("1", "0.07", "HOOG_VERK_21"), line("1", "0.07", "HOOG_VERK_21"),
			line("1", "0.07", "HOOG_VERK_21")}, "0.25", "0.24", true, false},
		{"two codes each rounded", []eboekhouden.InvoiceLine{line("1", "5.97", "LAAG_VERK_9"), line("1", "0.05", "HOOG_VERK_21")}, "6.57", "6.57", true, false},
		{"legacy low rate is 9 %", []eboekhouden.InvoiceLine{line("1", "100", "LAAG_VERK")}, "109.00", "109.00", true, false},
		{"legacy high rate is 19 %", []eboekhouden.InvoiceLine{line("1", "100", "HOOG_VERK")}, "119.00", "119.00", true, false},
		{"reverse charge has no VAT", []eboekhouden.InvoiceLine{line("2", "50", "VERL_VERK")}, "100.00", "100.00", true, false},
		{"deviating rate cannot be checked", []eboekhouden.InvoiceLine{line("1", "100", "AFW"), line("1", "10", "HOOG_VERK_21")}, "112.10", "112.10", false, false},
		{"no lines", nil, "0", "0", true, false},
		{"amount does not fit", []eboekhouden.InvoiceLine{line("900000000", "900000000", "GEEN")}, "", "", false, true},
	} {
		total, checkable, err := invoiceTotal(tc.lines)
		if tc.fails {
			if err == nil {
				t.Errorf("%s: total %s, want an error", tc.name, total)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if total.Cmp(d(tc.total)) != 0 || checkable != tc.checkable {
			t.Errorf("%s: total %s checkable %v, want %s %v", tc.name, total, checkable, tc.total, tc.checkable)
		}
		if got := totalVATPerLine(tc.lines); got.Cmp(d(tc.perLine)) != 0 {
			t.Errorf("%s: per line %s, want %s", tc.name, got, tc.perLine)
		}
	}
}

func TestInvoiceReferences(t *testing.T) {
	inv := func(lines ...eboekhouden.InvoiceLine) eboekhouden.InvoiceSummary {
		return eboekhouden.InvoiceSummary{Number: "F1", Lines: lines}
	}
	ref := func(code, text string) eboekhouden.InvoiceLine {
		return eboekhouden.InvoiceLine{Code: code, Description: text}
	}
	if got := invoiceReference("WB26116", "30414"); got != "Werkbon WB26116 (ref 30414)" {
		t.Errorf("invoiceReference = %q", got)
	}
	for _, tc := range []struct {
		name   string
		inv    eboekhouden.InvoiceSummary
		rowIDs []string
		legacy []string // of the numbers below, those hasLegacyReference finds
	}{
		{"reference line", inv(ref("WERKBON", "Werkbon WB26116 (ref 30414) van 20-11-2026: Ketel")), []string{"30414"}, nil},
		{"code left out by the service", inv(ref("", "  Werkbon WB1 (ref 9)")), []string{"9"}, nil},
		{"code in other case", inv(ref("werkbon", "Werkbon WB1 (ref 9)")), []string{"9"}, nil},
		// Not a reference line, so no row id: the text still names WB1.
		{"another line's code is not a reference", inv(ref("ARB", "Werkbon WB1 (ref 9)")), nil, []string{"WB1"}},
		{"two work orders on one invoice", inv(ref("WERKBON", "Werkbon A (ref 1)"), ref("WERKBON", "Werkbon B (ref 2)")), []string{"1", "2"}, nil},
		{"reference not at the start", inv(ref("WERKBON", "Zie Werkbon WB1 (ref 9)")), nil, []string{"WB1"}},
		{"legacy reference at the end", inv(ref("WERKBON", "Werkbon WB26116")), nil, []string{"WB26116"}},
		{"legacy reference before a colon", inv(ref("", "Werkbon WB26116: Ketel")), nil, []string{"WB26116"}},
		{"legacy reference of a longer number", inv(ref("", "Werkbon WB261167 van 20-11-2026")), nil, nil},
		{"legacy reference after a longer one", inv(ref("", "Werkbon WB261167 en Werkbon WB26116.")), nil, []string{"WB26116"}},
		{"legacy reference on a later line", inv(ref("", "Ketel"), ref("M1", "zie Werkbon WB26116, blad 2")), nil, []string{"WB26116"}},
	} {
		if got := referencedRowIDs(tc.inv); !slices.Equal(got, tc.rowIDs) {
			t.Errorf("%s: row ids %v, want %v", tc.name, got, tc.rowIDs)
		}
		for _, id := range tc.rowIDs {
			if !carriesRowID(tc.inv, id) {
				t.Errorf("%s: does not carry %s", tc.name, id)
			}
		}
		if carriesRowID(tc.inv, "941") || carriesRowID(tc.inv, "") || carriesRowID(tc.inv, "3041") {
			t.Errorf("%s: carries a row id it does not name", tc.name)
		}
		for _, n := range []string{"WB26116", "WB2611", "WB1", "A", "B"} {
			if got, want := hasLegacyReference(tc.inv, n), slices.Contains(tc.legacy, n); got != want {
				t.Errorf("%s: hasLegacyReference(%s) = %v, want %v", tc.name, n, got, want)
			}
		}
	}
}

func TestImplausible(t *testing.T) {
	draft := func(total string, lines ...eboekhouden.InvoiceLine) invoiceDraft {
		return invoiceDraft{total: d(total), invoice: eboekhouden.Invoice{Lines: lines}}
	}
	line := func(q, price string) eboekhouden.InvoiceLine {
		return eboekhouden.InvoiceLine{Quantity: d(q), UnitPrice: d(price), Description: "regel"}
	}
	for _, tc := range []struct {
		name   string
		d      invoiceDraft
		limit  string
		reason string // "" when the invoice may go out
	}{
		{"ordinary", draft("121", line("1", "100")), "5000", ""},
		{"negative total", draft("-0.01", line("-1", "0.01")), "5000", "implausible.negative"},
		{"negative total without a limit", draft("-10", line("-1", "10")), "0", "implausible.negative"},
		{"no limit", draft("1210000", line("1", "1000000")), "0", ""},
		{"line exactly at the limit", draft("6050", line("1", "5000")), "5000", ""},
		{"line a cent above the limit", draft("6050.01", line("1", "5000.01")), "5000", "implausible.line"},
		{"line amount from quantity × price", draft("7260", line("3", "2000")), "5000", "implausible.line"},
		{"negative line beyond the limit", draft("1", line("1", "6001"), line("-1", "6000")), "5000", "implausible.line"},
		{"a return within the limit", draft("100", line("1", "200"), line("-1", "100")), "5000", ""},
		{"line amount that does not fit", draft("1", line("900000000", "900000000")), "5000", "implausible.noamount"},
	} {
		p := implausible("WB5", tc.d, d(tc.limit))
		switch {
		case p == nil && tc.reason != "":
			t.Errorf("%s: may go out, want %s", tc.name, tc.reason)
		case p != nil && p.reason != tc.reason:
			t.Errorf("%s: held for %s, want %q", tc.name, p.reason, tc.reason)
		case p != nil && (p.fix != "implausible.fix" || p.args["Number"] != "WB5"):
			t.Errorf("%s: fix %s args %v", tc.name, p.fix, p.args)
		}
	}
}
