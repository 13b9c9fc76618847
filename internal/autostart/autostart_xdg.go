//go:build !windows && !darwin

package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Enable writes the XDG autostart entry that starts exePath with args at
// login, replacing an older one (also one the desktop switched off).
func Enable(exePath string, args ...string) error {
	return writeEntry(DesktopEntry(exePath, args...))
}

// Enabled reports whether the XDG autostart entry exists and is not switched
// off (Hidden=true or X-GNOME-Autostart-enabled=false).
func Enabled() (bool, error) {
	path, err := Location()
	if err != nil {
		return false, err
	}
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: read %s: %w", path, err)
	}
	return entryEnabled(content), nil
}

// Location returns the path of the XDG autostart entry:
// $XDG_CONFIG_HOME/autostart/koppeling.desktop, with $HOME/.config when
// XDG_CONFIG_HOME is unset or not absolute (as the specification says).
func Location() (string, error) {
	config := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(config) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("autostart: find the home directory: %w", err)
		}
		config = filepath.Join(home, ".config")
	}
	return filepath.Join(config, "autostart", DesktopFileName), nil
}
