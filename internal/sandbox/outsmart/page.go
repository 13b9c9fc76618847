package outsmart

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// Page describes the state for a person (the demo's "Stand van OutSmart"
// link): work orders with their status, and relations.
func (s *Server) Page() inspect.Page {
	st := s.State()
	statuses := map[string]string{}
	for _, w := range st.Workstatusses {
		statuses[w.Code] = w.Name
	}
	wo := inspect.Section{Heading: "Werkbonnen", Empty: "Er zijn geen werkbonnen.", Columns: []inspect.Column{
		{Label: "Werkbon"}, {Label: "Datum"}, {Label: "Klant"}, {Label: "Status"}, {Label: "Werkbonstatus"},
		{Label: "Uren", Numeric: true}, {Label: "Materialen", Numeric: true}, {Label: "Materiaalbedrag", Numeric: true}, {Label: "Omschrijving"},
	}}
	for _, w := range st.Workorders {
		flow := w.WorkStatus
		if n := statuses[w.WorkStatus]; n != "" {
			flow = n
		}
		customer := w.CustomerName
		if w.CustomerDebtorNr != "" {
			customer = w.CustomerDebtorNr + ", " + w.CustomerName
		}
		wo.Rows = append(wo.Rows, []string{
			w.OrderNr, w.WorkDate, customer, w.Status, flow, hours(w.Workperiods), fmt.Sprint(len(w.Materials)),
			materialTotal(w.Materials), w.ShortWorkDescription,
		})
	}
	rel := inspect.Section{Heading: "Relaties", Empty: "Er zijn geen relaties.", Columns: []inspect.Column{
		{Label: "Debiteurnummer"}, {Label: "Naam"}, {Label: "Adres"}, {Label: "Postcode en plaats"}, {Label: "E-mail"},
	}}
	for _, r := range st.Relations {
		rel.Rows = append(rel.Rows, []string{
			r.DebtorNumber, r.Name, strings.TrimSpace(r.Street + " " + r.HouseNumber), strings.TrimSpace(r.PostalCode + " " + r.City), r.Email,
		})
	}
	return inspect.Page{
		Title:    "Stand van OutSmart (sandbox)",
		Intro:    "De werkbonnen en relaties zoals de OutSmart-sandbox ze nu kent. Uren is de gewerkte tijd (uu:mm), Materialen het aantal materiaalregels.",
		Sections: []inspect.Section{wo, rel},
	}
}

// materialTotal adds the material lines' total prices ("12.50") exactly, in
// cents; it shows "" when there are none and the text "?" when one does not
// read as an amount.
func materialTotal(ms []demodata.WorkorderMaterial) string {
	if len(ms) == 0 {
		return ""
	}
	var cents int64
	for _, m := range ms {
		c, ok := toCents(m.MaterialTotalPrice)
		if !ok {
			return "?"
		}
		cents += c
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return inspect.Money(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}

// toCents reads "12", "12.5", "12,50" (at most two decimals).
func toCents(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	frac = strings.TrimRight(frac, "0")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var n int64
	for _, r := range whole + frac {
		n = n*10 + int64(r-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// hours adds the periods' worked time ("H:i") as "u:mm"; "" without
// periods, "?" when one does not read.
func hours(ps []demodata.WorkorderPeriod) string {
	if len(ps) == 0 {
		return ""
	}
	minutes := 0
	for _, p := range ps {
		h, m, ok := strings.Cut(strings.TrimSpace(p.TotalTime), ":")
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return "?"
		}
		minutes += hh*60 + mm
	}
	return fmt.Sprintf("%d:%02d", minutes/60, minutes%60)
}
