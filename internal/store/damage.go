package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file owns the check that a store file can be trusted before anything
// writes to it. A store that silently started over would forget the export
// journal, the settings and the log, so Open refuses every file that exists
// but cannot be read as a whole, and never changes it: the header is read
// by this package itself, and only a file that passes is handed to SQLite,
// first read-only.

// ErrDamaged is the kind of every *DamagedError.
var ErrDamaged = errors.New("store file is damaged")

// Problem says what is wrong with a damaged store file.
type Problem int

// The problems Open recognises.
const (
	// ProblemEmpty: the file has zero bytes.
	ProblemEmpty Problem = iota + 1
	// ProblemTruncated: the file is shorter than its header says, shorter
	// than the header itself, or not a whole number of pages.
	ProblemTruncated
	// ProblemNotSQLite: the file does not start with SQLite's header.
	ProblemNotSQLite
	// ProblemUnreadable: SQLite cannot read the file (a bad header value,
	// the integrity check fails, "database disk image is malformed"), or it
	// is not a regular file.
	ProblemUnreadable
	// ProblemForeign: a readable SQLite database that is not a Koppeling
	// store (it has tables but no schema version).
	ProblemForeign
	// ProblemOrphanWAL: koppeling.db is missing but its write-ahead log
	// koppeling.db-wal is there: committed changes without their database.
	ProblemOrphanWAL
)

// DamagedError is a store file that exists but cannot be trusted. Open
// leaves such a file exactly as it found it.
type DamagedError struct {
	Path    string  // the store file (for ProblemOrphanWAL: the missing one)
	Problem Problem // what is wrong, for the user's message
	Reason  string  // the details, in English
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("store %s is damaged: %s", e.Path, e.Reason)
}

// Unwrap makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// problemTexts is the one place that says each problem in the user's
// words: the Dutch clause of the command line and the log, and the key of
// the window's full sentence in both languages (assets/translations).
var problemTexts = map[Problem]struct{ key, dutch string }{
	ProblemEmpty:      {"damaged.problem.empty", "het bestand is leeg"},
	ProblemTruncated:  {"damaged.problem.truncated", "het bestand is afgebroken (korter dan het hoort te zijn)"},
	ProblemNotSQLite:  {"damaged.problem.notsqlite", "het bestand is geen database van Koppeling"},
	ProblemUnreadable: {"damaged.problem.unreadable", "het bestand is onleesbaar"},
	ProblemForeign:    {"damaged.problem.foreign", "het bestand is een database van een ander programma"},
	ProblemOrphanWAL:  {"damaged.problem.orphanwal", "het bestand ontbreekt, maar het bijbehorende {{.File}}-wal is er nog"},
}

// Dutch is the user's words for the problem (a clause, lower case, no full
// stop), for the command line and the log; file is the store file's name.
// An unknown problem reads as unreadable.
func (p Problem) Dutch(file string) string {
	t, ok := problemTexts[p]
	if !ok {
		t = problemTexts[ProblemUnreadable]
	}
	return strings.ReplaceAll(t.dutch, "{{.File}}", file)
}

// Key is the translation key of the problem's sentence in the window
// (damaged.problem.*, with {{.File}}); an unknown problem reads as
// unreadable.
func (p Problem) Key() string {
	t, ok := problemTexts[p]
	if !ok {
		t = problemTexts[ProblemUnreadable]
	}
	return t.key
}

// AsDamaged returns the damage err reports about the store file at path: a
// *DamagedError in err's chain (from Open), or SQLite's "database disk image
// is malformed" / "file is not a database" met by any later query, as
// ProblemUnreadable. It returns nil for every other error.
func AsDamaged(err error, path string) *DamagedError {
	var d *DamagedError
	if errors.As(err, &d) {
		return d
	}
	if err != nil && corrupt(err) {
		return damaged(path, ProblemUnreadable, "%v", err)
	}
	return nil
}

// DamagedMessage is what a user reads about a damaged store, in Dutch: what
// happened, that nothing was sent (Open refuses before anything is), and
// the two ways out.
func DamagedMessage(d *DamagedError) string {
	backup := filepath.Base(d.Path) + BackupInfix + "JJJJMMDD-UUMMSS"
	return fmt.Sprintf("De opslag van Koppeling (%s) is beschadigd: %s. Er is niets verstuurd. "+
		"Zet een reservekopie van dit bestand terug, of begin bewust opnieuw met `koppeling store reset` "+
		"(het beschadigde bestand wordt dan bewaard als %s; de inloggegevens blijven staan).",
		d.Path, d.Problem.Dutch(filepath.Base(d.Path)), backup)
}

// DamagedDuringRun is the Dutch text for damage found while a run was under
// way: it stops, and it names the file and the ways out. It does not claim
// that nothing was sent.
func DamagedDuringRun(d *DamagedError) string {
	return fmt.Sprintf("de opslag van Koppeling (%s) is beschadigd: %s; de synchronisatie is gestopt. "+
		"Zet een reservekopie van dit bestand terug, of begin bewust opnieuw met `koppeling store reset`",
		d.Path, d.Problem.Dutch(filepath.Base(d.Path)))
}

func damaged(path string, p Problem, format string, args ...any) *DamagedError {
	return &DamagedError{Path: path, Problem: p, Reason: fmt.Sprintf(format, args...)}
}

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// headerSize is the size of SQLite's database header.
const headerSize = 100

// inspectFile checks the store file at path without SQLite. It reports
// missing when there is no file (a new store), and a *DamagedError for a file
// that cannot be a complete store: empty, not SQLite, cut short. A missing
// file with a leftover write-ahead log is damage too: its changes would be
// lost if a new store started there.
func inspectFile(path string) (missing bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, walErr := os.Lstat(path + "-wal"); walErr == nil {
			return false, damaged(path, ProblemOrphanWAL, "the file is missing but its write-ahead log %s-wal is there", FileName)
		}
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("check store file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return false, damaged(path, ProblemUnreadable, "not a regular file (%v)", fi.Mode().Type())
	}
	size := fi.Size()
	if size == 0 {
		return false, damaged(path, ProblemEmpty, "the file is empty (0 bytes)")
	}
	hdr, err := readHeader(path)
	if err != nil {
		return false, fmt.Errorf("read store header: %w", err)
	}
	if n := min(len(hdr), len(sqliteMagic)); string(hdr[:n]) != sqliteMagic[:n] {
		return false, damaged(path, ProblemNotSQLite, "the file does not start with the SQLite header")
	}
	if len(hdr) < headerSize {
		return false, damaged(path, ProblemTruncated, "%d bytes, shorter than the %d-byte SQLite header", size, headerSize)
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return false, damaged(path, ProblemUnreadable, "the header names an invalid page size %d", pageSize)
	}
	// With a live write-ahead log the main file may legitimately lag its
	// header (a checkpoint cut off by a crash is finished from the log), so
	// the sizes are only compared without one; SQLite's own check follows.
	if walLive(path) {
		return false, nil
	}
	if size%pageSize != 0 {
		return false, damaged(path, ProblemTruncated, "%d bytes is not a whole number of %d-byte pages", size, pageSize)
	}
	// The page count in the header is valid only while the change counter
	// matches "version valid for" (SQLite file format, §1.3.7).
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	if pages > 0 && binary.BigEndian.Uint32(hdr[24:28]) == binary.BigEndian.Uint32(hdr[92:96]) && size < pages*pageSize {
		return false, damaged(path, ProblemTruncated, "%d bytes, but the header says %d pages of %d bytes (%d bytes)", size, pages, pageSize, pages*pageSize)
	}
	return false, nil
}

// readHeader returns the first headerSize bytes of the file (fewer when the
// file is shorter).
func readHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hdr := make([]byte, headerSize)
	n, err := io.ReadFull(f, hdr)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return hdr[:n], nil
}

// walLive reports whether the store has a non-empty write-ahead log.
func walLive(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}

// verifyFile lets SQLite read the whole file on a read-only connection
// (which never writes the database file and never checkpoints into it): the
// quick check, and that a database with tables is a Koppeling store. When it
// refuses the file, it removes the empty -wal and -shm files that its own
// connection created, so that the directory is left as it was.
func verifyFile(ctx context.Context, path string) error {
	_, walErr := os.Lstat(path + "-wal")
	_, shmErr := os.Lstat(path + "-shm")
	err := readOnlyCheck(ctx, path)
	if err == nil || !errors.Is(err, ErrDamaged) {
		return err
	}
	if errors.Is(walErr, fs.ErrNotExist) {
		if fi, err := os.Lstat(path + "-wal"); err == nil && fi.Size() == 0 {
			_ = os.Remove(path + "-wal")
		}
	}
	if errors.Is(shmErr, fs.ErrNotExist) && errors.Is(walErr, fs.ErrNotExist) {
		_ = os.Remove(path + "-shm")
	}
	return err
}

func readOnlyCheck(ctx context.Context, path string) error {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", sqliteURI(path)+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open store for checking: %w", err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return unreadable(path, "integrity check", err)
	}
	if res != "ok" {
		return damaged(path, ProblemUnreadable, "integrity check: %s", res)
	}
	var tables, versioned int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE name = 'schema_migrations') FROM sqlite_master WHERE type = 'table'`).
		Scan(&tables, &versioned)
	if err != nil {
		return unreadable(path, "read schema", err)
	}
	if tables > 0 && versioned == 0 {
		return damaged(path, ProblemForeign, "an SQLite database with %d tables but no schema_migrations: not a Koppeling store", tables)
	}
	return nil
}

// unreadable turns SQLite's "malformed" and "not a database" errors into a
// *DamagedError; any other error (busy, permission, I/O) is returned as it
// is, because it says nothing about the file's content.
func unreadable(path, step string, err error) error {
	if corrupt(err) {
		return damaged(path, ProblemUnreadable, "%s: %v", step, err)
	}
	return fmt.Errorf("%s of store %s: %w", step, path, err)
}

// corrupt reports SQLite's "database disk image is malformed" and "file is
// not a database".
func corrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}
