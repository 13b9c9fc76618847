package ebrest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// This file owns the state and how the demo dataset maps onto the REST
// model.
//
// Mapping from demodata [inferred: the REST API and SOAP share one
// administration; the reference does not say which ids the two roads show]:
//   - a relation keeps its SOAP ID as its REST id and its Code as its code;
//     Bedrijf is name, BP is type, Def1..10 are freeText1..10, Gb_ID (when
//     not 0) is ledgerId, the other cRelatie fields map by meaning;
//   - a product keeps ArtikelID as id; VerkoopprijsExclBTW is priceExcl,
//     InkoopprijsExclBTW purchasePriceExcl, BTWCode vat, TegenrekeningCode
//     the ledgerId of the ledger with that code, KostenplaatsID (when not 0)
//     costCenterId, GroepCode the value the groupCode filter matches;
//   - the free-text Eenheid becomes a unit: known Dutch units pair a
//     singular with its plural ("uur"/"uren"), matched case-insensitively on
//     either; any other text becomes a unit of its own; unit ids start at
//     301 in order of first use;
//   - the invoice templates (names only in the dataset) get ids from 118801
//     in the dataset's order, active, type E (editor);
//   - existing invoices get ids from 5500001 and, when booked, a booking
//     on the first debtor (DEB) ledger with Voldaan as the amount paid;
//   - ledger accounts keep their ID, Code, Omschrijving (description) and
//     Categorie (category).

// State is the sandbox's data. Tests read it with Server.State and change it
// with Server.Update.
type State struct {
	Relations []Relation `json:"relations"`
	Products  []Product  `json:"products"`
	Units     []Unit     `json:"units"`
	// InvoiceTemplates are the administration's invoice templates.
	InvoiceTemplates []InvoiceTemplate `json:"invoiceTemplates"`
	Invoices         []Invoice         `json:"invoices"`
	Ledgers          []Ledger          `json:"ledgers"`
	// CostCenters are the cost centres (ledgers.go: not in the dataset).
	CostCenters []CostCenter `json:"costCenters"`
	// EmailTemplates are the e-mail templates (email.go: not in the
	// dataset).
	EmailTemplates []EmailTemplate `json:"emailTemplates"`
	// Sessions is the number of live sessions (read-only; Update ignores it).
	Sessions int `json:"sessions"`
}

// Relation is the reference's Relation model; empty fields are omitted.
type Relation struct {
	ID                        int32  `json:"id"`
	Type                      string `json:"type"`
	Code                      string `json:"code"`
	Date                      string `json:"date,omitempty"`
	Name                      string `json:"name"`
	Salutation                string `json:"salutation,omitempty"`
	Contact                   string `json:"contact,omitempty"`
	Gender                    string `json:"gender,omitempty"`
	Address                   string `json:"address,omitempty"`
	PostalCode                string `json:"postalCode,omitempty"`
	City                      string `json:"city,omitempty"`
	Country                   string `json:"country,omitempty"`
	Address2                  string `json:"address2,omitempty"`
	PostalCode2               string `json:"postalCode2,omitempty"`
	City2                     string `json:"city2,omitempty"`
	Country2                  string `json:"country2,omitempty"`
	PhoneNumber               string `json:"phoneNumber,omitempty"`
	MobilePhoneNumber         string `json:"mobilePhoneNumber,omitempty"`
	FaxNumber                 string `json:"faxNumber,omitempty"`
	EmailAddress              string `json:"emailAddress,omitempty"`
	EmailAddressInvoice       string `json:"emailAddressInvoice,omitempty"`
	EmailAddressReminder      string `json:"emailAddressReminder,omitempty"`
	Website                   string `json:"website,omitempty"`
	Note                      string `json:"note,omitempty"`
	VatNumber                 string `json:"vatNumber,omitempty"`
	Inactive                  bool   `json:"inactive,omitempty"`
	TermOfPayment             *int32 `json:"termOfPayment,omitempty"`
	CompanyRegistrationNumber string `json:"companyRegistrationNumber,omitempty"`
	Iban                      string `json:"iban,omitempty"`
	Bic                       string `json:"bic,omitempty"`
	FreeText1                 string `json:"freeText1,omitempty"`
	FreeText2                 string `json:"freeText2,omitempty"`
	FreeText3                 string `json:"freeText3,omitempty"`
	FreeText4                 string `json:"freeText4,omitempty"`
	FreeText5                 string `json:"freeText5,omitempty"`
	FreeText6                 string `json:"freeText6,omitempty"`
	FreeText7                 string `json:"freeText7,omitempty"`
	FreeText8                 string `json:"freeText8,omitempty"`
	FreeText9                 string `json:"freeText9,omitempty"`
	FreeText10                string `json:"freeText10,omitempty"`
	// DoNotReceiveNewsletters is an int (0/1) in the response, a boolean in
	// the create request. [spec]
	DoNotReceiveNewsletters int32  `json:"doNotReceiveNewsletters"`
	LedgerID                int32  `json:"ledgerId,omitempty"`
	Mandate                 bool   `json:"mandate,omitempty"`
	MandateType             string `json:"mandateType,omitempty"`
	MandateID               string `json:"mandateId,omitempty"`
	MandateSignedDate       string `json:"mandateSignedDate,omitempty"`
}

// Product is the reference's Product model plus the group code the list
// filter matches (not part of the answer: GroupCode is not a Product field).
type Product struct {
	ID                int32    `json:"id"`
	Code              string   `json:"code"`
	Description       string   `json:"description"`
	UnitID            int32    `json:"unitId,omitempty"`
	Active            bool     `json:"active"`
	GroupID           int32    `json:"groupId,omitempty"`
	PurchasePriceExcl *float64 `json:"purchasePriceExcl,omitempty"`
	PriceExcl         *float64 `json:"priceExcl,omitempty"`
	PriceIncl         *float64 `json:"priceIncl,omitempty"`
	Vat               string   `json:"vat"`
	LedgerID          int32    `json:"ledgerId"`
	CostCenterID      int32    `json:"costCenterId,omitempty"`
	InStockManagement bool     `json:"inStockManagement,omitempty"`
	GroupCode         string   `json:"-"`
}

// Unit is UnitListItem.
type Unit struct {
	ID       int32  `json:"id"`
	Singular string `json:"singular"`
	Plural   string `json:"plural"`
}

// InvoiceTemplate is InvoiceTemplateListItem.
type InvoiceTemplate struct {
	ID     int32  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
	// Type is E (editor) or A (advanced).
	Type string `json:"type"`
}

// Ledger is the reference's Ledger model.
type Ledger struct {
	ID          int32  `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Category    string `json:"category"`
}

// knownUnits pair Dutch singulars with their plurals. [inferred]
var knownUnits = [][2]string{
	{"uur", "uren"}, {"stuk", "stuks"}, {"meter", "meter"}, {"liter", "liter"},
	{"rol", "rollen"}, {"doos", "dozen"}, {"tube", "tubes"}, {"dag", "dagen"},
	{"kilogram", "kilogram"}, {"set", "sets"},
}

// First ids of units and templates. [inferred]
const (
	firstUnitID     = 301
	firstTemplateID = 118801
)

func id32(what string, v int64) (int32, error) {
	if v <= 0 || v > math.MaxInt32 {
		return 0, fmt.Errorf("%s id %d is not a positive int32", what, v)
	}
	return int32(v), nil
}

// stateFromDataset maps the SOAP-shaped dataset onto the REST model.
func stateFromDataset(ds demodata.EBoekhouden) (State, error) {
	var st State
	ledgerByCode := map[string]int32{}
	for _, l := range ds.LedgerAccounts {
		id, err := id32("ledger", l.ID)
		if err != nil {
			return State{}, err
		}
		st.Ledgers = append(st.Ledgers, Ledger{ID: id, Code: l.Code, Description: l.Omschrijving, Category: l.Categorie})
		ledgerByCode[l.Code] = id
	}
	st.CostCenters = demoCostCenters()
	st.EmailTemplates = demoEmailTemplates()
	for i, name := range ds.InvoiceTemplates {
		st.InvoiceTemplates = append(st.InvoiceTemplates, InvoiceTemplate{ID: int32(firstTemplateID + i), Name: name, Active: true, Type: "E"})
	}
	for _, r := range ds.Relations {
		rel, err := relationFromDataset(r)
		if err != nil {
			return State{}, err
		}
		st.Relations = append(st.Relations, rel)
	}
	for _, a := range ds.Articles {
		id, err := id32("product", a.ArtikelID)
		if err != nil {
			return State{}, err
		}
		p := Product{ID: id, Code: a.ArtikelCode, Description: a.ArtikelOmschrijving, Active: a.Actief,
			Vat: a.BTWCode, GroupCode: a.GroepCode, CostCenterID: int32(a.KostenplaatsID)}
		if p.PriceExcl, err = money(a.VerkoopprijsExclBTW); err != nil {
			return State{}, fmt.Errorf("product %s: %w", a.ArtikelCode, err)
		}
		if p.PurchasePriceExcl, err = money(a.InkoopprijsExclBTW); err != nil {
			return State{}, fmt.Errorf("product %s: %w", a.ArtikelCode, err)
		}
		ledger, ok := ledgerByCode[a.TegenrekeningCode]
		if !ok {
			return State{}, fmt.Errorf("product %s: no ledger with code %q", a.ArtikelCode, a.TegenrekeningCode)
		}
		p.LedgerID = ledger
		if a.Eenheid != "" {
			p.UnitID = st.unitFor(a.Eenheid)
		}
		st.Products = append(st.Products, p)
	}
	for i, f := range ds.Invoices {
		inv, err := st.invoiceFromDataset(f, int32(firstInvoiceID+i), ledgerByCode)
		if err != nil {
			return State{}, fmt.Errorf("invoice %s: %w", f.Factuurnummer, err)
		}
		st.Invoices = append(st.Invoices, inv)
	}
	st.sortByID()
	return st, st.check()
}

// invoiceFromDataset maps an existing invoice: ids from 5500001 in the
// dataset's order, the relation by code, the template by name, lines with
// their unit and ledger; a booked one (InBoekhoudingPlaatsen) gets a
// booking on the first debtor ledger with Voldaan paid.
func (st *State) invoiceFromDataset(f demodata.Factuur, id int32, ledgerByCode map[string]int32) (Invoice, error) {
	inv := Invoice{ID: id, InvoiceNumber: f.Factuurnummer, Date: f.Datum, TermOfPayment: int32(f.Betalingstermijn), InExVat: "EX"}
	rel := st.relationByCode(f.Relatiecode)
	if rel == nil {
		return Invoice{}, fmt.Errorf("no relation %q", f.Relatiecode)
	}
	inv.RelationID = rel.ID
	for _, t := range st.InvoiceTemplates {
		if t.Name == f.Factuursjabloon {
			inv.TemplateID = t.ID
		}
	}
	for _, r := range f.Regels {
		it := InvoiceItem{Code: r.Code, Description: r.Omschrijving, VatCode: r.BTWCode, LedgerID: ledgerByCode[r.TegenrekeningCode]}
		q, err1 := strconv.ParseFloat(r.Aantal, 64)
		p, err2 := strconv.ParseFloat(r.PrijsPerEenheid, 64)
		if err1 != nil || err2 != nil || it.LedgerID == 0 {
			return Invoice{}, fmt.Errorf("line %q: quantity, price or ledger does not parse", r.Omschrijving)
		}
		it.Quantity, it.PricePerUnit = q, p
		if r.Eenheid != "" {
			it.UnitID = st.unitFor(r.Eenheid)
		}
		inv.Items = append(inv.Items, it)
	}
	inv.computeTotals()
	if f.InBoekhoudingPlaatsen {
		paid, err := money(f.Voldaan)
		if err != nil {
			return Invoice{}, err
		}
		inv.Booking = &Booking{MutationID: firstMutationID + id - firstInvoiceID}
		if paid != nil {
			inv.Booking.PaidAmount = *paid
		}
		for _, l := range st.Ledgers {
			if l.Category == "DEB" && inv.Booking.LedgerID == 0 {
				inv.Booking.LedgerID = l.ID
			}
		}
	}
	return inv, nil
}

// sortByID keeps relations and products in ascending id order, the order
// of the lists. [inferred]
func (st *State) sortByID() {
	slices.SortFunc(st.Relations, func(a, b Relation) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	slices.SortFunc(st.Products, func(a, b Product) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	slices.SortFunc(st.Units, func(a, b Unit) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	slices.SortFunc(st.InvoiceTemplates, func(a, b InvoiceTemplate) int { return cmpInt(int64(a.ID), int64(b.ID)) })
	slices.SortFunc(st.Invoices, func(a, b Invoice) int { return cmpInt(int64(a.ID), int64(b.ID)) })
}

func relationFromDataset(r demodata.Relatie) (Relation, error) {
	id, err := id32("relation", r.ID)
	if err != nil {
		return Relation{}, err
	}
	rel := Relation{ID: id, Type: r.BP, Code: r.Code, Date: r.AddDatum, Name: r.Bedrijf,
		Salutation: r.Aanhef, Contact: r.Contactpersoon, Gender: r.Geslacht,
		Address: r.Adres, PostalCode: r.Postcode, City: r.Plaats, Country: r.Land,
		Address2: r.Adres2, PostalCode2: r.Postcode2, City2: r.Plaats2, Country2: r.Land2,
		PhoneNumber: r.Telefoon, MobilePhoneNumber: r.GSM, FaxNumber: r.FAX, EmailAddress: r.Email,
		Website: r.Site, Note: r.Notitie, VatNumber: r.BTWNummer, CompanyRegistrationNumber: r.KvkNummer,
		Iban: r.IBAN, Bic: r.BIC,
		FreeText1: r.Def1, FreeText2: r.Def2, FreeText3: r.Def3, FreeText4: r.Def4, FreeText5: r.Def5,
		FreeText6: r.Def6, FreeText7: r.Def7, FreeText8: r.Def8, FreeText9: r.Def9, FreeText10: r.Def10}
	if r.GbID != 0 {
		if rel.LedgerID, err = id32("ledger", r.GbID); err != nil {
			return Relation{}, err
		}
	}
	if rel.Type == "" {
		rel.Type = "B"
	}
	return rel, nil
}

// money parses a decimal string; empty means absent.
func money(s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("amount %q: %w", s, err)
	}
	return &v, nil
}

// unitFor returns the id of the unit named text, adding it when new.
func (st *State) unitFor(text string) int32 {
	singular, plural := text, text
	for _, u := range knownUnits {
		if strings.EqualFold(text, u[0]) || strings.EqualFold(text, u[1]) {
			singular, plural = u[0], u[1]
			break
		}
	}
	for _, u := range st.Units {
		if strings.EqualFold(u.Singular, singular) {
			return u.ID
		}
	}
	id := int32(firstUnitID + len(st.Units))
	st.Units = append(st.Units, Unit{ID: id, Singular: singular, Plural: plural})
	return id
}

// check reports duplicate ids, duplicate relation codes and references to
// units and ledgers that do not exist. The lists are sorted by id.
func (st *State) check() error {
	relIDs, relCodes := map[int32]bool{}, map[string]bool{}
	for _, r := range st.Relations {
		if r.ID <= 0 || relIDs[r.ID] {
			return fmt.Errorf("relation id %d is not positive or not unique", r.ID)
		}
		key := strings.ToLower(r.Code)
		if r.Code == "" || relCodes[key] {
			return fmt.Errorf("relation code %q is empty or not unique", r.Code)
		}
		relIDs[r.ID], relCodes[key] = true, true
	}
	for i := 1; i < len(st.Units); i++ {
		if st.Units[i].ID == st.Units[i-1].ID {
			return fmt.Errorf("unit id %d is not unique", st.Units[i].ID)
		}
	}
	for i := 1; i < len(st.InvoiceTemplates); i++ {
		if st.InvoiceTemplates[i].ID == st.InvoiceTemplates[i-1].ID {
			return fmt.Errorf("invoice template id %d is not unique", st.InvoiceTemplates[i].ID)
		}
	}
	invNumbers := map[string]bool{}
	for i, inv := range st.Invoices {
		key := strings.ToLower(inv.InvoiceNumber)
		if inv.InvoiceNumber == "" || invNumbers[key] || (i > 0 && inv.ID == st.Invoices[i-1].ID) {
			return fmt.Errorf("invoice %d %q: number empty or not unique, or id not unique", inv.ID, inv.InvoiceNumber)
		}
		invNumbers[key] = true
	}
	prodIDs := map[int32]bool{}
	for _, p := range st.Products {
		if p.ID <= 0 || prodIDs[p.ID] {
			return fmt.Errorf("product id %d is not positive or not unique", p.ID)
		}
		prodIDs[p.ID] = true
		if p.UnitID != 0 && st.unit(p.UnitID) == nil {
			return fmt.Errorf("product %s: no unit %d", p.Code, p.UnitID)
		}
		if st.ledger(p.LedgerID) == nil {
			return fmt.Errorf("product %s: no ledger %d", p.Code, p.LedgerID)
		}
	}
	return nil
}

func (st *State) unit(id int32) *Unit {
	for i := range st.Units {
		if st.Units[i].ID == id {
			return &st.Units[i]
		}
	}
	return nil
}

func (st *State) ledger(id int32) *Ledger {
	for i := range st.Ledgers {
		if st.Ledgers[i].ID == id {
			return &st.Ledgers[i]
		}
	}
	return nil
}

// clone returns a deep copy.
func (st State) clone() State {
	out := st
	out.Relations = slices.Clone(st.Relations)
	for i, r := range out.Relations {
		if r.TermOfPayment != nil {
			v := *r.TermOfPayment
			out.Relations[i].TermOfPayment = &v
		}
	}
	out.Products = slices.Clone(st.Products)
	for i := range out.Products {
		p := &out.Products[i]
		p.PurchasePriceExcl, p.PriceExcl, p.PriceIncl = clonePtr(p.PurchasePriceExcl), clonePtr(p.PriceExcl), clonePtr(p.PriceIncl)
	}
	out.Units = slices.Clone(st.Units)
	out.InvoiceTemplates = slices.Clone(st.InvoiceTemplates)
	out.Invoices = slices.Clone(st.Invoices)
	for i := range out.Invoices {
		inv := &out.Invoices[i]
		inv.Booking = clonePtr(inv.Booking)
		inv.Email = clonePtr(inv.Email)
		inv.Items = slices.Clone(inv.Items)
		for j := range inv.Items {
			it := &inv.Items[j]
			it.VatAmount, it.DiscountAmount, it.DiscountPercentage = clonePtr(it.VatAmount), clonePtr(it.DiscountAmount), clonePtr(it.DiscountPercentage)
		}
	}
	out.Ledgers = slices.Clone(st.Ledgers)
	out.CostCenters = slices.Clone(st.CostCenters)
	out.EmailTemplates = slices.Clone(st.EmailTemplates)
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
