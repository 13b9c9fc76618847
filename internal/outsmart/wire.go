package outsmart

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/decimal"
)

// This file holds the lenient readers for OutSmart's loosely typed JSON:
// values documented as strings arrive as strings, numbers or null, decimals
// with a comma or a dot, flags as "0"/"1", dates as d-m-Y and times as H:i
// [DOC S1; notes §5].

// text is a JSON scalar read as text: a string as it is, a number as its
// literal, true/false as "1"/"0", null as "". An object or an array is an
// error that encoding/json reports with the field's path.
type text string

var stringType = reflect.TypeFor[string]()

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		if len(b) >= 2 && b[len(b)-1] == '"' {
			if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) {
				*t = text(inner)
				return nil
			}
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case 'n':
		*t = ""
	case 't':
		*t = "1"
	case 'f':
		*t = "0"
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: stringType}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: stringType}
	default:
		*t = text(b) // a number
	}
	return nil
}

// list is a JSON list of records that also accepts null and an object of
// records (PHP's json_encode of an array with gaps) [inferred].
type list[T any] []T

func (l *list[T]) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		var out []T
		if json.Unmarshal(b, &out) == nil {
			*l = out
			return nil
		}
		// Decode element by element below, to name the one that fails.
	}
	raws, err := splitList(b)
	if err != nil {
		return &json.UnmarshalTypeError{Value: strings.TrimPrefix(strings.TrimPrefix(jsonKind(b), "an "), "a "), Type: reflect.TypeFor[[]T]()}
	}
	out := make([]T, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			var ute *json.UnmarshalTypeError
			if errors.As(err, &ute) {
				// Name the element; the outer decoder puts the list's own
				// field name in front ("Materials.[2].MaterialNr").
				field := fmt.Sprintf("[%d]", i)
				if ute.Field != "" {
					field += "." + ute.Field
				}
				ute.Field = field
				return ute
			}
			return err
		}
	}
	*l = out
	return nil
}

// quoteMax is how much of a bad value an error message quotes.
const quoteMax = 40

var errNotDecimal = errors.New("not a decimal number (want 4,55 or 4.55)")

// parseDecimal reads a decimal written with a comma or a dot. "" (also from
// null) is zero unless required. A JSON number in exponent form is read as a
// double, rounded to four decimals [inferred].
func parseDecimal(s text, required bool) (decimal.Decimal, error) {
	t := strings.TrimSpace(string(s))
	if t == "" {
		if required {
			return decimal.Zero, errors.New("missing")
		}
		return decimal.Zero, nil
	}
	if d, ok := fastDecimal(t); ok {
		return d, nil
	}
	d, err := decimal.Parse(t)
	if err != nil && strings.ContainsAny(t, "eE") {
		d, err = decimal.ParseDouble(t)
	}
	if err != nil {
		return decimal.Zero, fmt.Errorf("%.*q is %w", quoteMax, t, errNotDecimal)
	}
	return d, nil
}

// fastDecimal reads the common plain form ("12,40", "-3.5", "1895") without
// allocating: an optional sign, at most 14 integer digits, and at most
// decimal.Places decimals after a comma or a dot. Anything else reports
// false and goes to decimal.Parse, which gives the same value for every
// input fastDecimal accepts (FuzzScalars checks this).
func fastDecimal(s string) (decimal.Decimal, bool) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg, i = s[i] == '-', i+1
	}
	var units int64
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		units = units*10 + int64(s[i]-'0')
		digits++
	}
	if digits == 0 || digits > 14 {
		return decimal.Zero, false
	}
	places := 0
	if i < len(s) && (s[i] == ',' || s[i] == '.') {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if places == decimal.Places {
				return decimal.Zero, false
			}
			units = units*10 + int64(s[i]-'0')
			places++
		}
		if places == 0 {
			return decimal.Zero, false
		}
	}
	if i != len(s) {
		return decimal.Zero, false
	}
	if neg {
		units = -units
	}
	return decimal.New(units, places), true
}

// parseFlag reads a 0/1 flag [DOC S1]; "" (also from null) is false, and
// true/false are accepted [inferred].
func parseFlag(s text) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "1", "true":
		return true, nil
	case "0", "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%.*q is not a flag (want 0 or 1)", quoteMax, string(s))
}

// parseOptFlag is parseFlag with "" as unknown (nil).
func parseOptFlag(s text) (*bool, error) {
	if strings.TrimSpace(string(s)) == "" {
		return nil, nil
	}
	b, err := parseFlag(s)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// flagText writes a flag the way OutSmart documents it: "1" or "0".
func flagText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// zeroDate reports a MySQL zero date, which means "not set" [inferred].
func zeroDate(s string) bool {
	return strings.Trim(s, "0-: ") == ""
}

// dateLayouts: d-m-Y as documented, with or without leading zeros, then ISO
// Y-m-d, which projects and invoices use [DOC S1; inferred for work orders].
var dateLayouts = []string{"2-1-2006", "2006-1-2"}

// parseDate reads a calendar date (d-m-Y) as midnight UTC; "" and zero dates
// are the zero time.
func parseDate(s text) (time.Time, error) {
	t := strings.TrimSpace(string(s))
	if zeroDate(t) {
		return time.Time{}, nil
	}
	for _, layout := range dateLayouts {
		if d, err := time.Parse(layout, t); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("%.*q is not a date (want d-m-Y, e.g. 26-09-2013)", quoteMax, t)
}

// dateTimeLayouts: CreationDate is "2013-06-11 02:51" in the docs and
// "yyyy-MM-dd HH:mm:ss" in S4's model [DOC S1; CODE S4]; d-m-Y H:i is
// accepted too [inferred].
var dateTimeLayouts = []string{
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2-1-2006 15:04", "2-1-2006 15:04:05", "2006-01-02",
}

// parseDateTime reads a wall-clock date and time, carried in UTC.
func parseDateTime(s text) (time.Time, error) {
	t := strings.TrimSpace(string(s))
	if zeroDate(t) {
		return time.Time{}, nil
	}
	for _, layout := range dateTimeLayouts {
		if d, err := time.Parse(layout, t); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("%.*q is not a date and time (want Y-m-d H:i)", quoteMax, t)
}

// parseHM reads "H:i" or "H:i:s" into hours, minutes and seconds.
func parseHM(t string) (h, m, sec int, ok bool) {
	parts := strings.Split(t, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, false
	}
	nums := make([]int, 3)
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return 0, 0, 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p[0] == '+' {
			return 0, 0, 0, false
		}
		nums[i] = n
	}
	if nums[1] > 59 || nums[2] > 59 {
		return 0, 0, 0, false
	}
	return nums[0], nums[1], nums[2], true
}

func hms(h, m, s int) time.Duration {
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
}

// parseClock reads a time of day (H:i) as the duration since midnight;
// "24:00" is the end of the day [inferred]. "" is 0.
func parseClock(s text) (time.Duration, error) {
	t := strings.TrimSpace(string(s))
	if t == "" {
		return 0, nil
	}
	h, m, sec, ok := parseHM(t)
	if !ok || h > 24 || (h == 24 && m+sec > 0) {
		return 0, fmt.Errorf("%.*q is not a time of day (want H:i, e.g. 08:30)", quoteMax, t)
	}
	return hms(h, m, sec), nil
}

// parseSpan reads a duration written as H:i (TotalTime; hours may exceed
// 23 [inferred]). "" is 0.
func parseSpan(s text) (time.Duration, error) {
	t := strings.TrimSpace(string(s))
	if t == "" {
		return 0, nil
	}
	h, m, sec, ok := parseHM(t)
	if !ok {
		return 0, fmt.Errorf("%.*q is not a duration (want H:i, e.g. 03:45)", quoteMax, t)
	}
	return hms(h, m, sec), nil
}

// parseBreak reads a work period's break: whole minutes as the Blueprint
// documents ("Break time in minutes", Int), or H:i as seen in data
// [inferred]. "" is 0.
func parseBreak(s text) (time.Duration, error) {
	t := strings.TrimSpace(string(s))
	if strings.Contains(t, ":") {
		return parseSpan(text(t))
	}
	if t == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 24*60*366 {
		return 0, fmt.Errorf("%.*q is not a break (want minutes or H:i)", quoteMax, t)
	}
	return time.Duration(n) * time.Minute, nil
}

// wireDecimal writes a decimal with at least two and at most four decimals
// and the given separator: "4,55", "0,1234", "50.00".
func wireDecimal(d decimal.Decimal, sep string) string {
	s := d.Fixed(decimal.Places)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return whole + sep + frac
}
