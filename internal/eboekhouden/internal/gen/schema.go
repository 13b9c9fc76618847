package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// This file owns the reading of the WSDL's schema: its complex types and
// top-level elements, each element with its XSD type. Names are matched by
// local name; a type attribute names a complex type of the schema or a
// simple XSD type (s:string, s:long, ...); no type at all is xs:anyType.

type xsElement struct {
	Name      string     `xml:"name,attr"`
	Type      string     `xml:"type,attr"`
	MaxOccurs string     `xml:"maxOccurs,attr"`
	Nillable  bool       `xml:"nillable,attr"`
	Complex   *xsComplex `xml:"complexType"`
}

type xsComplex struct {
	Name     string      `xml:"name,attr"`
	Sequence []xsElement `xml:"sequence>element"`
}

type xsSchema struct {
	Elements []xsElement `xml:"element"`
	Complex  []xsComplex `xml:"complexType"`
}

type wsdlDoc struct {
	Schemas []xsSchema `xml:"types>schema"`
}

// schema is what the generator needs of the WSDL.
type schema struct {
	complex  map[string]*xsComplex // named complex types
	elements map[string]*xsElement // top-level elements
}

func readSchema(raw []byte) (*schema, error) {
	var doc wsdlDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("read the WSDL: %w", err)
	}
	if len(doc.Schemas) == 0 {
		return nil, errors.New("the WSDL has no schema")
	}
	s := &schema{complex: map[string]*xsComplex{}, elements: map[string]*xsElement{}}
	for i := range doc.Schemas {
		for j := range doc.Schemas[i].Complex {
			ct := &doc.Schemas[i].Complex[j]
			s.complex[ct.Name] = ct
		}
		for j := range doc.Schemas[i].Elements {
			el := &doc.Schemas[i].Elements[j]
			s.elements[el.Name] = el
		}
	}
	return s, nil
}

// localType is the type's name without its prefix; "anyType" when the
// element has none.
func localType(typ string) string {
	if typ == "" {
		return "anyType"
	}
	if _, local, ok := strings.Cut(typ, ":"); ok {
		return local
	}
	return typ
}

// complexOf returns the named complex type of an element, or nil for a
// simple type.
func (s *schema) complexOf(el *xsElement) *xsComplex {
	return s.complex[localType(el.Type)]
}

// listItem returns the item element of an array type (ArrayOfCRelatie: one
// unbounded element), or nil when ct is not one.
func listItem(ct *xsComplex) *xsElement {
	if ct == nil || len(ct.Sequence) != 1 || ct.Sequence[0].MaxOccurs != "unbounded" {
		return nil
	}
	return &ct.Sequence[0]
}
