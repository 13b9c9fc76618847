package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	ebsandbox "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// cli runs the real binary against a sandbox with the credentials in the
// environment (a machine without a keychain) and a store in a temporary dir.
type cli struct {
	t     *testing.T
	bin   string
	sb    *sandbox.Sandbox
	creds secrets.Credentials // the sandbox's, which the binary gets from its environment
	dir   string
	env   []string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return newCLIWith(t, sandbox.Options{})
}

// newCLIWith is newCLI against a sandbox started with opts.
func newCLIWith(t *testing.T, opts sandbox.Options) *cli {
	t.Helper()
	kit := testkit.Start(t, opts)
	cred := kit.Credentials
	c := &cli{t: t, bin: binary, sb: kit.Sandbox, creds: cred, dir: filepath.Join(t.TempDir(), "data")}
	c.env = append(os.Environ(),
		"KOPPELING_DATA_DIR="+c.dir,
		"KOPPELING_KEYCHAIN_SERVICE=nl.koppeling.test.cli",
		"KOPPELING_EBOEKHOUDEN_URL="+kit.Endpoints.EBoekhoudenURL, "KOPPELING_OUTSMART_URL="+kit.Endpoints.OutSmartURL,
		"KOPPELING_EB_USERNAME="+cred.EBoekhoudenUsername, "KOPPELING_EB_SECURITYCODE1="+cred.EBoekhoudenSecurityCode1,
		"KOPPELING_EB_SECURITYCODE2="+cred.EBoekhoudenSecurityCode2, "KOPPELING_OUTSMART_TOKEN="+cred.OutSmartToken,
		"KOPPELING_OUTSMART_SOFTWARE_TOKEN="+cred.OutSmartSoftwareToken)
	return c
}

func (c *cli) secrets() []string { return c.creds.Secrets() }

// run runs the binary and returns stdout, stderr and the exit code; it
// fails the test if any secret appears in the output.
func (c *cli) run(extraEnv []string, stdin string, args ...string) (string, string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(append([]string(nil), c.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		c.t.Fatal(err)
	}
	for _, s := range c.secrets() {
		if strings.Contains(out.String(), s) || strings.Contains(errb.String(), s) {
			c.t.Fatalf("a credential appeared in the output of %v", args)
		}
	}
	return out.String(), errb.String(), code
}

// assertNoSecretsOnDisk checks every file in the data directory.
func (c *cli) assertNoSecretsOnDisk() {
	c.t.Helper()
	filepath.Walk(c.dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, s := range c.secrets() {
			if bytes.Contains(b, []byte(s)) {
				c.t.Errorf("a credential is stored in %s", path)
			}
		}
		if info.Mode().Perm()&0o077 != 0 {
			c.t.Errorf("%s has mode %v; want no access for others", path, info.Mode().Perm())
		}
		return nil
	})
}

func TestSyncOnceExitCodesAndOutput(t *testing.T) {
	c := newCLI(t)
	if _, errOut, code := c.run(nil, "", "settings", "set", "export.template", "Standaard"); code != 0 {
		t.Fatalf("settings set: %d %s", code, errOut)
	}
	c.run(nil, "", "settings", "set", "export.invoices", "true")

	out, errOut, code := c.run(nil, "", "sync", "--once", "--dry-run")
	if code != exitAttention || !strings.Contains(out, "Proefdraaien") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := c.sb.EBoekhouden.Requests().Count("AddFactuur"); n != 0 {
		t.Fatalf("dry run sent %d invoices", n)
	}

	// First run: two relations without an address need attention: exit 1.
	out, errOut, code = c.run(nil, "", "sync", "--once")
	if code != exitAttention {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"facturen aangemaakt", "aandacht", "Factuur 2026"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run output lacks %q:\n%s", want, out)
		}
	}
	// Second run: nothing new to do, but the two relations still need
	// attention: the summary still counts them, and the exit code is 1.
	out, _, code = c.run(nil, "", "sync", "--once")
	if code != exitAttention || !strings.Contains(out, "Alles was al bijgewerkt; 2 relaties kunnen niet naar OutSmart") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	// In English the same summary reads in English.
	out, _, code = c.run([]string{"LANG=en_GB.UTF-8", "LC_ALL=", "LC_MESSAGES="}, "", "sync", "--once")
	if code != exitAttention || !strings.Contains(out, "Everything was up to date; 2 relations cannot go to OutSmart") {
		t.Fatalf("run in English: exit %d\n%s", code, out)
	}
	// Once the addresses are filled in, the relations go and nothing is open.
	fixed := 0
	c.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		for i, r := range st.Relations {
			if strings.TrimSpace(r.Adres) == "" && strings.TrimSpace(r.Adres2) == "" {
				st.Relations[i].Adres, st.Relations[i].Postcode, st.Relations[i].Plaats = "Dorpsstraat 1", "1234 AB", "Ergens"
				fixed++
			}
		}
	})
	out, _, code = c.run(nil, "", "sync", "--once")
	if fixed != 2 || code != exitOK || !strings.Contains(out, "2 relaties gesynchroniseerd") || strings.Contains(out, "aandacht") {
		t.Fatalf("run after the fix: exit %d\n%s", code, out)
	}
	out, _, code = c.run(nil, "", "log", "--attention")
	if code != 0 || !strings.Contains(out, "kan niet naar OutSmart") {
		t.Fatalf("log --attention: %d\n%s", code, out)
	}
	c.assertNoSecretsOnDisk()
}

func TestSyncCannotRun(t *testing.T) {
	c := newCLI(t)
	_, errOut, code := c.run([]string{"KOPPELING_EB_SECURITYCODE1=00000000000000000000000000000000"}, "", "sync", "--once")
	if code != exitCannotRun {
		t.Fatalf("bad credentials: exit %d, want 2\n%s", code, errOut)
	}
	out, _, code := c.run([]string{"KOPPELING_OUTSMART_URL=http://127.0.0.1:1/openapi/8"}, "", "sync", "--once")
	if code != exitCannotRun || !strings.Contains(out, "niet bereikbaar") {
		t.Fatalf("OutSmart unreachable: exit %d\n%s", code, out)
	}
	_, errOut, code = c.run([]string{"KOPPELING_OUTSMART_URL=http://example.com/openapi/8"}, "", "sync", "--once")
	if code != exitCannotRun || !strings.Contains(errOut, "http") {
		t.Fatalf("plain http to a remote host: exit %d\n%s", code, errOut)
	}
	if _, _, code := c.run(nil, "", "sync"); code != exitCannotRun {
		t.Fatalf("sync without --once: exit %d", code)
	}
}

func TestSettingsCommand(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run(nil, "", "settings", "get")
	if code != 0 || !strings.Contains(out, "export.workflow_status=1 naar E-boekhouden") || !strings.Contains(out, "export.payment_term_days=14") {
		t.Fatalf("settings get: %d\n%s", code, out)
	}
	if _, _, code := c.run(nil, "", "settings", "set", "export.payment_term_days", "30"); code != 0 {
		t.Fatal("valid value refused")
	}
	_, errOut, code := c.run(nil, "", "settings", "set", "export.payment_term_days", "dertig")
	if code == 0 || !strings.Contains(errOut, "betalingstermijn") {
		t.Fatalf("invalid value: exit %d %s", code, errOut)
	}
	out, _, _ = c.run(nil, "", "settings", "get", "export.payment_term_days")
	if strings.TrimSpace(out) != "30" {
		t.Fatalf("refused value changed the setting: %q", out)
	}
	for _, args := range [][]string{{"settings", "set", "nope", "1"}, {"settings", "get", "nope"}, {"settings"}, {"settings", "set", "a"}} {
		if _, _, code := c.run(nil, "", args...); code == 0 {
			t.Errorf("%v accepted", args)
		}
	}
}

// crashPoints are the steps of a first run over the demo data at which the
// real binary kills itself (KOPPELING_TEST_CRASH_AT), the first and a later
// occurrence of each.
var crashPoints = []string{
	"import.sent:1", "import.sent:3", "export.relation:1", "export.relation:2",
	"export.journaled:1", "export.journaled:4", "export.sent:1", "export.sent:4",
	"export.invoiced:1", "export.invoiced:4", "export.marked:1", "export.marked:4",
	"export.handled:1", "export.handled:4",
}

// TestCrashMatrixOfTheRealBinary kills "koppeling sync --once" with SIGKILL
// at every step of a run, then runs it again: exactly one invoice per work
// order, every one Afgehandeld (in OutSmart and in the journal), nothing
// left pending, and no credential in the output or the data directory.
func TestCrashMatrixOfTheRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary twice per crash point")
	}
	for _, point := range crashPoints {
		t.Run(point, func(t *testing.T) {
			c := newCLI(t)
			c.addTwin()
			c.run(nil, "", "settings", "set", "export.template", "Standaard")
			c.run(nil, "", "settings", "set", "export.invoices", "true")
			_, _, code := c.run([]string{"KOPPELING_TEST_CRASH_AT=" + point}, "", "sync", "--once")
			if code != 128+int(syscall.SIGKILL) {
				t.Fatalf("crash hook at %s: exit %d", point, code)
			}
			if _, errOut, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
				t.Fatalf("rerun could not run: %s", errOut)
			}
			c.assertEachInvoicedOnce(9)
			st, err := store.Open(context.Background(), c.dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if ex, _ := st.Exports(context.Background(), store.ExportHandled); len(ex) != 9 {
				t.Fatalf("%d work orders handled in the journal, want 9", len(ex))
			}
			if ex, _ := st.Exports(context.Background(), store.ExportPending, store.ExportUncertain, store.ExportRetry); len(ex) != 0 {
				t.Fatalf("journal not settled: %+v", ex)
			}
			c.assertNoSecretsOnDisk()
		})
	}
}

// TestLostStoreAfterACrashOfTheRealBinary: the binary dies right after
// e-Boekhouden made an invoice and before the journal knew its number; then
// the whole data folder is lost (a reinstall, another computer). The next
// run finds the invoice by the work order's unique reference: no second
// invoice, every work order Afgehandeld once.
func TestLostStoreAfterACrashOfTheRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	for _, point := range []string{"export.sent:1", "export.sent:4", "export.invoiced:4"} {
		t.Run(point, func(t *testing.T) {
			c := newCLI(t)
			c.addTwin()
			c.run(nil, "", "settings", "set", "export.template", "Standaard")
			c.run(nil, "", "settings", "set", "export.invoices", "true")
			if _, _, code := c.run([]string{"KOPPELING_TEST_CRASH_AT=" + point}, "", "sync", "--once"); code != 128+int(syscall.SIGKILL) {
				t.Fatalf("crash hook at %s: exit %d", point, code)
			}
			invoices, made := len(c.sb.EBoekhouden.State().Invoices), 0
			for _, inv := range c.sb.EBoekhouden.State().Invoices {
				if strings.Contains(inv.Regels[0].Omschrijving, " (ref ") {
					made++
				}
			}
			if made == 0 {
				t.Fatal("no invoice was made before the crash")
			}
			if err := os.RemoveAll(c.dir); err != nil {
				t.Fatal(err)
			}
			c.run(nil, "", "settings", "set", "export.template", "Standaard")
			c.run(nil, "", "settings", "set", "export.invoices", "true")
			out, errOut, code := c.run(nil, "", "sync", "--once")
			if code == exitCannotRun {
				t.Fatalf("sync with a new store could not run: %s", errOut)
			}
			if !strings.Contains(out, "stond al in e-Boekhouden") {
				t.Errorf("no line about the invoice found in e-Boekhouden:\n%s", out)
			}
			c.assertEachInvoicedOnce(9)
			if added := len(c.sb.EBoekhouden.State().Invoices) - invoices; added != 9-made {
				t.Errorf("%d invoices added after the lost store, want %d (only those never made)", added, 9-made)
			}
		})
	}
}

// addTwin adds a work order with WB26116's number, customer and day but its
// own row id (OrderNr is not unique in OutSmart).
func (c *cli) addTwin() {
	c.sb.OutSmart.Update(func(st *ossandbox.State) {
		for _, w := range st.Workorders {
			if w.OrderNr == "WB26116" {
				twin := w
				twin.ID = "990116"
				twin.Materials = append(twin.Materials[:0:0], w.Materials...)
				twin.Workperiods = append(twin.Workperiods[:0:0], w.Workperiods...)
				st.Workorders = append(st.Workorders, twin)
				return
			}
		}
	})
}

// assertEachInvoicedOnce checks that want work orders were invoiced, each
// exactly once by its unique row id ("(ref <id>)" in the reference line),
// each Afgehandeld, and none Afgehandeld without its invoice.
func (c *cli) assertEachInvoicedOnce(want int) {
	c.t.Helper()
	per := map[string]int{}
	for _, inv := range c.sb.EBoekhouden.State().Invoices {
		for _, l := range inv.Regels {
			if i := strings.Index(l.Omschrijving, " (ref "); strings.HasPrefix(l.Omschrijving, "Werkbon ") && i > 0 {
				id := strings.TrimSuffix(strings.Fields(l.Omschrijving[i+6:])[0], ")")
				per[id]++
				break
			}
		}
	}
	if len(per) != want {
		c.t.Fatalf("invoices for %d work orders, want %d: %v", len(per), want, per)
	}
	start := map[string]string{}
	for _, w := range c.sb.Dataset.OutSmart.Workorders {
		start[w.ID] = w.Status
	}
	handled := 0
	for _, w := range c.sb.OutSmart.State().Workorders {
		n, invoiced := per[w.ID]
		switch {
		case invoiced && n != 1:
			c.t.Errorf("work order %s (row %s) has %d invoices", w.OrderNr, w.ID, n)
		case invoiced && w.Status == "Afgehandeld":
			handled++
		case !invoiced && w.Status == "Afgehandeld" && start[w.ID] != "Afgehandeld":
			c.t.Errorf("work order %s (row %s) is Afgehandeld without an invoice", w.OrderNr, w.ID)
		}
	}
	if handled != want {
		c.t.Errorf("%d of %d invoiced work orders Afgehandeld", handled, want)
	}
}

// TestLoginStoresInTheRealKeychain needs the Secret Service; make test runs
// the suite inside a D-Bus session with gnome-keyring.
func TestLoginStoresInTheRealKeychain(t *testing.T) {
	c := newCLI(t)
	ebc, osc := c.sb.Dataset.EBoekhouden.Credentials, c.sb.Dataset.OutSmart.Credentials
	// Without the env overrides the credentials must come from the keychain.
	var clean []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "KOPPELING_EB_") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_TOKEN") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_SOFTWARE") {
			clean = append(clean, kv)
		}
	}
	c.env = clean
	input := strings.Join([]string{ebc.Username, ebc.SecurityCode1, ebc.SecurityCode2, osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"
	out, errOut, code := c.run(nil, input, "login")
	if code != 0 {
		if os.Getenv("KOPPELING_TEST_KEYCHAIN") != "1" && strings.Contains(errOut, "sleutelbos") {
			t.Skipf("no keychain here: %s", errOut)
		}
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Gelukt - Je bent ingelogd!") {
		t.Fatalf("login output: %s", out)
	}
	t.Cleanup(func() { (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: "nl.koppeling.test.cli"}).Delete() })
	c.run(nil, "", "settings", "set", "export.invoices", "false")
	if _, errOut, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
		t.Fatalf("sync with keychain credentials: %s", errOut)
	}
	// A wrong code is refused and nothing is stored.
	bad := strings.Replace(input, ebc.SecurityCode1, "00000000000000000000000000000000", 1)
	_, errOut, code = c.run(nil, bad, "login")
	if code != exitCannotRun || !strings.Contains(errOut, "e-Boekhouden weigert") {
		t.Fatalf("bad login: exit %d %s", code, errOut)
	}
	c.assertNoSecretsOnDisk()
}
