package eboekhouden

// This file owns the ledger list (GetGrootboekrekeningen), which the
// settings' revenue ledger picker reads on the SOAP road (issue 17). The
// SOAP API has no list of invoice templates, so that setting stays typed.

import (
	"context"
	"fmt"

	"github.com/tiaguinho/gosoap"
)

const opGetGrootboekrekeningen = "GetGrootboekrekeningen"

// Ledger is a general ledger account (cGrootboekrekening).
type Ledger struct {
	ID          int64
	Code        string
	Description string // Omschrijving
	// Category is one of BAL, VW, AF6, AF19, AFOVERIG, VOOR, BTWRC, FIN,
	// DEB, CRED, AF (reference §4); VW is profit and loss.
	Category string
	Group    string // Groep
}

// LedgerFilter selects ledgers; zero fields do not filter.
type LedgerFilter struct {
	ID       int64
	Code     string
	Category string // Categorie, e.g. "VW"
}

// ledgerFilterParams is cGrootboekrekeningFilter in WSDL order; ID is
// always sent (minOccurs=1, 0 = any).
func ledgerFilterParams(f LedgerFilter) gosoap.ArrayParams {
	p := gosoap.ArrayParams{{"ID", formatLong(f.ID)}}
	p = optional(p, "Code", f.Code)
	return optional(p, "Categorie", f.Category)
}

// Ledgers returns the ledgers matching f (GetGrootboekrekeningen). A read.
func (c *Client) Ledgers(ctx context.Context, f LedgerFilter) ([]Ledger, error) {
	var out getGrootboekrekeningenResponse
	err := c.call(ctx, opGetGrootboekrekeningen, false, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"cFilter", ledgerFilterParams(f)})
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetGrootboekrekeningen: %w", err)
	}
	ledgers, err := out.ledgers()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetGrootboekrekeningen: %w: %w", errMalformed, err))
	}
	return ledgers, nil
}
