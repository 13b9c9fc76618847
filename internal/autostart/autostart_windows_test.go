package autostart

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// TestRunValueEnableDisable writes and removes a real Run value of the
// current user, under a name of its own so that the user's real "Koppeling"
// entry is never touched.
func TestRunValueEnableDisable(t *testing.T) {
	valueName = fmt.Sprintf("Koppeling-test-%d", os.Getpid())
	t.Cleanup(func() {
		_ = Disable()
		valueName = RunValueName
	})
	assertEnabled(t, false)

	const exe = `C:\Users\Jan de Vries\AppData\Local\Programs\Koppeling\Koppeling.exe`
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, true)
	k, err := registry.OpenKey(registry.CURRENT_USER, RunKey, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	got, typ, err := k.GetStringValue(valueName)
	k.Close()
	if want, _ := RunValue(exe); err != nil || got != want || typ != registry.SZ {
		t.Errorf("Run value = %q (type %d), %v; want %q (REG_SZ)", got, typ, err, want)
	}

	// Switched off in Task Manager: the Run value stays, StartupApproved says no.
	a, _, err := registry.CreateKey(registry.CURRENT_USER, StartupApprovedKey, registry.SET_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	err = a.SetBinaryValue(valueName, []byte{0x03, 0, 0, 0, 0x10, 0x2c, 0x5b, 0x3e, 0x1f, 0x5d, 0xdb, 0x01})
	a.Close()
	if err != nil {
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
	assertEnabled(t, false)
	if err := Disable(); err != nil {
		t.Errorf("Disable without a value: %v", err)
	}
	if loc, _ := Location(); loc != `HKCU\Software\Microsoft\Windows\CurrentVersion\Run\`+valueName {
		t.Errorf("Location() = %q", loc)
	}
}

func assertEnabled(t *testing.T, want bool) {
	t.Helper()
	got, err := Enabled()
	if err != nil || got != want {
		t.Fatalf("Enabled() = %v, %v; want %v", got, err, want)
	}
}

// TestRunValueSplitsBack checks the quoting against Windows' own parser
// (CommandLineToArgvW).
func TestRunValueSplitsBack(t *testing.T) {
	args := []string{"--hidden", "two words", "", `say "hi"`, `C:\dir\`, `a\\"b`, `C:\my dir\`}
	value, err := RunValue(`C:\Program Files\Koppeling\Koppeling.exe`, args...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := windows.DecomposeCommandLine(value)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{`C:\Program Files\Koppeling\Koppeling.exe`}, args...)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("DecomposeCommandLine(%s) = %q, want %q", value, got, want)
	}
}
