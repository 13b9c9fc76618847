package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// RelationRef is an item of the relation list: the list carries only the
// id, the type and the code (§5.1); GetRelation gives the rest.
type RelationRef struct {
	ID   int64
	Type string // "B" business, "P" private
	Code string
}

// Relation is a relation (customer or supplier) as GET /v1/relation/{id}
// returns it (§7 Relation). Absent fields are zero.
type Relation struct {
	ID                        int64
	Type                      string // "B" or "P"
	Code                      string
	Created                   time.Time // "date"; zero when absent
	Name                      string
	Salutation                string
	Contact                   string
	Gender                    string // "m", "v" or "a"
	Address, PostalCode       string
	City, Country             string
	Address2, PostalCode2     string
	City2, Country2           string
	Phone, Mobile, Fax        string
	Email                     string
	EmailInvoice              string
	EmailReminder             string
	Website                   string
	Note                      string
	VATNumber                 string
	Inactive                  bool
	TermOfPayment             *int // days; nil when absent (S3: omitted when empty)
	CompanyRegistrationNumber string
	IBAN, BIC                 string
	FreeText                  [10]string
	NoNewsletters             bool // doNotReceiveNewsletters (0/1 in the answer)
	LedgerID                  int64
	Mandate                   bool
	MandateType               string // "E" one-time or "D" continuous
	MandateID                 string
	MandateSigned             time.Time
}

// ProductRef is an item of the product list (§5.2).
type ProductRef struct {
	ID          int64
	Code        string
	Description string
	UnitID      int64
	Active      bool
}

// Product is a product (article) as GET /v1/product/{id} returns it (§7
// Product). A product has a price excluding or including VAT; the other is
// nil.
type Product struct {
	ProductRef
	GroupID           int64
	PurchasePriceExcl *decimal.Decimal
	PriceExcl         *decimal.Decimal
	PriceIncl         *decimal.Decimal
	VATCode           string // "vat", a sales code such as HOOG_VERK_21
	LedgerID          int64
	CostCenterID      int64
	InStockManagement bool
}

// Unit is a unit of measure (§5.3), e.g. "uur"/"uren".
type Unit struct {
	ID       int64
	Singular string
	Plural   string
}

// InvoiceTemplate is an invoice template (§5.3); its ID is the templateId
// of an invoice.
type InvoiceTemplate struct {
	ID     int64
	Name   string
	Active bool
	Type   string // "E" editor or "A" advanced; not in every version (§13)
}

// Wire records. Every field is optional (§6: empty fields are omitted);
// money, dates and flags are read by hand so that an error
// can name the field.

type wireRelationRef struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Code string `json:"code"`
}

type wireRelation struct {
	ID                        int64           `json:"id"`
	Type                      string          `json:"type"`
	Code                      string          `json:"code"`
	Date                      json.RawMessage `json:"date"`
	Name                      string          `json:"name"`
	Salutation                string          `json:"salutation"`
	Contact                   string          `json:"contact"`
	Gender                    string          `json:"gender"`
	Address                   string          `json:"address"`
	PostalCode                string          `json:"postalCode"`
	City                      string          `json:"city"`
	Country                   string          `json:"country"`
	Address2                  string          `json:"address2"`
	PostalCode2               string          `json:"postalCode2"`
	City2                     string          `json:"city2"`
	Country2                  string          `json:"country2"`
	PhoneNumber               string          `json:"phoneNumber"`
	MobilePhoneNumber         string          `json:"mobilePhoneNumber"`
	FaxNumber                 string          `json:"faxNumber"`
	EmailAddress              string          `json:"emailAddress"`
	EmailAddressInvoice       string          `json:"emailAddressInvoice"`
	EmailAddressReminder      string          `json:"emailAddressReminder"`
	Website                   string          `json:"website"`
	Note                      string          `json:"note"`
	VATNumber                 string          `json:"vatNumber"`
	Inactive                  json.RawMessage `json:"inactive"`
	TermOfPayment             *int            `json:"termOfPayment"`
	CompanyRegistrationNumber string          `json:"companyRegistrationNumber"`
	IBAN                      string          `json:"iban"`
	BIC                       string          `json:"bic"`
	FreeText1                 string          `json:"freeText1"`
	FreeText2                 string          `json:"freeText2"`
	FreeText3                 string          `json:"freeText3"`
	FreeText4                 string          `json:"freeText4"`
	FreeText5                 string          `json:"freeText5"`
	FreeText6                 string          `json:"freeText6"`
	FreeText7                 string          `json:"freeText7"`
	FreeText8                 string          `json:"freeText8"`
	FreeText9                 string          `json:"freeText9"`
	FreeText10                string          `json:"freeText10"`
	DoNotReceiveNewsletters   json.RawMessage `json:"doNotReceiveNewsletters"`
	LedgerID                  *int64          `json:"ledgerId"`
	Mandate                   json.RawMessage `json:"mandate"`
	MandateType               string          `json:"mandateType"`
	MandateID                 string          `json:"mandateId"`
	MandateSignedDate         json.RawMessage `json:"mandateSignedDate"`
}

type wireProduct struct {
	ID                int64           `json:"id"`
	Code              string          `json:"code"`
	Description       string          `json:"description"`
	UnitID            *int64          `json:"unitId"`
	Active            json.RawMessage `json:"active"`
	GroupID           *int64          `json:"groupId"`
	PurchasePriceExcl json.RawMessage `json:"purchasePriceExcl"`
	PriceExcl         json.RawMessage `json:"priceExcl"`
	PriceIncl         json.RawMessage `json:"priceIncl"`
	VAT               string          `json:"vat"`
	LedgerID          *int64          `json:"ledgerId"`
	CostCenterID      *int64          `json:"costCenterId"`
	InStockManagement json.RawMessage `json:"inStockManagement"`
}

type wireUnit struct {
	ID       int64  `json:"id"`
	Singular string `json:"singular"`
	Plural   string `json:"plural"`
}

type wireTemplate struct {
	ID     int64           `json:"id"`
	Name   string          `json:"name"`
	Active json.RawMessage `json:"active"`
	Type   string          `json:"type"`
}

// fieldError names the wire field of a decoding error.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// unmarshalRecord decodes one record; a type error names its field. A
// record that is not a JSON object is an error.
func unmarshalRecord(raw json.RawMessage, v any) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return &fieldError{err: errors.New("not a JSON object")}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &fieldError{field: te.Field, err: fmt.Errorf("a JSON %s where %s belongs", te.Value, te.Type)}
		}
		return &fieldError{err: err}
	}
	return nil
}

// recordError builds the RecordError of a decoding error.
func recordError(op, kind string, index int, id int64, err error) error {
	re := &RecordError{Op: op, Kind: kind, Index: index, ID: id, Err: err}
	var fe *fieldError
	if errors.As(err, &fe) {
		re.Field, re.Err = fe.field, fe.err
	}
	return re
}

// parseFlag reads a boolean that may come as true/false or 0/1 (§6); absent
// or null is false.
func parseFlag(field string, raw json.RawMessage) (bool, error) {
	switch strings.TrimSpace(string(raw)) {
	case "", "null", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, &fieldError{field: field, err: fmt.Errorf("%s is not a flag", snippet(raw))}
}

// parseDate reads a date as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or RFC 3339
// (§6); absent, null or "" is the zero time.
func parseDate(field string, raw json.RawMessage) (time.Time, error) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return time.Time{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, &fieldError{field: field, err: fmt.Errorf("%s is not a date", snippet(raw))}
	}
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", time.RFC3339Nano} {
		if d, err := time.Parse(layout, s); err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, &fieldError{field: field, err: fmt.Errorf("%q is not a date", s)}
}

// parseMoney reads an amount, a JSON number (§6: never a string), as a
// decimal rounded to four places; absent or null is nil.
func parseMoney(field string, raw json.RawMessage) (*decimal.Decimal, error) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return nil, nil
	}
	if t[0] != '-' && (t[0] < '0' || t[0] > '9') {
		return nil, &fieldError{field: field, err: fmt.Errorf("%s is not a number", snippet(raw))}
	}
	d, err := decimal.ParseDouble(t)
	if err != nil {
		return nil, &fieldError{field: field, err: err}
	}
	return &d, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (w *wireRelation) relation() (Relation, error) {
	r := Relation{
		ID: w.ID, Type: w.Type, Code: w.Code, Name: w.Name, Salutation: w.Salutation, Contact: w.Contact,
		Gender: w.Gender, Address: w.Address, PostalCode: w.PostalCode, City: w.City, Country: w.Country,
		Address2: w.Address2, PostalCode2: w.PostalCode2, City2: w.City2, Country2: w.Country2,
		Phone: w.PhoneNumber, Mobile: w.MobilePhoneNumber, Fax: w.FaxNumber, Email: w.EmailAddress,
		EmailInvoice: w.EmailAddressInvoice, EmailReminder: w.EmailAddressReminder, Website: w.Website,
		Note: w.Note, VATNumber: w.VATNumber, TermOfPayment: w.TermOfPayment,
		CompanyRegistrationNumber: w.CompanyRegistrationNumber, IBAN: w.IBAN, BIC: w.BIC,
		FreeText: [10]string{w.FreeText1, w.FreeText2, w.FreeText3, w.FreeText4, w.FreeText5,
			w.FreeText6, w.FreeText7, w.FreeText8, w.FreeText9, w.FreeText10},
		LedgerID: deref(w.LedgerID), MandateType: w.MandateType, MandateID: w.MandateID,
	}
	var err error
	if r.Created, err = parseDate("date", w.Date); err != nil {
		return r, err
	}
	if r.MandateSigned, err = parseDate("mandateSignedDate", w.MandateSignedDate); err != nil {
		return r, err
	}
	if r.Inactive, err = parseFlag("inactive", w.Inactive); err != nil {
		return r, err
	}
	if r.NoNewsletters, err = parseFlag("doNotReceiveNewsletters", w.DoNotReceiveNewsletters); err != nil {
		return r, err
	}
	if r.Mandate, err = parseFlag("mandate", w.Mandate); err != nil {
		return r, err
	}
	return r, nil
}

func (w *wireProduct) product() (Product, error) {
	p := Product{
		ProductRef: ProductRef{ID: w.ID, Code: w.Code, Description: w.Description, UnitID: deref(w.UnitID)},
		GroupID:    deref(w.GroupID), VATCode: w.VAT, LedgerID: deref(w.LedgerID), CostCenterID: deref(w.CostCenterID),
	}
	var err error
	if p.Active, err = parseFlag("active", w.Active); err != nil {
		return p, err
	}
	if p.InStockManagement, err = parseFlag("inStockManagement", w.InStockManagement); err != nil {
		return p, err
	}
	if p.PurchasePriceExcl, err = parseMoney("purchasePriceExcl", w.PurchasePriceExcl); err != nil {
		return p, err
	}
	if p.PriceExcl, err = parseMoney("priceExcl", w.PriceExcl); err != nil {
		return p, err
	}
	if p.PriceIncl, err = parseMoney("priceIncl", w.PriceIncl); err != nil {
		return p, err
	}
	return p, nil
}

// parseRelationRef, parseRelation, ... read one record of an answer; they
// are the parsers the fuzz targets run.

func parseRelationRef(raw json.RawMessage) (RelationRef, error) {
	var w wireRelationRef
	if err := unmarshalRecord(raw, &w); err != nil {
		return RelationRef{}, err
	}
	return RelationRef(w), nil
}

func parseRelation(raw json.RawMessage) (Relation, error) {
	var w wireRelation
	if err := unmarshalRecord(raw, &w); err != nil {
		return Relation{ID: w.ID}, err
	}
	return w.relation()
}

func parseProduct(raw json.RawMessage) (Product, error) {
	var w wireProduct
	if err := unmarshalRecord(raw, &w); err != nil {
		return Product{ProductRef: ProductRef{ID: w.ID}}, err
	}
	return w.product()
}

func parseProductRef(raw json.RawMessage) (ProductRef, error) {
	p, err := parseProduct(raw)
	return p.ProductRef, err
}

func parseUnit(raw json.RawMessage) (Unit, error) {
	var w wireUnit
	if err := unmarshalRecord(raw, &w); err != nil {
		return Unit{ID: w.ID}, err
	}
	return Unit(w), nil
}

func parseTemplate(raw json.RawMessage) (InvoiceTemplate, error) {
	var w wireTemplate
	if err := unmarshalRecord(raw, &w); err != nil {
		return InvoiceTemplate{ID: w.ID}, err
	}
	t := InvoiceTemplate{ID: w.ID, Name: w.Name, Type: w.Type}
	var err error
	t.Active, err = parseFlag("active", w.Active)
	return t, err
}

// idOf is the id of a record for an error message, 0 when unreadable.
func idOf(raw json.RawMessage) int64 {
	var w struct {
		ID json.Number `json:"id"`
	}
	if json.Unmarshal(raw, &w) != nil {
		return 0
	}
	id, _ := strconv.ParseInt(w.ID.String(), 10, 64)
	return id
}
