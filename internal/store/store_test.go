package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// privateModes are the modes Open leaves on the store file and the data
// folder: readable by the user alone on Unix. On Windows Go reports only the
// read-only attribute (0666 for a writable file, 0777 for a folder) and the
// privacy comes from the per-user ACL of %APPDATA%, so there the check is
// that Open leaves both writable.
func privateModes() (file, dir fs.FileMode) {
	if runtime.GOOS == "windows" {
		return 0o666, 0o777
	}
	return 0o600, 0o700
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestOpenCreatesPrivateFilesAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if err := s.SetSetting(ctx, KeyTemplate, "Standaard"); err != nil {
		t.Fatal(err)
	}
	fileMode, dirMode := privateModes()
	for _, name := range []string{FileName, FileName + "-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != fileMode {
			t.Errorf("%s has mode %v, want %v", name, fi.Mode().Perm(), fileMode)
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != dirMode {
		t.Errorf("data dir has mode %v, want %v", fi.Mode().Perm(), dirMode)
	}
	s.Close()

	s2, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var n int
	if err := s2.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(migrations) {
		t.Fatalf("migrations applied %d times, err %v", n, err)
	}
	st, _ := s2.Settings(ctx)
	if st.Template != "Standaard" {
		t.Fatal("setting lost across reopen")
	}
}

func TestOpenRefusesNewerSchemaAndDamagedFile(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if _, err := s.db.Exec(`INSERT INTO schema_migrations VALUES (999, 'x')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: err = %v", err)
	}

	bad := filepath.Join(t.TempDir(), "bad")
	os.MkdirAll(bad, 0o700)
	os.WriteFile(filepath.Join(bad, FileName), []byte(strings.Repeat("not a database ", 100)), 0o600)
	if _, err := Open(ctx, bad); err == nil {
		t.Fatal("opened a file that is not a database")
	}
}

func TestSettingsDefaultsValidationAndAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != DefaultSettings() || st.WorkflowStatus != DefaultWorkflowStatus || st.PaymentTermDays != 14 || st.IntervalMinutes != 15 || !st.ImportRelations {
		t.Fatalf("defaults: %+v", st)
	}

	good := map[string]string{
		KeyPaymentTermDays: " 30 ", KeyBookDirectly: "ja", KeyDefaultVATCode: "laag_verk_9",
		KeyIntervalMinutes: "60", KeyTemplate: "Factuur met logo", KeyDefaultLedger: "8010",
	}
	for k, v := range good {
		if err := s.SetSetting(ctx, k, v); err != nil {
			t.Errorf("SetSetting(%s, %q): %v", k, v, err)
		}
	}
	st, _ = s.Settings(ctx)
	if st.PaymentTermDays != 30 || !st.BookDirectly || st.DefaultVATCode != "LAAG_VERK_9" || st.IntervalMinutes != 60 || st.Template != "Factuur met logo" {
		t.Fatalf("after set: %+v", st)
	}

	bad := map[string]string{
		KeyPaymentTermDays: "veertien", KeyIntervalMinutes: "4", KeyBookDirectly: "misschien",
		KeyDefaultVATCode: "HOOG_INK_21", KeyTemplate: strings.Repeat("x", 51), KeyWorkflowStatus: " ",
		KeyDefaultLedger: "80 00", "export.nonsense": "1",
	}
	for k, v := range bad {
		err := s.SetSetting(ctx, k, v)
		var se *SettingError
		if err == nil || (!errors.As(err, &se) && !errors.Is(err, ErrUnknownSetting)) {
			t.Errorf("SetSetting(%s, %q) = %v, want a refusal", k, v, err)
		}
	}
	after, _ := s.Settings(ctx)
	if after != st {
		t.Fatalf("refused values changed the settings:\n%+v\n%+v", st, after)
	}

	// One bad value refuses the whole save.
	err = s.SetSettings(ctx, map[string]string{KeyTemplate: "Test", KeyPaymentTermDays: "-1"})
	if err == nil || !strings.Contains(err.Error(), "betalingstermijn") {
		t.Fatalf("mixed save: %v", err)
	}
	if got, _ := s.Settings(ctx); got.Template != "Factuur met logo" {
		t.Fatal("half of a refused save was stored")
	}
	if v, err := st.Value(KeyPaymentTermDays); err != nil || v != "30" {
		t.Fatalf("Value = %q, %v", v, err)
	}
	if _, err := st.Value("nope"); !errors.Is(err, ErrUnknownSetting) {
		t.Fatalf("Value(nope) = %v", err)
	}
}

func TestExportJournal(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.Export(ctx, "1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing entry: %v", err)
	}
	e := Export{RowID: "18807", OrderNumber: "WB26116", State: ExportPending, RelationCode: "1002", InvoiceDate: "2026-11-20", TotalCents: 312345, DataHash: "h1", Attempts: 1}
	if err := s.SaveExport(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := s.Export(ctx, "18807")
	if err != nil || got.State != ExportPending || got.TotalCents != 312345 || got.CreatedAt.IsZero() {
		t.Fatalf("got %+v, %v", got, err)
	}
	created := got.CreatedAt
	time.Sleep(2 * time.Millisecond)
	e.State, e.InvoiceNumber = ExportInvoiced, "2026005"
	e.CustomerName, e.EmailedTo = "Bakkerij Jansen", "factuur@jansen.example"
	if err := s.SaveExport(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Export(ctx, "18807")
	if got.State != ExportInvoiced || got.InvoiceNumber != "2026005" || !got.CreatedAt.Equal(created) || !got.UpdatedAt.After(created) ||
		got.CustomerName != "Bakkerij Jansen" || got.EmailedTo != "factuur@jansen.example" {
		t.Fatalf("after update: %+v", got)
	}
	s.SaveExport(ctx, Export{RowID: "18808", OrderNumber: "WB26117", State: ExportParked, Reason: "Btw-code onbekend"})
	s.SaveExport(ctx, Export{RowID: "18809", OrderNumber: "WB26118", State: ExportUncertain})
	list, err := s.Exports(ctx, ExportParked, ExportUncertain)
	if err != nil || len(list) != 2 {
		t.Fatalf("by state: %d, %v", len(list), err)
	}
	all, _ := s.Exports(ctx)
	if len(all) != 3 {
		t.Fatalf("all: %d", len(all))
	}
	if err := s.SaveExport(ctx, Export{OrderNumber: "x"}); err == nil {
		t.Fatal("saved an entry without row id")
	}
}

func TestMappings(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ms := []Mapping{
		{Kind: MappingRelation, SourceKey: "1002", SourceID: "4100002", TargetKey: "1002", Hash: "a", Active: true},
		{Kind: MappingMaterial, SourceKey: "CU-15", TargetKey: "CU-15", Hash: "b", Active: true},
	}
	if err := s.SaveMappings(ctx, ms); err != nil {
		t.Fatal(err)
	}
	ms[1].Hash, ms[1].Active = "c", false
	if err := s.SaveMappings(ctx, ms[1:]); err != nil {
		t.Fatal(err)
	}
	rel, _ := s.Mappings(ctx, MappingRelation)
	mat, _ := s.Mappings(ctx, MappingMaterial)
	if len(rel) != 1 || rel["1002"].SourceID != "4100002" || mat["CU-15"].Hash != "c" || mat["CU-15"].Active {
		t.Fatalf("rel %+v mat %+v", rel, mat)
	}
}

func TestLogAndRuns(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	clock := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	run, err := s.StartRun(ctx, "manual")
	if err != nil {
		t.Fatal(err)
	}
	s.AddLog(ctx, LogEntry{Message: "4 relaties gesynchroniseerd", RunID: run})
	s.AddLog(ctx, LogEntry{Level: LevelAttention, Message: "Werkbon WB26117 heeft aandacht nodig", Subject: "werkbon WB26117", RunID: run})
	s.AddLog(ctx, LogEntry{Level: LevelWarning, Message: "oud", Time: clock.Add(-40 * 24 * time.Hour)})
	all, _ := s.Log(ctx, LogFilter{})
	if len(all) != 3 || all[0].Level != LevelAttention || all[2].Message != "oud" {
		t.Fatalf("want newest first: %+v", all)
	}
	att, _ := s.Log(ctx, LogFilter{Levels: []Level{LevelAttention, LevelError}})
	if len(att) != 1 || att[0].Subject != "werkbon WB26117" {
		t.Fatalf("attention filter: %+v", att)
	}
	byRun, _ := s.Log(ctx, LogFilter{RunID: run, Limit: 1})
	if len(byRun) != 1 || byRun[0].RunID != run {
		t.Fatalf("run filter: %+v", byRun)
	}
	if n, err := s.PruneLog(ctx, clock.Add(-30*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if err := s.FinishRun(ctx, run, RunAttention, "4 relaties gesynchroniseerd; 1 werkbon heeft aandacht nodig"); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastRun(ctx)
	if err != nil || last.Outcome != RunAttention || last.Trigger != "manual" || last.FinishedAt.IsZero() {
		t.Fatalf("last run: %+v, %v", last, err)
	}
	if err := s.FinishRun(ctx, 999, RunOK, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("finish unknown run: %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if _, err := s.AddLog(ctx, LogEntry{Message: "x"}); err != nil {
					t.Error(err)
					return
				}
				if err := s.SaveExport(ctx, Export{RowID: string(rune('a'+w)) + "-" + string(rune('a'+i)), OrderNumber: "n", State: ExportPending}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	all, _ := s.Log(ctx, LogFilter{Limit: 1000})
	exp, _ := s.Exports(ctx)
	if len(all) != 200 || len(exp) != 200 {
		t.Fatalf("log %d, exports %d; want 200 each", len(all), len(exp))
	}
}

// A folder name with URI characters must not make SQLite open another file.
// Windows forbids '?' in a file name; there '&' (which separates the
// parameters of a URI's query) takes its place.
func TestOpenPathWithSpecialCharacters(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	name := "Jan #1 ?50% data"
	if runtime.GOOS == "windows" {
		name = "Jan #1 &50% data"
	}
	dir := filepath.Join(base, name)
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, KeyTemplate, "Standaard"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	entries, _ := os.ReadDir(base)
	if len(entries) != 1 {
		t.Fatalf("SQLite created files outside the data dir: %v", entries)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Size() == 0 {
		t.Fatalf("database not in %s: %v", dir, err)
	}
	s2, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if st, _ := s2.Settings(ctx); st.Template != "Standaard" {
		t.Fatal("setting not found after reopening")
	}
}
