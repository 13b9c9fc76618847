package eboekhouden

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// listCall calls the client method of a list operation and returns how many
// records it read.
func listCall(ctx context.Context, c *Client, op string) (int, error) {
	var n int
	var err error
	switch op {
	case opGetRelaties:
		var v []Relation
		v, err = c.Relations(ctx, RelationFilter{})
		n = len(v)
		if err != nil && v != nil {
			return -1, err
		}
	case opGetArtikelen:
		var v []Product
		v, err = c.Products(ctx, ProductFilter{})
		n = len(v)
		if err != nil && v != nil {
			return -1, err
		}
	case opGetFacturen:
		var v []InvoiceSummary
		v, err = c.Invoices(ctx, InvoiceFilter{})
		n = len(v)
		if err != nil && v != nil {
			return -1, err
		}
	case opGetOpenPosten:
		var v []OpenItem
		v, err = c.OpenItems(ctx, OpenItemsDebtors)
		n = len(v)
		if err != nil && v != nil {
			return -1, err
		}
	}
	return n, err
}

// samples are the reference answers of the list operations.
var samples = map[string][]byte{
	opGetRelaties: sampleGetRelaties, opGetArtikelen: sampleGetArtikelen,
	opGetFacturen: sampleGetFacturen, opGetOpenPosten: sampleGetOpenPosten,
}

// TestListAnswersWithUnknownElementsFailClosed: a list answer with an
// element the WSDL does not define where it stands is an error through the
// real client (ErrUnreadable, not an empty or shorter list, not repeated),
// naming the operation and the element.
func TestListAnswersWithUnknownElementsFailClosed(t *testing.T) {
	cases := []struct {
		name, op, from, to, element string
	}{
		{"invoice item renamed", opGetFacturen, "cFactuurList>", "cFactuur>", "<cFactuur>"},
		{"invoice list renamed", opGetFacturen, "Facturen>", "Invoices>", "<Invoices>"},
		{"unknown element beside the invoice list", opGetFacturen, "</Facturen>", "</Facturen><Paging><Next>2</Next></Paging>", "<Paging>"},
		{"unknown element in the list", opGetFacturen, "<Facturen>", "<Facturen><Totaal>1</Totaal>", "<Totaal>"},
		{"unknown field of an invoice", opGetFacturen, "<Datum>", "<Valuta>EUR</Valuta><Datum>", "<Valuta>"},
		{"invoice line renamed", opGetFacturen, "cFactuurRegel>", "Regel>", "<Regel>"},
		{"unknown field of an invoice line", opGetFacturen, "<Aantal>1</Aantal>", "<Aantal>1</Aantal><Korting>0</Korting>", "<Korting>"},
		{"unknown element beside the result", opGetFacturen, "</GetFacturenResult>", "</GetFacturenResult><Extra />", "<Extra>"},
		{"unknown field of the error", opGetFacturen, "<ErrorMsg />", "<ErrorMsg><Code>0</Code></ErrorMsg>", "<Code>"},
		{"relation item renamed", opGetRelaties, "cRelatie>", "Relatie>", "<Relatie>"},
		{"relation list renamed", opGetRelaties, "Relaties>", "Relations>", "<Relations>"},
		{"unknown field of a relation", opGetRelaties, "<Code>K0001</Code>", "<Code>K0001</Code><Mobiel>06</Mobiel>", "<Mobiel>"},
		{"article item renamed", opGetArtikelen, "cArtikel>", "Artikel>", "<Artikel>"},
		{"unknown field of an article", opGetArtikelen, "<Eenheid>", "<Voorraad>3</Voorraad><Eenheid>", "<Voorraad>"},
		{"open item renamed", opGetOpenPosten, "<cOpenPost>", "<OpenPost>", "<OpenPost>"},
		{"unknown field of an open item", opGetOpenPosten, "<Bedrag>", "<Valuta>EUR</Valuta><Bedrag>", "<Valuta>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sample := string(samples[c.op])
			if !strings.Contains(sample, c.from) {
				t.Fatalf("the sample has no %q", c.from)
			}
			body := []byte(strings.ReplaceAll(sample, c.from, c.to))
			if c.op == opGetOpenPosten && c.from == "<cOpenPost>" {
				body = []byte(strings.ReplaceAll(string(body), "</cOpenPost>", "</OpenPost>"))
			}
			s, client := newScripted(t, nil, reply(http.StatusOK, body))
			n, err := listCall(ctxT(t), client, c.op)
			if n != 0 || !errors.Is(err, ErrUnreadable) || !errors.Is(err, errMalformed) || errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("%d records, err = %v; want none and ErrUnreadable", n, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "e-Boekhouden "+c.op+":") || !strings.Contains(msg, c.element) {
				t.Errorf("error %q does not name %s and %s", msg, c.op, c.element)
			}
			if got := s.count(c.op); got != 1 {
				t.Errorf("%s sent %d times, want once (the same answer would come again)", c.op, got)
			}
		})
	}
}

func TestListAnswerWithoutResultFailsClosed(t *testing.T) {
	for op := range samples {
		t.Run(op, func(t *testing.T) {
			body := envelope(`<` + op + `Response xmlns="http://www.e-boekhouden.nl/soap" />`)
			s, client := newScripted(t, nil, reply(http.StatusOK, body))
			n, err := listCall(ctxT(t), client, op)
			if n != 0 || !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrTransient) || !strings.Contains(err.Error(), op) {
				t.Fatalf("%d records, err = %v; want ErrUnreadable", n, err)
			}
			if got := s.count(op); got != 1 {
				t.Errorf("%s sent %d times, want once", op, got)
			}
		})
	}
}

// TestListAnswersTheWSDLAllows: white space, comments, xsi:nil items, an
// empty or absent list, prefixes and xsi:type on Relatiecode (xs:anyType)
// are read.
func TestListAnswersTheWSDLAllows(t *testing.T) {
	answer := func(op, list string) string {
		return string(envelope(`<` + op + `Response xmlns="http://www.e-boekhouden.nl/soap">
  <` + op + `Result><ErrorMsg />` + list + `</` + op + `Result>
</` + op + `Response>`))
	}
	replace := func(op, from, to string) string { return strings.Replace(string(samples[op]), from, to, 1) }
	cases := []struct {
		name, op, body string
		want           int
	}{
		{"reference answer", opGetFacturen, string(sampleGetFacturen), 1},
		{"comments and processing instructions", opGetFacturen, replace(opGetFacturen, "<cFactuurList>", "<!-- x --><cFactuurList><?pi y?>"), 1},
		{"nil items", opGetFacturen, replace(opGetFacturen, "<Facturen>", `<Facturen><cFactuurList xsi:nil="true" /> `), 1},
		{"empty list", opGetFacturen, answer(opGetFacturen, "<Facturen></Facturen>"), 0},
		{"absent list", opGetRelaties, answer(opGetRelaties, ""), 0},
		{"self-closing list", opGetOpenPosten, answer(opGetOpenPosten, "<Openposten />"), 0},
		{"prefixed elements", opGetArtikelen, strings.NewReplacer("<cArtikel>", `<eb:cArtikel xmlns:eb="http://www.e-boekhouden.nl/soap">`,
			"</cArtikel>", "</eb:cArtikel>").Replace(string(sampleGetArtikelen)), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, client := newScripted(t, nil, reply(http.StatusOK, []byte(c.body)))
			n, err := listCall(ctxT(t), client, c.op)
			if err != nil || n != c.want {
				t.Fatalf("%d records, %v; want %d\n%s", n, err, c.want, c.body)
			}
		})
	}
}

// TestWSDLTypesOfTheListAnswers pins what the check derives from the WSDL,
// and that the decoder reads every element the WSDL allows in the records
// it maps (a name the WSDL adds later fails loudly here, not silently).
func TestWSDLTypesOfTheListAnswers(t *testing.T) {
	elements, err := wsdlElements()
	if err != nil {
		t.Fatal(err)
	}
	child := func(t *xsdType, path ...string) *xsdType {
		for _, p := range path {
			if t == nil {
				return nil
			}
			t = t.children[p]
		}
		return t
	}
	for op, path := range map[string][]string{
		opGetRelaties:   {"GetRelatiesResult", "Relaties", "cRelatie"},
		opGetArtikelen:  {"GetArtikelenResult", "Artikelen", "cArtikel"},
		opGetFacturen:   {"GetFacturenResult", "Facturen", "cFactuurList"},
		opGetOpenPosten: {"GetOpenPostenResult", "Openposten", "cOpenPost"},
	} {
		resp := elements[op+"Response"]
		if resp == nil || !slices.Equal(resp.order, path[:1]) {
			t.Fatalf("%sResponse: %+v", op, resp)
		}
		if res := child(resp, path[0]); res == nil || !slices.Equal(res.order, []string{"ErrorMsg", path[1]}) {
			t.Errorf("%s: %+v", path[0], res)
		}
		if list := child(resp, path[:2]...); list == nil || !slices.Equal(list.order, path[2:]) {
			t.Errorf("%s: %+v", path[1], list)
		}
		if item := child(resp, path...); item == nil || len(item.order) < 7 {
			t.Errorf("%s: %+v", path[2], item)
		}
	}
	if lines := child(elements["GetFacturenResponse"], "GetFacturenResult", "Facturen", "cFactuurList", "Regels", "cFactuurRegel"); lines == nil || len(lines.order) != 8 {
		t.Errorf("cFactuurRegel: %+v", lines)
	}
	if rc, ok := child(elements["GetFacturenResponse"], "GetFacturenResult", "Facturen", "cFactuurList").children["Relatiecode"]; !ok || rc != nil {
		t.Error("Relatiecode (xs:anyType) should be declared, with content not checked")
	}
	// Every field the WSDL declares for a record is one the decoder reads:
	// a record with all of them filled keeps each value.
	for _, c := range []struct {
		op, item string
	}{{opGetRelaties, "cRelatie"}, {opGetArtikelen, "cArtikel"}, {opGetOpenPosten, "cOpenPost"}} {
		res := child(elements[c.op+"Response"], c.op+"Result")
		item := child(res, res.order[1], c.item)
		var b strings.Builder
		for _, f := range item.order {
			b.WriteString("<" + f + ">1</" + f + ">")
		}
		raw := envelope(`<` + c.op + `Response xmlns="http://www.e-boekhouden.nl/soap"><` + c.op + `Result><` + res.order[1] + `><` + c.item + `>` +
			b.String() + `</` + c.item + `></` + res.order[1] + `></` + c.op + `Result></` + c.op + `Response>`)
		out := newResponse(c.op)
		if err := decodeAnswer(c.op, raw, out); err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		if fields := filledFields(out); fields != len(item.order) {
			t.Errorf("%s: the decoder keeps %d of the %d fields the WSDL declares", c.item, fields, len(item.order))
		}
	}
}

// filledFields counts the non-empty text fields of the first record of a
// list answer.
func filledFields(out filler) int {
	var values []string
	switch r := out.(type) {
	case *getRelatiesResponse:
		w := r.Result.Relations[0]
		values = []string{w.ID, w.AddDatum, w.Code, w.Bedrijf, w.Contactpersoon, w.Geslacht, w.Adres, w.Postcode, w.Plaats, w.Land,
			w.Adres2, w.Postcode2, w.Plaats2, w.Land2, w.Telefoon, w.GSM, w.FAX, w.Email, w.Site, w.Notitie, w.Bankrekening,
			w.Girorekening, w.BTWNummer, w.KvkNummer, w.Aanhef, w.IBAN, w.BIC, w.BP, w.Def1, w.Def2, w.Def3, w.Def4, w.Def5,
			w.Def6, w.Def7, w.Def8, w.Def9, w.Def10, w.LA, w.GbID, w.GeenEmail, w.NieuwsbriefgroepenCount}
	case *getArtikelenResponse:
		w := r.Result.Products[0]
		values = []string{w.ArtikelID, w.ArtikelOmschrijving, w.ArtikelCode, w.GroepOmschrijving, w.GroepCode, w.Eenheid,
			w.InkoopprijsExclBTW, w.VerkoopprijsExclBTW, w.VerkoopprijsInclBTW, w.BTWCode, w.TegenrekeningCode, w.BtwPercentage,
			w.KostenplaatsID, w.Actief}
	case *getOpenPostenResponse:
		w := r.Result.Items[0]
		values = []string{w.MutDatum, w.MutFactuur, w.RelCode, w.RelBedrijf, w.Bedrag, w.Voldaan, w.Openstaand}
	}
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}
