package outsmart

import (
	"fmt"
	"net/url"
)

// Operator is an advanced-filter operator [DOC S1 "Advanced filters"].
type Operator string

// The documented operators.
const (
	Like         Operator = "li" // SQL LIKE; % is the wildcard
	Equal        Operator = "eq"
	NotEqual     Operator = "ne"
	Greater      Operator = "gt"
	GreaterEqual Operator = "ge"
	Less         Operator = "lt"
	LessEqual    Operator = "le"
)

func (o Operator) valid() bool {
	switch o {
	case Like, Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual:
		return true
	}
	return false
}

// Filter is one advanced filter: Key is the wire field name (debtor_number,
// active, CustomerDebtorNr, ...), Operator one of the documented operators
// (empty means Equal), Value the value to compare with. Which keys an
// endpoint accepts is OutSmart's business: a key it does not allow is
// answered with "Key X not allowed".
type Filter struct {
	Key      string
	Operator Operator
	Value    string
}

// Eq is the filter Key = Value.
func Eq(key, value string) Filter { return Filter{Key: key, Operator: Equal, Value: value} }

// addFilters puts filters in the query in the documented forms: one filter
// as key=k&value=v&operator=o, several as key[]=...&value[]=...&operator[]=...
// (the three lists stay aligned: url.Values keeps the order of each list).
func addFilters(q url.Values, filters []Filter) error {
	filters = append([]Filter(nil), filters...) // the caller's slice stays as it was
	for i, f := range filters {
		if f.Key == "" {
			return fmt.Errorf("filter %d has no key", i+1)
		}
		if f.Operator == "" {
			f.Operator = Equal
		}
		if !f.Operator.valid() {
			return fmt.Errorf("filter %d (%s): operator %q is not one of li, eq, ne, gt, ge, lt, le", i+1, f.Key, f.Operator)
		}
		filters[i] = f
	}
	suffix := ""
	if len(filters) > 1 {
		suffix = "[]"
	}
	for _, f := range filters {
		q.Add("key"+suffix, f.Key)
		q.Add("value"+suffix, f.Value)
		q.Add("operator"+suffix, string(f.Operator))
	}
	return nil
}
