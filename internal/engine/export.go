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
	// prior is what e-Boekhouden already holds for the work orders the
	// journal does not know (lookup.go).
	prior priorInvoices
}

// exportAll turns the work orders that are Compleet and have the configured
// workflow status into invoices, exactly once each, and marks them
// Afgehandeld. The e-Boekhouden writes go one at a time; the OutSmart
// Afgehandeld calls run beside them.
func (r *run) exportAll() error {
	if !r.set.ExportInvoices {
		return nil
	}
	if strings.TrimSpace(r.set.Template) == "" {
		r.attend(store.Attention{Kind: store.AttentionSettings, Subject: "template", Cause: "template", TitleKey: "subject.settings",
			ReasonKey: "settings.template", FixKey: "settings.template.fix"},
			"instellingen", message.T("settings.template"))
		return nil
	}
	r.settled(store.AttentionSettings, "template")
	statuses, err := r.field.WorkStatuses(r.ctx)
	if err != nil {
		return fmt.Errorf("werkbonstatussen ophalen uit OutSmart: %w", err)
	}
	code, ok := findWorkStatus(statuses, r.set.WorkflowStatus)
	if !ok {
		names := make([]string, len(statuses))
		for i, s := range statuses {
			names[i] = s.Name
		}
		args := message.Args{"Status": r.set.WorkflowStatus, "Choices": strings.Join(names, ", ")}
		r.attend(store.Attention{Kind: store.AttentionSettings, Subject: "workflowstatus", Cause: "workflowstatus", TitleKey: "subject.settings",
			ReasonKey: "settings.workflowstatus", FixKey: "settings.workflowstatus.fix", Args: args},
			"instellingen", message.Text{Key: "settings.workflowstatus", Args: args})
		return nil
	}
	r.settled(store.AttentionSettings, "workflowstatus")

	x := &exporter{run: r}
	if err := x.resolveUncertain(); err != nil {
		return err
	}
	orders, err := r.field.WorkOrders(r.ctx, outsmart.WorkOrderQuery{Status: outsmart.StatusComplete, WorkStatus: code})
	var partial *outsmart.PartialError
	if errors.As(err, &partial) {
		for _, rec := range partial.Records {
			r.log(store.LevelAttention, "werkbon "+firstNonEmpty(rec.Number, rec.ID), message.T("workorder.unreadable",
				"Number", firstNonEmpty(rec.Number, rec.ID), "Error", fmt.Sprint(rec.Err)), "")
		}
	} else if err != nil {
		return fmt.Errorf("werkbonnen ophalen uit OutSmart: %w", err)
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
		if err := r.ctx.Err(); err != nil {
			stop = err
			break
		}
	}
	if stop == nil {
		stop = x.settleStale(stale)
	}
	close(x.marks)
	wg.Wait()
	if stop != nil {
		return stop
	}
	if x.stopped != nil {
		return x.stopped
	}
	if err := x.linkCreatedRelations(); err != nil {
		return err
	}
	return x.checkTotals()
}

// linkCreatedRelations sends the relations this run created in e-Boekhouden
// back to OutSmart with their e-Boekhouden ID (external_id) and records
// them as imported, so that the next import finds nothing new to send.
func (x *exporter) linkCreatedRelations() error {
	if len(x.newRels) == 0 || x.opts.DryRun {
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
			x.log(store.LevelAttention, "werkbon "+e.OrderNumber, message.T("workorder.gone",
				"Number", e.OrderNumber, "Invoice", e.InvoiceNumber), "")
			if !x.opts.DryRun {
				e.State, e.Reason = store.ExportHandled, "Werkbon bestaat niet meer in OutSmart."
				if err := x.store.SaveExport(x.ctx, e); err != nil {
					return err
				}
			}
		case err != nil:
			if stopsRun(err) {
				return fmt.Errorf("werkbon %s opvragen in OutSmart: %w", e.OrderNumber, err)
			}
			x.log(store.LevelWarning, "werkbon "+e.OrderNumber, message.T("workorder.unreachable",
				"Number", e.OrderNumber, "Invoice", e.InvoiceNumber), x.p.redactErr(err))
		case wo.Status == outsmart.StatusHandled:
			if x.opts.DryRun {
				continue
			}
			e.State, e.Reason = store.ExportHandled, ""
			if err := x.store.SaveExport(x.ctx, e); err != nil {
				return err
			}
		default:
			x.enqueueMark(e)
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
				return fmt.Errorf("factuur van werkbon %s opzoeken in e-Boekhouden: %w", e.OrderNumber, err)
			}
			x.log(store.LevelWarning, "werkbon "+e.OrderNumber, message.T("uncertain.lookupfailed", "Number", e.OrderNumber),
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
		if x.opts.DryRun {
			if found != "" {
				x.plan(message.T("plan.markinvoiced", "Number", e.OrderNumber, "Invoice", found))
			} else {
				x.plan(message.T("plan.resend", "Number", e.OrderNumber))
			}
			continue
		}
		if found != "" {
			e.State, e.InvoiceNumber, e.Reason = store.ExportInvoiced, found, ""
			x.log(store.LevelInfo, "werkbon "+e.OrderNumber, message.T("uncertain.found", "Number", e.OrderNumber, "Invoice", found), "")
		} else {
			e.State, e.Reason = store.ExportRetry, "Niet gevonden in e-Boekhouden na een onderbroken verzending; wordt opnieuw verstuurd."
			x.log(store.LevelInfo, "werkbon "+e.OrderNumber, message.T("uncertain.notfound", "Number", e.OrderNumber), "")
		}
		if err := x.store.SaveExport(x.ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// exportOne handles one work order. It returns an error only when the run
// must stop (credentials refused, call limit, store failure).
func (x *exporter) exportOne(wo outsmart.WorkOrder) error {
	subject := "werkbon " + wo.Number
	prev, err := x.store.Export(x.ctx, wo.RowID)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if exists {
		switch prev.State {
		case store.ExportInvoiced, store.ExportHandled:
			// Invoiced earlier; OutSmart still lists it as Compleet, so the
			// Afgehandeld call did not land: repeat it (it is idempotent).
			x.enqueueMark(prev)
			return nil
		case store.ExportPending, store.ExportUncertain, store.ExportSkipped:
			return nil // unresolved (looked up next run) or skipped by the user
		}
	}
	if wo.Archived {
		if !exists && !x.opts.DryRun {
			x.log(store.LevelInfo, subject, message.T("workorder.archived", "Number", wo.Number), "")
			return x.store.SaveExport(x.ctx, store.Export{RowID: wo.RowID, OrderNumber: wo.Number,
				State: store.ExportSkipped, Reason: "Gearchiveerd in OutSmart."})
		}
		return nil
	}

	debtor := debtorOf(wo)
	if !exists {
		// The journal does not know this work order: a new one, or one whose
		// journal was lost (a damaged or deleted store, a reinstall, another
		// computer). What e-Boekhouden already holds decides.
		if x.prior.unknown[wo.RowID] {
			x.log(store.LevelWarning, subject, message.T("workorder.waitlookup", "Number", wo.Number), "")
			return nil
		}
		if invs := x.prior.byRowID[wo.RowID]; len(invs) > 0 {
			return x.adopt(wo, debtor, invs)
		}
	}
	relExists, err := x.relationExists(debtor)
	if err != nil {
		return err
	}
	hourTypes, err := x.hourTypesFor(wo)
	if err != nil {
		if stopsRun(err) {
			return fmt.Errorf("uursoorten ophalen uit OutSmart: %w", err)
		}
		x.log(store.LevelWarning, subject, message.T("workorder.waithourtypes", "Number", wo.Number), x.p.redactErr(err))
		return nil
	}
	hash := x.exportHash(wo, relExists, hourTypes)
	if exists && prev.State == store.ExportParked && prev.DataHash == hash {
		return nil // still the same problem; retried when the data changes or the user asks
	}
	parkFor := func(p parkError, confirm bool) error {
		reason := p.text()
		x.mu.Lock()
		x.tracked++
		x.mu.Unlock()
		x.log(store.LevelAttention, subject, reason, "")
		if x.opts.DryRun {
			return nil
		}
		return x.store.SaveExport(x.ctx, store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportParked,
			RelationCode: debtor, DataHash: hash, Reason: p.Error(), Attempts: prev.Attempts, NeedsConfirmation: confirm,
			ConfirmedHash: prev.ConfirmedHash, ReasonKey: p.reason, FixKey: p.fix, Args: reason.Args})
	}
	parkIt := func(p parkError) error { return parkFor(p, false) }
	confirmed := exists && prev.ConfirmedHash != "" && prev.ConfirmedHash == hash
	if !exists {
		if legacy := x.prior.legacyFor(debtor, wo.Number); legacy != "" {
			return parkFor(newPark("park.legacy", "park.legacy.fix", "Invoice", legacy, "Number", wo.Number, "Code", debtor), true)
		}
	}

	if debtor == "" {
		return parkIt(newPark("park.nodebtor", "park.nodebtor.fix", "Number", wo.Number))
	}
	if !relExists {
		created, reason, err := x.createRelation(wo, debtor)
		if err != nil {
			return err
		}
		if reason != nil {
			return parkIt(*reason)
		}
		if !created {
			return nil // outcome unknown: looked up next run
		}
	}
	draft, err := buildInvoice(wo, debtor, catalog{products: x.prods, hourTypes: hourTypes}, x.set, x.today)
	var pe *parkError
	if errors.As(err, &pe) {
		return parkIt(*pe)
	}
	if err != nil {
		return err
	}
	if reason := implausible(wo.Number, draft, x.set.MaxLineAmount); reason != nil {
		if !confirmed {
			return parkFor(*reason, true)
		}
		x.log(store.LevelInfo, subject, message.Text{Key: "workorder.confirmedinvoice",
			Args: withArg(reason.args, "Reason", "@"+reason.reason)}, "")
	}
	for _, n := range draft.notes {
		x.log(store.LevelInfo, subject, n, "")
	}
	if x.opts.DryRun {
		x.plan(message.T("plan.invoice", "Number", wo.Number, "Code", debtor, "Name", x.nameOf(debtor, wo),
			"Lines", strconv.Itoa(len(draft.invoice.Lines)), "Total", draft.total.Euro()))
		return nil
	}

	entry := store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportPending, RelationCode: debtor,
		InvoiceDate: x.today.Format("2006-01-02"), TotalCents: draft.total.Cents(), DataHash: hash, Attempts: prev.Attempts + 1,
		Reference: draft.reference, ConfirmedHash: prev.ConfirmedHash}
	if err := x.store.SaveExport(x.ctx, entry); err != nil {
		return fmt.Errorf("journaal bijwerken voor werkbon %s: %w", wo.Number, err)
	}
	x.checkpoint("export.journaled")
	number, err := x.books.AddInvoice(x.ctx, draft.invoice)
	x.checkpoint("export.sent")
	var apiErr *eboekhouden.APIError
	var fault *eboekhouden.FaultError
	switch {
	case err == nil:
		entry.State, entry.InvoiceNumber, entry.Reason = store.ExportInvoiced, number, ""
		if err := x.store.SaveExport(x.ctx, entry); err != nil {
			return fmt.Errorf("journaal bijwerken voor werkbon %s (factuur %s): %w", wo.Number, number, err)
		}
		x.checkpoint("export.invoiced")
		x.mu.Lock()
		x.sum.Invoices++
		x.created = append(x.created, createdInvoice{number: number, orderNumber: wo.Number, total: draft.total,
			checkable: draft.checkable, vatCodes: vatCodeCount(draft.invoice.Lines), totalPerLine: draft.totalPerLine})
		x.mu.Unlock()
		x.log(store.LevelInfo, subject, message.T("invoice.created", "Invoice", number, "Number", wo.Number,
			"Code", debtor, "Name", x.nameOf(debtor, wo)), "")
		x.enqueueMark(entry)
		return nil
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		entry.State = store.ExportUncertain
		line := message.T("invoice.uncertain", "Number", wo.Number)
		entry.Reason = line.Render(message.Dutch)
		x.log(store.LevelWarning, subject, line, x.p.redactErr(err))
		return x.store.SaveExport(x.ctx, entry)
	case errors.As(err, &apiErr) && !stopsRun(err), errors.As(err, &fault) && fault.Refused():
		// A definite refusal: no invoice was made.
		return parkIt(newPark("park.invoicerefused", refusalHint(err), "Number", wo.Number,
			"Refusal", strings.TrimSuffix(refusalText(err), ".")))
	default:
		// Not applied (refused before it was processed, or never sent): send
		// again next run.
		entry.State = store.ExportRetry
		line := message.T("invoice.notsent", "Number", wo.Number, "Cause", causeOf(err), "CauseText", err.Error())
		entry.Reason = line.Render(message.Dutch)
		if saveErr := x.store.SaveExport(x.ctx, entry); saveErr != nil {
			return saveErr
		}
		if stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient) {
			return fmt.Errorf("factuur voor werkbon %s: %w", wo.Number, err)
		}
		x.log(store.LevelWarning, subject, line, x.p.redactErr(err))
		return nil
	}
}

// refusalText is e-Boekhouden's own description of a refusal.
func refusalText(err error) string {
	var apiErr *eboekhouden.APIError
	if errors.As(err, &apiErr) {
		return strings.TrimSpace(apiErr.Description)
	}
	var fault *eboekhouden.FaultError
	if errors.As(err, &fault) {
		return strings.TrimSpace(fault.Message)
	}
	return err.Error()
}

// refusalHint is the message that names the likely fix for a refused
// invoice, from the words of the refusal (the real error codes are not
// documented).
func refusalHint(err error) string {
	t := strings.ToLower(refusalText(err))
	switch {
	case strings.Contains(t, "sjabloon"):
		return "hint.template"
	case strings.Contains(t, "btw"):
		return "hint.vat"
	case strings.Contains(t, "tegenrekening"), strings.Contains(t, "grootboek"):
		return "hint.ledger"
	case strings.Contains(t, "relatie"):
		return "hint.relation"
	}
	return "hint.other"
}

// enqueueMark hands an invoiced work order to the Afgehandeld worker (or, in
// a dry run, only reports it).
func (x *exporter) enqueueMark(j store.Export) {
	if x.opts.DryRun {
		x.plan(message.T("plan.mark", "Number", j.OrderNumber, "Invoice", j.InvoiceNumber))
		return
	}
	x.marks <- j
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
	subject := "werkbon " + j.OrderNumber
	if err := x.field.MarkHandled(x.ctx, j.RowID); err != nil {
		switch {
		case errors.Is(err, outsmart.ErrNotFound):
			x.log(store.LevelAttention, subject, message.T("workorder.gone", "Number", j.OrderNumber, "Invoice", j.InvoiceNumber), "")
		case errors.Is(err, outsmart.ErrUnauthorized) || errors.Is(err, context.Canceled):
			x.mu.Lock()
			x.stopped = fmt.Errorf("werkbon %s op Afgehandeld zetten: %w", j.OrderNumber, err)
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
			return fmt.Errorf("product %s opzoeken in e-Boekhouden: %w", code, err)
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
			return false, fmt.Errorf("relaties ophalen uit e-Boekhouden: %w", err)
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
		return false, fmt.Errorf("relatie %s opzoeken in e-Boekhouden: %w", code, err)
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
	if x.opts.DryRun {
		x.plan(message.T("plan.relation", "Code", code, "Name", party.Name))
		x.rels[code] = eboekhouden.Relation{Code: code, Company: party.Name}
		return true, nil, nil
	}
	rel := relationFromParty(code, party, x.today)
	// The log line is the durable record that this write is about to go out.
	x.log(store.LevelInfo, "relatie "+code, message.T("relation.creating", "Code", code, "Name", party.Name, "Number", wo.Number), "")
	id, err := x.books.AddRelation(x.ctx, rel)
	x.checkpoint("export.relation")
	switch {
	case err == nil, errors.Is(err, eboekhouden.ErrRelationCodeInUse):
		rel.ID = id
		x.rels[code] = rel
		if err == nil {
			x.newRels = append(x.newRels, rel)
			x.mu.Lock()
			x.sum.RelationsCreated++
			x.mu.Unlock()
		}
		return true, nil, nil
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		x.log(store.LevelWarning, "relatie "+code, message.T("relation.uncertain", "Code", code, "Name", party.Name, "Number", wo.Number),
			x.p.redactErr(err))
		return false, nil, nil
	case stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient):
		return false, nil, fmt.Errorf("relatie %s aanmaken in e-Boekhouden: %w", code, err)
	default:
		p := newPark("park.relationrefused", "park.relationrefused.fix", "Code", code, "Name", party.Name, "Number", wo.Number,
			"Refusal", strings.TrimSuffix(refusalText(err), "."))
		return false, &p, nil
	}
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
	}{wo, facts, relationExists, x.set.Template, x.set.PaymentTermDays, x.set.BookDirectly,
		x.set.DefaultVATCode, x.set.DefaultLedger, x.set.ExportRelations, x.set.HoursRounding, x.set.MaxLineAmount.String()})
}

// checkTotals reads back the invoices of this run, in one read, and logs
// each with e-Boekhouden's own total. The reference leaves open whether
// e-Boekhouden rounds VAT per rate or per line: a difference from ours that
// the other rounding gives exactly, or of at most one cent per VAT code, is
// explained calmly; a larger one needs the user.
func (x *exporter) checkTotals() error {
	if len(x.created) == 0 || x.opts.DryRun {
		return nil
	}
	invs, err := x.books.Invoices(x.ctx, eboekhouden.InvoiceFilter{From: x.today, To: x.today})
	if err != nil {
		if stopsRun(err) {
			return fmt.Errorf("nieuwe facturen teruglezen uit e-Boekhouden: %w", err)
		}
		x.log(store.LevelWarning, "facturen", message.T("invoices.unread"), x.p.redactErr(err))
		for _, c := range x.created {
			x.log(store.LevelInfo, "werkbon "+c.orderNumber, message.T("invoice.total.unread",
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
	subject := "werkbon " + c.orderNumber
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
