//go:build !windows && !darwin

package autostart

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestXDGEnableDisable writes and removes the real entry under a temporary
// XDG_CONFIG_HOME.
func TestXDGEnableDisable(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	path := filepath.Join(config, "autostart", "koppeling.desktop")
	if got, err := Location(); err != nil || got != path {
		t.Fatalf("Location() = %q, %v; want %q", got, err, path)
	}
	assertEnabled(t, false)
	if err := Disable(); err != nil {
		t.Fatalf("Disable without an entry: %v", err)
	}

	const exe = "/home/jan de vries/.local/bin/koppeling"
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, true)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := DesktopEntry(exe)
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant:\n%s", path, got, want)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode of %s: %v, %v; want 0644", path, info.Mode(), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("autostart folder holds %d files, want only the entry (no temporary files left)", len(entries))
	}
	if validate, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(validate, path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
		}
	} else {
		t.Log("desktop-file-validate not installed (Debian: desktop-file-utils): entry not validated")
	}

	// A desktop that switches the entry off keeps the file.
	if err := os.WriteFile(path, append(got, []byte("Hidden=true\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, false)
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, true)

	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s still there after Disable: %v", path, err)
	}
	assertEnabled(t, false)
}

// TestXDGConfigHomeFallback: an unset or relative XDG_CONFIG_HOME means
// $HOME/.config, which Enable creates when it is missing.
func TestXDGConfigHomeFallback(t *testing.T) {
	for _, value := range []string{"", "relative/config"} {
		home := t.TempDir()
		t.Setenv("HOME", home)
		t.Setenv("XDG_CONFIG_HOME", value)
		if err := Enable("/usr/local/bin/koppeling"); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(home, ".config", "autostart", "koppeling.desktop")
		if _, err := os.Stat(path); err != nil {
			t.Errorf("XDG_CONFIG_HOME=%q: %v", value, err)
		}
		if err := Disable(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("XDG_CONFIG_HOME=%q: %s still there after Disable", value, path)
		}
	}
}

func TestXDGEnableRefusesRelativePath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if err := Enable("koppeling"); err == nil {
		t.Fatal("Enable accepted a relative path")
	}
	assertEnabled(t, false)
}

func assertEnabled(t *testing.T, want bool) {
	t.Helper()
	got, err := Enabled()
	if err != nil || got != want {
		t.Fatalf("Enabled() = %v, %v; want %v", got, err, want)
	}
}
