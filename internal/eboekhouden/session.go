package eboekhouden

import (
	"context"
	"fmt"
	"strings"

	"github.com/koppeling/koppeling/internal/retry"
)

// This file owns the session: OpenSession (OpenSessionSub for a linked
// administration, administrations.go) on first use, reuse, CheckLogin and
// CloseSession. Every function here runs with the turn held, except the
// exported ones, which take it.
//
// Sessions are kept until the service rejects one with E0023; the client
// does not guess a lifetime (none is documented; clients use 5 to 20
// minutes, §2), because a rejected call is repeated once on a fresh session
// anyway. [inferred]

// ensureSession opens a session if none is open.
func (c *Client) ensureSession(ctx context.Context) error {
	if c.session != "" {
		return nil
	}
	id, err := c.openSession(ctx)
	if err != nil {
		return err
	}
	c.session = id
	return nil
}

// openSession makes one OpenSession exchange, or one OpenSessionSub
// exchange when the credentials name a linked administration. Any error code
// is a refused login (ErrBadCredentials through APIError.Is), except E003.1:
// with OpenSessionSub that includes a GUID the account no longer links to.
// [inferred: the code for an unknown GUID is not documented]
func (c *Client) openSession(ctx context.Context) (string, error) {
	op, id := opOpenSession, ""
	if c.creds.AdministrationGUID != "" {
		op = opOpenSessionSub
		var out openSessionSubResponse
		if err := c.exchange(ctx, op, false, openSessionSubParams(c.creds, c.source), &out); err != nil {
			return "", err
		}
		id = strings.TrimSpace(out.Result.SessionID) // Result is present: exchange checked it
	} else {
		var out openSessionResponse
		if err := c.exchange(ctx, op, false, openSessionParams(c.creds, c.source), &out); err != nil {
			return "", err
		}
		id = strings.TrimSpace(out.Result.SessionID)
	}
	if id == "" {
		return "", fmt.Errorf("e-Boekhouden %s: %w", op, withKind(ErrTransient, fmt.Errorf("%w: no SessionID", errMalformed)))
	}
	c.remember(id)
	return id, nil
}

// CheckLogin opens a fresh session, which tests the credentials: it returns
// nil, an error matching ErrBadCredentials or ErrCallLimit, or a transport
// error. The new session replaces the current one, which is closed.
func (c *Client) CheckLogin(ctx context.Context) error {
	if err := c.acquire(ctx); err != nil {
		return err
	}
	defer c.release()
	var id string
	err := retry.Do(ctx, c.retry, retryable, func(ctx context.Context) error {
		var err error
		id, err = c.openSession(ctx)
		return err
	})
	if err != nil {
		return c.clean(fmt.Errorf("check e-Boekhouden login: %w", err))
	}
	old := c.session
	c.session = id
	if old != "" {
		// Best effort: an old session that cannot be closed idles out.
		_ = c.exchange(ctx, opCloseSession, false, closeSessionParams(old), &closeSessionResponse{})
	}
	return nil
}

// Close closes the session, if one is open, and the idle connections of a
// transport the client made itself. The client stays usable: the next call
// opens a new session.
func (c *Client) Close(ctx context.Context) error {
	if err := c.acquire(ctx); err != nil {
		return err
	}
	defer c.release()
	defer c.idle()
	if c.session == "" {
		return nil
	}
	id := c.session
	c.session = ""
	err := c.exchange(ctx, opCloseSession, false, closeSessionParams(id), &closeSessionResponse{})
	if err != nil {
		return c.clean(fmt.Errorf("close e-Boekhouden session: %w", err))
	}
	return nil
}
