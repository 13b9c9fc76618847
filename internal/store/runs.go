package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/koppeling/koppeling/internal/message"
)

// RunOutcome is how a sync run ended.
type RunOutcome string

// Run outcomes; the empty outcome means the run has not finished (or the
// process died during it).
const (
	RunOK        RunOutcome = "ok"
	RunAttention RunOutcome = "attention" // finished, some records need the user
	RunFailed    RunOutcome = "failed"    // could not run or stopped early
)

// Run is one sync run in the history.
type Run struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time // zero while running or after a crash
	Trigger    string    // schedule | manual | cli
	Outcome    RunOutcome
	Summary    string // the one summary line, Dutch
	// SummaryMessage is the summary as a message (internal/message); zero
	// for runs recorded before the catalogue. Text renders it.
	SummaryMessage message.Text
}

// Text is the run's summary in lang.
func (r Run) Text(lang message.Lang) string {
	if r.SummaryMessage.IsZero() {
		return r.Summary
	}
	return r.SummaryMessage.Render(lang)
}

// StartRun records the start of a run and returns its id.
func (s *Store) StartRun(ctx context.Context, trigger string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO runs (started_at, trigger) VALUES (?, ?)`, s.stamp(), trigger)
	if err != nil {
		return 0, fmt.Errorf("record run start: %w", err)
	}
	return res.LastInsertId()
}

// FinishRun records the end of a run.
func (s *Store) FinishRun(ctx context.Context, id int64, outcome RunOutcome, summary string) error {
	return s.FinishRunMessage(ctx, id, outcome, message.T(message.KeyText, "Text", summary))
}

// FinishRunMessage records the end of a run with its summary as a message
// (stored with its Dutch text).
func (s *Store) FinishRunMessage(ctx context.Context, id int64, outcome RunOutcome, m message.Text) error {
	key, args := m.Key, message.EncodeArgs(m.Args)
	if key == message.KeyText {
		key, args = "", ""
	}
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET finished_at = ?, outcome = ?, summary = ?, summary_key = ?, summary_args = ? WHERE id = ?`,
		s.stamp(), string(outcome), m.Render(message.Dutch), key, args, id)
	if err != nil {
		return fmt.Errorf("record run end: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("record run end: run %d: %w", id, ErrNotFound)
	}
	return nil
}

// LastRun returns the most recent run, or ErrNotFound.
func (s *Store) LastRun(ctx context.Context) (Run, error) {
	runs, err := s.Runs(ctx, 1)
	if err != nil {
		return Run{}, err
	}
	if len(runs) == 0 {
		return Run{}, fmt.Errorf("last run: %w", ErrNotFound)
	}
	return runs[0], nil
}

// Runs returns up to limit runs, newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, started_at, finished_at, trigger, outcome, summary, summary_key, summary_args FROM runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started, finished, outcome, key, args string
		if err := rows.Scan(&r.ID, &started, &finished, &r.Trigger, &outcome, &r.Summary, &key, &args); err != nil {
			return nil, fmt.Errorf("read runs: %w", err)
		}
		if key != "" {
			r.SummaryMessage = message.Text{Key: key, Args: message.DecodeArgs(args)}
		}
		r.StartedAt, r.FinishedAt, r.Outcome = parseStamp(started), parseStamp(finished), RunOutcome(outcome)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return out, nil
}
