package engine

// This file owns what e-Boekhouden's answers to the export's writes mean:
// pure functions from an answer (an error or none) to an outcome, and the
// hint that names the likely fix of a refusal.

import (
	"errors"
	"strings"

	"github.com/koppeling/koppeling/internal/eboekhouden"
)

// invoiceResult is what the answer to AddFactuur means for a work order.
type invoiceResult int

const (
	// invoiceMade: the invoice exists; the work order is invoiced.
	invoiceMade invoiceResult = iota
	// invoiceUnknown: it may or may not exist; the next run looks it up.
	invoiceUnknown
	// invoiceRefused: a definite refusal, no invoice was made; the work
	// order is parked with the refusal.
	invoiceRefused
	// invoiceNotMade: not applied (refused before it was processed, or
	// never sent); sent again next run.
	invoiceNotMade
	// invoiceNotMadeStop: not applied, and the run stops (credentials, call
	// limit, cancelled, the service unreachable).
	invoiceNotMadeStop
)

// invoiceOutcome classifies the answer to AddFactuur.
func invoiceOutcome(err error) invoiceResult {
	var apiErr *eboekhouden.APIError
	var fault *eboekhouden.FaultError
	switch {
	case err == nil:
		return invoiceMade
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		return invoiceUnknown
	case errors.As(err, &apiErr) && !stopsRun(err), errors.As(err, &fault) && fault.Refused():
		return invoiceRefused
	case stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient):
		return invoiceNotMadeStop
	}
	return invoiceNotMade
}

// relationResult is what the answer to AddRelatie means.
type relationResult int

const (
	// relationMade: the relation was created.
	relationMade relationResult = iota
	// relationInUse: the code exists already (made earlier, or elsewhere):
	// the invoice can go to it.
	relationInUse
	// relationUnknown: it may or may not exist; the next run looks the code
	// up (codes are unique, so a repeat never makes a second relation).
	relationUnknown
	// relationNotMade: not applied, and the run stops.
	relationNotMade
	// relationRefused: a refusal; the work order is parked with it.
	relationRefused
)

// relationOutcome classifies the answer to AddRelatie.
func relationOutcome(err error) relationResult {
	switch {
	case err == nil:
		return relationMade
	case errors.Is(err, eboekhouden.ErrRelationCodeInUse):
		return relationInUse
	case errors.Is(err, eboekhouden.ErrOutcomeUnknown):
		return relationUnknown
	case stopsRun(err) || errors.Is(err, eboekhouden.ErrTransient):
		return relationNotMade
	}
	return relationRefused
}

// refusalText is e-Boekhouden's own description of a refusal.
func refusalText(err error) string {
	var apiErr *eboekhouden.APIError
	if errors.As(err, &apiErr) {
		return strings.TrimSpace(apiErr.Description)
	}
	var fault *eboekhouden.FaultError
	if errors.As(err, &fault) {
		return strings.TrimSpace(fault.Message)
	}
	return err.Error()
}

// refusalHint is the message that names the likely fix for a refused
// invoice, from the words of the refusal (the real error codes are not
// documented).
func refusalHint(err error) string {
	if hint := refusalCodeHint(err); hint != "" {
		return hint
	}
	t := strings.ToLower(refusalText(err))
	switch {
	case strings.Contains(t, "sjabloon"):
		return "hint.template"
	case strings.Contains(t, "btw"):
		return "hint.vat"
	case strings.Contains(t, "tegenrekening"), strings.Contains(t, "grootboek"):
		return "hint.ledger"
	case strings.Contains(t, "relatie"):
		return "hint.relation"
	}
	return "hint.other"
}

// refusalCodeHint is the hint for a refusal with a documented REST code
// (reference eboekhouden-rest.md Appendix A); "" for any other.
func refusalCodeHint(err error) string {
	var apiErr *eboekhouden.APIError
	if !errors.As(err, &apiErr) {
		return ""
	}
	switch apiErr.Code {
	case "FACT_018":
		return "hint.template"
	case "FACT_ITEM_006", "FACT_ITEM_014", "FACT_ITEM_015", "MUT_109", "MUT_111":
		return "hint.vat"
	case "FACT_ITEM_007", "FACT_ITEM_012", "MUT_007", "MUT_011", "MUT_104":
		return "hint.ledger"
	case "FACT_001", "FACT_002", "FACT_003":
		return "hint.relation"
	case "FACT_020":
		return "hint.emailtemplate"
	}
	return ""
}
