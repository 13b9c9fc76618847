package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// fakeChoices are an administration's lists as the fake answers them.
var fakeChoices = report.SettingChoices{
	Templates: []string{"Standaard", "Factuur met logo"},
	Ledgers:   []report.LedgerChoice{{Code: "8000", Description: "Omzet materialen"}, {Code: "8010", Description: "Omzet arbeid"}},
	CostCentres: []report.CostCentreChoice{{ID: 2201, Description: "Installatie", Path: "Installatie"},
		{ID: 2203, Description: "Storingen", Path: "Service en onderhoud > Storingen"}},
}

// onREST puts the fake's credentials on the REST road with fakeChoices as
// the lists.
func onREST(f *fakeBackend) {
	f.creds.EBoekhoudenAPIToken = strings.Repeat("t", 40)
	f.choices = fakeChoices
}

// invoicesOn are settings with invoices on and a template.
var invoicesOn = map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}

func (h *harness) costCentreShown() bool {
	c := h.u.settings.choices
	return slices.Contains(c.form.Items, c.costItem)
}

// TestPickersOfferTheListsAndSaveTheSameValues: on the REST road the
// template, the ledger and the cost centre are chosen from the lists, and
// saving a choice keeps the same texts the typed fields kept.
func TestPickersOfferTheListsAndSaveTheSameValues(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, onREST)
	u, c := h.u, h.u.settings.choices
	h.pump("the lists", func() bool { return c.template.listed })
	if got := c.template.sel.Options; !slices.Equal(got, []string{"Standaard", "Factuur met logo"}) || c.template.sel.Selected != "Standaard" {
		t.Errorf("templates %q, chosen %q", got, c.template.sel.Selected)
	}
	if got := c.ledger.sel.Options; !slices.Equal(got, []string{"8000 Omzet materialen", "8010 Omzet arbeid"}) || c.ledger.sel.Selected != "8000 Omzet materialen" {
		t.Errorf("ledgers %q, chosen %q", got, c.ledger.sel.Selected)
	}
	if got := c.costCentre.sel.Options; !slices.Equal(got, []string{"Geen kostenplaats", "Installatie", "Service en onderhoud > Storingen"}) ||
		c.costCentre.sel.Selected != "Geen kostenplaats" {
		t.Errorf("cost centres %q, chosen %q", got, c.costCentre.sel.Selected)
	}
	if !h.costCentreShown() || c.line.Visible() || c.template.entry.Visible() || !c.template.sel.Visible() {
		t.Error("the pickers do not show as lists")
	}
	if u.dirty() {
		t.Fatalf("the lists alone changed the settings: %v", u.settings.values())
	}
	if n := len(h.fake.called("SettingChoices")); n != 1 {
		t.Errorf("SettingChoices called %d times", n)
	}
	u.tabs.SelectIndex(tabExport)
	h.settle()
	if n := len(h.fake.called("SettingChoices")); n != 1 {
		t.Errorf("opening the Export tab loaded the lists again (%d calls)", n)
	}

	c.template.sel.SetSelected("Factuur met logo")
	c.ledger.sel.SetSelected("8010 Omzet arbeid")
	c.costCentre.sel.SetSelected("Service en onderhoud > Storingen")
	if !u.dirty() {
		t.Fatal("a choice does not count as a change")
	}
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	set := h.savedSettings()
	if set.Template != "Factuur met logo" || set.DefaultLedger != "8010" || set.CostCentreID != 2203 || set.CostCentre != "Storingen" {
		t.Fatalf("saved %q %q %d %q", set.Template, set.DefaultLedger, set.CostCentreID, set.CostCentre)
	}
	if u.dirty() || c.costCentre.sel.Selected != "Service en onderhoud > Storingen" {
		t.Errorf("after saving: unsaved %v, cost centre %q", u.dirty(), c.costCentre.sel.Selected)
	}
	// The same value typed on the SOAP road is the same setting.
	c.costCentre.sel.SetSelected("Geen kostenplaats")
	test.Tap(u.save)
	h.pump("the second save", func() bool { return h.savedSettings().CostCentreID == 0 && !u.save.Disabled() })
	if v, _ := h.savedSettings().Value(store.KeyCostCentre); v != "" {
		t.Errorf("no cost centre saved as %q", v)
	}
}

// TestPickersLoadWithoutFreezingAndRetry: while the lists load, the window
// answers and says so; a failure says why in Dutch and leaves the typed
// fields usable; Opnieuw laden loads them.
func TestPickersLoadWithoutFreezingAndRetry(t *testing.T) {
	gate := make(chan struct{})
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, onREST, func(f *fakeBackend) {
		f.choicesGate = gate
		f.choicesErr = fmt.Errorf("read the invoice templates: %w",
			&report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemRefused, Field: report.FieldToken})
	})
	u, c := h.u, h.u.settings.choices
	// The window works while SettingChoices waits.
	h.pump("the loading line", func() bool { return len(h.fake.called("SettingChoices")) == 1 })
	if !c.line.Visible() || c.note.Text != tr("export.choices.loading") || c.retry.Visible() {
		t.Errorf("loading: line %v %q, retry %v", c.line.Visible(), c.note.Text, c.retry.Visible())
	}
	if !c.template.entry.Disabled() || c.template.listed || c.template.entry.Text != "Standaard" {
		t.Errorf("while loading the template is %q (disabled %v)", c.template.entry.Text, c.template.entry.Disabled())
	}
	typeInto(u.settings.paymentTerm, "30")
	if !u.dirty() {
		t.Error("the window did not take an edit while the lists loaded")
	}
	close(gate)
	h.pump("the failure", func() bool { return c.retry.Visible() })
	want := "De lijsten konden niet uit e-Boekhouden worden geladen; u kunt het sjabloon en de omzetrekening ook intypen. Oorzaak: "
	if !strings.HasPrefix(c.note.Text, want) || !strings.Contains(c.note.Text, "e-Boekhouden weigert") {
		t.Errorf("failure line %q", c.note.Text)
	}
	if c.template.entry.Disabled() || c.template.listed || !h.costCentreShown() {
		t.Error("after the failure the typed fields are not usable")
	}

	// A typed cost centre that cannot be checked, then one that does not
	// exist, is refused; the saved one stays.
	typeInto(c.costCentre.entry, "9999 Weg")
	test.Tap(u.save)
	h.pump("the refusal", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	h.closeDialogs()
	fd := h.field(store.KeyCostCentre)
	if fd.err.Text != tr("invalid.cost_centre_unchecked") || !fd.err.Visible() {
		t.Errorf("unchecked cost centre: %q", fd.err.Text)
	}
	h.fake.mu.Lock()
	h.fake.choicesErr = nil
	h.fake.mu.Unlock()
	test.Tap(u.save)
	h.pump("the second refusal", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	h.closeDialogs()
	if fd.err.Text != tr("invalid.cost_centre_unknown") || h.savedSettings().CostCentreID != 0 || h.savedSettings().PaymentTermDays == 30 {
		t.Errorf("unknown cost centre: %q, saved %+v", fd.err.Text, h.savedSettings())
	}

	calls := len(h.fake.called("SettingChoices"))
	test.Tap(c.retry)
	h.pump("the lists", func() bool { return c.template.listed })
	if c.line.Visible() || len(h.fake.called("SettingChoices")) != calls+1 {
		t.Errorf("after Opnieuw laden: line %v, %d calls", c.line.Visible(), len(h.fake.called("SettingChoices")))
	}
	// What was typed meanwhile is kept: not in the list, so "niet gevonden".
	if got := c.costCentre.sel.Selected; got != "Weg (niet gevonden)" || c.template.sel.Selected != "Standaard" {
		t.Errorf("after loading: cost centre %q, template %q", got, c.template.sel.Selected)
	}
	c.costCentre.sel.SetSelected("Installatie")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if set := h.savedSettings(); set.CostCentreID != 2201 || set.PaymentTermDays != 30 || fd.err.Visible() {
		t.Errorf("saved %+v, inline error %q", set, fd.err.Text)
	}
}

// TestPickersKeepAVanishedValue: a saved template, ledger or cost centre
// that the lists no longer hold shows as "(niet gevonden)", counts as
// unchanged and does not stop a save of something else.
func TestPickersKeepAVanishedValue(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: map[string]string{store.KeyExportInvoices: "true",
		store.KeyTemplate: "Oud sjabloon", store.KeyDefaultLedger: "8099", store.KeyCostCentre: "2209 Vervallen"}}, onREST)
	u, c := h.u, h.u.settings.choices
	h.pump("the lists", func() bool { return c.template.listed })
	for _, tc := range []struct {
		p    *picker
		want string
	}{{c.template, "Oud sjabloon (niet gevonden)"}, {c.ledger, "8099 (niet gevonden)"}, {c.costCentre, "Vervallen (niet gevonden)"}} {
		if tc.p.sel.Selected != tc.want || !slices.Contains(tc.p.sel.Options, tc.want) {
			t.Errorf("%s: chosen %q of %q, want %q", tc.p.fd.key, tc.p.sel.Selected, tc.p.sel.Options, tc.want)
		}
	}
	if u.dirty() {
		t.Fatalf("a vanished value counts as a change: %v", u.settings.values())
	}
	// A cost centre renamed in e-Boekhouden is the same one: unchanged.
	h.fake.mu.Lock()
	h.fake.choices.CostCentres = append(slices.Clone(fakeChoices.CostCentres), report.CostCentreChoice{ID: 2209, Description: "Nieuw", Path: "Nieuw"})
	h.fake.mu.Unlock()
	u.loadChoices(true)
	h.pump("the lists again", func() bool { return len(h.fake.called("SettingChoices")) == 2 && c.template.listed })
	if c.costCentre.sel.Selected != "Nieuw" || u.dirty() {
		t.Errorf("renamed cost centre: chosen %q of %q, unsaved %v", c.costCentre.sel.Selected, c.costCentre.sel.Options, u.dirty())
	}
	typeInto(u.settings.paymentTerm, "21")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	set := h.savedSettings()
	if set.PaymentTermDays != 21 || set.Template != "Oud sjabloon" || set.DefaultLedger != "8099" || set.CostCentreID != 2209 || set.CostCentre != "Vervallen" {
		t.Errorf("saved %+v", set)
	}
}

// TestPickersOnTheSOAPRoad: on the SOAP road the template stays typed and
// there is no cost centre, but the revenue ledger is chosen from the list;
// a login on the REST road brings all three when the Export tab opens, and
// back on SOAP the template is typed again.
func TestPickersOnTheSOAPRoad(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, settings: invoicesOn}, func(f *fakeBackend) { f.choices = fakeChoices })
	u, c := h.u, h.u.settings.choices
	h.pump("the ledgers", func() bool { return c.ledger.listed })
	if c.template.listed || !c.template.entry.Visible() || h.costCentreShown() || c.line.Visible() || u.dirty() {
		t.Fatalf("SOAP road: template listed %v, cost centre row %v, line %v, unsaved %v", c.template.listed, h.costCentreShown(), c.line.Visible(), u.dirty())
	}
	if got := c.ledger.sel.Options; !slices.Equal(got, []string{"8000 Omzet materialen", "8010 Omzet arbeid"}) {
		t.Errorf("ledgers %q", got)
	}
	typeInto(c.template.entry, "Factuur met logo")
	c.ledger.sel.SetSelected("8010 Omzet arbeid")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if set := h.savedSettings(); set.Template != "Factuur met logo" || set.DefaultLedger != "8010" {
		t.Errorf("saved %q %q", set.Template, set.DefaultLedger)
	}

	rest := h.fake.savedCredentials()
	rest.EBoekhoudenAPIToken = strings.Repeat("t", 40)
	if err := h.fake.SaveCredentials(rest); err != nil {
		t.Fatal(err)
	}
	u.savedCreds = rest // as after Inloggen
	u.tabs.SelectIndex(tabLog)
	u.tabs.SelectIndex(tabExport)
	h.pump("the lists", func() bool { return c.template.listed })
	if !h.costCentreShown() || u.dirty() || c.template.sel.Selected != "Factuur met logo" {
		t.Errorf("REST road: cost centre row %v, unsaved %v, template %q", h.costCentreShown(), u.dirty(), c.template.sel.Selected)
	}
	soap := rest
	soap.EBoekhoudenAPIToken = ""
	u.savedCreds = soap
	u.tabs.SelectIndex(tabLog)
	u.tabs.SelectIndex(tabExport)
	h.pump("the ledgers again", func() bool { return !c.loading && c.ok && c.loadedFor == soap })
	if c.template.listed || h.costCentreShown() || u.dirty() || c.template.entry.Text != "Factuur met logo" || !c.ledger.listed {
		t.Errorf("back on SOAP: listed %v, row %v, unsaved %v, template %q", c.template.listed, h.costCentreShown(), u.dirty(), c.template.entry.Text)
	}

	// Without a complete login nothing is asked and everything is typed.
	calls := len(h.fake.called("SettingChoices"))
	u.savedCreds = secrets.Credentials{}
	u.tabs.SelectIndex(tabLog)
	u.tabs.SelectIndex(tabExport)
	h.settle()
	if c.ledger.listed || len(h.fake.called("SettingChoices")) != calls || c.ledger.entry.Text != "8010" {
		t.Errorf("no login: ledger listed %v, %d calls, %q", c.ledger.listed, len(h.fake.called("SettingChoices"))-calls, c.ledger.entry.Text)
	}
}

// TestPickersOverTheRESTSandbox: the real Backend reads the demo
// administration's lists from the REST sandbox; a pick saves the template
// name, the ledger code and the cost centre in the store, and an unknown
// cost centre is refused by the real check.
func TestPickersOverTheRESTSandbox(t *testing.T) {
	h := newHarness(t, harnessOptions{settings: invoicesOn})
	creds := h.demoCredentials()
	creds.EBoekhoudenAPIToken = ebrest.DemoAPIToken
	if err := h.vault.Save(creds); err != nil {
		t.Fatal(err)
	}
	u, c := h.u, h.u.settings.choices
	u.savedCreds = creds // as after Inloggen
	u.tabs.SelectIndex(tabExport)
	h.pump("the lists", func() bool { return c.template.listed || c.retry.Visible() })
	if !c.template.listed {
		t.Fatalf("the lists did not load: %q", c.note.Text)
	}
	if got := c.template.sel.Options; !slices.Equal(got, []string{"Standaard", "Factuur met logo", "Test"}) {
		t.Errorf("templates %q", got)
	}
	if got := c.ledger.sel.Options; !slices.Equal(got, []string{"8000 Omzet materialen", "8010 Omzet arbeid", "8020 Omzet diversen"}) {
		t.Errorf("ledgers %q", got)
	}
	// The real check refuses a cost centre the administration lacks.
	err := h.parts.SaveSettings(context.Background(), map[string]string{store.KeyCostCentre: "9999", store.KeyPaymentTermDays: "7"})
	var se *store.SettingError
	if !errors.As(err, &se) || se.Rule != store.RuleCostCentreUnknown {
		t.Errorf("unknown cost centre: %v", err)
	}
	if set := h.savedSettings(); set.CostCentreID != 0 || set.PaymentTermDays == 7 {
		t.Errorf("a refused save changed the store: %+v", set)
	}
	c.template.sel.SetSelected("Factuur met logo")
	c.ledger.sel.SetSelected("8020 Omzet diversen")
	c.costCentre.sel.SetSelected("Service en onderhoud")
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") || h.topDialogText() != "" })
	set := h.savedSettings()
	if set.Template != "Factuur met logo" || set.DefaultLedger != "8020" || set.CostCentreID != ebrest.CostCenterOnderhoud || set.CostCentre != "Service en onderhoud" {
		t.Fatalf("saved %+v (%s)", set, h.topDialogText())
	}
	assertNoSecretsIn(t, h.dir, append(h.secrets(), ebrest.DemoAPIToken))
}
