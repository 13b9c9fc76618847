package eboekhouden

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file owns the response side of the wire layer: the decoding of the
// SOAP Body content gosoap hands over, and the helpers the generated fill
// methods call (responses_gen.go and records_gen.go hold each operation's
// result structs and the records, written from the WSDL by internal/gen).
// Elements are matched by local name, following encoding/xml semantics for
// the struct tags (children matched by local name in any namespace, the last
// occurrence of a field wins, repeated result elements merge), so that the
// tests can check them against xml.Unmarshal into the same structs. Unknown
// elements are ignored, as XmlSerializer clients do, except in list answers,
// which are first checked against the WSDL (shape.go): an unknown element
// there could hide records.

// failed reports a call that failed: exactly when the code is not blank (§3).
func (e cError) failed() bool { return strings.TrimSpace(e.Code) != "" }

// result is implemented by every operation's response struct. present
// reports whether the {Op}Result element was there: an answer without it is
// malformed (a write's outcome is then unknown).
type result interface {
	errorMsg() cError
	present() bool
}

// errMalformed marks an answer that could not be read.
var errMalformed = errors.New("malformed answer")

// errNoResult is an answer without its {Op}Result element.
var errNoResult = errors.New("the answer has no result element")

const nsSOAPEnv = "http://schemas.xmlsoap.org/soap/envelope/"

// filler is implemented by every response struct: it takes its values from
// the {Op}Response element n.
type filler interface {
	result
	fill(d *xdoc, n int32)
}

// decodeAnswer reads a complete SOAP 1.1 answer into out. The body's first
// element must be {op}Response in the e-Boekhouden namespace; a soap:Fault
// is returned as *faultInBody.
func decodeAnswer(op string, raw []byte, out filler) error {
	d, err := parseXML(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	el, err := bodyElement(d)
	if err != nil {
		return err
	}
	if el < 0 {
		return fmt.Errorf("%w: empty soap:Body", errMalformed)
	}
	n := &d.nodes[el]
	if n.local == "Fault" && d.space(el) == nsSOAPEnv {
		return &faultInBody{fault: faultFrom(d, el)}
	}
	if n.local != op+"Response" || d.space(el) != nsTNS {
		return fmt.Errorf("%w: expected <%sResponse> in %s, got <%s> in %q", errMalformed, op, nsTNS, clip(n.local), clip(d.space(el)))
	}
	if checkedOps[op] {
		if err := checkShape(d, el, op); err != nil {
			return err
		}
	}
	out.fill(d, el)
	return nil
}

// bodyElement checks the envelope and returns the first element inside
// soap:Body (-1 if there is none).
func bodyElement(d *xdoc) (int32, error) {
	if d.nodes[0].local != "Envelope" || d.space(0) != nsSOAPEnv {
		return -1, fmt.Errorf("%w: root element <%s> in %q is not a SOAP 1.1 envelope", errMalformed, clip(d.nodes[0].local), clip(d.space(0)))
	}
	body := int32(-1)
	d.children(0, func(c int32) {
		if body < 0 && d.nodes[c].local == "Body" && d.space(c) == nsSOAPEnv {
			body = c
		}
	})
	if body < 0 {
		return -1, fmt.Errorf("%w: no soap:Body", errMalformed)
	}
	return d.nodes[body].first, nil
}

// faultFrom reads faultcode and faultstring of a soap:Fault element.
func faultFrom(d *xdoc, n int32) soapFault {
	var f soapFault
	d.children(n, func(c int32) {
		switch d.nodes[c].local {
		case "faultcode":
			f.Code = d.textOf(c)
		case "faultstring":
			f.String = d.textOf(c)
		}
	})
	f.Code = strings.TrimSpace(f.Code)
	return f
}

// parseFault reads the soap:Fault of a complete answer; nil if the body is
// not one (HTML error pages, truncated bodies, ...).
func parseFault(raw []byte) *soapFault {
	d, err := parseXML(raw)
	if err != nil {
		return nil
	}
	el, err := bodyElement(d)
	if err != nil || el < 0 || d.nodes[el].local != "Fault" || d.space(el) != nsSOAPEnv {
		return nil
	}
	f := faultFrom(d, el)
	if f.Code == "" {
		return nil
	}
	return &f
}

// faultInBody is a soap:Fault found in an HTTP 2xx body.
type faultInBody struct{ fault soapFault }

func (e *faultInBody) Error() string { return "soap:Fault " + e.fault.Code }

// resultElements calls fn for every child of n named name.
func resultElements(d *xdoc, n int32, name string, fn func(c int32)) {
	d.children(n, func(c int32) {
		if d.nodes[c].local == name {
			fn(c)
		}
	})
}

// items calls fn for every grandchild item of n under a list element, as
// the struct tag "list>item" does.
func items(d *xdoc, n int32, list, item string, fn func(c int32)) {
	resultElements(d, n, list, func(l int32) { resultElements(d, l, item, fn) })
}

// fillTexts sets *slots[k] to the text of n's child named names[k]. The
// children come in the order of names (the WSDL's sequence), so the search
// goes on from the last match, one comparison per child; a child out of
// order is looked up from the start, and one not in names is skipped. As
// with encoding/xml, the last child of a name wins.
func fillTexts(d *xdoc, n int32, names []string, slots []*string) {
	next := 0
	for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
		local := d.nodes[c].local
		k := next
		for k < len(names) && names[k] != local {
			k++
		}
		if k == len(names) {
			if k = slices.Index(names[:next], local); k < 0 {
				continue
			}
		}
		*slots[k] = d.textOf(c)
		next = k + 1
	}
}

// countItems counts what items would visit, to size a slice once.
func countItems(d *xdoc, n int32, list, item string) int {
	count := 0
	items(d, n, list, item, func(int32) { count++ })
	return count
}

// lastAttr returns the last attribute with this local name, as encoding/xml
// assigns every match in turn.
func lastAttr(d *xdoc, n int32, local string) string {
	node := &d.nodes[n]
	v := ""
	for k := node.attr0; k < node.attr0+node.nattr; k++ {
		if d.attrs[k].local == local {
			v = d.attrs[k].value
		}
	}
	return v
}
