package ebrest

import (
	"net/http"
	"strings"
	"time"
)

// This file owns routing: which method and path run which handler, under
// which operation name (the name fault rules and the request log use).

// Operation names.
const (
	opSessionOpen  = "POST /v1/session"
	opSessionClose = "DELETE /v1/session"
)

// call is one request as a handler sees it. Handlers run under s.mu.
type call struct {
	r       *http.Request
	params  []string // the path's {id} values
	body    []byte
	now     time.Time
	session *session // nil on public routes
}

// routeDef is one operation.
type routeDef struct {
	method  string
	pattern string // "/v1/relation/{id}"
	op      string // method + " " + pattern
	public  bool   // needs no session
	handle  func(s *Server, c *call) *response
}

var routes []*routeDef

func init() {
	add := func(method, pattern string, public bool, h func(*Server, *call) *response) {
		routes = append(routes, &routeDef{method: method, pattern: pattern, op: method + " " + pattern, public: public, handle: h})
	}
	add(http.MethodPost, "/v1/session", true, (*Server).openSession)
	add(http.MethodDelete, "/v1/session", false, (*Server).closeSession)
	add(http.MethodGet, "/v1/relation", false, (*Server).listRelations)
	add(http.MethodPost, "/v1/relation", false, (*Server).createRelation)
	add(http.MethodGet, "/v1/relation/{id}", false, (*Server).getRelation)
	add(http.MethodGet, "/v1/product", false, (*Server).listProducts)
	add(http.MethodPost, "/v1/product", false, (*Server).createProduct)
	add(http.MethodGet, "/v1/product/{id}", false, (*Server).getProduct)
	add(http.MethodGet, "/v1/invoice", false, (*Server).listInvoices)
	add(http.MethodPost, "/v1/invoice", false, (*Server).createInvoice)
	add(http.MethodGet, "/v1/invoice/{id}", false, (*Server).getInvoice)
	add(http.MethodGet, "/v1/mutation/invoice/outstanding", false, (*Server).listOutstanding)
	add(http.MethodGet, "/v1/unit", false, (*Server).listUnits)
	add(http.MethodGet, "/v1/invoicetemplate", false, (*Server).listInvoiceTemplates)
	add(http.MethodGet, "/v1/emailtemplate", false, (*Server).listEmailTemplates)
	add(http.MethodGet, "/v1/ledger", false, (*Server).listLedgers)
	add(http.MethodGet, "/v1/ledger/{id}", false, (*Server).getLedger)
	add(http.MethodGet, "/v1/costcenter", false, (*Server).listCostCenters)
	add(http.MethodGet, "/v1/costcenter/{id}", false, (*Server).getCostCenter)
}

// route finds the operation for method and path, and the path's {id}
// values. Paths match case-insensitively, a trailing slash ignored.
// [inferred: ASP.NET routing]
func route(method, path string) (*routeDef, []string) {
	for _, rt := range routes {
		if rt.method != method {
			continue
		}
		if params, ok := match(rt.pattern, path); ok {
			return rt, params
		}
	}
	return nil, nil
}

// pathKnown reports whether some operation has this path with another
// method (405 rather than 404). [inferred: the checklist's "reject PUT with
// 405"]
func pathKnown(path string) bool {
	for _, rt := range routes {
		if _, ok := match(rt.pattern, path); ok {
			return true
		}
	}
	return false
}

func match(pattern, path string) ([]string, bool) {
	want := strings.Split(strings.Trim(pattern, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return nil, false
	}
	var params []string
	for i, w := range want {
		switch {
		case w == "{id}":
			params = append(params, got[i])
		case !strings.EqualFold(w, got[i]):
			return nil, false
		}
	}
	return params, true
}
