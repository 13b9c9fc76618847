package eboekhouden

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// This file owns the check that a list answer holds only the elements the
// WSDL defines where they stand. The decoder matches elements by name and
// skips what it does not know, as XmlSerializer clients do; for a list that
// fails open: an answer whose items were renamed (<cFactuur> for
// <cFactuurList>, <Invoices> for <Facturen>) would read as an empty list,
// and "no invoice found" after an unknown AddFactuur outcome means "send
// again". So every element of a list answer, from {Op}Response down to the
// fields of each record, must be one the WSDL's schema declares inside its
// parent's type. The allowed names are read from the embedded WSDL, not
// written out here. Elements of a simple type (and of xs:anyType, such as
// cFactuurList/Relatiecode) are text to this client: what is inside them is
// not checked. Names are matched by local name, like the decoder; attributes
// (xsi:nil, xsi:type), comments and white space are not elements and pass.
//
// An absent list element (<GetFacturenResult><ErrorMsg /></GetFacturenResult>
// without <Facturen>) is an empty list, not an error: the WSDL declares every
// list element minOccurs=0, and the reference notes (§3) say clients treat an
// absent container as empty [inferred: which form the service sends for no
// results is not documented].

// checkedOps are the operations whose answers are lists: their answers are
// checked against the WSDL before they are read. Answers of the writes and
// of OpenSession are read leniently: an extra element there does not hide
// anything the client relies on.
var checkedOps = map[string]bool{opGetRelaties: true, opGetArtikelen: true, opGetFacturen: true, opGetOpenPosten: true,
	opGetGrootboekrekeningen: true, opGetAdministraties: true}

// errUnrecognised is a well-formed answer with an element where the WSDL
// defines no such element.
var errUnrecognised = fmt.Errorf("%w: an element the WSDL does not define", errMalformed)

// xsdType is a complex type of the WSDL's schema: the elements its sequence
// declares, each with its own type (nil for a simple type or xs:anyType).
type xsdType struct {
	name     string
	children map[string]*xsdType
	// order and types are the same declarations in sequence order: answers
	// come in that order, and following it is cheaper than hashing every
	// name.
	order []string
	types []*xsdType
}

// add declares a child element.
func (t *xsdType) add(name string, typ *xsdType) {
	if _, dup := t.children[name]; !dup {
		t.order = append(t.order, name)
		t.types = append(t.types, typ)
	}
	t.children[name] = typ
}

// wsdlElements maps the WSDL's top-level elements ("GetFacturenResponse")
// to their types; it is read once from the embedded WSDL.
var wsdlElements = sync.OnceValues(func() (map[string]*xsdType, error) { return schemaTypes(wsdl) })

// schemaTypes reads the complex types and top-level elements of a WSDL's
// schema. A type attribute names a complex type of the schema by its local
// name; any other name (s:string, tns:enOpenpostenSoort) is a simple type.
func schemaTypes(raw []byte) (map[string]*xsdType, error) {
	d, err := parseXML(raw)
	if err != nil {
		return nil, err
	}
	var schemas []int32
	d.children(0, func(c int32) {
		if d.nodes[c].local == "types" {
			d.children(c, func(s int32) {
				if d.nodes[s].local == "schema" {
					schemas = append(schemas, s)
				}
			})
		}
	})
	if len(schemas) == 0 {
		return nil, errors.New("the WSDL has no schema")
	}
	named := map[string]*xsdType{}
	elements := map[string]*xsdType{}
	type ref struct {
		t          *xsdType
		name, typ  string
		inline     int32 // an anonymous complexType, or -1
		isTopLevel bool
	}
	var refs []ref
	// sequence collects the element declarations of a complexType.
	sequence := func(t *xsdType, ct int32) {
		d.children(ct, func(s int32) {
			if d.nodes[s].local != "sequence" {
				return
			}
			d.children(s, func(e int32) {
				if d.nodes[e].local == "element" {
					refs = append(refs, ref{t: t, name: lastAttr(d, e, "name"), typ: lastAttr(d, e, "type"), inline: firstChild(d, e, "complexType")})
				}
			})
		})
	}
	for _, schema := range schemas {
		d.children(schema, func(c int32) {
			switch d.nodes[c].local {
			case "complexType":
				t := &xsdType{name: lastAttr(d, c, "name"), children: map[string]*xsdType{}}
				named[t.name] = t
				sequence(t, c)
			case "element":
				refs = append(refs, ref{name: lastAttr(d, c, "name"), typ: lastAttr(d, c, "type"), inline: firstChild(d, c, "complexType"), isTopLevel: true})
			}
		})
	}
	// Resolve the references; anonymous types add their own element
	// declarations to refs as they are met.
	for i := 0; i < len(refs); i++ {
		r := refs[i]
		var typ *xsdType
		switch {
		case r.inline >= 0:
			typ = &xsdType{name: r.name, children: map[string]*xsdType{}}
			sequence(typ, r.inline)
		case r.typ != "":
			_, local, _ := strings.Cut(r.typ, ":")
			if local == "" {
				local = r.typ
			}
			typ = named[local] // nil: a simple type
		}
		if r.isTopLevel {
			elements[r.name] = typ
		} else {
			r.t.add(r.name, typ)
		}
	}
	return elements, nil
}

// firstChild returns the first child of n with this local name, or -1.
func firstChild(d *xdoc, n int32, local string) int32 {
	for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
		if d.nodes[c].local == local {
			return c
		}
	}
	return -1
}

// checkShape checks the {op}Response element el and everything inside it
// against the WSDL.
func checkShape(d *xdoc, el int32, op string) error {
	elements, err := wsdlElements()
	if err != nil {
		return fmt.Errorf("%w: the embedded WSDL cannot be read: %v", errMalformed, err)
	}
	t := elements[op+"Response"]
	if t == nil {
		return fmt.Errorf("%w: the embedded WSDL has no %sResponse", errMalformed, op)
	}
	return checkElement(d, el, t, []string{op + "Response"})
}

// checkElement checks the children of n, of type t, recursively. path names
// n for the error.
func checkElement(d *xdoc, n int32, t *xsdType, path []string) error {
	next := 0 // where the sequence is expected to go on
	for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
		name := d.nodes[c].local
		k := next
		for k < len(t.order) && t.order[k] != name {
			k++
		}
		var ct *xsdType
		if k < len(t.order) {
			ct, next = t.types[k], k
		} else {
			var ok bool
			if ct, ok = t.children[name]; !ok {
				return fmt.Errorf("%w: <%s> in %s%s", errUnrecognised, clip(name), strings.Join(path, "/"), allowedHint(t))
			}
		}
		if ct != nil {
			if err := checkElement(d, c, ct, append(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// allowedHint names what the type allows, for the error: the one item of a
// list, or the type's name.
func allowedHint(t *xsdType) string {
	switch len(t.children) {
	case 0:
		return ", which has no elements"
	case 1:
		for name := range t.children {
			return ", which holds only <" + name + ">"
		}
	}
	names := make([]string, 0, len(t.children))
	for name := range t.children {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > 4 {
		return fmt.Sprintf(" (%s defines %d elements: %s, ...)", t.name, len(names), strings.Join(names[:4], ", "))
	}
	return fmt.Sprintf(" (%s defines %s)", t.name, strings.Join(names, ", "))
}
