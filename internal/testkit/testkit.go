// Package testkit wires a test to the real parts of a sync, in the spirit of
// net/http/httptest: Start starts the sandbox servers for the test
// (e-Boekhouden on both its roads, SOAP and REST, and OutSmart), and the
// Env it returns holds what reaches them (their endpoints and the demo
// credentials) and builds the e-Boekhouden and OutSmart clients (the REST
// client on the link's REST road, Link.OnREST); OpenStore
// opens a store in a temporary directory; OSVault keeps credentials in the
// OS keychain under an item of the test's own. Everything fails the test
// itself when it cannot be made, and is closed (or deleted) when the test
// ends.
//
// A child process (a crash test) gets the same endpoints and credentials
// through its environment: Link.Environ and LinkFromEnv.
//
// The kit imports the clients, the sandbox, secrets and store, and nothing
// that builds on them (engine, services, ui), so that their own tests can
// use it.
package testkit

import (
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox"
)

// FastRetry is a retry policy that keeps tests quick when a fault makes a
// client retry: three attempts, 1 to 5 ms apart.
var FastRetry = retry.Policy{Attempts: 3, Initial: time.Millisecond, Max: 5 * time.Millisecond}

// Env is a test's running sandboxes and the Link that reaches them.
type Env struct {
	// Sandbox is both servers: their URLs, starting dataset, state, request
	// logs and fault rules.
	Sandbox *sandbox.Sandbox
	// Link is the sandboxes' endpoints and the dataset's credentials.
	Link

	closer *closer
}

// Start starts both sandbox servers with opts (see sandbox.Options; the zero
// value serves the demo administration on free loopback ports) and fails the
// test when they cannot start. They are closed when the test ends, or
// earlier by Close.
func Start(tb testing.TB, opts sandbox.Options) *Env {
	tb.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		tb.Fatalf("start the sandboxes: %v", err)
	}
	env := &Env{Sandbox: sb, Link: Link{
		Endpoints: Endpoints{EBoekhoudenURL: sb.EBoekhoudenURL,
			EBoekhoudenRESTURL: sb.EBoekhoudenRESTURL, OutSmartURL: sb.OutSmartURL},
		Credentials: Credentials(sb.Dataset),
	}}
	env.closer = closeAtCleanup(tb, sb.Close)
	return env
}

// Close stops both servers now instead of when the test ends. It may be
// called more than once. After Close the test's cleanup holds no reference to
// the servers, so that a benchmark which closes each iteration's sandboxes
// does not keep them on the heap until it ends (the testing package keeps a
// benchmark's cleanup functions until then).
func (e *Env) Close() error { return e.closer.close() }

// closer runs a close function once: at close, or when the test ends,
// whichever comes first.
type closer struct {
	mu sync.Mutex
	fn func() error
}

// closeAtCleanup registers fn to run when the test ends unless the returned
// closer ran it before.
func closeAtCleanup(tb testing.TB, fn func() error) *closer {
	c := &closer{fn: fn}
	tb.Cleanup(func() { _ = c.close() })
	return c
}

func (c *closer) close() error {
	c.mu.Lock()
	fn := c.fn
	c.fn = nil // drop what fn holds
	c.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn()
}
