// Package services connects the product to the two services with the user's
// credentials: it builds the API clients, checks a login and says in plain
// terms which service and which field is wrong, reads OutSmart's workflow
// statuses for the settings screen, and performs a complete sync run from
// the stored credentials. The command line and the desktop app both use it,
// so they behave the same.
package services

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// Endpoints are the service addresses; empty means the real services.
type Endpoints struct {
	// EBoekhoudenURL is the SOAP endpoint (the road of the three security
	// values).
	EBoekhoudenURL string
	// EBoekhoudenRESTURL is the REST API's base URL (the road of an API
	// token); empty means https://api.e-boekhouden.nl.
	EBoekhoudenRESTURL string
	OutSmartURL        string
}

// Clients builds both API clients for the given credentials. It makes no
// call.
func Clients(c secrets.Credentials, ep Endpoints) (*eboekhouden.Client, *outsmart.Client, error) {
	eb, err := eboekhouden.New(eboekhouden.Config{
		Endpoint: ep.EBoekhoudenURL,
		// With the chosen linked administration (administrations.go).
		Credentials: soapCredentials(c),
	})
	if err != nil {
		return nil, nil, &ConfigError{Service: report.EBoekhouden, Err: err}
	}
	field, err := outsmart.New(outsmart.Config{
		BaseURL: ep.OutSmartURL, Token: c.OutSmartToken, SoftwareToken: c.OutSmartSoftwareToken, BatchSize: 500,
	})
	if err != nil {
		return nil, nil, &ConfigError{Service: report.OutSmart, Err: err}
	}
	return eb, field, nil
}

// ConfigError is a client that cannot be built (for example a plain http
// address for a remote host).
type ConfigError struct {
	Service report.Service
	Err     error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("%s: %v", e.Service, e.Err) }
func (e *ConfigError) Unwrap() error { return e.Err }

// CheckLogin checks the credentials: required fields first, then an
// e-Boekhouden session and an OutSmart call. It returns nil when both work,
// or the first problem. With an API token the e-Boekhouden session is one
// of the REST API (restlogin.go), else one of SOAP with the three values,
// on the chosen linked administration when there is one
// (administrations.go).
func CheckLogin(ctx context.Context, c secrets.Credentials, ep Endpoints) *report.LoginProblem {
	if p := report.MissingField(c); p != nil {
		return p
	}
	red := redact.New(c.Secrets()...)
	if c.EBoekhoudenREST() {
		return checkRESTRoad(ctx, c, ep, red)
	}
	eb, field, err := Clients(c, ep)
	var cfgErr *ConfigError
	if errors.As(err, &cfgErr) {
		return &report.LoginProblem{Service: cfgErr.Service, Kind: report.ProblemInvalid, Field: report.FieldAddress, Detail: red.String(err.Error())}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	defer eb.Close(context.WithoutCancel(ctx))
	if p := checkSOAPLogin(ctx, eb, c, ep, red); p != nil {
		return p
	}
	if err := field.CheckLogin(ctx); err != nil {
		return outSmartProblem(err, red)
	}
	return nil
}

// outSmartProblem is a failed OutSmart call as a login problem: a refused
// token or software token, a web page instead of OutSmart, or else
// OutSmart out of reach.
func outSmartProblem(err error, red redact.Redactor) *report.LoginProblem {
	var apiErr *outsmart.APIError
	switch {
	case errors.As(err, &apiErr) && (apiErr.Code == outsmart.CodeBadSoftToken || apiErr.Code == outsmart.CodeMissingSoftToken):
		return &report.LoginProblem{Service: report.OutSmart, Kind: report.ProblemRefused, Field: report.FieldSoftwareToken, Detail: red.String(err.Error())}
	case errors.Is(err, outsmart.ErrUnauthorized):
		return &report.LoginProblem{Service: report.OutSmart, Kind: report.ProblemRefused, Field: report.FieldToken, Detail: red.String(err.Error())}
	case errors.Is(err, outsmart.ErrNotTheService):
		return &report.LoginProblem{Service: report.OutSmart, Kind: report.ProblemNotTheService, Detail: red.String(err.Error())}
	}
	return &report.LoginProblem{Service: report.OutSmart, Kind: report.ProblemUnreachable, Detail: red.String(err.Error())}
}

// WorkflowStatuses returns the names of OutSmart's workflow statuses, sorted,
// for the settings screen. A failed call is a *report.LoginProblem.
func WorkflowStatuses(ctx context.Context, c secrets.Credentials, ep Endpoints) ([]string, error) {
	_, field, err := Clients(c, ep)
	if err != nil {
		return nil, err
	}
	sts, err := field.WorkStatuses(ctx)
	if err != nil {
		// A LoginProblem, so that a screen can say it in its language.
		return nil, outSmartProblem(err, redact.New(c.Secrets()...))
	}
	names := make([]string, len(sts))
	for i, s := range sts {
		names[i] = s.Name
	}
	sort.Strings(names)
	return names, nil
}
