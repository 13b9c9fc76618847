package eboekhouden

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
)

// TestStrictRequestsOverHTTP sends requests that break one rule each and
// expects HTTP 500, soap:Client and a faultstring naming what is wrong.
func TestStrictRequestsOverHTTP(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	goodFact := auth(sid) + validFactuur().xml()
	good := envelope("AddFactuur", goodFact)
	xmlCT := []string{"Content-Type", "text/xml; charset=utf-8"}
	with := func(action string) []string { return append(append([]string(nil), xmlCT...), "SOAPAction", action) }
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("test edit %q not found", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	cases := []struct {
		name    string
		body    string
		headers []string
		code    string
		want    []string
	}{
		{"wrong SOAPAction", good, with(action("AddRelatie")), faultClient,
			[]string{"SOAPAction", "<AddFactuur>", "http://www.e-boekhouden.nl/soap/AddFactuur"}},
		{"SOAPAction without namespace", good, with("AddFactuur"), faultClient,
			[]string{"SOAPAction", "http://www.e-boekhouden.nl/soap/AddFactuur"}},
		{"missing SOAPAction", good, xmlCT, faultClient,
			[]string{"Missing SOAPAction", "<AddFactuur>"}},
		{"JSON content type", good, []string{"Content-Type", "application/json", "SOAPAction", action("AddFactuur")}, faultClient,
			[]string{"application/json", "text/xml"}},
		{"SOAP 1.2 content type", good, []string{"Content-Type", `application/soap+xml; charset=utf-8; action="http://www.e-boekhouden.nl/soap/AddFactuur"`}, faultClient,
			[]string{"SOAP 1.2", "not supported"}},
		{"latin-1 charset", good, []string{"Content-Type", "text/xml; charset=iso-8859-1", "SOAPAction", action("AddFactuur")}, faultClient,
			[]string{"iso-8859-1"}},
		{"malformed XML", edit("</oFact>", ""), with(action("AddFactuur")), faultClient,
			[]string{"There is an error in XML document"}},
		{"SOAP 1.2 envelope", strings.ReplaceAll(good, "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"), with(action("AddFactuur")), faultClient,
			[]string{"SOAP 1.2 envelope"}},
		{"envelope in a made-up namespace", strings.ReplaceAll(good, "http://schemas.xmlsoap.org/soap/envelope/", "http://example.com/soap"), with(action("AddFactuur")), faultClient,
			[]string{"<Envelope>", "http://example.com/soap"}},
		{"operation without namespace", edit(`<AddFactuur xmlns="http://www.e-boekhouden.nl/soap">`, `<AddFactuur>`), with(action("AddFactuur")), faultClient,
			[]string{"<AddFactuur>", "no namespace"}},
		{"operation in the wrong namespace", edit(`<AddFactuur xmlns="http://www.e-boekhouden.nl/soap">`, `<AddFactuur xmlns="http://www.e-boekhouden.nl/soap/">`), with(action("AddFactuur")), faultClient,
			[]string{"<AddFactuur>", `"http://www.e-boekhouden.nl/soap/"`}},
		{"unknown operation", strings.ReplaceAll(good, "AddFactuur", "AddInvoice"), with(action("AddInvoice")), faultClient,
			[]string{"unknown operation element <AddInvoice>"}},
		{"operation in the wrong case", strings.ReplaceAll(good, "AddFactuur", "addFactuur"), with(action("addFactuur")), faultClient,
			[]string{"<addFactuur>", "did you mean <AddFactuur>?"}},
		{"empty body", envelope("X", "")[:strings.Index(envelope("X", ""), "<X ")] + "</soap:Body></soap:Envelope>", with(action("AddFactuur")), faultClient,
			[]string{"<soap:Body> is empty"}},
		{"two operations", edit("</AddFactuur>", `</AddFactuur><GetOpenPosten xmlns="http://www.e-boekhouden.nl/soap"><OpSoort>Debiteuren</OpSoort></GetOpenPosten>`), with(action("AddFactuur")), faultClient,
			[]string{"second element <GetOpenPosten>"}},
		{"header the server must understand", edit("<soap:Body>", `<soap:Header><Auth xmlns="urn:x" soap:mustUnderstand="1"/></soap:Header><soap:Body>`), with(action("AddFactuur")), faultMustUnderstand,
			[]string{"<Auth>"}},
		{"element out of WSDL order", editable(edit("<Relatiecode>1002</Relatiecode>", "")).replaceFirst("<Betalingstermijn>", "<Relatiecode>1002</Relatiecode><Betalingstermijn>"), with(action("AddFactuur")), faultClient,
			[]string{"<Relatiecode> in <oFact> is out of order", "before <Datum>"}},
		{"Relatiecode before Factuurnummer", edit("<Relatiecode>1002</Relatiecode>", "<Relatiecode>1002</Relatiecode><Factuurnummer>X1</Factuurnummer>"), with(action("AddFactuur")), faultClient,
			[]string{"<Factuurnummer> in <oFact> is out of order", "before <Relatiecode>"}},
		{"line without KostenplaatsID", edit("<KostenplaatsID>0</KostenplaatsID>", ""), with(action("AddFactuur")), faultClient,
			[]string{"<KostenplaatsID>", "<cFactuurRegel>"}},
		{"AddFactuur without InBoekhoudingPlaatsen", edit("<InBoekhoudingPlaatsen>true</InBoekhoudingPlaatsen>", ""), with(action("AddFactuur")), faultClient,
			[]string{"<InBoekhoudingPlaatsen>", "<oFact>"}},
		{"misspelled element", editable(edit("<Factuursjabloon>", "<FactuurSjabloon>")).replaceFirst("</Factuursjabloon>", "</FactuurSjabloon>"), with(action("AddFactuur")), faultClient,
			[]string{"<FactuurSjabloon>", "<oFact>", "<Factuursjabloon>"}},
		{"child in the wrong namespace", edit("<Relatiecode>1002</Relatiecode>", `<Relatiecode xmlns="http://www.e-boekhouden.nl/">1002</Relatiecode>`), with(action("AddFactuur")), faultClient,
			[]string{"<Relatiecode> in <oFact>", "namespace"}},
		{"repeated element", edit("<Relatiecode>1002</Relatiecode>", "<Relatiecode>1002</Relatiecode><Relatiecode>1002</Relatiecode>"), with(action("AddFactuur")), faultClient,
			[]string{"<Relatiecode>", "<oFact>", "more than 1"}},
		{"value of the wrong type", edit("<Betalingstermijn>14</Betalingstermijn>", "<Betalingstermijn>veertien</Betalingstermijn>"), with(action("AddFactuur")), faultClient,
			[]string{"<Betalingstermijn> in <oFact>", "xs:long"}},
		{"enumeration", envelope("GetOpenPosten", auth(sid)+"<OpSoort>Alle</OpSoort>"), with(action("GetOpenPosten")), faultClient,
			[]string{"<OpSoort> in <GetOpenPosten>", "enOpenpostenSoort"}},
		{"too large", good + "<!--" + strings.Repeat("x", MaxRequestBody) + "-->", with(action("AddFactuur")), faultClient,
			[]string{"larger than"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := e.post(c.body, c.headers...)
			requireFault(t, status, body, c.code, c.want...)
		})
	}
	if n := len(e.s.State().Invoices); n != 4 {
		t.Errorf("a rejected request changed the state: %d invoices", n)
	}
	for _, r := range e.s.Requests().All() {
		if r.Op == "AddFactuur" && r.Status == http.StatusInternalServerError && r.Result != "soap:Client fault" && r.Result != "soap:MustUnderstand fault" {
			t.Errorf("logged result %q for a rejected request", r.Result)
		}
	}
}

// replaceFirst lets the table edit a string twice.
type editable string

func (s editable) replaceFirst(old, new string) string {
	return strings.Replace(string(s), old, new, 1)
}

func TestLenientWhereTheServiceIs(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	inner := auth(sid) + "<OpSoort>Debiteuren</OpSoort>"
	cases := map[string]struct {
		body    string
		headers []string
	}{
		"unquoted SOAPAction": {envelope("GetOpenPosten", inner), []string{"Content-Type", "text/xml", "SOAPAction", "http://www.e-boekhouden.nl/soap/GetOpenPosten"}},
		"prefixed elements": {`<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ebh="http://www.e-boekhouden.nl/soap"><s:Header/><s:Body><ebh:GetOpenPosten>` +
			"<ebh:SessionID>" + sid + "</ebh:SessionID><ebh:SecurityCode2>" + demoCode2 + "</ebh:SecurityCode2><ebh:OpSoort>Debiteuren</ebh:OpSoort></ebh:GetOpenPosten></s:Body></s:Envelope>",
			[]string{"Content-Type", "text/xml; charset=UTF-8", "SOAPAction", action("GetOpenPosten")}},
		"header without mustUnderstand": {strings.Replace(envelope("GetOpenPosten", inner), "<soap:Body>", `<soap:Header><Trace xmlns="urn:x">1</Trace></soap:Header><soap:Body>`, 1),
			[]string{"Content-Type", "text/xml", "SOAPAction", action("GetOpenPosten")}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			status, body := e.post(c.body, c.headers...)
			if status != http.StatusOK {
				t.Fatalf("HTTP %d: %s", status, body)
			}
			checkResponse(t, "GetOpenPosten", body)
		})
	}
}

func TestNotImplementedOperations(t *testing.T) {
	e := newEnv(t)
	var notImplemented []string
	for _, name := range e.s.schema.opNames {
		if _, ok := handlers[name]; !ok && name != "OpenSession" && name != "OpenSessionSub" && name != "CloseSession" {
			notImplemented = append(notImplemented, name)
		}
	}
	if got := strings.Join(notImplemented, ","); got != "AddGrootboekrekening,AddMutatie,AutoLogin,GetKostenplaatsen,GetMutaties,GetSaldi,GetSaldo,UpdateGrootboekrekening" {
		t.Fatalf("not implemented: %s", got)
	}
	for _, op := range notImplemented {
		status, body := e.soap(op, "")
		requireFault(t, status, body, faultServer, "not implemented in the sandbox: "+op)
	}
	// An invalid request to an unimplemented operation is still refused as
	// the client's fault.
	status, body := e.soap("GetSaldi", "<cFilter><KostenplaatsID>0</KostenplaatsID></cFilter>")
	requireFault(t, status, body, faultClient, "<KostenplaatsID>", "<KostenPlaatsId>")
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"<SecurityCode1>abc</SecurityCode1>":                               "<SecurityCode1>REDACTED</SecurityCode1>",
		`<e:SecurityCode2 a="1">abc</e:SecurityCode2>`:                     `<e:SecurityCode2 a="1">REDACTED</e:SecurityCode2>`,
		"<SessionID><![CDATA[a</b]]></SessionID><Code>K1</Code>":           "<SessionID>REDACTED</SessionID><Code>K1</Code>",
		"<SessionID/><SecurityCode2>abc</SecurityCode2>":                   "<SessionID/><SecurityCode2>REDACTED</SecurityCode2>",
		"<SessionID /><Code>K1</Code>":                                     "<SessionID /><Code>K1</Code>",
		"<Username>u</Username><SecurityCode1>abc":                         "<Username>u</Username><SecurityCode1>REDACTED",
		"<SecurityCode1>\n abc \n</SecurityCode1 >":                        "<SecurityCode1>REDACTED</SecurityCode1 >",
		"<SecurityCode1>a</SecurityCode1><SecurityCode2>b</SecurityCode2>": "<SecurityCode1>REDACTED</SecurityCode1><SecurityCode2>REDACTED</SecurityCode2>",
	}
	for in, want := range cases {
		if got := redact([]byte(in)); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestXMLWriterTextMatchesEscapeText checks the writer's quick paths
// against xml.EscapeText.
func TestXMLWriterTextMatchesEscapeText(t *testing.T) {
	texts := []string{"", "plain", "Brasserie 't Pleintje < & >", `"quoted"`, "tab\tnew\nline\r", "é ü 漢字", "bad \xff utf-8", "\uFFFD", "\x7f\x1b"}
	for c := range 0x80 {
		texts = append(texts, "a"+string(rune(c))+"b")
	}
	for _, text := range texts {
		var w xmlWriter
		w.text(text)
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(text)); err != nil {
			t.Fatal(err)
		}
		if string(w.bytes()) != want.String() {
			t.Errorf("text(%q) = %q, want %q", text, w.bytes(), want.String())
		}
		w = xmlWriter{}
		w.date("D", text)
		if got, wantDate := string(w.bytes()), "<D>"+want.String()+"T00:00:00</D>"; got != wantDate {
			t.Errorf("date(%q) = %q, want %q", text, got, wantDate)
		}
	}
}
