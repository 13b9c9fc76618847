package store

import (
	"slices"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
)

// The rates are those of reference §7; only the deviating-rate codes have
// none, and no purchase code passes as a sales code.
func TestSalesVATRates(t *testing.T) {
	for _, tc := range []struct {
		code string
		rate string // "" when the code has no fixed rate
	}{
		{"HOOG_VERK_21", "0.21"},
		{"HOOG_VERK", "0.19"},
		{"LAAG_VERK_9", "0.09"},
		{"LAAG_VERK", "0.09"},
		{"VERL_VERK", "0"},
		{"VERL_VERK_L9", "0"},
		{"BU_EU_VERK", "0"},
		{"BI_EU_VERK", "0"},
		{"BI_EU_VERK_D", "0"},
		{"AFST_VERK", "0"},
		{"GEEN", "0"},
		{"AFW", ""},
		{"AFW_VERK", ""},
	} {
		if !IsSalesVATCode(tc.code) {
			t.Errorf("%s is not a sales code", tc.code)
		}
		rate, ok := SalesVATRate(tc.code)
		if ok != (tc.rate != "") {
			t.Errorf("SalesVATRate(%s) fixed = %v, want %v", tc.code, ok, tc.rate != "")
			continue
		}
		if ok && rate.Cmp(decimal.MustParse(tc.rate)) != 0 {
			t.Errorf("SalesVATRate(%s) = %s, want %s", tc.code, rate, tc.rate)
		}
	}
	for _, code := range []string{"HOOG_INK_21", "LAAG_INK_9", "", "hoog_verk_21", " GEEN"} {
		if IsSalesVATCode(code) {
			t.Errorf("%q passes as a sales code", code)
		}
		if _, ok := SalesVATRate(code); ok {
			t.Errorf("%q has a sales rate", code)
		}
	}
	// Every code with a rate is a sales code.
	for code := range salesVATRates {
		if !slices.Contains(SalesVATCodes(), code) {
			t.Errorf("rate for %s, which is not a sales code", code)
		}
	}
}
