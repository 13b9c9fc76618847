package restroad

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
)

// This file owns relations: the list and its details as eboekhouden
// relations, the look-ups by code and id, and creating one.

var relationDetails = detailRead[rest.RelationRef, rest.Relation]{
	kind: KindRelation,
	id:   func(r rest.RelationRef) int64 { return r.ID },
	code: func(r rest.RelationRef) string { return r.Code },
	changed: func(ref rest.RelationRef, rec rest.Relation) bool {
		return ref.Code != rec.Code || (ref.Type != "" && ref.Type != rec.Type)
	},
}

// Relations returns the relations f asks for: every relation for the zero
// filter (all pages, no cap), or those with f's code or id. Search terms
// (Keyword) are not supported: the engine needs them only to read a capped
// road in parts.
func (b *Books) Relations(ctx context.Context, f eboekhouden.RelationFilter) ([]eboekhouden.Relation, error) {
	var recs []rest.Relation
	var err error
	switch {
	case f.Keyword != "":
		return nil, fmt.Errorf("e-Boekhouden REST relations: %w: search terms (Trefwoord) are not used on the REST road", eboekhouden.ErrInvalid)
	case f.ID != 0:
		recs, err = b.relationByID(ctx, f.ID)
	default:
		recs, err = b.listRelations(ctx, f.Code)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]eboekhouden.Relation, 0, len(recs))
	for _, r := range recs {
		if f.Code != "" && r.Code != f.Code {
			continue // the filter is eq; a server that also matched otherwise is not trusted
		}
		if f.ID != 0 && r.ID != f.ID {
			continue
		}
		out = append(out, relationFromREST(r))
	}
	return out, nil
}

// relationByID reads one relation; none when it does not exist.
func (b *Books) relationByID(ctx context.Context, id int64) ([]rest.Relation, error) {
	r, err := b.c.GetRelation(ctx, id)
	b.count(KindRelation, 1)
	switch {
	case errors.Is(err, rest.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	b.noteRelation(r.ID, r.Code)
	return []rest.Relation{r}, nil
}

// listRelations reads the relation list (filtered by code unless code is
// empty) and the details of its items.
func (b *Books) listRelations(ctx context.Context, code string) ([]rest.Relation, error) {
	var filters []rest.Filter
	if code != "" {
		filters = append(filters, rest.Filter{Param: "code", Value: code})
	}
	refs, err := b.c.ListRelations(ctx, filters...)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		b.noteRelation(ref.ID, ref.Code)
	}
	d := relationDetails
	d.get = b.c.GetRelation
	if code != "" {
		// A look-up by code reads the details at once and leaves the
		// cache's round alone.
		return readDetailsNow(ctx, b, d, refs)
	}
	return readAll(ctx, b, d, refs)
}

// noteRelation remembers a relation's code by id (invoices name relations
// by id).
func (b *Books) noteRelation(id int64, code string) {
	b.mu.Lock()
	b.relCodes[id] = code
	b.mu.Unlock()
}

// AddRelation creates a relation (POST /v1/relation) and returns its id. A
// code that exists matches eboekhouden.ErrRelationCodeInUse, a lost answer
// eboekhouden.ErrOutcomeUnknown.
func (b *Books) AddRelation(ctx context.Context, r eboekhouden.Relation) (int64, error) {
	ref, err := b.c.CreateRelation(ctx, relationToREST(r))
	if err != nil {
		return 0, mapErr(err)
	}
	b.noteRelation(ref.ID, ref.Code)
	return ref.ID, nil
}

// relationFromREST converts a REST relation (§7 Relation) to the SOAP
// road's record. The REST model has no BankAccount, GiroAccount,
// MembersModule, NoEmail or NewsletterGroupCount; they stay zero.
func relationFromREST(r rest.Relation) eboekhouden.Relation {
	kind := eboekhouden.RelationKind(r.Type)
	switch r.Type {
	case "B":
		kind = eboekhouden.RelationBusiness
	case "P":
		kind = eboekhouden.RelationPrivate
	}
	gender := r.Gender
	if gender != eboekhouden.GenderMale && gender != eboekhouden.GenderFemale {
		gender = "" // "a" (afdeling) has no SOAP twin [inferred]
	}
	return eboekhouden.Relation{
		ID: r.ID, AddedOn: r.Created, Code: r.Code, Company: r.Name, ContactPerson: r.Contact, Gender: gender,
		Address: r.Address, PostalCode: r.PostalCode, City: r.City, Country: r.Country,
		PostalAddress: r.Address2, PostalAddressPostalCode: r.PostalCode2, PostalAddressCity: r.City2,
		PostalAddressCountry: r.Country2, Phone: r.Phone, Mobile: r.Mobile, Fax: r.Fax, Email: r.Email,
		Website: r.Website, Note: r.Note, VATNumber: r.VATNumber, ChamberOfCommerce: r.CompanyRegistrationNumber,
		Salutation: r.Salutation, IBAN: r.IBAN, BIC: r.BIC, Kind: kind,
		Def1: r.FreeText[0], Def2: r.FreeText[1], Def3: r.FreeText[2], Def4: r.FreeText[3], Def5: r.FreeText[4],
		Def6: r.FreeText[5], Def7: r.FreeText[6], Def8: r.FreeText[7], Def9: r.FreeText[8], Def10: r.FreeText[9],
		LedgerID: r.LedgerID, InvoiceEmail: r.EmailInvoice,
	}
}

// relationToREST converts a new relation to CreateRelation. Fields the
// REST model lacks (BankAccount, GiroAccount, MembersModule, NoEmail) are
// not sent; AddedOn is the server's (the creation date).
func relationToREST(r eboekhouden.Relation) rest.NewRelation {
	typ := ""
	switch r.Kind {
	case eboekhouden.RelationBusiness:
		typ = "B"
	case eboekhouden.RelationPrivate:
		typ = "P"
	}
	return rest.NewRelation{
		Type: typ, Code: strings.TrimSpace(r.Code), Name: r.Company, Salutation: r.Salutation, Contact: r.ContactPerson,
		Gender: r.Gender, Address: r.Address, PostalCode: r.PostalCode, City: r.City, Country: r.Country,
		Address2: r.PostalAddress, PostalCode2: r.PostalAddressPostalCode, City2: r.PostalAddressCity,
		Country2: r.PostalAddressCountry, Phone: r.Phone, Mobile: r.Mobile, Fax: r.Fax, Email: r.Email,
		Website: r.Website, Note: r.Note, VATNumber: r.VATNumber, CompanyRegistrationNumber: r.ChamberOfCommerce,
		IBAN: r.IBAN, BIC: r.BIC,
		FreeText: [10]string{r.Def1, r.Def2, r.Def3, r.Def4, r.Def5, r.Def6, r.Def7, r.Def8, r.Def9, r.Def10},
		LedgerID: r.LedgerID,
	}
}
