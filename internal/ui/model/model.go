// Package model holds the values that the desktop UI (internal/ui) and its
// Backend hand each other beyond those of package report: login problems
// and run summaries. It depends on no part that talks to a service or to
// the engine, so that the UI does not either; the real Backend
// (internal/backend) converts the services' and the engine's values into
// these, a test's fake builds them directly.
package model

import (
	"fmt"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
)

// ProblemKind says what is wrong with a login.
type ProblemKind string

// The kinds of login problem.
const (
	// ProblemMissing: a required field is empty.
	ProblemMissing ProblemKind = "missing"
	// ProblemRefused: the service refused the credentials.
	ProblemRefused ProblemKind = "refused"
	// ProblemUnreachable: the service could not be reached.
	ProblemUnreachable ProblemKind = "unreachable"
	// ProblemInvalid: the configuration itself is wrong.
	ProblemInvalid ProblemKind = "invalid"
	// ProblemNotTheService: something else answered in the service's place
	// (a proxy, a Wi-Fi login page).
	ProblemNotTheService ProblemKind = "not_the_service"
)

// LoginField names a credential field in a LoginProblem; the login form
// marks it and the translations name it (field.<name>).
type LoginField string

// The credential fields.
const (
	FieldUsername      LoginField = "username"
	FieldSecurityCodes LoginField = "security_codes"
	FieldSecurityCode1 LoginField = "security_code_1"
	FieldSecurityCode2 LoginField = "security_code_2"
	FieldToken         LoginField = "token"
	FieldSoftwareToken LoginField = "software_token"
	FieldAddress       LoginField = "address"
)

// LoginProblem is what is wrong with a login: the service ("e-Boekhouden",
// "OutSmart"), the kind, the field and a redacted technical detail (never a
// secret). The window says it in its language (problemText).
type LoginProblem struct {
	Service string
	Kind    ProblemKind
	Field   LoginField
	Detail  string
}

func (p *LoginProblem) Error() string {
	return fmt.Sprintf("%s: %s %s %s", p.Service, p.Kind, p.Field, p.Detail)
}

// RunSummary is what a run did, as the notifications tell it. The run
// function hands it to the scheduler as its Result's Detail.
type RunSummary struct {
	Relations        int // relations sent to OutSmart
	Materials        int
	HourTypes        int
	RelationsCreated int // relations created in e-Boekhouden for invoices
	Invoices         int // invoices created
	Handled          int // work orders marked Afgehandeld
	Attention        int // records that need the user
	// Open counts what still needs the user after the run, by kind.
	Open report.OpenCounts
	// Message is the run's summary line as a message (message.KeySummary
	// when the engine counted what is open).
	Message message.Text
}
