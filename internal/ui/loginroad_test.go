package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
)

// chooseRoad taps the road's radio option as a user does.
func chooseRoad(h *harness, key string) {
	h.t.Helper()
	h.u.login.road.SetSelected(tr(key))
	h.settle()
}

// soapShown and tokenShown report whether the rows of the three codes
// (each of them) and of the API token are shown.
func soapShown(f *loginForm) bool {
	for _, o := range f.soapRows {
		if !o.Visible() {
			return false
		}
	}
	return true
}

func tokenShown(f *loginForm) bool { return f.restRows[0].Visible() && f.restRows[1].Visible() }

// submitLogin taps Submit and waits for its answer.
func submitLogin(h *harness) {
	h.t.Helper()
	test.Tap(h.u.login.submit)
	h.pump("the login check", func() bool { return !h.u.login.submit.Disabled() && h.u.login.result.Text != tr("login.checking") })
}

// TestLoginOnTheTokenRoad: the form opens on the road of the kept
// credentials with the three codes as they were; choosing the token shows
// its field and where to make a token instead of the codes; an empty token
// is named before anything is sent; an accepted one is kept beside the
// codes (nothing the user did not remove is lost) and shows masked after a
// reload; going back to the codes says that Submit removes the token, and
// does.
func TestLoginOnTheTokenRoad(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true})
	u, f := h.u, h.u.login
	u.tabs.SelectIndex(tabLogin)
	if f.rest() || !soapShown(f) || tokenShown(f) || f.username.Text != fakeCredentials.EBoekhoudenUsername {
		t.Fatalf("SOAP credentials: rest %v, username shown %v %q, token shown %v", f.rest(), soapShown(f), f.username.Text, tokenShown(f))
	}
	if f.where.Text != tr("login.eboekhouden.where") {
		t.Errorf("where on the SOAP road: %q", f.where.Text)
	}

	chooseRoad(h, "login.road.rest")
	if !f.rest() || soapShown(f) || !tokenShown(f) {
		t.Fatalf("token road: codes shown %v, token shown %v", soapShown(f), tokenShown(f))
	}
	for _, path := range []string{"Beheer > Inrichting > Koppelingen > e-Boekhouden API", "Beheer > Instellingen > API/SOAP"} {
		if !strings.Contains(f.where.Text, path) {
			t.Errorf("where on the token road does not name %q: %q", path, f.where.Text)
		}
	}
	submitLogin(h)
	if want := "e-Boekhouden: vul de API-token in."; f.result.Text != want || f.apiTokenErr.Text != want || !f.apiTokenErr.Visible() {
		t.Fatalf("empty token: result %q, under the field %q", f.result.Text, f.apiTokenErr.Text)
	}
	if calls := h.fake.called("CheckLogin"); len(calls) != 0 {
		t.Errorf("an empty token was sent to be checked: %v", calls)
	}
	h.closeDialogs()

	typeInto(f.apiToken, "  api-token-of-the-administration ")
	if !f.pending.Visible() || f.pending.Text != tr("login.pending") {
		t.Errorf("typed token: pending %v %q", f.pending.Visible(), f.pending.Text)
	}
	submitLogin(h)
	if f.result.Text != "Gelukt - Je bent ingelogd!" {
		t.Fatalf("accepted token says %q", f.result.Text)
	}
	h.closeDialogs()
	want := fakeCredentials
	want.EBoekhoudenAPIToken = "api-token-of-the-administration"
	if got := h.fake.savedCredentials(); got != want {
		t.Fatalf("kept %v, want the token beside the three codes", got)
	}

	// Ctrl+1 (or a click on the tab) puts the cursor in the chosen road's
	// first field, never in a hidden one.
	u.tabs.SelectIndex(tabImport)
	u.tabs.SelectIndex(tabLogin)
	if u.win.Canvas().Focused() != f.apiToken {
		t.Errorf("the Inloggen tab on the token's road focuses %v", u.win.Canvas().Focused())
	}

	// A reload (a restart) opens on the token's road, the token masked.
	f.show(secrets.Credentials{})
	if err := u.loadAll(); err != nil {
		t.Fatal(err)
	}
	if !f.rest() || !f.apiToken.Password || f.apiToken.Text != want.EBoekhoudenAPIToken || f.pending.Visible() {
		t.Errorf("after a reload: rest %v, masked %v, pending %v", f.rest(), f.apiToken.Password, f.pending.Visible())
	}

	// Back to the codes: the form says what Submit removes, and it does;
	// the answer of the token's Submit goes.
	f.showResult(tr("login.ok.line"), false)
	chooseRoad(h, "login.road.soap")
	if f.result.Visible() {
		t.Errorf("the token's answer stays on the codes' road: %q", f.result.Text)
	}
	if !soapShown(f) || tokenShown(f) || f.username.Text != fakeCredentials.EBoekhoudenUsername {
		t.Fatalf("back on the SOAP road: codes shown %v %q", soapShown(f), f.username.Text)
	}
	if !f.pending.Visible() || f.pending.Text != "Kies Submit om deze gegevens te controleren en te bewaren; het bewaarde API-token wordt dan verwijderd." {
		t.Errorf("leaving the token's road: pending %v %q", f.pending.Visible(), f.pending.Text)
	}
	// Choosing the token again before Submit brings it back: nothing is lost.
	chooseRoad(h, "login.road.rest")
	if f.apiToken.Text != want.EBoekhoudenAPIToken || f.pending.Visible() {
		t.Errorf("the token's road again: token kept %v, pending %v", f.apiToken.Text == want.EBoekhoudenAPIToken, f.pending.Visible())
	}
	chooseRoad(h, "login.road.soap")
	submitLogin(h)
	h.closeDialogs()
	if got := h.fake.savedCredentials(); got != fakeCredentials {
		t.Errorf("after Submit on the SOAP road: kept %v, want the three codes without a token", got)
	}
	if f.pending.Visible() {
		t.Errorf("pending after Submit: %q", f.pending.Text)
	}
}

// TestRefusedTokenIsNamedAtItsField: a refused (unknown, revoked or
// expired) token is said with where to make a new one, under the token's
// field, which gets the focus; nothing is kept. In English too.
func TestRefusedTokenIsNamedAtItsField(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"nl_NL.UTF-8", "e-Boekhouden weigert het API-token: het is onbekend, ingetrokken of verlopen. Maak een nieuw token in e-Boekhouden.nl via " +
			"Beheer > Inrichting > Koppelingen > e-Boekhouden API (in sommige documenten: Beheer > Instellingen > API/SOAP) en vul het hier in."},
		{"en_US.UTF-8", "e-Boekhouden refuses the API token: it is unknown, revoked or expired. Make a new token in e-Boekhouden.nl under " +
			"Beheer > Inrichting > Koppelingen > e-Boekhouden API (some documents say Beheer > Instellingen > API/SOAP) and fill it in here."},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			h := newFakeHarness(t, harnessOptions{loggedIn: true})
			u, f := h.u, h.u.login
			u.tabs.SelectIndex(tabLogin)
			h.fake.mu.Lock()
			h.fake.login = func(c secrets.Credentials) *report.LoginProblem {
				if !c.EBoekhoudenREST() {
					return nil
				}
				return &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemRefused, Field: report.FieldAPIToken, Detail: "API_SESSION_004"}
			}
			h.fake.mu.Unlock()
			chooseRoad(h, "login.road.rest")
			typeInto(f.apiToken, "expired-token")
			u.win.Canvas().Unfocus()
			submitLogin(h)
			if f.result.Text != c.want || f.apiTokenErr.Text != c.want || !f.apiTokenErr.Visible() {
				t.Errorf("refused token: result %q, under the field %q", f.result.Text, f.apiTokenErr.Text)
			}
			if got := h.topDialogText(); !strings.Contains(got, c.want) {
				t.Errorf("dialog: %q", got)
			}
			h.closeDialogs()
			if u.win.Canvas().Focused() != f.apiToken {
				t.Errorf("focus on %v, want the token's field", u.win.Canvas().Focused())
			}
			if got := h.fake.savedCredentials(); got != fakeCredentials {
				t.Errorf("a refused token was kept: %v", got)
			}
		})
	}
}

// TestDemoOffersItsToken: in the demo the login form shows the REST
// sandbox's token under the token's field and fills it in when the
// token's road is chosen, so that the demo can be tried on either road.
func TestDemoOffersItsToken(t *testing.T) {
	opts := demoOptions
	opts.DemoAPIToken = ebrest.DemoAPIToken
	opts.DemoEBoekhoudenRESTState = "http://127.0.0.1:3/_sandbox/stand"
	h := newFakeHarness(t, harnessOptions{loggedIn: true, opts: opts})
	f := h.u.login
	if f.apiToken.Text != "" {
		t.Fatalf("token before the road is chosen: %q", f.apiToken.Text)
	}
	chooseRoad(h, "login.road.rest")
	if f.apiToken.Text != ebrest.DemoAPIToken {
		t.Errorf("the demo's token is not filled in: %q", f.apiToken.Text)
	}
	if !strings.Contains(strings.Join(texts(f.tab), "\n"), "Demo: de sandbox accepteert het API-token "+ebrest.DemoAPIToken) {
		t.Errorf("the demo's token is not shown")
	}
	if got := h.u.demoBooksLink.URL.String(); got != opts.DemoEBoekhoudenState {
		t.Errorf("before the token login the e-Boekhouden link shows %s, want the SOAP sandbox's %s", got, opts.DemoEBoekhoudenState)
	}
	submitLogin(h)
	if f.result.Text != "Gelukt - Je bent ingelogd!" || h.fake.savedCredentials().EBoekhoudenAPIToken != ebrest.DemoAPIToken {
		t.Errorf("demo token: %q, kept %v", f.result.Text, h.fake.savedCredentials())
	}
	// The banner's e-Boekhouden link now shows the sandbox the runs write to.
	if got := h.u.demoBooksLink.URL.String(); got != opts.DemoEBoekhoudenRESTState {
		t.Errorf("after the token login the e-Boekhouden link shows %s, want the REST sandbox's %s", got, opts.DemoEBoekhoudenRESTState)
	}
}

// TestTokenLoginAgainstTheRESTSandbox submits the demo token through the
// real Backend to the REST sandbox: "Gelukt - Je bent ingelogd!", a REST
// session and no SOAP call, the token in the OS keychain; then a token the
// sandbox does not know is refused at its field.
func TestTokenLoginAgainstTheRESTSandbox(t *testing.T) {
	h := newHarness(t, harnessOptions{loggedIn: true})
	f := h.u.login
	h.sb.EBoekhouden.Requests().Clear()
	chooseRoad(h, "login.road.rest")
	typeInto(f.apiToken, ebrest.DemoAPIToken)
	submitLogin(h)
	if f.result.Text != "Gelukt - Je bent ingelogd!" {
		t.Fatalf("demo token against the REST sandbox: %q", f.result.Text)
	}
	h.closeDialogs()
	if n := h.sb.EBoekhoudenREST.Requests().Count("POST /v1/session"); n != 1 {
		t.Errorf("%d REST sessions, want 1", n)
	}
	if n := len(h.sb.EBoekhouden.Requests().All()); n != 0 {
		t.Errorf("%d SOAP requests on the token's road", n)
	}
	want := h.demoCredentials()
	want.EBoekhoudenAPIToken = ebrest.DemoAPIToken
	if kept, src, err := h.vault.Load(); err != nil || !src.Keychain || kept != want {
		t.Fatalf("keychain: %v (from the keychain %v, %v)", kept, src.Keychain, err)
	}

	typeInto(f.apiToken, "not-a-token-of-this-administration")
	submitLogin(h)
	if !strings.HasPrefix(f.result.Text, "e-Boekhouden weigert het API-token") || f.apiTokenErr.Text != f.result.Text {
		t.Errorf("unknown token: %q / %q", f.result.Text, f.apiTokenErr.Text)
	}
	for _, s := range append(h.secrets(), "not-a-token-of-this-administration", ebrest.DemoAPIToken) {
		if strings.Contains(f.result.Text+h.topDialogText(), s) {
			t.Fatal("a secret is shown")
		}
	}
	h.closeDialogs()
	if kept, _, _ := h.vault.Load(); kept != want {
		t.Errorf("a refused token changed the keychain")
	}
}

// TestTokenRoadFitsAtTheDefaultSize: the demo's Inloggen tab on the
// token's road, with the demo token's line and the word that Submit has
// yet to keep it, needs no scrolling, in Dutch and English.
func TestTokenRoadFitsAtTheDefaultSize(t *testing.T) {
	for _, lang := range []string{"nl_NL.UTF-8", "en_US.UTF-8"} {
		t.Run(lang, func(t *testing.T) {
			t.Setenv("LANG", lang)
			opts := demoOptions
			opts.DemoAPIToken = ebrest.DemoAPIToken
			h := newFakeHarness(t, harnessOptions{loggedIn: true, opts: opts})
			u := h.u
			u.tabs.SelectIndex(tabLogin)
			chooseRoad(h, "login.road.rest")
			u.relayout()
			if !u.login.pending.Visible() {
				t.Fatal("no word that Submit keeps the token")
			}
			assertFits(t, u.tabs.Items[tabLogin])
			assertInView(t, u, u.login.submit, u.tabs.Items[tabLogin].Content)
			if min := u.win.Content().MinSize(); min.Width > defaultWindowSize.Width || min.Height > defaultWindowSize.Height {
				t.Errorf("the window needs %v, more than its default size", min)
			}
		})
	}
}
