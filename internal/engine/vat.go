package engine

import (
	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/store"
)

// vatRates are the rates of the e-Boekhouden sales VAT codes (reference §7),
// used to compute our own invoice total and compare it with e-Boekhouden's.
// LAAG_VERK is 9% for dates from 2019, HOOG_VERK the legacy 19%. The
// deviating-rate codes (AFW, AFW_VERK) have no fixed rate: invoices with them
// are not compared.
var vatRates = map[string]decimal.Decimal{
	"HOOG_VERK_21": decimal.New(21, 2),
	"HOOG_VERK":    decimal.New(19, 2),
	"LAAG_VERK_9":  decimal.New(9, 2),
	"LAAG_VERK":    decimal.New(9, 2),
	"VERL_VERK_L9": decimal.Zero,
	"VERL_VERK":    decimal.Zero,
	"BU_EU_VERK":   decimal.Zero,
	"BI_EU_VERK":   decimal.Zero,
	"BI_EU_VERK_D": decimal.Zero,
	"AFST_VERK":    decimal.Zero,
	"GEEN":         decimal.Zero,
}

// isSalesVATCode reports whether code may be used on a sales invoice.
func isSalesVATCode(code string) bool {
	for _, c := range store.SalesVATCodes() {
		if c == code {
			return true
		}
	}
	return false
}
