package eboekhouden

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests use small loopback servers for answers the sandbox does not
// give (soap:Client faults, proxy errors, redirects, cut-off bodies, answers
// that confirm nothing), to pin down the classification of each.

// scripted is a loopback SOAP server: OpenSession always succeeds, every
// other operation is answered by its handler.
type scripted struct {
	mu     sync.Mutex
	calls  map[string]int
	gets   int
	handle func(op string, w http.ResponseWriter)
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	op := strings.TrimPrefix(strings.Trim(r.Header.Get("SOAPAction"), `"`), soapActionP)
	s.mu.Lock()
	if r.Method != http.MethodPost {
		s.gets++
	}
	s.calls[op]++
	s.mu.Unlock()
	if op == opOpenSession {
		_, _ = w.Write(sampleOpenSession)
		return
	}
	if op == opCloseSession {
		_, _ = w.Write(sampleCloseSession)
		return
	}
	s.handle(op, w)
}

func (s *scripted) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

func newScripted(t *testing.T, cfg func(*Config), handle func(op string, w http.ResponseWriter)) (*scripted, *Client) {
	t.Helper()
	s := &scripted{calls: map[string]int{}, handle: handle}
	c := Config{Endpoint: newLoopbackServer(t, s) + "/soap.asmx", Credentials: goldenCreds, Retry: fastRetry, Timeout: 10 * time.Second}
	if cfg != nil {
		cfg(&c)
	}
	client, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return s, client
}

func faultBody(code, msg string) []byte {
	return envelope(`<soap:Fault><faultcode>` + code + `</faultcode><faultstring>` + msg + `</faultstring><detail /></soap:Fault>`)
}

func reply(status int, body []byte) func(string, http.ResponseWriter) {
	return func(_ string, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// The classification matrix: each answer, for a read (GetRelaties) and a
// write (AddFactuur).
func TestClassification(t *testing.T) {
	type want struct {
		kinds    []error // must match
		notKinds []error // must not match
		sends    int     // times the operation was sent
	}
	permanent := []error{ErrTransient, ErrOutcomeUnknown}
	cases := []struct {
		name        string
		handle      func(string, http.ResponseWriter)
		read, write want
		fault       string // expected FaultError code, if any
		status      int    // expected StatusError code, if any
	}{
		{
			name:   "HTTP 500 soap:Client fault",
			handle: reply(500, faultBody("soap:Client", "Server was unable to read request.")),
			read:   want{notKinds: permanent, sends: 1}, write: want{notKinds: permanent, sends: 1}, fault: "soap:Client",
		},
		{
			name:   "HTTP 500 soap:Server fault",
			handle: reply(500, faultBody("soap:Server", "Server was unable to process request. ---> NullReferenceException")),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, fault: "soap:Server",
		},
		{
			name:   "HTTP 500 fault with a refined code",
			handle: reply(500, faultBody("soap:Client.Authentication", "x")),
			read:   want{notKinds: permanent, sends: 1}, write: want{notKinds: permanent, sends: 1}, fault: "soap:Client.Authentication",
		},
		{
			name:   "HTTP 502 from a proxy",
			handle: reply(502, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>")),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, status: 502,
		},
		{
			name:   "HTTP 500 without a body",
			handle: reply(500, nil),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, status: 500,
		},
		{
			name:   "HTTP 429",
			handle: reply(429, []byte("slow down")),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, status: 429,
		},
		{
			name:   "HTTP 404",
			handle: reply(404, []byte("not found")),
			read:   want{notKinds: permanent, sends: 1}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, status: 404,
		},
		{
			name: "redirect is not followed",
			handle: func(_ string, w http.ResponseWriter) {
				w.Header().Set("Location", "http://127.0.0.1:1/elsewhere")
				w.WriteHeader(http.StatusTemporaryRedirect)
			},
			read: want{notKinds: permanent, sends: 1}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, status: 307,
		},
		{
			name:   "soap:Server fault inside HTTP 200",
			handle: reply(200, faultBody("soap:Server", "boom")),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1}, fault: "soap:Server",
		},
		{
			name:   "soap:Client fault inside HTTP 200",
			handle: reply(200, faultBody("soap:Client", "bad request")),
			read:   want{notKinds: permanent, sends: 1}, write: want{notKinds: permanent, sends: 1}, fault: "soap:Client",
		},
		{
			name: "body cut off",
			handle: func(_ string, w http.ResponseWriter) {
				w.Header().Set("Content-Length", "5000")
				w.WriteHeader(200)
				_, _ = w.Write(sampleGetRelaties[:100])
			},
			read: want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1},
		},
		{
			name: "connection closed before an answer",
			handle: func(_ string, w http.ResponseWriter) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			},
			read: want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1},
		},
		{
			name:   "HTML with HTTP 200",
			handle: reply(200, []byte("<html><body>Onderhoud</body></html>")),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1},
		},
		{
			name:   "answer to another operation",
			handle: reply(200, sampleCloseSession),
			read:   want{kinds: []error{ErrTransient}, sends: 3}, write: want{kinds: []error{ErrOutcomeUnknown}, sends: 1},
		},
	}
	for _, c := range cases {
		for _, write := range []bool{false, true} {
			w, op := c.read, opGetRelaties
			name := c.name + "/read"
			if write {
				w, op, name = c.write, opAddFactuur, c.name+"/write"
			}
			t.Run(name, func(t *testing.T) {
				s, client := newScripted(t, nil, c.handle)
				var err error
				if write {
					_, err = client.AddInvoice(context.Background(), goldenInvoice())
				} else {
					_, err = client.Relations(context.Background(), RelationFilter{})
				}
				if err == nil {
					t.Fatal("no error")
				}
				for _, k := range w.kinds {
					if !errors.Is(err, k) {
						t.Errorf("err = %v, want %v", err, k)
					}
				}
				for _, k := range w.notKinds {
					if errors.Is(err, k) {
						t.Errorf("err = %v, must not be %v", err, k)
					}
				}
				if n := s.count(op); n != w.sends {
					t.Errorf("%s sent %d times, want %d", op, n, w.sends)
				}
				var fe *FaultError
				if c.fault != "" && (!errors.As(err, &fe) || fe.Code != c.fault) {
					t.Errorf("err = %v, want FaultError %s", err, c.fault)
				}
				var se *StatusError
				if c.status != 0 && (!errors.As(err, &se) || se.StatusCode != c.status) {
					t.Errorf("err = %v, want StatusError %d", err, c.status)
				}
				if s.gets != 0 {
					t.Errorf("the server got %d GET requests (WSDL fetched or redirect followed)", s.gets)
				}
			})
		}
	}
}

// Writes whose answer does not confirm the write.
func TestWriteAnswersThatConfirmNothing(t *testing.T) {
	cases := []struct {
		name string
		body []byte
		call func(*Client) error
	}{
		{"AddFactuur without Factuurnummer", envelope(`<AddFactuurResponse xmlns="http://www.e-boekhouden.nl/soap"><AddFactuurResult><ErrorMsg /></AddFactuurResult></AddFactuurResponse>`),
			func(c *Client) error { _, err := c.AddInvoice(context.Background(), goldenInvoice()); return err }},
		{"AddFactuur without result", envelope(`<AddFactuurResponse xmlns="http://www.e-boekhouden.nl/soap" />`),
			func(c *Client) error { _, err := c.AddInvoice(context.Background(), goldenInvoice()); return err }},
		{"AddRelatie with Rel_ID 0", envelope(`<AddRelatieResponse xmlns="http://www.e-boekhouden.nl/soap"><AddRelatieResult><ErrorMsg /><Rel_ID>0</Rel_ID></AddRelatieResult></AddRelatieResponse>`),
			func(c *Client) error { _, err := c.AddRelation(context.Background(), goldenRelation()); return err }},
		{"AddRelatie with a bad Rel_ID", envelope(`<AddRelatieResponse xmlns="http://www.e-boekhouden.nl/soap"><AddRelatieResult><ErrorMsg /><Rel_ID>twelve</Rel_ID></AddRelatieResult></AddRelatieResponse>`),
			func(c *Client) error { _, err := c.AddRelation(context.Background(), goldenRelation()); return err }},
		{"UpdateRelatie without result", envelope(`<UpdateRelatieResponse xmlns="http://www.e-boekhouden.nl/soap" />`),
			func(c *Client) error {
				r := goldenRelation()
				r.ID = 7
				return c.UpdateRelation(context.Background(), r)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, client := newScripted(t, nil, reply(200, c.body))
			err := c.call(client)
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			total := 0
			for _, op := range []string{opAddFactuur, opAddRelatie, opUpdateRelatie} {
				total += s.count(op)
			}
			if total != 1 {
				t.Errorf("the write was sent %d times", total)
			}
		})
	}
}

func TestPerCallTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s, client := newScripted(t, func(c *Config) { c.Timeout = 150 * time.Millisecond }, func(string, http.ResponseWriter) {
		<-release
	})
	start := time.Now()
	_, err := client.AddInvoice(context.Background(), goldenInvoice())
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// The server never answers: without the 150 ms timeout the call would
	// take the 10 s default.
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %s with a 150 ms timeout", el)
	}
	if !strings.Contains(err.Error(), "150ms") {
		t.Errorf("error does not say which timeout fired: %v", err)
	}
	if s.count(opAddFactuur) != 1 {
		t.Errorf("AddFactuur sent %d times", s.count(opAddFactuur))
	}
}

// A refused dial sends nothing: safe to retry, reads and writes alike.
func TestNothingSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	logs := &syncBuffer{}
	client, err := New(Config{Endpoint: "http://" + addr + "/soap.asmx", Credentials: goldenCreds, Retry: fastRetry,
		Logger: newDebugLogger(logs)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.AddInvoice(context.Background(), goldenInvoice())
	if !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrTransient and not ErrOutcomeUnknown", err)
	}
	if !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("err = %v", err)
	}
	// The session could not be opened: every attempt is one OpenSession.
	if n := strings.Count(logs.String(), "op=OpenSession"); n != fastRetry.Attempts {
		t.Errorf("%d OpenSession attempts logged, want %d:\n%s", n, fastRetry.Attempts, logs)
	}
}

func TestCallerContextAlreadyDone(t *testing.T) {
	s, client := newScripted(t, nil, reply(200, sampleAddFactuur))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.AddInvoice(ctx, goldenInvoice())
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if s.count(opAddFactuur)+s.count(opOpenSession) != 0 {
		t.Error("sent a request with a cancelled context")
	}
}

func TestTransportRefusesStrayRequests(t *testing.T) {
	_, client := newScripted(t, nil, reply(200, sampleAddFactuur))
	hc := &http.Client{Transport: client.rt}
	// Outside a call, and a GET that is not the WSDL.
	for _, req := range []*http.Request{
		mustRequest(t, http.MethodPost, "http://127.0.0.1:1/soap.asmx"),
		mustRequest(t, http.MethodGet, "http://127.0.0.1:1/soap.asmx?wsdl"),
	} {
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("%s %s was sent", req.Method, req.URL)
		}
	}
	// The WSDL is served from memory.
	resp, err := hc.Get(wsdlURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != string(wsdl) {
		t.Error("the served WSDL is not the embedded one")
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	return req
}
