package ui

import (
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

const linkedGUID = "5A0E7C61-3B2D-4F8E-A1C9-64D2B0E8F317"

var linkedAdmins = []report.Administration{
	{GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle"},
	{GUID: "9B7E4C2A-0D1F-4E3B-8A6C-5F2D1E0B9C87", Company: "Schilders Bakker", City: "Deventer"},
}

func adminShown(f *loginForm) bool { return f.adminRows[0].Visible() && f.adminRows[1].Visible() }

// TestLoginChoosesTheAdministration: an ordinary account sees no choice; an
// accountant's first Submit keeps nothing and offers the own and the linked
// administrations; the chosen one is checked and kept with the codes, and
// shows again after a reload; a choice e-Boekhouden refuses is named under
// it; the token's road never shows it.
func TestLoginChoosesTheAdministration(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true})
	u, f := h.u, h.u.login
	u.tabs.SelectIndex(tabLogin)
	if adminShown(f) {
		t.Fatal("the choice shows before any linked administration is known")
	}
	// An ordinary account: Submit keeps the codes, no choice appears.
	submitLogin(h)
	if f.result.Text != "Gelukt - Je bent ingelogd!" || adminShown(f) {
		t.Fatalf("ordinary account: %q, choice shown %v", f.result.Text, adminShown(f))
	}
	h.closeDialogs()

	// The account turns out to open linked administrations.
	h.fake.mu.Lock()
	h.fake.admins = linkedAdmins
	h.fake.mu.Unlock()
	saves := len(h.fake.called("SaveCredentials"))
	submitLogin(h)
	if !adminShown(f) || f.result.Text != tr("login.administration.choose") || f.adminErr.Text != tr("login.administration.choose") {
		t.Fatalf("linked administrations found: choice shown %v, result %q", adminShown(f), f.result.Text)
	}
	if n := len(h.fake.called("SaveCredentials")); n != saves {
		t.Fatalf("credentials kept before the administration was chosen")
	}
	want := []string{"Eigen administratie (van dit account)", "Loodgietersbedrijf Jansen, Zwolle", "Schilders Bakker, Deventer"}
	if strings.Join(f.admin.Options, "|") != strings.Join(want, "|") || f.admin.SelectedIndex() != 0 {
		t.Fatalf("options %q, selected %d", f.admin.Options, f.admin.SelectedIndex())
	}
	h.closeDialogs()

	f.admin.SetSelectedIndex(1)
	h.settle()
	if !f.pending.Visible() {
		t.Error("a new choice is not shown as pending")
	}
	submitLogin(h)
	if f.result.Text != "Gelukt - Je bent ingelogd!" {
		t.Fatalf("chosen administration: %q", f.result.Text)
	}
	h.closeDialogs()
	kept := h.fake.savedCredentials()
	if kept.EBoekhoudenAdministration != linkedGUID || kept.EBoekhoudenAdministrationName != "Loodgietersbedrijf Jansen, Zwolle" ||
		kept.EBoekhoudenUsername != fakeCredentials.EBoekhoudenUsername {
		t.Fatalf("kept %v", kept)
	}
	if f.pending.Visible() {
		t.Error("still pending after the choice was kept")
	}

	// A reload (a restart) shows the kept choice without asking anything.
	f.show(secrets.Credentials{})
	if err := u.loadAll(); err != nil {
		t.Fatal(err)
	}
	if !adminShown(f) || f.admin.Selected != "Loodgietersbedrijf Jansen, Zwolle" || f.pending.Visible() {
		t.Fatalf("after a reload: shown %v, selected %q, pending %v", adminShown(f), f.admin.Selected, f.pending.Visible())
	}

	// e-Boekhouden no longer opens it: named under the choice, nothing kept.
	h.fake.mu.Lock()
	h.fake.login = func(c secrets.Credentials) *report.LoginProblem {
		if c.EBoekhoudenAdministration == linkedGUID {
			return &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemRefused, Field: report.FieldAdministration}
		}
		return nil
	}
	h.fake.admins = linkedAdmins[1:]
	h.fake.mu.Unlock()
	saves = len(h.fake.called("SaveCredentials"))
	submitLogin(h)
	if !strings.Contains(f.adminErr.Text, "Kies de administratie opnieuw") || len(h.fake.called("SaveCredentials")) != saves {
		t.Fatalf("refused choice: under the choice %q", f.adminErr.Text)
	}
	if f.admin.SelectedIndex() != -1 || len(f.admin.Options) != 2 {
		t.Fatalf("after a refused choice: options %q, selected %d", f.admin.Options, f.admin.SelectedIndex())
	}
	h.closeDialogs()
	// Submit without a choice asks for one and sends nothing.
	checks := len(h.fake.called("CheckLogin"))
	submitLogin(h)
	if len(h.fake.called("CheckLogin")) != checks || f.result.Text != tr("login.administration.choose") {
		t.Fatalf("no choice: %q, %d checks", f.result.Text, len(h.fake.called("CheckLogin"))-checks)
	}

	// The token's road has no choice: one token per administration.
	chooseRoad(h, "login.road.rest")
	if adminShown(f) || !strings.Contains(f.where.Text, "één administratie") {
		t.Errorf("token road: choice shown %v, where %q", adminShown(f), f.where.Text)
	}
	if c := f.credentials(); c.EBoekhoudenAdministration != "" {
		t.Errorf("token road credentials carry an administration: %v", c)
	}
}
