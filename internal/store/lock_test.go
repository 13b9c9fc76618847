package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func TestRunLock(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	clock := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	host, _ := os.Hostname()
	me := LockOwner()

	l, err := s.LockRun(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	// Another live owner (on another host: cannot be checked) is refused.
	if _, err := s.LockRun(ctx, "other-host:1"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second owner: %v", err)
	}
	if err := l.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	// After the lease expires, another owner takes over and ours is gone.
	clock = clock.Add(LockTTL + time.Second)
	other, err := s.LockRun(ctx, "other-host:1")
	if err != nil {
		t.Fatalf("take over expired lock: %v", err)
	}
	if err := l.Renew(ctx); !errors.Is(err, ErrLocked) {
		t.Fatalf("renew a lost lock: %v", err)
	}
	if err := other.Release(ctx); err != nil {
		t.Fatal(err)
	}

	// A lock left by a killed process on this host is taken over at once.
	// The test binary itself, running no test, is a process that exits at
	// once on every platform.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("start a short-lived process: %v", err)
	}
	dead := host + ":" + strconv.Itoa(cmd.Process.Pid)
	if _, err := s.LockRun(ctx, dead); err != nil {
		t.Fatal(err)
	}
	mine, err := s.LockRun(ctx, me)
	if err != nil {
		t.Fatalf("lock of a dead process not taken over: %v", err)
	}
	mine.Release(ctx)
	// A live process on this host (our parent) is respected.
	if _, err := s.LockRun(ctx, host+":"+strconv.Itoa(os.Getppid())); err != nil {
		t.Fatalf("could not take the free lock: %v", err)
	}
	if _, err := s.LockRun(ctx, me); !errors.Is(err, ErrLocked) {
		t.Fatalf("live local owner not respected: %v", err)
	}
}
