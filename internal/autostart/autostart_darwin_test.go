package autostart

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLaunchAgentEnableDisable writes and removes the real LaunchAgent under
// a temporary HOME.
func TestLaunchAgentEnableDisable(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	path := filepath.Join(home, "Library", "LaunchAgents", "nl.koppeling.desktop.plist")
	if got, err := Location(); err != nil || got != path {
		t.Fatalf("Location() = %q, %v; want %q", got, err, path)
	}
	assertEnabled(t, false)

	const exe = "/Applications/Koppeling.app/Contents/MacOS/koppeling"
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, true)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := LaunchAgent(exe)
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant:\n%s", path, got, want)
	}
	if out, err := exec.Command("plutil", "-lint", path).CombinedOutput(); err != nil {
		t.Errorf("plutil -lint: %v\n%s", err, out)
	}

	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s still there after Disable", path)
	}
	assertEnabled(t, false)
	if err := Disable(); err != nil {
		t.Errorf("Disable without a LaunchAgent: %v", err)
	}
}

func assertEnabled(t *testing.T, want bool) {
	t.Helper()
	got, err := Enabled()
	if err != nil || got != want {
		t.Fatalf("Enabled() = %v, %v; want %v", got, err, want)
	}
}
