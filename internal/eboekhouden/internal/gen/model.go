package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file owns the model the code is written from: the records and
// answers of the mapping, each checked against the WSDL and completed with
// what the WSDL says (element order, XSD types, lists, nillable items).

// record is a mapped complex type with its elements in WSDL order.
type record struct {
	recordMap
	fields   []wireField
	nillable bool // an xsi:nil item of some list: it has a Nil field
}

// wireField is one element of a record or a result.
type wireField struct {
	fieldMap
	goName string
	xsd    string  // the local name of its XSD type
	list   *record // the item of a list element, else nil
	item   string  // the item element's name
}

func (f *wireField) hasList() bool { return f.list != nil }

// answer is the response of a mapped operation.
type answer struct {
	operationMap
	resultElement string
	errorResult   bool        // the result is a cError itself
	resultType    string      // the XSD type of the result
	fields        []wireField // the result's elements, ErrorMsg first
}

func (a *answer) empty() bool { return a.resultElement == "" }

// model is everything the generated files are written from.
type model struct {
	records []*record
	answers []*answer
}

// buildModel checks the mapping against the schema and completes it.
func buildModel(s *schema, recs []recordMap, ops []operationMap) (*model, error) {
	m := &model{}
	byXSD := map[string]*record{}
	for _, rm := range recs {
		if _, dup := byXSD[rm.XSD]; dup {
			return nil, fmt.Errorf("%s is mapped twice", rm.XSD)
		}
		if (rm.Domain == "") != (rm.Method == "") || (rm.Label == "") != (rm.Key == "") {
			return nil, fmt.Errorf("%s: Domain and Method, Label and Key go together", rm.XSD)
		}
		r := &record{recordMap: rm}
		byXSD[rm.XSD] = r
		m.records = append(m.records, r)
	}
	for _, r := range m.records {
		if err := r.complete(s, byXSD); err != nil {
			return nil, fmt.Errorf("%s: %w", r.XSD, err)
		}
	}
	for _, om := range ops {
		a, err := buildAnswer(s, byXSD, om)
		if err != nil {
			return nil, fmt.Errorf("%sResponse: %w", om.Op, err)
		}
		m.answers = append(m.answers, a)
	}
	return m, nil
}

// complete fills r.fields from the schema, every element with its line of
// the mapping.
func (r *record) complete(s *schema, byXSD map[string]*record) error {
	ct := s.complex[r.XSD]
	if ct == nil {
		return fmt.Errorf("the WSDL has no complex type %s", r.XSD)
	}
	used := map[string]bool{}
	for i := range ct.Sequence {
		el := &ct.Sequence[i]
		k := slices.IndexFunc(r.Fields, func(f fieldMap) bool { return f.Element == el.Name })
		if k < 0 {
			return fmt.Errorf("element %s (%s) has no line in the mapping", el.Name, localType(el.Type))
		}
		if used[el.Name] {
			return fmt.Errorf("element %s is declared twice", el.Name)
		}
		used[el.Name] = true
		f := wireField{fieldMap: r.Fields[k], goName: goName(el.Name, r.Fields[k].Go), xsd: localType(el.Type)}
		if (r.Domain == "") != (f.To == "") {
			return fmt.Errorf("element %s: To is set exactly when the record has a Domain", el.Name)
		}
		if ct2 := s.complexOf(el); ct2 != nil {
			item := listItem(ct2)
			if item == nil {
				return fmt.Errorf("element %s is a record but not a list: not supported", el.Name)
			}
			f.list, f.item = byXSD[localType(item.Type)], item.Name
			if f.list == nil || f.list.Domain == "" {
				return fmt.Errorf("element %s: its items (%s) are not mapped to a domain type", el.Name, localType(item.Type))
			}
			if f.Parse != "" || f.Convert != "" || f.Item == "" {
				return fmt.Errorf("element %s is a list: it takes an Item and no Parse or Convert", el.Name)
			}
			f.list.nillable = f.list.nillable || item.Nillable
		} else if err := checkParse(f); err != nil {
			return fmt.Errorf("element %s: %w", el.Name, err)
		}
		r.fields = append(r.fields, f)
	}
	for _, f := range r.Fields {
		if !used[f.Element] {
			return fmt.Errorf("the mapping has a line for %s, which the WSDL does not declare", f.Element)
		}
	}
	if r.Key != "" && !used[r.Key] {
		return fmt.Errorf("the key %s is not an element", r.Key)
	}
	return nil
}

// checkParse checks how a text element becomes its domain value.
func checkParse(f wireField) error {
	switch {
	case f.Item != "":
		return errors.New("an Item is only for lists")
	case f.Parse != "" && f.Convert != "":
		return errors.New("a field takes Parse or Convert, not both")
	case f.Parse != "":
		types, ok := parses[f.Parse]
		if !ok {
			return fmt.Errorf("no parser %q", f.Parse)
		}
		if !slices.Contains(types, f.xsd) {
			return fmt.Errorf("parser %q does not read an xs:%s", f.Parse, f.xsd)
		}
	case f.Convert == "" && f.To != "" && f.xsd != "string" && f.xsd != "anyType":
		return fmt.Errorf("an xs:%s is copied as text: give it a Parse", f.xsd)
	}
	return nil
}

// buildAnswer reads {Op}Response and its result.
func buildAnswer(s *schema, byXSD map[string]*record, om operationMap) (*answer, error) {
	a := &answer{operationMap: om}
	el := s.elements[om.Op+"Response"]
	if el == nil || el.Complex == nil {
		return nil, fmt.Errorf("not in the WSDL")
	}
	switch seq := el.Complex.Sequence; {
	case len(seq) == 0:
		if len(om.Fields) > 0 {
			return nil, fmt.Errorf("the answer is empty, the mapping names fields")
		}
		return a, nil
	case len(seq) > 1 || seq[0].Name != om.Op+"Result":
		return nil, fmt.Errorf("holds more than {Op}Result")
	default:
		a.resultElement, a.resultType = seq[0].Name, localType(seq[0].Type)
	}
	if a.resultType == "cError" {
		a.errorResult = true
		if len(om.Fields) > 0 {
			return nil, fmt.Errorf("the result is a cError, the mapping names fields")
		}
		return a, nil
	}
	ct := s.complex[a.resultType]
	if ct == nil {
		return nil, fmt.Errorf("the result type %s is not a complex type", a.resultType)
	}
	if err := a.readResultFields(s, byXSD, ct); err != nil {
		return nil, err
	}
	return a, nil
}

// readResultFields reads the elements of the result type ct, ErrorMsg
// first, each named by the mapping; a list element gets its item record.
func (a *answer) readResultFields(s *schema, byXSD map[string]*record, ct *xsComplex) error {
	om := a.operationMap
	used := 0
	for i := range ct.Sequence {
		el := &ct.Sequence[i]
		if el.Name == "ErrorMsg" && localType(el.Type) == "cError" {
			a.fields = append(a.fields, wireField{fieldMap: fieldMap{Element: el.Name}, goName: "ErrorMsg", xsd: "cError"})
			continue
		}
		name, ok := om.Fields[el.Name]
		if !ok {
			return fmt.Errorf("element %s has no name in the mapping", el.Name)
		}
		used++
		f := wireField{fieldMap: fieldMap{Element: el.Name}, goName: name, xsd: localType(el.Type)}
		if ct2 := s.complexOf(el); ct2 != nil {
			item := listItem(ct2)
			if item == nil {
				return fmt.Errorf("element %s is a record but not a list: not supported", el.Name)
			}
			f.list, f.item = byXSD[localType(item.Type)], item.Name
			if f.list == nil || f.list.List == "" {
				return fmt.Errorf("element %s: its items (%s) have no List method in the mapping", el.Name, localType(item.Type))
			}
			f.list.nillable = f.list.nillable || item.Nillable
		}
		a.fields = append(a.fields, f)
	}
	if len(a.fields) == 0 || a.fields[0].goName != "ErrorMsg" {
		return fmt.Errorf("%s does not start with ErrorMsg", a.resultType)
	}
	if used != len(om.Fields) {
		return fmt.Errorf("the mapping names elements %s does not have", a.resultType)
	}
	return nil
}

// goName is the wire struct's name for an element: the override, or the
// element's name without underscores (Gb_ID: GbID).
func goName(element, override string) string {
	if override != "" {
		return override
	}
	return strings.ReplaceAll(element, "_", "")
}

// lowerFirst makes an operation's name the start of an unexported type's.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
