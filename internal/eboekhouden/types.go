package eboekhouden

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/redact"
)

// Credentials are the API/SOAP credentials of an administration (Beheer >
// Instellingen > API/SOAP). Formatting, logging or JSON-marshalling
// Credentials masks both security codes, so that a stray Printf or log
// attribute cannot leak them; store them through a secret store, not as JSON
// of this type.
type Credentials struct {
	Username      string
	SecurityCode1 string // "Beveiligingscode 1", 32 hex characters
	SecurityCode2 string // "Beveiligingscode 2", a GUID
	// AdministrationGUID, when set, is the linked administration of an
	// accountant's account that the codes open (OpenSessionSub with
	// AdministratieGUID; the GUIDs come from Client.Administrations). Empty
	// opens the account's own administration (OpenSession). Not a secret.
	AdministrationGUID string
}

func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return redact.Mask
}

// String returns the credentials with both security codes masked.
func (c Credentials) String() string {
	admin := ""
	if c.AdministrationGUID != "" {
		admin = " AdministrationGUID:" + c.AdministrationGUID
	}
	return fmt.Sprintf("{Username:%s SecurityCode1:%s SecurityCode2:%s%s}", c.Username, maskSecret(c.SecurityCode1), maskSecret(c.SecurityCode2), admin)
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return "eboekhouden.Credentials" + c.String() }

// Format masks the security codes for every verb.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.GoString()))
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// LogValue masks the security codes in slog output.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("username", c.Username),
		slog.String("security_code_1", maskSecret(c.SecurityCode1)),
		slog.String("security_code_2", maskSecret(c.SecurityCode2)),
	)
}

// MarshalJSON masks the security codes: Credentials never leave the process
// as JSON.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"username":        c.Username,
		"security_code_1": maskSecret(c.SecurityCode1),
		"security_code_2": maskSecret(c.SecurityCode2),
	})
}

// RelationKind says whether a relation is a business or a private person
// (cRelatie.BP). Values the service sends that are neither B nor P are kept
// as they are, so that a read-modify-write does not change them.
type RelationKind string

// Relation kinds.
const (
	RelationBusiness RelationKind = "business" // BP = "B" (bedrijf)
	RelationPrivate  RelationKind = "private"  // BP = "P" (particulier)
)

// Genders of a contact (cRelatie.Geslacht); empty means unknown.
const (
	GenderMale   = "m"
	GenderFemale = "v" // vrouw
)

// Relation is an e-Boekhouden relation (cRelatie) with every field of the
// WSDL, so that UpdateRelation can send the full record back.
type Relation struct {
	ID      int64     // assigned by e-Boekhouden; 0 for a new relation
	AddedOn time.Time // AddDatum; AddRelation sends today when zero

	Code          string // unique per administration, max 15
	Company       string // Bedrijf; the person's name for a private relation, max 100
	ContactPerson string
	Gender        string // GenderMale, GenderFemale or empty

	// Visiting address.
	Address    string
	PostalCode string
	City       string
	Country    string
	// Postal address (Adres2, Postcode2, Plaats2, Land2).
	PostalAddress           string
	PostalAddressPostalCode string
	PostalAddressCity       string
	PostalAddressCountry    string

	Phone   string // Telefoon
	Mobile  string // GSM
	Fax     string
	Email   string
	Website string // Site
	Note    string // Notitie

	BankAccount       string // Bankrekening, deprecated: use IBAN
	GiroAccount       string // Girorekening, deprecated: use IBAN
	VATNumber         string // BTWNummer
	ChamberOfCommerce string // KvkNummer
	Salutation        string // Aanhef
	IBAN              string
	BIC               string
	Kind              RelationKind // BP

	// User-defined fields Def1..Def10 (max 100 each).
	Def1, Def2, Def3, Def4, Def5, Def6, Def7, Def8, Def9, Def10 string

	// MembersModule is cRelatie.LA: "0" for a standard relation, "1" only in
	// the members administration module. Empty is sent as "0".
	MembersModule        string
	LedgerID             int64 // Gb_ID, 0 = none
	NoEmail              bool  // GeenEmail
	NewsletterGroupCount int64 // NieuwsbriefgroepenCount, reserved: send what was read
	// InvoiceEmail is the address for invoices: the REST road's
	// emailAddressInvoice; SOAP's cRelatie has none (empty there).
	InvoiceEmail string
}

// RelationFilter narrows GetRelaties; the zero value asks for all relations
// (the service may cap the answer: §10 of the reference notes reports 100,
// unverified).
type RelationFilter struct {
	Keyword string // Trefwoord
	Code    string
	ID      int64 // 0 = no ID filter
}

// Product is an e-Boekhouden article (cArtikel).
type Product struct {
	ID               int64
	Code             string // ArtikelCode, max 20
	Description      string // ArtikelOmschrijving
	GroupCode        string
	GroupDescription string
	Unit             string // Eenheid, e.g. "uur", "stuk"
	PurchasePrice    decimal.Decimal
	SalePrice        decimal.Decimal // excl. VAT
	SalePriceInclVAT decimal.Decimal
	VATCode          string // BTWCode, e.g. "HOOG_VERK_21"
	LedgerCode       string // TegenrekeningCode, e.g. "8020"
	// VATRate is BtwPercentage as the service sends it: a fraction such as
	// 0.21 in the one published sample (§5.3; the scale is unverified).
	VATRate      decimal.Decimal
	CostCentreID int64 // 0 = none
	Active       bool
}

// ProductFilter narrows GetArtikelen; the zero value asks for all articles.
type ProductFilter struct {
	ID               int64
	Code             string
	Description      string
	GroupCode        string
	GroupDescription string
}

// Invoice is a new sales invoice (cFactuur). SEPA direct debit is not
// supported: AutomatischeIncasso is always sent as false.
type Invoice struct {
	// Number is optional: leave it empty and e-Boekhouden numbers the
	// invoice [inferred]; AddInvoice returns the number either way.
	Number           string
	RelationCode     string // an existing relation Code
	Date             time.Time
	PaymentTermDays  int
	Template         string // exact name of an invoice template
	EmailIt          bool   // PerEmailVerzenden
	EmailSubject     string
	EmailBody        string
	EmailFromAddress string
	EmailFromName    string
	// EmailTemplateID (an e-Boekhouden e-mail template, 0 for none) and
	// EmailAttachUBL (attach the UBL file) go with EmailIt on the REST
	// road only: SOAP's cFactuur has neither.
	EmailTemplateID int64
	EmailAttachUBL  bool
	// Book is InBoekhoudingPlaatsen: also post the invoice in the ledger.
	Book               bool
	BookingDescription string // BoekhoudmutatieOmschrijving
	Lines              []InvoiceLine
}

// InvoiceLine is one invoice line (cFactuurRegel).
type InvoiceLine struct {
	Quantity     decimal.Decimal
	Unit         string
	Code         string
	Description  string
	UnitPrice    decimal.Decimal // excl. VAT [inferred]
	VATCode      string
	LedgerCode   string // TegenrekeningCode
	CostCentreID int64
}

// InvoiceFilter narrows GetFacturen. From and To default to 1980-01-01 and
// 2049-12-31, the range of invoice dates the service accepts.
type InvoiceFilter struct {
	Number       string
	RelationCode string
	From, To     time.Time
}

// InvoiceSummary is an existing invoice (cFactuurList) with its lines and
// totals. Totals are rounded to cents.
type InvoiceSummary struct {
	Number           string
	RelationCode     string
	Date             time.Time
	PaymentTermDays  int
	TotalExclVAT     decimal.Decimal
	TotalVAT         decimal.Decimal
	TotalInclVAT     decimal.Decimal
	TotalOutstanding decimal.Decimal
	PDFURL           string
	Lines            []InvoiceLine
}

// OpenItemKind selects debtor or creditor items (enOpenpostenSoort).
type OpenItemKind string

// Open item kinds.
const (
	OpenItemsDebtors   OpenItemKind = "debtors"   // Debiteuren
	OpenItemsCreditors OpenItemKind = "creditors" // Crediteuren
)

// OpenItem is an unpaid or partly paid invoice (cOpenPost). Amounts are
// rounded to cents.
type OpenItem struct {
	Date            time.Time // MutDatum
	InvoiceNumber   string    // MutFactuur
	RelationCode    string
	RelationCompany string
	Amount          decimal.Decimal // Bedrag
	Paid            decimal.Decimal // Voldaan
	Outstanding     decimal.Decimal // Openstaand
}
