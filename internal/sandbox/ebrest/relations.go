package ebrest

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file owns /v1/relation: the list (ids and codes only), the look-up
// by id and create.

// relationFilters are GET /v1/relation's filterable parameters (reference
// §4.2: all string filters).
var relationFilters = map[string]filterKind{
	"code": kindString, "type": kindString, "email": kindString,
	"name": kindString, "contact": kindString, "city": kindString,
}

// relationField is a relation's value of a filter parameter.
func relationField(r *Relation, param string) string {
	switch param {
	case "code":
		return r.Code
	case "type":
		return r.Type
	case "email":
		return r.EmailAddress
	case "name":
		return r.Name
	case "contact":
		return r.Contact
	}
	return r.City
}

// relationListItem is RelationListItem: the list gives ids and codes only.
type relationListItem struct {
	ID   int32  `json:"id"`
	Type string `json:"type"`
	Code string `json:"code"`
}

func (s *Server) listRelations(c *call) *response {
	q, resp := parseList(c.r.URL.RawQuery, relationFilters)
	if resp != nil {
		return resp
	}
	rels := s.st.Relations
	idx, total := page(len(rels), q, func(i int, p string) string { return relationField(&rels[i], p) })
	out := listEnvelope[relationListItem]{Items: []relationListItem{}, Count: total}
	for _, i := range idx {
		out.Items = append(out.Items, relationListItem{ID: rels[i].ID, Type: rels[i].Type, Code: rels[i].Code})
	}
	return jsonResponse(out)
}

func (s *Server) getRelation(c *call) *response {
	if id, ok := parseID(c.params[0]); ok {
		for _, r := range s.st.Relations {
			if r.ID == id {
				return jsonResponse(r)
			}
		}
	}
	return notFound("REL_055")
}

// createRelationRequest is CreateRelation; pointers tell a missing field
// from a zero one.
type createRelationRequest struct {
	Type                      *string `json:"type"`
	Code                      *string `json:"code"`
	Name                      *string `json:"name"`
	Salutation                *string `json:"salutation"`
	Contact                   *string `json:"contact"`
	Gender                    *string `json:"gender"`
	Address                   *string `json:"address"`
	PostalCode                *string `json:"postalCode"`
	City                      *string `json:"city"`
	Country                   *string `json:"country"`
	Address2                  *string `json:"address2"`
	PostalCode2               *string `json:"postalCode2"`
	City2                     *string `json:"city2"`
	Country2                  *string `json:"country2"`
	PhoneNumber               *string `json:"phoneNumber"`
	MobilePhoneNumber         *string `json:"mobilePhoneNumber"`
	FaxNumber                 *string `json:"faxNumber"`
	EmailAddress              *string `json:"emailAddress"`
	EmailAddressInvoice       *string `json:"emailAddressInvoice"`
	EmailAddressReminder      *string `json:"emailAddressReminder"`
	Website                   *string `json:"website"`
	Note                      *string `json:"note"`
	VatNumber                 *string `json:"vatNumber"`
	Inactive                  *bool   `json:"inactive"`
	TermOfPayment             *int32  `json:"termOfPayment"`
	CompanyRegistrationNumber *string `json:"companyRegistrationNumber"`
	Iban                      *string `json:"iban"`
	Bic                       *string `json:"bic"`
	FreeText1                 *string `json:"freeText1"`
	FreeText2                 *string `json:"freeText2"`
	FreeText3                 *string `json:"freeText3"`
	FreeText4                 *string `json:"freeText4"`
	FreeText5                 *string `json:"freeText5"`
	FreeText6                 *string `json:"freeText6"`
	FreeText7                 *string `json:"freeText7"`
	FreeText8                 *string `json:"freeText8"`
	FreeText9                 *string `json:"freeText9"`
	FreeText10                *string `json:"freeText10"`
	DoNotReceiveNewsletters   *bool   `json:"doNotReceiveNewsletters"`
	LedgerID                  *int32  `json:"ledgerId"`
	Mandate                   *bool   `json:"mandate"`
	MandateType               *string `json:"mandateType"`
	MandateID                 *string `json:"mandateId"`
	MandateSignedDate         *string `json:"mandateSignedDate"`
}

// textField is one string field with its maximum length (in characters)
// and the code a longer value gets.
type textField struct {
	prop string
	v    *string
	max  int
	code string
}

// texts lists the string fields in the schema's order with their maximum
// lengths (reference §7, CreateRelation).
func (q *createRelationRequest) texts() []textField {
	return []textField{
		{"code", q.Code, 15, "REL_006"}, {"name", q.Name, 100, "REL_003"},
		{"salutation", q.Salutation, 50, "REL_010"}, {"contact", q.Contact, 50, "REL_009"},
		{"address", q.Address, 150, "REL_011"}, {"postalCode", q.PostalCode, 50, "REL_012"},
		{"city", q.City, 50, "REL_013"}, {"country", q.Country, 50, "REL_014"},
		{"address2", q.Address2, 150, "REL_015"}, {"postalCode2", q.PostalCode2, 50, "REL_016"},
		{"city2", q.City2, 50, "REL_017"}, {"country2", q.Country2, 50, "REL_018"},
		{"phoneNumber", q.PhoneNumber, 50, "REL_019"}, {"mobilePhoneNumber", q.MobilePhoneNumber, 50, "REL_020"},
		{"faxNumber", q.FaxNumber, 50, "REL_021"}, {"emailAddress", q.EmailAddress, 150, "REL_022"},
		{"emailAddressInvoice", q.EmailAddressInvoice, 150, "REL_024"},
		{"emailAddressReminder", q.EmailAddressReminder, 150, "REL_026"},
		{"website", q.Website, 50, "REL_028"}, {"note", q.Note, 40000, "REL_047"},
		{"vatNumber", q.VatNumber, 50, "REL_035"},
		{"companyRegistrationNumber", q.CompanyRegistrationNumber, 50, "REL_050"},
		{"iban", q.Iban, 50, "REL_029"}, {"bic", q.Bic, 20, "REL_032"},
		{"freeText1", q.FreeText1, 100, "REL_037"}, {"freeText2", q.FreeText2, 100, "REL_038"},
		{"freeText3", q.FreeText3, 100, "REL_039"}, {"freeText4", q.FreeText4, 100, "REL_040"},
		{"freeText5", q.FreeText5, 100, "REL_041"}, {"freeText6", q.FreeText6, 100, "REL_042"},
		{"freeText7", q.FreeText7, 100, "REL_043"}, {"freeText8", q.FreeText8, 100, "REL_044"},
		{"freeText9", q.FreeText9, 100, "REL_045"}, {"freeText10", q.FreeText10, 100, "REL_046"},
		{"mandateId", q.MandateID, 35, "REL_034"},
	}
}

// Rules the reference leaves open. [inferred]
var (
	// relationCodePattern: letters, digits and . _ - / inside, no spaces at
	// either end (REL_005).
	relationCodePattern = regexp.MustCompile(`^[\p{L}\p{Nd}._/-]([\p{L}\p{Nd}._/ -]*[\p{L}\p{Nd}._/-])?$`)
	// emailPattern: one @, something before it, a dot in the domain.
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Term of payment bounds (REL_030, REL_031). [inferred]
const maxTermOfPayment = 365

// validate checks a create request in the schema's order and returns the
// first refusal.
func (q *createRelationRequest) validate(st *State) *response {
	if q.Name == nil || strings.TrimSpace(*q.Name) == "" {
		return validation("REL_002", "name")
	}
	if resp := q.validateEnums(); resp != nil {
		return resp
	}
	for _, f := range q.texts() {
		if f.v != nil && utf8.RuneCountInString(*f.v) > f.max {
			return validation(f.code, f.prop)
		}
	}
	return q.validateValues(st)
}

func (q *createRelationRequest) validateEnums() *response {
	switch {
	case q.Type != nil && *q.Type != "" && *q.Type != "B" && *q.Type != "P":
		return validation("REL_001", "type")
	case q.Gender != nil && *q.Gender != "" && *q.Gender != "m" && *q.Gender != "v" && *q.Gender != "a":
		return validation("REL_004", "gender")
	case q.MandateType != nil && *q.MandateType != "" && *q.MandateType != "E" && *q.MandateType != "D":
		return validation("REL_051", "mandateType")
	}
	return nil
}

// validateValues checks the fields whose content, not length, is wrong.
func (q *createRelationRequest) validateValues(st *State) *response {
	for _, f := range []struct {
		prop, code string
		v          *string
	}{{"emailAddress", "REL_023", q.EmailAddress}, {"emailAddressInvoice", "REL_025", q.EmailAddressInvoice}, {"emailAddressReminder", "REL_027", q.EmailAddressReminder}} {
		if f.v != nil && *f.v != "" && !emailPattern.MatchString(*f.v) {
			return validation(f.code, f.prop)
		}
	}
	switch {
	case q.Code != nil && *q.Code != "" && !relationCodePattern.MatchString(*q.Code):
		return validation("REL_005", "code")
	case q.CompanyRegistrationNumber != nil && !digitsOnly(*q.CompanyRegistrationNumber):
		return validation("REL_008", "companyRegistrationNumber")
	case q.TermOfPayment != nil && *q.TermOfPayment < 0:
		return validation("REL_030", "termOfPayment")
	case q.TermOfPayment != nil && *q.TermOfPayment > maxTermOfPayment:
		return validation("REL_031", "termOfPayment")
	}
	return q.validateReferences(st)
}

// validateReferences checks the date, the ledger and that the code is free.
func (q *createRelationRequest) validateReferences(st *State) *response {
	switch {
	case q.LedgerID != nil && st.ledger(*q.LedgerID) == nil:
		return validation("REL_048", "ledgerId")
	case q.MandateSignedDate != nil && *q.MandateSignedDate != "" && !validValue(kindDate, *q.MandateSignedDate):
		return invalidValue("mandateSignedDate", "The value of mandateSignedDate must be a date (YYYY-MM-DD).")
	case q.Code != nil && *q.Code != "" && st.relationByCode(*q.Code) != nil:
		return validation("REL_049", "code")
	}
	return nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// relationByCode finds a relation by code, case-insensitively. [inferred]
func (st *State) relationByCode(code string) *Relation {
	for i := range st.Relations {
		if strings.EqualFold(st.Relations[i].Code, code) {
			return &st.Relations[i]
		}
	}
	return nil
}

// createRelation answers POST /v1/relation with {id, code}. An empty code
// gets the next free number after the highest numeric code. [inferred]
func (s *Server) createRelation(c *call) *response {
	var q createRelationRequest
	if resp := decodeStrict(c, &q); resp != nil {
		return resp
	}
	if resp := q.validate(&s.st); resp != nil {
		return resp
	}
	rel := q.relation()
	rel.ID = s.st.nextRelationID()
	rel.Date = c.now.Format(time.DateOnly)
	if rel.Code == "" {
		rel.Code = s.st.nextRelationCode()
	}
	s.st.Relations = append(s.st.Relations, rel)
	return jsonResponse(struct {
		ID   int32  `json:"id"`
		Code string `json:"code"`
	}{rel.ID, rel.Code})
}

// relation builds the stored relation from a valid request.
func (q *createRelationRequest) relation() Relation {
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	r := Relation{Type: v(q.Type), Code: v(q.Code), Name: v(q.Name), Salutation: v(q.Salutation), Contact: v(q.Contact),
		Gender: v(q.Gender), Address: v(q.Address), PostalCode: v(q.PostalCode), City: v(q.City), Country: v(q.Country),
		Address2: v(q.Address2), PostalCode2: v(q.PostalCode2), City2: v(q.City2), Country2: v(q.Country2),
		PhoneNumber: v(q.PhoneNumber), MobilePhoneNumber: v(q.MobilePhoneNumber), FaxNumber: v(q.FaxNumber),
		EmailAddress: v(q.EmailAddress), EmailAddressInvoice: v(q.EmailAddressInvoice), EmailAddressReminder: v(q.EmailAddressReminder),
		Website: v(q.Website), Note: v(q.Note), VatNumber: v(q.VatNumber), CompanyRegistrationNumber: v(q.CompanyRegistrationNumber),
		Iban: v(q.Iban), Bic: v(q.Bic), FreeText1: v(q.FreeText1), FreeText2: v(q.FreeText2), FreeText3: v(q.FreeText3),
		FreeText4: v(q.FreeText4), FreeText5: v(q.FreeText5), FreeText6: v(q.FreeText6), FreeText7: v(q.FreeText7),
		FreeText8: v(q.FreeText8), FreeText9: v(q.FreeText9), FreeText10: v(q.FreeText10),
		MandateType: v(q.MandateType), MandateID: v(q.MandateID), MandateSignedDate: v(q.MandateSignedDate),
		TermOfPayment: clonePtr(q.TermOfPayment)}
	if r.Type == "" {
		r.Type = "B"
	}
	r.Inactive = q.Inactive != nil && *q.Inactive
	r.Mandate = q.Mandate != nil && *q.Mandate
	if q.DoNotReceiveNewsletters != nil && *q.DoNotReceiveNewsletters {
		r.DoNotReceiveNewsletters = 1
	}
	if q.LedgerID != nil {
		r.LedgerID = *q.LedgerID
	}
	return r
}

func (st *State) nextRelationID() int32 {
	var hi int32
	for _, r := range st.Relations {
		hi = max(hi, r.ID)
	}
	return hi + 1
}

func (st *State) nextRelationCode() string {
	hi := int64(0)
	for _, r := range st.Relations {
		if n, err := strconv.ParseInt(r.Code, 10, 64); err == nil {
			hi = max(hi, n)
		}
	}
	for n := hi + 1; ; n++ {
		if code := strconv.FormatInt(n, 10); st.relationByCode(code) == nil {
			return code
		}
	}
}
