package ebrest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// This file owns the answers: the documented Error body and the response
// value every handler returns, written only after fault rules had their say.

// apiError is the reference's Error schema; SecurityType makes it the
// SecurityError of POST /v1/session's 403.
type apiError struct {
	Type         string   `json:"type"`
	SecurityType string   `json:"securityType,omitempty"`
	Code         string   `json:"code,omitempty"`
	Title        string   `json:"title"`
	Message      string   `json:"message,omitempty"`
	Status       int      `json:"status"`
	PropertyName string   `json:"propertyName,omitempty"`
	Errors       []string `json:"errors,omitempty"`
}

// response is one answer before it is written.
type response struct {
	status int
	header http.Header
	body   []byte
	code   string // the error code, for the request log
}

// errorResponse answers status with e as the body; e.Status is set to status.
func errorResponse(status int, e apiError) *response {
	e.Status = status
	b, err := json.Marshal(e)
	if err != nil {
		panic("ebrest: marshal error body: " + err.Error())
	}
	code := e.Code
	if code == "" {
		code = http.StatusText(status)
	}
	return &response{status: status, body: b, code: code}
}

// validation answers 400 with a validation error for one property.
// [inferred] the reference's fake rule: type "validation", the field's code,
// propertyName the camelCase JSON name.
func validation(code, property string) *response {
	return errorResponse(http.StatusBadRequest, apiError{Type: "validation", Code: code, Title: codeTitle(code), PropertyName: property})
}

// notFound answers 404 with the resource's "not found" code. [inferred: the
// reference declares 404 without naming its body; the codes are the
// resource's own]
func notFound(code string) *response {
	return errorResponse(http.StatusNotFound, apiError{Type: "notFound", Code: code, Title: codeTitle(code)})
}

// unauthorized answers 401 SECURITY_010. [inferred: 401 has no declared
// body; one client reads SECURITY_010 from it]
func unauthorized() *response {
	return errorResponse(http.StatusUnauthorized, apiError{Type: "security", Code: "SECURITY_010", Title: codeTitle("SECURITY_010")})
}

// tooManyRequests answers 429 with Retry-After in whole seconds (at least 1).
// [inferred: 429 is not in the swagger; clients read Retry-After as seconds]
func tooManyRequests(retryAfterSeconds int) *response {
	if retryAfterSeconds < 1 {
		retryAfterSeconds = 1
	}
	resp := errorResponse(http.StatusTooManyRequests, apiError{Type: "rateLimit", Title: "Too many requests."})
	resp.header = http.Header{"Retry-After": {strconv.Itoa(retryAfterSeconds)}}
	return resp
}

// serverError answers 500 ERR_001.
func serverError() *response {
	return errorResponse(http.StatusInternalServerError, apiError{Type: "error", Code: "ERR_001", Title: codeTitle("ERR_001")})
}

// jsonResponse answers 200 with v as JSON.
func jsonResponse(v any) *response {
	b, err := json.Marshal(v)
	if err != nil {
		panic("ebrest: marshal response: " + err.Error())
	}
	return &response{status: http.StatusOK, body: b}
}

// noContent answers 204 with an empty body. [inferred: the reference says
// DELETE returns an empty body; 204 is the fake's choice]
func noContent() *response { return &response{status: http.StatusNoContent} }

// result is the request log's short outcome.
func (r *response) result() string {
	if r.code != "" {
		return r.code
	}
	return "ok"
}

func (r *response) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if len(r.body) > 0 {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// codeTitles are the official texts of the codes the sandbox answers
// (reference, Appendix A, verbatim).
var codeTitles = map[string]string{
	"ERR_001":          "Something went wrong.",
	"ERR_002":          "Your request contains an invalid value.",
	"DATA_01":          "No content body provided.",
	"PAGE_001":         "Limit must be between 1 and 2000.",
	"PAGE_002":         "Offset must be greater than or equal to 0.",
	"SECURITY_010":     "Not authenticated. Check your Authorization header.",
	"API_SESSION_001":  "Source is missing.",
	"API_SESSION_002":  "Source does not match pattern.",
	"API_SESSION_003":  "Access token is missing or empty.",
	"API_SESSION_004":  "Access token has expired.",
	"REL_001":          "Relation type is invalid (B,P).",
	"REL_002":          "Name is mandatory.",
	"REL_003":          "Name is too long.",
	"REL_004":          "Gender is invalid (m,v,a).",
	"REL_005":          "Code is invalid.",
	"REL_006":          "Code is too long.",
	"REL_008":          "Company registration number must be numeric.",
	"REL_009":          "Contact is too long.",
	"REL_010":          "Salutation is too long.",
	"REL_011":          "Address is too long.",
	"REL_012":          "Postal code is too long.",
	"REL_013":          "City is too long.",
	"REL_014":          "Country is too long.",
	"REL_015":          "Address 2 is too long.",
	"REL_016":          "Postal code 2 is too long.",
	"REL_017":          "City 2 is too long.",
	"REL_018":          "Country 2 is too long.",
	"REL_019":          "Phone is too long.",
	"REL_020":          "Mobile is too long.",
	"REL_021":          "Fax is too long.",
	"REL_022":          "Email is too long.",
	"REL_023":          "Email is invalid.",
	"REL_024":          "Email invoice is too long.",
	"REL_025":          "Email invoice is invalid.",
	"REL_026":          "Email reminder is too long.",
	"REL_027":          "Email reminder is invalid.",
	"REL_028":          "Website is too long.",
	"REL_029":          "Iban is too long.",
	"REL_030":          "Term of payment too low.",
	"REL_031":          "Term of payment too high.",
	"REL_032":          "BIC is too long.",
	"REL_033":          "Mandate type is too long.",
	"REL_034":          "Mandate ID is too long.",
	"REL_035":          "VAT number is too long.",
	"REL_037":          "Free text 1 is too long.",
	"REL_038":          "Free text 2 is too long.",
	"REL_039":          "Free text 3 is too long.",
	"REL_040":          "Free text 4 is too long.",
	"REL_041":          "Free text 5 is too long.",
	"REL_042":          "Free text 6 is too long.",
	"REL_043":          "Free text 7 is too long.",
	"REL_044":          "Free text 8 is too long.",
	"REL_045":          "Free text 9 is too long.",
	"REL_046":          "Free text 10 is too long.",
	"REL_047":          "Note too long.",
	"REL_048":          "Ledger not found.",
	"REL_049":          "Code already exists.",
	"REL_050":          "Company registration number is too long.",
	"REL_051":          "Mandate type is invalid (E,D).",
	"REL_055":          "Relation not found.",
	"FACT_001":         "Relation ID is missing.",
	"FACT_002":         "Relation not found.",
	"FACT_003":         "Relation is inactive.",
	"FACT_004":         "Total invoice amount too high.",
	"FACT_005":         "Total invoice amount too low.",
	"FACT_007":         "Invoice number is too long.",
	"FACT_008":         "Invoice number is invalid.",
	"FACT_009":         "Invoice number does not end with a digit.",
	"FACT_010":         "Invoice VAT must be IN or EX.",
	"FACT_012":         "Invoice date invalid.",
	"FACT_013":         "Invoice date out of range.",
	"FACT_014":         "Payment reference is too long.",
	"FACT_015":         "Term of payment is missing.",
	"FACT_016":         "Term of payment out of range.",
	"FACT_017":         "Invoice text is too long.",
	"FACT_018":         "Invoice template not found.",
	"FACT_019":         "Invoice items are missing.",
	"FACT_020":         "Email template not found.",
	"FACT_021":         "Invoice not found.",
	"FACT_101":         "Invoice number is in use.",
	"FACT_EMAIL_001":   "Relation email is missing.",
	"FACT_INCASSO_002": "Mandate type is invalid.",
	"FACT_INCASSO_008": "IBAN is missing.",
	"FACT_INCASSO_009": "IBAN is too long.",
	"FACT_VERWERK_002": "Description is too long.",
	"FACT_VERWERK_003": "Payment reference is too long.",
	"FACT_VERWERK_004": "Payment reference already exists.",
	"FACT_ITEM_001":    "Description invoice item is missing.",
	"FACT_ITEM_003":    "Code invoice item is too long.",
	"FACT_ITEM_004":    "Price per unit excl. VAT is missing.",
	"FACT_ITEM_005":    "Price per unit incl. VAT is missing.",
	"FACT_ITEM_006":    "VAT code is missing.",
	"FACT_ITEM_007":    "Ledger ID is missing",
	"FACT_ITEM_010":    "Unit not found.",
	"FACT_ITEM_011":    "Product not found.",
	"FACT_ITEM_012":    "Ledger account not found.",
	"FACT_ITEM_013":    "Discount amount cannot have a value when discount percentage is passed.",
	"FACT_ITEM_014":    "Invalid VAT code.",
	"FACT_ITEM_015":    "VAT amount must be used with VAT code: 'AFW_VERK'",
	"MUT_007":          "Unknown ledger for mutation.",
	"ART_001":          "Product not found.",
	"ART_004":          "Product Code is missing.",
	"ART_005":          "Product Description is missing.",
	"ART_006":          "Product Ledger ID is missing.",
	"ART_007":          "Product Code is too long.",
	"ART_008":          "Product Description is too long.",
	"ART_009":          "Product Ledger could not be found.",
	"ART_011":          "Product Unit could not be found.",
	"ART_012":          "Product Group could not be found.",
	"ART_013":          "Product VAT code could not be found.",
	"ART_015":          "Product cost center could not be found.",
	"ART_016":          "priceIncl cannot have a value when priceExcl is passed.",
	"ART_017":          "Product VAT code is required.",
	"ART_018":          "Either priceExcl or priceIncl is required.",
	"ART_023":          "This VAT code cannot be used.",
	"ART_024":          "The value of PriceExcl exceeds the maximum value of 999999999999.00.",
	"ART_025":          "The value of PriceIncl exceeds the maximum value of 999999999999.00.",
	"ART_027":          "The value of PurchasePriceExcl exceeds the maximum value of 999999999999.00.",
	"ART_028":          "Ledger category must be 'BAL' or 'VW'.",
	"ART_029":          "The value of PriceExcl is below the minimum value of -999999999999.00.",
	"ART_030":          "The value of PriceIncl is below the minimum value of -999999999999.00.",
	"ART_032":          "The value of PurchasePriceExcl is below the minimum value of -999999999999.00.",
}

// codeTitle returns the official text of code; it panics on a code the
// table lacks, a programming error that every test run would meet.
func codeTitle(code string) string {
	t, ok := codeTitles[code]
	if !ok {
		panic("ebrest: no title for code " + code)
	}
	return t
}
