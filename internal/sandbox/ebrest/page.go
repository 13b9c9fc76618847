package ebrest

import (
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// Page describes the state for a person (the demo's "Stand van
// e-Boekhouden" link on the REST road): invoices with their amounts and
// cost centres, relations, and what is outstanding.
func (s *Server) Page() inspect.Page {
	st := s.State()
	names := map[int32]string{}
	rel := inspect.Section{Heading: "Relaties", Empty: "Er zijn geen relaties.", Columns: []inspect.Column{
		{Label: "Code"}, {Label: "Naam"}, {Label: "Adres"}, {Label: "Postcode en plaats"}, {Label: "E-mail"},
	}}
	for _, r := range st.Relations {
		names[r.ID] = r.Code + ", " + r.Name
		rel.Rows = append(rel.Rows, []string{r.Code, r.Name, r.Address, strings.TrimSpace(r.PostalCode + " " + r.City), r.EmailAddress})
	}
	costCentres := map[int32]string{}
	for _, c := range st.CostCenters {
		costCentres[c.ID] = c.Description
	}
	inv := inspect.Section{Heading: "Facturen", Empty: "Er zijn nog geen facturen.", Columns: []inspect.Column{
		{Label: "Factuur"}, {Label: "Datum"}, {Label: "Relatie"}, {Label: "Regels", Numeric: true},
		{Label: "Excl. btw", Numeric: true}, {Label: "Btw", Numeric: true}, {Label: "Incl. btw", Numeric: true},
		{Label: "Openstaand", Numeric: true}, {Label: "In de boekhouding"}, {Label: "Kostenplaats"}, {Label: "Per e-mail naar"}, {Label: "Eerste regel"},
	}}
	open := inspect.Section{Heading: "Openstaande posten", Empty: "Er staat niets open.", Columns: []inspect.Column{
		{Label: "Factuur"}, {Label: "Datum"}, {Label: "Relatie"}, {Label: "Openstaand", Numeric: true},
	}}
	for _, f := range st.Invoices {
		first, centre := "", ""
		if len(f.Items) > 0 {
			first, centre = f.Items[0].Description, costCentres[f.Items[0].CostCenterID]
		}
		booked, outstanding := "nee", ""
		if f.Booking != nil {
			booked = "ja"
			outstanding = pageMoney(f.TotalAmount - f.Booking.PaidAmount)
			if cents(f.TotalAmount) != cents(f.Booking.PaidAmount) {
				open.Rows = append(open.Rows, []string{f.InvoiceNumber, inspect.DutchDate(f.Date), relationLabel(f.RelationID, names), outstanding})
			}
		}
		inv.Rows = append(inv.Rows, []string{
			f.InvoiceNumber, inspect.DutchDate(f.Date), relationLabel(f.RelationID, names), strconv.Itoa(len(f.Items)),
			pageMoney(f.TotalExcl), pageMoney(f.VatAmount), pageMoney(f.TotalAmount), outstanding, booked, centre, emailedTo(f), first,
		})
	}
	return inspect.Page{
		Title:    "Stand van e-Boekhouden (REST-sandbox)",
		Intro:    "De demo-administratie zoals de sandbox van e-Boekhoudens REST-API haar nu kent.",
		Sections: []inspect.Section{inv, rel, open},
	}
}

var _ inspect.Pager = (*Server)(nil)

// pageMoney is an amount in euros as the page shows it.
func pageMoney(v float64) string {
	return inspect.Money(strconv.FormatFloat(float64(cents(v))/100, 'f', 2, 64))
}

// relationLabel is "code, name", or the id for an unknown relation.
func relationLabel(id int32, names map[int32]string) string {
	if n := names[id]; n != "" {
		return n
	}
	return strconv.Itoa(int(id))
}

// emailedTo is where an invoice was e-mailed, with its subject and "+ UBL"
// when the UBL file went along, or "nee".
func emailedTo(f Invoice) string {
	if f.Email == nil {
		return "nee"
	}
	out := f.Email.To
	if f.Email.Subject != "" {
		out += " (" + f.Email.Subject + ")"
	}
	if f.Email.AttachUbl {
		out += " + UBL"
	}
	return out
}
