package eboekhouden

import (
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
)

// Amounts are exact rationals (math/big), parsed from decimal text and
// written back as the shortest exact decimal in invariant culture ("975.5",
// "1177.3", "0"). No amount ever passes through a float64.

var datasetDecimal = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// parseAmount parses a dataset or state decimal string ("12.40", "12,40").
// An empty string is zero.
func parseAmount(s string) (*big.Rat, error) {
	if s == "" {
		return new(big.Rat), nil
	}
	if !datasetDecimal.MatchString(s) {
		return nil, fmt.Errorf("%q is not a decimal amount", s)
	}
	r, ok := new(big.Rat).SetString(strings.Replace(s, ",", ".", 1))
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal amount", s)
	}
	return r, nil
}

// canonicalText rewrites a decimal string in canonical form like canonical,
// without computing its value: for the dataset's own notation
// ("-12.40", "12,4", "007") by moving digits, which is exactly what
// parsing and formatAmount give, and through canonical for anything else.
func canonicalText(s *string) error {
	if out, ok := canonicalDecimal(*s); ok {
		*s = out
		return nil
	}
	_, err := canonical(s)
	return err
}

// canonicalDecimal is the quick path of canonicalText: ok is false unless s
// is "" or matches datasetDecimal.
func canonicalDecimal(s string) (string, bool) {
	if s == "" {
		return "0", true
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	whole, frac, hasFrac := s, "", false
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		whole, frac, hasFrac = s[:i], s[i+1:], true
	}
	if !allDigits(whole) || (hasFrac && !allDigits(frac)) {
		return "", false
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	frac = strings.TrimRight(frac, "0")
	sign := ""
	if neg && (whole != "0" || frac != "") {
		sign = "-"
	}
	if frac == "" {
		return sign + whole, true
	}
	return sign + whole + "." + frac, true
}

// formatAmount writes r as the shortest exact decimal. Values that came from
// decimal text always have a finite expansion; anything else (never produced
// by the sandbox) is written with 20 decimals.
func formatAmount(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	if n, ok := decimalPlaces(r.Denom()); ok {
		return r.FloatString(n)
	}
	scaled := new(big.Rat).Set(r)
	ten := big.NewRat(10, 1)
	for n := 1; n <= 60; n++ {
		scaled.Mul(scaled, ten)
		if scaled.IsInt() {
			return r.FloatString(n)
		}
	}
	return strings.TrimRight(r.FloatString(20), "0")
}

// decimalPlaces is the quick answer for a denominator that fits in 64 bits:
// the least n <= 60 for which den divides 10^n, the number of decimals of a
// fraction with this (reduced) denominator; ok is false when there is none
// or den is larger. den divides some 10^n exactly when it is 2^a·5^b, and
// then n is max(a, b).
func decimalPlaces(den *big.Int) (n int, ok bool) {
	if !den.IsUint64() {
		return 0, false
	}
	d := den.Uint64()
	twos, fives := 0, 0
	for d%2 == 0 {
		d /= 2
		twos++
	}
	for d%5 == 0 {
		d /= 5
		fives++
	}
	n = max(twos, fives)
	return n, d == 1 && n <= 60
}

// round2 rounds to cents, half away from zero.
func round2(r *big.Rat) *big.Rat {
	hundred := big.NewInt(100)
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(hundred))
	num := new(big.Int).Abs(scaled.Num())
	den := scaled.Denom()
	// floor(|x| + 1/2) = floor((2|num| + den) / (2 den))
	q := new(big.Int).Add(new(big.Int).Mul(num, big.NewInt(2)), den)
	q.Quo(q, new(big.Int).Mul(den, big.NewInt(2)))
	if scaled.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, hundred)
}

// btwCode is one e-Boekhouden VAT code (§7 of the reference notes).
type btwCode struct {
	percent int64 // rate in percent from 2019 on
	before  int64 // rate before 2019, for LAAG_* (6%); -1 = same as percent
	sales   bool  // allowed on a sales invoice
}

// btwCodes lists the VAT codes of the SOAP manual. Reverse-charge, export,
// intra-EU and GEEN codes carry 0% on the invoice.
var btwCodes = map[string]btwCode{
	"HOOG_VERK_21": {percent: 21, before: -1, sales: true},
	"HOOG_VERK":    {percent: 19, before: -1, sales: true}, // legacy 19%
	"LAAG_VERK":    {percent: 9, before: 6, sales: true},   // 6% before 2019
	"LAAG_VERK_9":  {percent: 9, before: -1, sales: true},
	"VERL_VERK_L9": {percent: 0, before: -1, sales: true},
	"VERL_VERK":    {percent: 0, before: -1, sales: true},
	// AFW and AFW_VERK are "afwijkend tarief": the deviating rate is not part
	// of the SOAP invoice line, so the sandbox books them at 0%. [inferred]
	"AFW":          {percent: 0, before: -1, sales: true},
	"AFW_VERK":     {percent: 0, before: -1, sales: true},
	"BU_EU_VERK":   {percent: 0, before: -1, sales: true},
	"BI_EU_VERK":   {percent: 0, before: -1, sales: true},
	"BI_EU_VERK_D": {percent: 0, before: -1, sales: true},
	"AFST_VERK":    {percent: 0, before: -1, sales: true},
	"GEEN":         {percent: 0, before: -1, sales: true},
	"LAAG_INK":     {percent: 9, before: 6},
	"LAAG_INK_9":   {percent: 9, before: -1},
	"VERL_INK_L9":  {percent: 0, before: -1},
	"HOOG_INK":     {percent: 19, before: -1},
	"HOOG_INK_21":  {percent: 21, before: -1},
	"VERL_INK":     {percent: 0, before: -1},
	"BU_EU_INK":    {percent: 0, before: -1},
	"BI_EU_INK":    {percent: 0, before: -1},
}

// rate returns the VAT rate of a known code as a fraction (0.21) for a
// booking in the given year.
func (c btwCode) rate(year int) *big.Rat {
	p := c.percent
	if year < 2019 && c.before >= 0 {
		p = c.before
	}
	return big.NewRat(p, 100)
}

// btwRate returns the rate of code for a booking in year; ok is false for an
// unknown code.
func btwRate(code string, year int) (*big.Rat, bool) {
	c, ok := btwCodes[code]
	if !ok {
		return nil, false
	}
	return c.rate(year), true
}

// salesBTWCodes lists the codes a sales invoice accepts, for messages.
func salesBTWCodes() string {
	var out []string
	for code, c := range btwCodes {
		if c.sales {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// invoiceLine is the part of an invoice line the totals need.
type invoiceLine struct {
	quantity, price *big.Rat
	btwCode         string
}

// totals are an invoice's amounts.
type totals struct {
	excl, btw, incl *big.Rat
}

// The VAT roundings of State.VATRounding.
const (
	VATPerCode = "per_code"
	VATPerLine = "per_line"
)

// computeTotals computes an invoice's totals the way e-Boekhouden prints
// them: each line amount is quantity x price rounded to cents; the VAT is
// computed per VAT code over the sum of that code's line amounts and rounded
// to cents per code, then summed. Unknown codes count as 0%.
// [inferred: per-code rounding is how Dutch invoices show VAT (one amount
// per rate); the SOAP manual does not spell it out]. With vatPerLine the VAT
// of every line is rounded to cents on its own and summed instead, the
// other reading, so that tests can check a client against both.
func computeTotals(lines []invoiceLine, year int, vatPerLine bool) totals {
	t := totals{excl: new(big.Rat), btw: new(big.Rat), incl: new(big.Rat)}
	perCode := map[string]*big.Rat{}
	var codes []string
	for _, l := range lines {
		amount := round2(new(big.Rat).Mul(l.quantity, l.price))
		t.excl.Add(t.excl, amount)
		if perCode[l.btwCode] == nil {
			perCode[l.btwCode] = new(big.Rat)
			codes = append(codes, l.btwCode)
		}
		perCode[l.btwCode].Add(perCode[l.btwCode], amount)
		if rate, ok := btwRate(l.btwCode, year); ok && vatPerLine {
			t.btw.Add(t.btw, round2(new(big.Rat).Mul(amount, rate)))
		}
	}
	for _, code := range codes {
		rate, ok := btwRate(code, year)
		if !ok || vatPerLine {
			continue
		}
		t.btw.Add(t.btw, round2(new(big.Rat).Mul(perCode[code], rate)))
	}
	t.incl.Add(t.excl, t.btw)
	return t
}
