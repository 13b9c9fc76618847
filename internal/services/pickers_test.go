package services

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
)

// restDemo is the demo sandbox with the demo credentials on the REST road.
func restDemo(t *testing.T) (*ebrest.Server, secrets.Credentials, Endpoints) {
	t.Helper()
	sb, c, ep := demo(t)
	c.EBoekhoudenAPIToken = ebrest.DemoAPIToken
	return sb.EBoekhoudenREST, c, ep
}

// TestSettingChoicesFromTheSandbox reads the demo administration's lists:
// only active templates, the revenue ledgers (8000-8020, not 7000 Inkoop
// nor 1300 Debiteuren), the active cost centres with their paths.
func TestSettingChoicesFromTheSandbox(t *testing.T) {
	rs, c, ep := restDemo(t)
	rs.Update(func(st *ebrest.State) {
		st.InvoiceTemplates[1].Active = false
		st.CostCenters = append(st.CostCenters,
			ebrest.CostCenter{ID: 2203, Description: "Storingen", ParentID: ebrest.CostCenterOnderhoud, Active: true},
			ebrest.CostCenter{ID: 2204, Description: "Oud", Active: false})
	})
	st := rs.State()
	ch, err := SettingChoices(context.Background(), c, ep)
	if err != nil {
		t.Fatal(err)
	}
	var wantTemplates []string
	for _, tpl := range st.InvoiceTemplates {
		if tpl.Active {
			wantTemplates = append(wantTemplates, tpl.Name)
		}
	}
	if len(wantTemplates) != len(st.InvoiceTemplates)-1 || !reflect.DeepEqual(ch.Templates, wantTemplates) {
		t.Errorf("templates %q, want %q", ch.Templates, wantTemplates)
	}
	wantLedgers := []report.LedgerChoice{{Code: "8000", Description: "Omzet materialen"}, {Code: "8010", Description: "Omzet arbeid"}, {Code: "8020", Description: "Omzet diversen"}}
	if !reflect.DeepEqual(ch.Ledgers, wantLedgers) {
		t.Errorf("ledgers %+v, want %+v", ch.Ledgers, wantLedgers)
	}
	wantCentres := []report.CostCentreChoice{
		{ID: ebrest.CostCenterInstallatie, Description: "Installatie", Path: "Installatie"},
		{ID: ebrest.CostCenterOnderhoud, Description: "Service en onderhoud", Path: "Service en onderhoud"},
		{ID: 2203, Description: "Storingen", Path: "Service en onderhoud > Storingen"},
	}
	if !reflect.DeepEqual(ch.CostCentres, wantCentres) {
		t.Errorf("cost centres %+v, want %+v", ch.CostCentres, wantCentres)
	}
	// Only e-mail templates for invoices are offered (the demo's second is
	// for quotes).
	if want := []report.EmailTemplateChoice{{ID: ebrest.EmailTemplateInvoice, Name: "Factuur standaard"}}; !reflect.DeepEqual(ch.EmailTemplates, want) {
		t.Errorf("e-mail templates %+v, want %+v", ch.EmailTemplates, want)
	}
	for id, want := range map[int64]bool{2203: true, 2204: false, ebrest.CostCenterInstallatie: true, 99: false} {
		if got, err := CostCentreKnown(context.Background(), c, ep, id); err != nil || got != want {
			t.Errorf("CostCentreKnown(%d) = %v, %v; want %v", id, got, err, want)
		}
	}
	if n := rs.State().Sessions; n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}

// TestSettingChoicesRefusals: the SOAP road has no lists; a refused token
// and an unreachable e-Boekhouden are login problems; an unreadable list
// is an error, never a shorter list; no error shows the token.
func TestSettingChoicesRefusals(t *testing.T) {
	_, c, ep := restDemo(t)
	ctx := context.Background()
	soap := c
	soap.EBoekhoudenAPIToken = ""
	if _, err := CostCentreKnown(ctx, soap, ep, 2201); !errors.Is(err, ErrNotREST) {
		t.Errorf("SOAP road: %v, want ErrNotREST", err)
	}
	bad := c
	bad.EBoekhoudenAPIToken = "wrong-token-1234567890"
	_, err := SettingChoices(ctx, bad, ep)
	var p *report.LoginProblem
	if !errors.As(err, &p) || p.Service != report.EBoekhouden || p.Kind != report.ProblemRefused || p.Field != report.FieldToken {
		t.Errorf("wrong token: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), bad.EBoekhoudenAPIToken) {
		t.Errorf("the token is in the error: %v", err)
	}
	down := ep
	down.EBoekhoudenRESTURL = "http://127.0.0.1:1"
	short, cancel := context.WithTimeout(ctx, 3e9)
	defer cancel()
	if _, err := SettingChoices(short, c, down); !errors.As(err, &p) || p.Kind != report.ProblemUnreachable {
		t.Errorf("unreachable: %v", err)
	}

	// A ledger list with a code of the wrong type.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/session":
			if r.Method == http.MethodPost {
				_, _ = io.WriteString(w, `{"token":"sess-abcdefgh","expiresIn":3600}`)
			}
		case "/v1/invoicetemplate":
			_, _ = io.WriteString(w, `{"items":[{"id":1,"name":"Standaard","active":true}],"count":1}`)
		case "/v1/ledger":
			_, _ = io.WriteString(w, `{"items":[{"id":906,"code":"8000","category":"VW"},{"id":907,"code":8010,"category":"VW"}],"count":2}`)
		default:
			_, _ = io.WriteString(w, `{"items":[],"count":0}`)
		}
	}))
	defer srv.Close()
	odd := ep
	odd.EBoekhoudenRESTURL = srv.URL
	ch, err := SettingChoices(ctx, c, odd)
	if !errors.Is(err, rest.ErrUnreadable) || !strings.Contains(err.Error(), "ledgers") || errors.As(err, &p) {
		t.Errorf("unreadable ledgers: %+v, %v", ch, err)
	}
	if _, err := CostCentreKnown(ctx, c, odd, 2201); err == nil {
		t.Error("a cost centre was judged while the lists could not be read")
	}
}

// TestSettingChoicesOnTheSOAPRoad: the SOAP road offers the revenue
// ledgers from GetGrootboekrekeningen, no templates and no cost centres;
// refused security codes are a login problem.
func TestSettingChoicesOnTheSOAPRoad(t *testing.T) {
	sb, c, ep := demo(t)
	ch, err := SettingChoices(context.Background(), c, ep)
	if err != nil {
		t.Fatal(err)
	}
	wantLedgers := []report.LedgerChoice{{Code: "8000", Description: "Omzet materialen"}, {Code: "8010", Description: "Omzet arbeid"}, {Code: "8020", Description: "Omzet diversen"}}
	if !reflect.DeepEqual(ch, report.SettingChoices{Ledgers: wantLedgers}) {
		t.Errorf("SOAP choices %+v", ch)
	}
	if n := sb.EBoekhouden.Requests().Count("GetGrootboekrekeningen"); n != 1 {
		t.Errorf("%d GetGrootboekrekeningen calls", n)
	}
	bad := c
	bad.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
	_, err = SettingChoices(context.Background(), bad, ep)
	var p *report.LoginProblem
	if !errors.As(err, &p) || p.Kind != report.ProblemRefused || p.Field != report.FieldSecurityCodes {
		t.Errorf("refused codes: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), bad.EBoekhoudenSecurityCode2) {
		t.Errorf("a security code is in the error: %v", err)
	}
}

// TestRevenueLedgers: of the profit-and-loss ledgers, those from 8; all of
// them when none starts with 8; never another category.
func TestRevenueLedgers(t *testing.T) {
	ls := []ledgerRow{
		{code: "1300", category: "DEB"}, {code: "4000", description: "Kosten", category: "VW"},
		{code: "8000", description: "Omzet", category: "VW"}, {code: "8100", category: "BAL"},
		{code: "", category: "VW"},
	}
	if got := revenueLedgers(ls); !reflect.DeepEqual(got, []report.LedgerChoice{{Code: "8000", Description: "Omzet"}}) {
		t.Errorf("with 8000: %+v", got)
	}
	ls[2].code = "9000"
	if got := revenueLedgers(ls); !reflect.DeepEqual(got, []report.LedgerChoice{{Code: "4000", Description: "Kosten"}, {Code: "9000", Description: "Omzet"}}) {
		t.Errorf("without 8xxx: %+v", got)
	}
	if got := revenueLedgers(nil); got != nil {
		t.Errorf("none: %+v", got)
	}
}

// TestActiveCostCentresPaths: paths run from the top through inactive
// parents; a loop or a missing parent ends the path.
func TestActiveCostCentresPaths(t *testing.T) {
	got := activeCostCentres([]rest.CostCentre{
		{ID: 1, Description: "A"}, {ID: 2, Description: "B", ParentID: 1, Active: true},
		{ID: 3, Description: "C", ParentID: 2, Active: true}, {ID: 4, Description: "D", ParentID: 5, Active: true},
		{ID: 5, Description: "E", ParentID: 4, Active: true}, {ID: 6, Description: "F", ParentID: 77, Active: true},
	})
	want := []report.CostCentreChoice{{ID: 2, Description: "B", Path: "A > B"}, {ID: 3, Description: "C", Path: "A > B > C"}, {ID: 4, Description: "D", Path: "E > D"}, {ID: 5, Description: "E", Path: "D > E"}, {ID: 6, Description: "F", Path: "F"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
