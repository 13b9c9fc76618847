package ebrest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// TestSessionRefusals covers checklist item 1: every malformed or refused
// POST /v1/session answers the documented error body.
func TestSessionRefusals(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, body   string
		contentType  string
		status       int
		code, prop   string
		securityType string
	}{
		{"empty body", "", "application/json", 400, "DATA_01", "", ""},
		{"not JSON", "{accessToken", "application/json", 400, "ERR_002", "", ""},
		{"two objects", `{"accessToken":"a","source":"b"}{}`, "application/json", 400, "ERR_002", "", ""},
		{"unknown field", `{"accessToken":"x","source":"Koppeling","administration":"1"}`, "application/json", 400, "ERR_002", "administration", ""},
		{"token of the wrong type", `{"accessToken":12,"source":"Koppeling"}`, "application/json", 400, "ERR_002", "accessToken", ""},
		{"token missing", `{"source":"Koppeling"}`, "application/json", 400, "API_SESSION_003", "accessToken", ""},
		{"token empty", `{"accessToken":"  ","source":"Koppeling"}`, "application/json", 400, "API_SESSION_003", "accessToken", ""},
		{"source missing", `{"accessToken":"` + DemoAPIToken + `"}`, "application/json", 400, "API_SESSION_001", "source", ""},
		{"source too long", `{"accessToken":"` + DemoAPIToken + `","source":"Koppeling12"}`, "application/json", 400, "API_SESSION_002", "source", ""},
		{"source with a dash", `{"accessToken":"` + DemoAPIToken + `","source":"Kop-peling"}`, "application/json", 400, "API_SESSION_002", "source", ""},
		{"unknown token", `{"accessToken":"not-a-token","source":"Koppeling"}`, "application/json", 403, "API_SESSION_004", "", "0"},
		{"expired token", `{"accessToken":"` + expiredToken + `","source":"Koppeling"}`, "application/json", 403, "API_SESSION_004", "", "0"},
		{"not JSON content type", `{"accessToken":"` + DemoAPIToken + `","source":"Koppeling"}`, "text/plain", 415, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.rs.URL+"/v1/session", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body json.RawMessage
			_ = json.NewDecoder(resp.Body).Decode(&body)
			r := reply{status: resp.StatusCode, body: body}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.status, r.body)
			}
			got := r.errBody(t)
			if got.Code != tc.code || got.PropertyName != tc.prop || got.SecurityType != tc.securityType {
				t.Errorf("got %+v, want code %q property %q securityType %q", got, tc.code, tc.prop, tc.securityType)
			}
			if strings.Contains(string(r.body), DemoAPIToken) {
				t.Errorf("the answer repeats the API token: %s", r.body)
			}
		})
	}
	if n := e.rs.State().Sessions; n != 0 {
		t.Errorf("%d sessions after refusals only, want 0", n)
	}
}

// TestAuthorization covers checklist item 2: the raw and the Bearer form
// work; missing, unknown, revoked and expired sessions answer 401
// SECURITY_010.
func TestAuthorization(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.SessionTTL = 10 * time.Minute })
	for _, form := range []string{"%s", "Bearer %s", "bearer  %s"} {
		auth := fmt.Sprintf(form, e.login())
		if r := e.do("DELETE", "/v1/session", auth, ""); r.status != http.StatusNoContent {
			t.Errorf("DELETE with Authorization %q: %d %s, want 204", form, r.status, r.body)
		}
	}
	if r := e.do("GET", "/v1/session", "", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/session: %d, want 405", r.status)
	}
	tok := e.login()
	if n := e.rs.State().Sessions; n != 1 {
		t.Fatalf("%d live sessions, want 1", n)
	}
	other := e.login()
	refused := []struct{ name, auth string }{
		{"missing", ""},
		{"unknown", "sbx.0000"},
		{"the API token itself", DemoAPIToken},
		{"Bearer without a token", "Bearer "},
		{"other scheme", "Basic " + tok},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("DELETE", "/v1/session", tc.auth, "")
			if r.status != 401 {
				t.Fatalf("status %d, want 401", r.status)
			}
			if got := r.errBody(t); got.Code != "SECURITY_010" || got.Type != "security" {
				t.Errorf("got %+v", got)
			}
		})
	}
	// DELETE revokes: the same token is refused afterwards; the other one lives.
	if r := e.do("DELETE", "/v1/session", "Bearer "+tok, ""); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE /v1/session: %d %q, want 204 and no body", r.status, r.body)
	}
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != 401 || r.errBody(t).Code != "SECURITY_010" {
		t.Errorf("revoked session: %d %s", r.status, r.body)
	}
	// Expiry: alive one second before expiresIn, refused at it.
	e.clock.Advance(10*time.Minute - time.Second)
	if n := e.rs.State().Sessions; n != 1 {
		t.Fatalf("%d live sessions just before expiry, want 1", n)
	}
	e.clock.Advance(time.Second)
	if r := e.do("DELETE", "/v1/session", other, ""); r.status != 401 || r.errBody(t).Code != "SECURITY_010" {
		t.Errorf("expired session: %d %s", r.status, r.body)
	}
}

// TestSessionAnswer checks expiresIn follows SessionTTL and that tokens are
// fresh per login.
func TestSessionAnswer(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.SessionTTL = 90 * time.Second })
	r := e.do("POST", "/v1/session", "", `{"accessToken":"`+DemoAPIToken+`","source":"Koppeling"}`)
	var s struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expiresIn"`
	}
	if err := json.Unmarshal(r.body, &s); err != nil || r.status != 200 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	if s.ExpiresIn != 90 {
		t.Errorf("expiresIn %d, want 90", s.ExpiresIn)
	}
	if s.Token == e.login() {
		t.Error("two logins got the same session token")
	}
	for _, req := range e.rs.Requests().All() {
		if req.Op == opSessionOpen && req.Body != "" {
			t.Errorf("the session request's body was logged: %q", req.Body)
		}
	}
}

// TestRateLimit answers 429 with Retry-After beyond CallLimitPerMinute calls
// per token in a sliding minute, and lets calls through again once the
// oldest call is a minute old.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.CallLimitPerMinute = 3 })
	tok := e.login() // call 1
	e.clock.Advance(20 * time.Second)
	e.login() // call 2
	e.login() // call 3
	r := e.do("POST", "/v1/session", "", `{"accessToken":"`+DemoAPIToken+`","source":"Koppeling"}`)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("fourth call: %d, want 429", r.status)
	}
	if got := r.header.Get("Retry-After"); got != "40" {
		t.Errorf("Retry-After %q, want 40 (the first call leaves the window in 40 s)", got)
	}
	r.errBody(t)
	e.clock.Advance(40 * time.Second)
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != http.StatusNoContent {
		t.Errorf("after the window moved: %d %s", r.status, r.body)
	}
}

// TestFaults covers checklist item 7 for the session calls: 500 ERR_001,
// 429 with Retry-After, an expired session, and a dropped answer after the
// call was applied (the session exists although the client saw nothing).
func TestFaults(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	e.rs.Faults().Add(fault.Rule{Op: opSessionClose, Kind: fault.HTTP500, Times: 1})
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != 500 || r.errBody(t).Code != "ERR_001" {
		t.Errorf("http500: %d %s", r.status, r.body)
	}
	e.rs.Faults().Add(fault.Rule{Op: opSessionClose, Kind: fault.CallLimit, Times: 1, Delay: fault.Duration(2500 * time.Millisecond)})
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != 429 || r.header.Get("Retry-After") != "3" {
		t.Errorf("call_limit: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	e.rs.Faults().Add(fault.Rule{Op: opSessionClose, Kind: fault.SessionExpired, Times: 1})
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != 401 {
		t.Errorf("session_expired: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status != 401 {
		t.Errorf("the session outlived session_expired: %d", r.status)
	}
	e.rs.Faults().Add(fault.Rule{Op: opSessionOpen, Kind: fault.DropAfterApply, Times: 1})
	req, _ := http.NewRequest("POST", e.rs.URL+"/v1/session", strings.NewReader(`{"accessToken":"`+DemoAPIToken+`","source":"Koppeling"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("drop_after_apply: got an answer %d", resp.StatusCode)
	}
	if n := e.rs.State().Sessions; n != 1 {
		t.Errorf("%d sessions after a dropped login, want 1 (applied)", n)
	}
	if got := e.rs.Faults().Fired(); got[fault.HTTP500] != 1 || got[fault.CallLimit] != 1 || got[fault.SessionExpired] != 1 || got[fault.DropAfterApply] != 1 {
		t.Errorf("fired %v", got)
	}
}

// TestUnknownPaths answers 404 for paths the API lacks and 405 for PUT on a
// known one (checklist item 8).
func TestUnknownPaths(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	if r := e.do("GET", "/v1/nothing", tok, ""); r.status != 404 {
		t.Errorf("unknown path: %d", r.status)
	}
	if r := e.do("PUT", "/v1/session", tok, `{}`); r.status != 405 {
		t.Errorf("PUT /v1/session: %d", r.status)
	}
}
