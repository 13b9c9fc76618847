package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// valueName is the Run value Enable, Disable and Enabled act on; the tests
// use their own so that they never touch the user's real entry.
var valueName = RunValueName

// Enable writes the Run value that starts exePath with args at logon and
// clears a "switched off" mark Task Manager may have left for it, so that the
// entry really runs again.
func Enable(exePath string, args ...string) error {
	data, err := RunValue(exePath, args...)
	if err != nil {
		return err
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, RunKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`autostart: open HKCU\%s: %w`, RunKey, err)
	}
	defer k.Close()
	if err := k.SetStringValue(valueName, data); err != nil {
		return fmt.Errorf(`autostart: write HKCU\%s\%s: %w`, RunKey, valueName, err)
	}
	return deleteValue(StartupApprovedKey, valueName)
}

// Disable removes the Run value and its StartupApproved mark; no value is not
// an error.
func Disable() error {
	return errors.Join(deleteValue(RunKey, valueName), deleteValue(StartupApprovedKey, valueName))
}

// Enabled reports whether the Run value exists and the user has not switched
// it off in Task Manager or Settings (StartupApproved).
func Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, RunKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`autostart: open HKCU\%s: %w`, RunKey, err)
	}
	defer k.Close()
	if _, _, err := k.GetStringValue(valueName); errors.Is(err, registry.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf(`autostart: read HKCU\%s\%s: %w`, RunKey, valueName, err)
	}
	a, err := registry.OpenKey(registry.CURRENT_USER, StartupApprovedKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf(`autostart: open HKCU\%s: %w`, StartupApprovedKey, err)
	}
	defer a.Close()
	mark, _, err := a.GetBinaryValue(valueName)
	if errors.Is(err, registry.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf(`autostart: read HKCU\%s\%s: %w`, StartupApprovedKey, valueName, err)
	}
	return !startupApprovedDisabled(mark), nil
}

// Location names the registry value, HKCU\...\Run\Koppeling.
func Location() (string, error) { return `HKCU\` + RunKey + `\` + valueName, nil }

// deleteValue removes one value of a key under HKEY_CURRENT_USER; a missing
// key or value is not an error.
func deleteValue(key, name string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, key, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf(`autostart: open HKCU\%s: %w`, key, err)
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf(`autostart: delete HKCU\%s\%s: %w`, key, name, err)
	}
	return nil
}
