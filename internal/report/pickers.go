package report

// This file owns the administration's values that the export settings
// offer as choices (issue 17): what the services read and the window shows
// in its pickers.

// SettingChoices are the values the export settings offer: the active
// invoice templates, the revenue ledgers and the active cost centres, each
// in e-Boekhouden's order. On the SOAP road only Ledgers is read. What a choice saves is the same text the typed
// fields saved (a template's name, a ledger's code), or for a cost centre
// its id with its description.
type SettingChoices struct {
	// Templates are the names of the active invoice templates.
	Templates []string
	// Ledgers are the ledgers an invoice line's revenue may go to.
	Ledgers []LedgerChoice
	// CostCentres are the active cost centres.
	CostCentres []CostCentreChoice
	// EmailTemplates are the e-mail templates for invoices (REST road).
	EmailTemplates []EmailTemplateChoice
}

// EmailTemplateChoice is an e-mail template by id and name.
type EmailTemplateChoice struct {
	ID   int64
	Name string
}

// LedgerChoice is a ledger by its code and description ("8000", "Omzet
// materialen").
type LedgerChoice struct {
	Code, Description string
}

// CostCentreChoice is a cost centre by id and description; Path is its
// place in the tree ("Service en onderhoud > Storingen") when it has a
// parent, else its description.
type CostCentreChoice struct {
	ID          int64
	Description string
	Path        string
}
