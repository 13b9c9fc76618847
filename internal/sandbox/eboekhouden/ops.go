package eboekhouden

import (
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// This file implements the operations: it reads validated request trees,
// changes the state and writes the <OpResult> content in the exact element
// order of the WSDL.

// reply is the outcome of applying one call.
type reply struct {
	status int
	body   []byte // the complete envelope
	result string // for the request log: "ok", an error code or a fault
}

// callCtx is what an operation needs besides its request.
type callCtx struct {
	now     time.Time
	baseURL string // scheme and host of the request, for URLPDFBestand
	// admin is the session's linked administration (lower-case GUID; ""
	// for the account's own), for URLPDFBestand.
	admin string
}

// handler applies one operation for a valid session and writes the content
// of <OpResponse>. A *bizError becomes a business error answer; any other
// error is a sandbox defect and becomes a soap:Server fault.
type handler func(s *Server, el *node, c callCtx) ([]byte, error)

// handlers are the implemented operations besides OpenSession and
// CloseSession. Every other WSDL operation answers "not implemented".
var handlers = map[string]handler{
	"GetRelaties":   (*Server).getRelaties,
	"AddRelatie":    (*Server).addRelatie,
	"UpdateRelatie": (*Server).updateRelatie,
	"GetArtikelen":  (*Server).getArtikelen,
	"AddFactuur":    (*Server).addFactuur,
	"GetFacturen":   (*Server).getFacturen,
	"GetOpenPosten": (*Server).getOpenPosten,
	// ledgers.go
	"GetGrootboekrekeningen": (*Server).getGrootboekrekeningen,
	// linked.go
	"GetAdministraties": (*Server).getAdministraties,
}

// apply runs a valid request under the lock: session and call-limit checks,
// then the operation.
func (s *Server) apply(req *request, r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := callCtx{now: s.now(), baseURL: baseURL(r)}
	op, el := req.op, req.el
	switch op.name {
	case "OpenSession", "OpenSessionSub":
		return s.openReply(op, el, c.now)
	case "CloseSession":
		// CloseSessionResponse has no content, so an unknown session cannot
		// be reported; closing it is a no-op. [inferred]
		delete(s.sessions, el.str("SessionID"))
		return okReply(op, nil)
	}
	h, ok := handlers[op.name]
	if !ok {
		f := &soapFault{code: faultServer, msg: "not implemented in the sandbox: " + op.name}
		return reply{status: http.StatusInternalServerError, body: faultEnvelope(f), result: "soap:Server fault"}
	}
	sess, e := s.useSession(el.str("SessionID"), el.str("SecurityCode2"), c.now)
	if e != nil {
		return s.bizReply(op, e)
	}
	if e := s.countCall(sess.username, c.now); e != nil {
		return s.bizReply(op, e)
	}
	c.admin = sess.admin
	content, err := s.inAdministration(sess, func() ([]byte, error) { return h(s, el, c) })
	if be, isBiz := err.(*bizError); isBiz {
		return s.bizReply(op, be)
	}
	if err != nil {
		f := &soapFault{code: faultServer, msg: "Server was unable to process request. ---> " + err.Error()}
		return reply{status: http.StatusInternalServerError, body: faultEnvelope(f), result: "soap:Server fault"}
	}
	return okReply(op, content)
}

// openReply answers OpenSession and OpenSessionSub (cResultOpenSession
// under the operation's own result name).
func (s *Server) openReply(op *operation, el *node, now time.Time) reply {
	user, code1, code2 := el.str("Username"), el.str("SecurityCode1"), el.str("SecurityCode2")
	var id string
	var e *bizError
	if op.name == "OpenSessionSub" {
		id, e = s.openSessionSub(user, code1, code2, el.str("AdministratieGUID"), now)
	} else {
		id, e = s.openSession(user, code1, code2, now)
	}
	if e != nil {
		return s.bizReply(op, e)
	}
	var w xmlWriter
	w.open(op.name + "Result")
	w.errorMsg("ErrorMsg", nil)
	w.leaf("SessionID", id)
	w.close(op.name + "Result")
	return okReply(op, w.bytes())
}

func okReply(op *operation, content []byte) reply {
	return reply{status: http.StatusOK, body: responseEnvelope(op, content), result: "ok"}
}

// bizReply answers a business error with HTTP 200.
func (s *Server) bizReply(op *operation, e *bizError) reply {
	return reply{status: http.StatusOK, body: responseEnvelope(op, errorResult(op, e)), result: e.Code}
}

// errorResult writes the result of any operation for a business error, from
// the schema: the error in ErrorMsg (or as the result itself when the result
// is a cError), every other required field at its zero value (<Rel_ID>0</Rel_ID>
// as in §8.8), optional ones left out, as XmlSerializer writes a result object
// with only ErrorMsg set. [inferred for the optional fields]
func errorResult(op *operation, e *bizError) []byte {
	out := op.output.typ
	if len(out.fields) == 0 {
		return nil // CloseSessionResponse carries nothing
	}
	res := out.fields[0]
	var w xmlWriter
	if res.typ.name == "cError" {
		w.errorMsg(res.name, e)
		return w.bytes()
	}
	w.open(res.name)
	for _, f := range res.typ.fields {
		if f.name == "ErrorMsg" {
			w.errorMsg("ErrorMsg", e)
			continue
		}
		if f.min == 0 {
			continue
		}
		switch f.typ.kind {
		case kindLong, kindDouble, kindDecimal:
			w.leaf(f.name, "0")
		case kindBoolean:
			w.leaf(f.name, "false")
		case kindDateTime:
			w.leaf(f.name, "0001-01-01T00:00:00")
		case kindEnum:
			w.leaf(f.name, f.typ.enum[0])
		}
	}
	w.close(res.name)
	return w.bytes()
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func formatDate(date string) string { return date + "T00:00:00" }

// namedString is a string field of a record, by its WSDL name.
type namedString struct {
	name string
	ptr  *string
}

// relatieStringCount is the number of string fields of cRelatie.
const relatieStringCount = 37

// relatieStrings lists the string fields of cRelatie, Code to LA, in WSDL
// order. It returns an array, so that writing a relation allocates nothing.
func relatieStrings(r *demodata.Relatie) [relatieStringCount]namedString {
	return [relatieStringCount]namedString{
		{"Code", &r.Code}, {"Bedrijf", &r.Bedrijf}, {"Contactpersoon", &r.Contactpersoon},
		{"Geslacht", &r.Geslacht}, {"Adres", &r.Adres}, {"Postcode", &r.Postcode},
		{"Plaats", &r.Plaats}, {"Land", &r.Land}, {"Adres2", &r.Adres2},
		{"Postcode2", &r.Postcode2}, {"Plaats2", &r.Plaats2}, {"Land2", &r.Land2},
		{"Telefoon", &r.Telefoon}, {"GSM", &r.GSM}, {"FAX", &r.FAX}, {"Email", &r.Email},
		{"Site", &r.Site}, {"Notitie", &r.Notitie}, {"Bankrekening", &r.Bankrekening},
		{"Girorekening", &r.Girorekening}, {"BTWNummer", &r.BTWNummer}, {"KvkNummer", &r.KvkNummer},
		{"Aanhef", &r.Aanhef}, {"IBAN", &r.IBAN}, {"BIC", &r.BIC}, {"BP", &r.BP},
		{"Def1", &r.Def1}, {"Def2", &r.Def2}, {"Def3", &r.Def3}, {"Def4", &r.Def4},
		{"Def5", &r.Def5}, {"Def6", &r.Def6}, {"Def7", &r.Def7}, {"Def8", &r.Def8},
		{"Def9", &r.Def9}, {"Def10", &r.Def10}, {"LA", &r.LA},
	}
}

// relatieSizeHint is about the size of a written cRelatie with an address,
// to size an answer's buffer once.
const relatieSizeHint = 1024

func writeRelatie(w *xmlWriter, r *demodata.Relatie) {
	w.open("cRelatie")
	w.int("ID", r.ID)
	w.date("AddDatum", r.AddDatum)
	fields := relatieStrings(r)
	for _, f := range fields {
		w.leaf(f.name, *f.ptr)
	}
	w.int("Gb_ID", r.GbID)
	w.int("GeenEmail", r.GeenEmail)
	w.int("NieuwsbriefgroepenCount", r.NieuwsbriefgroepenCount)
	w.close("cRelatie")
}

// relatieFromNode reads every field of an oRel. Fields not sent stay empty:
// this is what makes UpdateRelatie overwrite the whole record. [inferred §5.1]
func relatieFromNode(o *node) demodata.Relatie {
	r := demodata.Relatie{
		ID:                      o.long("ID"),
		AddDatum:                o.dateTime("AddDatum").Format(dateLayout),
		GbID:                    o.long("Gb_ID"),
		GeenEmail:               o.long("GeenEmail"),
		NieuwsbriefgroepenCount: o.long("NieuwsbriefgroepenCount"),
	}
	for _, f := range relatieStrings(&r) {
		*f.ptr = o.str(f.name)
	}
	return r
}

// checkRelation applies the rules AddRelatie and UpdateRelatie share: Code
// and Bedrijf required (§5.1; blank counts as empty), BP exactly "B" or "P"
// (required by clients, S12; the service's default for an empty BP is not
// known, so the sandbox refuses it), and the documented maximum lengths.
// [inferred]
func checkRelation(r *demodata.Relatie) *bizError {
	if strings.TrimSpace(r.Code) == "" || strings.TrimSpace(r.Bedrijf) == "" {
		return bizErr(CodeRelationRequired, "Code en Bedrijf zijn verplicht voor een relatie.")
	}
	if r.BP != "B" && r.BP != "P" {
		return bizErr(CodeRelationBP, "BP moet B (bedrijf) of P (particulier) zijn.")
	}
	fields := relatieStrings(r)
	return checkLengths(relationLengths, func(name string) string {
		for _, f := range fields {
			if f.name == name {
				return *f.ptr
			}
		}
		return ""
	})
}

func codeInUse(code string) *bizError {
	return bizErr(CodeRelationCodeInUse, "De relatiecode %s is al in gebruik.", code)
}

// getRelaties filters on Code (exact), ID (exact when not 0) and Trefwoord
// (case-insensitive substring of Code, Bedrijf, Contactpersoon, Plaats or
// Email [inferred]), combined with AND; ordered by ID, capped.
func (s *Server) getRelaties(el *node, _ callCtx) ([]byte, error) {
	f := el.child("cFilter")
	filter := relationFilter{
		code: f.str("Code"), id: f.long("ID"),
		keyword: strings.ToLower(strings.TrimSpace(f.str("Trefwoord"))),
	}
	var found []int
	s.ix.relations(s.st.Relations, filter, func(i int) bool {
		if len(found) >= s.opts.ResultCap {
			return false
		}
		found = append(found, i)
		return true
	})
	var w xmlWriter
	w.grow(256 + len(found)*relatieSizeHint)
	w.open("GetRelatiesResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Relaties")
	for _, i := range found {
		writeRelatie(&w, &s.st.Relations[i])
	}
	w.close("Relaties")
	w.close("GetRelatiesResult")
	return w.bytes(), nil
}

func containsFold(lowerNeedle string, fields ...string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), lowerNeedle) {
			return true
		}
	}
	return false
}

// addRelatie stores every field sent (AddDatum as given) under a new ID.
func (s *Server) addRelatie(el *node, _ callCtx) ([]byte, error) {
	o := el.child("oRel")
	if o == nil || o.isNil {
		return nil, bizErr(CodeMissingObject, "Er is geen relatie (oRel) meegestuurd.")
	}
	rel := relatieFromNode(o)
	if rel.ID != 0 {
		return nil, bizErr(CodeRelationID, "Een nieuwe relatie moet ID 0 hebben; gebruik UpdateRelatie om relatie %d te wijzigen.", rel.ID)
	}
	if e := checkRelation(&rel); e != nil {
		return nil, e
	}
	if s.ix.relationByCode(rel.Code) >= 0 {
		return nil, codeInUse(rel.Code)
	}
	// New IDs continue after the highest one [inferred], so the new relation
	// goes at the end of the list ordered by ID. Only what it changes is
	// updated, not the whole state: the real service does not get slower
	// per relation as the administration grows.
	if n := len(s.st.Relations); n > 0 {
		rel.ID = s.st.Relations[n-1].ID
	}
	rel.ID++
	s.st.Relations = append(s.st.Relations, rel)
	s.ix.addRelation(len(s.st.Relations)-1, &rel)
	s.st.refreshOpenItemNames(s.ix, rel.Code)
	var w xmlWriter
	w.open("AddRelatieResult")
	w.errorMsg("ErrorMsg", nil)
	w.leaf("Rel_ID", strconv.FormatInt(rel.ID, 10))
	w.close("AddRelatieResult")
	return w.bytes(), nil
}

// updateRelatie replaces the whole record with the given ID. Changing Code to
// another relation's code answers CREL001 like AddRelatie. [inferred]
func (s *Server) updateRelatie(el *node, _ callCtx) ([]byte, error) {
	o := el.child("oRel")
	if o == nil || o.isNil {
		return nil, bizErr(CodeMissingObject, "Er is geen relatie (oRel) meegestuurd.")
	}
	rel := relatieFromNode(o)
	idx := s.ix.relationByID(rel.ID)
	if idx < 0 {
		return nil, bizErr(CodeRelationUnknown, "Er bestaat geen relatie met ID %d.", rel.ID)
	}
	if e := checkRelation(&rel); e != nil {
		return nil, e
	}
	if other := s.ix.relationByCode(rel.Code); other >= 0 && other != idx {
		return nil, codeInUse(rel.Code)
	}
	old := s.st.Relations[idx]
	s.st.Relations[idx] = rel
	s.ix.replaceRelation(idx, &old, &rel)
	s.st.refreshOpenItemNames(s.ix, old.Code, rel.Code)
	var w xmlWriter
	w.errorMsg("UpdateRelatieResult", nil)
	return w.bytes(), nil
}

// getArtikelen filters on ArtikelID (exact when not 0), ArtikelCode and
// GroepCode (exact), ArtikelOmschrijving and GroepOmschrijving
// (case-insensitive substring) [inferred]; empty means no filter. Inactive
// articles are listed too, with Actief false. [inferred]
// artikelSizeHint is about the size of a written cArtikel, to size an
// answer's buffer once.
const artikelSizeHint = 640

func (s *Server) getArtikelen(el *node, c callCtx) ([]byte, error) {
	f := el.child("cFilter")
	filter := articleFilter{
		id: f.long("ArtikelID"), code: f.str("ArtikelCode"), groupCode: f.str("GroepCode"),
		desc: strings.ToLower(f.str("ArtikelOmschrijving")), groupDesc: strings.ToLower(f.str("GroepOmschrijving")),
	}
	var found []int
	s.ix.articles(s.st.Articles, filter, func(i int) bool {
		if len(found) >= s.opts.ResultCap {
			return false
		}
		found = append(found, i)
		return true
	})
	var w xmlWriter
	w.grow(256 + len(found)*artikelSizeHint)
	w.open("GetArtikelenResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Artikelen")
	for _, i := range found {
		a := &s.st.Articles[i]
		incl, pct, err := s.ix.articlePrices(i, a, c.now.Year())
		if err != nil {
			return nil, err
		}
		w.open("cArtikel")
		w.int("ArtikelID", a.ArtikelID)
		w.leaf("ArtikelOmschrijving", a.ArtikelOmschrijving)
		w.leaf("ArtikelCode", a.ArtikelCode)
		w.leaf("GroepOmschrijving", a.GroepOmschrijving)
		w.leaf("GroepCode", a.GroepCode)
		w.leaf("Eenheid", a.Eenheid)
		w.leaf("InkoopprijsExclBTW", a.InkoopprijsExclBTW)
		w.leaf("VerkoopprijsExclBTW", a.VerkoopprijsExclBTW)
		w.leaf("VerkoopprijsInclBTW", incl)
		w.leaf("BTWCode", a.BTWCode)
		w.leaf("TegenrekeningCode", a.TegenrekeningCode)
		w.leaf("BtwPercentage", pct)
		w.int("KostenplaatsID", a.KostenplaatsID)
		w.leaf("Actief", strconv.FormatBool(a.Actief))
		w.close("cArtikel")
	}
	w.close("Artikelen")
	w.close("GetArtikelenResult")
	return w.bytes(), nil
}

// articlePrices derives VerkoopprijsInclBTW (rounded to cents) and
// BtwPercentage (a fraction, as in the §5.3 sample) from the sales price and
// the VAT code at the rate of the given year. An unknown code counts as 0%.
// [inferred]
func articlePrices(a demodata.Artikel, year int) (incl, pct string, err error) {
	excl, err := parseAmount(a.VerkoopprijsExclBTW)
	if err != nil {
		return "", "", fmt.Errorf("article %s: VerkoopprijsExclBTW: %w", a.ArtikelCode, err)
	}
	rate, ok := btwRate(a.BTWCode, year)
	if !ok {
		rate = new(big.Rat)
	}
	gross := round2(new(big.Rat).Mul(excl, new(big.Rat).Add(big.NewRat(1, 1), rate)))
	return formatAmount(gross), formatAmount(rate), nil
}

// invoiceFromNode reads every field of an oFact; dates keep their day only.
// [inferred: e-Boekhouden shows invoice dates without a time]
func invoiceFromNode(o *node) Invoice {
	inv := Invoice{
		Factuurnummer:                       strings.TrimSpace(o.str("Factuurnummer")),
		Relatiecode:                         o.str("Relatiecode"),
		Datum:                               o.dateTime("Datum").Format(dateLayout),
		Betalingstermijn:                    o.long("Betalingstermijn"),
		Factuursjabloon:                     o.str("Factuursjabloon"),
		PerEmailVerzenden:                   o.boolean("PerEmailVerzenden"),
		EmailOnderwerp:                      o.str("EmailOnderwerp"),
		EmailBericht:                        o.str("EmailBericht"),
		EmailVanAdres:                       o.str("EmailVanAdres"),
		EmailVanNaam:                        o.str("EmailVanNaam"),
		AutomatischeIncasso:                 o.boolean("AutomatischeIncasso"),
		IncassoIBAN:                         o.str("IncassoIBAN"),
		IncassoMachtigingSoort:              o.str("IncassoMachtigingSoort"),
		IncassoMachtigingID:                 o.str("IncassoMachtigingID"),
		IncassoMachtigingDatumOndertekening: o.dateTime("IncassoMachtigingDatumOndertekening").Format(dateLayout),
		IncassoMachtigingFirst:              o.boolean("IncassoMachtigingFirst"),
		IncassoRekeningNummer:               o.str("IncassoRekeningNummer"),
		IncassoTnv:                          o.str("IncassoTnv"),
		IncassoPlaats:                       o.str("IncassoPlaats"),
		IncassoOmschrijvingRegel1:           o.str("IncassoOmschrijvingRegel1"),
		IncassoOmschrijvingRegel2:           o.str("IncassoOmschrijvingRegel2"),
		IncassoOmschrijvingRegel3:           o.str("IncassoOmschrijvingRegel3"),
		InBoekhoudingPlaatsen:               o.boolean("InBoekhoudingPlaatsen"),
		BoekhoudmutatieOmschrijving:         o.str("BoekhoudmutatieOmschrijving"),
		Voldaan:                             "0",
	}
	return inv
}

// addFactuur checks an invoice and stores it; an empty (or blank) Factuurnummer
// is numbered automatically. InBoekhoudingPlaatsen makes it an open item. The
// order of the checks, and so which error a request with several problems
// gets, is the sandbox's own. [inferred]
func (s *Server) addFactuur(el *node, c callCtx) ([]byte, error) {
	o := el.child("oFact")
	if o == nil || o.isNil {
		return nil, bizErr(CodeMissingObject, "Er is geen factuur (oFact) meegestuurd.")
	}
	inv := invoiceFromNode(o)
	if e := checkLengths(invoiceLengths, o.str); e != nil {
		return nil, e
	}
	rel := s.ix.relationByCode(inv.Relatiecode)
	if inv.Relatiecode == "" || rel < 0 {
		return nil, bizErr(CodeInvoiceRelation, "Relatie met code '%s' niet gevonden. Voeg de relatie eerst toe.", inv.Relatiecode)
	}
	if inv.PerEmailVerzenden {
		if strings.TrimSpace(s.st.Relations[rel].Email) == "" {
			return nil, bizErr(CodeInvoiceEmail, "Relatie met code '%s' heeft geen e-mailadres; de factuur kan niet per e-mail verzonden worden.", inv.Relatiecode)
		}
		inv.EmailNaar = strings.TrimSpace(s.st.Relations[rel].Email)
	}
	if !s.st.hasTemplate(inv.Factuursjabloon) {
		return nil, bizErr(CodeInvoiceTemplate, "Factuursjabloon '%s' niet gevonden. Gebruik de exacte naam uit Beheer > Sjablonen > Factuursjablonen.", inv.Factuursjabloon)
	}
	year := o.dateTime("Datum").Year()
	if year < 1980 || year > 2049 {
		return nil, bizErr(CodeInvoiceDate, "De factuurdatum %s ligt niet tussen 1980 en 2049.", inv.Datum)
	}
	if inv.Factuurnummer != "" && s.st.invoiceExists(inv.Factuurnummer) {
		return nil, bizErr(CodeInvoiceNumber, "Factuurnummer %s is al in gebruik.", inv.Factuurnummer)
	}
	lines := o.child("Regels").all("cFactuurRegel")
	if len(lines) == 0 {
		return nil, bizErr(CodeInvoiceNoLines, "De factuur heeft geen regels.")
	}
	for i, l := range lines {
		regel, e := s.lineFromNode(l, i+1)
		if e != nil {
			return nil, e
		}
		inv.Regels = append(inv.Regels, regel)
	}
	if inv.Factuurnummer == "" {
		inv.Factuurnummer = s.st.nextInvoiceNumber(year)
	}
	if err := s.st.addInvoice(inv, s.st.Relations[rel].Bedrijf); err != nil {
		return nil, fmt.Errorf("add invoice %s: %w", inv.Factuurnummer, err)
	}
	var w xmlWriter
	w.open("AddFactuurResult")
	w.errorMsg("ErrorMsg", nil)
	w.leaf("Factuurnummer", inv.Factuurnummer)
	w.close("AddFactuurResult")
	return w.bytes(), nil
}

// lineFromNode checks and reads invoice line nr (1-based).
func (s *Server) lineFromNode(l *node, nr int) (demodata.FactuurRegel, *bizError) {
	if l.isNil {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceLine, "Factuurregel %d is leeg.", nr)
	}
	if e := checkLengths(lineLengths, l.str); e != nil {
		e.Description = fmt.Sprintf("Factuurregel %d: %s", nr, e.Description)
		return demodata.FactuurRegel{}, e
	}
	if strings.TrimSpace(l.str("Code")) == "" || strings.TrimSpace(l.str("Omschrijving")) == "" {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceLine, "Factuurregel %d: Code en Omschrijving zijn verplicht.", nr)
	}
	qty, price := l.double("Aantal"), l.double("PrijsPerEenheid")
	if qty.special != "" || price.special != "" {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceAmount, "Factuurregel %d: Aantal en PrijsPerEenheid moeten getallen zijn.", nr)
	}
	code := l.str("BTWCode")
	if bc, ok := btwCodes[code]; !ok {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceBTW, "Factuurregel %d: onbekende BTW-code '%s'. Geldig op een verkoopfactuur: %s.", nr, code, salesBTWCodes())
	} else if !bc.sales {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceBTW, "Factuurregel %d: BTW-code '%s' is een inkoopcode en mag niet op een verkoopfactuur.", nr, code)
	}
	ledger := l.str("TegenrekeningCode")
	if !s.st.hasLedger(ledger) {
		return demodata.FactuurRegel{}, bizErr(CodeInvoiceLedger, "Factuurregel %d: grootboekrekening '%s' bestaat niet.", nr, ledger)
	}
	return demodata.FactuurRegel{
		Aantal:            formatAmount(qty.rat),
		Eenheid:           l.str("Eenheid"),
		Code:              l.str("Code"),
		Omschrijving:      l.str("Omschrijving"),
		PrijsPerEenheid:   formatAmount(price.rat),
		BTWCode:           code,
		TegenrekeningCode: ledger,
		KostenplaatsID:    l.long("KostenplaatsID"),
	}, nil
}

// getFacturen filters on Factuurnummer and Relatiecode (exact, when not
// empty) and on the date range (inclusive, by day); ordered by number,
// capped. Without a cFilter it lists every invoice. [inferred]
func (s *Server) getFacturen(el *node, c callCtx) ([]byte, error) {
	f := el.child("cFilter")
	nr, rel := f.str("Factuurnummer"), f.str("Relatiecode")
	from, to := "", "9999-12-31"
	if f != nil {
		from, to = f.dateTime("DatumVan").Format(dateLayout), f.dateTime("DatumTm").Format(dateLayout)
	}
	var w xmlWriter
	w.open("GetFacturenResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Facturen")
	n := 0
	for _, inv := range s.st.Invoices {
		if n >= s.opts.ResultCap {
			break
		}
		if (nr != "" && inv.Factuurnummer != nr) || (rel != "" && inv.Relatiecode != rel) || inv.Datum < from || inv.Datum > to {
			continue
		}
		w.open("cFactuurList")
		w.leaf("Factuurnummer", inv.Factuurnummer)
		// Relatiecode is xs:anyType; .NET writes a string in it with xsi:type.
		w.raw(`<Relatiecode xsi:type="xsd:string">`)
		w.raw(escape(inv.Relatiecode))
		w.close("Relatiecode")
		w.leaf("Datum", formatDate(inv.Datum))
		w.leaf("Betalingstermijn", strconv.FormatInt(inv.Betalingstermijn, 10))
		w.leaf("TotaalExclBTW", inv.TotaalExclBTW)
		w.leaf("TotaalBTW", inv.TotaalBTW)
		w.leaf("TotaalInclBTW", inv.TotaalInclBTW)
		w.leaf("TotaalOpenstaand", inv.TotaalOpenstaand)
		w.leaf("URLPDFBestand", pdfURL(c.baseURL, inv.Factuurnummer, c.admin))
		w.open("Regels")
		for _, l := range inv.Regels {
			w.open("cFactuurRegel")
			w.leaf("Aantal", l.Aantal)
			w.leaf("Eenheid", l.Eenheid)
			w.leaf("Code", l.Code)
			w.leaf("Omschrijving", l.Omschrijving)
			w.leaf("PrijsPerEenheid", l.PrijsPerEenheid)
			w.leaf("BTWCode", l.BTWCode)
			w.leaf("TegenrekeningCode", l.TegenrekeningCode)
			w.leaf("KostenplaatsID", strconv.FormatInt(l.KostenplaatsID, 10))
			w.close("cFactuurRegel")
		}
		w.close("Regels")
		w.close("cFactuurList")
		n++
	}
	w.close("Facturen")
	w.close("GetFacturenResult")
	return w.bytes(), nil
}

// pdfPath is where the sandbox answers the URLPDFBestand of an invoice.
const pdfPath = "/bh/getfactuur.asp"

// pdfURL mimics the real shareable link (getfactuur.asp?c=…&s=…) on the
// sandbox's own host; an invoice of a linked administration names it (a=),
// since invoice numbers are unique per administration only.
func pdfURL(base, number, admin string) string {
	u := base + pdfPath + "?c=" + url.QueryEscape(number) + "&s=sandbox"
	if admin != "" {
		u += "&a=" + url.QueryEscape(admin)
	}
	return u
}

// getOpenPosten lists the open debtor items, capped like every Get* result
// [inferred]; the sandbox has no purchase invoices, so Crediteuren is always
// empty.
func (s *Server) getOpenPosten(el *node, _ callCtx) ([]byte, error) {
	var w xmlWriter
	w.open("GetOpenPostenResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Openposten")
	if el.str("OpSoort") == "Debiteuren" {
		for i, p := range s.st.OpenItems {
			if i >= s.opts.ResultCap {
				break
			}
			w.open("cOpenPost")
			w.leaf("MutDatum", formatDate(p.MutDatum))
			w.leaf("MutFactuur", p.MutFactuur)
			w.leaf("RelCode", p.RelCode)
			w.leaf("RelBedrijf", p.RelBedrijf)
			w.leaf("Bedrag", p.Bedrag)
			w.leaf("Voldaan", p.Voldaan)
			w.leaf("Openstaand", p.Openstaand)
			w.close("cOpenPost")
		}
	}
	w.close("Openposten")
	w.close("GetOpenPostenResult")
	return w.bytes(), nil
}
