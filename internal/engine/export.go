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
		r.log(store.LevelAttention, "instellingen",
			"Facturen worden niet doorgezet: vul bij Export instellingen het factuursjabloon in (de naam van een sjabloon in e-Boekhouden).", "")
		return nil
	}
	statuses, err := r.e.p.FieldService.WorkStatuses(r.ctx)
	if err != nil {
		return fmt.Errorf("werkbonstatussen ophalen uit OutSmart: %w", err)
	}
	code, ok := findWorkStatus(statuses, r.set.WorkflowStatus)
	if !ok {
		names := make([]string, len(statuses))
		for i, s := range statuses {
			names[i] = s.Name
		}
		r.log(store.LevelAttention, "instellingen", fmt.Sprintf(
			"Facturen worden niet doorgezet: de werkbonstatus %q bestaat niet in OutSmart. Kies een van: %s.",
			r.set.WorkflowStatus, strings.Join(names, ", ")), "")
		return nil
	}

	x := &exporter{run: r}
	if err := x.resolveUncertain(); err != nil {
		return err
	}
	orders, err := r.e.p.FieldService.WorkOrders(r.ctx, outsmart.WorkOrderQuery{Status: outsmart.StatusComplete, WorkStatus: code})
	var partial *outsmart.PartialError
	if errors.As(err, &partial) {
		for _, rec := range partial.Records {
			r.log(store.LevelAttention, "werkbon "+firstNonEmpty(rec.Number, rec.ID), fmt.Sprintf(
				"Werkbon %s is onleesbaar en wordt overgeslagen: %v. Controleer de werkbon in OutSmart.",
				firstNonEmpty(rec.Number, rec.ID), rec.Err), "")
		}
	} else if err != nil {
		return fmt.Errorf("werkbonnen ophalen uit OutSmart: %w", err)
	}
	stale, err := x.staleInvoiced(orders)
	if err != nil {
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
		x.e.p.FieldService.UpsertRelations)
	return err
}

// staleInvoiced returns the journal entries that are invoiced but whose work
// order is no longer in OutSmart's list of Compleet work orders with the
// export status: the Afgehandeld call may have landed while the process
// died before journaling it, or someone changed the work order by hand.
func (x *exporter) staleInvoiced(orders []outsmart.WorkOrder) ([]store.Export, error) {
	invoiced, err := x.e.p.Store.Exports(x.ctx, store.ExportInvoiced)
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
		wo, err := x.e.p.FieldService.WorkOrder(x.ctx, e.RowID)
		switch {
		case errors.Is(err, outsmart.ErrNotFound):
			x.log(store.LevelAttention, "werkbon "+e.OrderNumber, fmt.Sprintf(
				"Werkbon %s bestaat niet meer in OutSmart; factuur %s is wel aangemaakt in e-Boekhouden.", e.OrderNumber, e.InvoiceNumber), "")
			if !x.opts.DryRun {
				e.State, e.Reason = store.ExportHandled, "Werkbon bestaat niet meer in OutSmart."
				if err := x.e.p.Store.SaveExport(x.ctx, e); err != nil {
					return err
				}
			}
		case err != nil:
			if stopsRun(err) {
				return fmt.Errorf("werkbon %s opvragen in OutSmart: %w", e.OrderNumber, err)
			}
			x.log(store.LevelWarning, "werkbon "+e.OrderNumber, fmt.Sprintf(
				"Werkbon %s (factuur %s) kon niet worden opgevraagd; de volgende ronde probeert het opnieuw.", e.OrderNumber, e.InvoiceNumber),
				x.e.p.redactErr(err))
		case wo.Status == outsmart.StatusHandled:
			if x.opts.DryRun {
				continue
			}
			e.State, e.Reason = store.ExportHandled, ""
			if err := x.e.p.Store.SaveExport(x.ctx, e); err != nil {
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
	entries, err := x.e.p.Store.Exports(x.ctx, store.ExportPending, store.ExportUncertain)
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
			x.log(store.LevelWarning, "werkbon "+e.OrderNumber, fmt.Sprintf(
				"Nog onbekend of de factuur voor werkbon %s bestaat: opzoeken in e-Boekhouden (GetFacturen) lukte niet volledig. Er is niets opnieuw verstuurd; de volgende ronde zoekt opnieuw.", e.OrderNumber),
				x.e.p.redactErr(err))
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
				x.plan("werkbon %s markeren als gefactureerd (factuur %s gevonden)", e.OrderNumber, found)
			} else {
				x.plan("factuur voor werkbon %s opnieuw versturen (niet gevonden in e-Boekhouden)", e.OrderNumber)
			}
			continue
		}
		if found != "" {
			e.State, e.InvoiceNumber, e.Reason = store.ExportInvoiced, found, ""
			x.log(store.LevelInfo, "werkbon "+e.OrderNumber, fmt.Sprintf(
				"Factuur %s voor werkbon %s gevonden in e-Boekhouden na een onderbroken verzending; niet opnieuw verstuurd.", found, e.OrderNumber), "")
		} else {
			e.State, e.Reason = store.ExportRetry, "Niet gevonden in e-Boekhouden na een onderbroken verzending; wordt opnieuw verstuurd."
			x.log(store.LevelInfo, "werkbon "+e.OrderNumber, fmt.Sprintf(
				"De factuur voor werkbon %s is niet aangemaakt (onderbroken verzending); hij wordt opnieuw verstuurd.", e.OrderNumber), "")
		}
		if err := x.e.p.Store.SaveExport(x.ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// exportOne handles one work order. It returns an error only when the run
// must stop (credentials refused, call limit, store failure).
func (x *exporter) exportOne(wo outsmart.WorkOrder) error {
	subject := "werkbon " + wo.Number
	prev, err := x.e.p.Store.Export(x.ctx, wo.RowID)
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
			x.log(store.LevelInfo, subject, fmt.Sprintf("Werkbon %s is gearchiveerd in OutSmart en wordt niet gefactureerd.", wo.Number), "")
			return x.e.p.Store.SaveExport(x.ctx, store.Export{RowID: wo.RowID, OrderNumber: wo.Number,
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
			x.log(store.LevelWarning, subject, fmt.Sprintf(
				"Werkbon %s wacht op de volgende ronde: nog onbekend of er al een factuur voor bestaat, want opzoeken in e-Boekhouden lukte niet volledig. Er is niets verstuurd.",
				wo.Number), "")
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
		x.log(store.LevelWarning, subject, fmt.Sprintf(
			"Werkbon %s wacht op de volgende ronde: de uursoorten konden niet uit OutSmart worden opgehaald.", wo.Number),
			x.e.p.redactErr(err))
		return nil
	}
	hash := x.exportHash(wo, relExists, hourTypes)
	if exists && prev.State == store.ExportParked && prev.DataHash == hash {
		return nil // still the same problem; retried when the data changes or the user asks
	}
	parkFor := func(reason string, confirm bool) error {
		x.log(store.LevelAttention, subject, reason, "")
		if x.opts.DryRun {
			return nil
		}
		return x.e.p.Store.SaveExport(x.ctx, store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportParked,
			RelationCode: debtor, DataHash: hash, Reason: reason, Attempts: prev.Attempts, NeedsConfirmation: confirm,
			ConfirmedHash: prev.ConfirmedHash})
	}
	parkIt := func(reason string) error { return parkFor(reason, false) }
	confirmed := exists && prev.ConfirmedHash != "" && prev.ConfirmedHash == hash
	if !exists {
		if legacy := x.prior.legacyFor(debtor, wo.Number); legacy != "" {
			return parkFor(fmt.Sprintf(
				"In e-Boekhouden staat al factuur %s voor werkbon %s van relatie %s, gemaakt door een eerdere versie van Koppeling (zonder uniek werkbon-id). "+
					"Is deze werkbon daarmee al gefactureerd, kies dan Overslaan; is het een andere werkbon met hetzelfde nummer, kies dan Toch factureren.",
				legacy, wo.Number, debtor), true)
		}
	}

	if debtor == "" {
		return parkIt(fmt.Sprintf("Werkbon %s heeft geen debiteurnummer voor de factuur. Kies de klant in OutSmart.", wo.Number))
	}
	if !relExists {
		created, reason, err := x.createRelation(wo, debtor)
		if err != nil {
			return err
		}
		if reason != "" {
			return parkIt(reason)
		}
		if !created {
			return nil // outcome unknown: looked up next run
		}
	}
	draft, err := buildInvoice(wo, debtor, catalog{products: x.prods, hourTypes: hourTypes}, x.set, x.today)
	var pe *parkError
	if errors.As(err, &pe) {
		return parkIt(pe.reason)
	}
	if err != nil {
		return err
	}
	if reason := implausible(wo.Number, draft, x.set.MaxLineAmount); reason != "" {
		if !confirmed {
			return parkFor(reason+" Controleer de werkbon in OutSmart, of kies Toch factureren als het klopt.", true)
		}
		x.log(store.LevelInfo, subject, fmt.Sprintf("Werkbon %s wordt gefactureerd zoals bevestigd (Toch factureren): %s", wo.Number, reason), "")
	}
	for _, n := range draft.notes {
		x.log(store.LevelInfo, subject, fmt.Sprintf("Werkbon %s: %s.", wo.Number, n), "")
	}
	if x.opts.DryRun {
		x.plan("factuur aanmaken voor werkbon %s aan relatie %s: %d regels, totaal € %s incl. btw", wo.Number, debtor,
			len(draft.invoice.Lines), draft.total.Comma(2))
		return nil
	}

	entry := store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportPending, RelationCode: debtor,
		InvoiceDate: x.today.Format("2006-01-02"), TotalCents: draft.total.Cents(), DataHash: hash, Attempts: prev.Attempts + 1,
		Reference: draft.reference, ConfirmedHash: prev.ConfirmedHash}
	if err := x.e.p.Store.SaveExport(x.ctx, entry); err != nil {
		return fmt.Errorf("journaal bijwerken voor werkbon %s: %w", wo.Number, err)
	}
	x.checkpoint("export.journaled")
	number, err := x.e.p.Bookkeeping.AddInvoice(x.ctx, draft.invoice)
	x.checkpoint("export.sent")
	var apiErr *eboekhouden.APIError
	var fault *eboekhouden.FaultError
	switch {
	case err == nil:
		entry.State, entry.InvoiceNumber, entry.Reason = store.ExportInvoiced, number, ""
		if err := x.e.p.Store.SaveExport(x.ctx, entry); err != nil {
			return fmt.Errorf("journaal bijwerken voor werkbon %s (factuur %s): %w", wo.Number, number, err)
		}
		x.checkpoint("export.invoiced")
		x.mu.Lock()
		x.sum.Invoices++
		x.created = append(x.created, createdInvoice{number: number, orderNumber: wo.Number, total: draft.total,
			checkable: draft.checkable, vatCodes: vatCodeCount(draft.invoice.Lines), totalPerLine: draft.totalPerLine})
		x.mu.Unlock()
		x.log(store.LevelInfo, subject, fmt.Sprintf("Factuur %s aangemaakt voor werkbon %s (relatie %s).", number, wo.Number, debtor), "")
		x.enqueueMark(entry)
		return nil
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		entry.State = store.ExportUncertain
		entry.Reason = "Onbekend of de factuur is aangemaakt (de verbinding viel weg). De volgende ronde zoekt dit na in e-Boekhouden; er wordt niets dubbel verstuurd."
		x.log(store.LevelWarning, subject, fmt.Sprintf("Werkbon %s: %s", wo.Number, entry.Reason), x.e.p.redactErr(err))
		return x.e.p.Store.SaveExport(x.ctx, entry)
	case errors.As(err, &apiErr) && !stopsRun(err), errors.As(err, &fault) && fault.Refused():
		// A definite refusal: no invoice was made.
		return parkIt(fmt.Sprintf("e-Boekhouden weigert de factuur voor werkbon %s: %s. %s",
			wo.Number, strings.TrimSuffix(refusalText(err), "."), refusalHint(err)))
	default:
		// Not applied (refused before it was processed, or never sent): send
		// again next run.
		entry.State = store.ExportRetry
		entry.Reason = "Niet verstuurd: " + userMessage(err) + "."
		if saveErr := x.e.p.Store.SaveExport(x.ctx, entry); saveErr != nil {
			return saveErr
		}
		if stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient) {
			return fmt.Errorf("factuur voor werkbon %s: %w", wo.Number, err)
		}
		x.log(store.LevelWarning, subject, fmt.Sprintf("Werkbon %s: %s", wo.Number, entry.Reason), x.e.p.redactErr(err))
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

// refusalHint names the likely fix for a refused invoice, from the words of
// the refusal (the real error codes are not documented).
func refusalHint(err error) string {
	t := strings.ToLower(refusalText(err))
	switch {
	case strings.Contains(t, "sjabloon"):
		return "Controleer of het factuursjabloon in de instellingen precies zo heet als in e-Boekhouden (Beheer > Sjablonen > Factuursjablonen) en kies daarna Opnieuw proberen."
	case strings.Contains(t, "btw"):
		return "Controleer de btw-code van het product in e-Boekhouden of de standaard btw-code in de instellingen en kies daarna Opnieuw proberen."
	case strings.Contains(t, "tegenrekening"), strings.Contains(t, "grootboek"):
		return "Controleer of de omzetrekening bestaat in e-Boekhouden en kies daarna Opnieuw proberen."
	case strings.Contains(t, "relatie"):
		return "Controleer de relatie in e-Boekhouden of zet 'Exporteer relaties' aan en kies daarna Opnieuw proberen."
	}
	return "Pas de gegevens aan en kies daarna Opnieuw proberen."
}

// enqueueMark hands an invoiced work order to the Afgehandeld worker (or, in
// a dry run, only reports it).
func (x *exporter) enqueueMark(j store.Export) {
	if x.opts.DryRun {
		x.plan("werkbon %s op Afgehandeld zetten in OutSmart (factuur %s)", j.OrderNumber, j.InvoiceNumber)
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
	if err := x.e.p.FieldService.MarkHandled(x.ctx, j.RowID); err != nil {
		switch {
		case errors.Is(err, outsmart.ErrNotFound):
			x.log(store.LevelAttention, subject, fmt.Sprintf(
				"Werkbon %s bestaat niet meer in OutSmart; factuur %s is wel aangemaakt in e-Boekhouden.", j.OrderNumber, j.InvoiceNumber), "")
		case errors.Is(err, outsmart.ErrUnauthorized) || errors.Is(err, context.Canceled):
			x.mu.Lock()
			x.stopped = fmt.Errorf("werkbon %s op Afgehandeld zetten: %w", j.OrderNumber, err)
			x.mu.Unlock()
		default:
			x.log(store.LevelWarning, subject, fmt.Sprintf(
				"Werkbon %s (factuur %s) kon niet op Afgehandeld gezet worden; de volgende ronde probeert het opnieuw.", j.OrderNumber, j.InvoiceNumber),
				x.e.p.redactErr(err))
		}
		return
	}
	x.checkpoint("export.marked")
	if j.State != store.ExportHandled {
		j.State = store.ExportHandled
		if err := x.e.p.Store.SaveExport(x.ctx, j); err != nil {
			x.log(store.LevelWarning, subject, "Journaal niet bijgewerkt na Afgehandeld.", err.Error())
			return
		}
	}
	x.checkpoint("export.handled")
	x.mu.Lock()
	x.sum.Handled++
	x.mu.Unlock()
}

// relationExists reports whether e-Boekhouden has a relation with this code,
// from the relations read this run or, when those may be incomplete, by
// asking for the code.
func (x *exporter) relationExists(code string) (bool, error) {
	if code == "" {
		return false, nil
	}
	if x.rels == nil {
		if err := x.loadRelations(); err != nil {
			return false, err
		}
	}
	if _, ok := x.rels[code]; ok || x.relsOK {
		return ok, nil
	}
	found, err := x.e.p.Bookkeeping.Relations(x.ctx, eboekhouden.RelationFilter{Code: code})
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
func (x *exporter) createRelation(wo outsmart.WorkOrder, code string) (created bool, reason string, err error) {
	party := wo.InvoiceCustomer
	if party.DebtorNumber == "" {
		party = wo.Customer
	}
	if !x.set.ExportRelations {
		return false, fmt.Sprintf("Relatie %s (%s) van werkbon %s bestaat niet in e-Boekhouden. Maak de relatie aan in e-Boekhouden of zet 'Exporteer relaties' aan.",
			code, party.Name, wo.Number), nil
	}
	if len([]rune(code)) > 15 {
		return false, fmt.Sprintf("Debiteurnummer %s van werkbon %s is langer dan de 15 tekens die e-Boekhouden toestaat. Maak de relatie met een korter nummer aan.", code, wo.Number), nil
	}
	if strings.TrimSpace(party.Name) == "" {
		return false, fmt.Sprintf("Relatie %s van werkbon %s heeft geen naam in OutSmart. Vul de naam aan.", code, wo.Number), nil
	}
	if x.opts.DryRun {
		x.plan("relatie %s (%s) aanmaken in e-Boekhouden", code, party.Name)
		x.rels[code] = eboekhouden.Relation{Code: code}
		return true, "", nil
	}
	rel := relationFromParty(code, party, x.today)
	// The log line is the durable record that this write is about to go out.
	x.log(store.LevelInfo, "relatie "+code, fmt.Sprintf("Relatie %s (%s) wordt aangemaakt in e-Boekhouden voor werkbon %s.", code, party.Name, wo.Number), "")
	id, err := x.e.p.Bookkeeping.AddRelation(x.ctx, rel)
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
		return true, "", nil
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		x.log(store.LevelWarning, "relatie "+code, fmt.Sprintf(
			"Onbekend of relatie %s is aangemaakt (de verbinding viel weg); werkbon %s wacht op de volgende ronde.", code, wo.Number), x.e.p.redactErr(err))
		return false, "", nil
	case stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient):
		return false, "", fmt.Errorf("relatie %s aanmaken in e-Boekhouden: %w", code, err)
	default:
		return false, fmt.Sprintf("e-Boekhouden weigert relatie %s (%s) voor werkbon %s: %s. Maak de relatie zelf aan in e-Boekhouden.",
			code, party.Name, wo.Number, strings.TrimSuffix(refusalText(err), ".")), nil
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
	hts, err := x.e.p.FieldService.HourTypes(x.ctx)
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
	invs, err := x.e.p.Bookkeeping.Invoices(x.ctx, eboekhouden.InvoiceFilter{From: x.today, To: x.today})
	if err != nil {
		if stopsRun(err) {
			return fmt.Errorf("nieuwe facturen teruglezen uit e-Boekhouden: %w", err)
		}
		x.log(store.LevelWarning, "facturen", "De totalen van de nieuwe facturen konden niet uit e-Boekhouden worden teruggelezen; de berekende totalen staan hieronder.", x.e.p.redactErr(err))
		for _, c := range x.created {
			x.log(store.LevelInfo, "werkbon "+c.orderNumber, fmt.Sprintf("Factuur %s (werkbon %s): € %s incl. btw (berekend, niet teruggelezen).",
				c.number, c.orderNumber, c.total.Comma(2)), "")
		}
		return nil
	}
	byNumber := make(map[string]eboekhouden.InvoiceSummary, len(invs))
	for _, inv := range invs {
		byNumber[inv.Number] = inv
	}
	for _, c := range x.created {
		inv, ok := byNumber[c.number]
		if !ok && len(invs) >= x.e.p.ResultCap {
			// Today's list may be cut off: ask for this one.
			if one, err := x.e.p.Bookkeeping.Invoices(x.ctx, eboekhouden.InvoiceFilter{Number: c.number}); err == nil && len(one) == 1 {
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
	if !found {
		x.log(store.LevelWarning, subject, fmt.Sprintf(
			"Factuur %s (werkbon %s) staat niet in het overzicht van vandaag in e-Boekhouden; controleer de factuur. Berekend totaal: € %s incl. btw.",
			c.number, c.orderNumber, c.total.Comma(2)), "")
		return
	}
	theirs := inv.TotalInclVAT
	line := fmt.Sprintf("Factuur %s (werkbon %s): € %s incl. btw in e-Boekhouden.", c.number, c.orderNumber, theirs.Comma(2))
	diff := theirs.Cents() - c.total.Cents()
	switch {
	case !c.checkable || diff == 0:
		x.log(store.LevelInfo, subject, line, "")
	case theirs.Cents() == c.totalPerLine.Cents():
		x.log(store.LevelInfo, subject, fmt.Sprintf("%s Berekend was € %s; e-Boekhouden rondt de btw per regel af, niet per tarief (%d cent verschil).",
			line, c.total.Comma(2), abs64(diff)), "")
	case abs64(diff) <= int64(max(c.vatCodes, 1)):
		x.log(store.LevelInfo, subject, fmt.Sprintf("%s Berekend was € %s; het verschil van %d cent komt door de afronding van de btw.",
			line, c.total.Comma(2), abs64(diff)), "")
	default:
		x.log(store.LevelAttention, subject, fmt.Sprintf(
			"Factuur %s (werkbon %s): het totaal in e-Boekhouden (€ %s) wijkt € %s af van het berekende totaal (€ %s). Controleer de factuur.",
			c.number, c.orderNumber, theirs.Comma(2), decimal.FromCents(abs64(diff)).Comma(2), c.total.Comma(2)), "")
	}
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
