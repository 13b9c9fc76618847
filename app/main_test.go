package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the real koppeling binary, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// Every test of the composition root runs the real binary, most of
		// them under Xvfb or with a keychain: end to end, so `make test`
		// runs them and the short loop (`make test-short`) does not.
		fmt.Println("app: end-to-end tests of the real binary, skipped under -short (make test runs them)")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "koppeling-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "koppeling")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestSandboxCommandPrintsURLsAndServesUntilInterrupted(t *testing.T) {
	cmd := exec.Command(binary, "sandbox")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var printed strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Inspection") {
			break
		}
	}
	out := printed.String()
	ebURL := regexp.MustCompile(`endpoint\s+(http://127\.0\.0\.1:\d+/soap\.asmx)`).FindStringSubmatch(out)
	osURL := regexp.MustCompile(`base URL\s+(http://127\.0\.0\.1:\d+/openapi/8)`).FindStringSubmatch(out)
	restURL := regexp.MustCompile(`e-Boekhouden REST API \(v1\)\n  API URL\s+(http://127\.0\.0\.1:\d+)\n  API-token\s+(\S+)\n`).FindStringSubmatch(out)
	if ebURL == nil || osURL == nil || restURL == nil {
		t.Fatalf("URLs not printed:\n%s\nstderr: %s", out, stderr.String())
	}
	for _, label := range []string{"Gebruikersnaam", "Beveiligingscode 1", "Beveiligingscode 2", "Bedrijfs id", "Token", "Software token", "API-token"} {
		if !strings.Contains(out, label) {
			t.Errorf("demo credential %q not printed", label)
		}
	}
	resp, err := http.Get(ebURL[1] + "?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("WSDL: HTTP %d", resp.StatusCode)
	}
	// The printed API token opens a session on the printed REST URL.
	resp, err = http.Post(restURL[1]+"/v1/session", "application/json",
		strings.NewReader(`{"accessToken":"`+restURL[2]+`","source":"test"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("REST session with the printed token: HTTP %d", resp.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { rest, _ := io.ReadAll(stdout); printed.Write(rest); done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v\nstderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop after SIGINT")
	}
	if !strings.Contains(printed.String(), "Sandbox stopped.") {
		t.Errorf("no stop message:\n%s", printed.String())
	}
	if _, err := http.Get(osURL[1] + "/employees/"); err == nil {
		t.Error("OutSmart sandbox still answers after the process ended")
	}
}

func TestRunCommands(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{[]string{"version"}, 0, "koppeling dev", ""},
		{[]string{"help"}, 0, "koppeling sandbox", ""},
		{nil, 2, "", "Usage"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"sandbox", "-dataset", filepath.Join(os.TempDir(), "does-not-exist.json")}, 1, "", "read dataset"},
		{[]string{"sandbox", "-nope"}, 2, "", "flag provided but not defined"},
	}
	for _, c := range cases {
		if c.args == nil && runtime.GOOS != "linux" {
			continue // without arguments the desktop app starts; on Linux there is no display here
		}
		var stdout, stderr bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
		if code := run(c.args, e); code != c.code {
			t.Errorf("run(%v) = %d, want %d (stderr %q)", c.args, code, c.code, stderr.String())
		}
		if !strings.Contains(stdout.String(), c.inStdout) || !strings.Contains(stderr.String(), c.inStderr) {
			t.Errorf("run(%v): stdout %q, stderr %q", c.args, stdout.String(), stderr.String())
		}
	}
}
