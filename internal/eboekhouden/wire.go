package eboekhouden

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiaguinho/gosoap"

	"github.com/koppeling/koppeling/internal/decimal"
)

// This file owns the wire layer: request parameters in WSDL sequence order
// (gosoap.ArrayParams, every value a string, because gosoap drops anything
// else), and the text forms of longs, booleans, doubles, decimals and
// dateTimes in both directions. Element names are the WSDL's, exactly.

// Wire operation names.
const (
	opOpenSession   = "OpenSession"
	opCloseSession  = "CloseSession"
	opGetRelaties   = "GetRelaties"
	opAddRelatie    = "AddRelatie"
	opUpdateRelatie = "UpdateRelatie"
	opGetArtikelen  = "GetArtikelen"
	opAddFactuur    = "AddFactuur"
	opGetFacturen   = "GetFacturen"
	opGetOpenPosten = "GetOpenPosten"
)

// dateTimeLayout is how every xs:dateTime is sent: no zone, as the service
// writes them itself (§6).
const dateTimeLayout = "2006-01-02T15:04:05"

// Default GetFacturen date range: the invoice dates the service accepts
// (§5.4, 1980–2049); both bounds are required (minOccurs=1). [client: S14a
// uses the same range]
var (
	defaultFrom = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	defaultTo   = time.Date(2049, 12, 31, 0, 0, 0, 0, time.UTC)
)

type param = [2]any

func formatLong(n int64) string { return strconv.FormatInt(n, 10) }

func formatBool(b bool) string { return strconv.FormatBool(b) }

// formatDate sends the calendar date of t (in t's own location) at midnight.
func formatDate(t time.Time) string {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Format(dateTimeLayout)
}

// formatDateTime sends the wall-clock time of t.
func formatDateTime(t time.Time) string { return t.Format(dateTimeLayout) }

// optional appends an element only when the value is not empty: an absent
// minOccurs=0 string is null on the server (no filter, automatic number).
// [inferred: XmlSerializer leaves an absent element null; §9 advises
// omitting empty optional strings]
func optional(p gosoap.ArrayParams, name, value string) gosoap.ArrayParams {
	if value == "" {
		return p
	}
	return append(p, param{name, value})
}

// authParams starts every request after OpenSession: SessionID, then
// SecurityCode2.
func authParams(session, code2 string) gosoap.ArrayParams {
	return gosoap.ArrayParams{{"SessionID", session}, {"SecurityCode2", code2}}
}

func openSessionParams(c Credentials, source string) gosoap.ArrayParams {
	return gosoap.ArrayParams{
		{"Username", c.Username},
		{"SecurityCode1", c.SecurityCode1},
		{"SecurityCode2", c.SecurityCode2},
		{"Source", source},
	}
}

func closeSessionParams(session string) gosoap.ArrayParams {
	return gosoap.ArrayParams{{"SessionID", session}}
}

func relationFilterParams(f RelationFilter) gosoap.ArrayParams {
	var p gosoap.ArrayParams
	p = optional(p, "Trefwoord", f.Keyword)
	p = optional(p, "Code", f.Code)
	return append(p, param{"ID", formatLong(f.ID)})
}

// bpToWire and bpFromWire map RelationKind to cRelatie.BP.
func bpToWire(k RelationKind) string {
	switch k {
	case RelationBusiness:
		return "B"
	case RelationPrivate:
		return "P"
	}
	return string(k)
}

func bpFromWire(s string) RelationKind {
	switch s {
	case "B":
		return RelationBusiness
	case "P":
		return RelationPrivate
	}
	return RelationKind(s)
}

// relationParams is the full cRelatie, every element in WSDL order. Empty
// strings are sent as empty elements: UpdateRelatie overwrites the whole
// record, and an explicit empty value clears a field whether or not the
// service treats an absent one as "unchanged". [inferred: §15 question 5]
func relationParams(r Relation, addedOn time.Time) gosoap.ArrayParams {
	la := r.MembersModule
	if la == "" {
		la = "0" // "0" is the standard relation (§5.1); empty is sent as that [inferred]
	}
	noEmail := int64(0)
	if r.NoEmail {
		noEmail = 1
	}
	return gosoap.ArrayParams{
		{"ID", formatLong(r.ID)},
		{"AddDatum", formatDateTime(addedOn)},
		{"Code", r.Code},
		{"Bedrijf", r.Company},
		{"Contactpersoon", r.ContactPerson},
		{"Geslacht", r.Gender},
		{"Adres", r.Address},
		{"Postcode", r.PostalCode},
		{"Plaats", r.City},
		{"Land", r.Country},
		{"Adres2", r.PostalAddress},
		{"Postcode2", r.PostalAddressPostalCode},
		{"Plaats2", r.PostalAddressCity},
		{"Land2", r.PostalAddressCountry},
		{"Telefoon", r.Phone},
		{"GSM", r.Mobile},
		{"FAX", r.Fax},
		{"Email", r.Email},
		{"Site", r.Website},
		{"Notitie", r.Note},
		{"Bankrekening", r.BankAccount},
		{"Girorekening", r.GiroAccount},
		{"BTWNummer", r.VATNumber},
		{"KvkNummer", r.ChamberOfCommerce},
		{"Aanhef", r.Salutation},
		{"IBAN", r.IBAN},
		{"BIC", r.BIC},
		{"BP", bpToWire(r.Kind)},
		{"Def1", r.Def1},
		{"Def2", r.Def2},
		{"Def3", r.Def3},
		{"Def4", r.Def4},
		{"Def5", r.Def5},
		{"Def6", r.Def6},
		{"Def7", r.Def7},
		{"Def8", r.Def8},
		{"Def9", r.Def9},
		{"Def10", r.Def10},
		{"LA", la},
		{"Gb_ID", formatLong(r.LedgerID)},
		{"GeenEmail", formatLong(noEmail)},
		{"NieuwsbriefgroepenCount", formatLong(r.NewsletterGroupCount)},
	}
}

func productFilterParams(f ProductFilter) gosoap.ArrayParams {
	p := gosoap.ArrayParams{{"ArtikelID", formatLong(f.ID)}}
	p = optional(p, "ArtikelOmschrijving", f.Description)
	p = optional(p, "ArtikelCode", f.Code)
	p = optional(p, "GroepOmschrijving", f.GroupDescription)
	return optional(p, "GroepCode", f.GroupCode)
}

// invoiceParams is cFactuur in WSDL order. Optional strings are left out
// when empty (an absent Factuurnummer asks for an automatic number); every
// minOccurs=1 element is always sent.
func invoiceParams(inv Invoice) gosoap.ArrayParams {
	var p gosoap.ArrayParams
	p = optional(p, "Factuurnummer", inv.Number)
	p = optional(p, "Relatiecode", inv.RelationCode)
	p = append(p,
		param{"Datum", formatDate(inv.Date)},
		param{"Betalingstermijn", formatLong(int64(inv.PaymentTermDays))},
	)
	p = optional(p, "Factuursjabloon", inv.Template)
	p = append(p, param{"PerEmailVerzenden", formatBool(inv.EmailIt)})
	p = optional(p, "EmailOnderwerp", inv.EmailSubject)
	p = optional(p, "EmailBericht", inv.EmailBody)
	p = optional(p, "EmailVanAdres", inv.EmailFromAddress)
	p = optional(p, "EmailVanNaam", inv.EmailFromName)
	p = append(p,
		param{"AutomatischeIncasso", "false"},
		// Required even without direct debit; clients send the invoice date (§5.4).
		param{"IncassoMachtigingDatumOndertekening", formatDate(inv.Date)},
		param{"IncassoMachtigingFirst", "false"},
		param{"InBoekhoudingPlaatsen", formatBool(inv.Book)},
	)
	p = optional(p, "BoekhoudmutatieOmschrijving", inv.BookingDescription)
	lines := make(gosoap.ArrayParams, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		lines = append(lines, param{"cFactuurRegel", lineParams(l)})
	}
	return append(p, param{"Regels", lines})
}

func lineParams(l InvoiceLine) gosoap.ArrayParams {
	p := gosoap.ArrayParams{{"Aantal", l.Quantity.String()}}
	p = optional(p, "Eenheid", l.Unit)
	p = optional(p, "Code", l.Code)
	p = optional(p, "Omschrijving", l.Description)
	p = append(p, param{"PrijsPerEenheid", l.UnitPrice.String()})
	p = optional(p, "BTWCode", l.VATCode)
	p = optional(p, "TegenrekeningCode", l.LedgerCode)
	return append(p, param{"KostenplaatsID", formatLong(l.CostCentreID)})
}

func invoiceFilterParams(f InvoiceFilter) gosoap.ArrayParams {
	from, to := f.From, f.To
	if from.IsZero() {
		from = defaultFrom
	}
	if to.IsZero() {
		to = defaultTo
	}
	var p gosoap.ArrayParams
	p = optional(p, "Factuurnummer", f.Number)
	p = optional(p, "Relatiecode", f.RelationCode)
	return append(p, param{"DatumVan", formatDate(from)}, param{"DatumTm", formatDate(to)})
}

func openItemKindToWire(k OpenItemKind) (string, bool) {
	switch k {
	case OpenItemsDebtors:
		return "Debiteuren", true
	case OpenItemsCreditors:
		return "Crediteuren", true
	}
	return "", false
}

// Parsing of response values. Strings are kept as sent; every other type is
// trimmed first (XSD collapses whitespace for them).

func parseLong(field, s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil // absent or empty: the XmlSerializer default [inferred]
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an xs:long", field, clip(s))
	}
	return n, nil
}

func parseInt(field, s string) (int, error) {
	n, err := parseLong(field, s)
	if err != nil {
		return 0, err
	}
	if int64(int(n)) != n {
		return 0, fmt.Errorf("%s: %d is out of range", field, n)
	}
	return int(n), nil
}

func parseBool(field, s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not an xs:boolean", field, clip(s))
}

// parseDouble reads an xs:double into a Decimal (four decimals, half away
// from zero). INF and NaN are errors.
func parseDouble(field, s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Zero, nil
	}
	d, err := decimal.ParseDouble(t)
	if err != nil {
		return decimal.Zero, fmt.Errorf("%s: %q is not a usable xs:double", field, clip(s))
	}
	return d, nil
}

// parseMoney reads an xs:double amount and rounds it to cents (§6: money
// totals come back as doubles), in one step from the exact text: rounding to
// four decimals first would turn 12.344999 into 12.35.
func parseMoney(field, s string) (decimal.Decimal, error) {
	if _, err := parseDouble(field, s); err != nil { // syntax, INF, NaN, range
		return decimal.Zero, err
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Zero, nil
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return decimal.Zero, fmt.Errorf("%s: %q is not a usable xs:double", field, clip(s))
	}
	// Half away from zero: trunc(|x|*100 + 1/2), with the sign put back.
	cents := new(big.Rat).Mul(new(big.Rat).Abs(r), big.NewRat(100, 1))
	cents.Add(cents, big.NewRat(1, 2))
	n := new(big.Int).Quo(cents.Num(), cents.Denom())
	if r.Sign() < 0 {
		n.Neg(n)
	}
	if !n.IsInt64() || n.Int64() > maxCents || n.Int64() < -maxCents {
		return decimal.Zero, fmt.Errorf("%s: %q is out of range", field, clip(s))
	}
	return decimal.FromCents(n.Int64()), nil
}

// maxCents keeps FromCents (cents × 100 units) inside an int64.
const maxCents = math.MaxInt64 / 100

var xsdDecimal = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// parseXSDecimal reads an xs:decimal exactly; more than four significant
// decimals is an error, never a rounding.
func parseXSDecimal(field, s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Zero, nil
	}
	if !xsdDecimal.MatchString(t) {
		return decimal.Zero, fmt.Errorf("%s: %q is not an xs:decimal", field, clip(s))
	}
	sign := ""
	if t[0] == '+' || t[0] == '-' {
		sign, t = t[:1], t[1:]
	}
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	}
	t = strings.TrimSuffix(t, ".")
	if whole, frac, ok := strings.Cut(t, "."); ok {
		frac = strings.TrimRight(frac, "0")
		t = whole
		if frac != "" {
			t += "." + frac
		}
	}
	d, err := decimal.Parse(sign + t)
	if err != nil {
		return decimal.Zero, fmt.Errorf("%s: %q cannot be held exactly with %d decimals", field, clip(s), decimal.Places)
	}
	return d, nil
}

// dateTimeLayouts are the xs:dateTime forms accepted in answers (§6).
var dateTimeLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.9999999",
	time.RFC3339Nano,
	"2006-01-02",
}

// parseDateTime reads an xs:dateTime; a value without zone is taken as UTC
// wall-clock time [inferred: the service writes dates without a zone].
// Empty means absent: the zero time.
func parseDateTime(field, s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, nil
	}
	for _, layout := range dateTimeLayouts {
		if v, err := time.Parse(layout, t); err == nil {
			return v, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s: %q is not an xs:dateTime", field, clip(s))
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}
