package backend

// This file owns the invoice overview's part of the Backend (issue 18):
// the rows from the store, and the PDF link, read once per invoice and
// kept.

import (
	"context"
	"time"

	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Invoices returns the invoice overview with the payment status of the
// last run (the store only); today decides what is overdue.
func (p *Parts) Invoices(ctx context.Context) ([]store.InvoiceRow, error) {
	now := time.Now()
	return p.Store.InvoiceOverview(ctx, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
}

// InvoicePDF returns the link to an invoice's PDF: the kept one, else read
// from e-Boekhouden (REST road) and kept. On the SOAP road it is
// report.ErrNoPDFLink.
func (p *Parts) InvoicePDF(ctx context.Context, number string) (string, error) {
	kept, err := p.Store.InvoiceStatuses(ctx)
	if err != nil {
		return "", err
	}
	if link := kept[number].PDFURL; link != "" {
		return link, nil
	}
	c, err := p.Credentials()
	if err != nil {
		return "", err
	}
	link, err := services.InvoicePDF(ctx, c, p.Endpoints, number)
	if err != nil {
		return "", err
	}
	// Kept for the next time; a failure to keep it costs a read then.
	_ = p.Store.SaveInvoicePDF(ctx, number, link)
	return link, nil
}
