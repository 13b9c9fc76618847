//go:build !windows

// The crash tests kill a child process with SIGKILL at a checkpoint: no
// deferred code, no clean shutdown. Windows has no signals, so they run on
// Linux and macOS only; crash_windows_test.go reports them as skipped there.

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// crashPoints are the checkpoints of a first run over the demo data and the
// occurrences to crash at: the first, and a later one (the demo run has 4
// accepted upserts, 2 relations created, 8 work orders exported).
var crashPoints = []struct {
	step string
	nth  int
}{
	{"import.sent", 1}, {"import.sent", 3},
	{"export.relation", 1}, {"export.relation", 2},
	{"export.journaled", 1}, {"export.journaled", 4},
	{"export.sent", 1}, {"export.sent", 4},
	{"export.invoiced", 1}, {"export.invoiced", 4},
	{"export.marked", 1}, {"export.marked", 4},
	{"export.handled", 1}, {"export.handled", 4},
}

// TestCrashAtEveryExportStep kills a real process (SIGKILL: no deferred
// code, no clean shutdown) at each step of a run, on each road (import batches, relation
// creation, and each step of the export of the first and of a later work
// order), then runs again in a fresh process state: always exactly one
// invoice per work order, every one Afgehandeld, no master record lost.
func TestCrashAtEveryExportStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per crash point")
	}
	forEachRoad(t, func(t *testing.T, rd road) { crashAtEveryExportStep(t, rd) })
}

// crashAtEveryExportStep runs the crash points on road rd (the helper
// process takes the road from the link in its environment).
func crashAtEveryExportStep(t *testing.T, rd road) {
	for _, cp := range crashPoints {
		step, nth := cp.step, cp.nth
		{
			t.Run(fmt.Sprintf("%s#%d", step, nth), func(t *testing.T) {
				h := newRoadHarness(t, rd, sandbox.Options{}, nil)
				h.addTwin() // two work orders share an OrderNr at every crash point
				err := h.crashHelper(step, nth)
				if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("helper did not die at %s #%d: %v", step, nth, err)
				}
				if len(h.ebRequests().All()) == 0 {
					t.Fatalf("the helper made no call to the %s road's e-Boekhouden", rd)
				}
				h.assertOnItsRoad()
				h.newClients()
				sum := h.run(RunOptions{})
				if sum.Err != nil {
					t.Fatalf("rerun failed: %v", sum.Err)
				}
				h.assertExactlyOnce(keys(h.eligible()))
				h.assertNoMasterRecordLost()
				if ex, _ := h.st.Exports(context.Background(), store.ExportPending, store.ExportUncertain, store.ExportRetry, store.ExportInvoiced); len(ex) != 0 {
					t.Errorf("journal not settled after the rerun: %+v", ex)
				}
				if ex, _ := h.st.Exports(context.Background(), store.ExportHandled); len(ex) != h.rowsToInvoice() {
					t.Errorf("%d work orders handled in the journal, want %d", len(ex), h.rowsToInvoice())
				}
			})
		}
	}
}

// crashHelper runs one sync in a child process that SIGKILLs itself at the
// nth time it reaches step.
func (h *harness) crashHelper(step string, nth int) error {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KOPPELING_CRASH_HELPER=1", "CRASH_STEP="+step, "CRASH_NTH="+strconv.Itoa(nth), "CRASH_DIR="+h.dir)
	cmd.Env = append(cmd.Env, h.kit.Environ()...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); err == nil || ok && ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		h.t.Logf("helper output:\n%s", out)
	}
	return err
}

// TestCrashHelperProcess is the child of TestCrashAtEveryExportStep; it does
// nothing in a normal test run.
func TestCrashHelperProcess(t *testing.T) {
	if os.Getenv("KOPPELING_CRASH_HELPER") != "1" {
		return
	}
	step, dir := os.Getenv("CRASH_STEP"), os.Getenv("CRASH_DIR")
	nth, _ := strconv.Atoi(os.Getenv("CRASH_NTH"))
	link := testkit.LinkFromEnv(t)
	rd := roadSOAP
	if link.Credentials.EBoekhoudenAPIToken != "" { // the parent is on the REST road
		rd = roadREST
	}
	seen := 0
	eng := New(Params{Store: testkit.OpenStore(t, dir), ResultCap: resultCap(rd),
		Bookkeeping:  booksFor(t, rd, link, testkit.ClientOptions{Retry: fastRetry}, nil),
		FieldService: link.OutSmartClient(t, testkit.ClientOptions{Retry: fastRetry}),
		Checkpoint: func(s string) {
			if s == step {
				seen++
				if seen == nth {
					_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
					select {} // the signal is on its way
				}
			}
		}})
	sum := eng.Run(context.Background(), RunOptions{Trigger: "crash-test"})
	t.Fatalf("reached the end without crashing at %s #%d (store %s): %+v", step, nth, dir, sum)
}
