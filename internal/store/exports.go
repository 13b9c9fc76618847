package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/message"
)

// ExportState is where a work order stands on its way to an invoice.
type ExportState string

// The states of the export journal. The engine moves a work order along
//
//	pending -> invoiced -> handled
//
// and to uncertain when the outcome of AddFactuur is unknown (resolved by
// looking the invoice up, never by sending again blindly), to retry when it is
// known not to exist, to parked when it needs the user, and to skipped when
// the user says so.
const (
	// ExportPending: journaled, AddFactuur about to be sent or sent without an
	// answer yet. After a crash a pending entry is as uncertain as uncertain.
	ExportPending ExportState = "pending"
	// ExportUncertain: AddFactuur may have been applied (timeout, dropped
	// connection, malformed answer).
	ExportUncertain ExportState = "uncertain"
	// ExportInvoiced: the invoice exists (InvoiceNumber); OutSmart not yet told.
	ExportInvoiced ExportState = "invoiced"
	// ExportHandled: invoice exists and the work order is Afgehandeld.
	ExportHandled ExportState = "handled"
	// ExportParked: needs attention (Reason, in Dutch; ReasonKey and FixKey
	// as messages); retried when the work
	// order's data changes or the user asks.
	ExportParked ExportState = "parked"
	// ExportSkipped: the user chose not to export this work order (or it is
	// archived in OutSmart).
	ExportSkipped ExportState = "skipped"
	// ExportRetry: known not to have been created (the call was refused
	// before it was applied, or a lookup found no invoice); the next run
	// sends it again.
	ExportRetry ExportState = "retry"
)

// Export is one row of the export journal.
type Export struct {
	RowID         string // OutSmart work order id
	OrderNumber   string // OrderNr, printed on the invoice
	State         ExportState
	RelationCode  string
	InvoiceDate   string // YYYY-MM-DD
	InvoiceNumber string
	TotalCents    int64 // our total incl. VAT
	DataHash      string
	Reason        string // Dutch, for parked and uncertain
	Attempts      int
	// Reference is the text that names this work order on its invoice,
	// with its unique OutSmart id ("Werkbon 2026-0414 (ref 30414)"); empty
	// for entries journaled before invoices carried the id.
	Reference string
	// NeedsConfirmation marks a parked work order that can be invoiced as
	// it is once the user confirms it ("Toch factureren"): it looked
	// implausible (a negative total, a very large line).
	NeedsConfirmation bool
	// ConfirmedHash is the DataHash the user confirmed: the work order is
	// invoiced as it is while its data keep this hash.
	ConfirmedHash string
	// ReasonKey, FixKey and Args are why a work order is parked and what
	// the user can do, as messages (internal/message) that read in the
	// window's language; Reason is their Dutch text. Entries parked before
	// have only Reason.
	ReasonKey string
	FixKey    string
	Args      message.Args
	// CustomerName is the relation's name as the invoice was made for it
	// (the invoice overview shows it; empty for entries of before it).
	CustomerName string
	// EmailedTo is the address e-Boekhouden was asked to e-mail the invoice
	// to; empty when it was not e-mailed.
	EmailedTo string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ErrNotFound is returned for a journal entry that does not exist.
var ErrNotFound = errors.New("not found")

const exportColumns = `row_id, order_number, state, relation_code, invoice_date, invoice_number, total_cents, data_hash, reason, attempts, created_at, updated_at, reference, needs_confirmation, confirmed_hash, reason_key, fix_key, reason_args, customer_name, emailed_to`

func scanExport(sc interface{ Scan(...any) error }) (Export, error) {
	var e Export
	var state, created, updated, args string
	err := sc.Scan(&e.RowID, &e.OrderNumber, &state, &e.RelationCode, &e.InvoiceDate, &e.InvoiceNumber,
		&e.TotalCents, &e.DataHash, &e.Reason, &e.Attempts, &created, &updated, &e.Reference, &e.NeedsConfirmation, &e.ConfirmedHash,
		&e.ReasonKey, &e.FixKey, &args, &e.CustomerName, &e.EmailedTo)
	e.State, e.CreatedAt, e.UpdatedAt = ExportState(state), parseStamp(created), parseStamp(updated)
	e.Args = message.DecodeArgs(args)
	return e, err
}

// Export returns the journal entry of a work order, or ErrNotFound.
func (s *Store) Export(ctx context.Context, rowID string) (Export, error) {
	e, err := scanExport(s.db.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM exports WHERE row_id = ?`, rowID))
	if errors.Is(err, sql.ErrNoRows) {
		return Export{}, fmt.Errorf("export journal entry for work order %s: %w", rowID, ErrNotFound)
	}
	if err != nil {
		return Export{}, fmt.Errorf("read export journal entry for work order %s: %w", rowID, err)
	}
	return e, nil
}

// Exports returns the journal entries in the given states (all when none
// given), oldest first.
func (s *Store) Exports(ctx context.Context, states ...ExportState) ([]Export, error) {
	query := `SELECT ` + exportColumns + ` FROM exports`
	args := make([]any, len(states))
	if len(states) > 0 {
		query += ` WHERE state IN (?` + strings.Repeat(`, ?`, len(states)-1) + `)`
		for i, st := range states {
			args[i] = string(st)
		}
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY created_at, row_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read export journal: %w", err)
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, fmt.Errorf("read export journal: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read export journal: %w", err)
	}
	return out, nil
}

// SaveExport writes a journal entry (insert or full update) and commits it
// durably before returning: the engine calls it before every write to
// e-Boekhouden. CreatedAt is kept from the stored row.
func (s *Store) SaveExport(ctx context.Context, e Export) error {
	if e.RowID == "" || e.State == "" {
		return fmt.Errorf("save export journal entry: row id and state are required")
	}
	now := s.stamp()
	_, err := s.db.ExecContext(ctx, `
INSERT INTO exports (`+exportColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(row_id) DO UPDATE SET
	order_number = excluded.order_number, state = excluded.state, relation_code = excluded.relation_code,
	invoice_date = excluded.invoice_date, invoice_number = excluded.invoice_number, total_cents = excluded.total_cents,
	data_hash = excluded.data_hash, reason = excluded.reason, attempts = excluded.attempts, updated_at = excluded.updated_at,
	reference = excluded.reference, needs_confirmation = excluded.needs_confirmation, confirmed_hash = excluded.confirmed_hash,
	reason_key = excluded.reason_key, fix_key = excluded.fix_key, reason_args = excluded.reason_args,
	customer_name = excluded.customer_name, emailed_to = excluded.emailed_to`,
		e.RowID, e.OrderNumber, string(e.State), e.RelationCode, e.InvoiceDate, e.InvoiceNumber, e.TotalCents,
		e.DataHash, e.Reason, e.Attempts, now, now, e.Reference, e.NeedsConfirmation, e.ConfirmedHash,
		e.ReasonKey, e.FixKey, message.EncodeArgs(e.Args), e.CustomerName, e.EmailedTo)
	if err != nil {
		return fmt.Errorf("save export journal entry for work order %s (%s): %w", e.RowID, e.State, err)
	}
	return nil
}
