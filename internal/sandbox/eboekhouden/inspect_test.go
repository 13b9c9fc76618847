package eboekhouden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// get fetches a path of the test server.
func (e *env) get(path string) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := e.srv.Client().Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.record(b)
	return resp.StatusCode, resp.Header, b
}

func (e *env) do(method, path, body string) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeWSDL(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/soap.asmx?wsdl", "/soap.asmx?WSDL", "/SOAP.asmx?Wsdl"} {
		status, hdr, body := e.get(path)
		if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/xml") {
			t.Fatalf("%s: HTTP %d %s", path, status, hdr.Get("Content-Type"))
		}
		loc := `location="` + e.srv.URL + `/soap.asmx"`
		if !bytes.Contains(body, []byte(`<soap:address `+loc)) || !bytes.Contains(body, []byte(`<soap12:address `+loc)) {
			t.Errorf("%s: addresses not rewritten to %s", path, loc)
		}
		restored := bytes.ReplaceAll(body, []byte(e.srv.URL+"/soap.asmx"), []byte("http://soap.e-boekhouden.nl/soap.asmx"))
		if !bytes.Equal(restored, wsdlBytes) {
			t.Errorf("%s: the served WSDL differs from the embedded one beyond the addresses", path)
		}
		if _, err := parseSchema(body); err != nil {
			t.Errorf("%s: served WSDL does not parse: %v", path, err)
		}
	}
}

func TestRoutes(t *testing.T) {
	e := newEnv(t)
	status, _, body := e.get("/soap.asmx")
	if status != http.StatusOK || !bytes.Contains(body, []byte("AddFactuur")) || !regexp.MustCompile(`GetMutaties +not implemented`).Match(body) {
		t.Errorf("help page: HTTP %d\n%s", status, body)
	}
	if got := e.do(http.MethodPut, "/soap.asmx", ""); got != http.StatusMethodNotAllowed {
		t.Errorf("PUT /soap.asmx: %d", got)
	}
	if got := e.do(http.MethodPost, "/other.asmx", ""); got != http.StatusNotFound {
		t.Errorf("POST /other.asmx: %d", got)
	}
	e.get("/soap.asmx?WSDL")
	e.get(inspect.Prefix + "state") // the inspection API itself is not logged
	var got []string
	for _, r := range e.s.Requests().All() {
		got = append(got, fmt.Sprintf("%s %d %s", r.Op, r.Status, r.Result))
	}
	want := "GET /soap.asmx 200 ok|PUT /soap.asmx 405 Method Not Allowed|POST /other.asmx 404 Not Found|GET /soap.asmx?wsdl 200 ok"
	if strings.Join(got, "|") != want {
		t.Errorf("log:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

func TestInspectionAPI(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.addFactuur(sid, validFactuur())

	status, _, body := e.get(inspect.Prefix + "state")
	var st State
	if err := json.Unmarshal(body, &st); status != http.StatusOK || err != nil {
		t.Fatalf("state: HTTP %d, %v", status, err)
	}
	if len(st.Relations) != 37 || len(st.Articles) != 28 || len(st.Invoices) != 5 || st.Sessions != 1 || len(st.OpenItems) != 4 {
		t.Errorf("state: %d relations, %d articles, %d invoices, %d sessions, %d open items",
			len(st.Relations), len(st.Articles), len(st.Invoices), st.Sessions, len(st.OpenItems))
	}
	if inv := st.Invoices[4]; inv.Factuurnummer != "2026005" || inv.TotaalInclBTW != "151.25" || st.NextInvoiceNumbers["2026"] != "2026006" {
		t.Errorf("state invoice %+v, next %v", inv, st.NextInvoiceNumbers)
	}
	if a := st.Articles[0]; a.VerkoopprijsInclBTW != "75.63" || a.BtwPercentage != "0.21" {
		t.Errorf("state article %+v", a)
	}

	// The request log keeps the envelopes with the credentials redacted.
	status, _, body = e.get(inspect.Prefix + "requests")
	var reqs []inspect.Request
	if err := json.Unmarshal(body, &reqs); status != http.StatusOK || err != nil {
		t.Fatalf("requests: HTTP %d, %v", status, err)
	}
	if len(reqs) != 2 || reqs[0].Op != "OpenSession" || reqs[1].Op != "AddFactuur" || reqs[1].Result != "ok" || reqs[1].Status != 200 {
		t.Fatalf("requests: %+v", reqs)
	}
	for _, r := range reqs {
		if strings.Contains(r.Body, sid) || strings.Contains(r.Body, demoCode1) || strings.Contains(r.Body, demoCode2) {
			t.Errorf("credentials in the log: %s", r.Body)
		}
	}
	if !strings.Contains(reqs[0].Body, "<SecurityCode1>REDACTED</SecurityCode1>") || !strings.Contains(reqs[1].Body, "<SessionID>REDACTED</SessionID>") ||
		!strings.Contains(reqs[0].Body, "<Username>"+demoUser+"</Username>") {
		t.Errorf("redacted bodies: %s\n%s", reqs[0].Body, reqs[1].Body)
	}

	// Faults through the API, by operation name.
	if got := e.do(http.MethodPost, inspect.Prefix+"faults", `{"op":"GetOpenPosten","kind":"http500","times":1}`); got != http.StatusNoContent {
		t.Fatalf("POST faults: %d", got)
	}
	status, body = e.soap("GetOpenPosten", auth(sid)+"<OpSoort>Debiteuren</OpSoort>")
	requireFault(t, status, body, faultServer)
	e.openPosten(sid, "Debiteuren")
}

func TestRequestLogOfRefusedAndFailedCalls(t *testing.T) {
	e := newEnv(t)
	// A malformed body still has its credentials redacted.
	e.post("<soap:Envelope><soap:Body><OpenSession><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>"+demoCode2,
		"Content-Type", "text/xml", "SOAPAction", action("OpenSession"))
	// So does a refused login.
	e.call("OpenSession", "<Username>"+demoUser+"</Username><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>wrong</SecurityCode2>", nil)
	reqs := e.s.Requests().All()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	if reqs[0].Status != 500 || reqs[0].Result != "soap:Client fault" || reqs[0].Op != "" {
		t.Errorf("malformed request logged as %+v", reqs[0])
	}
	if reqs[1].Op != "OpenSession" || reqs[1].Result != CodeLoginFailed || reqs[1].Status != 200 {
		t.Errorf("refused login logged as %+v", reqs[1])
	}
	// assertNoSecretsLeaked (cleanup) checks the bodies.
}

func TestReset(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.addFactuur(sid, validFactuur())
	e.s.Faults().Add(fault.Rule{Op: "GetRelaties", Kind: fault.HTTP500})
	e.s.Update(func(st *State) { st.Relations[0].Bedrijf = "Gewijzigd" })

	if got := e.do(http.MethodPost, inspect.Prefix+"reset", ""); got != http.StatusNoContent {
		t.Fatalf("POST reset: %d", got)
	}
	st := e.s.State()
	if len(st.Invoices) != 4 || st.Relations[0].Bedrijf != "Bakkerij Van den Berg & Zonen" || st.Sessions != 0 || st.NextInvoiceNumbers["2026"] != "2026005" {
		t.Errorf("after reset: %d invoices, %q, %d sessions", len(st.Invoices), st.Relations[0].Bedrijf, st.Sessions)
	}
	if n := len(e.s.Requests().All()); n != 0 {
		t.Errorf("%d requests logged after reset", n)
	}
	e.expectE0023(auth(sid))
	sid = e.open()
	e.getRelaties(sid, "", "1001", 0) // the fault rule is gone
	// A second reset starts from the same dataset, not from a shared copy.
	e.addFactuur(sid, validFactuur())
	e.s.Reset()
	if n := len(e.s.State().Invoices); n != 4 {
		t.Errorf("second reset left %d invoices", n)
	}
}

func TestStateIsACopy(t *testing.T) {
	ds := demodata.Default().EBoekhouden
	s := New(Options{Dataset: ds, Now: newClock().Now})
	ds.Relations[0].Bedrijf = "changed in the dataset"
	ds.Invoices[0].Regels[0].Aantal = "99"
	st := s.State()
	st.Relations[0].Bedrijf = "changed in a copy"
	st.Invoices[0].Regels[0].Aantal = "98"
	st.NextInvoiceNumbers["2026"] = "x"
	again := s.State()
	if again.Relations[0].Bedrijf != "Bakkerij Van den Berg & Zonen" || again.Invoices[0].Regels[0].Aantal != "4" || again.NextInvoiceNumbers["2026"] != "2026005" {
		t.Error("the server shares memory with its dataset or with State()")
	}
	if _, ok := s.Snapshot().(State); !ok {
		t.Error("Snapshot is not the State")
	}
}

func TestUpdate(t *testing.T) {
	s := New(Options{Dataset: demodata.Default().EBoekhouden, Now: newClock().Now})
	s.Update(func(st *State) {
		st.Articles[0].VerkoopprijsExclBTW = "70"
		st.Articles[0].VerkoopprijsInclBTW = "ignored" // derived
		st.Relations = append([]demodata.Relatie{{ID: 1, AddDatum: "2020-01-01", Code: "A1", Bedrijf: "Eerste", BP: "P"}}, st.Relations...)
	})
	st := s.State()
	if st.Articles[0].VerkoopprijsInclBTW != "84.7" || st.Relations[0].Code != "A1" || st.Relations[1].Code != "1001" {
		t.Errorf("after Update: article %+v, relations %s, %s", st.Articles[0], st.Relations[0].Code, st.Relations[1].Code)
	}
	for name, bad := range map[string]func(st *State){
		"duplicate relation code":  func(st *State) { st.Relations[1].Code = st.Relations[2].Code },
		"amount that is no number": func(st *State) { st.Invoices[0].Voldaan = "veel" },
		"duplicate invoice number": func(st *State) { st.Invoices[1].Factuurnummer = st.Invoices[0].Factuurnummer },
		"date in another format":   func(st *State) { st.Invoices[0].Datum = "14-01-2026" },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Update accepted an inconsistent state")
				}
				if after := s.State(); after.Relations[1].Code != "1001" || after.Invoices[0].Voldaan != "0" || after.Invoices[0].Datum != "2026-01-14" {
					t.Error("a refused Update changed the state")
				}
			}()
			s.Update(bad)
		})
	}
}

func TestNewRefusesAnInconsistentDataset(t *testing.T) {
	ds := demodata.Default().EBoekhouden
	ds.Articles[0].VerkoopprijsExclBTW = "twaalf"
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "twaalf") {
			t.Errorf("New: %v", r)
		}
	}()
	New(Options{Dataset: ds})
}
