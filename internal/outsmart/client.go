package outsmart

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/retry"

	"github.com/koppeling/koppeling/internal/endpoint"
)

// DefaultBaseURL is OutSmart's OPENApi v8 base URL [CODE S4, S6, S10].
const DefaultBaseURL = "https://app.out-smart.com/openapi/8"

// Defaults of Config.
const (
	DefaultTimeout           = 60 * time.Second
	DefaultWorkOrdersTimeout = 5 * time.Minute // GetWorkorders may be slow [CODE S6 allows 300-900 s]
	DefaultMaxResponseBytes  = 64 << 20
	DefaultBatchSize         = 100
)

// Config configures a Client. Only the tokens are required in practice; the
// zero value of every other field means its default.
type Config struct {
	// BaseURL is the OPENApi base ("https://app.out-smart.com/openapi/8").
	// Plain http:// is refused except for loopback hosts (127.0.0.0/8, ::1,
	// localhost), which the sandbox uses.
	BaseURL string
	// Token is the customer's token, SoftwareToken the token OutSmart issued
	// to this software package. Surrounding white space is trimmed. An empty
	// token is not refused here: the call then fails with OutSmart's own
	// answer (1002/1003), which CheckLogin reports as ErrUnauthorized.
	Token, SoftwareToken string
	// HTTPClient is copied; the copy never follows redirects. nil means a
	// client with http.DefaultTransport.
	HTTPClient *http.Client
	// Timeout bounds each attempt of a call, answer included (default 60 s).
	Timeout time.Duration
	// WorkOrdersTimeout bounds each attempt of a GetWorkorders call (default
	// 5 min), which returns every matching work order at once.
	WorkOrdersTimeout time.Duration
	// MaxResponseBytes caps an answer (default 64 MiB).
	MaxResponseBytes int64
	// Retry is the backoff for reads and transient failures (default
	// retry.Default; Attempts 1 disables retries).
	Retry retry.Policy
	// Logger receives a Debug line per successful attempt and a Warn line per
	// failed one, naming the call ("GET relations"); never a credential and
	// never a request URL. nil: no logs.
	Logger *slog.Logger
	// BatchSize is the number of records per upsert POST (default 100).
	BatchSize int
}

// Client calls OPENApi v8. It is safe for concurrent use.
type Client struct {
	base              *url.URL
	token, softToken  string
	hc                *http.Client
	timeout           time.Duration
	workOrdersTimeout time.Duration
	maxBytes          int64
	policy            retry.Policy
	log               *slog.Logger
	batchSize         int
	red               redact.Redactor
}

// New checks cfg and returns a client. It makes no call.
func New(cfg Config) (*Client, error) {
	token, soft := strings.TrimSpace(cfg.Token), strings.TrimSpace(cfg.SoftwareToken)
	red := redact.New(token, soft, cfg.Token, cfg.SoftwareToken)
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := endpoint.CheckBase(raw)
	if err != nil {
		return nil, fmt.Errorf("outsmart: base URL %s: %s", red.String(redact.URL(raw)), red.String(err.Error()))
	}
	c := &Client{
		base: base, token: token, softToken: soft,
		timeout: cfg.Timeout, workOrdersTimeout: cfg.WorkOrdersTimeout,
		maxBytes: cfg.MaxResponseBytes, policy: cfg.Retry, log: cfg.Logger,
		batchSize: cfg.BatchSize, red: red,
	}
	switch {
	case c.timeout < 0, c.workOrdersTimeout < 0:
		return nil, errors.New("outsmart: negative timeout")
	case c.maxBytes < 0:
		return nil, errors.New("outsmart: negative MaxResponseBytes")
	case c.batchSize < 0:
		return nil, errors.New("outsmart: negative BatchSize")
	case c.policy.Attempts < 0:
		return nil, errors.New("outsmart: negative retry attempts")
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.workOrdersTimeout == 0 {
		c.workOrdersTimeout = max(DefaultWorkOrdersTimeout, c.timeout)
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.batchSize == 0 {
		c.batchSize = DefaultBatchSize
	}
	if c.policy.Attempts == 0 {
		c.policy = retry.Default
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	// Never follow a redirect: the tokens are in the query string, and a
	// redirect would replay them to wherever the Location points (possibly
	// over plain HTTP), and turn a POST into a body-less GET. The 3xx answer
	// is reported instead [inferred: no documented endpoint redirects].
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = hc
	return c, nil
}

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("outsmart.Client{base: %s, token: %s, software_token: %s}", c.base.Redacted(), redact.Mask, redact.Mask)
}

// GoString is String, so that %#v prints no credential either.
func (c *Client) GoString() string { return c.String() }

// String describes the configuration without its credentials.
func (cfg Config) String() string {
	return fmt.Sprintf("outsmart.Config{BaseURL: %s, Token: %s, SoftwareToken: %s, Timeout: %s, BatchSize: %d}",
		redact.URL(cfg.BaseURL), maskIfSet(cfg.Token), maskIfSet(cfg.SoftwareToken), cfg.Timeout, cfg.BatchSize)
}

// GoString is String, so that %#v prints no credential either.
func (cfg Config) GoString() string { return cfg.String() }

// LogValue keeps the tokens out of structured logs.
func (cfg Config) LogValue() slog.Value { return slog.StringValue(cfg.String()) }

// LogValue keeps the tokens out of structured logs.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

func maskIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return redact.Mask
}
