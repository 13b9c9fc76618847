package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/inspect"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui/instance"
)

// sandboxRequests reads a sandbox's request log through its inspection API
// (GET /_sandbox/requests on the service's host).
func sandboxRequests(t *testing.T, serviceURL string) []inspect.Request {
	t.Helper()
	u, err := url.Parse(serviceURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path, u.RawQuery = inspect.Prefix+"requests", ""
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reqs []inspect.Request
	if err := json.NewDecoder(resp.Body).Decode(&reqs); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("request log of %s: HTTP %d, %v", serviceURL, resp.StatusCode, err)
	}
	return reqs
}

// emptyStore puts a zero-byte store file in the CLI's data directory.
func (c *cli) emptyStore() string {
	c.t.Helper()
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		c.t.Fatal(err)
	}
	path := filepath.Join(c.dir, store.FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// assertDamagedMessage checks the Dutch message about an empty store.
func assertDamagedMessage(t *testing.T, args []string, errOut, path string) {
	t.Helper()
	for _, want := range []string{
		"De opslag van Koppeling (" + path + ") is beschadigd: het bestand is leeg.",
		"Er is niets verstuurd.",
		"Zet een reservekopie van dit bestand terug",
		"`koppeling store reset`",
		"koppeling.db.beschadigd-",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
		}
	}
}

func TestCommandsOnAnEmptyStoreStopAndSendNothing(t *testing.T) {
	c := newCLI(t)
	path := c.emptyStore()
	for _, args := range [][]string{
		{"sync", "--once"}, {"sync", "--once", "--dry-run"}, {"settings", "get"},
		{"settings", "set", "export.template", "Standaard"}, {"log"},
	} {
		out, errOut, code := c.run(nil, "", args...)
		if code != exitCannotRun {
			t.Errorf("%v: exit %d, want 2\n%s\n%s", args, code, out, errOut)
		}
		assertDamagedMessage(t, args, errOut, path)
	}
	for name, u := range map[string]string{"e-Boekhouden": c.sb.EBoekhoudenURL, "OutSmart": c.sb.OutSmartURL} {
		if reqs := sandboxRequests(t, u); len(reqs) != 0 {
			t.Errorf("%s got %d requests: %+v", name, len(reqs), reqs)
		}
	}
	entries, _ := os.ReadDir(c.dir)
	if len(entries) != 1 {
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		t.Errorf("data directory holds %v, want only the store file", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty store was changed: %v %v", fi, err)
	}
}

// TestDesktopAppDoesNotStartOnAnEmptyStore starts the desktop app in this
// process on an empty store, with and without --tray: it prints the Dutch
// message, shows the window about it (while holding the instance claim, so
// that a second start finds it), sends nothing and exits 2.
func TestDesktopAppDoesNotStartOnAnEmptyStore(t *testing.T) {
	c := newCLI(t)
	path := c.emptyStore()
	vars := map[string]string{envDataDir: c.dir, "DISPLAY": ":0", envKeychainService: "nl.koppeling.test.cli"}
	var shown []*store.DamagedError
	defer func(real func(env, *store.DamagedError, *instance.Instance)) { damagedStoreWindow = real }(damagedStoreWindow)
	damagedStoreWindow = func(_ env, d *store.DamagedError, _ *instance.Instance) {
		shown = append(shown, d)
		if claim, err := instance.Acquire(c.dir); !errors.Is(err, instance.ErrRunning) {
			if claim != nil {
				claim.Close()
			}
			t.Errorf("while the window is shown, a second start can claim the data directory: %v", err)
		}
	}
	for _, args := range [][]string{{}, {"--tray"}} {
		shown = nil
		var stdout, stderr bytes.Buffer
		e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
		if code := run(args, e); code != exitCannotRun {
			t.Fatalf("%v: exit %d, want 2\n%s", args, code, stderr.String())
		}
		assertDamagedMessage(t, args, stderr.String(), path)
		if len(shown) != 1 || shown[0].Path != path || shown[0].Problem != store.ProblemEmpty {
			t.Errorf("%v: window shown for %+v, want once for the empty %s", args, shown, path)
		}
		claim, err := instance.Acquire(c.dir)
		if err != nil {
			t.Fatalf("%v: the claim is kept after the window closed: %v", args, err)
		}
		claim.Close()
	}
	if reqs := sandboxRequests(t, c.sb.EBoekhoudenURL); len(reqs) != 0 {
		t.Errorf("e-Boekhouden got %d requests", len(reqs))
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty store was changed: %v %v", fi, err)
	}
}

func TestStoreResetKeepsACopyAndStartsOver(t *testing.T) {
	c := newCLI(t)
	path := c.emptyStore()
	out, errOut, code := c.run(nil, "", "store", "reset")
	if code != exitOK {
		t.Fatalf("store reset: exit %d\n%s\n%s", code, out, errOut)
	}
	copies, _ := filepath.Glob(path + store.BackupInfix + "*")
	if len(copies) != 1 || !strings.Contains(out, "Het oude bestand is bewaard als "+copies[0]) || !strings.Contains(out, "het bestand is leeg") {
		t.Fatalf("copies %v, output:\n%s", copies, out)
	}
	if fi, err := os.Stat(copies[0]); err != nil || fi.Size() != 0 {
		t.Fatalf("the copy is not the damaged file: %v %v", fi, err)
	}
	out, errOut, code = c.run(nil, "", "settings", "get")
	if code != exitOK || !strings.Contains(out, "export.workflow_status=1 naar E-boekhouden") {
		t.Fatalf("settings get after reset: exit %d\n%s\n%s", code, out, errOut)
	}

	// A healthy store can be reset too; its copy keeps its settings.
	c.run(nil, "", "settings", "set", "export.template", "Oud")
	if _, errOut, code := c.run(nil, "", "store", "reset"); code != exitOK {
		t.Fatalf("reset of a healthy store: exit %d %s", code, errOut)
	}
	if out, _, _ := c.run(nil, "", "settings", "get", "export.template"); strings.TrimSpace(out) != "" {
		t.Errorf("template after reset = %q, want the default", out)
	}
	copies, _ = filepath.Glob(path + store.BackupInfix + "*")
	if len(copies) < 2 {
		t.Fatalf("copies after the second reset: %v", copies)
	}

	// While a sync holds the run lock, nothing is moved.
	st, err := store.Open(context.Background(), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.LockRun(context.Background(), "other-host:1"); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = c.run(nil, "", "store", "reset")
	if code != exitCannotRun || !strings.Contains(errOut, "er loopt nu een synchronisatie") || !strings.Contains(errOut, "Er is niets veranderd") {
		t.Fatalf("reset during a sync: exit %d\n%s", code, errOut)
	}
	if again, _ := filepath.Glob(path + store.BackupInfix + "*"); len(again) != len(copies) {
		t.Fatalf("a reset during a sync moved the store: %v", again)
	}
	// While the desktop app runs, nothing is moved either.
	st.Close()
	claim, err := instance.Acquire(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code = c.run(nil, "", "store", "reset")
	claim.Close()
	if code != exitCannotRun || !strings.Contains(errOut, "Koppeling draait nog") {
		t.Fatalf("reset while the app runs: exit %d\n%s", code, errOut)
	}
	if again, _ := filepath.Glob(path + store.BackupInfix + "*"); len(again) != len(copies) {
		t.Fatalf("a reset while the app runs moved the store: %v", again)
	}
	for _, args := range [][]string{{"store"}, {"store", "wipe"}, {"store", "reset", "now"}} {
		if _, _, code := c.run(nil, "", args...); code != exitCannotRun {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
