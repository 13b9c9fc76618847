package eboekhouden

import (
	_ "embed"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// wsdlBytes is the real e-Boekhouden WSDL, byte-identical to
// shared/reference/eboekhouden.wsdl. The sandbox derives its request
// validation from the schema inside it and serves it at /soap.asmx?wsdl.
//
//go:embed eboekhouden.wsdl
var wsdlBytes []byte

// Namespaces the sandbox deals with.
const (
	nsTNS     = "http://www.e-boekhouden.nl/soap"
	nsSOAPEnv = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12  = "http://www.w3.org/2003/05/soap-envelope"
	nsXSD     = "http://www.w3.org/2001/XMLSchema"
	nsXSI     = "http://www.w3.org/2001/XMLSchema-instance"
)

// kind is the value space of a schema type.
type kind int

const (
	kindComplex kind = iota
	kindString
	kindLong
	kindDouble
	kindDecimal
	kindBoolean
	kindDateTime
	kindEnum
	kindAny // xs:anyType (an element declared without a type)
)

// typeDef is a schema type: an XSD built-in, a simpleType enumeration or a
// complexType with a sequence.
type typeDef struct {
	name   string // "long", "cFactuur", "enOpenpostenSoort"; an anonymous type carries its element's name
	kind   kind
	fields []*field // kindComplex: the sequence, in order
	enum   []string // kindEnum: the allowed values
	index  map[string]int
}

// field is an element declaration: a particle of a sequence or a top-level
// element.
type field struct {
	name     string
	min, max int // max < 0 means unbounded
	nillable bool
	typ      *typeDef
}

// operation is one WSDL operation of the SOAP 1.1 binding.
type operation struct {
	name   string
	action string // the soapAction of the soapAppSoap binding
	input  *field // the request element (document/literal wrapped)
	output *field // the response element
}

// schema is the part of the WSDL the sandbox validates against.
type schema struct {
	elements  map[string]*field     // top-level elements by local name
	types     map[string]*typeDef   // named complex and simple types
	ops       map[string]*operation // by operation name
	byRequest map[string]*operation // by request element local name
	opNames   []string              // sorted
}

// builtins maps XSD built-in type names used by the WSDL to their kind.
var builtins = map[string]kind{
	"string":   kindString,
	"long":     kindLong,
	"double":   kindDouble,
	"decimal":  kindDecimal,
	"boolean":  kindBoolean,
	"dateTime": kindDateTime,
	"anyType":  kindAny,
}

// XML shapes of the WSDL parts the parser reads.
type (
	xWSDL struct {
		Attrs    []xml.Attr    `xml:",any,attr"`
		Types    xTypes        `xml:"http://schemas.xmlsoap.org/wsdl/ types"`
		Messages []xMessage    `xml:"http://schemas.xmlsoap.org/wsdl/ message"`
		PortType []xPortType   `xml:"http://schemas.xmlsoap.org/wsdl/ portType"`
		Bindings []xBinding    `xml:"http://schemas.xmlsoap.org/wsdl/ binding"`
		Service  []xServiceDef `xml:"http://schemas.xmlsoap.org/wsdl/ service"`
	}
	xTypes struct {
		Schemas []xSchema `xml:"http://www.w3.org/2001/XMLSchema schema"`
	}
	xSchema struct {
		Attrs           []xml.Attr     `xml:",any,attr"`
		TargetNamespace string         `xml:"targetNamespace,attr"`
		ElementForm     string         `xml:"elementFormDefault,attr"`
		Elements        []xElement     `xml:"http://www.w3.org/2001/XMLSchema element"`
		ComplexTypes    []xComplexType `xml:"http://www.w3.org/2001/XMLSchema complexType"`
		SimpleTypes     []xSimpleType  `xml:"http://www.w3.org/2001/XMLSchema simpleType"`
	}
	xElement struct {
		Name        string        `xml:"name,attr"`
		Type        string        `xml:"type,attr"`
		MinOccurs   string        `xml:"minOccurs,attr"`
		MaxOccurs   string        `xml:"maxOccurs,attr"`
		Nillable    string        `xml:"nillable,attr"`
		ComplexType *xComplexType `xml:"http://www.w3.org/2001/XMLSchema complexType"`
	}
	xComplexType struct {
		Name     string     `xml:"name,attr"`
		Sequence *xSequence `xml:"http://www.w3.org/2001/XMLSchema sequence"`
	}
	xSequence struct {
		Elements []xElement `xml:"http://www.w3.org/2001/XMLSchema element"`
	}
	xSimpleType struct {
		Name        string `xml:"name,attr"`
		Restriction struct {
			Base  string `xml:"base,attr"`
			Enums []struct {
				Value string `xml:"value,attr"`
			} `xml:"http://www.w3.org/2001/XMLSchema enumeration"`
		} `xml:"http://www.w3.org/2001/XMLSchema restriction"`
	}
	xMessage struct {
		Name  string `xml:"name,attr"`
		Parts []struct {
			Element string `xml:"element,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ part"`
	}
	xPortType struct {
		Name string `xml:"name,attr"`
		Ops  []struct {
			Name   string  `xml:"name,attr"`
			Input  xMsgRef `xml:"http://schemas.xmlsoap.org/wsdl/ input"`
			Output xMsgRef `xml:"http://schemas.xmlsoap.org/wsdl/ output"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	}
	xMsgRef struct {
		Message string `xml:"message,attr"`
	}
	xBinding struct {
		Name    string `xml:"name,attr"`
		Binding *struct {
			Transport string `xml:"transport,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		Ops []struct {
			Name string `xml:"name,attr"`
			SOAP *struct {
				Action string `xml:"soapAction,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	}
	xServiceDef struct {
		Name string `xml:"name,attr"`
	}
)

// parseSchema reads the WSDL's XML schema, messages, port type and SOAP 1.1
// binding into the model the validator uses. It fails on anything it does
// not understand (a type reference that does not resolve, a missing binding)
// rather than validating against half a schema.
func parseSchema(wsdl []byte) (*schema, error) {
	var doc xWSDL
	if err := xml.Unmarshal(wsdl, &doc); err != nil {
		return nil, fmt.Errorf("parse WSDL: %w", err)
	}
	if len(doc.Types.Schemas) != 1 {
		return nil, fmt.Errorf("parse WSDL: want exactly one schema in wsdl:types, found %d", len(doc.Types.Schemas))
	}
	xs := doc.Types.Schemas[0]
	if xs.TargetNamespace != nsTNS {
		return nil, fmt.Errorf("parse WSDL: schema targetNamespace %q, want %q", xs.TargetNamespace, nsTNS)
	}
	if xs.ElementForm != "qualified" {
		return nil, fmt.Errorf("parse WSDL: elementFormDefault %q, the validator supports only qualified", xs.ElementForm)
	}
	prefixes := map[string]string{}
	for _, attrs := range [][]xml.Attr{doc.Attrs, xs.Attrs} {
		for _, a := range attrs {
			if a.Name.Space == "xmlns" {
				prefixes[a.Name.Local] = a.Value
			}
		}
	}
	sc := &schema{
		elements:  map[string]*field{},
		types:     map[string]*typeDef{},
		ops:       map[string]*operation{},
		byRequest: map[string]*operation{},
	}
	// Declare every named type first so that references resolve in any order.
	for _, st := range xs.SimpleTypes {
		if st.Name == "" || sc.types[st.Name] != nil {
			return nil, fmt.Errorf("parse WSDL: simpleType %q unnamed or declared twice", st.Name)
		}
		base, err := resolveQName(prefixes, st.Restriction.Base)
		if err != nil || base != (xml.Name{Space: nsXSD, Local: "string"}) || len(st.Restriction.Enums) == 0 {
			return nil, fmt.Errorf("parse WSDL: simpleType %s: only string enumerations are supported", st.Name)
		}
		td := &typeDef{name: st.Name, kind: kindEnum}
		for _, e := range st.Restriction.Enums {
			td.enum = append(td.enum, e.Value)
		}
		sc.types[st.Name] = td
	}
	for _, ct := range xs.ComplexTypes {
		if ct.Name == "" || sc.types[ct.Name] != nil {
			return nil, fmt.Errorf("parse WSDL: complexType %q unnamed or declared twice", ct.Name)
		}
		sc.types[ct.Name] = &typeDef{name: ct.Name, kind: kindComplex}
	}
	for _, ct := range xs.ComplexTypes {
		if err := sc.fillComplex(sc.types[ct.Name], ct, prefixes); err != nil {
			return nil, err
		}
	}
	for _, el := range xs.Elements {
		f, err := sc.declare(el, prefixes, true)
		if err != nil {
			return nil, err
		}
		if sc.elements[f.name] != nil {
			return nil, fmt.Errorf("parse WSDL: element %s declared twice", f.name)
		}
		sc.elements[f.name] = f
	}
	if err := sc.readOperations(&doc, prefixes); err != nil {
		return nil, err
	}
	return sc, nil
}

// fillComplex reads the sequence of a complex type.
func (sc *schema) fillComplex(td *typeDef, ct xComplexType, prefixes map[string]string) error {
	td.index = map[string]int{}
	if ct.Sequence == nil {
		return nil // an empty complex type, e.g. CloseSessionResponse
	}
	for _, el := range ct.Sequence.Elements {
		f, err := sc.declare(el, prefixes, false)
		if err != nil {
			return fmt.Errorf("parse WSDL: type %s: %w", td.name, err)
		}
		if _, dup := td.index[f.name]; dup {
			return fmt.Errorf("parse WSDL: type %s: element %s twice in one sequence", td.name, f.name)
		}
		td.index[f.name] = len(td.fields)
		td.fields = append(td.fields, f)
	}
	return nil
}

// declare turns an element declaration into a field. Local declarations
// carry minOccurs/maxOccurs (both default to 1); top-level ones do not.
func (sc *schema) declare(el xElement, prefixes map[string]string, topLevel bool) (*field, error) {
	if el.Name == "" {
		return nil, fmt.Errorf("element without a name")
	}
	f := &field{name: el.Name, min: 1, max: 1, nillable: el.Nillable == "true"}
	if !topLevel {
		var err error
		if f.min, err = occurs(el.MinOccurs, false); err != nil {
			return nil, fmt.Errorf("element %s minOccurs: %w", el.Name, err)
		}
		if f.max, err = occurs(el.MaxOccurs, true); err != nil {
			return nil, fmt.Errorf("element %s maxOccurs: %w", el.Name, err)
		}
	}
	switch {
	case el.ComplexType != nil && el.Type != "":
		return nil, fmt.Errorf("element %s has both a type and an inline complexType", el.Name)
	case el.ComplexType != nil:
		td := &typeDef{name: el.Name, kind: kindComplex}
		if err := sc.fillComplex(td, *el.ComplexType, prefixes); err != nil {
			return nil, err
		}
		f.typ = td
	case el.Type == "":
		// An element without a type is xs:anyType (cFactuurList/Relatiecode).
		f.typ = &typeDef{name: "anyType", kind: kindAny}
	default:
		qn, err := resolveQName(prefixes, el.Type)
		if err != nil {
			return nil, fmt.Errorf("element %s: %w", el.Name, err)
		}
		switch qn.Space {
		case nsXSD:
			k, ok := builtins[qn.Local]
			if !ok {
				return nil, fmt.Errorf("element %s: XSD type %s is not supported", el.Name, qn.Local)
			}
			f.typ = &typeDef{name: qn.Local, kind: k}
		case nsTNS:
			td := sc.types[qn.Local]
			if td == nil {
				return nil, fmt.Errorf("element %s: unknown type %s", el.Name, el.Type)
			}
			f.typ = td
		default:
			return nil, fmt.Errorf("element %s: type %s in foreign namespace %q", el.Name, el.Type, qn.Space)
		}
	}
	return f, nil
}

func occurs(v string, allowUnbounded bool) (int, error) {
	switch {
	case v == "":
		return 1, nil
	case v == "unbounded" && allowUnbounded:
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid value %q", v)
	}
	return n, nil
}

func resolveQName(prefixes map[string]string, qname string) (xml.Name, error) {
	prefix, local, ok := strings.Cut(qname, ":")
	if !ok {
		return xml.Name{}, fmt.Errorf("type %q has no namespace prefix", qname)
	}
	ns, ok := prefixes[prefix]
	if !ok {
		return xml.Name{}, fmt.Errorf("type %q: undeclared prefix %q", qname, prefix)
	}
	return xml.Name{Space: ns, Local: local}, nil
}

// readOperations links every portType operation to its request and response
// elements (through the messages) and to its SOAPAction (through the SOAP 1.1
// binding).
func (sc *schema) readOperations(doc *xWSDL, prefixes map[string]string) error {
	messages := map[string]string{}
	for _, m := range doc.Messages {
		if len(m.Parts) != 1 {
			return fmt.Errorf("parse WSDL: message %s: want one part (document/literal wrapped), found %d", m.Name, len(m.Parts))
		}
		qn, err := resolveQName(prefixes, m.Parts[0].Element)
		if err != nil || qn.Space != nsTNS {
			return fmt.Errorf("parse WSDL: message %s: part element %q is not in the target namespace", m.Name, m.Parts[0].Element)
		}
		messages[m.Name] = qn.Local
	}
	actions := map[string]string{}
	for _, b := range doc.Bindings {
		if b.Binding == nil {
			continue // the SOAP 1.2 binding: the sandbox speaks SOAP 1.1 only
		}
		for _, op := range b.Ops {
			if op.SOAP == nil || op.SOAP.Action == "" {
				return fmt.Errorf("parse WSDL: binding %s operation %s has no soapAction", b.Name, op.Name)
			}
			actions[op.Name] = op.SOAP.Action
		}
	}
	if len(doc.PortType) != 1 {
		return fmt.Errorf("parse WSDL: want one portType, found %d", len(doc.PortType))
	}
	element := func(op, ref string) (*field, error) {
		qn, err := resolveQName(prefixes, ref)
		if err != nil {
			return nil, fmt.Errorf("parse WSDL: operation %s: %w", op, err)
		}
		name, ok := messages[qn.Local]
		if !ok {
			return nil, fmt.Errorf("parse WSDL: operation %s: unknown message %s", op, ref)
		}
		f := sc.elements[name]
		if f == nil {
			return nil, fmt.Errorf("parse WSDL: operation %s: message %s names unknown element %s", op, ref, name)
		}
		return f, nil
	}
	for _, o := range doc.PortType[0].Ops {
		in, err := element(o.Name, o.Input.Message)
		if err != nil {
			return err
		}
		out, err := element(o.Name, o.Output.Message)
		if err != nil {
			return err
		}
		action, ok := actions[o.Name]
		if !ok {
			return fmt.Errorf("parse WSDL: operation %s is missing from the SOAP 1.1 binding", o.Name)
		}
		op := &operation{name: o.Name, action: action, input: in, output: out}
		sc.ops[o.Name] = op
		sc.byRequest[in.name] = op
		sc.opNames = append(sc.opNames, o.Name)
	}
	sort.Strings(sc.opNames)
	if len(sc.ops) == 0 {
		return fmt.Errorf("parse WSDL: no operations")
	}
	return nil
}

// loadSchema returns the schema of the embedded WSDL, parsed once. The
// schema is read-only after parsing, so every server shares it. The WSDL is
// part of the binary, so a parse failure is a build defect (caught by
// TestParseEmbeddedSchema), not a runtime condition.
var loadSchema = sync.OnceValue(func() *schema {
	sc, err := parseSchema(wsdlBytes)
	if err != nil {
		panic("eboekhouden sandbox: " + err.Error())
	}
	return sc
})
