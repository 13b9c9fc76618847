package demodata

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// decimalPattern is the only number format a dataset may use for money and
// quantities: optional minus, digits, optional dot or comma and decimals.
var decimalPattern = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

var isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
var dmyDate = regexp.MustCompile(`^[0-9]{2}-[0-9]{2}-[0-9]{4}$`)
var hhmm = regexp.MustCompile(`^[0-9]{2}:[0-9]{2}$`)
var minutes = regexp.MustCompile(`^[0-9]{1,4}$`)

// Validate checks that the dataset is internally consistent: unique keys,
// references that resolve, and numbers and dates in the wire formats. It
// returns every problem found, joined.
func (ds *Dataset) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	eb := &ds.EBoekhouden
	if eb.Credentials.Username == "" || eb.Credentials.SecurityCode1 == "" || eb.Credentials.SecurityCode2 == "" {
		bad("eboekhouden: credentials incomplete")
	}
	ledgers := map[string]bool{}
	for _, l := range eb.LedgerAccounts {
		if ledgers[l.Code] {
			bad("eboekhouden: ledger account %q twice", l.Code)
		}
		ledgers[l.Code] = true
	}
	relCodes := map[string]bool{}
	relIDs := map[int64]bool{}
	for _, r := range eb.Relations {
		switch {
		case r.Code == "" || r.Bedrijf == "":
			bad("eboekhouden: relation %d has no Code or Bedrijf", r.ID)
		case relCodes[r.Code]:
			bad("eboekhouden: relation code %q twice", r.Code)
		case r.ID <= 0 || relIDs[r.ID]:
			bad("eboekhouden: relation %q has a missing or duplicate ID", r.Code)
		case r.BP != "B" && r.BP != "P":
			bad("eboekhouden: relation %q: BP must be B or P", r.Code)
		case !isoDate.MatchString(r.AddDatum):
			bad("eboekhouden: relation %q: AddDatum %q is not YYYY-MM-DD", r.Code, r.AddDatum)
		}
		relCodes[r.Code] = true
		relIDs[r.ID] = true
	}
	artCodes := map[string]Artikel{}
	artIDs := map[int64]bool{}
	for _, a := range eb.Articles {
		if a.ArtikelCode == "" || artIDs[a.ArtikelID] {
			bad("eboekhouden: article %d has no code or a duplicate ID", a.ArtikelID)
		}
		if _, dup := artCodes[a.ArtikelCode]; dup {
			bad("eboekhouden: article code %q twice", a.ArtikelCode)
		}
		for _, v := range []string{a.InkoopprijsExclBTW, a.VerkoopprijsExclBTW} {
			if !decimalPattern.MatchString(v) {
				bad("eboekhouden: article %q: price %q is not a decimal", a.ArtikelCode, v)
			}
		}
		if !ledgers[a.TegenrekeningCode] {
			bad("eboekhouden: article %q: unknown ledger account %q", a.ArtikelCode, a.TegenrekeningCode)
		}
		artCodes[a.ArtikelCode] = a
		artIDs[a.ArtikelID] = true
	}
	templates := map[string]bool{}
	for _, t := range eb.InvoiceTemplates {
		templates[t] = true
	}
	invNumbers := map[string]bool{}
	for _, f := range eb.Invoices {
		if invNumbers[f.Factuurnummer] || f.Factuurnummer == "" {
			bad("eboekhouden: invoice number %q missing or twice", f.Factuurnummer)
		}
		invNumbers[f.Factuurnummer] = true
		if !relCodes[f.Relatiecode] {
			bad("eboekhouden: invoice %s: unknown relation %q", f.Factuurnummer, f.Relatiecode)
		}
		if !templates[f.Factuursjabloon] {
			bad("eboekhouden: invoice %s: unknown template %q", f.Factuurnummer, f.Factuursjabloon)
		}
		if !isoDate.MatchString(f.Datum) {
			bad("eboekhouden: invoice %s: Datum %q is not YYYY-MM-DD", f.Factuurnummer, f.Datum)
		}
		if f.Voldaan != "" && !decimalPattern.MatchString(f.Voldaan) {
			bad("eboekhouden: invoice %s: Voldaan %q is not a decimal", f.Factuurnummer, f.Voldaan)
		}
		if len(f.Regels) == 0 {
			bad("eboekhouden: invoice %s has no lines", f.Factuurnummer)
		}
		for i, l := range f.Regels {
			if !decimalPattern.MatchString(l.Aantal) || !decimalPattern.MatchString(l.PrijsPerEenheid) {
				bad("eboekhouden: invoice %s line %d: quantity or price is not a decimal", f.Factuurnummer, i+1)
			}
			if !ledgers[l.TegenrekeningCode] {
				bad("eboekhouden: invoice %s line %d: unknown ledger %q", f.Factuurnummer, i+1, l.TegenrekeningCode)
			}
		}
	}

	outSmart := &ds.OutSmart
	if outSmart.Credentials.Token == "" || outSmart.Credentials.SoftwareToken == "" {
		bad("outsmart: credentials incomplete")
	}
	employees := map[string]bool{}
	for _, e := range outSmart.Employees {
		if employees[e.Number] || e.Number == "" {
			bad("outsmart: employee number %q missing or twice", e.Number)
		}
		employees[e.Number] = true
	}
	statuses := map[string]bool{"": true}
	for _, s := range outSmart.Workstatusses {
		if statuses[s.Code] {
			bad("outsmart: workstatus code %q missing or twice", s.Code)
		}
		statuses[s.Code] = true
	}
	debtors := map[string]bool{}
	for _, r := range outSmart.Relations {
		if debtors[r.DebtorNumber] || r.DebtorNumber == "" {
			bad("outsmart: relation debtor_number %q missing or twice", r.DebtorNumber)
		}
		debtors[r.DebtorNumber] = true
	}
	hourTypes := map[string]bool{}
	for _, h := range outSmart.HourTypes {
		hourTypes[h.Code] = true
	}
	for _, a := range eb.Articles {
		if IsHourUnit(a.Eenheid) {
			hourTypes[a.ArtikelCode] = true
		}
	}
	rowIDs := map[string]bool{}
	for _, w := range outSmart.Workorders {
		where := "outsmart: work order " + w.ID
		if w.ID == "" || rowIDs[w.ID] {
			bad("%s: id missing or twice", where)
		}
		rowIDs[w.ID] = true
		switch w.Status {
		case "Klaargezet", "Opgehaald", "Compleet", "Afgehandeld":
		default:
			bad("%s: unknown status %q", where, w.Status)
		}
		if !statuses[w.WorkStatus] {
			bad("%s: unknown workstatus %q", where, w.WorkStatus)
		}
		for _, nr := range []string{w.CustomerDebtorNr, w.CustomerDebtorNrInvoice} {
			if !relCodes[nr] && !debtors[nr] {
				bad("%s: debtor %q exists in neither service", where, nr)
			}
		}
		if !dmyDate.MatchString(w.WorkDate) {
			bad("%s: WorkDate %q is not d-m-Y", where, w.WorkDate)
		}
		for i, p := range w.Workperiods {
			if !hourTypes[p.HourType] {
				bad("%s period %d: unknown hour type %q", where, i+1, p.HourType)
			}
			if !employees[p.EmployeeNr] {
				bad("%s period %d: unknown employee %q", where, i+1, p.EmployeeNr)
			}
			for _, t := range []string{p.BeginTime, p.EndTime, p.TotalTime} {
				if !hhmm.MatchString(t) {
					bad("%s period %d: time %q is not H:i", where, i+1, t)
				}
			}
			if !minutes.MatchString(p.Break) {
				bad("%s period %d: Break %q is not a number of minutes", where, i+1, p.Break)
			}
		}
		for i, m := range w.Materials {
			if !decimalPattern.MatchString(m.MaterialNr) || !decimalPattern.MatchString(m.MaterialPrice) {
				bad("%s material %d: quantity or price is not a decimal", where, i+1)
			}
		}
	}
	return errors.Join(errs...)
}

// IsHourUnit reports whether an e-Boekhouden product unit means "hour", the
// rule OutSmart's own link uses to tell hour types from materials.
func IsHourUnit(unit string) bool {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "uur", "uren", "u", "hour", "hours", "hr", "hrs":
		return true
	}
	return false
}
