package rest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Documented error codes the client treats specially (Appendix A).
const (
	CodeTokenMissing       = "API_SESSION_003" // Access token is missing or empty.
	CodeTokenExpired       = "API_SESSION_004" // Access token has expired.
	CodeNotAuthenticated   = "SECURITY_010"    // Not authenticated. Check your Authorization header.
	CodeInvoiceNumberInUse = "FACT_101"        // Invoice number is in use.
)

// Sentinel kinds. They mirror the SOAP client's kinds so that the engine
// can treat both roads alike.
var (
	// ErrBadCredentials: e-Boekhouden refused the API token (any 4xx answer
	// to POST /v1/session, or a 401 right after a fresh session). Ask the
	// user; retrying does not help.
	ErrBadCredentials = errors.New("e-Boekhouden refused the API token")
	// ErrTokenExpired: the API token itself has expired (API_SESSION_004);
	// it also matches ErrBadCredentials. The user must make a new token.
	ErrTokenExpired = errors.New("e-Boekhouden API token expired")
	// ErrSessionExpired: the session token was refused (HTTP 401). The
	// client opens a new session and repeats the call once by itself.
	ErrSessionExpired = errors.New("e-Boekhouden session expired")
	// ErrCallLimit: HTTP 429, too many requests.
	ErrCallLimit = errors.New("e-Boekhouden call limit reached")
	// ErrTransient: the failure may go away by itself (a transport error, a
	// timeout, HTTP 5xx or 429, a cut-off answer).
	ErrTransient = errors.New("transient failure")
	// ErrOutcomeUnknown: a write went out but no definite answer came back;
	// it may have been applied. Look it up before trying again.
	ErrOutcomeUnknown = errors.New("outcome unknown: the request may have been applied")
	// ErrNotFound: HTTP 404 on a read by id.
	ErrNotFound = errors.New("not found")
	// ErrUnreadable: a 2xx answer, or a record in it, could not be read.
	ErrUnreadable = errors.New("answer not understood")
	// ErrResponseTooLarge: the answer was larger than Config.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("response too large")
	// ErrNotTheService: the answer is a web page or other text instead of
	// JSON: something between Koppeling and e-Boekhouden answered. It comes
	// with the kind the answer would otherwise have.
	ErrNotTheService = errors.New("the answer is not from e-Boekhouden (a web page or other text instead of JSON)")
)

// APIError is an error answer of the API: the HTTP status and, when the body
// is the documented Error object (§3), its fields. Texts are scrubbed of
// credentials.
type APIError struct {
	// Op is the call, e.g. "GET /v1/relation".
	Op string
	// Status is the HTTP status.
	Status int
	// Type is "validation", "security", or a problem-details URL.
	Type string
	// Code is one of the documented codes (FACT_101, PAGE_001, ...), or "".
	Code string
	// Title is the short message, Message the additional info.
	Title, Message string
	// PropertyName is the field the error is about, if any.
	PropertyName string
	// Errors are the validation errors, as "message" or "field: message"
	// (the body may carry a list or a map, §3).
	Errors []string
	// TraceID identifies the error at e-Boekhouden.
	TraceID string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "e-Boekhouden REST %s: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Title != "" {
		b.WriteString(": " + e.Title)
	} else if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(" (" + e.Message + ")")
	}
	if e.PropertyName != "" {
		b.WriteString(" [" + e.PropertyName + "]")
	}
	if len(e.Errors) > 0 {
		b.WriteString(": " + strings.Join(e.Errors, "; "))
	}
	return b.String()
}

// Is maps the answer onto the sentinel kinds.
func (e *APIError) Is(target error) bool {
	session := e.Op == opOpenSession
	switch target {
	case ErrBadCredentials:
		// §2.1: any 4xx from POST /v1/session means "token invalid, ask the
		// user", except 429 (too many requests) [inferred].
		return session && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
	case ErrTokenExpired:
		return e.Code == CodeTokenExpired
	case ErrSessionExpired:
		return !session && e.Status == http.StatusUnauthorized
	case ErrCallLimit:
		return e.Status == http.StatusTooManyRequests
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrInvoiceNumberInUse:
		return e.Code == CodeInvoiceNumberInUse
	}
	return false
}

// RecordError is a record of an answer that could not be read.
type RecordError struct {
	// Op is the call, e.g. "GET /v1/product".
	Op string
	// Kind is what the record is: "relation", "product", ...
	Kind string
	// Index is the record's position in its page, from 0; -1 for a single
	// record.
	Index int
	// ID is the record's id when it could be read, else 0.
	ID int64
	// Field is the wire field that could not be read ("priceExcl"), or "".
	Field string
	// Err is the cause.
	Err error
}

func (e *RecordError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "e-Boekhouden REST %s: %s", e.Op, e.Kind)
	switch {
	case e.ID != 0:
		fmt.Fprintf(&b, " %d", e.ID)
	case e.Index >= 0:
		fmt.Fprintf(&b, " #%d in the answer", e.Index+1)
	}
	if e.Field != "" {
		b.WriteString(": field " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *RecordError) Unwrap() error        { return e.Err }
func (e *RecordError) Is(target error) bool { return target == ErrUnreadable }

// failure is every error a call returns: a complete, scrubbed message and the
// errors it matches. retry says whether the attempt may be repeated within
// the call; wait is the delay the server asked for (Retry-After), if any.
type failure struct {
	msg   string
	errs  []error
	retry bool
	wait  int64 // nanoseconds; 0: use the backoff policy
}

func (f *failure) Error() string   { return f.msg }
func (f *failure) Unwrap() []error { return f.errs }

// scrubbed is a cause whose message has been cleaned of credentials; it still
// matches what the original matched.
type scrubbed struct {
	msg   string
	cause error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.cause }
