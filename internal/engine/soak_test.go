package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/scheduler/schedulertest"
)

// soakCycles is one simulated day at 15-minute intervals: the SOAP road's
// soak.
const soakCycles = 96

// soakCyclesOn are the cycles of the soak per road. The REST road runs half
// a simulated day to keep make test's time in proportion: each of its
// cycles makes more calls (a detail read per record in rotation, the lists
// of units, ledgers and templates), so its 48 cycles inject every kind of
// fault, and more faults in all, than SOAP's 96 do (the test logs both).
var soakCyclesOn = map[road]int{roadSOAP: soakCycles, roadREST: soakCycles / 2}

// TestSoakOneSimulatedDay runs the real scheduler for 96 cycles (time
// compressed) over a dataset that changes between cycles (new relations,
// changed prices, new completed work orders), with random faults on 5% of
// the calls to both services, and checks the invariants after every cycle:
// never two invoices for one work order, never a work order Afgehandeld
// without its invoice. At the end, with the faults off, everything has
// converged: every eligible work order has exactly one invoice and is
// Afgehandeld, and no master record is lost. Goroutines and heap must not
// grow with the cycles.
func TestSoakOneSimulatedDay(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	forEachRoad(t, func(t *testing.T, rd road) {
		seed := uint64(20261127)
		h := newRoadHarness(t, rd, sandbox.Options{Seed: seed}, nil)
		clock := schedulertest.NewClock(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
		h.eng.p.Now = clock.Now
		rng := rand.New(rand.NewPCG(seed, 7))
		kindsEB := []fault.Kind{fault.HTTP500, fault.DropBeforeApply, fault.DropAfterApply, fault.Malformed, fault.SessionExpired}
		kindsOS := []fault.Kind{fault.HTTP500, fault.DropBeforeApply, fault.DropAfterApply, fault.Malformed, fault.GeneralError}
		for _, k := range kindsEB {
			h.ebFaults().Add(fault.Rule{Op: "*", Kind: k, Rate: 0.01})
		}
		for _, k := range kindsOS {
			h.sb.OutSmart.Faults().Add(fault.Rule{Op: "*", Kind: k, Rate: 0.01})
		}

		finished := make(chan scheduler.Result, 1)
		sched := scheduler.New(func(ctx context.Context, tr scheduler.Trigger) scheduler.Result {
			h.freshBooks(false) // a new bookkeeping per run on REST, as services makes
			sum := h.eng.Run(ctx, RunOptions{Trigger: string(tr)})
			return scheduler.Result{Summary: sum.Line, Err: sum.Err, CallLimited: sum.CallLimited}
		}, scheduler.Options{Interval: 15 * time.Minute, Clock: clock})
		sched.Subscribe(func(e scheduler.Event) {
			if e.Kind == scheduler.EventFinished {
				finished <- e.Result
			}
		})
		if err := sched.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer sched.Stop()

		var goroutines, heap []uint64
		nextWO := 0
		failedRuns := 0
		cycles := soakCyclesOn[rd]
		for cycle := 1; cycle <= cycles; cycle++ {
			h.changeDataset(rng, cycle, &nextWO)
			clock.WaitForWaiter(t)
			clock.Advance(15 * time.Minute)
			select {
			case res := <-finished:
				if res.Err != nil {
					failedRuns++
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("cycle %d: no run finished", cycle)
			}
			h.assertNeverTwice(cycle)
			if cycle == 10 || cycle == cycles {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				goroutines = append(goroutines, uint64(runtime.NumGoroutine()))
				heap = append(heap, ms.HeapAlloc)
			}
		}
		fired := map[fault.Kind]int{}
		ebFired := 0
		for k, n := range h.ebFaults().Fired() {
			fired[k] += n
			ebFired += n
		}
		for k, n := range h.sb.OutSmart.Faults().Fired() {
			fired[k] += n
		}
		total := 0
		for _, n := range fired {
			total += n
		}
		calls := len(h.ebRequests().All()) + len(h.sb.OutSmart.Requests().All())
		t.Logf("soak: %s road, %d cycles, %d work orders added, %d calls, %d faults injected %v, %d runs stopped early",
			rd, cycles, nextWO, calls, total, fired, failedRuns)
		t.Logf("soak: %s road, goroutines at cycle 10 / %d: %d / %d; heap %d KB / %d KB", rd, cycles, goroutines[0], goroutines[1],
			heap[0]>>10, heap[1]>>10)
		if total == 0 || ebFired == 0 {
			t.Fatalf("%d faults fired, %d of them in e-Boekhouden: the soak proved nothing about the %s road", total, ebFired, rd)
		}
		if goroutines[1] > goroutines[0]+3 {
			t.Errorf("goroutines grew from %d to %d", goroutines[0], goroutines[1])
		}

		// Converge: faults off, two more runs.
		h.ebFaults().Clear()
		h.sb.OutSmart.Faults().Clear()
		for i := 0; i < 2; i++ {
			clock.WaitForWaiter(t)
			clock.Advance(15 * time.Minute)
			if res := <-finished; res.Err != nil {
				t.Fatalf("converging run %d: %v", i+1, res.Err)
			}
		}
		h.assertExactlyOnce(keys(h.eligibleNow()))
		h.assertNoMasterRecordLost()
	})
}

// changeDataset makes the changes a working day brings: a new customer now
// and then, a changed price, and new completed work orders.
func (h *harness) changeDataset(rng *rand.Rand, cycle int, nextWO *int) {
	if cycle%8 == 0 {
		code := fmt.Sprintf("S%04d", cycle)
		h.addRelation(demodata.Relatie{ID: int64(5000000 + cycle), AddDatum: "2026-11-27", Code: code,
			Bedrijf: "Soak klant " + code, Adres: "Teststraat " + strconv.Itoa(cycle), Postcode: "3500 AA", Plaats: "Utrecht", BP: "B"})
	}
	if cycle%5 == 0 {
		h.raiseRandomPrice(rng)
	}
	n := rng.IntN(3)
	template := h.sb.Dataset.OutSmart.Workorders
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		for i := 0; i < n; i++ {
			*nextWO++
			var base demodata.Workorder
			for _, w := range template {
				if w.OrderNr == "WB26116" {
					base = w
				}
			}
			wo := base
			wo.ID = strconv.Itoa(90000 + *nextWO)
			wo.OrderNr = fmt.Sprintf("SK%05d", *nextWO)
			wo.Materials = append([]demodata.WorkorderMaterial(nil), base.Materials...)
			wo.Workperiods = append([]demodata.WorkorderPeriod(nil), base.Workperiods...)
			st.Workorders = append(st.Workorders, wo)
		}
	})
}

// eligibleNow lists the work orders that should be invoiced, including the
// ones the soak added.
func (h *harness) eligibleNow() map[string]demodata.Workorder {
	out := h.eligible()
	for _, w := range h.sb.OutSmart.State().Workorders {
		if len(w.OrderNr) > 2 && w.OrderNr[:2] == "SK" {
			out[w.OrderNr] = w
		}
	}
	return out
}

// assertNeverTwice checks the invariants that must hold after every cycle,
// faults or not.
func (h *harness) assertNeverTwice(cycle int) {
	h.t.Helper()
	perOrder := map[string]int{}
	for nr := range h.eligibleNow() {
		perOrder[nr] = h.invoicesFor(nr)
		if perOrder[nr] > 1 {
			h.t.Fatalf("cycle %d: work order %s has %d invoices", cycle, nr, perOrder[nr])
		}
	}
	for _, w := range h.sb.OutSmart.State().Workorders {
		if n, ok := perOrder[w.OrderNr]; ok && w.Status == "Afgehandeld" && n != 1 {
			h.t.Fatalf("cycle %d: work order %s is Afgehandeld without its invoice", cycle, w.OrderNr)
		}
	}
	if v := h.sb.OutSmart.Violations(); len(v) > 0 {
		h.t.Fatalf("cycle %d: OutSmart protocol violations: %v", cycle, v)
	}
}

// assertNoMasterRecordLost checks that every e-Boekhouden relation with an
// address and every active product (read from the road's sandbox) is in
// OutSmart.
func (h *harness) assertNoMasterRecordLost() {
	h.t.Helper()
	outSmart := h.sb.OutSmart.State()
	debtors := map[string]bool{}
	for _, r := range outSmart.Relations {
		debtors[r.DebtorNumber] = true
	}
	for _, r := range h.bkRelations() {
		if r.Address != "" && r.PostalCode != "" && r.City != "" && !debtors[r.Code] {
			h.t.Errorf("relation %s is not in OutSmart", r.Code)
		}
	}
	codes := map[string]bool{}
	for _, m := range outSmart.Materials {
		codes[m.Code] = true
	}
	for _, ht := range outSmart.HourTypes {
		codes[ht.Code] = true
	}
	for _, p := range h.bkProducts() {
		if p.Active && !codes[p.Code] {
			h.t.Errorf("product %s is not in OutSmart", p.Code)
		}
	}
}
