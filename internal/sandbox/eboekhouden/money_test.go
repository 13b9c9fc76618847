package eboekhouden

import (
	"math/big"
	"strings"
	"testing"
)

func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad test number %q", s)
	}
	return r
}

func TestRound2HalfAwayFromZero(t *testing.T) {
	cases := map[string]string{
		"0.005": "0.01", "-0.005": "-0.01", "0.0049": "0", "1.125": "1.13", "-1.125": "-1.13",
		"2.675":  "2.68", // 2.675 is 2.67499… as a float64; exact arithmetic rounds it up
		"75.625": "75.63", "199.5": "199.5", "0": "0", "1.994999": "1.99",
	}
	for in, want := range cases {
		if got := formatAmount(round2(rat(t, in))); got != want {
			t.Errorf("round2(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	cases := map[string]string{
		"975.5": "975.5", "1177.30": "1177.3", "42": "42", "0.21": "0.21", "-1.25": "-1.25",
		"0.000001": "0.000001", "100": "100", "-0": "0",
	}
	for in, want := range cases {
		if got := formatAmount(rat(t, in)); got != want {
			t.Errorf("formatAmount(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{"12.40": "12.4", "12,40": "12.4", "": "0", "-3": "-3"} {
		r, err := parseAmount(in)
		if err != nil || formatAmount(r) != want {
			t.Errorf("parseAmount(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, in := range []string{"1.2.3", "1e3", "€ 5", "1 000"} {
		if _, err := parseAmount(in); err == nil {
			t.Errorf("parseAmount(%q) accepted", in)
		}
	}
}

func TestComputeTotals(t *testing.T) {
	l := func(q, p, code string) invoiceLine {
		return invoiceLine{quantity: rat(t, q), price: rat(t, p), btwCode: code}
	}
	cases := []struct {
		name            string
		lines           []invoiceLine
		year            int
		excl, btw, incl string
	}{
		{"reference example §8.6", []invoiceLine{l("10", "95", "HOOG_VERK_21"), l("1", "25.5", "LAAG_VERK_9")}, 2025, "975.5", "201.8", "1177.3"},
		// Per line: 3 x round(0.0147) = 0.03; per code: round(0.21 x 0.21 = 0.0441) = 0.04.
		{"per-code rounding differs from per-line", []invoiceLine{l("1", "0.07", "HOOG_VERK_21"), l("1", "0.07", "HOOG_VERK_21"), l("1", "0.07", "HOOG_VERK_21")}, 2026, "0.21", "0.04", "0.25"},
		{"line amount rounded half away from zero", []invoiceLine{l("3", "0.335", "GEEN")}, 2026, "1.01", "0", "1.01"},
		{"LAAG_VERK 9% from 2019", []invoiceLine{l("1", "100", "LAAG_VERK")}, 2019, "100", "9", "109"},
		{"LAAG_VERK 6% before 2019", []invoiceLine{l("1", "100", "LAAG_VERK")}, 2018, "100", "6", "106"},
		{"LAAG_VERK_9 stays 9% before 2019", []invoiceLine{l("1", "100", "LAAG_VERK_9")}, 2018, "100", "9", "109"},
		{"legacy HOOG_VERK 19%", []invoiceLine{l("2", "50", "HOOG_VERK")}, 2026, "100", "19", "119"},
		{"zero-rate codes", []invoiceLine{l("1", "10", "VERL_VERK"), l("1", "10", "BU_EU_VERK"), l("1", "10", "AFW"), l("1", "10", "AFW_VERK"), l("1", "10", "GEEN")}, 2026, "50", "0", "50"},
		{"credit line", []invoiceLine{l("-1", "62.5", "HOOG_VERK_21")}, 2026, "-62.5", "-13.13", "-75.63"},
	}
	for _, c := range cases {
		got := computeTotals(c.lines, c.year, false)
		if formatAmount(got.excl) != c.excl || formatAmount(got.btw) != c.btw || formatAmount(got.incl) != c.incl {
			t.Errorf("%s: %s + %s = %s, want %s + %s = %s", c.name,
				formatAmount(got.excl), formatAmount(got.btw), formatAmount(got.incl), c.excl, c.btw, c.incl)
		}
	}
}

func TestComputeTotalsPerLine(t *testing.T) {
	l := func(q, p, code string) invoiceLine {
		qr, _ := new(big.Rat).SetString(q)
		pr, _ := new(big.Rat).SetString(p)
		return invoiceLine{quantity: qr, price: pr, btwCode: code}
	}
	// Per line: 3 x round(0.0147) = 0.03, where per code gives 0.04.
	got := computeTotals([]invoiceLine{l("1", "0.07", "HOOG_VERK_21"), l("1", "0.07", "HOOG_VERK_21"), l("1", "0.07", "HOOG_VERK_21")}, 2026, true)
	if formatAmount(got.btw) != "0.03" || formatAmount(got.incl) != "0.24" {
		t.Errorf("per line: VAT %s, total %s; want 0.03 and 0.24", formatAmount(got.btw), formatAmount(got.incl))
	}
}

// TestFormatAmountMatchesScaling checks the quick path of formatAmount
// against the definition it shortcuts: multiply by ten until the value is
// whole.
func TestFormatAmountMatchesScaling(t *testing.T) {
	byScaling := func(r *big.Rat) string {
		if r.IsInt() {
			return r.Num().String()
		}
		scaled := new(big.Rat).Set(r)
		for n := 1; n <= 60; n++ {
			scaled.Mul(scaled, big.NewRat(10, 1))
			if scaled.IsInt() {
				return r.FloatString(n)
			}
		}
		return strings.TrimRight(r.FloatString(20), "0")
	}
	var cases []*big.Rat
	for _, den := range []int64{1, 2, 3, 4, 5, 8, 10, 16, 20, 25, 40, 100, 125, 128, 625, 1000, 1024, 3125, 7, 12, 15, 6, 1 << 40, 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5 * 5} {
		for _, num := range []int64{-123457, -1, 0, 1, 7, 99, 12345678901} {
			cases = append(cases, big.NewRat(num, den))
		}
	}
	huge, _ := new(big.Rat).SetString("1/" + new(big.Int).Exp(big.NewInt(10), big.NewInt(45), nil).String())
	tooLong, _ := new(big.Rat).SetString("3/" + new(big.Int).Exp(big.NewInt(2), big.NewInt(61), nil).String())
	cases = append(cases, huge, tooLong, new(big.Rat).Mul(huge, big.NewRat(7, 3)))
	for _, r := range cases {
		if got, want := formatAmount(r), byScaling(r); got != want {
			t.Errorf("formatAmount(%s) = %s, want %s", r, got, want)
		}
	}
}

// TestCanonicalTextMatchesCanonical checks the quick path of canonicalText
// against parsing and formatting.
func TestCanonicalTextMatchesCanonical(t *testing.T) {
	for _, in := range []string{
		"", "0", "00", "-0", "-0.00", "0,000", "12.40", "12,40", "-12.40", "007", "-007.50", "1.000001",
		"123456789012345678901234567890.123456789012345678901234567890", "-5", "5.", ".5", "1.2.3", "1,2.3",
		"+1", "1e3", " 1", "1 ", "--1", "-", "x", "١٢", "0.1000", "10", "100.0",
	} {
		fast, slow := in, in
		errFast := canonicalText(&fast)
		_, errSlow := canonical(&slow)
		if (errFast == nil) != (errSlow == nil) || fast != slow {
			t.Errorf("canonicalText(%q) = %q, %v; canonical gives %q, %v", in, fast, errFast, slow, errSlow)
		}
	}
}
