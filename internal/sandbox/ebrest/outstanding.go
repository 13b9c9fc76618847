package ebrest

import (
	"fmt"
	"math"
	"strings"
)

// This file owns the open items: GET /v1/mutation/invoice/outstanding and
// the test hook that registers a payment.

// outstandingFilters are the parameters of the outstanding list (§4.2).
var outstandingFilters = map[string]filterKind{"invoiceNumber": kindString, "credDeb": kindString}

// outstandingItem is OutstandingInvoiceListItem.
type outstandingItem struct {
	Date              string  `json:"date"`
	MutationID        int32   `json:"mutationId"`
	InvoiceNumber     string  `json:"invoiceNumber"`
	RelationID        int32   `json:"relationId"`
	RelationCode      string  `json:"relationCode"`
	Company           string  `json:"company"`
	TotalAmount       float64 `json:"totalAmount"`
	PaidAmount        float64 `json:"paidAmount"`
	OutstandingAmount float64 `json:"outstandingAmount"`
}

// listOutstanding answers the booked invoices not yet paid in full.
// credDeb is required: C or D (400 ERR_002 otherwise [inferred]); the
// sandbox has sales invoices only, so C lists nothing. A paid or unbooked
// invoice is absent. [inferred]
func (s *Server) listOutstanding(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, outstandingFilters)
	if resp != nil {
		return resp
	}
	credDeb := ""
	var filters []filter
	for _, f := range q.filters {
		if f.param == "credDeb" {
			credDeb = f.values[0]
			if f.op != "eq" {
				credDeb = ""
			}
			continue
		}
		filters = append(filters, f)
	}
	if credDeb != "C" && credDeb != "D" {
		return invalidValue("credDeb", "credDeb is required: C or D.")
	}
	q.filters = filters
	var open []outstandingItem
	for _, inv := range s.st.Invoices {
		if item, ok := s.st.outstanding(inv); ok && credDeb == "D" {
			open = append(open, item)
		}
	}
	idx, total := page(len(open), q, func(i int, _ string) string { return open[i].InvoiceNumber })
	out := listEnvelope[outstandingItem]{Items: []outstandingItem{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, open[i])
	}
	return jsonResponse(out)
}

// outstanding is the open item of a booked invoice with an amount left.
func (st *State) outstanding(inv Invoice) (outstandingItem, bool) {
	b := inv.Booking
	if b == nil || cents(inv.TotalAmount) == cents(b.PaidAmount) {
		return outstandingItem{}, false
	}
	rel := st.relation(inv.RelationID)
	item := outstandingItem{Date: inv.Date, MutationID: b.MutationID, InvoiceNumber: inv.InvoiceNumber,
		RelationID: inv.RelationID, TotalAmount: inv.TotalAmount, PaidAmount: b.PaidAmount,
		OutstandingAmount: float64(cents(inv.TotalAmount)-cents(b.PaidAmount)) / 100}
	if rel != nil {
		item.RelationCode, item.Company = rel.Code, rel.Name
	}
	return item, true
}

// RegisterPayment records a payment of amount (incl. VAT, in euros) on the
// booked invoice with this number, as the bank import would; at the full
// amount the invoice leaves the outstanding list. It is a test hook: the
// REST API has no such call.
func (s *Server) RegisterPayment(invoiceNumber string, amount float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.st.invoiceByNumber(invoiceNumber)
	switch {
	case inv == nil:
		return fmt.Errorf("ebrest sandbox: no invoice %q", invoiceNumber)
	case inv.Booking == nil:
		return fmt.Errorf("ebrest sandbox: invoice %q is not booked", invoiceNumber)
	case math.Abs(float64(cents(inv.Booking.PaidAmount)+cents(amount))) > math.Abs(float64(cents(inv.TotalAmount))):
		return fmt.Errorf("ebrest sandbox: a payment of %.2f exceeds what is open on invoice %q", amount, strings.TrimSpace(invoiceNumber))
	}
	inv.Booking.PaidAmount = float64(cents(inv.Booking.PaidAmount)+cents(amount)) / 100
	return nil
}
