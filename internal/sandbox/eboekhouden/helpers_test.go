package eboekhouden

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// The demo dataset's credentials (demodata/demo.json).
const (
	demoUser  = "demo-installatie"
	demoCode1 = "2b61ee8e51aa71e4535cc45e9f012431"
	demoCode2 = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox on a loopback HTTP server. It records every response body
// and, at cleanup, checks that no security code ever left the server.
type env struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *fakeClock

	mu        sync.Mutex
	responses [][]byte
}

func newEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	clock := newClock()
	o := Options{Dataset: demodata.Default().EBoekhouden, Now: clock.Now}
	for _, f := range opts {
		f(&o)
	}
	e := &env{t: t, s: New(o), clock: clock}
	e.srv = httptest.NewServer(e.s)
	t.Cleanup(func() {
		e.srv.Close()
		e.assertNoSecretsLeaked()
	})
	return e
}

func (e *env) record(b []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.responses = append(e.responses, b)
}

// assertNoSecretsLeaked checks every response, the request log and the
// inspection state for the security codes.
func (e *env) assertNoSecretsLeaked() {
	e.t.Helper()
	var texts []string
	for _, r := range e.responses {
		texts = append(texts, string(r))
	}
	for _, r := range e.s.Requests().All() {
		texts = append(texts, fmt.Sprintf("%+v", r))
	}
	texts = append(texts, fmt.Sprintf("%+v", e.s.Snapshot()))
	for _, text := range texts {
		for _, secret := range []string{demoCode1, demoCode2} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
				e.t.Errorf("security code %s… leaked into %q", secret[:6], clip(text))
			}
		}
	}
}

// envelope wraps the content of an operation element in a SOAP 1.1 envelope.
func envelope(op, inner string) string {
	return `<?xml version="1.0" encoding="utf-8"?>` +
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<` + op + ` xmlns="http://www.e-boekhouden.nl/soap">` + inner + `</` + op + `>` +
		`</soap:Body></soap:Envelope>`
}

func action(op string) string { return `"http://www.e-boekhouden.nl/soap/` + op + `"` }

// post sends a raw request to /soap.asmx; headers are name, value pairs.
func (e *env) post(body string, headers ...string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+Path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read response: %v", err)
	}
	e.record(b)
	return resp.StatusCode, b
}

// soap sends a well-formed call of op and returns status and body.
func (e *env) soap(op, inner string) (int, []byte) {
	e.t.Helper()
	return e.post(envelope(op, inner), "Content-Type", "text/xml; charset=utf-8", "SOAPAction", action(op))
}

// call sends op, requires HTTP 200 and a response valid against the WSDL
// schema, and decodes it into out.
func (e *env) call(op, inner string, out any) []byte {
	e.t.Helper()
	status, body := e.soap(op, inner)
	if status != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d: %s", op, status, body)
	}
	checkResponse(e.t, op, body)
	if out != nil {
		decodeBody(e.t, body, out)
	}
	return body
}

// open opens a session with the demo credentials.
func (e *env) open() string {
	e.t.Helper()
	var r OpenSessionResponse
	e.call("OpenSession", "<Username>"+demoUser+"</Username><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>"+demoCode2+"</SecurityCode2><Source>test</Source>", &r)
	if r.Result.ErrorMsg.LastErrorCode != "" || r.Result.SessionID == "" {
		e.t.Fatalf("OpenSession: %+v", r.Result)
	}
	return r.Result.SessionID
}

// auth is the SessionID and SecurityCode2 every call starts with.
func auth(sid string) string {
	return "<SessionID>" + sid + "</SessionID><SecurityCode2>" + demoCode2 + "</SecurityCode2>"
}

// decodeBody decodes a SOAP response body into a struct mirroring the WSDL.
// out is zeroed first: encoding/xml leaves fields of empty elements alone, so
// a reused result would keep an earlier error code.
func decodeBody(t *testing.T, body []byte, out any) {
	t.Helper()
	reflect.ValueOf(out).Elem().SetZero()
	env := struct {
		XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
		Body    struct {
			Content any `xml:",any"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}{}
	env.Body.Content = out
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("decode response: %v\n%s", err, body)
	}
}

// checkResponse validates a response body against the WSDL schema: envelope,
// <OpResponse> in the service namespace, and its content in WSDL order.
func checkResponse(t *testing.T, op string, body []byte) {
	t.Helper()
	sc := loadSchema()
	root, err := parseXML(body)
	if err != nil {
		t.Fatalf("%s response is not XML: %v\n%s", op, err, body)
	}
	b, f := envelopeBody(root)
	if f != nil {
		t.Fatalf("%s response envelope: %v", op, f)
	}
	o := sc.ops[op]
	if len(b.children) != 1 || b.children[0].name != (xml.Name{Space: nsTNS, Local: o.output.name}) {
		t.Fatalf("%s response: want one <%s> in the service namespace:\n%s", op, o.output.name, body)
	}
	if err := sc.validate(b.children[0], o.output, "soap:Body"); err != nil {
		t.Fatalf("%s response does not match the WSDL: %v\n%s", op, err, body)
	}
}

// soapFaultBody is a decoded soap:Fault.
type soapFaultBody struct {
	Code   string `xml:"Body>Fault>faultcode"`
	String string `xml:"Body>Fault>faultstring"`
}

func faultOf(t *testing.T, body []byte) soapFaultBody {
	t.Helper()
	var f soapFaultBody
	if err := xml.Unmarshal(body, &f); err != nil || f.Code == "" {
		t.Fatalf("not a SOAP Fault (%v):\n%s", err, body)
	}
	return f
}

// requireFault asserts HTTP 500 with a soap:Fault of code whose faultstring
// contains every want.
func requireFault(t *testing.T, status int, body []byte, code string, want ...string) {
	t.Helper()
	if status != http.StatusInternalServerError {
		t.Fatalf("HTTP %d, want 500:\n%s", status, body)
	}
	f := faultOf(t, body)
	if f.Code != code {
		t.Errorf("faultcode %q, want %q (%s)", f.Code, code, f.String)
	}
	for _, w := range want {
		if !strings.Contains(f.String, w) {
			t.Errorf("faultstring %q does not contain %q", f.String, w)
		}
	}
}

// requireCode asserts a business error result with code.
func requireCode(t *testing.T, got cError, code string) {
	t.Helper()
	if got.LastErrorCode != code {
		t.Fatalf("LastErrorCode %q (%s), want %q", got.LastErrorCode, got.LastErrorDescription, code)
	}
	if code != "" && strings.TrimSpace(got.LastErrorDescription) == "" {
		t.Errorf("%s without a description", code)
	}
}

// Request fragments.

// relatieXML is an oRel with the given ID, code and company and BP B.
func relatieXML(id int64, code, bedrijf string, extra string) string {
	return fmt.Sprintf("<oRel><ID>%d</ID><AddDatum>2026-11-01T00:00:00</AddDatum><Code>%s</Code><Bedrijf>%s</Bedrijf>%s<BP>B</BP><Gb_ID>0</Gb_ID><GeenEmail>0</GeenEmail><NieuwsbriefgroepenCount>0</NieuwsbriefgroepenCount></oRel>", id, code, bedrijf, extra)
}

// line is one cFactuurRegel.
type line struct {
	aantal, eenheid, code, omschrijving, prijs, btw, tegenrekening string
}

func (l line) xml() string {
	var b bytes.Buffer
	b.WriteString("<cFactuurRegel><Aantal>" + l.aantal + "</Aantal>")
	if l.eenheid != "" {
		b.WriteString("<Eenheid>" + l.eenheid + "</Eenheid>")
	}
	if l.code != "" {
		b.WriteString("<Code>" + l.code + "</Code>")
	}
	if l.omschrijving != "" {
		b.WriteString("<Omschrijving>" + l.omschrijving + "</Omschrijving>")
	}
	b.WriteString("<PrijsPerEenheid>" + l.prijs + "</PrijsPerEenheid>")
	if l.btw != "" {
		b.WriteString("<BTWCode>" + l.btw + "</BTWCode>")
	}
	if l.tegenrekening != "" {
		b.WriteString("<TegenrekeningCode>" + l.tegenrekening + "</TegenrekeningCode>")
	}
	b.WriteString("<KostenplaatsID>0</KostenplaatsID></cFactuurRegel>")
	return b.String()
}

// stdLine is a valid line: 2 hours of ARB-MONT at 62.50, 21%.
var stdLine = line{"2", "uur", "ARB-MONT", "Arbeid monteur", "62.50", "HOOG_VERK_21", "8010"}

// factuur describes an oFact.
type factuur struct {
	nummer, relatie, datum, sjabloon string
	boeken                           bool
	regels                           string // the content of <Regels>; "-" leaves <Regels> out
}

func (f factuur) xml() string {
	var b bytes.Buffer
	b.WriteString("<oFact>")
	if f.nummer != "" {
		b.WriteString("<Factuurnummer>" + f.nummer + "</Factuurnummer>")
	}
	if f.relatie != "" {
		b.WriteString("<Relatiecode>" + f.relatie + "</Relatiecode>")
	}
	b.WriteString("<Datum>" + f.datum + "</Datum><Betalingstermijn>14</Betalingstermijn>")
	if f.sjabloon != "" {
		b.WriteString("<Factuursjabloon>" + f.sjabloon + "</Factuursjabloon>")
	}
	b.WriteString("<PerEmailVerzenden>false</PerEmailVerzenden><AutomatischeIncasso>false</AutomatischeIncasso>")
	b.WriteString("<IncassoMachtigingDatumOndertekening>" + f.datum + "</IncassoMachtigingDatumOndertekening><IncassoMachtigingFirst>false</IncassoMachtigingFirst>")
	fmt.Fprintf(&b, "<InBoekhoudingPlaatsen>%t</InBoekhoudingPlaatsen>", f.boeken)
	if f.regels != "-" {
		b.WriteString("<Regels>" + f.regels + "</Regels>")
	}
	b.WriteString("</oFact>")
	return b.String()
}

// validFactuur is a booked invoice for relation 1002 with one standard line.
func validFactuur() factuur {
	return factuur{relatie: "1002", datum: "2026-11-02T00:00:00", sjabloon: "Standaard", boeken: true, regels: stdLine.xml()}
}

// addFactuur sends an invoice and returns the result.
func (e *env) addFactuur(sid string, f factuur) AddFactuurResponse {
	e.t.Helper()
	var r AddFactuurResponse
	e.call("AddFactuur", auth(sid)+f.xml(), &r)
	return r
}

// getFacturen returns the invoices matching a filter.
func (e *env) getFacturen(sid, nummer, relatie, van, tm string) []CFactuurList {
	e.t.Helper()
	var r GetFacturenResponse
	e.call("GetFacturen", auth(sid)+"<cFilter><Factuurnummer>"+nummer+"</Factuurnummer><Relatiecode>"+relatie+"</Relatiecode><DatumVan>"+van+"</DatumVan><DatumTm>"+tm+"</DatumTm></cFilter>", &r)
	requireCode(e.t, r.Result.ErrorMsg, "")
	return r.Result.Facturen
}

// getRelaties returns the relations matching a filter.
func (e *env) getRelaties(sid, trefwoord, code string, id int64) []CRelatie {
	e.t.Helper()
	var r GetRelatiesResponse
	e.call("GetRelaties", auth(sid)+fmt.Sprintf("<cFilter><Trefwoord>%s</Trefwoord><Code>%s</Code><ID>%d</ID></cFilter>", trefwoord, code, id), &r)
	requireCode(e.t, r.Result.ErrorMsg, "")
	return r.Result.Relaties
}

// openPosten returns the open items of a kind.
func (e *env) openPosten(sid, soort string) []COpenPost {
	e.t.Helper()
	var r GetOpenPostenResponse
	e.call("GetOpenPosten", auth(sid)+"<OpSoort>"+soort+"</OpSoort>", &r)
	requireCode(e.t, r.Result.ErrorMsg, "")
	return r.Result.Openposten
}
