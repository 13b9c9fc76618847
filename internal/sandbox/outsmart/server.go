// Package outsmart owns the OutSmart sandbox: a strict stand-in for
// OutSmart's OPENApi v8 (https://app.out-smart.com/openapi/8/) that the
// product's tests, soak runs and demo mode talk to instead of the real
// service.
//
// It serves the endpoints an accounting link uses (relations, materials,
// hourtypes, workstatusses, employees, GetWorkorders, GetWorkorder,
// UpdateWorkorder) under /openapi/8/, with the documented envelope, codes,
// query-parameter authentication, advanced filters and number formats, and
// the inspection API of package inspect under /_sandbox/. It is faithful
// where OutSmart documents behaviour (update_status defaults to true and
// marks work orders Afgehandeld) and stricter where it does not (unknown
// fields are refused, protocol misuses are recorded as violations). Every
// behaviour that is not documented is marked [inferred] in the code.
package outsmart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

const (
	// maxBodyBytes caps a request body; a larger one is a 1009 [inferred].
	maxBodyBytes = 10 << 20
	// requestLogSize is how many requests the log keeps.
	requestLogSize = 10000
	// defaultOversize is the body size of an Oversized fault without Size.
	defaultOversize = 16 << 20
)

// Options configure a Server.
type Options struct {
	Dataset demodata.OutSmart // starting state (the server keeps its own deep copy)
	Latency time.Duration     // added before every call
	Seed    uint64            // seed for random fault rules
	Now     func() time.Time  // clock; nil = time.Now
	// RequireHTTPS answers 1006, as OutSmart does on plain HTTP [DOC S1],
	// unless the request came over TLS or with X-Forwarded-Proto: https. Off
	// by default because the sandbox listens on loopback HTTP.
	RequireHTTPS bool
}

// Server is the OutSmart sandbox. It is safe for concurrent use.
type Server struct {
	creds        demodata.OSCredentials
	requireHTTPS bool
	latency      time.Duration
	now          func() time.Time
	faults       *fault.Injector
	log          *inspect.RequestLog
	inspect      http.Handler

	mu         sync.Mutex
	start      State // the normalised starting dataset, for Reset
	state      State
	violations []string
}

var _ inspect.Target = (*Server)(nil)

// New returns a server holding a deep copy of opts.Dataset.
func New(opts Options) *Server {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	start := stateFromDataset(opts.Dataset)
	s := &Server{
		creds:        opts.Dataset.Credentials,
		requireHTTPS: opts.RequireHTTPS,
		latency:      opts.Latency,
		now:          now,
		faults:       fault.NewInjector(opts.Seed),
		log:          inspect.NewRequestLog(requestLogSize),
		start:        start,
		state:        start.clone(),
	}
	s.inspect = inspect.Handler(s)
	return s
}

// ServeHTTP serves OPENApi v8 under /openapi/8/ and the inspection API under
// inspect.Prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, inspect.Prefix) {
		s.inspect.ServeHTTP(w, r)
		return
	}
	s.serveAPI(w, r)
}

// serveAPI handles one API call: latency, the fault decision, the call
// itself and the log entry. The entry is logged before the answer is written,
// so a client that has its answer finds the call in the log.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rd := s.redactorFor(q)
	name, underBase := endpointOf(r.URL.Path)
	op := r.Method + " " + name
	body, bodyErr := readBody(w, r)
	entry := inspect.Request{
		Time:   s.now(),
		Method: r.Method,
		Op:     rd.text(op),
		Query:  rd.query(r.URL.RawQuery),
		Body:   rd.text(string(body)),
	}
	record := func(status int, result string) {
		entry.Status, entry.Result = status, result
		s.log.Add(entry)
	}

	if s.latency > 0 && !fault.Wait(r, s.latency) {
		record(0, "client gone") // not applied [inferred]
		return
	}
	rule, faulted := s.faults.Next(op)
	if faulted {
		kind := string(rule.Kind)
		switch rule.Kind {
		case fault.HTTP500, fault.GeneralError:
			status := http.StatusOK
			if rule.Kind == fault.HTTP500 {
				status = http.StatusInternalServerError
			}
			out, _ := fail(codeGeneral, msgGeneralError).encode()
			record(status, kind)
			writeBody(w, status, out)
			return
		case fault.DropBeforeApply:
			record(0, kind)
			fault.Drop(w)
			return
		case fault.Oversized:
			record(http.StatusOK, kind)
			writeOversized(w, rule.Size)
			return
		case fault.Timeout:
			if !fault.Wait(r, time.Duration(rule.Delay)) {
				record(0, kind) // the client gave up first: not applied
				return
			}
		case fault.Slow:
			// Applied even when the client gave up meanwhile, like a server
			// that does not notice the client left [inferred].
			fault.Wait(r, time.Duration(rule.Delay))
		case fault.DropAfterApply, fault.Malformed, fault.Unrecognised:
			// handled after the call is applied
		default:
			faulted = false // an e-Boekhouden-only kind has no OutSmart form [inferred]
		}
	}

	rep, out := s.apply(r, &call{q: q, body: body, bodyErr: bodyErr}, name, underBase, rd)
	status, result := rep.status(), rep.result()
	if faulted {
		result = string(rule.Kind)
		switch rule.Kind {
		case fault.DropAfterApply:
			record(0, result)
			fault.Drop(w)
			return
		case fault.Malformed:
			out = fault.Truncate(out)
		case fault.Unrecognised:
			out = unrecognised(out)
		}
	}
	record(status, result)
	writeBody(w, status, out)
}

// apply runs the call under the lock and encodes its answer there too, so
// that no answer shares memory with a later change of the state.
func (s *Server) apply(r *http.Request, c *call, name string, underBase bool, rd redactor) (reply, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, transportOK := s.checkHTTPS(r)
	if transportOK {
		var h handlerFunc
		if h, rep = s.route(r.Method, name, underBase, c.q); h != nil {
			rep = h(s, c)
		}
	}
	// Messages may echo what the client sent (a path, a field name): scrub
	// credentials from them.
	for i, m := range rep.messages {
		rep.messages[i] = rd.text(m)
	}
	out, err := rep.encode()
	if err != nil {
		rep = fail(codeGeneral, msgGeneralError, fmt.Sprintf("Sandbox error: %v", err))
		out, _ = rep.encode()
	}
	return rep, out
}

// status is the HTTP status of a reply.
func (r reply) status() int {
	if r.httpStatus != 0 {
		return r.httpStatus
	}
	return http.StatusOK
}

// violate records a protocol misuse; the caller holds the lock.
func (s *Server) violate(msg string) {
	s.violations = append(s.violations, msg)
}

// readBody reads at most maxBodyBytes of the request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return b, errBodyTooLarge
	case err != nil:
		return b, fmt.Errorf("%w: %v", errBodyUnreadable, err)
	}
	return b, nil
}

// writeBody sends a JSON answer. A write error means the client left, which
// is not the sandbox's problem.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeOversized answers HTTP 200 with a size-byte body that starts like a
// valid envelope, streamed so that a large size costs no memory.
func writeOversized(w http.ResponseWriter, size int) {
	if size <= 0 {
		size = defaultOversize
	}
	prefix, suffix := []byte(`{"code":200,"messages":[],"response":"`), []byte(`"}`)
	if size < len(prefix)+len(suffix) {
		prefix, suffix = nil, nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(prefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for pad := size - len(prefix) - len(suffix); pad > 0; pad -= len(chunk) {
		if _, err := w.Write(chunk[:min(pad, len(chunk))]); err != nil {
			return
		}
	}
	_, _ = w.Write(suffix)
}

// State returns a deep copy of the current state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.clone()
}

// Snapshot returns the state and the recorded violations for the inspection
// API.
func (s *Server) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return snapshot{State: s.state.clone(), Violations: append([]string{}, s.violations...)}
}

// Update changes the state under the lock, for tests and soak runs (complete
// a work order, add one, change master data). Values are normalised
// afterwards as at load (prices in their answered notation, default flags).
func (s *Server) Update(fn func(st *State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.state)
	s.state.keys = nil
	s.state.normalise()
}

// Reset restores the starting dataset and clears fault rules, the request log
// and the violations.
func (s *Server) Reset() {
	s.mu.Lock()
	s.state = s.start.clone()
	s.violations = nil
	s.mu.Unlock()
	s.faults.Clear()
	s.log.Clear()
}

// Faults returns the server's fault injector.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Requests returns the server's request log.
func (s *Server) Requests() *inspect.RequestLog { return s.log }

// Violations returns the protocol misuses seen since the start or the last
// Reset, oldest first.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}
