package outsmart

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file implements OutSmart's "Advanced filters" (Blueprint, 24-10-2018):
//
//	one filter:      &key=k&value=v&operator=gt
//	several filters: &key[]=k1&value[]=v1&operator[]=eq&key[]=k2&value[]=v2&operator[]=gt
//	indexed form:    &key[0]=k1&value[0]=v1&operator[0]=eq   [CODE S5, S7]
//
// The server compares in SQL, so the sandbox imitates MySQL with its default
// case-insensitive collation: text compares case-insensitively, decimal
// fields compare as numbers, NULL matches nothing [inferred].

// filter is one parsed condition.
type filter struct {
	key, value, op string
	lowerValue     string         // value in lower case, for text comparisons
	like           *regexp.Regexp // for op "li"
}

// operators are the documented filter operators.
var operators = []string{"li", "eq", "ne", "gt", "ge", "lt", "le"}

// parseFilters reads the filters of a GET list call. A malformed filter is a
// 1007 with a message saying what is wrong [inferred].
func parseFilters(q url.Values) ([]filter, reply, bool) {
	fs, err := readFilters(q)
	if err != nil {
		return nil, fail(codeGeneral, sentence(err)), false
	}
	return fs, reply{}, true
}

func readFilters(q url.Values) ([]filter, error) {
	keys, err := filterParam(q, "key")
	if err != nil {
		return nil, err
	}
	values, err := filterParam(q, "value")
	if err != nil {
		return nil, err
	}
	ops, err := filterParam(q, "operator")
	if err != nil {
		return nil, err
	}
	for idx := range values {
		if _, ok := keys[idx]; !ok {
			return nil, fmt.Errorf("filter value %s has no key", describeIndex(idx))
		}
	}
	for idx := range ops {
		if _, ok := keys[idx]; !ok {
			return nil, fmt.Errorf("filter operator %s has no key", describeIndex(idx))
		}
	}
	idxs := make([]int, 0, len(keys))
	for idx := range keys {
		idxs = append(idxs, idx)
	}
	slices.Sort(idxs)
	out := make([]filter, 0, len(idxs))
	for _, idx := range idxs {
		f := filter{key: keys[idx], op: "eq"} // no operator: equality, as the filters without operator of category/object [inferred]
		v, ok := values[idx]
		if !ok {
			return nil, fmt.Errorf("filter key %s has no value", f.key)
		}
		f.value, f.lowerValue = v, strings.ToLower(v)
		if op, ok := ops[idx]; ok {
			f.op = op
		}
		if !slices.Contains(operators, f.op) {
			return nil, fmt.Errorf("operator %s not allowed (use one of %s)", f.op, strings.Join(operators, ", "))
		}
		if f.op == "li" {
			f.like = likePattern(f.value)
		}
		out = append(out, f)
	}
	return out, nil
}

// scalarIndex is the index the single form (key=...) gets.
const scalarIndex = -1

func describeIndex(idx int) string {
	if idx == scalarIndex {
		return "(single form)"
	}
	return strconv.Itoa(idx)
}

// filterParam collects one filter parameter in any of its forms, by index.
// Mixing forms for one parameter, or repeating the single form, is refused:
// PHP would silently keep only one of the values, so the client would get
// fewer filters than it sent [inferred/sandbox strictness].
func filterParam(q url.Values, name string) (map[int]string, error) {
	out := map[int]string{}
	scalar, hasScalar := q[name]
	appended, hasAppended := q[name+"[]"]
	indexed := false
	for k, vs := range q {
		inner, ok := strings.CutPrefix(k, name+"[")
		if !ok || !strings.HasSuffix(inner, "]") || inner == "]" {
			continue
		}
		idx, err := strconv.Atoi(strings.TrimSuffix(inner, "]"))
		if err != nil || idx < 0 {
			return nil, fmt.Errorf("filter parameter %s: index is not a number", k)
		}
		if len(vs) > 1 {
			return nil, fmt.Errorf("filter parameter %s given %d times", k, len(vs))
		}
		out[idx] = vs[0]
		indexed = true
	}
	forms := 0
	for _, has := range []bool{hasScalar, hasAppended, indexed} {
		if has {
			forms++
		}
	}
	if forms > 1 {
		return nil, fmt.Errorf("filter parameter %s is given in more than one form (%s=, %s[]= or %s[0]=); use one", name, name, name, name)
	}
	switch {
	case hasScalar:
		if len(scalar) > 1 {
			return nil, fmt.Errorf("filter parameter %s given %d times; use %s[]=... for several filters", name, len(scalar), name)
		}
		out[scalarIndex] = scalar[0]
	case hasAppended:
		for i, v := range appended {
			out[i] = v
		}
	}
	return out, nil
}

// likePattern turns an SQL LIKE pattern into an anchored, case-insensitive
// regular expression: % is any run of characters, _ one character, a
// backslash escapes the next character.
func likePattern(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	escaped := false
	for _, r := range p {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		b.WriteString(`\\`)
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// match applies the filter to a field value (nil is SQL NULL). numeric fields
// compare as decimals; a filter value that is not a number is an error there.
func (f filter) match(v *string, numeric bool) (bool, error) {
	if v == nil {
		return false, nil
	}
	if f.op == "li" {
		return f.like.MatchString(*v), nil
	}
	var order int
	if numeric {
		want, err := parseDecimal(f.value)
		if err != nil {
			return false, fmt.Errorf("value %s for key %s is not a number", f.value, f.key)
		}
		have, err := parseDecimal(*v)
		if err != nil {
			return false, nil // a stored value that is not a number matches nothing
		}
		order = have.Cmp(want)
	} else {
		order = compareLower(*v, f.lowerValue)
	}
	switch f.op {
	case "eq":
		return order == 0, nil
	case "ne":
		return order != 0, nil
	case "gt":
		return order > 0, nil
	case "ge":
		return order >= 0, nil
	case "lt":
		return order < 0, nil
	default: // "le"; readFilters admits nothing else
		return order <= 0, nil
	}
}

// compareLower is strings.Compare(strings.ToLower(s), lower), without
// allocating for an ASCII s: a filter compares it with every record.
func compareLower(s, lower string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Compare(strings.ToLower(s), lower)
		}
	}
	for i := 0; i < len(s) && i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			if c < lower[i] {
				return -1
			}
			return 1
		}
	}
	return cmp.Compare(len(s), len(lower))
}
