package secrets

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

var sample = Credentials{
	EBoekhoudenUsername: "installatie", EBoekhoudenSecurityCode1: "0123456789abcdef0123456789abcdef",
	EBoekhoudenSecurityCode2: "01234567-89AB-CDEF-0123-456789ABCDEF", OutSmartCompanyID: "6416759",
	OutSmartToken: "5a696eb802c7ad9a478b43c233a71bb296aec56b6194486e89e24d85681f29bd", OutSmartSoftwareToken: "c316c4532fa7cccdcd572491d9552f80945a5136",
}

func noEnv(string) string { return "" }

func TestVaultRoundTripAndEnvOverrides(t *testing.T) {
	kc := &MemoryKeychain{}
	v := &Vault{Keychain: kc, Getenv: noEnv}
	if c, src, err := v.Load(); err != nil || c != (Credentials{}) || src.Keychain {
		t.Fatalf("empty keychain: %v %+v %v", c, src, err)
	}
	in := sample
	in.EBoekhoudenUsername = "  installatie \n"
	if err := v.Save(in); err != nil {
		t.Fatal(err)
	}
	c, src, err := v.Load()
	if err != nil || c != sample || !src.Keychain || len(src.Env) != 0 {
		t.Fatalf("round trip: %v %+v %v", c, src, err)
	}

	env := map[string]string{EnvOutSmartToken: "envtoken123", EnvEBoekhoudenUsername: "ander"}
	v.Getenv = func(k string) string { return env[k] }
	c, src, _ = v.Load()
	if c.OutSmartToken != "envtoken123" || c.EBoekhoudenUsername != "ander" || c.EBoekhoudenSecurityCode1 != sample.EBoekhoudenSecurityCode1 || len(src.Env) != 2 {
		t.Fatalf("env overrides: %+v %+v", c, src)
	}

	if err := v.Delete(); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestVaultUnreachableKeychain(t *testing.T) {
	kc := &MemoryKeychain{Err: errors.New("org.freedesktop.secrets not provided")}
	v := &Vault{Keychain: kc, Getenv: noEnv}
	if _, _, err := v.Load(); !errors.Is(err, ErrKeychain) {
		t.Fatalf("Load with a dead keychain: %v", err)
	}
	if err := v.Save(sample); !errors.Is(err, ErrKeychain) {
		t.Fatalf("Save with a dead keychain: %v", err)
	}
	// A headless machine with every value in the environment runs anyway.
	env := map[string]string{
		EnvEBoekhoudenUsername: "u", EnvEBoekhoudenSecurityCode1: "c1c1", EnvEBoekhoudenSecurityCode2: "c2c2",
		EnvOutSmartToken: "tttt", EnvOutSmartSoftwareToken: "ssss",
	}
	v.Getenv = func(k string) string { return env[k] }
	if c, _, err := v.Load(); err != nil || !c.EBoekhoudenComplete() || !c.OutSmartComplete() {
		t.Fatalf("env-only: %v %v", c, err)
	}
}

func TestVaultCorruptItemDoesNotLeak(t *testing.T) {
	kc := &MemoryKeychain{}
	kc.Set(Service, Account, `{"eb_security_code_1":"geheim-geheim"`)
	v := &Vault{Keychain: kc, Getenv: noEnv}
	_, _, err := v.Load()
	if !errors.Is(err, ErrKeychain) || strings.Contains(err.Error(), "geheim") {
		t.Fatalf("corrupt item: %v", err)
	}
}

func TestDefaultSoftwareToken(t *testing.T) {
	v := &Vault{Keychain: &MemoryKeychain{}, Getenv: noEnv, DefaultSoftwareToken: "buildtoken"}
	c, _, _ := v.Load()
	if c.OutSmartSoftwareToken != "buildtoken" {
		t.Fatalf("default software token not used: %q", c.OutSmartSoftwareToken)
	}
}

func TestCredentialsNeverFormatSecrets(t *testing.T) {
	for _, out := range []string{fmt.Sprint(sample), fmt.Sprintf("%v %+v %#v %s", sample, sample, sample, sample)} {
		for _, secret := range sample.Secrets() {
			if strings.Contains(out, secret) {
				t.Fatalf("formatted credentials contain a secret: %s", out)
			}
		}
		if !strings.Contains(out, "installatie") {
			t.Fatalf("username missing: %s", out)
		}
	}
}

// TestOSKeychain stores, reads and deletes the credentials in the real
// Secret Service. `make test` runs the suite under dbus-run-session with an
// unlocked gnome-keyring-daemon and sets KOPPELING_TEST_KEYCHAIN=1, which
// turns a missing keychain from a skip into a failure.
func TestOSKeychain(t *testing.T) {
	v := &Vault{Keychain: OSKeychain{}, Service: "nl.koppeling.test", Getenv: noEnv}
	if _, _, err := v.Load(); err != nil {
		if os.Getenv("KOPPELING_TEST_KEYCHAIN") == "1" {
			t.Fatalf("real keychain required but unreachable: %v", err)
		}
		t.Skipf("no keychain here (%v); make test provides one", err)
	}
	t.Cleanup(func() { _ = v.Delete() })
	if err := v.Save(sample); err != nil {
		t.Fatal(err)
	}
	got, src, err := v.Load()
	if err != nil || got != sample || !src.Keychain {
		t.Fatalf("read back: %v %+v %v", got, src, err)
	}
	changed := sample
	changed.OutSmartToken = "nieuw-token-0000"
	if err := v.Save(changed); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := v.Load(); got.OutSmartToken != "nieuw-token-0000" {
		t.Fatal("second save did not replace the item")
	}
	if err := v.Delete(); err != nil {
		t.Fatal(err)
	}
	if got, src, err := v.Load(); err != nil || src.Keychain || got.OutSmartToken != "" {
		t.Fatalf("after delete: %v %+v %v", got, src, err)
	}
}
