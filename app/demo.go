package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Demo mode: the real app against both sandbox servers started in this
// process, with the demo administration, in its own data directory, with the
// demo credentials in memory under their own keychain service name.
const (
	demoKeychainService = "nl.koppeling.demo"
	// demoMarker marks a data directory as the demo's, so that demo mode
	// never resets a directory that holds a real administration's state.
	demoMarker = "koppeling-demo"
)

// demoDataDir is KOPPELING_DATA_DIR when set, else <user config dir>/Koppeling-demo.
func (e env) demoDataDir() (string, error) {
	if d := strings.TrimSpace(e.getenv(envDataDir)); d != "" {
		return d, nil
	}
	dir, err := store.DefaultDir()
	if err != nil {
		return "", err
	}
	return dir + "-demo", nil
}

// demo is a running demo environment.
type demo struct {
	sb                              *sandbox.Sandbox
	store                           *store.Store
	vault                           *secrets.Vault
	endpoints                       services.Endpoints
	eboekhoudenState, outSmartState string
}

// startDemo starts the sandboxes and opens the demo store. The sandboxes
// start from the demo data every time, so the store starts afresh too (no
// mappings, journal or log of a previous session), keeping the user's demo
// settings. On the very first start it sets what a demo needs: invoices on,
// with the sandbox's invoice template.
func startDemo(ctx context.Context, dir string, stdout io.Writer) (*demo, error) {
	st, err := openDemoStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	ebc, osc := sb.Dataset.EBoekhouden.Credentials, sb.Dataset.OutSmart.Credentials
	vault := &secrets.Vault{Keychain: &memoryKeychain{}, Service: demoKeychainService,
		Getenv: func(string) string { return "" }, DefaultSoftwareToken: osc.SoftwareToken}
	if err := vault.Save(secrets.Credentials{
		EBoekhoudenUsername: ebc.Username, EBoekhoudenSecurityCode1: ebc.SecurityCode1, EBoekhoudenSecurityCode2: ebc.SecurityCode2,
		OutSmartCompanyID: osc.CompanyID, OutSmartToken: osc.Token, OutSmartSoftwareToken: osc.SoftwareToken,
	}); err != nil {
		_ = sb.Close()
		_ = st.Close()
		return nil, err
	}
	d := &demo{sb: sb, store: st, vault: vault,
		endpoints:        services.Endpoints{EBoekhoudenURL: sb.EBoekhoudenURL, OutSmartURL: sb.OutSmartURL},
		eboekhoudenState: stateURL(sb.EBoekhoudenURL), outSmartState: stateURL(sb.OutSmartURL)}
	fmt.Fprintf(stdout, "Koppeling demo (data in %s)\n  e-Boekhouden sandbox  %s\n  OutSmart sandbox      %s\n",
		dir, sb.EBoekhoudenURL, sb.OutSmartURL)
	return d, nil
}

// openDemoStore opens the demo's store afresh, keeping its settings.
func openDemoStore(ctx context.Context, dir string) (*store.Store, error) {
	db := filepath.Join(dir, store.FileName)
	_, dbErr := os.Stat(db)
	_, markErr := os.Stat(filepath.Join(dir, demoMarker))
	values := map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}
	switch {
	case dbErr == nil && markErr != nil:
		return nil, fmt.Errorf("%s holds the data of a real administration; choose another KOPPELING_DATA_DIR for the demo", dir)
	case dbErr == nil:
		old, err := store.Open(ctx, dir)
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
	if err := os.WriteFile(filepath.Join(dir, demoMarker), nil, 0o600); err != nil {
		return nil, fmt.Errorf("mark the demo data directory: %w", err)
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := st.SetSettings(ctx, values); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// stateURL is a sandbox's inspection URL for the endpoint of its service.
func stateURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	u.Path, u.RawQuery = "/_sandbox/state", ""
	return u.String()
}

func (d *demo) close() {
	_ = d.store.Close()
	_ = d.sb.Close()
}

// memoryKeychain keeps the demo credentials in memory: demo mode never
// touches the keychain.
type memoryKeychain struct {
	mu    sync.Mutex
	items map[string]string
}

func (m *memoryKeychain) Get(service, account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[service+"/"+account]
	if !ok {
		return "", secrets.ErrNotFound
	}
	return v, nil
}

func (m *memoryKeychain) Set(service, account, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		m.items = map[string]string{}
	}
	m.items[service+"/"+account] = value
	return nil
}

func (m *memoryKeychain) Delete(service, account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, service+"/"+account)
	return nil
}
