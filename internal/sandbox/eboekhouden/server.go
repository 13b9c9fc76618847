// Package eboekhouden owns the e-Boekhouden.nl SOAP sandbox: an HTTP server
// that speaks the real service's SOAP 1.1 API (the WSDL in this package is the
// real one) over the demo dataset, for tests and the app's demo mode.
//
// It is faithful where the reference documents the service (operation and
// element names, result shapes, E0023/CREL001/E003.1, auto-numbering,
// open items) and stricter than the real service where that catches client
// bugs: every request is validated against the WSDL's own schema at start-up
// (unknown, misspelled, misplaced, missing or mistyped elements are refused
// with a SOAP Fault instead of being silently dropped). Behaviour the
// reference does not document is marked [inferred] where it is implemented.
//
// Besides /soap.asmx the server answers the sandbox inspection API under
// /_sandbox/ (package inspect): state, request log, fault injection, reset.
package eboekhouden

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// Options configure a Server.
type Options struct {
	// Dataset is the starting state; the server keeps its own deep copy.
	Dataset demodata.EBoekhouden
	// Latency is added before every SOAP call.
	Latency time.Duration
	// Seed seeds the random fault rules.
	Seed uint64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ResultCap is the maximum number of records per Get* result; 0 means
	// 2000 (OutSmart's help page: e-Boekhouden returns at most 2,000 records
	// per request). Records beyond it are silently cut, as the service does.
	ResultCap int
	// SessionIdle is how long an unused session lives; 0 means 10 minutes.
	// [inferred: no official lifetime is documented; clients reuse sessions
	// for 5 to 20 minutes]
	SessionIdle time.Duration
	// SessionMaxCalls, when > 0, expires a session after that many calls
	// (the next one answers E0023).
	SessionMaxCalls int
	// CallLimitPerMinute, when > 0, answers E003.1 to calls beyond that many
	// per username in any sliding minute.
	CallLimitPerMinute int
	// Linked are the administrations linked to the account, as an
	// accountant has them (GetAdministraties, OpenSessionSub: linked.go);
	// AddLinked adds more. Empty for an ordinary account.
	Linked []LinkedAdministration
}

// Defaults for zero Options.
const (
	DefaultResultCap   = 2000
	DefaultSessionIdle = 10 * time.Minute
	// MaxRequestBody caps a SOAP request; a larger one gets a SOAP Fault.
	MaxRequestBody = 10 << 20
	// requestLogSize is how many requests the inspection log keeps.
	requestLogSize = 1000
)

// Path is where the SOAP endpoint lives, as on soap.e-boekhouden.nl.
const Path = "/soap.asmx"

// Server is the e-Boekhouden SOAP sandbox. It is safe for concurrent use.
type Server struct {
	opts    Options
	creds   demodata.EBCredentials
	schema  *schema
	start   State // the normalized starting state, for Reset
	faults  *fault.Injector
	log     *inspect.RequestLog
	inspect http.Handler

	mu       sync.Mutex
	st       State
	ix       *index // of st, replaced with it
	sessions map[string]*session
	calls    map[string][]time.Time // accepted call times per username, for CallLimitPerMinute
	// linked are the linked administrations by lower-case GUID, linkedOrder
	// their keys in the order GetAdministraties lists them (linked.go).
	linked      map[string]*linkedAdmin
	linkedOrder []string
}

// New returns a server over a deep copy of opts.Dataset. It panics when the
// dataset is inconsistent (duplicate relation IDs or codes, amounts or dates
// that do not parse): datasets are built by the program or validated by
// demodata.Parse, so that is a programming error.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ResultCap <= 0 {
		opts.ResultCap = DefaultResultCap
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = DefaultSessionIdle
	}
	st := stateFromDataset(opts.Dataset)
	if err := st.normalize(opts.Now()); err != nil {
		panic(fmt.Sprintf("eboekhouden sandbox: invalid dataset: %v", err))
	}
	creds := opts.Dataset.Credentials
	// The server keeps its own copy: holding on to the dataset as well would
	// keep a large administration in memory twice.
	opts.Dataset = demodata.EBoekhouden{}
	s := &Server{
		opts:     opts,
		creds:    creds,
		schema:   loadSchema(),
		start:    st.clone(),
		faults:   fault.NewInjector(opts.Seed),
		log:      inspect.NewRequestLog(requestLogSize),
		st:       st,
		ix:       newIndex(&st),
		sessions: map[string]*session{},
		calls:    map[string][]time.Time{},
		linked:   map[string]*linkedAdmin{},
	}
	for _, l := range opts.Linked {
		s.AddLinked(l)
	}
	s.opts.Linked = nil // AddLinked made the server's own copies
	s.inspect = inspect.Handler(s)
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// ServeHTTP serves POST /soap.asmx (SOAP 1.1), GET /soap.asmx?wsdl, the
// invoice PDF links and the inspection API under inspect.Prefix. Every
// request except those of the inspection API is logged.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// IIS paths are case-insensitive. [inferred]
	soapPath := strings.EqualFold(r.URL.Path, Path)
	switch {
	case strings.HasPrefix(r.URL.Path, inspect.Prefix):
		s.inspect.ServeHTTP(w, r)
	case soapPath && r.Method == http.MethodPost:
		s.serveSOAP(w, r)
	default:
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		s.serveOther(sw, r, soapPath)
		op := r.Method + " " + r.URL.Path
		if soapPath && wantsWSDL(r) {
			op += "?wsdl"
		}
		result := "ok"
		if sw.status >= 400 {
			result = http.StatusText(sw.status)
		}
		s.log.Add(inspect.Request{Time: s.now(), Method: r.Method, Op: op, Query: r.URL.RawQuery, Status: sw.status, Result: result})
	}
}

// statusWriter remembers the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// serveOther answers everything but SOAP calls and the inspection API.
func (s *Server) serveOther(w http.ResponseWriter, r *http.Request, soapPath bool) {
	switch {
	case soapPath:
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			if wantsWSDL(r) {
				s.serveWSDL(w, r)
				return
			}
			s.serveHelp(w)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	case strings.EqualFold(r.URL.Path, pdfPath) && r.Method == http.MethodGet:
		s.servePDF(w, r)
	default:
		http.NotFound(w, r)
	}
}

// State returns a deep copy of the state, with every derived field current.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st := s.st.clone()
	// s.st is consistent (checked on every change), so this only refreshes
	// the clock-dependent derived fields.
	_ = st.normalize(now)
	st.Sessions = s.liveSessions(now)
	return st
}

// Snapshot returns State() for the inspection API. The state holds no
// credentials.
func (s *Server) Snapshot() any { return s.State() }

// Update changes the state under the lock: fn gets a copy, and the copy
// replaces the state after the derived fields were recomputed. It panics,
// leaving the state unchanged, when fn made the state inconsistent
// (duplicate IDs or numbers, amounts or dates that do not parse).
func (s *Server) Update(fn func(st *State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.clone()
	fn(&st)
	if err := st.normalize(s.now()); err != nil {
		panic(fmt.Sprintf("eboekhouden sandbox: Update made the state inconsistent: %v", err))
	}
	st.Sessions = 0
	s.st, s.ix = st, newIndex(&st)
}

// Reset restores the starting dataset (of the linked administrations too) and clears sessions, call counts,
// fault rules and the request log.
func (s *Server) Reset() {
	s.mu.Lock()
	s.st = s.start.clone()
	s.ix = newIndex(&s.st)
	s.sessions = map[string]*session{}
	s.calls = map[string][]time.Time{}
	s.resetLinked()
	s.mu.Unlock()
	s.faults.Clear()
	s.log.Clear()
}

// Faults returns the fault injector; rules match SOAP operation names.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Requests returns the request log (credentials redacted).
func (s *Server) Requests() *inspect.RequestLog { return s.log }

var _ inspect.Target = (*Server)(nil)

// wantsWSDL reports a ?wsdl query in any case.
func wantsWSDL(r *http.Request) bool {
	for key := range r.URL.Query() {
		if strings.EqualFold(key, "wsdl") {
			return true
		}
	}
	return false
}

var wsdlAddress = regexp.MustCompile(`(<soap(?:12)?:address location=")[^"]*(")`)

// serveWSDL serves the embedded WSDL with the service addresses pointing at
// this server.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request) {
	loc := []byte(escapeAttr(baseURL(r) + Path))
	out := wsdlAddress.ReplaceAllFunc(wsdlBytes, func(m []byte) []byte {
		sub := wsdlAddress.FindSubmatch(m)
		return bytes.Join([][]byte{sub[1], loc, sub[2]}, nil)
	})
	writeXML(w, http.StatusOK, out)
}

func escapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;").Replace(s)
}

// serveHelp stands in for the ASMX service help page.
func (s *Server) serveHelp(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "e-Boekhouden SOAP sandbox (SOAP 1.1, namespace %s)\nWSDL: %s?wsdl\nOperations:\n", nsTNS, Path)
	for _, name := range s.schema.opNames {
		status := "not implemented in the sandbox"
		if _, ok := handlers[name]; ok || name == "OpenSession" || name == "OpenSessionSub" || name == "CloseSession" {
			status = "implemented"
		}
		fmt.Fprintf(w, "  %-24s %s\n", name, status)
	}
}

// servePDF answers the URLPDFBestand of an invoice. The sandbox renders no
// PDF; it confirms the invoice exists.
func (s *Server) servePDF(w http.ResponseWriter, r *http.Request) {
	nr, admin := r.URL.Query().Get("c"), r.URL.Query().Get("a")
	s.mu.Lock()
	st := &s.st
	if admin != "" {
		st = nil
		if a := s.linked[linkedKey(admin)]; a != nil {
			st = &a.st
		}
	}
	exists := nr != "" && st != nil && st.invoiceExists(nr)
	s.mu.Unlock()
	if !exists {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "e-Boekhouden sandbox: factuur %s (de sandbox maakt geen PDF)\n", nr)
}
