package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// FuzzSetSetting feeds any text to every setting: a value is either refused
// with a *SettingError (and the stored value stays what it was) or stored in
// a canonical form that reads back as itself; and the settings never reach
// a combination the rules between settings refuse (invoices on without a
// template).
func FuzzSetSetting(f *testing.F) {
	for _, s := range []string{"true", "nee", "14", "-1", "365", "99999999999999999999", "HOOG_VERK_21", "laag_verk_9",
		"Standaard", "1 naar E-boekhouden", "", " ", "\x00", "8000", "a\nb", "ja\t", "Factuur met logo ", "０１"} {
		f.Add(s)
	}
	dir := filepath.Join(f.TempDir(), "data")
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, value string) {
		for _, key := range SettingKeys() {
			before, err := s.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = s.SetSetting(ctx, key, value)
			after, _ := s.Settings(ctx)
			if after.ExportInvoices && after.Template == "" {
				t.Fatalf("%s=%q: invoices are on without a template", key, value)
			}
			if err != nil {
				var se *SettingError
				if !errors.As(err, &se) {
					t.Fatalf("%s=%q: error is not a SettingError: %v", key, value, err)
				}
				if after != before {
					t.Fatalf("%s=%q: a refused value changed the settings", key, value)
				}
				continue
			}
			stored, _ := after.Value(key)
			if err := s.SetSetting(ctx, key, stored); err != nil {
				t.Fatalf("%s: stored value %q does not validate: %v", key, stored, err)
			}
			again, _ := s.Settings(ctx)
			if again != after {
				t.Fatalf("%s: canonical value %q is not stable", key, stored)
			}
		}
	})
}
