package packaging

import (
	"bytes"
	"debug/macho"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plist reads a property list's top-level dict: strings, booleans (as "true"
// or "false") and arrays of strings (joined with ",").
func plist(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Text    string   `xml:",chardata"`
				Strings []string `xml:"string"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	items := doc.Dict.Items
	values := map[string]string{}
	for i := 0; i+1 < len(items); i += 2 {
		key, v := items[i], items[i+1]
		if key.XMLName.Local != "key" {
			t.Fatalf("%s: <%s> where a <key> belongs", path, key.XMLName.Local)
		}
		if _, dup := values[key.Text]; dup {
			t.Errorf("%s: %s twice", path, key.Text)
		}
		switch v.XMLName.Local {
		case "true", "false":
			values[key.Text] = v.XMLName.Local
		case "array":
			values[key.Text] = strings.Join(v.Strings, ",")
		default:
			values[key.Text] = v.Text
		}
	}
	return values
}

// TestDarwinBundle checks Koppeling.app: a tray-only app (LSUIElement) with
// the ID, name, version and icon of FyneApp.toml. make package-test builds it
// on Linux around the Linux binary; on a Mac the executable is checked too.
func TestDarwinBundle(t *testing.T) {
	app, b := artifact(t, "KOPPELING_PKG_DARWIN_APP", "Koppeling.app")
	meta := fyneApp(t)
	info := plist(t, filepath.Join(app, "Contents/Info.plist"))
	for key, want := range map[string]string{
		"CFBundleIdentifier":         meta["ID"],
		"CFBundleName":               meta["Name"],
		"CFBundleShortVersionString": b.Version,
		"CFBundleVersion":            meta["Build"],
		"CFBundlePackageType":        "APPL",
		"CFBundleIconFile":           "icon.icns",
		"LSUIElement":                "true",
		"LSMinimumSystemVersion":     "12.0",
		"LSApplicationCategoryType":  "public.app-category.business",
		"CFBundleDevelopmentRegion":  "nl",
		"CFBundleLocalizations":      "nl,en",
		"NSHighResolutionCapable":    "true",
	} {
		if info[key] != want {
			t.Errorf("Info.plist %s = %q, want %q", key, info[key], want)
		}
	}
	exe := filepath.Join(app, "Contents/MacOS", info["CFBundleExecutable"])
	st, err := os.Stat(exe)
	if err != nil || info["CFBundleExecutable"] == "" {
		t.Fatalf("CFBundleExecutable %q: %v", info["CFBundleExecutable"], err)
	}
	if st.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s is not executable", exe)
	}
	icon, err := os.ReadFile(filepath.Join(app, "Contents/Resources/icon.icns"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, "assets/icons/koppeling.icns"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(icon, want) {
		t.Error("the bundle's icon.icns is not assets/icons/koppeling.icns")
	}

	if fat, err := macho.OpenFat(exe); err == nil {
		var cpus []string
		for _, a := range fat.Arches {
			cpus = append(cpus, a.Cpu.String())
		}
		fat.Close()
		t.Logf("universal executable: %v", cpus)
		return
	}
	if f, err := macho.Open(exe); err == nil {
		t.Logf("executable for %v", f.Cpu)
		f.Close()
		return
	}
	t.Logf("%s is a stand-in, not a Mach-O file: the bundle was made on another system by make package-test", exe)
}
