package restroad

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns invoices: creating one (relation, template, ledgers and
// units by id, the booking with its payment reference, the number) and
// reading them back with their lines.

const opCreate = "POST /v1/invoice"

// maxNumberTries bounds how often AddInvoice takes the next number when
// the one it chose is taken meanwhile (FACT_101).
const maxNumberTries = 5

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
	for try := 0; try < maxNumberTries; try++ {
		if req.Number, err = b.number(ctx, inv.Number); err != nil {
			return "", mapErr(err)
		}
		created, err := b.c.CreateInvoice(ctx, req)
		switch {
		case err == nil:
			b.nextNumber = nextNumber(created.Number)
			return created.Number, nil
		case errors.Is(err, rest.ErrInvalid):
			return "", refused("", "%s", strings.TrimPrefix(err.Error(), "e-Boekhouden REST POST /v1/invoice: invalid input: "))
		case !errors.Is(err, rest.ErrInvoiceNumberInUse) || inv.Number != "":
			return "", mapErr(err)
		}
		// The number was taken meanwhile: by this invoice (an earlier
		// attempt) or another.
		mine, lookErr := b.isThisInvoice(ctx, req)
		switch {
		case lookErr != nil:
			return "", mapErr(fmt.Errorf("%w: invoice %s exists and could not be read: %w", rest.ErrOutcomeUnknown, req.Number, lookErr))
		case mine:
			b.nextNumber = nextNumber(req.Number)
			return req.Number, nil
		}
		b.nextNumber = nextNumber(req.Number)
	}
	return "", mapErr(fmt.Errorf("e-Boekhouden REST %s: %w: %d invoice numbers in a row were taken meanwhile", opCreate, rest.ErrTransient, maxNumberTries))
}

// newInvoice maps everything but the number.
func (b *Books) newInvoice(ctx context.Context, inv eboekhouden.Invoice) (rest.NewInvoice, error) {
	if inv.EmailIt {
		return rest.NewInvoice{}, refused("", "een factuur per e-mail versturen kan Koppeling op de REST-koppeling nog niet")
	}
	relID, err := b.relationID(ctx, inv.RelationCode)
	if err != nil {
		return rest.NewInvoice{}, err
	}
	tplID, err := b.templateID(ctx, inv.Template)
	if err != nil {
		return rest.NewInvoice{}, err
	}
	req := rest.NewInvoice{RelationID: relID, TemplateID: tplID, Date: inv.Date, TermOfPayment: inv.PaymentTermDays}
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
	return rest.InvoiceLine{Quantity: l.Quantity, UnitID: unit, Code: l.Code, Description: l.Description,
		PricePerUnit: l.UnitPrice, VATCode: l.VATCode, LedgerID: ledger, CostCenterID: l.CostCentreID}, nil
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

// number is the number of the next invoice: want when the caller chose
// one, else the administration's series continued (see the package
// documentation).
func (b *Books) number(ctx context.Context, want string) (string, error) {
	if want != "" {
		return want, nil
	}
	if b.nextNumber != "" {
		return b.nextNumber, nil
	}
	today := b.opts.Now()
	recent, err := b.c.ListInvoices(ctx, rest.Filter{Param: "date", Op: "gte", Value: today.AddDate(-1, 0, 0).Format(time.DateOnly)})
	if err == nil && len(recent) == 0 {
		recent, err = b.c.ListInvoices(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("read the invoice numbers: %w", err)
	}
	return seriesNext(recent, today.Year()), nil
}

// seriesNext is the number after the administration's series: the highest
// all-digit number plus one when there are such numbers (so that a credit
// note "C2026-3" made last does not start a series of its own; a yearly
// series such as 2025999 goes on at 2026001 in 2026), else the
// newest invoice's (highest id) number with its digits counted on, else
// year*1000+1 [inferred: the SOAP sandbox's rule for an empty number].
func seriesNext(invs []rest.InvoiceSummary, year int) string {
	var newest rest.InvoiceSummary
	var high uint64
	digits := false
	for _, s := range invs {
		if s.ID > newest.ID {
			newest = s
		}
		if n, err := strconv.ParseUint(s.Number, 10, 63); err == nil {
			digits = true
			high = max(high, n)
		}
	}
	yearly := uint64(year) * 1000
	switch {
	case digits && high >= yearly-1000 && high < yearly+1000:
		// A yearly series (2025001, ...): a new year starts at year*1000+1.
		return strconv.FormatUint(max(high, yearly)+1, 10)
	case digits:
		return strconv.FormatUint(high+1, 10)
	case newest.ID != 0:
		return nextNumber(newest.Number)
	}
	return strconv.Itoa(year*1000 + 1)
}

// nextNumber is number with its last run of digits plus one, keeping its
// width ("2026004" → "2026005", "F-0099" → "F-0100"); a number without
// digits at the end gets "1".
func nextNumber(number string) string {
	end := len(number)
	start := end
	for start > 0 && number[start-1] >= '0' && number[start-1] <= '9' {
		start--
	}
	if start == end {
		return number + "1"
	}
	digits := []byte(number[start:end])
	i := len(digits) - 1
	for ; i >= 0; i-- {
		if digits[i] < '9' {
			digits[i]++
			break
		}
		digits[i] = '0'
	}
	if i < 0 {
		digits = append([]byte{'1'}, digits...)
	}
	return number[:start] + string(digits)
}

// isThisInvoice reports whether the invoice holding req's number is req:
// same relation, and its first line (the work order's reference line) the
// same text.
func (b *Books) isThisInvoice(ctx context.Context, req rest.NewInvoice) (bool, error) {
	s, found, err := b.c.FindInvoice(ctx, req.Number)
	if err != nil || !found {
		return false, err
	}
	full, err := b.invoice(ctx, s.ID)
	if err != nil {
		return false, err
	}
	if full.RelationID != req.RelationID || len(full.Lines) == 0 || len(req.Lines) == 0 {
		return false, nil
	}
	return strings.TrimSpace(full.Lines[0].Description) == strings.TrimSpace(req.Lines[0].Description), nil
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
