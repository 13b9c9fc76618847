package eboekhouden

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// This file owns the test hook that registers a payment, as the REST
// sandbox's RegisterPayment does: the SOAP API has no such call.

// RegisterPayment records a payment of amount (incl. VAT, in euros, at
// most two decimals) on the booked invoice with this number, as the bank
// import would: Voldaan grows and Openstaand shrinks; at the full amount
// the invoice leaves GetOpenPosten.
func (s *Server) RegisterPayment(invoiceNumber string, amount float64) error {
	pay, ok := new(big.Rat).SetString(strconv.FormatFloat(amount, 'f', 2, 64))
	if !ok {
		return fmt.Errorf("eboekhouden sandbox: amount %v is not a number", amount)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.clone()
	var inv *Invoice
	for i := range st.Invoices {
		if st.Invoices[i].Factuurnummer == invoiceNumber {
			inv = &st.Invoices[i]
		}
	}
	if inv == nil {
		return fmt.Errorf("eboekhouden sandbox: no invoice %q", invoiceNumber)
	}
	if !inv.InBoekhoudingPlaatsen {
		return fmt.Errorf("eboekhouden sandbox: invoice %q is not booked", invoiceNumber)
	}
	paid, err1 := parseAmount(inv.Voldaan)
	total, err2 := parseAmount(inv.TotaalInclBTW)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("eboekhouden sandbox: invoice %q: amounts unreadable", invoiceNumber)
	}
	paid.Add(paid, pay)
	if new(big.Rat).Abs(paid).Cmp(new(big.Rat).Abs(total)) > 0 {
		return fmt.Errorf("eboekhouden sandbox: a payment of %.2f exceeds what is open on invoice %q", amount, strings.TrimSpace(invoiceNumber))
	}
	inv.Voldaan = formatAmount(paid)
	if err := st.normalize(s.now()); err != nil {
		return fmt.Errorf("eboekhouden sandbox: register payment: %w", err)
	}
	s.st, s.ix = st, newIndex(&st)
	return nil
}
