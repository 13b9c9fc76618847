package engine

// Tests of e-mailed invoices (email.go) and the start date (startdate.go),
// on both roads.

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ebsandbox "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/store"
)

// bkEmail is what the road's sandbox recorded of an invoice's e-mail.
type bkEmail struct {
	Sent                          bool
	To, Subject, Body, From, Name string
	TemplateID                    int64
	AttachUBL                     bool
}

// bkEmailOf reads the e-mail record of invoice number from the road's
// sandbox state.
func (h *harness) bkEmailOf(number string) bkEmail {
	h.t.Helper()
	if h.road == roadREST {
		for _, inv := range h.sb.EBoekhoudenREST.State().Invoices {
			if inv.InvoiceNumber == number && inv.Email != nil {
				e := inv.Email
				return bkEmail{Sent: true, To: e.To, Subject: e.Subject, Body: e.Body, From: e.FromEmail, Name: e.FromName,
					TemplateID: int64(inv.EmailTemplateID), AttachUBL: e.AttachUbl}
			}
		}
		return bkEmail{}
	}
	for _, inv := range h.sb.EBoekhouden.State().Invoices {
		if inv.Factuurnummer == number && inv.PerEmailVerzenden {
			return bkEmail{Sent: true, To: inv.EmailNaar, Subject: inv.EmailOnderwerp, Body: inv.EmailBericht,
				From: inv.EmailVanAdres, Name: inv.EmailVanNaam}
		}
	}
	return bkEmail{}
}

// setRelationEmail sets the e-mail address of relation code in the road's
// sandbox (on REST also its invoice address), as the user would in
// e-Boekhouden.
func (h *harness) setRelationEmail(code, address string) {
	h.t.Helper()
	if h.road == roadREST {
		h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
			for i := range st.Relations {
				if st.Relations[i].Code == code {
					st.Relations[i].EmailAddress, st.Relations[i].EmailAddressInvoice = address, ""
				}
			}
		})
		return
	}
	h.sb.EBoekhouden.Update(func(st *ebsandbox.State) {
		for i := range st.Relations {
			if st.Relations[i].Code == code {
				st.Relations[i].Email = address
			}
		}
	})
}

// relationEmailOf is the e-mail address of relation code in the demo data.
func relationEmailOf(h *harness, code string) string {
	for _, r := range h.sb.Dataset.EBoekhouden.Relations {
		if r.Code == code {
			return r.Email
		}
	}
	return ""
}

// emailSettings turn e-mail on with texts that use every placeholder.
var emailSettings = map[string]string{
	store.KeyEmail:            "true",
	store.KeyEmailSubject:     "Factuur werkbon {werkbon}",
	store.KeyEmailBody:        `Beste {klant},\n\nDe factuur van {datum} voor het werk van {werkdatum}.`,
	store.KeyEmailFromName:    "Installatiebedrijf Koppel",
	store.KeyEmailFromAddress: "facturen@koppel.nl",
	store.KeyEmailAttachUBL:   "true",
}

// TestEmailedInvoices: with e-mail on, every invoice carries the e-mail
// fields (placeholders filled in) to its relation's address, which the
// journal records before sending; the work order whose relation has no
// address is parked with the reason and the fix while the others go on,
// and is invoiced once the relation has an address.
func TestEmailedInvoices(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, emailSettings)
		ctx := context.Background()
		held := "WB26118" // relation 1006
		h.setRelationEmail("1006", "")
		invoiceAddress := map[string]string{} // relation code -> its invoice address (REST only)
		if rd == roadREST {
			invoiceAddress["1002"] = "facturen@bouwbedrijfjan.nl"
			h.sb.EBoekhoudenREST.Update(func(st *ebrest.State) {
				for i := range st.Relations {
					if st.Relations[i].Code == "1002" {
						st.Relations[i].EmailAddressInvoice = invoiceAddress["1002"]
					}
				}
			})
		}
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatalf("run: %v (%s)", sum.Err, sum.Line)
		}
		var invoiced []string
		for nr, w := range h.eligible() {
			if nr == held {
				continue
			}
			invoiced = append(invoiced, nr)
			ex, err := h.st.Export(ctx, w.ID)
			inv := h.invoiceOfRow(w.ID)
			if err != nil || ex.State != store.ExportHandled || inv.Number == "" {
				t.Fatalf("%s: journal %+v (%v), invoice %q", nr, ex, err, inv.Number)
			}
			got := h.bkEmailOf(inv.Number)
			want := relationEmailOf(h, inv.RelationCode)
			if want == "" { // a relation the run made from the work order's customer
				want = w.CustomerEmailInvoice
			}
			if a := invoiceAddress[inv.RelationCode]; a != "" {
				want = a // the invoice address before the general one
			}
			if !got.Sent || got.To != want || ex.EmailedTo != want {
				t.Errorf("%s: e-mailed %+v, journal %q; want to %q", nr, got, ex.EmailedTo, want)
			}
			if got.Subject != "Factuur werkbon "+nr || got.From != "facturen@koppel.nl" || got.Name != "Installatiebedrijf Koppel" {
				t.Errorf("%s: subject %q from %q %q", nr, got.Subject, got.Name, got.From)
			}
			if !strings.HasPrefix(got.Body, "Beste "+htmlOnRoad(rd, ex.CustomerName)+",") ||
				!strings.Contains(got.Body, "van "+w.WorkDate+".") || strings.Contains(got.Body, "{") {
				t.Errorf("%s: body %q", nr, got.Body)
			}
			if rd == roadREST && (!got.AttachUBL || !strings.Contains(got.Body, "<br>")) {
				t.Errorf("%s: REST e-mail without UBL or line ends: %+v", nr, got)
			}
		}
		h.assertExactlyOnce(invoiced)
		row := h.rowOf(held)
		ex, _ := h.st.Export(ctx, row)
		if ex.State != store.ExportParked || ex.ReasonKey != "park.noemail" || !strings.Contains(ex.Reason, "geen e-mailadres") ||
			!strings.Contains(ex.Reason, "Factuur per e-mail versturen") || ex.EmailedTo != "" {
			t.Fatalf("held work order: %+v", ex)
		}
		if h.invoicesForRow(row) != 0 || h.workOrderStatus(held) != "Compleet" {
			t.Fatalf("held work order invoiced or handled: %d, %s", h.invoicesForRow(row), h.workOrderStatus(held))
		}
		if !h.logged(store.LevelAttention, "Relatie 1006") {
			t.Error("the log does not name the relation without an address")
		}
		// The user fills in the address: the work order is tried again (on
		// REST within the rounds in which the relation's details are read
		// again) and invoiced to it.
		h.setRelationEmail("1006", "inkoop@eemland.nl")
		for i := 0; i < 4 && h.invoicesForRow(row) == 0; i++ {
			if sum := h.run(RunOptions{}); sum.Err != nil {
				t.Fatalf("run after the fix: %v", sum.Err)
			}
		}
		h.assertExactlyOnce(append(invoiced, held))
		if got := h.bkEmailOf(h.invoiceOfRow(row).Number); got.To != "inkoop@eemland.nl" {
			t.Errorf("after the fix: %+v", got)
		}
		if ex, _ := h.st.Export(ctx, row); ex.EmailedTo != "inkoop@eemland.nl" {
			t.Errorf("journal after the fix: %+v", ex)
		}
	})
}

// htmlOnRoad is text as the road's e-mail body carries it: escaped on
// REST, whose body is HTML.
func htmlOnRoad(rd road, text string) string {
	if rd != roadREST {
		return text
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(text)
}

// TestEmailOffSendsNone: with e-mail off (the default) no invoice is
// e-mailed and the journal records no address.
func TestEmailOffSendsNone(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatal(sum.Err)
		}
		for nr, w := range h.eligible() {
			inv := h.invoiceOfRow(w.ID)
			ex, _ := h.st.Export(context.Background(), w.ID)
			if inv.Number == "" || h.bkEmailOf(inv.Number).Sent || ex.EmailedTo != "" {
				t.Errorf("%s: invoice %q e-mailed %+v, journal %q", nr, inv.Number, h.bkEmailOf(inv.Number), ex.EmailedTo)
			}
		}
	})
}

// TestEmailDryRunPlansIt: a dry run names the address an invoice would be
// e-mailed to, and the work order it would hold.
func TestEmailDryRunPlansIt(t *testing.T) {
	h := newRoadHarness(t, roadSOAP, sandbox.Options{}, emailSettings)
	h.setRelationEmail("1006", "")
	sum := h.run(RunOptions{DryRun: true})
	plan := strings.Join(sum.Planned, "\n")
	if !strings.Contains(plan, "factuur voor werkbon WB26116 per e-mail laten versturen naar administratie@bouwbedrijfjan.nl") {
		t.Errorf("plan:\n%s", plan)
	}
	if strings.Contains(plan, "WB26118") || len(h.bkInvoices()) != len(h.sb.Dataset.EBoekhouden.Invoices) {
		t.Errorf("the held work order is planned, or the dry run wrote:\n%s", plan)
	}
}

// setStartDate stores export.workorders_from.
func (h *harness) setStartDate(v string) {
	h.t.Helper()
	h.must(h.st.SetSetting(context.Background(), store.KeyWorkOrdersFrom, v))
}

// TestStartDate: work orders dated before the start date are not invoiced,
// never set to Afgehandeld and named once in the log over two runs; one
// dated on it, or after, is invoiced; moving the date back invoices the
// ones left, exactly once.
func TestStartDate(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, nil)
		ctx := context.Background()
		// WB26116..WB26119 are dated 20..23-11-2026, WB26120 24-11-2026 and
		// later ones after it. WB26119 has no work date: its creation date
		// (23-11-2026) counts.
		h.setWorkOrder("WB26119", func(w *demodata.Workorder) { w.WorkDate = "" })
		h.setStartDate("24-11-2026")
		before := []string{"WB26116", "WB26117", "WB26118", "WB26119"}
		var onOrAfter []string
		for nr := range h.eligible() {
			if !strings.Contains(strings.Join(before, " "), nr) {
				onOrAfter = append(onOrAfter, nr)
			}
		}
		lines := 0
		for run := 1; run <= 2; run++ {
			sum := h.run(RunOptions{})
			if sum.Err != nil {
				t.Fatalf("run %d: %v", run, sum.Err)
			}
			for _, e := range h.logs {
				if strings.Contains(e.Message, "valt voor de startdatum") {
					lines++
				}
			}
		}
		if lines != len(before) {
			t.Errorf("%d log lines about the start date over two runs, want %d (once each)", lines, len(before))
		}
		for _, nr := range before {
			row := h.rowOf(nr)
			ex, err := h.st.Export(ctx, row)
			if h.invoicesForRow(row) != 0 || h.workOrderStatus(nr) != "Compleet" || err != nil ||
				ex.State != store.ExportSkipped || ex.ReasonKey != keyBeforeStart || !strings.Contains(ex.Reason, "startdatum 24-11-2026") {
				t.Errorf("%s before the start date: %d invoices, %s, journal %+v (%v)", nr, h.invoicesForRow(row), h.workOrderStatus(nr), ex, err)
			}
		}
		if ex, _ := h.st.Export(ctx, h.rowOf("WB26119")); !strings.Contains(ex.Reason, "van 23-11-2026") {
			t.Errorf("WB26119 is not dated by its creation date: %q", ex.Reason)
		}
		h.assertExactlyOnce(onOrAfter)
		// The start date moves back to 21-11: WB26117..WB26119 are invoiced
		// now, WB26116 stays and is not named again.
		h.setStartDate("2026-11-21")
		sum := h.run(RunOptions{})
		if sum.Err != nil {
			t.Fatal(sum.Err)
		}
		if strings.Contains(h.logText(), "valt voor de startdatum") {
			t.Errorf("a work order is named again after the start date moved:\n%s", h.logText())
		}
		h.assertExactlyOnce(append(onOrAfter, "WB26117", "WB26118", "WB26119"))
		if row := h.rowOf("WB26116"); h.invoicesForRow(row) != 0 || h.workOrderStatus("WB26116") != "Compleet" {
			t.Error("WB26116 is still before the start date but was invoiced or handled")
		}
		// No start date: everything is invoiced, exactly once.
		h.setStartDate("")
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatal(sum.Err)
		}
		h.assertExactlyOnce(append(onOrAfter, before...))
		h.assertJournalMatchesTheBooks()
	})
}

// logText is the last run's log, one line each.
func (h *harness) logText() string {
	var b strings.Builder
	for _, e := range h.logs {
		b.WriteString(e.Message + "\n")
	}
	return b.String()
}

// TestStartDateDryRun: a dry run plans the work orders before the start
// date as left alone, every time, and writes nothing.
func TestStartDateDryRun(t *testing.T) {
	h := newRoadHarness(t, roadREST, sandbox.Options{}, map[string]string{store.KeyWorkOrdersFrom: "2026-11-21"})
	for i := 0; i < 2; i++ {
		sum := h.run(RunOptions{DryRun: true})
		plan := strings.Join(sum.Planned, "\n")
		if !strings.Contains(plan, "werkbon WB26116 van 20-11-2026 niet factureren (voor de startdatum 21-11-2026)") ||
			strings.Contains(plan, "factuur aanmaken voor werkbon WB26116") || !strings.Contains(plan, "factuur aanmaken voor werkbon WB26117") {
			t.Fatalf("dry run %d plan:\n%s", i+1, plan)
		}
	}
	if _, err := h.st.Export(context.Background(), h.rowOf("WB26116")); err == nil {
		t.Error("a dry run journaled the work order")
	}
}

// TestUnknownEmailTemplateIsParked: on the REST road an e-mail template
// e-Boekhouden does not have for invoices (FACT_020) parks the work
// orders with the fix, and nothing is invoiced.
func TestUnknownEmailTemplateIsParked(t *testing.T) {
	settings := map[string]string{store.KeyEmail: "true", store.KeyEmailTemplate: strconv.Itoa(ebrest.EmailTemplateQuote) + " Offerte"}
	h := newRoadHarness(t, roadREST, sandbox.Options{}, settings)
	if sum := h.run(RunOptions{}); sum.Err != nil {
		t.Fatal(sum.Err)
	}
	for nr, w := range h.eligible() {
		ex, _ := h.st.Export(context.Background(), w.ID)
		if ex.State != store.ExportParked || ex.FixKey != "hint.emailtemplate" || h.invoicesForRow(w.ID) != 0 {
			t.Errorf("%s: %+v, %d invoices", nr, ex, h.invoicesForRow(w.ID))
		}
	}
	// Choosing the invoices' template releases them: the next run invoices
	// each once.
	h.must(h.st.SetSetting(context.Background(), store.KeyEmailTemplate, strconv.Itoa(ebrest.EmailTemplateInvoice)))
	if sum := h.run(RunOptions{}); sum.Err != nil {
		t.Fatal(sum.Err)
	}
	h.assertExactlyOnce(keys(h.eligible()))
}

// TestEmailedInvoiceWithALostAnswer: the answer to an e-mailed invoice is
// lost after e-Boekhouden made it; the journal already holds the address,
// the next run finds the invoice by its reference and sends nothing again.
func TestEmailedInvoiceWithALostAnswer(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		h := newRoadHarness(t, rd, sandbox.Options{}, emailSettings)
		h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.DropAfterApply, Times: 1})
		h.run(RunOptions{})
		if h.ebFaults().Fired()[fault.DropAfterApply] != 1 {
			t.Fatal("the fault did not fire")
		}
		row := h.rowOf("WB26116")
		want := relationEmailOf(h, "1002")
		if ex, _ := h.st.Export(context.Background(), row); ex.State != store.ExportUncertain || ex.EmailedTo != want {
			t.Fatalf("after the lost answer: %+v", ex)
		}
		if sum := h.run(RunOptions{}); sum.Err != nil {
			t.Fatal(sum.Err)
		}
		h.assertExactlyOnce(keys(h.eligible()))
		ex, _ := h.st.Export(context.Background(), row)
		if ex.State != store.ExportHandled || ex.EmailedTo != want || h.bkEmailOf(ex.InvoiceNumber).To != want {
			t.Fatalf("after the look-up: %+v, e-mailed %+v", ex, h.bkEmailOf(ex.InvoiceNumber))
		}
	})
}
