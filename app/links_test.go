package main

import (
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
	"github.com/koppeling/koppeling/internal/ui/instance"
)

// secondClient is the demo administration of another client: other work
// order rows and numbers (WC instead of WB), other credentials, and every
// relation with an address (nothing needs attention).
func secondClient() *demodata.Dataset {
	ds := demodata.Default()
	for i := range ds.OutSmart.Workorders {
		w := &ds.OutSmart.Workorders[i]
		w.ID = "7" + w.ID
		w.OrderNr = strings.Replace(w.OrderNr, "WB", "WC", 1)
		w.WorkorderNo = strings.Replace(w.WorkorderNo, "WB", "WC", 1)
	}
	for i := range ds.EBoekhouden.Relations {
		r := &ds.EBoekhouden.Relations[i]
		if strings.TrimSpace(r.Adres) == "" && strings.TrimSpace(r.Adres2) == "" {
			r.Adres, r.Postcode, r.Plaats = "Kerkstraat 2", "5678 CD", "Elders"
		}
	}
	eb := &ds.EBoekhouden.Credentials
	eb.SecurityCode1, eb.SecurityCode2 = eb.SecurityCode2, eb.SecurityCode1
	osc := &ds.OutSmart.Credentials
	osc.Token = reverse(osc.Token)
	return ds
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// twoLinks is the first link over the demo administration (with a twin
// work order: 9 to invoice, two relations needing attention) and a second
// link "Klant B" over secondClient's sandbox pair (8 to invoice), in one
// data folder. The second's cli runs with KOPPELING_LINK and its sandbox's
// addresses and credentials; the first names itself with --link.
func twoLinks(t *testing.T) (a, b *cli) {
	t.Helper()
	a = newCLI(t)
	a.addTwin()
	if out, errOut, code := a.run(nil, "", "links", "add", "Klant B"); code != 0 || !strings.Contains(out, "toegevoegd") {
		t.Fatalf("links add: %d\n%s\n%s", code, out, errOut)
	}
	// A new link starts on the day it was made; the sandbox's work orders
	// are older, so this one invoices all of them, as the first link does.
	today := time.Now().Format("2006-01-02")
	if out, _, _ := a.run(nil, "", "--link", "Klant B", "settings", "get", "export.workorders_from"); strings.TrimSpace(out) != today {
		t.Fatalf("a new link's start date is %q, want %s", out, today)
	}
	if _, errOut, code := a.run(nil, "", "--link", "Klant B", "settings", "set", "export.workorders_from", ""); code != 0 {
		t.Fatalf("clear the start date: %d %s", code, errOut)
	}
	kit := testkit.Start(t, sandbox.Options{Dataset: secondClient()})
	cred := kit.Credentials
	b = &cli{t: t, bin: binary, sb: kit.Sandbox, creds: cred, dir: a.dir}
	b.env = append(append([]string(nil), a.env...),
		"KOPPELING_LINK=klant b",
		"KOPPELING_EBOEKHOUDEN_URL="+kit.Endpoints.EBoekhoudenURL, "KOPPELING_OUTSMART_URL="+kit.Endpoints.OutSmartURL,
		"KOPPELING_EB_USERNAME="+cred.EBoekhoudenUsername, "KOPPELING_EB_SECURITYCODE1="+cred.EBoekhoudenSecurityCode1,
		"KOPPELING_EB_SECURITYCODE2="+cred.EBoekhoudenSecurityCode2, "KOPPELING_OUTSMART_TOKEN="+cred.OutSmartToken,
		"KOPPELING_OUTSMART_SOFTWARE_TOKEN="+cred.OutSmartSoftwareToken)
	for _, c := range []struct {
		cli  *cli
		args []string
	}{{a, []string{"--link", "Standaard"}}, {b, nil}} {
		for _, kv := range [][2]string{{"export.template", "Standaard"}, {"export.invoices", "true"}} {
			args := append(append([]string(nil), c.args...), "settings", "set", kv[0], kv[1])
			if _, errOut, code := c.cli.run(nil, "", args...); code != 0 {
				t.Fatalf("%v: %s", args, errOut)
			}
		}
	}
	return a, b
}

// linkFolder is the data folder of the link named name.
func linkFolder(t *testing.T, dir, name string) string {
	t.Helper()
	reg := links.New(dir)
	l, err := reg.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return reg.Folder(l)
}

// TestTwoLinksEachInvoiceTheirOwnWorkOrdersOnce: two links against two
// sandbox pairs, from one data folder: each invoices only its own work
// orders, exactly once, with its own log and attention list.
func TestTwoLinksEachInvoiceTheirOwnWorkOrdersOnce(t *testing.T) {
	a, b := twoLinks(t)
	out, errOut, code := a.run(nil, "", "--link=standaard", "sync", "--once")
	if code != exitAttention {
		t.Fatalf("first link: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = b.run(nil, "", "sync", "--once")
	if code != exitOK {
		t.Fatalf("second link: exit %d\n%s\n%s", code, out, errOut)
	}
	a.assertEachInvoicedOnce(9)
	b.assertEachInvoicedOnce(8)

	// A second run of each writes nothing.
	before := [2]int{len(a.sb.EBoekhouden.State().Invoices), len(b.sb.EBoekhouden.State().Invoices)}
	if _, errOut, code := a.run(nil, "", "sync", "--link", "Standaard", "--once"); code != exitAttention {
		t.Fatalf("second run of the first link: exit %d %s", code, errOut)
	}
	if _, errOut, code := b.run(nil, "", "sync", "--once"); code != exitOK {
		t.Fatalf("second run of the second link: exit %d %s", code, errOut)
	}
	after := [2]int{len(a.sb.EBoekhouden.State().Invoices), len(b.sb.EBoekhouden.State().Invoices)}
	if before != after {
		t.Fatalf("a second run made invoices: %v -> %v", before, after)
	}
	a.assertEachInvoicedOnce(9)
	b.assertEachInvoicedOnce(8)

	// Each its own log and attention list.
	logA, _, _ := a.run(nil, "", "--link", "Standaard", "log", "-n", "1000")
	logB, _, _ := b.run(nil, "", "log", "-n", "1000")
	if !strings.Contains(logA, "WB26116") || strings.Contains(logA, "WC26") {
		t.Errorf("the first link's log:\n%s", logA)
	}
	if !strings.Contains(logB, "WC26116") || strings.Contains(logB, "WB26") {
		t.Errorf("the second link's log:\n%s", logB)
	}
	attA, _, _ := a.run(nil, "", "--link", "Standaard", "log", "--attention")
	attB, _, _ := b.run(nil, "", "log", "--attention")
	if !strings.Contains(attA, "kan niet naar OutSmart") || strings.TrimSpace(attB) != "" {
		t.Errorf("attention lists:\nfirst:\n%s\nsecond:\n%s", attA, attB)
	}
	list, errOut, code := a.run(nil, "", "links")
	if code != 0 {
		t.Fatalf("links: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 3 || !regexpMatch(`^\s+Standaard\s+actief\s+\S+ \S+ aandacht nodig\s+2\s+`+regexpQuote(a.dir)+`$`, lines[1]) ||
		!regexpMatch(`^\s+Klant B\s+actief\s+\S+ \S+ gelukt\s+0\s+`+regexpQuote(linkFolder(t, a.dir, "Klant B"))+`$`, lines[2]) {
		t.Fatalf("links:\n%s", list)
	}
	a.assertNoSecretsOnDisk()
	b.assertNoSecretsOnDisk()
}

// TestACrashOfOneLinkLeavesTheOtherAlone kills the first link's run after
// its fourth invoice: the second link's store, journal and sandbox are as
// they were, and the first link's next run recovers exactly once.
func TestACrashOfOneLinkLeavesTheOtherAlone(t *testing.T) {
	a, b := twoLinks(t)
	if _, errOut, code := b.run(nil, "", "sync", "--once"); code != exitOK {
		t.Fatalf("second link: exit %d %s", code, errOut)
	}
	folderB := linkFolder(t, a.dir, "Klant B")
	sum := func() [32]byte {
		h := sha256.New()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			data, _ := os.ReadFile(filepath.Join(folderB, store.FileName+suffix))
			h.Write(data)
		}
		return [32]byte(h.Sum(nil))
	}
	storeB, requestsB := sum(), len(b.sb.EBoekhouden.Requests().All())+len(b.sb.OutSmart.Requests().All())
	invoicesB := len(b.sb.EBoekhouden.State().Invoices)

	_, _, code := a.run([]string{"KOPPELING_TEST_CRASH_AT=export.invoiced:4"}, "", "--link", "Standaard", "sync", "--once")
	if code != 128+int(syscall.SIGKILL) {
		t.Fatalf("crash hook: exit %d", code)
	}
	if sum() != storeB {
		t.Error("the crash of the first link changed the second link's store")
	}
	if n := len(b.sb.EBoekhouden.Requests().All()) + len(b.sb.OutSmart.Requests().All()); n != requestsB || len(b.sb.EBoekhouden.State().Invoices) != invoicesB {
		t.Errorf("the crash of the first link reached the second link's sandbox: %d requests (was %d)", n, requestsB)
	}
	if _, errOut, code := a.run(nil, "", "--link", "Standaard", "sync", "--once"); code == exitCannotRun {
		t.Fatalf("rerun: %s", errOut)
	}
	a.assertEachInvoicedOnce(9)
	b.assertEachInvoicedOnce(8)
	st, err := store.Open(context.Background(), folderB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ex, _ := st.Exports(context.Background(), store.ExportHandled); len(ex) != 8 {
		t.Fatalf("%d work orders handled in the second link's journal, want 8", len(ex))
	}
}

// TestLinkSelection: --link anywhere or KOPPELING_LINK picks the link; with
// several links and none named, or an unknown name, the commands stop with
// exit code 2 and list the links, in English under an English locale.
func TestLinkSelection(t *testing.T) {
	c := newCLI(t)
	if _, errOut, code := c.run(nil, "", "settings", "set", "export.payment_term_days", "30"); code != 0 {
		t.Fatal(errOut)
	}
	if out, _, _ := c.run(nil, "", "links"); !strings.HasPrefix(strings.Split(out, "\n")[1], "* Standaard") {
		t.Fatalf("the only link is not marked:\n%s", out)
	}
	for _, name := range []string{"Klant B", "Klant C"} {
		if _, errOut, code := c.run(nil, "", "links", "add", name); code != 0 {
			t.Fatal(errOut)
		}
	}
	if _, errOut, code := c.run(nil, "", "links", "add", " klant b "); code != exitCannotRun || !strings.Contains(errOut, `er is al een koppeling met de naam "klant b"`) {
		t.Fatalf("a taken name: %d %s", code, errOut)
	}
	if _, _, code := c.run(nil, "", "--link", "klant c", "settings", "set", "export.payment_term_days", "7"); code != 0 {
		t.Fatal("settings set on the third link")
	}
	for _, run := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--link", "Standaard", "settings", "get", "export.payment_term_days"}, "30"},
		{nil, []string{"settings", "get", "--link=KLANT C", "export.payment_term_days"}, "7"},
		{nil, []string{"settings", "get", "export.payment_term_days", "--link", "Klant B"}, "14"},
		{[]string{"KOPPELING_LINK=Klant C"}, []string{"settings", "get", "export.payment_term_days"}, "7"},
		// --link wins over KOPPELING_LINK.
		{[]string{"KOPPELING_LINK=Klant C"}, []string{"--link", "standaard", "settings", "get", "export.payment_term_days"}, "30"},
	} {
		out, errOut, code := c.run(run.env, "", run.args...)
		if code != 0 || strings.TrimSpace(out) != run.want {
			t.Errorf("%v %v: exit %d, %q, want %q\n%s", run.env, run.args, code, out, run.want, errOut)
		}
	}
	for _, cmd := range [][]string{{"sync", "--once"}, {"log"}, {"settings", "get"}, {"store", "reset"}, {"login", "--no-check"}} {
		out, errOut, code := c.run(nil, "", cmd...)
		if code != exitCannotRun || !strings.Contains(errOut, `er zijn meerdere koppelingen; kies er een met --link NAAM of KOPPELING_LINK=NAAM: "Standaard", "Klant B", "Klant C"`) || out != "" {
			t.Errorf("%v without a link: exit %d\n%s\n%s", cmd, code, out, errOut)
		}
		_, errOut, code = c.run([]string{"KOPPELING_LINK=Klant D"}, "", cmd...)
		if code != exitCannotRun || !strings.Contains(errOut, `er is geen koppeling met de naam "Klant D"; de koppelingen zijn: "Standaard", "Klant B", "Klant C"`) {
			t.Errorf("%v with an unknown link: exit %d\n%s", cmd, code, errOut)
		}
	}
	_, errOut, code := c.run([]string{"LANG=en_GB.UTF-8", "LC_ALL=", "LC_MESSAGES="}, "", "log")
	if code != exitCannotRun || !strings.Contains(errOut, "there are several links; choose one with --link NAME") {
		t.Errorf("in English: exit %d %s", code, errOut)
	}
	if _, errOut, code := c.run(nil, "", "log", "--link"); code != exitCannotRun || !strings.Contains(errOut, "--link NAAM") {
		t.Errorf("--link without a name: exit %d %s", code, errOut)
	}
	if out, _, code := c.run([]string{"KOPPELING_LINK=Klant B"}, "", "links"); code != 0 || !strings.Contains(out, "* Klant B") {
		t.Errorf("links does not mark the chosen link:\n%s", out)
	}
	// The store is the link's own: the second link's store is in its folder.
	if _, err := os.Stat(filepath.Join(linkFolder(t, c.dir, "Klant B"), store.FileName)); err != nil {
		t.Error(err)
	}
}

// TestLinksRenameAndRemove: a rename keeps the link's store; remove needs
// --yes without a terminal, keeps the store unless --purge, and never
// removes the only link; a purge of the first link leaves the data folder's
// other files alone.
func TestLinksRenameAndRemove(t *testing.T) {
	c := newCLI(t)
	c.run(nil, "", "links", "add", "Klant B")
	c.run(nil, "", "--link", "Klant B", "settings", "set", "export.payment_term_days", "21")
	if out, errOut, code := c.run(nil, "", "links", "rename", "klant b", "Installatie Bakker"); code != 0 || !strings.Contains(out, `heet nu "Installatie Bakker"`) {
		t.Fatalf("rename: %d %s %s", code, out, errOut)
	}
	if out, _, _ := c.run(nil, "", "--link", "Installatie Bakker", "settings", "get", "export.payment_term_days"); strings.TrimSpace(out) != "21" {
		t.Fatalf("the renamed link lost its settings: %q", out)
	}
	folder := linkFolder(t, c.dir, "Installatie Bakker")
	if _, errOut, code := c.run(nil, "", "links", "remove", "Installatie Bakker"); code != exitCannotRun || !strings.Contains(errOut, "--yes") {
		t.Fatalf("remove without --yes and without a terminal: %d %s", code, errOut)
	}
	out, errOut, code := c.run(nil, "", "links", "remove", "--yes", "Installatie Bakker")
	if code != 0 || !strings.Contains(out, folder) || !strings.Contains(out, "nl.koppeling.test.cli.") {
		t.Fatalf("remove: %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(folder, store.FileName)); err != nil {
		t.Fatalf("remove without --purge deleted the store: %v", err)
	}
	if _, errOut, code := c.run(nil, "", "--link", "Installatie Bakker", "log"); code != exitCannotRun || !strings.Contains(errOut, "er is geen koppeling") {
		t.Fatalf("a removed link still answers: %d %s", code, errOut)
	}
	if _, errOut, code := c.run(nil, "", "links", "remove", "Standaard", "--yes"); code != exitCannotRun || !strings.Contains(errOut, "enige koppeling") {
		t.Fatalf("removing the only link: %d %s", code, errOut)
	}

	// A purge of the first link: only its store files go.
	c.run(nil, "", "links", "add", "Klant C")
	c.run(nil, "", "--link", "Standaard", "log")
	if err := os.WriteFile(filepath.Join(c.dir, "notities.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = c.run(nil, "", "links", "remove", "Standaard", "--yes", "--purge")
	if code != 0 && !strings.Contains(errOut, "inloggegevens wissen lukte niet") {
		t.Fatalf("purge the first link: %d %s", code, errOut)
	}
	for _, gone := range []string{store.FileName, store.FileName + "-wal"} {
		if _, err := os.Stat(filepath.Join(c.dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s after the purge: %v", gone, err)
		}
	}
	for _, kept := range []string{"notities.txt", links.FileName, filepath.Join(linkFolder(t, c.dir, "Klant C"), store.FileName), filepath.Join(folder, store.FileName)} {
		if !filepath.IsAbs(kept) {
			kept = filepath.Join(c.dir, kept)
		}
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("the purge of the first link took %s: %v", kept, err)
		}
	}
	if out, _, code := c.run(nil, "", "links"); code != 0 || strings.Contains(out, "Standaard") || !strings.Contains(out, "* Klant C") {
		t.Fatalf("links after removing the first:\n%s", out)
	}
}

// TestLinksFileThatCannotBeReadStopsEverything: a damaged links.json stops
// every command with exit code 2 and the Dutch message, and is kept.
func TestLinksFileThatCannotBeReadStopsEverything(t *testing.T) {
	c := newCLI(t)
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(c.dir, links.FileName)
	if err := os.WriteFile(path, []byte(`{"version": 1, "links": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"links"}, {"links", "add", "X"}, {"sync", "--once"}, {"settings", "get"}, {"log"}} {
		_, errOut, code := c.run(nil, "", cmd...)
		if code != exitCannotRun || !strings.Contains(errOut, "het bestand met de koppelingen ("+path+") is onleesbaar") {
			t.Errorf("%v: exit %d %s", cmd, code, errOut)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != `{"version": 1, "links": [` {
		t.Fatalf("links.json was changed: %q", b)
	}
	if n := len(c.sb.EBoekhouden.Requests().All()) + len(c.sb.OutSmart.Requests().All()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestASingleLinkInstallBecomesTheFirstLink: a data folder made as before
// there were several links (a store with settings, journal and log in the
// data folder, the credentials in the installation's keychain item, no
// links.json) is the first link with nothing lost, also after a second
// link is added.
func TestASingleLinkInstallBecomesTheFirstLink(t *testing.T) {
	c := newCLI(t)
	const service = "nl.koppeling.test.cli.migrate"
	c.env = append(c.env, "KOPPELING_KEYCHAIN_SERVICE="+service)
	c.run(nil, "", "settings", "set", "export.template", "Standaard")
	c.run(nil, "", "settings", "set", "export.invoices", "true")
	c.run(nil, "", "settings", "set", "export.payment_term_days", "30")
	if _, errOut, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
		t.Fatal(errOut)
	}
	c.assertEachInvoicedOnce(8)
	ebc, osc := c.creds, c.sb.Dataset.OutSmart.Credentials
	input := strings.Join([]string{"soap", ebc.EBoekhoudenUsername, ebc.EBoekhoudenSecurityCode1, ebc.EBoekhoudenSecurityCode2,
		osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"
	if _, errOut, code := c.run(nil, input, "login", "--no-check"); code != 0 {
		if os.Getenv("KOPPELING_TEST_KEYCHAIN") != "1" && strings.Contains(errOut, "sleutelbos") {
			t.Skipf("no keychain here: %s", errOut)
		}
		t.Fatalf("login: %s", errOut)
	}
	t.Cleanup(func() { _ = (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: service}).Delete() })
	if _, err := os.Stat(filepath.Join(c.dir, links.FileName)); !os.IsNotExist(err) {
		t.Fatalf("a single-link install has a links file: %v", err)
	}
	// From here on the credentials come from the keychain only.
	var clean []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "KOPPELING_EB_") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_TOKEN") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_SOFTWARE") {
			clean = append(clean, kv)
		}
	}
	c.env = clean
	logBefore, _, _ := c.run(nil, "", "log", "-n", "1000")
	for _, link := range [][]string{nil, {"--link", "Standaard"}} {
		if link != nil {
			if _, errOut, code := c.run(nil, "", "links", "add", "Klant B"); code != 0 {
				t.Fatal(errOut)
			}
		}
		out, _, code := c.run(nil, "", "links")
		if code != 0 || !regexpMatch(`(?m)^\S?\s+Standaard\s+actief\s+\S+ \S+ aandacht nodig\s+2\s+`+regexpQuote(c.dir)+`$`, out) {
			t.Fatalf("links:\n%s", out)
		}
		if out, _, _ := c.run(nil, "", append(link, "settings", "get", "export.payment_term_days")...); strings.TrimSpace(out) != "30" {
			t.Fatalf("setting of the first link: %q", out)
		}
		if out, _, _ := c.run(nil, "", append(link, "log", "-n", "1000")...); !strings.HasSuffix(out, logBefore) || !strings.Contains(out, "WB26116") {
			t.Fatalf("log of the first link lost lines:\n%s\nbefore:\n%s", out, logBefore)
		}
		invoices := len(c.sb.EBoekhouden.State().Invoices)
		if _, errOut, code := c.run(nil, "", append(link, "sync", "--once")...); code != exitAttention {
			t.Fatalf("sync with the keychain's credentials: %d %s", code, errOut)
		}
		if n := len(c.sb.EBoekhouden.State().Invoices); n != invoices {
			t.Fatalf("the first link's journal was lost: %d invoices, was %d", n, invoices)
		}
	}
	c.assertEachInvoicedOnce(8)
	if _, err := os.Stat(filepath.Join(c.dir, store.FileName)); err != nil {
		t.Fatalf("the first link's store moved: %v", err)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }

// TestTwoDemoLinksUnderXvfb starts the desktop app in demo mode with two
// links and --link choosing the second: the window shows, each link's
// store is opened in its own folder (a demo store, marked as such), and a
// --link that names no link stops the app with the links listed.
func TestTwoDemoLinksUnderXvfb(t *testing.T) {
	display := xvfb(t)
	if _, err := exec.LookPath("import"); err != nil {
		t.Skip("ImageMagick is not installed (make test installs it)")
	}
	var second links.Link
	g := startGUIWith(t, display, func(g *guiProcess) {
		var err error
		if second, err = links.New(g.dataDir).Add("Klant B"); err != nil {
			t.Fatal(err)
		}
	}, "--demo", "--link", "klant b")
	shot := g.waitForWindow(t, display)
	path := filepath.Join(artifactDir(t), "links-demo-window.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the demo window with two links: %s", path)
	for _, dir := range []string{g.dataDir, links.New(g.dataDir).Folder(second)} {
		for _, f := range []string{store.FileName, "koppeling-demo"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("link folder %s: %v", dir, err)
			}
		}
	}
	g.stop(t)

	bin, err := guiBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--demo", "--link", "Klant Z")
	cmd.Env = g.env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitCannotRun ||
		!strings.Contains(string(out), `er is geen koppeling met de naam "Klant Z"; de koppelingen zijn: "Standaard", "Klant B"`) {
		t.Fatalf("--link with an unknown name: %v\n%s", err, out)
	}
}

// TestLinksRemoveIsRefusedWhileItRuns: remove is refused while the
// desktop app runs (it holds the data folder) or a sync of the link holds
// its store's run lock; store reset works on the chosen link's store only;
// a link whose store cannot be read is listed as such while the others
// are listed as usual.
func TestLinksRemoveIsRefusedWhileItRuns(t *testing.T) {
	c := newCLI(t)
	if _, errOut, code := c.run([]string{"LANG=en_GB.UTF-8", "LC_ALL=", "LC_MESSAGES="}, "", "links", "add", "Klant B"); code != 0 {
		t.Fatal(errOut)
	} else if out, _, _ := c.run([]string{"LANG=en_GB.UTF-8", "LC_ALL=", "LC_MESSAGES="}, "", "links", "rename", "Klant B", "Klant B2"); !strings.Contains(out, `Link "Klant B" is now called "Klant B2".`) {
		t.Fatalf("rename in English: %q", out)
	}
	c.run(nil, "", "links", "add", "Klant C")
	folderB := linkFolder(t, c.dir, "Klant B2")
	ctx := context.Background()

	claim, err := instance.Acquire(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run(nil, "", "links", "remove", "Klant B2", "--yes")
	claim.Close()
	if code != exitCannotRun || !strings.Contains(errOut, "Koppeling draait nog") {
		t.Fatalf("remove while the app runs: %d %s", code, errOut)
	}

	st, err := store.Open(ctx, folderB)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := st.LockRun(ctx, store.LockOwner())
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code = c.run(nil, "", "links", "remove", "Klant B2", "--yes")
	if code != exitCannotRun || !strings.Contains(errOut, `er loopt nu een synchronisatie van "Klant B2"`) {
		t.Fatalf("remove while a sync runs: %d %s", code, errOut)
	}
	lock.Release(ctx)
	st.Close()
	if _, err := links.New(c.dir).Find("Klant B2"); err != nil {
		t.Fatalf("a refused remove removed the link: %v", err)
	}

	// store reset of the second link moves its store aside in its folder.
	c.run(nil, "", "--link", "Standaard", "settings", "set", "export.payment_term_days", "30")
	out, errOut, code := c.run(nil, "", "--link", "Klant B2", "store", "reset")
	if code != 0 || !strings.Contains(out, filepath.Join(folderB, store.FileName)) {
		t.Fatalf("store reset of the second link: %d\n%s\n%s", code, out, errOut)
	}
	if backups, _ := filepath.Glob(filepath.Join(folderB, store.FileName+".beschadigd-*")); len(backups) != 1 {
		t.Fatalf("copies kept in the link's folder: %v", backups)
	}
	if out, _, _ := c.run(nil, "", "--link", "Standaard", "settings", "get", "export.payment_term_days"); strings.TrimSpace(out) != "30" {
		t.Fatalf("the first link's store was reset too: %q", out)
	}

	// A damaged store of the third link.
	folderC := linkFolder(t, c.dir, "Klant C")
	if err := os.WriteFile(filepath.Join(folderC, store.FileName), []byte("geen database"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = c.run(nil, "", "links")
	if code != 0 || !regexpMatch(`(?m)^\s+Klant C\s+opslag onleesbaar\s+-\s+-\s+`, out) || !regexpMatch(`(?m)^\s+Klant B2\s+actief\s+-\s+0\s+`, out) {
		t.Fatalf("links with a damaged store: %d\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code := c.run(nil, "", "--link", "Klant C", "log"); code != exitCannotRun || !strings.Contains(errOut, "is beschadigd") {
		t.Fatalf("log of the damaged link: %d %s", code, errOut)
	}
	if out, errOut, code := c.run(nil, "", "links", "remove", "Klant C", "--yes"); code != 0 || !strings.Contains(out, "Bewaard") {
		t.Fatalf("remove the damaged link: %d %s %s", code, out, errOut)
	}
}

// TestEachLinkHasItsOwnKeychainItem: "login" stores each link's
// credentials in its own keychain item; without the credential variables
// each link's sync runs with its own, against its own services.
func TestEachLinkHasItsOwnKeychainItem(t *testing.T) {
	a, b := twoLinks(t)
	const service = "nl.koppeling.test.cli.items"
	for _, c := range []*cli{a, b} {
		var clean []string
		for _, kv := range c.env {
			if !strings.HasPrefix(kv, "KOPPELING_EB_") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_TOKEN") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_SOFTWARE") {
				clean = append(clean, kv)
			}
		}
		c.env = append(clean, "KOPPELING_KEYCHAIN_SERVICE="+service)
	}
	login := func(c *cli, args ...string) {
		t.Helper()
		cr := c.creds
		input := strings.Join([]string{"soap", cr.EBoekhoudenUsername, cr.EBoekhoudenSecurityCode1, cr.EBoekhoudenSecurityCode2,
			cr.OutSmartCompanyID, cr.OutSmartToken, cr.OutSmartSoftwareToken}, "\n") + "\n"
		if _, errOut, code := c.run(nil, input, append(args, "login")...); code != 0 {
			if os.Getenv("KOPPELING_TEST_KEYCHAIN") != "1" && strings.Contains(errOut, "sleutelbos") {
				t.Skipf("no keychain here: %s", errOut)
			}
			t.Fatalf("login: %s", errOut)
		}
	}
	login(a, "--link", "Standaard")
	t.Cleanup(func() { _ = (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: service}).Delete() })
	login(b)
	second, err := links.New(a.dir).Find("Klant B")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: second.KeychainService(service)}).Delete()
	})
	if _, errOut, code := a.run(nil, "", "--link", "Standaard", "sync", "--once"); code != exitAttention {
		t.Fatalf("first link with its keychain item: %d %s", code, errOut)
	}
	if _, errOut, code := b.run(nil, "", "sync", "--once"); code != exitOK {
		t.Fatalf("second link with its keychain item: %d %s", code, errOut)
	}
	a.assertEachInvoicedOnce(9)
	b.assertEachInvoicedOnce(8)
	// The two items hold different credentials: each is its link's own.
	ca, _, errA := (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: service, Getenv: func(string) string { return "" }}).Load()
	cb, _, errB := (&secrets.Vault{Keychain: secrets.OSKeychain{}, Service: second.KeychainService(service), Getenv: func(string) string { return "" }}).Load()
	if errA != nil || errB != nil || ca.OutSmartToken != a.creds.OutSmartToken || cb.OutSmartToken != b.creds.OutSmartToken {
		t.Fatalf("keychain items: %v %v", errA, errB)
	}
}

// TestADamagedLinkDoesNotStopTheOthersUnderXvfb: the desktop app over two
// links, the second with a damaged store: the window opens, the first link
// catches up at start against its services, and the damaged store is left
// as it is.
func TestADamagedLinkDoesNotStopTheOthersUnderXvfb(t *testing.T) {
	display := xvfb(t)
	if _, err := exec.LookPath("import"); err != nil {
		t.Skip("ImageMagick is not installed (make test installs it)")
	}
	kit := testkit.Start(t, sandbox.Options{})
	var damaged string
	g := startGUIWith(t, display, func(g *guiProcess) {
		cred := kit.Credentials
		g.env = append(g.env, "KOPPELING_KEYCHAIN_SERVICE=nl.koppeling.test.gui.links",
			"KOPPELING_EBOEKHOUDEN_URL="+kit.Endpoints.EBoekhoudenURL, "KOPPELING_OUTSMART_URL="+kit.Endpoints.OutSmartURL,
			"KOPPELING_EB_USERNAME="+cred.EBoekhoudenUsername, "KOPPELING_EB_SECURITYCODE1="+cred.EBoekhoudenSecurityCode1,
			"KOPPELING_EB_SECURITYCODE2="+cred.EBoekhoudenSecurityCode2, "KOPPELING_OUTSMART_TOKEN="+cred.OutSmartToken,
			"KOPPELING_OUTSMART_SOFTWARE_TOKEN="+cred.OutSmartSoftwareToken)
		reg := links.New(g.dataDir)
		k, err := reg.Add("Kapot")
		if err != nil {
			t.Fatal(err)
		}
		damaged = filepath.Join(reg.Folder(k), store.FileName)
		if err := os.WriteFile(damaged, []byte("geen database"), 0o600); err != nil {
			t.Fatal(err)
		}
	}, "--link", "Standaard")
	shot := g.waitForWindow(t, display)
	path := filepath.Join(artifactDir(t), "links-damaged-window.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the window with a damaged link: %s", path)
	deadline := time.Now().Add(60 * time.Second)
	for len(kit.Sandbox.OutSmart.Requests().All()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the healthy link did not run at start\n%s", g.diagnostics())
		}
		time.Sleep(200 * time.Millisecond)
	}
	g.stop(t)
	if b, _ := os.ReadFile(damaged); string(b) != "geen database" {
		t.Fatalf("the damaged store was changed: %q", b)
	}
}
