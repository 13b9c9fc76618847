package rest

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
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const userAgent = "Koppeling (e-Boekhouden/OutSmart link)"

const opOpenSession = "POST /v1/session"

// request is one API call.
type request struct {
	method string
	path   string     // "/v1/relation", "/v1/relation/12"
	query  url.Values // paging and filters; never a credential
	body   []byte
	// write marks a call that changes data at e-Boekhouden: it is never
	// repeated once its outcome is unknown.
	write bool
	// decode reads a 2xx answer; nil ignores the body. A *json.SyntaxError
	// or io.ErrUnexpectedEOF from it means a cut-off answer (transient).
	decode func(data []byte) error
	// secretAnswer marks an answer that carries a credential (the session
	// token): its text never goes into a message.
	secretAnswer bool
}

func (r request) op() string { return r.method + " " + r.path }

// call performs r with a session: it opens one if needed and, when the
// session token is refused (401), opens a new one and repeats r once (§2.3).
// A 401 means the request was not processed, so this holds for writes too
// [inferred].
func (c *Client) call(ctx context.Context, r request) error {
	if ctx == nil {
		return &failure{msg: "e-Boekhouden REST " + r.op() + ": nil context"}
	}
	stale := ""
	for {
		tok, err := c.sessionToken(ctx, stale)
		if err != nil {
			return err
		}
		_, err = c.exchange(ctx, r, tok)
		if err == nil || !errors.Is(err, ErrSessionExpired) {
			return err
		}
		if stale != "" {
			// A fresh session was refused as well: the token is no good for
			// this call (§2.3: "a second 401 means the API token itself is
			// bad").
			return &failure{
				msg:  err.Error() + " (also with a new session: the API token is refused)",
				errs: []error{ErrBadCredentials, err},
			}
		}
		stale = tok
	}
}

// openSession is POST /v1/session (§2.1). Any 4xx is ErrBadCredentials;
// transient failures are retried (a second session does no harm).
func (c *Client) openSession(ctx context.Context) (string, time.Duration, error) {
	body, err := json.Marshal(struct {
		AccessToken string `json:"accessToken"`
		Source      string `json:"source"`
	}{c.token, c.source})
	if err != nil {
		return "", 0, fmt.Errorf("e-Boekhouden REST %s: %w", opOpenSession, err)
	}
	var s struct {
		Token     string `json:"token"`
		ExpiresIn *int64 `json:"expiresIn"`
	}
	r := request{method: http.MethodPost, path: "/v1/session", body: body, secretAnswer: true, decode: func(data []byte) error {
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		if strings.TrimSpace(s.Token) == "" {
			return &RecordError{Op: opOpenSession, Kind: "session", Index: -1, Field: "token", Err: errors.New("missing")}
		}
		return nil
	}}
	if _, err := c.exchange(ctx, r, ""); err != nil {
		return "", 0, err
	}
	lifetime := fallbackLifetime
	if s.ExpiresIn != nil && *s.ExpiresIn > 0 {
		lifetime = time.Duration(min(*s.ExpiresIn, 7*24*3600)) * time.Second
	}
	return s.Token, lifetime, nil
}

// exchange performs r with the session token tok ("" for none) and retries
// what may be retried. It returns the answer's HTTP status.
func (c *Client) exchange(ctx context.Context, r request, tok string) (int, error) {
	attempts := max(c.policy.Attempts, 1)
	for attempt := 1; ; attempt++ {
		start := c.now()
		status, err := c.attempt(ctx, r, tok)
		c.logAttempt(ctx, r, attempt, status, c.now().Sub(start), err)
		var f *failure
		if err == nil || !errors.As(err, &f) || !f.retry || attempt >= attempts {
			return status, err
		}
		wait := time.Duration(f.wait)
		if wait <= 0 {
			wait = c.policy.Delay(attempt, nil)
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return status, &failure{
				msg:  fmt.Sprintf("e-Boekhouden REST %s: %v while waiting to retry after: %s", r.op(), serr, err.Error()),
				errs: []error{serr, err},
			}
		}
	}
}

// attempt makes one HTTP exchange. status is the HTTP status, 0 without one.
func (c *Client) attempt(ctx context.Context, r request, tok string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, &failure{msg: fmt.Sprintf("e-Boekhouden REST %s: %v", r.op(), err), errs: []error{err}}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// sent records that request bytes went out, so that a write which then
	// fails has an unknown outcome, and one that failed to connect has not.
	var sent atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }})
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	u := *c.base
	u.Path = c.base.Path + r.path
	u.RawQuery = r.query.Encode()
	req, err := http.NewRequestWithContext(actx, r.method, u.String(), body)
	if err != nil {
		return 0, &failure{msg: fmt.Sprintf("e-Boekhouden REST %s: build request: %s", r.op(), c.redactor().String(err.Error())), errs: []error{err}}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		// The documented raw form; "Bearer " also works (§13).
		req.Header.Set("Authorization", tok)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, c.transportFailure(ctx, r, sent.Load(), err)
	}
	defer resp.Body.Close()
	data, err := readCapped(resp, c.maxBytes)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			errs := []error{ErrResponseTooLarge}
			msg := fmt.Sprintf("e-Boekhouden REST %s: the answer is larger than %d bytes (MaxResponseBytes)", r.op(), c.maxBytes)
			if r.write {
				errs = append(errs, ErrOutcomeUnknown)
				msg += " (the write may have been applied)"
			}
			return resp.StatusCode, &failure{msg: msg, errs: errs}
		}
		return resp.StatusCode, c.transportFailure(ctx, r, true, err)
	}
	return resp.StatusCode, c.interpret(r, resp, data)
}

// readCapped reads at most limit bytes of the body.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, ErrResponseTooLarge
	}
	var buf bytes.Buffer
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
func (c *Client) transportFailure(parent context.Context, r request, sent bool, err error) error {
	red := c.redactor()
	what := red.String(err.Error())
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		what = red.String(ue.Err.Error()) // the call is named already; no URL
	}
	cause := &scrubbed{msg: what, cause: err}
	unknown := r.write && sent
	if perr := parent.Err(); perr != nil {
		// The caller gave up: not transient, not retried.
		errs := []error{perr, cause}
		msg := fmt.Sprintf("e-Boekhouden REST %s: %v", r.op(), perr)
		if unknown {
			errs = append(errs, ErrOutcomeUnknown)
			msg += " (the write may have been applied)"
		}
		return &failure{msg: msg, errs: errs}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		what = fmt.Sprintf("no answer within %s", c.timeout)
	}
	errs := []error{ErrTransient, cause}
	msg := fmt.Sprintf("e-Boekhouden REST %s: %s", r.op(), what)
	if unknown {
		errs = append(errs, ErrOutcomeUnknown)
		msg += " (the write may have been applied)"
		return &failure{msg: msg, errs: errs}
	}
	return &failure{msg: msg, errs: errs, retry: true}
}

// interpret reads a complete answer.
func (c *Client) interpret(r request, resp *http.Response, data []byte) error {
	red := c.redactor()
	status := resp.StatusCode
	page := webPage(resp.Header.Get("Content-Type"), data)
	switch {
	case status >= 300 && status < 400:
		loc := red.String(resp.Header.Get("Location"))
		return &failure{msg: fmt.Sprintf("e-Boekhouden REST %s: HTTP %d redirect to %q; redirects are not followed: check the base URL", r.op(), status, loc)}
	case status == http.StatusTooManyRequests:
		apiErr := c.apiError(r, status, data)
		wait, ok := retryAfter(resp.Header.Get("Retry-After"), c.now())
		f := &failure{msg: apiErr.Error(), errs: []error{ErrTransient, apiErr}, retry: true, wait: int64(wait)}
		if ok && wait > c.maxWait {
			// Waiting that long inside a call helps nobody: report it.
			f.msg += fmt.Sprintf(" (asked to wait %s, longer than %s)", wait.Round(time.Second), c.maxWait)
			f.retry = false
		}
		// 429 refuses the request before it is processed, so a write is
		// not applied and may be repeated [inferred].
		return f
	case status >= 500:
		apiErr := c.apiError(r, status, data)
		errs := []error{ErrTransient, apiErr}
		if page {
			errs = append(errs, ErrNotTheService)
		}
		f := &failure{msg: apiErr.Error(), errs: errs, retry: !r.write}
		if r.write {
			// The server failed while processing: the write may have been
			// applied (§9: the create is not known to be atomic).
			f.errs = append(f.errs, ErrOutcomeUnknown)
			f.msg += " (the write may have been applied)"
		}
		return f
	case status >= 400 || status < 200:
		apiErr := c.apiError(r, status, data)
		errs := []error{apiErr}
		if page && status != http.StatusUnauthorized {
			errs = append(errs, ErrNotTheService)
		}
		return &failure{msg: apiErr.Error(), errs: errs}
	}
	if r.decode == nil {
		return nil
	}
	if page {
		return c.unreadable(r, status, ErrNotTheService, data)
	}
	err := r.decode(data)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) || len(bytes.TrimSpace(data)) == 0 {
		// A cut-off or empty answer: transient.
		return c.unreadable(r, status, err, data)
	}
	// A complete answer with a value the client cannot read: definite for
	// a read, but a write was applied and its answer is lost.
	msg := red.String(err.Error())
	if !strings.HasPrefix(msg, "e-Boekhouden REST") {
		msg = fmt.Sprintf("e-Boekhouden REST %s: %s", r.op(), msg)
	}
	errs := []error{ErrUnreadable, &scrubbed{msg: msg, cause: err}}
	if r.write {
		errs = append(errs, ErrOutcomeUnknown)
		msg += " (the write was probably applied; its answer could not be read)"
	}
	return &failure{msg: msg, errs: errs}
}

// unreadable is a 2xx answer that is cut off, empty or not JSON.
func (c *Client) unreadable(r request, status int, cause error, data []byte) error {
	red := c.redactor()
	detail := red.String(cause.Error())
	if snip := snippet(data); snip != "" && !r.secretAnswer {
		detail += ": " + red.String(snip)
	}
	errs := []error{ErrTransient, ErrUnreadable, &scrubbed{msg: detail, cause: cause}}
	msg := fmt.Sprintf("e-Boekhouden REST %s: HTTP %d with an answer that cannot be read: %s", r.op(), status, detail)
	if r.write {
		errs = append(errs, ErrOutcomeUnknown)
		msg += " (the write may have been applied)"
		return &failure{msg: msg, errs: errs}
	}
	return &failure{msg: msg, errs: errs, retry: true}
}

// apiError reads the documented Error body, when there is one (§3).
func (c *Client) apiError(r request, status int, data []byte) *APIError {
	e := &APIError{Op: r.op(), Status: status}
	if body, ok := parseErrorBody(data); ok {
		red := c.redactor()
		e.Type, e.Code, e.TraceID = red.String(body.Type), red.String(body.Code), red.String(body.TraceID)
		e.Title, e.Message, e.PropertyName = red.String(body.Title), red.String(body.Message), red.String(body.PropertyName)
		for _, s := range body.Errors {
			e.Errors = append(e.Errors, red.String(s))
		}
	}
	return e
}

// errorBody is the Error/SecurityError object (§3, §7) with its errors
// flattened.
type errorBody struct {
	Type, Code, Title, Message, PropertyName, TraceID string
	Errors                                            []string
}

// parseErrorBody reads an Error object. errors may be a list of strings
// [spec] or a map field → messages (ASP.NET problem details) [client S2].
// It reports false for a body that is not a JSON object with a title, type
// or code.
func parseErrorBody(data []byte) (errorBody, bool) {
	var w struct {
		Type         string          `json:"type"`
		Code         string          `json:"code"`
		Title        string          `json:"title"`
		Message      string          `json:"message"`
		PropertyName string          `json:"propertyName"`
		TraceID      string          `json:"traceId"`
		Errors       json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(data, &w); err != nil || (w.Title == "" && w.Type == "" && w.Code == "") {
		return errorBody{}, false
	}
	b := errorBody{Type: w.Type, Code: w.Code, Title: w.Title, Message: w.Message, PropertyName: w.PropertyName, TraceID: w.TraceID}
	var list []string
	var byField map[string][]string
	switch {
	case len(w.Errors) == 0 || string(w.Errors) == "null":
	case json.Unmarshal(w.Errors, &list) == nil:
		b.Errors = list
	case json.Unmarshal(w.Errors, &byField) == nil:
		fields := make([]string, 0, len(byField))
		for f := range byField {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			for _, m := range byField[f] {
				b.Errors = append(b.Errors, f+": "+m)
			}
		}
	}
	return b, true
}

// retryAfter reads Retry-After as seconds or an HTTP date (§2.4). ok is
// false when the header is absent or unreadable.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<20)) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// webPage reports whether an answer is a web page rather than JSON.
func webPage(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	head := strings.ToLower(string(t[:min(len(t), 14)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// snippet is the start of an answer for a message, on one line.
func snippet(data []byte) string {
	s := strings.Join(strings.Fields(string(data[:min(len(data), 120)])), " ")
	if len(data) > 120 {
		s += "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// logAttempt writes one line per attempt; never a credential or a URL.
func (c *Client) logAttempt(ctx context.Context, r request, attempt, status int, d time.Duration, err error) {
	if c.log == nil {
		return
	}
	if err == nil {
		c.log.DebugContext(ctx, "e-Boekhouden REST call", slog.String("call", r.op()), slog.Int("attempt", attempt),
			slog.Int("status", status), slog.Duration("duration", d))
		return
	}
	c.log.WarnContext(ctx, "e-Boekhouden REST call failed", slog.String("call", r.op()), slog.Int("attempt", attempt),
		slog.Int("status", status), slog.Duration("duration", d), slog.String("error", c.redactor().String(err.Error())))
}
