package secrets

import (
	"errors"
	"fmt"
	"os"
	"slices"
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
	rest := sample
	rest.EBoekhoudenAPIToken = "eyJhcGl0b2tlbiI6ImtvcHBlbGluZyJ9"
	for _, c := range []Credentials{sample, rest} {
		for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
			for _, secret := range c.Secrets() {
				if secret != "" && strings.Contains(out, secret) {
					t.Fatalf("formatted credentials contain a secret: %s", out)
				}
			}
			if !strings.Contains(out, "installatie") {
				t.Fatalf("username missing: %s", out)
			}
		}
	}
}

// TestRoadFollowsTheToken: an API token makes the REST road, on which the
// three SOAP values are not needed; without one the SOAP road needs all
// three, and KOPPELING_EB_API_TOKEN sets the token on a headless machine.
func TestRoadFollowsTheToken(t *testing.T) {
	soap := sample
	if soap.EBoekhoudenREST() || !soap.EBoekhoudenComplete() {
		t.Fatalf("SOAP credentials: REST %v, complete %v", soap.EBoekhoudenREST(), soap.EBoekhoudenComplete())
	}
	soap.EBoekhoudenSecurityCode2 = ""
	if soap.EBoekhoudenComplete() {
		t.Fatal("SOAP credentials without security code 2 count as complete")
	}
	tokenOnly := Credentials{EBoekhoudenAPIToken: "tok"}
	if !tokenOnly.EBoekhoudenREST() || !tokenOnly.EBoekhoudenComplete() {
		t.Fatal("an API token alone does not make the REST road complete")
	}
	env := map[string]string{EnvEBoekhoudenAPIToken: " apitoken ", EnvOutSmartToken: "t", EnvOutSmartSoftwareToken: "s"}
	v := &Vault{Keychain: &MemoryKeychain{}, Getenv: func(k string) string { return env[k] }}
	if !v.EnvComplete() {
		t.Fatal("API token and OutSmart tokens in the environment are not complete")
	}
	c, src, err := v.Load()
	if err != nil || c.EBoekhoudenAPIToken != "apitoken" || !slices.Contains(src.Env, EnvEBoekhoudenAPIToken) {
		t.Fatalf("Load: %q %v %v", c.EBoekhoudenAPIToken, src.Env, err)
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

// TestProblemSaysTheCauseInEitherLanguage: a keychain failure reads as its
// cause with what to do, in Dutch as the error did and in English for an
// English window; an unknown cause shows the keychain's own (redacted)
// text; no rendering holds a credential.
func TestProblemSaysTheCauseInEitherLanguage(t *testing.T) {
	corrupt := &MemoryKeychain{}
	corrupt.Set(Service, Account, `{"os_token":"`+sample.OutSmartToken+`"`)
	_, _, unreadable := (&Vault{Keychain: corrupt, Getenv: noEnv}).Load()
	_, _, unknown := (&Vault{Keychain: &MemoryKeychain{Err: errors.New("dbus: strange failure")}, Getenv: noEnv}).Load()
	leaky := &MemoryKeychain{Err: fmt.Errorf("refused %s", sample.OutSmartToken)}
	saveErr := (&Vault{Keychain: leaky, Getenv: noEnv}).Save(sample)
	for _, c := range []struct {
		name   string
		err    error
		nl, en string
	}{
		{"timeout", fmt.Errorf("%w: %w", ErrKeychain, fmt.Errorf("%w (geen antwoord binnen 5s)", ErrKeychainTimeout)),
			"de sleutelbos van het systeem is niet bereikbaar: de sleutelbos antwoordt niet",
			"the system keychain cannot be reached: the keychain does not answer"},
		{"no session", fmt.Errorf("%w: %w", ErrKeychain, ErrNoSession), "er is geen D-Bus-sessie", "there is no D-Bus session"},
		{"no service", ErrNoSecretService, "er draait geen sleutelbosdienst", "no keychain service is running"},
		{"locked", fmt.Errorf("%w (x)", ErrKeychainLocked), "de sleutelbos is vergrendeld", "the keychain is locked"},
		{"unreadable", unreadable, "het opgeslagen item is onleesbaar", "the stored item cannot be read"},
		{"unknown", unknown, "de sleutelbos van het systeem is niet bereikbaar: dbus: strange failure",
			"the system keychain cannot be reached: dbus: strange failure"},
		{"save", saveErr, "niet bereikbaar: refused", "cannot be reached: refused"},
	} {
		p := Problem(c.err)
		nl, en := p.Render("nl"), p.Render("en")
		if !strings.Contains(nl, c.nl) || !strings.Contains(en, c.en) {
			t.Errorf("%s: Dutch %q, English %q; want %q and %q", c.name, nl, en, c.nl, c.en)
		}
		if strings.Contains(nl+en, sample.OutSmartToken) {
			t.Errorf("%s: a credential in %q / %q", c.name, nl, en)
		}
	}
}

// TestAdministrationTravelsWithTheCodes: the linked administration is kept
// with the credentials, shown by String (it is no secret), never counted as
// a secret, and KOPPELING_EB_ADMINISTRATION overrides it; the kept name
// then no longer applies.
func TestAdministrationTravelsWithTheCodes(t *testing.T) {
	const guid = "5A0E7C61-3B2D-4F8E-A1C9-64D2B0E8F317"
	in := sample
	in.EBoekhoudenAdministration = " " + guid + " "
	in.EBoekhoudenAdministrationName = "Loodgietersbedrijf Jansen, Zwolle"
	v := &Vault{Keychain: &MemoryKeychain{}, Getenv: noEnv}
	if err := v.Save(in); err != nil {
		t.Fatal(err)
	}
	c, _, err := v.Load()
	if err != nil || c.EBoekhoudenAdministration != guid || c.EBoekhoudenAdministrationName != in.EBoekhoudenAdministrationName {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	if slices.Contains(c.Secrets(), guid) || len(c.Secrets()) != len(sample.Secrets()) {
		t.Errorf("Secrets() = %d values, want the %d of the codes and tokens only", len(c.Secrets()), len(sample.Secrets()))
	}
	if out := fmt.Sprintf("%v %+v %#v", c, c, c); !strings.Contains(out, guid) {
		t.Errorf("String does not name the administration: %s", out)
	}
	for _, secret := range c.Secrets() {
		if strings.Contains(c.String(), secret) {
			t.Fatalf("String holds a secret: %s", c.String())
		}
	}

	// The same GUID from the environment keeps the name; another one drops it.
	for _, tc := range []struct{ env, wantName string }{
		{strings.ToLower(guid), in.EBoekhoudenAdministrationName},
		{"00000000-1111-2222-3333-444444444444", ""},
	} {
		v.Getenv = func(k string) string {
			if k == EnvEBoekhoudenAdministration {
				return tc.env
			}
			return ""
		}
		c, src, _ := v.Load()
		if c.EBoekhoudenAdministration != tc.env || c.EBoekhoudenAdministrationName != tc.wantName || !slices.Contains(src.Env, EnvEBoekhoudenAdministration) {
			t.Errorf("env %s: administration %q name %q (%v)", tc.env, c.EBoekhoudenAdministration, c.EBoekhoudenAdministrationName, src.Env)
		}
	}
}
