package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/store"
)

// TestSettingsNamesItsStoreAndReadsTheDemos: settings get names the store
// on stderr and keeps stdout to KEY=VALUE lines; --demo reads and writes
// the demo's store (<config>/Koppeling-demo), not the real one.
func TestSettingsNamesItsStoreAndReadsTheDemos(t *testing.T) {
	c := newCLI(t)
	config := t.TempDir()
	c.env = append(withoutEnv(c.env, "KOPPELING_DATA_DIR", "XDG_CONFIG_HOME", "HOME"), "XDG_CONFIG_HOME="+config, "HOME="+config)
	realPath := filepath.Join(config, "Koppeling", store.FileName)
	demoPath := filepath.Join(config, "Koppeling-demo", store.FileName)

	if _, errOut, code := c.run(nil, "", "settings", "--demo", "set", "export.payment_term_days", "21"); code != 0 {
		t.Fatalf("settings --demo set: exit %d\n%s", code, errOut)
	}
	out, errOut, code := c.run(nil, "", "settings", "--demo", "get", "export.payment_term_days")
	if code != 0 || strings.TrimSpace(out) != "21" {
		t.Fatalf("settings --demo get KEY: exit %d, stdout %q\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, demoPath) {
		t.Errorf("settings --demo get does not name %s on stderr: %q", demoPath, errOut)
	}
	out, errOut, code = c.run(nil, "", "settings", "get")
	if code != 0 || !strings.Contains(errOut, realPath) || strings.Contains(out, realPath) {
		t.Fatalf("settings get: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(line, "=") {
			t.Errorf("stdout line without KEY=VALUE: %q", line)
		}
	}
	if !strings.Contains(out, "export.payment_term_days=14\n") {
		t.Errorf("the real store took the demo's value:\n%s", out)
	}
	if _, err := os.Stat(demoPath); err != nil {
		t.Errorf("demo store: %v", err)
	}
}

// TestRefusedLongValueIsQuotedShort: the command line does not echo a
// refused 10 KB value back whole.
func TestRefusedLongValueIsQuotedShort(t *testing.T) {
	c := newCLI(t)
	long := strings.Repeat("Sjabloon", 1250)
	_, errOut, code := c.run(nil, "", "settings", "set", "export.template", long)
	if code != exitCannotRun {
		t.Fatalf("long template accepted: exit %d", code)
	}
	if len(errOut) > 500 || !strings.Contains(errOut, "…") || !strings.Contains(errOut, "50 tekens") {
		t.Fatalf("refusal of a 10 KB value is %d bytes: %.300s", len(errOut), errOut)
	}
	_, errOut, _ = c.run(nil, "", "settings", "set", "export.max_line_amount", "0,00001")
	if !strings.Contains(errOut, "hoogstens 2 decimalen") {
		t.Errorf("0,00001 as an amount: %s", errOut)
	}
}
