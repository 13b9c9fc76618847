package eboekhouden

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file holds the strict request validator: an XML element tree and its
// check against the WSDL schema (schema.go). The real ASMX service is lenient
// (XmlSerializer skips unknown or misplaced elements, so a misspelled field
// silently loses its value); the sandbox refuses every such request with a
// SOAP Fault that names the element and its parent. [inferred: being stricter
// than the real service is a deliberate sandbox choice, see the package doc]

// node is one element of a parsed XML document.
type node struct {
	name     xml.Name
	attrs    []xml.Attr
	ns       map[string]string // prefix declarations made on this element ("" = default)
	parent   *node
	children []*node
	text     string
	line     int

	// Set by validation.
	isNil bool
	value any // string, int64, xsdDouble, *big.Rat (decimal), bool, time.Time
}

// maxDepth bounds element nesting; the deepest WSDL path is six levels below
// the envelope.
const maxDepth = 64

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// parseXML reads a document into a tree. Namespaces are resolved: node names
// carry namespace URIs, never prefixes. DTDs are refused.
func parseXML(data []byte) (*node, error) {
	// .NET clients may start the body with a UTF-8 byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var root, cur *node
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if root == nil {
				return nil, fmt.Errorf("the document has no root element")
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			if cur == nil && root != nil {
				return nil, fmt.Errorf("line %d: second root element <%s> after the document element", line, t.Name.Local)
			}
			depth++
			if depth > maxDepth {
				return nil, fmt.Errorf("line %d: elements nested deeper than %d levels", line, maxDepth)
			}
			n := &node{name: t.Name, parent: cur, line: line}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					n.declare(a.Name.Local, a.Value)
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					n.declare("", a.Value)
				default:
					n.attrs = append(n.attrs, a)
				}
			}
			if t.Name.Space != "" && !n.inScope(t.Name.Space) {
				return nil, fmt.Errorf("line %d: element <%s:%s> uses an undeclared namespace prefix", line, t.Name.Space, t.Name.Local)
			}
			for _, a := range n.attrs {
				if a.Name.Space != "" && a.Name.Space != xmlNamespace && !n.inScope(a.Name.Space) {
					return nil, fmt.Errorf("line %d: attribute %s:%s on <%s> uses an undeclared namespace prefix", line, a.Name.Space, a.Name.Local, t.Name.Local)
				}
			}
			if cur == nil {
				root = n
			} else {
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			cur = cur.parent
			depth--
		case xml.CharData:
			if cur != nil {
				cur.text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				line, _ := d.InputPos()
				return nil, fmt.Errorf("line %d: text outside the document element", line)
			}
		case xml.Directive:
			line, _ := d.InputPos()
			return nil, fmt.Errorf("line %d: DTDs and other directives are not allowed", line)
		}
	}
}

func (n *node) declare(prefix, uri string) {
	if n.ns == nil {
		n.ns = map[string]string{}
	}
	n.ns[prefix] = uri
}

// lookup resolves a prefix in the scope of n.
func (n *node) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespace, true
	}
	for e := n; e != nil; e = e.parent {
		if uri, ok := e.ns[prefix]; ok {
			return uri, true
		}
	}
	return "", false
}

// inScope reports whether uri is declared in the scope of n. encoding/xml
// leaves an undeclared prefix in Name.Space, so a Space that no declaration
// in scope produced is an undeclared prefix.
func (n *node) inScope(uri string) bool {
	for e := n; e != nil; e = e.parent {
		for _, u := range e.ns {
			if u == uri {
				return true
			}
		}
	}
	return false
}

// child returns the first child element with the given local name.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.name.Local == local {
			return c
		}
	}
	return nil
}

// all returns every child element with the given local name.
func (n *node) all(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// The typed accessors below read validated values; an absent or nil element
// gives the zero value, as XmlSerializer leaves the field at its default.

func (n *node) str(local string) string {
	if c := n.child(local); c != nil && !c.isNil {
		s, _ := c.value.(string)
		return s
	}
	return ""
}

func (n *node) long(local string) int64 {
	if c := n.child(local); c != nil && !c.isNil {
		v, _ := c.value.(int64)
		return v
	}
	return 0
}

func (n *node) boolean(local string) bool {
	if c := n.child(local); c != nil && !c.isNil {
		v, _ := c.value.(bool)
		return v
	}
	return false
}

func (n *node) dateTime(local string) time.Time {
	if c := n.child(local); c != nil && !c.isNil {
		v, _ := c.value.(time.Time)
		return v
	}
	return time.Time{}
}

func (n *node) double(local string) xsdDouble {
	if c := n.child(local); c != nil && !c.isNil {
		if v, ok := c.value.(xsdDouble); ok {
			return v
		}
	}
	return xsdDouble{rat: new(big.Rat)}
}

// xsdDouble is an xs:double kept exact: the decimal text as a rational, or
// one of the special values INF, -INF and NaN.
type xsdDouble struct {
	rat     *big.Rat
	special string
}

// validationError is a request that does not match the schema. Its message
// names the element and its parent and becomes the SOAP faultstring.
type validationError struct{ msg string }

func (e *validationError) Error() string { return e.msg }

func invalid(format string, args ...any) error {
	return &validationError{msg: fmt.Sprintf(format, args...)}
}

// validate checks el against its declaration f, recursively, and stores the
// parsed value of every simple element. parent is the name of the enclosing
// element, for messages.
func (sc *schema) validate(el *node, f *field, parent string) error {
	where := fmt.Sprintf("<%s> in <%s>", el.name.Local, parent)
	for _, a := range el.attrs {
		switch a.Name {
		case xml.Name{Space: nsXSI, Local: "nil"}:
			if !f.nillable {
				return invalid("element %s is not nillable: xsi:nil is not allowed", where)
			}
			switch a.Value {
			case "true", "1":
				el.isNil = true
			case "false", "0":
			default:
				return invalid("element %s: xsi:nil=%q is not a boolean", where, a.Value)
			}
		case xml.Name{Space: nsXSI, Local: "type"}:
			if err := el.checkXSIType(a.Value, f.typ, where); err != nil {
				return err
			}
		default:
			return invalid("unexpected attribute %s on element %s", attrName(a.Name), where)
		}
	}
	if el.isNil {
		if len(el.children) > 0 || strings.TrimSpace(el.text) != "" {
			return invalid("element %s has xsi:nil=\"true\" but is not empty", where)
		}
		return nil
	}
	td := f.typ
	switch td.kind {
	case kindAny:
		el.value = el.text
		return nil
	case kindComplex:
		if strings.TrimSpace(el.text) != "" {
			return invalid("element %s (type %s) must not contain text, only the elements of its sequence", where, td.name)
		}
		return sc.validateSequence(el, td)
	}
	if len(el.children) > 0 {
		return invalid("element %s (xs:%s) must not contain child elements; found <%s>", where, td.name, el.children[0].name.Local)
	}
	v, err := parseSimple(td, el.text)
	if err != nil {
		return invalid("element %s: %v", where, err)
	}
	el.value = v
	return nil
}

func attrName(n xml.Name) string {
	switch n.Space {
	case "":
		return n.Local
	case nsXSI:
		return "xsi:" + n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// checkXSIType accepts xsi:type on an anyType element, or when it names the
// declared type itself.
func (el *node) checkXSIType(value string, td *typeDef, where string) error {
	prefix, local, found := strings.Cut(strings.TrimSpace(value), ":")
	if !found {
		prefix, local = "", prefix
	}
	uri, ok := el.lookup(prefix)
	if !ok {
		return invalid("element %s: xsi:type %q uses an undeclared prefix", where, value)
	}
	if td.kind == kindAny {
		if uri == nsXSD || uri == nsTNS {
			return nil
		}
		return invalid("element %s: xsi:type %q is neither an XSD nor a WSDL type", where, value)
	}
	want := nsTNS
	if _, builtin := builtins[td.name]; builtin {
		want = nsXSD
	}
	if uri != want || local != td.name {
		return invalid("element %s: xsi:type %q does not match its declared type %s", where, value, td.name)
	}
	return nil
}

// validateSequence walks the child elements of el against the sequence of
// td: every child in the target namespace, known, in order, within its
// maxOccurs, and no minOccurs=1 element left out.
func (sc *schema) validateSequence(el *node, td *typeDef) error {
	self := el.name.Local
	pos, count := 0, 0 // current particle and how often it occurred
	missing := func(upto int, before string) error {
		for j := pos; j < upto; j++ {
			occ := 0
			if j == pos {
				occ = count
			}
			if occ < td.fields[j].min {
				if before != "" {
					return invalid("required element <%s> is missing in <%s> (type %s): it must come before <%s>", td.fields[j].name, self, td.name, before)
				}
				return invalid("required element <%s> is missing in <%s> (type %s)", td.fields[j].name, self, td.name)
			}
		}
		return nil
	}
	for _, ch := range el.children {
		local := ch.name.Local
		if ch.name.Space != nsTNS {
			ns := fmt.Sprintf("namespace %q", ch.name.Space)
			if ch.name.Space == "" {
				ns = "no namespace"
			}
			return invalid("element <%s> in <%s> is in %s; the WSDL (elementFormDefault=qualified) puts it in %q", local, self, ns, nsTNS)
		}
		idx, ok := td.index[local]
		switch {
		case !ok:
			return invalid("unknown element <%s> in <%s> (type %s)%s; expected %s", local, self, td.name, didYouMean(local, td), expectedAt(td, pos, count))
		case idx < pos:
			return invalid("element <%s> in <%s> is out of order: the sequence of %s puts <%s> before <%s>", local, self, td.name, local, td.fields[pos].name)
		case idx == pos && count > 0:
			if f := td.fields[idx]; f.max >= 0 && count >= f.max {
				return invalid("element <%s> occurs more than %d time(s) in <%s> (type %s, maxOccurs=%d)", local, f.max, self, td.name, f.max)
			}
			count++
		default:
			if err := missing(idx, local); err != nil {
				return err
			}
			pos, count = idx, 1
		}
		if err := sc.validate(ch, td.fields[idx], self); err != nil {
			return err
		}
	}
	return missing(len(td.fields), "")
}

// expectedAt lists the elements allowed at a position of a sequence: the
// current one if it may repeat, then the following ones up to and including
// the next required one.
func expectedAt(td *typeDef, pos, count int) string {
	var names []string
	for j := pos; j < len(td.fields); j++ {
		f := td.fields[j]
		if j == pos && count > 0 && f.max >= 0 && count >= f.max {
			continue
		}
		names = append(names, "<"+f.name+">")
		if f.min > 0 && !(j == pos && count >= f.min) {
			break
		}
	}
	if len(names) == 0 {
		return "no further element (end of " + td.name + ")"
	}
	if len(names) == 1 {
		return names[0]
	}
	return "one of " + strings.Join(names, ", ")
}

// didYouMean suggests the sequence element closest to a misspelled name.
func didYouMean(local string, td *typeDef) string {
	best, bestDist := "", 3
	for _, f := range td.fields {
		if strings.EqualFold(f.name, local) {
			return fmt.Sprintf(" (did you mean <%s>? element names are case-sensitive)", f.name)
		}
		if d := editDistance(strings.ToLower(f.name), strings.ToLower(local)); d < bestDist {
			best, bestDist = f.name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean <%s>?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var (
	longPattern    = regexp.MustCompile(`^[+-]?[0-9]+$`)
	decimalLexical = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	doubleLexical  = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE]([+-]?[0-9]+))?$`)
	dateTimeShape  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$`)
)

// maxDoubleExponent bounds the exponent of an xs:double literal; beyond it
// the value is out of the double range anyway, and an unbounded exponent
// would make the exact rational arbitrarily large.
const maxDoubleExponent = 400

// parseSimple parses the text of a simple element as its XSD type. Values in
// messages are quoted but only for non-string types, so a credential (always
// xs:string) never appears in a fault.
func parseSimple(td *typeDef, text string) (any, error) {
	// xs:string keeps whitespace; every other built-in collapses it.
	trimmed := strings.TrimSpace(text)
	switch td.kind {
	case kindString:
		return text, nil
	case kindEnum:
		for _, v := range td.enum {
			if text == v {
				return text, nil
			}
		}
		return nil, fmt.Errorf("%q is not a value of %s (allowed: %s)", clip(text), td.name, strings.Join(td.enum, ", "))
	case kindLong:
		if !longPattern.MatchString(trimmed) {
			return nil, fmt.Errorf("%q is not a valid xs:long", clip(text))
		}
		v, err := strconv.ParseInt(strings.TrimPrefix(trimmed, "+"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is out of range for xs:long", clip(text))
		}
		return v, nil
	case kindDouble:
		return parseDouble(trimmed)
	case kindDecimal:
		if !decimalLexical.MatchString(trimmed) {
			return nil, fmt.Errorf("%q is not a valid xs:decimal", clip(text))
		}
		intPart, _, _ := strings.Cut(strings.TrimLeft(trimmed, "+-"), ".")
		if len(strings.TrimLeft(intPart, "0")) > 28 {
			return nil, fmt.Errorf("%q is out of range for xs:decimal (System.Decimal)", clip(text))
		}
		r, ok := new(big.Rat).SetString(trimmed)
		if !ok {
			return nil, fmt.Errorf("%q is not a valid xs:decimal", clip(text))
		}
		return r, nil
	case kindBoolean:
		switch trimmed {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a valid xs:boolean (true, false, 1 or 0)", clip(text))
	case kindDateTime:
		t, err := parseDateTime(trimmed)
		if err != nil {
			return nil, fmt.Errorf("%q is not a valid xs:dateTime (e.g. 2006-01-02T15:04:05 or 2006-01-02)", clip(text))
		}
		return t, nil
	}
	return nil, fmt.Errorf("type %s has no simple value", td.name)
}

// parseDouble parses xs:double text exactly.
func parseDouble(s string) (xsdDouble, error) {
	switch s {
	case "INF", "-INF", "NaN":
		return xsdDouble{special: s}, nil
	}
	m := doubleLexical.FindStringSubmatch(s)
	if m == nil {
		return xsdDouble{}, fmt.Errorf("%q is not a valid xs:double", clip(s))
	}
	if m[4] != "" {
		if e, err := strconv.Atoi(strings.TrimPrefix(m[4], "+")); err != nil || e > maxDoubleExponent || e < -maxDoubleExponent {
			return xsdDouble{}, fmt.Errorf("%q is out of range for xs:double", clip(s))
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return xsdDouble{}, fmt.Errorf("%q is out of range for xs:double", clip(s))
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return xsdDouble{}, fmt.Errorf("%q is not a valid xs:double", clip(s))
	}
	return xsdDouble{rat: r}, nil
}

// parseDateTime accepts the xs:dateTime forms clients send: with or without
// fractional seconds and zone, and the plain date that several clients send
// and the service accepts [client]. The wall-clock value is kept as given; a
// zone offset is not converted. [inferred]
func parseDateTime(s string) (time.Time, error) {
	if !dateTimeShape.MatchString(s) {
		return time.Time{}, fmt.Errorf("not a dateTime")
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a dateTime")
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}
