package main

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDemoDataDir(t *testing.T) {
	e := env{getenv: func(k string) string { return map[string]string{envDataDir: "/tmp/x"}[k] }}
	if d, _ := e.demoDataDir(); d != "/tmp/x" {
		t.Errorf("with KOPPELING_DATA_DIR: %s", d)
	}
	e = env{getenv: func(string) string { return "" }}
	d, err := e.demoDataDir()
	if err != nil || !strings.HasSuffix(d, filepath.Join("Koppeling-demo")) {
		t.Errorf("default demo dir %q (%v)", d, err)
	}
}

func TestGUINeedsADisplay(t *testing.T) {
	if !strings.Contains("linux freebsd openbsd netbsd", runtime.GOOS) {
		t.Skip("only X11 and Wayland systems can lack a display")
	}
	var out, errb strings.Builder
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if code := run([]string{"--demo"}, e); code != exitCannotRun {
		t.Fatalf("--demo without a display: exit %d", code)
	}
	if !strings.Contains(errb.String(), "no display") || !strings.Contains(errb.String(), "xvfb-run") {
		t.Errorf("message: %s", errb.String())
	}
	if code := run([]string{"--nope"}, e); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
}
