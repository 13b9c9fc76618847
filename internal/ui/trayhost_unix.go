//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/godbus/dbus/v5"
)

// busTimeout bounds every call Koppeling itself makes on the session bus.
const busTimeout = 3 * time.Second

// errNoSessionBus: there is no D-Bus session to talk to. Connecting anyway
// would make godbus start a dbus-daemon of its own, which outlives the app.
var errNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does not exist)")

// sessionBus is the shared session bus connection, without starting one.
func sessionBus() (*dbus.Conn, error) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		dir := os.Getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			return nil, errNoSessionBus
		}
		if _, err := os.Stat(filepath.Join(dir, "bus")); err != nil {
			return nil, errNoSessionBus
		}
	}
	return dbus.SessionBus()
}

// TrayHostPresent reports whether a system tray will show Koppeling's
// icon: on Linux and the BSDs that takes a StatusNotifierWatcher on the
// session bus with a registered host (a panel that shows the icons). Stock
// GNOME, i3 and a bare X server have none.
func TrayHostPresent() (bool, error) {
	conn, err := sessionBus()
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), busTimeout)
	defer cancel()
	var owned bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0,
		"org.kde.StatusNotifierWatcher").Store(&owned); err != nil {
		return false, fmt.Errorf("ask the session bus for a StatusNotifierWatcher: %w", err)
	}
	if !owned {
		return false, nil
	}
	var host dbus.Variant
	if err := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").CallWithContext(ctx,
		"org.freedesktop.DBus.Properties.Get", 0, "org.kde.StatusNotifierWatcher",
		"IsStatusNotifierHostRegistered").Store(&host); err != nil {
		return false, fmt.Errorf("ask the StatusNotifierWatcher for a host: %w", err)
	}
	registered, _ := host.Value().(bool)
	return registered, nil
}
