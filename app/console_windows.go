//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole connects a command-line command to the console it was
// typed in. The Windows build is a GUI-subsystem program (no console
// window for the tray app), so without this its output would go nowhere.
func attachConsole() {
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS
	proc := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := proc.Call(attachParentProcess); r == 0 {
		return // started without a console (e.g. redirected): keep the handles
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if os.Stdout == nil || os.Stdout.Fd() == uintptr(syscall.InvalidHandle) || os.Stdout.Fd() == 0 {
			os.Stdout = f
		}
		if os.Stderr == nil || os.Stderr.Fd() == uintptr(syscall.InvalidHandle) || os.Stderr.Fd() == 0 {
			os.Stderr = f
		}
	}
}
