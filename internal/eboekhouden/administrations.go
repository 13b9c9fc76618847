package eboekhouden

// This file owns the administrations of an accountant's account (issue 18):
// GetAdministraties lists the administrations linked to the account, and a
// client whose Credentials carry an AdministrationGUID opens its sessions
// with OpenSessionSub on that administration (session.go), so that every
// call reads and writes there.
//
// What the reference does not say [inferred]:
//   - GetAdministraties needs a session: its request starts with SessionID
//     and SecurityCode2 like every call but OpenSession (§4). The client uses
//     its own session, opened with OpenSession or, with a GUID, with
//     OpenSessionSub; which administrations a sub-session lists is not
//     documented either.
//   - What an account without linked administrations (not an accountant)
//     gets: an empty list, or an error code. Administrations returns the
//     empty list as it is and the error as an *APIError; the caller decides
//     (the login treats either as "no choice to make").
//   - Whether the list holds the account's own administration as well. The
//     client returns what the service lists.

import (
	"context"
	"fmt"

	"github.com/tiaguinho/gosoap"
)

const (
	opOpenSessionSub    = "OpenSessionSub"
	opGetAdministraties = "GetAdministraties"
)

// Administration is one administration of GetAdministraties
// (cAdministratie).
type Administration struct {
	Company string // Bedrijf
	City    string // Plaats
	GUID    string // Guid: what OpenSessionSub's AdministratieGUID takes
	// FirstBookYear is StartBoekjaar as the service writes it.
	FirstBookYear string
}

// Administrations returns the administrations linked to the account
// (GetAdministraties). A read. A list that cannot be read completely is an
// error, never a shorter list.
func (c *Client) Administrations(ctx context.Context) ([]Administration, error) {
	var out getAdministratiesResponse
	err := c.call(ctx, opGetAdministraties, false, func(s string) gosoap.ArrayParams {
		return authParams(s, c.creds.SecurityCode2)
	}, &out)
	if err != nil {
		return nil, fmt.Errorf("GetAdministraties: %w", err)
	}
	list, err := out.administrations()
	if err != nil {
		return nil, c.clean(fmt.Errorf("GetAdministraties: %w: %w", errMalformed, err))
	}
	return list, nil
}

func openSessionSubParams(c Credentials, source string) gosoap.ArrayParams {
	return append(openSessionParams(c, source), param{"AdministratieGUID", c.AdministrationGUID})
}
