package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Environment variables of the headless command line.
const (
	envDataDir            = "KOPPELING_DATA_DIR"
	envEBoekhoudenURL     = "KOPPELING_EBOEKHOUDEN_URL"
	envEBoekhoudenRESTURL = "KOPPELING_EBOEKHOUDEN_REST_URL"
	envOutSmartURL        = "KOPPELING_OUTSMART_URL"
	// envKeychainService names the keychain item's service instead of the
	// default, so that tests and demo mode never touch the user's own item.
	envKeychainService = "KOPPELING_KEYCHAIN_SERVICE"
	// envCrashAt ("step:N") makes the process kill itself the Nth time the
	// export reaches step: the crash tests of the real binary use it.
	envCrashAt = "KOPPELING_TEST_CRASH_AT"
)

// softwareToken is OutSmart's software token for this build, set with
// -ldflags "-X main.softwareToken=..." by release builds.
var softwareToken = ""

// env is what the process was started with.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func (e env) dataDir() (string, error) {
	if d := strings.TrimSpace(e.getenv(envDataDir)); d != "" {
		return d, nil
	}
	return store.DefaultDir()
}

func (e env) vault() *secrets.Vault {
	return &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: e.getenv(envKeychainService), Getenv: e.getenv,
		DefaultSoftwareToken: softwareToken}
}

func (e env) openStore(ctx context.Context) (*store.Store, error) {
	dir, err := e.dataDir()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, dir)
}

// endpoints are the service addresses from the environment (empty: the
// real services).
func (e env) endpoints() services.Endpoints {
	return services.Endpoints{EBoekhoudenURL: e.getenv(envEBoekhoudenURL),
		EBoekhoudenRESTURL: e.getenv(envEBoekhoudenRESTURL), OutSmartURL: e.getenv(envOutSmartURL)}
}

// crashHook returns the checkpoint function for KOPPELING_TEST_CRASH_AT, or
// nil when it is not set.
func crashHook(spec string) func(string) {
	step, n, ok := strings.Cut(spec, ":")
	nth, err := strconv.Atoi(n)
	if !ok || err != nil || step == "" || nth < 1 {
		return nil
	}
	seen := 0
	return func(s string) {
		if s != step {
			return
		}
		if seen++; seen == nth {
			killSelf()
		}
	}
}

// killSelf ends the process at once, as a crash or power cut would: no
// deferred code, no flushing.
func killSelf() {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		_ = p.Signal(syscall.SIGKILL)
	}
	os.Exit(137)
}
