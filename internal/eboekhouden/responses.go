package eboekhouden

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file owns the response side of the wire layer: the result structs of
// each operation, the decoding of the SOAP Body content gosoap hands over,
// and the mapping of cRelatie, cArtikel, cFactuurList and cOpenPost to the
// domain types. Elements are matched by local name. Unknown elements are
// ignored, as XmlSerializer clients do, except in list answers, which are
// first checked against the WSDL (shape.go): an unknown element there could
// hide records.

// cError is LastErrorCode + LastErrorDescription. A call failed exactly when
// the code is not blank (§3).
type cError struct {
	Code        string `xml:"LastErrorCode"`
	Description string `xml:"LastErrorDescription"`
}

func (e cError) failed() bool { return strings.TrimSpace(e.Code) != "" }

// result is implemented by every operation's response struct. present
// reports whether the {Op}Result element was there: an answer without it is
// malformed (a write's outcome is then unknown).
type result interface {
	errorMsg() cError
	present() bool
}

type openSessionResponse struct {
	Result *openSessionResult `xml:"OpenSessionResult"`
}

type openSessionResult struct {
	ErrorMsg  cError `xml:"ErrorMsg"`
	SessionID string `xml:"SessionID"`
}

func (r *openSessionResponse) present() bool { return r.Result != nil }
func (r *openSessionResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

// closeSessionResponse is empty.
type closeSessionResponse struct{}

func (r *closeSessionResponse) present() bool    { return true }
func (r *closeSessionResponse) errorMsg() cError { return cError{} }

type getRelatiesResponse struct {
	Result *getRelatiesResult `xml:"GetRelatiesResult"`
}

type getRelatiesResult struct {
	ErrorMsg  cError         `xml:"ErrorMsg"`
	Relations []wireRelation `xml:"Relaties>cRelatie"`
}

func (r *getRelatiesResponse) present() bool { return r.Result != nil }
func (r *getRelatiesResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

type addRelatieResponse struct {
	Result *addRelatieResult `xml:"AddRelatieResult"`
}

type addRelatieResult struct {
	ErrorMsg cError `xml:"ErrorMsg"`
	RelID    string `xml:"Rel_ID"`
}

func (r *addRelatieResponse) present() bool { return r.Result != nil }
func (r *addRelatieResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

// updateRelatieResponse: the result itself is a cError (§3); success is an
// empty <UpdateRelatieResult />. [inferred: an absent result is treated as
// malformed, so the outcome of that update is unknown]
type updateRelatieResponse struct {
	Result *cError `xml:"UpdateRelatieResult"`
}

func (r *updateRelatieResponse) present() bool { return r.Result != nil }
func (r *updateRelatieResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return *r.Result
}

type getArtikelenResponse struct {
	Result *getArtikelenResult `xml:"GetArtikelenResult"`
}

type getArtikelenResult struct {
	ErrorMsg cError        `xml:"ErrorMsg"`
	Products []wireArtikel `xml:"Artikelen>cArtikel"`
}

func (r *getArtikelenResponse) present() bool { return r.Result != nil }
func (r *getArtikelenResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

type addFactuurResponse struct {
	Result *addFactuurResult `xml:"AddFactuurResult"`
}

type addFactuurResult struct {
	ErrorMsg cError `xml:"ErrorMsg"`
	Number   string `xml:"Factuurnummer"`
}

func (r *addFactuurResponse) present() bool { return r.Result != nil }
func (r *addFactuurResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

type getFacturenResponse struct {
	Result *getFacturenResult `xml:"GetFacturenResult"`
}

type getFacturenResult struct {
	ErrorMsg cError            `xml:"ErrorMsg"`
	Invoices []wireFactuurList `xml:"Facturen>cFactuurList"`
}

func (r *getFacturenResponse) present() bool { return r.Result != nil }
func (r *getFacturenResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
}

type getOpenPostenResponse struct {
	Result *getOpenPostenResult `xml:"GetOpenPostenResult"`
}

type getOpenPostenResult struct {
	ErrorMsg cError         `xml:"ErrorMsg"`
	Items    []wireOpenPost `xml:"Openposten>cOpenPost"`
}

func (r *getOpenPostenResponse) present() bool { return r.Result != nil }
func (r *getOpenPostenResponse) errorMsg() cError {
	if r.Result == nil {
		return cError{}
	}
	return r.Result.ErrorMsg
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

// The fill methods follow encoding/xml semantics for the struct tags
// (children matched by local name in any namespace, the last occurrence of a
// field wins, repeated result elements merge), so that the tests can check
// them against xml.Unmarshal into the same structs.

func (e *cError) fill(d *xdoc, n int32) {
	d.children(n, func(c int32) {
		switch d.nodes[c].local {
		case "LastErrorCode":
			e.Code = d.textOf(c)
		case "LastErrorDescription":
			e.Description = d.textOf(c)
		}
	})
}

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

func (r *openSessionResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "OpenSessionResult", func(res int32) {
		if r.Result == nil {
			r.Result = &openSessionResult{}
		}
		d.children(res, func(c int32) {
			switch d.nodes[c].local {
			case "ErrorMsg":
				r.Result.ErrorMsg.fill(d, c)
			case "SessionID":
				r.Result.SessionID = d.textOf(c)
			}
		})
	})
}

func (r *closeSessionResponse) fill(*xdoc, int32) {}

func (r *getRelatiesResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "GetRelatiesResult", func(res int32) {
		if r.Result == nil {
			r.Result = &getRelatiesResult{}
		}
		resultElements(d, res, "ErrorMsg", func(c int32) { r.Result.ErrorMsg.fill(d, c) })
		r.Result.Relations = slices.Grow(r.Result.Relations, countItems(d, res, "Relaties", "cRelatie"))
		items(d, res, "Relaties", "cRelatie", func(c int32) {
			r.Result.Relations = append(r.Result.Relations, wireRelation{})
			r.Result.Relations[len(r.Result.Relations)-1].fill(d, c)
		})
	})
}

func (r *addRelatieResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "AddRelatieResult", func(res int32) {
		if r.Result == nil {
			r.Result = &addRelatieResult{}
		}
		d.children(res, func(c int32) {
			switch d.nodes[c].local {
			case "ErrorMsg":
				r.Result.ErrorMsg.fill(d, c)
			case "Rel_ID":
				r.Result.RelID = d.textOf(c)
			}
		})
	})
}

func (r *updateRelatieResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "UpdateRelatieResult", func(res int32) {
		if r.Result == nil {
			r.Result = &cError{}
		}
		r.Result.fill(d, res)
	})
}

func (r *getArtikelenResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "GetArtikelenResult", func(res int32) {
		if r.Result == nil {
			r.Result = &getArtikelenResult{}
		}
		resultElements(d, res, "ErrorMsg", func(c int32) { r.Result.ErrorMsg.fill(d, c) })
		r.Result.Products = slices.Grow(r.Result.Products, countItems(d, res, "Artikelen", "cArtikel"))
		items(d, res, "Artikelen", "cArtikel", func(c int32) {
			r.Result.Products = append(r.Result.Products, wireArtikel{})
			r.Result.Products[len(r.Result.Products)-1].fill(d, c)
		})
	})
}

func (r *addFactuurResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "AddFactuurResult", func(res int32) {
		if r.Result == nil {
			r.Result = &addFactuurResult{}
		}
		d.children(res, func(c int32) {
			switch d.nodes[c].local {
			case "ErrorMsg":
				r.Result.ErrorMsg.fill(d, c)
			case "Factuurnummer":
				r.Result.Number = d.textOf(c)
			}
		})
	})
}

func (r *getFacturenResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "GetFacturenResult", func(res int32) {
		if r.Result == nil {
			r.Result = &getFacturenResult{}
		}
		resultElements(d, res, "ErrorMsg", func(c int32) { r.Result.ErrorMsg.fill(d, c) })
		r.Result.Invoices = slices.Grow(r.Result.Invoices, countItems(d, res, "Facturen", "cFactuurList"))
		items(d, res, "Facturen", "cFactuurList", func(c int32) {
			r.Result.Invoices = append(r.Result.Invoices, wireFactuurList{})
			r.Result.Invoices[len(r.Result.Invoices)-1].fill(d, c)
		})
	})
}

func (r *getOpenPostenResponse) fill(d *xdoc, n int32) {
	resultElements(d, n, "GetOpenPostenResult", func(res int32) {
		if r.Result == nil {
			r.Result = &getOpenPostenResult{}
		}
		resultElements(d, res, "ErrorMsg", func(c int32) { r.Result.ErrorMsg.fill(d, c) })
		r.Result.Items = slices.Grow(r.Result.Items, countItems(d, res, "Openposten", "cOpenPost"))
		items(d, res, "Openposten", "cOpenPost", func(c int32) {
			r.Result.Items = append(r.Result.Items, wireOpenPost{})
			r.Result.Items[len(r.Result.Items)-1].fill(d, c)
		})
	})
}

// The list mappers below skip xsi:nil entries and fail on the first record
// that does not parse: a list with an unreadable record is not complete.

func (r *getRelatiesResponse) relations() ([]Relation, error) {
	if r.Result == nil {
		return nil, errNoResult
	}
	out := make([]Relation, 0, len(r.Result.Relations))
	for i := range r.Result.Relations {
		w := &r.Result.Relations[i]
		if isNil(w.Nil) {
			continue
		}
		rel, err := w.relation()
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

func (r *getArtikelenResponse) products() ([]Product, error) {
	if r.Result == nil {
		return nil, errNoResult
	}
	out := make([]Product, 0, len(r.Result.Products))
	for i := range r.Result.Products {
		w := &r.Result.Products[i]
		if isNil(w.Nil) {
			continue
		}
		pr, err := w.product()
		if err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	return out, nil
}

func (r *getFacturenResponse) invoices() ([]InvoiceSummary, error) {
	if r.Result == nil {
		return nil, errNoResult
	}
	out := make([]InvoiceSummary, 0, len(r.Result.Invoices))
	for i := range r.Result.Invoices {
		w := &r.Result.Invoices[i]
		if isNil(w.Nil) {
			continue
		}
		inv, err := w.invoice()
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, nil
}

func (r *getOpenPostenResponse) openItems() ([]OpenItem, error) {
	if r.Result == nil {
		return nil, errNoResult
	}
	out := make([]OpenItem, 0, len(r.Result.Items))
	for i := range r.Result.Items {
		w := &r.Result.Items[i]
		if isNil(w.Nil) {
			continue
		}
		it, err := w.openItem()
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
