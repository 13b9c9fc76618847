package links

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/koppeling/koppeling/internal/message"
)

func TestWithoutAFileTheDataFolderIsTheFirstLink(t *testing.T) {
	dir := t.TempDir()
	r := New(dir)
	ls, err := r.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].ID != FirstID || ls[0].Name != FirstName || !ls[0].First() {
		t.Fatalf("links = %+v", ls)
	}
	if r.Folder(ls[0]) != dir || ls[0].KeychainService("nl.koppeling.desktop") != "nl.koppeling.desktop" {
		t.Fatalf("first link's folder %s, keychain %s", r.Folder(ls[0]), ls[0].KeychainService("nl.koppeling.desktop"))
	}
	if _, err := os.Stat(r.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reading wrote %s: %v", r.Path(), err)
	}
}

func TestAddRenameRemove(t *testing.T) {
	dir := t.TempDir()
	r := New(dir)
	a, err := r.Add("  Installatiebedrijf De Vries ")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Installatiebedrijf De Vries" || a.First() || a.Dir != "links/"+a.ID {
		t.Fatalf("added %+v", a)
	}
	// Private on Unix; Windows has no such mode bits (the folder is in the
	// user's own profile).
	if fi, err := os.Stat(r.Folder(a)); err != nil || !fi.IsDir() || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder of the new link: %v %v", fi, err)
	}
	if got := a.KeychainService("nl.koppeling.desktop"); got != "nl.koppeling.desktop."+a.ID {
		t.Fatalf("keychain service %q", got)
	}
	ls, _ := r.List()
	if len(ls) != 2 || ls[0].ID != FirstID || ls[1].ID != a.ID {
		t.Fatalf("links after add: %+v", ls)
	}
	renamed, err := r.Rename(a.ID, "De Vries Installatie")
	if err != nil || renamed.ID != a.ID || renamed.Name != "De Vries Installatie" {
		t.Fatalf("rename: %+v %v", renamed, err)
	}
	if l, err := r.Find("de vries installatie"); err != nil || l.ID != a.ID {
		t.Fatalf("find by another case: %+v %v", l, err)
	}
	// Renaming to its own name in another case is allowed.
	if _, err := r.Rename(a.ID, "DE VRIES INSTALLATIE"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Rename(FirstID, "Bakkerij Jansen"); err != nil {
		t.Fatal(err)
	}
	if l, err := r.ByID(FirstID); err != nil || l.Name != "Bakkerij Jansen" || !l.First() {
		t.Fatalf("first link after rename: %+v %v", l, err)
	}
	removed, err := r.Remove(a.ID)
	if err != nil || removed.ID != a.ID {
		t.Fatalf("remove: %+v %v", removed, err)
	}
	if _, err := os.Stat(r.Folder(a)); err != nil {
		t.Fatalf("remove without purge deleted the folder: %v", err)
	}
	if _, err := r.Remove(FirstID); !errors.Is(err, ErrLastLink) {
		t.Fatalf("removing the only link: %v", err)
	}
	var unknown *UnknownError
	if _, err := r.Find(a.Name); !errors.As(err, &unknown) || !strings.Contains(unknown.Error(), "\"Bakkerij Jansen\"") {
		t.Fatalf("find a removed link: %v", err)
	}
}

func TestNamesAreUniqueTrimmedAndShort(t *testing.T) {
	r := New(t.TempDir())
	if _, err := r.Add("Jansen"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, key string
	}{
		{"", "link.name.empty"}, {"   ", "link.name.empty"}, {"JANSEN", "link.name.taken"}, {" jansen ", "link.name.taken"},
		{"standaard", "link.name.taken"}, {strings.Repeat("é", MaxName+1), "link.name.long"},
	} {
		_, err := r.Add(c.name)
		var ne *NameError
		if !errors.As(err, &ne) || ne.Key != c.key {
			t.Errorf("Add(%q) = %v, want %s", c.name, err, c.key)
		}
	}
	if _, err := r.Add(strings.Repeat("é", MaxName)); err != nil {
		t.Errorf("a name of %d characters refused: %v", MaxName, err)
	}
	_, err := r.Add("jansen")
	var ne *NameError
	if !errors.As(err, &ne) || ne.Message().Render(message.English) != `there already is a link named "jansen"` ||
		err.Error() != `er is al een koppeling met de naam "jansen"` {
		t.Fatalf("taken name: %v", err)
	}
	if ls, _ := r.List(); len(ls) != 3 {
		t.Fatalf("refused names changed the registry: %+v", ls)
	}
}

func TestADamagedFileIsRefusedAndKept(t *testing.T) {
	for name, content := range map[string]string{
		"not json":        "{\"version\": 1, \"links\": [",
		"empty":           "",
		"other version":   `{"version": 2, "links": []}`,
		"folder outside":  `{"version": 1, "links": [{"id": "k1", "name": "A", "dir": "..", "keychain_suffix": ".k1"}]}`,
		"twice the name":  `{"version": 1, "links": [{"id": "standaard", "name": "A", "dir": ".", "keychain_suffix": ""}, {"id": "k1", "name": "a", "dir": "links/k1", "keychain_suffix": ".k1"}]}`,
		"unknown field":   `{"version": 1, "links": [], "extra": true}`,
		"another's items": `{"version": 1, "links": [{"id": "k1", "name": "A", "dir": "links/k2", "keychain_suffix": ".k1"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := New(t.TempDir())
			if err := os.WriteFile(r.Path(), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			var d *DamagedError
			if _, err := r.List(); !errors.As(err, &d) || d.Path != r.Path() {
				t.Fatalf("List: %v", err)
			}
			if _, err := r.Add("B"); !errors.As(err, &d) {
				t.Fatalf("Add: %v", err)
			}
			if !strings.Contains(d.Message().Render(message.Dutch), "onleesbaar") {
				t.Fatalf("message: %s", d.Message().Render(message.Dutch))
			}
			if b, _ := os.ReadFile(r.Path()); string(b) != content {
				t.Fatalf("the damaged file was changed: %q", b)
			}
		})
	}
}

func TestPurge(t *testing.T) {
	dir := t.TempDir()
	r := New(dir)
	a, _ := r.Add("A")
	b, _ := r.Add("B")
	for _, f := range []string{filepath.Join(dir, "koppeling.db"), filepath.Join(dir, "koppeling.db-wal"),
		filepath.Join(dir, "koppeling.db.beschadigd-20260101-000000"), filepath.Join(dir, "koppeling-gui.log"),
		filepath.Join(r.Folder(a), "koppeling.db"), filepath.Join(r.Folder(b), "koppeling.db")} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Purge(a, "koppeling.db"); err == nil {
		t.Fatal("purged a registered link")
	}
	if _, err := r.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Purge(a, "koppeling.db"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.Folder(a)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("folder of the purged link: %v", err)
	}
	first, _ := r.ByID(FirstID)
	if _, err := r.Remove(FirstID); err != nil {
		t.Fatal(err)
	}
	if err := r.Purge(first, "koppeling.db"); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, l := range left {
		names = append(names, filepath.Base(l))
	}
	if strings.Join(names, " ") != "koppeling-gui.log links links.json links.json.lock" {
		t.Fatalf("after purging the first link the data folder holds %v", names)
	}
	if _, err := os.Stat(filepath.Join(r.Folder(b), "koppeling.db")); err != nil {
		t.Fatalf("another link's store: %v", err)
	}
	if ls, _ := r.List(); len(ls) != 1 || ls[0].ID != b.ID {
		t.Fatalf("links left: %+v", ls)
	}
}

// TestConcurrentAddsLoseNothing adds links from goroutines and from other
// processes at once: every one is in the registry afterwards.
func TestConcurrentAddsLoseNothing(t *testing.T) {
	dir := t.TempDir()
	const perWorker = 8
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				if _, err := New(dir).Add(fmt.Sprintf("goroutine %d-%d", w, i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for p := 0; p < 2; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAdds$")
			cmd.Env = append(os.Environ(), "LINKS_HELPER_DIR="+dir, fmt.Sprintf("LINKS_HELPER_PREFIX=process %d", p))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper process: %v\n%s", err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ls, err := New(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + 6*perWorker; len(ls) != want {
		t.Fatalf("%d links, want %d", len(ls), want)
	}
	for w := 0; w < 4; w++ {
		for i := 0; i < perWorker; i++ {
			if _, err := New(dir).Find(fmt.Sprintf("goroutine %d-%d", w, i)); err != nil {
				t.Error(err)
			}
		}
	}
	for p := 0; p < 2; p++ {
		for i := 0; i < perWorker; i++ {
			if _, err := New(dir).Find(fmt.Sprintf("process %d-%d", p, i)); err != nil {
				t.Error(err)
			}
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, FileName+".tmp-*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestHelperAdds is the other process of TestConcurrentAddsLoseNothing.
func TestHelperAdds(t *testing.T) {
	dir := os.Getenv("LINKS_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process of TestConcurrentAddsLoseNothing")
	}
	for i := 0; i < 8; i++ {
		if _, err := New(dir).Add(fmt.Sprintf("%s-%d", os.Getenv("LINKS_HELPER_PREFIX"), i)); err != nil {
			t.Fatal(err)
		}
	}
}
