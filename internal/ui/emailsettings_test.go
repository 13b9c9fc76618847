package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// onRESTWithEmailTemplates is onREST with e-mail templates in the lists.
func onRESTWithEmailTemplates(f *fakeBackend) {
	onREST(f)
	f.choices.EmailTemplates = []report.EmailTemplateChoice{{ID: 301, Name: "Factuur standaard"}, {ID: 305, Name: "Herinnering"}}
}

// TestEmailFieldsFollowTheirCheckBoxes: the e-mail fields are disabled
// while "Factuur per e-mail versturen" is off and all of them, with the
// start date, while Factuur is off.
func TestEmailFieldsFollowTheirCheckBoxes(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, onRESTWithEmailTemplates)
	u, e := h.u, h.u.settings.email
	h.pump("the lists", func() bool { return e.template.listed })
	fields := func() []bool {
		return []bool{e.open.Disabled(), e.subject.Disabled(), e.body.Disabled(), e.fromName.Disabled(), e.fromAddress.Disabled(),
			e.template.Disabled(), e.attachUBL.Disabled()}
	}
	if e.email.Checked || e.email.Disabled() || e.workOrdersFrom.Disabled() || slices.Contains(fields(), false) {
		t.Fatalf("e-mail off: check %v/%v, start date disabled %v, fields disabled %v", e.email.Checked, e.email.Disabled(),
			e.workOrdersFrom.Disabled(), fields())
	}
	e.email.SetChecked(true)
	if slices.Contains(fields(), true) || !u.dirty() {
		t.Fatalf("e-mail on: fields disabled %v, unsaved %v", fields(), u.dirty())
	}
	u.settings.exportInvoices.SetChecked(false)
	if !e.email.Disabled() || !e.workOrdersFrom.Disabled() || slices.Contains(fields(), false) {
		t.Fatalf("Factuur off: e-mail %v, start date %v, fields %v", e.email.Disabled(), e.workOrdersFrom.Disabled(), fields())
	}
}

// TestEmailSettingsSaveAndRefuse: on the REST road the e-mail template is
// chosen from the list and UBL offered; a subject with {factuur} is
// refused under its field and nothing is saved; the fixed values are
// saved as the store keeps them (the message's line ends, the start date
// typed as dd-mm-jjjj), and shown again as typed.
func TestEmailSettingsSaveAndRefuse(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, onRESTWithEmailTemplates)
	u, e := h.u, h.u.settings.email
	h.pump("the lists", func() bool { return e.template.listed })
	if !e.restOnly.Visible() {
		t.Fatal("the e-mail template and UBL rows are hidden on the REST road")
	}
	if got := e.template.sel.Options; !slices.Equal(got, []string{"Geen e-mailsjabloon", "Factuur standaard", "Herinnering"}) ||
		e.template.sel.Selected != "Geen e-mailsjabloon" {
		t.Fatalf("e-mail templates %q, chosen %q", got, e.template.sel.Selected)
	}
	e.email.SetChecked(true)
	test.Tap(e.open)
	if got := h.topDialogText(); !strings.Contains(got, tr("export.email.title")) || !strings.Contains(got, tr("export.email.attachubl")) {
		t.Fatalf("E-mail instellen opens no dialog with the fields: %q", h.topDialogText())
	}
	h.tapDialogButton(tr("export.email.close"))
	typeInto(e.subject, "Factuur {factuur}")
	e.body.SetText("Beste {klant},\n\nZie bijlage.") // test.Type types no line end
	typeInto(e.fromAddress, "facturen@koppel.nl")
	typeInto(e.workOrdersFrom, "07-12-2026")
	e.template.sel.SetSelected("Factuur standaard")
	e.attachUBL.SetChecked(true)
	test.Tap(u.save)
	h.settle()
	fd := h.field(store.KeyEmailSubject)
	if !fd.err.Visible() || fd.err.Text != tr("invalid.export.email_subject") {
		t.Fatalf("the refused subject is not marked: %q", fd.err.Text)
	}
	h.tapDialogButton(tr("OK")) // the refusal's message
	// The subject's message is in the e-mail dialog, which opened.
	if got := h.topDialogText(); !strings.Contains(got, tr("export.email.title")) {
		t.Fatalf("the refused subject's dialog is not open: %q", got)
	}
	h.tapDialogButton(tr("export.email.close"))
	if h.savedSettings().Email {
		t.Fatal("a refused change was saved")
	}
	typeInto(e.subject, "Factuur werkbon {werkbon}")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	set := h.savedSettings()
	if !set.Email || set.EmailSubject != "Factuur werkbon {werkbon}" || set.EmailBody != "Beste {klant},\n\nZie bijlage." ||
		set.EmailFromAddress != "facturen@koppel.nl" || set.EmailTemplateID != 301 || set.EmailTemplate != "Factuur standaard" ||
		!set.EmailAttachUBL || set.WorkOrdersFrom != "2026-12-07" {
		t.Fatalf("saved %+v", set)
	}
	if u.dirty() || fd.err.Visible() {
		t.Errorf("after saving: unsaved %v, subject marked %v", u.dirty(), fd.err.Visible())
	}
	u.settings.show(set)
	if e.workOrdersFrom.Text != "07-12-2026" || e.body.Text != "Beste {klant},\n\nZie bijlage." || u.dirty() {
		t.Errorf("shown again: %q %q, unsaved %v", e.workOrdersFrom.Text, e.body.Text, u.dirty())
	}
	typeInto(e.workOrdersFrom, "31-02-2026")
	test.Tap(u.save)
	h.settle()
	if d := h.field(store.KeyWorkOrdersFrom); !d.err.Visible() || h.savedSettings().WorkOrdersFrom != "2026-12-07" {
		t.Errorf("an impossible date: marked %v, saved %q", d.err.Visible(), h.savedSettings().WorkOrdersFrom)
	}
}

// TestEmailTemplateRowsOnlyOnREST: on the SOAP road neither the e-mail
// template nor the UBL file is offered.
func TestEmailTemplateRowsOnlyOnREST(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, func(f *fakeBackend) { f.choices = fakeChoices })
	c := h.u.settings.choices
	h.pump("the ledgers", func() bool { return c.ledger.listed })
	if h.u.settings.email.restOnly.Visible() || c.emailTemplate.listed {
		t.Error("the REST road's e-mail rows show on the SOAP road")
	}
}

// TestEmailDialogMatchesItsGolden renders the e-mail dialog on the REST
// road with its fields filled in (testdata/email.png).
func TestEmailDialogMatchesItsGolden(t *testing.T) {
	settings := map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard", store.KeyEmail: "true",
		store.KeyEmailFromName: "Installatiebedrijf Koppel", store.KeyEmailFromAddress: "facturen@koppel.nl",
		store.KeyEmailTemplate: "301 Factuur standaard", store.KeyEmailAttachUBL: "true", store.KeyWorkOrdersFrom: "2026-12-07"}
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: settings}, onRESTWithEmailTemplates)
	u, e := h.u, h.u.settings.email
	h.pump("the lists", func() bool { return e.template.listed })
	u.tabs.SelectIndex(tabExport)
	test.Tap(e.open)
	h.settle()
	u.win.Canvas().Unfocus()
	test.AssertImageMatches(t, "email.png", u.win.Canvas().Capture())
}
