// Package inspect owns the test-facing side of a sandbox server: the log of
// requests it received and the HTTP inspection API under /_sandbox/ through
// which tests of the real binary read state, inject faults and reset.
//
// The inspection API exists only in the sandbox; the real services have no
// such paths.
package inspect

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// Request is one call a sandbox server received.
type Request struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	// Op is the operation: the SOAP operation name or "METHOD endpoint".
	Op string `json:"op"`
	// Query is the query string with credentials replaced by "REDACTED".
	Query string `json:"query,omitempty"`
	// Body is the request body (SOAP envelope or JSON), capped at 64 KiB.
	Body string `json:"body,omitempty"`
	// Status is the HTTP status sent, 0 when the connection was dropped.
	Status int `json:"status"`
	// Result is a short outcome: "ok", an error code, or the fault kind.
	Result string `json:"result"`
}

const maxLoggedBody = 64 << 10

// RequestLog is a bounded, concurrency-safe list of requests.
type RequestLog struct {
	mu     sync.Mutex
	reqs   []Request
	oldest int // where the oldest request is once the log is full
	max    int
}

// NewRequestLog keeps at most max requests (the oldest are dropped).
func NewRequestLog(max int) *RequestLog { return &RequestLog{max: max} }

// Add appends a request, truncating its body.
func (l *RequestLog) Add(r Request) {
	if len(r.Body) > maxLoggedBody {
		r.Body = r.Body[:maxLoggedBody] + "...(truncated)"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max <= 0 || len(l.reqs) < l.max {
		l.reqs = append(l.reqs, r)
		return
	}
	// Full: overwrite the oldest, a ring, instead of copying the whole log
	// on every call.
	l.reqs[l.oldest] = r
	l.oldest = (l.oldest + 1) % l.max
}

// All returns a copy of the logged requests, oldest first.
func (l *RequestLog) All() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, 0, len(l.reqs))
	out = append(out, l.reqs[l.oldest:]...)
	return append(out, l.reqs[:l.oldest]...)
}

// Count returns how many logged requests have the given op.
func (l *RequestLog) Count(op string) int {
	n := 0
	for _, r := range l.All() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// Clear empties the log.
func (l *RequestLog) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs, l.oldest = nil, 0
}

// Target is a sandbox server as the inspection API sees it.
type Target interface {
	// Snapshot returns the server's state as a JSON-encodable value.
	Snapshot() any
	// Reset restores the state the server started with and clears faults and log.
	Reset()
	Faults() *fault.Injector
	Requests() *RequestLog
}

// Prefix is the path prefix of the inspection API.
const Prefix = "/_sandbox/"

// Handler serves the inspection API of t:
//
//	GET    /_sandbox/state     the state as JSON; as a readable HTML page when
//	                           the client asks for text/html (a browser) and
//	                           the target is a Pager
//	GET    /_sandbox/stand     the readable HTML page (Pager targets only)
//	GET    /_sandbox/requests  the request log as JSON
//	POST   /_sandbox/faults    add fault rules (a JSON object or array of fault.Rule)
//	DELETE /_sandbox/faults    remove every fault rule
//	GET    /_sandbox/faults    how often each kind of fault fired
//	POST   /_sandbox/reset     restore the starting state
//	POST   /_sandbox/payments  register a payment {"invoice":"F1","amount":12.5}
//	                           (Payer targets only)
func Handler(t Target) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, Prefix) {
		case "state":
			if r.Method != http.MethodGet {
				break
			}
			if p, ok := t.(Pager); ok && wantsHTML(r) && r.URL.Query().Get("format") != "json" {
				writePage(w, p.Page())
				return
			}
			writeJSON(w, t.Snapshot())
			return
		case "stand":
			p, ok := t.(Pager)
			if !ok {
				http.NotFound(w, r)
				return
			}
			if r.Method != http.MethodGet {
				break
			}
			writePage(w, p.Page())
			return
		case "requests":
			if r.Method != http.MethodGet {
				break
			}
			writeJSON(w, t.Requests().All())
			return
		case "faults":
			switch r.Method {
			case http.MethodGet:
				writeJSON(w, t.Faults().Fired())
				return
			case http.MethodDelete:
				t.Faults().Clear()
				w.WriteHeader(http.StatusNoContent)
				return
			case http.MethodPost:
				rules, err := decodeRules(r)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				for _, rule := range rules {
					t.Faults().Add(rule)
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
		case "payments":
			servePayment(w, r, t)
			return
		case "reset":
			if r.Method != http.MethodPost {
				break
			}
			t.Reset()
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			http.NotFound(w, r)
			return
		}
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	})
}

// Payer is a target on which a test registers a payment of an invoice, as
// e-Boekhouden's bank import would (both e-Boekhouden sandboxes).
type Payer interface {
	RegisterPayment(invoiceNumber string, amount float64) error
}

// payment is the body of POST /_sandbox/payments: amount in euros incl.
// VAT.
type payment struct {
	Invoice string   `json:"invoice"`
	Amount  *float64 `json:"amount"`
}

// servePayment answers POST /_sandbox/payments: 404 for a target that is
// no Payer, 400 for a body without invoice and amount, 409 for a payment
// the target refuses.
func servePayment(w http.ResponseWriter, r *http.Request, t Target) {
	p, ok := t.(Payer)
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodPost:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var pay payment
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&pay); err != nil || pay.Invoice == "" || pay.Amount == nil {
		http.Error(w, `payment: want {"invoice":"…","amount":12.34}`, http.StatusBadRequest)
		return
	}
	if err := p.RegisterPayment(pay.Invoice, *pay.Amount); err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func decodeRules(r *http.Request) ([]fault.Rule, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("fault rules: %w", err)
	}
	var rules []fault.Rule
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := json.Unmarshal(raw, &rules); err != nil {
			return nil, fmt.Errorf("fault rules: %w", err)
		}
	} else {
		var one fault.Rule
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, fmt.Errorf("fault rule: %w", err)
		}
		rules = []fault.Rule{one}
	}
	for _, rule := range rules {
		if !rule.Kind.Valid() {
			return nil, fmt.Errorf("fault rule for %q: unknown kind %q (known: %v)", rule.Op, rule.Kind, fault.Kinds)
		}
	}
	return rules, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}
