package report

import "errors"

// ErrNoPDFLink says e-Boekhouden gave no PDF link for an invoice of the
// invoice overview (issue 18): on the SOAP road Koppeling asks for none,
// on the REST road the invoice has none (or no longer exists). The window
// then says where to find the invoice in e-Boekhouden.
var ErrNoPDFLink = errors.New("e-Boekhouden gives no PDF link for this invoice")
