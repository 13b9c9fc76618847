package store

import (
	"context"
	"testing"
	"time"
)

// The overview lists invoiced and handled entries with a number, with the
// kept status; the state follows the amounts and the due date.
func TestInvoiceRows(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	checked := day("2026-12-01")
	exports := []Export{
		{RowID: "1", OrderNumber: "WB-1", State: ExportHandled, InvoiceNumber: "F1", InvoiceDate: "2026-11-01", TotalCents: 103933, CustomerName: "De Vries B.V.", RelationCode: "K1"},
		{RowID: "2", OrderNumber: "WB-2", State: ExportInvoiced, InvoiceNumber: "F2", InvoiceDate: "2026-11-20", TotalCents: 12100, RelationCode: "K2", EmailedTo: "a@b.nl"},
		{RowID: "3", OrderNumber: "WB-3", State: ExportParked},
		{RowID: "4", OrderNumber: "WB-4", State: ExportPending, InvoiceNumber: "F4"},
		{RowID: "5", OrderNumber: "WB-5", State: ExportHandled, InvoiceNumber: "F5", InvoiceDate: "2026-11-01", TotalCents: 5000},
		{RowID: "6", OrderNumber: "WB-6", State: ExportHandled, InvoiceNumber: "F6", InvoiceDate: "2026-11-01", TotalCents: 5000},
		{RowID: "7", OrderNumber: "WB-7", State: ExportHandled, InvoiceNumber: "F7", InvoiceDate: "2026-11-01", TotalCents: 5000},
		{RowID: "8", OrderNumber: "WB-8", State: ExportHandled, InvoiceNumber: "F8", InvoiceDate: "2026-11-01", TotalCents: 5000},
		{RowID: "9", OrderNumber: "WB-9", State: ExportHandled, InvoiceNumber: "F9", InvoiceDate: "2026-11-01", TotalCents: 5000},
	}
	statuses := map[string]InvoiceStatus{
		"F1": {InvoiceNumber: "F1", Known: true, Booked: BookedYes, OpenCents: 3933, PaidCents: 100000, TermDays: 30, CheckedAt: checked},
		"F2": {InvoiceNumber: "F2", Known: true, Booked: BookedYes, OpenCents: 12100, TermDays: 14, CheckedAt: checked, PDFURL: "https://x/pdf"},
		"F5": {InvoiceNumber: "F5", Known: true, Booked: BookedYes, PaidCents: 5000, TermDays: 14, CheckedAt: checked},
		"F6": {InvoiceNumber: "F6", Known: true, Booked: BookedNo, TermDays: 14, CheckedAt: checked},
		"F7": {InvoiceNumber: "F7", Known: true, Booked: BookedUnknown, TermDays: 14, TermAssumed: true, CheckedAt: checked},
		"F8": {InvoiceNumber: "F8", Known: false, Booked: BookedUnknown, TermDays: 14, TermAssumed: true, CheckedAt: checked, Customer: "Bouwbedrijf Jansen"},
	}
	rows := InvoiceRows(exports, statuses, 21, day("2026-12-01"))
	want := []struct {
		nr, customer, due string
		state             PaymentState
		assumed           bool
	}{
		{"F1", "De Vries B.V.", "2026-12-01", PaymentPartly, false}, // due today: still in time
		{"F2", "K2", "2026-12-04", PaymentOpen, false},
		{"F5", "", "2026-11-15", PaymentPaid, false},
		{"F6", "", "2026-11-15", PaymentNotBooked, false},
		{"F7", "", "2026-11-15", PaymentSettled, true},
		{"F8", "Bouwbedrijf Jansen", "2026-11-15", PaymentUnknown, true}, // the name e-Boekhouden's open item gave
		{"F9", "", "2026-11-22", PaymentUnknown, true},                   // never checked: the current term, assumed
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.InvoiceNumber != w.nr || r.DueDate != w.due || r.State != w.state || r.TermAssumed != w.assumed || (w.customer != "" && r.Customer != w.customer) {
			t.Errorf("row %d: %+v, want %+v", i, r, w)
		}
	}
	if rows[0].OpenCents != 3933 || rows[0].PaidCents != 100000 || rows[0].TotalCents != 103933 {
		t.Errorf("amounts of F1: %+v", rows[0])
	}
	if rows[6].Customer != "" { // F9: no name anywhere, no relation code either
		t.Errorf("F9 customer %q", rows[6].Customer)
	}
	if rows[1].PDFURL != "https://x/pdf" || rows[1].EmailedTo != "a@b.nl" {
		t.Errorf("F2: %+v", rows[1])
	}
	// The day after the due date the open ones are overdue, partly paid too.
	later := InvoiceRows(exports, statuses, 21, day("2026-12-05"))
	if later[0].State != PaymentOverdue || later[1].State != PaymentOverdue || later[2].State != PaymentPaid {
		t.Errorf("on 5 December: %s, %s, %s", later[0].State, later[1].State, later[2].State)
	}
	if !PaymentOverdue.Unpaid() || !PaymentPartly.Unpaid() || PaymentPaid.Unpaid() || PaymentNotBooked.Unpaid() || PaymentUnknown.Unpaid() {
		t.Error("Unpaid")
	}
}

// Statuses round-trip; a save without a PDF link keeps the kept one.
func TestInvoiceStatusesKeepThePDFLink(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	if err := s.SaveInvoicePDF(ctx, "F1", "https://x/pdf"); err != nil {
		t.Fatal(err)
	}
	in := InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: BookedYes, OpenCents: 1, PaidCents: 2, TermDays: 30, TermAssumed: true, CheckedAt: at,
		Customer: "De Vries B.V."}
	if err := s.SaveInvoiceStatuses(ctx, []InvoiceStatus{in, {InvoiceNumber: "F2", Booked: BookedUnknown}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.InvoiceStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in.PDFURL = "https://x/pdf"
	if got["F1"] != in || got["F2"].Booked != BookedUnknown || !got["F2"].CheckedAt.IsZero() || len(got) != 2 {
		t.Errorf("got %+v", got)
	}
	if err := s.SaveExport(ctx, Export{RowID: "1", OrderNumber: "WB-1", State: ExportHandled, InvoiceNumber: "F1", InvoiceDate: "2026-12-01", TotalCents: 3}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.InvoiceOverview(ctx, at)
	if err != nil || len(rows) != 1 || rows[0].State != PaymentPartly || rows[0].DueDate != "2026-12-31" || rows[0].PDFURL != "https://x/pdf" {
		t.Errorf("overview %+v, %v", rows, err)
	}
}
