package ebrest

import (
	"slices"
	"strconv"
	"strings"
)

// This file owns the set-up lists beside the pickers' others: the ledgers
// (GET /v1/ledger, /v1/ledger/{id}) and the cost centres (GET
// /v1/costcenter, /v1/costcenter/{id}).
//
// The ledgers are the dataset's ledger accounts (revenue ledgers 8000, 8010
// and 8020 of category VW, the debtor ledger 1300 Debiteuren of category
// DEB, ...). The dataset has no cost centres: the sandbox adds two of its
// own, both active and at the top of the tree. [inferred: a small
// installation company's split]

// CostCenter is CostCenterSearchResponse; FullPath is only in the answer by
// id (reference §5).
type CostCenter struct {
	ID          int32  `json:"id"`
	Description string `json:"description"`
	// ParentID is 0 for a cost centre at the top; the answer then omits it.
	// [inferred: the reference does not say how a root's parent shows]
	ParentID int32 `json:"parentId,omitempty"`
	Active   bool  `json:"active"`
}

// costCenterDetail is a cost centre by id: the list item plus its path.
type costCenterDetail struct {
	CostCenter
	FullPath string `json:"fullPath"`
}

// The demo administration's cost centres.
const (
	CostCenterInstallatie = 2201
	CostCenterOnderhoud   = 2202
)

func demoCostCenters() []CostCenter {
	return []CostCenter{
		{ID: CostCenterInstallatie, Description: "Installatie", Active: true},
		{ID: CostCenterOnderhoud, Description: "Service en onderhoud", Active: true},
	}
}

func init() {
	// The "not found" codes of the two resources (Appendix A).
	codeTitles["LEDG_011"] = "Ledger not found."
	codeTitles["COST_001"] = "Cost Center not found."
}

// ledgerFilters are GET /v1/ledger's parameters (§4.2): code and category,
// string filters.
var ledgerFilters = map[string]filterKind{"code": kindString, "category": kindString}

// costCenterFilters are GET /v1/costcenter's parameters (§4.2):
// description a string filter, parentId a number filter. [inferred: S1
// types parentId as a string, but the model's parentId is an int32; the
// sandbox refuses a parentId that is not a number]
var costCenterFilters = map[string]filterKind{"description": kindString, "parentId": kindInt}

// byID returns the indexes of n records in ascending id order (the order
// of the lists). [inferred]
func byID(n int, id func(i int) int32) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmpInt(int64(id(a)), int64(id(b))) })
	return idx
}

func (s *Server) listLedgers(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, ledgerFilters)
	if resp != nil {
		return resp
	}
	ls := s.st.Ledgers
	order := byID(len(ls), func(i int) int32 { return ls[i].ID })
	idx, total := page(len(ls), q, func(i int, p string) string {
		if p == "code" {
			return ls[order[i]].Code
		}
		return ls[order[i]].Category
	})
	out := listEnvelope[Ledger]{Items: []Ledger{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, ls[order[i]])
	}
	return jsonResponse(out)
}

func (s *Server) getLedger(c *call) *response {
	if id, ok := parseID(c.params[0]); ok {
		if l := s.st.ledger(id); l != nil {
			return jsonResponse(*l)
		}
	}
	return notFound("LEDG_011")
}

func (s *Server) listCostCenters(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, costCenterFilters)
	if resp != nil {
		return resp
	}
	cs := s.st.CostCenters
	order := byID(len(cs), func(i int) int32 { return cs[i].ID })
	idx, total := page(len(cs), q, func(i int, p string) string {
		if p == "description" {
			return cs[order[i]].Description
		}
		return strconv.Itoa(int(cs[order[i]].ParentID))
	})
	out := listEnvelope[CostCenter]{Items: []CostCenter{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, cs[order[i]])
	}
	return jsonResponse(out)
}

func (s *Server) getCostCenter(c *call) *response {
	if id, ok := parseID(c.params[0]); ok {
		if cc := s.st.costCenter(id); cc != nil {
			return jsonResponse(costCenterDetail{CostCenter: *cc, FullPath: s.st.costCenterPath(cc)})
		}
	}
	return notFound("COST_001")
}

func (st *State) costCenter(id int32) *CostCenter {
	for i := range st.CostCenters {
		if st.CostCenters[i].ID == id {
			return &st.CostCenters[i]
		}
	}
	return nil
}

// costCenterPath is the descriptions from the top of the tree down to cc,
// joined by " > ". [inferred: the reference names fullPath without its
// form] A parent that does not exist, or a loop, ends the path.
func (st *State) costCenterPath(cc *CostCenter) string {
	parts := []string{cc.Description}
	seen := map[int32]bool{cc.ID: true}
	for p := st.costCenter(cc.ParentID); p != nil && !seen[p.ID]; p = st.costCenter(p.ParentID) {
		seen[p.ID] = true
		parts = append([]string{p.Description}, parts...)
	}
	return strings.Join(parts, " > ")
}
