package engine

// Direct table tests of the export's pure decisions (what an answer means,
// which hint a refusal gets, which workflow status is meant, what a
// run-stopping error tells the user) and of the dry run's writer.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

func TestInvoiceOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want invoiceResult
	}{
		{"no error", nil, invoiceMade},
		{"answer lost", fmt.Errorf("e-Boekhouden AddFactuur: %w", eboekhouden.ErrOutcomeUnknown), invoiceUnknown},
		{"answer lost while the service failed", errors.Join(eboekhouden.ErrOutcomeUnknown, eboekhouden.ErrTransient), invoiceUnknown},
		{"refused with an error code", &eboekhouden.APIError{Op: "AddFactuur", Code: "E999", Description: "Onbekende btw-code"}, invoiceRefused},
		{"refused by a client fault", &eboekhouden.FaultError{Op: "AddFactuur", Code: "soap:Client", Message: "bad"}, invoiceRefused},
		{"refused by a dotted client fault", &eboekhouden.FaultError{Code: "soap:Client.Validation"}, invoiceRefused},
		{"server fault: not applied", &eboekhouden.FaultError{Op: "AddFactuur", Code: "soap:Server", Message: "oops"}, invoiceNotMade},
		{"HTTP error: not applied", &eboekhouden.StatusError{Op: "AddFactuur", StatusCode: 502}, invoiceNotMade},
		{"call limit stops the run", &eboekhouden.APIError{Op: "AddFactuur", Code: eboekhouden.CodeCallLimit}, invoiceNotMadeStop},
		{"credentials refused", fmt.Errorf("open session: %w", eboekhouden.ErrBadCredentials), invoiceNotMadeStop},
		{"unreachable", fmt.Errorf("dial: %w", eboekhouden.ErrTransient), invoiceNotMadeStop},
		{"cancelled", context.Canceled, invoiceNotMadeStop},
		{"deadline", context.DeadlineExceeded, invoiceNotMadeStop},
	} {
		if got := invoiceOutcome(tc.err); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestRelationOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want relationResult
	}{
		{"no error", nil, relationMade},
		{"code in use", &eboekhouden.APIError{Op: "AddRelatie", Code: eboekhouden.CodeRelationCodeInUse}, relationInUse},
		{"answer lost", fmt.Errorf("AddRelatie: %w", eboekhouden.ErrOutcomeUnknown), relationUnknown},
		{"call limit", &eboekhouden.APIError{Op: "AddRelatie", Code: eboekhouden.CodeCallLimit}, relationNotMade},
		{"unreachable", eboekhouden.ErrTransient, relationNotMade},
		{"cancelled", context.Canceled, relationNotMade},
		{"refused", &eboekhouden.APIError{Op: "AddRelatie", Code: "E123", Description: "Postcode ongeldig"}, relationRefused},
		{"client fault", &eboekhouden.FaultError{Code: "soap:Client"}, relationRefused},
	} {
		if got := relationOutcome(tc.err); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestRefusalHintAndText(t *testing.T) {
	api := func(desc string) error { return &eboekhouden.APIError{Op: "AddFactuur", Code: "E1", Description: desc} }
	for _, tc := range []struct {
		err        error
		hint, text string
	}{
		{api(" Onbekend factuursjabloon 'X'. "), "hint.template", "Onbekend factuursjabloon 'X'."},
		{api("BTW-code HOOG_VERK onbekend"), "hint.vat", "BTW-code HOOG_VERK onbekend"},
		{api("Tegenrekening 9999 bestaat niet"), "hint.ledger", "Tegenrekening 9999 bestaat niet"},
		{api("Grootboekrekening niet gevonden"), "hint.ledger", "Grootboekrekening niet gevonden"},
		{api("Relatie R1 niet gevonden"), "hint.relation", "Relatie R1 niet gevonden"},
		{api("Sjabloon en btw beide fout"), "hint.template", "Sjabloon en btw beide fout"},
		{api("Iets anders"), "hint.other", "Iets anders"},
		{fmt.Errorf("send: %w", &eboekhouden.FaultError{Code: "soap:Client", Message: " btw ontbreekt "}), "hint.vat", "btw ontbreekt"},
		{errors.New("de relatie is geblokkeerd"), "hint.relation", "de relatie is geblokkeerd"},
		{&eboekhouden.APIError{Op: "POST /v1/invoice", Code: "FACT_020", Description: "Email template not found."}, "hint.emailtemplate",
			"Email template not found."},
	} {
		if got := refusalHint(tc.err); got != tc.hint {
			t.Errorf("refusalHint(%v) = %s, want %s", tc.err, got, tc.hint)
		}
		if got := refusalText(tc.err); got != tc.text {
			t.Errorf("refusalText(%v) = %q, want %q", tc.err, got, tc.text)
		}
	}
}

func TestFindWorkStatus(t *testing.T) {
	statuses := []outsmart.WorkStatus{
		{Code: "1", Name: " 1 naar E-boekhouden "},
		{Code: "7", Name: "Gefactureerd"},
		{Code: "Gefactureerd-oud", Name: "2"},
	}
	for _, tc := range []struct {
		want, code string
		ok         bool
	}{
		{"1 naar E-boekhouden", "1", true},
		{"  1 NAAR e-boekhouden", "1", true},
		{"gefactureerd", "7", true},
		{"7", "7", true},
		// A name wins over a code: "2" is the name of the last status.
		{"2", "Gefactureerd-oud", true},
		{"Gefactureerd-oud", "Gefactureerd-oud", true},
		{"3", "", false},
		{"", "", false},
		{"naar E-boekhouden", "", false},
	} {
		code, ok := findWorkStatus(statuses, tc.want)
		if code != tc.code || ok != tc.ok {
			t.Errorf("findWorkStatus(%q) = %q %v, want %q %v", tc.want, code, ok, tc.code, tc.ok)
		}
	}
	if _, ok := findWorkStatus(nil, "1"); ok {
		t.Error("a status found in an empty list")
	}
}

// TestCauseOfRunStoppingErrors: what the summary says about an error that
// stopped a run, also through the export's English wraps.
func TestCauseOfRunStoppingErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("create invoice for work order WB1: %w", eboekhouden.ErrBadCredentials), "@cause.eboekhouden.credentials"},
		{fmt.Errorf("read work orders from OutSmart: %w", outsmart.ErrUnauthorized), "@cause.outsmart.credentials"},
		{&eboekhouden.APIError{Op: "AddFactuur", Code: eboekhouden.CodeCallLimit}, "@cause.eboekhouden.calllimit"},
		{fmt.Errorf("lock: %w", store.ErrLocked), "@cause.locked"},
		{fmt.Errorf("mark work order WB1 Afgehandeld in OutSmart: %w", context.Canceled), "@cause.stopped"},
		{errors.Join(eboekhouden.ErrTransient, eboekhouden.ErrNotTheService), "@cause.eboekhouden.nottheservice"},
		{errors.Join(outsmart.ErrTransient, outsmart.ErrNotTheService), "@cause.outsmart.nottheservice"},
		{fmt.Errorf("create relation R1 in e-Boekhouden: %w", eboekhouden.ErrTransient), "@cause.eboekhouden.unreachable"},
		{eboekhouden.ErrOutcomeUnknown, "@cause.eboekhouden.unreachable"},
		{outsmart.ErrOutcomeUnknown, "@cause.outsmart.unreachable"},
		{eboekhouden.ErrUnreadable, "@cause.eboekhouden.unreadable"},
		{outsmart.ErrUnreadable, "@cause.outsmart.unreadable"},
		{errors.New("disk full"), "@cause.other"},
	} {
		if got := causeOf(tc.err); got != tc.want {
			t.Errorf("causeOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
	// Only an error without a message of its own carries its text.
	other := summaryMessage(Summary{Err: errors.New("disk full")})
	known := summaryMessage(Summary{Err: eboekhouden.ErrCallLimit})
	if other.Args["CauseText"] != "disk full" || known.Args["CauseText"] != "" || known.Args["Failed"] != "1" {
		t.Errorf("summary args: other %v, known %v", other.Args, known.Args)
	}
	if nl, en := known.Render(message.Dutch), known.Render(message.English); nl == en || !strings.Contains(en, "e-Boekhouden") {
		t.Errorf("summary of the call limit: Dutch %q, English %q", nl, en)
	}
}

// TestDryRunWriterPlansInsteadOfWriting: in a dry run every write of the
// export is a planned line, and none reaches the store or a service (the
// run has neither: a write would panic).
func TestDryRunWriterPlansInsteadOfWriting(t *testing.T) {
	r := New(Params{}).newRun(context.Background(), RunOptions{DryRun: true})
	x := &exporter{run: r}
	x.rels = map[string]eboekhouden.Relation{}
	w := x.writer()
	if _, ok := w.(planner); !ok {
		t.Fatalf("dry run writer is %T, want planner", w)
	}
	// A dry run's store keeps its writes; under it there is no store at
	// all here, so a read would fail the test, and no services.
	if ds, ok := r.store.(dryStore); !ok || ds.Store != nil || r.books != nil || r.field != nil {
		t.Fatalf("the test run must have a dry store over no store and no services; store is %T", r.store)
	}
	wo := outsmart.WorkOrder{RowID: "77", Number: "WB1", Customer: outsmart.Party{DebtorNumber: "R1", Name: "Jansen"}}
	entry := store.Export{RowID: "77", OrderNumber: "WB1", InvoiceNumber: "F9"}
	steps := []error{
		w.journal(entry),
		w.skipArchived(wo),
		w.settleUncertain(entry, "F9"),
		w.settleUncertain(entry, ""),
		w.adopt(entry, eboekhouden.InvoiceSummary{Number: "F9"}),
	}
	created, reason, err := w.addRelation(wo, "R1", wo.Customer)
	steps = append(steps, err)
	if !created || reason != nil {
		t.Errorf("planned relation: created %v reason %v", created, reason)
	}
	draft := invoiceDraft{total: decimal.MustParse("121"), invoice: eboekhouden.Invoice{Lines: make([]eboekhouden.InvoiceLine, 3)}}
	steps = append(steps, w.sendInvoice(&exportCase{wo: wo, debtor: "R1"}, draft))
	w.mark(entry)
	for i, err := range steps {
		if err != nil {
			t.Errorf("step %d: %v", i, err)
		}
	}
	want := []string{
		"werkbon WB1 markeren als gefactureerd (factuur F9 gevonden)",
		"factuur voor werkbon WB1 opnieuw versturen (niet gevonden in e-Boekhouden)",
		"factuur F9 voor werkbon WB1 overnemen uit e-Boekhouden (niet opnieuw versturen)",
		"relatie R1, Jansen aanmaken in e-Boekhouden",
		"factuur aanmaken voor werkbon WB1 aan relatie R1, Jansen: 3 regels, totaal € 121,00 incl. btw",
		"werkbon WB1 op Afgehandeld zetten in OutSmart (factuur F9)",
	}
	if !slices.Equal(r.sum.Planned, want) {
		t.Errorf("planned\n got %q\nwant %q", r.sum.Planned, want)
	}
	if len(x.newRels) != 0 || r.sum.RelationsCreated != 0 || r.sum.Invoices != 0 || len(x.created) != 0 {
		t.Errorf("a dry run counted a write: %+v, new relations %v", r.sum, x.newRels)
	}
	if rel, ok := x.rels["R1"]; !ok || rel.Company != "Jansen" {
		t.Errorf("the planned relation is not known to the rest of the run: %+v", x.rels)
	}
	// A real run sends.
	if _, ok := (&exporter{run: New(Params{}).newRun(context.Background(), RunOptions{})}).writer().(sender); !ok {
		t.Error("a real run's writer is not the sender")
	}
}
