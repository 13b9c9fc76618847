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
// per service.
var (
	matrixEBOps = []string{"OpenSession", "GetRelaties", "GetArtikelen", "AddRelatie", "AddFactuur", "GetFacturen", "CloseSession"}
	matrixOSOps = []string{"POST relations", "POST materials", "POST hourtypes", "GET workstatusses", "GET GetWorkorders",
		"GET GetWorkorder", "GET hourtypes"}
	// matrixEBKinds and matrixOSKinds are the faults of the reliability issue:
	// a timeout before the service applied the call, a dropped connection
	// after it did, HTTP 500, a malformed body, E0023, E003.1, OutSmart 1007.
	// fault.Unrecognised (a well-formed answer in a shape the client does
	// not know, after the call was applied) checks that every read fails
	// closed and every write's outcome is unknown.
	matrixEBKinds = []fault.Kind{fault.Timeout, fault.DropAfterApply, fault.HTTP500, fault.Malformed, fault.SessionExpired, fault.CallLimit,
		fault.Unrecognised}
	matrixOSKinds = []fault.Kind{fault.Timeout, fault.DropAfterApply, fault.HTTP500, fault.Malformed, fault.GeneralError, fault.Unrecognised}
)

// TestFaultMatrix injects each fault into each call the engine makes, once,
// in the middle of a first run (After skips one call where an operation is
// made more than once). The run either completes or stops cleanly; the next
// runs, without faults, converge; and the invariants hold: exactly one
// invoice per eligible work order, each Afgehandeld, none Afgehandeld
// without an invoice, no master record lost.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix")
	}
	type cell struct {
		service, op string
		kind        fault.Kind
	}
	var cells []cell
	for _, op := range matrixEBOps {
		for _, k := range matrixEBKinds {
			cells = append(cells, cell{"e-Boekhouden", op, k})
		}
	}
	for _, op := range matrixOSOps {
		for _, k := range matrixOSKinds {
			cells = append(cells, cell{"OutSmart", op, k})
		}
	}
	fired, stopped := 0, 0
	for _, c := range cells {
		t.Run(fmt.Sprintf("%s/%s/%s", c.service, c.op, c.kind), func(t *testing.T) {
			h := newHarness(t, sandbox.Options{}, nil)
			h.addTwin() // two work orders share an OrderNr in every cell
			h.newClientsWithTimeout(400 * time.Millisecond)
			if c.op == "GET hourtypes" {
				h.useOutSmartOnlyHourType()
			}
			rule := fault.Rule{Op: c.op, Kind: c.kind, Times: 1, Delay: fault.Duration(2 * time.Second)}
			if c.op == "AddFactuur" || c.op == "GET GetWorkorder" || c.op == "AddRelatie" {
				rule.After = 1 // in the middle of the export, not at its first call
			}
			faults := h.sb.EBoekhouden.Faults()
			if c.service == "OutSmart" {
				faults = h.sb.OutSmart.Faults()
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
	t.Logf("fault matrix: %d cells, %d faults fired, %d first runs stopped early (cleanly), all converged", len(cells), fired, stopped)
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
