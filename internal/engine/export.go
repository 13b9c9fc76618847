package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// createdInvoice is an invoice made in this run, for the total check.
type createdInvoice struct {
	number, orderNumber string
	total               decimal.Decimal // ours
	checkable           bool
	vatCodes            int             // VAT codes on the invoice: the most cents VAT rounding per code can explain
	totalPerLine        decimal.Decimal // ours with the VAT rounded per line instead
}

// exporter holds the state of the export part of one run.
type exporter struct {
	*run
	hourTypes map[string]outsmart.HourType // OutSmart's, loaded when a work order needs one
	marks     chan store.Export
	created   []createdInvoice
	newRels   []eboekhouden.Relation // created in e-Boekhouden this run
	stopped   error                  // set by the mark worker when OutSmart refuses to go on
	w         writer                 // makes (or, in a dry run, plans) every write
	// prior is what e-Boekhouden already holds for the work orders the
	// journal does not know (lookup.go).
	prior priorInvoices
	// gate holds the invoices of a run of the desktop app until they may
	// go out (approval.go); nil in other runs.
	gate *gate
}

// exportAll turns the work orders that are Compleet and have the configured
// workflow status into invoices, exactly once each, and marks them
// Afgehandeld. The e-Boekhouden writes go one at a time; the OutSmart
// Afgehandeld calls run beside them.
func (r *run) exportAll() error {
	if !r.set.ExportInvoices {
		return nil
	}
	code, ok, err := r.exportStatus()
	if err != nil || !ok {
		return err
	}
	x := &exporter{run: r}
	x.gate = x.newGate()
	defer func() { r.made = x.created }() // the invoice overview's (invoicestatus.go)
	x.w = x.writer()
	if err := x.resolveUncertain(); err != nil {
		return err
	}
	orders, err := x.readOrders(code)
	if err != nil {
		return err
	}
	stale, err := x.staleInvoiced(orders)
	if err != nil {
		return err
	}
	if err := x.completeProducts(orders); err != nil {
		return err
	}
	if len(orders) == 0 && len(stale) == 0 {
		return nil
	}
	if x.prior, err = x.lookUpUnjournaled(orders); err != nil {
		return err
	}
	if err := x.exportOrders(orders, stale); err != nil {
		return err
	}
	if err := x.linkCreatedRelations(); err != nil {
		return err
	}
	return x.checkTotals()
}

// exportStatus checks the settings the export needs and returns the code
// of the configured workflow status. ok is false when a setting stops the
// export (it is on the attention list until fixed).
func (r *run) exportStatus() (code string, ok bool, err error) {
	if strings.TrimSpace(r.set.Template) == "" {
		r.attend(store.Attention{Kind: store.AttentionSettings, Subject: "template", Cause: "template", TitleKey: "subject.settings",
			ReasonKey: "settings.template", FixKey: "settings.template.fix"},
			subjectSettings, message.T("settings.template"))
		return "", false, nil
	}
	r.settled(store.AttentionSettings, "template")
	statuses, err := r.field.WorkStatuses(r.ctx)
	if err != nil {
		return "", false, fmt.Errorf("read work statuses from OutSmart: %w", err)
	}
	code, ok = findWorkStatus(statuses, r.set.WorkflowStatus)
	if !ok {
		names := make([]string, len(statuses))
		for i, s := range statuses {
			names[i] = s.Name
		}
		args := message.Args{"Status": r.set.WorkflowStatus, "Choices": strings.Join(names, ", ")}
		r.attend(store.Attention{Kind: store.AttentionSettings, Subject: "workflowstatus", Cause: "workflowstatus", TitleKey: "subject.settings",
			ReasonKey: "settings.workflowstatus", FixKey: "settings.workflowstatus.fix", Args: args},
			subjectSettings, message.Text{Key: "settings.workflowstatus", Args: args})
		return "", false, nil
	}
	r.settled(store.AttentionSettings, "workflowstatus")
	return code, true, nil
}

// readOrders reads the Compleet work orders with workflow status code. The
// ones OutSmart sends in a shape the client cannot read are logged; the
// rest go on.
func (x *exporter) readOrders(code string) ([]outsmart.WorkOrder, error) {
	orders, err := x.field.WorkOrders(x.ctx, outsmart.WorkOrderQuery{Status: outsmart.StatusComplete, WorkStatus: code})
	var partial *outsmart.PartialError
	if errors.As(err, &partial) {
		for _, rec := range partial.Records {
			number := firstNonEmpty(rec.Number, rec.ID)
			x.log(store.LevelAttention, subjectWorkOrder(number), message.T("workorder.unreadable",
				"Number", number, "Error", fmt.Sprint(rec.Err)), "")
		}
	} else if err != nil {
		return nil, fmt.Errorf("read work orders from OutSmart: %w", err)
	}
	return orders, nil
}

// exportOrders exports the work orders one at a time, then settles the
// stale journal entries, while a worker sets the invoiced work orders to
// Afgehandeld beside them. It returns what stopped the run, if anything.
func (x *exporter) exportOrders(orders []outsmart.WorkOrder, stale []store.Export) error {
	x.marks = make(chan store.Export, len(orders)+len(stale))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range x.marks {
			x.markHandled(j)
		}
	}()
	var stop error
	for _, wo := range orders {
		if stop = x.exportOne(wo); stop != nil {
			break
		}
		if err := x.ctx.Err(); err != nil {
			stop = err
			break
		}
	}
	if stop == nil {
		stop = x.releaseHeld() // a gated run's invoices (approval.go)
	}
	if stop == nil {
		stop = x.settleStale(stale)
	}
	close(x.marks)
	wg.Wait()
	if stop != nil {
		return stop
	}
	return x.stopped
}

// linkCreatedRelations sends the relations this run created in e-Boekhouden
// back to OutSmart with their e-Boekhouden ID (external_id) and records
// them as imported, so that the next import finds nothing new to send. A
// dry run creates none (planner.addRelation).
func (x *exporter) linkCreatedRelations() error {
	if len(x.newRels) == 0 {
		return nil
	}
	var send []outsmart.Relation
	var maps []store.Mapping
	for _, rel := range x.newRels {
		out, missing := relationForOutSmart(rel)
		if len(missing) > 0 {
			continue // OutSmart cannot take it; it already has the customer
		}
		send = append(send, out)
		maps = append(maps, store.Mapping{Kind: store.MappingRelation, SourceKey: rel.Code,
			SourceID: strconv.FormatInt(rel.ID, 10), TargetKey: out.DebtorNumber, Hash: contentHash(out), Active: true})
	}
	_, err := upsertInBatches(x.run, "relatie", send, maps, func(o outsmart.Relation) string { return o.DebtorNumber },
		x.field.UpsertRelations)
	return err
}

// staleInvoiced returns the journal entries that are invoiced but whose work
// order is no longer in OutSmart's list of Compleet work orders with the
// export status: the Afgehandeld call may have landed while the process
// died before journaling it, or someone changed the work order by hand.
func (x *exporter) staleInvoiced(orders []outsmart.WorkOrder) ([]store.Export, error) {
	invoiced, err := x.store.Exports(x.ctx, store.ExportInvoiced)
	if err != nil || len(invoiced) == 0 {
		return nil, err
	}
	listed := make(map[string]bool, len(orders))
	for _, wo := range orders {
		listed[wo.RowID] = true
	}
	var stale []store.Export
	for _, e := range invoiced {
		if !listed[e.RowID] {
			stale = append(stale, e)
		}
	}
	return stale, nil
}

// settleStale reads each stale work order: Afgehandeld means the journal
// only missed it; otherwise the invoice exists and the work order is set
// to Afgehandeld now (it is idempotent). A work order that no longer exists
// needs the user.
func (x *exporter) settleStale(stale []store.Export) error {
	for _, e := range stale {
		wo, err := x.field.WorkOrder(x.ctx, e.RowID)
		switch {
		case errors.Is(err, outsmart.ErrNotFound):
			x.log(store.LevelAttention, subjectWorkOrder(e.OrderNumber), message.T("workorder.gone",
				"Number", e.OrderNumber, "Invoice", e.InvoiceNumber), "")
			e.State, e.Reason = store.ExportHandled, reasonGone
			if err := x.w.journal(e); err != nil {
				return err
			}
		case err != nil:
			if stopsRun(err) {
				return fmt.Errorf("read work order %s from OutSmart: %w", e.OrderNumber, err)
			}
			x.log(store.LevelWarning, subjectWorkOrder(e.OrderNumber), message.T("workorder.unreachable",
				"Number", e.OrderNumber, "Invoice", e.InvoiceNumber), x.p.redactErr(err))
		case wo.Status == outsmart.StatusHandled:
			e.State, e.Reason = store.ExportHandled, ""
			if err := x.w.journal(e); err != nil {
				return err
			}
		default:
			x.w.mark(e)
		}
	}
	return nil
}

// findWorkStatus resolves the configured workflow status by name (or code),
// ignoring case and surrounding space.
func findWorkStatus(statuses []outsmart.WorkStatus, want string) (string, bool) {
	want = strings.TrimSpace(want)
	for _, s := range statuses {
		if strings.EqualFold(strings.TrimSpace(s.Name), want) {
			return s.Code, true
		}
	}
	for _, s := range statuses {
		if s.Code == want {
			return s.Code, true
		}
	}
	return "", false
}

// resolveUncertain settles journal entries whose invoice may or may not
// exist (a previous run timed out, lost its connection or was killed): it
// looks for an invoice of that relation and date that carries the work
// order's reference. Found: the work order is invoiced. Not found: it may be
// sent again. A failed lookup leaves the entry for the next run.
func (x *exporter) resolveUncertain() error {
	entries, err := x.store.Exports(x.ctx, store.ExportPending, store.ExportUncertain)
	if err != nil {
		return err
	}
	for _, e := range entries {
		date, err := parseDay(e.InvoiceDate)
		if err != nil {
			date = x.today
		}
		invs, err := x.invoicesInParts(e.RelationCode, date, date)
		if err != nil {
			if stopsRun(err) {
				return fmt.Errorf("look up the invoice of work order %s in e-Boekhouden: %w", e.OrderNumber, err)
			}
			x.log(store.LevelWarning, subjectWorkOrder(e.OrderNumber), message.T("uncertain.lookupfailed", "Number", e.OrderNumber),
				x.p.redactErr(err))
			continue
		}
		found := ""
		for _, inv := range invs {
			// An entry journaled with its reference is matched by the work
			// order's unique row id alone; one journaled before invoices
			// carried the row id, by its number as then.
			if (e.Reference != "" && carriesRowID(inv, e.RowID)) || (e.Reference == "" && hasLegacyReference(inv, e.OrderNumber)) {
				found = inv.Number
				break
			}
		}
		if err := x.w.settleUncertain(e, found); err != nil {
			return err
		}
	}
	return nil
}

// exportCase is one work order on its way through the export.
type exportCase struct {
	wo      outsmart.WorkOrder
	subject string       // of its log lines
	debtor  string       // the relation code its invoice goes to
	prev    store.Export // the journal's entry; zero when known is false
	known   bool         // the journal knows the work order
	// What the invoice depends on, gathered before it is built.
	relExists bool
	hourTypes map[string]outsmart.HourType
	hash      string // exportHash
}

// confirmed reports whether the user confirmed this work order's invoice
// as it is now (an implausible amount, a legacy invoice).
func (c *exportCase) confirmed() bool {
	return c.known && c.prev.ConfirmedHash != "" && c.prev.ConfirmedHash == c.hash
}

// exportOne handles one work order in three steps: what the journal says
// decides whether an invoice is to be made; the invoice is prepared, or the
// work order parked with an explanation; the invoice is journaled, sent and
// recorded. It returns an error only when the run must stop (credentials
// refused, call limit, store failure).
func (x *exporter) exportOne(wo outsmart.WorkOrder) error {
	c := &exportCase{wo: wo, subject: subjectWorkOrder(wo.Number), debtor: debtorOf(wo)}
	if goOn, err := x.decideFromJournal(c); err != nil || !goOn {
		return err
	}
	draft, err := x.prepareOrPark(c)
	if err != nil || draft == nil {
		return err
	}
	return x.w.sendInvoice(c, *draft)
}

// decideFromJournal reads what the journal says about the work order and
// settles the cases that need no new invoice: invoiced earlier (the
// Afgehandeld call is repeated), unresolved or skipped by the user (left
// alone), archived (skipped), and, when the journal does not know it, an
// invoice e-Boekhouden already holds (adopted) or a look-up that could not
// tell (it waits). goOn is true when an invoice is to be made.
func (x *exporter) decideFromJournal(c *exportCase) (goOn bool, err error) {
	prev, err := x.store.Export(x.ctx, c.wo.RowID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	c.prev, c.known = prev, err == nil
	if c.known {
		switch prev.State {
		case store.ExportInvoiced, store.ExportHandled:
			// Invoiced earlier; OutSmart still lists it as Compleet, so the
			// Afgehandeld call did not land: repeat it (it is idempotent).
			x.w.mark(prev)
			return false, nil
		case store.ExportPending, store.ExportUncertain:
			return false, nil // unresolved: looked up next run
		case store.ExportSkipped:
			if !skippedForStart(prev) {
				return false, nil // skipped by the user, or archived
			}
			// Skipped for the start date: judged again (startdate.go).
		}
	}
	switch {
	case c.wo.Archived && c.known:
		return false, nil
	case c.wo.Archived:
		return false, x.w.skipArchived(c.wo)
	}
	if done, err := x.leaveBeforeStart(c); done || err != nil {
		return false, err
	}
	if c.known {
		return true, nil
	}
	// The journal does not know this work order: a new one, or one whose
	// journal was lost (a damaged or deleted store, a reinstall, another
	// computer). What e-Boekhouden already holds decides.
	if x.prior.unknown[c.wo.RowID] {
		x.log(store.LevelWarning, c.subject, message.T("workorder.waitlookup", "Number", c.wo.Number), "")
		return false, nil
	}
	if invs := x.prior.byRowID[c.wo.RowID]; len(invs) > 0 {
		return false, x.adopt(c.wo, c.debtor, invs)
	}
	return true, nil
}

// prepareOrPark makes the work order's invoice draft: it gathers what the
// invoice depends on, checks the work order, creates its relation in
// e-Boekhouden when missing and builds the invoice. A work order that
// cannot be invoiced as it is, is parked with an explanation; one that must
// wait (a read failed, a relation's creation has no known outcome) is left
// for the next run. Both give no draft and no error.
func (x *exporter) prepareOrPark(c *exportCase) (*invoiceDraft, error) {
	if ready, err := x.gather(c); err != nil || !ready {
		return nil, err
	}
	if c.known && c.prev.State == store.ExportParked && c.prev.DataHash == c.hash {
		return nil, nil // still the same problem; retried when the data changes or the user asks
	}
	if legacy := x.prior.legacyFor(c.debtor, c.wo.Number); !c.known && legacy != "" {
		return nil, x.park(c, newPark("park.legacy", "park.legacy.fix", "Invoice", legacy, "Number", c.wo.Number, "Code", c.debtor), true)
	}
	if c.debtor == "" {
		return nil, x.park(c, newPark("park.nodebtor", "park.nodebtor.fix", "Number", c.wo.Number), false)
	}
	if ready, err := x.ensureRelation(c); err != nil || !ready {
		return nil, err
	}
	draft, err := buildInvoice(c.wo, c.debtor, catalog{products: x.prods, hourTypes: c.hourTypes}, x.set, x.today)
	var pe *parkError
	if errors.As(err, &pe) {
		return nil, x.park(c, *pe, false)
	}
	if err != nil {
		return nil, err
	}
	if p := x.addEmail(c, &draft); p != nil {
		return nil, x.park(c, *p, false)
	}
	if reason := implausible(c.wo.Number, draft, x.set.MaxLineAmount); reason != nil {
		if !c.confirmed() {
			return nil, x.park(c, *reason, true)
		}
		x.log(store.LevelInfo, c.subject, message.Text{Key: "workorder.confirmedinvoice",
			Args: withArg(reason.args, "Reason", "@"+reason.reason)}, "")
	}
	for _, n := range draft.notes {
		x.log(store.LevelInfo, c.subject, n, "")
	}
	return &draft, nil
}

// gather finds out what the invoice depends on: whether the relation
// exists, OutSmart's hour types when needed, and the hash of it all. ready
// is false when the work order waits for the next run (the hour types
// could not be read).
func (x *exporter) gather(c *exportCase) (ready bool, err error) {
	if c.relExists, err = x.relationExists(c.debtor); err != nil {
		return false, err
	}
	if c.hourTypes, err = x.hourTypesFor(c.wo); err != nil {
		if stopsRun(err) {
			return false, fmt.Errorf("read hour types from OutSmart: %w", err)
		}
		x.log(store.LevelWarning, c.subject, message.T("workorder.waithourtypes", "Number", c.wo.Number), x.p.redactErr(err))
		return false, nil
	}
	c.hash = x.exportHash(c.wo, c.relExists, c.hourTypes)
	return true, nil
}

// ensureRelation creates the work order's debtor in e-Boekhouden when it
// does not exist. ready is false when the work order was parked or waits
// (the outcome of the creation is unknown: looked up next run).
func (x *exporter) ensureRelation(c *exportCase) (ready bool, err error) {
	if c.relExists {
		return true, nil
	}
	created, reason, err := x.createRelation(c.wo, c.debtor)
	switch {
	case err != nil:
		return false, err
	case reason != nil:
		return false, x.park(c, *reason, false)
	}
	return created, nil
}

// park sets the work order aside until the user fixes what p says (or,
// with confirm, confirms the invoice as it is): it logs the reason and the
// fix and journals them.
func (x *exporter) park(c *exportCase, p parkError, confirm bool) error {
	reason := p.text()
	if x.gate != nil {
		x.gate.notePark(c, p)
	}
	x.mu.Lock()
	x.tracked++
	x.mu.Unlock()
	x.log(store.LevelAttention, c.subject, reason, "")
	return x.w.journal(store.Export{RowID: c.wo.RowID, OrderNumber: c.wo.Number, State: store.ExportParked,
		RelationCode: c.debtor, DataHash: c.hash, Reason: p.Error(), Attempts: c.prev.Attempts, NeedsConfirmation: confirm,
		ConfirmedHash: c.prev.ConfirmedHash, ReasonKey: p.reason, FixKey: p.fix, Args: reason.Args})
}

// record journals what e-Boekhouden's answer to the invoice of a work order
// means (invoiceOutcome), with entry as journaled before it was sent, and
// says so in the log.
func (x *exporter) record(c *exportCase, d invoiceDraft, entry store.Export, number string, err error) error {
	outcome := invoiceOutcome(err)
	switch outcome {
	case invoiceMade:
		return x.recordInvoiced(c, d, entry, number)
	case invoiceUnknown:
		entry.State = store.ExportUncertain
		line := message.T("invoice.uncertain", "Number", c.wo.Number)
		entry.Reason = line.Render(message.Dutch)
		x.log(store.LevelWarning, c.subject, line, x.p.redactErr(err))
		return x.store.SaveExport(x.ctx, entry)
	case invoiceRefused:
		return x.park(c, newPark("park.invoicerefused", refusalHint(err), "Number", c.wo.Number,
			"Refusal", strings.TrimSuffix(refusalText(err), ".")), false)
	}
	entry.State = store.ExportRetry
	line := message.T("invoice.notsent", "Number", c.wo.Number, "Cause", causeOf(err), "CauseText", err.Error())
	entry.Reason = line.Render(message.Dutch)
	if saveErr := x.store.SaveExport(x.ctx, entry); saveErr != nil {
		return saveErr
	}
	if outcome == invoiceNotMadeStop {
		return fmt.Errorf("create invoice for work order %s: %w", c.wo.Number, err)
	}
	x.log(store.LevelWarning, c.subject, line, x.p.redactErr(err))
	return nil
}

// recordInvoiced journals a made invoice, counts it for the total check and
// has the work order set to Afgehandeld.
func (x *exporter) recordInvoiced(c *exportCase, d invoiceDraft, entry store.Export, number string) error {
	entry.State, entry.InvoiceNumber, entry.Reason = store.ExportInvoiced, number, ""
	if err := x.store.SaveExport(x.ctx, entry); err != nil {
		return fmt.Errorf("journal work order %s (invoice %s): %w", c.wo.Number, number, err)
	}
	x.checkpoint("export.invoiced")
	x.mu.Lock()
	x.sum.Invoices++
	x.created = append(x.created, createdInvoice{number: number, orderNumber: c.wo.Number, total: d.total,
		checkable: d.checkable, vatCodes: vatCodeCount(d.invoice.Lines), totalPerLine: d.totalPerLine})
	x.mu.Unlock()
	x.log(store.LevelInfo, c.subject, message.T("invoice.created", "Invoice", number, "Number", c.wo.Number,
		"Code", c.debtor, "Name", x.nameOf(c.debtor, c.wo)), "")
	x.w.mark(entry)
	return nil
}

// markHandled sets an invoiced work order to Afgehandeld in OutSmart and
// journals it. Failures leave the entry invoiced; the next run repeats the
// call, which is idempotent.
func (x *exporter) markHandled(j store.Export) {
	x.mu.Lock()
	stopped := x.stopped != nil
	x.mu.Unlock()
	if stopped {
		return
	}
	subject := subjectWorkOrder(j.OrderNumber)
	if err := x.field.MarkHandled(x.ctx, j.RowID); err != nil {
		switch {
		case errors.Is(err, outsmart.ErrNotFound):
			x.log(store.LevelAttention, subject, message.T("workorder.gone", "Number", j.OrderNumber, "Invoice", j.InvoiceNumber), "")
		case errors.Is(err, outsmart.ErrUnauthorized) || errors.Is(err, context.Canceled):
			x.mu.Lock()
			x.stopped = fmt.Errorf("mark work order %s Afgehandeld in OutSmart: %w", j.OrderNumber, err)
			x.mu.Unlock()
		default:
			x.log(store.LevelWarning, subject, message.T("workorder.markfailed", "Number", j.OrderNumber, "Invoice", j.InvoiceNumber),
				x.p.redactErr(err))
		}
		return
	}
	x.checkpoint("export.marked")
	if j.State != store.ExportHandled {
		j.State = store.ExportHandled
		if err := x.store.SaveExport(x.ctx, j); err != nil {
			x.log(store.LevelWarning, subject, message.T("journal.notupdated", "Number", j.OrderNumber), err.Error())
			return
		}
	}
	x.checkpoint("export.handled")
	x.mu.Lock()
	x.sum.Handled++
	x.mu.Unlock()
}

// completeProducts looks up, by code, the products the work orders use that
// a large administration's kept products do not hold (new since they were
// last read), so that no invoice waits a whole watch cycle for them. A code
// e-Boekhouden does not know stays unknown (an hour type OutSmart defines,
// or a mistake the export explains).
func (x *exporter) completeProducts(orders []outsmart.WorkOrder) error {
	if x.prodsOK {
		return nil
	}
	asked := map[string]bool{}
	ask := func(code string) error {
		code = strings.TrimSpace(code)
		if code == "" || asked[code] {
			return nil
		}
		asked[code] = true
		if _, ok := x.prods[code]; ok {
			return nil
		}
		found, err := x.books.Products(x.ctx, eboekhouden.ProductFilter{Code: code})
		if err != nil {
			return fmt.Errorf("look up product %s in e-Boekhouden: %w", code, err)
		}
		for _, p := range found {
			if strings.TrimSpace(p.Code) == code {
				x.prods[code] = p
			}
		}
		return nil
	}
	for _, wo := range orders {
		for _, m := range wo.Materials {
			if err := ask(m.Code); err != nil {
				return err
			}
		}
		for _, p := range wo.WorkPeriods {
			if err := ask(p.HourType); err != nil {
				return err
			}
		}
	}
	return nil
}

// relationExists reports whether e-Boekhouden has a relation with this code,
// from the relations read this run or, when those may be incomplete, by
// asking for the code.
func (x *exporter) relationExists(code string) (bool, error) {
	if code == "" {
		return false, nil
	}
	if x.rels == nil {
		// Relations are not imported: one answer, and by code beyond it.
		all, err := x.books.Relations(x.ctx, eboekhouden.RelationFilter{})
		if err != nil {
			return false, fmt.Errorf("read relations from e-Boekhouden: %w", err)
		}
		x.rels = make(map[string]eboekhouden.Relation, len(all))
		for _, rel := range all {
			x.rels[strings.TrimSpace(rel.Code)] = rel
		}
		x.relsOK = len(all) < x.p.ResultCap
	}
	if _, ok := x.rels[code]; ok || x.relsOK {
		return ok, nil
	}
	found, err := x.books.Relations(x.ctx, eboekhouden.RelationFilter{Code: code})
	if err != nil {
		return false, fmt.Errorf("look up relation %s in e-Boekhouden: %w", code, err)
	}
	for _, rel := range found {
		if strings.TrimSpace(rel.Code) == code {
			x.rels[code] = rel
			return true, nil
		}
	}
	return false, nil
}

// createRelation creates the invoice debtor of a work order in e-Boekhouden
// when "Exporteer relaties" is on. It returns a park reason when it may not
// or cannot, created=false without a reason when the outcome is unknown (the
// next run looks the code up: relation codes are unique, so a repeat can
// never make a second relation), and an error when the run must stop.
func (x *exporter) createRelation(wo outsmart.WorkOrder, code string) (created bool, reason *parkError, err error) {
	party := wo.InvoiceCustomer
	if party.DebtorNumber == "" {
		party = wo.Customer
	}
	if !x.set.ExportRelations {
		p := newPark("park.norelation", "park.norelation.fix", "Code", code, "Name", party.Name, "Number", wo.Number)
		return false, &p, nil
	}
	if len([]rune(code)) > 15 {
		p := newPark("park.codelong", "park.codelong.fix", "Code", code, "Number", wo.Number)
		return false, &p, nil
	}
	if strings.TrimSpace(party.Name) == "" {
		p := newPark("park.noname", "park.noname.fix", "Code", code, "Number", wo.Number)
		return false, &p, nil
	}
	return x.w.addRelation(wo, code, party)
}

// hourTypesFor returns OutSmart's hour types when the work order uses an
// hour type that is not an e-Boekhouden product (one read per run, only
// then). A failed read is an error: the work order waits for the next run
// rather than being parked for an hour type that may well exist.
func (x *exporter) hourTypesFor(wo outsmart.WorkOrder) (map[string]outsmart.HourType, error) {
	need := false
	for _, p := range wo.WorkPeriods {
		if _, ok := x.prods[strings.TrimSpace(p.HourType)]; !ok {
			need = true
		}
	}
	if !need || x.hourTypes != nil {
		return x.hourTypes, nil
	}
	hts, err := x.field.HourTypes(x.ctx)
	if err != nil {
		return nil, err
	}
	x.hourTypes = map[string]outsmart.HourType{}
	for _, h := range hts {
		x.hourTypes[h.Code] = h
	}
	return x.hourTypes, nil
}

// exportHash covers everything an invoice of this work order depends on, so
// that a parked work order is tried again once any of it changes.
func (x *exporter) exportHash(wo outsmart.WorkOrder, relationExists bool, hourTypes map[string]outsmart.HourType) string {
	type productFacts struct{ VAT, Ledger, Price string }
	facts := map[string]productFacts{}
	for _, m := range wo.Materials {
		p := x.prods[m.Code]
		facts[m.Code] = productFacts{p.VATCode, p.LedgerCode, p.SalePrice.String()}
	}
	for _, per := range wo.WorkPeriods {
		p, ok := x.prods[per.HourType]
		facts[per.HourType] = productFacts{p.VATCode, p.LedgerCode, p.SalePrice.String()}
		if ht, inOutSmart := hourTypes[per.HourType]; !ok && inOutSmart {
			facts[per.HourType] = productFacts{"", fmt.Sprint(ht.SaleBooking), ht.SalePrice.String()}
		}
	}
	return contentHash(struct {
		WorkOrder      outsmart.WorkOrder
		Products       map[string]productFacts
		RelationExists bool
		Template       string
		Term           int
		Book           bool
		VAT, Ledger    string
		ExportRels     bool
		HoursRounding  string
		MaxLineAmount  string
		Email          string `json:",omitempty"` // email.go: "" while e-mail is off
	}{wo, facts, relationExists, x.set.Template, x.set.PaymentTermDays, x.set.BookDirectly,
		x.set.DefaultVATCode, x.set.DefaultLedger, x.set.ExportRelations, x.set.HoursRounding, x.set.MaxLineAmount.String(),
		x.emailFact(debtorOf(wo))})
}

// checkTotals reads back the invoices of this run, in one read, and logs
// each with e-Boekhouden's own total. The reference leaves open whether
// e-Boekhouden rounds VAT per rate or per line: a difference from ours that
// the other rounding gives exactly, or of at most one cent per VAT code, is
// explained calmly; a larger one needs the user. A dry run creates none.
func (x *exporter) checkTotals() error {
	if len(x.created) == 0 {
		return nil
	}
	invs, err := x.books.Invoices(x.ctx, eboekhouden.InvoiceFilter{From: x.today, To: x.today})
	if err != nil {
		if stopsRun(err) {
			return fmt.Errorf("read back the new invoices from e-Boekhouden: %w", err)
		}
		x.log(store.LevelWarning, subjectInvoices, message.T("invoices.unread"), x.p.redactErr(err))
		for _, c := range x.created {
			x.log(store.LevelInfo, subjectWorkOrder(c.orderNumber), message.T("invoice.total.unread",
				"Invoice", c.number, "Number", c.orderNumber, "Ours", c.total.Euro()), "")
		}
		return nil
	}
	byNumber := make(map[string]eboekhouden.InvoiceSummary, len(invs))
	for _, inv := range invs {
		byNumber[inv.Number] = inv
	}
	for _, c := range x.created {
		inv, ok := byNumber[c.number]
		if !ok && len(invs) >= x.p.ResultCap {
			// Today's list may be cut off: ask for this one.
			if one, err := x.books.Invoices(x.ctx, eboekhouden.InvoiceFilter{Number: c.number}); err == nil && len(one) == 1 {
				inv, ok = one[0], true
			}
		}
		x.logTotal(c, inv, ok)
	}
	return nil
}

// logTotal writes the line of one new invoice with e-Boekhouden's total.
func (x *exporter) logTotal(c createdInvoice, inv eboekhouden.InvoiceSummary, found bool) {
	subject := subjectWorkOrder(c.orderNumber)
	args := func(key string, pairs ...string) message.Text {
		return message.T(key, append([]string{"Invoice", c.number, "Number", c.orderNumber, "Ours", c.total.Euro()}, pairs...)...)
	}
	if !found {
		x.log(store.LevelWarning, subject, args("invoice.total.missing"), "")
		return
	}
	theirs := inv.TotalInclVAT
	diff := theirs.Cents() - c.total.Cents()
	cents := strconv.FormatInt(abs64(diff), 10)
	switch {
	case !c.checkable || diff == 0:
		x.log(store.LevelInfo, subject, args("invoice.total", "Total", theirs.Euro()), "")
	case theirs.Cents() == c.totalPerLine.Cents():
		x.log(store.LevelInfo, subject, args("invoice.total.perline", "Total", theirs.Euro(), "Cents", cents), "")
	case abs64(diff) <= int64(max(c.vatCodes, 1)):
		x.log(store.LevelInfo, subject, args("invoice.total.rounding", "Total", theirs.Euro(), "Cents", cents), "")
	default:
		x.log(store.LevelAttention, subject, args("invoice.total.differs", "Total", theirs.Euro(),
			"Diff", decimal.FromCents(abs64(diff)).Euro()), "")
	}
}

// nameOf is the name of relation code: e-Boekhouden's, or the work
// order's customer when e-Boekhouden's is not known.
func (x *exporter) nameOf(code string, wo outsmart.WorkOrder) string {
	if rel, ok := x.rels[code]; ok && strings.TrimSpace(rel.Company) != "" {
		return strings.TrimSpace(rel.Company)
	}
	if wo.InvoiceCustomer.DebtorNumber == code && wo.InvoiceCustomer.Name != "" {
		return wo.InvoiceCustomer.Name
	}
	return wo.Customer.Name
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// vatCodeCount is the number of distinct VAT codes on the lines.
func vatCodeCount(lines []eboekhouden.InvoiceLine) int {
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.VATCode] = true
	}
	return len(seen)
}
