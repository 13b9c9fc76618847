package eboekhouden

import (
	"fmt"
	"strings"

	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// Page describes the state for a person (the demo's "Stand van
// e-Boekhouden" link): relations, invoices with their amounts, open items.
func (s *Server) Page() inspect.Page {
	st := s.State()
	names := map[string]string{}
	rel := inspect.Section{Heading: "Relaties", Empty: "Er zijn geen relaties.", Columns: []inspect.Column{
		{Label: "Code"}, {Label: "Bedrijf"}, {Label: "Adres"}, {Label: "Postcode en plaats"}, {Label: "E-mail"}, {Label: "Toegevoegd"},
	}}
	for _, r := range st.Relations {
		names[r.Code] = r.Bedrijf
		rel.Rows = append(rel.Rows, []string{r.Code, r.Bedrijf, r.Adres, strings.TrimSpace(r.Postcode + " " + r.Plaats), r.Email, inspect.DutchDate(r.AddDatum)})
	}
	inv := inspect.Section{Heading: "Facturen", Empty: "Er zijn nog geen facturen.", Columns: []inspect.Column{
		{Label: "Factuur"}, {Label: "Datum"}, {Label: "Relatie"}, {Label: "Regels", Numeric: true},
		{Label: "Excl. btw", Numeric: true}, {Label: "Btw", Numeric: true}, {Label: "Incl. btw", Numeric: true},
		{Label: "Openstaand", Numeric: true}, {Label: "In de boekhouding"}, {Label: "Per e-mail naar"}, {Label: "Eerste regel"},
	}}
	for _, f := range st.Invoices {
		first := ""
		if len(f.Regels) > 0 {
			first = f.Regels[0].Omschrijving
		}
		booked := "nee"
		if f.InBoekhoudingPlaatsen {
			booked = "ja"
		}
		inv.Rows = append(inv.Rows, []string{
			f.Factuurnummer, inspect.DutchDate(f.Datum), relationLabel(f.Relatiecode, names), fmt.Sprint(len(f.Regels)),
			inspect.Money(f.TotaalExclBTW), inspect.Money(f.TotaalBTW), inspect.Money(f.TotaalInclBTW),
			inspect.Money(f.TotaalOpenstaand), booked, emailedTo(f), first,
		})
	}
	open := inspect.Section{Heading: "Openstaande posten", Empty: "Er staat niets open.", Columns: []inspect.Column{
		{Label: "Factuur"}, {Label: "Datum"}, {Label: "Relatie"}, {Label: "Openstaand", Numeric: true},
	}}
	for _, o := range st.OpenItems {
		open.Rows = append(open.Rows, []string{o.MutFactuur, inspect.DutchDate(o.MutDatum), relationLabel(o.RelCode, names), inspect.Money(o.Openstaand)})
	}
	return inspect.Page{
		Title:    "Stand van e-Boekhouden (sandbox): " + st.Administration,
		Intro:    "De demo-administratie zoals de e-Boekhouden-sandbox haar nu kent.",
		Sections: []inspect.Section{inv, rel, open},
	}
}

// relationLabel is "code, name", or the code alone for an unknown one.
func relationLabel(code string, names map[string]string) string {
	if n := names[code]; n != "" {
		return code + ", " + n
	}
	return code
}

// emailedTo is where an invoice was e-mailed, with its subject, or "nee".
func emailedTo(f Invoice) string {
	if !f.PerEmailVerzenden {
		return "nee"
	}
	if f.EmailOnderwerp == "" {
		return f.EmailNaar
	}
	return f.EmailNaar + " (" + f.EmailOnderwerp + ")"
}
