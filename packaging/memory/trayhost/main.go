// Command trayhost is the system tray of packaging/memory/measure.sh: a
// StatusNotifierWatcher with a registered host on the session bus, as a
// desktop panel provides, so that Koppeling sets up its tray icon and
// closing its window hides it into the tray, as on a desktop with a tray.
// It takes the icons' registrations and shows nothing.
//
//	trayhost READY-FILE
//
// It creates READY-FILE once it owns the watcher's name, and runs until its
// D-Bus session ends.
package main

import (
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// watcher takes the registrations of icons and hosts.
type watcher struct{}

func (watcher) RegisterStatusNotifierItem(dbus.Sender, string) *dbus.Error { return nil }

func (watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trayhost READY-FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "trayhost:", err)
		os.Exit(1)
	}
}

func run(ready string) error {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("connect to the session bus: %w", err)
	}
	const name, path, iface = "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"
	if err := conn.Export(watcher{}, path, iface); err != nil {
		return fmt.Errorf("export the watcher: %w", err)
	}
	if _, err := prop.Export(conn, path, prop.Map{iface: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"ProtocolVersion":                {Value: int32(0)},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
	}}); err != nil {
		return fmt.Errorf("export the watcher's properties: %w", err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("own %s: reply %v, %v", name, reply, err)
	}
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		return err
	}
	<-conn.Context().Done() // the session ended
	return nil
}
