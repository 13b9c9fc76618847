package eboekhouden

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// validateOp parses an operation element and validates it like a request.
func validateOp(t *testing.T, sc *schema, doc string) (*node, error) {
	t.Helper()
	root, err := parseXML([]byte(doc))
	if err != nil {
		t.Fatalf("test document is not XML: %v", err)
	}
	f := sc.elements[root.name.Local]
	if f == nil {
		t.Fatalf("no element %s", root.name.Local)
	}
	return root, sc.validate(root, f, "soap:Body")
}

const tns = ` xmlns="http://www.e-boekhouden.nl/soap"`

// regelXML is a complete cFactuurRegel; fields can be replaced.
const regelXML = `<cFactuurRegel><Aantal>1</Aantal><Eenheid>uur</Eenheid><Code>A</Code><Omschrijving>B</Omschrijving><PrijsPerEenheid>10</PrijsPerEenheid><BTWCode>HOOG_VERK_21</BTWCode><TegenrekeningCode>8010</TegenrekeningCode><KostenplaatsID>0</KostenplaatsID></cFactuurRegel>`

// factXML is a complete AddFactuur with the required fields.
const factXML = `<AddFactuur` + tns + `><SessionID>s</SessionID><SecurityCode2>c</SecurityCode2><oFact>` +
	`<Factuurnummer></Factuurnummer><Relatiecode>1002</Relatiecode><Datum>2026-03-01T00:00:00</Datum><Betalingstermijn>14</Betalingstermijn>` +
	`<Factuursjabloon>Standaard</Factuursjabloon><PerEmailVerzenden>false</PerEmailVerzenden><AutomatischeIncasso>false</AutomatischeIncasso>` +
	`<IncassoMachtigingDatumOndertekening>2026-03-01T00:00:00</IncassoMachtigingDatumOndertekening><IncassoMachtigingFirst>false</IncassoMachtigingFirst>` +
	`<InBoekhoudingPlaatsen>true</InBoekhoudingPlaatsen><Regels>` + regelXML + `</Regels></oFact></AddFactuur>`

func TestValidateAcceptsValidRequests(t *testing.T) {
	sc := loadSchema()
	cases := map[string]string{
		"complete AddFactuur": factXML,
		"prefixed elements":   `<e:GetOpenPosten xmlns:e="http://www.e-boekhouden.nl/soap"><e:SessionID>s</e:SessionID><e:OpSoort>Debiteuren</e:OpSoort></e:GetOpenPosten>`,
		"mixed prefixes":      `<GetOpenPosten` + tns + ` xmlns:e="http://www.e-boekhouden.nl/soap"><e:SessionID>s</e:SessionID><SecurityCode2>c</SecurityCode2><e:OpSoort>Crediteuren</e:OpSoort></GetOpenPosten>`,
		"empty operation":     `<GetAdministraties` + tns + `/>`,
		"date only":           strings.Replace(factXML, "<Datum>2026-03-01T00:00:00</Datum>", "<Datum>2026-03-01</Datum>", 1),
		"fractional seconds":  strings.Replace(factXML, "<Datum>2026-03-01T00:00:00</Datum>", "<Datum>2026-03-01T10:11:12.1234567</Datum>", 1),
		"zone Z":              strings.Replace(factXML, "<Datum>2026-03-01T00:00:00</Datum>", "<Datum>2026-03-01T10:11:12Z</Datum>", 1),
		"zone offset":         strings.Replace(factXML, "<Datum>2026-03-01T00:00:00</Datum>", "<Datum>2026-03-01T10:11:12+01:00</Datum>", 1),
		"boolean 1 and 0":     strings.Replace(strings.Replace(factXML, "<PerEmailVerzenden>false<", "<PerEmailVerzenden>0<", 1), "<InBoekhoudingPlaatsen>true<", "<InBoekhoudingPlaatsen>1<", 1),
		"padded long":         strings.Replace(factXML, "<Betalingstermijn>14<", "<Betalingstermijn> +14 <", 1),
		"several lines":       strings.Replace(factXML, regelXML, regelXML+regelXML+regelXML, 1),
		"nil line":            strings.Replace(factXML, regelXML, `<cFactuurRegel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`, 1),
		"empty Regels":        strings.Replace(factXML, regelXML, "", 1),
		"matching xsi:type":   strings.Replace(factXML, "<Relatiecode>1002<", `<Relatiecode xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="http://www.w3.org/2001/XMLSchema" xsi:type="x:string">1002<`, 1),
		"double exponent":     strings.Replace(regelXML, "<Aantal>1<", "<Aantal>1.5E2<", 1),
		"comment in leaf":     strings.Replace(factXML, "<Relatiecode>1002<", "<Relatiecode>10<!-- c -->02<", 1),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if strings.HasPrefix(doc, "<cFactuurRegel") {
				doc = strings.Replace(factXML, regelXML, doc, 1)
			}
			if _, err := validateOp(t, sc, doc); err != nil {
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

func TestValidateStoresTypedValues(t *testing.T) {
	sc := loadSchema()
	doc := strings.Replace(factXML, regelXML, strings.Replace(regelXML, "<Aantal>1<", "<Aantal>12.5<", 1), 1)
	root, err := validateOp(t, sc, doc)
	if err != nil {
		t.Fatal(err)
	}
	o := root.child("oFact")
	if got := o.dateTime("Datum"); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Datum %v", got)
	}
	if o.long("Betalingstermijn") != 14 || o.boolean("InBoekhoudingPlaatsen") != true || o.str("Relatiecode") != "1002" {
		t.Errorf("values: %d %t %q", o.long("Betalingstermijn"), o.boolean("InBoekhoudingPlaatsen"), o.str("Relatiecode"))
	}
	if got := o.child("Regels").child("cFactuurRegel").double("Aantal"); got.rat.Cmp(big.NewRat(25, 2)) != 0 {
		t.Errorf("Aantal %v", got.rat)
	}
	if o.str("Factuurnummer") != "" || o.child("Factuurnummer") == nil {
		t.Error("an empty element must be present with an empty value")
	}
}

func TestValidateRejects(t *testing.T) {
	sc := loadSchema()
	replace := func(old, new string) string {
		if !strings.Contains(factXML, old) {
			t.Fatalf("test edit %q not found", old)
		}
		return strings.Replace(factXML, old, new, 1)
	}
	cases := []struct {
		name string
		doc  string
		want []string
	}{
		{"out of WSDL order", replace("<Factuurnummer></Factuurnummer><Relatiecode>1002</Relatiecode>", "<Relatiecode>1002</Relatiecode><Factuurnummer></Factuurnummer>"),
			[]string{"<Factuurnummer>", "<oFact>", "out of order", "before <Relatiecode>"}},
		{"line without KostenplaatsID", replace("<KostenplaatsID>0</KostenplaatsID>", ""),
			[]string{"required element <KostenplaatsID> is missing in <cFactuurRegel>"}},
		{"without InBoekhoudingPlaatsen", replace("<InBoekhoudingPlaatsen>true</InBoekhoudingPlaatsen>", ""),
			[]string{"required element <InBoekhoudingPlaatsen> is missing in <oFact>", "before <Regels>"}},
		{"missing required in the middle", replace("<Betalingstermijn>14</Betalingstermijn>", ""),
			[]string{"<Betalingstermijn>", "<oFact>", "missing"}},
		{"misspelled", replace("<Factuurnummer></Factuurnummer>", "<Factuurnumer></Factuurnumer>"),
			[]string{"unknown element <Factuurnumer> in <oFact>", "did you mean <Factuurnummer>?"}},
		{"wrong case", replace("<Relatiecode>1002</Relatiecode>", "<RelatieCode>1002</RelatieCode>"),
			[]string{"unknown element <RelatieCode> in <oFact>", "<Relatiecode>", "case-sensitive"}},
		{"element of another type", replace("<Betalingstermijn>14</Betalingstermijn>", "<Betalingstermijn>14</Betalingstermijn><DatumVan>2026-01-01</DatumVan>"),
			[]string{"unknown element <DatumVan> in <oFact>", "expected"}},
		{"child without namespace", replace("<Relatiecode>1002</Relatiecode>", `<Relatiecode xmlns="">1002</Relatiecode>`),
			[]string{"<Relatiecode> in <oFact>", "no namespace"}},
		{"child in another namespace", replace("<Relatiecode>1002</Relatiecode>", `<x:Relatiecode xmlns:x="http://tempuri.org/">1002</x:Relatiecode>`),
			[]string{"<Relatiecode> in <oFact>", `"http://tempuri.org/"`}},
		{"repeated beyond maxOccurs", replace("<Relatiecode>1002</Relatiecode>", "<Relatiecode>1002</Relatiecode><Relatiecode>1003</Relatiecode>"),
			[]string{"<Relatiecode> occurs more than 1", "<oFact>"}},
		{"long not a number", replace("<Betalingstermijn>14<", "<Betalingstermijn>14 dagen<"),
			[]string{"<Betalingstermijn> in <oFact>", `"14 dagen" is not a valid xs:long`}},
		{"long empty", replace("<Betalingstermijn>14<", "<Betalingstermijn><"),
			[]string{"<Betalingstermijn> in <oFact>", "xs:long"}},
		{"long overflow", replace("<Betalingstermijn>14<", "<Betalingstermijn>9223372036854775808<"),
			[]string{"<Betalingstermijn>", "out of range"}},
		{"double with comma", replace("<Aantal>1<", "<Aantal>1,5<"),
			[]string{"<Aantal> in <cFactuurRegel>", "xs:double"}},
		{"double out of range", replace("<Aantal>1<", "<Aantal>1e999<"),
			[]string{"<Aantal> in <cFactuurRegel>", "out of range"}},
		{"boolean yes", replace("<PerEmailVerzenden>false<", "<PerEmailVerzenden>yes<"),
			[]string{"<PerEmailVerzenden> in <oFact>", "xs:boolean"}},
		{"boolean True", replace("<PerEmailVerzenden>false<", "<PerEmailVerzenden>True<"),
			[]string{"<PerEmailVerzenden> in <oFact>", "xs:boolean"}},
		{"Dutch date", replace("<Datum>2026-03-01T00:00:00<", "<Datum>01-03-2026<"),
			[]string{"<Datum> in <oFact>", "xs:dateTime"}},
		{"month 13", replace("<Datum>2026-03-01T00:00:00<", "<Datum>2026-13-01T00:00:00<"),
			[]string{"<Datum> in <oFact>", "xs:dateTime"}},
		{"date with space", replace("<Datum>2026-03-01T00:00:00<", "<Datum>2026-03-01 00:00:00<"),
			[]string{"<Datum> in <oFact>", "xs:dateTime"}},
		{"text in a complex element", replace("<oFact>", "<oFact>factuur"),
			[]string{"<oFact> in <AddFactuur>", "must not contain text"}},
		{"children in a simple element", replace("<Relatiecode>1002</Relatiecode>", "<Relatiecode><Code>1002</Code></Relatiecode>"),
			[]string{"<Relatiecode> in <oFact>", "must not contain child elements"}},
		{"xsi:nil on a non-nillable element", replace("<Relatiecode>1002</Relatiecode>", `<Relatiecode xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>`),
			[]string{"<Relatiecode> in <oFact>", "not nillable"}},
		{"xsi:nil with content", replace(regelXML, `<cFactuurRegel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"><Aantal>1</Aantal></cFactuurRegel>`),
			[]string{"<cFactuurRegel> in <Regels>", "not empty"}},
		{"unexpected attribute", replace("<Relatiecode>", `<Relatiecode type="klant">`),
			[]string{"unexpected attribute type", "<Relatiecode> in <oFact>"}},
		{"xsi:type of another type", replace("<Relatiecode>", `<Relatiecode xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xsi:type="xsd:long">`),
			[]string{"<Relatiecode> in <oFact>", "does not match its declared type string"}},
		{"enumeration", `<GetOpenPosten` + tns + `><OpSoort>Debiteur</OpSoort></GetOpenPosten>`,
			[]string{"<OpSoort> in <GetOpenPosten>", `"Debiteur" is not a value of enOpenpostenSoort`, "Debiteuren, Crediteuren"}},
		{"enumeration wrong case", `<GetOpenPosten` + tns + `><OpSoort>debiteuren</OpSoort></GetOpenPosten>`,
			[]string{"<OpSoort> in <GetOpenPosten>", "enOpenpostenSoort"}},
		{"missing required enumeration", `<GetOpenPosten` + tns + `><SessionID>s</SessionID></GetOpenPosten>`,
			[]string{"required element <OpSoort> is missing in <GetOpenPosten>"}},
		{"filter without ID", `<GetRelaties` + tns + `><cFilter><Trefwoord>x</Trefwoord><Code></Code></cFilter></GetRelaties>`,
			[]string{"required element <ID> is missing in <cFilter>"}},
		{"misspelled filter field", `<GetSaldi` + tns + `><cFilter><KostenplaatsID>0</KostenplaatsID></cFilter></GetSaldi>`,
			[]string{"unknown element <KostenplaatsID> in <cFilter>", "<KostenPlaatsId>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := validateOp(t, sc, c.doc)
			var ve *validationError
			if !errors.As(err, &ve) {
				t.Fatalf("accepted or wrong error type: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(ve.msg, w) {
					t.Errorf("message %q does not contain %q", ve.msg, w)
				}
			}
		})
	}
}

func TestParseXMLRejectsBadDocuments(t *testing.T) {
	cases := map[string]string{
		"unclosed":          `<a><b></a>`,
		"no root":           `<?xml version="1.0"?>`,
		"two roots":         `<a/><b/>`,
		"text outside root": `<a/>text`,
		"DTD":               `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`,
		"undeclared prefix": `<a><u:b/></a>`,
		"undeclared attr":   `<a u:b="1"/>`,
		"utf-16 declared":   `<?xml version="1.0" encoding="utf-16"?><a/>`,
		"too deep":          strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := parseXML([]byte(doc)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestParseXMLResolvesNamespaces(t *testing.T) {
	doc := "\xef\xbb\xbf" + `<?xml version="1.0" encoding="utf-8"?><s:E xmlns:s="urn:s" xmlns="urn:d"><B xmlns:x="urn:x"><x:C>t<![CDATA[<&>]]></x:C></B></s:E>`
	root, err := parseXML([]byte(doc))
	if err != nil {
		t.Fatalf("a byte order mark and namespaces: %v", err)
	}
	c := root.child("B").child("C")
	if root.name.Space != "urn:s" || root.child("B").name.Space != "urn:d" || c.name.Space != "urn:x" || c.text != "t<&>" {
		t.Errorf("names %v %v %v, text %q", root.name, root.child("B").name, c.name, c.text)
	}
	if uri, ok := c.lookup("s"); !ok || uri != "urn:s" {
		t.Errorf("prefix s resolves to %q", uri)
	}
}

func TestParseSimple(t *testing.T) {
	long, double, decimal := &typeDef{name: "long", kind: kindLong}, &typeDef{name: "double", kind: kindDouble}, &typeDef{name: "decimal", kind: kindDecimal}
	boolean, dateTime, str := &typeDef{name: "boolean", kind: kindBoolean}, &typeDef{name: "dateTime", kind: kindDateTime}, &typeDef{name: "string", kind: kindString}
	cases := []struct {
		td   *typeDef
		in   string
		want string // formatted value; "" means the text must be refused
	}{
		{long, "42", "42"}, {long, "-7", "-7"}, {long, "+7", "7"}, {long, " 7\n", "7"},
		{long, "7.0", ""}, {long, "", ""}, {long, "0x10", ""},
		{double, "975.5", "975.5"}, {double, "-0.07", "-0.07"}, {double, ".5", "0.5"}, {double, "5.", "5"},
		{double, "1.5e2", "150"}, {double, "1E-2", "0.01"}, {double, "INF", "INF"}, {double, "NaN", "NaN"},
		{double, "1,5", ""}, {double, "e5", ""}, {double, "1e401", ""}, {double, "inf", ""},
		{decimal, "50.82", "50.82"}, {decimal, "-0.21", "-0.21"}, {decimal, "1e2", ""}, {decimal, strings.Repeat("9", 29), ""},
		{boolean, "true", "true"}, {boolean, "0", "false"}, {boolean, "TRUE", ""},
		{dateTime, "2026-03-01", "2026-03-01T00:00:00"}, {dateTime, "2026-03-01T10:11:12.5", "2026-03-01T10:11:12"},
		{dateTime, "2026-03-01T23:30:00+01:00", "2026-03-01T23:30:00"}, {dateTime, "2026-02-30", ""}, {dateTime, "2026-3-1", ""},
		{str, "  spaced  ", "  spaced  "},
	}
	for _, c := range cases {
		v, err := parseSimple(c.td, c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s %q accepted as %v", c.td.name, c.in, v)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %q: %v", c.td.name, c.in, err)
			continue
		}
		var got string
		switch v := v.(type) {
		case int64:
			got = big.NewInt(v).String()
		case xsdDouble:
			got = v.special
			if v.rat != nil {
				got = formatAmount(v.rat)
			}
		case *big.Rat:
			got = formatAmount(v)
		case bool:
			got = map[bool]string{true: "true", false: "false"}[v]
		case time.Time:
			got = v.Format("2006-01-02T15:04:05")
		case string:
			got = v
		}
		if got != c.want {
			t.Errorf("%s %q = %q, want %q", c.td.name, c.in, got, c.want)
		}
	}
}
