// Package demo owns demo mode: the real app against both sandbox servers
// started in this process, loaded with the Dutch demo administration, in a
// data directory of its own, with the public demo credentials kept in memory
// (never in the user's keychain). A demo directory is marked as such, so
// that demo mode never resets a directory that holds a real
// administration's state.
//
// With several links (issue 18) the desktop app calls Start once per link,
// in the link's own folder: each demo link has a sandbox pair of its own
// with the demo administration and the demo credentials in memory, so the
// links run side by side as a bookkeeper's clients would.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

const (
	// KeychainService names the demo credentials' (in-memory) keychain item.
	KeychainService = "nl.koppeling.demo"
	// marker marks a data directory as the demo's.
	marker = "koppeling-demo"
)

// ErrRealDataDir is returned for a directory that holds a real
// administration's store.
var ErrRealDataDir = errors.New("the directory holds the data of a real administration")

// DefaultDir is the demo's data directory beside the real one:
// <user config dir>/Koppeling-demo.
func DefaultDir() (string, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return "", err
	}
	return dir + "-demo", nil
}

// Env is a running demo environment.
type Env struct {
	Sandbox   *sandbox.Sandbox
	Store     *store.Store
	Vault     *secrets.Vault
	Endpoints services.Endpoints
	// EBoekhoudenStateURL and OutSmartStateURL show each sandbox's state
	// (the inspection API), for the user to see what the sync did.
	EBoekhoudenStateURL, OutSmartStateURL string
	// EBoekhoudenRESTStateURL is the REST sandbox's page, for a demo user
	// who logged in with the sandbox's API token.
	EBoekhoudenRESTStateURL string
}

// Start starts the sandboxes and opens the demo store in dir. The sandboxes
// start from the demo data every time, so the store starts afresh too (no
// mappings, journal or log of a previous session), keeping the user's demo
// settings. On the very first start it sets what a demo needs: invoices on,
// with the sandbox's invoice template.
func Start(ctx context.Context, dir string) (*Env, error) {
	st, err := OpenStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	ebc, osc := sb.Dataset.EBoekhouden.Credentials, sb.Dataset.OutSmart.Credentials
	vault := &secrets.Vault{Keychain: &secrets.MemoryKeychain{}, Service: KeychainService,
		Getenv: func(string) string { return "" }, DefaultSoftwareToken: osc.SoftwareToken}
	if err := vault.Save(secrets.Credentials{
		EBoekhoudenUsername: ebc.Username, EBoekhoudenSecurityCode1: ebc.SecurityCode1, EBoekhoudenSecurityCode2: ebc.SecurityCode2,
		OutSmartCompanyID: osc.CompanyID, OutSmartToken: osc.Token, OutSmartSoftwareToken: osc.SoftwareToken,
	}); err != nil {
		_ = sb.Close()
		_ = st.Close()
		return nil, err
	}
	return &Env{Sandbox: sb, Store: st, Vault: vault,
		Endpoints: services.Endpoints{EBoekhoudenURL: sb.EBoekhoudenURL,
			EBoekhoudenRESTURL: sb.EBoekhoudenRESTURL, OutSmartURL: sb.OutSmartURL},
		EBoekhoudenStateURL: stateURL(sb.EBoekhoudenURL), OutSmartStateURL: stateURL(sb.OutSmartURL),
		EBoekhoudenRESTStateURL: stateURL(sb.EBoekhoudenRESTURL)}, nil
}

// Close stops the sandboxes and closes the store.
func (e *Env) Close() error {
	return errors.Join(e.Store.Close(), e.Sandbox.Close())
}

// OpenStore opens the demo's store in dir afresh, keeping its settings. It
// refuses a directory with a store that is not marked as the demo's.
func OpenStore(ctx context.Context, dir string) (*store.Store, error) {
	db := filepath.Join(dir, store.FileName)
	_, dbErr := os.Stat(db)
	_, markErr := os.Stat(filepath.Join(dir, marker))
	values := map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}
	switch {
	case dbErr == nil && markErr != nil:
		return nil, fmt.Errorf("%s: %w; choose another KOPPELING_DATA_DIR for the demo", dir, ErrRealDataDir)
	case dbErr == nil:
		old, err := store.Open(ctx, dir)
		if errors.Is(err, store.ErrDamaged) {
			break // moved aside below, with the demo's first-start settings
		}
		if err != nil {
			return nil, err
		}
		set, err := old.Settings(ctx)
		if cerr := old.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		values = map[string]string{}
		for _, k := range store.SettingKeys() {
			values[k], _ = set.Value(k)
		}
		if set.ExportInvoices && set.Template == "" {
			// Written before invoices needed a template: the store would
			// refuse the combination, so the demo's template comes back.
			values[store.KeyTemplate] = "Standaard"
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("reset the demo store: %w", err)
			}
		}
	case !errors.Is(dbErr, os.ErrNotExist):
		return nil, dbErr
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create demo data directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, marker), nil, 0o600); err != nil {
		return nil, fmt.Errorf("mark the demo data directory: %w", err)
	}
	st, err := store.Open(ctx, dir)
	if errors.Is(err, store.ErrDamaged) && markErr == nil {
		// The demo starts afresh every time anyway: a damaged store of a
		// directory that already was the demo's is kept aside as "koppeling
		// store reset" does, and the demo starts with its first settings.
		st, _, err = store.Reset(ctx, dir, time.Now())
	}
	if err != nil {
		return nil, err
	}
	if err := st.SetSettings(ctx, values); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// stateURL is a sandbox's readable state page (HTML tables, see
// sandbox/inspect) for the endpoint of its service.
func stateURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	u.Path, u.RawQuery = "/_sandbox/stand", ""
	return u.String()
}
