package report

// This file owns the administrations an accountant's e-Boekhouden account
// can open (issue 18), as the login form and `koppeling login` offer them.

// Administration is one administration linked to an e-Boekhouden account
// (SOAP GetAdministraties), which the security codes open with
// OpenSessionSub.
type Administration struct {
	GUID    string
	Company string
	City    string
}

// Label is how the administration is named in a choice: the company and,
// when known, its city ("Loodgietersbedrijf Jansen, Zwolle").
func (a Administration) Label() string {
	switch {
	case a.City == "":
		return a.Company
	case a.Company == "":
		return a.City
	}
	return a.Company + ", " + a.City
}
