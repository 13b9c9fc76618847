package report

// This file owns the export plan that waits for the user's approval (issue
// 18, preview and confirm): the invoices a run of the desktop app would
// create, with their customer, lines and total, and the work orders it
// would park, as values the window shows and the store keeps as JSON.

import (
	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/message"
)

// ExportPlan is what a run would export and did not, because its invoices
// wait for the user's approval.
type ExportPlan struct {
	// Hash names the plan's invoices (their fingerprints): the approval is
	// of exactly this plan.
	Hash string
	// FirstExport: the link has made no invoice yet (the first export
	// always asks). Otherwise the run would make more invoices than the
	// threshold (Threshold, export.confirm_above).
	FirstExport bool
	Threshold   int
	Invoices    []PlannedInvoice
	Parked      []PlannedPark
}

// Total is the plan's total incl. BTW over all invoices.
func (p ExportPlan) Total() decimal.Decimal {
	var t decimal.Decimal
	for _, inv := range p.Invoices {
		t = t.Add(inv.TotalInclVAT)
	}
	return t
}

// Fingerprints are the plan's invoices by work order row id.
func (p ExportPlan) Fingerprints() map[string]string {
	out := make(map[string]string, len(p.Invoices))
	for _, inv := range p.Invoices {
		out[inv.RowID] = inv.Fingerprint
	}
	return out
}

// PlannedInvoice is one invoice the plan would create.
type PlannedInvoice struct {
	RowID        string // the work order's
	OrderNumber  string
	CustomerCode string // the e-Boekhouden relation code
	CustomerName string
	// NewRelation: the relation is created in e-Boekhouden first.
	NewRelation bool
	Lines       []PlannedLine
	// TotalExclVAT is the sum of the lines' amounts.
	TotalExclVAT decimal.Decimal
	// TotalInclVAT is Koppeling's total incl. BTW, with the BTW rounded per
	// code; TotalVATPerLine is the same with the BTW rounded per line. The
	// references do not say which e-Boekhouden does [inferred]; the two
	// differ by a cent or so, and only when the roundings do.
	TotalInclVAT    decimal.Decimal
	TotalVATPerLine decimal.Decimal
	// Fingerprint covers the exact invoice: relation, every line, VAT,
	// amounts, total and the e-mail fields (not its date, which is the day
	// it is sent).
	Fingerprint string
}

// PlannedLine is one line of a planned invoice.
type PlannedLine struct {
	Description string
	Quantity    decimal.Decimal
	UnitPrice   decimal.Decimal // excl. BTW
	VATCode     string
	Amount      decimal.Decimal // quantity x price, excl. BTW
}

// PlannedPark is a work order that is parked rather than invoiced, and
// why.
type PlannedPark struct {
	RowID       string
	OrderNumber string
	Reason      message.Text
}
