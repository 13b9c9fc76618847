// Package fault owns the fault injection both sandbox servers share: rules for
// HTTP 500, dropped connections before or after a write was applied, slow
// responses, timeouts, malformed and oversized bodies, answers in a shape the
// client does not know, session expiry and call limits.
//
// A server asks the Injector once per call, by operation name ("AddFactuur",
// "POST relations", ...), which fault to apply. Rules fire deterministically
// (skip After matching calls, then fire Times times) or at random with a seeded
// rate, so a soak test can reproduce a failing run from its seed.
package fault

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Kind is what goes wrong.
type Kind string

const (
	// HTTP500 answers with HTTP 500 and the service's error body (a SOAP Fault or
	// an OutSmart 1007 envelope) without applying the call.
	HTTP500 Kind = "http500"
	// DropBeforeApply closes the connection without an answer and without
	// applying the call.
	DropBeforeApply Kind = "drop_before_apply"
	// DropAfterApply applies the call, then closes the connection without an
	// answer: the client cannot know the write happened.
	DropAfterApply Kind = "drop_after_apply"
	// Timeout waits Delay before applying; if the client has gone by then, the
	// call is not applied (a client timeout before the server applied it).
	Timeout Kind = "timeout"
	// Slow waits Delay, then answers normally.
	Slow Kind = "slow"
	// Malformed applies the call and answers HTTP 200 with a truncated body.
	Malformed Kind = "malformed"
	// Oversized applies nothing and answers HTTP 200 with a body of Size bytes of
	// valid-looking padding, to test response size caps.
	Oversized Kind = "oversized"
	// SessionExpired (e-Boekhouden) answers E0023 as if the session had expired,
	// and invalidates the session.
	SessionExpired Kind = "session_expired"
	// CallLimit (e-Boekhouden) answers E003.1 "SOAP call limit reached".
	CallLimit Kind = "call_limit"
	// GeneralError (OutSmart) answers code 1007 with HTTP 200.
	GeneralError Kind = "general_error"
	// Unrecognised applies the call and answers HTTP 200 with a well-formed
	// answer made from the real one, in a shape the client does not know:
	// e-Boekhouden renames the items of a list (cFactuurList becomes
	// FactuurList; the list element itself when it holds no item; the
	// {Op}Result of an operation without a list), OutSmart renames every key
	// of the records in "response" (debtor_number becomes debtor_number_v2).
	// A client that skips what it does not know would read an empty list.
	Unrecognised Kind = "unrecognised"
)

// Rule says which calls fail and how.
type Rule struct {
	// Op is the operation name the server uses ("AddFactuur", "GET GetWorkorders",
	// "POST relations"); "*" or empty matches every call.
	Op   string `json:"op"`
	Kind Kind   `json:"kind"`
	// After skips this many matching calls before the rule starts firing.
	After int `json:"after,omitempty"`
	// Times is how often the rule fires; 0 means every time (until removed).
	Times int `json:"times,omitempty"`
	// Rate, when > 0, fires the rule at random on this fraction of matching calls
	// (After and Times still apply).
	Rate float64 `json:"rate,omitempty"`
	// Delay is the wait for Slow and Timeout.
	Delay Duration `json:"delay,omitempty"`
	// Size is the body size for Oversized.
	Size int `json:"size,omitempty"`

	seen  int
	fired int
}

// Duration is a time.Duration that reads and writes JSON as "1.5s".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "250ms" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("delay %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("delay: want a duration string or nanoseconds")
	}
	*d = Duration(n)
	return nil
}

// Injector holds the active rules of one server. The zero value is not usable;
// use NewInjector.
type Injector struct {
	mu    sync.Mutex
	rules []*Rule
	rng   *rand.Rand
	fired map[Kind]int
}

// NewInjector returns an injector whose random rules draw from seed.
func NewInjector(seed uint64) *Injector {
	return &Injector{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), fired: map[Kind]int{}}
}

// Add activates a rule.
func (in *Injector) Add(r Rule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = append(in.rules, &r)
}

// Clear removes every rule and zeroes the Fired counts.
func (in *Injector) Clear() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = nil
	in.fired = map[Kind]int{}
}

// Fired returns how often each kind of fault fired since the injector was made.
func (in *Injector) Fired() map[Kind]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[Kind]int, len(in.fired))
	for k, v := range in.fired {
		out[k] = v
	}
	return out
}

// Next returns the fault to apply to this call of op, if any. The first rule
// that fires wins; exhausted rules are removed.
func (in *Injector) Next(op string) (Rule, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, r := range in.rules {
		if r.Op != "" && r.Op != "*" && !strings.EqualFold(r.Op, op) {
			continue
		}
		r.seen++
		if r.seen <= r.After {
			continue
		}
		if r.Rate > 0 && in.rng.Float64() >= r.Rate {
			continue
		}
		r.fired++
		in.fired[r.Kind]++
		fired := *r
		if r.Times > 0 && r.fired >= r.Times {
			in.rules = append(in.rules[:i:i], in.rules[i+1:]...)
		}
		return fired, true
	}
	return Rule{}, false
}

// Drop closes the client connection without writing a response. It falls
// back to a panic with http.ErrAbortHandler, which net/http turns into a
// closed connection too, when the writer cannot be hijacked (HTTP/2).
func Drop(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// Wait sleeps for d or until the request is cancelled; it reports whether the
// client is still there.
func Wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return r.Context().Err() == nil
	case <-r.Context().Done():
		return false
	}
}

// Truncate returns the first half of a body, at least one byte shorter than
// the body, so that a parser meets an unexpected end.
func Truncate(body []byte) []byte {
	if len(body) < 2 {
		return nil
	}
	return body[:len(body)/2]
}

// Kinds lists every fault kind.
var Kinds = []Kind{HTTP500, DropBeforeApply, DropAfterApply, Timeout, Slow, Malformed, Oversized, SessionExpired, CallLimit, GeneralError, Unrecognised}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}
