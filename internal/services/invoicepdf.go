package services

// This file owns the invoice overview's "Openen" (issue 18): the link to
// an invoice's PDF on e-Boekhouden's REST road. The SOAP road gives the
// link only with GetFacturen, a read of whole invoices that the overview
// does not make (the window says where to find the invoice instead).

import (
	"context"
	"fmt"

	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// InvoicePDF reads the link to the PDF of the invoice with this number
// (REST road: the invoice list, then the invoice itself when the list
// holds none). Refused credentials and e-Boekhouden out of reach are a
// *report.LoginProblem in the error's chain; secrets are scrubbed.
func InvoicePDF(ctx context.Context, c secrets.Credentials, ep Endpoints, number string) (string, error) {
	if !c.EBoekhoudenREST() {
		return "", fmt.Errorf("invoice %s: %w (SOAP road)", number, report.ErrNoPDFLink)
	}
	cl, err := RESTClient(c, ep)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, pickersTimeout)
	defer cancel()
	books := restroad.New(cl, restroad.Options{})
	defer books.Close(context.WithoutCancel(ctx))
	link, found, err := books.InvoicePDF(ctx, number)
	if err != nil {
		return "", restProblem("read the PDF link of invoice "+number, err, redact.New(c.Secrets()...))
	}
	if !found || link == "" {
		return "", fmt.Errorf("invoice %s: %w", number, report.ErrNoPDFLink)
	}
	return link, nil
}
