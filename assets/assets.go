// Package assets owns the files Koppeling ships inside its binary: the
// application icon, the tray icons for each state, the window's text fonts,
// the translations of the desktop window (Dutch and English) and the
// built-in help text. It hands out bytes only, so that it imports no UI
// toolkit.
package assets

import (
	"embed"
	"fmt"
)

//go:embed icon.png icons/koppeling-128.png fonts/*.ttf tray/*.png translations/*.json help/*.md
var files embed.FS

// Languages are the languages of the window, the first being the default.
var languages = []string{"nl", "en"}

// Languages returns the languages the translations and the help cover; the
// first is the default.
func Languages() []string { return append([]string(nil), languages...) }

// TrayState is what the tray icon shows.
type TrayState string

// Tray states.
const (
	TrayIdle    TrayState = "idle"
	TraySyncing TrayState = "syncing"
	TrayProblem TrayState = "problem"
)

// Icon returns the application icon (PNG, 512x512).
func Icon() []byte { return mustRead("icon.png") }

// WindowIcon returns the application icon at the size a window hands the
// window manager (PNG, 128x128, the installers' icons/koppeling-128.png):
// task bars and window switchers draw it at 128 px at most, and a window
// holds its icon decoded, four times the memory of 256x256 and sixteen of
// 512x512.
func WindowIcon() []byte { return mustRead("icons/koppeling-128.png") }

// Font returns the window's text font (TrueType) in a style: Fyne's Noto
// Sans, cut down to the Latin scripts (fonts/subset.sh), a sixth of the
// size and of the memory it takes parsed.
func Font(bold, italic bool) []byte {
	name := map[[2]bool]string{{false, false}: "Regular", {true, false}: "Bold",
		{false, true}: "Italic", {true, true}: "BoldItalic"}[[2]bool{bold, italic}]
	return mustRead("fonts/NotoSans-" + name + ".ttf")
}

// TrayIcon returns the tray icon for a state (PNG, 64x64).
func TrayIcon(s TrayState) ([]byte, error) { return read("tray/" + string(s) + ".png") }

// Translation returns the translation file of a language (go-i18n JSON).
func Translation(lang string) ([]byte, error) { return read("translations/" + lang + ".json") }

// Help returns the built-in help of a language (Markdown).
func Help(lang string) ([]byte, error) { return read("help/" + lang + ".md") }

func read(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("embedded asset %s: %w", name, err)
	}
	return b, nil
}

func mustRead(name string) []byte {
	b, err := read(name)
	if err != nil {
		panic(err) // the file is embedded at build time; missing means a broken build
	}
	return b
}
