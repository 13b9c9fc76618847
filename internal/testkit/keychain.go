package testkit

// This file owns the keychain a test keeps its credentials in.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/secrets"
)

// nonName is what a keychain service name built from a test's name leaves
// out.
var nonName = regexp.MustCompile(`[^A-Za-z0-9]+`)

// OSVault is a vault on the OS keychain that ignores the environment. With
// service "" its item is the test's own, "nl.koppeling.test.", the tested
// package's name and the test's name (go test runs packages side by side,
// and two may have a test of the same name), emptied first of what an earlier run left; a given service is used
// as it is (to start again on the item of an earlier vault, as a restarted
// app does). The item is deleted when the test ends. Where there is no
// keychain the test is skipped, unless KOPPELING_TEST_KEYCHAIN=1 (which make
// test sets, with a keychain in a D-Bus session) makes that a failure.
func OSVault(tb testing.TB, service string) *secrets.Vault {
	tb.Helper()
	reuse := service != ""
	if !reuse {
		service = "nl.koppeling.test." + testedPackage() + "." + nonName.ReplaceAllString(tb.Name(), "-")
	}
	v := &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: service, Getenv: func(string) string { return "" }}
	if !reuse {
		if err := v.Delete(); err != nil {
			if os.Getenv("KOPPELING_TEST_KEYCHAIN") == "1" {
				tb.Fatalf("keychain: %v", err)
			}
			tb.Skipf("no keychain here (make test provides one): %v", err)
		}
	}
	tb.Cleanup(func() { _ = v.Delete() })
	return v
}

// testedPackage is the name of the package under test, from the name of the
// test binary ("ui.test", "ui.test.exe").
func testedPackage() string {
	name := filepath.Base(os.Args[0])
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".exe"), ".test")
	return nonName.ReplaceAllString(name, "-")
}
