package eboekhouden

import (
	"fmt"
	"strings"
)

// This file owns the records of the answers (cRelatie, cArtikel,
// cFactuurRegel, cFactuurList, cOpenPost): their text form as read from the
// XML tree, and their mapping to the domain types with every number, date
// and boolean parsed.

// wireRelation is cRelatie with every value as text.
type wireRelation struct {
	Nil                     string `xml:"nil,attr"`
	ID                      string `xml:"ID"`
	AddDatum                string `xml:"AddDatum"`
	Code                    string `xml:"Code"`
	Bedrijf                 string `xml:"Bedrijf"`
	Contactpersoon          string `xml:"Contactpersoon"`
	Geslacht                string `xml:"Geslacht"`
	Adres                   string `xml:"Adres"`
	Postcode                string `xml:"Postcode"`
	Plaats                  string `xml:"Plaats"`
	Land                    string `xml:"Land"`
	Adres2                  string `xml:"Adres2"`
	Postcode2               string `xml:"Postcode2"`
	Plaats2                 string `xml:"Plaats2"`
	Land2                   string `xml:"Land2"`
	Telefoon                string `xml:"Telefoon"`
	GSM                     string `xml:"GSM"`
	FAX                     string `xml:"FAX"`
	Email                   string `xml:"Email"`
	Site                    string `xml:"Site"`
	Notitie                 string `xml:"Notitie"`
	Bankrekening            string `xml:"Bankrekening"`
	Girorekening            string `xml:"Girorekening"`
	BTWNummer               string `xml:"BTWNummer"`
	KvkNummer               string `xml:"KvkNummer"`
	Aanhef                  string `xml:"Aanhef"`
	IBAN                    string `xml:"IBAN"`
	BIC                     string `xml:"BIC"`
	BP                      string `xml:"BP"`
	Def1                    string `xml:"Def1"`
	Def2                    string `xml:"Def2"`
	Def3                    string `xml:"Def3"`
	Def4                    string `xml:"Def4"`
	Def5                    string `xml:"Def5"`
	Def6                    string `xml:"Def6"`
	Def7                    string `xml:"Def7"`
	Def8                    string `xml:"Def8"`
	Def9                    string `xml:"Def9"`
	Def10                   string `xml:"Def10"`
	LA                      string `xml:"LA"`
	GbID                    string `xml:"Gb_ID"`
	GeenEmail               string `xml:"GeenEmail"`
	NieuwsbriefgroepenCount string `xml:"NieuwsbriefgroepenCount"`
}

// isNil reports an xsi:nil="true" list entry, which is skipped.
func isNil(attr string) bool {
	a := strings.TrimSpace(attr)
	return a == "true" || a == "1"
}

// parser collects the first parse error of a record.
type parser struct {
	err error
}

func (p *parser) keep(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

func (w *wireRelation) relation() (Relation, error) {
	var p parser
	r := Relation{
		Code: w.Code, Company: w.Bedrijf, ContactPerson: w.Contactpersoon, Gender: w.Geslacht,
		Address: w.Adres, PostalCode: w.Postcode, City: w.Plaats, Country: w.Land,
		PostalAddress: w.Adres2, PostalAddressPostalCode: w.Postcode2,
		PostalAddressCity: w.Plaats2, PostalAddressCountry: w.Land2,
		Phone: w.Telefoon, Mobile: w.GSM, Fax: w.FAX, Email: w.Email, Website: w.Site, Note: w.Notitie,
		BankAccount: w.Bankrekening, GiroAccount: w.Girorekening, VATNumber: w.BTWNummer,
		ChamberOfCommerce: w.KvkNummer, Salutation: w.Aanhef, IBAN: w.IBAN, BIC: w.BIC,
		Kind: bpFromWire(w.BP),
		Def1: w.Def1, Def2: w.Def2, Def3: w.Def3, Def4: w.Def4, Def5: w.Def5,
		Def6: w.Def6, Def7: w.Def7, Def8: w.Def8, Def9: w.Def9, Def10: w.Def10,
		MembersModule: w.LA,
	}
	var err error
	r.ID, err = parseLong("ID", w.ID)
	p.keep(err)
	r.AddedOn, err = parseDateTime("AddDatum", w.AddDatum)
	p.keep(err)
	r.LedgerID, err = parseLong("Gb_ID", w.GbID)
	p.keep(err)
	noEmail, err := parseLong("GeenEmail", w.GeenEmail)
	p.keep(err)
	r.NoEmail = noEmail != 0 // a 0/1 flag; any other number counts as set [inferred]
	r.NewsletterGroupCount, err = parseLong("NieuwsbriefgroepenCount", w.NieuwsbriefgroepenCount)
	p.keep(err)
	if p.err != nil {
		return Relation{}, fmt.Errorf("relation %q: %w", clip(w.Code), p.err)
	}
	return r, nil
}

// wireArtikel is cArtikel with every value as text.
type wireArtikel struct {
	Nil                 string `xml:"nil,attr"`
	ArtikelID           string `xml:"ArtikelID"`
	ArtikelOmschrijving string `xml:"ArtikelOmschrijving"`
	ArtikelCode         string `xml:"ArtikelCode"`
	GroepOmschrijving   string `xml:"GroepOmschrijving"`
	GroepCode           string `xml:"GroepCode"`
	Eenheid             string `xml:"Eenheid"`
	InkoopprijsExclBTW  string `xml:"InkoopprijsExclBTW"`
	VerkoopprijsExclBTW string `xml:"VerkoopprijsExclBTW"`
	VerkoopprijsInclBTW string `xml:"VerkoopprijsInclBTW"`
	BTWCode             string `xml:"BTWCode"`
	TegenrekeningCode   string `xml:"TegenrekeningCode"`
	BtwPercentage       string `xml:"BtwPercentage"`
	KostenplaatsID      string `xml:"KostenplaatsID"`
	Actief              string `xml:"Actief"`
}

func (w *wireArtikel) product() (Product, error) {
	var p parser
	pr := Product{
		Code: w.ArtikelCode, Description: w.ArtikelOmschrijving,
		GroupCode: w.GroepCode, GroupDescription: w.GroepOmschrijving,
		Unit: w.Eenheid, VATCode: w.BTWCode, LedgerCode: w.TegenrekeningCode,
	}
	var err error
	pr.ID, err = parseLong("ArtikelID", w.ArtikelID)
	p.keep(err)
	pr.PurchasePrice, err = parseXSDecimal("InkoopprijsExclBTW", w.InkoopprijsExclBTW)
	p.keep(err)
	pr.SalePrice, err = parseXSDecimal("VerkoopprijsExclBTW", w.VerkoopprijsExclBTW)
	p.keep(err)
	pr.SalePriceInclVAT, err = parseXSDecimal("VerkoopprijsInclBTW", w.VerkoopprijsInclBTW)
	p.keep(err)
	pr.VATRate, err = parseXSDecimal("BtwPercentage", w.BtwPercentage)
	p.keep(err)
	pr.CostCentreID, err = parseLong("KostenplaatsID", w.KostenplaatsID)
	p.keep(err)
	pr.Active, err = parseBool("Actief", w.Actief)
	p.keep(err)
	if p.err != nil {
		return Product{}, fmt.Errorf("article %q: %w", clip(w.ArtikelCode), p.err)
	}
	return pr, nil
}

// wireFactuurRegel is cFactuurRegel with every value as text.
type wireFactuurRegel struct {
	Nil               string `xml:"nil,attr"`
	Aantal            string `xml:"Aantal"`
	Eenheid           string `xml:"Eenheid"`
	Code              string `xml:"Code"`
	Omschrijving      string `xml:"Omschrijving"`
	PrijsPerEenheid   string `xml:"PrijsPerEenheid"`
	BTWCode           string `xml:"BTWCode"`
	TegenrekeningCode string `xml:"TegenrekeningCode"`
	KostenplaatsID    string `xml:"KostenplaatsID"`
}

func (w *wireFactuurRegel) line() (InvoiceLine, error) {
	var p parser
	l := InvoiceLine{Unit: w.Eenheid, Code: w.Code, Description: w.Omschrijving, VATCode: w.BTWCode, LedgerCode: w.TegenrekeningCode}
	var err error
	l.Quantity, err = parseDouble("Aantal", w.Aantal)
	p.keep(err)
	l.UnitPrice, err = parseDouble("PrijsPerEenheid", w.PrijsPerEenheid)
	p.keep(err)
	l.CostCentreID, err = parseLong("KostenplaatsID", w.KostenplaatsID)
	p.keep(err)
	return l, p.err
}

// wireFactuurList is cFactuurList with every value as text. Relatiecode is
// xs:anyType in the WSDL and may carry xsi:type; its text is what counts.
type wireFactuurList struct {
	Nil              string             `xml:"nil,attr"`
	Factuurnummer    string             `xml:"Factuurnummer"`
	Relatiecode      string             `xml:"Relatiecode"`
	Datum            string             `xml:"Datum"`
	Betalingstermijn string             `xml:"Betalingstermijn"`
	TotaalExclBTW    string             `xml:"TotaalExclBTW"`
	TotaalBTW        string             `xml:"TotaalBTW"`
	TotaalInclBTW    string             `xml:"TotaalInclBTW"`
	TotaalOpenstaand string             `xml:"TotaalOpenstaand"`
	URLPDFBestand    string             `xml:"URLPDFBestand"`
	Regels           []wireFactuurRegel `xml:"Regels>cFactuurRegel"`
}

func (w *wireFactuurList) invoice() (InvoiceSummary, error) {
	var p parser
	inv := InvoiceSummary{Number: w.Factuurnummer, RelationCode: strings.TrimSpace(w.Relatiecode), PDFURL: w.URLPDFBestand}
	var err error
	inv.Date, err = parseDateTime("Datum", w.Datum)
	p.keep(err)
	inv.PaymentTermDays, err = parseInt("Betalingstermijn", w.Betalingstermijn)
	p.keep(err)
	inv.TotalExclVAT, err = parseMoney("TotaalExclBTW", w.TotaalExclBTW)
	p.keep(err)
	inv.TotalVAT, err = parseMoney("TotaalBTW", w.TotaalBTW)
	p.keep(err)
	inv.TotalInclVAT, err = parseMoney("TotaalInclBTW", w.TotaalInclBTW)
	p.keep(err)
	inv.TotalOutstanding, err = parseMoney("TotaalOpenstaand", w.TotaalOpenstaand)
	p.keep(err)
	for i := range w.Regels {
		if isNil(w.Regels[i].Nil) {
			continue
		}
		l, err := w.Regels[i].line()
		if err != nil {
			p.keep(fmt.Errorf("line %d: %w", i+1, err))
			continue
		}
		inv.Lines = append(inv.Lines, l)
	}
	if p.err != nil {
		return InvoiceSummary{}, fmt.Errorf("invoice %q: %w", clip(w.Factuurnummer), p.err)
	}
	return inv, nil
}

// wireOpenPost is cOpenPost with every value as text.
type wireOpenPost struct {
	Nil        string `xml:"nil,attr"`
	MutDatum   string `xml:"MutDatum"`
	MutFactuur string `xml:"MutFactuur"`
	RelCode    string `xml:"RelCode"`
	RelBedrijf string `xml:"RelBedrijf"`
	Bedrag     string `xml:"Bedrag"`
	Voldaan    string `xml:"Voldaan"`
	Openstaand string `xml:"Openstaand"`
}

func (w *wireOpenPost) openItem() (OpenItem, error) {
	var p parser
	it := OpenItem{InvoiceNumber: w.MutFactuur, RelationCode: w.RelCode, RelationCompany: w.RelBedrijf}
	var err error
	it.Date, err = parseDateTime("MutDatum", w.MutDatum)
	p.keep(err)
	it.Amount, err = parseMoney("Bedrag", w.Bedrag)
	p.keep(err)
	it.Paid, err = parseMoney("Voldaan", w.Voldaan)
	p.keep(err)
	it.Outstanding, err = parseMoney("Openstaand", w.Openstaand)
	p.keep(err)
	if p.err != nil {
		return OpenItem{}, fmt.Errorf("open item %q: %w", clip(w.MutFactuur), p.err)
	}
	return it, nil
}

func (w *wireRelation) fill(d *xdoc, n int32) {
	w.Nil = lastAttr(d, n, "nil")
	d.children(n, func(c int32) {
		v := d.textOf(c)
		switch d.nodes[c].local {
		case "ID":
			w.ID = v
		case "AddDatum":
			w.AddDatum = v
		case "Code":
			w.Code = v
		case "Bedrijf":
			w.Bedrijf = v
		case "Contactpersoon":
			w.Contactpersoon = v
		case "Geslacht":
			w.Geslacht = v
		case "Adres":
			w.Adres = v
		case "Postcode":
			w.Postcode = v
		case "Plaats":
			w.Plaats = v
		case "Land":
			w.Land = v
		case "Adres2":
			w.Adres2 = v
		case "Postcode2":
			w.Postcode2 = v
		case "Plaats2":
			w.Plaats2 = v
		case "Land2":
			w.Land2 = v
		case "Telefoon":
			w.Telefoon = v
		case "GSM":
			w.GSM = v
		case "FAX":
			w.FAX = v
		case "Email":
			w.Email = v
		case "Site":
			w.Site = v
		case "Notitie":
			w.Notitie = v
		case "Bankrekening":
			w.Bankrekening = v
		case "Girorekening":
			w.Girorekening = v
		case "BTWNummer":
			w.BTWNummer = v
		case "KvkNummer":
			w.KvkNummer = v
		case "Aanhef":
			w.Aanhef = v
		case "IBAN":
			w.IBAN = v
		case "BIC":
			w.BIC = v
		case "BP":
			w.BP = v
		case "Def1":
			w.Def1 = v
		case "Def2":
			w.Def2 = v
		case "Def3":
			w.Def3 = v
		case "Def4":
			w.Def4 = v
		case "Def5":
			w.Def5 = v
		case "Def6":
			w.Def6 = v
		case "Def7":
			w.Def7 = v
		case "Def8":
			w.Def8 = v
		case "Def9":
			w.Def9 = v
		case "Def10":
			w.Def10 = v
		case "LA":
			w.LA = v
		case "Gb_ID":
			w.GbID = v
		case "GeenEmail":
			w.GeenEmail = v
		case "NieuwsbriefgroepenCount":
			w.NieuwsbriefgroepenCount = v
		}
	})
}

func (w *wireArtikel) fill(d *xdoc, n int32) {
	w.Nil = lastAttr(d, n, "nil")
	d.children(n, func(c int32) {
		v := d.textOf(c)
		switch d.nodes[c].local {
		case "ArtikelID":
			w.ArtikelID = v
		case "ArtikelOmschrijving":
			w.ArtikelOmschrijving = v
		case "ArtikelCode":
			w.ArtikelCode = v
		case "GroepOmschrijving":
			w.GroepOmschrijving = v
		case "GroepCode":
			w.GroepCode = v
		case "Eenheid":
			w.Eenheid = v
		case "InkoopprijsExclBTW":
			w.InkoopprijsExclBTW = v
		case "VerkoopprijsExclBTW":
			w.VerkoopprijsExclBTW = v
		case "VerkoopprijsInclBTW":
			w.VerkoopprijsInclBTW = v
		case "BTWCode":
			w.BTWCode = v
		case "TegenrekeningCode":
			w.TegenrekeningCode = v
		case "BtwPercentage":
			w.BtwPercentage = v
		case "KostenplaatsID":
			w.KostenplaatsID = v
		case "Actief":
			w.Actief = v
		}
	})
}

func (w *wireFactuurRegel) fill(d *xdoc, n int32) {
	w.Nil = lastAttr(d, n, "nil")
	d.children(n, func(c int32) {
		v := d.textOf(c)
		switch d.nodes[c].local {
		case "Aantal":
			w.Aantal = v
		case "Eenheid":
			w.Eenheid = v
		case "Code":
			w.Code = v
		case "Omschrijving":
			w.Omschrijving = v
		case "PrijsPerEenheid":
			w.PrijsPerEenheid = v
		case "BTWCode":
			w.BTWCode = v
		case "TegenrekeningCode":
			w.TegenrekeningCode = v
		case "KostenplaatsID":
			w.KostenplaatsID = v
		}
	})
}

func (w *wireFactuurList) fill(d *xdoc, n int32) {
	w.Nil = lastAttr(d, n, "nil")
	d.children(n, func(c int32) {
		switch d.nodes[c].local {
		case "Factuurnummer":
			w.Factuurnummer = d.textOf(c)
		case "Relatiecode":
			w.Relatiecode = d.textOf(c)
		case "Datum":
			w.Datum = d.textOf(c)
		case "Betalingstermijn":
			w.Betalingstermijn = d.textOf(c)
		case "TotaalExclBTW":
			w.TotaalExclBTW = d.textOf(c)
		case "TotaalBTW":
			w.TotaalBTW = d.textOf(c)
		case "TotaalInclBTW":
			w.TotaalInclBTW = d.textOf(c)
		case "TotaalOpenstaand":
			w.TotaalOpenstaand = d.textOf(c)
		case "URLPDFBestand":
			w.URLPDFBestand = d.textOf(c)
		case "Regels":
			resultElements(d, c, "cFactuurRegel", func(l int32) {
				w.Regels = append(w.Regels, wireFactuurRegel{})
				w.Regels[len(w.Regels)-1].fill(d, l)
			})
		}
	})
}

func (w *wireOpenPost) fill(d *xdoc, n int32) {
	w.Nil = lastAttr(d, n, "nil")
	d.children(n, func(c int32) {
		v := d.textOf(c)
		switch d.nodes[c].local {
		case "MutDatum":
			w.MutDatum = v
		case "MutFactuur":
			w.MutFactuur = v
		case "RelCode":
			w.RelCode = v
		case "RelBedrijf":
			w.RelBedrijf = v
		case "Bedrag":
			w.Bedrag = v
		case "Voldaan":
			w.Voldaan = v
		case "Openstaand":
			w.Openstaand = v
		}
	})
}
