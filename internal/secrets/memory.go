package secrets

import "sync"

// MemoryKeychain keeps items in memory only. Demo mode uses it, so that the
// public demo credentials never enter the user's keychain; tests use it for
// the Vault's own logic. Err, when set, is returned by every call (a
// keychain that cannot be reached).
type MemoryKeychain struct {
	mu    sync.Mutex
	items map[string]string
	Err   error
}

// Get reads an item.
func (m *MemoryKeychain) Get(service, account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return "", m.Err
	}
	v, ok := m.items[service+"/"+account]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set writes an item.
func (m *MemoryKeychain) Set(service, account, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	if m.items == nil {
		m.items = map[string]string{}
	}
	m.items[service+"/"+account] = value
	return nil
}

// Delete removes an item; a missing item is ErrNotFound.
func (m *MemoryKeychain) Delete(service, account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	if _, ok := m.items[service+"/"+account]; !ok {
		return ErrNotFound
	}
	delete(m.items, service+"/"+account)
	return nil
}
