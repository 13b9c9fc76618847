package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// This file owns the invoice overview (issue 18): what e-Boekhouden last
// said about the payment of each invoice Koppeling made (table
// invoice_status, written by the engine at the end of a run), and the
// overview's rows, made of the export journal and those statuses. Reading
// the overview never calls a service: it shows the status of the last run.

// Booked says whether an invoice was placed in the books ("Verwerken in de
// boekhouding"): only a booked invoice has an open item in e-Boekhouden.
type Booked int

// The values of Booked.
const (
	BookedUnknown Booked = -1
	BookedNo      Booked = 0
	BookedYes     Booked = 1
)

// InvoiceStatus is what is known of the payment of one invoice.
type InvoiceStatus struct {
	InvoiceNumber string
	// Known: OpenCents and PaidCents are e-Boekhouden's (from its open
	// items, or its absence from a complete list of them).
	Known     bool
	Booked    Booked
	OpenCents int64
	PaidCents int64
	// TotalCents is e-Boekhouden's own total incl. VAT, from an open item
	// (it may differ by a cent from the journal's, which is Koppeling's
	// sum: VAT rounded per line or per code); 0 when never seen open.
	TotalCents int64
	// TermDays is the payment term; TermAssumed marks it as the setting
	// export.payment_term_days at the first check, not the term the
	// invoice was made with.
	TermDays    int
	TermAssumed bool
	// PDFURL is e-Boekhouden's link to the invoice's PDF (REST road), read
	// once when first asked for.
	PDFURL string
	// Customer is the relation's company as e-Boekhouden's open item names
	// it: the overview's customer for an invoice whose journal entry has no
	// name (adopted, or from before names were kept).
	Customer  string
	CheckedAt time.Time
}

// InvoiceStatuses returns every kept status, by invoice number.
func (s *Store) InvoiceStatuses(ctx context.Context) (map[string]InvoiceStatus, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT invoice_number, known, booked, open_cents, paid_cents, total_cents, term_days, term_assumed, pdf_url, customer, checked_at FROM invoice_status`)
	if err != nil {
		return nil, fmt.Errorf("read invoice statuses: %w", err)
	}
	defer rows.Close()
	out := map[string]InvoiceStatus{}
	for rows.Next() {
		var st InvoiceStatus
		var checked string
		var booked int
		if err := rows.Scan(&st.InvoiceNumber, &st.Known, &booked, &st.OpenCents, &st.PaidCents, &st.TotalCents, &st.TermDays, &st.TermAssumed, &st.PDFURL, &st.Customer, &checked); err != nil {
			return nil, fmt.Errorf("read invoice statuses: %w", err)
		}
		st.Booked, st.CheckedAt = Booked(booked), parseStamp(checked)
		out[st.InvoiceNumber] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read invoice statuses: %w", err)
	}
	return out, nil
}

// SaveInvoiceStatuses writes statuses (insert or full update, the PDF link
// kept when the new one is empty) in one transaction.
func (s *Store) SaveInvoiceStatuses(ctx context.Context, sts []InvoiceStatus) error {
	if len(sts) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, st := range sts {
			checked := ""
			if !st.CheckedAt.IsZero() {
				checked = st.CheckedAt.UTC().Format(time.RFC3339Nano)
			}
			_, err := tx.ExecContext(ctx, `
INSERT INTO invoice_status (invoice_number, known, booked, open_cents, paid_cents, total_cents, term_days, term_assumed, pdf_url, customer, checked_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(invoice_number) DO UPDATE SET
	known = excluded.known, booked = excluded.booked, open_cents = excluded.open_cents, paid_cents = excluded.paid_cents,
	total_cents = excluded.total_cents, term_days = excluded.term_days, term_assumed = excluded.term_assumed,
	pdf_url = CASE WHEN excluded.pdf_url = '' THEN invoice_status.pdf_url ELSE excluded.pdf_url END,
	customer = CASE WHEN excluded.customer = '' THEN invoice_status.customer ELSE excluded.customer END,
	checked_at = excluded.checked_at`,
				st.InvoiceNumber, st.Known, int(st.Booked), st.OpenCents, st.PaidCents, st.TotalCents, st.TermDays, st.TermAssumed, st.PDFURL, st.Customer, checked)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save invoice statuses: %w", err)
	}
	return nil
}

// SaveInvoicePDF keeps the PDF link of an invoice.
func (s *Store) SaveInvoicePDF(ctx context.Context, number, url string) error {
	_, err := s.db.ExecContext(ctx, `
INSERT INTO invoice_status (invoice_number, pdf_url) VALUES (?, ?)
ON CONFLICT(invoice_number) DO UPDATE SET pdf_url = excluded.pdf_url`, number, url)
	if err != nil {
		return fmt.Errorf("save the PDF link of invoice %s: %w", number, err)
	}
	return nil
}

// PaymentState is where an invoice of the overview stands.
type PaymentState string

// The payment states of the overview.
const (
	PaymentOpen      PaymentState = "open"
	PaymentPartly    PaymentState = "partly"
	PaymentPaid      PaymentState = "paid"
	PaymentOverdue   PaymentState = "overdue"
	PaymentNotBooked PaymentState = "notbooked" // made without "Verwerken in de boekhouding": no open item
	// PaymentSettled: not open, but not known whether paid or never booked
	// (an invoice of before the overview, absent from the open items).
	PaymentSettled PaymentState = "settled"
	PaymentUnknown PaymentState = "unknown" // not (yet) read from e-Boekhouden
)

// Unpaid reports whether the state is open, partly paid or overdue.
func (p PaymentState) Unpaid() bool {
	return p == PaymentOpen || p == PaymentPartly || p == PaymentOverdue
}

// InvoiceRow is one invoice of the overview.
type InvoiceRow struct {
	OrderNumber   string
	InvoiceNumber string
	InvoiceDate   string // YYYY-MM-DD
	// Customer is the relation's name as the invoice was made for it, else
	// as e-Boekhouden's open item names it, else its relation code.
	Customer     string
	RelationCode string
	// TotalCents is e-Boekhouden's total once its open item was seen, else
	// the journal's.
	TotalCents int64
	// PaidCents and OpenCents are e-Boekhouden's; meaningless when State
	// is PaymentUnknown.
	PaidCents int64
	OpenCents int64
	State     PaymentState
	// DueDate is InvoiceDate plus the payment term (YYYY-MM-DD; empty when
	// not known); TermAssumed marks a term taken from the current setting.
	DueDate     string
	TermAssumed bool
	EmailedTo   string
	PDFURL      string
	CheckedAt   time.Time
}

// InvoiceOverview returns every invoice Koppeling made (the journal's
// invoiced and handled entries with a number, adopted ones too), oldest
// first, with the payment status of the last run; today (a calendar day)
// decides what is overdue.
func (s *Store) InvoiceOverview(ctx context.Context, today time.Time) ([]InvoiceRow, error) {
	exports, err := s.Exports(ctx, ExportInvoiced, ExportHandled)
	if err != nil {
		return nil, err
	}
	statuses, err := s.InvoiceStatuses(ctx)
	if err != nil {
		return nil, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return InvoiceRows(exports, statuses, set.PaymentTermDays, today), nil
}

// InvoiceRows makes the overview's rows: a journal entry without an
// invoice number is left out; an invoice without a kept term gets
// termDays, marked as assumed.
func InvoiceRows(exports []Export, statuses map[string]InvoiceStatus, termDays int, today time.Time) []InvoiceRow {
	var out []InvoiceRow
	for _, e := range exports {
		if strings.TrimSpace(e.InvoiceNumber) == "" || (e.State != ExportInvoiced && e.State != ExportHandled) {
			continue
		}
		row := InvoiceRow{OrderNumber: e.OrderNumber, InvoiceNumber: e.InvoiceNumber, InvoiceDate: e.InvoiceDate,
			Customer: e.CustomerName, RelationCode: e.RelationCode, TotalCents: e.TotalCents, EmailedTo: e.EmailedTo,
			State: PaymentUnknown}
		st, ok := statuses[e.InvoiceNumber]
		if row.Customer == "" {
			row.Customer = st.Customer
		}
		if row.Customer == "" {
			row.Customer = e.RelationCode
		}
		term, assumed := termDays, true
		if ok && !st.CheckedAt.IsZero() {
			term, assumed = st.TermDays, st.TermAssumed
		}
		if ok {
			row.PDFURL, row.CheckedAt = st.PDFURL, st.CheckedAt
			if st.TotalCents != 0 {
				row.TotalCents = st.TotalCents
			}
		}
		if d, err := time.Parse(time.DateOnly, e.InvoiceDate); err == nil {
			row.DueDate, row.TermAssumed = d.AddDate(0, 0, term).Format(time.DateOnly), assumed
		}
		if ok && st.Known {
			row.PaidCents, row.OpenCents = st.PaidCents, st.OpenCents
			row.State = paymentState(st, row.DueDate, today)
		}
		out = append(out, row)
	}
	return out
}

// paymentState is the state of a known status on the calendar day today:
// overdue when something is open after the due date (the due date itself
// is still in time).
func paymentState(st InvoiceStatus, due string, today time.Time) PaymentState {
	switch {
	case st.Booked == BookedNo && st.OpenCents == 0 && st.PaidCents == 0:
		return PaymentNotBooked
	case st.Booked == BookedUnknown && st.OpenCents == 0 && st.PaidCents == 0:
		return PaymentSettled
	case st.OpenCents == 0:
		return PaymentPaid
	case due != "" && today.Format(time.DateOnly) > due:
		return PaymentOverdue
	case st.PaidCents != 0:
		return PaymentPartly
	}
	return PaymentOpen
}
