package ebrest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// keysOf are the keys of a JSON object body.
func keysOf(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object: %s: %v", body, err)
	}
	return m
}

// TestUnrecognisedListIsWellFormedButUnknown: fault.Unrecognised answers a
// list with 200 and well-formed JSON whose envelope and records carry only
// unknown keys (no "items", no "id"), the same records as the real answer,
// and is logged under its kind; the next call is answered normally.
func TestUnrecognisedListIsWellFormedButUnknown(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	plain := e.do("GET", "/v1/relation?limit=5", tok, "")
	e.rs.Faults().Add(fault.Rule{Op: "GET /v1/relation", Kind: fault.Unrecognised, Times: 1})
	got := e.do("GET", "/v1/relation?limit=5", tok, "")
	if got.status != http.StatusOK || !json.Valid(got.body) {
		t.Fatalf("unrecognised list: %d %s, want 200 and valid JSON", got.status, got.body)
	}
	env := keysOf(t, got.body)
	if _, ok := env["items"]; ok {
		t.Fatalf("the unrecognised answer still has items: %s", got.body)
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(env["items"+unrecognisedSuffix], &items); err != nil {
		t.Fatalf("renamed items: %v in %s", err, got.body)
	}
	var want struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(plain.body, &want); err != nil || len(want.Items) != 5 {
		t.Fatalf("real answer %s: %v", plain.body, err)
	}
	if len(items) != len(want.Items) {
		t.Fatalf("%d records in the unrecognised answer, %d in the real one", len(items), len(want.Items))
	}
	for i, it := range items {
		if _, ok := it["id"]; ok || string(it["id"+unrecognisedSuffix]) != string(want.Items[i]["id"]) {
			t.Errorf("record %d: %v, want the real record's keys renamed", i, it)
		}
	}
	if last := e.rs.Requests().All(); last[len(last)-1].Result != string(fault.Unrecognised) {
		t.Errorf("request log: %+v", last[len(last)-1])
	}
	if again := e.do("GET", "/v1/relation?limit=5", tok, ""); string(again.body) != string(plain.body) {
		t.Errorf("after the fault: %s, want the real answer", again.body)
	}
}

// TestUnrecognisedWriteIsApplied: an invoice created under
// fault.Unrecognised exists (the write was applied) although its answer
// names no id; an error answer and a body-less 204 pass unchanged.
func TestUnrecognisedWriteIsApplied(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	before := len(e.rs.State().Relations)
	e.rs.Faults().Add(fault.Rule{Op: "POST /v1/relation", Kind: fault.Unrecognised, Times: 1})
	r := e.do("POST", "/v1/relation", tok, `{"name":"Onbekend antwoord","code":"U-1"}`)
	if r.status/100 != 2 || !json.Valid(r.body) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if _, ok := keysOf(t, r.body)["id"]; ok {
		t.Errorf("the unrecognised create answer names an id: %s", r.body)
	}
	if n := len(e.rs.State().Relations); n != before+1 {
		t.Fatalf("%d relations after the create, want %d: the write was not applied", n, before+1)
	}
	// A refused call stays refused: no session, 401 with the error body.
	e.rs.Faults().Add(fault.Rule{Op: "GET /v1/unit", Kind: fault.Unrecognised, Times: 1})
	if r := e.do("GET", "/v1/unit", "", ""); r.status != http.StatusUnauthorized || r.errBody(t).Code == "" {
		t.Errorf("a refused call under the fault: %d %s", r.status, r.body)
	}
	e.rs.Faults().Add(fault.Rule{Op: opSessionClose, Kind: fault.Unrecognised, Times: 1})
	if r := e.do("DELETE", "/v1/session", tok, ""); r.status/100 != 2 || strings.TrimSpace(string(r.body)) != "" {
		t.Errorf("closing the session under the fault: %d %q", r.status, r.body)
	}
	if n := e.rs.Faults().Fired()[fault.Unrecognised]; n != 3 {
		t.Errorf("the fault fired %d times, want 3", n)
	}
}
