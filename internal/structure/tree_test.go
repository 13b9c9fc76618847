package structure

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// module is Koppeling's module path; imports under it are the ones the
// layer rules speak about.
const module = "github.com/koppeling/koppeling"

// repoRoot is the module's root, two folders up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above %s: %v", root, err)
	}
	return root
}

// packageDirs lists the module's folders that hold Go files, relative to
// root with forward slashes ("." for the root), leaving out what is not the
// module's own code: bin/ (the patched Fyne copy, builds), testdata and
// hidden folders.
func packageDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || rel == "bin" || rel == "dist") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".go") {
			seen[filepath.ToSlash(filepath.Dir(rel))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
}

// buildContexts are the builds whose imports count: each operating system
// Koppeling ships for, with the tags of the app build and of the tests.
func buildContexts() []build.Context {
	var out []build.Context
	for _, goos := range []string{"linux", "windows", "darwin"} {
		for _, tags := range [][]string{{"migrated_fynedo", "no_emoji"}, {"ci", "migrated_fynedo", "no_emoji"}} {
			c := build.Default
			c.GOOS, c.GOARCH, c.CgoEnabled, c.BuildTags = goos, "amd64", true, tags
			out = append(out, c)
		}
	}
	return out
}

// productionImports returns, per package folder (relative to root), the
// imports of its non-test files in any of the build contexts.
func productionImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, dir := range packageDirs(t, root) {
		set := map[string]bool{}
		found := false
		for _, ctx := range buildContexts() {
			p, err := ctx.ImportDir(filepath.Join(root, filepath.FromSlash(dir)), 0)
			if err != nil {
				if _, ok := err.(*build.NoGoError); ok {
					continue
				}
				t.Fatalf("read the imports of %s (%s): %v", dir, ctx.GOOS, err)
			}
			found = found || len(p.GoFiles)+len(p.CgoFiles) > 0
			for _, imp := range p.Imports {
				set[imp] = true
			}
		}
		if !found {
			continue // test files only
		}
		imports := make([]string, 0, len(set))
		for imp := range set {
			imports = append(imports, imp)
		}
		sort.Strings(imports)
		out[dir] = imports
	}
	return out
}
