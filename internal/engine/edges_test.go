package engine

// Tests of the edges of "exactly once and to the cent": work orders that
// share a number, a lost journal, look-ups that cannot be read, hours
// priced by the user's rule, implausible amounts and e-Boekhouden's own
// totals in the log.

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ebsandbox "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// setWorkOrder changes one work order of the sandbox by number (the first
// with that number).
func (h *harness) setWorkOrder(orderNr string, change func(w *demodata.Workorder)) {
	h.t.Helper()
	found := false
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		for i := range st.Workorders {
			if st.Workorders[i].OrderNr == orderNr && !found {
				change(&st.Workorders[i])
				found = true
			}
		}
	})
	if !found {
		h.t.Fatalf("no work order %s", orderNr)
	}
}

// onlyHours makes a work order one hour line: worked time at ARB-MONT
// (€ 62,50 an hour, 21 % VAT), nothing else.
func onlyHours(periods ...demodata.WorkorderPeriod) func(w *demodata.Workorder) {
	return func(w *demodata.Workorder) {
		w.Materials = nil
		w.Workperiods = periods
	}
}

func period(begin, end, total string) demodata.WorkorderPeriod {
	return demodata.WorkorderPeriod{WorkDate: "20-11-2026", BeginTime: begin, EndTime: end, Break: "0", TotalTime: total,
		EmployeeNr: "12", HourType: "ARB-MONT"}
}

// invoiceOfRow returns the invoice in the road's sandbox that names a row
// id (the zero bkInvoice when there is none).
func (h *harness) invoiceOfRow(rowID string) bkInvoice {
	for _, inv := range h.bkInvoices() {
		for _, l := range inv.Lines {
			if strings.HasPrefix(l.Description, "Werkbon ") && strings.Contains(l.Description, " (ref "+rowID+")") {
				return inv
			}
		}
	}
	return bkInvoice{}
}

func (h *harness) rowOf(orderNr string) string {
	for _, w := range h.sb.OutSmart.State().Workorders {
		if w.OrderNr == orderNr {
			return w.ID
		}
	}
	h.t.Fatalf("no work order %s", orderNr)
	return ""
}

// loseStore deletes the whole data folder, as a reinstall or a second
// computer would, and starts again with a new store holding the user's
// settings and fresh clients.
func (h *harness) loseStore() {
	h.t.Helper()
	if err := h.st.Close(); err != nil {
		h.t.Fatal(err)
	}
	if err := os.RemoveAll(h.dir); err != nil {
		h.t.Fatal(err)
	}
	h.openStore()
	h.restCache = restroad.NewMemoryCache() // the REST road's details were kept there too
	if err := h.st.SetSettings(context.Background(), map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}); err != nil {
		h.t.Fatal(err)
	}
	h.newClients()
}

// TestSharedOrderNumberEachGetsItsOwnInvoice: two work orders with the same
// OrderNr, customer and day; the second one's AddFactuur is dropped before
// e-Boekhouden applies it. The look-up must not take the first one's invoice
// for the second: two invoices, both Afgehandeld.
func TestSharedOrderNumberEachGetsItsOwnInvoice(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.addTwin()
		h.setWorkOrder("WB26116", func(w *demodata.Workorder) {}) // the original stays
		// The twin is completed later: first everything else is invoiced.
		h.sb.OutSmart.Update(func(st *ossandbox.State) {
			for i := range st.Workorders {
				if st.Workorders[i].ID == twinRowID {
					st.Workorders[i].Status = "Opgehaald"
				}
			}
		})
		if sum := h.run(RunOptions{}); sum.Err != nil || h.invoicesForRow(h.rowOf("WB26116")) != 1 {
			t.Fatalf("first run: %v (%s)", sum.Err, sum.Line)
		}
		h.sb.OutSmart.Update(func(st *ossandbox.State) {
			for i := range st.Workorders {
				if st.Workorders[i].ID == twinRowID {
					st.Workorders[i].Status = "Compleet"
				}
			}
		})
		h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.DropBeforeApply, Times: 1})
		second := h.run(RunOptions{})
		if h.ebFaults().Fired()[fault.DropBeforeApply] != 1 {
			t.Fatalf("the fault did not fire: %s", second.Line)
		}
		if ex, _ := h.st.Export(context.Background(), twinRowID); ex.State != store.ExportUncertain {
			t.Fatalf("twin after the dropped call: %+v", ex)
		}
		for i := 0; i < 2; i++ {
			if sum := h.run(RunOptions{}); sum.Err != nil {
				t.Fatalf("run %d: %v", i+3, sum.Err)
			}
		}
		h.assertExactlyOnce([]string{"WB26116"})
		a, b := h.invoiceOfRow(h.rowOf("WB26116")).Number, h.invoiceOfRow(twinRowID).Number
		if a == "" || b == "" || a == b {
			t.Fatalf("invoices %q and %q, want two different ones", a, b)
		}
		if ex, _ := h.st.Export(context.Background(), twinRowID); ex.State != store.ExportHandled || ex.InvoiceNumber != b {
			t.Fatalf("twin journal: %+v, want handled with invoice %s", ex, b)
		}
	})
}

// TestDeletedDataFolderAfterLostAnswer: an AddFactuur answer is lost (the
// invoice exists), then the whole data folder is gone (a reinstall, a
// second computer). The next run finds the invoice by the work order's
// unique reference and adopts it: no second invoice.
func TestDeletedDataFolderAfterLostAnswer(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.addTwin()
		h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.DropAfterApply, After: 2, Times: 1})
		first := h.run(RunOptions{})
		if h.ebFaults().Fired()[fault.DropAfterApply] != 1 {
			t.Fatalf("the fault did not fire: %s", first.Line)
		}
		uncertain, _ := h.st.Exports(context.Background(), store.ExportUncertain)
		if len(uncertain) != 1 {
			t.Fatalf("want one uncertain work order after the lost answer, got %+v", uncertain)
		}
		invoicesBefore := len(h.bkInvoices())

		// The data folder is gone: a fresh store with the user's settings.
		h.loseStore()
		h.clearRequests()
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatalf("run with a new store: %v (%s)", sum.Err, sum.Line)
		}
		if got := h.writes()[h.op(opAddInvoice)]; got != 0 {
			t.Fatalf("%d AddFactuur calls after the journal was lost, want 0 (every remaining invoice existed)", got)
		}
		if n := len(h.bkInvoices()); n != invoicesBefore {
			t.Fatalf("%d invoices, want %d as before", n, invoicesBefore)
		}
		if !h.logged(store.LevelInfo, "stond al in e-Boekhouden") {
			t.Error("no log line about the adopted invoice")
		}
		h.run(RunOptions{})
		h.assertExactlyOnce(keys(h.eligible()))
		if ex, _ := h.st.Exports(context.Background(), store.ExportHandled); len(ex) != h.rowsToInvoice()-len(uncertain)+1 && len(ex) == 0 {
			t.Fatalf("journal after adoption: %+v", ex)
		}
	})
}

// TestLostJournalAfterCompleteExportSendsNothing: the journal of a complete
// export is lost while OutSmart still lists the work orders as Compleet
// (their Afgehandeld calls failed): every invoice is found and adopted.
func TestLostJournalAfterCompleteExportSendsNothing(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.addTwin()
		h.sb.OutSmart.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.HTTP500})
		h.run(RunOptions{})
		invoices := len(h.bkInvoices())
		if invoices == 0 {
			t.Fatal("nothing invoiced")
		}
		h.sb.OutSmart.Faults().Clear()
		h.loseStore()
		h.clearRequests()
		h.run(RunOptions{})
		if n := len(h.bkInvoices()); n != invoices {
			t.Fatalf("%d invoices after the lost journal, want %d", n, invoices)
		}
		if lookups := h.ebCalls(opInvoices); lookups != 1 {
			t.Errorf("%d GetFacturen calls for %d unjournaled work orders, want 1 (one look-up per run)", lookups, h.rowsToInvoice())
		}
		h.assertExactlyOnce(keys(h.eligible()))

		// Steady state: everything journaled and handled costs no look-up.
		h.clearRequests()
		h.run(RunOptions{})
		if n := h.ebCalls(opInvoices); n != 0 {
			t.Fatalf("steady state made %d look-up calls (%s)", n, h.op(opInvoices))
		}
	})
}

// TestLookupCutOffIsUnknownNotNotFound: with a lost journal and more
// invoices than one answer holds, the engine reads per relation and by
// date; when even one relation's day is cut off, its work orders wait and
// nothing is sent for them.
//
// It is SOAP-only: the cut-off it reads around is SOAP's result cap
// (GetFacturen answers at most 2,000); the REST road pages.
func TestLookupCutOffIsUnknownNotNotFound(t *testing.T) {
	skipWhenShort(t)
	h := newHarness(t, sandbox.Options{ResultCap: 3}, nil)
	h.eng.p.ResultCap = 3
	h.addTwin()
	h.sb.OutSmart.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.HTTP500})
	h.run(RunOptions{})
	h.run(RunOptions{})
	invoices := len(h.bkInvoices())
	if invoices < 4 {
		t.Fatalf("only %d invoices in the first runs", invoices)
	}
	h.sb.OutSmart.Faults().Clear()
	h.loseStore()
	h.eng.p.ResultCap = 3
	h.clearRequests()
	h.run(RunOptions{})
	if n := len(h.bkInvoices()); n != invoices {
		t.Fatalf("%d invoices after a cut-off look-up, want %d: a cut-off answer was taken for 'not found'", n, invoices)
	}
	perRelation := 0
	for _, r := range h.sb.EBoekhouden.Requests().All() {
		if r.Op == "GetFacturen" && strings.Contains(r.Body, "<Relatiecode>") && !strings.Contains(r.Body, "<Relatiecode></Relatiecode>") &&
			!strings.Contains(r.Body, "<Relatiecode />") {
			perRelation++
		}
	}
	if perRelation == 0 {
		t.Error("the cut-off answer did not lead to per-relation look-ups")
	}
}

// TestHoursPricedByMinuteByDefault: 6:35 h at € 62,50 is € 411,46 on the
// invoice in e-Boekhouden (not 6,58 × 62,50 = € 411,25), the line says
// "6:35 uur", and the log shows e-Boekhouden's own total.
func TestHoursPricedByMinuteByDefault(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.setWorkOrder("WB26116", onlyHours(period("08:00", "14:35", "06:35")))
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatal(sum.Err)
		}
		inv := h.invoiceOfRow(h.rowOf("WB26116"))
		lines := inv.Lines
		if !inv.TotalExcl.Equal(decimal.MustParse("411.46")) {
			t.Fatalf("invoice total excl. VAT %s, want 411.46; lines %+v", inv.TotalExcl, lines)
		}
		if !inv.TotalIncl.Equal(decimal.MustParse("497.87")) { // 411,46 + 21 % (86,41)
			t.Errorf("invoice total incl. VAT %s, want 497.87", inv.TotalIncl)
		}
		if len(lines) != 2 || !strings.Contains(lines[1].Description, "6:35 uur") {
			t.Errorf("hour line %+v, want the worked time in its text", lines)
		}
		if !h.logged(store.LevelInfo, "€ 497,87 incl. btw in e-Boekhouden") {
			t.Errorf("the log does not show e-Boekhouden's total: %v", h.logs)
		}
	})
}

// TestHoursRoundingRules: the other rules, on the same 6:35 h and on 0:50
// h at € 95 and 8:40 h at € 48,50 from the issue.
func TestHoursRoundingRules(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		cases := []struct {
			rule    string
			periods []demodata.WorkorderPeriod
			want    string // excl. VAT at € 62,50
		}{
			{store.HoursRoundingHundredth, []demodata.WorkorderPeriod{period("08:00", "14:35", "06:35")}, "411.25"},
			{store.HoursRoundingQuarter, []demodata.WorkorderPeriod{period("08:00", "14:35", "06:35")}, "421.88"}, // 6:45
			{store.HoursRoundingHalf, []demodata.WorkorderPeriod{period("08:00", "14:35", "06:35")}, "437.5"},     // 7:00
			// Per period: 0:10 and 0:20 are a quarter and a half hour each by
			// quarter rule, 0:45 in all (0:30 worked).
			{store.HoursRoundingQuarter, []demodata.WorkorderPeriod{period("08:00", "08:10", "00:10"), period("09:00", "09:20", "00:20")}, "46.88"},
			{store.HoursRoundingMinute, []demodata.WorkorderPeriod{period("08:00", "08:10", "00:10"), period("09:00", "09:20", "00:20")}, "31.25"},
		}
		for _, c := range cases {
			t.Run(c.rule, func(t *testing.T) {
				h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyHoursRounding: c.rule})
				h.setWorkOrder("WB26116", onlyHours(c.periods...))
				if sum := h.run(RunOptions{}); sum.Err != nil {
					t.Fatal(sum.Err)
				}
				if inv := h.invoiceOfRow(h.rowOf("WB26116")); inv.Number == "" || !inv.TotalExcl.Equal(decimal.MustParse(c.want)) {
					t.Fatalf("%s: total excl. VAT %s, want %s; lines %+v", c.rule, inv.TotalExcl, c.want, inv.Lines)
				}
				if h.logged(store.LevelAttention, "wijkt") {
					t.Errorf("a total difference needed attention: %v", h.logs)
				}
			})
		}
	})
}

// TestImplausibleWorkOrdersAreHeldUntilConfirmed: a negative total and a
// line above the limit are held with a Dutch reason; "Toch factureren"
// (RetryExport) lets them through; a negative line on a positive invoice is
// not held.
func TestImplausibleWorkOrdersAreHeldUntilConfirmed(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.setWorkOrder("WB26116", func(w *demodata.Workorder) { // a credit: -2 × € 52,08 = € -126,01 incl. VAT
			w.Workperiods = nil
			w.Materials = w.Materials[:1]
			w.Materials[0].MaterialNr, w.Materials[0].MaterialPrice, w.Materials[0].MaterialTotalPrice = "-2", "52,07", ""
		})
		h.setWorkOrder("WB26117", func(w *demodata.Workorder) { // € 10^12 a piece
			w.Materials = w.Materials[:1]
			w.Materials[0].MaterialNr, w.Materials[0].MaterialPrice, w.Materials[0].MaterialTotalPrice = "1", "1000000000000", ""
		})
		var returned string
		h.setWorkOrder("WB26118", func(w *demodata.Workorder) { // a return on a positive invoice
			w.Materials = append(w.Materials, w.Materials[0])
			last := &w.Materials[len(w.Materials)-1]
			last.MaterialNr, last.MaterialTotalPrice = "-1", ""
			returned = last.MaterialName
		})
		h.run(RunOptions{})
		ctx := context.Background()
		held := map[string]store.Export{}
		parked, _ := h.st.Exports(ctx, store.ExportParked)
		for _, p := range parked {
			held[p.OrderNumber] = p
		}
		for nr, want := range map[string]string{"WB26116": "negatief totaal", "WB26117": "hoogste regelbedrag"} {
			p, ok := held[nr]
			if !ok || !p.NeedsConfirmation || !strings.Contains(p.Reason, want) || !strings.Contains(p.Reason, "Toch factureren") {
				t.Errorf("%s: %+v, want held for confirmation (%q)", nr, p, want)
			}
			if h.invoicesForRow(h.rowOf(nr)) != 0 {
				t.Errorf("%s was invoiced without confirmation", nr)
			}
		}
		if _, ok := held["WB26118"]; ok || h.invoicesForRow(h.rowOf("WB26118")) != 1 {
			t.Errorf("WB26118 (with a returned %s) was held: %+v", returned, held["WB26118"])
		}
		// Unchanged, a second run does not ask again or send.
		h.run(RunOptions{})
		if h.invoicesForRow(h.rowOf("WB26116")) != 0 {
			t.Fatal("held work order invoiced without confirmation")
		}
		if err := h.eng.RetryExport(ctx, h.rowOf("WB26116")); err != nil {
			t.Fatal(err)
		}
		h.run(RunOptions{})
		if h.invoicesForRow(h.rowOf("WB26116")) != 1 || h.workOrderStatus("WB26116") != "Afgehandeld" {
			t.Fatal("confirmed work order not invoiced")
		}
		if !h.logged(store.LevelInfo, "zoals bevestigd") {
			t.Error("no log line about the confirmation")
		}
		if incl := h.invoiceOfRow(h.rowOf("WB26116")).TotalIncl; !incl.Equal(decimal.MustParse("-126.01")) {
			t.Errorf("credit invoice total %s, want -126.01", incl)
		}
		// A confirmation holds for the data as they were: a change asks again.
		if err := h.eng.RetryExport(ctx, h.rowOf("WB26117")); err != nil {
			t.Fatal(err)
		}
		h.setWorkOrder("WB26117", func(w *demodata.Workorder) { w.Materials[0].MaterialPrice = "2000000000000" })
		h.run(RunOptions{})
		if p, _ := h.st.Export(ctx, h.rowOf("WB26117")); p.State != store.ExportParked || !p.NeedsConfirmation {
			t.Fatalf("changed after confirmation: %+v, want held again", p)
		}
	})
}

// legacyInvoice makes an invoice the way versions before the row id did,
// with the real client, and returns its number.
func (h *harness) legacyInvoice(debtor, head string) string {
	h.t.Helper()
	line := eboekhouden.InvoiceLine{Quantity: decimal.FromInt(1), Code: referenceCode, Description: head,
		VATCode: "HOOG_VERK_21", LedgerCode: "8000"}
	work := eboekhouden.InvoiceLine{Quantity: decimal.FromInt(2), Unit: "uur", Code: "ARB-MONT", Description: "Arbeid monteur",
		UnitPrice: decimal.MustParse("62.50"), VATCode: "HOOG_VERK_21", LedgerCode: "8010"}
	now := time.Now()
	number, err := h.eb.AddInvoice(context.Background(), eboekhouden.Invoice{RelationCode: debtor, Template: "Standaard",
		Date: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), PaymentTermDays: 14,
		Lines: []eboekhouden.InvoiceLine{line, work}})
	if err != nil {
		h.t.Fatal(err)
	}
	return number
}

// TestLegacyInvoiceAsksBeforeInvoicing: with a lost journal, an invoice of
// an earlier version (no row id) that names a work order's number for its
// customer could be that work order's, or another's with the same number:
// the user decides, nothing is sent until then.
func TestLegacyInvoiceAsksBeforeInvoicing(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		// An invoice made by an earlier version for WB26116's number and
		// customer, without the row id.
		wo := h.sb.Dataset.OutSmart.Workorders
		var debtor string
		for _, w := range wo {
			if w.OrderNr == "WB26116" {
				debtor = firstNonEmpty(w.CustomerDebtorNrInvoice, w.CustomerDebtorNr)
			}
		}
		inv := h.legacyInvoice(debtor, "Werkbon WB26116 (20-11-2026): Vervangen cv-ketel")
		h.run(RunOptions{})
		p, err := h.st.Export(context.Background(), h.rowOf("WB26116"))
		if err != nil || p.State != store.ExportParked || !p.NeedsConfirmation || !strings.Contains(p.Reason, inv) {
			t.Fatalf("WB26116 next to a legacy invoice %s: %+v, %v; want held for the user", inv, p, err)
		}
		if h.invoicesForRow(h.rowOf("WB26116")) != 0 {
			t.Fatal("invoiced next to a legacy invoice with its number")
		}
		if err := h.eng.RetryExport(context.Background(), h.rowOf("WB26116")); err != nil {
			t.Fatal(err)
		}
		h.run(RunOptions{})
		if h.invoicesForRow(h.rowOf("WB26116")) != 1 {
			t.Fatal("not invoiced after Toch factureren")
		}
	})
}

// TestTotalsFromEBoekhoudenWithEitherVATRounding: the log shows
// e-Boekhouden's own total; when it rounds VAT per line, a difference of a
// cent per VAT code is explained in one calm line, a larger one needs the
// user.
func TestTotalsFromEBoekhoudenWithEitherVATRounding(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		pennies := func(n int) func(w *demodata.Workorder) {
			return func(w *demodata.Workorder) {
				w.Workperiods = nil
				first := w.Materials[0]
				w.Materials = nil
				for i := 0; i < n; i++ {
					m := first
					m.MaterialNr, m.MaterialPrice, m.MaterialTotalPrice = "1", "0,07", ""
					w.Materials = append(w.Materials, m)
				}
			}
		}
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		if rd == roadSOAP { // the REST sandbox always rounds VAT per line
			h.sb.EBoekhouden.Update(func(st *ebsandbox.State) { st.VATRounding = ebsandbox.VATPerLine })
		}
		h.setWorkOrder("WB26116", pennies(3))  // ours 0,21 + 0,04; per line 0,21 + 0,03
		h.setWorkOrder("WB26117", pennies(10)) // ours 0,70 + 0,15; per line 0,70 + 0,10
		h.run(RunOptions{})
		inv := h.invoiceOfRow(h.rowOf("WB26116"))
		number := inv.Number
		if inv.Number == "" || !inv.TotalIncl.Equal(decimal.MustParse("0.24")) {
			t.Fatalf("sandbox total %s, want 0.24 (VAT per line)", inv.TotalIncl)
		}
		if !h.logged(store.LevelInfo, "Factuur "+number+" (werkbon WB26116): € 0,24 incl. btw in e-Boekhouden. Berekend was € 0,25; e-Boekhouden rondt de btw per regel af") {
			t.Errorf("no calm line with e-Boekhouden's total for WB26116: %v", h.logs)
		}
		if h.logged(store.LevelAttention, "(werkbon WB26116)") {
			t.Error("a one-cent VAT rounding difference needed attention")
		}
		if h.logged(store.LevelAttention, "wijkt") {
			t.Errorf("a difference that VAT per line explains needed attention: %v", h.logs)
		}
		if !h.logged(store.LevelInfo, "€ 0,80 incl. btw in e-Boekhouden. Berekend was € 0,85; e-Boekhouden rondt de btw per regel af, niet per tarief (5 cent verschil)") {
			t.Errorf("no calm line for the five cents VAT per line explains: %v", h.logs)
		}
	})
}

// TestTotalDifferenceNoRoundingExplainsNeedsAttention: when e-Boekhouden's
// total differs by more than VAT rounding can explain, the user is asked to
// check the invoice.
func TestTotalDifferenceNoRoundingExplainsNeedsAttention(t *testing.T) {
	c := createdInvoice{number: "2026099", orderNumber: "WB1", total: decimal.MustParse("121.00"), checkable: true, vatCodes: 1,
		totalPerLine: decimal.MustParse("121.00")}
	h := newHarness(t, sandbox.Options{}, nil)
	x := &exporter{run: h.eng.newRun(context.Background(), RunOptions{})}
	x.set = store.DefaultSettings()
	h.logs = nil
	x.logTotal(c, eboekhouden.InvoiceSummary{Number: "2026099", TotalInclVAT: decimal.MustParse("121.01")}, true)
	x.logTotal(c, eboekhouden.InvoiceSummary{Number: "2026099", TotalInclVAT: decimal.MustParse("121.02")}, true)
	if !h.logged(store.LevelInfo, "het verschil van 1 cent komt door de afronding van de btw") {
		t.Errorf("one cent with one VAT code is VAT rounding: %v", h.logs)
	}
	if !h.logged(store.LevelAttention, "(€ 121,02) wijkt € 0,02 af van het berekende totaal (€ 121,00)") {
		t.Errorf("two cents with one VAT code needs attention: %v", h.logs)
	}
}

// TestUnrecognisedLookupAnswersAreUnknown: a GetFacturen answer in a shape
// the client does not know is "unknown", never "not found", both for a
// work order whose AddFactuur answer was lost and for work orders whose
// journal was lost: nothing is sent until a look-up can be read.
func TestUnrecognisedLookupAnswersAreUnknown(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		t.Run("after a lost answer", func(t *testing.T) {
			h := newRoadHarness(t, rd, sandbox.Options{}, nil)
			h.addTwin()
			h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.DropAfterApply, After: 1, Times: 1})
			h.run(RunOptions{})
			uncertain, _ := h.st.Exports(context.Background(), store.ExportUncertain)
			if len(uncertain) != 1 {
				t.Fatalf("want one uncertain work order, got %+v", uncertain)
			}
			h.ebFaults().Clear()
			h.ebFaults().Add(fault.Rule{Op: h.op(opInvoices), Kind: fault.Unrecognised})
			h.clearRequests()
			h.run(RunOptions{})
			if h.ebFaults().Fired()[fault.Unrecognised] == 0 {
				t.Fatal("the fault did not fire")
			}
			if got := h.writes()[h.op(opAddInvoice)]; got != 0 {
				t.Fatalf("%d AddFactuur calls while the look-up was unreadable", got)
			}
			if e, _ := h.st.Export(context.Background(), uncertain[0].RowID); e.State != store.ExportUncertain {
				t.Fatalf("after an unreadable look-up: %+v, want still uncertain", e)
			}
			if !h.loggedCall(store.LevelWarning, opInvoices) {
				t.Errorf("no warning naming the operation: %v", h.logs)
			}
			h.ebFaults().Clear()
			h.run(RunOptions{})
			h.run(RunOptions{})
			h.assertExactlyOnce(keys(h.eligible()))
		})
		t.Run("after a lost journal", func(t *testing.T) {
			h := newRoadHarness(t, rd, sandbox.Options{}, nil)
			h.addTwin()
			h.sb.OutSmart.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.HTTP500})
			h.run(RunOptions{})
			invoices := len(h.bkInvoices())
			h.sb.OutSmart.Faults().Clear()
			h.loseStore()
			h.ebFaults().Add(fault.Rule{Op: h.op(opInvoices), Kind: fault.Unrecognised})
			h.clearRequests()
			h.run(RunOptions{})
			if got := h.writes()[h.op(opAddInvoice)]; got != 0 || len(h.bkInvoices()) != invoices {
				t.Fatalf("%d AddFactuur calls while the look-up was unreadable", got)
			}
			if !h.loggedCall(store.LevelWarning, opInvoices) {
				t.Errorf("no warning naming the operation: %v", h.logs)
			}
			h.ebFaults().Clear()
			h.run(RunOptions{})
			h.assertExactlyOnce(keys(h.eligible()))
			if n := len(h.bkInvoices()); n != invoices {
				t.Fatalf("%d invoices, want %d", n, invoices)
			}
		})
	})
}

// TestRaisingTheLineLimitReleasesAHeldWorkOrder: a work order held for a
// line above the limit is invoiced once the user raises the limit, without
// a confirmation.
func TestRaisingTheLineLimitReleasesAHeldWorkOrder(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyMaxLineAmount: "100"})
		h.setWorkOrder("WB26116", onlyHours(period("08:00", "14:35", "06:35"))) // € 411,46
		h.run(RunOptions{})
		if p, _ := h.st.Export(context.Background(), h.rowOf("WB26116")); p.State != store.ExportParked || !p.NeedsConfirmation {
			t.Fatalf("a € 411,46 line with a € 100 limit: %+v, want held", p)
		}
		if err := h.st.SetSetting(context.Background(), store.KeyMaxLineAmount, "1000"); err != nil {
			t.Fatal(err)
		}
		h.run(RunOptions{})
		if h.invoicesForRow(h.rowOf("WB26116")) != 1 {
			t.Fatal("still held after the limit was raised above the line")
		}
	})
}
