package services

// This file owns the login check on e-Boekhouden's REST road: an API token
// opens a session (POST /v1/session), which proves that e-Boekhouden
// accepts it; what goes wrong becomes a report.LoginProblem that names the
// API-token field and, for a refused or expired token, says to make a new
// one.

import (
	"context"
	"errors"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// RESTClient builds the REST API client for the credentials' API token
// against ep.EBoekhoudenRESTURL (empty: https://api.e-boekhouden.nl). It
// makes no call. A client that cannot be built is a *ConfigError.
func RESTClient(c secrets.Credentials, ep Endpoints) (*rest.Client, error) {
	cl, err := rest.New(rest.Config{BaseURL: ep.EBoekhoudenRESTURL, APIToken: c.EBoekhoudenAPIToken})
	if err != nil {
		return nil, &ConfigError{Service: report.EBoekhouden, Err: err}
	}
	return cl, nil
}

// restOutSmartClient builds OutSmart's client as Clients does, without the
// SOAP client, which would refuse the absent SOAP values of the REST road.
func restOutSmartClient(c secrets.Credentials, ep Endpoints) (*outsmart.Client, error) {
	field, err := outsmart.New(outsmart.Config{
		BaseURL: ep.OutSmartURL, Token: c.OutSmartToken, SoftwareToken: c.OutSmartSoftwareToken, BatchSize: 500,
	})
	if err != nil {
		return nil, &ConfigError{Service: report.OutSmart, Err: err}
	}
	return field, nil
}

// checkRESTRoad is CheckLogin on the REST road, in the same order as on
// SOAP: both clients are built first (a wrong address is said before
// anything is sent), then a REST session is opened and ended again, then
// OutSmart is called.
func checkRESTRoad(ctx context.Context, c secrets.Credentials, ep Endpoints, red redact.Redactor) *report.LoginProblem {
	cl, err := RESTClient(c, ep)
	if err == nil {
		var field *outsmart.Client
		if field, err = restOutSmartClient(c, ep); err == nil {
			ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if p := checkRESTLogin(ctx, cl, red); p != nil {
				return p
			}
			if err := field.CheckLogin(ctx); err != nil {
				return outSmartProblem(err, red)
			}
			return nil
		}
	}
	var cfgErr *ConfigError
	errors.As(err, &cfgErr)
	return &report.LoginProblem{Service: cfgErr.Service, Kind: report.ProblemInvalid, Field: report.FieldAddress, Detail: red.String(err.Error())}
}

// checkRESTLogin opens a REST session with the API token and ends it again;
// nil when e-Boekhouden accepts the token. The session is ended without
// ctx's deadline, so that a check that ran out of time still logs out.
func checkRESTLogin(ctx context.Context, cl *rest.Client, red redact.Redactor) *report.LoginProblem {
	err := cl.CheckLogin(ctx)
	// Best effort: a session left open expires by itself.
	_ = cl.Close(context.WithoutCancel(ctx))
	if err == nil {
		return nil
	}
	return restLoginProblem(err, red)
}

// restLoginProblem is a failed POST /v1/session as a login problem. A web
// page instead of the API comes first: its HTTP status may look like a
// refusal (a proxy's 403), but the token was never seen by e-Boekhouden.
func restLoginProblem(err error, red redact.Redactor) *report.LoginProblem {
	p := &report.LoginProblem{Service: report.EBoekhouden, Detail: red.String(err.Error())}
	switch {
	case errors.Is(err, rest.ErrNotTheService):
		p.Kind = report.ProblemNotTheService
	case errors.Is(err, rest.ErrBadCredentials), errors.Is(err, rest.ErrTokenExpired):
		// Any 4xx answer to POST /v1/session but 429. An unknown, a revoked
		// and an expired token may all answer API_SESSION_004 (§2.1 documents
		// no status per code [inferred]), so the problem says all three; the
		// code stays in Detail.
		p.Kind, p.Field = report.ProblemRefused, report.FieldAPIToken
	default:
		// A transport error, a timeout, 5xx or a call limit: the token may
		// well be right.
		p.Kind = report.ProblemUnreachable
	}
	return p
}
