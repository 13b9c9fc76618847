package eboekhouden

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// State is the administration as the sandbox holds it. Money and quantities
// are decimal strings, dates "YYYY-MM-DD", as in demodata. The fields marked
// "derived" are recomputed from the others on every read and after every
// Update; changing them in Update has no effect.
type State struct {
	Administration   string                   `json:"administration"`
	InvoiceTemplates []string                 `json:"invoice_templates"`
	LedgerAccounts   []demodata.LedgerAccount `json:"ledger_accounts"`
	// Relations are ordered by ID.
	Relations []demodata.Relatie `json:"relations"`
	// Articles are ordered by ArtikelID.
	Articles []Article `json:"articles"`
	// Invoices are ordered by number.
	Invoices []Invoice `json:"invoices"`
	// VATRounding is how the sandbox rounds an invoice's VAT: VATPerCode
	// (the default, "") or VATPerLine. The reference does not say which the
	// real service does [inferred]; tests switch to per line to check that a
	// client copes with either.
	VATRounding string `json:"vat_rounding,omitempty"`

	// OpenItems are the open debtor items (derived): every invoice placed in
	// the books whose outstanding amount is not zero.
	OpenItems []OpenItem `json:"open_items"`
	// Sessions is the number of open, unexpired sessions (derived).
	Sessions int `json:"sessions"`
	// NextInvoiceNumbers maps a year to the number AddFactuur gives the next
	// invoice of that year without a Factuurnummer (derived), for every year
	// with invoices and the current year.
	NextInvoiceNumbers map[string]string `json:"next_invoice_numbers"`
}

// Article is a product/service with the prices GetArtikelen derives.
type Article struct {
	demodata.Artikel
	// VerkoopprijsInclBTW is VerkoopprijsExclBTW plus VAT, rounded to cents (derived).
	VerkoopprijsInclBTW string `json:"VerkoopprijsInclBTW"`
	// BtwPercentage is the VAT rate as a fraction, "0.21" (derived; §5.3 sample).
	BtwPercentage string `json:"BtwPercentage"`
}

// Invoice is an invoice with every cFactuur field AddFactuur received, what
// has been paid, and its totals.
type Invoice struct {
	Factuurnummer                       string                  `json:"Factuurnummer"`
	Relatiecode                         string                  `json:"Relatiecode"`
	Datum                               string                  `json:"Datum"`
	Betalingstermijn                    int64                   `json:"Betalingstermijn"`
	Factuursjabloon                     string                  `json:"Factuursjabloon"`
	PerEmailVerzenden                   bool                    `json:"PerEmailVerzenden"`
	EmailOnderwerp                      string                  `json:"EmailOnderwerp,omitempty"`
	EmailBericht                        string                  `json:"EmailBericht,omitempty"`
	EmailVanAdres                       string                  `json:"EmailVanAdres,omitempty"`
	EmailVanNaam                        string                  `json:"EmailVanNaam,omitempty"`
	AutomatischeIncasso                 bool                    `json:"AutomatischeIncasso"`
	IncassoIBAN                         string                  `json:"IncassoIBAN,omitempty"`
	IncassoMachtigingSoort              string                  `json:"IncassoMachtigingSoort,omitempty"`
	IncassoMachtigingID                 string                  `json:"IncassoMachtigingID,omitempty"`
	IncassoMachtigingDatumOndertekening string                  `json:"IncassoMachtigingDatumOndertekening"`
	IncassoMachtigingFirst              bool                    `json:"IncassoMachtigingFirst"`
	IncassoRekeningNummer               string                  `json:"IncassoRekeningNummer,omitempty"`
	IncassoTnv                          string                  `json:"IncassoTnv,omitempty"`
	IncassoPlaats                       string                  `json:"IncassoPlaats,omitempty"`
	IncassoOmschrijvingRegel1           string                  `json:"IncassoOmschrijvingRegel1,omitempty"`
	IncassoOmschrijvingRegel2           string                  `json:"IncassoOmschrijvingRegel2,omitempty"`
	IncassoOmschrijvingRegel3           string                  `json:"IncassoOmschrijvingRegel3,omitempty"`
	InBoekhoudingPlaatsen               bool                    `json:"InBoekhoudingPlaatsen"`
	BoekhoudmutatieOmschrijving         string                  `json:"BoekhoudmutatieOmschrijving,omitempty"`
	Regels                              []demodata.FactuurRegel `json:"Regels"`
	// Voldaan is the amount paid, incl. VAT. Tests mark an invoice paid by
	// setting it in Update.
	Voldaan string `json:"Voldaan"`

	TotaalExclBTW string `json:"TotaalExclBTW"` // derived
	TotaalBTW     string `json:"TotaalBTW"`     // derived
	TotaalInclBTW string `json:"TotaalInclBTW"` // derived
	// TotaalOpenstaand is TotaalInclBTW minus Voldaan for a booked invoice and
	// 0 for an invoice not placed in the books (derived). [inferred]
	TotaalOpenstaand string `json:"TotaalOpenstaand"`
	// EmailNaar is the sandbox's own record of where the invoice was
	// e-mailed: the relation's Email when PerEmailVerzenden was set (the
	// address is the relation's, not part of cFactuur).
	EmailNaar string `json:"EmailNaar,omitempty"`
}

// OpenItem is one open debtor item (cOpenPost).
type OpenItem struct {
	MutDatum   string `json:"MutDatum"`
	MutFactuur string `json:"MutFactuur"`
	RelCode    string `json:"RelCode"`
	RelBedrijf string `json:"RelBedrijf"`
	Bedrag     string `json:"Bedrag"`
	Voldaan    string `json:"Voldaan"`
	Openstaand string `json:"Openstaand"`
}

const dateLayout = "2006-01-02"

// stateFromDataset builds the starting state from a dataset.
func stateFromDataset(ds demodata.EBoekhouden) State {
	st := State{
		Administration:   ds.Administration,
		InvoiceTemplates: append([]string(nil), ds.InvoiceTemplates...),
		LedgerAccounts:   append([]demodata.LedgerAccount(nil), ds.LedgerAccounts...),
		Relations:        append([]demodata.Relatie(nil), ds.Relations...),
	}
	if len(ds.Articles) > 0 {
		st.Articles = make([]Article, len(ds.Articles))
		for i, a := range ds.Articles {
			st.Articles[i] = Article{Artikel: a}
		}
	}
	for _, f := range ds.Invoices {
		st.Invoices = append(st.Invoices, Invoice{
			Factuurnummer:                       f.Factuurnummer,
			Relatiecode:                         f.Relatiecode,
			Datum:                               f.Datum,
			Betalingstermijn:                    f.Betalingstermijn,
			Factuursjabloon:                     f.Factuursjabloon,
			IncassoMachtigingDatumOndertekening: f.Datum,
			InBoekhoudingPlaatsen:               f.InBoekhoudingPlaatsen,
			Regels:                              append([]demodata.FactuurRegel(nil), f.Regels...),
			Voldaan:                             f.Voldaan,
		})
	}
	return st
}

// clone returns a deep copy of st.
func (st *State) clone() State {
	out := *st
	out.InvoiceTemplates = append([]string(nil), st.InvoiceTemplates...)
	out.LedgerAccounts = append([]demodata.LedgerAccount(nil), st.LedgerAccounts...)
	out.Relations = append([]demodata.Relatie(nil), st.Relations...)
	out.Articles = append([]Article(nil), st.Articles...)
	out.Invoices = make([]Invoice, len(st.Invoices))
	for i, inv := range st.Invoices {
		inv.Regels = append([]demodata.FactuurRegel(nil), inv.Regels...)
		out.Invoices[i] = inv
	}
	out.OpenItems = append([]OpenItem(nil), st.OpenItems...)
	if st.NextInvoiceNumbers != nil {
		out.NextInvoiceNumbers = make(map[string]string, len(st.NextInvoiceNumbers))
		for k, v := range st.NextInvoiceNumbers {
			out.NextInvoiceNumbers[k] = v
		}
	}
	return out
}

// normalize checks that st is consistent (unique IDs, codes and numbers,
// amounts and dates that parse), writes amounts in canonical form, sorts the
// lists and recomputes every derived field. now decides the rate of LAAG_*
// article prices and the current year of NextInvoiceNumbers.
func (st *State) normalize(now time.Time) error {
	return errors.Join(
		st.normalizeRelations(),
		st.normalizeArticles(now),
		st.normalizeInvoices(),
		st.deriveNextInvoiceNumbers(now),
	)
}

// normalizeRelations sorts the relations by ID and checks that IDs and
// codes are unique and dates parse.
func (st *State) normalizeRelations() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	byRelationID := func(a, b demodata.Relatie) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(st.Relations, byRelationID) {
		slices.SortStableFunc(st.Relations, byRelationID)
	}
	codes, ids := make(map[string]bool, len(st.Relations)), make(map[int64]bool, len(st.Relations))
	for _, r := range st.Relations {
		if r.ID <= 0 || ids[r.ID] {
			bad("relation %q: missing or duplicate ID %d", r.Code, r.ID)
		}
		if r.Code == "" || codes[r.Code] {
			bad("relation %d: missing or duplicate code %q", r.ID, r.Code)
		}
		if _, err := time.Parse(dateLayout, r.AddDatum); err != nil {
			bad("relation %q: AddDatum %q is not YYYY-MM-DD", r.Code, r.AddDatum)
		}
		codes[r.Code], ids[r.ID] = true, true
	}
	return errors.Join(errs...)
}

// normalizeArticles sorts the articles by ID, writes their prices in
// canonical form and derives the price including VAT and the percentage.
func (st *State) normalizeArticles(now time.Time) error {
	var errs []error
	byArticleID := func(a, b Article) int { return cmp.Compare(a.ArtikelID, b.ArtikelID) }
	if !slices.IsSortedFunc(st.Articles, byArticleID) {
		slices.SortStableFunc(st.Articles, byArticleID)
	}
	// Articles share few prices and codes: derive each pair's prices once.
	type priceKey struct{ excl, code string }
	prices := map[priceKey][2]string{}
	for i := range st.Articles {
		a := &st.Articles[i]
		err1 := canonicalText(&a.VerkoopprijsExclBTW)
		err2 := canonicalText(&a.InkoopprijsExclBTW)
		if err := errors.Join(err1, err2); err != nil {
			errs = append(errs, fmt.Errorf("article %q: %w", a.ArtikelCode, err))
			continue
		}
		key := priceKey{a.VerkoopprijsExclBTW, a.BTWCode}
		p, done := prices[key]
		if !done {
			p[0], p[1], _ = articlePrices(a.Artikel, now.Year())
			prices[key] = p
		}
		a.VerkoopprijsInclBTW, a.BtwPercentage = p[0], p[1]
	}
	return errors.Join(errs...)
}

// normalizeInvoices sorts the invoices by number, checks that numbers are
// unique and derives each invoice's totals and its open item.
func (st *State) normalizeInvoices() error {
	var errs []error
	sort.SliceStable(st.Invoices, func(i, j int) bool {
		return lessInvoiceNumber(st.Invoices[i].Factuurnummer, st.Invoices[j].Factuurnummer)
	})
	bedrijf := make(map[string]string, len(st.Relations))
	for _, r := range st.Relations {
		bedrijf[r.Code] = r.Bedrijf
	}
	numbers := map[string]bool{}
	st.OpenItems = nil
	for i := range st.Invoices {
		inv := &st.Invoices[i]
		if inv.Factuurnummer == "" || numbers[inv.Factuurnummer] {
			errs = append(errs, fmt.Errorf("invoice %q: missing or duplicate number", inv.Factuurnummer))
		}
		numbers[inv.Factuurnummer] = true
		item, err := deriveInvoice(inv, bedrijf[inv.Relatiecode], st.VATRounding == VATPerLine)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if item != nil {
			st.OpenItems = append(st.OpenItems, *item)
		}
	}
	// Open items in booking order. [inferred]
	sort.SliceStable(st.OpenItems, func(i, j int) bool { return st.OpenItems[i].MutDatum < st.OpenItems[j].MutDatum })
	return errors.Join(errs...)
}

// deriveNextInvoiceNumbers fills NextInvoiceNumbers for the current year
// and every year an invoice is dated in.
func (st *State) deriveNextInvoiceNumbers(now time.Time) error {
	years := map[int]bool{now.Year(): true}
	for _, inv := range st.Invoices {
		if d, err := time.Parse(dateLayout, inv.Datum); err == nil {
			years[d.Year()] = true
		}
	}
	st.NextInvoiceNumbers = map[string]string{}
	for y := range years {
		st.NextInvoiceNumbers[strconv.Itoa(y)] = st.nextInvoiceNumber(y)
	}
	return nil
}

// canonical rewrites a decimal string in canonical form ("12,40" -> "12.4",
// "" -> "0") and returns its value.
func canonical(s *string) (*big.Rat, error) {
	r, err := parseAmount(*s)
	if err != nil {
		return nil, err
	}
	*s = formatAmount(r)
	return r, nil
}

// nextInvoiceNumber is the automatic number of the next invoice of a year:
// the year followed by a sequence of at least three digits, one higher than
// the highest number of that form already used ("2018010" in the OutSmart
// manual's screenshot; 2026005 after 2026004). [inferred from the manual's
// example; the SOAP documentation does not describe the numbering]
// deriveInvoice checks one invoice, brings its amounts into canonical form,
// computes its totals and returns its open item (nil when it is not placed in
// the books or fully paid). relationName is the relation's current name.
func deriveInvoice(inv *Invoice, relationName string, vatPerLine bool) (*OpenItem, error) {
	date, err := time.Parse(dateLayout, inv.Datum)
	if err != nil {
		return nil, fmt.Errorf("invoice %s: Datum %q is not YYYY-MM-DD", inv.Factuurnummer, inv.Datum)
	}
	var errs []error
	lines := make([]invoiceLine, 0, len(inv.Regels))
	for j := range inv.Regels {
		l := &inv.Regels[j]
		q, err1 := canonical(&l.Aantal)
		p, err2 := canonical(&l.PrijsPerEenheid)
		if err := errors.Join(err1, err2); err != nil {
			errs = append(errs, fmt.Errorf("invoice %s line %d: %w", inv.Factuurnummer, j+1, err))
			continue
		}
		lines = append(lines, invoiceLine{quantity: q, price: p, btwCode: l.BTWCode})
	}
	paid, err := canonical(&inv.Voldaan)
	if err != nil {
		errs = append(errs, fmt.Errorf("invoice %s: Voldaan: %w", inv.Factuurnummer, err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t := computeTotals(lines, date.Year(), vatPerLine)
	open := new(big.Rat)
	if inv.InBoekhoudingPlaatsen {
		open.Sub(t.incl, paid)
	}
	inv.TotaalExclBTW, inv.TotaalBTW = formatAmount(t.excl), formatAmount(t.btw)
	inv.TotaalInclBTW, inv.TotaalOpenstaand = formatAmount(t.incl), formatAmount(open)
	if !inv.InBoekhoudingPlaatsen || open.Sign() == 0 {
		return nil, nil
	}
	// RelBedrijf is the relation's current name; an invoice keeps the
	// relation code it was made with. [inferred]
	return &OpenItem{
		MutDatum: inv.Datum, MutFactuur: inv.Factuurnummer,
		RelCode: inv.Relatiecode, RelBedrijf: relationName,
		Bedrag: inv.TotaalInclBTW, Voldaan: inv.Voldaan, Openstaand: inv.TotaalOpenstaand,
	}, nil
}

// addInvoice adds a new, checked invoice of the relation named relationName
// and updates only what it changes
// (its totals, its open item, the next number of its year): a full
// normalize per invoice would make AddFactuur slower as the administration
// grows, which the real service is not.
func (st *State) addInvoice(inv Invoice, relationName string) error {
	item, err := deriveInvoice(&inv, relationName, st.VATRounding == VATPerLine)
	if err != nil {
		return err
	}
	at := sort.Search(len(st.Invoices), func(i int) bool { return !lessInvoiceNumber(st.Invoices[i].Factuurnummer, inv.Factuurnummer) })
	st.Invoices = append(st.Invoices, Invoice{})
	copy(st.Invoices[at+1:], st.Invoices[at:])
	st.Invoices[at] = inv
	if item != nil {
		// Keep booking order: after every item of the same date or earlier.
		k := sort.Search(len(st.OpenItems), func(i int) bool { return st.OpenItems[i].MutDatum > item.MutDatum })
		st.OpenItems = append(st.OpenItems, OpenItem{})
		copy(st.OpenItems[k+1:], st.OpenItems[k:])
		st.OpenItems[k] = *item
	}
	if d, err := time.Parse(dateLayout, inv.Datum); err == nil {
		if st.NextInvoiceNumbers == nil {
			st.NextInvoiceNumbers = map[string]string{}
		}
		y := d.Year()
		st.NextInvoiceNumbers[strconv.Itoa(y)] = st.nextInvoiceNumber(y)
	}
	return nil
}

func (st *State) nextInvoiceNumber(year int) string {
	prefix := strconv.Itoa(year)
	var highest int64
	for _, inv := range st.Invoices {
		// The year followed by three or more digits.
		seq, ok := strings.CutPrefix(inv.Factuurnummer, prefix)
		if !ok || len(seq) < 3 || !allDigits(seq) {
			continue
		}
		if n, err := strconv.ParseInt(seq, 10, 64); err == nil && n > highest {
			highest = n
		}
	}
	return fmt.Sprintf("%s%03d", prefix, highest+1)
}

// lessInvoiceNumber orders invoice numbers: all-digit numbers numerically,
// others as text. [inferred]
func lessInvoiceNumber(a, b string) bool {
	if allDigits(a) && allDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) < len(b)
		}
	}
	return a < b
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// refreshOpenItemNames sets the RelBedrijf of every open item of these
// relation codes to the current name of the relation with that code, as
// normalize derives it, after a relation was added or changed.
func (st *State) refreshOpenItemNames(ix *index, codes ...string) {
	for i := range st.OpenItems {
		p := &st.OpenItems[i]
		for _, code := range codes {
			if p.RelCode != code {
				continue
			}
			p.RelBedrijf = ""
			if r := ix.relationByCode(code); r >= 0 {
				p.RelBedrijf = st.Relations[r].Bedrijf
			}
		}
	}
}

func (st *State) hasTemplate(name string) bool {
	for _, t := range st.InvoiceTemplates {
		if t == name {
			return true
		}
	}
	return false
}

func (st *State) hasLedger(code string) bool {
	for _, l := range st.LedgerAccounts {
		if l.Code == code {
			return true
		}
	}
	return false
}

func (st *State) invoiceExists(number string) bool {
	for _, inv := range st.Invoices {
		if inv.Factuurnummer == number {
			return true
		}
	}
	return false
}
