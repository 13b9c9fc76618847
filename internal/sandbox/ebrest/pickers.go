package ebrest

import "strconv"

// This file owns the lists the pickers read: /v1/unit and
// /v1/invoicetemplate.

// unitFilters are GET /v1/unit's parameters. [inferred: string filters; the
// reference names them but no client uses them]
var unitFilters = map[string]filterKind{"singular": kindString, "plural": kindString}

func (s *Server) listUnits(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, unitFilters)
	if resp != nil {
		return resp
	}
	units := s.st.Units
	idx, total := page(len(units), q, func(i int, p string) string {
		if p == "singular" {
			return units[i].Singular
		}
		return units[i].Plural
	})
	out := listEnvelope[Unit]{Items: []Unit{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, units[i])
	}
	return jsonResponse(out)
}

// templateFilters are GET /v1/invoicetemplate's parameters: name (a string
// filter), type (E or A) and active (true or false). [inferred: type and
// active as filters]
var templateFilters = map[string]filterKind{"name": kindString, "type": kindString, "active": kindBool}

func (s *Server) listInvoiceTemplates(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, templateFilters)
	if resp != nil {
		return resp
	}
	ts := s.st.InvoiceTemplates
	idx, total := page(len(ts), q, func(i int, p string) string {
		switch p {
		case "name":
			return ts[i].Name
		case "type":
			return ts[i].Type
		}
		return strconv.FormatBool(ts[i].Active)
	})
	out := listEnvelope[InvoiceTemplate]{Items: []InvoiceTemplate{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, ts[i])
	}
	return jsonResponse(out)
}
