package ebrest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// TestInspectionAPI drives the shared inspection API over HTTP: state,
// fault rules, request log and reset.
func TestInspectionAPI(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	if r := e.do("POST", "/v1/relation", tok, `{"name":"Nieuw"}`); r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r := e.do("GET", "/_sandbox/state", "", "")
	var st State
	if err := json.Unmarshal(r.body, &st); err != nil || len(st.Relations) != 38 || st.Sessions != 1 || len(st.Invoices) != 4 {
		t.Fatalf("state: %d relations, %d sessions, %d invoices (%v)", len(st.Relations), st.Sessions, len(st.Invoices), err)
	}
	if strings.Contains(string(r.body), DemoAPIToken) || strings.Contains(string(r.body), tok) {
		t.Error("the state shows a token")
	}
	if r := e.do("POST", "/_sandbox/faults", "", `{"op":"GET /v1/relation/{id}","kind":"http500","times":1}`); r.status != http.StatusNoContent {
		t.Fatalf("add fault: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/relation/4100001", tok, ""); r.status != 500 || r.errBody(t).Code != "ERR_001" {
		t.Errorf("injected 500: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/relation/4100001", tok, ""); r.status != 200 {
		t.Errorf("after the rule ran out: %d", r.status)
	}
	var reqs []struct {
		Op     string `json:"op"`
		Status int    `json:"status"`
		Result string `json:"result"`
	}
	if err := json.Unmarshal(e.do("GET", "/_sandbox/requests", "", "").body, &reqs); err != nil || len(reqs) != 4 {
		t.Fatalf("request log: %+v (%v)", reqs, err)
	}
	if reqs[2].Op != "GET /v1/relation/{id}" || reqs[2].Status != 500 || reqs[2].Result != "ERR_001" || reqs[1].Result != "ok" {
		t.Errorf("request log: %+v", reqs)
	}
	if r := e.do("POST", "/_sandbox/reset", "", ""); r.status != http.StatusNoContent {
		t.Fatalf("reset: %d", r.status)
	}
	if st := e.rs.State(); len(st.Relations) != 37 || st.Sessions != 0 || len(e.rs.Requests().All()) != 0 {
		t.Errorf("after reset: %d relations, %d sessions", len(st.Relations), st.Sessions)
	}
	if r := e.do("GET", "/v1/relation", tok, ""); r.status != 401 {
		t.Errorf("a session survived reset: %d", r.status)
	}
}

// TestUpdateRefusesInconsistentState keeps the state when Update would
// break it, and keeps State a copy.
func TestUpdateRefusesInconsistentState(t *testing.T) {
	s := New(Options{Dataset: demodata.Default().EBoekhouden})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a duplicate relation code did not panic")
			}
		}()
		s.Update(func(st *State) { st.Relations[1].Code = st.Relations[0].Code })
	}()
	st := s.State()
	st.Relations[0].Name = "changed"
	st.Invoices[0].Items[0].Description = "changed"
	if got := s.State(); got.Relations[0].Name == "changed" || got.Invoices[0].Items[0].Description == "changed" {
		t.Error("State returned shared data")
	}
	if got := s.State(); got.Relations[1].Code == got.Relations[0].Code {
		t.Error("a refused Update changed the state")
	}
}

// TestRequestLoggedBeforeTheAnswer: a client that has seen an answer, or a
// dropped connection, finds its request in the log at once. (Before the
// fix the request was logged after the answer; 200 calls caught that in
// about half the runs.)
func TestRequestLoggedBeforeTheAnswer(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	// A fresh connection per call: Go's transport repeats a GET that failed
	// on a reused connection, which would hide the drop.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 200 {
		kind := fault.DropAfterApply
		if i%2 == 1 {
			kind = fault.DropBeforeApply
		}
		e.rs.Faults().Add(fault.Rule{Op: "GET /v1/unit", Kind: kind, Times: 1})
		req, err := http.NewRequest(http.MethodGet, e.rs.URL+"/v1/unit", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", tok)
		if resp, err := hc.Do(req); err == nil {
			_ = resp.Body.Close()
			t.Fatalf("%s answered %d", kind, resp.StatusCode)
		}
		if n := e.rs.Requests().Count("GET /v1/unit"); n != 2*i+1 {
			t.Fatalf("after %d dropped calls the log holds %d", i+1, n)
		}
		if r := e.do(http.MethodGet, "/v1/unit", tok, ""); r.status != http.StatusOK {
			t.Fatalf("GET /v1/unit: %d", r.status)
		}
		if n := e.rs.Requests().Count("GET /v1/unit"); n != 2*i+2 {
			t.Fatalf("after an answer the log holds %d calls, want %d", n, 2*i+2)
		}
	}
}
