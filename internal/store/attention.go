package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/koppeling/koppeling/internal/message"
)

// AttentionKind is what an item of the attention list is about. Work orders
// that need the user are parked in the export journal; the attention table
// holds the rest.
type AttentionKind string

// The kinds of the attention table.
const (
	AttentionRelation AttentionKind = "relation"
	AttentionMaterial AttentionKind = "material"
	AttentionHourType AttentionKind = "hourtype"
	AttentionSettings AttentionKind = "settings"
	AttentionLogin    AttentionKind = "login"
)

// Attention is one record, setting or login that needs the user: its
// title, reason and fix as messages (sharing Args), and the cause that
// groups it with others to retry together.
type Attention struct {
	Kind      AttentionKind
	Subject   string // the record's code, or the setting or service
	Cause     string
	TitleKey  string
	ReasonKey string
	FixKey    string
	Args      message.Args
	Skipped   bool // the user chose Overslaan; reported again when it changes
	UpdatedAt string
}

// Title is the item's title as a message.
func (a Attention) Title() message.Text { return message.Text{Key: a.TitleKey, Args: a.Args} }

// Reason is why the item needs the user, as a message.
func (a Attention) Reason() message.Text { return message.Text{Key: a.ReasonKey, Args: a.Args} }

// Fix is what the user can do about the item, as a message.
func (a Attention) Fix() message.Text { return message.Text{Key: a.FixKey, Args: a.Args} }

// SetAttention records an item (again): a new version of the problem is
// no longer skipped.
func (s *Store) SetAttention(ctx context.Context, a Attention) error {
	if a.Kind == "" || a.Subject == "" {
		return errors.New("set attention: kind and subject are required")
	}
	_, err := s.db.ExecContext(ctx, `
INSERT INTO attention (kind, subject, cause, title_key, reason_key, fix_key, args, skipped, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
ON CONFLICT(kind, subject) DO UPDATE SET
	cause = excluded.cause, title_key = excluded.title_key, reason_key = excluded.reason_key,
	fix_key = excluded.fix_key, args = excluded.args, skipped = 0, updated_at = excluded.updated_at`,
		string(a.Kind), a.Subject, a.Cause, a.TitleKey, a.ReasonKey, a.FixKey, message.EncodeArgs(a.Args), s.stamp())
	if err != nil {
		return fmt.Errorf("set attention %s %s: %w", a.Kind, a.Subject, err)
	}
	return nil
}

// ClearAttention removes an item: it is solved (or about to be tried
// again).
func (s *Store) ClearAttention(ctx context.Context, kind AttentionKind, subject string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM attention WHERE kind = ? AND subject = ?`, string(kind), subject); err != nil {
		return fmt.Errorf("clear attention %s %s: %w", kind, subject, err)
	}
	return nil
}

// SkipAttention marks an item as skipped by the user.
func (s *Store) SkipAttention(ctx context.Context, kind AttentionKind, subject string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE attention SET skipped = 1, updated_at = ? WHERE kind = ? AND subject = ?`,
		s.stamp(), string(kind), subject)
	if err != nil {
		return fmt.Errorf("skip attention %s %s: %w", kind, subject, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("attention %s %s: %w", kind, subject, ErrNotFound)
	}
	return nil
}

// AttentionItem returns one item, or ErrNotFound.
func (s *Store) AttentionItem(ctx context.Context, kind AttentionKind, subject string) (Attention, error) {
	items, err := s.attention(ctx, ` WHERE kind = ? AND subject = ?`, string(kind), subject)
	if err != nil {
		return Attention{}, err
	}
	if len(items) == 0 {
		return Attention{}, fmt.Errorf("attention %s %s: %w", kind, subject, ErrNotFound)
	}
	return items[0], nil
}

// AttentionItems returns the items the user has not skipped, by kind and
// subject.
func (s *Store) AttentionItems(ctx context.Context) ([]Attention, error) {
	return s.attention(ctx, ` WHERE skipped = 0`)
}

// AllAttention returns every item, skipped ones too.
func (s *Store) AllAttention(ctx context.Context) ([]Attention, error) {
	return s.attention(ctx, "")
}

func (s *Store) attention(ctx context.Context, where string, args ...any) ([]Attention, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, subject, cause, title_key, reason_key, fix_key, args, skipped, updated_at FROM attention`+
		where+` ORDER BY kind, subject`, args...)
	if err != nil {
		return nil, fmt.Errorf("read attention: %w", err)
	}
	defer rows.Close()
	var out []Attention
	for rows.Next() {
		var a Attention
		var kind, enc string
		if err := rows.Scan(&kind, &a.Subject, &a.Cause, &a.TitleKey, &a.ReasonKey, &a.FixKey, &enc, &a.Skipped, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read attention: %w", err)
		}
		a.Kind, a.Args = AttentionKind(kind), message.DecodeArgs(enc)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read attention: %w", err)
	}
	return out, nil
}

// RefusedHashPrefix marks the hash of a mapping whose record OutSmart
// cannot take (the engine's reportRefused).
const RefusedHashPrefix = "refused:"

// clearSolved removes the attention items of mappings that were sent, in
// the transaction that saves them.
func clearSolved(ctx context.Context, tx *sql.Tx, ms []Mapping) error {
	var listed bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attention)`).Scan(&listed); err != nil || !listed {
		return err // nothing on the list: nothing to clear
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Hash, RefusedHashPrefix) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attention WHERE kind = ? AND subject = ?`, string(m.Kind), m.SourceKey); err != nil {
			return err
		}
	}
	return nil
}
