//go:build !windows

// TestKillDuringWrites kills its writer process with SIGKILL; Windows has no
// signals, so it runs on Linux and macOS only (powercut_windows_test.go
// reports it as skipped there).

package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringWrites kills a process that writes journal entries and log
// lines as fast as it can (SIGKILL, at several moments), then opens the
// store: it passes SQLite's integrity check, and every write the process
// reported as committed is there (durability), together with at most the
// one it was in the middle of (atomicity). This is the closest to a power
// cut a test here can come: the process dies at an arbitrary instruction;
// the operating system's own cache survives.
func TestKillDuringWrites(t *testing.T) {
	if os.Getenv("KOPPELING_STORE_WRITER") == "1" {
		storeWriter()
		return
	}
	for _, after := range []time.Duration{30 * time.Millisecond, 120 * time.Millisecond, 400 * time.Millisecond} {
		t.Run(after.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringWrites$", "-test.count=1")
			cmd.Env = append(os.Environ(), "KOPPELING_STORE_WRITER=1", "KOPPELING_STORE_DIR="+dir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			committed := make(chan int, 1)
			go func() {
				last := 0
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if n, err := strconv.Atoi(sc.Text()); err == nil {
						last = n
					}
				}
				committed <- last
			}()
			time.Sleep(after)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			last := <-committed
			if last == 0 {
				t.Skip("the writer did not commit anything before the kill (slow machine)")
			}

			ctx := context.Background()
			s, err := Open(ctx, dir) // runs quick_check
			if err != nil {
				t.Fatalf("store does not open after the kill: %v", err)
			}
			defer s.Close()
			ex, err := s.Exports(ctx)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := s.Log(ctx, LogFilter{Limit: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			if len(ex) < last || len(ex) > last+1 {
				t.Fatalf("%d journal entries after the kill; the writer had committed %d", len(ex), last)
			}
			// Each write was one transaction of a journal entry and its log line.
			if len(lines) != len(ex) {
				t.Fatalf("%d log lines but %d journal entries: a transaction was torn", len(lines), len(ex))
			}
			t.Logf("killed after %v: %d writes committed, %d found", after, last, len(ex))
		})
	}
}

// storeWriter is the child: it writes a journal entry and a log line in one
// transaction per step and prints the step number after each commit.
func storeWriter() {
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv("KOPPELING_STORE_DIR"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 1; ; i++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exports (row_id, order_number, state, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)`,
				strconv.Itoa(i), "WB"+strconv.Itoa(i), s.stamp(), s.stamp()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO log (time, level, message) VALUES (?, 'info', ?)`, s.stamp(), "stap "+strconv.Itoa(i))
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintln(w, i)
		w.Flush()
	}
}
