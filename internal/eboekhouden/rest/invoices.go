package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/decimal"
)

// More kinds of the invoice calls.
var (
	// ErrInvalid: the client refused the input before sending anything.
	ErrInvalid = errors.New("invalid input")
	// ErrInvoiceNumberInUse: FACT_101, an invoice with this number exists.
	// This request created nothing; the invoice may be one an earlier
	// attempt created: look it up by number (§9).
	ErrInvoiceNumberInUse = errors.New("invoice number already in use")
)

// MaxInvoiceLines is the most lines the client sends on one invoice (§13:
// 200 per one source, none stated in the swagger).
const MaxInvoiceLines = 200

// salesVATCodes are the values of the VatCode enum on invoice lines (§8)
// that a sales invoice may use: the *_VERK* codes, AFW and GEEN.
var salesVATCodes = map[string]bool{
	"HOOG_VERK_21": true, "LAAG_VERK_9": true, "VERL_VERK": true, "VERL_VERK_L9": true, "AFW": true,
	"BU_EU_VERK": true, "BI_EU_VERK": true, "BI_EU_VERK_D": true, "AFST_VERK": true, "AFW_VERK": true, "GEEN": true,
}

// NewInvoice is an invoice to create (§7 CreateInvoice). An empty number
// lets e-Boekhouden give the administration's next number (§5.4 [spec]).
// The client never sends a write twice (a lost answer is
// ErrOutcomeUnknown), so an auto-numbered invoice cannot be made twice by
// the client; a caller that sends again after an unknown outcome must look
// the invoice up first by something else than its number (§9), as the
// engine does by the work order's reference line.
type NewInvoice struct {
	Number          string    // empty, or at most 50 characters ending with a digit
	RelationID      int64     // required
	Date            time.Time // zero: the server's default (today) [inferred]
	TermOfPayment   int       // days, 0-365 [inferred bound]
	InclVAT         bool      // prices include VAT ("IN"); default excluding ("EX")
	TemplateID      int64     // required
	EmailTemplateID int64     // 0: none
	Reference       string    // at most 50 characters
	Text            string
	Lines           []InvoiceLine // 1 to MaxInvoiceLines
	// Booking books the invoice as an open item ("Verwerken in de
	// boekhouding"); nil leaves it a concept without an open item (§5.4).
	Booking *Booking
	// Email has e-Boekhouden e-mail the invoice (email.go); nil: not.
	Email *InvoiceEmail
}

// InvoiceLine is a line of a new invoice (§7 CreateInvoiceItem).
type InvoiceLine struct {
	Quantity     decimal.Decimal // up to 4 decimals
	UnitID       int64           // 0: none
	ProductID    int64           // 0: none; if set, Code is ignored by the server
	Code         string          // at most 50 characters
	Description  string          // required
	PricePerUnit decimal.Decimal // up to 2 decimals (§6); always sent
	VATCode      string          // a sales code of the line enum (§8)
	LedgerID     int64           // required
	CostCenterID int64           // 0: none
}

// Booking is the mutation block of a new invoice (§7 CreateInvoiceMutation).
type Booking struct {
	LedgerID              int64  // debtor ledger; 0: the server's default
	Description           string // at most 200 characters
	PaymentReference      string // at most 50 characters
	CheckPaymentReference bool   // refuse a payment reference that exists
}

// CreatedInvoice is the answer to a created invoice.
type CreatedInvoice struct {
	ID      int64
	Number  string
	InclVAT bool
}

// InvoiceSummary is an item of the invoice list (§7 InvoiceListItem).
type InvoiceSummary struct {
	ID            int64
	Number        string
	RelationID    int64
	Date          time.Time
	Reference     string
	TermOfPayment int
	TemplateID    int64
	TotalExcl     decimal.Decimal
	VATAmount     decimal.Decimal
	TotalAmount   decimal.Decimal
	// PDFURL is a shareable link to the invoice's PDF: treat it as private.
	PDFURL string
}

var invoiceNumberPattern = regexp.MustCompile(`[0-9]$`)

// check refuses what the API would refuse for certain, and what this client
// does not send (money with more than 2 decimals).
func (inv *NewInvoice) check() error {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	switch n := inv.Number; {
	case n == "":
		// The server numbers it.
	case strings.TrimSpace(n) != n:
		bad("invoice number %q has surrounding space", n)
	case utf8.RuneCountInString(n) > 50:
		bad("invoice number longer than 50 characters")
	case !invoiceNumberPattern.MatchString(n):
		bad("invoice number %q does not end with a digit (FACT_009)", n)
	}
	if inv.RelationID <= 0 {
		bad("no relation")
	}
	if inv.TemplateID <= 0 {
		bad("no invoice template")
	}
	if inv.TermOfPayment < 0 || inv.TermOfPayment > 365 {
		bad("term of payment %d is not 0-365 days", inv.TermOfPayment)
	}
	if utf8.RuneCountInString(inv.Reference) > 50 {
		bad("reference longer than 50 characters")
	}
	if len(inv.Lines) == 0 || len(inv.Lines) > MaxInvoiceLines {
		bad("%d lines; 1 to %d are allowed", len(inv.Lines), MaxInvoiceLines)
	}
	for i, l := range inv.Lines {
		if p := l.problem(); p != "" {
			bad("line %d: %s", i+1, p)
		}
	}
	if b := inv.Booking; b != nil {
		if utf8.RuneCountInString(b.PaymentReference) > 50 {
			bad("payment reference longer than 50 characters")
		}
		if utf8.RuneCountInString(b.Description) > 200 {
			bad("booking description longer than 200 characters")
		}
		if b.CheckPaymentReference && b.PaymentReference == "" {
			bad("a payment reference to check is empty")
		}
	}
	problems = append(problems, inv.Email.problems()...)
	if len(problems) > 0 {
		return fmt.Errorf("e-Boekhouden REST POST /v1/invoice: %w: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

// problem says what is wrong with a line, "" when nothing.
func (l *InvoiceLine) problem() string {
	switch {
	case strings.TrimSpace(l.Description) == "":
		return "no description"
	case !salesVATCodes[l.VATCode]:
		return fmt.Sprintf("%q is not a sales VAT code", l.VATCode)
	case l.LedgerID <= 0:
		return "no ledger"
	case !l.PricePerUnit.Equal(l.PricePerUnit.Round(2)):
		return fmt.Sprintf("price %s has more than 2 decimals", l.PricePerUnit)
	case utf8.RuneCountInString(l.Code) > 50:
		return "code longer than 50 characters"
	}
	return ""
}

// wire form of CreateInvoice; zero optional fields are omitted.
type wireNewInvoice struct {
	InvoiceNumber   string        `json:"invoiceNumber,omitempty"`
	RelationID      int64         `json:"relationId"`
	Date            string        `json:"date,omitempty"`
	TermOfPayment   int           `json:"termOfPayment"`
	InExVat         string        `json:"inExVat"`
	TemplateID      int64         `json:"templateId"`
	EmailTemplateID int64         `json:"emailTemplateId,omitempty"`
	Reference       string        `json:"reference,omitempty"`
	Text            string        `json:"text,omitempty"`
	Items           []wireLine    `json:"items"`
	Mutation        *wireMutation `json:"mutation,omitempty"`
	Email           *wireEmail    `json:"email,omitempty"`
}

type wireLine struct {
	Quantity     json.Number `json:"quantity"`
	UnitID       int64       `json:"unitId,omitempty"`
	Code         string      `json:"code,omitempty"`
	ProductID    int64       `json:"productId,omitempty"`
	Description  string      `json:"description"`
	PricePerUnit json.Number `json:"pricePerUnit"`
	VATCode      string      `json:"vatCode"`
	LedgerID     int64       `json:"ledgerId"`
	CostCenterID int64       `json:"costCenterId,omitempty"`
}

type wireMutation struct {
	Description           string `json:"description,omitempty"`
	CheckPaymentReference bool   `json:"checkPaymentReference,omitempty"`
	PaymentReference      string `json:"paymentReference,omitempty"`
	LedgerID              int64  `json:"ledgerId,omitempty"`
}

func (inv *NewInvoice) wire() wireNewInvoice {
	w := wireNewInvoice{
		InvoiceNumber: inv.Number, RelationID: inv.RelationID, TermOfPayment: inv.TermOfPayment, InExVat: "EX",
		TemplateID: inv.TemplateID, EmailTemplateID: inv.EmailTemplateID, Reference: inv.Reference, Text: inv.Text,
		Email: inv.Email.wire(),
	}
	if inv.InclVAT {
		w.InExVat = "IN"
	}
	if !inv.Date.IsZero() {
		w.Date = inv.Date.Format(time.DateOnly)
	}
	for _, l := range inv.Lines {
		w.Items = append(w.Items, wireLine{
			Quantity: json.Number(l.Quantity.String()), UnitID: l.UnitID, Code: l.Code, ProductID: l.ProductID,
			Description: l.Description, PricePerUnit: json.Number(l.PricePerUnit.Fixed(2)), VATCode: l.VATCode,
			LedgerID: l.LedgerID, CostCenterID: l.CostCenterID,
		})
	}
	if b := inv.Booking; b != nil {
		w.Mutation = &wireMutation{Description: b.Description, CheckPaymentReference: b.CheckPaymentReference,
			PaymentReference: b.PaymentReference, LedgerID: b.LedgerID}
	}
	return w
}

// CreateInvoice creates an invoice (POST /v1/invoice), booked when
// inv.Booking is set. The result is one of three, for a journal:
//
//   - created: err is nil and the answer carries the invoice's id;
//   - refused, nothing created: err does not match ErrOutcomeUnknown
//     (ErrInvalid before sending; an *APIError with a validation code,
//     FACT_0xx or FACT_ITEM_*; ErrInvoiceNumberInUse for FACT_101, where an
//     invoice with that number does exist, possibly from an earlier
//     attempt; a transport failure before the request went out);
//   - outcome unknown: err matches ErrOutcomeUnknown (no answer, HTTP 5xx,
//     an unreadable answer, or an error from a later step such as the
//     booking or the e-mail, after which the invoice may exist, §9). Look
//     it up with FindInvoice before trying again; never retry blindly.
//
// The request is repeated only when the server certainly did not process
// it: after HTTP 429, or once with a new session after HTTP 401.
func (c *Client) CreateInvoice(ctx context.Context, inv NewInvoice) (CreatedInvoice, error) {
	const op = "POST /v1/invoice"
	if err := inv.check(); err != nil {
		return CreatedInvoice{}, err
	}
	body, err := json.Marshal(inv.wire())
	if err != nil {
		return CreatedInvoice{}, fmt.Errorf("e-Boekhouden REST %s: %w", op, err)
	}
	var out CreatedInvoice
	err = c.call(ctx, request{method: http.MethodPost, path: "/v1/invoice", body: body, write: true, decode: func(data []byte) error {
		var w struct {
			ID            int64  `json:"id"`
			InvoiceNumber string `json:"invoiceNumber"`
			InExVat       string `json:"inExVat"`
		}
		if err := unmarshalRecord(data, &w); err != nil {
			var fe *fieldError
			if errors.As(err, &fe) {
				if syn, ok := fe.err.(*json.SyntaxError); ok {
					return syn
				}
			}
			return recordError(op, "created invoice", -1, 0, err)
		}
		if w.ID <= 0 {
			return &RecordError{Op: op, Kind: "created invoice", Index: -1, Field: "id", Err: errors.New("missing")}
		}
		number := inv.Number
		switch {
		case number == "" && w.InvoiceNumber == "":
			// The server chose the number and did not say which.
			return &RecordError{Op: op, Kind: "created invoice", Index: -1, ID: w.ID, Field: "invoiceNumber", Err: errors.New("missing")}
		case number == "":
			number = w.InvoiceNumber
		case w.InvoiceNumber != "" && w.InvoiceNumber != number:
			return &RecordError{Op: op, Kind: "created invoice", Index: -1, ID: w.ID, Field: "invoiceNumber",
				Err: fmt.Errorf("the answer names invoice %q, not %q", w.InvoiceNumber, number)}
		}
		out = CreatedInvoice{ID: w.ID, Number: number, InclVAT: w.InExVat == "IN"}
		return nil
	}})
	if err == nil {
		return out, nil
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && !errors.Is(err, ErrOutcomeUnknown) && !refusedBeforeCreating(apiErr) {
		return CreatedInvoice{}, &failure{
			msg:  err.Error() + " (the invoice may have been created before this step failed: look it up)",
			errs: []error{err, ErrOutcomeUnknown},
		}
	}
	return CreatedInvoice{}, err
}

// pureValidation matches the codes of checks that run before an invoice is
// created (§9: FACT_0xx and FACT_ITEM_*; FACT_101 and FACT_102 are checked
// on the number and the trial limit before creating [inferred]).
var pureValidation = regexp.MustCompile(`^(FACT_[0-9]{3}|FACT_ITEM_[0-9]+|DATA_01|ERR_002|SECURITY_[0-9]+|API_SESSION_[0-9]+|MODULE_[0-9]+)$`)

// refusedBeforeCreating reports whether an error answer to POST /v1/invoice
// means that no invoice was created: a 4xx with a validation code, or a
// 400 without a code (the framework refused the JSON before e-Boekhouden's
// own checks ran, §3) [inferred]. Other codes (FACT_VERWERK_*, MUT_*,
// FACT_EMAIL_*, SMTP_*, ...) come from steps after the invoice may exist.
func refusedBeforeCreating(e *APIError) bool {
	if e.Status >= 500 || e.Status < 400 {
		return false
	}
	if e.Code == "" {
		return e.Status == http.StatusBadRequest || e.Status == http.StatusUnauthorized ||
			e.Status == http.StatusForbidden || e.Status == http.StatusTooManyRequests
	}
	return pureValidation.MatchString(e.Code)
}

// FindInvoice looks an invoice up by its number (GET
// /v1/invoice?invoiceNumber=N, §5.5). found is false when there is none.
//
// e-Boekhouden may compare invoice numbers regardless of case, for the
// look-up and for FACT_101 alike [inferred: not documented; the sandbox
// does]. When only an invoice spelt differently ("WB-1" for "wb-1") holds
// the number, found is false and the error matches ErrInvoiceNumberInUse:
// that invoice is not this one, and this number can never be created.
func (c *Client) FindInvoice(ctx context.Context, number string) (inv InvoiceSummary, found bool, err error) {
	const op = "GET /v1/invoice"
	if strings.TrimSpace(number) == "" {
		return InvoiceSummary{}, false, fmt.Errorf("e-Boekhouden REST %s: %w: no invoice number", op, ErrInvalid)
	}
	q := url.Values{"invoiceNumber": {number}, "limit": {"2"}, "offset": {"0"}}
	var got []InvoiceSummary
	err = c.call(ctx, request{method: http.MethodGet, path: "/v1/invoice", query: q, decode: func(data []byte) error {
		got = got[:0]
		_, err := decodePage(data, op, "invoice", 0, map[int64]bool{}, func(raw json.RawMessage, _ int) (int64, error) {
			s, err := parseInvoiceSummary(raw)
			if err == nil {
				got = append(got, s)
			}
			return s.ID, err
		})
		if err != nil {
			return err
		}
		for _, s := range got {
			if !strings.EqualFold(s.Number, number) {
				return &RecordError{Op: op, Kind: "invoice", Index: -1, ID: s.ID, Field: "invoiceNumber",
					Err: fmt.Errorf("asked for invoice %q, got %q", number, s.Number)}
			}
		}
		if len(got) > 1 {
			return fmt.Errorf("e-Boekhouden REST %s: %w: two invoices numbered %q", op, ErrUnreadable, number)
		}
		return nil
	}})
	if err != nil || len(got) == 0 {
		return InvoiceSummary{}, false, err
	}
	if got[0].Number != number {
		return InvoiceSummary{}, false, fmt.Errorf("e-Boekhouden REST %s: %w: there is no invoice %q, but invoice %q (id %d) holds its number (e-Boekhouden compares invoice numbers regardless of case)",
			op, ErrInvoiceNumberInUse, number, got[0].Number, got[0].ID)
	}
	return got[0], true, nil
}

type wireInvoiceSummary struct {
	ID            int64           `json:"id"`
	InvoiceNumber string          `json:"invoiceNumber"`
	RelationID    int64           `json:"relationId"`
	Date          json.RawMessage `json:"date"`
	Reference     string          `json:"reference"`
	TermOfPayment int             `json:"termOfPayment"`
	TemplateID    int64           `json:"templateId"`
	TotalExcl     json.RawMessage `json:"totalExcl"`
	VATAmount     json.RawMessage `json:"vatAmount"`
	TotalAmount   json.RawMessage `json:"totalAmount"`
	URLPdfFile    string          `json:"urlPdfFile"`
}

func parseInvoiceSummary(raw json.RawMessage) (InvoiceSummary, error) {
	var w wireInvoiceSummary
	if err := unmarshalRecord(raw, &w); err != nil {
		return InvoiceSummary{ID: w.ID}, err
	}
	s := InvoiceSummary{ID: w.ID, Number: w.InvoiceNumber, RelationID: w.RelationID, Reference: w.Reference,
		TermOfPayment: w.TermOfPayment, TemplateID: w.TemplateID, PDFURL: w.URLPdfFile}
	var err error
	if s.Date, err = parseDate("date", w.Date); err != nil {
		return s, err
	}
	for _, m := range []struct {
		field string
		raw   json.RawMessage
		dst   *decimal.Decimal
	}{{"totalExcl", w.TotalExcl, &s.TotalExcl}, {"vatAmount", w.VATAmount, &s.VATAmount}, {"totalAmount", w.TotalAmount, &s.TotalAmount}} {
		d, err := parseMoney(m.field, m.raw)
		if err != nil {
			return s, err
		}
		if d != nil {
			*m.dst = *d
		}
	}
	return s, nil
}
