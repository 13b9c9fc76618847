package eboekhouden

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// GetAdministratiesResponse mirrors the WSDL's answer.
type GetAdministratiesResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap GetAdministratiesResponse"`
	Result  struct {
		ErrorMsg       cError `xml:"ErrorMsg"`
		Administraties []struct {
			Bedrijf       string `xml:"Bedrijf"`
			Plaats        string `xml:"Plaats"`
			Guid          string `xml:"Guid"`
			StartBoekjaar string `xml:"StartBoekjaar"`
		} `xml:"Administraties>cAdministratie"`
	} `xml:"GetAdministratiesResult"`
}

// OpenSessionSubResponse mirrors the WSDL's answer.
type OpenSessionSubResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap OpenSessionSubResponse"`
	Result  struct {
		ErrorMsg  cError `xml:"ErrorMsg"`
		SessionID string `xml:"SessionID"`
	} `xml:"OpenSessionSubResult"`
}

const linkedGUID = "7D1C0F2A-5B3E-4C8D-9A61-2E4F6B8C0D13"

// withLinked links one administration: a copy of the demo administration
// without its invoice history, so that both hold relation 1002.
func withLinked(o *Options) {
	ds := demodata.Default().EBoekhouden
	ds.Administration = "Loodgietersbedrijf Jansen"
	ds.Invoices = nil
	o.Linked = append(o.Linked, LinkedAdministration{
		GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle", StartBoekjaar: "2019", Dataset: ds,
	})
}

func (e *env) openSub(guid string) OpenSessionSubResponse {
	e.t.Helper()
	var r OpenSessionSubResponse
	e.call("OpenSessionSub", "<Username>"+demoUser+"</Username><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>"+demoCode2+
		"</SecurityCode2><Source>test</Source><AdministratieGUID>"+guid+"</AdministratieGUID>", &r)
	return r
}

func TestGetAdministratiesListsLinkedOnes(t *testing.T) {
	e := newEnv(t, withLinked)
	var r GetAdministratiesResponse
	e.call("GetAdministraties", auth(e.open()), &r)
	requireCode(t, r.Result.ErrorMsg, "")
	if len(r.Result.Administraties) != 1 {
		t.Fatalf("administrations %+v, want the one linked", r.Result.Administraties)
	}
	a := r.Result.Administraties[0]
	if a.Bedrijf != "Loodgietersbedrijf Jansen" || a.Plaats != "Zwolle" || a.Guid != linkedGUID || a.StartBoekjaar != "2019" {
		t.Errorf("administration %+v", a)
	}
	// A session on the linked administration lists the same.
	sub := e.openSub(strings.ToLower(linkedGUID))
	requireCode(t, sub.Result.ErrorMsg, "")
	e.call("GetAdministraties", auth(sub.Result.SessionID), &r)
	if len(r.Result.Administraties) != 1 || r.Result.Administraties[0].Guid != linkedGUID {
		t.Errorf("from the linked session: %+v", r.Result.Administraties)
	}
}

func TestGetAdministratiesWithoutLinkedOnesIsEmpty(t *testing.T) {
	e := newEnv(t)
	var r GetAdministratiesResponse
	e.call("GetAdministraties", auth(e.open()), &r)
	requireCode(t, r.Result.ErrorMsg, "")
	if len(r.Result.Administraties) != 0 {
		t.Fatalf("administrations %+v, want none", r.Result.Administraties)
	}
	// Without a session it is refused like every other call.
	e.call("GetAdministraties", auth("no-such-session"), &r)
	requireCode(t, r.Result.ErrorMsg, CodeSessionInvalid)
}

func TestOpenSessionSubRefusals(t *testing.T) {
	e := newEnv(t, withLinked)
	r := e.openSub("00000000-0000-0000-0000-000000000000")
	requireCode(t, r.Result.ErrorMsg, CodeAdministrationUnknown)
	if r.Result.SessionID != "" {
		t.Errorf("refused session has id %q", r.Result.SessionID)
	}
	var bad OpenSessionSubResponse
	e.call("OpenSessionSub", "<Username>"+demoUser+"</Username><SecurityCode1>00000000000000000000000000000000</SecurityCode1><SecurityCode2>"+demoCode2+
		"</SecurityCode2><AdministratieGUID>"+linkedGUID+"</AdministratieGUID>", &bad)
	requireCode(t, bad.Result.ErrorMsg, CodeLoginFailed)
}

func TestLinkedSessionSeesOnlyItsAdministration(t *testing.T) {
	e := newEnv(t, withLinked)
	own := e.open()
	sub := e.openSub(linkedGUID).Result.SessionID
	ownBefore := len(e.s.State().Invoices)

	r := e.addFactuur(sub, validFactuur())
	requireCode(t, r.Result.ErrorMsg, "")
	nr := *r.Result.Factuurnummer
	linked, ok := e.s.LinkedState(linkedGUID)
	if !ok || len(linked.Invoices) != 1 || linked.Invoices[0].Factuurnummer != nr {
		t.Fatalf("linked invoices %+v, want %s", linked.Invoices, nr)
	}
	if got := len(e.s.State().Invoices); got != ownBefore {
		t.Errorf("own administration has %d invoices, had %d", got, ownBefore)
	}
	got := e.getFacturen(sub, "", "", "1980-01-01T00:00:00", "2049-12-31T00:00:00")
	if len(got) != 1 {
		t.Fatalf("linked session sees %d invoices, want 1", len(got))
	}
	// Its PDF link names the administration and opens there, not in the
	// account's own one.
	if !strings.Contains(got[0].URLPDFBestand, "&a="+strings.ToLower(linkedGUID)) {
		t.Errorf("PDF link %q does not name the administration", got[0].URLPDFBestand)
	}
	for link, want := range map[string]int{
		got[0].URLPDFBestand: http.StatusOK,
		strings.Replace(got[0].URLPDFBestand, strings.ToLower(linkedGUID), "00000000-0000-0000-0000-000000000000", 1): http.StatusNotFound,
	} {
		resp, err := e.srv.Client().Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: HTTP %d, want %d", link, resp.StatusCode, want)
		}
	}

	var add AddRelatieResponse
	e.call("AddRelatie", auth(sub)+relatieXML(0, "JANS01", "Klant van Jansen", ""), &add)
	requireCode(t, add.Result.ErrorMsg, "")
	if got := e.getRelaties(own, "", "JANS01", 0); len(got) != 0 {
		t.Errorf("own session sees the linked relation: %+v", got)
	}
	if got := e.getRelaties(sub, "", "JANS01", 0); len(got) != 1 {
		t.Errorf("linked session sees %d relations JANS01, want 1", len(got))
	}

	e.s.Reset()
	linked, _ = e.s.LinkedState(linkedGUID)
	if len(linked.Invoices) != 0 {
		t.Errorf("after Reset the linked administration has %d invoices", len(linked.Invoices))
	}
}
