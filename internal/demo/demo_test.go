package demo

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/koppeling/koppeling/internal/store"
)

// TestDemoStore: the first demo start sets what a demo needs, later starts
// keep the user's demo settings but start without the previous session's
// history, and a real administration's directory is never reset.
func TestDemoStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Koppeling-demo")
	st, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := st.Settings(ctx)
	if !set.ExportInvoices || set.Template != "Standaard" {
		t.Fatalf("first demo start: invoices %v, template %q", set.ExportInvoices, set.Template)
	}
	// The user changes the demo's settings and runs it.
	if err := st.SetSettings(ctx, map[string]string{store.KeyExportInvoices: "false", store.KeyPaymentTermDays: "30"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddLog(ctx, store.LogEntry{Message: "vorige sessie"}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, _ = st.Settings(ctx)
	if set.ExportInvoices || set.PaymentTermDays != 30 || set.Template != "Standaard" {
		t.Fatalf("second demo start lost the user's demo settings: %+v", set)
	}
	if lines, _ := st.Log(ctx, store.LogFilter{}); len(lines) != 0 {
		t.Fatalf("second demo start kept %d log lines of the previous session's sandboxes", len(lines))
	}

	// A data directory with a real administration's store is refused.
	realDir := filepath.Join(t.TempDir(), "Koppeling")
	rs, err := store.Open(ctx, realDir)
	if err != nil {
		t.Fatal(err)
	}
	rs.SetSetting(ctx, store.KeyTemplate, "Eigen sjabloon")
	rs.Close()
	if _, err := OpenStore(ctx, realDir); !errors.Is(err, ErrRealDataDir) {
		t.Fatalf("demo mode on a real data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(realDir, store.FileName)); err != nil {
		t.Fatal("the real store is gone")
	}
	rs, _ = store.Open(ctx, realDir)
	defer rs.Close()
	if set, _ := rs.Settings(ctx); set.Template != "Eigen sjabloon" {
		t.Fatal("demo mode changed a real store")
	}
}

// TestDemoStoreWithInvoicesButNoTemplate: a demo store written by a version
// that allowed invoices without a template still starts, with the demo's
// template back and the user's other settings kept.
func TestDemoStoreWithInvoicesButNoTemplate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Koppeling-demo")
	st, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, store.KeyPaymentTermDays, "0"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE settings SET value = '' WHERE key = ?`, store.KeyTemplate); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err = OpenStore(ctx, dir)
	if err != nil {
		t.Fatalf("demo start over an older demo store: %v", err)
	}
	defer st.Close()
	if set, _ := st.Settings(ctx); !set.ExportInvoices || set.Template != "Standaard" || set.PaymentTermDays != 0 {
		t.Fatalf("settings after the start: %+v", set)
	}
}

// TestDemoStoreDamaged: a damaged demo store is kept aside and the demo
// starts with its first-start settings; a real directory is never touched.
func TestDemoStoreDamaged(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Koppeling-demo")
	st, err := OpenStore(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err = OpenStore(ctx, dir)
	if err != nil {
		t.Fatalf("demo start on a damaged demo store: %v", err)
	}
	defer st.Close()
	if set, _ := st.Settings(ctx); !set.ExportInvoices || set.Template != "Standaard" {
		t.Fatalf("settings after a damaged demo store: %+v", set)
	}
	if copies, _ := filepath.Glob(filepath.Join(dir, store.FileName+store.BackupInfix+"*")); len(copies) != 1 {
		t.Fatalf("copies of the damaged demo store: %v", copies)
	}

	realDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(realDir, store.FileName+"-wal"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenStore(ctx, realDir); !errors.Is(err, store.ErrDamaged) {
		t.Fatalf("demo on a real directory with a damaged store: %v", err)
	}
	if copies, _ := filepath.Glob(filepath.Join(realDir, "*"+store.BackupInfix+"*")); len(copies) != 0 {
		t.Fatalf("demo mode moved a real store aside: %v", copies)
	}
}
