package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// BackupInfix names the copy Reset keeps: koppeling.db.beschadigd-20260314-093000.
const BackupInfix = ".beschadigd-"

// sidecars are the suffixes of the files that belong to a store file.
var sidecars = []string{"", "-wal", "-shm"}

// ResetResult says what Reset did.
type ResetResult struct {
	// Backup is the copy of the old store file ("" when there was none);
	// its -wal and -shm, if any, were moved along under the same name.
	Backup string
	// Moved lists every file moved aside, with its new name.
	Moved []string
	// Damage is why the old store could not be opened; nil when it was
	// readable (or absent).
	Damage *DamagedError
}

// Reset starts the store in dir over on purpose: it moves the store file
// and its -wal and -shm aside to koppeling.db.beschadigd-YYYYMMDD-HHMMSS
// (local time of now; a number is added when that name is taken), never
// deleting them, and opens a new store. It works on a damaged and on a
// healthy store; a readable store is first locked with LockRun, so Reset
// fails with ErrLocked while a sync runs, and the lock it takes stays in the
// copy. Other errors opening the old store (a newer schema, no permission)
// are returned and nothing is moved. The caller must make sure no other
// Koppeling process keeps the store open.
func Reset(ctx context.Context, dir string, now time.Time) (*Store, ResetResult, error) {
	var res ResetResult
	path := filepath.Join(dir, FileName)
	if present(path) || present(path+"-wal") {
		old, err := Open(ctx, dir)
		switch {
		case errors.As(err, &res.Damage):
		case err != nil:
			return nil, res, err
		default:
			_, err := old.LockRun(ctx, LockOwner())
			if cerr := old.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close store: %w", cerr)
			}
			if err != nil {
				return nil, res, err
			}
		}
		if err := moveAside(path, now, &res); err != nil {
			return nil, res, err
		}
	}
	s, err := Open(ctx, dir)
	if err != nil {
		return nil, res, err
	}
	return s, res, nil
}

// moveAside renames the store file and its sidecars to a free backup name.
// The store file goes first: if the process stops halfway, what is left is
// a -wal without its store, which Open refuses and a second Reset moves.
func moveAside(path string, now time.Time, res *ResetResult) error {
	base := path + BackupInfix + now.Format("20060102-150405")
	backup := base
	for n := 2; ; n++ {
		taken := false
		for _, suffix := range sidecars {
			taken = taken || present(backup+suffix)
		}
		if !taken {
			break
		}
		backup = base + "-" + strconv.Itoa(n)
	}
	for _, suffix := range sidecars {
		if !present(path + suffix) {
			continue
		}
		if err := os.Rename(path+suffix, backup+suffix); err != nil {
			return fmt.Errorf("move the store aside: %w", err)
		}
		res.Moved = append(res.Moved, backup+suffix)
		if suffix == "" {
			res.Backup = backup
		}
	}
	syncDir(filepath.Dir(path))
	return nil
}

// present reports whether something exists at path.
func present(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
