package eboekhouden

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaguinho/gosoap"
)

// This file owns the operations: one method per SOAP call, with the input
// checks that can be made before anything is sent.

// Relations returns the relations matching f (GetRelaties). A read: retried
// on transient failures.
func (c *Client) Relations(ctx context.Context, f RelationFilter) ([]Relation, error) {
	var out getRelatiesResponse
	err := c.call(ctx, opGetRelaties, false, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"cFilter", relationFilterParams(f)})
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetRelaties: %w", err)
	}
	rels, err := out.relations()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetRelaties: %w: %w", errMalformed, err))
	}
	return rels, nil
}

// AddRelation adds a relation (AddRelatie) and returns its new ID. A write:
// never retried once sent; ErrOutcomeUnknown means look the code up with
// Relations before trying again. CREL001 matches ErrRelationCodeInUse.
func (c *Client) AddRelation(ctx context.Context, r Relation) (int64, error) {
	if err := checkRelation(r, true); err != nil {
		return 0, fmt.Errorf("AddRelatie for relation %s: %w", clip(r.Code), err)
	}
	added := r.AddedOn
	if added.IsZero() {
		now := c.now()
		added = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	var out addRelatieResponse
	err := c.call(ctx, opAddRelatie, true, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"oRel", relationParams(r, added)})
	}, &out)
	if err != nil {
		return 0, fmt.Errorf("AddRelatie for relation %s: %w", r.Code, err)
	}
	id, perr := parseLong("Rel_ID", out.Result.RelID) // Result is present: call checked it
	if perr != nil || id <= 0 {
		// The service accepted the call but the answer names no relation:
		// whether it was added is unknown.
		cause := fmt.Errorf("%w: Rel_ID %q", errMalformed, clip(out.Result.RelID))
		return 0, c.clean(fmt.Errorf("AddRelatie for relation %s: %w", r.Code, withKind(ErrOutcomeUnknown, cause)))
	}
	return id, nil
}

// UpdateRelation overwrites a relation (UpdateRelatie) with the full record
// r: read it with Relations, change it, send it back. r.ID must be set. A
// write: never retried once sent.
func (c *Client) UpdateRelation(ctx context.Context, r Relation) error {
	if err := checkRelation(r, false); err != nil {
		return fmt.Errorf("UpdateRelatie for relation %s: %w", clip(r.Code), err)
	}
	added := r.AddedOn
	if added.IsZero() {
		now := c.now()
		added = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	var out updateRelatieResponse
	err := c.call(ctx, opUpdateRelatie, true, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"oRel", relationParams(r, added)})
	}, &out)
	if err != nil {
		return fmt.Errorf("UpdateRelatie for relation %s: %w", r.Code, err)
	}
	return nil
}

// Products returns the articles matching f (GetArtikelen). A read.
func (c *Client) Products(ctx context.Context, f ProductFilter) ([]Product, error) {
	var out getArtikelenResponse
	err := c.call(ctx, opGetArtikelen, false, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"cFilter", productFilterParams(f)})
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetArtikelen: %w", err)
	}
	products, err := out.products()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetArtikelen: %w: %w", errMalformed, err))
	}
	return products, nil
}

// AddInvoice creates an invoice (AddFactuur) and returns its number. A
// write: never retried once sent. On ErrOutcomeUnknown, look the invoice up
// (Invoices by number, or by relation and date) before trying again.
func (c *Client) AddInvoice(ctx context.Context, inv Invoice) (string, error) {
	if err := checkInvoice(inv); err != nil {
		return "", fmt.Errorf("AddFactuur for relation %s: %w", clip(inv.RelationCode), err)
	}
	var out addFactuurResponse
	err := c.call(ctx, opAddFactuur, true, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"oFact", invoiceParams(inv)})
	}, &out)
	if err != nil {
		return "", fmt.Errorf("AddFactuur for relation %s: %w", inv.RelationCode, err)
	}
	number := strings.TrimSpace(out.Result.Number) // Result is present: call checked it
	if number == "" {
		cause := fmt.Errorf("%w: no Factuurnummer in the answer", errMalformed)
		return "", c.clean(fmt.Errorf("AddFactuur for relation %s: %w", inv.RelationCode, withKind(ErrOutcomeUnknown, cause)))
	}
	return number, nil
}

// Invoices returns the invoices matching f (GetFacturen) with their lines
// and totals. A read.
func (c *Client) Invoices(ctx context.Context, f InvoiceFilter) ([]InvoiceSummary, error) {
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return nil, fmt.Errorf("GetFacturen: %w: date range ends before it starts", ErrInvalid)
	}
	var out getFacturenResponse
	err := c.call(ctx, opGetFacturen, false, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"cFilter", invoiceFilterParams(f)})
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetFacturen: %w", err)
	}
	invoices, err := out.invoices()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetFacturen: %w: %w", errMalformed, err))
	}
	return invoices, nil
}

// OpenItems returns the open debtor or creditor items (GetOpenPosten). The
// service has no filter: filter on the result. A read.
func (c *Client) OpenItems(ctx context.Context, kind OpenItemKind) ([]OpenItem, error) {
	soort, ok := openItemKindToWire(kind)
	if !ok {
		return nil, fmt.Errorf("GetOpenPosten: %w: open item kind %q", ErrInvalid, clip(string(kind)))
	}
	var out getOpenPostenResponse
	err := c.call(ctx, opGetOpenPosten, false, func(s string) gosoap.ArrayParams {
		return append(authParams(s, c.creds.SecurityCode2), param{"OpSoort", soort})
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetOpenPosten: %w", err)
	}
	items, err := out.openItems()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetOpenPosten: %w: %w", errMalformed, err))
	}
	return items, nil
}

// Input checks. Lengths are the manual's maxima as transcribed in §5 of the
// reference notes, counted in characters. [client]

type lengthRule struct {
	field string
	value string
	max   int
}

func checkLengths(rules []lengthRule) error {
	for _, r := range rules {
		if n := utf8.RuneCountInString(r.value); n > r.max {
			return fmt.Errorf("%w: %s is %d characters, at most %d allowed", ErrInvalid, r.field, n, r.max)
		}
	}
	return nil
}

func checkRelation(r Relation, add bool) error {
	switch {
	case add && r.ID != 0:
		return fmt.Errorf("%w: a new relation has ID 0, not %d", ErrInvalid, r.ID)
	case !add && r.ID <= 0:
		return fmt.Errorf("%w: relation ID is required for an update (read the relation first)", ErrInvalid)
	case strings.TrimSpace(r.Code) == "":
		return fmt.Errorf("%w: relation code is required", ErrInvalid)
	case strings.TrimSpace(r.Company) == "":
		return fmt.Errorf("%w: relation company (Bedrijf) is required", ErrInvalid)
	case add && r.Kind != RelationBusiness && r.Kind != RelationPrivate:
		return fmt.Errorf("%w: relation kind must be business or private, not %q", ErrInvalid, clip(string(r.Kind)))
	}
	return checkLengths([]lengthRule{
		{"Code", r.Code, 15}, {"Company", r.Company, 100}, {"ContactPerson", r.ContactPerson, 150},
		{"Gender", r.Gender, 1}, {"Address", r.Address, 150}, {"PostalCode", r.PostalCode, 50},
		{"City", r.City, 50}, {"Country", r.Country, 50}, {"PostalAddress", r.PostalAddress, 150},
		{"PostalAddressPostalCode", r.PostalAddressPostalCode, 50}, {"PostalAddressCity", r.PostalAddressCity, 50},
		{"PostalAddressCountry", r.PostalAddressCountry, 50}, {"Phone", r.Phone, 50}, {"Mobile", r.Mobile, 50},
		{"Fax", r.Fax, 50}, {"Email", r.Email, 150}, {"Website", r.Website, 50},
		{"BankAccount", r.BankAccount, 50}, {"GiroAccount", r.GiroAccount, 50}, {"VATNumber", r.VATNumber, 50},
		{"Salutation", r.Salutation, 50}, {"IBAN", r.IBAN, 50}, {"BIC", r.BIC, 50}, {"Kind", bpToWire(r.Kind), 1},
		{"Def1", r.Def1, 100}, {"Def2", r.Def2, 100}, {"Def3", r.Def3, 100}, {"Def4", r.Def4, 100},
		{"Def5", r.Def5, 100}, {"Def6", r.Def6, 100}, {"Def7", r.Def7, 100}, {"Def8", r.Def8, 100},
		{"Def9", r.Def9, 100}, {"Def10", r.Def10, 100}, {"MembersModule", r.MembersModule, 1},
	})
}

func checkInvoice(inv Invoice) error {
	switch {
	case strings.TrimSpace(inv.RelationCode) == "":
		return fmt.Errorf("%w: invoice relation code is required", ErrInvalid)
	case strings.TrimSpace(inv.Template) == "":
		return fmt.Errorf("%w: invoice template is required", ErrInvalid)
	case inv.Date.IsZero():
		return fmt.Errorf("%w: invoice date is required", ErrInvalid)
	case inv.Date.Year() < 1980 || inv.Date.Year() > 2049:
		return fmt.Errorf("%w: invoice date %s is outside 1980-2049", ErrInvalid, inv.Date.Format(time.DateOnly))
	case inv.PaymentTermDays < 0:
		return fmt.Errorf("%w: negative payment term", ErrInvalid)
	case len(inv.Lines) == 0:
		return fmt.Errorf("%w: an invoice needs at least one line", ErrInvalid)
	}
	if err := checkLengths([]lengthRule{
		{"Number", inv.Number, 50}, {"RelationCode", inv.RelationCode, 15}, {"Template", inv.Template, 50},
		{"EmailFromAddress", inv.EmailFromAddress, 150}, {"EmailFromName", inv.EmailFromName, 150},
		{"BookingDescription", inv.BookingDescription, 200},
	}); err != nil {
		return err
	}
	for i, l := range inv.Lines {
		var err error
		switch {
		case strings.TrimSpace(l.Code) == "":
			err = fmt.Errorf("%w: code is required", ErrInvalid)
		case strings.TrimSpace(l.Description) == "":
			err = fmt.Errorf("%w: description is required", ErrInvalid)
		case strings.TrimSpace(l.VATCode) == "":
			err = fmt.Errorf("%w: VAT code is required", ErrInvalid)
		case strings.TrimSpace(l.LedgerCode) == "":
			err = fmt.Errorf("%w: ledger code is required", ErrInvalid)
		default:
			err = checkLengths([]lengthRule{
				{"Unit", l.Unit, 50}, {"Code", l.Code, 50}, {"VATCode", l.VATCode, 12}, {"LedgerCode", l.LedgerCode, 10},
			})
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}
