package restroad

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns invoices: creating one (relation, template, ledgers and
// units by id, the booking with its payment reference, the number) and
// reading them back with their lines.

const opCreate = "POST /v1/invoice"

// refused is a refusal Books makes itself before sending: it reads as the
// service's own (an *eboekhouden.APIError), so the engine parks the work
// order with its text and the hint for code.
func refused(code, format string, a ...any) error {
	return &eboekhouden.APIError{Op: opCreate, Code: code, Description: fmt.Sprintf(format, a...)}
}

// AddInvoice creates the invoice and returns its number. The relation is
// found by code, the template by name (active templates), each line's
// ledger by code and unit by name; a booked invoice (Book) carries the
// debtor ledger and the work order's reference as a checked payment
// reference. What cannot be mapped is a refusal (*eboekhouden.APIError)
// naming it; a lost answer is eboekhouden.ErrOutcomeUnknown.
func (b *Books) AddInvoice(ctx context.Context, inv eboekhouden.Invoice) (string, error) {
	req, err := b.newInvoice(ctx, inv)
	if err != nil {
		return "", mapErr(err)
	}
	// The engine leaves the number to e-Boekhouden (as on the SOAP road), so
	// that the administration's own series and format go on; the client never
	// sends twice, and a lost answer is found again by the work order's
	// reference line, never by a number.
	req.Number = inv.Number
	created, err := b.c.CreateInvoice(ctx, req)
	switch {
	case err == nil:
		return created.Number, nil
	case errors.Is(err, rest.ErrInvalid):
		return "", refused("", "%s", strings.TrimPrefix(err.Error(), "e-Boekhouden REST POST /v1/invoice: invalid input: "))
	}
	return "", mapErr(err)
}

// newInvoice maps the invoice (all but its number).
func (b *Books) newInvoice(ctx context.Context, inv eboekhouden.Invoice) (rest.NewInvoice, error) {
	relID, err := b.relationID(ctx, inv.RelationCode)
	if err != nil {
		return rest.NewInvoice{}, err
	}
	tplID, err := b.templateID(ctx, inv.Template)
	if err != nil {
		return rest.NewInvoice{}, err
	}
	req := rest.NewInvoice{RelationID: relID, TemplateID: tplID, Date: inv.Date, TermOfPayment: inv.PaymentTermDays}
	if inv.EmailIt {
		// e-Boekhouden e-mails it to the relation's (invoice) address (§5.4).
		req.EmailTemplateID = inv.EmailTemplateID
		req.Email = &rest.InvoiceEmail{FromEmail: inv.EmailFromAddress, FromName: inv.EmailFromName,
			Subject: inv.EmailSubject, Body: htmlBody(inv.EmailBody), AttachUBL: inv.EmailAttachUBL}
	}
	for _, l := range inv.Lines {
		line, err := b.line(ctx, l)
		if err != nil {
			return rest.NewInvoice{}, err
		}
		req.Lines = append(req.Lines, line)
	}
	if inv.Book {
		if req.Booking, err = b.booking(ctx, inv); err != nil {
			return rest.NewInvoice{}, err
		}
	}
	return req, nil
}

// htmlBody is a plain-text message as the HTML the REST body is read as
// (§7 CreateInvoiceEmail "Supports HTML"): escaped, its line ends kept as
// <br> [inferred: that the body is rendered as HTML, not as text].
func htmlBody(text string) string {
	if text == "" {
		return ""
	}
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>\n")
}

// line maps one line: the ledger code to its id, the unit text to its id
// (none when the administration has no such unit [inferred: the line's
// unit is informative only]).
func (b *Books) line(ctx context.Context, l eboekhouden.InvoiceLine) (rest.InvoiceLine, error) {
	ledger, err := b.ledgerID(ctx, l.LedgerCode)
	if err != nil {
		return rest.InvoiceLine{}, err
	}
	unit, err := b.unitID(ctx, l.Unit)
	if err != nil {
		return rest.InvoiceLine{}, err
	}
	qty, price, desc := fitPrice(l.Quantity, l.UnitPrice, l.Description)
	return rest.InvoiceLine{Quantity: qty, UnitID: unit, Code: l.Code, Description: desc,
		PricePerUnit: price, VATCode: l.VATCode, LedgerID: ledger, CostCenterID: l.CostCentreID}, nil
}

// fitPrice makes a line's price fit the REST road's two decimals for money
// (§6 [inferred]) without changing the line's amount to the cent, which
// the engine priced and checks the invoice total by. The SOAP road takes
// four decimals, so the engine may send an hourly rate of € 107,368, or a
// rate it nudged by 0,0001 so that hours × rate lands on the cent. A price
// with more than two decimals is rounded to cents and the quantity chosen,
// in steps of 0,0001 (four decimals, §5.4) near the original, so that
// quantity × price is within 0,0049 of the same amount; when no such
// quantity exists (high rates), the line becomes 1 × its amount and its
// description says what it was ("2,5 × € 107,368").
func fitPrice(qty, price decimal.Decimal, desc string) (decimal.Decimal, decimal.Decimal, string) {
	if price.Equal(price.RoundCents()) {
		return qty, price, desc
	}
	amount, err := qty.MulRound(price, 2)
	if err != nil {
		return qty, price, desc // the client refuses it with its own reason
	}
	cents := price.RoundCents()
	safe := decimal.New(49, 4)
	// A whole quantity (3 pieces, 2 hours) stays whole: 3,0016 pieces would
	// read as an error on the invoice.
	steps := int64(50)
	if qty.Equal(qty.Round(0)) {
		steps = 0
	}
	for k := int64(0); k <= steps; k++ {
		for _, step := range []int64{k, -k} {
			q := qty.Add(decimal.New(step, 4))
			if q.Sign() != qty.Sign() {
				continue
			}
			exact, err := q.MulRound(cents, 4)
			if err != nil {
				continue
			}
			diff := exact.Sub(amount)
			if diff.Sign() < 0 {
				diff = diff.Neg()
			}
			if diff.Cmp(safe) <= 0 {
				return q, cents, desc
			}
		}
	}
	return decimal.FromInt(1), amount, fmt.Sprintf("%s (%s × € %s)", desc, shortComma(qty, 0), shortComma(price, 2))
}

// shortComma is d with a decimal comma and no trailing zeros beyond min
// places ("2,5", "107,368", "60,00").
func shortComma(d decimal.Decimal, min int) string {
	s := d.Comma(decimal.Places)
	for strings.Contains(s, ",") && strings.HasSuffix(s, "0") && len(s)-strings.Index(s, ",")-1 > min {
		s = s[:len(s)-1]
	}
	return strings.TrimSuffix(s, ",")
}

// booking is the mutation block of a booked invoice: the administration's
// debtor ledger, the booking description, and the work order's reference
// (the engine's BookingDescription, "Werkbon N (ref ROWID)") as a payment
// reference the server refuses twice (§5.4, §9).
func (b *Books) booking(ctx context.Context, inv eboekhouden.Invoice) (*rest.Booking, error) {
	if err := b.readLedgers(ctx); err != nil {
		return nil, err
	}
	var debtor int64
	for _, l := range b.ledgers {
		if l.Category == rest.LedgerCategoryDebtors {
			debtor = l.ID
			break
		}
	}
	if debtor == 0 {
		return nil, refused("MUT_011", "de administratie heeft geen debiteurenrekening (categorie DEB) om de factuur op te boeken")
	}
	desc := strings.TrimSpace(inv.BookingDescription)
	bk := &rest.Booking{LedgerID: debtor, Description: truncate(desc, 200)}
	if desc != "" {
		bk.PaymentReference, bk.CheckPaymentReference = PaymentReference(desc), true
	}
	return bk, nil
}

// PaymentReference is the payment reference of a booked invoice for the
// work order reference ref: ref itself when it fits the 50 characters the
// API allows (§7), else "KOP-" and a hash of it, unique all the same.
// [inferred]
func PaymentReference(ref string) string {
	ref = strings.TrimSpace(ref)
	if utf8.RuneCountInString(ref) <= 50 {
		return ref
	}
	sum := sha256.Sum256([]byte(ref))
	return "KOP-" + hex.EncodeToString(sum[:])[:40]
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// relationID is the id of the relation with code; a refusal when there is
// none.
func (b *Books) relationID(ctx context.Context, code string) (int64, error) {
	code = strings.TrimSpace(code)
	b.mu.Lock()
	for id, c := range b.relCodes {
		if c == code && code != "" {
			b.mu.Unlock()
			return id, nil
		}
	}
	b.mu.Unlock()
	if code == "" {
		return 0, refused("FACT_001", "de factuur heeft geen relatie")
	}
	refs, err := b.c.ListRelations(ctx, rest.Filter{Param: "code", Value: code})
	if err != nil {
		return 0, err
	}
	for _, r := range refs {
		if r.Code == code {
			b.noteRelation(r.ID, r.Code)
			return r.ID, nil
		}
	}
	return 0, refused("FACT_002", "relatie %s bestaat niet in e-Boekhouden", code)
}

// templateID is the id of the active invoice template named name: the
// exact name, else the one name that matches regardless of case and
// surrounding space. None is a refusal that names the active templates.
func (b *Books) templateID(ctx context.Context, name string) (int64, error) {
	if b.templates == nil {
		ts, err := b.c.ListInvoiceTemplates(ctx)
		if err != nil {
			return 0, fmt.Errorf("read invoice templates: %w", err)
		}
		b.templates = append([]rest.InvoiceTemplate{}, ts...)
	}
	var loose []int64
	var names []string
	for _, t := range b.templates {
		if !t.Active {
			continue
		}
		names = append(names, t.Name)
		if t.Name == name {
			return t.ID, nil
		}
		if strings.EqualFold(strings.TrimSpace(t.Name), strings.TrimSpace(name)) {
			loose = append(loose, t.ID)
		}
	}
	if len(loose) == 1 {
		return loose[0], nil
	}
	if strings.TrimSpace(name) == "" {
		return 0, refused("FACT_018", "er is geen factuursjabloon ingesteld (actieve sjablonen in e-Boekhouden: %s)", strings.Join(names, ", "))
	}
	return 0, refused("FACT_018", "factuursjabloon %q bestaat niet of is niet actief in e-Boekhouden (actieve sjablonen: %s)",
		name, strings.Join(names, ", "))
}

// ledgerID is the id of the ledger with code; a refusal when there is none.
func (b *Books) ledgerID(ctx context.Context, code string) (int64, error) {
	code = strings.TrimSpace(code)
	if err := b.readLedgers(ctx); err != nil {
		return 0, err
	}
	for _, l := range b.ledgers {
		if strings.TrimSpace(l.Code) == code {
			return l.ID, nil
		}
	}
	return 0, refused("FACT_ITEM_012", "grootboekrekening %q bestaat niet in e-Boekhouden", code)
}

// invoice reads one invoice's details, once per Books.
func (b *Books) invoice(ctx context.Context, id int64) (rest.Invoice, error) {
	b.mu.Lock()
	inv, ok := b.invoices[id]
	b.mu.Unlock()
	if ok {
		return inv, nil
	}
	inv, err := b.c.GetInvoice(ctx, id)
	b.count("invoice", 1)
	if err != nil {
		return rest.Invoice{}, err
	}
	b.mu.Lock()
	b.invoices[id] = inv
	b.mu.Unlock()
	return inv, nil
}

// Invoices returns the invoices f asks for, each with its lines (one GET
// per invoice not read before by this Books): by number, relation code and
// date range (From and To default to 1980-01-01 and 2049-12-31, as on the
// SOAP road). A list that cannot be read whole is an error, never an empty
// answer. TotalOutstanding stays zero: the REST road has it only from the
// outstanding-items list, which the engine does not need.
func (b *Books) Invoices(ctx context.Context, f eboekhouden.InvoiceFilter) ([]eboekhouden.InvoiceSummary, error) {
	out, err := b.invoices2(ctx, f)
	return out, mapErr(err)
}

func (b *Books) invoices2(ctx context.Context, f eboekhouden.InvoiceFilter) ([]eboekhouden.InvoiceSummary, error) {
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(2049, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	filters := []rest.Filter{{Param: "date", Op: "range", Value: from.Format(time.DateOnly) + "," + to.Format(time.DateOnly)}}
	if f.Number != "" {
		filters = append(filters, rest.Filter{Param: "invoiceNumber", Value: f.Number})
	}
	if code := strings.TrimSpace(f.RelationCode); code != "" {
		refs, err := b.c.ListRelations(ctx, rest.Filter{Param: "code", Value: code})
		if err != nil {
			return nil, fmt.Errorf("look up relation %s: %w", code, err)
		}
		var id int64
		for _, r := range refs {
			if r.Code == code {
				id = r.ID
				b.noteRelation(r.ID, r.Code)
			}
		}
		if id == 0 {
			return nil, nil // no such relation: it has no invoices
		}
		filters = append(filters, rest.Filter{Param: "relationId", Value: strconv.FormatInt(id, 10)})
	}
	list, err := b.c.ListInvoices(ctx, filters...)
	if err != nil {
		return nil, err
	}
	out := make([]eboekhouden.InvoiceSummary, 0, len(list))
	for _, s := range list {
		if f.Number != "" && s.Number != f.Number {
			continue
		}
		full, err := b.invoice(ctx, s.ID)
		if err != nil {
			return nil, fmt.Errorf("read invoice %s: %w", s.Number, err)
		}
		conv, err := b.invoiceFromREST(ctx, full)
		if err != nil {
			return nil, err
		}
		out = append(out, conv)
	}
	return out, nil
}

// invoiceFromREST converts an invoice with its lines; totals are rounded
// to cents. A line's UnitPrice is the invoice's pricePerUnit as it is: excl.
// VAT for the invoices Koppeling makes (EX), incl. VAT for one made with
// inExVat IN elsewhere (the engine reads only the lines' texts of those).
func (b *Books) invoiceFromREST(ctx context.Context, inv rest.Invoice) (eboekhouden.InvoiceSummary, error) {
	code, err := b.relationCode(ctx, inv.RelationID)
	if err != nil {
		return eboekhouden.InvoiceSummary{}, fmt.Errorf("invoice %s: %w", inv.Number, err)
	}
	out := eboekhouden.InvoiceSummary{Number: inv.Number, RelationCode: code, Date: inv.Date,
		PaymentTermDays: inv.TermOfPayment, TotalExclVAT: inv.TotalExcl.RoundCents(), TotalVAT: inv.VATAmount.RoundCents(),
		TotalInclVAT: inv.TotalAmount.RoundCents(), PDFURL: inv.PDFURL}
	for _, l := range inv.Lines {
		unit, err := b.unitName(ctx, l.UnitID)
		if err != nil {
			return out, fmt.Errorf("invoice %s: %w", inv.Number, err)
		}
		ledger, err := b.ledgerCode(ctx, l.LedgerID)
		if err != nil {
			return out, fmt.Errorf("invoice %s: %w", inv.Number, err)
		}
		out.Lines = append(out.Lines, eboekhouden.InvoiceLine{Quantity: l.Quantity, Unit: unit, Code: l.Code,
			Description: l.Description, UnitPrice: l.PricePerUnit, VATCode: l.VATCode, LedgerCode: ledger,
			CostCentreID: l.CostCenterID})
	}
	return out, nil
}

// relationCode is the code of a relation id, read when this Books has not
// seen it.
func (b *Books) relationCode(ctx context.Context, id int64) (string, error) {
	b.mu.Lock()
	code, ok := b.relCodes[id]
	b.mu.Unlock()
	if ok {
		return code, nil
	}
	r, err := b.c.GetRelation(ctx, id)
	b.count(KindRelation, 1)
	if err != nil {
		return "", fmt.Errorf("read relation %d: %w", id, err)
	}
	b.noteRelation(r.ID, r.Code)
	return r.Code, nil
}
