package eboekhouden

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/koppeling/koppeling/internal/decimal"
)

const envStart = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>`
const envEnd = `</soap:Body></soap:Envelope>`

func envelope(body string) []byte { return []byte(envStart + body + envEnd) }

// Answers taken from §8 of the reference notes (values as given there).
var (
	sampleGetRelaties = envelope(`<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap">
  <GetRelatiesResult>
    <ErrorMsg />
    <Relaties>
      <cRelatie>
        <ID>12345678</ID><AddDatum>2024-01-15T00:00:00</AddDatum>
        <Code>K0001</Code><Bedrijf>Voorbeeld B.V.</Bedrijf><Contactpersoon>J. Jansen</Contactpersoon>
        <Geslacht>m</Geslacht><Adres>Straat 1</Adres><Postcode>1234 AB</Postcode><Plaats>Amsterdam</Plaats><Land>NL</Land>
        <Adres2 /><Postcode2 /><Plaats2 /><Land2 />
        <Telefoon>020-1234567</Telefoon><GSM /><FAX /><Email>info@voorbeeld.nl</Email><Site />
        <Notitie /><Bankrekening /><Girorekening /><BTWNummer>NL001234567B01</BTWNummer><KvkNummer>12345678</KvkNummer>
        <Aanhef /><IBAN>NL91ABNA0417164300</IBAN><BIC>ABNANL2A</BIC><BP>B</BP>
        <Def1 /><Def2 /><Def3 /><Def4 /><Def5 /><Def6 /><Def7 /><Def8 /><Def9 /><Def10 />
        <LA>0</LA><Gb_ID>0</Gb_ID><GeenEmail>0</GeenEmail><NieuwsbriefgroepenCount>0</NieuwsbriefgroepenCount>
      </cRelatie>
    </Relaties>
  </GetRelatiesResult>
</GetRelatiesResponse>`)
	sampleGetArtikelen = envelope(`<GetArtikelenResponse xmlns="http://www.e-boekhouden.nl/soap">
  <GetArtikelenResult>
    <ErrorMsg />
    <Artikelen>
      <cArtikel>
        <ArtikelID>3431202</ArtikelID><ArtikelOmschrijving>Diverse werkzaamheden</ArtikelOmschrijving>
        <ArtikelCode>TISP</ArtikelCode><GroepOmschrijving /><GroepCode /><Eenheid>uur</Eenheid>
        <InkoopprijsExclBTW>0</InkoopprijsExclBTW><VerkoopprijsExclBTW>42</VerkoopprijsExclBTW>
        <VerkoopprijsInclBTW>50.82</VerkoopprijsInclBTW><BTWCode>HOOG_VERK_21</BTWCode>
        <TegenrekeningCode>8020</TegenrekeningCode><BtwPercentage>0.21</BtwPercentage>
        <KostenplaatsID>0</KostenplaatsID><Actief>true</Actief>
      </cArtikel>
    </Artikelen>
  </GetArtikelenResult>
</GetArtikelenResponse>`)
	sampleGetFacturen = envelope(`<GetFacturenResponse xmlns="http://www.e-boekhouden.nl/soap">
  <GetFacturenResult>
    <ErrorMsg />
    <Facturen>
      <cFactuurList>
        <Factuurnummer>F00042</Factuurnummer>
        <Relatiecode xsi:type="xsd:string">K0002</Relatiecode>
        <Datum>2025-03-01T00:00:00</Datum>
        <Betalingstermijn>14</Betalingstermijn>
        <TotaalExclBTW>975.5</TotaalExclBTW><TotaalBTW>201.8</TotaalBTW>
        <TotaalInclBTW>1177.3</TotaalInclBTW><TotaalOpenstaand>1177.3</TotaalOpenstaand>
        <URLPDFBestand>https://secure.e-boekhouden.nl/bh/getfactuur.asp?c=1&amp;s=2</URLPDFBestand>
        <Regels>
          <cFactuurRegel><Aantal>10</Aantal><Eenheid>uur</Eenheid><Code>TISP</Code><Omschrijving>Advieswerkzaamheden maart</Omschrijving><PrijsPerEenheid>95</PrijsPerEenheid><BTWCode>HOOG_VERK_21</BTWCode><TegenrekeningCode>8000</TegenrekeningCode><KostenplaatsID>0</KostenplaatsID></cFactuurRegel>
          <cFactuurRegel><Aantal>1</Aantal><Eenheid>stuk</Eenheid><Code>BOEK</Code><Omschrijving>Handboek</Omschrijving><PrijsPerEenheid>25.5</PrijsPerEenheid><BTWCode>LAAG_VERK_9</BTWCode><TegenrekeningCode>8010</TegenrekeningCode><KostenplaatsID>0</KostenplaatsID></cFactuurRegel>
        </Regels>
      </cFactuurList>
    </Facturen>
  </GetFacturenResult>
</GetFacturenResponse>`)
	sampleGetOpenPosten = envelope(`<GetOpenPostenResponse xmlns="http://www.e-boekhouden.nl/soap"><GetOpenPostenResult><ErrorMsg /><Openposten>` +
		`<cOpenPost><MutDatum>2025-03-01T00:00:00</MutDatum><MutFactuur>F00042</MutFactuur><RelCode>K0002</RelCode><RelBedrijf>Nieuwe Klant B.V.</RelBedrijf><Bedrag>1177.3</Bedrag><Voldaan>0</Voldaan><Openstaand>1177.3</Openstaand></cOpenPost>` +
		`<cOpenPost xsi:nil="true" />` +
		`</Openposten></GetOpenPostenResult></GetOpenPostenResponse>`)
	sampleAddRelatieError = envelope(`<AddRelatieResponse xmlns="http://www.e-boekhouden.nl/soap"><AddRelatieResult><ErrorMsg><LastErrorCode>CREL001</LastErrorCode><LastErrorDescription>(Dutch description text from server)</LastErrorDescription></ErrorMsg><Rel_ID>0</Rel_ID></AddRelatieResult></AddRelatieResponse>`)
	sampleOpenSession     = envelope(`<OpenSessionResponse xmlns="http://www.e-boekhouden.nl/soap"><OpenSessionResult><ErrorMsg /><SessionID>3f2a-session-guid</SessionID></OpenSessionResult></OpenSessionResponse>`)
	sampleUpdateRelatieOK = envelope(`<UpdateRelatieResponse xmlns="http://www.e-boekhouden.nl/soap"><UpdateRelatieResult /></UpdateRelatieResponse>`)
	sampleAddFactuur      = envelope(`<AddFactuurResponse xmlns="http://www.e-boekhouden.nl/soap"><AddFactuurResult><ErrorMsg /><Factuurnummer>F00042</Factuurnummer></AddFactuurResult></AddFactuurResponse>`)
	sampleCloseSession    = envelope(`<CloseSessionResponse xmlns="http://www.e-boekhouden.nl/soap" />`)
	sampleFault           = envelope(`<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Server was unable to read request. ---&gt; There is an error in XML document (1, 2).</faultstring><detail /></soap:Fault>`)
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDecodeReferenceSamples(t *testing.T) {
	t.Run("GetRelaties", func(t *testing.T) {
		var out getRelatiesResponse
		if err := decodeAnswer(opGetRelaties, sampleGetRelaties, &out); err != nil {
			t.Fatal(err)
		}
		rels, err := out.relations()
		if err != nil || len(rels) != 1 {
			t.Fatalf("relations = %d, %v", len(rels), err)
		}
		want := Relation{
			ID: 12345678, AddedOn: date(2024, 1, 15), Code: "K0001", Company: "Voorbeeld B.V.", ContactPerson: "J. Jansen",
			Gender: "m", Address: "Straat 1", PostalCode: "1234 AB", City: "Amsterdam", Country: "NL",
			Phone: "020-1234567", Email: "info@voorbeeld.nl", VATNumber: "NL001234567B01", ChamberOfCommerce: "12345678",
			IBAN: "NL91ABNA0417164300", BIC: "ABNANL2A", Kind: RelationBusiness, MembersModule: "0",
		}
		if !reflect.DeepEqual(rels[0], want) {
			t.Errorf("relation =\n%+v\nwant\n%+v", rels[0], want)
		}
	})
	t.Run("GetArtikelen", func(t *testing.T) {
		var out getArtikelenResponse
		if err := decodeAnswer(opGetArtikelen, sampleGetArtikelen, &out); err != nil {
			t.Fatal(err)
		}
		ps, err := out.products()
		if err != nil || len(ps) != 1 {
			t.Fatalf("products = %d, %v", len(ps), err)
		}
		want := Product{
			ID: 3431202, Code: "TISP", Description: "Diverse werkzaamheden", Unit: "uur",
			SalePrice: decimal.MustParse("42"), SalePriceInclVAT: decimal.MustParse("50.82"),
			VATCode: "HOOG_VERK_21", LedgerCode: "8020", VATRate: decimal.MustParse("0.21"), Active: true,
		}
		if !reflect.DeepEqual(ps[0], want) {
			t.Errorf("product =\n%+v\nwant\n%+v", ps[0], want)
		}
	})
	t.Run("GetFacturen", func(t *testing.T) {
		var out getFacturenResponse
		if err := decodeAnswer(opGetFacturen, sampleGetFacturen, &out); err != nil {
			t.Fatal(err)
		}
		invs, err := out.invoices()
		if err != nil || len(invs) != 1 {
			t.Fatalf("invoices = %d, %v", len(invs), err)
		}
		inv := invs[0]
		if inv.Number != "F00042" || inv.RelationCode != "K0002" || !inv.Date.Equal(date(2025, 3, 1)) || inv.PaymentTermDays != 14 {
			t.Errorf("invoice header = %+v", inv)
		}
		for name, got := range map[string]decimal.Decimal{"excl": inv.TotalExclVAT, "vat": inv.TotalVAT, "incl": inv.TotalInclVAT, "open": inv.TotalOutstanding} {
			want := map[string]string{"excl": "975.5", "vat": "201.8", "incl": "1177.3", "open": "1177.3"}[name]
			if got.String() != want {
				t.Errorf("total %s = %s, want %s", name, got, want)
			}
		}
		if inv.PDFURL != "https://secure.e-boekhouden.nl/bh/getfactuur.asp?c=1&s=2" {
			t.Errorf("PDF URL = %q", inv.PDFURL)
		}
		if len(inv.Lines) != 2 || inv.Lines[1].UnitPrice.String() != "25.5" || inv.Lines[0].Quantity.String() != "10" || inv.Lines[1].LedgerCode != "8010" {
			t.Errorf("lines = %+v", inv.Lines)
		}
	})
	t.Run("GetOpenPosten skips nil items", func(t *testing.T) {
		var out getOpenPostenResponse
		if err := decodeAnswer(opGetOpenPosten, sampleGetOpenPosten, &out); err != nil {
			t.Fatal(err)
		}
		items, err := out.openItems()
		if err != nil || len(items) != 1 {
			t.Fatalf("items = %d, %v", len(items), err)
		}
		want := OpenItem{Date: date(2025, 3, 1), InvoiceNumber: "F00042", RelationCode: "K0002", RelationCompany: "Nieuwe Klant B.V.",
			Amount: decimal.MustParse("1177.3"), Outstanding: decimal.MustParse("1177.3")}
		if !reflect.DeepEqual(items[0], want) {
			t.Errorf("item = %+v, want %+v", items[0], want)
		}
	})
	t.Run("business error", func(t *testing.T) {
		var out addRelatieResponse
		if err := decodeAnswer(opAddRelatie, sampleAddRelatieError, &out); err != nil {
			t.Fatal(err)
		}
		if e := out.errorMsg(); !e.failed() || e.Code != "CREL001" || e.Description != "(Dutch description text from server)" {
			t.Errorf("errorMsg = %+v", e)
		}
	})
	t.Run("OpenSession, AddFactuur, UpdateRelatie, CloseSession", func(t *testing.T) {
		var os openSessionResponse
		var af addFactuurResponse
		var ur updateRelatieResponse
		var cs closeSessionResponse
		for _, c := range []struct {
			op  string
			raw []byte
			out filler
		}{{opOpenSession, sampleOpenSession, &os}, {opAddFactuur, sampleAddFactuur, &af}, {opUpdateRelatie, sampleUpdateRelatieOK, &ur}, {opCloseSession, sampleCloseSession, &cs}} {
			if err := decodeAnswer(c.op, c.raw, c.out); err != nil {
				t.Fatalf("%s: %v", c.op, err)
			}
			if !c.out.present() || c.out.errorMsg().failed() {
				t.Errorf("%s: present=%v error=%+v", c.op, c.out.present(), c.out.errorMsg())
			}
		}
		if os.Result.SessionID != "3f2a-session-guid" || af.Result.Number != "F00042" {
			t.Errorf("session %q, number %q", os.Result.SessionID, af.Result.Number)
		}
	})
	t.Run("fault in body", func(t *testing.T) {
		var out addFactuurResponse
		err := decodeAnswer(opAddFactuur, sampleFault, &out)
		var fb *faultInBody
		if !errors.As(err, &fb) || fb.fault.Code != "soap:Client" || !strings.HasPrefix(fb.fault.String, "Server was unable to read request. --->") {
			t.Fatalf("err = %v", err)
		}
		if f := parseFault(sampleFault); f == nil || f.Code != "soap:Client" {
			t.Errorf("parseFault = %+v", f)
		}
	})
}

func TestDecodeRefusesWrongAnswers(t *testing.T) {
	cases := []struct {
		name string
		op   string
		raw  string
	}{
		{"other operation", opAddFactuur, string(sampleGetRelaties)},
		{"wrong namespace", opCloseSession, envStart + `<CloseSessionResponse xmlns="http://example.com/soap" />` + envEnd},
		{"no namespace", opCloseSession, envStart + `<CloseSessionResponse />` + envEnd},
		{"empty body", opCloseSession, envStart + envEnd},
		{"not an envelope", opCloseSession, `<html><body>Service Unavailable</body></html>`},
		{"SOAP 1.2 envelope", opCloseSession, `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><CloseSessionResponse xmlns="http://www.e-boekhouden.nl/soap" /></env:Body></env:Envelope>`},
		{"no body", opCloseSession, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>`},
		{"truncated", opGetRelaties, string(sampleGetRelaties[:len(sampleGetRelaties)/2])},
		{"empty", opGetRelaties, ""},
		{"JSON", opGetRelaties, `{"error":"x"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out getRelatiesResponse
			var cs closeSessionResponse
			var f filler = &out
			if c.op == opCloseSession {
				f = &cs
			} else if c.op == opAddFactuur {
				f = &addFactuurResponse{}
			}
			err := decodeAnswer(c.op, []byte(c.raw), f)
			if !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
		})
	}
}

func TestDecodeMissingResultIsNotPresent(t *testing.T) {
	for _, c := range []struct {
		op  string
		out filler
	}{
		{opGetRelaties, &getRelatiesResponse{}}, {opAddRelatie, &addRelatieResponse{}}, {opUpdateRelatie, &updateRelatieResponse{}},
		{opGetArtikelen, &getArtikelenResponse{}}, {opAddFactuur, &addFactuurResponse{}}, {opGetFacturen, &getFacturenResponse{}},
		{opGetOpenPosten, &getOpenPostenResponse{}}, {opOpenSession, &openSessionResponse{}},
	} {
		padded := envelope(`<` + c.op + `Response xmlns="http://www.e-boekhouden.nl/soap"><SandboxPadding>xxx</SandboxPadding></` + c.op + `Response>`)
		err := decodeAnswer(c.op, padded, c.out)
		if checkedOps[c.op] {
			// A list answer with an element the WSDL does not define is refused
			// outright; without any element it is an answer without result.
			if !errors.Is(err, errUnrecognised) || !strings.Contains(err.Error(), "<SandboxPadding>") {
				t.Errorf("%s: err = %v, want errUnrecognised naming SandboxPadding", c.op, err)
			}
			err = decodeAnswer(c.op, envelope(`<`+c.op+`Response xmlns="http://www.e-boekhouden.nl/soap" />`), c.out)
		}
		if err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		if c.out.present() {
			t.Errorf("%s: an answer without %sResult counts as present", c.op, c.op)
		}
	}
}

func TestDecodeBadValues(t *testing.T) {
	rel := func(field, value string) []byte {
		return envelope(`<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetRelatiesResult><ErrorMsg /><Relaties><cRelatie><ID>1</ID><Code>X</Code><` + field + `>` + value + `</` + field + `></cRelatie></Relaties></GetRelatiesResult></GetRelatiesResponse>`)
	}
	for _, c := range []struct{ field, value string }{
		{"ID", "abc"}, {"ID", "99999999999999999999"}, {"AddDatum", "15-01-2024"}, {"Gb_ID", "1.5"}, {"GeenEmail", "ja"},
	} {
		var out getRelatiesResponse
		if err := decodeAnswer(opGetRelaties, rel(c.field, c.value), &out); err != nil {
			t.Fatalf("%s: %v", c.field, err)
		}
		if _, err := out.relations(); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s=%q: err = %v, want an error naming the field", c.field, c.value, err)
		}
	}
	art := envelope(`<GetArtikelenResponse xmlns="http://www.e-boekhouden.nl/soap"><GetArtikelenResult><Artikelen><cArtikel><ArtikelID>1</ArtikelID><VerkoopprijsExclBTW>1.23456</VerkoopprijsExclBTW></cArtikel></Artikelen></GetArtikelenResult></GetArtikelenResponse>`)
	var out getArtikelenResponse
	if err := decodeAnswer(opGetArtikelen, art, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := out.products(); err == nil || !strings.Contains(err.Error(), "VerkoopprijsExclBTW") {
		t.Errorf("a price with five decimals was not refused: %v", err)
	}
}

// stdDecode decodes an answer with encoding/xml into out, with the same
// envelope checks as decodeAnswer: the reference the reader is compared to.
func stdDecode(op string, raw []byte, out any) error {
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.CharsetReader = charset.NewReaderLabel
	depth := 0
	inBody := false
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && (t.Name.Local != "Envelope" || t.Name.Space != nsSOAPEnv):
				return errors.New("not an envelope")
			case depth == 2 && t.Name.Local == "Body" && t.Name.Space == nsSOAPEnv:
				inBody = true
			case depth == 3 && inBody:
				if t.Name.Local != op+"Response" || t.Name.Space != nsTNS {
					return errors.New("wrong element")
				}
				if err := d.DecodeElement(out, &t); err != nil {
					return err
				}
				// The rest of the document must be well-formed too.
				for {
					if _, err := d.Token(); err != nil {
						if errors.Is(err, io.EOF) {
							return nil
						}
						return err
					}
				}
			}
		case xml.EndElement:
			depth--
			if depth == 1 && inBody {
				return errors.New("empty body")
			}
		}
	}
}

// newResponse returns an empty response struct for an operation.
func newResponse(op string) filler {
	switch op {
	case opOpenSession:
		return &openSessionResponse{}
	case opGetRelaties:
		return &getRelatiesResponse{}
	case opAddRelatie:
		return &addRelatieResponse{}
	case opUpdateRelatie:
		return &updateRelatieResponse{}
	case opGetArtikelen:
		return &getArtikelenResponse{}
	case opAddFactuur:
		return &addFactuurResponse{}
	case opGetFacturen:
		return &getFacturenResponse{}
	case opGetOpenPosten:
		return &getOpenPostenResponse{}
	}
	return &closeSessionResponse{}
}

var allOps = []string{opOpenSession, opCloseSession, opGetRelaties, opAddRelatie, opUpdateRelatie, opGetArtikelen, opAddFactuur, opGetFacturen, opGetOpenPosten}

// compareWithStd checks that, when both accept raw, the reader and
// encoding/xml fill the same values.
func compareWithStd(t *testing.T, op string, raw []byte) (mineOK bool) {
	t.Helper()
	mine, std := newResponse(op), newResponse(op)
	errMine := decodeAnswer(op, raw, mine)
	errStd := stdDecode(op, raw, std)
	if errMine == nil && errStd == nil && !reflect.DeepEqual(mine, std) {
		t.Fatalf("%s: reader and encoding/xml disagree on %q\nreader:       %+v\nencoding/xml: %+v", op, raw, mine, std)
	}
	return errMine == nil
}

func TestDecodeMatchesEncodingXML(t *testing.T) {
	variants := map[string]func(string) string{
		"as is":   func(s string) string { return s },
		"CRLF":    func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") },
		"comment": func(s string) string { return strings.ReplaceAll(s, "<ErrorMsg />", "<!-- c --><ErrorMsg /><?pi x?>") },
		"CDATA": func(s string) string {
			return strings.ReplaceAll(s, "<Code>K0001</Code>", "<Code><![CDATA[K0]]>00<![CDATA[1]]></Code>")
		},
		"entities": func(s string) string {
			return strings.ReplaceAll(s, "Voorbeeld B.V.", "Voorbeeld &amp; Zn &lt;B.V.&gt; &#233;&#xE9; &quot;x&apos;")
		},
		"prefixed": func(s string) string {
			s = strings.ReplaceAll(s, `<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap">`, `<eb:GetRelatiesResponse xmlns:eb="http://www.e-boekhouden.nl/soap">`)
			return strings.ReplaceAll(s, `</GetRelatiesResponse>`, `</eb:GetRelatiesResponse>`)
		},
		"duplicate field": func(s string) string {
			return strings.ReplaceAll(s, "<Code>K0001</Code>", "<Code>A</Code><Code>B</Code>")
		},
		"nil item": func(s string) string {
			return strings.ReplaceAll(s, "<Relaties>", `<Relaties><cRelatie xsi:nil="true" />`)
		},
		"two results": func(s string) string {
			return strings.ReplaceAll(s, "</GetRelatiesResult>", "</GetRelatiesResult><GetRelatiesResult><Relaties><cRelatie><Code>Z</Code></cRelatie></Relaties></GetRelatiesResult>")
		},
		"nested text": func(s string) string {
			return strings.ReplaceAll(s, "<Code>K0001</Code>", "<Code>K0<x>ignored</x>001</Code>")
		},
		"BOM": func(s string) string { return "\xEF\xBB\xBF" + s },
		"ISO-8859-1": func(s string) string {
			s = strings.Replace(s, `encoding="utf-8"`, `encoding="ISO-8859-1"`, 1)
			return strings.ReplaceAll(s, "Voorbeeld B.V.", "Caf\xe9 B.V.")
		},
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			raw := []byte(v(string(sampleGetRelaties)))
			if !compareWithStd(t, opGetRelaties, raw) {
				t.Fatalf("reader refused a valid answer")
			}
		})
	}
	for i, raw := range [][]byte{sampleGetArtikelen, sampleGetFacturen, sampleGetOpenPosten, sampleAddRelatieError, sampleOpenSession, sampleUpdateRelatieOK, sampleAddFactuur} {
		op := []string{opGetArtikelen, opGetFacturen, opGetOpenPosten, opAddRelatie, opOpenSession, opUpdateRelatie, opAddFactuur}[i]
		if !compareWithStd(t, op, raw) {
			t.Errorf("%s: reader refused the reference sample", op)
		}
	}
}

func TestDecodeISO88591(t *testing.T) {
	raw := strings.Replace(string(sampleGetRelaties), `encoding="utf-8"`, `encoding="ISO-8859-1"`, 1)
	raw = strings.ReplaceAll(raw, "Voorbeeld B.V.", "Caf\xe9 B.V.")
	var out getRelatiesResponse
	if err := decodeAnswer(opGetRelaties, []byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	if rels, _ := out.relations(); len(rels) != 1 || rels[0].Company != "Café B.V." {
		t.Errorf("relations = %+v", rels)
	}
}

func TestParseXMLRefuses(t *testing.T) {
	cases := map[string]string{
		"mismatched end tag":   `<a><b></a></b>`,
		"unclosed":             `<a><b></b>`,
		"end without start":    `</a>`,
		"two roots":            `<a/><b/>`,
		"text outside root":    `x<a/>`,
		"undeclared prefix":    `<p:a/>`,
		"undeclared attr":      `<a p:x="1"/>`,
		"DTD":                  `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`,
		"unknown entity":       `<a>&nbsp;</a>`,
		"unterminated entity":  `<a>&amp</a>`,
		"bad char ref":         `<a>&#0;</a>`,
		"bad hex ref":          `<a>&#xZZ;</a>`,
		"invalid UTF-8":        "<a>\xff</a>",
		"unterminated comment": `<a><!-- x</a>`,
		"unterminated CDATA":   `<a><![CDATA[x</a>`,
		"unquoted attribute":   `<a x=1/>`,
		"attribute no value":   `<a x/>`,
		"duplicate attribute":  `<a x="1" x="2"/>`,
		"lt in attribute":      `<a x="<"/>`,
		"empty":                ``,
		"only whitespace":      " \n ",
		"bad name":             `<1a/>`,
		"empty prefix":         `<:a/>`,
		"empty local":          `<a:/>`,
		"broken self-close":    `<a /x>`,
		"unterminated tag":     `<a x="1"`,
		"too deep":             strings.Repeat("<a>", maxXMLDepth+1) + strings.Repeat("</a>", maxXMLDepth+1),
		"empty ns prefix decl": `<a xmlns:p=""/>`,
		"unknown encoding":     `<?xml version="1.0" encoding="x-nonsense"?><a/>`,
		"too many attributes":  `<a` + manyAttrs(maxXMLAttrs+1) + `/>`,
		"too many namespaces":  `<a>` + manyNamespaces(maxXMLNamespaces) + `</a>`,
		"too many elements":    `<a>` + strings.Repeat(`<b/>`, maxXMLElements) + `</a>`,
		"too many bindings":    strings.Repeat(`<a `+manyPrefixes(60)+`>`, 20) + strings.Repeat(`</a>`, 20),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := parseXML([]byte(doc)); !errors.Is(err, errXML) {
				t.Errorf("parseXML(%q) err = %v, want errXML", clip(doc), err)
			}
		})
	}
	// Just inside the depth limit is fine.
	ok := strings.Repeat("<a>", maxXMLDepth) + strings.Repeat("</a>", maxXMLDepth)
	if _, err := parseXML([]byte(ok)); err != nil {
		t.Errorf("depth %d refused: %v", maxXMLDepth, err)
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d="%d"`, i, i)
	}
	return b.String()
}

func manyNamespaces(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<b xmlns="urn:x:%d"/>`, i)
	}
	return b.String()
}

func manyPrefixes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` xmlns:p%d="urn:x"`, i)
	}
	return b.String()
}

func TestParseXMLLimitsAllowRealAnswers(t *testing.T) {
	// Just inside every limit.
	for name, doc := range map[string]string{
		"attributes": `<a` + manyAttrs(maxXMLAttrs) + `/>`,
		"namespaces": `<a>` + manyNamespaces(maxXMLNamespaces-2) + `</a>`, // "" and xml are built in
		"elements":   `<a>` + strings.Repeat(`<b/>`, maxXMLElements-1) + `</a>`,
	} {
		if _, err := parseXML([]byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseXMLManyTextSegmentsIsLinear(t *testing.T) {
	// 200,000 text segments in one element: quadratic concatenation would
	// take minutes.
	doc := "<a>" + strings.Repeat("x<b/>", 200000) + "</a>"
	start := time.Now()
	d, err := parseXML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(d.textOf(0)); got != 200000 {
		t.Fatalf("text length %d", got)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %s", el)
	}
}

func TestDeclaredEncoding(t *testing.T) {
	for doc, want := range map[string]string{
		`<?xml version="1.0" encoding="utf-8"?><a/>`:       "utf-8",
		`<?xml version='1.0' encoding = 'ISO-8859-1' ?>`:   "ISO-8859-1",
		`<?xml version="1.0"?><a/>`:                        "",
		`<a/>`:                                             "",
		`<?xml version="1.0" encoding="utf-8"`:             "",
		`<?xml version="1.0" encoding=utf-8?>`:             "",
		`<?xml version="1.0" encoding="unterminated ?><a>`: "",
	} {
		if got := declaredEncoding([]byte(doc)); got != want {
			t.Errorf("declaredEncoding(%q) = %q, want %q", doc, got, want)
		}
	}
}

func ExampleCredentials() {
	c := Credentials{Username: "demo", SecurityCode1: "0123456789abcdef0123456789abcdef", SecurityCode2: "01234567-89AB-CDEF-0123-456789ABCDEF"}
	fmt.Printf("%v\n", c)
	// Output: {Username:demo SecurityCode1:REDACTED SecurityCode2:REDACTED}
}
