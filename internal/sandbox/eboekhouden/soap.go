package eboekhouden

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file owns the SOAP 1.1 envelope: reading a request (Content-Type,
// SOAPAction, envelope, operation element, schema validation), writing
// responses and SOAP Faults, and redacting credentials for the request log.

// Fault codes of SOAP 1.1.
const (
	faultClient         = "soap:Client"
	faultServer         = "soap:Server"
	faultMustUnderstand = "soap:MustUnderstand"
)

// soapFault is a request the sandbox answers with HTTP 500 and a soap:Fault.
type soapFault struct {
	code string
	msg  string
}

func (f *soapFault) Error() string { return f.code + ": " + f.msg }

func clientFault(format string, args ...any) *soapFault {
	return &soapFault{code: faultClient, msg: fmt.Sprintf(format, args...)}
}

// readPrefix is how ASMX starts the faultstring of a request it cannot read.
const readPrefix = "Server was unable to read request. ---> "

// request is a valid SOAP request.
type request struct {
	op *operation
	el *node // the operation element, validated
}

// readRequest checks a SOAP request against the transport rules and the
// schema. It returns the operation name it found even when it fails, for the
// request log.
func (sc *schema) readRequest(r *http.Request, body []byte) (*request, string, *soapFault) {
	if f := checkContentType(r.Header.Get("Content-Type")); f != nil {
		return nil, "", f
	}
	root, err := parseXML(body)
	if err != nil {
		return nil, "", clientFault(readPrefix+"There is an error in XML document: %v", err)
	}
	bodyEl, f := envelopeBody(root)
	if f != nil {
		return nil, "", f
	}
	var opEl *node
	for _, c := range bodyEl.children {
		if opEl != nil {
			return nil, "", clientFault(readPrefix+"unexpected second element <%s> in <soap:Body>: a document/literal request carries exactly one operation element", c.name.Local)
		}
		opEl = c
	}
	if opEl == nil {
		return nil, "", clientFault(readPrefix + "<soap:Body> is empty: expected an operation element such as <OpenSession>")
	}
	op := sc.byRequest[opEl.name.Local]
	if op == nil {
		hint := ""
		for _, name := range sc.opNames {
			if strings.EqualFold(name, opEl.name.Local) {
				hint = fmt.Sprintf(" (did you mean <%s>? element names are case-sensitive)", name)
			}
		}
		return nil, "", clientFault(readPrefix+"unknown operation element <%s> in <soap:Body>%s; the WSDL defines %s", opEl.name.Local, hint, strings.Join(sc.opNames, ", "))
	}
	if opEl.name.Space != nsTNS {
		ns := fmt.Sprintf("namespace %q", opEl.name.Space)
		if opEl.name.Space == "" {
			ns = "no namespace"
		}
		return nil, op.name, clientFault(readPrefix+"operation element <%s> in <soap:Body> is in %s; it must be in %q", opEl.name.Local, ns, nsTNS)
	}
	if f := checkSOAPAction(r.Header.Values("SOAPAction"), op); f != nil {
		return nil, op.name, f
	}
	if err := sc.validate(opEl, op.input, "soap:Body"); err != nil {
		return nil, op.name, clientFault(readPrefix+"%v", err)
	}
	return &request{op: op, el: opEl}, op.name, nil
}

// checkContentType accepts SOAP 1.1's text/xml (charset utf-8 or none). The
// real service also speaks SOAP 1.2; the sandbox refuses it with a clear
// fault because the product uses SOAP 1.1 only. [inferred]
func checkContentType(ct string) *soapFault {
	if ct == "" {
		return clientFault("Missing Content-Type header: a SOAP 1.1 request must be sent as text/xml; charset=utf-8")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return clientFault("Invalid Content-Type %q: %v", ct, err)
	}
	switch mt {
	case "text/xml":
	case "application/soap+xml":
		return clientFault("SOAP 1.2 (Content-Type %s) is not supported by the sandbox: send SOAP 1.1 with Content-Type text/xml; charset=utf-8 and a SOAPAction header", mt)
	default:
		return clientFault("Unsupported Content-Type %q: a SOAP 1.1 request must be sent as text/xml; charset=utf-8", mt)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return clientFault("Unsupported charset %q in Content-Type: the sandbox reads utf-8 only", cs)
	}
	return nil
}

// checkSOAPAction requires the SOAPAction of op, quoted or not.
func checkSOAPAction(values []string, op *operation) *soapFault {
	if len(values) == 0 {
		return clientFault("Missing SOAPAction header: the operation element <%s> needs SOAPAction: \"%s\"", op.name, op.action)
	}
	if len(values) > 1 {
		return clientFault("More than one SOAPAction header: send exactly one, \"%s\"", op.action)
	}
	got := strings.TrimSpace(values[0])
	if len(got) >= 2 && strings.HasPrefix(got, `"`) && strings.HasSuffix(got, `"`) {
		got = got[1 : len(got)-1]
	}
	if got != op.action {
		return clientFault("Server did not recognize the value of HTTP Header SOAPAction: %s. The operation element <%s> needs SOAPAction \"%s\"", values[0], op.name, op.action)
	}
	return nil
}

// envelopeBody checks the SOAP 1.1 envelope and returns its Body.
func envelopeBody(root *node) (*node, *soapFault) {
	if root.name.Space == nsSOAP12 && root.name.Local == "Envelope" {
		return nil, clientFault(readPrefix + "a SOAP 1.2 envelope (http://www.w3.org/2003/05/soap-envelope) is not supported by the sandbox: use the SOAP 1.1 envelope namespace " + nsSOAPEnv)
	}
	if root.name != (xml.Name{Space: nsSOAPEnv, Local: "Envelope"}) {
		return nil, clientFault(readPrefix+"the root element is <%s> in namespace %q; expected <soap:Envelope> in %q", root.name.Local, root.name.Space, nsSOAPEnv)
	}
	if strings.TrimSpace(root.text) != "" {
		return nil, clientFault(readPrefix + "<soap:Envelope> must not contain text")
	}
	var body *node
	for i, c := range root.children {
		switch {
		case c.name == xml.Name{Space: nsSOAPEnv, Local: "Header"} && i == 0:
			if f := checkHeader(c); f != nil {
				return nil, f
			}
		case c.name == xml.Name{Space: nsSOAPEnv, Local: "Body"} && body == nil:
			body = c
		default:
			return nil, clientFault(readPrefix+"unexpected element <%s> (namespace %q) in <soap:Envelope>; expected an optional <soap:Header> followed by one <soap:Body>", c.name.Local, c.name.Space)
		}
	}
	if body == nil {
		return nil, clientFault(readPrefix + "<soap:Envelope> has no <soap:Body>")
	}
	if strings.TrimSpace(body.text) != "" {
		return nil, clientFault(readPrefix + "<soap:Body> must not contain text")
	}
	return body, nil
}

// checkHeader refuses header entries the sandbox must understand but does
// not (the e-Boekhouden WSDL defines no headers), as SOAP 1.1 §4.2.3 asks.
// [inferred]
func checkHeader(h *node) *soapFault {
	for _, entry := range h.children {
		for _, a := range entry.attrs {
			if a.Name == (xml.Name{Space: nsSOAPEnv, Local: "mustUnderstand"}) && (a.Value == "1" || a.Value == "true") {
				return &soapFault{code: faultMustUnderstand, msg: fmt.Sprintf("SOAP header <%s> (namespace %q) was not understood", entry.name.Local, entry.name.Space)}
			}
		}
	}
	return nil
}

// xmlWriter builds XML text; every text is escaped. It appends to a byte
// slice: a list answer is some 90,000 tags, and appends cost a fraction of
// bytes.Buffer's method calls.
type xmlWriter struct{ b []byte }

const envelopeStart = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>`
const envelopeEnd = `</soap:Body></soap:Envelope>`

// grow makes room for n more bytes.
func (w *xmlWriter) grow(n int) { w.b = slices.Grow(w.b, n) }

// bytes returns what was written.
func (w *xmlWriter) bytes() []byte { return w.b }

func (w *xmlWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *xmlWriter) open(name string) {
	w.b = append(append(append(w.b, '<'), name...), '>')
}

func (w *xmlWriter) close(name string) {
	w.b = append(append(append(w.b, "</"...), name...), '>')
}

func (w *xmlWriter) empty(name string) {
	w.b = append(append(append(w.b, '<'), name...), " />"...)
}

// leaf writes <name>text</name>, or <name /> for an empty text, as .NET
// writes an empty string.
func (w *xmlWriter) leaf(name, text string) {
	if text == "" {
		w.empty(name)
		return
	}
	w.open(name)
	w.text(text)
	w.close(name)
}

// text writes escaped text; plain ASCII is written as it is.
func (w *xmlWriter) text(text string) {
	if plainText(text) {
		w.b = append(w.b, text...)
		return
	}
	if ascii(text) {
		for i := 0; i < len(text); i++ {
			if esc := asciiEscapes[text[i]]; esc != "" {
				w.b = append(w.b, esc...)
			} else {
				w.b = append(w.b, text[i])
			}
		}
		return
	}
	// Through a buffer of its own: handing w to EscapeText as an io.Writer
	// would move every writer to the heap.
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(text))
	w.b = append(w.b, esc.Bytes()...)
}

// int writes a leaf holding an integer.
func (w *xmlWriter) int(name string, v int64) {
	w.open(name)
	w.b = strconv.AppendInt(w.b, v, 10)
	w.close(name)
}

// date writes a leaf holding a date "YYYY-MM-DD" as a dateTime, as
// leaf(name, formatDate(date)) does.
func (w *xmlWriter) date(name, date string) {
	w.open(name)
	w.text(date)
	w.b = append(w.b, "T00:00:00"...)
	w.close(name)
}

// asciiEscapes are what xml.EscapeText writes for the ASCII characters it
// changes: markup characters, tab, newline and carriage return as
// references, other control characters (not XML characters) as U+FFFD.
var asciiEscapes = func() (t [128]string) {
	for c := range 0x20 {
		t[c] = "\uFFFD"
	}
	t['\t'], t['\n'], t['\r'] = "&#x9;", "&#xA;", "&#xD;"
	t['"'], t['\''], t['&'], t['<'], t['>'] = "&#34;", "&#39;", "&amp;", "&lt;", "&gt;"
	return t
}()

func ascii(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plainText reports whether xml.EscapeText would write text unchanged:
// printable ASCII without the characters it escapes.
func plainText(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c < 0x20 || c > 0x7e, c == '<', c == '>', c == '&', c == '\'', c == '"':
			return false
		}
	}
	return true
}

// escape returns text escaped for element content.
func escape(text string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(text))
	return b.String()
}

// errorMsg writes a cError element: empty on success. [inferred: §3]
func (w *xmlWriter) errorMsg(name string, e *bizError) {
	if e == nil {
		w.empty(name)
		return
	}
	w.open(name)
	w.leaf("LastErrorCode", e.Code)
	w.leaf("LastErrorDescription", e.Description)
	w.close(name)
}

// responseEnvelope wraps the content of <OpResponse> in the envelope.
func responseEnvelope(op *operation, content []byte) []byte {
	var w xmlWriter
	w.grow(len(envelopeStart) + 2*len(op.output.name) + len(nsTNS) + len(content) + len(envelopeEnd) + 16)
	w.raw(envelopeStart)
	if len(content) == 0 {
		w.raw(`<` + op.output.name + ` xmlns="` + nsTNS + `" />`)
	} else {
		w.raw(`<` + op.output.name + ` xmlns="` + nsTNS + `">`)
		w.b = append(w.b, content...)
		w.close(op.output.name)
	}
	w.raw(envelopeEnd)
	return w.bytes()
}

// faultEnvelope is the body of a soap:Fault, as ASMX writes it.
func faultEnvelope(f *soapFault) []byte {
	var w xmlWriter
	w.raw(envelopeStart)
	w.open("soap:Fault")
	w.leaf("faultcode", f.code)
	w.leaf("faultstring", f.msg)
	w.empty("detail")
	w.close("soap:Fault")
	w.raw(envelopeEnd)
	return w.bytes()
}

// writeXML sends a complete XML body.
func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// secretElements matches the content of every credential element, up to its
// closing tag or, in a truncated body, the end of the text.
var secretElements = regexp.MustCompile(`(?s)(<(?:[A-Za-z_][\w.-]*:)?(?:SecurityCode1|SecurityCode2|SessionID)(?:\s(?:[^>]*[^/>])?)?>)(.*?)(</(?:[A-Za-z_][\w.-]*:)?(?:SecurityCode1|SecurityCode2|SessionID)\s*>|$)`)

// redact replaces the values of SecurityCode1, SecurityCode2 and SessionID
// with REDACTED. It works on text, so it also redacts a malformed body.
func redact(body []byte) string {
	return secretElements.ReplaceAllString(string(body), "${1}REDACTED${3}")
}
