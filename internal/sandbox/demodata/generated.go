package demodata

import "fmt"

// This file owns the generated large administrations: the demo dataset
// grown with thousands of relations and products, for the sandbox's own
// benchmarks and tests of large administrations.

// Generated returns a fresh copy of the demo dataset with nRelations
// relations and nProducts products added to e-Boekhouden, and the same
// relations already present in OutSmart when inOutSmart is true (as after a
// first import). Everything is deterministic:
//
//   - relation i has ID 6,000,000+i, code "BR%05d", Bedrijf
//     "Klant %05d B.V.", Contactpersoon "J. de Boer i", e-mail
//     "administratie%05d@klant.nl", a full address in one of ten cities;
//   - product i has ID 7,000,000+i, code "BP%05d", description
//     "Artikel %05d" (every third one, unit "uur": "Arbeid tarief %05d").
//
// The dataset is valid (Validate returns nil).
func Generated(nRelations, nProducts int, inOutSmart bool) *Dataset {
	ds := Default()
	eb, fs := &ds.EBoekhouden, &ds.OutSmart
	cities := []struct{ postcode, city string }{
		{"3511", "Utrecht"}, {"1012", "Amsterdam"}, {"3011", "Rotterdam"}, {"2511", "Den Haag"},
		{"5611", "Eindhoven"}, {"9711", "Groningen"}, {"6811", "Arnhem"}, {"3701", "Zeist"},
		{"3811", "Amersfoort"}, {"5211", "'s-Hertogenbosch"},
	}
	streets := []string{"Dorpsstraat", "Kerkstraat", "Industrieweg", "Stationsweg", "Molenweg"}
	for i := range nRelations {
		pc := cities[i%len(cities)]
		street := streets[(i/len(cities))%len(streets)]
		r := Relatie{
			ID:             int64(6_000_000 + i),
			AddDatum:       fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
			Code:           fmt.Sprintf("BR%05d", i),
			Bedrijf:        fmt.Sprintf("Klant %05d B.V.", i),
			Contactpersoon: fmt.Sprintf("J. de Boer %d", i),
			Adres:          fmt.Sprintf("%s %d", street, 1+i%180),
			Postcode:       fmt.Sprintf("%s %c%c", pc.postcode, 'A'+rune(i%26), 'A'+rune((i/26)%26)),
			Plaats:         pc.city,
			Land:           "NL",
			Telefoon:       fmt.Sprintf("030-%07d", 1_000_000+i),
			Email:          fmt.Sprintf("administratie%05d@klant.nl", i),
			BP:             "B",
		}
		eb.Relations = append(eb.Relations, r)
		if inOutSmart {
			fs.Relations = append(fs.Relations, Relation{
				Name: r.Bedrijf, DebtorNumber: r.Code, Contact: r.Contactpersoon, PhoneNumber: r.Telefoon,
				Email: r.Email, Street: street, HouseNumber: fmt.Sprint(1 + i%180), PostalCode: r.Postcode,
				City: r.Plaats, Country: r.Land, Active: "1",
			})
		}
	}
	for i := range nProducts {
		a := Artikel{
			ArtikelID:           int64(7_000_000 + i),
			ArtikelOmschrijving: fmt.Sprintf("Artikel %05d", i),
			ArtikelCode:         fmt.Sprintf("BP%05d", i),
			GroepOmschrijving:   "Materialen",
			GroepCode:           "MAT",
			Eenheid:             "stuk",
			InkoopprijsExclBTW:  cents(100 + 37*i%5000),
			VerkoopprijsExclBTW: cents(250 + 53*i%9000),
			BTWCode:             "HOOG_VERK_21",
			TegenrekeningCode:   "8000",
			Actief:              true,
		}
		if i%3 == 2 {
			a.ArtikelOmschrijving = fmt.Sprintf("Arbeid tarief %05d", i)
			a.GroepOmschrijving, a.GroepCode, a.Eenheid, a.TegenrekeningCode = "Arbeid", "UREN", "uur", "8010"
		}
		if i%7 == 0 {
			a.BTWCode = "LAAG_VERK_9"
		}
		eb.Articles = append(eb.Articles, a)
	}
	return ds
}

// cents writes an amount of cents as a dot decimal, "12.40".
func cents(c int) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
