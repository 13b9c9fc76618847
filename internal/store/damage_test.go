package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// healthyStoreBytes makes a real store with some content, closes it and
// returns the bytes of its file.
func healthyStoreBytes(t *testing.T) []byte {
	t.Helper()
	ctx := context.Background()
	s, dir := openTemp(t)
	if err := s.SetSetting(ctx, KeyTemplate, "Standaard"); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := s.AddLog(ctx, LogEntry{Level: LevelInfo, Message: strings.Repeat("regel ", 100) + string(rune('a'+i%26))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+"-wal")); err == nil {
		t.Fatal("the write-ahead log is still there after Close")
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dirState is every file of a directory with its content.
func dirState(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			out[e.Name()+"/"] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func names(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// assertRefused opens dir and wants a *DamagedError with problem p, and the
// directory exactly as it was: no byte changed, no file added or removed.
func assertRefused(t *testing.T, dir string, p Problem) *DamagedError {
	t.Helper()
	before := dirState(t, dir)
	s, err := Open(context.Background(), dir)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted the file")
	}
	var de *DamagedError
	if !errors.As(err, &de) || !errors.Is(err, ErrDamaged) {
		t.Fatalf("err = %v (%T), want a *DamagedError", err, err)
	}
	if de.Problem != p {
		t.Errorf("problem = %d, want %d (%v)", de.Problem, p, err)
	}
	if de.Path != filepath.Join(dir, FileName) || !strings.Contains(err.Error(), de.Path) {
		t.Errorf("path = %q, error %q", de.Path, err)
	}
	after := dirState(t, dir)
	if !slices.Equal(names(before), names(after)) {
		t.Fatalf("files before %v, after %v", names(before), names(after))
	}
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s changed", name)
		}
	}
	return de
}

// damagedDir returns an existing data directory holding a store file with
// this content.
func damagedDir(t *testing.T, content []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), content, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOpenRefusesAnEmptyFile(t *testing.T) {
	de := assertRefused(t, damagedDir(t, nil), ProblemEmpty)
	if !strings.Contains(de.Reason, "empty") {
		t.Errorf("reason %q", de.Reason)
	}
}

func TestOpenRefusesATruncatedStore(t *testing.T) {
	full := healthyStoreBytes(t)
	if len(full) < 4*4096 {
		t.Fatalf("the test store has only %d bytes", len(full))
	}
	for name, cut := range map[string][]byte{
		"half":              full[:len(full)/2],
		"half, odd size":    full[:len(full)/2+123],
		"one page less":     full[:len(full)-4096],
		"inside the header": full[:60],
		"inside the magic":  full[:9],
	} {
		t.Run(name, func(t *testing.T) {
			assertRefused(t, damagedDir(t, cut), ProblemTruncated)
		})
	}
}

func TestOpenRefusesAFileThatIsNotSQLite(t *testing.T) {
	for name, content := range map[string][]byte{
		"text":     []byte(strings.Repeat("not a database ", 1000)),
		"zeros":    make([]byte, 8192),
		"one byte": []byte("x"),
	} {
		t.Run(name, func(t *testing.T) {
			assertRefused(t, damagedDir(t, content), ProblemNotSQLite)
		})
	}
}

func TestOpenRefusesAMalformedStore(t *testing.T) {
	full := healthyStoreBytes(t)
	// Overwrite the pages after the first with garbage: the header is fine,
	// the tables are not.
	bad := slices.Clone(full)
	for i := 4096; i < len(bad); i++ {
		bad[i] = byte(i*7 + 3)
	}
	de := assertRefused(t, damagedDir(t, bad), ProblemUnreadable)
	if !strings.Contains(de.Reason, "malformed") && !strings.Contains(de.Reason, "integrity") {
		t.Errorf("reason %q", de.Reason)
	}
}

func TestOpenRefusesAForeignDatabase(t *testing.T) {
	full := healthyStoreBytes(t)
	dir := damagedDir(t, full)
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DROP TABLE schema_migrations`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	assertRefused(t, dir, ProblemForeign)
}

func TestOpenRefusesAWriteAheadLogWithoutItsStore(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName+"-wal"), []byte("committed changes"), 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, dir, ProblemOrphanWAL)
}

func TestOpenRefusesADirectoryInPlaceOfTheStore(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	assertRefused(t, dir, ProblemUnreadable)
}

func TestOpenWithoutAStoreFileStartsANewOne(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() // exists and is empty
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Settings(ctx)
	if err != nil || st.WorkflowStatus != "1 naar E-boekhouden" {
		t.Fatalf("settings of a new store: %+v, %v", st, err)
	}
	for name := range dirState(t, dir) {
		if strings.Contains(name, newSuffix) {
			t.Errorf("temporary file %s left behind", name)
		}
	}
}

func TestOpenOfANewStoreFromTwoPlacesAtOnceSharesOneFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, dir) })
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Cleanup(func() { stores[i].Close() })
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
	}
	if err := stores[0].SetSetting(ctx, KeyTemplate, "Gedeeld"); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		st, err := s.Settings(ctx)
		if err != nil || st.Template != "Gedeeld" {
			t.Errorf("store %d does not see the shared file: %q, %v", i, st.Template, err)
		}
	}
}

func TestResetKeepsADamagedStoreAndStartsANewOne(t *testing.T) {
	ctx := context.Background()
	dir := damagedDir(t, nil)
	now := time.Date(2026, 3, 14, 9, 30, 5, 0, time.Local)
	s, res, err := Reset(ctx, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := filepath.Join(dir, "koppeling.db.beschadigd-20260314-093005")
	if res.Backup != want || !slices.Equal(res.Moved, []string{want}) {
		t.Fatalf("result %+v, want the backup %s", res, want)
	}
	if res.Damage == nil || res.Damage.Problem != ProblemEmpty {
		t.Errorf("damage = %v", res.Damage)
	}
	if fi, err := os.Stat(want); err != nil || fi.Size() != 0 {
		t.Fatalf("the damaged file was not kept as it was: %v %v", fi, err)
	}
	if st, err := s.Settings(ctx); err != nil || st.WorkflowStatus == "" {
		t.Fatalf("new store: %+v %v", st, err)
	}

	// A second reset in the same second does not overwrite the first copy.
	s.Close()
	s2, res2, err := Reset(ctx, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if res2.Backup != want+"-2" || res2.Damage != nil {
		t.Fatalf("second reset: %+v", res2)
	}
	if fi, err := os.Stat(want); err != nil || fi.Size() != 0 {
		t.Fatal("the first copy was touched")
	}
}

func TestResetOfAHealthyStoreKeepsItsContent(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if err := s.SetSetting(ctx, KeyTemplate, "Oud sjabloon"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	fresh, res, err := Reset(ctx, dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if st, _ := fresh.Settings(ctx); st.Template == "Oud sjabloon" {
		t.Fatal("the new store has the old settings")
	}
	// The copy is a complete store: open it under its own name elsewhere.
	b, err := os.ReadFile(res.Backup)
	if err != nil {
		t.Fatal(err)
	}
	other := damagedDir(t, b)
	old, err := Open(ctx, other)
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer old.Close()
	if st, _ := old.Settings(ctx); st.Template != "Oud sjabloon" {
		t.Fatalf("the copy lost the settings: %q", st.Template)
	}
}

func TestResetRefusesWhileASyncRuns(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if _, err := s.LockRun(ctx, "other-host:1"); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, dir)
	if _, _, err := Reset(ctx, dir, time.Now()); !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if after := dirState(t, dir); !slices.Equal(names(before), names(after)) {
		t.Fatalf("files before %v, after %v", names(before), names(after))
	}
	if _, err := s.Settings(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestResetMovesAWriteAheadLogWithoutItsStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName+"-wal"), []byte("committed changes"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, res, err := Reset(ctx, dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res.Backup != "" || len(res.Moved) != 1 || !strings.HasSuffix(res.Moved[0], "-wal") || res.Damage.Problem != ProblemOrphanWAL {
		t.Fatalf("result %+v", res)
	}
	if b, err := os.ReadFile(res.Moved[0]); err != nil || string(b) != "committed changes" {
		t.Fatalf("the log was not kept: %q %v", b, err)
	}
}

func TestResetWithoutAStoreJustCreatesOne(t *testing.T) {
	s, res, err := Reset(context.Background(), t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res.Backup != "" || len(res.Moved) != 0 || res.Damage != nil {
		t.Fatalf("result %+v", res)
	}
}

// A new store file is in WAL mode from the moment it carries its name, so
// that Opens sharing it never switch the journal mode: the switch needs the
// only lock, and SQLite refuses it at once (SQLITE_BUSY, no waiting) while
// another Open reads the file.
func TestANewStoreFileIsInWALModeBeforeAnyoneOpensIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := create(context.Background(), dir, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 100 || b[18] != 2 || b[19] != 2 {
		t.Fatalf("file format bytes 18-19 of a new store: % x, want 02 02 (WAL)", b[18:20])
	}
	for name := range dirState(t, dir) {
		if name != FileName {
			t.Errorf("%s left beside the new store", name)
		}
	}
}

// TestDamageFoundAfterOpenIsNamedInDutch: a store that goes bad while it is
// open answers queries with SQLite's English "malformed"; AsDamaged turns
// that into the same damage Open reports, and the user's texts are Dutch
// and say what to do.
func TestDamageFoundAfterOpenIsNamedInDutch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < 50; i++ {
		if _, err := st.AddLog(ctx, LogEntry{Level: LevelInfo, Message: strings.Repeat("regel ", 40)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.db.Close(); err != nil { // drop every cached page
		t.Fatal(err)
	}
	full, err := os.ReadFile(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(full); i++ {
		full[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(st.Path(), full, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(st.Path() + "-wal")
	os.Remove(st.Path() + "-shm")
	st.db = openDB(st.Path(), "WAL")
	_, qerr := st.Log(ctx, LogFilter{Limit: 100})
	if qerr == nil {
		t.Fatal("a garbled store answered a query")
	}
	d := AsDamaged(qerr, st.Path())
	if d == nil || d.Problem != ProblemUnreadable || d.Path != st.Path() {
		t.Fatalf("AsDamaged(%v) = %+v", qerr, d)
	}
	for _, msg := range []string{DamagedMessage(d), DamagedDuringRun(d)} {
		for _, want := range []string{st.Path(), "beschadigd", "onleesbaar", "`koppeling store reset`", "reservekopie"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q: %s", want, msg)
			}
		}
		if strings.Contains(msg, "malformed") || strings.Contains(msg, "database disk image") {
			t.Errorf("message carries SQLite's English: %s", msg)
		}
	}
	if AsDamaged(errors.New("database is locked"), st.Path()) != nil || AsDamaged(nil, "") != nil {
		t.Error("an error that says nothing about the file counts as damage")
	}
	if !strings.Contains(DamagedMessage(d), "Er is niets verstuurd") || strings.Contains(DamagedDuringRun(d), "niets verstuurd") {
		t.Error("only Open's refusal may say that nothing was sent")
	}
}

// TestEveryProblemHasItsWords: each problem has its own clause and its own
// window key; an unknown one reads as unreadable.
func TestEveryProblemHasItsWords(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range []Problem{ProblemEmpty, ProblemTruncated, ProblemNotSQLite, ProblemUnreadable, ProblemForeign, ProblemOrphanWAL} {
		d, k := p.Dutch(FileName), p.Key()
		if d == "" || !strings.HasPrefix(k, "damaged.problem.") || seen[d] || seen[k] || strings.Contains(d, "{{") {
			t.Errorf("problem %d: %q %q", p, d, k)
		}
		seen[d], seen[k] = true, true
	}
	if !strings.Contains(ProblemOrphanWAL.Dutch(FileName), FileName+"-wal") {
		t.Errorf("orphan WAL clause lacks the file: %q", ProblemOrphanWAL.Dutch(FileName))
	}
	if Problem(99).Key() != ProblemUnreadable.Key() || Problem(99).Dutch(FileName) != ProblemUnreadable.Dutch(FileName) {
		t.Error("an unknown problem does not read as unreadable")
	}
}
