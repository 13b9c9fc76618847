package engine

import (
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
	// emailTo is the address e-Boekhouden is asked to e-mail the invoice
	// to; "" when it is not e-mailed (email.go).
	emailTo string
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

// buildInvoice turns a work order into an invoice for relation code debtor:
// a reference line that names the work order, then its material lines,
// then its hour lines. It returns a *parkError when the work order cannot
// be invoiced as it is.
func buildInvoice(wo outsmart.WorkOrder, debtor string, cat catalog, s store.Settings, date time.Time) (invoiceDraft, error) {
	b := &lineBuilder{wo: wo, cat: cat, s: s}
	lines, err := b.materialLines()
	if err == nil {
		var hours []eboekhouden.InvoiceLine
		hours, err = b.hourLines()
		lines = append(lines, hours...)
	}
	d := invoiceDraft{notes: b.notes}
	if err != nil {
		return d, err
	}
	if len(lines) == 0 {
		return d, park("park.empty", "park.empty.fix", "Number", wo.Number)
	}
	d.reference = invoiceReference(wo.Number, wo.RowID)
	d.invoice = eboekhouden.Invoice{
		RelationCode:       debtor,
		Date:               date,
		PaymentTermDays:    s.PaymentTermDays,
		Template:           s.Template,
		Book:               s.BookDirectly,
		BookingDescription: d.reference,
		Lines:              append([]eboekhouden.InvoiceLine{referenceLine(wo, d.reference, lines[0])}, lines...),
	}
	for i := range d.invoice.Lines {
		d.invoice.Lines[i].CostCentreID = s.CostCentreID // the Export tab's kostenplaats, 0 for none
	}
	total, checkable, err := invoiceTotal(d.invoice.Lines)
	if err != nil {
		return d, park("park.toolarge", "park.toolarge.fix", "Number", wo.Number, "Error", err.Error())
	}
	d.total, d.checkable = total, checkable
	d.totalPerLine = totalVATPerLine(d.invoice.Lines)
	return d, nil
}

// referenceLine is the invoice's first line, which names the work order:
// its reference, date and description, at no charge, with the VAT code and
// ledger of the first priced line.
func referenceLine(wo outsmart.WorkOrder, reference string, first eboekhouden.InvoiceLine) eboekhouden.InvoiceLine {
	text := reference
	if !wo.Date.IsZero() {
		text += referenceDate(wo.Date)
	}
	if desc := firstNonEmpty(wo.ShortDescription, wo.Description); desc != "" {
		text += ": " + desc
	}
	return eboekhouden.InvoiceLine{
		Quantity: decimal.FromInt(1), Code: referenceCode, Description: text,
		VATCode: first.VATCode, LedgerCode: first.LedgerCode,
	}
}

// lineBuilder prices the lines of one work order and collects the notes
// worth a log line (the defaults it used).
type lineBuilder struct {
	wo    outsmart.WorkOrder
	cat   catalog
	s     store.Settings
	notes []message.Text
}

// materialLines are the work order's materials with a quantity, each with
// its product's VAT code and ledger.
func (b *lineBuilder) materialLines() ([]eboekhouden.InvoiceLine, error) {
	var lines []eboekhouden.InvoiceLine
	for _, m := range b.wo.Materials {
		if m.Quantity.IsZero() {
			continue
		}
		code, name := strings.TrimSpace(m.Code), strings.TrimSpace(m.Name)
		if code == "" && name == "" {
			return nil, park("park.materialline", "park.materialline.fix", "Number", b.wo.Number)
		}
		if code == "" {
			code = materialCode
		}
		if name == "" {
			name = code
		}
		p, known := b.cat.products[code]
		vat, ledger, err := b.vatAndLedger("@word.material", code, p.VATCode, p.LedgerCode, m.FreeFields[0], m.FreeFields[1])
		if err != nil {
			return nil, err
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
	return lines, nil
}

// hourLines are the work order's hours: one line per hour type, in order of
// first appearance, priced by the user's rounding rule. Hour types that are
// not billable are left out.
func (b *lineBuilder) hourLines() ([]eboekhouden.InvoiceLine, error) {
	periods := map[string][]time.Duration{}
	var order []string
	for _, p := range b.wo.WorkPeriods {
		code := strings.TrimSpace(p.HourType)
		if _, seen := periods[code]; !seen {
			order = append(order, code)
		}
		periods[code] = append(periods[code], p.Total)
	}
	var lines []eboekhouden.InvoiceLine
	for _, code := range order {
		worked := billedMinutes(periods[code], store.HoursRoundingMinute)
		billed := billedMinutes(periods[code], b.s.HoursRounding)
		if billed <= 0 {
			continue
		}
		l, billable, err := b.hourLine(code, billed, worked)
		if err != nil {
			return nil, err
		}
		if billable {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// hourLine prices the billed minutes of one hour type: an e-Boekhouden
// product of that code first, else OutSmart's hour type. billable is false
// for an OutSmart hour type without a sale booking (e.g. sick leave)
// [inferred: sale_booking 0].
func (b *lineBuilder) hourLine(code string, billed, worked int64) (l eboekhouden.InvoiceLine, billable bool, err error) {
	if code == "" {
		return l, false, park("park.nohourtype", "park.nohourtype.fix", "Number", b.wo.Number)
	}
	product, fromBooks := b.cat.products[code]
	ht, fromOutSmart := b.cat.hourTypes[code]
	var price decimal.Decimal
	name := code
	switch {
	case fromBooks:
		price, name = product.SalePrice, product.Description
	case fromOutSmart && !ht.SaleBooking:
		return l, false, nil
	case fromOutSmart:
		price, name = ht.SalePrice, ht.Name
	default:
		return l, false, park("park.unknownhourtype", "park.unknownhourtype.fix", "Number", b.wo.Number, "Code", code)
	}
	vat, ledger, err := b.vatAndLedger("@word.hourtype", code, product.VATCode, product.LedgerCode, "", "")
	if err != nil {
		return l, false, err
	}
	priced, err := priceHours(billed, price, b.s.HoursRounding)
	if err != nil {
		return l, false, park("park.hoursamount", "park.hoursamount.fix", "Number", b.wo.Number, "Hours", clockHours(billed),
			"Price", price.Euro(), "Code", code)
	}
	return eboekhouden.InvoiceLine{
		Quantity: priced.quantity, Unit: hourUnit, Code: code, Description: hourLineText(firstNonEmpty(name, code), billed, worked),
		UnitPrice: priced.unitPrice, VATCode: vat, LedgerCode: ledger,
	}, true, nil
}

// vatAndLedger are the VAT code and ledger of a line: the product's, else
// the ones in the material's free fields (a VAT code only when it is a
// sales code), else the defaults of the settings (noted). A VAT code that
// is not a sales code parks the work order.
func (b *lineBuilder) vatAndLedger(what, code, productVAT, productLedger, freeVAT, freeLedger string) (vat, ledger string, err error) {
	vat, ledger = productVAT, productLedger
	if free := strings.ToUpper(strings.TrimSpace(freeVAT)); vat == "" && store.IsSalesVATCode(free) {
		vat = free
	}
	if ledger == "" {
		ledger = strings.TrimSpace(freeLedger)
	}
	if vat == "" {
		vat = b.s.DefaultVATCode
		b.notes = append(b.notes, message.T("workorder.note.vat", "Number", b.wo.Number, "VAT", vat, "What", what, "Code", code))
	}
	if ledger == "" {
		ledger = b.s.DefaultLedger
		b.notes = append(b.notes, message.T("workorder.note.ledger", "Number", b.wo.Number, "Ledger", ledger, "What", what, "Code", code))
	}
	if !store.IsSalesVATCode(vat) {
		return "", "", park("park.vatnotsales", "park.vatnotsales.fix", "VAT", vat, "What", what, "Code", code)
	}
	return vat, ledger, nil
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
		rate, ok := store.SalesVATRate(c)
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
		rate, _ := store.SalesVATRate(l.VATCode)
		vat, _ := a.MulRound(rate, 2)
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
