package engine

// This file owns the export's one seam to the outside world. Every write
// the export makes (a relation or an invoice in e-Boekhouden, an entry of
// the journal, the Afgehandeld call in OutSmart) goes through a writer:
// sender makes it; a dry run's planner only reports, as Summary.Planned
// lines, what would be made. Everything before a write (what the journal
// says, validation, the invoice draft, parking) is decided the same way in
// both. The run's other writes (log, mappings, attention list, what is
// known of a large administration) go to the run's store, which in a dry
// run keeps them to itself (runstore.go).

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// writer makes, or in a dry run plans, the export's writes.
type writer interface {
	// journal saves an entry of the journal.
	journal(e store.Export) error
	// skipArchived journals a work order archived in OutSmart as skipped.
	skipArchived(wo outsmart.WorkOrder) error
	// skipBeforeStart journals a work order dated (day) before the start
	// date as skipped and names it in the log (startdate.go).
	skipBeforeStart(wo outsmart.WorkOrder, day, start time.Time) error
	// settleUncertain records what the look-up found for an entry whose
	// invoice may or may not exist: found is the invoice's number, or ""
	// when e-Boekhouden has none.
	settleUncertain(e store.Export, found string) error
	// adopt journals invoice inv, which e-Boekhouden already holds for a
	// work order the journal did not know, as entry e.
	adopt(e store.Export, inv eboekhouden.InvoiceSummary) error
	// addRelation creates relation code for a work order's invoice party in
	// e-Boekhouden, with the results of exporter.createRelation.
	addRelation(wo outsmart.WorkOrder, code string, party outsmart.Party) (created bool, reason *parkError, err error)
	// sendInvoice journals a work order's invoice, sends it and records
	// e-Boekhouden's answer.
	sendInvoice(c *exportCase, d invoiceDraft) error
	// mark has an invoiced work order set to Afgehandeld.
	mark(e store.Export)
}

// writer is the export's writer: a planner in a dry run, a gatedSender in
// a run of the desktop app (approval.go), else a sender.
func (x *exporter) writer() writer {
	if x.opts.DryRun {
		return planner{x}
	}
	if x.gate != nil {
		return gatedSender{sender{x}}
	}
	return sender{x}
}

// sender makes the export's writes.
type sender struct{ x *exporter }

func (s sender) journal(e store.Export) error { return s.x.store.SaveExport(s.x.ctx, e) }

func (s sender) skipArchived(wo outsmart.WorkOrder) error {
	s.x.log(store.LevelInfo, subjectWorkOrder(wo.Number), message.T("workorder.archived", "Number", wo.Number), "")
	return s.journal(store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportSkipped, Reason: reasonArchived})
}

func (s sender) skipBeforeStart(wo outsmart.WorkOrder, day, start time.Time) error {
	line := beforeStartText(wo, day, start)
	s.x.log(store.LevelInfo, subjectWorkOrder(wo.Number), line, "")
	return s.journal(beforeStartEntry(wo, line))
}

func (s sender) settleUncertain(e store.Export, found string) error {
	subject := subjectWorkOrder(e.OrderNumber)
	if found != "" {
		e.State, e.InvoiceNumber, e.Reason = store.ExportInvoiced, found, ""
		s.x.log(store.LevelInfo, subject, message.T("uncertain.found", "Number", e.OrderNumber, "Invoice", found), "")
	} else {
		e.State, e.Reason = store.ExportRetry, reasonResend
		s.x.log(store.LevelInfo, subject, message.T("uncertain.notfound", "Number", e.OrderNumber), "")
	}
	return s.journal(e)
}

func (s sender) adopt(e store.Export, inv eboekhouden.InvoiceSummary) error {
	if err := s.journal(e); err != nil {
		return fmt.Errorf("journal work order %s (invoice %s found): %w", e.OrderNumber, inv.Number, err)
	}
	s.x.log(store.LevelInfo, subjectWorkOrder(e.OrderNumber), message.T("adopt.done", "Invoice", inv.Number,
		"Number", e.OrderNumber, "Total", inv.TotalInclVAT.Euro()), "")
	return nil
}

func (s sender) addRelation(wo outsmart.WorkOrder, code string, party outsmart.Party) (bool, *parkError, error) {
	x := s.x
	rel := relationFromParty(code, party, x.today)
	subject := subjectRelation(code)
	// The log line is the durable record that this write is about to go out.
	x.log(store.LevelInfo, subject, message.T("relation.creating", "Code", code, "Name", party.Name, "Number", wo.Number), "")
	id, err := x.books.AddRelation(x.ctx, rel)
	x.checkpoint("export.relation")
	switch relationOutcome(err) {
	case relationMade, relationInUse:
		rel.ID = id
		x.rels[code] = rel
		if err == nil {
			x.newRels = append(x.newRels, rel)
			x.mu.Lock()
			x.sum.RelationsCreated++
			x.mu.Unlock()
		}
		return true, nil, nil
	case relationUnknown:
		x.log(store.LevelWarning, subject, message.T("relation.uncertain", "Code", code, "Name", party.Name, "Number", wo.Number),
			x.p.redactErr(err))
		return false, nil, nil
	case relationNotMade:
		return false, nil, fmt.Errorf("create relation %s in e-Boekhouden: %w", code, err)
	}
	p := newPark("park.relationrefused", "park.relationrefused.fix", "Code", code, "Name", party.Name, "Number", wo.Number,
		"Refusal", strings.TrimSuffix(refusalText(err), "."))
	return false, &p, nil
}

// sendInvoice journals the invoice as pending before it goes out, so that
// a run that dies in between looks it up instead of sending it twice.
func (s sender) sendInvoice(c *exportCase, d invoiceDraft) error {
	x := s.x
	entry := store.Export{RowID: c.wo.RowID, OrderNumber: c.wo.Number, State: store.ExportPending, RelationCode: c.debtor,
		InvoiceDate: x.today.Format("2006-01-02"), TotalCents: d.total.Cents(), DataHash: c.hash, Attempts: c.prev.Attempts + 1,
		Reference: d.reference, ConfirmedHash: c.prev.ConfirmedHash, CustomerName: x.nameOf(c.debtor, c.wo),
		EmailedTo: d.emailTo}
	if err := s.journal(entry); err != nil {
		return fmt.Errorf("journal work order %s: %w", c.wo.Number, err)
	}
	x.checkpoint("export.journaled")
	number, err := x.books.AddInvoice(x.ctx, d.invoice)
	x.checkpoint("export.sent")
	return x.record(c, d, entry, number, err)
}

func (s sender) mark(e store.Export) { s.x.marks <- e }

// planner reports the export's writes instead of making them: it writes
// nothing to either service or to the journal.
type planner struct{ x *exporter }

func (p planner) journal(store.Export) error { return nil }

func (p planner) skipArchived(outsmart.WorkOrder) error { return nil }

func (p planner) skipBeforeStart(wo outsmart.WorkOrder, day, start time.Time) error {
	p.x.plan(message.T("plan.beforestart", "Number", wo.Number, "Date", day.Format("02-01-2006"), "Start", start.Format("02-01-2006")))
	return nil
}

func (p planner) settleUncertain(e store.Export, found string) error {
	if found != "" {
		p.x.plan(message.T("plan.markinvoiced", "Number", e.OrderNumber, "Invoice", found))
	} else {
		p.x.plan(message.T("plan.resend", "Number", e.OrderNumber))
	}
	return nil
}

func (p planner) adopt(e store.Export, inv eboekhouden.InvoiceSummary) error {
	p.x.plan(message.T("plan.adopt", "Invoice", inv.Number, "Number", e.OrderNumber))
	return nil
}

// addRelation plans the relation and lets the run go on as if it were
// made, so that the plan shows the invoice too.
func (p planner) addRelation(_ outsmart.WorkOrder, code string, party outsmart.Party) (bool, *parkError, error) {
	p.x.plan(message.T("plan.relation", "Code", code, "Name", party.Name))
	p.x.rels[code] = eboekhouden.Relation{Code: code, Company: party.Name, Email: strings.TrimSpace(party.Email)}
	return true, nil, nil
}

func (p planner) sendInvoice(c *exportCase, d invoiceDraft) error {
	p.x.plan(message.T("plan.invoice", "Number", c.wo.Number, "Code", c.debtor, "Name", p.x.nameOf(c.debtor, c.wo),
		"Lines", strconv.Itoa(len(d.invoice.Lines)), "Total", d.total.Euro()))
	if d.emailTo != "" {
		p.x.plan(message.T("plan.email", "Number", c.wo.Number, "Address", d.emailTo))
	}
	return nil
}

func (p planner) mark(e store.Export) {
	p.x.plan(message.T("plan.mark", "Number", e.OrderNumber, "Invoice", e.InvoiceNumber))
}
