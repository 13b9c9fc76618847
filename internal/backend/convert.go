package backend

// This file owns the conversion of the engine's run summary into the one
// the UI's notifications tell (report.RunSummary): field for field, nothing
// decided here. Attention
// items, progress and login problems need none: engine, services and UI
// share package report.

import (
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/report"
)

// RunSummary is the engine's summary of a run as the UI tells it.
func RunSummary(s engine.Summary) report.RunSummary {
	return report.RunSummary{Relations: s.Relations, Materials: s.Materials, HourTypes: s.HourTypes,
		RelationsCreated: s.RelationsCreated, Invoices: s.Invoices, Handled: s.Handled, Attention: s.Attention,
		Open: s.Open, Message: s.Message, Awaiting: s.Awaiting, ApprovalNew: s.ApprovalNew}
}
