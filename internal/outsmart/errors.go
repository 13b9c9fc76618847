package outsmart

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinels for errors.Is.
var (
	// ErrUnauthorized: OutSmart refused the credentials (codes 1002-1005).
	ErrUnauthorized = errors.New("outsmart: credentials refused")
	// ErrNotFound: the work order does not exist (code 1500).
	ErrNotFound = errors.New("outsmart: work order not found")
	// ErrTransient: the failure may go away by itself (a transport error, a
	// timeout, HTTP 5xx, an unreadable envelope, code 1007); trying again
	// later is reasonable.
	ErrTransient = errors.New("outsmart: transient failure")
	// ErrOutcomeUnknown: a write may or may not have been applied: the
	// request may have reached OutSmart, but no definite answer was read.
	ErrOutcomeUnknown = errors.New("outsmart: outcome of the write is unknown")
	// ErrResponseTooLarge: the answer was larger than Config.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("outsmart: response too large")
	// ErrUnreadable: a record in an otherwise valid answer could not be read
	// (a value that is not a date, a decimal, a flag ..., or no key the
	// client knows at all), or the answer is not a list where one belongs.
	ErrUnreadable = errors.New("outsmart: record could not be read")
	// ErrNotTheService: the answer is a web page or other text instead of
	// OutSmart's JSON envelope (a proxy's page, a Wi-Fi login page, a 200
	// with HTML): something between Koppeling and OutSmart answered. It
	// comes with the kind the answer would otherwise have.
	ErrNotTheService = errors.New("outsmart: the answer is not from OutSmart (a web page or other text instead of JSON)")
)

// Response codes of the envelope that the client treats specially.
const (
	CodeOK                = 200
	CodeMissingToken      = 1002
	CodeMissingSoftToken  = 1003
	CodeBadToken          = 1004
	CodeBadSoftToken      = 1005
	CodeHTTPSRequired     = 1006
	CodeGeneralError      = 1007
	CodeNoBody            = 1008
	CodeBadBody           = 1009
	CodeWorkOrderNotFound = 1500
	CodeNoUpdateData      = 1502
	CodeNoDataChanged     = 1503
	CodeUpdateParseError  = 1504
)

// codeMeanings are the Blueprint's "Response" table, shortened.
var codeMeanings = map[int]string{
	1000: "the URL has no endpoint",
	1001: "unknown endpoint",
	1002: "the token parameter (customer token) is missing",
	1003: "the software_token parameter is missing",
	1004: "the customer token (token) is not accepted",
	1005: "the software token (software_token) is not accepted or not linked to the customer token",
	1006: "HTTPS is required",
	1007: "general uncaught error at OutSmart",
	1008: "no message body received",
	1009: "the message body is not valid JSON",
	1100: "employee insert or update failed",
	1101: "employee: required field missing",
	1200: "material insert or update failed",
	1201: "material: required field missing",
	1300: "relation insert or update failed",
	1301: "relation: required field missing",
	1400: "no location data",
	1500: "work order not found",
	1501: "posted work order is missing a required field",
	1502: "update request without update data",
	1503: "no data changed",
	1504: "problem parsing the update data",
	1600: "delete of an entity failed",
	1700: "project insert or update failed",
	1701: "project: required field missing or invalid date",
	1800: "hour type insert or update failed",
	1801: "hour type: required field missing, active not 0/1 or price unparsable",
	2800: "workstatus insert or update failed",
	2801: "workstatus: required field missing",
}

// APIError is an answer whose envelope code is not 200. Messages are
// OutSmart's detail messages, scrubbed of credentials.
type APIError struct {
	// Endpoint is the call, e.g. "POST relations".
	Endpoint string
	// Code is the envelope code (1004, 1301, 1500, ...).
	Code int
	// Messages are OutSmart's messages ("Required field missing: name").
	Messages []string
	// HTTPStatus is the HTTP status the answer came with (OutSmart documents
	// HTTP 200 for errors too).
	HTTPStatus int
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("outsmart ")
	b.WriteString(e.Endpoint)
	b.WriteString(": code ")
	b.WriteString(strconv.Itoa(e.Code))
	if m, ok := codeMeanings[e.Code]; ok {
		b.WriteString(" (" + m + ")")
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != 200 {
		fmt.Fprintf(&b, " with HTTP %d", e.HTTPStatus)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnauthorized) true for 1002-1005,
// ErrNotFound for 1500 and ErrTransient for 1007.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Code >= CodeMissingToken && e.Code <= CodeBadSoftToken
	case ErrNotFound:
		return e.Code == CodeWorkOrderNotFound
	case ErrTransient:
		// "A general uncaught error occured" reads as a server-side hiccup
		// [inferred].
		return e.Code == CodeGeneralError
	}
	return false
}

// failure is every error a call returns: a complete, scrubbed message and the
// errors it matches (sentinels, an *APIError, a cause whose text is scrubbed
// too). retry says whether the call may be tried again within this call.
type failure struct {
	msg   string
	errs  []error
	retry bool
}

func (f *failure) Error() string   { return f.msg }
func (f *failure) Unwrap() []error { return f.errs }

// scrubbed is a cause whose message has been cleaned of credentials; it still
// matches what the original matched, except for a *url.Error, which is
// replaced before it gets here (see Client.scrub).
type scrubbed struct {
	msg   string
	cause error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.cause }

// RecordError is one record of an answer that could not be read.
type RecordError struct {
	// Endpoint is the call, e.g. "GET GetWorkorders".
	Endpoint string
	// Index is the record's position in the answer, from 0.
	Index int
	// Kind is what the record is: "work order", "relation", ...
	Kind string
	// ID identifies the record: the work order's row id, a relation's debtor
	// number, a material's code; "" when even that could not be read.
	ID string
	// Number is the work order number (OrderNr) shown to users, if known.
	Number string
	// Field is the wire field that could not be read, e.g.
	// "Materials[2].MaterialNr"; "" when the record as a whole is unreadable.
	Field string
	// Err is the cause.
	Err error
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("outsmart ")
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	b.WriteString(e.describe())
	return b.String()
}

// describe is the message without the call.
func (e *RecordError) describe() string {
	var b strings.Builder
	b.WriteString(e.Kind)
	switch {
	case e.ID != "":
		b.WriteString(" " + e.ID)
	default:
		fmt.Fprintf(&b, " #%d in the answer", e.Index+1)
	}
	if e.Number != "" {
		b.WriteString(" (" + e.Number + ")")
	}
	if e.Field != "" {
		b.WriteString(": field " + e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RecordError) Unwrap() error        { return e.Err }
func (e *RecordError) Is(target error) bool { return target == ErrUnreadable }

// PartialError comes with the records a list call could read and lists the
// ones it could not.
type PartialError struct {
	// Endpoint is the call, e.g. "GET GetWorkorders".
	Endpoint string
	// Total is the number of records in the answer, readable or not.
	Total int
	// Records are the unreadable records, in answer order.
	Records []*RecordError
}

func (e *PartialError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "outsmart %s: %d of %d records could not be read", e.Endpoint, len(e.Records), e.Total)
	for i, r := range e.Records {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Records)-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(r.describe())
	}
	return b.String()
}

// Unwrap returns the record errors.
func (e *PartialError) Unwrap() []error {
	out := make([]error, len(e.Records))
	for i, r := range e.Records {
		out[i] = r
	}
	return out
}
