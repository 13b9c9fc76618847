package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/store"
)

// TestInvoicesTabUnderXvfb starts the real demo app under Xvfb with the
// invoice export on, synchronises with Ctrl+R, waits until the store holds
// the payment status of that run (koppeling invoices, which reads the store
// only), goes to Facturen with Ctrl+5 and keeps a screenshot of it as an
// artifact (invoices-window.png) for a person to look at.
func TestInvoicesTabUnderXvfb(t *testing.T) {
	display := xvfb(t)
	if _, err := exec.LookPath("import"); err != nil {
		t.Skip("ImageMagick is not installed (make test installs it)")
	}
	bin, err := guiBinary()
	if err != nil {
		t.Fatal(err)
	}
	cli := func(g *guiProcess, args ...string) (string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = g.env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("koppeling %v: %v\n%s", args, err, errb.String())
		}
		return out.String(), errb.String()
	}
	g := startGUIWith(t, display, func(g *guiProcess) {
		// The demo's own folder (its marker file, internal/demo), with its
		// invoices booked, so that they are open items.
		if err := os.WriteFile(filepath.Join(g.dataDir, "koppeling-demo"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, kv := range [][2]string{{"export.template", "Standaard"}, {"export.invoices", "true"}, {"export.book_directly", "true"}} {
			cli(g, "settings", "--demo", "set", kv[0], kv[1])
		}
	}, "--demo")
	before := g.waitForWindow(t, display)
	pressKey(t, display, "Control_L+r")
	approveFirstInvoices(t, g, display)
	pressKey(t, display, "Control_L+r")
	deadline := time.Now().Add(90 * time.Second)
	var out string
	for {
		var errOut string
		out, errOut = cli(g, "invoices")
		if strings.Count(out, "\n") > 1 && strings.Contains(errOut, "Betaalstatus van") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no invoices with their payment status after the sync:\n%s%s\n%s", out, errOut, g.diagnostics())
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !strings.Contains(out, "openstaand") {
		t.Errorf("the invoices just made are not open:\n%s", out)
	}
	pressKey(t, display, "Return") // OK to "Synchronisatie gestart"
	pressKey(t, display, "Control_L+5")
	g.waitForScreen(t, display, "the Facturen tab", "invoices-window-timeout.png", func(b []byte) bool {
		return !bytes.Equal(b, before)
	})
	time.Sleep(time.Second) // the rows load off the UI thread
	shot := screenshot(t, display)
	path := filepath.Join(artifactDir(t), "invoices-window.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the Facturen tab: %s", path)
	g.stop(t)
}

// approveFirstInvoices waits for the demo's first invoices to wait for
// approval (the preview is then on the screen), closes the preview and
// approves that plan in the store, as Facturen aanmaken does (the
// preview's own buttons are tested in internal/ui and
// TestDemoPreviewUnderXvfb); the caller starts the run that makes them.
func approveFirstInvoices(t *testing.T, g *guiProcess, display string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, g.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wp := waitForPlan(t, g, st)
	time.Sleep(time.Second) // the preview's first frames
	pressKey(t, display, "Escape")
	if err := st.ApprovePlan(ctx, wp.Hash); err != nil {
		t.Fatal(err)
	}
}
