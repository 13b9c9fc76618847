package rest

import (
	"context"
	"encoding/json"
)

// This file owns the administration's set-up lists the settings pickers
// read: the ledgers (GET /v1/ledger) and the cost centres (GET
// /v1/costcenter), each also by id.

func init() {
	// The filter parameters of the two lists (§4.2); kept here, beside the
	// reads, so that reads.go's table stays the lists it reads.
	listParams["/v1/ledger"] = []string{"code", "category"}
	listParams["/v1/costcenter"] = []string{"parentId", "description"}
}

// Ledger categories (§6, the ledger category enum). A sales invoice's lines
// book on a profit-and-loss ledger (VW); its booking (the mutation block)
// on a debtor ledger (DEB) (§5.4).
const (
	LedgerCategoryProfitLoss = "VW"
	LedgerCategoryDebtors    = "DEB"
)

// Ledger is a general ledger account (§7 LedgerListItem and Ledger). Its ID
// is the ledgerId of an invoice line and of a booking; Code is the code a
// bookkeeper knows ("8000").
type Ledger struct {
	ID          int64
	Code        string
	Description string
	// Category is one of BAL, VW, AF6, AF19, AFOVERIG, VOOR, BTWRC, FIN,
	// DEB, CRED, AF (§6). The client does not refuse another value: a
	// category added later must not make the whole list unreadable
	// [inferred].
	Category string
	// Group is the ledger's group; the list carries it too, but the
	// reference advises reading it by id (§7 LedgerListItem).
	Group string
}

// CostCentre is a cost centre (§7 CostCenterSearchResponse); ParentID is 0
// for a cost centre at the top of the tree. FullPath is only in the answer
// of GET /v1/costcenter/{id} (§5).
type CostCentre struct {
	ID          int64
	Description string
	ParentID    int64
	Active      bool
	FullPath    string
}

type wireLedger struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Category    string `json:"category"`
	Group       string `json:"group"`
}

type wireCostCentre struct {
	ID          int64           `json:"id"`
	Description string          `json:"description"`
	ParentID    *int64          `json:"parentId"`
	Active      json.RawMessage `json:"active"`
	FullPath    string          `json:"fullPath"`
}

// parseLedger reads one ledger, of the list or by id. Every field is
// optional (§7); a field of the wrong JSON type is an error naming it.
func parseLedger(raw json.RawMessage) (Ledger, error) {
	var w wireLedger
	if err := unmarshalRecord(raw, &w); err != nil {
		return Ledger{ID: w.ID}, err
	}
	return Ledger(w), nil
}

// parseCostCentre reads one cost centre, of the list or by id. parentId is
// an int32 in the answer (§7) although S1 types the filter parameter as a
// string (§4.2); a string here is an error.
func parseCostCentre(raw json.RawMessage) (CostCentre, error) {
	var w wireCostCentre
	if err := unmarshalRecord(raw, &w); err != nil {
		return CostCentre{ID: w.ID}, err
	}
	cc := CostCentre{ID: w.ID, Description: w.Description, ParentID: deref(w.ParentID), FullPath: w.FullPath}
	var err error
	cc.Active, err = parseFlag("active", w.Active)
	return cc, err
}

// ListLedgers returns the ledgers (GET /v1/ledger), optionally filtered
// (code, category), e.g. Filter{Param: "category", Value: "VW"}.
func (c *Client) ListLedgers(ctx context.Context, filters ...Filter) ([]Ledger, error) {
	return listAll(ctx, c, "/v1/ledger", "ledger", filters, parseLedger, func(v Ledger) int64 { return v.ID })
}

// GetLedger returns one ledger (GET /v1/ledger/{id}); ErrNotFound when
// there is none.
func (c *Client) GetLedger(ctx context.Context, id int64) (Ledger, error) {
	var l Ledger
	err := c.get(ctx, "/v1/ledger", "ledger", id, func(raw json.RawMessage) (int64, error) {
		var err error
		l, err = parseLedger(raw)
		return l.ID, err
	})
	if err != nil {
		return Ledger{}, err
	}
	return l, nil
}

// ListCostCentres returns the cost centres (GET /v1/costcenter), active or
// not, optionally filtered (parentId, description). FullPath is empty: the
// list does not carry it.
func (c *Client) ListCostCentres(ctx context.Context, filters ...Filter) ([]CostCentre, error) {
	return listAll(ctx, c, "/v1/costcenter", "cost centre", filters, parseCostCentre, func(v CostCentre) int64 { return v.ID })
}

// GetCostCentre returns one cost centre with its full path (GET
// /v1/costcenter/{id}); ErrNotFound when there is none.
func (c *Client) GetCostCentre(ctx context.Context, id int64) (CostCentre, error) {
	var cc CostCentre
	err := c.get(ctx, "/v1/costcenter", "cost centre", id, func(raw json.RawMessage) (int64, error) {
		var err error
		cc, err = parseCostCentre(raw)
		return cc.ID, err
	})
	if err != nil {
		return CostCentre{}, err
	}
	return cc, nil
}
