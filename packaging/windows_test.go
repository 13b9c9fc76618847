package packaging

import (
	"bytes"
	"crypto/sha256"
	"debug/pe"
	"encoding/binary"
	"encoding/xml"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// openPE opens a Windows executable and checks what every one of ours is: a
// 64-bit x86 program for the GUI subsystem (no console window).
func openPE(t *testing.T, path string) *pe.File {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("%s: machine %#x, want AMD64", filepath.Base(path), f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatalf("%s: not a PE32+ file", filepath.Base(path))
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("%s: subsystem %d, want %d (Windows GUI)", filepath.Base(path), oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	return f
}

// resourcesOf returns the resources of an executable by type.
func resourcesOf(t *testing.T, f *pe.File, name string) map[string][]resource {
	t.Helper()
	res, err := readResources(f)
	if err != nil {
		t.Fatalf("%s resources: %v", name, err)
	}
	byType := map[string][]resource{}
	for _, r := range res {
		byType[r.Type] = append(byType[r.Type], r)
	}
	return byType
}

func versionOf(t *testing.T, byType map[string][]resource, name string) versionInfo {
	t.Helper()
	v := byType[strconv.Itoa(rtVersion)]
	if len(v) != 1 {
		t.Fatalf("%s has %d version resources, want 1", name, len(v))
	}
	info, err := parseVersionInfo(v[0].Data)
	if err != nil {
		t.Fatalf("%s version resource: %v", name, err)
	}
	return info
}

// manifestOf returns the application manifest's identity and requested
// execution level.
func manifestOf(t *testing.T, byType map[string][]resource, name string) (identityName, identityVersion, level string) {
	t.Helper()
	m := byType[strconv.Itoa(rtManifest)]
	if len(m) != 1 {
		t.Fatalf("%s has %d manifests, want 1", name, len(m))
	}
	var doc struct {
		Identity struct {
			Name    string `xml:"name,attr"`
			Version string `xml:"version,attr"`
		} `xml:"assemblyIdentity"`
		Level struct {
			Level string `xml:"level,attr"`
		} `xml:"trustInfo>security>requestedPrivileges>requestedExecutionLevel"`
	}
	if err := xml.Unmarshal(m[0].Data, &doc); err != nil {
		t.Fatalf("%s manifest: %v\n%s", name, err, m[0].Data)
	}
	return doc.Identity.Name, doc.Identity.Version, doc.Level.Level
}

// TestWindowsExecutable checks Koppeling.exe: GUI subsystem, version
// information, icon, manifest, build settings and signature.
func TestWindowsExecutable(t *testing.T) {
	path, b := artifact(t, "KOPPELING_PKG_WINDOWS_EXE", "Koppeling.exe")
	f := openPE(t, path)
	byType := resourcesOf(t, f, "Koppeling.exe")

	v := versionOf(t, byType, "Koppeling.exe")
	if got := versionString(v.FileVersion); got != b.VersionFull {
		t.Errorf("FILEVERSION %s, want %s", got, b.VersionFull)
	}
	if got := versionString(v.ProductVersion); got != b.VersionFull {
		t.Errorf("PRODUCTVERSION %s, want %s", got, b.VersionFull)
	}
	if !slices.Equal(v.Tables, []string{"041304B0"}) {
		t.Errorf("string tables %v, want 041304B0 (Dutch, Unicode)", v.Tables)
	}
	for key, want := range map[string]string{
		"ProductName": "Koppeling", "FileDescription": "Koppeling", "CompanyName": "Koppeling",
		"OriginalFilename": "Koppeling.exe", "InternalName": "koppeling", "LegalCopyright": "Copyright (c) Koppeling",
		"FileVersion": b.VersionFull, "ProductVersion": b.BuildVersion,
	} {
		if v.Strings[key] != want {
			t.Errorf("version string %s = %q, want %q", key, v.Strings[key], want)
		}
	}

	// The icon: one group (the one Explorer shows, named for GLFW) with the
	// four sizes, each an icon resource of that size.
	groups := byType[strconv.Itoa(rtGroupIcon)]
	if len(groups) != 1 || groups[0].Name != "GLFW_ICON" {
		t.Fatalf("icon groups %v, want one named GLFW_ICON", groups)
	}
	entries, err := parseIconGroup(groups[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	icons := map[string][]byte{}
	for _, r := range byType[strconv.Itoa(rtIcon)] {
		icons[r.Name] = r.Data
	}
	var sizes []int
	for _, e := range entries {
		sizes = append(sizes, e.Size)
		data := icons[strconv.Itoa(int(e.ID))]
		switch {
		case data == nil:
			t.Errorf("icon %d (%dpx) is missing", e.ID, e.Size)
		case bytes.HasPrefix(data, []byte("\x89PNG")):
			if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != e.Size {
				t.Errorf("icon %d: PNG of %dpx (%v) in a %dpx entry", e.ID, cfg.Width, err, e.Size)
			}
		case len(data) >= 12 && int(binary.LittleEndian.Uint32(data[4:])) != e.Size: // BITMAPINFOHEADER width
			t.Errorf("icon %d: bitmap of %dpx in a %dpx entry", e.ID, binary.LittleEndian.Uint32(data[4:]), e.Size)
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{16, 32, 48, 256}) {
		t.Errorf("icon sizes %v, want 16, 32, 48 and 256", sizes)
	}

	name, version, level := manifestOf(t, byType, "Koppeling.exe")
	if name != fyneApp(t)["ID"] || version != b.VersionFull || level != "asInvoker" {
		t.Errorf("manifest: identity %s %s, execution level %q; want %s %s, asInvoker", name, version, level, fyneApp(t)["ID"], b.VersionFull)
	}

	t.Logf("Koppeling.exe: PE32+ AMD64, Windows GUI subsystem; FILEVERSION %s; %v; icon group %s with %v px; manifest %s %s, %s",
		versionString(v.FileVersion), v.Strings, groups[0].Name, sizes, name, version, level)

	checkBuildInfo(t, path, "windows", b)
	exe, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{b.BuildVersion, b.Commit, b.Date} {
		if !bytes.Contains(exe, []byte(s)) {
			t.Errorf("Koppeling.exe does not contain %q: the linker did not set main.version, commit and date", s)
		}
	}
	verifySignature(t, path)
}

// TestWindowsInstaller checks the NSIS installer: a per-user GUI program with
// version information that holds the same Koppeling.exe and an uninstaller,
// both signed when the build signs.
func TestWindowsInstaller(t *testing.T) {
	path, b := artifact(t, "KOPPELING_PKG_WINDOWS_SETUP", "the Windows installer")
	f := openPE(t, path)
	byType := resourcesOf(t, f, "the installer")
	v := versionOf(t, byType, "the installer")
	if got := versionString(v.FileVersion); got != b.VersionFull {
		t.Errorf("installer FILEVERSION %s, want %s", got, b.VersionFull)
	}
	if v.Strings["ProductName"] != "Koppeling" || v.Strings["ProductVersion"] != b.BuildVersion {
		t.Errorf("installer version strings %v", v.Strings)
	}
	if _, _, level := manifestOf(t, byType, "the installer"); level != "asInvoker" {
		t.Errorf("installer asks for execution level %q, want asInvoker (no administrator rights)", level)
	}
	setup, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(setup, []byte("NullsoftInst")) {
		t.Error("the installer holds no NSIS data")
	}
	t.Logf("installer: PE32+ AMD64, Windows GUI subsystem, asInvoker; FILEVERSION %s; %v", versionString(v.FileVersion), v.Strings)
	verifySignature(t, path)

	sevenZip, err := exec.LookPath("7z")
	if err != nil {
		t.Skip("7z is not installed (Debian: p7zip-full): the installer's contents are not checked")
	}
	dir := t.TempDir()
	if out, err := exec.Command(sevenZip, "x", "-y", "-o"+dir, path).CombinedOutput(); err != nil {
		t.Fatalf("7z x: %v\n%s", err, out)
	}
	packed, err := os.ReadFile(filepath.Join(dir, "Koppeling.exe"))
	if err != nil {
		t.Fatalf("the installer holds no Koppeling.exe: %v", err)
	}
	built, err := os.ReadFile(os.Getenv("KOPPELING_PKG_WINDOWS_EXE"))
	if err == nil && sha256.Sum256(packed) != sha256.Sum256(built) {
		t.Error("the installer's Koppeling.exe differs from the one built")
	}
	uninstaller := filepath.Join(dir, "Uninstall.exe")
	if _, err := os.Stat(uninstaller); err != nil {
		t.Fatalf("the installer holds no Uninstall.exe: %v", err)
	}
	verifySignature(t, uninstaller)
}
