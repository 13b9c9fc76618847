package engine

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// ebWrites counts the write calls the run made to the road's e-Boekhouden.
func (h *harness) ebWrites() int {
	n := 0
	for _, r := range h.ebRequests().All() {
		if h.isEBWrite(r) {
			n++
		}
	}
	return n
}

// bkInvoiceForRow is the sandbox's invoice whose reference line names the
// work order with row id rowID.
func (h *harness) bkInvoiceForRow(rowID string) (bkInvoice, bool) {
	for _, inv := range h.bkInvoices() {
		for _, l := range inv.Lines {
			if strings.HasPrefix(l.Description, "Werkbon ") && strings.Contains(l.Description, " (ref "+rowID+")") {
				return inv, true
			}
		}
	}
	return bkInvoice{}, false
}

// addCopies adds n eligible work orders like WB26116, each with its own row
// id and number.
func (h *harness) addCopies(n int) {
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		for _, w := range st.Workorders {
			if w.OrderNr != "WB26116" {
				continue
			}
			for i := range n {
				c := w
				c.ID = strconv.Itoa(880000 + i)
				c.OrderNr = "WB88" + strconv.Itoa(1000+i)
				c.Materials = append(c.Materials[:0:0], w.Materials...)
				c.Workperiods = append(c.Workperiods[:0:0], w.Workperiods...)
				st.Workorders = append(st.Workorders, c)
			}
			return
		}
		h.t.Fatal("no WB26116 in the demo data")
	})
}

// gated runs as the desktop app does, with the approved fingerprints.
func (h *harness) gated(approved map[string]string) Summary {
	h.t.Helper()
	sum := h.run(RunOptions{Trigger: "schedule", Approval: &Approval{Approved: approved}})
	if sum.Err != nil {
		h.t.Fatal(sum.Err)
	}
	return sum
}

// The first export of a link waits for approval and sends nothing; the
// approved run then creates exactly the previewed invoices, line for line
// and to the cent.
func TestApprovalPreviewIsWhatTheRunCreates(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		before := len(h.bkInvoices()) // the demo administration's own
		sum := h.gated(nil)
		plan := sum.Awaiting
		if plan == nil || !plan.FirstExport || len(plan.Invoices) == 0 {
			t.Fatalf("first export did not wait for approval: %+v", sum)
		}
		if sum.Invoices != 0 || len(h.bkInvoices()) != before || h.ebWrites() != 0 {
			t.Fatalf("a waiting run wrote to e-Boekhouden: invoices %d, sandbox %d new, writes %d",
				sum.Invoices, len(h.bkInvoices())-before, h.ebWrites())
		}
		n := strconv.Itoa(len(plan.Invoices))
		if !strings.Contains(sum.Line, n+" facturen wachten op uw akkoord") || sum.Outcome != store.RunAttention ||
			!strings.Contains(sum.Message.Render(message.English), n+" invoices await your approval") {
			t.Fatalf("summary %s %q / %q", sum.Outcome, sum.Line, sum.Message.Render(message.English))
		}
		if ex, _ := h.st.Exports(context.Background(), store.ExportPending, store.ExportInvoiced); len(ex) != 0 {
			t.Fatalf("a waiting run journaled invoices: %+v", ex)
		}
		for _, inv := range plan.Invoices {
			if inv.CustomerCode == "" || inv.CustomerName == "" || len(inv.Lines) == 0 || inv.Fingerprint == "" {
				t.Fatalf("planned invoice incomplete: %+v", inv)
			}
		}
		// Waiting again finds the same plan.
		if again := h.gated(nil); again.Awaiting == nil || again.Awaiting.Hash != plan.Hash || len(h.bkInvoices()) != before {
			t.Fatalf("second waiting run: %+v", again.Awaiting)
		}

		sum = h.gated(plan.Fingerprints())
		if sum.Awaiting != nil || sum.Invoices != len(plan.Invoices) {
			t.Fatalf("approved run: invoices %d of %d, awaiting %v", sum.Invoices, len(plan.Invoices), sum.Awaiting != nil)
		}
		if got := len(h.bkInvoices()) - before; got != len(plan.Invoices) {
			t.Fatalf("sandbox holds %d invoices, plan had %d", got, len(plan.Invoices))
		}
		for _, want := range plan.Invoices {
			got, ok := h.bkInvoiceForRow(want.RowID)
			if !ok {
				t.Fatalf("no invoice for planned work order %s", want.OrderNumber)
			}
			assertInvoiceAsPlanned(t, want, got)
		}
		h.assertJournalMatchesTheBooks()
	})
}

func assertInvoiceAsPlanned(t *testing.T, want report.PlannedInvoice, got bkInvoice) {
	t.Helper()
	// The total incl. BTW is ours, or ours with the BTW rounded per line:
	// the references leave open which e-Boekhouden does (the REST sandbox
	// rounds per line).
	incl := got.TotalIncl.Equal(want.TotalInclVAT) || got.TotalIncl.Equal(want.TotalVATPerLine)
	if got.RelationCode != want.CustomerCode || !got.TotalExcl.Equal(want.TotalExclVAT) || !incl || len(got.Lines) != len(want.Lines) {
		t.Fatalf("work order %s: invoice to %s, %s excl., %s incl., %d lines; previewed %s, %s, %s (%s per line), %d lines",
			want.OrderNumber, got.RelationCode, got.TotalExcl, got.TotalIncl, len(got.Lines), want.CustomerCode, want.TotalExclVAT,
			want.TotalInclVAT, want.TotalVATPerLine, len(want.Lines))
	}
	for i, l := range want.Lines {
		g := got.Lines[i]
		if g.Description != l.Description || !g.Quantity.Equal(l.Quantity) || !g.Price.Equal(l.UnitPrice) || g.VATCode != l.VATCode {
			t.Fatalf("work order %s line %d: got %+v, previewed %+v", want.OrderNumber, i, g, l)
		}
	}
}

// A work order that changes after the approval makes the run send nothing
// and ask again.
func TestApprovalOfAChangedPlanSendsNothing(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		before := len(h.bkInvoices())
		plan := h.gated(nil).Awaiting
		if plan == nil {
			t.Fatal("first export did not wait")
		}
		h.sb.OutSmart.Update(func(st *ossandbox.State) {
			for i, w := range st.Workorders {
				if w.OrderNr == "WB26116" {
					st.Workorders[i].ShortWorkDescription = "Ander werk dan bekeken"
					return
				}
			}
			t.Fatal("no WB26116")
		})
		sum := h.gated(plan.Fingerprints())
		if sum.Invoices != 0 || len(h.bkInvoices()) != before || h.ebWrites() != 0 {
			t.Fatalf("a changed plan was sent: invoices %d, sandbox %d new", sum.Invoices, len(h.bkInvoices())-before)
		}
		if sum.Awaiting == nil || sum.Awaiting.Hash == plan.Hash {
			t.Fatalf("the run did not ask again with the new plan: %+v", sum.Awaiting)
		}
		// A plan with a work order more or less is not the approved one either.
		fewer := plan.Fingerprints()
		delete(fewer, plan.Invoices[0].RowID)
		if sum := h.gated(fewer); sum.Invoices != 0 || sum.Awaiting == nil {
			t.Fatalf("a partly approved plan was sent: %+v", sum)
		}
		if sum := h.gated(sum.Awaiting.Fingerprints()); sum.Invoices != len(plan.Invoices) || sum.Awaiting != nil {
			t.Fatalf("the new plan, approved: invoices %d, awaiting %v", sum.Invoices, sum.Awaiting != nil)
		}
	})
}

// After the first export, up to export.confirm_above new invoices go out
// without asking; one more waits.
func TestApprovalThreshold(t *testing.T) {
	for _, c := range []struct {
		invoices int
		asks     bool
	}{{10, false}, {11, true}} {
		t.Run(strconv.Itoa(c.invoices), func(t *testing.T) {
			h := newRoadHarness(t, roadSOAP, sandbox.Options{}, nil)
			before := len(h.bkInvoices())
			planned := 0
			for _, line := range h.run(RunOptions{DryRun: true}).Planned {
				if strings.HasPrefix(line, "factuur aanmaken voor werkbon") {
					planned++
				}
			}
			if planned > c.invoices {
				t.Fatalf("the demo data plans %d invoices", planned)
			}
			h.addCopies(c.invoices - planned)
			// An invoice made before: this is not the link's first export.
			h.must(h.st.SaveExport(context.Background(), store.Export{RowID: "1", OrderNumber: "WB1", State: store.ExportHandled,
				InvoiceNumber: "F0001"}))
			sum := h.gated(nil)
			if c.asks {
				if sum.Awaiting == nil || len(sum.Awaiting.Invoices) != c.invoices || sum.Awaiting.FirstExport || sum.Invoices != 0 ||
					len(h.bkInvoices()) != before {
					t.Fatalf("%d invoices: awaiting %+v, made %d", c.invoices, sum.Awaiting, sum.Invoices)
				}
				return
			}
			if sum.Awaiting != nil || sum.Invoices != c.invoices || len(h.bkInvoices())-before != c.invoices {
				t.Fatalf("%d invoices did not go out without asking: made %d, awaiting %v", c.invoices, sum.Invoices, sum.Awaiting != nil)
			}
		})
	}
}

// Without the desktop app's gate (the command line's sync --once), the
// first export goes out as before.
func TestNoApprovalOutsideTheDesktopApp(t *testing.T) {
	h := newRoadHarness(t, roadSOAP, sandbox.Options{}, nil)
	sum := h.run(RunOptions{Trigger: "cli"})
	if sum.Awaiting != nil || sum.Invoices == 0 {
		t.Fatalf("sync --once: invoices %d, awaiting %v", sum.Invoices, sum.Awaiting != nil)
	}
}

func TestApprovedExactly(t *testing.T) {
	held := func(pairs ...string) []heldInvoice {
		var out []heldInvoice
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, heldInvoice{plan: report.PlannedInvoice{RowID: pairs[i], Fingerprint: pairs[i+1]}})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		approved map[string]string
		held     []heldInvoice
		want     bool
	}{
		{"nothing approved", nil, held("1", "a"), false},
		{"the same invoices", map[string]string{"1": "a", "2": "b"}, held("2", "b", "1", "a"), true},
		{"an invoice changed", map[string]string{"1": "a", "2": "b"}, held("1", "a", "2", "c"), false},
		{"a work order more", map[string]string{"1": "a"}, held("1", "a", "2", "b"), false},
		{"a work order gone", map[string]string{"1": "a", "2": "b"}, held("1", "a"), false},
		{"another work order", map[string]string{"1": "a"}, held("3", "a"), false},
	} {
		g := &gate{approved: c.approved, held: c.held}
		if got := g.approvedExactly(); got != c.want {
			t.Errorf("%s: approvedExactly = %v, want %v", c.name, got, c.want)
		}
	}
}
