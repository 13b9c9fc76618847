// Package store owns Koppeling's local state in one SQLite file
// (modernc.org/sqlite, pure Go): the settings, the mappings between
// e-Boekhouden and OutSmart records with a content hash each, the export
// journal of every work order, the sync log and the run history.
//
// The file lives in the user's config directory with mode 0600 (its folder
// 0700), runs in WAL mode with synchronous=FULL so that a committed journal
// entry survives a crash or power cut, and has one connection: one writer,
// every statement in order. Migrations run at Open. Credentials never enter
// this package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the name of the database file in the data directory.
const FileName = "koppeling.db"

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// DefaultDir returns the data directory: <user config dir>/Koppeling
// (~/.config/Koppeling, ~/Library/Application Support/Koppeling,
// %AppData%\Koppeling).
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user's config directory: %w", err)
	}
	return filepath.Join(base, "Koppeling"), nil
}

// Open opens the store in dir and brings its schema up to date. A missing
// store file is a new store (the directory may exist already); a store file
// that exists but cannot be read as a whole (empty, cut short, not SQLite,
// malformed), or a leftover koppeling.db-wal without it, is refused with a
// *DamagedError and left exactly as it is: starting over silently would
// forget the settings, the log and the export journal. (A journal that is
// lost anyway, through a reset or a restored older copy, does not lead to a
// second invoice: before the engine sends a work order the journal does not
// know, it looks up e-Boekhouden for an invoice carrying its reference.)
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	missing, err := inspectFile(path)
	if err != nil {
		return nil, err
	}
	if missing {
		if err := create(ctx, dir, path); err != nil {
			return nil, err
		}
	} else if err := verifyFile(ctx, path); err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("restrict store file: %w", err)
	}
	s := &Store{db: openDB(path, "WAL"), path: path, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		_ = s.db.Close()
		if corrupt(err) {
			return nil, damaged(path, ProblemUnreadable, "%v", err)
		}
		return nil, err
	}
	return s, nil
}

// openDB returns the one-connection pool of a store file.
func openDB(path, journal string) *sql.DB {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(" + journal + ")", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, _ := sql.Open("sqlite", sqliteURI(path)+"?"+q.Encode()) // never fails: it only records the name
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	return db
}

// create makes a new store at path in one step: the schema is written to a
// private temporary file (0600 from its first byte; SQLite gives the -wal
// and -shm files the mode of the database file) that is then linked to
// path. So a file named koppeling.db is always a complete store, and an
// empty one is never a start that was cut off. When another process created
// the store at the same moment, its store is used.
func create(ctx context.Context, dir, path string) error {
	removeStaleTemps(dir)
	f, err := os.CreateTemp(dir, FileName+newSuffix+"*")
	if err != nil {
		return fmt.Errorf("create store file: %w", err)
	}
	tmp := f.Name()
	_ = f.Close()
	defer func() {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			_ = os.Remove(tmp + suffix)
		}
	}()
	// A rollback journal while the schema is written to the private file.
	s := &Store{db: openDB(tmp, "DELETE"), path: tmp, now: time.Now}
	err = s.migrate(ctx)
	if err == nil {
		// Switched to WAL while nobody else can see the file: WAL is kept in
		// the file's header, so an Open that shares the new file never has
		// to switch it. That switch needs the only lock on the file, and
		// SQLite answers SQLITE_BUSY at once, without waiting, while another
		// connection reads it (seen under Windows with four Opens at once).
		// Closing the only connection checkpoints and removes the -wal.
		_, err = s.db.ExecContext(ctx, `PRAGMA journal_mode=WAL`)
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create store file: %w", err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system (FAT, some network drives): a
		// rename, which would replace a store created meanwhile, so only
		// when there still is none.
		if _, statErr := os.Lstat(path); !errors.Is(statErr, fs.ErrNotExist) {
			return fmt.Errorf("create store file: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("create store file: %w", err)
		}
	}
	syncDir(dir)
	return nil
}

// newSuffix marks a store file that is being created.
const newSuffix = ".new-"

// removeStaleTemps removes store files whose creation was cut off (by a
// crash) more than an hour ago.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, FileName+newSuffix+"*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.Remove(m)
		}
	}
}

// syncDir makes a rename or link in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// sqliteURI turns a file path into an SQLite URI filename: '?', '#' and '%'
// in a folder name must be escaped, or SQLite opens a different file.
func sqliteURI(path string) string {
	p := filepath.ToSlash(path)
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/Users/...
	}
	return "file://" + p
}

// Path returns the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// SetClock replaces the clock used for timestamps (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

func parseStamp(v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// tx runs fn in one immediate transaction.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
