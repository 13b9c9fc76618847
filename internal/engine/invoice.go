package engine

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// referenceCode is the line code of the first invoice line, which names the
// work order: "Werkbon WB26116 (20-11-2026): Vervangen cv-ketel". The SOAP
// cFactuur has no reference field (reference §5.4), so this line is how a
// person, and the engine after a crash, traces an invoice to its work order.
const referenceCode = "WERKBON"

// workOrderReference is the text that identifies a work order on an invoice.
func workOrderReference(orderNumber string) string { return "Werkbon " + orderNumber }

// hasReference reports whether an invoice carries the reference of a work
// order in one of its lines ("Werkbon WB26116" followed by a space, a colon,
// a parenthesis or the end; so WB2611 does not match WB26116).
func hasReference(inv eboekhouden.InvoiceSummary, orderNumber string) bool {
	ref := workOrderReference(orderNumber)
	for _, l := range inv.Lines {
		d := l.Description
		for i := strings.Index(d, ref); i >= 0; {
			end := i + len(ref)
			if end == len(d) || strings.ContainsRune(" :(,.;-", rune(d[end])) {
				return true
			}
			next := strings.Index(d[end:], ref)
			if next < 0 {
				break
			}
			i = end + next
		}
	}
	return false
}

// catalog is what the engine knows about products and hour types when it
// prices a work order.
type catalog struct {
	products  map[string]eboekhouden.Product // e-Boekhouden, by code
	hourTypes map[string]outsmart.HourType   // OutSmart, by code (fallback for hour prices)
}

// invoiceDraft is an invoice built from a work order, with our own totals.
type invoiceDraft struct {
	invoice eboekhouden.Invoice
	// total is our total incl. VAT, computed per VAT code as e-Boekhouden
	// does; checkable is false when a line has a VAT code without a fixed rate.
	total     decimal.Decimal
	checkable bool
	// notes are remarks worth a log line (defaults used), in Dutch.
	notes []string
}

// parkError is a reason to park a work order: Dutch, naming the fix.
type parkError struct{ reason string }

func (e *parkError) Error() string { return e.reason }

func park(format string, args ...any) error { return &parkError{fmt.Sprintf(format, args...)} }

// hoursQuantity turns minutes into decimal hours rounded to two decimals
// (3:45 is 3.75; 1:10 is 1.17).
func hoursQuantity(d time.Duration) decimal.Decimal {
	return decimal.FromInt(int64(d / time.Minute)).DivInt(60).RoundCents()
}

// buildInvoice turns a work order into an invoice for relation code debtor.
// It returns a *parkError when the work order cannot be invoiced as it is.
func buildInvoice(wo outsmart.WorkOrder, debtor string, cat catalog, s store.Settings, date time.Time) (invoiceDraft, error) {
	var d invoiceDraft
	vatFor := func(what, code, productVAT, productLedger, freeVAT, freeLedger string) (vat, ledger string, err error) {
		vat, ledger = productVAT, productLedger
		if vat == "" && isSalesVATCode(strings.ToUpper(strings.TrimSpace(freeVAT))) {
			vat = strings.ToUpper(strings.TrimSpace(freeVAT))
		}
		if ledger == "" {
			ledger = strings.TrimSpace(freeLedger)
		}
		if vat == "" {
			vat = s.DefaultVATCode
			d.notes = append(d.notes, fmt.Sprintf("standaard btw-code %s gebruikt voor %s %s", vat, what, code))
		}
		if ledger == "" {
			ledger = s.DefaultLedger
			d.notes = append(d.notes, fmt.Sprintf("standaard omzetrekening %s gebruikt voor %s %s", ledger, what, code))
		}
		if !isSalesVATCode(vat) {
			return "", "", park("De btw-code %q bij %s %s is geen verkoopcode van e-Boekhouden. Pas de btw-code van het product aan in e-Boekhouden.", vat, what, code)
		}
		return vat, ledger, nil
	}

	var lines []eboekhouden.InvoiceLine
	for _, m := range wo.Materials {
		if m.Quantity.IsZero() {
			continue
		}
		code := strings.TrimSpace(m.Code)
		name := strings.TrimSpace(m.Name)
		if code == "" && name == "" {
			return d, park("Werkbon %s heeft een materiaalregel zonder code en omschrijving. Vul die aan in OutSmart.", wo.Number)
		}
		if code == "" {
			code = "MATERIAAL"
		}
		if name == "" {
			name = code
		}
		p, known := cat.products[code]
		vat, ledger, err := vatFor("materiaal", code, p.VATCode, p.LedgerCode, m.FreeFields[0], m.FreeFields[1])
		if err != nil {
			return d, err
		}
		unit := m.Unit
		if unit == "" && known {
			unit = p.Unit
		}
		lines = append(lines, eboekhouden.InvoiceLine{
			Quantity: m.Quantity, Unit: unit, Code: code, Description: name,
			UnitPrice: m.UnitPrice, VATCode: vat, LedgerCode: ledger,
		})
	}

	// Hours: summed per hour type, in order of first appearance.
	totals := map[string]time.Duration{}
	var order []string
	for _, p := range wo.WorkPeriods {
		code := strings.TrimSpace(p.HourType)
		if _, seen := totals[code]; !seen {
			order = append(order, code)
		}
		totals[code] += p.Total
	}
	for _, code := range order {
		if totals[code] <= 0 {
			continue
		}
		if code == "" {
			return d, park("Werkbon %s heeft uren zonder uursoort. Kies de uursoort in OutSmart.", wo.Number)
		}
		product, fromBooks := cat.products[code]
		ht, fromOutSmart := cat.hourTypes[code]
		var price decimal.Decimal
		name := code
		switch {
		case fromBooks:
			price, name = product.SalePrice, product.Description
		case fromOutSmart:
			if !ht.SaleBooking {
				continue // not billable (e.g. sick leave) [inferred: sale_booking 0]
			}
			price, name = ht.SalePrice, ht.Name
		default:
			return d, park("Werkbon %s gebruikt uursoort %q, die niet in e-Boekhouden of OutSmart bestaat. Maak de uursoort aan in e-Boekhouden (eenheid uur).", wo.Number, code)
		}
		vat, ledger, err := vatFor("uursoort", code, product.VATCode, product.LedgerCode, "", "")
		if err != nil {
			return d, err
		}
		lines = append(lines, eboekhouden.InvoiceLine{
			Quantity: hoursQuantity(totals[code]), Unit: "uur", Code: code, Description: name,
			UnitPrice: price, VATCode: vat, LedgerCode: ledger,
		})
	}
	if len(lines) == 0 {
		return d, park("Werkbon %s heeft geen materialen of uren om te factureren.", wo.Number)
	}

	ref := workOrderReference(wo.Number)
	if !wo.Date.IsZero() {
		ref += " (" + wo.Date.Format("02-01-2006") + ")"
	}
	if desc := firstNonEmpty(wo.ShortDescription, wo.Description); desc != "" {
		ref += ": " + desc
	}
	head := eboekhouden.InvoiceLine{
		Quantity: decimal.FromInt(1), Code: referenceCode, Description: ref,
		VATCode: lines[0].VATCode, LedgerCode: lines[0].LedgerCode,
	}
	d.invoice = eboekhouden.Invoice{
		RelationCode:       debtor,
		Date:               date,
		PaymentTermDays:    s.PaymentTermDays,
		Template:           s.Template,
		Book:               s.BookDirectly,
		BookingDescription: workOrderReference(wo.Number),
		Lines:              append([]eboekhouden.InvoiceLine{head}, lines...),
	}
	d.total, d.checkable = invoiceTotal(d.invoice.Lines)
	return d, nil
}

// invoiceTotal computes the total incl. VAT: line amounts rounded to cents,
// summed per VAT code, VAT per code rounded to cents. checkable is false when
// a code has no fixed rate.
func invoiceTotal(lines []eboekhouden.InvoiceLine) (decimal.Decimal, bool) {
	perCode := map[string]decimal.Decimal{}
	for _, l := range lines {
		perCode[l.VATCode] = perCode[l.VATCode].Add(l.Quantity.Mul(l.UnitPrice).RoundCents())
	}
	codes := make([]string, 0, len(perCode))
	for c := range perCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	total, checkable := decimal.Zero, true
	for _, c := range codes {
		rate, ok := vatRates[c]
		if !ok {
			checkable = false
		}
		total = total.Add(perCode[c]).Add(perCode[c].Mul(rate).RoundCents())
	}
	return total, checkable
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
