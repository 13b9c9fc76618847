package decimal

import "strings"

// Grouped returns d rounded to places decimals (0-4) in the Dutch form a
// bookkeeper reads: a dot between thousands and a comma before the
// decimals ("1.039,33", "-12.500,00").
func (d Decimal) Grouped(places int) string {
	s := d.Fixed(places)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// Euro returns d as an amount in euros the way every screen, log line and
// command shows it: "€ 1.039,33", "€ -0,50". The form is Dutch in every
// language of the window: the amounts are those of a Dutch administration
// and read the same as in e-Boekhouden.
func (d Decimal) Euro() string { return "€ " + d.Grouped(2) }

// EuroCents returns the amount c cents as Euro does.
func EuroCents(c int64) string { return FromCents(c).Euro() }
