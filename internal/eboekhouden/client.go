package eboekhouden

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tiaguinho/gosoap"

	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/retry"
)

// DefaultEndpoint is the production SOAP endpoint.
const DefaultEndpoint = "https://soap.e-boekhouden.nl/soap.asmx"

// Defaults for Config.
const (
	DefaultSource           = "Koppeling"
	DefaultTimeout          = 30 * time.Second
	DefaultMaxResponseBytes = 32 << 20
)

// Config configures New. Only Credentials are required.
type Config struct {
	// Endpoint is the SOAP URL; empty means DefaultEndpoint. Plain http is
	// refused except on loopback hosts (127.0.0.0/8, ::1, localhost).
	Endpoint    string
	Credentials Credentials
	// Source is the integration name sent with OpenSession: at most 10
	// letters, digits, underscores or spaces. Empty means DefaultSource.
	Source string
	// HTTPClient is optional; only its Transport is used (wrapped). Its
	// Timeout, redirects and cookie jar are not: the client sets its own
	// per-call timeout and never follows redirects.
	HTTPClient *http.Client
	// Timeout bounds one HTTP exchange, sending and reading included.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxResponseBytes caps an answer; zero means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Retry is the backoff for reads and unsent requests; the zero value
	// means retry.Default.
	Retry retry.Policy
	// Logger gets one debug line per HTTP exchange (operation, attempt,
	// duration, outcome); nil means no logging. It never sees a secret.
	Logger *slog.Logger
}

// Client talks to one e-Boekhouden administration. It is safe for
// concurrent use; calls run one at a time.
type Client struct {
	endpoint string // for logs; holds no secret (checked by New)
	creds    Credentials
	source   string
	retry    retry.Policy
	logger   *slog.Logger
	now      func() time.Time // the date AddRelation sends as AddDatum

	soap *gosoap.Client
	rt   *transport
	// idle closes the idle connections of a transport New made itself.
	idle func()

	// turn is a one-slot semaphore: the holder owns the wire and the
	// session. A channel, unlike a mutex, lets a waiting caller give up
	// when its context ends.
	turn    chan struct{}
	session string

	redMu    sync.Mutex
	seen     []string // recent session ids, for redaction
	redactor redact.Redactor
}

var sourcePattern = regexp.MustCompile(`^[A-Za-z0-9_ ]{1,10}$`)

// maxSeenSessions bounds the session ids kept for redaction.
const maxSeenSessions = 16

// New checks cfg and returns a client. It makes no call: use CheckLogin to
// test the credentials.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	u, err := checkEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("e-Boekhouden config: %w", err)
	}
	if u.RawQuery != "" {
		return nil, fmt.Errorf("e-Boekhouden config: %w: endpoint must not have a query", ErrInvalid)
	}
	c := cfg.Credentials
	var missing []string
	if strings.TrimSpace(c.Username) == "" {
		missing = append(missing, "username")
	}
	if strings.TrimSpace(c.SecurityCode1) == "" {
		missing = append(missing, "security code 1")
	}
	if strings.TrimSpace(c.SecurityCode2) == "" {
		missing = append(missing, "security code 2")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("e-Boekhouden config: %w: missing %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if cfg.Source == "" {
		cfg.Source = DefaultSource
	}
	if !sourcePattern.MatchString(cfg.Source) {
		return nil, fmt.Errorf("e-Boekhouden config: %w: source %q must be 1-10 letters, digits, underscores or spaces", ErrInvalid, clip(cfg.Source))
	}
	if cfg.Timeout < 0 || cfg.MaxResponseBytes < 0 {
		return nil, fmt.Errorf("e-Boekhouden config: %w: negative timeout or size cap", ErrInvalid)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponseBytes == 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Retry == (retry.Policy{}) {
		cfg.Retry = retry.Default
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var base http.RoundTripper
	idle := func() {}
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	} else {
		own := http.DefaultTransport.(*http.Transport).Clone()
		base, idle = own, own.CloseIdleConnections
	}
	rt := &transport{base: base, endpoint: u, timeout: cfg.Timeout, maxBytes: cfg.MaxResponseBytes}
	httpClient := &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	soap, err := gosoap.SoapClientWithConfig(wsdlURL, httpClient, &gosoap.Config{Dump: false, Logger: quietDump{}})
	if err != nil {
		return nil, fmt.Errorf("e-Boekhouden: gosoap client: %w", err)
	}
	return &Client{
		endpoint: u.String(),
		creds:    c,
		source:   cfg.Source,
		retry:    cfg.Retry,
		logger:   logger,
		now:      time.Now,
		soap:     soap,
		rt:       rt,
		idle:     idle,
		turn:     make(chan struct{}, 1),
		redactor: redact.New(c.SecurityCode1, c.SecurityCode2),
	}, nil
}

// quietDump is gosoap's request/response dump logger: never used (Dump is
// off), and silent if it ever were, because dumps carry credentials.
type quietDump struct{}

func (quietDump) LogRequest(string, []byte)  {}
func (quietDump) LogResponse(string, []byte) {}

// String describes the client without secrets.
func (c *Client) String() string { return "eboekhouden.Client{" + redact.URL(c.endpoint) + "}" }

// Format prints String for every verb, so that no verb reaches the
// credentials inside.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// acquire takes the turn, or gives up when ctx ends.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) release() { <-c.turn }

// currentRedactor knows the security codes and the recent session ids.
func (c *Client) currentRedactor() redact.Redactor {
	c.redMu.Lock()
	defer c.redMu.Unlock()
	return c.redactor
}

// clean redacts an error with the security codes and every session id seen.
func (c *Client) clean(err error) error { return c.currentRedactor().Error(err) }

func (c *Client) cleanString(s string) string { return c.currentRedactor().String(s) }

// remember adds a session id to the redactor.
func (c *Client) remember(id string) {
	c.redMu.Lock()
	defer c.redMu.Unlock()
	c.seen = append(c.seen, id)
	if len(c.seen) > maxSeenSessions {
		c.seen = c.seen[len(c.seen)-maxSeenSessions:]
	}
	c.redactor = redact.New(append([]string{c.creds.SecurityCode1, c.creds.SecurityCode2}, c.seen...)...)
}

// call is one logical operation: take the turn, make sure a session is open,
// exchange the request, reopen the session and repeat once on E0023, and
// retry what retryable allows (reads and unsent requests) with the policy.
// params receives the current session id.
func (c *Client) call(ctx context.Context, op string, write bool, params func(session string) gosoap.ArrayParams, out filler) error {
	if err := c.acquire(ctx); err != nil {
		return err
	}
	defer c.release()
	reopened := false
	err := retry.Do(ctx, c.retry, retryable, func(ctx context.Context) error {
		if err := c.ensureSession(ctx); err != nil {
			return err
		}
		err := c.exchange(ctx, op, write, params(c.session), out)
		if errors.Is(err, ErrSessionExpired) && !reopened {
			// E0023: the call was rejected, not applied. Reopen and repeat once.
			reopened = true
			c.session = ""
			if err := c.ensureSession(ctx); err != nil {
				return err
			}
			err = c.exchange(ctx, op, write, params(c.session), out)
		}
		if errors.Is(err, ErrSessionExpired) {
			c.session = ""
		}
		return err
	})
	return c.clean(err)
}

// exchange makes one HTTP exchange through gosoap and classifies the result.
// The turn must be held.
func (c *Client) exchange(ctx context.Context, op string, write bool, params gosoap.ArrayParams, out filler) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	x := &exchange{ctx: ctx, op: op}
	start := time.Now()
	defer func() { c.logExchange(ctx, x, write, time.Since(start), err) }()

	var callErr error
	func() {
		c.rt.begin(x)
		defer c.rt.end()
		defer func() {
			// gosoap is a boundary: a panic inside it becomes an error whose
			// text is redacted, instead of a crash that may print a payload.
			if r := recover(); r != nil {
				callErr = fmt.Errorf("gosoap panicked: %s", c.cleanString(fmt.Sprint(r)))
			}
		}()
		// The answer is decoded from x.body: see transport.go.
		_, callErr = c.soap.Call(op, params)
	}()
	return c.classify(x, write, callErr, out)
}

// classify turns what happened on the wire into the package's error model:
// first the exchange (refused, not sent, no answer, cut off, an HTTP error,
// a web page in between), then the answer itself.
func (c *Client) classify(x *exchange, write bool, callErr error, out filler) error {
	if err := c.classifyExchange(x, write, callErr); err != nil {
		return err
	}
	return c.classifyAnswer(x, write, out)
}

// unknownOr is the failure of op after the request may have reached the
// server: for a write an unknown outcome, for a read cause with readKind
// (when not nil).
func unknownOr(op string, write bool, readKind, cause error) error {
	if write {
		return fmt.Errorf("e-Boekhouden %s: %w", op, withKind(ErrOutcomeUnknown, cause))
	}
	if readKind == nil {
		return fmt.Errorf("e-Boekhouden %s: %w", op, cause)
	}
	return fmt.Errorf("e-Boekhouden %s: %w", op, withKind(readKind, cause))
}

// classifyExchange is the error of an exchange that brought no usable HTTP
// 2xx SOAP answer, nil when the answer is there to decode.
func (c *Client) classifyExchange(x *exchange, write bool, callErr error) error {
	op := x.op
	switch {
	case x.refused != nil:
		return fmt.Errorf("e-Boekhouden %s: %w", op, x.refused)
	case !x.attempted:
		// gosoap failed before handing over a request: nothing was sent,
		// and the same request would fail the same way.
		return fmt.Errorf("e-Boekhouden %s: request not sent: %s", op, c.cleanString(errText(callErr)))
	case x.tooLarge:
		return unknownOr(op, write, nil, x.err)
	case x.status == 0 && x.err != nil:
		// No answer at all.
		if !x.sent.Load() {
			if x.ctx.Err() != nil {
				return fmt.Errorf("e-Boekhouden %s: %w", op, x.ctx.Err())
			}
			return fmt.Errorf("e-Boekhouden %s: nothing was sent: %w", op, withKind(ErrTransient, x.err))
		}
		if x.ctx.Err() != nil && !write {
			return fmt.Errorf("e-Boekhouden %s: %w", op, x.err)
		}
		return unknownOr(op, write, ErrTransient, fmt.Errorf("no answer: %w", x.err))
	case x.cutOff:
		// The connection broke while reading the answer.
		if x.ctx.Err() != nil && !write {
			return fmt.Errorf("e-Boekhouden %s: %w", op, x.err)
		}
		return unknownOr(op, write, ErrTransient, fmt.Errorf("answer cut off (HTTP %d): %w", x.status, x.err))
	case x.status < 200 || x.status > 299:
		return c.httpError(x, write)
	case webPage(x.status, x.ctype, x.body):
		// Something in between answered for e-Boekhouden; a read is
		// retried like a dropped connection.
		return unknownOr(op, write, ErrTransient, fmt.Errorf("%w (HTTP %d, %s)", ErrNotTheService, x.status, c.cleanString(x.ctype)))
	case callErr != nil:
		// HTTP 2xx, but gosoap failed after the answer arrived. A read with
		// an unreadable answer is retried like a dropped connection.
		// [inferred]
		return unknownOr(op, write, ErrTransient, fmt.Errorf("%w: %s", errMalformed, c.cleanString(errText(callErr))))
	}
	return nil
}

// classifyAnswer decodes an HTTP 2xx answer into out: a fault in the body,
// an answer that cannot be read or has no result, e-Boekhouden's own error
// (LastErrorCode), or nil.
func (c *Client) classifyAnswer(x *exchange, write bool, out filler) error {
	op := x.op
	// out may hold a previous answer (E0023, a retried read): start empty,
	// because filling merges as encoding/xml does.
	reflect.ValueOf(out).Elem().SetZero()
	if err := decodeAnswer(op, x.body, out); err != nil {
		var fb *faultInBody
		if errors.As(err, &fb) {
			x.fault = &fb.fault
			return c.httpError(x, write)
		}
		if errors.Is(err, errUnrecognised) {
			return unknownOr(op, write, ErrUnreadable, err)
		}
		return unknownOr(op, write, ErrTransient, err)
	}
	if !out.present() {
		// A complete answer without its result: the same answer would come
		// again, so a read is not repeated.
		return unknownOr(op, write, ErrUnreadable, fmt.Errorf("%w: %w", errMalformed, errNoResult))
	}
	if e := out.errorMsg(); e.failed() {
		return &APIError{Op: op, Code: strings.TrimSpace(e.Code), Description: c.cleanString(strings.TrimSpace(e.Description))}
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "no response"
	}
	return err.Error()
}

// httpError classifies an answer that is not HTTP 2xx, or a soap:Fault.
func (c *Client) httpError(x *exchange, write bool) error {
	op := x.op
	var cause error
	refused := false
	if x.fault != nil {
		fe := &FaultError{Op: op, StatusCode: x.status, Code: c.cleanString(x.fault.Code), Message: c.cleanString(strings.TrimSpace(x.fault.String))}
		refused = fe.Refused()
		cause = fe
	} else {
		cause = &StatusError{Op: op, StatusCode: x.status, Status: x.statusTxt}
		if x.status < 500 && webPage(x.status, x.ctype, x.body) {
			// A proxy's or portal's page (403, 407, ...): 5xx pages stay
			// "not reachable", the service's own server may send those.
			cause = fmt.Errorf("%w: %w", ErrNotTheService, cause)
		}
	}
	switch {
	case refused:
		return cause // the request was refused as it stands: permanent
	case write:
		// Any other error status may come from a proxy after the service
		// applied the call: never assume it did not. [inferred]
		return withKind(ErrOutcomeUnknown, cause)
	case x.status >= 500 || x.status == http.StatusRequestTimeout || x.status == http.StatusTooManyRequests || (x.fault != nil && x.status >= 200 && x.status <= 299):
		return withKind(ErrTransient, cause)
	}
	return cause
}

// logExchange writes the debug line of one exchange: never a body, a
// parameter or an unredacted error.
func (c *Client) logExchange(ctx context.Context, x *exchange, write bool, d time.Duration, err error) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", x.op),
		slog.Bool("write", write),
		slog.Duration("duration", d),
		slog.Int("status", x.status),
		slog.String("outcome", outcome(err)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.clean(err).Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "e-Boekhouden call", attrs...)
}

// outcome is a short machine-readable word for a log line.
func outcome(err error) string {
	var api *APIError
	var fault *FaultError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrOutcomeUnknown):
		return "outcome_unknown"
	case errors.As(err, &api):
		return "api_error " + api.Code
	case errors.As(err, &fault):
		return "fault " + fault.Code
	case errors.Is(err, ErrUnreadable):
		return "unreadable"
	case errors.Is(err, ErrTransient):
		return "transient"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "context"
	}
	return "error"
}
