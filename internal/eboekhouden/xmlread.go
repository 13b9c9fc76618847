package eboekhouden

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// This file owns the XML reader for answers. encoding/xml allocates per
// token and reflects per field: decoding a GetRelaties answer of 2,000
// relations took about 170 ms and 55 MB through gosoap plus encoding/xml,
// far over the budget of 50 ms and 20 MB. This reader parses the whole
// answer in one pass into a flat element tree whose names and texts are
// substrings of one copy of the input (no per-token allocation), with
// namespaces resolved. It is strict where XML is (one root, matching end
// tags, declared prefixes, known entities, valid UTF-8, no DTD) and is
// fuzzed and compared against encoding/xml in the tests.

// Limits that keep a hostile or broken answer (up to MaxResponseBytes) from
// costing unbounded memory or quadratic time. The largest real answer, 2,000
// invoices of ten lines, has about 200,000 elements; the deepest is eight
// levels; elements carry at most a few namespace declarations.
const (
	maxXMLDepth      = 256
	maxXMLElements   = 1 << 20
	maxXMLAttrs      = 64   // per element, namespace declarations included
	maxXMLNamespaces = 256  // distinct namespace URIs per document
	maxXMLBindings   = 1024 // prefix bindings in scope at once
)

var errXML = errors.New("XML syntax error")

// xnode is one element. Indexes are into xdoc.nodes; -1 means none.
type xnode struct {
	local  string
	text   string // first segment of direct character data
	ns     int32  // index into xdoc.ns
	parent int32
	first  int32 // first child
	last   int32 // last child
	next   int32 // next sibling
	attr0  int32 // first attribute in xdoc.attrs
	nattr  int32
	more   int32 // further text segments in xdoc.segs (-1 none)
	moreT  int32 // tail of that list
}

type xattr struct {
	ns    int32
	local string
	value string
}

type xseg struct {
	text string
	next int32
}

// xdoc is a parsed document; nodes[0] is the root element.
type xdoc struct {
	nodes []xnode
	attrs []xattr
	segs  []xseg
	ns    []string // namespace URIs; ns[0] is "" (no namespace)
}

// binding is a namespace prefix in scope ("" is the default namespace).
type binding struct {
	prefix string
	ns     int32
	depth  int
}

const nsXML = "http://www.w3.org/XML/1998/namespace"

// parseXML reads a complete document. A declared encoding other than UTF-8
// is converted first; a leading UTF-8 byte order mark is skipped.
func parseXML(data []byte) (*xdoc, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark
	if label := declaredEncoding(data); label != "" && !strings.EqualFold(label, "utf-8") && !strings.EqualFold(label, "utf8") {
		r, err := charset.NewReaderLabel(label, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: encoding %q: %v", errXML, clip(label), err)
		}
		if data, err = io.ReadAll(r); err != nil {
			return nil, fmt.Errorf("%w: encoding %q: %v", errXML, clip(label), err)
		}
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: invalid UTF-8", errXML)
	}
	p := &xparser{s: string(data)}
	return p.parse()
}

// declaredEncoding returns the encoding of an XML declaration at the start.
func declaredEncoding(data []byte) string {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(data[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	j := strings.IndexByte(rest[1:], q)
	if j < 0 {
		return ""
	}
	return rest[1 : 1+j]
}

type xparser struct {
	s     string
	i     int
	d     xdoc
	stack []int32 // open elements
	qname []string
	scope []binding
}

func (p *xparser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errXML, p.i, fmt.Sprintf(format, args...))
}

func (p *xparser) parse() (*xdoc, error) {
	// One element per '<' at most: size the tree once.
	n := strings.Count(p.s, "<") - strings.Count(p.s, "</")
	p.d.nodes = make([]xnode, 0, min(max(n, 1), maxXMLElements))
	p.d.ns = []string{"", nsXML}
	p.scope = []binding{{prefix: "xml", ns: 1, depth: -1}}
	s := p.s
	for p.i < len(s) {
		j := strings.IndexByte(s[p.i:], '<')
		if j < 0 {
			j = len(s) - p.i
		}
		if j > 0 {
			if err := p.text(s[p.i : p.i+j]); err != nil {
				return nil, err
			}
			p.i += j
			continue
		}
		var err error
		switch rest := s[p.i:]; {
		case strings.HasPrefix(rest, "<?"):
			err = p.skipPast("?>", "processing instruction")
		case strings.HasPrefix(rest, "<!--"):
			err = p.skipPast("-->", "comment")
		case strings.HasPrefix(rest, "<![CDATA["):
			err = p.cdata()
		case strings.HasPrefix(rest, "<!"):
			err = p.errorf("DTDs and declarations are not allowed")
		case strings.HasPrefix(rest, "</"):
			err = p.endTag()
		default:
			err = p.startTag()
		}
		if err != nil {
			return nil, err
		}
	}
	if len(p.stack) > 0 {
		return nil, p.errorf("unexpected end of document: <%s> not closed", clip(p.qname[len(p.qname)-1]))
	}
	if len(p.d.nodes) == 0 {
		return nil, p.errorf("no root element")
	}
	return &p.d, nil
}

func (p *xparser) skipPast(end, what string) error {
	j := strings.Index(p.s[p.i:], end)
	if j < 0 {
		return p.errorf("unterminated %s", what)
	}
	p.i += j + len(end)
	return nil
}

func (p *xparser) cdata() error {
	start := p.i + len("<![CDATA[")
	j := strings.Index(p.s[start:], "]]>")
	if j < 0 {
		return p.errorf("unterminated CDATA section")
	}
	if len(p.stack) == 0 {
		return p.errorf("CDATA outside the root element")
	}
	p.addText(p.stack[len(p.stack)-1], normalizeNewlines(p.s[start:start+j]))
	p.i = start + j + len("]]>")
	return nil
}

// text handles character data between tags.
func (p *xparser) text(raw string) error {
	if len(p.stack) == 0 {
		if strings.TrimLeft(raw, " \t\r\n") != "" {
			return p.errorf("text outside the root element")
		}
		return nil
	}
	t, err := decodeEntities(raw)
	if err != nil {
		return p.errorf("%v", err)
	}
	p.addText(p.stack[len(p.stack)-1], normalizeNewlines(t))
	return nil
}

func (p *xparser) addText(n int32, t string) {
	if t == "" {
		return
	}
	node := &p.d.nodes[n]
	if node.text == "" && node.more < 0 {
		node.text = t
		return
	}
	p.d.segs = append(p.d.segs, xseg{text: t, next: -1})
	idx := int32(len(p.d.segs) - 1)
	if node.more < 0 {
		node.more = idx
	} else {
		p.d.segs[node.moreT].next = idx
	}
	node.moreT = idx
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// name reads an XML name at p.i.
func (p *xparser) name() (string, error) {
	s := p.s
	start := p.i
	for p.i < len(s) {
		c := s[p.i]
		if isSpace(c) || c == '/' || c == '>' || c == '=' || c == '<' || c == '"' || c == '\'' {
			break
		}
		p.i++
	}
	n := s[start:p.i]
	if n == "" {
		return "", p.errorf("expected a name")
	}
	if c := n[0]; c == '-' || c == '.' || (c >= '0' && c <= '9') {
		return "", p.errorf("invalid name %q", clip(n))
	}
	return n, nil
}

func (p *xparser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// splitQName splits prefix:local; a name with an empty part is invalid.
func splitQName(q string) (prefix, local string, ok bool) {
	prefix, local, found := strings.Cut(q, ":")
	if !found {
		return "", q, true
	}
	if prefix == "" || local == "" || strings.IndexByte(local, ':') >= 0 {
		return "", "", false
	}
	return prefix, local, true
}

func (p *xparser) intern(uri string) (int32, error) {
	for i, u := range p.d.ns {
		if u == uri {
			return int32(i), nil
		}
	}
	if len(p.d.ns) >= maxXMLNamespaces {
		return 0, p.errorf("more than %d namespaces", maxXMLNamespaces)
	}
	p.d.ns = append(p.d.ns, uri)
	return int32(len(p.d.ns) - 1), nil
}

// bind puts a prefix in scope for the element at depth.
func (p *xparser) bind(prefix, uri string, depth int) error {
	if len(p.scope) >= maxXMLBindings {
		return p.errorf("more than %d namespace bindings in scope", maxXMLBindings)
	}
	ns, err := p.intern(uri)
	if err != nil {
		return err
	}
	p.scope = append(p.scope, binding{prefix: prefix, ns: ns, depth: depth})
	return nil
}

// resolve finds the namespace of a prefix in scope; the default namespace
// applies to elements only.
func (p *xparser) resolve(prefix string, element bool) (int32, bool) {
	if prefix == "" && !element {
		return 0, true
	}
	for k := len(p.scope) - 1; k >= 0; k-- {
		if p.scope[k].prefix == prefix {
			return p.scope[k].ns, true
		}
	}
	if prefix == "" {
		return 0, true
	}
	return 0, false
}

type rawAttr struct {
	prefix, local, value string
}

func (p *xparser) startTag() error {
	if len(p.stack) == 0 && len(p.d.nodes) > 0 {
		return p.errorf("a second root element")
	}
	if len(p.stack) >= maxXMLDepth {
		return p.errorf("elements nested deeper than %d", maxXMLDepth)
	}
	if len(p.d.nodes) >= maxXMLElements {
		return p.errorf("more than %d elements", maxXMLElements)
	}
	p.i++ // '<'
	qname, err := p.name()
	if err != nil {
		return err
	}
	prefix, local, ok := splitQName(qname)
	if !ok {
		return p.errorf("invalid element name %q", clip(qname))
	}
	depth := len(p.stack)
	var attrs []rawAttr
	nsDecls := 0
	selfClosing := false
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return p.errorf("unexpected end of document in <%s>", clip(qname))
		}
		c := p.s[p.i]
		if c == '>' {
			p.i++
			break
		}
		if c == '/' {
			if p.i+1 >= len(p.s) || p.s[p.i+1] != '>' {
				return p.errorf("expected /> in <%s>", clip(qname))
			}
			p.i += 2
			selfClosing = true
			break
		}
		if len(attrs)+nsDecls >= maxXMLAttrs {
			return p.errorf("more than %d attributes in <%s>", maxXMLAttrs, clip(qname))
		}
		an, err := p.name()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return p.errorf("attribute %s in <%s> has no value", clip(an), clip(qname))
		}
		p.i++
		p.skipSpace()
		if p.i >= len(p.s) || (p.s[p.i] != '"' && p.s[p.i] != '\'') {
			return p.errorf("attribute %s in <%s> is not quoted", clip(an), clip(qname))
		}
		q := p.s[p.i]
		p.i++
		j := strings.IndexByte(p.s[p.i:], q)
		if j < 0 {
			return p.errorf("unterminated attribute value in <%s>", clip(qname))
		}
		rawValue := p.s[p.i : p.i+j]
		p.i += j + 1
		if strings.IndexByte(rawValue, '<') >= 0 {
			return p.errorf("'<' in an attribute value in <%s>", clip(qname))
		}
		value, err := decodeEntities(rawValue)
		if err != nil {
			return p.errorf("%v", err)
		}
		ap, al, ok := splitQName(an)
		if !ok {
			return p.errorf("invalid attribute name %q", clip(an))
		}
		for _, a := range attrs {
			if a.prefix == ap && a.local == al {
				return p.errorf("duplicate attribute %s in <%s>", clip(an), clip(qname))
			}
		}
		switch {
		case ap == "" && al == "xmlns":
			nsDecls++
			if err := p.bind("", value, depth); err != nil {
				return err
			}
		case ap == "xmlns":
			nsDecls++
			if value == "" {
				return p.errorf("empty namespace for prefix %s", clip(al))
			}
			if err := p.bind(al, value, depth); err != nil {
				return err
			}
		default:
			attrs = append(attrs, rawAttr{prefix: ap, local: al, value: value})
		}
	}
	ns, ok := p.resolve(prefix, true)
	if !ok {
		return p.errorf("undeclared namespace prefix %q", clip(prefix))
	}
	parent := int32(-1)
	if depth > 0 {
		parent = p.stack[depth-1]
	}
	p.d.nodes = append(p.d.nodes, xnode{
		local: local, ns: ns, parent: parent, first: -1, last: -1, next: -1,
		attr0: int32(len(p.d.attrs)), nattr: int32(len(attrs)), more: -1, moreT: -1,
	})
	idx := int32(len(p.d.nodes) - 1)
	for _, a := range attrs {
		ans, ok := p.resolve(a.prefix, false)
		if !ok {
			return p.errorf("undeclared namespace prefix %q", clip(a.prefix))
		}
		p.d.attrs = append(p.d.attrs, xattr{ns: ans, local: a.local, value: a.value})
	}
	if parent >= 0 {
		pn := &p.d.nodes[parent]
		if pn.first < 0 {
			pn.first = idx
		} else {
			p.d.nodes[pn.last].next = idx
		}
		pn.last = idx
	}
	if selfClosing {
		p.popScope(depth)
		return nil
	}
	p.stack = append(p.stack, idx)
	p.qname = append(p.qname, qname)
	return nil
}

func (p *xparser) popScope(depth int) {
	for len(p.scope) > 0 && p.scope[len(p.scope)-1].depth >= depth {
		p.scope = p.scope[:len(p.scope)-1]
	}
}

func (p *xparser) endTag() error {
	p.i += 2 // "</"
	qname, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '>' {
		return p.errorf("expected > after </%s", clip(qname))
	}
	p.i++
	if len(p.stack) == 0 {
		return p.errorf("unexpected </%s>", clip(qname))
	}
	open := p.qname[len(p.qname)-1]
	if open != qname {
		return p.errorf("</%s> does not close <%s>", clip(qname), clip(open))
	}
	p.stack = p.stack[:len(p.stack)-1]
	p.qname = p.qname[:len(p.qname)-1]
	p.popScope(len(p.stack))
	return nil
}

// normalizeNewlines applies XML end-of-line handling: CRLF and CR become LF.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// decodeEntities replaces the five predefined entities and character
// references; any other entity is an error.
func decodeEntities(s string) (string, error) {
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for amp >= 0 {
		b.WriteString(s[:amp])
		s = s[amp:]
		semi := strings.IndexByte(s, ';')
		if semi < 0 {
			return "", fmt.Errorf("unterminated entity %q", clip(s))
		}
		ent := s[1:semi]
		switch ent {
		case "amp":
			b.WriteByte('&')
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				return "", fmt.Errorf("unknown entity &%s;", clip(ent))
			}
			b.WriteRune(r)
		}
		s = s[semi+1:]
		amp = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String(), nil
}

// charRef reads "#123" or "#x7B" as a character allowed in XML.
func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ent[1] == 'x' {
		if len(ent) < 3 {
			return 0, false
		}
		n, err = strconv.ParseUint(ent[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ent[1:], 10, 32)
	}
	if err != nil {
		return 0, false
	}
	r := rune(n)
	if !isXMLChar(r) {
		return 0, false
	}
	return r, true
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// Accessors.

// textOf returns all direct character data of element n.
func (d *xdoc) textOf(n int32) string {
	node := &d.nodes[n]
	if node.more < 0 {
		return node.text
	}
	var b strings.Builder
	b.WriteString(node.text)
	for k := node.more; k >= 0; k = d.segs[k].next {
		b.WriteString(d.segs[k].text)
	}
	return b.String()
}

// children calls fn for every child element of n, in order.
func (d *xdoc) children(n int32, fn func(c int32)) {
	for c := d.nodes[n].first; c >= 0; c = d.nodes[c].next {
		fn(c)
	}
}

func (d *xdoc) space(n int32) string { return d.ns[d.nodes[n].ns] }
