// Package ebrest owns the e-Boekhouden.nl REST sandbox: an HTTP server that
// speaks the real service's REST API v1 (https://api.e-boekhouden.nl/v1/...)
// over the demo dataset, for tests of the REST client.
//
// It follows the implementation reference (shared/reference/eboekhouden-rest.md,
// "checklist for a strict fake") and is stricter than the real service where
// that catches client bugs: JSON bodies with unknown fields, wrong types or
// missing required fields, wrong paging and filter syntax, and calls without
// a live session are refused with the documented error body ({type, code,
// title, status, propertyName}). Behaviour the reference does not document is
// marked [inferred] where it is implemented.
//
// Besides /v1/ the server answers the sandbox inspection API under /_sandbox/
// (package inspect): state, request log, fault injection, reset.
//
// It serves the session (POST and DELETE /v1/session), the Authorization
// check, rate limiting, relations and products (lists with paging and
// filters, look-up by id, create), the units and invoice templates lists,
// invoices (create with numbering, FACT_101, booking with a checked payment
// reference; list with look-up by number; by id) and the outstanding
// amounts of booked invoices, with RegisterPayment as the test hook that
// pays them. Not yet served: ledgers, cost centres, e-mail templates,
// mutations, PATCH and DELETE.
package ebrest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// Options configure a Server.
type Options struct {
	// Dataset is the starting state; the server keeps its own copy.
	Dataset demodata.EBoekhouden
	// APITokens are the API tokens POST /v1/session accepts; nil means
	// []string{DemoAPIToken}. [inferred: the demo dataset carries no REST
	// token, so the sandbox defines one]
	APITokens []string
	// ExpiredTokens are API tokens that answer API_SESSION_004 "Access token
	// has expired." (the reference's expired-token fixture).
	ExpiredTokens []string
	// SessionTTL is the session lifetime reported as expiresIn; 0 means
	// DefaultSessionTTL. A session is refused once it has lived that long.
	SessionTTL time.Duration
	// CallLimitPerMinute, when > 0, answers 429 with Retry-After to calls
	// beyond that many per API token in any sliding minute. [inferred: no
	// limit is published]
	CallLimitPerMinute int
	// Seed seeds the random fault rules.
	Seed uint64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Defaults and limits.
const (
	// DemoAPIToken is the API token the sandbox accepts when Options.APITokens
	// is nil. It is a sandbox value, not a secret.
	DemoAPIToken = "demo-rest-api-token-0f5c2a9e7b1d4c83"
	// DefaultSessionTTL is expiresIn when Options.SessionTTL is 0. [inferred:
	// the reference suggests 3600]
	DefaultSessionTTL = time.Hour
	// MaxRequestBody caps a request body; a larger one is refused with 413.
	// [inferred]
	MaxRequestBody = 1 << 20
	// requestLogSize is how many requests the inspection log keeps.
	requestLogSize = 1000
)

// Server is the e-Boekhouden REST sandbox. It is safe for concurrent use.
type Server struct {
	opts    Options
	start   State // the starting state, for Reset
	faults  *fault.Injector
	log     *inspect.RequestLog
	inspect http.Handler

	mu       sync.Mutex
	st       State
	sessions map[string]*session
	calls    map[string][]time.Time // accepted call times per API token
}

// New returns a server over a copy of opts.Dataset. It panics when the
// dataset cannot be mapped to the REST model (ids beyond int32, duplicate ids
// or codes, amounts that do not parse): datasets are built by the program or
// validated by demodata.Parse, so that is a programming error.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.APITokens == nil {
		opts.APITokens = []string{DemoAPIToken}
	}
	st, err := stateFromDataset(opts.Dataset)
	if err != nil {
		panic(fmt.Sprintf("ebrest sandbox: invalid dataset: %v", err))
	}
	opts.Dataset = demodata.EBoekhouden{}
	s := &Server{
		opts:     opts,
		start:    st.clone(),
		faults:   fault.NewInjector(opts.Seed),
		log:      inspect.NewRequestLog(requestLogSize),
		st:       st,
		sessions: map[string]*session{},
		calls:    map[string][]time.Time{},
	}
	s.inspect = inspect.Handler(s)
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// ServeHTTP serves /v1/... and the inspection API under inspect.Prefix.
// Every request except those of the inspection API is logged, with the body
// of POST /v1/session left out (it carries the API token).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, inspect.Prefix) {
		s.inspect.ServeHTTP(w, r)
		return
	}
	if r.URL.Path == pdfPath && r.Method == http.MethodGet {
		s.servePDF(w, r) // an invoice's urlPdfFile (pdf.go)
		return
	}
	body, tooLarge := readBody(r)
	rt, params := route(r.Method, r.URL.Path)
	op := r.Method + " " + r.URL.Path
	if rt != nil {
		op = rt.op
	}
	entry := inspect.Request{Time: s.now(), Method: r.Method, Op: op, Query: r.URL.RawQuery}
	if op != opSessionOpen {
		entry.Body = string(body)
	}
	// The request is logged before its answer (or the dropped connection)
	// reaches the client, so that a test that has seen the answer finds the
	// request in the log.
	logged := false
	drop := func() {
		entry.Result, logged = "dropped", true
		s.log.Add(entry)
		fault.Drop(w)
	}
	resp := s.respond(r, rt, params, body, tooLarge, op, drop)
	switch {
	case resp != nil:
		entry.Status, entry.Result = resp.status, resp.result()
		s.log.Add(entry)
		resp.write(w)
	case !logged: // the client left before the answer
		entry.Result = "dropped"
		s.log.Add(entry)
	}
}

// respond answers one call, applying a fault rule when one fires. It returns
// nil when the connection was dropped (by drop) or the client left.
func (s *Server) respond(r *http.Request, rt *routeDef, params []string, body []byte, tooLarge bool, op string, drop func()) *response {
	if rt == nil {
		if pathKnown(r.URL.Path) {
			return errorResponse(http.StatusMethodNotAllowed, apiError{Type: "error", Title: "Method not allowed."})
		}
		return errorResponse(http.StatusNotFound, apiError{Type: "error", Title: "Not found."})
	}
	if tooLarge {
		return errorResponse(http.StatusRequestEntityTooLarge, apiError{Type: "error", Title: "Request body too large."})
	}
	rule, fire := s.faults.Next(op)
	if fire {
		if resp, done := s.faultBefore(r, rule, drop); done {
			return resp
		}
	}
	resp := s.call(r, rt, params, body)
	if fire {
		return faultAfter(rule, resp, drop)
	}
	return resp
}

// call checks the session (unless the route needs none) and the rate limit,
// then runs the route's handler.
func (s *Server) call(r *http.Request, rt *routeDef, params []string, body []byte) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if !rt.public {
		sess, resp := s.authorize(r.Header.Get("Authorization"), now)
		if resp != nil {
			return resp
		}
		if resp := s.countCall(sess.apiToken, now); resp != nil {
			return resp
		}
		return rt.handle(s, &call{r: r, params: params, body: body, now: now, session: sess})
	}
	return rt.handle(s, &call{r: r, params: params, body: body, now: now})
}

// readBody reads at most MaxRequestBody bytes; tooLarge reports a longer body.
func readBody(r *http.Request) (body []byte, tooLarge bool) {
	if r.Body == nil {
		return nil, false
	}
	var buf bytes.Buffer
	n, _ := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, MaxRequestBody+1))
	if n > MaxRequestBody {
		return nil, true
	}
	return buf.Bytes(), false
}

// State returns a deep copy of the state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.clone()
	st.Sessions = s.liveSessions(s.now())
	return st
}

// Snapshot returns State() for the inspection API. The state holds no
// tokens.
func (s *Server) Snapshot() any { return s.State() }

// Update changes the state under the lock: fn gets a copy, and the copy
// replaces the state. It panics, leaving the state unchanged, when fn made
// the state inconsistent (duplicate ids or codes).
func (s *Server) Update(fn func(st *State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.clone()
	fn(&st)
	st.sortByID()
	if err := st.check(); err != nil {
		panic(fmt.Sprintf("ebrest sandbox: Update made the state inconsistent: %v", err))
	}
	st.Sessions = 0
	s.st = st
}

// Reset restores the starting dataset and clears sessions, call counts,
// fault rules and the request log.
func (s *Server) Reset() {
	s.mu.Lock()
	s.st = s.start.clone()
	s.sessions = map[string]*session{}
	s.calls = map[string][]time.Time{}
	s.mu.Unlock()
	s.faults.Clear()
	s.log.Clear()
}

// Faults returns the fault injector; rules match operation names such as
// "POST /v1/relation" or "GET /v1/relation/{id}".
func (s *Server) Faults() *fault.Injector { return s.faults }

// Requests returns the request log (the session request's body left out).
func (s *Server) Requests() *inspect.RequestLog { return s.log }

var _ inspect.Target = (*Server)(nil)

// Running is a Server listening on a loopback port.
type Running struct {
	*Server
	// URL is the base URL, "http://127.0.0.1:port"; the API is under URL + "/v1/".
	URL string

	srv  *http.Server
	done chan error
}

// Start serves a new Server on addr ("127.0.0.1:8083"; empty means a free
// loopback port) until Close.
func Start(addr string, opts Options) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := New(opts)
	rs := &Running{Server: s, URL: "http://" + ln.Addr().String(), done: make(chan error, 1),
		srv: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		err := rs.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		rs.done <- err
	}()
	return rs, nil
}

// Close stops the server, waiting up to five seconds for calls in flight.
func (rs *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rs.srv.Shutdown(ctx); err != nil {
		_ = rs.srv.Close()
		return err
	}
	return <-rs.done
}
