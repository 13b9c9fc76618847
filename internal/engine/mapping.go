package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
)

// This file maps e-Boekhouden master data to OutSmart records: relations to
// relations, products whose unit is an hour to hour types, all other products
// to materials (the rule OutSmart's own e-Boekhouden link uses, reference
// §8).

// IsHourUnit reports whether a product unit means "hour".
func IsHourUnit(unit string) bool {
	switch strings.ToLower(strings.TrimSpace(strings.TrimSuffix(unit, "."))) {
	case "uur", "uren", "u", "hour", "hours", "hr", "hrs", "h":
		return true
	}
	return false
}

// houseNumber splits "Dorpsstraat 12 a" into street "Dorpsstraat" and number
// "12 a": a trailing token that starts with a digit, with an optional
// addition of up to four characters. [inferred: e-Boekhouden has one address
// line, OutSmart a street and a house number]
var houseNumber = regexp.MustCompile(`^(.*\S)\s+([0-9][0-9A-Za-z/\-]*(?:[ \-][A-Za-z0-9]{1,4})?)$`)

func splitStreet(addr string) (street, number string) {
	addr = strings.Join(strings.Fields(addr), " ")
	if m := houseNumber.FindStringSubmatch(addr); m != nil {
		return m[1], m[2]
	}
	return addr, ""
}

// relationForOutSmart converts an e-Boekhouden relation. The visiting
// address is used, or the postal address when the visiting address is
// empty. It returns the Dutch names of required OutSmart fields that are
// missing (name, street, postal code, city: Blueprint "relations").
func relationForOutSmart(r eboekhouden.Relation) (outsmart.Relation, []string) {
	addr, pc, city, country := r.Address, r.PostalCode, r.City, r.Country
	if strings.TrimSpace(addr) == "" && strings.TrimSpace(r.PostalAddress) != "" {
		addr, pc, city, country = r.PostalAddress, r.PostalAddressPostalCode, r.PostalAddressCity, r.PostalAddressCountry
	}
	street, number := splitStreet(addr)
	active := true
	out := outsmart.Relation{
		DebtorNumber: strings.TrimSpace(r.Code),
		Name:         strings.TrimSpace(r.Company),
		Contact:      strings.TrimSpace(r.ContactPerson),
		Phone:        strings.TrimSpace(r.Phone),
		Mobile:       strings.TrimSpace(r.Mobile),
		Email:        strings.TrimSpace(r.Email),
		Street:       street,
		HouseNumber:  number,
		PostalCode:   strings.TrimSpace(pc),
		City:         strings.TrimSpace(city),
		Country:      strings.TrimSpace(country),
		ExternalID:   strconv.FormatInt(r.ID, 10),
		KvKNumber:    strings.TrimSpace(r.ChamberOfCommerce),
		VATNumber:    strings.TrimSpace(r.VATNumber),
		Active:       &active,
	}
	var missing []string
	for _, f := range []struct{ value, name string }{
		{out.Name, "naam (Bedrijf)"}, {out.Street, "adres"}, {out.PostalCode, "postcode"}, {out.City, "plaats"},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	return out, missing
}

// materialForOutSmart converts a product that is not an hour type. The VAT
// code and the revenue ledger go into free fields 1 and 2, as OutSmart's own
// e-Boekhouden link does (reference §8). OutSmart's materials have no
// purchase price and no active flag (Blueprint "materials"), so neither is
// sent.
func materialForOutSmart(p eboekhouden.Product) outsmart.Material {
	return outsmart.Material{
		Code:        strings.TrimSpace(p.Code),
		Description: strings.TrimSpace(p.Description),
		Price:       p.SalePrice,
		Unit:        strings.TrimSpace(p.Unit),
		FreeField1:  p.VATCode,
		FreeField2:  p.LedgerCode,
	}
}

// hourTypeForOutSmart converts a product whose unit is an hour. Hours are
// sold, so sale_booking is 1; cost_booking 0. [inferred: the Blueprint does
// not say what the two booking flags mean]
func hourTypeForOutSmart(p eboekhouden.Product) outsmart.HourType {
	return outsmart.HourType{
		Code:        strings.TrimSpace(p.Code),
		Name:        strings.TrimSpace(p.Description),
		SaleBooking: true,
		SalePrice:   p.SalePrice,
		CostPrice:   p.PurchasePrice,
		Active:      p.Active,
	}
}

// contentHash is the hash of what would be sent for a record; a record is
// posted again only when its hash changes.
func contentHash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Plain structs of strings, bools and decimals: cannot fail.
		panic("engine: hash: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// relationFromParty makes an e-Boekhouden relation from a work order's
// invoice party ("Exporteer relaties"). OutSmart does not say whether a
// customer is a business or a private person; business is assumed
// [inferred], which only affects e-Boekhouden's salutation.
func relationFromParty(code string, p outsmart.Party, today time.Time) eboekhouden.Relation {
	addr := strings.TrimSpace(strings.TrimSpace(p.Street) + " " + strings.TrimSpace(p.HouseNumber))
	return eboekhouden.Relation{
		AddedOn:       today,
		Code:          code,
		Company:       strings.TrimSpace(p.Name),
		ContactPerson: strings.TrimSpace(p.ContactPerson),
		Address:       addr,
		PostalCode:    strings.TrimSpace(p.PostalCode),
		City:          strings.TrimSpace(p.City),
		Country:       strings.TrimSpace(p.Country),
		Email:         strings.TrimSpace(p.Email),
		Phone:         strings.TrimSpace(p.Phone),
		Kind:          eboekhouden.RelationBusiness,
	}
}

// parseDay reads a journal date (YYYY-MM-DD) as midnight UTC.
func parseDay(s string) (time.Time, error) { return time.Parse("2006-01-02", s) }
