package store

import "slices"

// VATCode is an e-Boekhouden sales BTW code as a bookkeeper knows it: its
// name in Dutch and English and whether its rate is still in force. It is
// the one place that names the codes for people; the window shows them as
// "Hoog tarief 21 % (HOOG_VERK_21)".
type VATCode struct {
	// Code is the API's code, as stored in the settings.
	Code string
	// Dutch and English name the code without the code itself.
	Dutch, English string
	// Outdated codes are the legacy ones (HOOG_VERK at 19 %; LAAG_VERK,
	// 6 % before 2019 and 9 % since, reference §7), which the REST API no
	// longer lists: offered only when already chosen, and then flagged.
	Outdated bool
}

// vatCodes are the sales codes in the order the window offers them
// (reference §7), the current rates first.
var vatCodes = []VATCode{
	{Code: "HOOG_VERK_21", Dutch: "Hoog tarief 21 %", English: "Standard rate 21 %"},
	{Code: "LAAG_VERK_9", Dutch: "Laag tarief 9 %", English: "Reduced rate 9 %"},
	{Code: "VERL_VERK", Dutch: "Verlegd", English: "Reverse charge"},
	{Code: "VERL_VERK_L9", Dutch: "Verlegd, laag tarief 9 %", English: "Reverse charge, reduced rate 9 %"},
	{Code: "BU_EU_VERK", Dutch: "Levering buiten de EU 0 %", English: "Supply outside the EU 0 %"},
	{Code: "BI_EU_VERK", Dutch: "Goederen binnen de EU 0 %", English: "Goods within the EU 0 %"},
	{Code: "BI_EU_VERK_D", Dutch: "Diensten binnen de EU 0 %", English: "Services within the EU 0 %"},
	{Code: "AFST_VERK", Dutch: "Afstandsverkopen binnen de EU", English: "Distance sales within the EU"},
	{Code: "AFW_VERK", Dutch: "Afwijkend tarief, verkoop", English: "Deviating rate, sales"},
	{Code: "AFW", Dutch: "Afwijkend tarief", English: "Deviating rate"},
	{Code: "GEEN", Dutch: "Geen btw", English: "No VAT"},
	{Code: "HOOG_VERK", Dutch: "Hoog tarief 19 %", English: "Standard rate 19 %", Outdated: true},
	{Code: "LAAG_VERK", Dutch: "Laag tarief 9 % (6 % vóór 2019)", English: "Reduced rate 9 % (6 % before 2019)", Outdated: true},
}

// SalesVATCodeList returns every sales BTW code with its names, current
// codes first; it holds the same codes as SalesVATCodes.
func SalesVATCodeList() []VATCode { return slices.Clone(vatCodes) }

// LookUpVATCode returns what is known of a sales BTW code.
func LookUpVATCode(code string) (VATCode, bool) {
	i := slices.IndexFunc(vatCodes, func(c VATCode) bool { return c.Code == code })
	if i < 0 {
		return VATCode{}, false
	}
	return vatCodes[i], true
}

// Label is the code as a bookkeeper reads it, in Dutch or (english) in
// English: "Hoog tarief 21 % (HOOG_VERK_21)", with ", verouderd" after an
// outdated code.
func (c VATCode) Label(english bool) string {
	name, outdated := c.Dutch, "verouderd"
	if english {
		name, outdated = c.English, "outdated"
	}
	s := name + " (" + c.Code + ")"
	if c.Outdated {
		s += ", " + outdated
	}
	return s
}
