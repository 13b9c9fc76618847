package store

// This file owns the export plan that waits for the user's approval: the
// desktop app's run stores the plan of invoices it did not make
// (engine/approval.go), the window shows it, Facturen aanmaken approves
// exactly that plan, and the next run makes its invoices only when they
// are still exactly the approved ones. The store keeps the plan as the
// engine's JSON (it does not read it) and its hash, which names what its
// invoices are.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WaitingPlan is the export plan that waits for the user's approval.
type WaitingPlan struct {
	Plan []byte // JSON (report.ExportPlan)
	Hash string // equal for plans with the same invoices
	// Approved: the user chose Facturen aanmaken for this plan.
	Approved bool
	// Notified: the user was told this plan waits.
	Notified  bool
	UpdatedAt time.Time
}

// WaitingPlan returns the plan that waits for approval, or ErrNotFound.
func (s *Store) WaitingPlan(ctx context.Context) (WaitingPlan, error) {
	var p WaitingPlan
	var plan, updated string
	err := s.db.QueryRowContext(ctx, `SELECT plan, plan_hash, approved, notified, updated_at FROM export_approval WHERE id = 1`).
		Scan(&plan, &p.Hash, &p.Approved, &p.Notified, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return WaitingPlan{}, fmt.Errorf("export plan waiting for approval: %w", ErrNotFound)
	}
	if err != nil {
		return WaitingPlan{}, fmt.Errorf("read the export plan waiting for approval: %w", err)
	}
	p.Plan, p.UpdatedAt = []byte(plan), parseStamp(updated)
	return p, nil
}

// SaveWaitingPlan stores plan (with hash) as the one waiting for approval,
// not approved, and marks it told. fresh is true when the user has not been
// told of a plan with this hash yet: a run that finds the same plan as the
// one before does not tell it again.
func (s *Store) SaveWaitingPlan(ctx context.Context, plan []byte, hash string) (fresh bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var oldHash string
		var notified bool
		err := tx.QueryRowContext(ctx, `SELECT plan_hash, notified FROM export_approval WHERE id = 1`).Scan(&oldHash, &notified)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		fresh = oldHash != hash || !notified
		_, err = tx.ExecContext(ctx, `INSERT INTO export_approval (id, plan, plan_hash, approved, notified, updated_at)
			VALUES (1, ?, ?, 0, 1, ?)
			ON CONFLICT (id) DO UPDATE SET plan = excluded.plan, plan_hash = excluded.plan_hash, approved = 0,
				notified = 1, updated_at = excluded.updated_at`, string(plan), hash, s.stamp())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("save the export plan waiting for approval: %w", err)
	}
	return fresh, nil
}

// ApprovePlan records the user's approval of the waiting plan with hash.
// When the waiting plan is another one (a run replaced it meanwhile), it
// approves nothing and returns ErrNotFound: the user approves only what
// they saw.
func (s *Store) ApprovePlan(ctx context.Context, hash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE export_approval SET approved = 1, updated_at = ? WHERE id = 1 AND plan_hash = ?`,
		s.stamp(), hash)
	if err != nil {
		return fmt.Errorf("approve the export plan: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("approve the export plan %s: %w", hash, ErrNotFound)
	}
	return nil
}

// ClearWaitingPlan forgets the waiting plan (its invoices were made, or a
// run found nothing that waits any more).
func (s *Store) ClearWaitingPlan(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM export_approval`); err != nil {
		return fmt.Errorf("forget the export plan waiting for approval: %w", err)
	}
	return nil
}

// HasInvoiced reports whether the journal holds an invoiced (or handled)
// work order: false before the link's first export.
func (s *Store) HasInvoiced(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM exports WHERE state IN (?, ?))`,
		string(ExportInvoiced), string(ExportHandled)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read export journal: %w", err)
	}
	return n == 1, nil
}
