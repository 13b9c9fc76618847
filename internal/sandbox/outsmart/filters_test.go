package outsmart

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const filterMaterials = `[
 {"code":"A","description":"Koperen bocht","price":"1","unit":"st"},
 {"code":"B","description":"PVC buis","price":"2,50","unit":"m"},
 {"code":"C","description":"koperen knie","price":"10","unit":"st"},
 {"code":"D","description":"100% wol","price":"0.99","unit":"kg"}]`

// single, array and indexed build the three documented forms of a filter list.
type cond struct{ key, op, value string }

func single(c cond) url.Values {
	v := url.Values{"key": {c.key}, "value": {c.value}}
	if c.op != "" {
		v.Set("operator", c.op)
	}
	return v
}

func array(cs ...cond) url.Values {
	v := url.Values{}
	for _, c := range cs {
		v.Add("key[]", c.key)
		v.Add("value[]", c.value)
		v.Add("operator[]", c.op)
	}
	return v
}

func indexed(cs ...cond) url.Values {
	v := url.Values{}
	for i, c := range cs {
		n := "[" + string(rune('0'+i)) + "]"
		v.Set("key"+n, c.key)
		v.Set("value"+n, c.value)
		v.Set("operator"+n, c.op)
	}
	return v
}

func TestFilterOperators(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "materials", nil, filterMaterials).want(t, 200)
	tests := []struct {
		name string
		c    cond
		want []string
	}{
		{"eq text", cond{"code", "eq", "B"}, []string{"B"}},
		{"eq text is case-insensitive", cond{"code", "eq", "b"}, []string{"B"}},
		{"no operator is eq", cond{"code", "", "C"}, []string{"C"}},
		{"ne text", cond{"unit", "ne", "st"}, []string{"B", "D"}},
		{"gt text", cond{"code", "gt", "B"}, []string{"C", "D"}},
		{"ge text", cond{"code", "ge", "c"}, []string{"C", "D"}},
		{"lt text", cond{"code", "lt", "B"}, []string{"A"}},
		{"le text", cond{"code", "le", "B"}, []string{"A", "B"}},
		{"eq decimal, dot or comma", cond{"price", "eq", "2.5"}, []string{"B"}},
		{"ne decimal", cond{"price", "ne", "2,50"}, []string{"A", "C", "D"}},
		{"gt decimal compares as a number", cond{"price", "gt", "2"}, []string{"B", "C"}},
		{"ge decimal", cond{"price", "ge", "2,5"}, []string{"B", "C"}},
		{"lt decimal", cond{"price", "lt", "1"}, []string{"D"}},
		{"le decimal", cond{"price", "le", "1"}, []string{"A", "D"}},
		{"li prefix, case-insensitive", cond{"description", "li", "koper%"}, []string{"A", "C"}},
		{"li suffix", cond{"description", "li", "%buis"}, []string{"B"}},
		{"li one character", cond{"description", "li", "_VC%"}, []string{"B"}},
		{"li without wildcard is whole-value", cond{"description", "li", "koper"}, nil},
		{"li escaped percent", cond{"description", "li", `100\%%`}, []string{"D"}},
		{"li everything", cond{"code", "li", "%"}, []string{"A", "B", "C", "D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/single", func(t *testing.T) {
			got := sb.call(t, "GET", "materials", single(tt.c), "")
			got.want(t, 200)
			if codes := got.field(t, "code"); !reflect.DeepEqual(codes, tt.want) {
				t.Errorf("codes %q, want %q", codes, tt.want)
			}
		})
		if tt.c.op == "" {
			continue
		}
		for form, params := range map[string]url.Values{"array": array(tt.c), "indexed": indexed(tt.c)} {
			t.Run(tt.name+"/"+form, func(t *testing.T) {
				got := sb.call(t, "GET", "materials", params, "")
				got.want(t, 200)
				if codes := got.field(t, "code"); !reflect.DeepEqual(codes, tt.want) {
					t.Errorf("codes %q, want %q", codes, tt.want)
				}
			})
		}
	}
}

func TestSeveralFilters(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "materials", nil, filterMaterials).want(t, 200)
	cs := []cond{{"description", "li", "koper%"}, {"price", "gt", "5"}}
	for form, params := range map[string]url.Values{"array": array(cs...), "indexed": indexed(cs...)} {
		t.Run(form, func(t *testing.T) {
			got := sb.call(t, "GET", "materials", params, "")
			if codes := got.field(t, "code"); !reflect.DeepEqual(codes, []string{"C"}) {
				t.Errorf("codes %q, want [C] (filters combine with AND)", codes)
			}
		})
	}
}

func TestFiltersOnOtherLists(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "relations", nil, `[
	 {"name":"Naam B.V.","debtor_number":"14233Aaa","street":"S","postal_code":"1234AB","city":"Utrecht","active":"1","latitude":"52.1"},
	 {"name":"Naam2 BV","debtor_number":"152346","street":"S","postal_code":"1234AX","city":"Amsterdam","active":"0"}]`).want(t, 200)
	sb.call(t, "POST", "hourtypes", nil, bpHourtypesPost).want(t, 200)
	tests := []struct {
		name, endpoint string
		params         url.Values
		field          string
		want           []string
	}{
		{"relations by debtor_number", "relations", single(cond{"debtor_number", "eq", "14233Aaa"}), "name", []string{"Naam B.V."}},
		{"relations by active", "relations", single(cond{"active", "eq", "1"}), "debtor_number", []string{"14233Aaa"}},
		{"relations by zip (alias of postal_code)", "relations", single(cond{"zip", "eq", "1234AX"}), "debtor_number", []string{"152346"}},
		{"unset coordinate is NULL: matches no ne", "relations", single(cond{"latitude", "ne", "0"}), "debtor_number", []string{"14233Aaa"}},
		{"hourtypes by sale_price", "hourtypes", single(cond{"sale_price", "ge", "50"}), "code", []string{"001"}},
		{"work orders by CustomerDebtorNr", "GetWorkorders", withParams(single(cond{"CustomerDebtorNr", "eq", "B1"}), "status", "Alle", "update_status", "false"), "id", []string{"2001", "2003"}},
		{"work orders by id as a number", "GetWorkorders", withParams(array(cond{"id", "ge", "2004"}), "status", "Alle", "update_status", "false"), "id", []string{"2004", "2005", "2006"}},
		{"work order filter and status", "GetWorkorders", withParams(single(cond{"CustomerDebtorNr", "eq", "B3"}), "status", "Opgehaald", "update_status", "false"), "id", []string{"2005"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sb.call(t, "GET", tt.endpoint, tt.params, "")
			got.want(t, 200)
			if vals := got.field(t, tt.field); !reflect.DeepEqual(vals, tt.want) {
				t.Errorf("%s %q, want %q", tt.field, vals, tt.want)
			}
		})
	}
}

func withParams(v url.Values, kv ...string) url.Values {
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestFilterErrors(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "materials", nil, filterMaterials).want(t, 200)
	tests := []struct {
		name     string
		endpoint string
		params   url.Values
		message  string
	}{
		{"key that is no field", "materials", single(cond{"prijs", "eq", "1"}), "Key prijs not allowed"},
		{"work order key that is no text field", "GetWorkorders", withParams(single(cond{"Workperiods", "eq", "1"}), "status", "Alle", "update_status", "false"), "Key Workperiods not allowed"},
		{"relations key", "relations", single(cond{"adres", "eq", "1"}), "Key adres not allowed"},
		{"unknown operator", "materials", single(cond{"code", "like", "A"}), "Operator like not allowed (use one of li, eq, ne, gt, ge, lt, le)"},
		{"operators are lower case", "materials", single(cond{"code", "EQ", "A"}), "Operator EQ not allowed (use one of li, eq, ne, gt, ge, lt, le)"},
		{"key without value", "materials", url.Values{"key": {"code"}}, "Filter key code has no value"},
		{"value without key", "materials", url.Values{"value[]": {"A"}}, "Filter value 0 has no key"},
		{"operator without key", "materials", url.Values{"key[]": {"code"}, "value[]": {"A"}, "operator[]": {"eq", "eq"}}, "Filter operator 1 has no key"},
		{"repeated single form", "materials", url.Values{"key": {"code", "unit"}, "value": {"A", "st"}}, "Filter parameter key given 2 times; use key[]=... for several filters"},
		{"mixed forms", "materials", url.Values{"key": {"code"}, "key[]": {"unit"}, "value": {"A"}}, "Filter parameter key is given in more than one form (key=, key[]= or key[0]=); use one"},
		{"bad index", "materials", url.Values{"key[x]": {"code"}, "value[x]": {"A"}}, "Filter parameter key[x]: index is not a number"},
		{"number filter on a decimal field", "materials", single(cond{"price", "gt", "veel"}), "Value veel for key price is not a number"},
		{"work order id filter not a number", "GetWorkorders", withParams(single(cond{"id", "gt", "x"}), "status", "Alle", "update_status", "false"), "Value x for key id is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.call(t, "GET", tt.endpoint, tt.params, "").want(t, codeGeneral, tt.message)
		})
	}
	// A refused GetWorkorders marks nothing.
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %q", v)
	}
}

func TestLikePattern(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"a%", "ABC", true},
		{"a_c", "abc", true},
		{"a_c", "abbc", false},
		{"%.%", "x.y", true},
		{"%.%", "xy", false},
		{`50\%`, "50%", true},
		{`50\%`, "500", false},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{`x\`, `x\`, true},
		{"(a)", "(a)", true},
		{"%", "", true},
		{"a%", "a\nb", true},
	}
	for _, tt := range tests {
		if got := likePattern(tt.pattern).MatchString(tt.value); got != tt.want {
			t.Errorf("%q LIKE %q = %v, want %v", tt.value, tt.pattern, got, tt.want)
		}
	}
}

func TestCompareLowerMatchesToLower(t *testing.T) {
	values := []string{"", "a", "A", "BR25000", "br25000", "br2500", "BR250000", "Zeist", "zeist", "[", "_", "`", "@",
		"ÉCOLE", "école", "ſ", "s", "İ", "i̇", "\xff", "Ab\x00", "ab"}
	for _, s := range values {
		for _, other := range values {
			lower := strings.ToLower(other)
			if got, want := compareLower(s, lower), strings.Compare(strings.ToLower(s), lower); got != want {
				t.Errorf("compareLower(%q, %q) = %d, want %d", s, lower, got, want)
			}
		}
	}
}
