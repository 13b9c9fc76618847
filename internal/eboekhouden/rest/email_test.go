package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
)

// TestEmailTemplatesAndTheEmailBlock: the e-mail templates are read whole
// (small pages) and strictly; the email block goes out with exactly the
// fields that are set, and is left out when there is none.
func TestEmailTemplatesAndTheEmailBlock(t *testing.T) {
	e := newSandboxEnv(t, nil, func(cfg *Config) { cfg.PageSize = 1 })
	ts, err := e.c.ListEmailTemplates(context.Background())
	e.check("ListEmailTemplates", err)
	if len(ts) != 2 || ts[0] != (EmailTemplate{ID: ebrest.EmailTemplateInvoice, Name: "Factuur standaard", UseInvoice: true}) ||
		ts[1].UseInvoice {
		t.Fatalf("e-mail templates: %+v", ts)
	}

	inv := NewInvoice{RelationID: 1, TemplateID: 2, TermOfPayment: 14, Lines: []InvoiceLine{{Quantity: decimal.FromInt(1),
		Description: "x", PricePerUnit: decimal.FromInt(1), VATCode: "GEEN", LedgerID: 3}}}
	wire := func(inv NewInvoice) map[string]any {
		b, err := json.Marshal(inv.wire())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	if _, ok := wire(inv)["email"]; ok {
		t.Error("an invoice without e-mail sends an email block")
	}
	inv.EmailTemplateID = 301
	inv.Email = &InvoiceEmail{FromEmail: "a@b.nl", Subject: "Factuur", AttachUBL: true}
	w := wire(inv)
	email, _ := w["email"].(map[string]any)
	if len(email) != 3 || email["fromEmail"] != "a@b.nl" || email["subject"] != "Factuur" || email["attachUbl"] != true ||
		w["emailTemplateId"] != float64(301) {
		t.Errorf("email block: %v (template %v)", email, w["emailTemplateId"])
	}
	inv.Email.FromName = string(make([]rune, 151))
	if err := inv.check(); !errors.Is(err, ErrInvalid) {
		t.Errorf("a sender of 151 characters: %v", err)
	}
}

// TestEmailTemplatesAreReadStrictly: a template whose useInvoice is not a
// flag makes the list unreadable, never a template without it.
func TestEmailTemplatesAreReadStrictly(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"items":[{"id":301,"name":"Factuur","useInvoice":"ja"}],"count":1}`)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	_, err := c.ListEmailTemplates(context.Background())
	var re *RecordError
	if !errors.Is(err, ErrUnreadable) || !errors.As(err, &re) || re.Field != "useInvoice" {
		t.Fatalf("%v, want ErrUnreadable on useInvoice", err)
	}
}
