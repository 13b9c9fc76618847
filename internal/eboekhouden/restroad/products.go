package restroad

import (
	"context"
	"errors"
	"fmt"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns products: the list and its details as eboekhouden
// products (unit text, ledger code, both prices), and the look-ups by code,
// group and id.

var productDetails = detailRead[rest.ProductRef, rest.Product]{
	kind: KindProduct,
	id:   func(r rest.ProductRef) int64 { return r.ID },
	code: func(r rest.ProductRef) string { return r.Code },
	// The list item carries code, description, unit and the active flag:
	// a change of any of them is read at once.
	changed: func(ref rest.ProductRef, rec rest.Product) bool { return ref != rec.ProductRef },
}

// Products returns the products f asks for: every product for the zero
// filter (all pages, no cap), or those with f's code, group code or id.
// Search terms (Description, GroupDescription) are not supported: the
// engine needs them only to read a capped road in parts.
func (b *Books) Products(ctx context.Context, f eboekhouden.ProductFilter) ([]eboekhouden.Product, error) {
	if f.Description != "" || f.GroupDescription != "" {
		return nil, fmt.Errorf("e-Boekhouden REST products: %w: search terms (description) are not used on the REST road", eboekhouden.ErrInvalid)
	}
	recs, err := b.readProducts(ctx, f)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]eboekhouden.Product, 0, len(recs))
	for _, p := range recs {
		if (f.Code != "" && p.Code != f.Code) || (f.ID != 0 && p.ID != f.ID) {
			continue
		}
		conv, err := b.productFromREST(ctx, p)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, conv)
	}
	return out, nil
}

func (b *Books) readProducts(ctx context.Context, f eboekhouden.ProductFilter) ([]rest.Product, error) {
	if f.ID != 0 {
		p, err := b.c.GetProduct(ctx, f.ID)
		b.count(KindProduct, 1)
		switch {
		case errors.Is(err, rest.ErrNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		}
		return []rest.Product{p}, nil
	}
	var filters []rest.Filter
	if f.Code != "" {
		filters = append(filters, rest.Filter{Param: "code", Value: f.Code})
	}
	if f.GroupCode != "" {
		filters = append(filters, rest.Filter{Param: "groupCode", Value: f.GroupCode})
	}
	refs, err := b.c.ListProducts(ctx, filters...)
	if err != nil {
		return nil, err
	}
	d := productDetails
	d.get = b.c.GetProduct
	if len(filters) > 0 {
		return readDetailsNow(ctx, b, d, refs)
	}
	return readAll(ctx, b, d, refs)
}

// productFromREST converts a REST product (§7 Product): the unit id
// becomes the unit's singular (the engine knows hour types by "uur"), the
// ledger id its code, and the price the other of excl./incl. VAT computed
// with the VAT code's rate. GroupCode and GroupDescription stay empty (the
// product carries only a group id; the engine does not use them).
func (b *Books) productFromREST(ctx context.Context, p rest.Product) (eboekhouden.Product, error) {
	out := eboekhouden.Product{ID: p.ID, Code: p.Code, Description: p.Description, VATCode: p.VATCode,
		CostCentreID: p.CostCenterID, Active: p.Active}
	var err error
	if out.Unit, err = b.unitName(ctx, p.UnitID); err != nil {
		return out, fmt.Errorf("product %s: %w", p.Code, err)
	}
	if out.LedgerCode, err = b.ledgerCode(ctx, p.LedgerID); err != nil {
		return out, fmt.Errorf("product %s: %w", p.Code, err)
	}
	if p.PurchasePriceExcl != nil {
		out.PurchasePrice = *p.PurchasePriceExcl
	}
	pct, known := vatPercent[p.VATCode]
	if known {
		out.VATRate = decimal.New(pct, 2)
	}
	switch {
	case p.PriceExcl != nil:
		out.SalePrice = *p.PriceExcl
		if known {
			out.SalePriceInclVAT, err = p.PriceExcl.MulDivRound(100+pct, 100, 2)
		}
	case p.PriceIncl != nil:
		out.SalePriceInclVAT = *p.PriceIncl
		if !known {
			return out, fmt.Errorf("product %s: %w: a price incl. VAT with VAT code %q, whose rate is not known",
				p.Code, rest.ErrUnreadable, p.VATCode)
		}
		// Four places, as the SOAP road's prices may carry [inferred].
		out.SalePrice, err = p.PriceIncl.MulDivRound(100, 100+pct, 4)
	}
	if err != nil {
		return out, fmt.Errorf("product %s: %w: %w", p.Code, rest.ErrUnreadable, err)
	}
	return out, nil
}

// vatPercent is the rate of each sales VAT code of the REST enum (§8)
// whose rate is fixed; the others (AFW, AFW_VERK) have none.
// [inferred: rates as the store's VAT table has them]
var vatPercent = map[string]int64{
	"HOOG_VERK_21": 21, "LAAG_VERK_9": 9, "VERL_VERK": 0, "VERL_VERK_L9": 0, "BU_EU_VERK": 0,
	"BI_EU_VERK": 0, "BI_EU_VERK_D": 0, "AFST_VERK": 0, "GEEN": 0,
}
