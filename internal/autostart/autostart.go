// Package autostart owns the "Start automatisch bij inloggen" setting as the
// operating system sees it: an entry that starts Koppeling when the user logs
// in. It writes the entry the way each platform expects:
//
//   - Windows: the value "Koppeling" under
//     HKCU\Software\Microsoft\Windows\CurrentVersion\Run (the same value the
//     installer's "start with Windows" option writes);
//   - macOS: a LaunchAgent, ~/Library/LaunchAgents/nl.koppeling.desktop.plist;
//   - Linux and the other Unix desktops: an XDG autostart entry,
//     $XDG_CONFIG_HOME/autostart/koppeling.desktop (~/.config/autostart).
//
// Enable, Disable and Enabled act on the current user only and need no
// administrator rights. Enable takes the program's absolute path (normally
// os.Executable()) and optionally arguments for the program (for instance a
// flag that starts it in the tray without a window). The content of each entry comes from a pure function
// (DesktopEntry, LaunchAgent, RunValue) so that it is tested on every
// platform. The package imports no UI toolkit.
package autostart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// Names shared with the installers (packaging/): they must write and remove
// exactly these entries.
const (
	// Name is what the user sees: the registry value name on Windows and the
	// Name of the XDG entry.
	Name = "Koppeling"
	// ID is the application ID of FyneApp.toml: the LaunchAgent's label and
	// file name, and the icon name of the XDG entry.
	ID = "nl.koppeling.desktop"
	// RunKey is the registry key (under HKEY_CURRENT_USER) of the programs
	// Windows starts at logon; RunValueName is Koppeling's value in it.
	RunKey       = `Software\Microsoft\Windows\CurrentVersion\Run`
	RunValueName = Name
	// StartupApprovedKey (under HKEY_CURRENT_USER) is where Windows records
	// that the user switched a Run entry off in Task Manager or Settings.
	StartupApprovedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`
	// DesktopFileName is the XDG autostart entry's file name.
	DesktopFileName = "koppeling.desktop"
	// LaunchAgentFileName is the LaunchAgent's file name.
	LaunchAgentFileName = ID + ".plist"
)

// ErrInvalidPath is returned when the program path cannot be written into an
// autostart entry: it is not absolute or contains control characters.
var ErrInvalidPath = errors.New("autostart: invalid program path")

// ErrInvalidArgument is returned for a program argument that contains a
// control character.
var ErrInvalidArgument = errors.New("autostart: invalid program argument")

// checkCommand refuses paths and arguments that no entry can represent
// safely.
func checkCommand(exePath string, args []string, absolute func(string) bool) error {
	if exePath == "" || !absolute(exePath) {
		return fmt.Errorf("%w: %q is not an absolute path", ErrInvalidPath, exePath)
	}
	if hasControl(exePath) {
		return fmt.Errorf("%w: %q contains a control character", ErrInvalidPath, exePath)
	}
	for _, a := range args {
		if hasControl(a) {
			return fmt.Errorf("%w: %q contains a control character", ErrInvalidArgument, a)
		}
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

func unixAbsolute(p string) bool { return strings.HasPrefix(p, "/") }

// windowsAbsolute reports whether p is a drive path (C:\...) or a UNC path
// (\\server\share\...), whatever the platform the check runs on.
func windowsAbsolute(p string) bool {
	if strings.HasPrefix(p, `\\`) {
		return true
	}
	if len(p) < 3 || p[1] != ':' || (p[2] != '\\' && p[2] != '/') {
		return false
	}
	c := p[0] | 0x20
	return c >= 'a' && c <= 'z'
}

// DesktopEntry returns the XDG autostart entry that starts exePath (an
// absolute Unix path) with args, with Exec quoted and escaped as the Desktop Entry
// Specification says. It declares version 1.4, the newest that Debian 12's
// desktop-file-validate knows; 1.5 changed nothing used here.
func DesktopEntry(exePath string, args ...string) ([]byte, error) {
	if err := checkCommand(exePath, args, unixAbsolute); err != nil {
		return nil, err
	}
	words := []string{execQuote(exePath)}
	for _, a := range args {
		words = append(words, execQuote(a))
	}
	var b bytes.Buffer
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.4\n")
	b.WriteString("Name=" + Name + "\n")
	b.WriteString("Comment=Links e-Boekhouden.nl with OutSmart\n")
	b.WriteString("Comment[nl]=Koppelt e-Boekhouden.nl met OutSmart\n")
	b.WriteString("Exec=" + escapeString(strings.Join(words, " ")) + "\n")
	b.WriteString("Icon=" + ID + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return b.Bytes(), nil
}

// execReserved are the characters that make an Exec argument need quotes.
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

// execQuote quotes one Exec argument: inside double quotes the characters ",
// `, $ and \ take a backslash; a literal % is always written %%.
func execQuote(arg string) string {
	arg = strings.ReplaceAll(arg, "%", "%%")
	if arg != "" && !strings.ContainsAny(arg, execReserved) {
		return arg
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range arg {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// escapeString applies the escapes of a desktop entry's string values (the
// backslash itself; control characters are refused earlier).
func escapeString(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

// entryEnabled reports whether an XDG autostart entry is active: desktops
// switch an entry off with Hidden=true or X-GNOME-Autostart-enabled=false
// instead of deleting it.
func entryEnabled(content []byte) bool {
	inMain := false
	for _, line := range strings.Split(string(content), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inMain = line == "[Desktop Entry]"
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !inMain || !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Hidden":
			if strings.TrimSpace(value) == "true" {
				return false
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(value) == "false" {
				return false
			}
		}
	}
	return true
}

// LaunchAgent returns the launchd property list that starts exePath (an
// absolute path, normally .../Koppeling.app/Contents/MacOS/koppeling) with
// args once when the user logs in to the graphical session.
func LaunchAgent(exePath string, args ...string) ([]byte, error) {
	if err := checkCommand(exePath, args, unixAbsolute); err != nil {
		return nil, err
	}
	var program bytes.Buffer
	for _, word := range append([]string{exePath}, args...) {
		program.WriteString("\t\t<string>")
		if err := xml.EscapeText(&program, []byte(word)); err != nil {
			return nil, fmt.Errorf("autostart: escape %q: %w", word, err)
		}
		program.WriteString("</string>\n")
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<plist version="1.0">` + "\n")
	b.WriteString("<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t<string>" + ID + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n" + program.String() + "\t</array>\n")
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Interactive</string>\n")
	b.WriteString("\t<key>LimitLoadToSessionType</key>\n\t<string>Aqua</string>\n")
	b.WriteString("</dict>\n")
	b.WriteString("</plist>\n")
	return b.Bytes(), nil
}

// RunValue returns the data of the registry Run value that starts exePath (an
// absolute Windows path) with args: the path in double quotes, so that a path
// with spaces (C:\Users\Jan de Vries\...) is one program, not a program and
// arguments, then each argument quoted the way the program's command line is
// split again (CommandLineToArgvW, Go's os.Args).
func RunValue(exePath string, args ...string) (string, error) {
	if err := checkCommand(exePath, args, windowsAbsolute); err != nil {
		return "", err
	}
	if strings.Contains(exePath, `"`) {
		return "", fmt.Errorf("%w: %q contains a double quote", ErrInvalidPath, exePath)
	}
	words := []string{`"` + exePath + `"`}
	for _, a := range args {
		words = append(words, windowsQuote(a))
	}
	return strings.Join(words, " "), nil
}

// windowsQuote quotes one command-line argument for CommandLineToArgvW: in
// double quotes when it is empty or holds a space, tab or quote, with the
// backslashes before a quote (and before the closing quote) doubled.
func windowsQuote(arg string) string {
	if arg != "" && !strings.ContainsAny(arg, " \t\"") {
		return arg
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(arg); i++ {
		switch c := arg[i]; c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1)) // slashes were written already
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(arg[i])
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}

// startupApprovedDisabled reports whether a StartupApproved\Run value marks
// the entry as switched off: Windows sets the lowest bit of its first byte
// (02 = on, 03 = off, followed by the time of the change).
func startupApprovedDisabled(b []byte) bool { return len(b) > 0 && b[0]&1 == 1 }
