// Package model holds the values that the desktop UI (internal/ui) and its
// Backend hand each other: attention items, login problems, run summaries
// and the progress of a long read. It depends on no part that talks to a
// service or to the engine, so that the UI does not either; the real
// Backend (internal/backend) converts the engine's and the services' values
// into these, a test's fake builds them directly.
package model

import (
	"fmt"
	"strconv"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// AttentionKind is what an item of the attention list is about.
type AttentionKind string

// The kinds of the attention list: the store's kinds of attention and a
// parked work order.
const (
	AttentionWorkOrder AttentionKind = "workorder"
	AttentionRelation  AttentionKind = AttentionKind(store.AttentionRelation)
	AttentionMaterial  AttentionKind = AttentionKind(store.AttentionMaterial)
	AttentionHourType  AttentionKind = AttentionKind(store.AttentionHourType)
	AttentionSettings  AttentionKind = AttentionKind(store.AttentionSettings)
	AttentionLogin     AttentionKind = AttentionKind(store.AttentionLogin)
)

// AttentionItem is one thing that needs the user: a parked work order, a
// record OutSmart cannot take, a setting that stops invoices, a login that
// is refused. Its texts are messages, rendered in the window's language.
type AttentionItem struct {
	Kind AttentionKind
	// ID names the item for RetryAttention and SkipAttention: the work
	// order's row id, the record's code, or the setting or service.
	ID     string
	Title  message.Text // "Werkbon WB26107", "Relatie 1034, Bakkerij Jansen"
	Reason message.Text // what is wrong
	Fix    message.Text // what the user does; zero when Reason says it
	// Cause groups items that have the same cause: "Alles opnieuw
	// proberen" retries the items of one cause together.
	Cause string
	// CanRetry: Opnieuw proberen (or, with NeedsConfirmation, Toch
	// factureren) applies. CanSkip: Overslaan applies.
	CanRetry, CanSkip bool
	// NeedsConfirmation marks a work order that is invoiced as it is once
	// the user confirms it.
	NeedsConfirmation bool
	// Export is the journal entry of a work order item.
	Export store.Export
}

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
	Open OpenCounts
	// Message is the run's summary line as a message (message.KeySummary
	// when the engine counted what is open).
	Message message.Text
}

// OpenCounts are the items of the attention list by kind.
type OpenCounts struct {
	WorkOrders int // parked work orders
	Relations  int // relations OutSmart cannot take
	Materials  int
	HourTypes  int
	Settings   int // settings that stop invoices from going out
	Login      int // services that refuse the login details
	// OtherNew counts attention lines of the run that are not items of the
	// list (an invoice total that differs, a work order gone from OutSmart).
	OtherNew int
}

// Total is the number of open items.
func (o OpenCounts) Total() int {
	return o.WorkOrders + o.Relations + o.Materials + o.HourTypes + o.Settings + o.Login
}

// Progress is how far a long read of master data has come (a large
// administration's first import), reported after each request of the read
// and once more with Done.
type Progress struct {
	Kind  string // "relations" or "products"
	Read  int    // distinct records read so far in this run
	About int    // how many there were at the last complete read; 0 when not known
	Done  bool   // the read is finished (for this run)
}

// Text is the progress in the reader's words ("Relaties ophalen: 6.000 van
// ongeveer 15.000").
func (p Progress) Text() message.Text {
	a := message.Args{"Kind": p.Kind, "Read": strconv.Itoa(p.Read)}
	if p.About > 0 {
		a["About"] = strconv.Itoa(max(p.About, p.Read))
	}
	return message.Text{Key: message.KeyProgress, Args: a}
}
