package ebrest

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file owns list queries: limit/offset paging, the filter syntax
// (?p=v, ?p[op]=v) and the {items, count} envelope.

// Paging limits (reference §4.1).
const (
	DefaultLimit = 100
	MaxLimit     = 2000
)

// filterKind is the $filter-* type of a query parameter.
type filterKind int

const (
	kindString filterKind = iota // eq, not_eq, like, not_like
	kindInt                      // eq, not_eq, gt, gte, lt, lte, range
	kindDate                     // as kindInt, on YYYY-MM-DD values
	kindBool                     // eq, not_eq on true/false [inferred]
)

var operators = map[filterKind][]string{
	kindString: {"eq", "not_eq", "like", "not_like"},
	kindInt:    {"eq", "not_eq", "gt", "gte", "lt", "lte", "range"},
	kindDate:   {"eq", "not_eq", "gt", "gte", "lt", "lte", "range"},
	kindBool:   {"eq", "not_eq"},
}

// filter is one parsed filter.
type filter struct {
	param, op string
	kind      filterKind
	values    []string       // one value; two for range
	like      *regexp.Regexp // for like and not_like
}

// listQuery is a parsed list request.
type listQuery struct {
	limit, offset int
	filters       []filter
}

// parseList reads paging and the filters of the parameters in params
// (name -> kind). Names match case-insensitively and percent-encoded
// brackets are decoded first; unknown parameters are ignored. [inferred:
// ASP.NET] Refusals: PAGE_001 (limit not 1..2000), PAGE_002 (offset not
// >= 0), ERR_002 for an operator the parameter's kind lacks, a value that
// does not parse, or a second filter on one parameter ("only one filter can
// be applied to a parameter"). [inferred: the reference's fake rule]
func parseList(rawQuery string, params map[string]filterKind) (listQuery, *response) {
	q := listQuery{limit: DefaultLimit}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, invalidValue("", "The query string is not valid.")
	}
	seen := map[string]bool{}
	for key, vals := range values {
		name, op, bracketed := splitFilterKey(key)
		switch {
		case strings.EqualFold(key, "limit"):
			if q.limit, err = onlyInt(vals); err != nil || q.limit < 1 || q.limit > MaxLimit {
				return q, validation("PAGE_001", "limit")
			}
		case strings.EqualFold(key, "offset"):
			if q.offset, err = onlyInt(vals); err != nil || q.offset < 0 {
				return q, validation("PAGE_002", "offset")
			}
		default:
			param, kind, known := lookupParam(name, params)
			if !known {
				continue
			}
			if seen[param] || len(vals) != 1 || (bracketed && op == "") {
				return q, invalidValue(param, "Only one filter can be applied to "+param+".")
			}
			seen[param] = true
			f, resp := parseFilter(param, op, kind, vals[0])
			if resp != nil {
				return q, resp
			}
			q.filters = append(q.filters, f)
		}
	}
	return q, nil
}

// splitFilterKey splits "name[op]" into name and op; bracketed reports a
// bracket, also a malformed one ("name[op", "name[]").
func splitFilterKey(key string) (name, op string, bracketed bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return key, "", false
	}
	rest := key[i+1:]
	if !strings.HasSuffix(rest, "]") {
		return key[:i], "", true
	}
	return key[:i], strings.TrimSuffix(rest, "]"), true
}

func lookupParam(name string, params map[string]filterKind) (string, filterKind, bool) {
	for p, k := range params {
		if strings.EqualFold(p, name) {
			return p, k, true
		}
	}
	return "", 0, false
}

func onlyInt(vals []string) (int, error) {
	if len(vals) != 1 {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(vals[0])
}

// parseFilter checks the operator and the value of one filter.
func parseFilter(param, op string, kind filterKind, value string) (filter, *response) {
	if op == "" {
		op = "eq"
	}
	f := filter{param: param, op: op, kind: kind, values: []string{value}}
	known := false
	for _, o := range operators[kind] {
		known = known || o == op
	}
	if !known {
		return f, invalidValue(param, "Unknown filter operator "+op+" for "+param+".")
	}
	if op == "range" {
		a, b, ok := strings.Cut(value, ",")
		if !ok {
			return f, invalidValue(param, "A range needs two values separated by a comma.")
		}
		f.values = []string{a, b}
	}
	for _, v := range f.values {
		if !validValue(kind, v) {
			return f, invalidValue(param, "The value of "+param+" is not valid.")
		}
	}
	if op == "like" || op == "not_like" {
		f.like = likePattern(value)
	}
	return f, nil
}

func validValue(kind filterKind, v string) bool {
	switch kind {
	case kindInt:
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case kindDate:
		_, err := time.Parse(time.DateOnly, v)
		return err == nil
	case kindBool:
		_, err := strconv.ParseBool(strings.ToLower(v))
		return err == nil && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false"))
	}
	return true
}

// likePattern turns a like value into a regexp: % is any run, ? one
// character, matched case-insensitively. [inferred: SQL Server's default
// collation]
func likePattern(v string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range v {
		switch r {
		case '%':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// matches reports whether the field value v passes f. Strings compare
// case-insensitively. [inferred]
func (f filter) matches(v string) bool {
	switch f.op {
	case "like":
		return f.like.MatchString(v)
	case "not_like":
		return !f.like.MatchString(v)
	case "range":
		return f.compare(v, f.values[0]) >= 0 && f.compare(v, f.values[1]) <= 0
	}
	c := f.compare(v, f.values[0])
	switch f.op {
	case "eq":
		return c == 0
	case "not_eq":
		return c != 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0 // lte
}

// compare orders a field value against a filter value of f's kind.
func (f filter) compare(v, want string) int {
	switch f.kind {
	case kindInt:
		a, _ := strconv.ParseInt(v, 10, 64)
		b, _ := strconv.ParseInt(want, 10, 64)
		return cmpInt(a, b)
	case kindDate:
		return strings.Compare(v, want) // YYYY-MM-DD orders as text
	}
	return strings.Compare(strings.ToLower(v), strings.ToLower(want))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// page applies q's filters (field gives a record's value of a parameter)
// and paging to n records, and returns the indexes of the page and the total
// number of matches. Records are in ascending id order. [inferred: the
// reference's fake rule; count is the total, so a client that takes it for
// the page size fails]
func page(n int, q listQuery, field func(i int, param string) string) (idx []int, total int) {
	for i := 0; i < n; i++ {
		ok := true
		for _, f := range q.filters {
			ok = ok && f.matches(field(i, f.param))
		}
		if !ok {
			continue
		}
		if total >= q.offset && len(idx) < q.limit {
			idx = append(idx, i)
		}
		total++
	}
	return idx, total
}

// listEnvelope is {items, count}.
type listEnvelope[T any] struct {
	Items []T `json:"items"`
	Count int `json:"count"`
}

// parseID reads a path id; anything but a positive int32 is not found.
// [inferred]
func parseID(s string) (int32, bool) {
	v, err := strconv.ParseInt(s, 10, 32)
	return int32(v), err == nil && v > 0
}
