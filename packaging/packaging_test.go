// Package packaging checks Koppeling's installers and the files they are
// made of. It holds tests only.
//
// The source checks (FyneApp.toml, the icons, the NSIS script, the Linux menu
// entry and AppStream metadata) run with every `go test ./...`. The checks of
// built packages run when `make package-test` has built them and names them in
// KOPPELING_PKG_* variables; otherwise they skip and say so.
package packaging

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/autostart"
	"github.com/koppeling/koppeling/internal/secrets"
)

// root is the repository, seen from this package's folder.
const root = ".."

// fyneApp reads the key = value lines of FyneApp.toml (the file is flat
// enough that no TOML library is needed).
func fyneApp(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		key, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		values[strings.TrimSpace(key)] = strings.Trim(strings.TrimSpace(value), `"`)
	}
	return values
}

func TestFyneAppMetadata(t *testing.T) {
	app := fyneApp(t)
	if app["Name"] != autostart.Name {
		t.Errorf("FyneApp.toml Name = %q, autostart.Name = %q", app["Name"], autostart.Name)
	}
	if app["ID"] != autostart.ID {
		t.Errorf("FyneApp.toml ID = %q, autostart.ID = %q", app["ID"], autostart.ID)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(app["Version"]) {
		t.Errorf("FyneApp.toml Version = %q, want x.y.z", app["Version"])
	}
	if n, err := strconv.Atoi(app["Build"]); err != nil || n < 1 || n > 65535 {
		t.Errorf("FyneApp.toml Build = %q, want 1-65535 (a Windows version field)", app["Build"])
	}
	// The window's app ID must be the same: Windows shows notifications only
	// for the AppUserModelID the installer puts on the shortcut.
	uiFiles, _ := filepath.Glob(filepath.Join(root, "internal/ui/*.go"))
	uiID := ""
	for _, f := range uiFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`(?m)^(?:const )?\s*AppID\s*=\s*"([^"]*)"`).FindSubmatch(b); m != nil {
			uiID = string(m[1])
		}
	}
	if uiID != app["ID"] {
		t.Errorf("internal/ui AppID = %q, FyneApp.toml ID = %q", uiID, app["ID"])
	}
	img := decodePNG(t, filepath.Join(root, app["Icon"]))
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon %s is %v, want 512x512", app["Icon"], b)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func TestIcons(t *testing.T) {
	ico, err := os.ReadFile(filepath.Join(root, "assets/icons/koppeling.ico"))
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := icoSizes(ico)
	if err != nil {
		t.Fatalf("koppeling.ico: %v", err)
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{16, 32, 48, 256}) {
		t.Errorf("koppeling.ico holds %v, want 16, 32, 48 and 256", sizes)
	}

	for _, n := range []int{48, 64, 128, 256, 512} {
		img := decodePNG(t, filepath.Join(root, fmt.Sprintf("assets/icons/koppeling-%d.png", n)))
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("koppeling-%d.png is %v", n, b)
		}
	}

	// macOS: every entry a PNG of the size its type stands for.
	icns, err := os.ReadFile(filepath.Join(root, "assets/icons/koppeling.icns"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"icp4": 16, "icp5": 32, "ic11": 32, "ic12": 64, "ic07": 128, "ic13": 256, "ic08": 256, "ic14": 512, "ic09": 512}
	if len(icns) < 8 || string(icns[:4]) != "icns" || int(binary.BigEndian.Uint32(icns[4:])) != len(icns) {
		t.Fatalf("koppeling.icns: bad header")
	}
	seen := map[string]bool{}
	for off := 8; off < len(icns); {
		if off+8 > len(icns) {
			t.Fatalf("koppeling.icns: truncated entry at %d", off)
		}
		typ, n := string(icns[off:off+4]), int(binary.BigEndian.Uint32(icns[off+4:]))
		if n < 8 || off+n > len(icns) {
			t.Fatalf("koppeling.icns: entry %s of %d bytes at %d", typ, n, off)
		}
		size, known := want[typ]
		if !known {
			t.Errorf("koppeling.icns: unexpected entry %s", typ)
		} else if cfg, err := png.DecodeConfig(bytes.NewReader(icns[off+8 : off+n])); err != nil {
			t.Errorf("koppeling.icns %s: %v", typ, err)
		} else if cfg.Width != size || cfg.Height != size {
			t.Errorf("koppeling.icns %s is %dx%d, want %d", typ, cfg.Width, cfg.Height, size)
		}
		seen[typ] = true
		off += n
	}
	for typ := range want {
		if !seen[typ] {
			t.Errorf("koppeling.icns has no %s entry", typ)
		}
	}
}

// nsisScript reads the installer script: its !define values and its sections
// (header line -> body).
func nsisScript(t *testing.T) (text string, defines map[string]string, sections map[string]string) {
	t.Helper()
	b, err := os.ReadFile("windows/installer.nsi")
	if err != nil {
		t.Fatal(err)
	}
	text = string(b)
	defines = map[string]string{}
	sections = map[string]string{}
	defineRE := regexp.MustCompile(`^!define\s+(\w+)\s+"([^"]*)"`)
	var header string
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if m := defineRE.FindStringSubmatch(trimmed); m != nil {
			defines[m[1]] = m[2]
		}
		switch {
		case strings.HasPrefix(trimmed, "Section "):
			header = trimmed
			body.Reset()
		case trimmed == "SectionEnd":
			sections[header] = body.String()
			header = ""
		case header != "":
			body.WriteString(trimmed + "\n")
		}
	}
	return text, defines, sections
}

func section(t *testing.T, sections map[string]string, prefix string) string {
	t.Helper()
	for header, body := range sections {
		if strings.HasPrefix(header, prefix) {
			return body
		}
	}
	t.Fatalf("installer.nsi has no section %s...", prefix)
	return ""
}

// TestInstallerScript checks that the installer writes and removes the same
// entries as the app, installs per user, and keeps the user's data unless
// asked.
func TestInstallerScript(t *testing.T) {
	text, defines, sections := nsisScript(t)
	want := map[string]string{
		"APP_NAME":          fyneApp(t)["Name"],
		"APP_ID":            fyneApp(t)["ID"],
		"EXE_NAME":          "Koppeling.exe",
		"RUN_KEY":           autostart.RunKey,
		"RUN_VALUE":         autostart.RunValueName,
		"APPROVED_KEY":      autostart.StartupApprovedKey,
		"CREDENTIAL_TARGET": secrets.Service + ":" + secrets.Account,
		"DATA_DIR":          `$APPDATA\Koppeling`,
		"FYNE_DATA_DIR":     `$APPDATA\fyne\` + fyneApp(t)["ID"],
		"UNINSTALL_KEY":     `Software\Microsoft\Windows\CurrentVersion\Uninstall\Koppeling`,
	}
	for name, value := range want {
		if defines[name] != value {
			t.Errorf("!define %s %q, want %q", name, defines[name], value)
		}
	}

	for _, stmt := range []string{
		"RequestExecutionLevel user",
		`InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"`,
		"Target amd64-unicode",
		`!insertmacro CreateAppShortcut "${SHORTCUT}"`,
		`System::Call '*${SYSSTRUCT_PROPERTYKEY}(${PKEY_AppUserModel_ID})p.r4'`,
		`System::Call 'SHLWAPI::SHStrDupW(w "${APP_ID}", *p .r6)i.r7'`,
	} {
		if !strings.Contains(text, stmt) {
			t.Errorf("installer.nsi lacks %s", stmt)
		}
	}
	if strings.Contains(text, "HKLM") || strings.Contains(text, "SetShellVarContext all") {
		t.Error("installer.nsi touches the machine (HKLM or all users); it must install per user")
	}

	// The Run value the installer writes is the one the app writes.
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "$INSTDIR", `C:\Users\Jan de Vries\AppData\Local\Programs\Koppeling`)
		return strings.ReplaceAll(s, "${EXE_NAME}", defines["EXE_NAME"])
	}
	autostartBody := section(t, sections, `Section "$(SecAutostart)"`)
	m := regexp.MustCompile(`WriteRegStr HKCU "\$\{RUN_KEY\}" "\$\{RUN_VALUE\}" '(.*) \$\{AUTOSTART_ARGS\}'`).FindStringSubmatch(autostartBody)
	if m == nil {
		t.Fatalf("the autostart section does not write the Run value with AUTOSTART_ARGS:\n%s", autostartBody)
	}
	mk, err := os.ReadFile("packaging.mk")
	if err != nil {
		t.Fatal(err)
	}
	args := regexp.MustCompile(`(?m)^AUTOSTART_ARGS \?= *(.*)$`).FindSubmatch(mk)
	if args == nil {
		t.Fatal("packaging.mk does not set AUTOSTART_ARGS")
	}
	wantRun, err := autostart.RunValue(`C:\Users\Jan de Vries\AppData\Local\Programs\Koppeling\Koppeling.exe`, strings.Fields(string(args[1]))...)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(expand(m[1]) + " " + string(args[1])); got != wantRun {
		t.Errorf("installer Run value %s, the app's %s", got, wantRun)
	}

	// The uninstaller always removes the program and autostart...
	un := section(t, sections, `Section "un.$(SecProgram)"`)
	for _, stmt := range []string{
		`DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"`,
		`DeleteRegValue HKCU "${APPROVED_KEY}" "${RUN_VALUE}"`,
		`DeleteRegKey HKCU "${UNINSTALL_KEY}"`,
		`Delete "${SHORTCUT}"`,
		`Delete "$INSTDIR\${EXE_NAME}"`,
	} {
		if !strings.Contains(un, stmt) {
			t.Errorf("the uninstaller does not %s", stmt)
		}
	}
	// ...and the data only in the section that starts unticked (/o).
	purge := section(t, sections, `Section /o "un.$(SecPurge)"`)
	for _, stmt := range []string{`RMDir /r "${DATA_DIR}"`, `CredDeleteW(w "${CREDENTIAL_TARGET}"`} {
		if !strings.Contains(purge, stmt) {
			t.Errorf("the remove-my-data section does not %s", stmt)
		}
	}
	for header, body := range sections {
		if !strings.HasPrefix(header, `Section /o "un.$(SecPurge)"`) &&
			(strings.Contains(body, "${DATA_DIR}") || strings.Contains(body, "CredDelete")) {
			t.Errorf("section %s touches the user's data", header)
		}
	}
	if _, ok := sections[`Section "-Apply unticked options"`]; !ok {
		t.Error("no section undoes unticked options of an earlier install")
	}
}

// TestLinuxSourceFiles checks the menu entry and the AppStream metadata
// against the app ID (the build validates them with desktop-file-validate
// and appstreamcli).
func TestLinuxSourceFiles(t *testing.T) {
	id := fyneApp(t)["ID"]
	desktop, err := os.ReadFile("linux/koppeling.desktop")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"Exec=koppeling", "TryExec=koppeling", "Icon=" + id, "Name=" + fyneApp(t)["Name"], "Type=Application"} {
		if !slices.Contains(strings.Split(string(desktop), "\n"), line) {
			t.Errorf("koppeling.desktop lacks %s", line)
		}
	}
	raw, err := os.ReadFile("linux/koppeling.metainfo.xml.in")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		ID         string `xml:"id"`
		Launchable string `xml:"launchable"`
		Icon       string `xml:"icon"`
		Binary     string `xml:"provides>binary"`
		Release    struct {
			Version string `xml:"version,attr"`
			Date    string `xml:"date,attr"`
		} `xml:"releases>release"`
	}
	if err := xml.Unmarshal(raw, &meta); err != nil {
		t.Fatalf("metainfo: %v", err)
	}
	if meta.ID != id || meta.Launchable != id+".desktop" || meta.Icon != id || meta.Binary != "koppeling" {
		t.Errorf("metainfo id %q, launchable %q, icon %q, binary %q; want %s, %s.desktop, %s, koppeling",
			meta.ID, meta.Launchable, meta.Icon, meta.Binary, id, id, id)
	}
	if meta.Release.Version != "@VERSION@" || meta.Release.Date != "@DATE@" {
		t.Errorf("metainfo release %+v, want the @VERSION@ and @DATE@ placeholders", meta.Release)
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if out, err := exec.Command(sh, "-n", "linux/install.sh").CombinedOutput(); err != nil {
			t.Errorf("sh -n install.sh: %v\n%s", err, out)
		}
	}
}

// built is what make package-test built and expects.
type built struct {
	Version, VersionFull, BuildVersion, Commit, Date, Tags string
}

// artifact returns the path named by env, or skips the test when the package
// has not been built.
func artifact(t *testing.T, env, what string) (string, built) {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skipf("%s is not built here: `make package-test` builds the packages and runs these checks (%s names it)", what, env)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (%v): build it with `make package-test`", what, err)
	}
	b := built{
		Version: os.Getenv("KOPPELING_PKG_VERSION"), VersionFull: os.Getenv("KOPPELING_PKG_VERSION_FULL"),
		BuildVersion: os.Getenv("KOPPELING_PKG_BUILD_VERSION"), Commit: os.Getenv("KOPPELING_PKG_COMMIT"),
		Date: os.Getenv("KOPPELING_PKG_DATE"), Tags: os.Getenv("KOPPELING_PKG_TAGS"),
	}
	if b.Version == "" || b.VersionFull == "" || b.BuildVersion == "" || b.Commit == "" || b.Date == "" {
		t.Fatalf("%s is given but not the build's KOPPELING_PKG_VERSION, _VERSION_FULL, _BUILD_VERSION, _COMMIT and _DATE: run `make package-test`", env)
	}
	return path, b
}

// checkBuildInfo checks the Go build settings recorded in a binary: the
// target, cgo, -trimpath, the tags, and that the desktop app is in it. (With
// -trimpath Go records no -ldflags; the version values are checked in the
// binary itself.)
func checkBuildInfo(t *testing.T, path, goos string, b built) {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	want := map[string]string{"GOOS": goos, "CGO_ENABLED": "1", "-trimpath": "true"}
	if goos == "windows" {
		want["GOARCH"] = "amd64" // the Linux package is built for the machine's own architecture
	}
	for key, value := range want {
		if settings[key] != value {
			t.Errorf("%s built with %s=%q, want %q", filepath.Base(path), key, settings[key], value)
		}
	}
	if b.Tags != "" && settings["-tags"] != b.Tags {
		t.Errorf("%s built with -tags %q, want %q", filepath.Base(path), settings["-tags"], b.Tags)
	}
	hasFyne := false
	for _, d := range info.Deps {
		hasFyne = hasFyne || d.Path == "fyne.io/fyne/v2"
	}
	if !hasFyne {
		t.Errorf("%s does not contain the desktop app (no fyne.io/fyne/v2)", filepath.Base(path))
	}
}

// verifySignature checks an Authenticode signature against the test CA that
// make package-test signed with.
func verifySignature(t *testing.T, path string) {
	t.Helper()
	ca := os.Getenv("KOPPELING_PKG_SIGN_CA")
	if ca == "" {
		t.Logf("%s: not signed by this build (no KOPPELING_PKG_SIGN_CA)", filepath.Base(path))
		return
	}
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Fatalf("osslsigncode is needed to check the signature of %s: %v", path, err)
	}
	out, err := exec.Command(tool, "verify", "-CAfile", ca, "-in", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Signature verification: ok")) {
		t.Errorf("osslsigncode verify %s: %v\n%s", filepath.Base(path), err, out)
		return
	}
	t.Logf("osslsigncode verify %s: Signature verification: ok", filepath.Base(path))
}

// TestFynePatchMatchesTheModule checks that the Fyne files that
// packaging/fyne-patch replaces (loop.go.patched, painter/font.go.patched)
// were made from the Fyne release go.mod uses: the module's own files must
// still have the checksums of v2.7.1's, and each patch must keep everything
// of its original (the files differ only by the KOPPELING lines).
func TestFynePatchMatchesTheModule(t *testing.T) {
	// The module as go.mod names it, not the patched copy GOFLAGS may point at.
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "fyne.io/fyne/v2")
	cmd.Dir, cmd.Env = root, append(os.Environ(), "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if version != "v2.7.1" {
		t.Fatalf("go.mod uses Fyne %s; packaging/fyne-patch is for v2.7.1 (see its README)", version)
	}
	for _, f := range []struct{ original, patch, sha256 string }{
		{"internal/driver/glfw/loop.go", "loop.go.patched", "d15914b9536c96cfdb7627b6b78b7ca3ad31b56428b2061f8421e93bbe859e45"},
		{"internal/painter/font.go", "painter/font.go.patched", "7cfee822db37023e1a0d73b20acc34306318a6327d1c99377f6849d65fa3ca73"},
	} {
		orig, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.original)))
		if err != nil {
			t.Fatal(err)
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(orig)); sum != f.sha256 {
			t.Fatalf("Fyne's %s has checksum %s, the patch was made from %s", f.original, sum, f.sha256)
		}
		patched, err := os.ReadFile(filepath.Join(root, "packaging", "fyne-patch", filepath.FromSlash(f.patch)))
		if err != nil {
			t.Fatal(err)
		}
		// Every line of the original is still in the patch, in order.
		pl := strings.Split(string(patched), "\n")
		i := 0
		for _, line := range strings.Split(string(orig), "\n") {
			for i < len(pl) && pl[i] != line {
				i++
			}
			if i == len(pl) {
				t.Fatalf("%s dropped or changed the line %q", f.patch, line)
			}
			i++
		}
		if !strings.Contains(string(patched), "KOPPELING") {
			t.Fatalf("%s has no KOPPELING change", f.patch)
		}
	}
}
