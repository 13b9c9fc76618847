package outsmart

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// decimalText is what the sandbox accepts as a decimal in a JSON string:
// optional minus, digits, optional comma or dot with decimals ("4,55",
// "4.55", "4"). Thousands separators are refused: "1.234,56" is ambiguous
// [inferred].
var decimalText = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// parseDecimal reads a decimal written with a comma or a dot. OutSmart returns
// material prices with a comma and accepts dot decimals on input [DOC/CODE].
func parseDecimal(s string) (*big.Rat, error) {
	t := strings.TrimSpace(s)
	if !decimalText.MatchString(t) {
		return nil, fmt.Errorf("%q is not a decimal number (use 4,55 or 4.55)", s)
	}
	r, ok := new(big.Rat).SetString(strings.Replace(t, ",", ".", 1))
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	return r, nil
}

// numberText renders a JSON number as plain decimal text, so that a client
// posting doubles ("4.5", "1.0E7") is read like one posting strings
// [CODE S9 posts Java doubles; the exponent form is inferred].
func numberText(n json.Number) (string, error) {
	if decimalText.MatchString(n.String()) {
		return n.String(), nil
	}
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		return "", fmt.Errorf("%s is not a number", n)
	}
	s := r.FloatString(10)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s, nil
}

// formatDecimal renders r with prec decimals, rounding halves away from zero
// as a MySQL DECIMAL column does [inferred], and sep as decimal separator.
func formatDecimal(r *big.Rat, prec int, sep string) string {
	s := r.FloatString(prec)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0.00"
	}
	return strings.Replace(s, ".", sep, 1)
}

// commaPrice normalises a decimal to the form OutSmart returns material
// prices in: two decimals, comma separator ("4,50") [DOC S1 "price":"4,55"].
func commaPrice(s string) (string, error) {
	r, err := parseDecimal(s)
	if err != nil {
		return "", err
	}
	return formatDecimal(r, 2, ","), nil
}

// dotPrice normalises a decimal to the form OutSmart returns hour type prices
// in: two decimals, dot separator ("50.00") [DOC S1 "sale_price":"50.00"].
func dotPrice(s string) (string, error) {
	r, err := parseDecimal(s)
	if err != nil {
		return "", err
	}
	return formatDecimal(r, 2, "."), nil
}
