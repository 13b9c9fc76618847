// Package decimal owns exact decimal numbers for money, prices and
// quantities: fixed point with four decimals in an int64, parsed from the
// services' text forms ("4,55", "50.00", "1177.3", "1E-05") and never touched
// by float arithmetic. Totals are rounded to cents half away from zero, the
// way a Dutch invoice rounds.
package decimal

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Places is the number of decimals a Decimal keeps.
const Places = 4

const scale = 10000 // 10^Places

// Decimal is an exact number with four decimals. The zero value is 0.
type Decimal struct{ units int64 } // value × 10^4

// Zero is 0.
var Zero = Decimal{}

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("not a decimal number")

// ErrTooManyPlaces is wrapped by the error for a well-formed number with
// more decimals than allowed (a *PlacesError). For the callers that only
// ask for ErrSyntax, that error matches ErrSyntax too.
var ErrTooManyPlaces = errors.New("too many decimal places")

// PlacesError is a well-formed number with more decimals than allowed: it
// tells how many it has and how many are allowed, so that a message can
// say so instead of "not a number".
type PlacesError struct {
	Input  string
	Places int // decimals of the value (trailing zeros do not count)
	Max    int // decimals allowed
}

func (e *PlacesError) Error() string {
	return fmt.Sprintf("%q has %d decimals; at most %d are allowed", e.Input, e.Places, e.Max)
}

// Unwrap makes errors.Is match ErrTooManyPlaces and ErrSyntax.
func (e *PlacesError) Unwrap() []error { return []error{ErrTooManyPlaces, ErrSyntax} }

// New returns units × 10^-places, e.g. New(455, 2) is 4.55. places must be
// between 0 and 4.
func New(units int64, places int) Decimal {
	if places < 0 || places > Places {
		panic(fmt.Sprintf("decimal.New: places %d out of range", places))
	}
	m := int64(1)
	for range Places - places {
		m *= 10
	}
	return Decimal{units * m}
}

// FromInt returns n.
func FromInt(n int64) Decimal { return Decimal{n * scale} }

// FromCents returns c cents.
func FromCents(c int64) Decimal { return Decimal{c * 100} }

var (
	plainPattern  = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)
	doublePattern = regexp.MustCompile(`^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:[eE]([+-]?[0-9]{1,4}))?$`)
)

// Parse reads a plain decimal with a dot or a comma as decimal separator
// ("4,55", "-12.5", "0", "+3"). It refuses thousands separators, exponents,
// more than four decimals and anything else: a number it cannot read
// exactly is an error, never a guess.
//
// A number with more decimals than four is a *PlacesError (ErrTooManyPlaces).
func Parse(s string) (Decimal, error) { return ParsePlaces(s, Places) }

// ParsePlaces is Parse for a field that allows at most max decimals (0 to
// 4): "1,50" and "1,5000" pass with max 2, "0,001" is a *PlacesError.
// Trailing zeros do not count.
func ParsePlaces(s string, max int) (Decimal, error) {
	if max < 0 || max > Places {
		panic(fmt.Sprintf("decimal.ParsePlaces: max %d out of range", max))
	}
	t := strings.TrimSpace(s)
	if !plainPattern.MatchString(t) {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	t = strings.Replace(t, ",", ".", 1)
	if whole, frac, ok := strings.Cut(t, "."); ok {
		frac = strings.TrimRight(frac, "0")
		if n := len(frac); n > max {
			return Zero, &PlacesError{Input: s, Places: n, Max: max}
		}
		t = whole + "." + frac
	}
	r, ok := new(big.Rat).SetString(strings.TrimSuffix(t, "."))
	if !ok {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	d, _, err := fromRat(r) // exact: at most four decimals are left
	if err != nil {
		return Zero, fmt.Errorf("%q: %w", s, err)
	}
	return d, nil
}

// ParseDouble reads an xs:double as a .NET service writes it ("975.5",
// "1E-05", "-0"), rounding half away from zero to four decimals. Use it for
// e-Boekhouden's double fields, whose text may carry binary noise such as
// "0.30000000000000004".
func ParseDouble(s string) (Decimal, error) {
	t := strings.TrimSpace(s)
	m := doublePattern.FindStringSubmatch(t)
	if m == nil {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	r, ok := new(big.Rat).SetString(m[1])
	if !ok {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if m[2] != "" {
		exp, _ := strconv.Atoi(m[2]) // at most four digits: cannot fail
		switch {
		case exp > 20:
			return Zero, fmt.Errorf("%q: number out of range", s)
		case exp < -20:
			return Zero, nil // far below the fourth decimal
		}
		pow := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil))
		if exp < 0 {
			r.Quo(r, pow)
		} else {
			r.Mul(r, pow)
		}
	}
	d, _, err := fromRat(r)
	if err != nil {
		return Zero, fmt.Errorf("%q: %w", s, err)
	}
	return d, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

var maxUnits = big.NewInt(1<<63 - 1)

// fromRat rounds r to four decimals, half away from zero, and reports whether
// that was exact.
func fromRat(r *big.Rat) (Decimal, bool, error) {
	n := new(big.Int).Mul(r.Num(), big.NewInt(scale))
	q, rem := new(big.Int).QuoRem(n, r.Denom(), new(big.Int))
	exact := rem.Sign() == 0
	if !exact {
		// |rem|*2 >= denom: round away from zero.
		twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
		if twice.Cmp(r.Denom()) >= 0 {
			if n.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	if new(big.Int).Abs(q).Cmp(maxUnits) > 0 {
		return Zero, false, errors.New("number out of range")
	}
	return Decimal{q.Int64()}, exact, nil
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Add returns d + e.
func (d Decimal) Add(e Decimal) Decimal { return Decimal{d.units + e.units} }

// Sub returns d - e.
func (d Decimal) Sub(e Decimal) Decimal { return Decimal{d.units - e.units} }

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{-d.units} }

// Mul returns d × e rounded half away from zero to four decimals.
func (d Decimal) Mul(e Decimal) Decimal {
	p := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(d.units), big.NewInt(e.units)), big.NewInt(scale*scale))
	out, _, err := fromRat(p)
	if err != nil {
		panic(fmt.Sprintf("decimal: %s × %s overflows", d, e))
	}
	return out
}

// Round returns d rounded half away from zero to places decimals (0-4).
func (d Decimal) Round(places int) Decimal {
	if places >= Places {
		return d
	}
	if places < 0 {
		places = 0
	}
	step := int64(1)
	for range Places - places {
		step *= 10
	}
	q, r := d.units/step, d.units%step
	if r < 0 {
		r = -r
	}
	if 2*r >= step {
		if d.units < 0 {
			q--
		} else {
			q++
		}
	}
	return Decimal{q * step}
}

// RoundCents returns d rounded half away from zero to two decimals.
func (d Decimal) RoundCents() Decimal { return d.Round(2) }

// Cents returns d in cents, rounded half away from zero.
func (d Decimal) Cents() int64 { return d.RoundCents().units / 100 }

// Sign returns -1, 0 or 1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Cmp returns -1, 0 or 1 as d is less than, equal to or greater than e.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.units < e.units:
		return -1
	case d.units > e.units:
		return 1
	}
	return 0
}

// Equal reports whether d == e.
func (d Decimal) Equal(e Decimal) bool { return d.units == e.units }

// String returns the shortest exact form with a dot: "4.55", "-12.5", "3".
// This is also the invariant-culture form an xs:double or xs:decimal takes.
func (d Decimal) String() string {
	s := d.Fixed(Places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Fixed returns d rounded to places decimals (0-4) with exactly that many
// digits after a dot: Fixed(2) of 4.5 is "4.50".
func (d Decimal) Fixed(places int) string {
	if places > Places {
		places = Places
	}
	if places < 0 {
		places = 0
	}
	r := d.Round(places)
	u := r.units
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	whole, frac := u/scale, u%scale
	if places == 0 {
		return fmt.Sprintf("%s%d", sign, whole)
	}
	digits := fmt.Sprintf("%04d", frac)[:places]
	return fmt.Sprintf("%s%d.%s", sign, whole, digits)
}

// Comma returns Fixed(places) with a comma as decimal separator, the form
// OutSmart uses for material prices ("4,55").
func (d Decimal) Comma(places int) string { return strings.Replace(d.Fixed(places), ".", ",", 1) }

// MarshalText writes String(), so a Decimal reads well in JSON and hashes by value.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what Parse accepts.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DivInt returns d / n rounded half away from zero to four decimals; n must
// not be zero.
func (d Decimal) DivInt(n int64) Decimal {
	if n == 0 {
		panic("decimal: division by zero")
	}
	out, _, err := fromRat(new(big.Rat).SetFrac(big.NewInt(d.units), big.NewInt(n*scale)))
	if err != nil {
		panic(fmt.Sprintf("decimal: %s / %d overflows", d, n))
	}
	return out
}

// TryMul returns d × e rounded half away from zero to four decimals, or an
// error when the product does not fit (about 922 trillion): for amounts
// that come from outside, where Mul's panic would be wrong.
func (d Decimal) TryMul(e Decimal) (Decimal, error) {
	p := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(d.units), big.NewInt(e.units)), big.NewInt(scale*scale))
	out, _, err := fromRat(p)
	if err != nil {
		return Zero, fmt.Errorf("%s × %s: %w", d, e, err)
	}
	return out, nil
}

// MulDivRound returns d × m / n rounded once, half away from zero, to
// places decimals (0-4): 62.50 × 395 / 60 to 2 places is 411.46, where
// rounding the quotient to four decimals first could move a half cent.
// n must not be zero.
func (d Decimal) MulDivRound(m, n int64, places int) (Decimal, error) {
	if n == 0 {
		return Zero, errors.New("decimal: division by zero")
	}
	if places < 0 || places > Places {
		return Zero, fmt.Errorf("decimal: places %d out of range", places)
	}
	step := int64(1)
	for range Places - places {
		step *= 10
	}
	// d.units × m / n, in steps of 10^-places, rounded half away from zero.
	num := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(m))
	den := new(big.Int).Mul(big.NewInt(n), big.NewInt(step))
	if den.Sign() < 0 {
		num.Neg(num)
		den.Neg(den)
	}
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)); twice.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	units := new(big.Int).Mul(q, big.NewInt(step))
	if new(big.Int).Abs(units).Cmp(maxUnits) > 0 {
		return Zero, fmt.Errorf("%s × %d / %d: number out of range", d, m, n)
	}
	return Decimal{units.Int64()}, nil
}

// MulRound returns d × e rounded once, half away from zero, to places
// decimals (0-4): the line amount of quantity × price, without the double
// rounding of Mul(...).Round(places). It fails when the result does not fit.
func (d Decimal) MulRound(e Decimal, places int) (Decimal, error) {
	return d.MulDivRound(e.units, scale, places)
}
