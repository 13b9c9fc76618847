package ebrest

import (
	"unicode/utf8"
)

// This file owns /v1/product: the list, the look-up by id and create.

// productFilters are GET /v1/product's filterable parameters (§4.2).
var productFilters = map[string]filterKind{"code": kindString, "groupCode": kindString}

// productListItem is ProductListItem.
type productListItem struct {
	ID          int32  `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	UnitID      int32  `json:"unitId,omitempty"`
	Active      bool   `json:"active"`
}

func (s *Server) listProducts(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, productFilters)
	if resp != nil {
		return resp
	}
	ps := s.st.Products
	idx, total := page(len(ps), q, func(i int, p string) string {
		if p == "code" {
			return ps[i].Code
		}
		return ps[i].GroupCode
	})
	out := listEnvelope[productListItem]{Items: []productListItem{}, Count: total}
	for _, i := range idx {
		p := ps[i]
		out.Items = append(out.Items, productListItem{ID: p.ID, Code: p.Code, Description: p.Description, UnitID: p.UnitID, Active: p.Active})
	}
	return jsonResponse(out)
}

func (s *Server) getProduct(c *call) *response {
	if id, ok := parseID(c.params[0]); ok {
		for _, p := range s.st.Products {
			if p.ID == id {
				return jsonResponse(p)
			}
		}
	}
	return notFound("ART_001")
}

// createProductRequest is CreateProduct.
type createProductRequest struct {
	Code              *string  `json:"code"`
	Description       *string  `json:"description"`
	UnitID            *int32   `json:"unitId"`
	Active            *bool    `json:"active"`
	GroupID           *int32   `json:"groupId"`
	PurchasePriceExcl *float64 `json:"purchasePriceExcl"`
	PriceExcl         *float64 `json:"priceExcl"`
	PriceIncl         *float64 `json:"priceIncl"`
	Vat               *string  `json:"vat"`
	LedgerID          *int32   `json:"ledgerId"`
	CostCenterID      *int32   `json:"costCenterId"`
	InStockManagement *bool    `json:"inStockManagement"`
}

// VAT codes by type (reference §8). AFW is taken as a purchase code, the
// BE_* codes of Belgian administrations are unknown to the sandbox's Dutch
// administration. [inferred]
var (
	saleVATCodes = map[string]bool{
		"HOOG_VERK_21": true, "LAAG_VERK_9": true, "VERL_VERK": true, "VERL_VERK_L9": true,
		"BU_EU_VERK": true, "BI_EU_VERK": true, "BI_EU_VERK_D": true, "AFST_VERK": true,
		"AFW_VERK": true, "GEEN": true, "LAAG_VERK": true,
	}
	purchaseVATCodes = map[string]bool{
		"LAAG_INK_9": true, "HOOG_INK_21": true, "VERL_INK": true, "AFW": true, "BU_EU_INK": true,
		"BI_EU_INK": true, "LAAG_INK": true, "VERL_INK_L9": true, "VERL_INK_L": true,
	}
)

// maxPrice bounds every product price (ART_024..032).
const maxPrice = 999999999999.00

// validate checks a create request and returns the first refusal. Product
// groups and cost centres are not modelled yet, so any groupId (ART_012) or
// costCenterId (ART_015) is unknown. [inferred]
func (q *createProductRequest) validate(st *State) *response {
	switch {
	case q.Code == nil || *q.Code == "":
		return validation("ART_004", "code")
	case utf8.RuneCountInString(*q.Code) > 20:
		return validation("ART_007", "code")
	case q.Description == nil || *q.Description == "":
		return validation("ART_005", "description")
	case utf8.RuneCountInString(*q.Description) > 35000:
		return validation("ART_008", "description")
	case q.Vat == nil || *q.Vat == "":
		return validation("ART_017", "vat")
	case purchaseVATCodes[*q.Vat]:
		return validation("ART_023", "vat")
	case !saleVATCodes[*q.Vat]:
		return validation("ART_013", "vat")
	case q.LedgerID == nil:
		return validation("ART_006", "ledgerId")
	case st.ledger(*q.LedgerID) == nil:
		return validation("ART_009", "ledgerId")
	case st.ledger(*q.LedgerID).Category != "BAL" && st.ledger(*q.LedgerID).Category != "VW":
		return validation("ART_028", "ledgerId")
	case q.UnitID != nil && st.unit(*q.UnitID) == nil:
		return validation("ART_011", "unitId")
	case q.GroupID != nil:
		return validation("ART_012", "groupId")
	case q.CostCenterID != nil:
		return validation("ART_015", "costCenterId")
	}
	return q.validatePrices()
}

func (q *createProductRequest) validatePrices() *response {
	switch {
	case q.PriceExcl != nil && q.PriceIncl != nil:
		return validation("ART_016", "priceIncl")
	case q.PriceExcl == nil && q.PriceIncl == nil:
		return validation("ART_018", "priceExcl")
	}
	for _, p := range []struct {
		prop, above, below string
		v                  *float64
	}{
		{"priceExcl", "ART_024", "ART_029", q.PriceExcl},
		{"priceIncl", "ART_025", "ART_030", q.PriceIncl},
		{"purchasePriceExcl", "ART_027", "ART_032", q.PurchasePriceExcl},
	} {
		switch {
		case p.v != nil && *p.v > maxPrice:
			return validation(p.above, p.prop)
		case p.v != nil && *p.v < -maxPrice:
			return validation(p.below, p.prop)
		}
	}
	return nil
}

// createProduct answers POST /v1/product with {id}. A product is active
// unless active is false. [inferred]
func (s *Server) createProduct(c *call) *response {
	var q createProductRequest
	if resp := decodeStrict(c, &q); resp != nil {
		return resp
	}
	if resp := q.validate(&s.st); resp != nil {
		return resp
	}
	var hi int32
	for _, p := range s.st.Products {
		hi = max(hi, p.ID)
	}
	p := Product{ID: hi + 1, Code: *q.Code, Description: *q.Description, Active: q.Active == nil || *q.Active,
		PurchasePriceExcl: clonePtr(q.PurchasePriceExcl), PriceExcl: clonePtr(q.PriceExcl), PriceIncl: clonePtr(q.PriceIncl),
		Vat: *q.Vat, LedgerID: *q.LedgerID, InStockManagement: q.InStockManagement != nil && *q.InStockManagement}
	if q.UnitID != nil {
		p.UnitID = *q.UnitID
	}
	s.st.Products = append(s.st.Products, p)
	return jsonResponse(struct {
		ID int32 `json:"id"`
	}{p.ID})
}
