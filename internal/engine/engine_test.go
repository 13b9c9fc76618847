package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

func TestFirstRunImportsAndExportsEverythingOnce(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		ds := h.sb.Dataset
		booked := h.booked()
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatalf("run failed: %v\n%s", sum.Err, sum.Line)
		}
		// Relations: all but the two without an address.
		if want := len(ds.EBoekhouden.Relations) - 2; sum.Relations != want {
			t.Errorf("relations synced = %d, want %d", sum.Relations, want)
		}
		var hours, mats int
		for _, a := range ds.EBoekhouden.Articles {
			switch {
			case !a.Actief:
			case IsHourUnit(a.Eenheid):
				hours++
			default:
				mats++
			}
		}
		if sum.Materials != mats || sum.HourTypes != hours {
			t.Errorf("materials %d hour types %d, want %d and %d", sum.Materials, sum.HourTypes, mats, hours)
		}
		eligible := h.eligible()
		if sum.Invoices != len(eligible) || sum.Handled != len(eligible) {
			t.Errorf("invoices %d handled %d, want %d each", sum.Invoices, sum.Handled, len(eligible))
		}
		h.assertExactlyOnce(keys(eligible))
		// The debtors that only exist in OutSmart were created in e-Boekhouden.
		if sum.RelationsCreated != 2 {
			t.Errorf("relations created in e-Boekhouden = %d, want 2 (OS-2001, OS-2002)", sum.RelationsCreated)
		}
		// Two relations without an address need attention, named with the fields.
		if sum.Attention != 2 || !h.logged(store.LevelAttention, "adres, postcode") {
			t.Errorf("attention = %d; logs: %+v", sum.Attention, h.logs)
		}
		if sum.Outcome != store.RunAttention {
			t.Errorf("outcome %s, want attention", sum.Outcome)
		}
		if !strings.Contains(sum.Line, "relaties") || !strings.Contains(sum.Line, "facturen aangemaakt") {
			t.Errorf("summary line %q", sum.Line)
		}

		// OutSmart now has the products: VAT code and ledger in free fields 1 and 2.
		osState := h.sb.OutSmart.State()
		var cu *string
		for _, m := range osState.Materials {
			if m.Code == "CU-15" {
				cu = &m.Freefield1
				if m.Freefield1 != "HOOG_VERK_21" || m.Freefield2 != "8000" || m.Price != "7,85" || m.Unit != "meter" {
					t.Errorf("material CU-15 in OutSmart: %+v", m)
				}
			}
		}
		if cu == nil {
			t.Error("material CU-15 not in OutSmart")
		}
		// The archived work order was not invoiced.
		if h.invoicesFor("WB26127") != 0 {
			t.Error("archived work order WB26127 was invoiced")
		}
		// Every new invoice's total matches ours (no warnings about totals).
		if h.logged(store.LevelWarning, "wijkt af") {
			t.Error("a total differed")
		}
		// Book directly is off: no new open items (bookings on REST).
		if got := h.booked(); got != booked {
			t.Errorf("booked invoices = %d, %d before; invoices were booked although 'verwerken in de boekhouding' is off", got, booked)
		}
		last, err := h.st.LastRun(context.Background())
		if err != nil || last.Outcome != store.RunAttention || last.Summary != sum.Line {
			t.Errorf("run history: %+v %v", last, err)
		}
	})
}

func TestSecondRunWithNothingChangedWritesNothing(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatal(sum.Err)
		}
		h.clearRequests()
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatal(sum.Err)
		}
		if w := h.writes(); len(w) != 0 {
			t.Fatalf("second run wrote: %v", w)
		}
		if sum.Changed() || sum.Attention != 0 {
			t.Fatalf("second run summary: %+v", sum)
		}
		if !strings.Contains(sum.Line, "Alles was al bijgewerkt") {
			t.Errorf("summary %q", sum.Line)
		}
	})
}

func TestChangedAndDeactivatedProducts(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyExportInvoices: "false"})
		h.run(RunOptions{})
		price, off := "8.10", false
		h.changeProduct("CU-15", productChange{Price: &price})
		h.changeProduct("THERM-SLIM", productChange{Active: &off})
		h.changeProduct("ARB-LEER", productChange{Active: &off})
		h.clearRequests()
		sum := h.run(RunOptions{})
		if sum.Materials != 1 || sum.HourTypes != 1 || sum.Relations != 0 {
			t.Fatalf("sent materials %d hour types %d relations %d; want 1, 1, 0", sum.Materials, sum.HourTypes, sum.Relations)
		}
		for _, m := range h.sb.OutSmart.State().Materials {
			if m.Code == "CU-15" && m.Price != "8,10" {
				t.Errorf("CU-15 price in OutSmart %s", m.Price)
			}
		}
		for _, ht := range h.sb.OutSmart.State().HourTypes {
			if ht.Code == "ARB-LEER" && ht.Active != "0" {
				t.Errorf("ARB-LEER still active in OutSmart: %+v", ht)
			}
		}
		if !h.logged(store.LevelInfo, "THERM-SLIM") {
			t.Error("no log line about the deactivated material")
		}
		// Nothing is ever deleted.
		if got := len(h.sb.OutSmart.State().Materials); got == 0 {
			t.Error("materials disappeared")
		}
	})
}

func TestMissingDebtorWithAndWithoutRelationExport(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyExportRelations: "false"})
		sum := h.run(RunOptions{})
		for _, nr := range []string{"WB26120", "WB26121"} { // debtors OS-2001, OS-2002
			if h.invoicesFor(nr) != 0 || h.workOrderStatus(nr) != "Compleet" {
				t.Errorf("%s exported although its debtor does not exist in e-Boekhouden", nr)
			}
		}
		if !h.logged(store.LevelAttention, "bestaat niet in e-Boekhouden") || sum.Attention < 4 {
			t.Fatalf("no attention for the missing debtors: %d %+v", sum.Attention, h.logs)
		}
		// Unchanged: parked, not retried, not logged again.
		h.clearRequests()
		sum = h.run(RunOptions{})
		if len(h.writes()) != 0 || sum.Attention != 0 {
			t.Fatalf("parked work orders retried without a change: %v, attention %d", h.writes(), sum.Attention)
		}
		// Turning relation export on changes what the invoice depends on: retried.
		if err := h.st.SetSetting(context.Background(), store.KeyExportRelations, "true"); err != nil {
			t.Fatal(err)
		}
		sum = h.run(RunOptions{})
		if sum.RelationsCreated != 2 || sum.Invoices != 2 {
			t.Fatalf("after enabling relation export: created %d invoices %d", sum.RelationsCreated, sum.Invoices)
		}
		h.assertExactlyOnce(keys(h.eligible()))
		found := false
		for _, r := range h.bkRelations() {
			if r.Code == "OS-2001" {
				found = r.Name == "Tuincentrum De Linde" && r.Address == "Utrechtseweg 250" && r.City == "Doorn"
			}
		}
		if !found {
			t.Error("relation OS-2001 not created with the work order's invoice address")
		}
	})
}

func TestBadVATCodeAndUnknownTemplateAreParkedThenRetried(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyTemplate: "Bestaat Niet"})
		purchase := "HOOG_INK_21" // a purchase code
		h.changeProduct("SIL-TR", productChange{VAT: &purchase})
		sum := h.run(RunOptions{})
		if sum.Invoices != 0 {
			t.Fatalf("invoices created with an unknown template: %d", sum.Invoices)
		}
		if !h.logged(store.LevelAttention, "factuursjabloon") {
			t.Errorf("no hint about the template: %+v", h.logs)
		}
		if !h.logged(store.LevelAttention, "HOOG_INK_21") {
			t.Errorf("no attention for the purchase VAT code: %+v", h.logs)
		}
		parked, _ := h.st.Exports(context.Background(), store.ExportParked)
		if len(parked) != len(h.eligible()) {
			t.Fatalf("parked %d, want %d", len(parked), len(h.eligible()))
		}
		// Fix the template: all but the work order with the bad VAT code go through.
		h.st.SetSetting(context.Background(), store.KeyTemplate, "Standaard")
		sum = h.run(RunOptions{})
		if sum.Invoices != len(h.eligible())-1 {
			t.Fatalf("after fixing the template: %d invoices, want %d", sum.Invoices, len(h.eligible())-1)
		}
		// Fix the VAT code in e-Boekhouden: the last one goes through.
		sale := "HOOG_VERK_21"
		h.changeProduct("SIL-TR", productChange{VAT: &sale})
		sum = h.run(RunOptions{})
		if sum.Invoices != 1 {
			t.Fatalf("after fixing the VAT code: %d invoices, want 1", sum.Invoices)
		}
		h.assertExactlyOnce(keys(h.eligible()))
	})
}

func TestSessionExpiryMidRunIsRecovered(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.SessionExpired, After: 2, Times: 1})
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatalf("session expired mid-run (E0023, REST 401) stopped the run: %v", sum.Err)
		}
		h.assertExactlyOnce(keys(h.eligible()))
		if h.ebFaults().Fired()[fault.SessionExpired] != 1 {
			t.Fatal("the session expiry did not happen")
		}
	})
}

func TestCallLimitStopsTheRunAndTheNextConverges(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		// On REST the limit is HTTP 429 with Retry-After (1 s here): the
		// client waits and asks again, and stops when it is still refused.
		h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.CallLimit, After: 3})
		sum := h.run(RunOptions{})
		if !sum.CallLimited || sum.Err == nil || !errors.Is(sum.Err, eboekhouden.ErrCallLimit) {
			t.Fatalf("want a call-limited failed run, got %+v", sum)
		}
		if sum.Invoices != 3 || (rd == roadSOAP && !strings.Contains(sum.Line, "E003.1")) {
			t.Fatalf("invoices %d, line %q", sum.Invoices, sum.Line)
		}
		h.ebFaults().Clear()
		sum = h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatal(sum.Err)
		}
		h.assertExactlyOnce(keys(h.eligible()))
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		sum := h.run(RunOptions{DryRun: true})
		if sum.Err != nil {
			t.Fatal(sum.Err)
		}
		if w := h.writes(); len(w) != 0 {
			t.Fatalf("dry run wrote: %v", w)
		}
		if len(sum.Planned) == 0 || !strings.Contains(strings.Join(sum.Planned, "\n"), "factuur aanmaken voor werkbon WB26116") {
			t.Fatalf("dry run planned: %v", sum.Planned)
		}
		ctx := context.Background()
		if ex, _ := h.st.Exports(ctx); len(ex) != 0 {
			t.Fatal("dry run wrote the journal")
		}
		if lg, _ := h.st.Log(ctx, store.LogFilter{}); len(lg) != 0 {
			t.Fatal("dry run wrote the log")
		}
		if _, err := h.st.LastRun(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("dry run recorded a run")
		}
		// A real run afterwards does everything.
		if sum := h.run(RunOptions{}); sum.Invoices != len(h.eligible()) {
			t.Fatalf("real run after dry run: %+v", sum)
		}
	})
}

func TestRunLockRefusesASecondRun(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		lock, err := h.st.LockRun(context.Background(), "other-host:42")
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release(context.Background())
		sum := h.run(RunOptions{})
		if !errors.Is(sum.Err, ErrCannotRun) || !errors.Is(sum.Err, store.ErrLocked) {
			t.Fatalf("second run: %v", sum.Err)
		}
		if len(h.writes()) != 0 {
			t.Fatal("a locked-out run wrote")
		}
	})
}

func TestRetryAndSkipParkedWorkOrders(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyExportRelations: "false"})
		h.run(RunOptions{})
		ctx := context.Background()
		items, err := h.eng.Attention(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The list holds the two parked work orders and the two relations
		// without an address.
		var parked []store.Export
		relations := 0
		for _, it := range items {
			switch it.Kind {
			case report.AttentionWorkOrder:
				parked = append(parked, it.Export)
			case report.AttentionRelation:
				relations++
			}
		}
		if len(parked) != 2 || relations != 2 || len(items) != 4 {
			t.Fatalf("attention list: %d work orders, %d relations, %d items", len(parked), relations, len(items))
		}
		// Skip one; retry the other after creating its relation by hand.
		if err := h.eng.SkipExport(ctx, parked[0].RowID); err != nil {
			t.Fatal(err)
		}
		h.addRelation(demodata.Relatie{ID: 9999999, AddDatum: "2026-11-27", Code: parked[1].RelationCode,
			Bedrijf: "Handmatig aangemaakt", BP: "B"})
		if err := h.eng.RetryExport(ctx, parked[1].RowID); err != nil {
			t.Fatal(err)
		}
		sum := h.run(RunOptions{})
		if sum.Invoices != 1 {
			t.Fatalf("after retry: %d invoices", sum.Invoices)
		}
		if h.invoicesFor(parked[0].OrderNumber) != 0 || h.invoicesFor(parked[1].OrderNumber) != 1 {
			t.Fatal("skip or retry did not work")
		}
		// An invoiced work order can never be retried or skipped.
		if err := h.eng.RetryExport(ctx, parked[1].RowID); err == nil {
			t.Fatal("retry of a handled work order accepted")
		}
		if err := h.eng.SkipExport(ctx, "no-such-row"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("skip of an unknown work order: %v", err)
		}
	})
}

// TestCutOffRelationListsAreReadInParts is SOAP-only: the result cap it
// reads around is SOAP's (GetRelaties answers at most 2,000); REST pages.
func TestCutOffRelationListsAreReadInParts(t *testing.T) {
	skipWhenShort(t)
	h := newHarness(t, sandbox.Options{ResultCap: 30}, map[string]string{store.KeyExportInvoices: "false"})
	h.eng.p.ResultCap = 30
	sum := h.run(RunOptions{})
	if want := len(h.sb.Dataset.EBoekhouden.Relations) - 2; sum.Relations != want {
		t.Fatalf("relations synced %d, want %d (all, read in parts)", sum.Relations, want)
	}
	if h.logged(store.LevelWarning, "mogelijk niet alle") {
		t.Fatal("warned although the parts were complete")
	}
	// Even a cap of 3 reads the demo whole: every relation has a search
	// term (its code, at least) that fewer than 3 others contain.
	h2 := newHarness(t, sandbox.Options{ResultCap: 3}, map[string]string{store.KeyExportInvoices: "false"})
	h2.eng.p.ResultCap = 3
	if sum := h2.run(RunOptions{}); sum.Relations != len(h2.sb.Dataset.EBoekhouden.Relations)-2 || h2.logged(store.LevelWarning, "mogelijk niet alle") {
		t.Fatalf("cap 3: %d relations synced, want %d, or a warning", sum.Relations, len(h2.sb.Dataset.EBoekhouden.Relations)-2)
	}

	// Relations that no term can single out: the same long texts, codes
	// that are each part of the others, the shortest with the highest ID
	// (so it is never among an answer's first three). Say so.
	ds := demodata.Default().Clone()
	base := ds.EBoekhouden.Relations[0]
	for i, code := range []string{"77777", "7777", "777", "77", "7"} {
		rel := base
		rel.ID, rel.Code = int64(9_000_000+i), code
		rel.Bedrijf = "Zelfde Bedrijf Zelfde Straat Zelfde Plaats Holding"
		rel.Contactpersoon, rel.Plaats, rel.Email = "Zelfde Persoon", "Zelfde Plaats", "zelfde@zelfde.example"
		ds.EBoekhouden.Relations = append(ds.EBoekhouden.Relations, rel)
	}
	h3 := newHarness(t, sandbox.Options{ResultCap: 3, Dataset: ds}, map[string]string{store.KeyExportInvoices: "false"})
	h3.eng.p.ResultCap = 3
	h3.run(RunOptions{})
	if !h3.logged(store.LevelWarning, "mogelijk niet alle") {
		t.Fatal("no warning about a cut-off list")
	}
}

// TestWorkOrderTextsCannotInjectXML sends a work order whose texts carry XML
// special characters, a closing tag, CDATA and control characters: the
// invoice is created with exactly those texts (control characters that XML
// 1.0 cannot carry replaced), and nothing else changes in the request.
func TestWorkOrderTextsCannotInjectXML(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		evil := `Lek <b>&amp; "kraan" 'bad' ]]> </Omschrijving><Code>HACK</Code><Omschrijving>`
		h.sb.OutSmart.Update(func(st *ossandbox.State) {
			for i := range st.Workorders {
				if st.Workorders[i].OrderNr == "WB26116" {
					st.Workorders[i].ShortWorkDescription = evil + "\x01\x0b tab\tend"
					st.Workorders[i].Materials[0].MaterialName = "Ketel </cFactuurRegel><cFactuurRegel> & co"
				}
			}
		})
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatal(sum.Err)
		}
		var found bool
		for _, inv := range h.bkInvoices() {
			if !strings.HasPrefix(inv.Lines[0].Description, "Werkbon WB26116") {
				continue
			}
			found = true
			head := inv.Lines[0].Description
			if !strings.Contains(head, evil) {
				t.Errorf("reference line changed: %q", head)
			}
			// XML 1.0 cannot carry \x01 and \x0b: SOAP replaces them. JSON
			// can: on REST the text arrives as it is in OutSmart.
			if (rd == roadSOAP && strings.ContainsAny(head, "\x01\x0b")) || !strings.Contains(head, "tab\tend") {
				t.Errorf("control characters not handled: %q", head)
			}
			for _, l := range inv.Lines {
				if l.Code == "HACK" {
					t.Error("a work order text injected an invoice line code")
				}
			}
			if inv.Lines[1].Description != "Ketel </cFactuurRegel><cFactuurRegel> & co" || len(inv.Lines) != 1+6+2 {
				t.Errorf("lines: %d, first material %q", len(inv.Lines), inv.Lines[1].Description)
			}
		}
		if !found {
			t.Fatal("no invoice for WB26116")
		}
	})
}

// TestHourTypesUnreadableWaitsInsteadOfParking: when OutSmart's hour types
// cannot be read, a work order that needs them waits for the next run; it
// is not parked as if its hour type did not exist.
func TestHourTypesUnreadableWaitsInsteadOfParking(t *testing.T) {
	skipWhenShort(t)
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.useOutSmartOnlyHourType()
		h.sb.OutSmart.Faults().Add(fault.Rule{Op: "GET hourtypes", Kind: fault.HTTP500})
		sum := h.run(RunOptions{})
		if h.invoicesFor("WB26117") != 0 || !h.logged(store.LevelWarning, "wacht op de volgende ronde") {
			t.Fatalf("WB26117 was not held back: %s", sum.Line)
		}
		if parked, _ := h.st.Exports(context.Background(), store.ExportParked); len(parked) != 0 {
			t.Fatalf("parked although the hour types were only unreadable: %+v", parked)
		}
		h.sb.OutSmart.Faults().Clear()
		h.run(RunOptions{})
		h.assertExactlyOnce(keys(h.eligible()))
		// The night hours are on the invoice at OutSmart's price.
		night := 0
		for _, inv := range h.bkInvoices() {
			for _, l := range inv.Lines {
				if l.Code == "NACHT" {
					night++
					if !l.Price.Equal(decimal.FromInt(45)) || !l.Quantity.Equal(decimal.FromInt(1)) {
						t.Errorf("night hours line: %+v", l)
					}
				}
			}
		}
		if night != 1 {
			t.Fatalf("%d night hours lines, want 1", night)
		}
	})
}
