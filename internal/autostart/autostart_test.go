package autostart

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

func TestDesktopEntry(t *testing.T) {
	got, err := DesktopEntry("/home/jan/.local/bin/koppeling")
	if err != nil {
		t.Fatal(err)
	}
	want := `[Desktop Entry]
Type=Application
Version=1.4
Name=Koppeling
Comment=Links e-Boekhouden.nl with OutSmart
Comment[nl]=Koppelt e-Boekhouden.nl met OutSmart
Exec=/home/jan/.local/bin/koppeling
Icon=nl.koppeling.desktop
Terminal=false
X-GNOME-Autostart-enabled=true
`
	if string(got) != want {
		t.Errorf("DesktopEntry:\n%s\nwant:\n%s", got, want)
	}
}

func TestDesktopEntryExec(t *testing.T) {
	tests := []struct{ path, exec string }{
		{"/usr/bin/koppeling", `/usr/bin/koppeling`},
		{"/home/jan de vries/bin/koppeling", `"/home/jan de vries/bin/koppeling"`},
		{"/opt/100%/koppeling", `/opt/100%%/koppeling`},
		{"/opt/a b%/koppeling", `"/opt/a b%%/koppeling"`},
		{`/opt/a$b/koppeling`, `"/opt/a\\$b/koppeling"`},
		{"/opt/a`b/koppeling", "\"/opt/a\\\\`b/koppeling\""},
		{`/opt/a"b/koppeling`, `"/opt/a\\"b/koppeling"`},
		{`/opt/a\b/koppeling`, `"/opt/a\\\\b/koppeling"`},
		{"/opt/café/koppeling", "/opt/café/koppeling"},
		{"/opt/it's/koppeling", `"/opt/it's/koppeling"`},
	}
	for _, tt := range tests {
		entry, err := DesktopEntry(tt.path)
		if err != nil {
			t.Fatalf("%q: %v", tt.path, err)
		}
		exec := entryValue(t, entry, "Exec")
		if exec != tt.exec {
			t.Errorf("%q: Exec=%s, want Exec=%s", tt.path, exec, tt.exec)
		}
		if back := parseExec(t, exec); len(back) != 1 || back[0] != tt.path {
			t.Errorf("%q: Exec=%s reads back as %q", tt.path, exec, back)
		}
	}
}

// entryValue returns the raw value of key in a desktop entry.
func entryValue(t *testing.T, entry []byte, key string) string {
	t.Helper()
	for _, line := range strings.Split(string(entry), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && k == key {
			return v
		}
	}
	t.Fatalf("no %s in\n%s", key, entry)
	return ""
}

// parseExec decodes an Exec value the way a desktop does (Desktop Entry
// Specification 1.4: string escapes, then quoting, then %%), independently of
// the encoder.
func parseExec(t *testing.T, value string) []string {
	t.Helper()
	var s strings.Builder
	for i := 0; i < len(value); i++ {
		if value[i] != '\\' {
			s.WriteByte(value[i])
			continue
		}
		i++
		if i == len(value) {
			t.Fatalf("Exec=%s ends in a lone backslash", value)
		}
		switch value[i] {
		case '\\':
			s.WriteByte('\\')
		case 's':
			s.WriteByte(' ')
		case 'n':
			s.WriteByte('\n')
		case 't':
			s.WriteByte('\t')
		case 'r':
			s.WriteByte('\r')
		default:
			t.Fatalf("Exec=%s has an invalid escape \\%c", value, value[i])
		}
	}
	var args []string
	var arg strings.Builder
	inArg, quoted := false, false
	runes := []rune(s.String())
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quoted && r == '\\':
			i++
			if i == len(runes) || !strings.ContainsRune("\"`$\\", runes[i]) {
				t.Fatalf("Exec=%s: invalid backslash inside quotes", value)
			}
			arg.WriteRune(runes[i])
		case quoted && r == '"':
			quoted = false
		case quoted:
			arg.WriteRune(r)
		case r == '"':
			quoted, inArg = true, true
		case r == ' ':
			if inArg {
				args = append(args, arg.String())
				arg.Reset()
				inArg = false
			}
		case strings.ContainsRune(execReserved, r):
			t.Fatalf("Exec=%s: reserved character %q outside quotes", value, r)
		default:
			arg.WriteRune(r)
			inArg = true
		}
	}
	if quoted {
		t.Fatalf("Exec=%s: unterminated quote", value)
	}
	if inArg {
		args = append(args, arg.String())
	}
	for i, a := range args {
		if strings.Contains(strings.ReplaceAll(a, "%%", ""), "%") {
			t.Fatalf("Exec=%s: lone %% in %q", value, a)
		}
		args[i] = strings.ReplaceAll(a, "%%", "%")
	}
	return args
}

func TestEntryEnabled(t *testing.T) {
	tests := []struct {
		content string
		want    bool
	}{
		{"[Desktop Entry]\nName=Koppeling\n", true},
		{"[Desktop Entry]\nHidden=true\n", false},
		{"[Desktop Entry]\nHidden = true\n", false},
		{"[Desktop Entry]\nHidden=false\n", true},
		{"[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n", false},
		{"[Desktop Entry]\nX-GNOME-Autostart-enabled=true\n", true},
		{"[Desktop Entry]\nName=K\n[Desktop Action x]\nHidden=true\n", true},
		{"# Hidden=true\n[Desktop Entry]\nName=K\n", true},
	}
	for _, tt := range tests {
		if got := entryEnabled([]byte(tt.content)); got != tt.want {
			t.Errorf("entryEnabled(%q) = %v, want %v", tt.content, got, tt.want)
		}
	}
}

func TestLaunchAgent(t *testing.T) {
	const exe = "/Applications/Koppeling & Co <test>.app/Contents/MacOS/koppeling"
	got, err := LaunchAgent(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<!DOCTYPE plist ") {
		t.Errorf("no XML declaration and plist doctype:\n%s", got)
	}
	if !strings.Contains(string(got), "Koppeling &amp; Co &lt;test&gt;.app") {
		t.Errorf("path not escaped:\n%s", got)
	}
	// Read it back as a property list: a dict of alternating keys and values.
	var plist struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Text    string   `xml:",chardata"`
				Strings []string `xml:"string"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(got, &plist); err != nil {
		t.Fatalf("not XML: %v\n%s", err, got)
	}
	values := map[string]string{}
	items := plist.Dict.Items
	if len(items)%2 != 0 {
		t.Fatalf("dict has %d children, want key/value pairs", len(items))
	}
	for i := 0; i < len(items); i += 2 {
		if items[i].XMLName.Local != "key" {
			t.Fatalf("child %d is <%s>, want <key>", i, items[i].XMLName.Local)
		}
		v := items[i+1]
		switch v.XMLName.Local {
		case "string":
			values[items[i].Text] = v.Text
		case "true", "false":
			values[items[i].Text] = v.XMLName.Local
		case "array":
			values[items[i].Text] = strings.Join(v.Strings, "|")
		default:
			t.Fatalf("unexpected <%s>", v.XMLName.Local)
		}
	}
	want := map[string]string{
		"Label":                  "nl.koppeling.desktop",
		"ProgramArguments":       exe,
		"RunAtLoad":              "true",
		"ProcessType":            "Interactive",
		"LimitLoadToSessionType": "Aqua",
	}
	if len(values) != len(want) {
		t.Errorf("keys %v, want %v", values, want)
	}
	for k, v := range want {
		if values[k] != v {
			t.Errorf("%s = %q, want %q", k, values[k], v)
		}
	}
}

func TestRunValue(t *testing.T) {
	tests := []struct{ path, want string }{
		{`C:\Users\Jan de Vries\AppData\Local\Programs\Koppeling\Koppeling.exe`,
			`"C:\Users\Jan de Vries\AppData\Local\Programs\Koppeling\Koppeling.exe"`},
		{`d:/Apps/Koppeling.exe`, `"d:/Apps/Koppeling.exe"`},
		{`\\server\apps\Koppeling.exe`, `"\\server\apps\Koppeling.exe"`},
	}
	for _, tt := range tests {
		got, err := RunValue(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("RunValue(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
}

func TestInvalidPaths(t *testing.T) {
	unix := []string{"", "koppeling", "bin/koppeling", "/opt/a\nb/koppeling", "/opt/a\tb", "/opt/\x7f", `C:\Koppeling.exe`}
	for _, p := range unix {
		if _, err := DesktopEntry(p); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("DesktopEntry(%q): %v, want ErrInvalidPath", p, err)
		}
		if _, err := LaunchAgent(p); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("LaunchAgent(%q): %v, want ErrInvalidPath", p, err)
		}
	}
	windows := []string{"", "Koppeling.exe", `Programs\Koppeling.exe`, "/usr/bin/koppeling", `C:Koppeling.exe`,
		`1:\Koppeling.exe`, `C:\a"b\Koppeling.exe`, "C:\\a\nb\\Koppeling.exe"}
	for _, p := range windows {
		if _, err := RunValue(p); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("RunValue(%q): %v, want ErrInvalidPath", p, err)
		}
	}
}

func TestStartupApprovedDisabled(t *testing.T) {
	tests := []struct {
		mark []byte
		want bool
	}{
		{nil, false},
		{[]byte{0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{[]byte{0x03, 0, 0, 0, 0x10, 0x2c, 0x5b, 0x3e, 0x1f, 0x5d, 0xdb, 0x01}, true},
		{[]byte{0x06, 0, 0, 0}, false},
		{[]byte{0x07, 0, 0, 0}, true},
	}
	for _, tt := range tests {
		if got := startupApprovedDisabled(tt.mark); got != tt.want {
			t.Errorf("startupApprovedDisabled(% x) = %v, want %v", tt.mark, got, tt.want)
		}
	}
}

func TestArguments(t *testing.T) {
	entry, err := DesktopEntry("/usr/bin/koppeling", "--hidden", "two words", "", "100%")
	if err != nil {
		t.Fatal(err)
	}
	exec := entryValue(t, entry, "Exec")
	if want := `/usr/bin/koppeling --hidden "two words" "" 100%%`; exec != want {
		t.Errorf("Exec=%s, want %s", exec, want)
	}
	if got := parseExec(t, exec); strings.Join(got, "|") != "/usr/bin/koppeling|--hidden|two words||100%" {
		t.Errorf("Exec=%s reads back as %q", exec, got)
	}

	plist, err := LaunchAgent("/Applications/Koppeling.app/Contents/MacOS/koppeling", "--hidden", "a<b")
	if err != nil {
		t.Fatal(err)
	}
	if want := "\t\t<string>/Applications/Koppeling.app/Contents/MacOS/koppeling</string>\n" +
		"\t\t<string>--hidden</string>\n\t\t<string>a&lt;b</string>\n"; !strings.Contains(string(plist), want) {
		t.Errorf("ProgramArguments not as expected:\n%s", plist)
	}

	tests := []struct {
		args []string
		want string
	}{
		{nil, `"C:\K\Koppeling.exe"`},
		{[]string{"--hidden"}, `"C:\K\Koppeling.exe" --hidden`},
		{[]string{"two words", ""}, `"C:\K\Koppeling.exe" "two words" ""`},
		{[]string{`say "hi"`}, `"C:\K\Koppeling.exe" "say \"hi\""`},
		{[]string{`C:\dir\`, `a\\"b`}, `"C:\K\Koppeling.exe" C:\dir\ "a\\\\\"b"`},
		{[]string{`C:\my dir\`}, `"C:\K\Koppeling.exe" "C:\my dir\\"`},
	}
	for _, tt := range tests {
		got, err := RunValue(`C:\K\Koppeling.exe`, tt.args...)
		if err != nil || got != tt.want {
			t.Errorf("RunValue(%q) = %s, %v; want %s", tt.args, got, err, tt.want)
		}
	}

	for _, bad := range []string{"a\nb", "\x00"} {
		if _, err := DesktopEntry("/usr/bin/koppeling", bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("DesktopEntry with argument %q: %v", bad, err)
		}
		if _, err := LaunchAgent("/usr/bin/koppeling", bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("LaunchAgent with argument %q: %v", bad, err)
		}
		if _, err := RunValue(`C:\Koppeling.exe`, bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("RunValue with argument %q: %v", bad, err)
		}
	}
}
