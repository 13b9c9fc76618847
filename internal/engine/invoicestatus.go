package engine

import (
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// This file owns the payment status of the invoice overview (issue 18): at
// the end of a run that is not a dry run, one read of e-Boekhouden's open
// debtor items (SOAP GetOpenPosten, REST /v1/mutation/invoice/outstanding,
// one call per page) updates what the store keeps per invoice. The read is
// made only while some invoice is not known to be settled, so a run costs
// at most one list read and nothing once every invoice is paid.
//
// An open item gives the paid and open amounts. An invoice absent from a
// complete list is paid when it was booked, and "niet geboekt" when it was
// made without "Verwerken in de boekhouding" (it never has an open item).
// [inferred: neither reference says that a paid or unbooked invoice leaves
// the list; both call it the list of what is outstanding
// (eboekhouden-rest.md on /outstanding, eboekhouden-soap.md §5.7), and both
// sandboxes answer so.] Whether the SOAP list is cut off at 2,000 like the
// other Get* answers is not documented either [inferred]: the engine's
// ResultCap is taken as its size.
// A list that may be cut off (the SOAP road's 2,000 per answer) or cannot
// be read leaves the absent invoices as they were: never "paid" on a guess.

// refreshInvoiceStatus reads the open items once when some invoice needs
// it and keeps the result. A failure leaves every status as it was and is
// said in the log as information: the run's own work is done.
func (r *run) refreshInvoiceStatus() {
	if r.opts.DryRun {
		return
	}
	exports, err := r.p.Store.Exports(r.ctx, store.ExportInvoiced, store.ExportHandled)
	if err != nil {
		return
	}
	kept, err := r.p.Store.InvoiceStatuses(r.ctx)
	if err != nil || !needsStatusRead(exports, kept) {
		return
	}
	items, err := r.books.OpenItems(r.ctx, eboekhouden.OpenItemsDebtors)
	if err != nil {
		r.log(store.LevelInfo, "", message.T("invoices.status.unread", "Cause", causeOf(err), "CauseText", r.p.redactErr(err)), r.p.redactErr(err))
		return
	}
	made := map[string]bool{}
	for _, c := range r.made {
		made[c.number] = true
	}
	read := openItemsRead{items: map[string]eboekhouden.OpenItem{}, complete: len(items) < r.p.ResultCap, at: r.p.Now()}
	for _, it := range items {
		read.items[it.InvoiceNumber] = it
	}
	var changed []store.InvoiceStatus
	for _, e := range exports {
		if e.InvoiceNumber == "" {
			continue
		}
		prev, had := kept[e.InvoiceNumber]
		next := nextInvoiceStatus(e, prev, had, made[e.InvoiceNumber], r.set, read)
		if !had || next != prev {
			changed = append(changed, next)
		}
	}
	if err := r.p.Store.SaveInvoiceStatuses(r.ctx, changed); err != nil {
		r.log(store.LevelInfo, "", message.T("invoices.status.unread", "Cause", "@cause.store"), err.Error())
	}
}

// needsStatusRead reports whether some invoice is not known to be settled:
// never checked, open or partly paid, or absent from a list that may have
// been cut off. Invoices known to be settled cost nothing.
func needsStatusRead(exports []store.Export, kept map[string]store.InvoiceStatus) bool {
	for _, e := range exports {
		if e.InvoiceNumber == "" {
			continue
		}
		st, ok := kept[e.InvoiceNumber]
		if !ok || !st.Known || st.OpenCents != 0 {
			return true
		}
	}
	return false
}

// openItemsRead is one read of the open debtor items.
type openItemsRead struct {
	items map[string]eboekhouden.OpenItem // by invoice number
	// complete: the list holds every open item (a SOAP answer of the cap's
	// size may be cut off).
	complete bool
	at       time.Time
}

// nextInvoiceStatus is an invoice's status after a read. The first time
// an invoice is seen it gets the payment term and booking of the current
// settings: exact for an invoice this run made (it was made with them),
// else the term is marked as assumed and the booking is not known until
// an open item shows it.
func nextInvoiceStatus(e store.Export, prev store.InvoiceStatus, had, madeNow bool, set store.Settings, read openItemsRead) store.InvoiceStatus {
	st := prev
	if !had || prev.CheckedAt.IsZero() {
		st.InvoiceNumber, st.TermDays, st.TermAssumed, st.Booked = e.InvoiceNumber, set.PaymentTermDays, !madeNow, store.BookedUnknown
		if madeNow {
			st.Booked = store.BookedNo
			if set.BookDirectly {
				st.Booked = store.BookedYes
			}
		}
		st.CheckedAt = read.at
	}
	if it, ok := read.items[e.InvoiceNumber]; ok {
		st.Known, st.Booked, st.CheckedAt = true, store.BookedYes, read.at
		st.OpenCents, st.PaidCents, st.TotalCents = cents(it.Outstanding), cents(it.Paid), cents(it.Amount)
		if it.RelationCompany != "" {
			st.Customer = it.RelationCompany
		}
		return st
	}
	if !read.complete {
		return st // absent from a list that may be cut off: as it was
	}
	switch st.Booked {
	case store.BookedYes:
		// Paid in full: e-Boekhouden's total when its open item was seen,
		// else the journal's.
		total := st.TotalCents
		if total == 0 {
			total = e.TotalCents
		}
		st.Known, st.OpenCents, st.PaidCents, st.CheckedAt = true, 0, total, read.at
	default:
		// Not booked, or not known whether it was: nothing is open, and
		// nothing is known to be paid (store.PaymentSettled).
		st.Known, st.OpenCents, st.PaidCents, st.CheckedAt = true, 0, 0, read.at
	}
	return st
}

// cents is an amount in whole cents.
func cents(d decimal.Decimal) int64 { return d.Cents() }
