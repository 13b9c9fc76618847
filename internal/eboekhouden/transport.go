package eboekhouden

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/koppeling/koppeling/internal/endpoint"
)

// This file owns the http.RoundTripper under gosoap: it serves the embedded
// WSDL, sends each SOAP call to the configured endpoint with the caller's
// context and the per-call timeout, reads every answer itself up to the size
// cap, keeps SOAP Fault bodies that gosoap would discard, and records whether
// any byte of the request was sent.

// wsdl is the e-Boekhouden WSDL, byte-identical to
// shared/reference/eboekhouden.wsdl. gosoap reads it through wsdlURL, which
// the RoundTripper answers from memory: the WSDL is never fetched.
//
//go:embed eboekhouden.wsdl
var wsdl []byte

const (
	nsTNS       = "http://www.e-boekhouden.nl/soap"
	soapActionP = nsTNS + "/"
	// wsdlURL is what gosoap is told to load; it names no real host.
	wsdlURL = "https://wsdl.koppeling.invalid/eboekhouden.wsdl"
)

// exchange is one SOAP call in flight: the caller's context going in, what
// happened on the wire coming out. The client creates one per attempt.
type exchange struct {
	ctx  context.Context
	op   string
	sent atomic.Bool // request headers were written to a connection

	// Set by RoundTrip.
	attempted bool // RoundTrip was asked to send the call
	cutOff    bool // the answer started but could not be read completely
	status    int
	statusTxt string
	ctype     string // the answer's Content-Type
	body      []byte // the complete answer, at most the size cap
	fault     *soapFault
	tooLarge  bool
	err       error // no complete answer: dial, write, read or refusal error
	refused   error // refused before sending (programming or config error)
}

// soapFault is the content of a soap:Fault.
type soapFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
}

// transport is the RoundTripper of the gosoap client's http.Client.
type transport struct {
	base     http.RoundTripper
	endpoint *url.URL
	timeout  time.Duration
	maxBytes int64

	mu  sync.Mutex
	cur *exchange
}

// begin and end bracket the one gosoap call in flight.
func (t *transport) begin(x *exchange) {
	t.mu.Lock()
	t.cur = x
	t.mu.Unlock()
}

func (t *transport) end() {
	t.mu.Lock()
	t.cur = nil
	t.mu.Unlock()
}

// errRefusedRequest is returned for requests gosoap should never make.
var errRefusedRequest = errors.New("request refused by the e-Boekhouden transport")

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.Method == http.MethodGet && req.URL.String() == wsdlURL {
		return t.serveWSDL(req), nil
	}
	t.mu.Lock()
	x := t.cur
	t.mu.Unlock()
	if x == nil || req.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: %s outside a call", errRefusedRequest, req.Method)
	}
	x.attempted = true
	action := strings.Trim(req.Header.Get("SOAPAction"), `"`)
	if action != soapActionP+x.op {
		x.refused = fmt.Errorf("%w: SOAPAction %q does not match operation %s", errRefusedRequest, action, x.op)
		return nil, x.refused
	}
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			x.refused = fmt.Errorf("read request body: %w", err)
			return nil, x.refused
		}
		body = b
	}

	ctx, cancel := context.WithTimeout(x.ctx, t.timeout)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { x.sent.Store(true) },
	})
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint.String(), bytes.NewReader(body))
	if err != nil {
		x.refused = err
		return nil, err
	}
	out.Header.Set("Content-Type", "text/xml; charset=utf-8")
	out.Header.Set("SOAPAction", `"`+action+`"`)
	out.Header.Set("Accept", "text/xml")

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		x.err = t.cause(ctx, x.ctx, err)
		return nil, x.err
	}
	defer resp.Body.Close()
	x.status, x.statusTxt, x.ctype = resp.StatusCode, resp.Status, resp.Header.Get("Content-Type")

	data, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBytes+1))
	switch {
	case int64(len(data)) > t.maxBytes:
		x.tooLarge = true
		x.err = fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, t.maxBytes)
		return nil, x.err
	case err != nil:
		x.cutOff = true
		x.err = t.cause(ctx, x.ctx, err)
		return nil, x.err
	}
	x.body = data
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		x.fault = parseFault(data)
		x.err = fmt.Errorf("HTTP %s", resp.Status)
		return nil, x.err
	}
	// The client decodes x.body itself (xmlread.go); gosoap gets an empty
	// envelope, because its own decode of a large answer alone exceeds the
	// decoding budget.
	return &http.Response{
		Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
		ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}}, Body: io.NopCloser(strings.NewReader(emptyEnvelope)),
		ContentLength: int64(len(emptyEnvelope)), Request: req,
	}, nil
}

// emptyEnvelope is what gosoap decodes in place of every 2xx answer.
const emptyEnvelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body></soap:Body></soap:Envelope>`

// cause prefers the context's reason over the transport's wording of it:
// the caller's cancellation or deadline first, then the per-call timeout.
func (t *transport) cause(ctx, caller context.Context, err error) error {
	if callerErr := caller.Err(); callerErr != nil {
		return callerErr
	}
	if ctx.Err() != nil {
		return fmt.Errorf("no complete answer within %s: %w", t.timeout, context.DeadlineExceeded)
	}
	return err
}

func (t *transport) serveWSDL(req *http.Request) *http.Response {
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body:          io.NopCloser(bytes.NewReader(wsdl)),
		ContentLength: int64(len(wsdl)), Request: req,
	}
}

// checkEndpoint accepts https, and plain http only on a loopback host.
func checkEndpoint(raw string) (*url.URL, error) {
	u, err := endpoint.Check(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: endpoint: %w", ErrInvalid, err)
	}
	return u, nil
}
