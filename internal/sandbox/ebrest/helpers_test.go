package ebrest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox on a loopback port with the demo dataset. At cleanup it
// checks that no API token ever appeared in a response or the request log.
type env struct {
	t     *testing.T
	rs    *Running
	clock *fakeClock

	mu     sync.Mutex
	bodies []string
}

func newEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	o := Options{Dataset: demodata.Default().EBoekhouden, Now: clock.Now, ExpiredTokens: []string{expiredToken},
		APITokens: []string{DemoAPIToken, expiredToken}}
	for _, f := range opts {
		f(&o)
	}
	rs, err := Start("", o)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, rs: rs, clock: clock}
	t.Cleanup(func() {
		for _, tok := range []string{DemoAPIToken, expiredToken} {
			for _, b := range e.bodies {
				if strings.Contains(b, tok) {
					t.Errorf("an API token left the server in a response: %s", b)
				}
			}
			for _, r := range rs.Requests().All() {
				if strings.Contains(r.Body, tok) || strings.Contains(r.Query, tok) {
					t.Errorf("an API token is in the request log: %+v", r)
				}
			}
		}
		if err := rs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return e
}

const expiredToken = "expired-api-token-77"

// reply is one answer as the test sees it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// errBody decodes the Error body, failing on fields the reference does not
// define.
func (r reply) errBody(t *testing.T) apiError {
	t.Helper()
	var e apiError
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if e.Status != r.status || e.Type == "" || e.Title == "" {
		t.Fatalf("error body %q: status, type and title are required and status must be %d", r.body, r.status)
	}
	return e
}

// do sends one request; auth is the Authorization header ("" for none).
func (e *env) do(method, path, auth, body string) reply {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.rs.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.bodies = append(e.bodies, string(b))
	e.mu.Unlock()
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// login opens a session with the demo token and returns the session token.
func (e *env) login() string {
	e.t.Helper()
	r := e.do("POST", "/v1/session", "", `{"accessToken":"`+DemoAPIToken+`","source":"Koppeling"}`)
	if r.status != http.StatusOK {
		e.t.Fatalf("login: %d %s", r.status, r.body)
	}
	var s struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expiresIn"`
	}
	if err := json.Unmarshal(r.body, &s); err != nil || s.Token == "" || s.ExpiresIn <= 0 {
		e.t.Fatalf("login answer %s: %v", r.body, err)
	}
	return s.Token
}
