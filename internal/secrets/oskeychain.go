package secrets

// This file owns the operating system's keychain: every call has a
// deadline, a Linux machine without a D-Bus session is not asked at all (so
// no dbus-daemon is autolaunched and left behind), and a failure names its
// cause in Dutch.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout is how long one keychain call may take before it counts as
// not answering.
const DefaultTimeout = 5 * time.Second

// The causes of a keychain failure, as the user reads them (Dutch, with
// what to do). An OSKeychain error wraps one of them when the cause is
// known; the Vault wraps every keychain failure in ErrKeychain as well.
var (
	// ErrKeychainTimeout: the call did not return within the deadline (a
	// D-Bus session that accepts but never answers, a prompt nobody sees).
	ErrKeychainTimeout = errors.New("de sleutelbos antwoordt niet (misschien wacht hij op een ontgrendelvenster dat niemand ziet); " +
		"ontgrendel de sleutelbos, of zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen")
	// ErrNoSession: no D-Bus session bus to reach the Secret Service on (a
	// server, a cron job, an SSH login).
	ErrNoSession = errors.New("er is geen D-Bus-sessie (bijv. op een server of in een geplande taak), dus geen sleutelbos; " +
		"zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen")
	// ErrNoSecretService: the session bus runs, but no keychain serves it.
	ErrNoSecretService = errors.New("er draait geen sleutelbosdienst (Secret Service, zoals gnome-keyring of KeePassXC); " +
		"installeer of start er een, of zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen")
	// ErrKeychainLocked: the keychain is locked and was not unlocked.
	ErrKeychainLocked = errors.New("de sleutelbos is vergrendeld; ontgrendel hem (bijv. door in te loggen op het bureaublad) en probeer opnieuw")
)

// OSKeychain is the operating system's keychain.
type OSKeychain struct {
	// Timeout bounds every call; zero means DefaultTimeout.
	Timeout time.Duration
}

// Get reads an item.
func (k OSKeychain) Get(service, account string) (string, error) {
	var v string
	err := k.call(func() error {
		var err error
		v, err = keyring.Get(service, account)
		return err
	})
	if err != nil {
		return "", err
	}
	return v, nil
}

// Set writes an item.
func (k OSKeychain) Set(service, account, value string) error {
	return k.call(func() error { return keyring.Set(service, account, value) })
}

// Delete removes an item.
func (k OSKeychain) Delete(service, account string) error {
	return k.call(func() error { return keyring.Delete(service, account) })
}

// call runs f with the deadline. A call that does not return in time is
// left running in its goroutine (go-keyring cannot be cancelled); the
// caller gets ErrKeychainTimeout and the command can end.
func (k OSKeychain) call(f func() error) error {
	if err := sessionAvailable(); err != nil {
		return err
	}
	return withDeadline(k.Timeout, f)
}

// withDeadline runs f and waits at most timeout (zero: DefaultTimeout) for
// it, classifying its error.
func withDeadline(timeout time.Duration, f func() error) error {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return classify(err)
	case <-timer.C:
		return fmt.Errorf("%w (geen antwoord binnen %s)", ErrKeychainTimeout, timeout)
	}
}

// classify names the cause of a go-keyring error; an error it does not
// recognise is returned as it is.
func classify(err error) error {
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	msg := strings.ToLower(err.Error())
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(msg, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("org.freedesktop.secrets", "serviceunknown", "not provided by any .service files", "name has no owner"):
		return fmt.Errorf("%w (%v)", ErrNoSecretService, err)
	case has("unlock", "locked", "dismissed"):
		return fmt.Errorf("%w (%v)", ErrKeychainLocked, err)
	case has("address of session bus", "dbus-launch", "dial unix", "connection refused", "no such file or directory"):
		return fmt.Errorf("%w (%v)", ErrNoSession, err)
	}
	return err
}
