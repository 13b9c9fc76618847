package rest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Most tests script a loopback server from the reference's documented
// requests and answers (§2, §3, §11); sandbox_test.go runs the client
// against the REST sandbox (internal/sandbox/ebrest).

const (
	testAPIToken = "apitoken-9f3c1e7d5b"
	testSource   = "Koppeling"
)

// seen is one request the scripted server received.
type seen struct {
	Method, Path, RawQuery, Auth, Body string
}

type scripted struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	got []seen
}

// newScripted starts a server; handle gets the request number (from 1).
func newScripted(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *scripted {
	t.Helper()
	s := &scripted{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
		n := len(s.got)
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		handle(w, r, n)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *scripted) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.got...)
}

// count is the number of requests to method+path.
func (s *scripted) count(method, path string) int {
	n := 0
	for _, r := range s.requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// sessionServer answers POST /v1/session with session tokens "sess-1",
// "sess-2", ... and hands every other request to handle.
type sessionServer struct {
	*scripted
	mu       sync.Mutex
	sessions int
	live     map[string]bool
}

func newSessionServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *sessionServer {
	ss := &sessionServer{live: map[string]bool{}}
	ss.scripted = newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/v1/session" && r.Method == http.MethodPost {
			ss.mu.Lock()
			ss.sessions++
			tok := "sess-" + strings.Repeat("x", 8) + "-" + string(rune('0'+ss.sessions))
			ss.live[tok] = true
			ss.mu.Unlock()
			jsonAnswer(w, 200, `{"token":"`+tok+`","expiresIn":3600}`)
			return
		}
		if r.URL.Path == "/v1/session" && r.Method == http.MethodDelete {
			ss.mu.Lock()
			delete(ss.live, r.Header.Get("Authorization"))
			ss.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		handle(w, r, n)
	})
	return ss
}

func (ss *sessionServer) sessionCount() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.sessions
}

// fakeClock is the injected clock and sleep: sleeping advances the clock
// and records the wait.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	return nil
}

func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// logBuffer collects every log line.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// testClient returns a client for s with a fake clock and a log buffer.
func testClient(t *testing.T, base string, edit func(*Config)) (*Client, *fakeClock, *logBuffer) {
	t.Helper()
	clock := newFakeClock()
	logs := &logBuffer{}
	cfg := Config{
		BaseURL:  base,
		APIToken: testAPIToken,
		Timeout:  5 * time.Second,
		Now:      clock.Now,
		Sleep:    clock.Sleep,
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, clock, logs
}

// assertNoSecrets fails when a text holds the API token, a session token or
// one of the extra secrets.
func assertNoSecrets(t *testing.T, what, text string, extra ...string) {
	t.Helper()
	for _, secret := range append([]string{testAPIToken, "sess-xxxxxxxx", "secret-session-token"}, extra...) {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows a credential (%q): %s", what, secret, text)
		}
	}
}
