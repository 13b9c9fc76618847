package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// This file checks that the command line behaves on a server: no process
// left behind, no wait without end on a keychain that does not answer, and
// no start-up noise from the desktop toolkit.

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// credentialEnv are the variables that carry credentials.
var credentialEnv = []string{"KOPPELING_EB_USERNAME", "KOPPELING_EB_SECURITYCODE1", "KOPPELING_EB_SECURITYCODE2",
	"KOPPELING_OUTSMART_TOKEN", "KOPPELING_OUTSMART_SOFTWARE_TOKEN"}

// processesWithMarker lists the processes whose environment holds marker
// (one of ours or a child of one of ours: children inherit it).
func processesWithMarker(t *testing.T, marker string) []string {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil || !bytes.Contains(b, []byte(marker)) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		found = append(found, filepath.Base(d)+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return found
}

// userSessionBus reports whether this user has a session bus that D-Bus
// clients find without DBUS_SESSION_BUS_ADDRESS.
func userSessionBus() bool {
	dir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// TestNoProcessSurvivesWithoutADBusSession runs the commands of a cron job
// on a machine without a D-Bus session (no DBUS_SESSION_BUS_ADDRESS, no
// DISPLAY) and then looks through /proc for any process that carries the
// test's marker variable: a dbus-daemon or gnome-keyring-daemon started on
// the way would carry it. There must be none.
func TestNoProcessSurvivesWithoutADBusSession(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	c := newCLI(t)
	marker := fmt.Sprintf("KOPPELING_TEST_MARKER=headless-%d-%d", os.Getpid(), time.Now().UnixNano())
	c.env = append(withoutEnv(c.env, "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"), marker)
	if _, errOut, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
		t.Fatalf("sync --once with every credential in the environment: exit %d\n%s", code, errOut)
	}
	for _, args := range [][]string{{"settings", "get"}, {"log"}, {"version"}} {
		if _, errOut, code := c.run(nil, "", args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	// Without credentials in the environment the keychain is wanted, and
	// there is none: a clear error, and still no daemon started.
	c.env = withoutEnv(c.env, credentialEnv...)
	_, errOut, code := c.run(nil, "", "sync", "--once")
	if code != exitCannotRun {
		t.Fatalf("sync --once without credentials or keychain: exit %d, want %d\n%s", code, exitCannotRun, errOut)
	}
	if !userSessionBus() && !strings.Contains(errOut, "geen D-Bus-sessie") {
		t.Errorf("sync --once without a session bus does not name the cause:\n%s", errOut)
	}
	ebc, osc := c.sb.Dataset.EBoekhouden.Credentials, c.sb.Dataset.OutSmart.Credentials
	login := strings.Join([]string{ebc.Username, ebc.SecurityCode1, ebc.SecurityCode2, osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"
	_, errOut, code = c.run(nil, login, "login", "--no-check")
	if !userSessionBus() && (code != exitCannotRun || !strings.Contains(errOut, "geen D-Bus-sessie")) {
		t.Errorf("login without a session bus: exit %d, want %d with the cause:\n%s", code, exitCannotRun, errOut)
	}
	if left := processesWithMarker(t, marker); len(left) > 0 {
		t.Fatalf("processes left behind:\n%s", strings.Join(left, "\n"))
	}
}

// silentBus is a unix socket that accepts D-Bus connections and never
// answers; it counts the connections.
type silentBus struct {
	addr     string
	accepted atomic.Int32
}

func newSilentBus(t *testing.T) *silentBus {
	t.Helper()
	dir, err := os.MkdirTemp("", "kbus") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	b := &silentBus{addr: "unix:path=" + sock}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, conn)
			b.accepted.Add(1)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, conn := range held {
			conn.Close()
		}
	})
	return b
}

// TestKeychainThatNeverAnswers points the commands at a D-Bus session that
// accepts connections and never answers. Commands that have every
// credential from the environment, and those that need none, never connect
// to it; those that need the keychain end within a bounded time with a
// clear error and exit code 2.
func TestKeychainThatNeverAnswers(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux only")
	}
	bus := newSilentBus(t)
	c := newCLI(t)
	marker := fmt.Sprintf("KOPPELING_TEST_MARKER=silentbus-%d-%d", os.Getpid(), time.Now().UnixNano())
	c.env = append(withoutEnv(c.env, "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"),
		"DBUS_SESSION_BUS_ADDRESS="+bus.addr, marker)

	for _, args := range [][]string{{"sync", "--once"}, {"settings", "get"}, {"log"}, {"version"}} {
		start := time.Now()
		if _, errOut, code := c.run(nil, "", args...); code == exitCannotRun {
			t.Fatalf("%v with credentials in the environment: exit %d\n%s", args, code, errOut)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("%v took %v", args, d)
		}
	}
	if n := bus.accepted.Load(); n != 0 {
		t.Fatalf("%d connections to the session bus although no command needed the keychain", n)
	}

	c.env = withoutEnv(c.env, credentialEnv...)
	ebc, osc := c.sb.Dataset.EBoekhouden.Credentials, c.sb.Dataset.OutSmart.Credentials
	login := strings.Join([]string{ebc.Username, ebc.SecurityCode1, ebc.SecurityCode2, osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"
	for _, tc := range []struct {
		args  []string
		stdin string
	}{
		{[]string{"sync", "--once"}, ""},
		{[]string{"login", "--no-check"}, login},
	} {
		start := time.Now()
		_, errOut, code := c.run(nil, tc.stdin, tc.args...)
		d := time.Since(start)
		if code != exitCannotRun {
			t.Errorf("%v against a silent keychain: exit %d, want %d\n%s", tc.args, code, exitCannotRun, errOut)
		}
		if d > 15*time.Second {
			t.Errorf("%v against a silent keychain took %v", tc.args, d)
		}
		if !strings.Contains(errOut, "sleutelbos antwoordt niet") {
			t.Errorf("%v: stderr does not say the keychain does not answer:\n%s", tc.args, errOut)
		}
	}
	if bus.accepted.Load() == 0 {
		t.Fatal("the keychain never connected to the silent bus: the test proves nothing")
	}
	if left := processesWithMarker(t, marker); len(left) > 0 {
		t.Fatalf("processes left behind:\n%s", strings.Join(left, "\n"))
	}
}

// TestCommandLineHasNoToolkitNoise: under the C locales every command's
// stderr is free of Fyne's "Error parsing user locale" lines (and of any
// other Fyne line).
func TestCommandLineHasNoToolkitNoise(t *testing.T) {
	c := newCLI(t)
	base := withoutEnv(c.env, "LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG")
	for _, locale := range []string{"C", "C.UTF-8", "POSIX"} {
		c.env = append(append([]string(nil), base...), "LANG="+locale)
		for _, args := range [][]string{{"version"}, {"settings", "get"}, {"log"}, {"sync", "--once"}} {
			_, errOut, code := c.run(nil, "", args...)
			if code == exitCannotRun {
				t.Fatalf("LANG=%s %v: exit %d\n%s", locale, args, code, errOut)
			}
			if strings.Contains(errOut, "Fyne") || strings.Contains(errOut, "locale") {
				t.Errorf("LANG=%s %v: toolkit noise on stderr:\n%s", locale, args, errOut)
			}
		}
	}
	// LC_ALL wins over LANG in every lookup; it is the variable the fix
	// sets for a moment, so check it as given too.
	c.env = append(append([]string(nil), base...), "LC_ALL=C.UTF-8")
	if _, errOut, _ := c.run(nil, "", "version"); strings.Contains(errOut, "Fyne") {
		t.Errorf("LC_ALL=C.UTF-8 version: toolkit noise on stderr:\n%s", errOut)
	}
}
