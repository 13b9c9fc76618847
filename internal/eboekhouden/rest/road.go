package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/decimal"
)

// This file owns the calls the engine's REST road needs beyond the reads
// and the invoice create of reads.go and invoices.go: creating a relation
// (POST /v1/relation), the invoice list with its filters (GET /v1/invoice)
// and one invoice with its lines (GET /v1/invoice/{id}).

func init() {
	// The invoice list's filter parameters (§4.2); kept beside the calls
	// that use them, so that reads.go's table stays the lists it reads.
	listParams["/v1/invoice"] = []string{"invoiceNumber", "relationId", "date"}
}

// CodeRelationCodeInUse is REL_049 "Code already exists." (Appendix A).
const CodeRelationCodeInUse = "REL_049"

// NewRelation is a relation to create (§7 CreateRelation). Name is
// required; empty optional fields are not sent.
type NewRelation struct {
	Type                      string // "B" (default) or "P"
	Code                      string // at most 15; empty: the server picks one
	Name                      string // required, at most 100
	Salutation                string
	Contact                   string
	Gender                    string // "m", "v", "a" or empty
	Address, PostalCode       string
	City, Country             string
	Address2, PostalCode2     string
	City2, Country2           string
	Phone, Mobile, Fax        string
	Email                     string
	Website                   string
	Note                      string
	VATNumber                 string
	CompanyRegistrationNumber string
	IBAN, BIC                 string
	FreeText                  [10]string
	LedgerID                  int64 // 0: none
}

type wireNewRelation struct {
	Type                      string `json:"type,omitempty"`
	Code                      string `json:"code,omitempty"`
	Name                      string `json:"name"`
	Salutation                string `json:"salutation,omitempty"`
	Contact                   string `json:"contact,omitempty"`
	Gender                    string `json:"gender,omitempty"`
	Address                   string `json:"address,omitempty"`
	PostalCode                string `json:"postalCode,omitempty"`
	City                      string `json:"city,omitempty"`
	Country                   string `json:"country,omitempty"`
	Address2                  string `json:"address2,omitempty"`
	PostalCode2               string `json:"postalCode2,omitempty"`
	City2                     string `json:"city2,omitempty"`
	Country2                  string `json:"country2,omitempty"`
	PhoneNumber               string `json:"phoneNumber,omitempty"`
	MobilePhoneNumber         string `json:"mobilePhoneNumber,omitempty"`
	FaxNumber                 string `json:"faxNumber,omitempty"`
	EmailAddress              string `json:"emailAddress,omitempty"`
	Website                   string `json:"website,omitempty"`
	Note                      string `json:"note,omitempty"`
	VATNumber                 string `json:"vatNumber,omitempty"`
	CompanyRegistrationNumber string `json:"companyRegistrationNumber,omitempty"`
	IBAN                      string `json:"iban,omitempty"`
	BIC                       string `json:"bic,omitempty"`
	FreeText1                 string `json:"freeText1,omitempty"`
	FreeText2                 string `json:"freeText2,omitempty"`
	FreeText3                 string `json:"freeText3,omitempty"`
	FreeText4                 string `json:"freeText4,omitempty"`
	FreeText5                 string `json:"freeText5,omitempty"`
	FreeText6                 string `json:"freeText6,omitempty"`
	FreeText7                 string `json:"freeText7,omitempty"`
	FreeText8                 string `json:"freeText8,omitempty"`
	FreeText9                 string `json:"freeText9,omitempty"`
	FreeText10                string `json:"freeText10,omitempty"`
	LedgerID                  int64  `json:"ledgerId,omitempty"`
}

func (r *NewRelation) wire() wireNewRelation {
	return wireNewRelation{
		Type: r.Type, Code: r.Code, Name: r.Name, Salutation: r.Salutation, Contact: r.Contact, Gender: r.Gender,
		Address: r.Address, PostalCode: r.PostalCode, City: r.City, Country: r.Country,
		Address2: r.Address2, PostalCode2: r.PostalCode2, City2: r.City2, Country2: r.Country2,
		PhoneNumber: r.Phone, MobilePhoneNumber: r.Mobile, FaxNumber: r.Fax, EmailAddress: r.Email,
		Website: r.Website, Note: r.Note, VATNumber: r.VATNumber, CompanyRegistrationNumber: r.CompanyRegistrationNumber,
		IBAN: r.IBAN, BIC: r.BIC, FreeText1: r.FreeText[0], FreeText2: r.FreeText[1], FreeText3: r.FreeText[2],
		FreeText4: r.FreeText[3], FreeText5: r.FreeText[4], FreeText6: r.FreeText[5], FreeText7: r.FreeText[6],
		FreeText8: r.FreeText[7], FreeText9: r.FreeText[8], FreeText10: r.FreeText[9], LedgerID: r.LedgerID,
	}
}

// CreateRelation creates a relation (POST /v1/relation) and returns its id
// and code (§5.1). A code that exists is an *APIError with
// CodeRelationCodeInUse; a write whose answer was lost matches
// ErrOutcomeUnknown (relation codes are unique, so looking the code up
// settles it). Like every write it is repeated only after HTTP 429 or a
// refused session.
func (c *Client) CreateRelation(ctx context.Context, r NewRelation) (RelationRef, error) {
	const op = "POST /v1/relation"
	switch {
	case strings.TrimSpace(r.Name) == "":
		return RelationRef{}, fmt.Errorf("e-Boekhouden REST %s: %w: no name", op, ErrInvalid)
	case utf8.RuneCountInString(r.Code) > 15:
		return RelationRef{}, fmt.Errorf("e-Boekhouden REST %s: %w: code %q is longer than 15 characters", op, ErrInvalid, r.Code)
	}
	body, err := json.Marshal(r.wire())
	if err != nil {
		return RelationRef{}, fmt.Errorf("e-Boekhouden REST %s: %w", op, err)
	}
	var out RelationRef
	err = c.call(ctx, request{method: http.MethodPost, path: "/v1/relation", body: body, write: true, decode: func(data []byte) error {
		var w struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		}
		if err := unmarshalRecord(data, &w); err != nil {
			var fe *fieldError
			if errors.As(err, &fe) {
				if syn, ok := fe.err.(*json.SyntaxError); ok {
					return syn
				}
			}
			return recordError(op, "created relation", -1, 0, err)
		}
		if w.ID <= 0 {
			return &RecordError{Op: op, Kind: "created relation", Index: -1, Field: "id", Err: errors.New("missing")}
		}
		out = RelationRef{ID: w.ID, Type: r.Type, Code: w.Code}
		if out.Code == "" {
			out.Code = r.Code
		}
		return nil
	}})
	if err != nil {
		return RelationRef{}, err
	}
	return out, nil
}

// ListInvoices returns every invoice of the list (GET /v1/invoice),
// optionally filtered (invoiceNumber, relationId, date; §4.2), without
// lines: GetInvoice has them. A list that cannot be read whole is an error.
func (c *Client) ListInvoices(ctx context.Context, filters ...Filter) ([]InvoiceSummary, error) {
	return listAll(ctx, c, "/v1/invoice", "invoice", filters, parseInvoiceSummary, func(v InvoiceSummary) int64 { return v.ID })
}

// Invoice is one invoice with its lines, as GET /v1/invoice/{id} returns
// it (§7 Invoice).
type Invoice struct {
	InvoiceSummary
	InclVAT bool // inExVat "IN": the lines' prices include VAT
	Lines   []InvoiceItem
}

// InvoiceItem is a line of an existing invoice (§7 InvoiceItem).
type InvoiceItem struct {
	Quantity     decimal.Decimal
	UnitID       int64
	ProductID    int64
	Code         string
	Description  string
	PricePerUnit decimal.Decimal
	VATCode      string
	LedgerID     int64
	CostCenterID int64
}

type wireInvoiceItem struct {
	Quantity     json.RawMessage `json:"quantity"`
	Amount       json.RawMessage `json:"amount"`
	UnitID       *int64          `json:"unitId"`
	ProductID    *int64          `json:"productId"`
	Code         string          `json:"code"`
	Description  string          `json:"description"`
	PricePerUnit json.RawMessage `json:"pricePerUnit"`
	VATCode      string          `json:"vatCode"`
	LedgerID     int64           `json:"ledgerId"`
	CostCenterID *int64          `json:"costCenterId"`
}

// GetInvoice returns one invoice with its lines (GET /v1/invoice/{id});
// ErrNotFound when there is none.
func (c *Client) GetInvoice(ctx context.Context, id int64) (Invoice, error) {
	var inv Invoice
	err := c.get(ctx, "/v1/invoice", "invoice", id, func(raw json.RawMessage) (int64, error) {
		var err error
		inv, err = parseInvoice(raw)
		return inv.ID, err
	})
	if err != nil {
		return Invoice{}, err
	}
	return inv, nil
}

func parseInvoice(raw json.RawMessage) (Invoice, error) {
	s, err := parseInvoiceSummary(raw)
	if err != nil {
		return Invoice{InvoiceSummary: s}, err
	}
	var w struct {
		InExVat string            `json:"inExVat"`
		Items   []wireInvoiceItem `json:"items"`
	}
	if err := unmarshalRecord(raw, &w); err != nil {
		return Invoice{InvoiceSummary: s}, err
	}
	inv := Invoice{InvoiceSummary: s, InclVAT: w.InExVat == "IN"}
	for i, it := range w.Items {
		l := InvoiceItem{UnitID: deref(it.UnitID), ProductID: deref(it.ProductID), Code: it.Code,
			Description: it.Description, VATCode: it.VATCode, LedgerID: it.LedgerID, CostCenterID: deref(it.CostCenterID)}
		// quantity, or its older alias amount (§7).
		qraw := it.Quantity
		if len(qraw) == 0 || string(qraw) == "null" {
			qraw = it.Amount
		}
		q, err := parseMoney(fmt.Sprintf("items[%d].quantity", i), qraw)
		if err != nil {
			return inv, err
		}
		p, err := parseMoney(fmt.Sprintf("items[%d].pricePerUnit", i), it.PricePerUnit)
		if err != nil {
			return inv, err
		}
		if q != nil {
			l.Quantity = *q
		}
		if p != nil {
			l.PricePerUnit = *p
		}
		inv.Lines = append(inv.Lines, l)
	}
	return inv, nil
}
