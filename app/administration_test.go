package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

const linkedGUID = "5A0E7C61-3B2D-4F8E-A1C9-64D2B0E8F317"

var linkedList = []report.Administration{
	{GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle"},
	{GUID: "9B7E4C2A-0D1F-4E3B-8A6C-5F2D1E0B9C87", Company: "Schilders Bakker"},
}

// TestAdministrationChoiceOnATerminal: the list is numbered after the own
// administration, an empty answer keeps the own one, a wrong one is asked
// again.
func TestAdministrationChoiceOnATerminal(t *testing.T) {
	answers := []string{"5", "2"}
	ask := func(string, bool) (string, error) {
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}
	var stderr bytes.Buffer
	got, msg := askAdministration(env{stderr: &stderr}, ask, true, linkedList)
	if msg != "" || got == nil || got.Company != "Schilders Bakker" {
		t.Fatalf("got %+v %q", got, msg)
	}
	out := stderr.String()
	for _, want := range []string{"0. " + ownAdministration, "1. Loodgietersbedrijf Jansen, Zwolle", "2. Schilders Bakker", "Antwoord met een nummer van 0 tot en met 2."} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		answer string
		want   string // GUID; "" the own administration
		ok     bool
	}{
		{"", "", true}, {"0", "", true}, {"1", linkedGUID, true}, {strings.ToLower(linkedGUID), linkedGUID, true},
		{"3", "", false}, {"-1", "", false}, {"Jansen", "", false},
	} {
		a, ok := pickAdministration(tc.answer, linkedList)
		guid := ""
		if a != nil {
			guid = a.GUID
		}
		if ok != tc.ok || guid != tc.want {
			t.Errorf("answer %q: %q %v, want %q %v", tc.answer, guid, ok, tc.want, tc.ok)
		}
	}
}

// TestLoginChoosesALinkedAdministration runs the real binary: on an
// accountant's account `koppeling login` takes the administration from the
// extra line, keeps it in the keychain, and the next sync invoices there;
// the dialogue without that line keeps the own administration; an answer
// not on the list stores nothing. It needs the Secret Service, as
// TestLoginStoresInTheRealKeychain does.
func TestLoginChoosesALinkedAdministration(t *testing.T) {
	c := newCLI(t)
	ds := demodata.Default().EBoekhouden
	ds.Invoices = nil
	c.sb.EBoekhouden.AddLinked(sbeb.LinkedAdministration{GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle", Dataset: ds})
	ebc, osc := c.sb.Dataset.EBoekhouden.Credentials, c.sb.Dataset.OutSmart.Credentials
	var clean []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "KOPPELING_EB_") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_TOKEN") && !strings.HasPrefix(kv, "KOPPELING_OUTSMART_SOFTWARE") {
			clean = append(clean, kv)
		}
	}
	c.env = clean
	vault := &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: "nl.koppeling.test.cli", Getenv: func(string) string { return "" }}
	dialogue := strings.Join([]string{ebc.Username, ebc.SecurityCode1, ebc.SecurityCode2, osc.CompanyID, osc.Token, osc.SoftwareToken}, "\n") + "\n"

	out, errOut, code := c.run(nil, dialogue+"1\n", "login")
	if code != 0 {
		if os.Getenv("KOPPELING_TEST_KEYCHAIN") != "1" && strings.Contains(errOut, "sleutelbos") {
			t.Skipf("no keychain here: %s", errOut)
		}
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	t.Cleanup(func() { _ = vault.Delete() })
	if !strings.Contains(out, "Gelukt - Je bent ingelogd!") || !strings.Contains(out, "Administratie: Loodgietersbedrijf Jansen, Zwolle (GUID "+linkedGUID) || errOut != "" {
		t.Fatalf("login output: %s / %s", out, errOut)
	}
	kept, _, err := vault.LoadAll()
	if err != nil || kept.EBoekhoudenAdministration != linkedGUID || kept.EBoekhoudenAdministrationName != "Loodgietersbedrijf Jansen, Zwolle" {
		t.Fatalf("keychain: %v %v", kept, err)
	}
	if n := c.sb.EBoekhouden.Requests().Count("OpenSessionSub"); n != 1 {
		t.Errorf("%d OpenSessionSub calls at login, want 1", n)
	}

	// The sync uses the kept administration.
	own := len(c.sb.EBoekhouden.State().Invoices)
	c.run(nil, "", "settings", "set", store.KeyTemplate, "Standaard")
	c.run(nil, "", "settings", "set", store.KeyExportInvoices, "true")
	if out, errOut, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
		t.Fatalf("sync: %s %s", out, errOut)
	}
	linked, _ := c.sb.EBoekhouden.LinkedState(linkedGUID)
	if len(linked.Invoices) == 0 || len(c.sb.EBoekhouden.State().Invoices) != own {
		t.Errorf("after the sync: %d invoices in the linked administration, own %d (was %d)",
			len(linked.Invoices), len(c.sb.EBoekhouden.State().Invoices), own)
	}

	// An answer that is not on the list stores nothing.
	_, errOut, code = c.run(nil, dialogue+"7\n", "login")
	if code != exitCannotRun || !strings.Contains(errOut, "staat niet in de lijst") || !strings.Contains(errOut, "Er is niets opgeslagen.") {
		t.Fatalf("answer 7: exit %d %s", code, errOut)
	}
	if again, _, _ := vault.LoadAll(); again != kept {
		t.Errorf("a refused login changed the keychain: %v", again)
	}

	// The dialogue from before (no extra line) keeps the own administration.
	if _, errOut, code := c.run(nil, dialogue, "login"); code != 0 {
		t.Fatalf("dialogue without the extra line: exit %d %s", code, errOut)
	}
	if kept, _, _ := vault.LoadAll(); kept.EBoekhoudenAdministration != "" || kept.EBoekhoudenAdministrationName != "" {
		t.Errorf("without the extra line: %v", kept)
	}
	c.assertNoSecretsOnDisk()
}

// TestAdministrationWithoutCheck: with --no-check nothing is sent; stdin's
// extra line may give a GUID, kept as it is; a number cannot be looked up;
// a terminal is asked nothing.
func TestAdministrationWithoutCheck(t *testing.T) {
	for _, tc := range []struct {
		line, want string
		fails      bool
	}{
		{"", "", false}, {"0", "", false}, {linkedGUID, linkedGUID, false}, {"1", "", true},
	} {
		ask := func(string, bool) (string, error) { return tc.line, nil }
		c, msg := chooseAdministration(env{}, ask, false, secrets.Credentials{EBoekhoudenUsername: "jan"}, false)
		if (msg != "") != tc.fails || c.EBoekhoudenAdministration != tc.want {
			t.Errorf("line %q: %q, %q", tc.line, c.EBoekhoudenAdministration, msg)
		}
	}
	asked := false
	ask := func(string, bool) (string, error) { asked = true; return linkedGUID, nil }
	if c, msg := chooseAdministration(env{}, ask, true, secrets.Credentials{}, false); asked || msg != "" || c.EBoekhoudenAdministration != "" {
		t.Errorf("terminal with --no-check: asked %v, %q %q", asked, c.EBoekhoudenAdministration, msg)
	}
}
