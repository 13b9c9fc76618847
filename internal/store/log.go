package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/message"
)

// Level is the weight of a log line.
type Level string

// Log levels. Attention marks a record that needs the user.
const (
	LevelInfo      Level = "info"
	LevelWarning   Level = "warning"
	LevelError     Level = "error"
	LevelAttention Level = "attention"
)

// LogEntry is one line of the sync log (the screen's Tijd / Bericht).
type LogEntry struct {
	ID      int64
	Time    time.Time
	Level   Level
	Message string // Dutch, for the bookkeeper
	// Key and Args are the message of the line (internal/message): Text
	// renders it in the window's language. Lines written before the
	// catalogue have no key; their Message is the text in every language.
	Key     string
	Args    message.Args
	Details string
	RunID   int64  // 0 when not part of a run
	Subject string // what it is about, e.g. "werkbon WB26110"
}

// Text is the line in lang.
func (e LogEntry) Text(lang message.Lang) string {
	if e.Key == "" {
		return e.Message
	}
	return message.Render(lang, e.Key, e.Args)
}

// AddLog appends a line to the log. Callers pass text already free of
// credentials; the log is shown and exported as is.
func (s *Store) AddLog(ctx context.Context, e LogEntry) (int64, error) {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	if e.Level == "" {
		e.Level = LevelInfo
	}
	if e.Message == "" && e.Key != "" {
		e.Message = message.Render(message.Dutch, e.Key, e.Args)
	}
	var runID any
	if e.RunID != 0 {
		runID = e.RunID
	}
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO log (time, level, message, details, run_id, subject, key, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UTC().Format(time.RFC3339Nano), string(e.Level), e.Message, e.Details, runID, e.Subject, e.Key, message.EncodeArgs(e.Args))
	if err != nil {
		return 0, fmt.Errorf("write log: %w", err)
	}
	return res.LastInsertId()
}

// LogFilter selects log lines.
type LogFilter struct {
	Levels []Level // empty: all
	RunID  int64   // 0: all runs
	Limit  int     // 0: 500
}

// Log returns log lines, newest first (by time, then by insertion).
func (s *Store) Log(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	query := `SELECT id, time, level, message, details, COALESCE(run_id, 0), subject, key, args FROM log WHERE 1=1`
	var args []any
	if len(f.Levels) > 0 {
		query += ` AND level IN (?` + strings.Repeat(`, ?`, len(f.Levels)-1) + `)`
		for _, l := range f.Levels {
			args = append(args, string(l))
		}
	}
	if f.RunID != 0 {
		query += ` AND run_id = ?`
		args = append(args, f.RunID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	query += ` ORDER BY time DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var t, lvl, args string
		if err := rows.Scan(&e.ID, &t, &lvl, &e.Message, &e.Details, &e.RunID, &e.Subject, &e.Key, &args); err != nil {
			return nil, fmt.Errorf("read log: %w", err)
		}
		e.Time, e.Level, e.Args = parseStamp(t), Level(lvl), message.DecodeArgs(args)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	return out, nil
}

// PruneLog deletes log lines older than the cutoff and returns how many.
func (s *Store) PruneLog(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM log WHERE time < ?`, before.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("prune log: %w", err)
	}
	return res.RowsAffected()
}
