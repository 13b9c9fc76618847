package main

// This file owns the mapping: every choice about the generated wire code
// that the WSDL cannot make. The WSDL gives the records, their elements in
// sequence order, their XSD types, which records are nillable list items and
// which elements are lists; the tables below give the Go names, the domain
// type and field each element becomes, and how its text is parsed. Adding an
// element to a record the client reads is one line in its Fields; the
// generator refuses a WSDL element without a line and a line without an
// element, so the table and the WSDL cannot drift apart.

// recordMap maps a complex type of the WSDL to its text mirror and,
// optionally, to a domain type.
type recordMap struct {
	XSD    string     // the complex type, e.g. "cRelatie"
	Wire   string     // the Go struct that holds its values as text
	Doc    string     // more of the Wire type's doc comment, if any
	Domain string     // the domain type it maps to; "" for none
	Method string     // the method of Wire that returns Domain
	List   string     // the method of a list answer that returns []Domain
	Label  string     // names the record in a parse error; "" returns the error as it is
	Key    string     // the element whose value follows Label in that error
	Fields []fieldMap // one per element of the XSD type, in any order
}

// fieldMap maps one element of a record.
type fieldMap struct {
	Element string // the element's name in the WSDL
	To      string // the domain field it fills ("" in a record without Domain)
	// Parse names the parse function (wire.go, records.go) that turns the
	// text into To's type: see parses. Empty, with Convert empty, copies
	// the text.
	Parse string
	// Convert names a func(string) T applied to the text instead.
	Convert string
	// Go is the wire struct's field name when it is not the element's
	// name without underscores.
	Go string
	// Item names one entry of a list element in a parse error ("line 3").
	Item string
}

// parses are the parse functions by name, with the XSD types each may
// read. A field whose XSD type is not listed is refused: an xs:double is
// not parsed as an xs:long by a slip of the table.
var parses = map[string][]string{
	"parseLong":      {"long"},
	"parseInt":       {"long", "int"},
	"parseFlag":      {"long"},
	"parseBool":      {"boolean"},
	"parseDouble":    {"double"},
	"parseMoney":     {"double"},
	"parseXSDecimal": {"decimal"},
	"parseDateTime":  {"dateTime"},
}

// records are the complex types the client reads, in the order they are
// written.
var records = []recordMap{
	{
		XSD: "cError", Wire: "cError",
		Doc: "A call failed exactly when the code is not blank (§3).",
		Fields: []fieldMap{
			{Element: "LastErrorCode", Go: "Code"},
			{Element: "LastErrorDescription", Go: "Description"},
		},
	},
	{
		XSD: "cRelatie", Wire: "wireRelation", Domain: "Relation", Method: "relation", List: "relations",
		Label: "relation", Key: "Code",
		Fields: []fieldMap{
			{Element: "ID", To: "ID", Parse: "parseLong"},
			{Element: "AddDatum", To: "AddedOn", Parse: "parseDateTime"},
			{Element: "Code", To: "Code"},
			{Element: "Bedrijf", To: "Company"},
			{Element: "Contactpersoon", To: "ContactPerson"},
			{Element: "Geslacht", To: "Gender"},
			{Element: "Adres", To: "Address"},
			{Element: "Postcode", To: "PostalCode"},
			{Element: "Plaats", To: "City"},
			{Element: "Land", To: "Country"},
			{Element: "Adres2", To: "PostalAddress"},
			{Element: "Postcode2", To: "PostalAddressPostalCode"},
			{Element: "Plaats2", To: "PostalAddressCity"},
			{Element: "Land2", To: "PostalAddressCountry"},
			{Element: "Telefoon", To: "Phone"},
			{Element: "GSM", To: "Mobile"},
			{Element: "FAX", To: "Fax"},
			{Element: "Email", To: "Email"},
			{Element: "Site", To: "Website"},
			{Element: "Notitie", To: "Note"},
			{Element: "Bankrekening", To: "BankAccount"},
			{Element: "Girorekening", To: "GiroAccount"},
			{Element: "BTWNummer", To: "VATNumber"},
			{Element: "KvkNummer", To: "ChamberOfCommerce"},
			{Element: "Aanhef", To: "Salutation"},
			{Element: "IBAN", To: "IBAN"},
			{Element: "BIC", To: "BIC"},
			{Element: "BP", To: "Kind", Convert: "bpFromWire"},
			{Element: "Def1", To: "Def1"},
			{Element: "Def2", To: "Def2"},
			{Element: "Def3", To: "Def3"},
			{Element: "Def4", To: "Def4"},
			{Element: "Def5", To: "Def5"},
			{Element: "Def6", To: "Def6"},
			{Element: "Def7", To: "Def7"},
			{Element: "Def8", To: "Def8"},
			{Element: "Def9", To: "Def9"},
			{Element: "Def10", To: "Def10"},
			{Element: "LA", To: "MembersModule"},
			{Element: "Gb_ID", To: "LedgerID", Parse: "parseLong"},
			{Element: "GeenEmail", To: "NoEmail", Parse: "parseFlag"},
			{Element: "NieuwsbriefgroepenCount", To: "NewsletterGroupCount", Parse: "parseLong"},
		},
	},
	{
		XSD: "cArtikel", Wire: "wireArtikel", Domain: "Product", Method: "product", List: "products",
		Label: "article", Key: "ArtikelCode",
		Fields: []fieldMap{
			{Element: "ArtikelID", To: "ID", Parse: "parseLong"},
			{Element: "ArtikelOmschrijving", To: "Description"},
			{Element: "ArtikelCode", To: "Code"},
			{Element: "GroepOmschrijving", To: "GroupDescription"},
			{Element: "GroepCode", To: "GroupCode"},
			{Element: "Eenheid", To: "Unit"},
			{Element: "InkoopprijsExclBTW", To: "PurchasePrice", Parse: "parseXSDecimal"},
			{Element: "VerkoopprijsExclBTW", To: "SalePrice", Parse: "parseXSDecimal"},
			{Element: "VerkoopprijsInclBTW", To: "SalePriceInclVAT", Parse: "parseXSDecimal"},
			{Element: "BTWCode", To: "VATCode"},
			{Element: "TegenrekeningCode", To: "LedgerCode"},
			{Element: "BtwPercentage", To: "VATRate", Parse: "parseXSDecimal"},
			{Element: "KostenplaatsID", To: "CostCentreID", Parse: "parseLong"},
			{Element: "Actief", To: "Active", Parse: "parseBool"},
		},
	},
	{
		XSD: "cFactuurRegel", Wire: "wireFactuurRegel", Domain: "InvoiceLine", Method: "line",
		Fields: []fieldMap{
			{Element: "Aantal", To: "Quantity", Parse: "parseDouble"},
			{Element: "Eenheid", To: "Unit"},
			{Element: "Code", To: "Code"},
			{Element: "Omschrijving", To: "Description"},
			{Element: "PrijsPerEenheid", To: "UnitPrice", Parse: "parseDouble"},
			{Element: "BTWCode", To: "VATCode"},
			{Element: "TegenrekeningCode", To: "LedgerCode"},
			{Element: "KostenplaatsID", To: "CostCentreID", Parse: "parseLong"},
		},
	},
	{
		XSD: "cFactuurList", Wire: "wireFactuurList", Domain: "InvoiceSummary", Method: "invoice", List: "invoices",
		Label: "invoice", Key: "Factuurnummer",
		Fields: []fieldMap{
			{Element: "Factuurnummer", To: "Number"},
			// xs:anyType: it may carry xsi:type and white space around the code.
			{Element: "Relatiecode", To: "RelationCode", Convert: "strings.TrimSpace"},
			{Element: "Datum", To: "Date", Parse: "parseDateTime"},
			{Element: "Betalingstermijn", To: "PaymentTermDays", Parse: "parseInt"},
			// Totals are doubles (§6), rounded to cents.
			{Element: "TotaalExclBTW", To: "TotalExclVAT", Parse: "parseMoney"},
			{Element: "TotaalBTW", To: "TotalVAT", Parse: "parseMoney"},
			{Element: "TotaalInclBTW", To: "TotalInclVAT", Parse: "parseMoney"},
			{Element: "TotaalOpenstaand", To: "TotalOutstanding", Parse: "parseMoney"},
			{Element: "URLPDFBestand", To: "PDFURL"},
			{Element: "Regels", To: "Lines", Item: "line"},
		},
	},
	{
		// Ledgers for the settings' revenue ledger picker (issue 17).
		XSD: "cGrootboekrekening", Wire: "wireGrootboekrekening", Domain: "Ledger", Method: "ledger", List: "ledgers",
		Label: "ledger", Key: "Code",
		Fields: []fieldMap{
			{Element: "ID", To: "ID", Parse: "parseLong"},
			{Element: "Code", To: "Code"},
			{Element: "Omschrijving", To: "Description"},
			{Element: "Categorie", To: "Category"},
			{Element: "Groep", To: "Group"},
		},
	},
	{
		XSD: "cOpenPost", Wire: "wireOpenPost", Domain: "OpenItem", Method: "openItem", List: "openItems",
		Label: "open item", Key: "MutFactuur",
		Fields: []fieldMap{
			{Element: "MutDatum", To: "Date", Parse: "parseDateTime"},
			{Element: "MutFactuur", To: "InvoiceNumber"},
			{Element: "RelCode", To: "RelationCode"},
			{Element: "RelBedrijf", To: "RelationCompany"},
			{Element: "Bedrag", To: "Amount", Parse: "parseMoney"},
			{Element: "Voldaan", To: "Paid", Parse: "parseMoney"},
			{Element: "Openstaand", To: "Outstanding", Parse: "parseMoney"},
		},
	},
	{
		// The administrations of an accountant's account (issue 18).
		XSD: "cAdministratie", Wire: "wireAdministratie", Domain: "Administration", Method: "administration", List: "administrations",
		Label: "administration", Key: "Guid",
		Fields: []fieldMap{
			{Element: "Bedrijf", To: "Company"},
			{Element: "Plaats", To: "City"},
			{Element: "Guid", To: "GUID", Convert: "strings.TrimSpace"},
			// xs:string: its form ("2019", a date?) is not documented. [inferred]
			{Element: "StartBoekjaar", To: "FirstBookYear"},
		},
	},
}

// operationMap names the answer of an operation the client calls. The
// response and result types are named after the operation
// (getRelatiesResponse, getRelatiesResult).
type operationMap struct {
	Op string
	// Fields are the Go names of the result's elements other than ErrorMsg.
	Fields map[string]string
	Doc    string // more of the response type's doc comment, if any
}

// operations are the answers the client reads, in the order they are
// written.
var operations = []operationMap{
	{Op: "OpenSession", Fields: map[string]string{"SessionID": "SessionID"}},
	{Op: "CloseSession"},
	{Op: "GetRelaties", Fields: map[string]string{"Relaties": "Relations"}},
	{Op: "AddRelatie", Fields: map[string]string{"Rel_ID": "RelID"}},
	{
		Op: "UpdateRelatie",
		Doc: "The result itself is a cError (§3); success is an empty <UpdateRelatieResult />. " +
			"[inferred: an absent result is treated as malformed, so the outcome of that update is unknown]",
	},
	{Op: "GetArtikelen", Fields: map[string]string{"Artikelen": "Products"}},
	{Op: "AddFactuur", Fields: map[string]string{"Factuurnummer": "Number"}},
	{Op: "GetFacturen", Fields: map[string]string{"Facturen": "Invoices"}},
	{Op: "GetOpenPosten", Fields: map[string]string{"Openposten": "Items"}},
	{Op: "GetGrootboekrekeningen", Fields: map[string]string{"Rekeningen": "Ledgers"}},
	{Op: "OpenSessionSub", Fields: map[string]string{"SessionID": "SessionID"}},
	{Op: "GetAdministraties", Fields: map[string]string{"Administraties": "Administrations"}},
}
