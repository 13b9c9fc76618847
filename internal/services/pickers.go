package services

// This file owns the settings pickers' lists (issue 17): on e-Boekhouden's
// REST road the active invoice templates, the revenue ledgers, the
// active cost centres and the e-mail templates for invoices (issue 18); on the SOAP road the revenue ledgers only
// (GetGrootboekrekeningen). SOAP has no template list (eboekhouden-soap.md:
// "Templates (Factuursjabloon) cannot be listed"), nor does Koppeling read
// its cost centres, so there the template stays typed and no cost centre
// is offered.
//
// Nor can a template name be checked on the SOAP road when the settings
// are saved: AddFactuur is the only call that judges a name, and it makes
// an invoice; GetFacturen shows the names of existing invoices' templates,
// which proves a name exists but never that it does not. So Koppeling does
// not check it there, and says nothing it cannot know; a wrong name shows
// up as e-Boekhouden's refusal of the first invoice.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// ErrNotREST is returned by CostCentreKnown for credentials of the SOAP
// road, where Koppeling does not read the cost centres.
var ErrNotREST = errors.New("the e-Boekhouden cost centres are read on the REST road only (no API token)")

// pickersTimeout bounds reading the lists: three lists of a few pages
// each, retries included.
const pickersTimeout = 90 * time.Second

// SettingChoices reads what the export settings offer: on the REST road
// the active invoice templates, the revenue ledgers and the active cost
// centres; on the SOAP road the revenue ledgers only. A list that cannot be
// read whole is an error, never a shorter list. Refused credentials are a
// *report.LoginProblem in the error's chain, as are a web page in
// e-Boekhouden's place and e-Boekhouden out of reach, so that a screen can
// say it in its language.
func SettingChoices(ctx context.Context, c secrets.Credentials, ep Endpoints) (report.SettingChoices, error) {
	if !c.EBoekhoudenREST() {
		return soapChoices(ctx, c, ep)
	}
	cl, err := RESTClient(c, ep)
	if err != nil {
		return report.SettingChoices{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, pickersTimeout)
	defer cancel()
	defer cl.Close(context.WithoutCancel(ctx))
	red := redact.New(c.Secrets()...)
	var out report.SettingChoices
	templates, err := cl.ListInvoiceTemplates(ctx, rest.Filter{Param: "active", Value: "true"})
	if err != nil {
		return out, restProblem("read the invoice templates", err, red)
	}
	for _, t := range templates {
		// The filter asked for active ones; one that says otherwise is left
		// out rather than offered.
		if t.Active && strings.TrimSpace(t.Name) != "" {
			out.Templates = append(out.Templates, t.Name)
		}
	}
	ledgers, err := cl.ListLedgers(ctx, rest.Filter{Param: "category", Value: rest.LedgerCategoryProfitLoss})
	if err != nil {
		return out, restProblem("read the ledgers", err, red)
	}
	rows := make([]ledgerRow, len(ledgers))
	for i, l := range ledgers {
		rows[i] = ledgerRow{code: l.Code, description: l.Description, category: l.Category}
	}
	out.Ledgers = revenueLedgers(rows)
	centres, err := cl.ListCostCentres(ctx)
	if err != nil {
		return out, restProblem("read the cost centres", err, red)
	}
	out.CostCentres = activeCostCentres(centres)
	emailTemplates, err := cl.ListEmailTemplates(ctx)
	if err != nil {
		return out, restProblem("read the e-mail templates", err, red)
	}
	for _, t := range emailTemplates {
		if t.UseInvoice && t.ID > 0 {
			out.EmailTemplates = append(out.EmailTemplates, report.EmailTemplateChoice{ID: t.ID, Name: strings.TrimSpace(t.Name)})
		}
	}
	return out, nil
}

// soapChoices reads the revenue ledgers with GetGrootboekrekeningen.
func soapChoices(ctx context.Context, c secrets.Credentials, ep Endpoints) (report.SettingChoices, error) {
	eb, _, err := Clients(c, ep)
	if err != nil {
		return report.SettingChoices{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, pickersTimeout)
	defer cancel()
	defer eb.Close(context.WithoutCancel(ctx))
	ledgers, err := eb.Ledgers(ctx, eboekhouden.LedgerFilter{Category: rest.LedgerCategoryProfitLoss})
	if err != nil {
		return report.SettingChoices{}, soapProblem("read the ledgers", err, redact.New(c.Secrets()...))
	}
	rows := make([]ledgerRow, len(ledgers))
	for i, l := range ledgers {
		rows[i] = ledgerRow{code: l.Code, description: l.Description, category: l.Category}
	}
	return report.SettingChoices{Ledgers: revenueLedgers(rows)}, nil
}

// soapProblem is restProblem for the SOAP client's errors.
func soapProblem(what string, err error, red redact.Redactor) error {
	detail := red.String(err.Error())
	var p *report.LoginProblem
	switch {
	case errors.Is(err, eboekhouden.ErrBadCredentials):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemRefused, Field: report.FieldSecurityCodes, Detail: detail}
	case errors.Is(err, eboekhouden.ErrNotTheService):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemNotTheService, Detail: detail}
	case errors.Is(err, eboekhouden.ErrTransient), errors.Is(err, eboekhouden.ErrCallLimit), errors.Is(err, context.DeadlineExceeded):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemUnreachable, Detail: detail}
	}
	if p != nil {
		return fmt.Errorf("%s: %w", what, p)
	}
	return fmt.Errorf("%s: %w", what, red.Error(err))
}

// ledgerRow is a ledger of either road, as revenueLedgers reads it.
type ledgerRow struct{ code, description, category string }

// revenueLedgers are the ledgers an invoice's revenue goes to: of the
// profit-and-loss ledgers (category VW), those in the revenue range of the
// Dutch chart of accounts, codes starting with 8 ("8000 Omzet"); an
// administration with none there gets every profit-and-loss ledger.
// [inferred: the API has no revenue category; VW also holds costs such as
// 7000 Inkoop and 4xxx Kosten]
func revenueLedgers(ls []ledgerRow) []report.LedgerChoice {
	var revenue, all []report.LedgerChoice
	for _, l := range ls {
		if l.category != rest.LedgerCategoryProfitLoss || strings.TrimSpace(l.code) == "" {
			continue
		}
		ch := report.LedgerChoice{Code: l.code, Description: l.description}
		all = append(all, ch)
		if strings.HasPrefix(l.code, "8") {
			revenue = append(revenue, ch)
		}
	}
	if len(revenue) > 0 {
		return revenue
	}
	return all
}

// activeCostCentres are the active cost centres, each with its path from
// the top of the tree (inactive parents included: they still name the
// place). The list does not carry fullPath (§5), so the path is built from
// parentId.
func activeCostCentres(cs []rest.CostCentre) []report.CostCentreChoice {
	byID := make(map[int64]rest.CostCentre, len(cs))
	for _, cc := range cs {
		byID[cc.ID] = cc
	}
	var out []report.CostCentreChoice
	for _, cc := range cs {
		if !cc.Active || cc.ID <= 0 {
			continue
		}
		parts := []string{cc.Description}
		seen := map[int64]bool{cc.ID: true}
		for p, ok := byID[cc.ParentID]; ok && !seen[p.ID]; p, ok = byID[p.ParentID] {
			seen[p.ID] = true
			parts = append([]string{p.Description}, parts...)
		}
		out = append(out, report.CostCentreChoice{ID: cc.ID, Description: cc.Description, Path: strings.Join(parts, " > ")})
	}
	return out
}

// CostCentreKnown reports whether id is an active cost centre of the
// administration (REST road). A list that cannot be read is an error: the
// answer is then unknown, never "no".
func CostCentreKnown(ctx context.Context, c secrets.Credentials, ep Endpoints, id int64) (bool, error) {
	if !c.EBoekhoudenREST() {
		return false, ErrNotREST
	}
	ch, err := SettingChoices(ctx, c, ep)
	if err != nil {
		return false, err
	}
	for _, cc := range ch.CostCentres {
		if cc.ID == id {
			return true, nil
		}
	}
	return false, nil
}

// restProblem is a failed REST read as the screen needs it: a refused or
// expired API token, a web page instead of e-Boekhouden, or e-Boekhouden
// out of reach, as a *report.LoginProblem; anything else (an answer that
// cannot be read) as a wrapped error. Secrets are scrubbed.
func restProblem(what string, err error, red redact.Redactor) error {
	detail := red.String(err.Error())
	var p *report.LoginProblem
	switch {
	case errors.Is(err, rest.ErrBadCredentials), errors.Is(err, rest.ErrTokenExpired):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemRefused, Field: report.FieldToken, Detail: detail}
	case errors.Is(err, rest.ErrNotTheService):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemNotTheService, Detail: detail}
	case errors.Is(err, rest.ErrTransient), errors.Is(err, rest.ErrCallLimit), errors.Is(err, context.DeadlineExceeded):
		p = &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemUnreachable, Detail: detail}
	}
	if p != nil {
		return fmt.Errorf("%s: %w", what, p)
	}
	return fmt.Errorf("%s: %w", what, red.Error(err))
}
