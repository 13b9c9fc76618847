//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package secrets

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sessionAvailable reports ErrNoSession when there is no D-Bus session bus
// to find the Secret Service on. go-keyring would then "autolaunch" one:
// it starts dbus-launch, whose dbus-daemon (and the gnome-keyring-daemon
// it activates) never exit, one pair per command. The places looked at are
// those of github.com/godbus/dbus's own discovery: DBUS_SESSION_BUS_ADDRESS,
// then /run/user/<uid>/bus and /run/user/<uid>/dbus-session.
func sessionAvailable() error {
	if a := strings.TrimSpace(os.Getenv("DBUS_SESSION_BUS_ADDRESS")); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return ErrNoSession
}

// isUnixKeychain: the keychain is the Secret Service on D-Bus.
func isUnixKeychain() bool { return true }
