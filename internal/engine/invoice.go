package engine

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// referenceCode is the line code of the first invoice line, which names the
// work order: "Werkbon WB26116 (ref 30414) van 20-11-2026: Vervangen
// cv-ketel". The SOAP cFactuur has no reference field (reference §5.4), so
// this line is how a person, and the engine after a crash or a lost journal,
// traces an invoice to its work order.
const referenceCode = "WERKBON"

// invoiceReference is the text that identifies a work order on an invoice:
// its number, which people read, and OutSmart's row id, which is unique (two
// work orders may share an OrderNr).
func invoiceReference(orderNumber, rowID string) string {
	return "Werkbon " + orderNumber + " (ref " + rowID + ")"
}

// legacyReference is how invoices named a work order before they carried
// its row id: "Werkbon WB26116".
func legacyReference(orderNumber string) string { return "Werkbon " + orderNumber }

// referencePattern finds the row id in a line that starts with a work
// order's reference.
var referencePattern = regexp.MustCompile(`^Werkbon .*? \(ref ([^()\s]+)\)`)

// referencedRowIDs returns the row ids of the work orders an invoice names
// in its reference lines (the line with code WERKBON, or without a code when
// the service leaves it out).
func referencedRowIDs(inv eboekhouden.InvoiceSummary) []string {
	var ids []string
	for _, l := range inv.Lines {
		if c := strings.TrimSpace(l.Code); c != "" && !strings.EqualFold(c, referenceCode) {
			continue
		}
		if m := referencePattern.FindStringSubmatch(strings.TrimSpace(l.Description)); m != nil {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// carriesRowID reports whether an invoice names the work order with this
// row id.
func carriesRowID(inv eboekhouden.InvoiceSummary, rowID string) bool {
	for _, id := range referencedRowIDs(inv) {
		if id == rowID {
			return true
		}
	}
	return false
}

// hasLegacyReference reports whether an invoice made before invoices carried
// the row id names a work order by number ("Werkbon WB26116" followed by a
// space, a colon, a parenthesis or the end; so WB2611 does not match
// WB26116). Invoices that carry a row id never match: they are matched by
// that id alone.
func hasLegacyReference(inv eboekhouden.InvoiceSummary, orderNumber string) bool {
	if len(referencedRowIDs(inv)) > 0 {
		return false
	}
	ref := legacyReference(orderNumber)
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
	// totalPerLine is the total with the VAT rounded per line instead of
	// per code: the other reading of how e-Boekhouden rounds [inferred].
	totalPerLine decimal.Decimal
	// notes are remarks worth a log line (defaults used).
	notes []message.Text
	// reference names the work order on the invoice (invoiceReference).
	reference string
}

// parkError is a reason to park a work order and what the user does about
// it, as messages (internal/message) sharing their arguments.
type parkError struct {
	reason, fix string
	args        message.Args
}

func (e *parkError) Error() string { return e.text().Render(message.Dutch) }

// text is the reason followed by the fix, the work order's log line.
func (e *parkError) text() message.Text {
	return message.Text{Key: "attention.line", Args: withArg(withArg(e.args, "Reason", "@"+e.reason), "Fix", "@"+e.fix)}
}

// newPark is the reason key with its fix key and arguments as name, value
// pairs.
func newPark(reason, fix string, pairs ...string) parkError {
	return parkError{reason: reason, fix: fix, args: message.T(reason, pairs...).Args}
}

// park is newPark as an error.
func park(reason, fix string, pairs ...string) error {
	p := newPark(reason, fix, pairs...)
	return &p
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
			d.notes = append(d.notes, message.T("workorder.note.vat", "Number", wo.Number, "VAT", vat, "What", what, "Code", code))
		}
		if ledger == "" {
			ledger = s.DefaultLedger
			d.notes = append(d.notes, message.T("workorder.note.ledger", "Number", wo.Number, "Ledger", ledger, "What", what, "Code", code))
		}
		if !isSalesVATCode(vat) {
			return "", "", park("park.vatnotsales", "park.vatnotsales.fix", "VAT", vat, "What", what, "Code", code)
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
			return d, park("park.materialline", "park.materialline.fix", "Number", wo.Number)
		}
		if code == "" {
			code = "MATERIAAL"
		}
		if name == "" {
			name = code
		}
		p, known := cat.products[code]
		vat, ledger, err := vatFor("@word.material", code, p.VATCode, p.LedgerCode, m.FreeFields[0], m.FreeFields[1])
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

	// Hours: per hour type, in order of first appearance, priced by the
	// user's rounding rule.
	periods := map[string][]time.Duration{}
	var order []string
	for _, p := range wo.WorkPeriods {
		code := strings.TrimSpace(p.HourType)
		if _, seen := periods[code]; !seen {
			order = append(order, code)
		}
		periods[code] = append(periods[code], p.Total)
	}
	for _, code := range order {
		worked := billedMinutes(periods[code], store.HoursRoundingMinute)
		billed := billedMinutes(periods[code], s.HoursRounding)
		if billed <= 0 {
			continue
		}
		if code == "" {
			return d, park("park.nohourtype", "park.nohourtype.fix", "Number", wo.Number)
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
			return d, park("park.unknownhourtype", "park.unknownhourtype.fix", "Number", wo.Number, "Code", code)
		}
		vat, ledger, err := vatFor("@word.hourtype", code, product.VATCode, product.LedgerCode, "", "")
		if err != nil {
			return d, err
		}
		priced, err := priceHours(billed, price, s.HoursRounding)
		if err != nil {
			return d, park("park.hoursamount", "park.hoursamount.fix", "Number", wo.Number, "Hours", clockHours(billed),
				"Price", price.Euro(), "Code", code)
		}
		text := fmt.Sprintf("%s (%s uur)", strings.TrimSpace(firstNonEmpty(name, code)), clockHours(billed))
		if billed != worked {
			text = fmt.Sprintf("%s (%s uur, gewerkt %s)", strings.TrimSpace(firstNonEmpty(name, code)), clockHours(billed), clockHours(worked))
		}
		lines = append(lines, eboekhouden.InvoiceLine{
			Quantity: priced.quantity, Unit: "uur", Code: code, Description: text,
			UnitPrice: priced.unitPrice, VATCode: vat, LedgerCode: ledger,
		})
	}
	if len(lines) == 0 {
		return d, park("park.empty", "park.empty.fix", "Number", wo.Number)
	}

	d.reference = invoiceReference(wo.Number, wo.RowID)
	ref := d.reference
	if !wo.Date.IsZero() {
		ref += " van " + wo.Date.Format("02-01-2006")
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
		BookingDescription: d.reference,
		Lines:              append([]eboekhouden.InvoiceLine{head}, lines...),
	}
	total, checkable, err := invoiceTotal(d.invoice.Lines)
	if err != nil {
		return d, park("park.toolarge", "park.toolarge.fix", "Number", wo.Number, "Error", err.Error())
	}
	d.total, d.checkable = total, checkable
	d.totalPerLine = totalVATPerLine(d.invoice.Lines)
	return d, nil
}

// lineAmount is a line's amount excl. VAT: quantity × price rounded once
// to cents, as e-Boekhouden computes it [inferred: half away from zero].
func lineAmount(l eboekhouden.InvoiceLine) (decimal.Decimal, error) {
	return l.Quantity.MulRound(l.UnitPrice, 2)
}

// invoiceTotal computes the total incl. VAT: line amounts rounded to cents,
// summed per VAT code, VAT per code rounded to cents (the rounding the
// sandbox assumes for e-Boekhouden [inferred]; see checkTotals for how a
// per-line rounding is told apart). checkable is false when a code has no
// fixed rate. It fails when an amount does not fit.
func invoiceTotal(lines []eboekhouden.InvoiceLine) (decimal.Decimal, bool, error) {
	perCode := map[string]decimal.Decimal{}
	for _, l := range lines {
		a, err := lineAmount(l)
		if err != nil {
			return decimal.Zero, false, err
		}
		perCode[l.VATCode] = perCode[l.VATCode].Add(a)
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
		vat, err := perCode[c].MulRound(rate, 2)
		if err != nil {
			return decimal.Zero, false, err
		}
		total = total.Add(perCode[c]).Add(vat)
	}
	return total, checkable, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// totalVATPerLine is the total incl. VAT with the VAT of each line rounded
// to cents on its own. Call it only after invoiceTotal succeeded.
func totalVATPerLine(lines []eboekhouden.InvoiceLine) decimal.Decimal {
	total := decimal.Zero
	for _, l := range lines {
		a, _ := lineAmount(l)
		vat, _ := a.MulRound(vatRates[l.VATCode], 2)
		total = total.Add(a).Add(vat)
	}
	return total
}

// implausible returns why an invoice should not go out without the user's
// confirmation (Dutch), or "": a negative total, or a line whose amount is
// above the limit (export.max_line_amount) either way. A negative line on an
// invoice with a positive total (a return, a discount) is fine.
func implausible(orderNumber string, d invoiceDraft, limit decimal.Decimal) *parkError {
	held := func(reason string, pairs ...string) *parkError {
		p := newPark(reason, "implausible.fix", append([]string{"Number", orderNumber}, pairs...)...)
		return &p
	}
	if d.total.Sign() < 0 {
		return held("implausible.negative", "Total", d.total.Euro())
	}
	if limit.Sign() <= 0 {
		return nil
	}
	for _, l := range d.invoice.Lines {
		a, err := lineAmount(l)
		if err != nil {
			return held("implausible.noamount", "Line", l.Description)
		}
		if distance(a, decimal.Zero).Cmp(limit) > 0 {
			return held("implausible.line", "Amount", a.Euro(), "Line", l.Description, "Quantity", l.Quantity.String(),
				"Price", l.UnitPrice.Euro(), "Limit", limit.Euro())
		}
	}
	return nil
}
