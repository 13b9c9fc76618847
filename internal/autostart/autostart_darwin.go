package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Enable writes the LaunchAgent that starts exePath with args when the user
// logs in. It is not loaded into the running session (launchctl), because
// that would start a second Koppeling next to the one calling Enable; launchd
// reads it at the next login.
func Enable(exePath string, args ...string) error {
	return writeEntry(LaunchAgent(exePath, args...))
}

// Enabled reports whether the LaunchAgent exists.
func Enabled() (bool, error) {
	path, err := Location()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("autostart: %w", err)
	}
}

// Location returns the LaunchAgent's path,
// ~/Library/LaunchAgents/nl.koppeling.desktop.plist.
func Location() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("autostart: find the home directory: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", LaunchAgentFileName), nil
}
