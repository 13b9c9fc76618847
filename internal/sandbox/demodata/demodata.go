// Package demodata owns the Dutch demo administration that both sandbox servers
// (e-Boekhouden and OutSmart) load at start: an installation company with its
// customers, products, hour types, workflow statuses and work orders in every
// status. The same shapes are used by tests to seed their own, smaller datasets.
//
// Field names follow the two wire formats on purpose (Dutch cRelatie/cArtikel
// names for e-Boekhouden, the OPENApi JSON keys for OutSmart): this package is
// part of the sandbox, which mirrors the services, not of the product's domain.
// Money and quantities are decimal strings ("42.50"), never floats, so that a
// dataset round-trips exactly.
package demodata

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

//go:embed demo.json
var demoJSON []byte

// Dataset is the complete starting state of both sandboxes.
type Dataset struct {
	EBoekhouden EBoekhouden `json:"eboekhouden"`
	OutSmart    OutSmart    `json:"outsmart"`
}

// EBoekhouden is one e-Boekhouden administration.
type EBoekhouden struct {
	// Administration is the company name of the administration (shown in logs only).
	Administration string        `json:"administration"`
	Credentials    EBCredentials `json:"credentials"`
	// InvoiceTemplates are the names of the invoice templates (Beheer > Sjablonen >
	// Factuursjablonen). AddFactuur's Factuursjabloon must match one exactly.
	InvoiceTemplates []string `json:"invoice_templates"`
	// LedgerAccounts are the general ledger accounts; invoice lines must name an
	// existing one as TegenrekeningCode.
	LedgerAccounts []LedgerAccount `json:"ledger_accounts"`
	Relations      []Relatie       `json:"relations"`
	Articles       []Artikel       `json:"articles"`
	// Invoices are invoices that exist before the first sync (history).
	Invoices []Factuur `json:"invoices"`
}

// EBCredentials are the API/SOAP credentials of Beheer > Inrichting > Instellingen >
// Koppelingen > API/SOAP.
type EBCredentials struct {
	Username      string `json:"username"`
	SecurityCode1 string `json:"security_code_1"`
	SecurityCode2 string `json:"security_code_2"`
}

// LedgerAccount is a general ledger account (cGrootboekrekening).
type LedgerAccount struct {
	ID           int64  `json:"ID"`
	Code         string `json:"Code"`
	Omschrijving string `json:"Omschrijving"`
	Categorie    string `json:"Categorie"`
}

// Relatie is an e-Boekhouden relation with every cRelatie field of the WSDL.
type Relatie struct {
	ID                      int64  `json:"ID"`
	AddDatum                string `json:"AddDatum"` // YYYY-MM-DD
	Code                    string `json:"Code"`
	Bedrijf                 string `json:"Bedrijf"`
	Contactpersoon          string `json:"Contactpersoon,omitempty"`
	Geslacht                string `json:"Geslacht,omitempty"`
	Adres                   string `json:"Adres,omitempty"`
	Postcode                string `json:"Postcode,omitempty"`
	Plaats                  string `json:"Plaats,omitempty"`
	Land                    string `json:"Land,omitempty"`
	Adres2                  string `json:"Adres2,omitempty"`
	Postcode2               string `json:"Postcode2,omitempty"`
	Plaats2                 string `json:"Plaats2,omitempty"`
	Land2                   string `json:"Land2,omitempty"`
	Telefoon                string `json:"Telefoon,omitempty"`
	GSM                     string `json:"GSM,omitempty"`
	FAX                     string `json:"FAX,omitempty"`
	Email                   string `json:"Email,omitempty"`
	Site                    string `json:"Site,omitempty"`
	Notitie                 string `json:"Notitie,omitempty"`
	Bankrekening            string `json:"Bankrekening,omitempty"`
	Girorekening            string `json:"Girorekening,omitempty"`
	BTWNummer               string `json:"BTWNummer,omitempty"`
	KvkNummer               string `json:"KvkNummer,omitempty"`
	Aanhef                  string `json:"Aanhef,omitempty"`
	IBAN                    string `json:"IBAN,omitempty"`
	BIC                     string `json:"BIC,omitempty"`
	BP                      string `json:"BP"` // B = bedrijf, P = particulier
	Def1                    string `json:"Def1,omitempty"`
	Def2                    string `json:"Def2,omitempty"`
	Def3                    string `json:"Def3,omitempty"`
	Def4                    string `json:"Def4,omitempty"`
	Def5                    string `json:"Def5,omitempty"`
	Def6                    string `json:"Def6,omitempty"`
	Def7                    string `json:"Def7,omitempty"`
	Def8                    string `json:"Def8,omitempty"`
	Def9                    string `json:"Def9,omitempty"`
	Def10                   string `json:"Def10,omitempty"`
	LA                      string `json:"LA,omitempty"`
	GbID                    int64  `json:"Gb_ID"`
	GeenEmail               int64  `json:"GeenEmail"`
	NieuwsbriefgroepenCount int64  `json:"NieuwsbriefgroepenCount"`
}

// Artikel is an e-Boekhouden product/service (cArtikel). The sandbox derives
// VerkoopprijsInclBTW and BtwPercentage from the BTW code.
type Artikel struct {
	ArtikelID           int64  `json:"ArtikelID"`
	ArtikelOmschrijving string `json:"ArtikelOmschrijving"`
	ArtikelCode         string `json:"ArtikelCode"`
	GroepOmschrijving   string `json:"GroepOmschrijving,omitempty"`
	GroepCode           string `json:"GroepCode,omitempty"`
	Eenheid             string `json:"Eenheid"`
	InkoopprijsExclBTW  string `json:"InkoopprijsExclBTW"`
	VerkoopprijsExclBTW string `json:"VerkoopprijsExclBTW"`
	BTWCode             string `json:"BTWCode"`
	TegenrekeningCode   string `json:"TegenrekeningCode"`
	KostenplaatsID      int64  `json:"KostenplaatsID"`
	Actief              bool   `json:"Actief"`
}

// Factuur is an invoice that already exists in the administration.
type Factuur struct {
	Factuurnummer         string         `json:"Factuurnummer"`
	Relatiecode           string         `json:"Relatiecode"`
	Datum                 string         `json:"Datum"` // YYYY-MM-DD
	Betalingstermijn      int64          `json:"Betalingstermijn"`
	Factuursjabloon       string         `json:"Factuursjabloon"`
	InBoekhoudingPlaatsen bool           `json:"InBoekhoudingPlaatsen"`
	Voldaan               string         `json:"Voldaan,omitempty"` // amount already paid, incl. VAT
	Regels                []FactuurRegel `json:"Regels"`
}

// FactuurRegel is one invoice line (cFactuurRegel).
type FactuurRegel struct {
	Aantal            string `json:"Aantal"`
	Eenheid           string `json:"Eenheid,omitempty"`
	Code              string `json:"Code"`
	Omschrijving      string `json:"Omschrijving"`
	PrijsPerEenheid   string `json:"PrijsPerEenheid"`
	BTWCode           string `json:"BTWCode"`
	TegenrekeningCode string `json:"TegenrekeningCode"`
	KostenplaatsID    int64  `json:"KostenplaatsID"`
}

// OutSmart is one OutSmart (OPENApi v8) customer account.
type OutSmart struct {
	Credentials   OSCredentials `json:"credentials"`
	Employees     []Employee    `json:"employees"`
	Workstatusses []Workstatus  `json:"workstatusses"`
	Relations     []Relation    `json:"relations"`
	Materials     []Material    `json:"materials"`
	HourTypes     []HourType    `json:"hourtypes"`
	Workorders    []Workorder   `json:"workorders"`
}

// OSCredentials are what OutSmart shows under Instellingen > Externe koppelingen
// (Bedrijfs id, Token) plus the software token OutSmart issues to the link.
type OSCredentials struct {
	CompanyID     string `json:"company_id"`
	Token         string `json:"token"`
	SoftwareToken string `json:"software_token"`
}

// Employee is an OutSmart employee (GET /employees/).
type Employee struct {
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Number    string `json:"number"`
	Active    string `json:"active"`
}

// Workstatus is an OutSmart workflow status (GET /workstatusses/).
type Workstatus struct {
	Code string `json:"sta_code"`
	Name string `json:"sta_name"`
}

// Relation is an OutSmart relation (/relations/), with the Blueprint fields and
// the newer ones from OutSmart's GitBook and Postman collection.
type Relation struct {
	Name                string `json:"name"`
	DebtorNumber        string `json:"debtor_number"`
	Contact             string `json:"contact,omitempty"`
	PhoneNumber         string `json:"phone_number,omitempty"`
	Mobile              string `json:"mobile,omitempty"`
	Email               string `json:"email,omitempty"`
	EmailWorkorder      string `json:"email_workorder,omitempty"`
	Street              string `json:"street"`
	HouseNumber         string `json:"house_number,omitempty"`
	PostalCode          string `json:"postal_code"`
	City                string `json:"city"`
	Country             string `json:"country,omitempty"`
	Remark              string `json:"remark,omitempty"`
	ExternalID          string `json:"external_id,omitempty"`
	DebtorNumberInvoice string `json:"debtor_number_invoice,omitempty"`
	KvkNumber           string `json:"kvk_number,omitempty"`
	VatNumber           string `json:"vat_number,omitempty"`
	DebtorType          string `json:"debtor_type,omitempty"`
	Language            string `json:"language,omitempty"`
	Active              string `json:"active,omitempty"`
}

// Material is an OutSmart material (/materials/). Price is a decimal string with
// a comma, as OutSmart returns it ("4,55").
type Material struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Price       string `json:"price"`
	Unit        string `json:"unit"`
	Eancode     string `json:"eancode,omitempty"`
	Barcode     string `json:"barcode,omitempty"`
	Freefield1  string `json:"freefield1,omitempty"`
	Freefield2  string `json:"freefield2,omitempty"`
	Freefield3  string `json:"freefield3,omitempty"`
	Freefield4  string `json:"freefield4,omitempty"`
	Freefield5  string `json:"freefield5,omitempty"`
}

// HourType is an OutSmart hour type (/hourtypes/). Prices are dot decimals and
// flags "0"/"1", as OutSmart returns them.
type HourType struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	CostBooking string `json:"cost_booking"`
	SaleBooking string `json:"sale_booking"`
	SalePrice   string `json:"sale_price"`
	CostPrice   string `json:"cost_price,omitempty"`
	Active      string `json:"active,omitempty"`
}

// Workorder is an OutSmart work order as GetWorkorders returns it (the fields an
// accounting link reads; key casing exactly as documented).
type Workorder struct {
	ID                           string              `json:"id"`
	WorkorderNo                  string              `json:"WorkorderNo"`
	OrderNr                      string              `json:"OrderNr"`
	WorkDate                     string              `json:"WorkDate"` // d-m-Y
	WorkTime                     string              `json:"WorkTime"` // H:i
	WorkEndDate                  string              `json:"WorkEndDate"`
	WorkEndTime                  string              `json:"WorkEndTime"`
	ProjectNr                    string              `json:"ProjectNr"`
	ExternProjectNr              string              `json:"ExternProjectNr"`
	CustomerName                 string              `json:"CustomerName"`
	CustomerDebtorNr             string              `json:"CustomerDebtorNr"`
	CustomerStreet               string              `json:"CustomerStreet"`
	CustomerStreetNo             string              `json:"CustomerStreetNo"`
	CustomerEmail                string              `json:"CustomerEmail"`
	CustomerZIP                  string              `json:"CustomerZIP"`
	CustomerCity                 string              `json:"CustomerCity"`
	CustomerCountry              string              `json:"CustomerCountry"`
	CustomerContactPerson        string              `json:"CustomerContactPerson"`
	CustomerPhone                string              `json:"CustomerPhone"`
	CustomerRemark               string              `json:"CustomerRemark"`
	CustomerNameInvoice          string              `json:"CustomerNameInvoice"`
	CustomerDebtorNrInvoice      string              `json:"CustomerDebtorNrInvoice"`
	CustomerStreetInvoice        string              `json:"CustomerStreetInvoice"`
	CustomerStreetNoInvoice      string              `json:"CustomerStreetNoInvoice"`
	CustomerEmailInvoice         string              `json:"CustomerEmailInvoice"`
	CustomerZIPInvoice           string              `json:"CustomerZIPInvoice"`
	CustomerCityInvoice          string              `json:"CustomerCityInvoice"`
	CustomerCountryInvoice       string              `json:"CustomerCountryInvoice"`
	CustomerContactPersonInvoice string              `json:"CustomerContactPersonInvoice"`
	CustomerPhoneInvoice         string              `json:"CustomerPhoneInvoice"`
	CustomerRemarkInvoice        string              `json:"CustomerRemarkInvoice"`
	TypeOfWork                   string              `json:"TypeOfWork"`
	WorkDescription              string              `json:"WorkDescription"`
	ShortWorkDescription         string              `json:"ShortWorkDescription"`
	InternalWorkDescription      string              `json:"InternalWorkDescription"`
	PaymentMethod                string              `json:"PaymentMethod"`
	CreationDate                 string              `json:"CreationDate"` // Y-m-d H:i
	EmployeeNr                   string              `json:"EmployeeNr"`
	Archived                     string              `json:"Archived"`
	PdfURL                       string              `json:"PdfUrl"`
	WorksheetCode                string              `json:"WorksheetCode"`
	Status                       string              `json:"status"` // Klaargezet, Opgehaald, Compleet, Afgehandeld
	WorkFinished                 string              `json:"WorkFinished"`
	WorkStatus                   string              `json:"WorkStatus"` // sta_code of the workflow status
	Workperiods                  []WorkorderPeriod   `json:"Workperiods"`
	Materials                    []WorkorderMaterial `json:"Materials"`
}

// WorkorderPeriod is one registered work period on a work order.
type WorkorderPeriod struct {
	WorkDate   string `json:"WorkDate"`  // d-m-Y
	BeginTime  string `json:"BeginTime"` // H:i
	EndTime    string `json:"EndTime"`
	Break      string `json:"Break"`     // whole minutes (Blueprint: "Break time in minutes")
	TotalTime  string `json:"TotalTime"` // H:i = EndTime - BeginTime - Break
	WorkRemark string `json:"WorkRemark"`
	Travel     string `json:"Travel"`
	EmployeeNr string `json:"EmployeeNr"`
	HourType   string `json:"HourType"` // hour type code
}

// WorkorderMaterial is one material line on a work order. MaterialNr is the
// quantity; prices are comma decimals as OutSmart returns them.
type WorkorderMaterial struct {
	MaterialCode       string  `json:"MaterialCode"`
	MaterialNr         string  `json:"MaterialNr"`
	MaterialPrice      string  `json:"MaterialPrice"`
	MaterialTotalPrice string  `json:"MaterialTotalPrice"`
	MaterialName       string  `json:"MaterialName"`
	MaterialUnit       string  `json:"MaterialUnit"`
	MaterialType       *string `json:"MaterialType"`
	MaterialFreeField1 *string `json:"MaterialFreeField1"`
	MaterialFreeField2 *string `json:"MaterialFreeField2"`
	MaterialFreeField3 *string `json:"MaterialFreeField3"`
	MaterialFreeField4 *string `json:"MaterialFreeField4"`
	MaterialFreeField5 *string `json:"MaterialFreeField5"`
}

// Default returns a fresh copy of the embedded Dutch demo dataset. Each call
// returns an independent value, so a sandbox may change it freely.
func Default() *Dataset {
	ds, err := Parse(demoJSON)
	if err != nil {
		// The embedded file is checked by TestDefaultIsValid; reaching this is a
		// build defect, not a runtime condition.
		panic(fmt.Sprintf("demodata: embedded demo.json is invalid: %v", err))
	}
	return ds
}

// Load reads a dataset from a JSON file.
func Load(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	ds, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", path, err)
	}
	return ds, nil
}

// Parse decodes a dataset; unknown keys are an error so that a typo in a
// hand-written dataset does not silently drop data.
func Parse(b []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ds Dataset
	if err := dec.Decode(&ds); err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	return &ds, nil
}

// Clone returns a deep copy of the dataset. It copies field by field (a
// JSON round trip costs seconds at 50,000 records); TestCloneCopiesEveryField
// fails when a type gains a slice or pointer that Clone does not know.
func (ds *Dataset) Clone() *Dataset {
	out := *ds
	eb, fs := &out.EBoekhouden, &out.OutSmart
	eb.InvoiceTemplates = slices.Clone(eb.InvoiceTemplates)
	eb.LedgerAccounts = slices.Clone(eb.LedgerAccounts)
	eb.Relations = slices.Clone(eb.Relations)
	eb.Articles = slices.Clone(eb.Articles)
	eb.Invoices = slices.Clone(eb.Invoices)
	for i := range eb.Invoices {
		eb.Invoices[i].Regels = slices.Clone(eb.Invoices[i].Regels)
	}
	fs.Employees = slices.Clone(fs.Employees)
	fs.Workstatusses = slices.Clone(fs.Workstatusses)
	fs.Relations = slices.Clone(fs.Relations)
	fs.Materials = slices.Clone(fs.Materials)
	fs.HourTypes = slices.Clone(fs.HourTypes)
	fs.Workorders = slices.Clone(fs.Workorders)
	for i := range fs.Workorders {
		fs.Workorders[i] = fs.Workorders[i].Clone()
	}
	return &out
}

// Clone returns a deep copy of the work order.
func (w Workorder) Clone() Workorder {
	w.Workperiods = slices.Clone(w.Workperiods)
	w.Materials = slices.Clone(w.Materials)
	for i := range w.Materials {
		m := &w.Materials[i]
		for _, p := range []**string{&m.MaterialType, &m.MaterialFreeField1, &m.MaterialFreeField2,
			&m.MaterialFreeField3, &m.MaterialFreeField4, &m.MaterialFreeField5} {
			if *p != nil {
				v := **p
				*p = &v
			}
		}
	}
	return w
}
