package ebrest

import (
	"math"
	"time"
)

// This file owns the create request of /v1/invoice and its validation, in
// the order of the CreateInvoice schema; the first refusal wins.

// createInvoiceRequest is CreateInvoice.
type createInvoiceRequest struct {
	InvoiceNumber   *string              `json:"invoiceNumber"`
	RelationID      *int32               `json:"relationId"`
	Date            *string              `json:"date"`
	TermOfPayment   *int32               `json:"termOfPayment"`
	InExVat         *string              `json:"inExVat"`
	TemplateID      *int32               `json:"templateId"`
	EmailTemplateID *int32               `json:"emailTemplateId"`
	Reference       *string              `json:"reference"`
	Text            *string              `json:"text"`
	Print           *bool                `json:"print"`
	Email           *createInvoiceEmail  `json:"email"`
	DirectDebit     *createInvoiceDebit  `json:"directDebit"`
	Mutation        *createInvoiceMut    `json:"mutation"`
	Items           []*createInvoiceItem `json:"items"`
}

// createInvoiceItem is CreateInvoiceItem.
type createInvoiceItem struct {
	Quantity           *float64 `json:"quantity"`
	Amount             *float64 `json:"amount"`
	UnitID             *int32   `json:"unitId"`
	Code               *string  `json:"code"`
	ProductID          *int32   `json:"productId"`
	Description        *string  `json:"description"`
	PricePerUnit       *float64 `json:"pricePerUnit"`
	VatCode            *string  `json:"vatCode"`
	VatAmount          *float64 `json:"vatAmount"`
	LedgerID           *int32   `json:"ledgerId"`
	CostCenterID       *int32   `json:"costCenterId"`
	DiscountAmount     *float64 `json:"discountAmount"`
	DiscountPercentage *float64 `json:"discountPercentage"`
}

// createInvoiceMut is CreateInvoiceMutation: book the invoice.
type createInvoiceMut struct {
	Description           *string `json:"description"`
	CheckPaymentReference *bool   `json:"checkPaymentReference"`
	PaymentReference      *string `json:"paymentReference"`
	LedgerID              *int32  `json:"ledgerId"`
}

// createInvoiceEmail is CreateInvoiceEmail. The sandbox sends no e-mail;
// it checks the block (email.go) and records it on the invoice.
type createInvoiceEmail struct {
	FromEmail  *string `json:"fromEmail"`
	FromName   *string `json:"fromName"`
	Subject    *string `json:"subject"`
	Body       *string `json:"body"`
	AttachUbl  *bool   `json:"attachUbl"`
	InvoiceUbl *bool   `json:"invoiceUbl"`
}

// createInvoiceDebit is CreateInvoiceDebit.
type createInvoiceDebit struct {
	Iban              *string `json:"iban"`
	MandateType       *string `json:"mandateType"`
	MandateID         *string `json:"mandateId"`
	MandateSignedDate *string `json:"mandateSignedDate"`
	Name              *string `json:"name"`
	City              *string `json:"city"`
	DescriptionLine1  *string `json:"descriptionLine1"`
	DescriptionLine2  *string `json:"descriptionLine2"`
	DescriptionLine3  *string `json:"descriptionLine3"`
}

func (q *createInvoiceRequest) validate(st *State) *response {
	for _, check := range []func(*State) *response{
		q.validateRelation, q.validateNumber, q.validateTerms, q.validateItems, q.validateMutation, q.validateDelivery,
	} {
		if resp := check(st); resp != nil {
			return resp
		}
	}
	return nil
}

func (q *createInvoiceRequest) validateRelation(st *State) *response {
	switch {
	case q.RelationID == nil:
		return validation("FACT_001", "relationId")
	case st.relation(*q.RelationID) == nil:
		return validation("FACT_002", "relationId")
	case st.relation(*q.RelationID).Inactive:
		return validation("FACT_003", "relationId")
	}
	return nil
}

// validateNumber checks a given invoice number: length, characters, a digit
// at the end, not in use.
func (q *createInvoiceRequest) validateNumber(st *State) *response {
	nr := deref(q.InvoiceNumber)
	switch {
	case nr == "":
		return nil
	case runeLen(q.InvoiceNumber) > 50:
		return validation("FACT_007", "invoiceNumber")
	case !invoiceNumberPattern.MatchString(nr):
		return validation("FACT_008", "invoiceNumber")
	case nr[len(nr)-1] < '0' || nr[len(nr)-1] > '9':
		return validation("FACT_009", "invoiceNumber")
	case st.invoiceByNumber(nr) != nil:
		return validation("FACT_101", "invoiceNumber")
	}
	return nil
}

// validateTerms checks date, term, VAT mode, template and texts. A date
// outside 2000..2099 is out of range; an inactive template is not found.
// [inferred]
func (q *createInvoiceRequest) validateTerms(st *State) *response {
	date, dateErr := time.Parse(time.DateOnly, deref(q.Date))
	switch {
	case q.Date != nil && *q.Date != "" && dateErr != nil:
		return validation("FACT_012", "date")
	case dateErr == nil && (date.Year() < minInvoiceYear || date.Year() > maxInvoiceYear):
		return validation("FACT_013", "date")
	case q.TermOfPayment == nil:
		return validation("FACT_015", "termOfPayment")
	case *q.TermOfPayment < 0 || *q.TermOfPayment > maxInvoiceTerm:
		return validation("FACT_016", "termOfPayment")
	case q.InExVat != nil && *q.InExVat != "" && *q.InExVat != "IN" && *q.InExVat != "EX":
		return validation("FACT_010", "inExVat")
	case q.TemplateID == nil || st.template(*q.TemplateID) == nil || !st.template(*q.TemplateID).Active:
		return validation("FACT_018", "templateId")
	case q.EmailTemplateID != nil && !st.invoiceEmailTemplate(*q.EmailTemplateID):
		return validation("FACT_020", "emailTemplateId")
	case runeLen(q.Reference) > 50:
		return validation("FACT_014", "reference")
	case runeLen(q.Text) > 35000:
		return validation("FACT_017", "text")
	}
	return nil
}

func (q *createInvoiceRequest) validateItems(st *State) *response {
	if len(q.Items) == 0 {
		return validation("FACT_019", "items")
	}
	in := deref(q.InExVat) == "IN"
	for i, it := range q.Items {
		if it == nil {
			return invalidValue(itemPath(i, ""), "An invoice item must be an object.")
		}
		if resp := it.validate(st, i, in); resp != nil {
			return resp
		}
	}
	return nil
}

// validate checks one line. Quantity and amount, when both given, must
// agree, and have at most 4 decimals. [inferred]
func (it *createInvoiceItem) validate(st *State, i int, in bool) *response {
	_, known := invoiceVATCodes[deref(it.VatCode)]
	switch {
	case it.Description == nil || *it.Description == "":
		return validation("FACT_ITEM_001", itemPath(i, "description"))
	case runeLen(it.Code) > 50:
		return validation("FACT_ITEM_003", itemPath(i, "code"))
	case it.PricePerUnit == nil && in:
		return validation("FACT_ITEM_005", itemPath(i, "pricePerUnit"))
	case it.PricePerUnit == nil:
		return validation("FACT_ITEM_004", itemPath(i, "pricePerUnit"))
	case it.VatCode == nil || *it.VatCode == "":
		return validation("FACT_ITEM_006", itemPath(i, "vatCode"))
	case !known:
		return validation("FACT_ITEM_014", itemPath(i, "vatCode"))
	case it.LedgerID == nil:
		return validation("FACT_ITEM_007", itemPath(i, "ledgerId"))
	case st.ledger(*it.LedgerID) == nil:
		return validation("FACT_ITEM_012", itemPath(i, "ledgerId"))
	}
	return it.validateDetails(st, i)
}

// validateDetails checks a line's references, discount, VAT amount and
// quantity.
func (it *createInvoiceItem) validateDetails(st *State, i int) *response {
	switch {
	case it.UnitID != nil && st.unit(*it.UnitID) == nil:
		return validation("FACT_ITEM_010", itemPath(i, "unitId"))
	case it.ProductID != nil && st.product(*it.ProductID) == nil:
		return validation("FACT_ITEM_011", itemPath(i, "productId"))
	case it.DiscountAmount != nil && it.DiscountPercentage != nil:
		return validation("FACT_ITEM_013", itemPath(i, "discountAmount"))
	case it.VatAmount != nil && *it.VatCode != "AFW_VERK":
		return validation("FACT_ITEM_015", itemPath(i, "vatAmount"))
	case it.Quantity != nil && it.Amount != nil && *it.Quantity != *it.Amount:
		return invalidValue(itemPath(i, "amount"), "quantity and amount differ.")
	case it.Quantity != nil && !fourDecimals(*it.Quantity):
		return invalidValue(itemPath(i, "quantity"), "A quantity has at most 4 decimals.")
	}
	return nil
}

func fourDecimals(v float64) bool {
	scaled := v * 10000
	return math.Abs(scaled-math.Round(scaled)) < 1e-6
}

// validateMutation checks the booking: a known ledger (the first debtor
// ledger when none is given [inferred]), lengths, and a payment reference
// not yet used when checkPaymentReference is true.
func (q *createInvoiceRequest) validateMutation(st *State) *response {
	m := q.Mutation
	if m == nil {
		return nil
	}
	if m.LedgerID == nil {
		for _, l := range st.Ledgers {
			if l.Category == "DEB" {
				id := l.ID
				m.LedgerID = &id
				break
			}
		}
	}
	switch {
	case m.LedgerID == nil || st.ledger(*m.LedgerID) == nil:
		return validation("MUT_007", "mutation.ledgerId")
	case runeLen(m.Description) > 200:
		return validation("FACT_VERWERK_002", "mutation.description")
	case runeLen(m.PaymentReference) > 50:
		return validation("FACT_VERWERK_003", "mutation.paymentReference")
	case m.CheckPaymentReference != nil && *m.CheckPaymentReference && deref(m.PaymentReference) != "" &&
		st.paymentReferenceUsed(*m.PaymentReference):
		return validation("FACT_VERWERK_004", "mutation.paymentReference")
	}
	return nil
}

// validateDelivery checks e-mail (the relation needs an address) and direct
// debit (an IBAN, a known mandate type).
func (q *createInvoiceRequest) validateDelivery(st *State) *response {
	if resp := q.validateEmail(st); resp != nil {
		return resp
	}
	if d := q.DirectDebit; d != nil {
		switch mt := deref(d.MandateType); {
		case deref(d.Iban) == "":
			return validation("FACT_INCASSO_008", "directDebit.iban")
		case runeLen(d.Iban) > 150:
			return validation("FACT_INCASSO_009", "directDebit.iban")
		case mt != "" && mt != "O" && mt != "E" && mt != "R" && mt != "D":
			return validation("FACT_INCASSO_002", "directDebit.mandateType")
		}
	}
	return nil
}

// item is the stored line of a valid request item.
func (it *createInvoiceItem) item() InvoiceItem {
	out := InvoiceItem{Quantity: 1, Code: deref(it.Code), Description: *it.Description, PricePerUnit: *it.PricePerUnit,
		VatCode: *it.VatCode, LedgerID: *it.LedgerID, VatAmount: clonePtr(it.VatAmount),
		DiscountAmount: clonePtr(it.DiscountAmount), DiscountPercentage: clonePtr(it.DiscountPercentage)}
	switch {
	case it.Quantity != nil:
		out.Quantity = *it.Quantity
	case it.Amount != nil:
		out.Quantity = *it.Amount
	}
	if it.UnitID != nil {
		out.UnitID = *it.UnitID
	}
	if it.ProductID != nil {
		out.ProductID = *it.ProductID
		out.Code = "" // "If given, Code is ignored."
	}
	if it.CostCenterID != nil {
		out.CostCenterID = *it.CostCenterID
	}
	return out
}
