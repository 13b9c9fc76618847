package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestInvoicesCommand runs `koppeling invoices` on the real binary: before
// any sync it lists nothing; after a sync it lists each invoice with its
// amounts as "€ 1.039,33"; after a payment registered in the sandbox (its
// inspection API) and one more sync, the paid invoice reads "betaald" and
// --open leaves it out. The command reads the store only: the sandbox sees
// no request from it.
func TestInvoicesCommand(t *testing.T) {
	c := newCLI(t)
	for _, kv := range [][2]string{{"export.template", "Standaard"}, {"export.invoices", "true"}, {"export.book_directly", "true"}} {
		if _, errOut, code := c.run(nil, "", "settings", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("settings set %s: %d %s", kv[0], code, errOut)
		}
	}
	out, errOut, code := c.run(nil, "", "invoices")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.HasPrefix(out, "Werkbon") || !strings.Contains(errOut, "Nog geen facturen") {
		t.Fatalf("invoices before a sync: %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := c.run(nil, "", "sync", "--once"); code == exitCannotRun {
		t.Fatal("sync could not run")
	}
	open := c.sb.EBoekhouden.State().OpenItems
	if len(open) == 0 {
		t.Fatal("no open items after the sync")
	}
	before := len(c.sb.EBoekhouden.Requests().All()) + len(c.sb.OutSmart.Requests().All())
	out, errOut, code = c.run(nil, "", "invoices")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(lines) < 3 {
		t.Fatalf("invoices: %d\n%s\n%s", code, out, errOut)
	}
	if after := len(c.sb.EBoekhouden.Requests().All()) + len(c.sb.OutSmart.Requests().All()); after != before {
		t.Errorf("invoices made %d requests; it reads the store only", after-before)
	}
	for _, h := range []string{"Werkbon", "Factuur", "Datum", "Klant", "Totaal", "Betaald", "Open", "Status"} {
		if !strings.Contains(lines[0], h) {
			t.Errorf("header lacks %q: %s", h, lines[0])
		}
	}
	if !strings.Contains(errOut, "Betaalstatus van ") {
		t.Errorf("stderr does not say when the status was read: %s", errOut)
	}
	euro := regexp.MustCompile(`€ \d{1,3}(\.\d{3})*,\d\d`)
	var paidNr, paidLine string
	for _, l := range lines[1:] {
		if len(euro.FindAllString(l, -1)) != 3 || !strings.Contains(l, "openstaand") {
			t.Errorf("line of a new invoice: %q", l)
		}
		if paidNr == "" {
			paidNr, paidLine = strings.Fields(l)[1], l
		}
	}
	if !strings.Contains(paidLine, "WB") {
		t.Errorf("line without its work order: %q", paidLine)
	}

	// Pay it in full through the sandbox's inspection API, then sync.
	var total string
	for _, o := range open {
		if o.MutFactuur == paidNr {
			total = o.Openstaand
		}
	}
	resp, err := http.Post(strings.TrimSuffix(c.sb.EBoekhoudenURL, "/soap.asmx")+"/_sandbox/payments", "application/json",
		strings.NewReader(`{"invoice":"`+paidNr+`","amount":`+total+`}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("payment of %s (%s): HTTP %d", paidNr, total, resp.StatusCode)
	}
	c.run(nil, "", "sync", "--once")
	out, _, _ = c.run(nil, "", "invoices")
	found := false
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[1] == paidNr {
			found = true
			if !strings.Contains(l, "betaald") || strings.Contains(l, "openstaand") {
				t.Errorf("paid invoice: %q", l)
			}
		}
	}
	if !found {
		t.Fatalf("invoice %s not listed:\n%s", paidNr, out)
	}
	out, _, code = c.run(nil, "", "invoices", "--open")
	if code != 0 || strings.Contains(out, " "+paidNr+" ") || strings.Count(out, "\n") != len(lines)-1 {
		t.Errorf("invoices --open (%d lines before, one paid since):\n%s", len(lines), out)
	}
	out, errOut, code = c.run([]string{"LANG=en_GB.UTF-8", "LC_ALL=", "LC_MESSAGES="}, "", "invoices")
	if code != 0 || !strings.HasPrefix(out, "Work order") || !strings.Contains(out, " paid ") || !strings.Contains(errOut, "Payment status as of") {
		t.Errorf("invoices in English: %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := c.run(nil, "", "invoices", "extra"); code != exitCannotRun {
		t.Errorf("invoices with an argument: exit %d", code)
	}
}
