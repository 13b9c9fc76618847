package restroad

import (
	"context"
	"fmt"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns the invoice overview's reads on the REST road (issue 18):
// the open items in the SOAP road's type, and an invoice's PDF link.

// OpenItems returns the open debtor or creditor items (GET
// /v1/mutation/invoice/outstanding, every page): the same values as the
// SOAP road's GetOpenPosten. A list that cannot be read whole is an error.
func (b *Books) OpenItems(ctx context.Context, kind eboekhouden.OpenItemKind) ([]eboekhouden.OpenItem, error) {
	credDeb := rest.Debtors
	switch kind {
	case eboekhouden.OpenItemsDebtors:
	case eboekhouden.OpenItemsCreditors:
		credDeb = rest.Creditors
	default:
		return nil, fmt.Errorf("open items: %w: kind %q", eboekhouden.ErrInvalid, kind)
	}
	list, err := b.c.ListOutstanding(ctx, credDeb)
	b.count("outstanding", 1)
	if err != nil {
		return nil, mapErr(fmt.Errorf("read the open items: %w", err))
	}
	out := make([]eboekhouden.OpenItem, 0, len(list))
	for _, o := range list {
		out = append(out, eboekhouden.OpenItem{Date: o.Date, InvoiceNumber: o.InvoiceNumber, RelationCode: o.RelationCode,
			RelationCompany: o.Company, Amount: o.Total.RoundCents(), Paid: o.Paid.RoundCents(), Outstanding: o.Open.RoundCents()})
	}
	return out, nil
}

// InvoicePDF returns the shareable link to the PDF of the invoice with this
// number: from the invoice list (one call), else from the invoice itself
// (one more). found is false when e-Boekhouden has no such invoice; an
// empty link with found true means e-Boekhouden gave none.
func (b *Books) InvoicePDF(ctx context.Context, number string) (url string, found bool, err error) {
	s, found, err := b.c.FindInvoice(ctx, number)
	if err != nil || !found {
		return "", found, mapErr(err)
	}
	if s.PDFURL != "" {
		return s.PDFURL, true, nil
	}
	inv, err := b.invoice(ctx, s.ID)
	if err != nil {
		return "", true, mapErr(err)
	}
	return inv.PDFURL, true, nil
}
