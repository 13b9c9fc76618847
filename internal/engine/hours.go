package engine

// This file owns how worked time becomes an invoice line: the user's hour
// rounding rule (export.hours_rounding), the amount it gives, and a
// quantity and price that make e-Boekhouden's own quantity × price come to
// exactly that amount.

import (
	"fmt"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/store"
)

// billedMinutes is the time billed for the work periods of one hour type:
// per period rounded up to a quarter or half hour by those rules, summed;
// the worked minutes for the others. Seconds are dropped (OutSmart records
// H:i).
func billedMinutes(periods []time.Duration, rule string) int64 {
	var step int64
	switch rule {
	case store.HoursRoundingQuarter:
		step = 15
	case store.HoursRoundingHalf:
		step = 30
	}
	var total int64
	for _, p := range periods {
		m := int64(p / time.Minute)
		if m <= 0 {
			continue
		}
		if step > 0 {
			m = (m + step - 1) / step * step
		}
		total += m
	}
	return total
}

// pricedHours is an hour line as it goes to e-Boekhouden.
type pricedHours struct {
	quantity  decimal.Decimal // hours, up to four decimals
	unitPrice decimal.Decimal // normally the hourly rate
	amount    decimal.Decimal // the line amount excl. VAT the rule gives, in cents
}

// priceHours prices minutes at an hourly rate by the rule. With 0.01 the
// hours are rounded to 0,01 first and that quantity × rate is the amount
// (6:35 h at € 62,50 is 6,58 × 62,50 = € 411,25). With every other rule the
// amount is minutes × rate / 60 rounded once to the cent (€ 411,46), and
// the quantity is chosen so that quantity × rate, rounded to cents the way
// e-Boekhouden rounds a line [inferred: half away from zero], is exactly
// that amount.
func priceHours(minutes int64, rate decimal.Decimal, rule string) (pricedHours, error) {
	if rule == store.HoursRoundingHundredth {
		q := decimal.FromInt(minutes).DivInt(60).RoundCents()
		amount, err := q.MulRound(rate, 2)
		if err != nil {
			return pricedHours{}, err
		}
		return pricedHours{quantity: q, unitPrice: rate, amount: amount}, nil
	}
	amount, err := rate.MulDivRound(minutes, 60, 2)
	if err != nil {
		return pricedHours{}, err
	}
	exact := decimal.FromInt(minutes).DivInt(60) // hours to four decimals
	if q, ok := quantityFor(exact, rate, amount); ok {
		return pricedHours{quantity: q, unitPrice: rate, amount: amount}, nil
	}
	// The rate is so high that no four-decimal quantity lands on the cent
	// (above € 100 an hour a step of 0,0001 h is more than a cent): keep
	// the hours and adjust the price by the smallest step that does.
	if p, ok := quantityFor(rate, exact, amount); ok && !exact.IsZero() {
		return pricedHours{quantity: exact, unitPrice: p, amount: amount}, nil
	}
	// Hundreds of hours at a high rate: one line of the whole amount.
	return pricedHours{quantity: decimal.FromInt(1), unitPrice: amount, amount: amount}, nil
}

// quantityFor searches, around start in steps of 0,0001, for a value v with
// v × factor within safeDistance of amount (so that any rounding, also in
// binary floating point, gives amount), preferring the v closest to start.
func quantityFor(start, factor, amount decimal.Decimal) (decimal.Decimal, bool) {
	const steps = 50
	best, bestDist, found := decimal.Zero, decimal.Zero, false
	for k := -steps; k <= steps; k++ {
		v := start.Add(decimal.New(int64(k), decimal.Places))
		if k != 0 && v.Sign() != start.Sign() {
			continue
		}
		cents, err := v.MulRound(factor, 2)
		if err != nil || !cents.Equal(amount) {
			continue
		}
		p, err := v.MulRound(factor, decimal.Places)
		if err != nil {
			continue
		}
		d := distance(p, amount)
		if d.Cmp(safeDistance) > 0 {
			// On or next to a half cent: a service computing in binary
			// floating point may round it either way.
			continue
		}
		closer := distance(v, start).Cmp(distance(best, start))
		if !found || closer < 0 || (closer == 0 && d.Cmp(bestDist) < 0) {
			best, bestDist, found = v, d, true
		}
	}
	return best, found
}

// safeDistance is how far from the cent amount quantity × price may be:
// a hundredth of a cent short of the half cent where rounding turns.
var safeDistance = decimal.New(49, 4)

func distance(a, b decimal.Decimal) decimal.Decimal {
	d := a.Sub(b)
	if d.Sign() < 0 {
		return d.Neg()
	}
	return d
}

// clockHours writes minutes as the time a person reads: 395 is "6:35".
func clockHours(minutes int64) string {
	return fmt.Sprintf("%d:%02d", minutes/60, minutes%60)
}
