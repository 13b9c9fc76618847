package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MappingKind is the kind of record a mapping links.
type MappingKind string

// The kinds of imported records.
const (
	MappingRelation MappingKind = "relation"
	MappingMaterial MappingKind = "material"
	MappingHourType MappingKind = "hourtype"
)

// Mapping links one e-Boekhouden record to its OutSmart counterpart and
// remembers the content hash of what was last sent, so that a run only posts
// what changed.
type Mapping struct {
	Kind      MappingKind
	SourceKey string // e-Boekhouden relation code or product code
	SourceID  string // e-Boekhouden ID
	TargetKey string // OutSmart debtor_number or code
	Hash      string
	Active    bool
}

// Mappings returns every mapping of one kind, keyed by SourceKey.
func (s *Store) Mappings(ctx context.Context, kind MappingKind) (map[string]Mapping, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT source_key, source_id, target_key, hash, active FROM mappings WHERE kind = ?`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("read %s mappings: %w", kind, err)
	}
	defer rows.Close()
	out := map[string]Mapping{}
	for rows.Next() {
		m := Mapping{Kind: kind}
		if err := rows.Scan(&m.SourceKey, &m.SourceID, &m.TargetKey, &m.Hash, &m.Active); err != nil {
			return nil, fmt.Errorf("read %s mappings: %w", kind, err)
		}
		out[m.SourceKey] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s mappings: %w", kind, err)
	}
	return out, nil
}

// SaveMappings upserts mappings in one transaction (after the batch they
// describe was accepted by OutSmart); a record sent is no longer on the
// attention list.
func (s *Store) SaveMappings(ctx context.Context, ms []Mapping) error {
	if len(ms) == 0 {
		return nil
	}
	now := s.stamp()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `
INSERT INTO mappings (kind, source_key, source_id, target_key, hash, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(kind, source_key) DO UPDATE SET
	source_id = excluded.source_id, target_key = excluded.target_key, hash = excluded.hash,
	active = excluded.active, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, m := range ms {
			if _, err := stmt.ExecContext(ctx, string(m.Kind), m.SourceKey, m.SourceID, m.TargetKey, m.Hash, m.Active, now); err != nil {
				return fmt.Errorf("%s %s: %w", m.Kind, m.SourceKey, err)
			}
		}
		return clearSolved(ctx, tx, ms)
	})
	if err != nil {
		return fmt.Errorf("save mappings: %w", err)
	}
	return nil
}
