package packaging

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/autostart"
)

// TestLinuxTarball unpacks the Linux tarball, checks its layout and the
// binary's version, installs it into a temporary prefix with its install.sh,
// validates the installed menu entry and metadata, and uninstalls it again,
// with and without the user's data.
func TestLinuxTarball(t *testing.T) {
	tarball, b := artifact(t, "KOPPELING_PKG_LINUX_TAR", "the Linux tarball")
	if runtime.GOOS != "linux" {
		t.Skip("the Linux tarball is checked on Linux")
	}
	id := fyneApp(t)["ID"]
	top := strings.TrimSuffix(filepath.Base(tarball), ".tar.gz")
	dir := t.TempDir()
	modes := untar(t, tarball, dir)

	want := map[string]fs.FileMode{
		top + "/koppeling":                                       0o755,
		top + "/install.sh":                                      0o755,
		top + "/share/applications/" + id + ".desktop":           0o644,
		top + "/share/metainfo/" + id + ".metainfo.xml":          0o644,
		top + "/share/icons/hicolor/48x48/apps/" + id + ".png":   0o644,
		top + "/share/icons/hicolor/64x64/apps/" + id + ".png":   0o644,
		top + "/share/icons/hicolor/128x128/apps/" + id + ".png": 0o644,
		top + "/share/icons/hicolor/256x256/apps/" + id + ".png": 0o644,
		top + "/share/icons/hicolor/512x512/apps/" + id + ".png": 0o644,
	}
	for name, mode := range want {
		if got, ok := modes[name]; !ok {
			t.Errorf("the tarball lacks %s", name)
		} else if got != mode {
			t.Errorf("%s has mode %v, want %v", name, got, mode)
		}
	}
	for name := range modes {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected file in the tarball: %s", name)
		}
	}
	pkg := filepath.Join(dir, top)
	checkBuildInfo(t, filepath.Join(pkg, "koppeling"), "linux", b)
	checkVersion(t, filepath.Join(pkg, "koppeling"), b)
	if meta, err := os.ReadFile(filepath.Join(pkg, "share/metainfo", id+".metainfo.xml")); err != nil {
		t.Fatal(err)
	} else if wantRelease := fmt.Sprintf(`<release version="%s" date="%s"/>`, b.Version, b.Date[:10]); !strings.Contains(string(meta), wantRelease) {
		t.Errorf("metainfo lacks %s", wantRelease)
	}

	// Install into a temporary prefix, for a user whose home is temporary too.
	home := filepath.Join(dir, "home")
	config := filepath.Join(home, ".config")
	prefix := filepath.Join(dir, "prefix")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", config)
	installSh := filepath.Join(pkg, "install.sh")
	run(t, installSh, "--prefix", prefix)
	installed := []string{
		"bin/koppeling",
		"share/applications/" + id + ".desktop",
		"share/metainfo/" + id + ".metainfo.xml",
		"share/icons/hicolor/48x48/apps/" + id + ".png",
		"share/icons/hicolor/512x512/apps/" + id + ".png",
	}
	for _, f := range installed {
		if _, err := os.Stat(filepath.Join(prefix, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	exe := filepath.Join(prefix, "bin/koppeling")
	checkVersion(t, exe, b)
	entry := filepath.Join(prefix, "share/applications", id+".desktop")
	content, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(content), "\n")
	if !slices.Contains(lines, "Exec="+exe) || !slices.Contains(lines, "TryExec="+exe) {
		t.Errorf("the installed menu entry does not start %s:\n%s", exe, content)
	}
	validate(t, "desktop-file-validate", entry)
	validate(t, "appstreamcli", "validate", "--no-net", filepath.Join(prefix, "share/metainfo", id+".metainfo.xml"))

	// The app's autostart setting writes its entry; uninstalling removes it
	// and the program, and keeps the user's data.
	if err := autostart.Enable(exe, "--tray"); err != nil {
		t.Fatal(err)
	}
	autostartFile := filepath.Join(config, "autostart", autostart.DesktopFileName)
	validate(t, "desktop-file-validate", autostartFile)
	data := filepath.Join(config, "Koppeling", "koppeling.db")
	if err := os.MkdirAll(filepath.Dir(data), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, []byte("the user's data"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, installSh, "--prefix", prefix, "--uninstall")
	for _, f := range installed {
		if _, err := os.Stat(filepath.Join(prefix, f)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after --uninstall (%v)", f, err)
		}
	}
	if _, err := os.Stat(autostartFile); !os.IsNotExist(err) {
		t.Errorf("the autostart entry is still there after --uninstall (%v)", err)
	}
	if _, err := os.Stat(data); err != nil {
		t.Errorf("--uninstall removed the user's data: %v", err)
	}

	// --purge removes the data too.
	run(t, installSh, "--prefix", prefix)
	run(t, installSh, "--prefix", prefix, "--uninstall", "--purge")
	if _, err := os.Stat(filepath.Dir(data)); !os.IsNotExist(err) {
		t.Errorf("the user's data are still there after --uninstall --purge (%v)", err)
	}

	// DESTDIR stages a system install without touching the system.
	stage := filepath.Join(dir, "stage")
	cmd := exec.Command(installSh, "--prefix", "/usr")
	cmd.Env = append(os.Environ(), "DESTDIR="+stage)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("DESTDIR install: %v\n%s", err, out)
	}
	staged, err := os.ReadFile(filepath.Join(stage, "usr/share/applications", id+".desktop"))
	if err != nil || !slices.Contains(strings.Split(string(staged), "\n"), "Exec=/usr/bin/koppeling") {
		t.Errorf("DESTDIR install: %v\n%s", err, staged)
	}

	// A relative prefix is refused.
	if out, err := exec.Command(installSh, "--prefix", "relative").CombinedOutput(); err == nil {
		t.Errorf("install.sh accepted a relative prefix:\n%s", out)
	}
}

// untar extracts a .tar.gz into dir and returns each regular file's mode.
func untar(t *testing.T, path, dir string) map[string]fs.FileMode {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]fs.FileMode{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return modes
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s is owned by %d:%d, want 0:0", h.Name, h.Uid, h.Gid)
		}
		if !filepath.IsLocal(h.Name) {
			t.Fatalf("unsafe path in the tarball: %s", h.Name)
		}
		target := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			modes[strings.TrimSuffix(h.Name, "/")] = h.FileInfo().Mode().Perm()
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, h.FileInfo().Mode().Perm())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(out, tr); err != nil {
				t.Fatal(err)
			}
			if err := out.Close(); err != nil {
				t.Fatal(err)
			}
		default:
			t.Errorf("%s: unexpected entry type %c", h.Name, h.Typeflag)
		}
	}
}

// checkVersion runs `koppeling version` and compares its output with the
// build.
func checkVersion(t *testing.T, exe string, b built) {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(exe, "version")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	want := fmt.Sprintf("koppeling %s (commit %s, built %s)\n", b.BuildVersion, b.Commit, b.Date)
	if err != nil || string(out) != want {
		t.Errorf("%s version: %v\n%q\nwant %q", exe, err, out, want)
	}
	if stderr.Len() > 0 {
		t.Logf("%s version wrote to stderr:\n%s", exe, stderr.String())
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	t.Logf("%s %s:\n%s", filepath.Base(name), strings.Join(args, " "), out)
}

// validate runs a validator (desktop-file-validate, appstreamcli), which the
// package targets install on Debian.
func validate(t *testing.T, tool string, args ...string) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Errorf("%s is not installed (Debian: desktop-file-utils, appstream); make package-linux installs it", tool)
		return
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	// desktop-file-validate prints nothing for a clean file; its warnings
	// and hints count as failures here.
	if err != nil || tool == "desktop-file-validate" && len(out) > 0 {
		t.Errorf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
		return
	}
	t.Logf("%s %s: ok %s", tool, strings.Join(args, " "), strings.TrimSpace(string(out)))
}
