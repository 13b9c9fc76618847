package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSecondStartAsksTheFirstToShow(t *testing.T) {
	dir := t.TempDir()
	first, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	var shown atomic.Int32
	first.Serve(func() { shown.Add(1) })

	if _, err := Acquire(dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Acquire: %v, want ErrRunning", err)
	}
	if err := Show(dir, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if shown.Load() != 1 {
		t.Fatalf("onShow ran %d times, want 1", shown.Load())
	}
	st, err := os.Stat(filepath.Join(dir, InfoFile))
	if err != nil {
		t.Fatal(err)
	}
	// Readable by the user alone on Unix. On Windows Go reports only the
	// read-only attribute (0666: writable) and the per-user ACL of the data
	// folder keeps the token private.
	want := os.FileMode(0o600)
	if runtime.GOOS == "windows" {
		want = 0o666
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s has mode %v, want %v", InfoFile, st.Mode().Perm(), want)
	}

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, InfoFile)); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", InfoFile, err)
	}
	// The claim is free again.
	again, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Close: %v", err)
	}
	defer again.Close()
	if err := Show(dir, 300*time.Millisecond); err == nil {
		t.Error("Show succeeded although the new holder does not serve yet")
	}
}

func TestWrongTokenIsIgnored(t *testing.T) {
	dir := t.TempDir()
	in, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var shown atomic.Int32
	in.Serve(func() { shown.Add(1) })

	conn, err := net.Dial("tcp", in.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "show %s\n", strings.Repeat("0", 64))
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 16)
	if n, _ := conn.Read(buf); n != 0 {
		t.Fatalf("answered %q to a wrong token", buf[:n])
	}
	if shown.Load() != 0 {
		t.Fatal("a wrong token showed the window")
	}
}

func TestShowWithoutARunningInstanceFails(t *testing.T) {
	dir := t.TempDir()
	// A stale file from a crashed process: nobody listens on that port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	os.WriteFile(filepath.Join(dir, InfoFile), []byte(fmt.Sprintf(`{"port":%d,"token":"x"}`, port)), 0o600)
	if err := Show(dir, 300*time.Millisecond); err == nil {
		t.Fatal("Show succeeded without a running instance")
	}
	// And the stale file does not stop a new start.
	in, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire with a stale file: %v", err)
	}
	in.Close()
}
