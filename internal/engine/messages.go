package engine

// This file owns the Dutch texts of the engine that are not messages of the
// catalogue (internal/message): the subjects of log lines, by which the log
// and the attention list group them, the journal's reasons that are stored
// as they are, and the words on an invoice's hour lines. Everything else a
// user reads is a catalogue message (message.T) rendered only at the
// boundary, in the window's language; errors meant for developers are
// wrapped in English.

import (
	"fmt"
	"strings"
	"time"
)

// Subjects of log lines.
const (
	subjectSettings = "instellingen"
	subjectInvoices = "facturen"
)

// subjectWorkOrder is the subject of a work order's log lines: "werkbon
// WB26116".
func subjectWorkOrder(number string) string { return "werkbon " + number }

// subjectRelation is the subject of a relation's log lines in the export:
// "relatie 1001".
func subjectRelation(code string) string { return "relatie " + code }

// Reasons the journal stores as they are (store.Export.Reason) when it has
// no message key for them.
const (
	reasonArchived = "Gearchiveerd in OutSmart."
	reasonGone     = "Werkbon bestaat niet meer in OutSmart."
	reasonResend   = "Niet gevonden in e-Boekhouden na een onderbroken verzending; wordt opnieuw verstuurd."
	reasonAdopted  = "Factuur gevonden in e-Boekhouden; overgenomen in het journaal."
)

// Words on an invoice, which is Dutch whatever the window's language.
const (
	materialCode = "MATERIAAL" // the code of a material line that has only a name
	hourUnit     = "uur"       // the unit of an hour line
)

// hourLineText is the description of an hour line, with billed and worked
// in minutes: "Arbeid (1:30 uur)", or with the worked time when the user's
// rounding billed another: "Arbeid (1:30 uur, gewerkt 1:20)".
func hourLineText(name string, billed, worked int64) string {
	name = strings.TrimSpace(name)
	if billed == worked {
		return fmt.Sprintf("%s (%s uur)", name, clockHours(billed))
	}
	return fmt.Sprintf("%s (%s uur, gewerkt %s)", name, clockHours(billed), clockHours(worked))
}

// referenceDate is how the reference line dates a work order: " van
// 20-11-2026".
func referenceDate(day time.Time) string { return " van " + day.Format("02-01-2006") }
