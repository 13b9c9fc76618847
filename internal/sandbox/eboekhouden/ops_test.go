package eboekhouden

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// wrap puts an operation element, written out as in §8 of the reference
// notes, into the SOAP envelope.
func wrap(opElement string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    ` + opElement + `
  </soap:Body>
</soap:Envelope>`
}

// exampleCall posts one of the reference examples and checks the response
// against the schema before decoding it.
func (e *env) exampleCall(op, body string, out any) []byte {
	e.t.Helper()
	status, resp := e.post(body, "Content-Type", "text/xml; charset=utf-8", "SOAPAction", action(op))
	if status != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d: %s", op, status, resp)
	}
	checkResponse(e.t, op, resp)
	decodeBody(e.t, resp, out)
	return resp
}

// TestReferenceExamples replays the example envelopes of §8 of the reference
// notes, adapted to the demo dataset (credentials, relation 1001, invoice
// number), and decodes the responses into structs mirroring the WSDL.
func TestReferenceExamples(t *testing.T) {
	e := newEnv(t)

	// §8.1 OpenSession.
	var open OpenSessionResponse
	e.exampleCall("OpenSession", `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <OpenSession xmlns="http://www.e-boekhouden.nl/soap">
      <Username>`+demoUser+`</Username>
      <SecurityCode1>`+demoCode1+`</SecurityCode1>
      <SecurityCode2>`+demoCode2+`</SecurityCode2>
      <Source>MyGoApp</Source>
    </OpenSession>
  </soap:Body>
</soap:Envelope>`, &open)
	requireCode(t, open.Result.ErrorMsg, "")
	sid := open.Result.SessionID
	if len(sid) != 36 || strings.Count(sid, "-") != 4 {
		t.Fatalf("SessionID %q is not a GUID", sid)
	}
	creds := "<SessionID>" + sid + "</SessionID>\n      <SecurityCode2>" + demoCode2 + "</SecurityCode2>"

	// §8.2 GetRelaties by code.
	var rel GetRelatiesResponse
	e.exampleCall("GetRelaties", wrap(`<GetRelaties xmlns="http://www.e-boekhouden.nl/soap">
      `+creds+`
      <cFilter>
        <Trefwoord></Trefwoord>
        <Code>1001</Code>
        <ID>0</ID>
      </cFilter>
    </GetRelaties>`), &rel)
	requireCode(t, rel.Result.ErrorMsg, "")
	if len(rel.Result.Relaties) != 1 || rel.Result.Relaties[0].Bedrijf != "Bakkerij Van den Berg & Zonen" ||
		rel.Result.Relaties[0].ID != 4100001 || rel.Result.Relaties[0].AddDatum != "2024-01-19T00:00:00" || rel.Result.Relaties[0].BP != "B" {
		t.Errorf("GetRelaties(1001) = %+v", rel.Result.Relaties)
	}

	// §8.3 GetArtikelen, all articles.
	var art GetArtikelenResponse
	e.exampleCall("GetArtikelen", wrap(`<GetArtikelen xmlns="http://www.e-boekhouden.nl/soap">
  `+creds+`
  <cFilter><ArtikelID>0</ArtikelID></cFilter>
</GetArtikelen>`), &art)
	requireCode(t, art.Result.ErrorMsg, "")
	if len(art.Result.Artikelen) != 28 {
		t.Errorf("GetArtikelen returned %d articles, want the dataset's 28", len(art.Result.Artikelen))
	}

	// §8.4 AddRelatie, then UpdateRelatie with the same body and the new ID.
	relBody := func(op string, id int64) string {
		return wrap(`<` + op + ` xmlns="http://www.e-boekhouden.nl/soap">
  ` + creds + `
  <oRel>
    <ID>` + fmt.Sprint(id) + `</ID>
    <AddDatum>2025-03-01T00:00:00</AddDatum>
    <Code>K0002</Code>
    <Bedrijf>Nieuwe Klant B.V.</Bedrijf>
    <Contactpersoon>Piet Pietersen</Contactpersoon>
    <Adres>Kerkstraat 10</Adres><Postcode>3511 AB</Postcode><Plaats>Utrecht</Plaats><Land>NL</Land>
    <Telefoon>030-1234567</Telefoon>
    <Email>factuur@nieuweklant.nl</Email>
    <BTWNummer>NL009876543B01</BTWNummer>
    <KvkNummer>87654321</KvkNummer>
    <IBAN>NL02RABO0123456789</IBAN>
    <BP>B</BP>
    <LA>0</LA>
    <Gb_ID>0</Gb_ID>
    <GeenEmail>0</GeenEmail>
    <NieuwsbriefgroepenCount>0</NieuwsbriefgroepenCount>
  </oRel>
</` + op + `>`)
	}
	var add AddRelatieResponse
	e.exampleCall("AddRelatie", relBody("AddRelatie", 0), &add)
	requireCode(t, add.Result.ErrorMsg, "")
	if add.Result.RelID != 4100038 {
		t.Errorf("Rel_ID %d, want 4100038 (after the dataset's highest ID)", add.Result.RelID)
	}
	var upd UpdateRelatieResponse
	body := e.exampleCall("UpdateRelatie", relBody("UpdateRelatie", add.Result.RelID), &upd)
	requireCode(t, upd.Result, "")
	if !strings.Contains(string(body), "<UpdateRelatieResult />") {
		t.Errorf("UpdateRelatie success is not an empty cError: %s", body)
	}

	// §8.5 AddFactuur with an empty Factuurnummer.
	var fact AddFactuurResponse
	e.exampleCall("AddFactuur", wrap(`<AddFactuur xmlns="http://www.e-boekhouden.nl/soap">
  `+creds+`
  <oFact>
    <Factuurnummer></Factuurnummer>
    <Relatiecode>K0002</Relatiecode>
    <Datum>2025-03-01T00:00:00</Datum>
    <Betalingstermijn>14</Betalingstermijn>
    <Factuursjabloon>Standaard</Factuursjabloon>
    <PerEmailVerzenden>false</PerEmailVerzenden>
    <AutomatischeIncasso>false</AutomatischeIncasso>
    <IncassoMachtigingDatumOndertekening>2025-03-01T00:00:00</IncassoMachtigingDatumOndertekening>
    <IncassoMachtigingFirst>false</IncassoMachtigingFirst>
    <InBoekhoudingPlaatsen>true</InBoekhoudingPlaatsen>
    <BoekhoudmutatieOmschrijving>Factuur maart 2025</BoekhoudmutatieOmschrijving>
    <Regels>
      <cFactuurRegel>
        <Aantal>10</Aantal>
        <Eenheid>uur</Eenheid>
        <Code>TISP</Code>
        <Omschrijving>Advieswerkzaamheden maart</Omschrijving>
        <PrijsPerEenheid>95</PrijsPerEenheid>
        <BTWCode>HOOG_VERK_21</BTWCode>
        <TegenrekeningCode>8000</TegenrekeningCode>
        <KostenplaatsID>0</KostenplaatsID>
      </cFactuurRegel>
      <cFactuurRegel>
        <Aantal>1</Aantal>
        <Eenheid>stuk</Eenheid>
        <Code>BOEK</Code>
        <Omschrijving>Handboek</Omschrijving>
        <PrijsPerEenheid>25.5</PrijsPerEenheid>
        <BTWCode>LAAG_VERK_9</BTWCode>
        <TegenrekeningCode>8010</TegenrekeningCode>
        <KostenplaatsID>0</KostenplaatsID>
      </cFactuurRegel>
    </Regels>
  </oFact>
</AddFactuur>`), &fact)
	requireCode(t, fact.Result.ErrorMsg, "")
	if fact.Result.Factuurnummer == nil || *fact.Result.Factuurnummer != "2025001" {
		t.Fatalf("Factuurnummer %v, want 2025001 (first of 2025)", fact.Result.Factuurnummer)
	}

	// §8.6 GetFacturen by number: the totals of the notes' example.
	var list GetFacturenResponse
	e.exampleCall("GetFacturen", wrap(`<GetFacturen xmlns="http://www.e-boekhouden.nl/soap">
  `+creds+`
  <cFilter>
    <Factuurnummer>2025001</Factuurnummer>
    <Relatiecode></Relatiecode>
    <DatumVan>2025-01-01T00:00:00</DatumVan>
    <DatumTm>2025-12-31T00:00:00</DatumTm>
  </cFilter>
</GetFacturen>`), &list)
	requireCode(t, list.Result.ErrorMsg, "")
	if len(list.Result.Facturen) != 1 {
		t.Fatalf("GetFacturen returned %d invoices", len(list.Result.Facturen))
	}
	f := list.Result.Facturen[0]
	if f.Relatiecode != "K0002" || f.Datum != "2025-03-01T00:00:00" || f.Betalingstermijn != 14 ||
		f.TotaalExclBTW != "975.5" || f.TotaalBTW != "201.8" || f.TotaalInclBTW != "1177.3" || f.TotaalOpenstaand != "1177.3" {
		t.Errorf("invoice %+v", f)
	}
	if len(f.Regels) != 2 || f.Regels[1] != (CFactuurRegel{"1", "stuk", "BOEK", "Handboek", "25.5", "LAAG_VERK_9", "8010", 0}) {
		t.Errorf("lines %+v", f.Regels)
	}

	// §8.7 GetOpenPosten.
	var open2 GetOpenPostenResponse
	e.exampleCall("GetOpenPosten", wrap(`<GetOpenPosten xmlns="http://www.e-boekhouden.nl/soap">
  `+creds+`
  <OpSoort>Debiteuren</OpSoort>
</GetOpenPosten>`), &open2)
	found := false
	for _, p := range open2.Result.Openposten {
		if p.MutFactuur == "2025001" {
			found = true
			if p != (COpenPost{"2025-03-01T00:00:00", "2025001", "K0002", "Nieuwe Klant B.V.", "1177.3", "0", "1177.3"}) {
				t.Errorf("open item %+v", p)
			}
		}
	}
	if !found {
		t.Error("the booked invoice is not an open item")
	}

	// CloseSession has an empty response.
	var closed CloseSessionResponse
	resp := e.exampleCall("CloseSession", wrap(`<CloseSession xmlns="http://www.e-boekhouden.nl/soap"><SessionID>`+sid+`</SessionID></CloseSession>`), &closed)
	if !strings.Contains(string(resp), `<CloseSessionResponse xmlns="http://www.e-boekhouden.nl/soap" />`) {
		t.Errorf("CloseSession response: %s", resp)
	}
}

func TestGetRelatiesFilters(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	codes := func(rs []CRelatie) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Code)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		name, trefwoord, code string
		id                    int64
		want                  string
	}{
		{"code exact", "", "1005", 0, "1005"},
		{"code is not a prefix match", "", "100", 0, ""},
		{"id", "", "", 4100003, "1003"},
		{"code and id must both match", "", "1005", 4100003, ""},
		{"keyword in Bedrijf, any case", "GOUDEN leeuw", "", 0, "1005"},
		{"keyword in Contactpersoon", "yilmaz", "", 0, "1005"},
		{"keyword in Plaats", "bunnik", "", 0, "1007"},
		{"keyword in Email", "ferienpark-nr.de", "", 0, "1037"},
		{"keyword in Code", "1036", "", 0, "1036"},
		{"keyword and code combine", "utrecht", "1002", 0, "1002"},
		{"keyword not in other fields", "NL680961797B01", "", 0, ""},
		{"keyword with markup characters", "< & >", "", 0, "1021"},
		{"several matches ordered by ID", "amersfoort", "", 0, "1005,1006,1010,1016,1024,1031"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kw := strings.NewReplacer("<", "&lt;", "&", "&amp;", ">", "&gt;").Replace(c.trefwoord)
			if got := codes(e.getRelaties(sid, kw, c.code, c.id)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// Without a filter every relation comes back; markup in values is escaped.
	var r GetRelatiesResponse
	body := e.call("GetRelaties", auth(sid), &r)
	if len(r.Result.Relaties) != 37 || r.Result.Relaties[0].Code != "1001" || r.Result.Relaties[36].Code != "1037" {
		t.Errorf("unfiltered: %d relations", len(r.Result.Relaties))
	}
	if !strings.Contains(string(body), "Brasserie &#39;t Pleintje &lt; &amp; &gt;") {
		t.Error("relation name not escaped in the response")
	}
	// No match gives an empty wrapper, not a missing one.
	body = e.call("GetRelaties", auth(sid)+"<cFilter><Code>NOPE</Code><ID>0</ID></cFilter>", nil)
	if !strings.Contains(string(body), "<Relaties></Relaties>") {
		t.Errorf("empty result without an empty wrapper: %s", body)
	}
}

func TestResultCap(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ResultCap = 3 })
	sid := e.open()
	if got := e.getRelaties(sid, "", "", 0); len(got) != 3 || got[2].Code != "1003" {
		t.Errorf("GetRelaties: %d relations, want the first 3 by ID", len(got))
	}
	var art GetArtikelenResponse
	e.call("GetArtikelen", auth(sid)+"<cFilter><ArtikelID>0</ArtikelID></cFilter>", &art)
	if len(art.Result.Artikelen) != 3 || art.Result.Artikelen[0].ArtikelID != 3431201 {
		t.Errorf("GetArtikelen: %d articles", len(art.Result.Artikelen))
	}
	if got := e.getFacturen(sid, "", "", "1980-01-01", "2049-12-31"); len(got) != 3 || got[2].Factuurnummer != "2026003" {
		t.Errorf("GetFacturen: %d invoices", len(got))
	}
	e.addFactuur(sid, validFactuur())
	if got := e.openPosten(sid, "Debiteuren"); len(got) != 3 {
		t.Errorf("GetOpenPosten: %d items, want 3 of 4", len(got))
	}
	if n := len(e.s.State().OpenItems); n != 4 {
		t.Errorf("state has %d open items, want 4", n)
	}
}

func TestDefaultResultCapIs2000(t *testing.T) {
	e := newEnv(t)
	e.s.Update(func(st *State) {
		for i := 0; i < 2010; i++ {
			st.Relations = append(st.Relations, demodata.Relatie{ID: int64(5000000 + i), AddDatum: "2026-01-01", Code: fmt.Sprintf("X%05d", i), Bedrijf: "Bulk", BP: "B"})
		}
	})
	sid := e.open()
	if got := e.getRelaties(sid, "", "", 0); len(got) != 2000 {
		t.Errorf("%d relations, want the default cap of 2000", len(got))
	}
}

func TestAddRelatieStoresEverySentField(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	want := CRelatie{
		AddDatum: "2023-05-06T00:00:00", Code: "K-ALL", Bedrijf: "Alles & Co", Contactpersoon: "C", Geslacht: "v",
		Adres: "A 1", Postcode: "1234 AB", Plaats: "P", Land: "NL", Adres2: "A2", Postcode2: "PC2", Plaats2: "P2", Land2: "BE",
		Telefoon: "T", GSM: "G", FAX: "F", Email: "e@x.nl", Site: "s.nl", Notitie: "lange notitie " + strings.Repeat("n", 500),
		Bankrekening: "B", Girorekening: "G", BTWNummer: "NL1", KvkNummer: "K", Aanhef: "Geachte", IBAN: "NL02RABO0123456789",
		BIC: "RABONL2U", BP: "P", Def1: "d1", Def2: "d2", Def3: "d3", Def4: "d4", Def5: "d5", Def6: "d6", Def7: "d7", Def8: "d8",
		Def9: "d9", Def10: "d10", LA: "1", GbID: 906, GeenEmail: 1, NieuwsbriefgroepenCount: 0,
	}
	var b strings.Builder
	b.WriteString("<oRel><ID>0</ID><AddDatum>2023-05-06T14:30:00</AddDatum>")
	r := demodata.Relatie{}
	src := want
	r.Code, r.Bedrijf, r.Contactpersoon, r.Geslacht, r.Adres, r.Postcode, r.Plaats, r.Land = src.Code, src.Bedrijf, src.Contactpersoon, src.Geslacht, src.Adres, src.Postcode, src.Plaats, src.Land
	r.Adres2, r.Postcode2, r.Plaats2, r.Land2, r.Telefoon, r.GSM, r.FAX, r.Email, r.Site, r.Notitie = src.Adres2, src.Postcode2, src.Plaats2, src.Land2, src.Telefoon, src.GSM, src.FAX, src.Email, src.Site, src.Notitie
	r.Bankrekening, r.Girorekening, r.BTWNummer, r.KvkNummer, r.Aanhef, r.IBAN, r.BIC, r.BP = src.Bankrekening, src.Girorekening, src.BTWNummer, src.KvkNummer, src.Aanhef, src.IBAN, src.BIC, src.BP
	r.Def1, r.Def2, r.Def3, r.Def4, r.Def5, r.Def6, r.Def7, r.Def8, r.Def9, r.Def10, r.LA = src.Def1, src.Def2, src.Def3, src.Def4, src.Def5, src.Def6, src.Def7, src.Def8, src.Def9, src.Def10, src.LA
	for _, f := range relatieStrings(&r) {
		b.WriteString("<" + f.name + ">" + strings.ReplaceAll(*f.ptr, "&", "&amp;") + "</" + f.name + ">")
	}
	b.WriteString("<Gb_ID>906</Gb_ID><GeenEmail>1</GeenEmail><NieuwsbriefgroepenCount>0</NieuwsbriefgroepenCount></oRel>")

	var add AddRelatieResponse
	e.call("AddRelatie", auth(sid)+b.String(), &add)
	requireCode(t, add.Result.ErrorMsg, "")
	want.ID = add.Result.RelID
	got := e.getRelaties(sid, "", "K-ALL", 0)
	if len(got) != 1 || got[0] != want {
		t.Errorf("stored relation\n got %+v\nwant %+v", got, want)
	}
	if st := e.s.State(); len(st.Relations) != 38 || st.Relations[37].Code != "K-ALL" || st.Relations[37].AddDatum != "2023-05-06" {
		t.Errorf("state: %d relations, last %+v", len(st.Relations), st.Relations[len(st.Relations)-1])
	}
}

func TestRelationErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name, op, oRel, code string
	}{
		{"code in use", "AddRelatie", relatieXML(0, "1001", "Dubbel", ""), CodeRelationCodeInUse},
		{"add with an ID", "AddRelatie", relatieXML(4100001, "K9", "Met ID", ""), CodeRelationID},
		{"add without Code", "AddRelatie", relatieXML(0, "", "Zonder code", ""), CodeRelationRequired},
		{"add without Bedrijf", "AddRelatie", relatieXML(0, "K9", "", ""), CodeRelationRequired},
		{"blank Bedrijf", "AddRelatie", relatieXML(0, "K9", "   ", ""), CodeRelationRequired},
		{"BP not B or P", "AddRelatie", strings.Replace(relatieXML(0, "K9", "X", ""), "<BP>B</BP>", "<BP>b</BP>", 1), CodeRelationBP},
		{"BP missing", "AddRelatie", strings.Replace(relatieXML(0, "K9", "X", ""), "<BP>B</BP>", "", 1), CodeRelationBP},
		{"Code longer than 15", "AddRelatie", relatieXML(0, long(16), "X", ""), CodeTooLong},
		{"Bedrijf longer than 100", "AddRelatie", relatieXML(0, "K9", long(101), ""), CodeTooLong},
		{"Email longer than 150", "AddRelatie", relatieXML(0, "K9", "X", "<Email>"+long(151)+"</Email>"), CodeTooLong},
		{"Def10 longer than 100", "AddRelatie", strings.Replace(relatieXML(0, "K9", "X", ""), "<BP>B</BP>", "<BP>B</BP><Def10>"+long(101)+"</Def10>", 1), CodeTooLong},
		{"no oRel", "AddRelatie", "", CodeMissingObject},
		{"update unknown ID", "UpdateRelatie", relatieXML(999, "1001", "X", ""), CodeRelationUnknown},
		{"update with ID 0", "UpdateRelatie", relatieXML(0, "1001", "X", ""), CodeRelationUnknown},
		{"update to another relation's code", "UpdateRelatie", relatieXML(4100001, "1002", "X", ""), CodeRelationCodeInUse},
		{"update without Bedrijf", "UpdateRelatie", relatieXML(4100001, "1001", "", ""), CodeRelationRequired},
		{"update Plaats longer than 50", "UpdateRelatie", relatieXML(4100001, "1001", "X", "<Plaats>"+long(51)+"</Plaats>"), CodeTooLong},
		{"update without oRel", "UpdateRelatie", "", CodeMissingObject},
	}
	e := newEnv(t)
	sid := e.open()
	before := e.s.State().Relations
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.op == "AddRelatie" {
				var r AddRelatieResponse
				body := e.call(c.op, auth(sid)+c.oRel, &r)
				requireCode(t, r.Result.ErrorMsg, c.code)
				if !strings.Contains(string(body), "<Rel_ID>0</Rel_ID>") {
					t.Errorf("error result without <Rel_ID>0</Rel_ID>: %s", body)
				}
				return
			}
			var r UpdateRelatieResponse
			e.call(c.op, auth(sid)+c.oRel, &r)
			requireCode(t, r.Result, c.code)
		})
	}
	after := e.s.State().Relations
	if len(after) != len(before) || after[0] != before[0] {
		t.Error("a refused relation call changed the state")
	}
	// A length is counted in characters, not bytes: 15 accented letters fit.
	var r AddRelatieResponse
	e.call("AddRelatie", auth(sid)+relatieXML(0, strings.Repeat("é", 15), "Accenten", ""), &r)
	requireCode(t, r.Result.ErrorMsg, "")
}

func TestUpdateRelatieOverwritesTheWholeRecord(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	before := e.getRelaties(sid, "", "1001", 0)[0]
	if before.Contactpersoon == "" || before.Telefoon == "" || before.IBAN == "" {
		t.Fatalf("test needs a relation with contact, phone and IBAN: %+v", before)
	}
	var r UpdateRelatieResponse
	e.call("UpdateRelatie", auth(sid)+relatieXML(4100001, "1001", "Bakkerij Van den Berg", "<Plaats>Zeist</Plaats>"), &r)
	requireCode(t, r.Result, "")
	after := e.getRelaties(sid, "", "1001", 0)[0]
	want := CRelatie{ID: 4100001, AddDatum: "2026-11-01T00:00:00", Code: "1001", Bedrijf: "Bakkerij Van den Berg", Plaats: "Zeist", BP: "B"}
	if after != want {
		t.Errorf("a partial update must blank the fields it does not send\n got %+v\nwant %+v", after, want)
	}
	// Changing a relation's own code is fine; the open item shows the new name.
	e.call("UpdateRelatie", auth(sid)+relatieXML(4100002, "1002", "Jansen Bouw", ""), &r)
	requireCode(t, r.Result, "")
	for _, p := range e.openPosten(sid, "Debiteuren") {
		if p.RelCode == "1002" && p.RelBedrijf != "Jansen Bouw" {
			t.Errorf("open item shows %q after the rename", p.RelBedrijf)
		}
	}
}

func TestGetArtikelen(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	get := func(filter string) []CArtikel {
		var r GetArtikelenResponse
		e.call("GetArtikelen", auth(sid)+"<cFilter>"+filter+"</cFilter>", &r)
		requireCode(t, r.Result.ErrorMsg, "")
		return r.Result.Artikelen
	}
	all := get("<ArtikelID>0</ArtikelID>")
	byCode := map[string]CArtikel{}
	for _, a := range all {
		byCode[a.ArtikelCode] = a
	}
	want := CArtikel{3431201, "Arbeid monteur", "ARB-MONT", "Arbeid", "UREN", "uur", "32.5", "62.5", "75.63", "HOOG_VERK_21", "8010", "0.21", 0, true}
	if byCode["ARB-MONT"] != want {
		t.Errorf("ARB-MONT\n got %+v\nwant %+v", byCode["ARB-MONT"], want)
	}
	checks := []struct{ code, incl, pct string }{
		{"GLASWOL", "44.69", "0.09"}, {"REPORT", "95", "0"}, {"KRAAN-TH", "36.24", "0.21"}, {"CV-WATER", "0.91", "0.21"},
	}
	for _, c := range checks {
		if a := byCode[c.code]; a.VerkoopprijsInclBTW != c.incl || a.BtwPercentage != c.pct {
			t.Errorf("%s: incl %s pct %s, want %s %s", c.code, a.VerkoopprijsInclBTW, a.BtwPercentage, c.incl, c.pct)
		}
	}
	if byCode["OUD-FILTER"].Actief {
		t.Error("inactive article listed as active")
	}
	ids := func(as []CArtikel) string {
		var out []string
		for _, a := range as {
			out = append(out, a.ArtikelCode)
		}
		return strings.Join(out, ",")
	}
	filters := []struct{ name, filter, want string }{
		{"ArtikelID", "<ArtikelID>3431209</ArtikelID>", "THERM-SLIM"},
		{"ArtikelCode exact", "<ArtikelID>0</ArtikelID><ArtikelCode>CU-22</ArtikelCode>", "CU-22"},
		{"ArtikelCode is not a prefix", "<ArtikelCode>CU</ArtikelCode>", ""},
		{"ArtikelOmschrijving substring", "<ArtikelOmschrijving>KOPEREN</ArtikelOmschrijving>", "CU-15,CU-22"},
		{"GroepCode", "<GroepCode>UREN</GroepCode>", "ARB-MONT,ARB-LEER,ARB-ELEK,ARB-SPOED,ARB-ISOL,ARB-OUD"},
		{"GroepOmschrijving", "<GroepOmschrijving>divers</GroepOmschrijving>", "VRK,KLEIN,REPORT"},
		{"combined", "<ArtikelOmschrijving>arbeid</ArtikelOmschrijving><GroepCode>UREN</GroepCode>", "ARB-MONT,ARB-LEER,ARB-ELEK,ARB-OUD"},
		{"empty filter", "", ids(all)},
	}
	for _, f := range filters {
		if got := ids(get(f.filter)); got != f.want {
			t.Errorf("%s: got %s, want %s", f.name, got, f.want)
		}
	}

	// LAAG_VERK is 6% before 2019: the article's percentage follows the clock.
	e.s.Update(func(st *State) { st.Articles[0].BTWCode = "LAAG_VERK"; st.Articles[0].VerkoopprijsExclBTW = "100" })
	if a := get("<ArtikelID>3431201</ArtikelID>")[0]; a.BtwPercentage != "0.09" || a.VerkoopprijsInclBTW != "109" {
		t.Errorf("LAAG_VERK now: %s %s", a.BtwPercentage, a.VerkoopprijsInclBTW)
	}
	e.clock.Advance(-8 * 365 * 24 * time.Hour) // back to 2018
	sid = e.open()
	if a := get("<ArtikelID>3431201</ArtikelID>")[0]; a.BtwPercentage != "0.06" || a.VerkoopprijsInclBTW != "106" {
		t.Errorf("LAAG_VERK in 2018: %s %s", a.BtwPercentage, a.VerkoopprijsInclBTW)
	}
}

func TestAddFactuurAutoNumbering(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	number := func(datum, nummer string) string {
		f := validFactuur()
		f.datum, f.nummer = datum, nummer
		r := e.addFactuur(sid, f)
		requireCode(t, r.Result.ErrorMsg, "")
		return *r.Result.Factuurnummer
	}
	steps := []struct{ datum, nummer, want string }{
		{"2026-12-01", "", "2026005"}, // after the dataset's 2026001..2026004
		{"2026-12-02", "", "2026006"},
		{"2025-06-30T12:00:00", "", "2025001"},
		{"2026-12-03", "F-0042", "F-0042"},
		{"2026-12-04", "2026010", "2026010"},
		{"2026-12-05", "", "2026011"},
		{"2026-12-06", "  ", "2026012"},
	}
	for _, s := range steps {
		if got := number(s.datum, s.nummer); got != s.want {
			t.Errorf("Datum %s Factuurnummer %q: got %s, want %s", s.datum, s.nummer, got, s.want)
		}
	}
	if next := e.s.State().NextInvoiceNumbers; next["2026"] != "2026013" || next["2025"] != "2025002" {
		t.Errorf("NextInvoiceNumbers %v", next)
	}
	// GetFacturen orders by number.
	var got []string
	for _, f := range e.getFacturen(sid, "", "", "2026-01-01", "2026-12-31") {
		got = append(got, f.Factuurnummer)
	}
	if strings.Join(got, ",") != "2026001,2026002,2026003,2026004,2026005,2026006,2026010,2026011,2026012,F-0042" {
		t.Errorf("order: %v", got)
	}
	// AddFactuur updates the state incrementally; it must be exactly what a
	// full normalization derives.
	incremental := e.s.State()
	full := e.s.State()
	if err := full.normalize(time.Now()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(incremental, full) {
		t.Errorf("incremental state differs from the normalized one:\n%+v\n%+v", incremental.OpenItems, full.OpenItems)
	}
}

func TestAddFactuurTotals(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	cents := line{"1", "", "KLEIN", "Klein", "0.07", "HOOG_VERK_21", "8000"}
	cases := []struct {
		name                  string
		datum                 string
		lines                 []line
		excl, btw, incl       string
		wantAantal, wantPrijs string
	}{
		{"per-code VAT differs from per-line VAT", "2026-11-02", []line{cents, cents, cents}, "0.21", "0.04", "0.25", "1", "0.07"},
		{"line amount rounded half away from zero", "2026-11-02", []line{{"3", "", "X", "X", "0.335", "GEEN", "8020"}}, "1.01", "0", "1.01", "3", "0.335"},
		{"mixed codes", "2026-11-02", []line{stdLine, {"2.5", "m", "CU-22", "Buis", "12.40", "HOOG_VERK_21", "8000"}, {"1", "", "ISO", "Isolatie", "55", "LAAG_VERK_9", "8010"}, {"1", "", "R", "Rapport", "95", "GEEN", "8020"}},
			"306", "37.71", "343.71", "2", "62.5"},
		{"LAAG_VERK before 2019", "2018-06-01", []line{{"1", "", "A", "A", "100", "LAAG_VERK", "8010"}}, "100", "6", "106", "1", "100"},
		{"exponent notation and fractions", "2026-11-02", []line{{"1.5E0", "", "A", "A", "2.5e1", "HOOG_VERK_21", "8010"}}, "37.5", "7.88", "45.38", "1.5", "25"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var regels strings.Builder
			for _, l := range c.lines {
				regels.WriteString(l.xml())
			}
			f := validFactuur()
			f.datum, f.regels = c.datum, regels.String()
			r := e.addFactuur(sid, f)
			requireCode(t, r.Result.ErrorMsg, "")
			got := e.getFacturen(sid, *r.Result.Factuurnummer, "", "1980-01-01", "2049-12-31")
			if len(got) != 1 {
				t.Fatalf("GetFacturen: %d invoices", len(got))
			}
			inv := got[0]
			if inv.TotaalExclBTW != c.excl || inv.TotaalBTW != c.btw || inv.TotaalInclBTW != c.incl || inv.TotaalOpenstaand != c.incl {
				t.Errorf("totals %s + %s = %s (open %s), want %s + %s = %s", inv.TotaalExclBTW, inv.TotaalBTW, inv.TotaalInclBTW, inv.TotaalOpenstaand, c.excl, c.btw, c.incl)
			}
			if inv.Regels[0].Aantal != c.wantAantal || inv.Regels[0].PrijsPerEenheid != c.wantPrijs {
				t.Errorf("first line echoed as %s x %s", inv.Regels[0].Aantal, inv.Regels[0].PrijsPerEenheid)
			}
		})
	}
}

func TestAddFactuurErrors(t *testing.T) {
	long := strings.Repeat("9", 51)
	withLine := func(l line) factuur { f := validFactuur(); f.regels = l.xml(); return f }
	edit := func(fn func(*factuur)) factuur { f := validFactuur(); fn(&f); return f }
	badLine := func(fn func(*line)) factuur { l := stdLine; fn(&l); return withLine(l) }
	cases := []struct {
		name  string
		oFact string
		code  string
	}{
		{"unknown relation", edit(func(f *factuur) { f.relatie = "9999" }).xml(), CodeInvoiceRelation},
		{"no relation", edit(func(f *factuur) { f.relatie = "" }).xml(), CodeInvoiceRelation},
		{"unknown template", edit(func(f *factuur) { f.sjabloon = "Sjabloon 2" }).xml(), CodeInvoiceTemplate},
		{"template in another case", edit(func(f *factuur) { f.sjabloon = "standaard" }).xml(), CodeInvoiceTemplate},
		{"no template", edit(func(f *factuur) { f.sjabloon = "" }).xml(), CodeInvoiceTemplate},
		{"Datum before 1980", edit(func(f *factuur) { f.datum = "1979-12-31" }).xml(), CodeInvoiceDate},
		{"Datum after 2049", edit(func(f *factuur) { f.datum = "2050-01-01" }).xml(), CodeInvoiceDate},
		{"number in use", edit(func(f *factuur) { f.nummer = "2026001" }).xml(), CodeInvoiceNumber},
		{"number too long", edit(func(f *factuur) { f.nummer = long }).xml(), CodeTooLong},
		{"empty Regels", edit(func(f *factuur) { f.regels = "" }).xml(), CodeInvoiceNoLines},
		{"no Regels", edit(func(f *factuur) { f.regels = "-" }).xml(), CodeInvoiceNoLines},
		{"nil line", edit(func(f *factuur) {
			f.regels = `<cFactuurRegel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true" />`
		}).xml(), CodeInvoiceLine},
		{"line without Code", badLine(func(l *line) { l.code = "" }).xml(), CodeInvoiceLine},
		{"line without Omschrijving", badLine(func(l *line) { l.omschrijving = "" }).xml(), CodeInvoiceLine},
		{"unknown BTW code", badLine(func(l *line) { l.btw = "HOOG" }).xml(), CodeInvoiceBTW},
		{"no BTW code", badLine(func(l *line) { l.btw = "" }).xml(), CodeInvoiceBTW},
		{"purchase BTW code", badLine(func(l *line) { l.btw = "HOOG_INK_21" }).xml(), CodeInvoiceBTW},
		{"BTW code in lower case", badLine(func(l *line) { l.btw = "hoog_verk_21" }).xml(), CodeInvoiceBTW},
		{"BTW code longer than 12", badLine(func(l *line) { l.btw = "HOOG_VERK_21X" }).xml(), CodeTooLong},
		{"unknown ledger", badLine(func(l *line) { l.tegenrekening = "8999" }).xml(), CodeInvoiceLedger},
		{"no ledger", badLine(func(l *line) { l.tegenrekening = "" }).xml(), CodeInvoiceLedger},
		{"ledger longer than 10", badLine(func(l *line) { l.tegenrekening = "80100000000" }).xml(), CodeTooLong},
		{"line code longer than 50", badLine(func(l *line) { l.code = long }).xml(), CodeTooLong},
		{"INF quantity", badLine(func(l *line) { l.aantal = "INF" }).xml(), CodeInvoiceAmount},
		{"NaN price", badLine(func(l *line) { l.prijs = "NaN" }).xml(), CodeInvoiceAmount},
		{"second line bad", edit(func(f *factuur) { f.regels = stdLine.xml() + line{"1", "", "", "x", "1", "GEEN", "8020"}.xml() }).xml(), CodeInvoiceLine},
		{"mutation description longer than 200", strings.Replace(validFactuur().xml(), "<Regels>", "<BoekhoudmutatieOmschrijving>"+strings.Repeat("m", 201)+"</BoekhoudmutatieOmschrijving><Regels>", 1), CodeTooLong},
		{"no oFact", "", CodeMissingObject},
	}
	e := newEnv(t)
	sid := e.open()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r AddFactuurResponse
			e.call("AddFactuur", auth(sid)+c.oFact, &r)
			requireCode(t, r.Result.ErrorMsg, c.code)
			if r.Result.Factuurnummer != nil {
				t.Errorf("error result carries Factuurnummer %q", *r.Result.Factuurnummer)
			}
		})
	}
	if st := e.s.State(); len(st.Invoices) != 4 || st.NextInvoiceNumbers["2026"] != "2026005" {
		t.Errorf("refused invoices changed the state: %d invoices, next %s", len(st.Invoices), st.NextInvoiceNumbers["2026"])
	}
}

func TestAddFactuurStoresTheInvoice(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	f := validFactuur()
	f.nummer = "WB-7 <&>"
	f.boeken = false
	oFact := strings.Replace(f.xml(), "WB-7 <&>", "WB-7 &lt;&amp;&gt;", 1)
	oFact = strings.Replace(oFact, "<PerEmailVerzenden>false</PerEmailVerzenden>",
		"<PerEmailVerzenden>true</PerEmailVerzenden><EmailOnderwerp>Factuur</EmailOnderwerp><EmailBericht>Beste klant,</EmailBericht><EmailVanAdres>a@b.nl</EmailVanAdres><EmailVanNaam>De Vries</EmailVanNaam>", 1)
	var r AddFactuurResponse
	e.call("AddFactuur", auth(sid)+oFact, &r)
	requireCode(t, r.Result.ErrorMsg, "")
	if *r.Result.Factuurnummer != "WB-7 <&>" {
		t.Errorf("Factuurnummer %q", *r.Result.Factuurnummer)
	}
	st := e.s.State()
	var inv *Invoice
	for i := range st.Invoices {
		if st.Invoices[i].Factuurnummer == "WB-7 <&>" {
			inv = &st.Invoices[i]
		}
	}
	if inv == nil {
		t.Fatal("invoice not in the state")
	}
	if !inv.PerEmailVerzenden || inv.EmailOnderwerp != "Factuur" || inv.EmailVanNaam != "De Vries" || inv.Datum != "2026-11-02" ||
		inv.Factuursjabloon != "Standaard" || inv.InBoekhoudingPlaatsen || inv.TotaalInclBTW != "151.25" || inv.TotaalOpenstaand != "0" {
		t.Errorf("stored invoice %+v", *inv)
	}
	got := e.getFacturen(sid, "WB-7 &lt;&amp;&gt;", "1002", "2026-11-02", "2026-11-02")
	if len(got) != 1 || got[0].TotaalOpenstaand != "0" {
		t.Fatalf("an invoice not placed in the books is not outstanding: %+v", got)
	}
	// The PDF link points at the sandbox and answers.
	resp, err := e.srv.Client().Get(got[0].URLPDFBestand)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(got[0].URLPDFBestand, e.srv.URL+"/bh/getfactuur.asp?c=") || resp.StatusCode != http.StatusOK {
		t.Errorf("URLPDFBestand %s answered %d", got[0].URLPDFBestand, resp.StatusCode)
	}
	resp, err = e.srv.Client().Get(e.srv.URL + "/bh/getfactuur.asp?c=NOPE&s=sandbox")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("PDF of an unknown invoice: %d", resp.StatusCode)
	}
}

func TestGetFacturenFilters(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	nums := func(fs []CFactuurList) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Factuurnummer)
		}
		return strings.Join(out, ",")
	}
	cases := []struct{ name, nummer, relatie, van, tm, want string }{
		{"everything", "", "", "1980-01-01", "2049-12-31", "2026001,2026002,2026003,2026004"},
		{"by number", "2026003", "", "1980-01-01", "2049-12-31", "2026003"},
		{"by relation", "", "1005", "1980-01-01", "2049-12-31", "2026002"},
		{"number and relation must both match", "2026003", "1005", "1980-01-01", "2049-12-31", ""},
		{"date range is inclusive", "", "", "2026-01-14", "2026-06-20", "2026001,2026002,2026003"},
		{"DatumTm with a time still includes that day", "", "", "2026-03-02T12:00:00", "2026-03-02T00:00:00", "2026002"},
		{"outside the range", "", "", "2025-01-01", "2025-12-31", ""},
		{"relation code is exact", "", "100", "1980-01-01", "2049-12-31", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := nums(e.getFacturen(sid, c.nummer, c.relatie, c.van, c.tm)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	var r GetFacturenResponse
	e.call("GetFacturen", auth(sid), &r)
	if len(r.Result.Facturen) != 4 {
		t.Errorf("without a filter: %d invoices", len(r.Result.Facturen))
	}
	// The dataset's invoice 2026001: 4 x 62.50 + 12.5 x 12.40 at 21%.
	inv := e.getFacturen(sid, "2026001", "", "1980-01-01", "2049-12-31")[0]
	if inv.TotaalExclBTW != "405" || inv.TotaalBTW != "85.05" || inv.TotaalInclBTW != "490.05" || inv.Relatiecode != "1002" {
		t.Errorf("2026001: %+v", inv)
	}
}

func TestOpenItems(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	items := func() map[string]COpenPost {
		out := map[string]COpenPost{}
		for _, p := range e.openPosten(sid, "Debiteuren") {
			out[p.MutFactuur] = p
		}
		return out
	}
	got := items()
	if len(got) != 3 || got["2026004"] != (COpenPost{}) {
		t.Fatalf("dataset open items: %v (2026004 is not booked)", got)
	}
	if got["2026001"] != (COpenPost{"2026-01-14T00:00:00", "2026001", "1002", "Bouwbedrijf Jansen B.V.", "490.05", "0", "490.05"}) {
		t.Errorf("2026001: %+v", got["2026001"])
	}

	booked := e.addFactuur(sid, validFactuur())
	unbooked := validFactuur()
	unbooked.boeken = false
	notBooked := e.addFactuur(sid, unbooked)
	got = items()
	if p, ok := got[*booked.Result.Factuurnummer]; !ok || p.Bedrag != "151.25" || p.Openstaand != "151.25" || p.Voldaan != "0" || p.MutDatum != "2026-11-02T00:00:00" {
		t.Errorf("booked invoice: %+v", p)
	}
	if _, ok := got[*notBooked.Result.Factuurnummer]; ok {
		t.Error("an invoice not placed in the books is an open item")
	}

	// Payments: paid in full is no longer open; a part payment leaves the rest.
	e.s.Update(func(st *State) {
		for i := range st.Invoices {
			switch st.Invoices[i].Factuurnummer {
			case "2026001":
				st.Invoices[i].Voldaan = "490.05"
			case "2026002":
				st.Invoices[i].Voldaan = "1000,00"
			}
		}
	})
	got = items()
	if _, ok := got["2026001"]; ok {
		t.Error("a fully paid invoice is still open")
	}
	if p := got["2026002"]; p.Voldaan != "1000" || p.Openstaand != "1794.5" || p.Bedrag != "2794.5" {
		t.Errorf("part-paid 2026002: %+v", p)
	}
	if inv := e.getFacturen(sid, "2026002", "", "1980-01-01", "2049-12-31")[0]; inv.TotaalOpenstaand != "1794.5" {
		t.Errorf("TotaalOpenstaand of 2026002: %s", inv.TotaalOpenstaand)
	}
	body := e.call("GetOpenPosten", auth(sid)+"<OpSoort>Crediteuren</OpSoort>", nil)
	if !strings.Contains(string(body), "<Openposten></Openposten>") {
		t.Errorf("Crediteuren: %s", body)
	}
}

func TestDatasetInvoicesWithPayments(t *testing.T) {
	ds := demodata.Default().EBoekhouden
	ds.Invoices[0].Voldaan = "490.05" // 2026001 paid in full
	ds.Invoices[1].Voldaan = "794,50" // 2026002 (2794.50) paid in part
	s := New(Options{Dataset: ds, Now: newClock().Now})
	items := map[string]OpenItem{}
	for _, p := range s.State().OpenItems {
		items[p.MutFactuur] = p
	}
	if _, open := items["2026001"]; open || len(items) != 2 || items["2026002"].Openstaand != "2000" {
		t.Errorf("open items from the dataset: %+v", items)
	}
}

// TestAddFactuurPerEmail: an invoice e-mailed to a relation without an
// e-mail address is refused (the strict reading, [inferred]); one to a
// relation with an address records the e-mail fields and where it went,
// and the state page shows it.
func TestAddFactuurPerEmail(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	perEmail := func(f factuur) string {
		return strings.Replace(f.xml(), "<PerEmailVerzenden>false</PerEmailVerzenden>",
			"<PerEmailVerzenden>true</PerEmailVerzenden><EmailOnderwerp>Factuur WB7</EmailOnderwerp>"+
				"<EmailBericht>Beste klant,\nzie bijlage.</EmailBericht><EmailVanAdres>facturen@jansen.nl</EmailVanAdres>"+
				"<EmailVanNaam>Jansen</EmailVanNaam>", 1)
	}
	e.s.Update(func(st *State) {
		for i := range st.Relations {
			if st.Relations[i].Code == "1002" {
				st.Relations[i].Email = ""
			}
		}
	})
	var r AddFactuurResponse
	e.call("AddFactuur", auth(sid)+perEmail(validFactuur()), &r)
	requireCode(t, r.Result.ErrorMsg, CodeInvoiceEmail)
	e.s.Update(func(st *State) {
		for i := range st.Relations {
			if st.Relations[i].Code == "1002" {
				st.Relations[i].Email = "info@klant.nl"
			}
		}
	})
	before := len(e.s.State().Invoices)
	e.call("AddFactuur", auth(sid)+perEmail(validFactuur()), &r)
	requireCode(t, r.Result.ErrorMsg, "")
	st := e.s.State()
	if len(st.Invoices) != before+1 {
		t.Fatalf("%d invoices, want %d", len(st.Invoices), before+1)
	}
	var got Invoice
	for _, inv := range st.Invoices {
		if r.Result.Factuurnummer != nil && inv.Factuurnummer == *r.Result.Factuurnummer {
			got = inv
		}
	}
	if !got.PerEmailVerzenden || got.EmailNaar != "info@klant.nl" || got.EmailOnderwerp != "Factuur WB7" ||
		got.EmailBericht != "Beste klant,\nzie bijlage." || got.EmailVanAdres != "facturen@jansen.nl" || got.EmailVanNaam != "Jansen" {
		t.Errorf("recorded: %+v", got)
	}
	if page := fmt.Sprint(e.s.Page()); !strings.Contains(page, "info@klant.nl (Factuur WB7)") {
		t.Errorf("the state page does not show the e-mail: %s", page)
	}
}
