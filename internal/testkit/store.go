package testkit

// This file owns the store a test syncs into.

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/koppeling/koppeling/internal/store"
)

// OpenStore opens (or creates) the store in dir, or in a new temporary
// directory when dir is "", and fails the test when it cannot. The store is
// closed when the test ends; closing it earlier (to reopen it, as a
// restarted process would) is fine. Its directory is
// filepath.Dir(st.Path()).
func OpenStore(tb testing.TB, dir string) *store.Store {
	tb.Helper()
	if dir == "" {
		dir = filepath.Join(tb.TempDir(), "data")
	}
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		tb.Fatalf("open the store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}
