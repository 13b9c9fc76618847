package engine

// A property test of invoice amounts: generated work orders (work periods,
// rates, quantities, VAT codes, rounding rules) are built into invoices by
// buildInvoice, and every line and total is compared with an independent
// calculation in exact rational arithmetic written here, not with the
// engine's own helpers.

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// ratOf reads a Decimal's exact value.
func ratOf(t *testing.T, d decimal.Decimal) *big.Rat {
	r, ok := new(big.Rat).SetString(d.String())
	if !ok {
		t.Fatalf("cannot read %s", d)
	}
	return r
}

// roundHalfUp rounds r to cents, half away from zero, as a Dutch invoice does.
func roundHalfUp(r *big.Rat) *big.Rat {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	neg := x.Sign() < 0
	if neg {
		x.Neg(x)
	}
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, big.NewInt(100))
}

// expectedHours is the independent rule: billed minutes, then the amount.
func expectedHours(periods []int64, rule string, rate *big.Rat) (minutes int64, amount *big.Rat) {
	for _, m := range periods {
		if m <= 0 {
			continue
		}
		switch rule {
		case store.HoursRoundingQuarter:
			m = ((m + 14) / 15) * 15
		case store.HoursRoundingHalf:
			m = ((m + 29) / 30) * 30
		}
		minutes += m
	}
	if rule == store.HoursRoundingHundredth {
		hours := roundHalfUp(big.NewRat(minutes, 60))
		return minutes, roundHalfUp(new(big.Rat).Mul(hours, rate))
	}
	return minutes, roundHalfUp(new(big.Rat).Mul(big.NewRat(minutes, 60), rate))
}

var propertyVATRates = map[string]*big.Rat{
	"HOOG_VERK_21": big.NewRat(21, 100), "LAAG_VERK_9": big.NewRat(9, 100), "GEEN": big.NewRat(0, 1), "VERL_VERK": big.NewRat(0, 1),
}

func TestPropertyInvoiceAmountsMatchAnIndependentCalculation(t *testing.T) {
	skipWhenShort(t)
	const n = 10000
	rng := rand.New(rand.NewPCG(20261206, 12))
	vatCodes := []string{"HOOG_VERK_21", "LAAG_VERK_9", "GEEN", "VERL_VERK"}
	rules := store.HoursRoundings()
	money := func(maxCents int64, places int) decimal.Decimal {
		// a price with 2 to 4 decimals
		units := rng.Int64N(maxCents*100 + 1)
		d := decimal.New(units, 4)
		return d.Round(places)
	}
	date := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	counts := map[string]int{}
	checked, adjusted, pieces := 0, 0, 0
	for i := 0; checked < n; i++ {
		cat := catalog{products: map[string]eboekhouden.Product{}}
		rule := rules[rng.IntN(len(rules))]
		s := store.DefaultSettings()
		s.Template, s.HoursRounding = "Standaard", rule
		wo := outsmart.WorkOrder{RowID: fmt.Sprint(100000 + i), Number: fmt.Sprintf("WB%05d", i%500), Date: date, ShortDescription: "Onderhoud"}

		// Hour types: 1-3 products, rates up to € 250 (some above € 100,
		// where a four-decimal quantity cannot always land on the cent).
		nHours := rng.IntN(4)
		type hourSpec struct {
			code    string
			rate    decimal.Decimal
			vat     string
			periods []int64
		}
		var hours []hourSpec
		for h := 0; h < nHours; h++ {
			spec := hourSpec{code: fmt.Sprintf("UUR%d", h), rate: money(25000, 2+rng.IntN(3)), vat: vatCodes[rng.IntN(len(vatCodes))]}
			cat.products[spec.code] = eboekhouden.Product{Code: spec.code, Description: "Arbeid " + spec.code, SalePrice: spec.rate,
				VATCode: spec.vat, LedgerCode: "8010", Unit: "uur"}
			for p := 0; p < 1+rng.IntN(4); p++ {
				m := int64(1 + rng.IntN(600))
				spec.periods = append(spec.periods, m)
				wo.WorkPeriods = append(wo.WorkPeriods, outsmart.WorkPeriod{Total: time.Duration(m) * time.Minute, HourType: spec.code})
			}
			hours = append(hours, spec)
		}
		// Materials: 0-4, quantities up to 3 decimals (some negative), prices
		// up to € 2.000 with up to 4 decimals.
		type materialSpec struct {
			qty, price decimal.Decimal
			vat        string
		}
		var materials []materialSpec
		for m := 0; m < rng.IntN(5); m++ {
			spec := materialSpec{qty: decimal.New(rng.Int64N(50000)-5000, 3), price: money(200000, 2+rng.IntN(3)),
				vat: vatCodes[rng.IntN(len(vatCodes))]}
			if spec.qty.IsZero() {
				continue
			}
			code := fmt.Sprintf("MAT%d", m)
			cat.products[code] = eboekhouden.Product{Code: code, Description: "Materiaal", VATCode: spec.vat, LedgerCode: "8000"}
			wo.Materials = append(wo.Materials, outsmart.MaterialLine{Code: code, Name: "Materiaal " + code, Quantity: spec.qty, UnitPrice: spec.price})
			materials = append(materials, spec)
		}
		if len(hours) == 0 && len(materials) == 0 {
			continue
		}

		counts[rule]++
		d, err := buildInvoice(wo, "R1", cat, s, date)
		if err != nil {
			t.Fatalf("work order %d: %v", i, err)
		}
		lines := d.invoice.Lines
		if !strings.Contains(lines[0].Description, "(ref "+wo.RowID+")") {
			t.Fatalf("work order %d: reference line %q has no row id", i, lines[0].Description)
		}
		// Independent amounts per line and per VAT code.
		perVAT := map[string]*big.Rat{}
		addVAT := func(code string, amount *big.Rat) {
			if perVAT[code] == nil {
				perVAT[code] = new(big.Rat)
			}
			perVAT[code].Add(perVAT[code], amount)
		}
		k := 1
		for _, m := range materials {
			l := lines[k]
			k++
			want := roundHalfUp(new(big.Rat).Mul(ratOf(t, m.qty), ratOf(t, m.price)))
			got := roundHalfUp(new(big.Rat).Mul(ratOf(t, l.Quantity), ratOf(t, l.UnitPrice)))
			if got.Cmp(want) != 0 || l.VATCode != m.vat {
				t.Fatalf("work order %d material line %+v: amount %s (%s), want %s (%s)", i, l, got.FloatString(2), l.VATCode, want.FloatString(2), m.vat)
			}
			addVAT(m.vat, want)
		}
		for _, h := range hours {
			l := lines[k]
			k++
			rate := ratOf(t, h.rate)
			minutes, want := expectedHours(h.periods, rule, rate)
			exact := new(big.Rat).Mul(ratOf(t, l.Quantity), ratOf(t, l.UnitPrice))
			got := roundHalfUp(exact)
			if got.Cmp(want) != 0 {
				t.Fatalf("work order %d (%s) hour line %+v: quantity × price = %s, rounds to %s, want %s (%d min at %s)",
					i, rule, l, exact.FloatString(6), got.FloatString(2), want.FloatString(2), minutes, h.rate)
			}
			// Robust against another rounding of a half cent: the product is
			// within half a cent of the amount and not on the boundary. With
			// the 0,01 rule the product is the rule itself (quantity × rate
			// as the user sees them), boundary or not.
			dist := new(big.Rat).Abs(new(big.Rat).Sub(exact, want))
			if rule != store.HoursRoundingHundredth && dist.Cmp(big.NewRat(1, 200)) >= 0 {
				t.Fatalf("work order %d hour line %+v: product %s on the half-cent boundary of %s", i, l, exact.FloatString(6), want.FloatString(2))
			}
			clock := fmt.Sprintf("%d:%02d uur", minutes/60, minutes%60)
			if !strings.Contains(l.Description, clock) {
				t.Fatalf("work order %d hour line %q does not show %s", i, l.Description, clock)
			}
			// The quantity is the billed hours (to 0,01 with that rule)
			// unless the whole amount had to be one piece.
			hoursExact := big.NewRat(minutes, 60)
			qDist := new(big.Rat).Abs(new(big.Rat).Sub(ratOf(t, l.Quantity), hoursExact))
			onePiece := l.Quantity.Equal(decimal.FromInt(1)) && l.UnitPrice.Equal(decimal.MustParse(want.FloatString(2)))
			switch {
			case onePiece && !l.UnitPrice.Equal(h.rate):
				pieces++
			case !l.UnitPrice.Equal(h.rate):
				adjusted++
				// Shown to two decimals, the price is still the rate.
				if !l.UnitPrice.RoundCents().Equal(h.rate.RoundCents()) && distance(l.UnitPrice, h.rate).Cmp(decimal.New(5, 3)) >= 0 {
					t.Fatalf("work order %d hour line %+v: price moved from %s by half a cent or more", i, l, h.rate)
				}
			}
			if !onePiece && qDist.Cmp(big.NewRat(1, 100)) > 0 {
				t.Fatalf("work order %d hour line %+v: quantity far from %d minutes", i, l, minutes)
			}
			addVAT(h.vat, want)
		}
		if k != len(lines) {
			t.Fatalf("work order %d: %d lines, want %d", i, len(lines), k)
		}
		total := new(big.Rat)
		for code, sum := range perVAT {
			total.Add(total, sum)
			total.Add(total, roundHalfUp(new(big.Rat).Mul(sum, propertyVATRates[code])))
		}
		if got := ratOf(t, d.total); got.Cmp(total) != 0 {
			t.Fatalf("work order %d: total %s, want %s", i, d.total, total.FloatString(2))
		}
		checked++
	}
	t.Logf("%d work orders checked; rules used: %v; hour lines with the price adjusted by 0,0001-steps: %d, sent as one piece: %d",
		checked, counts, adjusted, pieces)
}

// TestPropertyHourLinesThroughTheSandbox sends generated hour lines through
// the real client to the e-Boekhouden sandbox, whose totals are its own code
// (exact rationals), for every rounding rule: each invoice's total excl. VAT
// there equals the independent calculation.
func TestPropertyHourLinesThroughTheSandbox(t *testing.T) {
	forEachRoad(t, func(t *testing.T, rd road) {
		rng := rand.New(rand.NewPCG(7, 20261206))
		for _, rule := range store.HoursRoundings() {
			t.Run(rule, func(t *testing.T) {
				h := newRoadHarness(t, rd, sandbox.Options{}, map[string]string{store.KeyHoursRounding: rule})
				rates := map[string]*big.Rat{}
				for k := 0; k < 5; k++ {
					code := fmt.Sprintf("UUR-%d", k)
					rate := decimal.New(1000+rng.Int64N(24000), 2) // € 10,00 - € 250,00
					if k == 4 {
						rate = decimal.New(100000+rng.Int64N(150000), 3) // three decimals
					}
					rates[code] = ratOf(t, rate)
					h.addProduct(demodata.Artikel{ArtikelID: int64(9900 + k),
						ArtikelOmschrijving: "Arbeid " + code, ArtikelCode: code, Eenheid: "uur", InkoopprijsExclBTW: "0",
						VerkoopprijsExclBTW: rate.String(), BTWCode: "HOOG_VERK_21", TegenrekeningCode: "8010", Actief: true})
				}
				want := map[string]*big.Rat{}
				h.sb.OutSmart.Update(func(st *ossandbox.State) {
					var base demodata.Workorder
					for _, w := range st.Workorders {
						if w.OrderNr == "WB26116" {
							base = w
						}
					}
					for n := 0; n < 15; n++ {
						w := base
						w.ID, w.OrderNr = fmt.Sprint(880000+n), fmt.Sprintf("WBP%02d", n)
						w.Materials = nil
						w.Workperiods = nil
						total := new(big.Rat)
						for k := 0; k < 1+rng.IntN(2); k++ {
							code := fmt.Sprintf("UUR-%d", rng.IntN(5))
							for p := 0; p < 1+rng.IntN(3); p++ {
								m := int64(1 + rng.IntN(480))
								w.Workperiods = append(w.Workperiods, demodata.WorkorderPeriod{WorkDate: "20-11-2026", BeginTime: "08:00",
									EndTime: "09:00", Break: "0", TotalTime: fmt.Sprintf("%02d:%02d", m/60, m%60), EmployeeNr: "12", HourType: code})
							}
						}
						// The expected amount per hour type, over all its periods.
						byCode := map[string][]int64{}
						for _, p := range w.Workperiods {
							var hh, mm int64
							fmt.Sscanf(p.TotalTime, "%d:%d", &hh, &mm)
							byCode[p.HourType] = append(byCode[p.HourType], hh*60+mm)
						}
						for code, periods := range byCode {
							_, amount := expectedHours(periods, rule, rates[code])
							total.Add(total, amount)
						}
						want[w.ID] = total
						st.Workorders = append(st.Workorders, w)
					}
				})
				if sum := h.run(RunOptions{}); sum.Err != nil {
					t.Fatal(sum.Err)
				}
				for id, total := range want {
					inv := h.invoiceOfRow(id)
					got, ok := new(big.Rat).SetString(inv.TotalExcl.String())
					if inv.Number == "" {
						ex, _ := h.st.Export(context.Background(), id)
						t.Errorf("work order row %s (%s): no invoice in e-Boekhouden; journal %s: %s", id, rule, ex.State, ex.Reason)
						continue
					}
					if !ok || got.Cmp(total) != 0 {
						t.Errorf("work order row %s (%s): e-Boekhouden's total excl. VAT %s, want %s; lines %+v", id, rule, inv.TotalExcl, total.FloatString(2), inv.Lines)
					}
				}
				if h.logged(store.LevelAttention, "wijkt") {
					t.Errorf("a total differed from e-Boekhouden's: %v", h.logs)
				}
			})
		}
	})
}
