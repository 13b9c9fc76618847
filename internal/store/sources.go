package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SourceKind is a kind of e-Boekhouden master data kept in the store.
type SourceKind string

// The kinds of master data the engine reads in parts.
const (
	SourceRelation SourceKind = "relation"
	SourceProduct  SourceKind = "product"
)

// SourceRecord is what the store keeps of one e-Boekhouden record of a
// large administration: enough to know it exists, to choose the search
// terms that read it again, and (for products) the record itself, which
// pricing an invoice needs when it was not read in this run.
type SourceRecord struct {
	Code     string
	SourceID string
	Search   string // lower-cased text the record is watched by
	Data     string // JSON of the record, or ""
	Cycle    int64  // the last watch cycle that read it
}

// SourceRecords returns every kept record of one kind, keyed by code.
func (s *Store) SourceRecords(ctx context.Context, kind SourceKind) (map[string]SourceRecord, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT code, source_id, search, data, seen_cycle FROM source_records WHERE kind = ?`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("read %s records: %w", kind, err)
	}
	defer rows.Close()
	out := map[string]SourceRecord{}
	for rows.Next() {
		var r SourceRecord
		if err := rows.Scan(&r.Code, &r.SourceID, &r.Search, &r.Data, &r.Cycle); err != nil {
			return nil, fmt.Errorf("read %s records: %w", kind, err)
		}
		out[r.Code] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s records: %w", kind, err)
	}
	return out, nil
}

// SaveSources saves, in one transaction, the records of one kind read or
// found gone, and the reading's state: put are upserted, gone deleted by
// code, and state (the engine's JSON) replaces the previous one.
func (s *Store) SaveSources(ctx context.Context, kind SourceKind, put []SourceRecord, gone []string, state string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if len(put) > 0 {
			stmt, err := tx.PrepareContext(ctx, `
INSERT INTO source_records (kind, code, source_id, search, data, seen_cycle) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT(kind, code) DO UPDATE SET
	source_id = excluded.source_id, search = excluded.search, data = excluded.data, seen_cycle = excluded.seen_cycle`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, r := range put {
				if _, err := stmt.ExecContext(ctx, string(kind), r.Code, r.SourceID, r.Search, r.Data, r.Cycle); err != nil {
					return fmt.Errorf("%s %s: %w", kind, r.Code, err)
				}
			}
		}
		for _, code := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM source_records WHERE kind = ? AND code = ?`, string(kind), code); err != nil {
				return fmt.Errorf("%s %s: %w", kind, code, err)
			}
		}
		_, err := tx.ExecContext(ctx, `
INSERT INTO sweeps (kind, state, updated_at) VALUES (?, ?, ?)
ON CONFLICT(kind) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`, string(kind), state, s.stamp())
		return err
	})
	if err != nil {
		return fmt.Errorf("save %s records: %w", kind, err)
	}
	return nil
}

// SweepState returns the engine's saved state of reading one kind; "" when
// there is none.
func (s *Store) SweepState(ctx context.Context, kind SourceKind) (string, error) {
	var state string
	err := s.db.QueryRowContext(ctx, `SELECT state FROM sweeps WHERE kind = ?`, string(kind)).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s sweep: %w", kind, err)
	}
	return state, nil
}

// ForgetSources removes every kept record and the state of one kind (the
// administration fits in one answer again).
func (s *Store) ForgetSources(ctx context.Context, kind SourceKind) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_records WHERE kind = ?`, string(kind)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sweeps WHERE kind = ?`, string(kind))
		return err
	})
	if err != nil {
		return fmt.Errorf("forget %s records: %w", kind, err)
	}
	return nil
}
