package engine

// This file owns the desktop app's gate before invoices are made (issue 18,
// preview and confirm). A run with RunOptions.Approval decides and prepares
// every work order as any run does, but holds the invoices instead of
// sending them, and defers the relations it would create for them. When all
// are prepared it decides: the link's first export, or more new invoices
// than export.confirm_above, needs the user's approval of exactly these
// invoices (report.ExportPlan, a fingerprint per invoice). Without it the
// run sends nothing to e-Boekhouden (no invoice, no relation) and hands the
// plan back in Summary.Awaiting; with it, or when none is needed, the held
// invoices go out one by one exactly as an ungated run sends them (journal
// first, then the call, then the journal again).
//
// What still goes on while invoices wait, as it makes no new invoice:
// settling uncertain entries by look-up, adopting invoices e-Boekhouden
// already holds, setting invoiced work orders to Afgehandeld, skipping
// archived ones and parking the ones that cannot be invoiced (they are
// listed in the plan).

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// Approval is the desktop app's gate (RunOptions.Approval). The threshold
// is the link's export.confirm_above setting.
type Approval struct {
	// Approved are the fingerprints of the invoices the user approved, by
	// work order row id (report.ExportPlan.Fingerprints); nil when none.
	Approved map[string]string
}

// gate holds a gated run's invoices until all are prepared.
type gate struct {
	approved  map[string]string
	held      []heldInvoice
	deferred  map[string]outsmart.Party // relations to create when the invoices go out, by code
	failedRel map[string]bool           // deferred relations that could not be made this run
	parked    []report.PlannedPark
}

// heldInvoice is a prepared invoice that waits for the gate.
type heldInvoice struct {
	c    *exportCase
	d    invoiceDraft
	plan report.PlannedInvoice
}

// newGate is the run's gate, nil when the run is not gated (the command
// line, a dry run).
func (x *exporter) newGate() *gate {
	if x.opts.Approval == nil || x.opts.DryRun {
		return nil
	}
	return &gate{approved: x.opts.Approval.Approved, deferred: map[string]outsmart.Party{}, failedRel: map[string]bool{}}
}

// gatedSender is a gated run's writer: it holds invoices and defers the
// relations they need; every other write is the sender's.
type gatedSender struct{ sender }

// addRelation defers the creation of the relation until the invoices go
// out, and lets the work order go on as if it were made.
func (g gatedSender) addRelation(_ outsmart.WorkOrder, code string, party outsmart.Party) (bool, *parkError, error) {
	g.x.gate.deferred[code] = party
	return true, nil, nil
}

// sendInvoice holds the invoice.
func (g gatedSender) sendInvoice(c *exportCase, d invoiceDraft) error {
	x := g.x
	p, err := x.plannedInvoice(c, d)
	if err != nil {
		return err
	}
	x.gate.held = append(x.gate.held, heldInvoice{c: c, d: d, plan: p})
	return nil
}

// plannedInvoice is the invoice of a work order as the preview shows it.
func (x *exporter) plannedInvoice(c *exportCase, d invoiceDraft) (report.PlannedInvoice, error) {
	_, newRel := x.gate.deferred[c.debtor]
	p := report.PlannedInvoice{RowID: c.wo.RowID, OrderNumber: c.wo.Number, CustomerCode: c.debtor,
		CustomerName: x.nameOf(c.debtor, c.wo), NewRelation: newRel, TotalInclVAT: d.total, TotalVATPerLine: d.totalPerLine,
		Fingerprint: fingerprint(d)}
	for _, l := range d.invoice.Lines {
		amount, err := lineAmount(l)
		if err != nil {
			return p, fmt.Errorf("amount of a line of work order %s: %w", c.wo.Number, err)
		}
		p.Lines = append(p.Lines, report.PlannedLine{Description: l.Description, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice, VATCode: l.VATCode, Amount: amount})
		p.TotalExclVAT = p.TotalExclVAT.Add(amount)
	}
	return p, nil
}

// fingerprint covers the exact invoice of a draft: relation, template,
// term, every line (text, quantity, price, VAT code, ledger, cost centre),
// the e-mail fields and the total; not its date, which is the day it is
// sent.
func fingerprint(d invoiceDraft) string {
	inv := d.invoice
	inv.Date = time.Time{}
	return contentHash(struct {
		Invoice eboekhouden.Invoice
		Total   string
	}{inv, d.total.String()})
}

// notePark lists a work order the gated run parked in the plan.
func (g *gate) notePark(c *exportCase, p parkError) {
	g.parked = append(g.parked, report.PlannedPark{RowID: c.wo.RowID, OrderNumber: c.wo.Number,
		Reason: message.Text{Key: p.reason, Args: p.args}})
}

// needsApproval reports whether the held invoices need the user's approval
// first: the link's first export, or more than the threshold.
func (x *exporter) needsApproval() (bool, error) {
	if len(x.gate.held) > x.set.ConfirmAbove {
		return true, nil
	}
	made, err := x.store.HasInvoiced(x.ctx)
	return !made, err
}

// approvedExactly reports whether the held invoices are exactly the ones
// the user approved: the same work orders, each with the same invoice.
func (g *gate) approvedExactly() bool {
	if len(g.approved) == 0 || len(g.approved) != len(g.held) {
		return false
	}
	for _, h := range g.held {
		if g.approved[h.plan.RowID] != h.plan.Fingerprint {
			return false
		}
	}
	return true
}

// releaseHeld ends a gated run's export: it sends the held invoices when
// they need no approval or are exactly the approved ones, and otherwise
// sends nothing and hands the plan back (Summary.Awaiting).
func (x *exporter) releaseHeld() error {
	g := x.gate
	if g == nil || len(g.held) == 0 {
		return nil
	}
	need, err := x.needsApproval()
	if err != nil {
		return err
	}
	if need && !g.approvedExactly() {
		return x.await(g)
	}
	if need {
		x.log(store.LevelInfo, subjectInvoices, message.T("export.approved", "Count", strconv.Itoa(len(g.held))), "")
	}
	s := sender{x}
	for _, h := range g.held {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if ready, err := x.createDeferred(h.c); err != nil || !ready {
			if err != nil {
				return err
			}
			continue
		}
		if err := s.sendInvoice(h.c, h.d); err != nil {
			return err
		}
	}
	return nil
}

// createDeferred creates the relation a held invoice needs, once. ready is
// false when the work order was parked or waits (unknown outcome).
func (x *exporter) createDeferred(c *exportCase) (ready bool, err error) {
	g := x.gate
	party, deferred := g.deferred[c.debtor]
	if _, made := x.rels[c.debtor]; !deferred || made {
		return true, nil
	}
	if g.failedRel[c.debtor] {
		return false, nil
	}
	created, reason, err := sender{x}.addRelation(c.wo, c.debtor, party)
	switch {
	case err != nil:
		return false, err
	case reason != nil:
		g.failedRel[c.debtor] = true
		return false, x.park(c, *reason, false)
	case !created:
		g.failedRel[c.debtor] = true
	}
	return created, nil
}

// await makes the plan of the held invoices and the parked work orders,
// sends nothing and says that the invoices wait.
func (x *exporter) await(g *gate) error {
	first, err := x.store.HasInvoiced(x.ctx)
	if err != nil {
		return err
	}
	plan := report.ExportPlan{FirstExport: !first, Threshold: x.set.ConfirmAbove, Parked: g.parked}
	for _, h := range g.held {
		plan.Invoices = append(plan.Invoices, h.plan)
	}
	sort.SliceStable(plan.Invoices, func(i, j int) bool { return plan.Invoices[i].OrderNumber < plan.Invoices[j].OrderNumber })
	plan.Hash = contentHash(plan.Fingerprints())
	// The work orders parked by earlier runs are not invoiced either.
	parked, err := x.store.Exports(x.ctx, store.ExportParked)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, p := range plan.Parked {
		listed[p.RowID] = true
	}
	for _, e := range parked {
		if !listed[e.RowID] {
			plan.Parked = append(plan.Parked, report.PlannedPark{RowID: e.RowID, OrderNumber: e.OrderNumber,
				Reason: report.WorkOrderItem(e).Reason})
		}
	}
	x.mu.Lock()
	x.sum.Awaiting = &plan
	x.mu.Unlock()
	key := "export.awaiting"
	if len(plan.Invoices) == 1 {
		key = "export.awaiting.one"
	}
	x.log(store.LevelInfo, subjectInvoices, message.T(key, "Count", strconv.Itoa(len(plan.Invoices))), "")
	return nil
}
