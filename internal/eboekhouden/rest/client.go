package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/koppeling/koppeling/internal/endpoint"
	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/retry"
)

// DefaultBaseURL is the REST API's address (§1).
const DefaultBaseURL = "https://api.e-boekhouden.nl"

// Defaults of Config.
const (
	DefaultSource           = "Koppeling"
	DefaultTimeout          = 30 * time.Second // the timeout clients use (§1)
	DefaultMaxResponseBytes = 64 << 20
	DefaultMaxRetryWait     = 2 * time.Minute
	// MaxPageSize is the largest limit the API accepts (PAGE_001, §4.1).
	MaxPageSize = 2000
	// sessionMargin: a session is renewed this long before it expires (the
	// clients renew 30-60 s early, §2.1).
	sessionMargin = 60 * time.Second
	// fallbackLifetime is used when expiresIn is missing or not positive
	// (S6 uses 1800 s) [inferred].
	fallbackLifetime = 30 * time.Minute
)

// sourcePattern is the documented rule for SessionRequest.source (§2.1).
var sourcePattern = regexp.MustCompile(`^[\w ]{1,10}$`)

// Config configures a Client. Only APIToken is required in practice; the
// zero value of every other field means its default.
type Config struct {
	// BaseURL is the API's address (default https://api.e-boekhouden.nl).
	// Plain http:// is refused except for loopback hosts (the sandbox).
	BaseURL string
	// APIToken is the secret token made in e-Boekhouden's web interface.
	// Surrounding white space is trimmed.
	APIToken string
	// Source identifies the integration: 1-10 letters, digits, _ or spaces
	// (default "Koppeling").
	Source string
	// HTTPClient is copied; the copy never follows redirects. nil means a
	// client with http.DefaultTransport.
	HTTPClient *http.Client
	// Timeout bounds each attempt of a call, answer included (default 30 s).
	Timeout time.Duration
	// MaxResponseBytes caps an answer (default 64 MiB).
	MaxResponseBytes int64
	// PageSize is the limit per list request (default and at most 2,000).
	PageSize int
	// Retry is the backoff for transient failures (default retry.Default;
	// Attempts 1 disables retries).
	Retry retry.Policy
	// MaxRetryWait is the longest Retry-After the client waits for; a
	// longer one ends the call with ErrCallLimit (default 2 min).
	MaxRetryWait time.Duration
	// Logger receives a Debug line per successful attempt and a Warn line per
	// failed one, naming the call ("GET /v1/relation"); never a credential.
	// nil: no logs.
	Logger *slog.Logger
	// Now and Sleep replace the clock and the wait between attempts (tests).
	// Sleep returns ctx's error when ctx ends first. nil: the real ones.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls the REST API. It is safe for concurrent use; it holds one
// session at a time, opened on the first call.
type Client struct {
	base     *url.URL
	token    string
	source   string
	hc       *http.Client
	timeout  time.Duration
	maxBytes int64
	pageSize int
	policy   retry.Policy
	maxWait  time.Duration
	log      *slog.Logger
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu      sync.Mutex // guards session and expires; held while a session opens
	session string     // current session token, "" when none
	expires time.Time  // when to renew it
	// red masks the API token and every session token seen so far; it is
	// replaced (under mu) when a session opens.
	red atomic.Pointer[redact.Redactor]
}

// New checks cfg and returns a client. It makes no call.
func New(cfg Config) (*Client, error) {
	token := strings.TrimSpace(cfg.APIToken)
	red := redact.New(token, cfg.APIToken)
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := endpoint.CheckBase(raw)
	if err != nil {
		return nil, fmt.Errorf("e-Boekhouden REST: base URL %s: %s", red.String(redact.URL(raw)), red.String(err.Error()))
	}
	c := &Client{
		base: base, token: token, source: cfg.Source, timeout: cfg.Timeout,
		maxBytes: cfg.MaxResponseBytes, pageSize: cfg.PageSize, policy: cfg.Retry,
		maxWait: cfg.MaxRetryWait, log: cfg.Logger, now: cfg.Now, sleep: cfg.Sleep,
	}
	c.red.Store(&red)
	if c.source == "" {
		c.source = DefaultSource
	}
	switch {
	case token == "":
		return nil, errors.New("e-Boekhouden REST: no API token")
	case !sourcePattern.MatchString(c.source):
		return nil, fmt.Errorf("e-Boekhouden REST: source %q must be 1-10 letters, digits, _ or spaces", c.source)
	case c.timeout < 0, c.maxWait < 0:
		return nil, errors.New("e-Boekhouden REST: negative timeout")
	case c.maxBytes < 0:
		return nil, errors.New("e-Boekhouden REST: negative MaxResponseBytes")
	case c.pageSize < 0 || c.pageSize > MaxPageSize:
		return nil, fmt.Errorf("e-Boekhouden REST: PageSize %d is not between 1 and %d", c.pageSize, MaxPageSize)
	case c.policy.Attempts < 0:
		return nil, errors.New("e-Boekhouden REST: negative retry attempts")
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.pageSize == 0 {
		c.pageSize = MaxPageSize
	}
	if c.policy.Attempts == 0 {
		c.policy = retry.Default
	}
	if c.maxWait == 0 {
		c.maxWait = DefaultMaxRetryWait
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	// Never follow a redirect: it would replay the Authorization header or
	// the API token to wherever the Location points [inferred: no documented
	// endpoint redirects].
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = hc
	return c, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("rest.Client{base: %s, token: %s}", c.base.Redacted(), redact.Mask)
}

// GoString is String, so that %#v prints no credential either.
func (c *Client) GoString() string { return c.String() }

// LogValue keeps the tokens out of structured logs.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the configuration without its credentials.
func (cfg Config) String() string {
	tok := `""`
	if cfg.APIToken != "" {
		tok = redact.Mask
	}
	return fmt.Sprintf("rest.Config{BaseURL: %s, APIToken: %s, Source: %q, Timeout: %s, PageSize: %d}",
		redact.URL(cfg.BaseURL), tok, cfg.Source, cfg.Timeout, cfg.PageSize)
}

// GoString is String, so that %#v prints no credential either.
func (cfg Config) GoString() string { return cfg.String() }

// LogValue keeps the tokens out of structured logs.
func (cfg Config) LogValue() slog.Value { return slog.StringValue(cfg.String()) }

// redactor returns the current redactor (API token and every session token
// seen so far).
func (c *Client) redactor() redact.Redactor { return *c.red.Load() }

// CheckLogin opens a session, which proves the API token is accepted. It
// keeps the session for later calls.
func (c *Client) CheckLogin(ctx context.Context) error {
	_, err := c.sessionToken(ctx, "")
	return err
}

// sessionToken returns a live session token, opening a new session when
// there is none, it is about to expire, or it is stale (the token a call was
// refused with).
func (c *Client) sessionToken(ctx context.Context, stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != "" && c.session != stale && c.now().Before(c.expires) {
		return c.session, nil
	}
	c.session = ""
	tok, lifetime, err := c.openSession(ctx)
	if err != nil {
		return "", err
	}
	c.session = tok
	red := c.redactor().With(tok)
	c.red.Store(&red)
	c.expires = c.now().Add(max(lifetime-sessionMargin, lifetime/2))
	return tok, nil
}

// Close ends the session (DELETE /v1/session) if one is open. A failure is
// returned but the client forgets the session either way; the client stays
// usable and opens a new session on the next call.
func (c *Client) Close(ctx context.Context) error {
	c.mu.Lock()
	tok := c.session
	c.session = ""
	c.mu.Unlock()
	if tok == "" {
		return nil
	}
	_, err := c.exchange(ctx, request{method: http.MethodDelete, path: "/v1/session"}, tok)
	return err
}
