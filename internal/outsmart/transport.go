package outsmart

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/koppeling/koppeling/internal/redact"
	"github.com/koppeling/koppeling/internal/retry"
)

const userAgent = "Koppeling (e-Boekhouden/OutSmart link)"

// request is one API call.
type request struct {
	method   string     // GET or POST
	endpoint string     // "relations", "GetWorkorders", ...
	query    url.Values // without the credentials
	body     []byte     // POST body
	// write marks a call that changes data in OutSmart. Writes are retried
	// only when their outcome is unknown; see call.
	write bool
}

func (r request) op() string { return r.method + " " + r.endpoint }

// call performs r with retries and returns the envelope's response (nil for
// null) when the code is 200.
//
// Retry rules. A read is retried on every transient failure. A write is
// retried only when no definite answer came back: a transport error, a
// timeout, HTTP 5xx, or an answer that cannot be read. That is safe because
// every write this client makes is idempotent: the upserts are keyed on
// debtor_number/code and set the same fields to the same values however often
// they land; GetWorkorder with update_status=true on an order that is
// already Afgehandeld leaves it Afgehandeld; UpdateWorkorder with the same
// workstatus answers 1503 "no data changed", which SetWorkflowStatus reads as
// success. A write that got an envelope with a code other than 200 (a
// definite API answer, even 1007) is never retried here.
func (c *Client) call(ctx context.Context, r request) (json.RawMessage, error) {
	if ctx == nil {
		return nil, &failure{msg: "outsmart " + r.op() + ": nil context"}
	}
	timeout := c.timeout
	if r.endpoint == "GetWorkorders" {
		timeout = c.workOrdersTimeout
	}
	var (
		out     json.RawMessage
		attempt int
		last    error
		unknown bool // some attempt of this write may have been applied
	)
	err := retry.Do(ctx, c.policy, func(err error) bool {
		var f *failure
		return errors.As(err, &f) && f.retry
	}, func(ctx context.Context) error {
		attempt++
		start := time.Now()
		res, status, err := c.attempt(ctx, r, timeout)
		c.logAttempt(ctx, r, attempt, status, time.Since(start), err)
		if err != nil {
			last = err
			unknown = unknown || errors.Is(err, ErrOutcomeUnknown)
			return err
		}
		out = res
		return nil
	})
	if err == nil {
		return out, nil
	}
	var f *failure
	if errors.As(err, &f) {
		if unknown && !errors.Is(err, ErrOutcomeUnknown) {
			// A later attempt failed otherwise, but an earlier one may have
			// landed: the caller must still treat the write as unknown.
			return nil, &failure{msg: err.Error() + " (an earlier attempt may have been applied)", errs: []error{err, ErrOutcomeUnknown}}
		}
		return nil, err
	}
	// The context ended while waiting for the next attempt: keep what the
	// last attempt said (it may carry ErrOutcomeUnknown).
	errs := []error{err}
	msg := fmt.Sprintf("outsmart %s: %v while waiting to retry", r.op(), err)
	if last != nil {
		errs = append(errs, last)
		msg += " after: " + last.Error()
	}
	if unknown && !errors.Is(last, ErrOutcomeUnknown) {
		errs = append(errs, ErrOutcomeUnknown)
		msg += " (an earlier attempt may have been applied)"
	}
	return nil, &failure{msg: msg, errs: errs}
}

// attempt makes one HTTP exchange. status is the HTTP status, 0 without one.
func (c *Client) attempt(ctx context.Context, r request, timeout time.Duration) (json.RawMessage, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, &failure{msg: fmt.Sprintf("outsmart %s: %v", r.op(), err), errs: []error{err}}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// sent records that request bytes went out, so that a write which then
	// fails has an unknown outcome, and one that failed to connect has not.
	var sent atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteHeaders: func() { sent.Store(true) },
	})
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, c.endpointURL(r), body)
	if err != nil {
		return nil, 0, c.fail(r, "build request", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, 0, c.transportFailure(ctx, r, sent.Load(), timeout, err)
	}
	defer resp.Body.Close()
	data, err := readCapped(resp, c.maxBytes)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			errs := []error{ErrResponseTooLarge}
			msg := fmt.Sprintf("outsmart %s: the answer is larger than %d bytes (MaxResponseBytes)", r.op(), c.maxBytes)
			if r.write {
				errs = append(errs, ErrOutcomeUnknown)
				msg += " (the write may have been applied)"
			} else {
				msg += "; narrow the query with filters"
			}
			return nil, resp.StatusCode, &failure{msg: msg, errs: errs}
		}
		return nil, resp.StatusCode, c.transportFailure(ctx, r, true, timeout, err)
	}
	res, err := c.interpret(r, resp, data)
	return res, resp.StatusCode, err
}

// endpointURL is {base}/{endpoint}/?token=...&software_token=...&...
func (c *Client) endpointURL(r request) string {
	q := url.Values{}
	for k, vs := range r.query {
		q[k] = vs
	}
	if c.token != "" {
		q.Set("token", c.token)
	}
	if c.softToken != "" {
		q.Set("software_token", c.softToken)
	}
	u := *c.base
	u.Path = c.base.Path + "/" + r.endpoint + "/"
	u.RawQuery = q.Encode()
	return u.String()
}

// readCapped reads at most limit bytes of the body.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, ErrResponseTooLarge
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if n > limit {
		return nil, ErrResponseTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	return buf.Bytes(), nil
}

// transportFailure classifies an exchange that got no complete answer.
func (c *Client) transportFailure(parent context.Context, r request, sent bool, timeout time.Duration, err error) error {
	cause := c.scrub(err)
	unknown := r.write && sent
	if perr := parent.Err(); perr != nil {
		// The caller gave up: not transient, not retried.
		errs := []error{perr, cause}
		msg := fmt.Sprintf("outsmart %s: %v", r.op(), perr)
		if unknown {
			errs = append(errs, ErrOutcomeUnknown)
			msg += " (the write may have been applied)"
		}
		return &failure{msg: msg, errs: errs}
	}
	what := cause.Error()
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		what = c.red.String(ue.Err.Error()) // the call is named already; no URL
	}
	if errors.Is(err, context.DeadlineExceeded) {
		what = fmt.Sprintf("no answer within %s", timeout)
	}
	errs := []error{ErrTransient, cause}
	msg := fmt.Sprintf("outsmart %s: %s", r.op(), what)
	if unknown {
		errs = append(errs, ErrOutcomeUnknown)
		msg += " (the write may have been applied)"
	}
	return &failure{msg: msg, errs: errs, retry: true}
}

// interpret reads a complete answer.
func (c *Client) interpret(r request, resp *http.Response, data []byte) (json.RawMessage, error) {
	status := resp.StatusCode
	if status >= 300 && status < 400 {
		loc := c.red.String(redact.URL(resp.Header.Get("Location")))
		return nil, &failure{msg: fmt.Sprintf("outsmart %s: HTTP %d redirect to %q; redirects are not followed: set the base URL to the new address", r.op(), status, loc)}
	}
	env, perr := parseEnvelope(data)
	var apiErr *APIError
	if perr == nil && env.code != CodeOK {
		apiErr = &APIError{Endpoint: r.op(), Code: env.code, Messages: c.scrubAll(env.messages), HTTPStatus: status}
	}

	if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout {
		// The server failed or refused for now. After HTTP 5xx a write may
		// have been applied, even when an envelope came with it [inferred].
		errs := []error{ErrTransient}
		msg := fmt.Sprintf("outsmart %s: HTTP %d %s", r.op(), status, http.StatusText(status))
		if apiErr != nil {
			errs = append(errs, apiErr)
			msg = apiErr.Error()
		}
		if r.write && status >= 500 {
			errs = append(errs, ErrOutcomeUnknown)
			msg += " (the write may have been applied)"
		}
		return nil, &failure{msg: msg, errs: errs, retry: true}
	}
	if perr != nil {
		detail := c.red.String(perr.Error())
		if snip := snippet(data); snip != "" {
			detail += ": " + c.red.String(snip)
		}
		page := webPage(resp.Header.Get("Content-Type"), data)
		if status < 200 || status >= 300 {
			errs := []error{perr}
			if page {
				errs = append(errs, ErrNotTheService)
			}
			return nil, &failure{msg: fmt.Sprintf("outsmart %s: HTTP %d %s: %s", r.op(), status, http.StatusText(status), detail), errs: errs}
		}
		// HTTP 2xx but no readable envelope (a truncated body, a web page
		// from something in between ...).
		errs := []error{ErrTransient, perr}
		if page {
			errs = append(errs, ErrNotTheService)
		}
		msg := fmt.Sprintf("outsmart %s: unreadable answer: %s", r.op(), detail)
		if r.write {
			errs = append(errs, ErrOutcomeUnknown)
			msg += " (the write may have been applied)"
		}
		return nil, &failure{msg: msg, errs: errs, retry: true}
	}
	if apiErr != nil {
		// A definite answer, whatever the HTTP status below 500 (OutSmart
		// sends errors with HTTP 200 [DOC S1]). Reads retry 1007; writes never
		// retry here.
		return nil, &failure{msg: apiErr.Error(), errs: []error{apiErr}, retry: !r.write && apiErr.Is(ErrTransient)}
	}
	// Code 200 is success even with an odd HTTP status: the envelope is
	// what OutSmart documents [inferred].
	return env.response, nil
}

// webPage reports whether an answer without a readable envelope is a web
// page or other text rather than JSON: an HTML content type, or a body that
// does not start like JSON (an empty or cut-off JSON body is not a page).
func webPage(contentType string, data []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	t := trimBody(data)
	return len(t) > 0 && t[0] != '{' && t[0] != '['
}

// snippet shows the start of a body that is not JSON (an HTML error page);
// JSON bodies are not quoted, they may hold customer data.
func snippet(data []byte) string {
	t := trimBody(data)
	if len(t) == 0 || t[0] == '{' || t[0] == '[' {
		return ""
	}
	s := strings.Join(strings.Fields(string(t)), " ")
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// fail is a failure that is not retried, with a scrubbed cause.
func (c *Client) fail(r request, what string, err error) error {
	cause := c.scrub(err)
	return &failure{msg: fmt.Sprintf("outsmart %s: %s: %s", r.op(), what, cause.Error()), errs: []error{cause}}
}

// scrub returns err with every credential removed from its text. A
// *url.Error (which prints the whole URL, tokens included) is rebuilt with
// a redacted URL, so that not even errors.As can reach the original. An
// error that hides a *url.Error deeper keeps only its scrubbed text.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		err = &url.Error{Op: ue.Op, URL: c.red.String(redact.URL(ue.URL)), Err: ue.Err}
	} else {
		var inner *url.Error
		if errors.As(err, &inner) {
			// Keep no chain that reaches the raw URL: text only.
			return &scrubbed{msg: c.red.String(strings.ReplaceAll(err.Error(), inner.URL, redact.URL(inner.URL)))}
		}
	}
	return &scrubbed{msg: c.red.String(err.Error()), cause: err}
}

func (c *Client) scrubAll(msgs []string) []string {
	for i, m := range msgs {
		msgs[i] = c.red.String(m)
	}
	return msgs
}

// logAttempt writes one line per attempt: Debug on success, Warn on failure.
// It logs the operation, never the URL.
func (c *Client) logAttempt(ctx context.Context, r request, attempt, status int, took time.Duration, err error) {
	if c.log == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", r.op()),
		slog.Int("attempt", attempt),
		slog.Int("http_status", status),
		slog.Duration("duration", took),
	}
	if err == nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "outsmart call", attrs...)
		return
	}
	var f *failure
	attrs = append(attrs, slog.Bool("will_retry", errors.As(err, &f) && f.retry && attempt < c.policy.Attempts),
		slog.String("error", c.red.String(err.Error())))
	c.log.LogAttrs(ctx, slog.LevelWarn, "outsmart call failed", attrs...)
}
