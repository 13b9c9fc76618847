package backend

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/testkit"
)

// TestInvoicePDF: on the REST road the link comes from e-Boekhouden (the
// sandbox answers it) and is kept, so the second time costs no call; an
// invoice e-Boekhouden does not have, and the SOAP road, give
// report.ErrNoPDFLink.
func TestInvoicePDF(t *testing.T) {
	env := testkit.Start(t, sandbox.Options{})
	invs := env.Sandbox.EBoekhoudenREST.State().Invoices
	if len(invs) == 0 {
		t.Fatal("the REST sandbox has no invoice")
	}
	nr := invs[0].InvoiceNumber
	p := testParts(t)
	p.Vault = &secrets.Vault{Keychain: &secrets.MemoryKeychain{}, Service: "nl.koppeling.test.pdf", Getenv: func(string) string { return "" }}
	p.Endpoints = services.Endpoints(env.Endpoints)
	if err := p.Vault.Save(env.OnREST().Credentials); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	link, err := p.InvoicePDF(ctx, nr)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), nr) {
		t.Errorf("the link %s answers %d %q", link, resp.StatusCode, body)
	}
	env.Sandbox.EBoekhoudenREST.Requests().Clear()
	again, err := p.InvoicePDF(ctx, nr)
	if err != nil || again != link {
		t.Errorf("second time: %q, %v", again, err)
	}
	if n := len(env.Sandbox.EBoekhoudenREST.Requests().All()); n != 0 {
		t.Errorf("the kept link cost %d calls", n)
	}
	if st, _ := p.Store.InvoiceStatuses(ctx); st[nr].PDFURL != link {
		t.Errorf("kept %+v", st[nr])
	}
	if _, err := p.InvoicePDF(ctx, "NIET-9"); !errors.Is(err, report.ErrNoPDFLink) {
		t.Errorf("an invoice e-Boekhouden does not have: %v", err)
	}

	// The SOAP road gives no link (the kept one stays kept for its invoice).
	if err := p.Vault.Save(env.Credentials); err != nil {
		t.Fatal(err)
	}
	other := invs[len(invs)-1].InvoiceNumber
	if other == nr {
		t.Skip("one invoice only")
	}
	if _, err := p.InvoicePDF(ctx, other); !errors.Is(err, report.ErrNoPDFLink) {
		t.Errorf("SOAP road: %v", err)
	}
	rows, err := p.Invoices(ctx)
	if err != nil || len(rows) != 0 {
		t.Errorf("overview of an empty journal: %+v %v", rows, err)
	}
}
