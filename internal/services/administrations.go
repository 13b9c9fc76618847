package services

// This file owns an accountant's linked administrations on the SOAP road
// (issue 18): listing them for the login's choice (GetAdministraties), and
// telling a refused choice apart from refused codes. The REST road has no
// choice: an API token belongs to one administration.

import (
	"context"
	"errors"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// soapCredentials are the SOAP client's credentials of c, with the chosen
// linked administration.
func soapCredentials(c secrets.Credentials) eboekhouden.Credentials {
	return eboekhouden.Credentials{
		Username: c.EBoekhoudenUsername, SecurityCode1: c.EBoekhoudenSecurityCode1, SecurityCode2: c.EBoekhoudenSecurityCode2,
		AdministrationGUID: c.EBoekhoudenAdministration,
	}
}

// Administrations lists the administrations linked to the e-Boekhouden
// account of c's security codes, in the service's order, for the login's
// choice: none for an ordinary account and on the REST road. It asks in a
// session on the account's own administration, whatever c has chosen. A
// list that cannot be read completely is a problem, never "none": the
// login must not decide on a list it did not see. An error code of
// GetAdministraties itself (other than the call limit) counts as no linked
// administrations. [inferred: what a non-accountant gets is not
// documented; an empty list or an error code are both possible]
func Administrations(ctx context.Context, c secrets.Credentials, ep Endpoints) ([]report.Administration, *report.LoginProblem) {
	if c.EBoekhoudenREST() {
		return nil, nil
	}
	red := redact.New(c.Secrets()...)
	own := soapCredentials(c)
	own.AdministrationGUID = ""
	eb, err := eboekhouden.New(eboekhouden.Config{Endpoint: ep.EBoekhoudenURL, Credentials: own})
	if err != nil {
		return nil, &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemInvalid, Field: report.FieldAddress, Detail: red.String(err.Error())}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	defer eb.Close(context.WithoutCancel(ctx))
	list, err := eb.Administrations(ctx)
	var api *eboekhouden.APIError
	switch {
	case err == nil:
	case errors.As(err, &api) && !errors.Is(err, eboekhouden.ErrCallLimit) && !errors.Is(err, eboekhouden.ErrBadCredentials) &&
		!errors.Is(err, eboekhouden.ErrSessionExpired):
		return nil, nil
	default:
		return nil, soapLoginProblem(err, red)
	}
	out := make([]report.Administration, 0, len(list))
	for _, a := range list {
		if a.GUID == "" {
			continue // nothing OpenSessionSub could open
		}
		out = append(out, report.Administration{GUID: a.GUID, Company: a.Company, City: a.City})
	}
	return out, nil
}

// soapLoginProblem is a failed SOAP login or list as a login problem.
func soapLoginProblem(err error, red redact.Redactor) *report.LoginProblem {
	p := &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemUnreachable, Detail: red.String(err.Error())}
	switch {
	case errors.Is(err, eboekhouden.ErrBadCredentials):
		p.Kind, p.Field = report.ProblemRefused, report.FieldSecurityCodes
	case errors.Is(err, eboekhouden.ErrNotTheService):
		p.Kind = report.ProblemNotTheService
	}
	return p
}

// checkSOAPLogin opens a session with c's codes (with OpenSessionSub on the
// chosen linked administration). When that is refused with a chosen
// administration, a session on the account's own administration says
// whether the codes or the choice were refused.
func checkSOAPLogin(ctx context.Context, eb *eboekhouden.Client, c secrets.Credentials, ep Endpoints, red redact.Redactor) *report.LoginProblem {
	err := eb.CheckLogin(ctx)
	if err == nil {
		return nil
	}
	p := soapLoginProblem(err, red)
	if p.Kind != report.ProblemRefused || c.EBoekhoudenAdministration == "" {
		return p
	}
	own := soapCredentials(c)
	own.AdministrationGUID = ""
	plain, perr := eboekhouden.New(eboekhouden.Config{Endpoint: ep.EBoekhoudenURL, Credentials: own})
	if perr != nil {
		return p
	}
	defer plain.Close(context.WithoutCancel(ctx))
	if plain.CheckLogin(ctx) == nil {
		p.Field = report.FieldAdministration
	}
	return p
}
