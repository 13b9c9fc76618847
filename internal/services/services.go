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
	"github.com/koppeling/koppeling/internal/secrets"
)

// Endpoints are the service addresses; empty means the real services.
type Endpoints struct {
	EBoekhoudenURL string
	OutSmartURL    string
}

// Clients builds both API clients for the given credentials. It makes no
// call.
func Clients(c secrets.Credentials, ep Endpoints) (*eboekhouden.Client, *outsmart.Client, error) {
	eb, err := eboekhouden.New(eboekhouden.Config{
		Endpoint: ep.EBoekhoudenURL,
		Credentials: eboekhouden.Credentials{
			Username: c.EBoekhoudenUsername, SecurityCode1: c.EBoekhoudenSecurityCode1, SecurityCode2: c.EBoekhoudenSecurityCode2,
		},
	})
	if err != nil {
		return nil, nil, &ConfigError{Service: EBoekhouden, Err: err}
	}
	field, err := outsmart.New(outsmart.Config{
		BaseURL: ep.OutSmartURL, Token: c.OutSmartToken, SoftwareToken: c.OutSmartSoftwareToken, BatchSize: 500,
	})
	if err != nil {
		return nil, nil, &ConfigError{Service: OutSmart, Err: err}
	}
	return eb, field, nil
}

// ConfigError is a client that cannot be built (for example a plain http
// address for a remote host).
type ConfigError struct {
	Service Service
	Err     error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("%s: %v", e.Service, e.Err) }
func (e *ConfigError) Unwrap() error { return e.Err }

// Service names a service in a LoginProblem.
type Service string

// The services.
const (
	EBoekhouden Service = "e-Boekhouden"
	OutSmart    Service = "OutSmart"
)

// ProblemKind says what is wrong with a login.
type ProblemKind string

// Problem kinds.
const (
	// Missing: a required field is empty.
	Missing ProblemKind = "missing"
	// Refused: the service refused the credentials.
	Refused ProblemKind = "refused"
	// Unreachable: the service could not be reached (network, outage).
	Unreachable ProblemKind = "unreachable"
	// Invalid: the configuration itself is wrong (e.g. a plain http address).
	Invalid ProblemKind = "invalid"
	// NotTheService: something else answered in the service's place with a
	// web page or other text (a proxy, a Wi-Fi login page).
	NotTheService ProblemKind = "not_the_service"
)

// Field names a credential field in a LoginProblem.
type Field string

// Credential fields.
const (
	FieldUsername      Field = "username"
	FieldSecurityCodes Field = "security_codes"
	FieldSecurityCode1 Field = "security_code_1"
	FieldSecurityCode2 Field = "security_code_2"
	FieldToken         Field = "token"
	FieldSoftwareToken Field = "software_token"
	FieldAddress       Field = "address"
)

// LoginProblem is what is wrong with a login, structured so that a screen
// can say it in the user's language and point at the field. Detail is a
// redacted technical detail (never a secret).
type LoginProblem struct {
	Service Service
	Kind    ProblemKind
	Field   Field
	Detail  string
}

func (p *LoginProblem) Error() string {
	return fmt.Sprintf("%s: %s %s %s", p.Service, p.Kind, p.Field, p.Detail)
}

// Dutch says the problem in Dutch, naming the service and the field.
func (p *LoginProblem) Dutch() string {
	field := map[Field]string{
		FieldUsername: "gebruikersnaam", FieldSecurityCodes: "gebruikersnaam of beveiligingscodes",
		FieldSecurityCode1: "beveiligingscode 1", FieldSecurityCode2: "beveiligingscode 2",
		FieldToken: "token", FieldSoftwareToken: "software token", FieldAddress: "adres",
	}[p.Field]
	switch p.Kind {
	case Missing:
		return fmt.Sprintf("%s: vul de %s in.", p.Service, field)
	case Refused:
		return fmt.Sprintf("%s weigert de %s. Controleer ze en probeer het opnieuw.", p.Service, field)
	case Unreachable:
		return fmt.Sprintf("%s is niet bereikbaar. Controleer de internetverbinding en probeer het later opnieuw.", p.Service)
	case NotTheService:
		return fmt.Sprintf("Het antwoord kwam niet van %s maar was een webpagina (bijvoorbeeld van een proxy of de inlogpagina van een wifi-netwerk). "+
			"Controleer de internetverbinding en de proxy en probeer het opnieuw.", p.Service)
	}
	return fmt.Sprintf("%s: ongeldig %s (%s).", p.Service, field, p.Detail)
}

// CheckLogin checks the credentials: required fields first, then an
// e-Boekhouden session and an OutSmart call. It returns nil when both work,
// or the first problem.
func CheckLogin(ctx context.Context, c secrets.Credentials, ep Endpoints) *LoginProblem {
	for _, f := range []struct {
		v       string
		service Service
		field   Field
	}{
		{c.EBoekhoudenUsername, EBoekhouden, FieldUsername},
		{c.EBoekhoudenSecurityCode1, EBoekhouden, FieldSecurityCode1},
		{c.EBoekhoudenSecurityCode2, EBoekhouden, FieldSecurityCode2},
		{c.OutSmartToken, OutSmart, FieldToken},
		{c.OutSmartSoftwareToken, OutSmart, FieldSoftwareToken},
	} {
		if f.v == "" {
			return &LoginProblem{Service: f.service, Kind: Missing, Field: f.field}
		}
	}
	red := redact.New(c.Secrets()...)
	eb, field, err := Clients(c, ep)
	var cfgErr *ConfigError
	if errors.As(err, &cfgErr) {
		return &LoginProblem{Service: cfgErr.Service, Kind: Invalid, Field: FieldAddress, Detail: red.String(err.Error())}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	defer eb.Close(context.WithoutCancel(ctx))
	if err := eb.CheckLogin(ctx); err != nil {
		if errors.Is(err, eboekhouden.ErrBadCredentials) {
			return &LoginProblem{Service: EBoekhouden, Kind: Refused, Field: FieldSecurityCodes, Detail: red.String(err.Error())}
		}
		if errors.Is(err, eboekhouden.ErrNotTheService) {
			return &LoginProblem{Service: EBoekhouden, Kind: NotTheService, Detail: red.String(err.Error())}
		}
		return &LoginProblem{Service: EBoekhouden, Kind: Unreachable, Detail: red.String(err.Error())}
	}
	if err := field.CheckLogin(ctx); err != nil {
		return outSmartProblem(err, red)
	}
	return nil
}

// outSmartProblem is a failed OutSmart call as a login problem: a refused
// token or software token, a web page instead of OutSmart, or else
// OutSmart out of reach.
func outSmartProblem(err error, red redact.Redactor) *LoginProblem {
	var apiErr *outsmart.APIError
	switch {
	case errors.As(err, &apiErr) && (apiErr.Code == outsmart.CodeBadSoftToken || apiErr.Code == outsmart.CodeMissingSoftToken):
		return &LoginProblem{Service: OutSmart, Kind: Refused, Field: FieldSoftwareToken, Detail: red.String(err.Error())}
	case errors.Is(err, outsmart.ErrUnauthorized):
		return &LoginProblem{Service: OutSmart, Kind: Refused, Field: FieldToken, Detail: red.String(err.Error())}
	case errors.Is(err, outsmart.ErrNotTheService):
		return &LoginProblem{Service: OutSmart, Kind: NotTheService, Detail: red.String(err.Error())}
	}
	return &LoginProblem{Service: OutSmart, Kind: Unreachable, Detail: red.String(err.Error())}
}

// WorkflowStatuses returns the names of OutSmart's workflow statuses, sorted,
// for the settings screen. A failed call is a *LoginProblem.
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
