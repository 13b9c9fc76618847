package eboekhouden

import (
	"fmt"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// This file owns the linked administrations of an accountant's account
// (issue 18): GetAdministraties lists them, OpenSessionSub opens a session
// on one of them, and every other operation of such a session reads and
// changes that administration's own state (relations, articles, invoices,
// ledgers), never the account's own. The account's own administration is
// the one OpenSession opens.
//
// What the reference does not say, and the sandbox therefore chooses:
//   - GetAdministraties needs a session like every other call with SessionID
//     and SecurityCode2 (the WSDL's request carries both, §4); a session on
//     any administration of the account lists the same administrations.
//     [inferred]
//   - The list holds the linked administrations only, not the account's own
//     one. An account without linked administrations (a non-accountant) gets
//     an empty list, not an error. [inferred]
//   - OpenSessionSub checks the three credentials as OpenSession does; a GUID
//     that is not one of the account's linked administrations is refused
//     with CodeAdministrationUnknown. GUIDs compare case-insensitively, as
//     .NET's Guid does. [inferred]

// CodeAdministrationUnknown is the answer to OpenSessionSub with an AdministratieGUID that
// is not one of the account's linked administrations. [inferred]
const CodeAdministrationUnknown = "SBX_ADMINISTRATIE"

// LinkedAdministration is an administration linked to the account, as an
// accountant has them: one cAdministratie of GetAdministraties and its own
// state.
type LinkedAdministration struct {
	GUID          string // cAdministratie.Guid
	Company       string // Bedrijf
	City          string // Plaats
	StartBoekjaar string // StartBoekjaar as the service writes it, e.g. "2019" [inferred: its form is not documented]
	// Dataset is the administration's starting state; its Credentials are
	// ignored (the account's credentials open it).
	Dataset demodata.EBoekhouden
}

// linkedAdmin is a linked administration as the server holds it.
type linkedAdmin struct {
	info  LinkedAdministration // Dataset emptied: st holds it
	start State
	st    State
	ix    *index
}

func newLinkedAdmin(l LinkedAdministration, now time.Time) (*linkedAdmin, error) {
	if strings.TrimSpace(l.GUID) == "" {
		return nil, fmt.Errorf("linked administration %q without a GUID", l.Company)
	}
	st := stateFromDataset(l.Dataset)
	if err := st.normalize(now); err != nil {
		return nil, fmt.Errorf("linked administration %s: %w", l.GUID, err)
	}
	l.Dataset = demodata.EBoekhouden{}
	a := &linkedAdmin{info: l, start: st.clone(), st: st}
	a.ix = newIndex(&a.st)
	return a, nil
}

// linkedKey is the map key of a GUID.
func linkedKey(guid string) string { return strings.ToLower(strings.TrimSpace(guid)) }

// AddLinked links one more administration to the account (the inspection
// side of an accountant adding a client in e-Boekhouden). It panics on a
// missing or duplicate GUID or an inconsistent dataset, as New does.
func (s *Server) AddLinked(l LinkedAdministration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := newLinkedAdmin(l, s.now())
	if err != nil {
		panic("eboekhouden sandbox: " + err.Error())
	}
	key := linkedKey(l.GUID)
	if _, dup := s.linked[key]; dup {
		panic("eboekhouden sandbox: duplicate linked administration " + l.GUID)
	}
	s.linked[key] = a
	s.linkedOrder = append(s.linkedOrder, key)
}

// LinkedState returns a deep copy of a linked administration's state, and
// false when the account has no administration with that GUID.
func (s *Server) LinkedState(guid string) (State, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.linked[linkedKey(guid)]
	if a == nil {
		return State{}, false
	}
	st := a.st.clone()
	_ = st.normalize(s.now())
	return st, true
}

// UpdateLinked is Update on a linked administration; it panics when there is
// none with that GUID.
func (s *Server) UpdateLinked(guid string, fn func(st *State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.linked[linkedKey(guid)]
	if a == nil {
		panic("eboekhouden sandbox: no linked administration " + guid)
	}
	st := a.st.clone()
	fn(&st)
	if err := st.normalize(s.now()); err != nil {
		panic(fmt.Sprintf("eboekhouden sandbox: UpdateLinked made the state inconsistent: %v", err))
	}
	a.st = st
	a.ix = newIndex(&a.st)
}

// resetLinked restores every linked administration's starting state. It runs
// under s.mu.
func (s *Server) resetLinked() {
	for _, a := range s.linked {
		a.st = a.start.clone()
		a.ix = newIndex(&a.st)
	}
}

// openSessionSub checks the credentials like openSession and opens a session
// on the linked administration guid.
func (s *Server) openSessionSub(username, code1, code2, guid string, now time.Time) (string, *bizError) {
	c := s.creds
	if !equal(username, c.Username) || !equal(code1, c.SecurityCode1) || !equal(code2, c.SecurityCode2) {
		return "", errLoginFailed
	}
	if s.linked[linkedKey(guid)] == nil {
		return "", bizErr(CodeAdministrationUnknown, "De administratie %s is niet aan dit account gekoppeld.", clip(guid))
	}
	id, e := s.openSession(username, code1, code2, now)
	if e != nil {
		return "", e
	}
	s.sessions[id].admin = linkedKey(guid)
	return id, nil
}

// getAdministraties lists the linked administrations in the order they were
// linked.
func (s *Server) getAdministraties(_ *node, _ callCtx) ([]byte, error) {
	var w xmlWriter
	w.open("GetAdministratiesResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Administraties")
	for _, key := range s.linkedOrder {
		a := s.linked[key]
		w.open("cAdministratie")
		w.leaf("Bedrijf", a.info.Company)
		w.leaf("Plaats", a.info.City)
		w.leaf("Guid", a.info.GUID)
		w.leaf("StartBoekjaar", a.info.StartBoekjaar)
		w.close("cAdministratie")
	}
	w.close("Administraties")
	w.close("GetAdministratiesResult")
	return w.bytes(), nil
}

// inAdministration runs h on the state of the session's administration: the
// linked one's state is swapped in for the call and back out after it. It
// runs under s.mu.
func (s *Server) inAdministration(sess *session, h func() ([]byte, error)) ([]byte, error) {
	a := s.linked[sess.admin]
	if sess.admin == "" || a == nil {
		return h()
	}
	ownSt, ownIx := s.st, s.ix
	s.st, s.ix = a.st, a.ix
	defer func() {
		a.st, a.ix = s.st, s.ix
		s.st, s.ix = ownSt, ownIx
	}()
	return h()
}
