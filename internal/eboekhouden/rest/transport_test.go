package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/retry"
)

// write posts through the client's session handling as a write.
func write(c *Client, path string) error {
	return c.call(context.Background(), request{method: http.MethodPost, path: path, body: []byte(`{}`), write: true,
		decode: func(data []byte) error { var v any; return json.Unmarshal(data, &v) }})
}

// §2.4: 429 with Retry-After (seconds or an HTTP date) is waited for and
// retried, for reads and for writes (the request was not processed).
func Test429HonoursRetryAfter(t *testing.T) {
	for _, form := range []string{"seconds", "date"} {
		t.Run(form, func(t *testing.T) {
			var clock *fakeClock
			s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 3 { // the session, then two 429s
					ra := "15"
					if form == "date" {
						ra = clock.Now().Add(15 * time.Second).Format(http.TimeFormat)
					}
					w.Header().Set("Retry-After", ra)
					jsonAnswer(w, 429, `{"type":"rate","title":"Too many requests","status":429}`)
					return
				}
				jsonAnswer(w, 200, `{"items":[],"count":0}`)
			})
			var logs *logBuffer
			var c *Client
			c, clock, logs = testClient(t, s.srv.URL, nil)
			if _, err := read(c, "/v1/unit"); err != nil {
				t.Fatal(err)
			}
			if w := clock.Waits(); len(w) != 2 || w[0] != 15*time.Second || w[1] != 15*time.Second {
				t.Errorf("waits %v, want [15s 15s]", w)
			}
			if err := write(c, "/v1/invoice"); err != nil {
				t.Errorf("write after 429s: %v", err)
			}
			if !strings.Contains(logs.String(), "429") {
				t.Errorf("the 429s are not logged: %s", logs)
			}
		})
	}
}

func Test429OnAWriteIsRetried(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			w.Header().Set("Retry-After", "2")
			jsonAnswer(w, 429, ``)
			return
		}
		jsonAnswer(w, 200, `{"id":1}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	if err := write(c, "/v1/invoice"); err != nil {
		t.Fatal(err)
	}
	if n := s.count(http.MethodPost, "/v1/invoice"); n != 2 || len(clock.Waits()) != 1 || clock.Waits()[0] != 2*time.Second {
		t.Errorf("%d POSTs, waits %v", n, clock.Waits())
	}
}

func Test429WithoutRetryAfterBacksOffAndEndsAsCallLimit(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 429, ``) })
	policy := retry.Policy{Attempts: 3, Initial: time.Second, Max: 8 * time.Second}
	c, clock, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.Retry = policy })
	_, err := read(c, "/v1/unit")
	if !errors.Is(err, ErrCallLimit) || !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	w := clock.Waits()
	if len(w) != 2 || w[0] < 500*time.Millisecond || w[0] > time.Second || w[1] < time.Second || w[1] > 2*time.Second {
		t.Errorf("waits %v, want the backoff of %+v", w, policy)
	}
	if n := s.count(http.MethodGet, "/v1/unit"); n != 3 {
		t.Errorf("%d GETs, want 3", n)
	}
}

func Test429WithATooLongRetryAfterIsNotWaitedFor(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		jsonAnswer(w, 429, ``)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	_, err := read(c, "/v1/unit")
	if !errors.Is(err, ErrCallLimit) || len(clock.Waits()) != 0 || !strings.Contains(err.Error(), "1h0m0s") {
		t.Errorf("err = %v, waits %v", err, clock.Waits())
	}
}

// 500 ERR_001 (§3 fake rules) on a read: retried with backoff.
func Test5xxOnAReadIsRetried(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 3 {
			jsonAnswer(w, 500, `{"type":"error","code":"ERR_001","title":"Something went wrong.","status":500}`)
			return
		}
		jsonAnswer(w, 200, `{"items":[],"count":0}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	if len(clock.Waits()) != 2 {
		t.Errorf("waits %v, want 2", clock.Waits())
	}
}

func Test5xxOnAReadGivesUpAsTransient(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 503, `{"type":"error","code":"ERR_001","title":"Something went wrong.","status":503}`)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	_, err := read(c, "/v1/unit")
	var apiErr *APIError
	if !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &apiErr) || apiErr.Code != "ERR_001" {
		t.Fatalf("err = %v", err)
	}
	if n := s.count(http.MethodGet, "/v1/unit"); n != retry.Default.Attempts {
		t.Errorf("%d GETs, want %d", n, retry.Default.Attempts)
	}
}

// A 5xx on a write: the outcome is unknown (§9), never retried.
func Test5xxOnAWriteIsOutcomeUnknown(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 500, `{"type":"error","code":"ERR_001","title":"Something went wrong.","status":500}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	err := write(c, "/v1/invoice")
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v", err)
	}
	if n := s.count(http.MethodPost, "/v1/invoice"); n != 1 || len(clock.Waits()) != 0 {
		t.Errorf("%d POSTs, waits %v: a write with an unknown outcome is never repeated", n, clock.Waits())
	}
}

// hangUp closes the connection without an answer.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.Close()
}

func TestNetworkErrorOnAReadIsRetried(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			hangUp(t, w)
			return
		}
		jsonAnswer(w, 200, `{"items":[],"count":0}`)
	})
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} })
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	if n := s.count(http.MethodGet, "/v1/unit"); n != 2 {
		t.Errorf("%d GETs, want 2", n)
	}
}

func TestNetworkErrorOnAWriteIsOutcomeUnknown(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { hangUp(t, w) })
	c, _, logs := testClient(t, s.srv.URL, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} })
	err := write(c, "/v1/invoice")
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v", err)
	}
	if n := s.count(http.MethodPost, "/v1/invoice"); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logs.String())
}

// A write that never reached the server (connection refused) is known not
// to be applied: transient, not unknown.
func TestUnreachableWriteIsNotUnknown(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, `{}`) })
	c, _, _ := testClient(t, s.srv.URL, nil)
	if err := c.CheckLogin(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c.base.Host = addr // the session stays; the server is gone
	err = write(c, "/v1/invoice")
	if !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v", err)
	}
}

func TestTimeoutOnAWriteIsOutcomeUnknown(t *testing.T) {
	release := make(chan struct{})
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { <-release })
	defer close(release)
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond })
	err := write(c, "/v1/invoice")
	if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("err = %v", err)
	}
}

// §3: a 400 carries the documented Error body; errors may be a list or a
// map; nothing is retried.
func TestValidationErrorBody(t *testing.T) {
	tests := []struct {
		body   string
		code   string
		errors []string
	}{
		{`{"type":"validation","code":"FACT_101","title":"Invoice number is in use.","status":400,"propertyName":"invoiceNumber","traceId":"00-4bf92f35-01"}`, "FACT_101", nil},
		{`{"type":"validation","code":"PAGE_001","title":"Limit must be between 1 and 2000.","status":400,"errors":["Limit must be between 1 and 2000."]}`, "PAGE_001", []string{"Limit must be between 1 and 2000."}},
		{`{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"$.relationId":["not a number"],"$.date":["bad","worse"]}}`, "", []string{"$.date: bad", "$.date: worse", "$.relationId: not a number"}},
	}
	for _, tt := range tests {
		s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 400, tt.body) })
		c, clock, _ := testClient(t, s.srv.URL, nil)
		err := write(c, "/v1/invoice")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != tt.code || apiErr.Status != 400 || strings.Join(apiErr.Errors, "|") != strings.Join(tt.errors, "|") {
			t.Errorf("%s: err = %v (%+v)", tt.code, err, apiErr)
			continue
		}
		if errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: a definite refusal matches another kind: %v", tt.code, err)
		}
		if n := s.count(http.MethodPost, "/v1/invoice"); n != 1 || len(clock.Waits()) != 0 {
			t.Errorf("%s: %d POSTs", tt.code, n)
		}
		if tt.code == "FACT_101" && (apiErr.PropertyName != "invoiceNumber" || !strings.Contains(err.Error(), "Invoice number is in use.")) {
			t.Errorf("FACT_101: %v", err)
		}
	}
}

func TestNotFound(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 404, `{"type":"notfound","code":"REL_055","title":"Relation not found.","status":404}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	_, err := read(c, "/v1/relation/7")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrTransient) || len(clock.Waits()) != 0 {
		t.Errorf("err = %v", err)
	}
}

func TestCutOffAnswers(t *testing.T) {
	for _, body := range []string{`{"items":[{"id":1,`, ``, `<!DOCTYPE html><html>Wi-Fi login</html>`} {
		s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, body) })
		c, _, _ := testClient(t, s.srv.URL, nil)
		_, err := read(c, "/v1/unit")
		if !errors.Is(err, ErrTransient) || !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("read of %q: err = %v", body, err)
		}
		if n := s.count(http.MethodGet, "/v1/unit"); n != retry.Default.Attempts {
			t.Errorf("read of %q: %d GETs, want %d", body, n, retry.Default.Attempts)
		}
		if strings.HasPrefix(body, "<") != errors.Is(err, ErrNotTheService) {
			t.Errorf("read of %q: ErrNotTheService = %v", body, errors.Is(err, ErrNotTheService))
		}
		err = write(c, "/v1/invoice")
		if !errors.Is(err, ErrOutcomeUnknown) || s.count(http.MethodPost, "/v1/invoice") != 1 {
			t.Errorf("write of %q: err = %v", body, err)
		}
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/elsewhere" {
			t.Error("redirect followed")
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	_, err := read(c, "/v1/unit")
	if err == nil || !strings.Contains(err.Error(), "redirect") || errors.Is(err, ErrTransient) {
		t.Errorf("err = %v", err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"items":[],"count":0,"pad":"`+strings.Repeat("x", 2000)+`"}`)
	})
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) { cfg.MaxResponseBytes = 1000 })
	_, err := read(c, "/v1/unit")
	if !errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("read: %v", err)
	}
	if err := write(c, "/v1/invoice"); !errors.Is(err, ErrResponseTooLarge) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("write: %v", err)
	}
}

func TestCancelWhileWaitingToRetry(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 502, ``) })
	ctx, cancel := context.WithCancel(context.Background())
	c, _, _ := testClient(t, s.srv.URL, func(cfg *Config) {
		cfg.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	err := c.call(ctx, request{method: http.MethodGet, path: "/v1/unit"})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrTransient) {
		t.Errorf("err = %v", err)
	}
	if n := s.count(http.MethodGet, "/v1/unit"); n != 1 {
		t.Errorf("%d GETs, want 1", n)
	}
}

// Every error and log line is scanned for the API token and the session
// token, also when the server echoes them.
func TestNoCredentialInErrorsOrLogs(t *testing.T) {
	echo := `{"type":"validation","code":"ERR_002","title":"bad token ` + testAPIToken + `","message":"session secret-session-token","status":400,"errors":["` + testAPIToken + `"]}`
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.URL.Path == "/v1/session":
			jsonAnswer(w, 200, `{"token":"secret-session-token","expiresIn":3600}`)
		case r.URL.Path == "/v1/a":
			jsonAnswer(w, 400, echo)
		case r.URL.Path == "/v1/b":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html>proxy error for secret-session-token " + testAPIToken + "</html>"))
		case r.URL.Path == "/v1/c":
			jsonAnswer(w, 200, `{"items":[{"id":"secret-session-token"`)
		case r.URL.Path == "/v1/d":
			http.Redirect(w, r, "https://evil.example/?t=secret-session-token", http.StatusFound)
		}
	})
	c, _, logs := testClient(t, s.srv.URL, func(cfg *Config) { cfg.Retry = retry.Policy{Attempts: 2} })
	var errs []error
	for _, p := range []string{"/v1/a", "/v1/b", "/v1/c", "/v1/d"} {
		_, err := read(c, p)
		errs = append(errs, err, write(c, p))
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("no error")
		}
		assertNoSecrets(t, "error", err.Error())
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			assertNoSecrets(t, "APIError", strings.Join(append(apiErr.Errors, apiErr.Title, apiErr.Message), " "))
		}
	}
	assertNoSecrets(t, "log", logs.String())
	if !strings.Contains(logs.String(), "ERR_002") {
		t.Errorf("the log misses the failures: %s", logs)
	}
}

// §3: a list answers bad paging with 400 PAGE_001/PAGE_002: definite, not
// retried.
func TestListRefusedWithPagingError(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 400, `{"type":"validation","code":"PAGE_002","title":"Offset must be greater than or equal to 0.","status":400,"propertyName":"offset"}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	_, err := c.ListRelations(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "PAGE_002" || errors.Is(err, ErrTransient) || len(clock.Waits()) != 0 {
		t.Errorf("err = %v", err)
	}
}
