package eboekhouden

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseEmbeddedSchema(t *testing.T) {
	if !bytes.HasPrefix(wsdlBytes, []byte("<!-- Source: GitHub repository wwbakker/zio-eboekhouden")) {
		t.Fatal("embedded WSDL does not start with the reference's source comment")
	}
	sc, err := parseSchema(wsdlBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.ops) != 20 {
		t.Fatalf("%d operations, want the WSDL's 20: %v", len(sc.ops), sc.opNames)
	}
	for name, op := range sc.ops {
		if op.action != nsTNS+"/"+name {
			t.Errorf("%s: soapAction %q", name, op.action)
		}
		if op.input.name != name || op.output.name != name+"Response" {
			t.Errorf("%s: elements %s / %s", name, op.input.name, op.output.name)
		}
	}

	fact := sc.types["cFactuur"]
	var names []string
	for _, f := range fact.fields[:5] {
		names = append(names, f.name)
	}
	if got := strings.Join(names, ","); got != "Factuurnummer,Relatiecode,Datum,Betalingstermijn,Factuursjabloon" {
		t.Errorf("cFactuur sequence starts %s", got)
	}
	fieldOf := func(typ, name string) *field {
		td := sc.types[typ]
		return td.fields[td.index[name]]
	}
	cases := []struct {
		f        *field
		min, max int
		kind     kind
		nillable bool
	}{
		{fieldOf("cFactuur", "Datum"), 1, 1, kindDateTime, false},
		{fieldOf("cFactuur", "Factuurnummer"), 0, 1, kindString, false},
		{fieldOf("cFactuurRegel", "KostenplaatsID"), 1, 1, kindLong, false},
		{fieldOf("cFactuurRegel", "Aantal"), 1, 1, kindDouble, false},
		{fieldOf("ArrayOfCFactuurRegel", "cFactuurRegel"), 0, -1, kindComplex, true},
		{fieldOf("cArtikel", "BtwPercentage"), 1, 1, kindDecimal, false},
		{fieldOf("cArtikel", "Actief"), 1, 1, kindBoolean, false},
		{fieldOf("cFactuurList", "Relatiecode"), 0, 1, kindAny, false},
		{fieldOf("cSaldoFilter", "DatumVan"), 1, 1, kindDateTime, true},
	}
	for _, c := range cases {
		if c.f.min != c.min || c.f.max != c.max || c.f.typ.kind != c.kind || c.f.nillable != c.nillable {
			t.Errorf("%s: min %d max %d kind %d nillable %t", c.f.name, c.f.min, c.f.max, c.f.typ.kind, c.f.nillable)
		}
	}
	op := sc.elements["GetOpenPosten"].typ
	soort := op.fields[op.index["OpSoort"]]
	if soort.typ.kind != kindEnum || strings.Join(soort.typ.enum, ",") != "Debiteuren,Crediteuren" {
		t.Errorf("OpSoort: %+v", soort.typ)
	}
	if res := sc.ops["UpdateRelatie"].output.typ.fields[0]; res.typ.name != "cError" {
		t.Errorf("UpdateRelatieResult is %s, want cError", res.typ.name)
	}
	if n := len(sc.ops["CloseSession"].output.typ.fields); n != 0 {
		t.Errorf("CloseSessionResponse has %d fields", n)
	}
}

func TestParseSchemaRejectsWhatItCannotValidate(t *testing.T) {
	cases := map[string][2]string{
		"unknown type":      {`name="Datum" type="s:dateTime"`, `name="Datum" type="tns:cDatum"`},
		"undeclared prefix": {`name="Datum" type="s:dateTime"`, `name="Datum" type="x:dateTime"`},
		"unsupported XSD":   {`name="Datum" type="s:dateTime"`, `name="Datum" type="s:duration"`},
		"bad minOccurs":     {`minOccurs="1" maxOccurs="1" name="Datum"`, `minOccurs="one" maxOccurs="1" name="Datum"`},
		"duplicate field":   {`name="Betalingstermijn" type="s:long"`, `name="Datum" type="s:long"`},
		"no binding action": {`soapAction="http://www.e-boekhouden.nl/soap/AddFactuur"`, `soapAction=""`},
		"unknown message":   {`<wsdl:input message="tns:AddFactuurSoapIn" />`, `<wsdl:input message="tns:AddFactuurSoapInX" />`},
		"not qualified":     {`elementFormDefault="qualified"`, `elementFormDefault="unqualified"`},
		"not XML":           {`</wsdl:definitions>`, `</wsdl:definition>`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			broken := bytes.Replace(wsdlBytes, []byte(c[0]), []byte(c[1]), 1)
			if bytes.Equal(broken, wsdlBytes) {
				t.Fatalf("test edit %q not found in the WSDL", c[0])
			}
			if _, err := parseSchema(broken); err == nil {
				t.Fatal("parseSchema accepted a WSDL it cannot validate against")
			}
		})
	}
}
