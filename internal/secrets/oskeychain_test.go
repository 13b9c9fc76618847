package secrets

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// refusingKeychain fails the test on any use.
type refusingKeychain struct{ t *testing.T }

func (k refusingKeychain) Get(string, string) (string, error) {
	k.t.Error("keychain read although the environment supplies every credential")
	return "", errors.New("touched")
}
func (k refusingKeychain) Set(string, string, string) error { return errors.New("touched") }
func (k refusingKeychain) Delete(string, string) error      { return errors.New("touched") }

func TestLoadLeavesTheKeychainAloneWhenTheEnvironmentSuppliesAll(t *testing.T) {
	env := map[string]string{
		EnvEBoekhoudenUsername: "u", EnvEBoekhoudenSecurityCode1: "c1c1", EnvEBoekhoudenSecurityCode2: "c2c2",
		EnvOutSmartToken: "tttt", EnvOutSmartSoftwareToken: "ssss",
	}
	v := &Vault{Keychain: refusingKeychain{t}, Getenv: func(k string) string { return env[k] }}
	c, src, err := v.Load()
	if err != nil || !c.EBoekhoudenComplete() || !c.OutSmartComplete() || src.Keychain || len(src.Env) != 5 {
		t.Fatalf("env-only load: %v %+v %v", c, src, err)
	}
	// The build's software token counts as supplied.
	delete(env, EnvOutSmartSoftwareToken)
	v.DefaultSoftwareToken = "buildtoken"
	if c, _, err := v.Load(); err != nil || c.OutSmartSoftwareToken != "buildtoken" {
		t.Fatalf("env plus build token: %v %v", c, err)
	}
	// One value missing: the keychain is asked (and here fails).
	delete(env, EnvEBoekhoudenSecurityCode2)
	v.Keychain = &MemoryKeychain{Err: ErrNoSession}
	if v.EnvComplete() {
		t.Fatal("EnvComplete without security code 2")
	}
	if _, _, err := v.Load(); !errors.Is(err, ErrKeychain) || !errors.Is(err, ErrNoSession) || !strings.Contains(err.Error(), "KOPPELING_") {
		t.Fatalf("incomplete env, no session: %v", err)
	}
}

func TestWithDeadline(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	start := time.Now()
	err := withDeadline(100*time.Millisecond, func() error { <-block; return nil })
	if !errors.Is(err, ErrKeychainTimeout) {
		t.Fatalf("hanging call: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("hanging call returned after %v", d)
	}
	if err := withDeadline(time.Second, func() error { return ErrNotFound }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("not found: %v", err)
	}
	if err := withDeadline(time.Second, func() error { return nil }); err != nil {
		t.Fatalf("success: %v", err)
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want error
	}{
		{"The name org.freedesktop.secrets was not provided by any .service files", ErrNoSecretService},
		{"failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'", ErrKeychainLocked},
		{"Cannot create an item in a locked collection", ErrKeychainLocked},
		{"dbus: couldn't determine address of session bus", ErrNoSession},
		{`exec: "dbus-launch": executable file not found in $PATH`, ErrNoSession},
		{"dial unix /tmp/nope: connect: connection refused", ErrNoSession},
	} {
		got := classify(errors.New(c.raw))
		if !errors.Is(got, c.want) {
			t.Errorf("classify(%q) = %v, want %v", c.raw, got, c.want)
		}
	}
	odd := errors.New("something else")
	if got := classify(odd); got != odd {
		t.Errorf("unknown error changed: %v", got)
	}
}

func TestNoSessionBusMeansNoKeychainCall(t *testing.T) {
	dir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Skipf("%s exists: this machine has a user session bus", filepath.Join(dir, name))
		}
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if err := sessionAvailable(); err == nil && isUnixKeychain() {
		t.Fatal("no session bus, but the keychain would be asked")
	}
	if !isUnixKeychain() {
		t.Skip("no Secret Service on this system")
	}
	if _, err := (OSKeychain{}).Get("nl.koppeling.test", Account); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Get without a session bus: %v", err)
	}
}

// TestKeychainThatNeverAnswers points the Secret Service at a socket that
// accepts connections and never says a word: every call ends within its
// deadline with ErrKeychainTimeout. It runs in a child process of the test
// binary: godbus keeps the first session bus connection for the whole
// process, and a call that timed out goes on in its goroutine; neither may
// touch the other tests.
func TestKeychainThatNeverAnswers(t *testing.T) {
	if !isUnixKeychain() {
		t.Skip("the Secret Service is Linux/BSD only")
	}
	if os.Getenv("KOPPELING_TEST_SILENT_BUS") != "" {
		silentBusChild(t, os.Getenv("KOPPELING_TEST_SILENT_BUS"))
		return
	}
	dir, err := os.MkdirTemp("", "kbus") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var accepted atomic.Int32
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			accepted.Add(1)
		}
	}()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainThatNeverAnswers$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KOPPELING_TEST_SILENT_BUS=unix:path="+sock, "DBUS_SESSION_BUS_ADDRESS=unix:path="+sock)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the child took %v", d)
	}
	if accepted.Load() == 0 {
		t.Fatal("the keychain never connected to the socket: the test proves nothing")
	}
}

// silentBusChild is TestKeychainThatNeverAnswers in the child process.
func silentBusChild(t *testing.T, addr string) {
	if got := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); got != addr {
		t.Fatalf("DBUS_SESSION_BUS_ADDRESS = %q, want the silent bus", got)
	}
	k := OSKeychain{Timeout: 300 * time.Millisecond}
	start := time.Now()
	if _, err := k.Get("nl.koppeling.test", Account); !errors.Is(err, ErrKeychainTimeout) {
		t.Fatalf("Get: %v", err)
	}
	if err := k.Set("nl.koppeling.test", Account, "x"); !errors.Is(err, ErrKeychainTimeout) {
		t.Fatalf("Set: %v", err)
	}
	if err := k.Delete("nl.koppeling.test", Account); !errors.Is(err, ErrKeychainTimeout) {
		t.Fatalf("Delete: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("three calls took %v", d)
	}
	v := &Vault{Keychain: k, Service: "nl.koppeling.test", Getenv: noEnv}
	if _, _, err := v.Load(); !errors.Is(err, ErrKeychain) || !strings.Contains(err.Error(), "antwoordt niet") {
		t.Fatalf("Load: %v", err)
	}
}

// TestLoadAllShowsWhatOnlyTheKeychainHolds: with every credential a run
// needs in the environment, Load leaves the keychain alone (the command
// line on a server), while LoadAll, for the login form, still reads the
// company id kept only there, with the environment's values over the
// keychain's; a keychain that fails is then no error.
func TestLoadAllShowsWhatOnlyTheKeychainHolds(t *testing.T) {
	env := map[string]string{
		EnvEBoekhoudenUsername: "u", EnvEBoekhoudenSecurityCode1: "c1c1", EnvEBoekhoudenSecurityCode2: "c2c2",
		EnvOutSmartToken: "tttt", EnvOutSmartSoftwareToken: "ssss",
	}
	kc := &MemoryKeychain{}
	stored := sample
	v := &Vault{Keychain: kc, Getenv: func(k string) string { return env[k] }}
	if err := v.Save(stored); err != nil {
		t.Fatal(err)
	}
	if c, _, err := (&Vault{Keychain: refusingKeychain{t}, Getenv: v.Getenv}).Load(); err != nil || c.OutSmartCompanyID != "" {
		t.Fatalf("Load: %v %v", c, err)
	}
	c, src, err := v.LoadAll()
	if err != nil || !src.Keychain || len(src.Env) != 5 {
		t.Fatalf("LoadAll: %v %+v %v", c, src, err)
	}
	if c.OutSmartCompanyID != stored.OutSmartCompanyID || c.EBoekhoudenUsername != "u" || c.OutSmartToken != "tttt" {
		t.Errorf("LoadAll = %v, want the keychain's company id under the environment's values", c)
	}
	v.Keychain = &MemoryKeychain{Err: ErrNoSecretService}
	if c, _, err := v.LoadAll(); err != nil || !c.EBoekhoudenComplete() || !c.OutSmartComplete() {
		t.Errorf("LoadAll with a failing keychain and a complete environment: %v %v", c, err)
	}
}
