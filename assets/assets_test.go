package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"sort"
	"testing"
)

func TestTranslationsCoverTheSameKeys(t *testing.T) {
	keys := map[string][]string{}
	for _, lang := range Languages() {
		b, err := Translation(lang)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		for k, v := range m {
			if s, ok := v.(string); ok && s == "" {
				t.Errorf("%s.json: %q is empty", lang, k)
			}
			keys[lang] = append(keys[lang], k)
		}
		sort.Strings(keys[lang])
	}
	nl, en := keys["nl"], keys["en"]
	if len(nl) != len(en) {
		t.Fatalf("nl.json has %d keys, en.json %d", len(nl), len(en))
	}
	for i := range nl {
		if nl[i] != en[i] {
			t.Fatalf("key sets differ near %q / %q", nl[i], en[i])
		}
	}
}

func TestHelpAndIcons(t *testing.T) {
	for _, lang := range Languages() {
		if b, err := Help(lang); err != nil || !bytes.HasPrefix(b, []byte("# ")) {
			t.Errorf("help %s: %v", lang, err)
		}
	}
	if _, err := Help("fr"); err == nil {
		t.Error("help for a language that is not shipped")
	}
	for _, s := range []TrayState{TrayIdle, TraySyncing, TrayProblem} {
		b, err := TrayIcon(s)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("tray icon %s: %v", s, err)
		}
		if img.Bounds().Dx() != 64 || img.Bounds().Dy() != 64 {
			t.Errorf("tray icon %s is %v, want 64x64", s, img.Bounds())
		}
	}
	for _, c := range []struct {
		name string
		b    []byte
		size int
	}{{"app icon", Icon(), 512}, {"window icon", WindowIcon(), 128}} {
		img, err := png.Decode(bytes.NewReader(c.b))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if img.Bounds().Dx() != c.size || img.Bounds().Dy() != c.size {
			t.Errorf("%s is %v, want %dx%d", c.name, img.Bounds(), c.size, c.size)
		}
	}
}

// TestFonts checks that each style has its own TrueType font.
func TestFonts(t *testing.T) {
	seen := map[string]bool{}
	for _, style := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		b := Font(style[0], style[1])
		if !bytes.HasPrefix(b, []byte{0, 1, 0, 0}) {
			t.Errorf("font %v is not TrueType", style)
		}
		if seen[string(b)] {
			t.Errorf("font %v is the same as another style's", style)
		}
		seen[string(b)] = true
	}
}
