package eboekhouden

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Documented LastErrorCode values. Every other code is a business error
// whose meaning is only in its (Dutch) description.
const (
	// CodeSessionExpired: the session expired or is invalid; reopen it and
	// repeat the call (go-eboekhouden, §3 of the reference notes).
	CodeSessionExpired = "E0023"
	// CodeRelationCodeInUse: AddRelatie with a relation code that already
	// exists (go-eboekhouden ErrRelationCodeAlreadyInUse).
	CodeRelationCodeInUse = "CREL001"
	// CodeCallLimit: the SOAP call limit is reached (OutSmart's help page for
	// its e-Boekhouden link).
	CodeCallLimit = "E003.1"
)

// Sentinel kinds; see the package documentation for what maps to which.
var (
	ErrBadCredentials = errors.New("e-Boekhouden refused the credentials")
	// ErrTokenExpired: the REST road's API token has expired
	// (API_SESSION_004); it comes with ErrBadCredentials. The user must make
	// a new API token: retrying does not help. The SOAP client never
	// returns it.
	ErrTokenExpired      = errors.New("e-Boekhouden API token expired")
	ErrSessionExpired    = errors.New("e-Boekhouden session expired")
	ErrRelationCodeInUse = errors.New("relation code already in use")
	ErrCallLimit         = errors.New("e-Boekhouden call limit reached")
	ErrTransient         = errors.New("transient failure")
	ErrOutcomeUnknown    = errors.New("outcome unknown: the request may have been applied")
	ErrResponseTooLarge  = errors.New("response too large")
	ErrUnreadable        = errors.New("answer not understood")
	ErrInvalid           = errors.New("invalid input")
	// ErrNotTheService: the answer is a web page or other text instead of
	// SOAP (a proxy's page, a Wi-Fi login page, a 200 with HTML): something
	// between Koppeling and e-Boekhouden answered. It comes with the kind
	// the answer would otherwise have (ErrTransient, ErrOutcomeUnknown).
	ErrNotTheService = errors.New("the answer is not from e-Boekhouden (a web page or other text instead of SOAP)")
)

// APIError is a business error e-Boekhouden answered inside an operation's
// result (HTTP 200, cError): LastErrorCode and LastErrorDescription. The
// description is Dutch text from the service, redacted.
type APIError struct {
	Op          string // wire operation, e.g. "AddFactuur"
	Code        string // LastErrorCode
	Description string // LastErrorDescription
}

func (e *APIError) Error() string {
	if e.Description == "" {
		return fmt.Sprintf("e-Boekhouden %s: error %s", e.Op, e.Code)
	}
	return fmt.Sprintf("e-Boekhouden %s: error %s: %s", e.Op, e.Code, e.Description)
}

// Is maps documented codes to their sentinels, and any OpenSession failure
// other than the call limit to ErrBadCredentials.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrSessionExpired:
		return e.Code == CodeSessionExpired && !opensSession(e.Op)
	case ErrCallLimit:
		return e.Code == CodeCallLimit
	case ErrRelationCodeInUse:
		return e.Code == CodeRelationCodeInUse
	case ErrBadCredentials:
		// The code for a failed login is not documented, so the failure of
		// OpenSession itself is what says the credentials were refused.
		return opensSession(e.Op) && e.Code != CodeCallLimit
	}
	return false
}

// opensSession reports whether op opens a session: its failure says the
// login (or, with OpenSessionSub, the chosen administration) was refused.
func opensSession(op string) bool { return op == opOpenSession || op == opOpenSessionSub }

// FaultError is a SOAP Fault (normally with HTTP 500): the service could not
// read or could not process the request.
type FaultError struct {
	Op         string
	StatusCode int    // HTTP status
	Code       string // faultcode, e.g. "soap:Client"
	Message    string // faultstring, redacted
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("e-Boekhouden %s: SOAP fault %s (HTTP %d): %s", e.Op, e.Code, e.StatusCode, e.Message)
}

// Refused reports whether the fault says the request was refused before it
// was processed (soap:Client, soap:VersionMismatch, soap:MustUnderstand), so
// that a write cannot have been applied. A soap:Server fault is an error
// while processing: a write may or may not have been applied. [inferred:
// ASMX answers soap:Client for a request it cannot read and soap:Server for
// an exception inside the operation, §3]
func (e *FaultError) Refused() bool {
	local := e.Code
	if i := strings.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	// SOAP 1.1 allows dotted refinements such as "Client.Authentication".
	local, _, _ = strings.Cut(local, ".")
	switch local {
	case "Client", "VersionMismatch", "MustUnderstand":
		return true
	}
	return false
}

// StatusError is an HTTP answer that is neither 2xx nor a SOAP Fault.
type StatusError struct {
	Op         string
	StatusCode int
	Status     string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("e-Boekhouden %s: unexpected HTTP status %s", e.Op, e.Status)
}

// kindError attaches a sentinel kind (ErrTransient, ErrOutcomeUnknown, ...)
// to a cause without changing the cause's type for errors.As.
type kindError struct {
	kind  error
	cause error
}

func (e *kindError) Error() string   { return e.kind.Error() + ": " + e.cause.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.cause} }

func withKind(kind, cause error) error { return &kindError{kind: kind, cause: cause} }

// retryable reports whether an error may be handed to retry.Do: transient
// and never an unknown outcome.
func retryable(err error) bool {
	return errors.Is(err, ErrTransient) && !errors.Is(err, ErrOutcomeUnknown)
}

// webPage reports whether an answer is a web page or other text rather than
// SOAP: an HTML content type, a body that starts like HTML, or (for a 2xx
// answer, which must be SOAP) a body that does not start with '<' at all.
func webPage(status int, contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	head := strings.ToLower(string(t[:min(len(t), 14)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	return status >= 200 && status <= 299 && len(t) > 0 && t[0] != '<'
}
