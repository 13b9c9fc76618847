package eboekhouden

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

	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
)

// fastRetry keeps retry tests quick: 3 tries, waits of a few milliseconds.
var fastRetry = retry.Policy{Attempts: 3, Initial: 2 * time.Millisecond, Max: 10 * time.Millisecond}

// sandboxEnv is the e-Boekhouden sandbox on a loopback HTTP server with the
// demo dataset, and a client for it that logs to a buffer.
type sandboxEnv struct {
	t      *testing.T
	srv    *sbeb.Server
	http   *httptest.Server
	url    string
	creds  Credentials
	logBuf *syncBuffer
	client *Client
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newSandbox starts a sandbox; opts adjusts its options, cfg the client's.
func newSandbox(t *testing.T, opts func(*sbeb.Options), cfg func(*Config)) *sandboxEnv {
	t.Helper()
	ds := demodata.Default()
	o := sbeb.Options{Dataset: ds.EBoekhouden}
	if opts != nil {
		opts(&o)
	}
	srv := sbeb.New(o)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &sandboxEnv{
		t: t, srv: srv, http: hs, url: hs.URL + sbeb.Path,
		creds: Credentials{
			Username:      ds.EBoekhouden.Credentials.Username,
			SecurityCode1: ds.EBoekhouden.Credentials.SecurityCode1,
			SecurityCode2: ds.EBoekhouden.Credentials.SecurityCode2,
		},
		logBuf: &syncBuffer{},
	}
	c := Config{
		Endpoint:    e.url,
		Credentials: e.creds,
		Timeout:     5 * time.Second,
		Retry:       fastRetry,
		Logger:      slog.New(slog.NewTextHandler(e.logBuf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if cfg != nil {
		cfg(&c)
	}
	client, err := New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = client.Close(context.Background()) })
	e.client = client
	return e
}

// count returns how many requests of op the sandbox received.
func (e *sandboxEnv) count(op string) int { return e.srv.Requests().Count(op) }

// assertNoSecrets fails when any security code or session id appears in s.
func assertNoSecrets(t *testing.T, what, s string, c *Client) {
	t.Helper()
	secrets := []string{c.creds.SecurityCode1, c.creds.SecurityCode2}
	c.redMu.Lock()
	secrets = append(secrets, c.seen...)
	c.redMu.Unlock()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a secret (%d chars): %s", what, len(sec), s)
		}
	}
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newLoopbackServer serves h on a loopback port until the test ends and
// returns its base URL.
func newLoopbackServer(tb testing.TB, h http.Handler) string {
	tb.Helper()
	hs := httptest.NewServer(h)
	tb.Cleanup(hs.Close)
	return hs.URL
}

func newDebugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
