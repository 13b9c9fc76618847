package eboekhouden

import (
	"fmt"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
)

// relatiesEnvelope builds a GetRelaties answer with n relations, every
// cRelatie element present, compact as ASMX writes it (§8.2).
func relatiesEnvelope(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetRelatiesResult><ErrorMsg /><Relaties>`)
	for i := range n {
		fmt.Fprintf(&b, `<cRelatie><ID>%d</ID><AddDatum>2024-01-15T00:00:00</AddDatum><Code>K%05d</Code><Bedrijf>Voorbeeld %d B.V.</Bedrijf><Contactpersoon>J. Jansen</Contactpersoon><Geslacht>m</Geslacht><Adres>Straat %d</Adres><Postcode>1234 AB</Postcode><Plaats>Amsterdam</Plaats><Land>NL</Land><Adres2 /><Postcode2 /><Plaats2 /><Land2 /><Telefoon>020-1234567</Telefoon><GSM /><FAX /><Email>info%d@voorbeeld.nl</Email><Site>www.voorbeeld.nl</Site><Notitie>Klant sinds 2024 &amp; vaste prijsafspraak</Notitie><Bankrekening /><Girorekening /><BTWNummer>NL001234567B01</BTWNummer><KvkNummer>12345678</KvkNummer><Aanhef>Geachte heer Jansen</Aanhef><IBAN>NL91ABNA0417164300</IBAN><BIC>ABNANL2A</BIC><BP>B</BP><Def1 /><Def2 /><Def3 /><Def4 /><Def5 /><Def6 /><Def7 /><Def8 /><Def9 /><Def10 /><LA>0</LA><Gb_ID>0</Gb_ID><GeenEmail>0</GeenEmail><NieuwsbriefgroepenCount>0</NieuwsbriefgroepenCount></cRelatie>`, 4100000+i, i, i, i, i)
	}
	b.WriteString(`</Relaties></GetRelatiesResult></GetRelatiesResponse></soap:Body></soap:Envelope>`)
	return []byte(b.String())
}

// BenchmarkDecodeGetRelaties2000 measures what the client does with a
// GetRelaties answer of 2,000 relations once its last byte has arrived:
// parse, fill, map to []Relation. (gosoap only decodes an empty envelope in
// its place: see transport.go.)
func BenchmarkDecodeGetRelaties2000(b *testing.B) {
	raw := relatiesEnvelope(2000)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var out getRelatiesResponse
		if err := decodeAnswer(opGetRelaties, raw, &out); err != nil {
			b.Fatal(err)
		}
		rels, err := out.relations()
		if err != nil || len(rels) != 2000 {
			b.Fatalf("got %d relations, %v", len(rels), err)
		}
	}
}

// BenchmarkDecodeGetRelaties2000EncodingXML is the same answer read by
// encoding/xml into the same structs (as the tests compare them), then
// mapped: the yardstick for the reader.
func BenchmarkDecodeGetRelaties2000EncodingXML(b *testing.B) {
	stdDecodeAnswer := func(op string, raw []byte, out filler) error { return stdDecode(op, raw, out) }
	benchList(b, stdDecodeAnswer, opGetRelaties, relatiesEnvelope(2000), (*getRelatiesResponse).relations, 2000)
}

// listEnvelope builds a list answer of n copies of item, numbered by %d.
func listEnvelope(op, list string, n int, item string) []byte {
	var b strings.Builder
	b.WriteString(envStart + `<` + op + `Response xmlns="http://www.e-boekhouden.nl/soap"><` + op + `Result><ErrorMsg /><` + list + `>`)
	for i := range n {
		fmt.Fprintf(&b, item, i)
	}
	b.WriteString(`</` + list + `></` + op + `Result></` + op + `Response>` + envEnd)
	return []byte(b.String())
}

// The other list answers, decoded and mapped: every generated record.
var (
	artikelenEnvelope = listEnvelope(opGetArtikelen, "Artikelen", 2000, `<cArtikel><ArtikelID>%d</ArtikelID><ArtikelOmschrijving>Diverse werkzaamheden</ArtikelOmschrijving><ArtikelCode>TISP</ArtikelCode><GroepOmschrijving /><GroepCode /><Eenheid>uur</Eenheid><InkoopprijsExclBTW>0</InkoopprijsExclBTW><VerkoopprijsExclBTW>42</VerkoopprijsExclBTW><VerkoopprijsInclBTW>50.82</VerkoopprijsInclBTW><BTWCode>HOOG_VERK_21</BTWCode><TegenrekeningCode>8020</TegenrekeningCode><BtwPercentage>0.21</BtwPercentage><KostenplaatsID>0</KostenplaatsID><Actief>true</Actief></cArtikel>`)
	facturenEnvelope  = listEnvelope(opGetFacturen, "Facturen", 500, `<cFactuurList><Factuurnummer>F%05d</Factuurnummer><Relatiecode xsi:type="xsd:string">K0002</Relatiecode><Datum>2025-03-01T00:00:00</Datum><Betalingstermijn>14</Betalingstermijn><TotaalExclBTW>975.5</TotaalExclBTW><TotaalBTW>201.8</TotaalBTW><TotaalInclBTW>1177.3</TotaalInclBTW><TotaalOpenstaand>1177.3</TotaalOpenstaand><URLPDFBestand>https://secure.e-boekhouden.nl/bh/getfactuur.asp?c=1&amp;s=2</URLPDFBestand><Regels>`+
		strings.Repeat(`<cFactuurRegel><Aantal>10</Aantal><Eenheid>uur</Eenheid><Code>TISP</Code><Omschrijving>Advieswerkzaamheden maart</Omschrijving><PrijsPerEenheid>95</PrijsPerEenheid><BTWCode>HOOG_VERK_21</BTWCode><TegenrekeningCode>8000</TegenrekeningCode><KostenplaatsID>0</KostenplaatsID></cFactuurRegel>`, 4)+
		`</Regels></cFactuurList>`)
	openPostenEnvelope = listEnvelope(opGetOpenPosten, "Openposten", 2000, `<cOpenPost><MutDatum>2025-03-01T00:00:00</MutDatum><MutFactuur>F%05d</MutFactuur><RelCode>K0002</RelCode><RelBedrijf>Nieuwe Klant B.V.</RelBedrijf><Bedrag>1177.3</Bedrag><Voldaan>0</Voldaan><Openstaand>1177.3</Openstaand></cOpenPost>`)
)

// benchList measures decoding raw as op's answer into a new R and mapping
// it with list, which must give n records.
func benchList[R any, PR interface {
	*R
	filler
}, T any](b *testing.B, decode func(op string, raw []byte, out filler) error, op string, raw []byte, list func(PR) ([]T, error), n int) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		out := PR(new(R))
		if err := decode(op, raw, out); err != nil {
			b.Fatal(err)
		}
		if got, err := list(out); err != nil || len(got) != n {
			b.Fatalf("got %d records, %v", len(got), err)
		}
	}
}

func BenchmarkDecodeGetArtikelen2000(b *testing.B) {
	benchList(b, decodeAnswer, opGetArtikelen, artikelenEnvelope, (*getArtikelenResponse).products, 2000)
}

// BenchmarkDecodeGetFacturen500 reads 500 invoices of four lines each.
func BenchmarkDecodeGetFacturen500(b *testing.B) {
	benchList(b, decodeAnswer, opGetFacturen, facturenEnvelope, func(r *getFacturenResponse) ([]InvoiceSummary, error) {
		inv, err := r.invoices()
		if err == nil && len(inv[len(inv)-1].Lines) != 4 {
			err = fmt.Errorf("%d lines, want 4", len(inv[len(inv)-1].Lines))
		}
		return inv, err
	}, 500)
}

func BenchmarkDecodeGetOpenPosten2000(b *testing.B) {
	benchList(b, decodeAnswer, opGetOpenPosten, openPostenEnvelope, (*getOpenPostenResponse).openItems, 2000)
}

// BenchmarkRelations2000Sandbox is the whole call against the sandbox over
// loopback HTTP: request through gosoap, the sandbox's work, the answer.
func BenchmarkRelations2000Sandbox(b *testing.B) {
	ds := demodata.Default()
	base := ds.EBoekhouden.Relations[0]
	ds.EBoekhouden.Relations = nil
	for i := range 2000 {
		r := base
		r.ID = int64(5000000 + i)
		r.Code = fmt.Sprintf("K%05d", i)
		ds.EBoekhouden.Relations = append(ds.EBoekhouden.Relations, r)
	}
	ds.EBoekhouden.Invoices = nil
	env := newSandboxB(b, ds)
	ctx := b.Context()
	if _, err := env.Relations(ctx, RelationFilter{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rels, err := env.Relations(ctx, RelationFilter{})
		if err != nil || len(rels) != 2000 {
			b.Fatalf("got %d relations, %v", len(rels), err)
		}
	}
}

func newSandboxB(b *testing.B, ds *demodata.Dataset) *Client {
	b.Helper()
	srv := sbeb.New(sbeb.Options{Dataset: ds.EBoekhouden})
	hs := newLoopbackServer(b, srv)
	c, err := New(Config{Endpoint: hs + sbeb.Path, Credentials: Credentials{
		Username: ds.EBoekhouden.Credentials.Username, SecurityCode1: ds.EBoekhouden.Credentials.SecurityCode1,
		SecurityCode2: ds.EBoekhouden.Credentials.SecurityCode2,
	}})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
