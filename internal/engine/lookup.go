package engine

// This file owns the look-up that makes a lost journal harmless: before the
// first invoice for a work order the journal does not know, the engine asks
// e-Boekhouden, once per run for all such work orders, which invoices
// already carry their unique reference. A found invoice is adopted into the
// journal and nothing is sent twice; a look-up that cannot be read fully is
// "unknown", never "not found".

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// errCutOff is a look-up whose answer may be cut off even for one relation
// on one day: what it did not return is unknown.
var errCutOff = errors.New("the answer may be cut off at the service's result cap")

// priorInvoices is what e-Boekhouden holds for the work orders the journal
// does not know.
type priorInvoices struct {
	// byRowID are the invoices that carry a work order's row id.
	byRowID map[string][]eboekhouden.InvoiceSummary
	// legacy are the invoices in the window that carry no row id (made
	// before invoices did), by relation code.
	legacy map[string][]eboekhouden.InvoiceSummary
	// unknown are the work orders whose look-up could not be read fully:
	// they wait, nothing is sent for them.
	unknown map[string]bool
}

// legacyFor returns the number of an invoice made before invoices carried
// the row id that names this work order number for this relation, or "".
func (p priorInvoices) legacyFor(relation, orderNumber string) string {
	for _, inv := range p.legacy[relation] {
		if hasLegacyReference(inv, orderNumber) {
			return inv.Number
		}
	}
	return ""
}

// lookUpUnjournaled looks up, for the listed work orders the journal does
// not know, the invoices e-Boekhouden already holds: one GetFacturen over
// the window in which such an invoice can have been made; only when that
// answer may be cut off, one per relation (split by date when needed). When
// every work order is journaled it makes no call. It returns an error only
// when the run must stop.
func (x *exporter) lookUpUnjournaled(orders []outsmart.WorkOrder) (priorInvoices, error) {
	prior := priorInvoices{byRowID: map[string][]eboekhouden.InvoiceSummary{},
		legacy: map[string][]eboekhouden.InvoiceSummary{}, unknown: map[string]bool{}}
	var todo []outsmart.WorkOrder
	for _, wo := range orders {
		if before, _, _ := beforeStart(wo, x.set); wo.Archived || debtorOf(wo) == "" || before {
			continue // never invoiced: archived, no relation to invoice, or before the start date
		}
		_, err := x.store.Export(x.ctx, wo.RowID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			todo = append(todo, wo)
		case err != nil:
			return prior, err
		}
	}
	if len(todo) == 0 {
		return prior, nil
	}
	from := x.earliestInvoiceDate(todo)
	invs, err := x.books.Invoices(x.ctx, eboekhouden.InvoiceFilter{From: from, To: x.today})
	if err == nil && len(invs) >= x.p.ResultCap {
		err = errCutOff
	}
	if err == nil {
		prior.add(invs)
		return prior, nil
	}
	if stopsRun(err) {
		return prior, fmt.Errorf("look up existing invoices in e-Boekhouden: %w", err)
	}
	if !errors.Is(err, errCutOff) {
		x.lookupFailed(todo, prior, err)
		return prior, nil
	}
	// Too many invoices in the window for one answer: per relation.
	byRelation := map[string][]outsmart.WorkOrder{}
	for _, wo := range todo {
		byRelation[debtorOf(wo)] = append(byRelation[debtorOf(wo)], wo)
	}
	for _, code := range sortedKeys(byRelation) {
		invs, err := x.invoicesInParts(code, from, x.today)
		if err != nil {
			if stopsRun(err) {
				return prior, fmt.Errorf("look up existing invoices of relation %s in e-Boekhouden: %w", code, err)
			}
			x.lookupFailed(byRelation[code], prior, err)
			continue
		}
		prior.add(invs)
	}
	return prior, nil
}

// add indexes invoices by the row ids they carry, and those without one by
// relation.
func (p priorInvoices) add(invs []eboekhouden.InvoiceSummary) {
	for _, inv := range invs {
		ids := referencedRowIDs(inv)
		for _, id := range ids {
			p.byRowID[id] = append(p.byRowID[id], inv)
		}
		if len(ids) == 0 {
			rel := strings.TrimSpace(inv.RelationCode)
			p.legacy[rel] = append(p.legacy[rel], inv)
		}
	}
}

// lookupFailed marks work orders as unknown and says so once.
func (x *exporter) lookupFailed(orders []outsmart.WorkOrder, prior priorInvoices, err error) {
	numbers := make([]string, len(orders))
	for i, wo := range orders {
		prior.unknown[wo.RowID] = true
		numbers[i] = wo.Number
	}
	what := "@lookup.failed.what"
	if errors.Is(err, errCutOff) {
		what = "@lookup.cutoff.what"
	}
	x.log(store.LevelWarning, subjectInvoices, message.T("lookup.failed", "Numbers", strings.Join(numbers, ", "), "What", what),
		x.p.redactErr(err))
}

// invoicesInParts reads the invoices of one relation between from and to,
// halving the date range while an answer may be cut off. A single day that
// is still cut off is errCutOff.
func (x *exporter) invoicesInParts(relation string, from, to time.Time) ([]eboekhouden.InvoiceSummary, error) {
	invs, err := x.books.Invoices(x.ctx, eboekhouden.InvoiceFilter{RelationCode: relation, From: from, To: to})
	if err != nil {
		return nil, err
	}
	if len(invs) < x.p.ResultCap {
		return invs, nil
	}
	days := int(to.Sub(from).Hours() / 24)
	if days < 1 {
		return nil, fmt.Errorf("invoices of relation %s on %s: %w", relation, from.Format(time.DateOnly), errCutOff)
	}
	mid := from.AddDate(0, 0, days/2)
	first, err := x.invoicesInParts(relation, from, mid)
	if err != nil {
		return nil, err
	}
	second, err := x.invoicesInParts(relation, mid.AddDate(0, 0, 1), to)
	if err != nil {
		return nil, err
	}
	return append(first, second...), nil
}

// earliestInvoiceDate is the first day on which an invoice for any of these
// work orders can have been made: the day before the earliest creation date
// (an invoice is made after its work order exists; the day before, because
// OutSmart's creation time is Dutch wall-clock time [inferred]), or 60 days
// before the work date when the creation date is missing, or two years back
// when both are.
func (x *exporter) earliestInvoiceDate(orders []outsmart.WorkOrder) time.Time {
	from := x.today
	for _, wo := range orders {
		d := x.today.AddDate(-2, 0, 0)
		switch {
		case !wo.CreatedAt.IsZero():
			d = time.Date(wo.CreatedAt.Year(), wo.CreatedAt.Month(), wo.CreatedAt.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		case !wo.Date.IsZero():
			d = wo.Date.AddDate(0, 0, -60)
		}
		if d.Before(from) {
			from = d
		}
	}
	if floor := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC); from.Before(floor) {
		from = floor
	}
	return from
}

// adopt records an invoice that e-Boekhouden already holds for a work order
// the journal did not know, and sets the work order Afgehandeld: nothing is
// sent again. More than one such invoice (a duplicate made elsewhere) needs
// the user.
func (x *exporter) adopt(wo outsmart.WorkOrder, debtor string, invs []eboekhouden.InvoiceSummary) error {
	sort.Slice(invs, func(i, j int) bool { return invs[i].Number < invs[j].Number })
	inv := invs[0]
	if len(invs) > 1 {
		numbers := make([]string, len(invs))
		for i, v := range invs {
			numbers[i] = v.Number
		}
		x.log(store.LevelAttention, subjectWorkOrder(wo.Number), message.T("adopt.duplicates", "Number", wo.Number, "Count", strconv.Itoa(len(invs)),
			"Invoices", strings.Join(numbers, ", "), "Invoice", inv.Number), "")
	}
	entry := store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportInvoiced,
		RelationCode: firstNonEmpty(inv.RelationCode, debtor), InvoiceNumber: inv.Number, TotalCents: inv.TotalInclVAT.Cents(),
		Reference: invoiceReference(wo.Number, wo.RowID), Reason: reasonAdopted}
	if !inv.Date.IsZero() {
		entry.InvoiceDate = inv.Date.Format(time.DateOnly)
	}
	if err := x.w.adopt(entry, inv); err != nil {
		return err
	}
	x.w.mark(entry)
	return nil
}

// debtorOf is the relation code a work order's invoice goes to.
func debtorOf(wo outsmart.WorkOrder) string {
	return firstNonEmpty(wo.InvoiceCustomer.DebtorNumber, wo.Customer.DebtorNumber)
}
