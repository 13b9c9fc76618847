package eboekhouden

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
)

const testLinkedGUID = "5A0E7C61-3B2D-4F8E-A1C9-64D2B0E8F317"

// withLinkedAdministration links one administration to the sandbox's
// account: the demo administration without its invoice history.
func withLinkedAdministration(o *sbeb.Options) {
	ds := demodata.Default().EBoekhouden
	ds.Administration = "Loodgietersbedrijf Jansen"
	ds.Invoices = nil
	o.Linked = []sbeb.LinkedAdministration{{
		GUID: testLinkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle", StartBoekjaar: "2019", Dataset: ds,
	}}
}

func TestAdministrationsListsTheLinkedOnes(t *testing.T) {
	e := newSandbox(t, withLinkedAdministration, nil)
	got, err := e.client.Administrations(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	want := Administration{Company: "Loodgietersbedrijf Jansen", City: "Zwolle", GUID: testLinkedGUID, FirstBookYear: "2019"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Administrations = %+v, want [%+v]", got, want)
	}
	if n := e.count("OpenSession"); n != 1 {
		t.Errorf("%d OpenSession calls, want 1 (GetAdministraties needs a session)", n)
	}
	assertNoSecrets(t, "log", e.logBuf.String(), e.client)
}

func TestAdministrationsOfAnOrdinaryAccountIsEmpty(t *testing.T) {
	e := newSandbox(t, nil, nil)
	got, err := e.client.Administrations(ctxT(t))
	if err != nil || len(got) != 0 {
		t.Fatalf("Administrations = %+v, %v; want none", got, err)
	}
}

func TestLinkedAdministrationSession(t *testing.T) {
	e := newSandbox(t, func(o *sbeb.Options) {
		withLinkedAdministration(o)
		o.SessionMaxCalls = 2 // the third call meets E0023 and reopens
	}, func(c *Config) { c.Credentials.AdministrationGUID = testLinkedGUID })
	ctx := ctxT(t)
	if err := e.client.CheckLogin(ctx); err != nil {
		t.Fatal(err)
	}
	ownBefore := len(e.srv.State().Invoices)
	var numbers []string
	for range 3 {
		nr, err := e.client.AddInvoice(ctx, demoInvoice())
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, nr)
	}
	linked, _ := e.srv.LinkedState(testLinkedGUID)
	if len(linked.Invoices) != 3 {
		t.Fatalf("linked administration holds %d invoices, want 3 (%v)", len(linked.Invoices), numbers)
	}
	if got := len(e.srv.State().Invoices); got != ownBefore {
		t.Errorf("own administration holds %d invoices, had %d", got, ownBefore)
	}
	if n := e.count("OpenSession"); n != 0 {
		t.Errorf("%d OpenSession calls, want none: every session opens the linked administration", n)
	}
	if n := e.count("OpenSessionSub"); n < 2 {
		t.Errorf("%d OpenSessionSub calls, want the first and the reopen after E0023", n)
	}
	got, err := e.client.Invoices(ctx, InvoiceFilter{Number: numbers[0]})
	if err != nil || len(got) != 1 {
		t.Fatalf("Invoices(%s) on the linked administration = %d, %v", numbers[0], len(got), err)
	}
	assertNoSecrets(t, "log", e.logBuf.String(), e.client)
}

func TestLinkedAdministrationUnknownGUIDIsARefusedLogin(t *testing.T) {
	e := newSandbox(t, withLinkedAdministration, func(c *Config) {
		c.Credentials.AdministrationGUID = "00000000-0000-0000-0000-000000000000"
	})
	err := e.client.CheckLogin(ctxT(t))
	if !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("CheckLogin = %v, want ErrBadCredentials", err)
	}
	var api *APIError
	if !errors.As(err, &api) || api.Op != "OpenSessionSub" || api.Code != sbeb.CodeAdministrationUnknown {
		t.Errorf("error %v, want the OpenSessionSub refusal", err)
	}
	if errors.Is(err, ErrSessionExpired) {
		t.Errorf("%v matches ErrSessionExpired", err)
	}
}

// An answer whose list items were renamed is unreadable, never an empty
// list: the login must not conclude there is nothing to choose.
func TestAdministrationsRenamedItemIsUnreadable(t *testing.T) {
	ok := `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`
	url := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		if strings.Contains(r.Header.Get("SOAPAction"), "OpenSession") {
			_, _ = w.Write([]byte(ok + `<OpenSessionResponse xmlns="http://www.e-boekhouden.nl/soap"><OpenSessionResult><ErrorMsg /><SessionID>s-1</SessionID></OpenSessionResult></OpenSessionResponse></soap:Body></soap:Envelope>`))
			return
		}
		_, _ = w.Write([]byte(ok + `<GetAdministratiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetAdministratiesResult><ErrorMsg /><Administraties><Administratie><Guid>x</Guid></Administratie></Administraties></GetAdministratiesResult></GetAdministratiesResponse></soap:Body></soap:Envelope>`))
	}))
	c, err := New(Config{Endpoint: url, Credentials: Credentials{Username: "u", SecurityCode1: "c1", SecurityCode2: "c2"}, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Administrations(ctxT(t))
	if !errors.Is(err, ErrUnreadable) || got != nil {
		t.Fatalf("Administrations = %+v, %v; want ErrUnreadable", got, err)
	}
}

func TestCredentialsStringShowsTheAdministration(t *testing.T) {
	c := Credentials{Username: "u", SecurityCode1: "secret1", SecurityCode2: "secret2", AdministrationGUID: testLinkedGUID}
	s := c.String()
	if !strings.Contains(s, testLinkedGUID) || strings.Contains(s, "secret") {
		t.Errorf("String = %q", s)
	}
	if got := (Credentials{Username: "u"}).String(); strings.Contains(got, "Administration") {
		t.Errorf("String without a GUID = %q", got)
	}
}
