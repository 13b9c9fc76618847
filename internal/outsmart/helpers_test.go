package outsmart

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
)

// fastRetry keeps the retry tests quick: 3 tries, waits of a few ms.
var fastRetry = retry.Policy{Attempts: 3, Initial: time.Millisecond, Max: 4 * time.Millisecond}

// syncBuffer is a log sink that is safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running OutSmart sandbox with a client for it.
type env struct {
	sb     *sandbox.Sandbox
	srv    *ossandbox.Server
	creds  demodata.OSCredentials
	client *Client
	logs   *syncBuffer
}

// newEnv starts the demo sandbox and a client with fast retries and a debug
// logger; edit changes the configuration first.
func newEnv(t *testing.T, edit func(*Config)) *env {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	e := &env{sb: sb, srv: sb.OutSmart, creds: sb.Dataset.OutSmart.Credentials, logs: &syncBuffer{}}
	cfg := Config{
		BaseURL: sb.OutSmartURL, Token: e.creds.Token, SoftwareToken: e.creds.SoftwareToken,
		Retry: fastRetry, Timeout: 5 * time.Second,
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	e.client = mustNew(t, cfg)
	t.Cleanup(func() { e.assertNoSecrets(t, "log output", e.logs.String()) })
	return e
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// count is how many calls of op the sandbox received.
func (e *env) count(op string) int { return e.srv.Requests().Count(op) }

// secrets are the two tokens in every form they could leak in.
func (e *env) secrets() []string {
	var out []string
	for _, s := range []string{e.creds.Token, e.creds.SoftwareToken} {
		out = append(out, s, url.QueryEscape(s))
	}
	return out
}

func (e *env) assertNoSecrets(t *testing.T, where, s string) {
	t.Helper()
	assertNoSecrets(t, where, s, e.secrets()...)
}

func assertNoSecrets(t *testing.T, where, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a credential: %s", where, s)
			return
		}
	}
}

// errorTexts returns every text an error can show: its message in the usual
// verbs, and the same for every error reachable through Unwrap.
func errorTexts(err error) []string {
	var out []string
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 20 {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), fmt.Sprintf("%s", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner, depth+1)
			}
		}
	}
	walk(err, 0)
	return out
}

func assertErrorClean(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range errorTexts(err) {
		assertNoSecrets(t, "error text", s, secrets...)
	}
}

// scripted is a loopback HTTP server with canned answers, for answers the
// sandbox cannot be made to give a correct client (1008, a one-element
// array, a redirect, an HTML page ...). The client's transport is the real
// one; only the server is scripted.
type scripted struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []scriptedRequest
}

type scriptedRequest struct {
	Method, Path string
	Query        url.Values
	Body         string
}

func newScripted(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *scripted {
	t.Helper()
	s := &scripted{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, scriptedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: string(body)})
		n := len(s.reqs)
		s.mu.Unlock()
		answer(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scripted) requests() []scriptedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]scriptedRequest(nil), s.reqs...)
}

// jsonAnswer writes a JSON body with a status.
func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// scriptedClient is a client for a scripted server with test tokens.
const (
	testToken     = "0f24d1e07c8609c0fb111fbcc168f9aa0f24d1e07c8609c0fb111fbcc168f9aa"
	testSoftToken = "c316c4532fa7cccdcd572491d9552f80945a5136"
)

func scriptedClient(t *testing.T, s *scripted, edit func(*Config)) (*Client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		BaseURL: s.URL + "/openapi/8", Token: testToken, SoftwareToken: testSoftToken, Retry: fastRetry,
		Timeout: 5 * time.Second, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	t.Cleanup(func() { assertNoSecrets(t, "log output", logs.String(), testToken, testSoftToken) })
	return mustNew(t, cfg), logs
}

var decimalOne = decimal.FromInt(1)

// countEventually is count, waiting up to a second for calls the sandbox
// logs only when it notices the client left (a Timeout fault).
func (e *env) countEventually(op string, want int) int {
	deadline := time.Now().Add(time.Second)
	for {
		n := e.count(op)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}
