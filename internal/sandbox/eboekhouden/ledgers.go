package eboekhouden

// This file owns GetGrootboekrekeningen: the administration's ledger
// accounts, filtered by cGrootboekrekeningFilter. ID (when not 0), Code and
// Categorie (when set) must match exactly [inferred: the reference names
// the filter's elements, not how they match]; the result holds at most
// ResultCap ledgers, like the other lists.

func (s *Server) getGrootboekrekeningen(el *node, _ callCtx) ([]byte, error) {
	f := el.child("cFilter")
	id, code, category := f.long("ID"), f.str("Code"), f.str("Categorie")
	var w xmlWriter
	w.open("GetGrootboekrekeningenResult")
	w.errorMsg("ErrorMsg", nil)
	w.open("Rekeningen")
	n := 0
	for _, l := range s.st.LedgerAccounts {
		if (id != 0 && l.ID != id) || (code != "" && l.Code != code) || (category != "" && l.Categorie != category) {
			continue
		}
		if n >= s.opts.ResultCap {
			break
		}
		n++
		w.open("cGrootboekrekening")
		w.int("ID", l.ID)
		w.leaf("Code", l.Code)
		w.leaf("Omschrijving", l.Omschrijving)
		w.leaf("Categorie", l.Categorie)
		w.close("cGrootboekrekening")
	}
	w.close("Rekeningen")
	w.close("GetGrootboekrekeningenResult")
	return w.bytes(), nil
}
