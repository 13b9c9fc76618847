package ebrest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file owns /v1/invoice: create (numbering, FACT_101, booking with a
// payment reference that must be unique when checked), the list with its
// filters (look-up by number) and the look-up by id.

// Invoice is an invoice in the state: the reference's Invoice model plus
// its booking.
type Invoice struct {
	ID              int32   `json:"id"`
	InvoiceNumber   string  `json:"invoiceNumber"`
	RelationID      int32   `json:"relationId"`
	Date            string  `json:"date"`
	Reference       string  `json:"reference,omitempty"`
	Text            string  `json:"text,omitempty"`
	TermOfPayment   int32   `json:"termOfPayment"`
	InExVat         string  `json:"inExVat"`
	TemplateID      int32   `json:"templateId"`
	EmailTemplateID int32   `json:"emailTemplateId,omitempty"`
	Print           bool    `json:"print,omitempty"`
	TotalExcl       float64 `json:"totalExcl"`
	VatAmount       float64 `json:"vatAmount"`
	TotalAmount     float64 `json:"totalAmount"`
	// URLPdfFile is empty in the state; the answers give a link on the
	// sandbox's own host (pdf.go).
	URLPdfFile string        `json:"urlPdfFile,omitempty"`
	Items      []InvoiceItem `json:"items"`
	// Booking is set when the invoice was booked into the ledger (the
	// create request had a mutation block): it is then an open item.
	Booking *Booking `json:"booking,omitempty"`
	// Email is set when the invoice was to be e-mailed (the create request
	// had an `email` block): the sandbox's own record (email.go).
	Email *InvoiceEmail `json:"email,omitempty"`
}

// InvoiceItem is the reference's InvoiceItem.
type InvoiceItem struct {
	Quantity           float64  `json:"quantity"`
	UnitID             int32    `json:"unitId,omitempty"`
	Code               string   `json:"code,omitempty"`
	ProductID          int32    `json:"productId,omitempty"`
	Description        string   `json:"description"`
	PricePerUnit       float64  `json:"pricePerUnit"`
	VatCode            string   `json:"vatCode"`
	VatAmount          *float64 `json:"vatAmount,omitempty"`
	LedgerID           int32    `json:"ledgerId"`
	CostCenterID       int32    `json:"costCenterId,omitempty"`
	DiscountAmount     *float64 `json:"discountAmount,omitempty"`
	DiscountPercentage *float64 `json:"discountPercentage,omitempty"`
}

// Booking is the mutation an invoice was booked with (the sandbox's own
// record; not part of the Invoice answer).
type Booking struct {
	MutationID       int32   `json:"mutationId"`
	LedgerID         int32   `json:"ledgerId"`
	Description      string  `json:"description,omitempty"`
	PaymentReference string  `json:"paymentReference,omitempty"`
	PaidAmount       float64 `json:"paidAmount"`
}

// invoiceVATCodes is the VatCode enum of invoice lines with the rate used
// for totals (reference §8; rates [inferred]: reverse-charge and other
// codes book 0%).
var invoiceVATCodes = map[string]int64{
	"HOOG_VERK_21": 21, "LAAG_VERK_9": 9, "VERL_VERK": 0, "VERL_VERK_L9": 0, "AFW": 0,
	"BU_EU_VERK": 0, "BI_EU_VERK": 0, "BI_EU_VERK_D": 0, "AFST_VERK": 0, "LAAG_INK_9": 9,
	"HOOG_INK_21": 21, "VERL_INK": 0, "AFW_VERK": 0, "BU_EU_INK": 0, "BI_EU_INK": 0, "GEEN": 0,
}

// Invoice rules the reference leaves open. [inferred]
const (
	maxInvoiceTerm   = 365
	firstInvoiceID   = 5500001
	firstMutationID  = 88000001
	maxInvoiceAmount = 999999999999.00
	minInvoiceYear   = 2000
	maxInvoiceYear   = 2099
)

// invoiceNumberPattern: printable, no spaces at either end (FACT_008).
// [inferred]
var invoiceNumberPattern = regexp.MustCompile(`^[\p{L}\p{Nd}._/-]([\p{L}\p{Nd}._/ -]*[\p{L}\p{Nd}._/-])?$`)

// invoiceFilters are GET /v1/invoice's parameters (§4.2): invoiceNumber a
// string filter, relationId plain eq (an int filter here), date a date
// filter.
var invoiceFilters = map[string]filterKind{"invoiceNumber": kindString, "relationId": kindInt, "date": kindDate}

// invoiceListItem is InvoiceListItem.
type invoiceListItem struct {
	ID            int32   `json:"id"`
	InvoiceNumber string  `json:"invoiceNumber"`
	RelationID    int32   `json:"relationId"`
	Date          string  `json:"date"`
	Reference     string  `json:"reference,omitempty"`
	Text          string  `json:"text,omitempty"`
	URLPdfFile    string  `json:"urlPdfFile,omitempty"`
	TotalExcl     float64 `json:"totalExcl"`
	TotalAmount   float64 `json:"totalAmount"`
	VatAmount     float64 `json:"vatAmount"`
	TermOfPayment int32   `json:"termOfPayment"`
	TemplateID    int32   `json:"templateId"`
	Print         bool    `json:"print,omitempty"`
}

func (s *Server) listInvoices(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, invoiceFilters)
	if resp != nil {
		return resp
	}
	for _, f := range q.filters {
		if f.param == "relationId" && f.op != "eq" {
			return invalidValue(f.param, "relationId takes no filter operator.")
		}
	}
	invs := s.st.Invoices
	idx, total := page(len(invs), q, func(i int, p string) string {
		switch p {
		case "invoiceNumber":
			return invs[i].InvoiceNumber
		case "relationId":
			return strconv.Itoa(int(invs[i].RelationID))
		}
		return invs[i].Date
	})
	out := listEnvelope[invoiceListItem]{Items: []invoiceListItem{}, Count: total}
	for _, i := range idx {
		v := invs[i]
		out.Items = append(out.Items, invoiceListItem{ID: v.ID, InvoiceNumber: v.InvoiceNumber, RelationID: v.RelationID,
			Date: v.Date, Reference: v.Reference, Text: v.Text, URLPdfFile: pdfURL(c.r, v.ID), TotalExcl: v.TotalExcl,
			TotalAmount: v.TotalAmount, VatAmount: v.VatAmount, TermOfPayment: v.TermOfPayment, TemplateID: v.TemplateID, Print: v.Print})
	}
	return jsonResponse(out)
}

func (s *Server) getInvoice(c *call) *response {
	if id, ok := parseID(c.params[0]); ok {
		for _, v := range s.st.Invoices {
			if v.ID == id {
				v.Booking, v.Email = nil, nil // the sandbox's own records, not Invoice fields
				v.URLPdfFile = pdfURL(c.r, v.ID)
				return jsonResponse(v)
			}
		}
	}
	return notFound("FACT_021")
}

// createInvoice answers POST /v1/invoice with {id, invoiceNumber, inExVat}.
// Without invoiceNumber the next number is the highest all-digit number
// plus one (year * 1000 + 1 when there is none). [inferred: like the SOAP
// sandbox's yearly numbering]
func (s *Server) createInvoice(c *call) *response {
	var q createInvoiceRequest
	if resp := decodeStrict(c, &q); resp != nil {
		return resp
	}
	if resp := q.validate(&s.st); resp != nil {
		return resp
	}
	inv, resp := q.invoice(&s.st, c.now)
	if resp != nil {
		return resp
	}
	s.st.Invoices = append(s.st.Invoices, inv)
	return jsonResponse(struct {
		ID            int32  `json:"id"`
		InvoiceNumber string `json:"invoiceNumber"`
		InExVat       string `json:"inExVat"`
	}{inv.ID, inv.InvoiceNumber, inv.InExVat})
}

// invoice builds the invoice of a valid request: number, totals, booking.
func (q *createInvoiceRequest) invoice(st *State, now time.Time) (Invoice, *response) {
	inv := Invoice{ID: st.nextInvoiceID(), RelationID: *q.RelationID, TermOfPayment: *q.TermOfPayment,
		TemplateID: *q.TemplateID, InExVat: "EX", Date: now.Format(time.DateOnly), Print: q.Print != nil && *q.Print}
	inv.InvoiceNumber = deref(q.InvoiceNumber)
	if inv.InvoiceNumber == "" {
		inv.InvoiceNumber = st.nextInvoiceNumber(now)
	}
	if q.InExVat != nil && *q.InExVat != "" {
		inv.InExVat = *q.InExVat
	}
	if q.Date != nil && *q.Date != "" {
		inv.Date = *q.Date
	}
	inv.Reference, inv.Text = deref(q.Reference), deref(q.Text)
	if q.EmailTemplateID != nil {
		inv.EmailTemplateID = *q.EmailTemplateID
	}
	inv.Email = q.emailRecord(st)
	for _, it := range q.Items {
		inv.Items = append(inv.Items, it.item())
	}
	inv.computeTotals()
	if math.Abs(inv.TotalAmount) > maxInvoiceAmount {
		code := "FACT_004"
		if inv.TotalAmount < 0 {
			code = "FACT_005"
		}
		return Invoice{}, validation(code, "items")
	}
	if m := q.Mutation; m != nil {
		inv.Booking = &Booking{MutationID: st.nextMutationID(), LedgerID: *m.LedgerID,
			Description: deref(m.Description), PaymentReference: deref(m.PaymentReference)}
	}
	return inv, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// computeTotals sets the totals from the lines: per line, quantity times
// the price after discount, rounded to cents; VAT per line at the code's
// rate (vatAmount for AFW_VERK); with inExVat IN the price includes VAT.
// [inferred: the reference does not say how the service rounds]
func (inv *Invoice) computeTotals() {
	var excl, vat int64
	for _, it := range inv.Items {
		price := it.PricePerUnit
		if it.DiscountAmount != nil {
			price -= *it.DiscountAmount
		}
		if it.DiscountPercentage != nil {
			price *= 1 - *it.DiscountPercentage/100
		}
		net := cents(it.Quantity * price)
		rate := invoiceVATCodes[it.VatCode]
		lineExcl, lineVAT := net, roundDiv(net*rate, 100)
		if inv.InExVat == "IN" {
			lineExcl = roundDiv(net*100, 100+rate)
			lineVAT = net - lineExcl
		}
		if it.VatAmount != nil {
			lineVAT = cents(*it.VatAmount)
		}
		excl += lineExcl
		vat += lineVAT
	}
	inv.TotalExcl, inv.VatAmount, inv.TotalAmount = float64(excl)/100, float64(vat)/100, float64(excl+vat)/100
}

func cents(v float64) int64 { return int64(math.Round(v * 100)) }

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 { return int64(math.Round(float64(a) / float64(b))) }

func (st *State) nextInvoiceID() int32 {
	hi := int32(firstInvoiceID - 1)
	for _, v := range st.Invoices {
		hi = max(hi, v.ID)
	}
	return hi + 1
}

func (st *State) nextMutationID() int32 {
	hi := int32(firstMutationID - 1)
	for _, v := range st.Invoices {
		if v.Booking != nil {
			hi = max(hi, v.Booking.MutationID)
		}
	}
	return hi + 1
}

func (st *State) nextInvoiceNumber(now time.Time) string {
	hi := int64(now.Year())*1000 + 0
	for _, v := range st.Invoices {
		if n, err := strconv.ParseInt(v.InvoiceNumber, 10, 64); err == nil {
			hi = max(hi, n)
		}
	}
	for n := hi + 1; ; n++ {
		if nr := strconv.FormatInt(n, 10); st.invoiceByNumber(nr) == nil {
			return nr
		}
	}
}

// invoiceByNumber finds an invoice by number, case-insensitively.
// [inferred: the scope of FACT_101 is the administration]
func (st *State) invoiceByNumber(nr string) *Invoice {
	for i := range st.Invoices {
		if strings.EqualFold(st.Invoices[i].InvoiceNumber, nr) {
			return &st.Invoices[i]
		}
	}
	return nil
}

// paymentReferenceUsed reports a booked invoice with this payment
// reference. [inferred: the scope is every mutation of the administration;
// the sandbox books only invoices]
func (st *State) paymentReferenceUsed(ref string) bool {
	for _, v := range st.Invoices {
		if v.Booking != nil && v.Booking.PaymentReference == ref {
			return true
		}
	}
	return false
}

func runeLen(s *string) int {
	if s == nil {
		return 0
	}
	return utf8.RuneCountInString(*s)
}

func (st *State) relation(id int32) *Relation {
	for i := range st.Relations {
		if st.Relations[i].ID == id {
			return &st.Relations[i]
		}
	}
	return nil
}

func (st *State) template(id int32) *InvoiceTemplate {
	for i := range st.InvoiceTemplates {
		if st.InvoiceTemplates[i].ID == id {
			return &st.InvoiceTemplates[i]
		}
	}
	return nil
}

func (st *State) product(id int32) *Product {
	for i := range st.Products {
		if st.Products[i].ID == id {
			return &st.Products[i]
		}
	}
	return nil
}

// itemPath is the propertyName of an item's field. [inferred: "items[0].ledgerId"]
func itemPath(i int, field string) string { return fmt.Sprintf("items[%d].%s", i, field) }
