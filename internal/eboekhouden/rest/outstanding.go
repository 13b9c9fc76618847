package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// This file owns the open items: GET /v1/mutation/invoice/outstanding
// (§4.2, OutstandingInvoiceListItem), read whole, page by page.

// Outstanding is one open item: a booked invoice not paid in full. An
// invoice that is paid in full, or was never booked (made without a
// mutation), is absent from the list [inferred: reference §11].
type Outstanding struct {
	Date          time.Time
	MutationID    int64
	InvoiceNumber string
	RelationID    int64
	RelationCode  string
	Company       string
	Total         decimal.Decimal // incl. VAT
	Paid          decimal.Decimal
	Open          decimal.Decimal
}

// Open item kinds of credDeb.
const (
	Debtors   = "D"
	Creditors = "C"
)

type wireOutstanding struct {
	Date              json.RawMessage `json:"date"`
	MutationID        int64           `json:"mutationId"`
	InvoiceNumber     string          `json:"invoiceNumber"`
	RelationID        int64           `json:"relationId"`
	RelationCode      string          `json:"relationCode"`
	Company           string          `json:"company"`
	TotalAmount       json.RawMessage `json:"totalAmount"`
	PaidAmount        json.RawMessage `json:"paidAmount"`
	OutstandingAmount json.RawMessage `json:"outstandingAmount"`
}

// ListOutstanding returns every open item of credDeb (Debtors or
// Creditors): one call per page. A list that cannot be read whole is an
// error, never a shorter list (an absent invoice would read as paid).
func (c *Client) ListOutstanding(ctx context.Context, credDeb string) ([]Outstanding, error) {
	if credDeb != Debtors && credDeb != Creditors {
		return nil, fmt.Errorf("e-Boekhouden REST GET /v1/mutation/invoice/outstanding: %w: credDeb %q is not C or D", ErrInvalid, credDeb)
	}
	return listAll(ctx, c, "/v1/mutation/invoice/outstanding", "open item", []Filter{{Param: "credDeb", Value: credDeb}}, parseOutstanding, func(v Outstanding) int64 { return v.MutationID })
}

func parseOutstanding(raw json.RawMessage) (Outstanding, error) {
	var w wireOutstanding
	if err := unmarshalRecord(raw, &w); err != nil {
		return Outstanding{MutationID: w.MutationID}, err
	}
	o := Outstanding{MutationID: w.MutationID, InvoiceNumber: w.InvoiceNumber, RelationID: w.RelationID,
		RelationCode: w.RelationCode, Company: w.Company}
	var err error
	if o.Date, err = parseDate("date", w.Date); err != nil {
		return o, err
	}
	if o.InvoiceNumber == "" {
		return o, &fieldError{field: "invoiceNumber", err: fmt.Errorf("an open item without an invoice number")}
	}
	for _, m := range []struct {
		field string
		raw   json.RawMessage
		to    *decimal.Decimal
	}{{"totalAmount", w.TotalAmount, &o.Total}, {"paidAmount", w.PaidAmount, &o.Paid}, {"outstandingAmount", w.OutstandingAmount, &o.Open}} {
		d, err := parseMoney(m.field, m.raw)
		if err != nil {
			return o, err
		}
		if d == nil {
			// An amount left out cannot be read as zero: zero open is "paid".
			return o, &fieldError{field: m.field, err: fmt.Errorf("the amount is missing")}
		}
		*m.to = *d
	}
	return o, nil
}
