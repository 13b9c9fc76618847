package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrLocked is returned by LockRun while another process runs a sync.
var ErrLocked = errors.New("er loopt al een synchronisatie")

// LockTTL is how long a run lock lasts without being renewed.
const LockTTL = 2 * time.Minute

// RunLock is a held run lock. Renew it at least every LockTTL/2 during a
// long run; Release it at the end.
type RunLock struct {
	s     *Store
	owner string
}

// LockOwner identifies this process.
func LockOwner() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}

// LockRun takes the run lock for owner. A lock held by another owner is taken
// over when it has expired, or when it belongs to a process on this host
// that no longer exists (killed during a run); otherwise ErrLocked.
func (s *Store) LockRun(ctx context.Context, owner string) (*RunLock, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var holder, expires string
		err := tx.QueryRowContext(ctx, `SELECT owner, expires_at FROM run_lock WHERE id = 1`).Scan(&holder, &expires)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case holder != owner && s.now().Before(parseStamp(expires)) && processAlive(holder):
			return fmt.Errorf("%w (%s)", ErrLocked, holder)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO run_lock (id, owner, expires_at) VALUES (1, ?, ?)
			ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
			owner, s.now().Add(LockTTL).UTC().Format(time.RFC3339Nano))
		return err
	})
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return nil, err
		}
		return nil, fmt.Errorf("take run lock: %w", err)
	}
	return &RunLock{s: s, owner: owner}, nil
}

// Renew extends the lock; it fails when the lock was taken over.
func (l *RunLock) Renew(ctx context.Context) error {
	res, err := l.s.db.ExecContext(ctx, `UPDATE run_lock SET expires_at = ? WHERE id = 1 AND owner = ?`,
		l.s.now().Add(LockTTL).UTC().Format(time.RFC3339Nano), l.owner)
	if err != nil {
		return fmt.Errorf("renew run lock: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("renew run lock: %w", ErrLocked)
	}
	return nil
}

// Release gives the lock up.
func (l *RunLock) Release(ctx context.Context) error {
	if _, err := l.s.db.ExecContext(ctx, `DELETE FROM run_lock WHERE id = 1 AND owner = ?`, l.owner); err != nil {
		return fmt.Errorf("release run lock: %w", err)
	}
	return nil
}

// processAlive reports whether owner ("host:pid") may still be running: true
// for another host (we cannot tell) or a live process on this host.
func processAlive(owner string) bool {
	i := strings.LastIndex(owner, ":")
	if i < 0 {
		return true
	}
	host, _ := os.Hostname()
	if owner[:i] != host {
		return true
	}
	pid, err := strconv.Atoi(owner[i+1:])
	if err != nil || pid <= 0 {
		return true
	}
	return pidAlive(pid)
}
