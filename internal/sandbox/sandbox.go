// Package sandbox starts the sandbox servers, e-Boekhouden on both its
// roads (SOAP, and the REST API "v1") and OutSmart (OPENApi v8), side by
// side on loopback ports and each loaded with one dataset (the two
// e-Boekhouden servers each keep their own copy: a user uses one road). It is what `koppeling sandbox` and demo mode run, and what tests
// use to get real HTTP endpoints:
//
//	sb, err := sandbox.Start(sandbox.Options{})
//	defer sb.Close()
//	// sb.EBoekhoudenURL, sb.EBoekhoudenRESTURL, sb.OutSmartURL,
//	// sb.Dataset.EBoekhouden.Credentials, ebrest.DemoAPIToken ...
//
// The servers themselves live in the eboekhouden and outsmart subpackages and
// import no client code of the product, so client bugs cannot hide behind
// shared code.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/sandbox/outsmart"
)

// Options configure Start. The zero value starts both servers on free
// loopback ports with the embedded demo dataset.
type Options struct {
	// Dataset is the starting state; nil means demodata.Default().
	Dataset *demodata.Dataset
	// EBoekhoudenAddr, EBoekhoudenRESTAddr and OutSmartAddr are listen
	// addresses ("127.0.0.1:8081"); empty means a free loopback port.
	EBoekhoudenAddr     string
	EBoekhoudenRESTAddr string
	OutSmartAddr        string
	// Latency is added to every call of both servers.
	Latency time.Duration
	// Seed seeds the random fault rules of the servers.
	Seed uint64
	// Now is the clock of both servers; nil means time.Now.
	Now func() time.Time
	// ResultCap, SessionMaxCalls and CallLimitPerMinute configure the
	// e-Boekhouden server (see eboekhouden.Options); zero keeps its defaults.
	ResultCap          int
	SessionMaxCalls    int
	CallLimitPerMinute int
}

// Sandbox is a running pair of servers.
type Sandbox struct {
	EBoekhouden     *eboekhouden.Server
	EBoekhoudenREST *ebrest.Server
	OutSmart        *outsmart.Server
	// EBoekhoudenURL is the SOAP endpoint, ".../soap.asmx"; the WSDL is at
	// EBoekhoudenURL + "?wsdl".
	EBoekhoudenURL string
	// EBoekhoudenRESTURL is the REST API's base URL ("http://127.0.0.1:port";
	// the API is under it at /v1/); it accepts ebrest.DemoAPIToken.
	EBoekhoudenRESTURL string
	// OutSmartURL is the OPENApi base URL, ".../openapi/8".
	OutSmartURL string
	// Dataset is the starting state, including the credentials both servers accept.
	Dataset *demodata.Dataset

	servers []*http.Server
	done    chan error
	fresh   freshConns
}

// freshConns are the connections that have not yet sent a request
// (http.StateNew). Shutdown would wait up to five seconds for each: a
// client's transport may dial a spare connection it never uses, and then
// every Close took five seconds. At Shutdown, after the listeners closed,
// they are closed at once: no call is in flight on them.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]bool
}

// track is an http.Server's ConnState hook.
func (f *freshConns) track(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns == nil {
		f.conns = map[net.Conn]bool{}
	}
	if state == http.StateNew {
		f.conns[c] = true
	} else {
		delete(f.conns, c)
	}
}

// closeAll closes the connections that are still fresh.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		_ = c.Close()
		delete(f.conns, c)
	}
}

// Start listens on both addresses and serves until Close.
func Start(opts Options) (*Sandbox, error) {
	ds := opts.Dataset
	if ds == nil {
		ds = demodata.Default()
	} else {
		ds = ds.Clone()
	}
	if err := ds.Validate(); err != nil {
		return nil, fmt.Errorf("sandbox dataset: %w", err)
	}
	sb := &Sandbox{
		Dataset: ds,
		EBoekhouden: eboekhouden.New(eboekhouden.Options{
			Dataset: ds.EBoekhouden, Latency: opts.Latency, Seed: opts.Seed, Now: opts.Now,
			ResultCap: opts.ResultCap, SessionMaxCalls: opts.SessionMaxCalls, CallLimitPerMinute: opts.CallLimitPerMinute,
		}),
		EBoekhoudenREST: ebrest.New(ebrest.Options{
			Dataset: ds.EBoekhouden, Seed: opts.Seed + 2, Now: opts.Now, CallLimitPerMinute: opts.CallLimitPerMinute,
		}),
		OutSmart: outsmart.New(outsmart.Options{
			Dataset: ds.OutSmart, Latency: opts.Latency, Seed: opts.Seed + 1, Now: opts.Now,
		}),
		done: make(chan error, 3),
	}
	ebURL, err := sb.serve(opts.EBoekhoudenAddr, sb.EBoekhouden)
	if err != nil {
		return nil, fmt.Errorf("start e-Boekhouden sandbox: %w", err)
	}
	osURL, err := sb.serve(opts.OutSmartAddr, sb.OutSmart)
	if err != nil {
		_ = sb.Close()
		return nil, fmt.Errorf("start OutSmart sandbox: %w", err)
	}
	if sb.EBoekhoudenRESTURL, err = sb.serve(opts.EBoekhoudenRESTAddr, sb.EBoekhoudenREST); err != nil {
		_ = sb.Close()
		return nil, fmt.Errorf("start e-Boekhouden REST sandbox: %w", err)
	}
	sb.EBoekhoudenURL = ebURL + "/soap.asmx"
	sb.OutSmartURL = osURL + "/openapi/8"
	return sb, nil
}

func (sb *Sandbox) serve(addr string, h http.Handler) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ConnState: sb.fresh.track}
	srv.RegisterOnShutdown(sb.fresh.closeAll)
	sb.servers = append(sb.servers, srv)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		sb.done <- err
	}()
	return "http://" + ln.Addr().String(), nil
}

// Done receives once for each server that stops: nil after Close, the error
// when a server failed by itself. Select on it together with a shutdown signal.
func (sb *Sandbox) Done() <-chan error { return sb.done }

// Close stops the servers, waiting up to five seconds for calls in flight.
func (sb *Sandbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range sb.servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			_ = srv.Close()
		}
	}
	return errors.Join(errs...)
}
