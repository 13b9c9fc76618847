//go:build !windows

package links

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive advisory lock, waiting for another holder.
func lockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_EX) }

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }
