package report

// This file owns what is wrong with a login, as the login check finds it
// (internal/services) and the login form and the command line say it.

import (
	"fmt"

	"github.com/koppeling/koppeling/internal/secrets"
)

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
	// ProblemMissing: a required field is empty.
	ProblemMissing ProblemKind = "missing"
	// ProblemRefused: the service refused the credentials.
	ProblemRefused ProblemKind = "refused"
	// ProblemUnreachable: the service could not be reached (network, outage).
	ProblemUnreachable ProblemKind = "unreachable"
	// ProblemInvalid: the configuration itself is wrong (e.g. a plain http address).
	ProblemInvalid ProblemKind = "invalid"
	// ProblemNotTheService: something else answered in the service's place with a
	// web page or other text (a proxy, a Wi-Fi login page).
	ProblemNotTheService ProblemKind = "not_the_service"
)

// LoginField names a credential field in a LoginProblem; the login form
// marks it and the translations name it (field.<name>).
type LoginField string

// Credential fields.
const (
	FieldUsername      LoginField = "username"
	FieldSecurityCodes LoginField = "security_codes"
	FieldSecurityCode1 LoginField = "security_code_1"
	FieldSecurityCode2 LoginField = "security_code_2"
	FieldToken         LoginField = "token"
	FieldSoftwareToken LoginField = "software_token"
	FieldAddress       LoginField = "address"
	// FieldAPIToken is the API token of e-Boekhouden's REST API, the
	// alternative to the username and the two security codes.
	FieldAPIToken LoginField = "api_token"
	// FieldAdministration is the linked administration chosen on the SOAP
	// road (an accountant's; secrets.Credentials.EBoekhoudenAdministration):
	// the codes are accepted, but do not open it.
	FieldAdministration LoginField = "administration"
)

// Where an e-Boekhouden API token is made. The menu is named in two ways in
// e-Boekhouden's documents, so the texts name both.
const (
	APITokenMenuPath    = "Beheer > Inrichting > Koppelingen > e-Boekhouden API"
	APITokenMenuPathAlt = "Beheer > Instellingen > API/SOAP"
)

// LoginProblem is what is wrong with a login, structured so that a screen
// can say it in the user's language and point at the field. Detail is a
// redacted technical detail (never a secret).
type LoginProblem struct {
	Service Service
	Kind    ProblemKind
	Field   LoginField
	Detail  string
}

// MissingField is the first required credential that is empty, as a
// problem of kind ProblemMissing, or nil when none is: what the login check
// says before it sends anything. With an API token (the REST road) the
// username and the two security codes are not required.
func MissingField(c secrets.Credentials) *LoginProblem {
	type required struct {
		v       string
		service Service
		field   LoginField
	}
	var fields []required
	if !c.EBoekhoudenREST() {
		fields = []required{
			{c.EBoekhoudenUsername, EBoekhouden, FieldUsername},
			{c.EBoekhoudenSecurityCode1, EBoekhouden, FieldSecurityCode1},
			{c.EBoekhoudenSecurityCode2, EBoekhouden, FieldSecurityCode2},
		}
	}
	fields = append(fields, required{c.OutSmartToken, OutSmart, FieldToken},
		required{c.OutSmartSoftwareToken, OutSmart, FieldSoftwareToken})
	for _, f := range fields {
		if f.v == "" {
			return &LoginProblem{Service: f.service, Kind: ProblemMissing, Field: f.field}
		}
	}
	return nil
}

// Error is the problem in a developer's words (service, kind, field, detail).
func (p *LoginProblem) Error() string {
	return fmt.Sprintf("%s: %s %s %s", p.Service, p.Kind, p.Field, p.Detail)
}

// Dutch says the problem in Dutch, naming the service and the field.
func (p *LoginProblem) Dutch() string {
	field := map[LoginField]string{
		FieldUsername: "gebruikersnaam", FieldSecurityCodes: "gebruikersnaam of beveiligingscodes",
		FieldSecurityCode1: "beveiligingscode 1", FieldSecurityCode2: "beveiligingscode 2",
		FieldToken: "token", FieldSoftwareToken: "software token", FieldAddress: "adres", FieldAPIToken: "API-token",
		FieldAdministration: "administratie",
	}[p.Field]
	if p.Field == FieldAdministration && p.Kind == ProblemRefused {
		return fmt.Sprintf("%s accepteert de beveiligingscodes, maar opent de gekozen administratie er niet mee "+
			"(niet meer aan uw account gekoppeld?). Kies de administratie opnieuw.", p.Service)
	}
	if p.Field == FieldAPIToken && p.Kind == ProblemRefused {
		// e-Boekhouden answers an unknown, a revoked and an expired token
		// alike (API_SESSION_004, the reference's §2.1 [inferred]): only a
		// new token helps in each case.
		return fmt.Sprintf("%s weigert het API-token: het is onbekend, ingetrokken of verlopen. %s", p.Service, newAPITokenDutch)
	}
	switch p.Kind {
	case ProblemMissing:
		return fmt.Sprintf("%s: vul de %s in.", p.Service, field)
	case ProblemRefused:
		return fmt.Sprintf("%s weigert de %s. Controleer ze en probeer het opnieuw.", p.Service, field)
	case ProblemUnreachable:
		return fmt.Sprintf("%s is niet bereikbaar. Controleer de internetverbinding en probeer het later opnieuw.", p.Service)
	case ProblemNotTheService:
		return fmt.Sprintf("Het antwoord kwam niet van %s maar was een webpagina (bijvoorbeeld van een proxy of de inlogpagina van een wifi-netwerk). "+
			"Controleer de internetverbinding en de proxy en probeer het opnieuw.", p.Service)
	}
	return fmt.Sprintf("%s: ongeldig %s (%s).", p.Service, field, p.Detail)
}

// newAPITokenDutch says, in Dutch, what to do about a refused or expired
// API token.
var newAPITokenDutch = fmt.Sprintf("Maak een nieuw token in e-Boekhouden.nl via %s (in sommige documenten: %s) "+
	"en vul het in bij Inloggen (of met koppeling login).", APITokenMenuPath, APITokenMenuPathAlt)
