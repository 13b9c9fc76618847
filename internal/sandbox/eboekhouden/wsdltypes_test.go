package eboekhouden

import "encoding/xml"

// Response structs mirroring the WSDL, as a client would declare them. The
// response element must be in the service namespace; nested elements match
// by local name (checkResponse validates the namespaces and order).

type cError struct {
	LastErrorCode        string `xml:"LastErrorCode"`
	LastErrorDescription string `xml:"LastErrorDescription"`
}

type OpenSessionResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap OpenSessionResponse"`
	Result  struct {
		ErrorMsg  cError `xml:"ErrorMsg"`
		SessionID string `xml:"SessionID"`
	} `xml:"OpenSessionResult"`
}

type CloseSessionResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap CloseSessionResponse"`
}

type CRelatie struct {
	ID                      int64  `xml:"ID"`
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
	GbID                    int64  `xml:"Gb_ID"`
	GeenEmail               int64  `xml:"GeenEmail"`
	NieuwsbriefgroepenCount int64  `xml:"NieuwsbriefgroepenCount"`
}

type GetRelatiesResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap GetRelatiesResponse"`
	Result  struct {
		ErrorMsg cError     `xml:"ErrorMsg"`
		Relaties []CRelatie `xml:"Relaties>cRelatie"`
	} `xml:"GetRelatiesResult"`
}

type AddRelatieResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap AddRelatieResponse"`
	Result  struct {
		ErrorMsg cError `xml:"ErrorMsg"`
		RelID    int64  `xml:"Rel_ID"`
	} `xml:"AddRelatieResult"`
}

type UpdateRelatieResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap UpdateRelatieResponse"`
	Result  cError   `xml:"UpdateRelatieResult"`
}

type CArtikel struct {
	ArtikelID           int64  `xml:"ArtikelID"`
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
	KostenplaatsID      int64  `xml:"KostenplaatsID"`
	Actief              bool   `xml:"Actief"`
}

type GetArtikelenResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap GetArtikelenResponse"`
	Result  struct {
		ErrorMsg  cError     `xml:"ErrorMsg"`
		Artikelen []CArtikel `xml:"Artikelen>cArtikel"`
	} `xml:"GetArtikelenResult"`
}

type AddFactuurResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap AddFactuurResponse"`
	Result  struct {
		ErrorMsg      cError  `xml:"ErrorMsg"`
		Factuurnummer *string `xml:"Factuurnummer"`
	} `xml:"AddFactuurResult"`
}

type CFactuurRegel struct {
	Aantal            string `xml:"Aantal"`
	Eenheid           string `xml:"Eenheid"`
	Code              string `xml:"Code"`
	Omschrijving      string `xml:"Omschrijving"`
	PrijsPerEenheid   string `xml:"PrijsPerEenheid"`
	BTWCode           string `xml:"BTWCode"`
	TegenrekeningCode string `xml:"TegenrekeningCode"`
	KostenplaatsID    int64  `xml:"KostenplaatsID"`
}

type CFactuurList struct {
	Factuurnummer    string          `xml:"Factuurnummer"`
	Relatiecode      string          `xml:"Relatiecode"` // xs:anyType, read as text
	Datum            string          `xml:"Datum"`
	Betalingstermijn int64           `xml:"Betalingstermijn"`
	TotaalExclBTW    string          `xml:"TotaalExclBTW"`
	TotaalBTW        string          `xml:"TotaalBTW"`
	TotaalInclBTW    string          `xml:"TotaalInclBTW"`
	TotaalOpenstaand string          `xml:"TotaalOpenstaand"`
	URLPDFBestand    string          `xml:"URLPDFBestand"`
	Regels           []CFactuurRegel `xml:"Regels>cFactuurRegel"`
}

type GetFacturenResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap GetFacturenResponse"`
	Result  struct {
		ErrorMsg cError         `xml:"ErrorMsg"`
		Facturen []CFactuurList `xml:"Facturen>cFactuurList"`
	} `xml:"GetFacturenResult"`
}

type COpenPost struct {
	MutDatum   string `xml:"MutDatum"`
	MutFactuur string `xml:"MutFactuur"`
	RelCode    string `xml:"RelCode"`
	RelBedrijf string `xml:"RelBedrijf"`
	Bedrag     string `xml:"Bedrag"`
	Voldaan    string `xml:"Voldaan"`
	Openstaand string `xml:"Openstaand"`
}

type GetOpenPostenResponse struct {
	XMLName xml.Name `xml:"http://www.e-boekhouden.nl/soap GetOpenPostenResponse"`
	Result  struct {
		ErrorMsg   cError      `xml:"ErrorMsg"`
		Openposten []COpenPost `xml:"Openposten>cOpenPost"`
	} `xml:"GetOpenPostenResult"`
}
