package engine

import (
	"fmt"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// The calls one run makes (first run: import, relation creation and export
// of the demo data; GET hourtypes is made when a work order uses an hour
// type that exists only in OutSmart, which useOutSmartOnlyHourType sets up),
// per service; e-Boekhouden's by the engine's name for them (roads_test.go),
// per road: the REST road also reads each record's details with a call of
// its own. TestFaultMatrixCoversEveryCall checks that these are exactly
// the calls a first run makes.
var (
	matrixEBOps = map[road][]string{
		roadSOAP: {opLogin, opRelations, opProducts, opAddRelation, opAddInvoice, opInvoices, opOpenItems, opLogout},
		roadREST: {opLogin, opRelations, opRelation, opProducts, opProduct, opUnits, opLedgers, opTemplates, opAddRelation, opAddInvoice,
			opInvoices, opInvoice, opOpenItems, opLogout},
	}
	matrixOSOps = []string{"POST relations", "POST materials", "POST hourtypes", "GET workstatusses", "GET GetWorkorders",
		"GET GetWorkorder", "GET hourtypes"}
	// matrixOSOpsOn are the OutSmart calls whose faults each road's matrix
	// injects. The REST road keeps those of the export, which meet the
	// bookkeeping (the work orders to invoice, their hour types, the
	// Afgehandeld after the invoice: its look-up on the next run); the
	// import's upserts and the status list come after (or before) every
	// e-Boekhouden call of their step on both roads alike, so their cells
	// run on SOAP only, to keep make test's time in proportion.
	matrixOSOpsOn = map[road][]string{roadSOAP: matrixOSOps, roadREST: {"GET GetWorkorders", "GET GetWorkorder", "GET hourtypes"}}
	// matrixEBKinds and matrixOSKinds are the faults of the reliability issue:
	// a timeout before the service applied the call, a dropped connection
	// after it did, HTTP 500, a malformed body, E0023, E003.1, OutSmart 1007.
	// fault.Unrecognised (a well-formed answer in a shape the client does
	// not know, after the call was applied) checks that every read fails
	// closed and every write's outcome is unknown. On REST the same kinds
	// are HTTP 500 (ERR_001), 401 (SECURITY_010) and 429 with Retry-After,
	// and unrecognised renames the answer's JSON keys (sandbox/ebrest).
	matrixEBKinds = []fault.Kind{fault.Timeout, fault.DropAfterApply, fault.HTTP500, fault.Malformed, fault.SessionExpired, fault.CallLimit,
		fault.Unrecognised}
	matrixOSKinds = []fault.Kind{fault.Timeout, fault.DropAfterApply, fault.HTTP500, fault.Malformed, fault.GeneralError, fault.Unrecognised}
)

// TestFaultMatrix injects each fault into each call the engine makes, once,
// in the middle of a first run (After skips one call where an operation is
// made more than once), on each road. The run either completes or stops cleanly; the next
// runs, without faults, converge; and the invariants hold: exactly one
// invoice per eligible work order, each Afgehandeld, none Afgehandeld
// without an invoice, no master record lost.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix")
	}
	forEachRoad(t, func(t *testing.T, rd road) { faultMatrix(t, rd) })
}

// matrixCell is one fault in one call: service "e-Boekhouden" (op the
// engine's name for the call) or "OutSmart" (op the wire operation).
type matrixCell struct {
	service, op string
	kind        fault.Kind
}

// matrixCells are the cells of road rd.
func matrixCells(rd road) []matrixCell {
	var cells []matrixCell
	for _, op := range matrixEBOps[rd] {
		for _, k := range matrixEBKinds {
			cells = append(cells, matrixCell{"e-Boekhouden", op, k})
		}
	}
	for _, op := range matrixOSOpsOn[rd] {
		for _, k := range matrixOSKinds {
			cells = append(cells, matrixCell{"OutSmart", op, k})
		}
	}
	return cells
}

// inTheMiddle are the calls made more than once in a first run whose fault
// goes to the second call, in the middle of the export or the import.
var inTheMiddle = map[string]bool{opAddInvoice: true, opAddRelation: true, "GET GetWorkorder": true, opRelation: true, opProduct: true,
	opInvoice: true}

// faultMatrix runs the matrix's cells on road rd.
func faultMatrix(t *testing.T, rd road) {
	cells := matrixCells(rd)
	fired, stopped := 0, 0
	for _, c := range cells {
		t.Run(fmt.Sprintf("%s/%s/%s", c.service, c.op, c.kind), func(t *testing.T) {
			h := newRoadHarness(t, rd, sandbox.Options{}, nil)
			h.addTwin() // two work orders share an OrderNr in every cell
			h.newClientsWithTimeout(400 * time.Millisecond)
			if c.op == "GET hourtypes" {
				h.useOutSmartOnlyHourType()
			}
			op, faults := c.op, h.sb.OutSmart.Faults()
			if c.service == "e-Boekhouden" {
				op, faults = h.op(c.op), h.ebFaults()
			}
			rule := fault.Rule{Op: op, Kind: c.kind, Times: 1, Delay: fault.Duration(2 * time.Second)}
			if inTheMiddle[c.op] {
				rule.After = 1 // in the middle of the export, not at its first call
			}
			if c.kind == fault.CallLimit {
				rule.Delay = fault.Duration(time.Second) // REST: Retry-After 1 s, the least it says (SOAP ignores it)
			}
			faults.Add(rule)
			first := h.run(RunOptions{})
			if faults.Fired()[c.kind] != 1 {
				t.Fatalf("the fault did not fire (first run: %s)", first.Line)
			}
			fired++
			if first.Err != nil {
				stopped++
			}
			faults.Clear()
			for i := 0; i < 2; i++ {
				if sum := h.run(RunOptions{}); sum.Err != nil {
					t.Fatalf("run %d after the fault: %v (%s)", i+2, sum.Err, sum.Line)
				}
			}
			h.assertExactlyOnce(keys(h.eligible()))
			h.assertNoMasterRecordLost()
			if ex, _ := h.st.Exports(t.Context(), store.ExportPending, store.ExportUncertain, store.ExportRetry); len(ex) != 0 {
				t.Errorf("journal not settled: %+v", ex)
			}
		})
	}
	t.Logf("fault matrix: %s road, %d cells, %d faults fired, %d first runs stopped early (cleanly), all converged", rd, len(cells), fired, stopped)
}

// TestFaultMatrixCoversEveryCall: on each road, a first run without faults
// (with the matrix's set-up: the twin, the OutSmart-only hour type) makes
// exactly the e-Boekhouden calls of matrixEBOps, so every cell's fault
// fires and no call of the engine goes untested.
func TestFaultMatrixCoversEveryCall(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		h.addTwin()
		h.useOutSmartOnlyHourType()
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatalf("first run: %v (%s)", sum.Err, sum.Line)
		}
		made := map[string]int{}
		for _, r := range h.ebRequests().All() {
			made[r.Op]++
		}
		for _, name := range matrixEBOps[rd] {
			if made[h.op(name)] == 0 {
				t.Errorf("the matrix injects into %s (%s), which a first run does not call", h.op(name), name)
			}
			if inTheMiddle[name] && made[h.op(name)] < 2 {
				t.Errorf("%s is called %d times: a fault after the first call never fires", h.op(name), made[h.op(name)])
			}
			delete(made, h.op(name))
		}
		for op, n := range made {
			t.Errorf("a first run calls %s (%d times), which the matrix does not cover", op, n)
		}
	})
}

// useOutSmartOnlyHourType gives OutSmart an hour type that e-Boekhouden does
// not have and lets one eligible work order use it, so that the export reads
// OutSmart's hour types to price it.
func (h *harness) useOutSmartOnlyHourType() {
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		st.HourTypes = append(st.HourTypes, demodata.HourType{Code: "NACHT", Name: "Nachttoeslag", CostBooking: "0",
			SaleBooking: "1", SalePrice: "45.00", CostPrice: "0.00", Active: "1"})
		for i := range st.Workorders {
			if st.Workorders[i].OrderNr == "WB26117" {
				st.Workorders[i].Workperiods = append(st.Workorders[i].Workperiods, demodata.WorkorderPeriod{
					WorkDate: "21-11-2026", BeginTime: "22:00", EndTime: "23:00", Break: "0", TotalTime: "01:00",
					EmployeeNr: "12", HourType: "NACHT"})
			}
		}
	})
}
