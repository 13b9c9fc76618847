package outsmart

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// basePath is where OPENApi v8 lives: {host}/openapi/8/<endpoint>/ [DOC S1].
const basePath = "/openapi/8"

// call is what a handler gets of one request.
type call struct {
	q       url.Values
	body    []byte
	bodyErr error
}

// handlerFunc answers one method of one endpoint. It runs under the server's
// lock and may change the state.
type handlerFunc func(s *Server, c *call) reply

// routes are the endpoints the sandbox implements, by exact name and method.
// Names are matched case-sensitively as documented [inferred: the notes leave
// case sensitivity open].
var routes = map[string]map[string]handlerFunc{
	"relations": {
		http.MethodGet:  func(s *Server, c *call) reply { return relationSpec.get(&s.state, c.q) },
		http.MethodPost: func(s *Server, c *call) reply { return relationSpec.post(&s.state, c.body, c.bodyErr) },
	},
	"materials": {
		http.MethodGet:  func(s *Server, c *call) reply { return materialSpec.get(&s.state, c.q) },
		http.MethodPost: func(s *Server, c *call) reply { return materialSpec.post(&s.state, c.body, c.bodyErr) },
	},
	"hourtypes": {
		http.MethodGet:  func(s *Server, c *call) reply { return hourTypeSpec.get(&s.state, c.q) },
		http.MethodPost: func(s *Server, c *call) reply { return hourTypeSpec.post(&s.state, c.body, c.bodyErr) },
	},
	// workstatusses and employees answer their full list; employees ignores
	// filters [CODE S7 comment], workstatusses likewise [inferred].
	"workstatusses": {
		http.MethodGet: func(s *Server, _ *call) reply {
			return success(s.state.Workstatusses)
		},
	},
	"employees": {
		http.MethodGet: func(s *Server, _ *call) reply {
			return success(s.state.Employees)
		},
	},
	"GetWorkorders":   {http.MethodGet: func(s *Server, c *call) reply { return s.getWorkorders(c.q) }},
	"GetWorkorder":    {http.MethodGet: func(s *Server, c *call) reply { return s.getWorkorder(c.q) }},
	"UpdateWorkorder": {http.MethodGet: func(s *Server, c *call) reply { return s.updateWorkorder(c.q) }},
}

// documentedMethods are documented methods of implemented endpoints that the
// sandbox does not implement.
var documentedMethods = map[string][]string{
	"employees":       {http.MethodPost},
	"workstatusses":   {http.MethodPost},
	"UpdateWorkorder": {http.MethodPost}, // materials of an order [DOC S2 only]
}

// documentedEndpoints are the other endpoints OutSmart documents (Blueprint
// and notes §6.8/6.9). The sandbox knows them so that it can say "not
// implemented" instead of "unknown endpoint".
var documentedEndpoints = []string{
	"PostWorkorders", "DeleteEntity", "projects", "project_activities", "tasks", "numbers",
	"categories", "category", "material_categories", "forms", "suppliers", "objects", "objects/changed",
	"object", "parts", "object_parts", "object_parts/changed", "locations", "worktypes", "paymentmethods",
	"priorities", "errors", "solutions", "regions", "vehicles", "warehouses", "material_types", "addresses",
	"address", "contactpersons", "contactperson", "values", "freefields", "prices", "hours", "travel",
	"expenses", "expense_categories", "notes", "generic_notes", "sub-materials", "warehouse-material",
	"invoices", "transactions", "quotations",
}

// endpointOf splits a request path into the endpoint name; underBase is false
// for paths outside /openapi/8/. One trailing slash is optional: most clients
// send it, some do not [DOC S1; CODE S6].
func endpointOf(path string) (name string, underBase bool) {
	rest, found := strings.CutPrefix(path, basePath)
	if !found || (rest != "" && rest[0] != '/') {
		return path, false
	}
	rest = strings.TrimPrefix(rest, "/")
	return strings.TrimSuffix(rest, "/"), true
}

// route finds the handler of a call, or the reply for a call that has none.
// Authentication is checked after the endpoint is known to exist [inferred:
// the order of these checks is not documented].
func (s *Server) route(method, name string, underBase bool, q url.Values) (handlerFunc, reply) {
	if !underBase {
		rep := failf(codeUnknownEndpoint, "Unknown path %s: OPENApi v8 lives under %s/<endpoint>/", name, basePath) // [inferred]
		rep.httpStatus = http.StatusNotFound
		return nil, rep
	}
	if name == "" {
		return nil, fail(codeNoEndpoint, "The URL being called is not containing an endpoint.")
	}
	methods, implemented := routes[name]
	documented := slices.Contains(documentedEndpoints, name)
	if !implemented && !documented {
		rep := failf(codeUnknownEndpoint, "Unknown endpoint: %s", name)
		if hint := caseHint(name); hint != "" {
			rep.messages = append(rep.messages, hint)
		}
		return nil, rep
	}
	if rep, authorised := s.authenticate(q); !authorised {
		return nil, rep
	}
	if h, ok := methods[method]; ok {
		return h, reply{}
	}
	if !implemented || slices.Contains(documentedMethods[name], method) {
		return nil, failf(codeGeneral, "%s %s is documented by OutSmart but not implemented in the sandbox", method, name)
	}
	return nil, failf(codeGeneral, "Method %s is not supported on %s", method, name) // [inferred]
}

// caseHint points out an endpoint name that differs only in case from a
// known one.
func caseHint(name string) string {
	for known := range routes {
		if strings.EqualFold(known, name) {
			return fmt.Sprintf("Endpoint names are case-sensitive in the sandbox: did you mean %s?", known)
		}
	}
	for _, known := range documentedEndpoints {
		if strings.EqualFold(known, name) {
			return fmt.Sprintf("Endpoint names are case-sensitive in the sandbox: did you mean %s?", known)
		}
	}
	return ""
}
