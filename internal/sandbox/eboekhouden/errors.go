package eboekhouden

import "fmt"

// Business error codes. The service answers them with HTTP 200 inside the
// operation's result: <ErrorMsg><LastErrorCode>…</LastErrorCode>
// <LastErrorDescription>Dutch text</LastErrorDescription></ErrorMsg>.
//
// Only E0023, CREL001 and E003.1 are documented (the official list is in a PDF
// manual nobody could read). Every SBX_ code is the sandbox's own invention
// for a check the real service surely makes but whose code is unknown; the
// SBX_ prefix keeps them from being mistaken for real codes. The Dutch
// descriptions are the sandbox's wording too. [inferred]
const (
	// CodeSessionInvalid: the session expired or is invalid (unknown
	// SessionID, idle timeout, closed, too many calls, or SecurityCode2 not
	// matching the session's credentials). Documented (go-eboekhouden).
	CodeSessionInvalid = "E0023"
	// CodeRelationCodeInUse: the relation code is already in use. Documented
	// (go-eboekhouden ErrRelationCodeAlreadyInUse).
	CodeRelationCodeInUse = "CREL001"
	// CodeCallLimit: the SOAP call limit is reached. Documented by OutSmart's
	// help page for its e-Boekhouden link.
	CodeCallLimit = "E003.1"

	// CodeLoginFailed: OpenSession with a wrong Username, SecurityCode1 or
	// SecurityCode2. [inferred]
	CodeLoginFailed = "SBX_LOGIN"
	// CodeMissingObject: AddRelatie/UpdateRelatie without oRel or AddFactuur
	// without oFact. [inferred]
	CodeMissingObject = "SBX_LEEG"
	// CodeTooLong: a field is longer than its documented maximum length
	// (§5.1, §5.4, §5.5 of the reference notes). [inferred]
	CodeTooLong = "SBX_LENGTE"
	// CodeRelationRequired: a relation without Code or Bedrijf. [inferred]
	CodeRelationRequired = "SBX_REL_VERPLICHT"
	// CodeRelationBP: BP is not "B" or "P". [inferred]
	CodeRelationBP = "SBX_REL_BP"
	// CodeRelationID: AddRelatie with an ID other than 0. [inferred]
	CodeRelationID = "SBX_REL_ID"
	// CodeRelationUnknown: UpdateRelatie with an ID no relation has. [inferred]
	CodeRelationUnknown = "SBX_REL_ONBEKEND"
	// CodeInvoiceRelation: AddFactuur with an empty or unknown Relatiecode. [inferred]
	CodeInvoiceRelation = "SBX_FACT_RELATIE"
	// CodeInvoiceTemplate: Factuursjabloon is not the exact (case-sensitive)
	// name of an invoice template. [inferred]
	CodeInvoiceTemplate = "SBX_FACT_SJABLOON"
	// CodeInvoiceDate: Datum outside 1980–2049 (§5.4). [inferred]
	CodeInvoiceDate = "SBX_FACT_DATUM"
	// CodeInvoiceNumber: the Factuurnummer is already in use. [inferred]
	CodeInvoiceNumber = "SBX_FACT_NUMMER"
	// CodeInvoiceEmail: AddFactuur with PerEmailVerzenden for a relation
	// without an e-mail address. The reference does not say what the
	// service does then; the sandbox takes the strict reading and refuses
	// the invoice. [inferred]
	CodeInvoiceEmail = "SBX_FACT_EMAIL"
	// CodeInvoiceNoLines: an invoice without lines. [inferred]
	CodeInvoiceNoLines = "SBX_FACT_GEENREGELS"
	// CodeInvoiceLine: a line without Code or Omschrijving, or an xsi:nil
	// line. [inferred]
	CodeInvoiceLine = "SBX_FACT_REGEL"
	// CodeInvoiceBTW: an unknown BTWCode, or a purchase (_INK) code on a sales
	// invoice. [inferred]
	CodeInvoiceBTW = "SBX_FACT_BTWCODE"
	// CodeInvoiceLedger: a TegenrekeningCode that is not a ledger account of
	// the administration. [inferred]
	CodeInvoiceLedger = "SBX_FACT_TEGENREKENING"
	// CodeInvoiceAmount: Aantal or PrijsPerEenheid is INF or NaN. [inferred]
	CodeInvoiceAmount = "SBX_FACT_BEDRAG"
)

// bizError is a business error answered with HTTP 200 inside the result.
type bizError struct {
	Code        string
	Description string // Dutch, as the service writes it
}

func (e *bizError) Error() string { return e.Code + ": " + e.Description }

func bizErr(code, format string, args ...any) *bizError {
	return &bizError{Code: code, Description: fmt.Sprintf(format, args...)}
}

var (
	errSessionInvalid = &bizError{CodeSessionInvalid, "De sessie is verlopen of ongeldig. Open een nieuwe sessie met OpenSession."}
	errCallLimit      = &bizError{CodeCallLimit, "Het maximale aantal SOAP-aanroepen is bereikt. Probeer het over een minuut opnieuw."}
	errLoginFailed    = &bizError{CodeLoginFailed, "Inloggen mislukt: de gebruikersnaam of een van de beveiligingscodes is onjuist."}
)

// tooLong reports a field beyond its maximum length.
func tooLong(field string, max int) *bizError {
	return bizErr(CodeTooLong, "Het veld %s is te lang: maximaal %d tekens toegestaan.", field, max)
}

// lengthRule is a documented maximum length of a string field.
type lengthRule struct {
	field string
	max   int
}

// checkLengths returns the first field of values longer than its rule. Length
// is counted in characters, not bytes. [inferred]
func checkLengths(rules []lengthRule, value func(field string) string) *bizError {
	for _, r := range rules {
		if len([]rune(value(r.field))) > r.max {
			return tooLong(r.field, r.max)
		}
	}
	return nil
}

// Maximum lengths from the manual as transcribed in the reference notes.
var (
	// §5.1 cRelatie. KvkNummer and Notitie have no documented limit.
	relationLengths = []lengthRule{
		{"Code", 15}, {"Bedrijf", 100}, {"Contactpersoon", 150}, {"Geslacht", 1},
		{"Adres", 150}, {"Postcode", 50}, {"Plaats", 50}, {"Land", 50},
		{"Adres2", 150}, {"Postcode2", 50}, {"Plaats2", 50}, {"Land2", 50},
		{"Telefoon", 50}, {"GSM", 50}, {"FAX", 50}, {"Email", 150}, {"Site", 50},
		{"Bankrekening", 50}, {"Girorekening", 50}, {"BTWNummer", 50}, {"Aanhef", 50},
		{"IBAN", 50}, {"BIC", 50}, {"BP", 1},
		{"Def1", 100}, {"Def2", 100}, {"Def3", 100}, {"Def4", 100}, {"Def5", 100},
		{"Def6", 100}, {"Def7", 100}, {"Def8", 100}, {"Def9", 100}, {"Def10", 100},
		{"LA", 1},
	}
	// §5.4 cFactuur.
	invoiceLengths = []lengthRule{
		{"Factuurnummer", 50}, {"Relatiecode", 15}, {"Factuursjabloon", 50},
		{"EmailVanAdres", 150}, {"EmailVanNaam", 150},
		{"IncassoIBAN", 150}, {"IncassoMachtigingSoort", 1}, {"IncassoMachtigingID", 50},
		{"IncassoRekeningNummer", 150}, {"IncassoTnv", 150}, {"IncassoPlaats", 150},
		{"IncassoOmschrijvingRegel1", 50}, {"IncassoOmschrijvingRegel2", 50}, {"IncassoOmschrijvingRegel3", 50},
		{"BoekhoudmutatieOmschrijving", 200},
	}
	// §5.5 cFactuurRegel.
	lineLengths = []lengthRule{
		{"Eenheid", 50}, {"Code", 50}, {"BTWCode", 12}, {"TegenrekeningCode", 10},
	}
)
