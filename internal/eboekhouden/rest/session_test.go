package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// read makes a GET through the client's session handling and returns the
// raw answer.
func read(c *Client, path string) (string, error) {
	var got string
	err := c.call(context.Background(), request{method: http.MethodGet, path: path, decode: func(data []byte) error {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		got = string(data)
		return nil
	}})
	return got, err
}

func TestNewChecksTheConfig(t *testing.T) {
	ok := []string{"", "https://api.e-boekhouden.nl", "http://127.0.0.1:8080", "http://localhost/api/"}
	for _, base := range ok {
		if _, err := New(Config{BaseURL: base, APIToken: testAPIToken}); err != nil {
			t.Errorf("base %q refused: %v", base, err)
		}
	}
	c, _ := New(Config{APIToken: testAPIToken})
	if c.base.String() != DefaultBaseURL || c.pageSize != MaxPageSize || c.source != DefaultSource {
		t.Errorf("defaults: base %s, page size %d, source %q", c.base, c.pageSize, c.source)
	}
	bad := []Config{
		{BaseURL: "http://api.e-boekhouden.nl", APIToken: testAPIToken},
		{BaseURL: "ftp://api.e-boekhouden.nl", APIToken: testAPIToken},
		{BaseURL: "https://user:" + testAPIToken + "@api.e-boekhouden.nl", APIToken: testAPIToken},
		{BaseURL: "https://api.e-boekhouden.nl/?token=" + testAPIToken, APIToken: testAPIToken},
		{APIToken: "  "},
		{APIToken: testAPIToken, Source: "Koppeling-NL"}, // '-' and 12 chars
		{APIToken: testAPIToken, PageSize: 2001},
		{APIToken: testAPIToken, Timeout: -time.Second},
	}
	for i, cfg := range bad {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("config %d accepted: %v", i, cfg)
			continue
		}
		assertNoSecrets(t, "New error", err.Error())
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%#v", c), fmt.Sprint(Config{APIToken: testAPIToken}), fmt.Sprintf("%#v", Config{APIToken: testAPIToken})} {
		assertNoSecrets(t, "String", s)
	}
}

func TestSessionIsOpenedOnceAndSentRaw(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"items":[],"count":0}`)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	for range 3 {
		if _, err := read(c, "/v1/unit"); err != nil {
			t.Fatal(err)
		}
	}
	reqs := s.requests()
	if len(reqs) != 4 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v1/session" {
		t.Fatalf("requests %+v, want one POST /v1/session then three GETs", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(reqs[0].Body), &body); err != nil || body["accessToken"] != testAPIToken || body["source"] != testSource || len(body) != 2 {
		t.Errorf("session body %s (%v)", reqs[0].Body, err)
	}
	if reqs[0].Auth != "" {
		t.Errorf("POST /v1/session carries Authorization %q", reqs[0].Auth)
	}
	for _, r := range reqs[1:] {
		if r.Auth != "sess-xxxxxxxx-1" {
			t.Errorf("Authorization %q, want the raw session token", r.Auth)
		}
		assertNoSecrets(t, "URL", r.Path+"?"+r.RawQuery)
	}
}

func TestSessionIsRenewedBeforeItExpires(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"items":[],"count":0}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3600*time.Second - sessionMargin - time.Second)
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	if n := s.sessionCount(); n != 1 {
		t.Fatalf("%d sessions before the renewal point, want 1", n)
	}
	clock.Advance(2 * time.Second)
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	if n := s.sessionCount(); n != 2 {
		t.Errorf("%d sessions after the renewal point, want 2", n)
	}
}

// §2.3: a 401 drops the session, opens a new one and repeats the call once.
func TestExpiredSessionIsReopenedOnce(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") == "sess-xxxxxxxx-1" {
			jsonAnswer(w, 401, `{"type":"security","code":"SECURITY_010","title":"Not authenticated. Check your Authorization header.","status":401}`)
			return
		}
		jsonAnswer(w, 200, `{"items":[{"id":1,"singular":"uur","plural":"uren"}],"count":1}`)
	})
	c, _, logs := testClient(t, s.srv.URL, nil)
	got, err := read(c, "/v1/unit")
	if err != nil || !strings.Contains(got, "uren") {
		t.Fatalf("read = %q, %v", got, err)
	}
	if n := s.sessionCount(); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
	if n := s.count(http.MethodGet, "/v1/unit"); n != 2 {
		t.Errorf("%d GETs, want 2", n)
	}
	assertNoSecrets(t, "log", logs.String())
}

func TestSecond401IsARefusedToken(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusUnauthorized) // 401 has no declared body (§2.3)
	})
	c, clock, logs := testClient(t, s.srv.URL, nil)
	_, err := read(c, "/v1/unit")
	if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, ErrSessionExpired) || errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 {
		t.Errorf("APIError %+v", apiErr)
	}
	if n, m := s.sessionCount(), s.count(http.MethodGet, "/v1/unit"); n != 2 || m != 2 {
		t.Errorf("%d sessions and %d GETs, want 2 and 2", n, m)
	}
	if w := clock.Waits(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logs.String())
}

// §2.1: any 4xx from POST /v1/session means "token invalid, ask the user",
// never retried; API_SESSION_004 is an expired token.
func TestRefusedSessionIsBadCredentials(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		code       string
		expiredTok bool
	}{
		{"API_SESSION_001 source missing", 400, `{"type":"validation","code":"API_SESSION_001","title":"Source is missing.","status":400,"propertyName":"source"}`, "API_SESSION_001", false},
		{"API_SESSION_002 source pattern", 400, `{"type":"validation","code":"API_SESSION_002","title":"Source does not match pattern.","status":400,"propertyName":"source"}`, "API_SESSION_002", false},
		{"API_SESSION_003 token missing", 400, `{"type":"validation","code":"API_SESSION_003","title":"Access token is missing or empty.","status":400,"propertyName":"accessToken"}`, "API_SESSION_003", false},
		{"API_SESSION_004 token expired", 403, `{"type":"security","securityType":"0","code":"API_SESSION_004","title":"Access token has expired.","status":403}`, "API_SESSION_004", true},
		{"unknown token 403", 403, `{"type":"security","securityType":"0","title":"Access denied.","status":403}`, "", false},
		{"401 without body", 401, ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
				jsonAnswer(w, tt.status, tt.body)
			})
			c, clock, logs := testClient(t, s.srv.URL, nil)
			err := c.CheckLogin(context.Background())
			var apiErr *APIError
			if !errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrTransient) || errors.Is(err, ErrSessionExpired) ||
				!errors.As(err, &apiErr) || apiErr.Code != tt.code || apiErr.Status != tt.status {
				t.Fatalf("err = %v (%+v)", err, apiErr)
			}
			if errors.Is(err, ErrTokenExpired) != tt.expiredTok {
				t.Errorf("ErrTokenExpired = %v, want %v", !tt.expiredTok, tt.expiredTok)
			}
			if n := len(s.requests()); n != 1 || len(clock.Waits()) != 0 {
				t.Errorf("%d requests, waits %v: a refused token is not retried", n, clock.Waits())
			}
			assertNoSecrets(t, "error", err.Error())
			assertNoSecrets(t, "log", logs.String())
		})
	}
}

func TestSessionAnswerWithoutTokenIsUnreadable(t *testing.T) {
	for _, body := range []string{`{"expiresIn":3600}`, `{"token":"","expiresIn":3600}`, `{"token":5}`} {
		s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, body) })
		c, _, _ := testClient(t, s.srv.URL, nil)
		err := c.CheckLogin(context.Background())
		if !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: err = %v", body, err)
		}
	}
}

func TestSessionWithoutExpiresInUsesTheFallback(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/v1/session" {
			jsonAnswer(w, 200, fmt.Sprintf(`{"token":"sess-xxxxxxxx-%d"}`, n))
			return
		}
		jsonAnswer(w, 200, `{}`)
	})
	c, clock, _ := testClient(t, s.srv.URL, nil)
	if err := c.CheckLogin(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(fallbackLifetime - sessionMargin - time.Second)
	_, _ = read(c, "/v1/unit")
	clock.Advance(2 * time.Second)
	_, _ = read(c, "/v1/unit")
	if n := s.count(http.MethodPost, "/v1/session"); n != 2 {
		t.Errorf("%d sessions, want 2 (renewed after the %s fallback)", n, fallbackLifetime)
	}
}

func TestCloseDeletesTheSession(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, `{}`) })
	c, _, _ := testClient(t, s.srv.URL, nil)
	if err := c.Close(context.Background()); err != nil || len(s.requests()) != 0 {
		t.Fatalf("Close without a session: %v, %d requests", err, len(s.requests()))
	}
	if _, err := read(c, "/v1/unit"); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodDelete || last.Path != "/v1/session" || last.Auth != "sess-xxxxxxxx-1" {
		t.Errorf("last request %+v, want DELETE /v1/session with the session token", last)
	}
	if _, err := read(c, "/v1/unit"); err != nil || s.sessionCount() != 2 {
		t.Errorf("after Close: %v, %d sessions (want a new one)", err, s.sessionCount())
	}
}

func TestCloseReportsARefusal(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPost {
			jsonAnswer(w, 200, `{"token":"secret-session-token","expiresIn":3600}`)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	c, _, logs := testClient(t, s.srv.URL, nil)
	if err := c.CheckLogin(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := c.Close(context.Background())
	if !errors.Is(err, ErrSessionExpired) {
		t.Errorf("err = %v", err)
	}
	assertNoSecrets(t, "log", logs.String())
	if c.session != "" {
		t.Error("the session is kept after Close")
	}
}

// A cut-off session answer holds the new token, which the client does not
// know yet: its text must not reach the error or the log.
func TestCutOffSessionAnswerShowsNoToken(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"token":"secret-session-token","expiresIn":`)
	})
	c, _, logs := testClient(t, s.srv.URL, nil)
	err := c.CheckLogin(context.Background())
	if !errors.Is(err, ErrTransient) || !errors.Is(err, ErrUnreadable) || errors.Is(err, ErrBadCredentials) {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logs.String())
}

// Concurrent calls share one session, and one re-open after a 401.
func TestConcurrentCallsShareTheSession(t *testing.T) {
	s := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") == "sess-xxxxxxxx-1" && n > 5 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		jsonAnswer(w, 200, `{"items":[],"count":0}`)
	})
	c, _, _ := testClient(t, s.srv.URL, nil)
	errs := make(chan error, 16)
	for range 16 {
		go func() { _, err := c.ListUnits(context.Background()); errs <- err }()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := s.sessionCount(); n < 1 || n > 2 {
		t.Errorf("%d sessions, want 1 or 2", n)
	}
}
