package outsmart

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

const oneRelation = `[{"name":"Fout BV","debtor_number":"F1","street":"S","postal_code":"P","city":"C"}]`

// send makes one request on a fresh connection. A fresh connection matters:
// Go's transport silently retries an idempotent request that failed on a
// reused connection, which would hide a dropped connection.
func (sb *sandbox) send(method, endpoint string, params url.Values, body string, timeout time.Duration) (int, []byte, error) {
	q := url.Values{"token": {testToken}, "software_token": {testSoftToken}}
	for k, v := range params {
		q[k] = v
	}
	req, err := http.NewRequest(method, sb.http.URL+"/openapi/8/"+endpoint+"/?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: timeout}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// lastRequest waits until the log holds an entry for op (a handler that saw
// its client leave logs after the client's error) and returns the last one.
func lastRequest(t *testing.T, s *Server, op string) inspect.Request {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := s.Requests().All()
		for i := len(reqs) - 1; i >= 0; i-- {
			if reqs[i].Op == op {
				return reqs[i]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the request log", op)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func relationStored(s *Server) bool {
	for _, r := range s.State().Relations {
		if r.DebtorNumber == "F1" {
			return true
		}
	}
	return false
}

func TestFaultKinds(t *testing.T) {
	tests := []struct {
		name          string
		rule          fault.Rule
		clientTimeout time.Duration
		wantErr       bool // the client gets no answer
		wantHTTP      int
		wantCode      int // 0: the body is no envelope
		wantApplied   bool
		wantLogStatus int
		checkBody     func(t *testing.T, b []byte)
	}{
		{name: "http500", rule: fault.Rule{Kind: fault.HTTP500}, wantHTTP: 500, wantCode: 1007, wantLogStatus: 500},
		{name: "general error", rule: fault.Rule{Kind: fault.GeneralError}, wantHTTP: 200, wantCode: 1007, wantLogStatus: 200},
		{name: "drop before apply", rule: fault.Rule{Kind: fault.DropBeforeApply}, wantErr: true},
		{name: "drop after apply", rule: fault.Rule{Kind: fault.DropAfterApply}, wantErr: true, wantApplied: true},
		{name: "timeout, client gives up first", rule: fault.Rule{Kind: fault.Timeout, Delay: fault.Duration(10 * time.Second)},
			clientTimeout: 100 * time.Millisecond, wantErr: true},
		{name: "timeout, client waits", rule: fault.Rule{Kind: fault.Timeout, Delay: fault.Duration(20 * time.Millisecond)},
			wantHTTP: 200, wantCode: 200, wantApplied: true, wantLogStatus: 200},
		{name: "slow", rule: fault.Rule{Kind: fault.Slow, Delay: fault.Duration(20 * time.Millisecond)},
			wantHTTP: 200, wantCode: 200, wantApplied: true, wantLogStatus: 200},
		{name: "malformed", rule: fault.Rule{Kind: fault.Malformed}, wantHTTP: 200, wantApplied: true, wantLogStatus: 200,
			checkBody: func(t *testing.T, b []byte) {
				full := `{"code":200,"messages":[],"response":1}`
				if json.Valid(b) || len(b) == 0 || !strings.HasPrefix(full, string(b)) {
					t.Errorf("body %q, want a truncated envelope", b)
				}
			}},
		{name: "oversized", rule: fault.Rule{Kind: fault.Oversized, Size: 1 << 20}, wantHTTP: 200, wantLogStatus: 200,
			checkBody: func(t *testing.T, b []byte) {
				if len(b) != 1<<20 || !strings.HasPrefix(string(b), `{"code":200,`) {
					t.Errorf("body of %d bytes starting %q, want 1 MiB starting like an envelope", len(b), b[:min(len(b), 20)])
				}
			}},
		{name: "unrecognised", rule: fault.Rule{Kind: fault.Unrecognised}, wantHTTP: 200, wantCode: 200, wantApplied: true, wantLogStatus: 200,
			checkBody: func(t *testing.T, b []byte) {
				if want := `{"code":200,"messages":[],"response":{"response_v2":1}}`; string(b) != want {
					t.Errorf("body %s, want %s", b, want)
				}
			}},
		{name: "e-Boekhouden-only kind is ignored", rule: fault.Rule{Kind: fault.SessionExpired},
			wantHTTP: 200, wantCode: 200, wantApplied: true, wantLogStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			tt.rule.Op = "POST relations"
			sb.Faults().Add(tt.rule)
			start := time.Now()
			status, body, err := sb.send("POST", "relations", nil, oneRelation, tt.clientTimeout)
			elapsed := time.Since(start)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("client got HTTP %d %s, want a transport error", status, body)
				}
			} else {
				if err != nil {
					t.Fatalf("client error: %v", err)
				}
				if status != tt.wantHTTP {
					t.Errorf("HTTP %d, want %d", status, tt.wantHTTP)
				}
				if tt.wantCode != 0 {
					var env envelope
					if err := json.Unmarshal(body, &env); err != nil || env.Code != tt.wantCode {
						t.Errorf("body %s, want code %d", body, tt.wantCode)
					}
				}
				if tt.checkBody != nil {
					tt.checkBody(t, body)
				}
			}
			if d := time.Duration(tt.rule.Delay); !tt.wantErr && elapsed < d {
				t.Errorf("answered after %v, before the delay %v", elapsed, d)
			}
			entry := lastRequest(t, sb.Server, "POST relations")
			if entry.Result != string(tt.rule.Kind) && tt.rule.Kind != fault.SessionExpired {
				t.Errorf("log result %q, want %q", entry.Result, tt.rule.Kind)
			}
			if entry.Status != tt.wantLogStatus {
				t.Errorf("log status %d, want %d", entry.Status, tt.wantLogStatus)
			}
			if got := relationStored(sb.Server); got != tt.wantApplied {
				t.Errorf("applied = %v, want %v", got, tt.wantApplied)
			}
		})
	}
}

// TestDropAfterApplyMarksHandled: the client that marks a work order handled
// loses the answer, but the order is Afgehandeld.
func TestDropAfterApplyMarksHandled(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropAfterApply, Times: 1})
	if _, _, err := sb.send("GET", "GetWorkorder", url.Values{"row_id": {"2001"}, "update_status": {"true"}}, "", 0); err == nil {
		t.Fatal("client got an answer, want a dropped connection")
	}
	if got := statusOf(t, sb.Server, "2001"); got != statusHandled {
		t.Errorf("2001 is %s, want Afgehandeld", got)
	}
	// Times: 1 — the retry is answered.
	sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"2001"}, "update_status": {"true"}}, "").want(t, 200)
}

func TestFaultRuleMatching(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.Faults().Add(fault.Rule{Op: "GET GetWorkorders", Kind: fault.GeneralError, After: 1, Times: 1})
	params := url.Values{"status": {"Compleet"}, "update_status": {"false"}}
	var codes []int
	for range 3 {
		codes = append(codes, sb.call(t, "GET", "GetWorkorders", params, "").Code)
		sb.call(t, "GET", "employees", nil, "").want(t, 200) // another op: never faulted
	}
	if want := []int{200, 1007, 200}; !slices.Equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	if fired := sb.Faults().Fired()[fault.GeneralError]; fired != 1 {
		t.Errorf("fired %d, want 1", fired)
	}
}

// TestRandomFaultsFollowTheSeed: two servers with the same seed fail the same
// calls.
func TestRandomFaultsFollowTheSeed(t *testing.T) {
	run := func() []int {
		sb := newSandbox(t, Options{Seed: 42})
		sb.Faults().Add(fault.Rule{Op: "*", Kind: fault.GeneralError, Rate: 0.5})
		var codes []int
		for range 30 {
			codes = append(codes, sb.call(t, "GET", "employees", nil, "").Code)
		}
		return codes
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	n := 0
	for _, c := range a {
		if c == 1007 {
			n++
		}
	}
	if n == 0 || n == len(a) {
		t.Errorf("%d of %d calls failed at rate 0.5", n, len(a))
	}
}

func TestLatency(t *testing.T) {
	sb := newSandbox(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	sb.call(t, "GET", "employees", nil, "").want(t, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, before the latency", d)
	}
}

func TestLatencyClientGone(t *testing.T) {
	sb := newSandbox(t, Options{Latency: 10 * time.Second})
	if _, _, err := sb.send("POST", "relations", nil, oneRelation, 100*time.Millisecond); err == nil {
		t.Fatal("client got an answer before its timeout")
	}
	entry := lastRequest(t, sb.Server, "POST relations")
	if entry.Result != "client gone" || entry.Status != 0 {
		t.Errorf("log %q/%d, want client gone/0", entry.Result, entry.Status)
	}
	if relationStored(sb.Server) {
		t.Error("the call was applied after its client left")
	}
}

// TestUnrecognisedRenamesTheRecordKeys: a list answer keeps its records and
// values, but every key of every record is one the client does not know; a
// single record likewise. The next call is normal again.
func TestUnrecognisedRenamesTheRecordKeys(t *testing.T) {
	sb := newSandbox(t, Options{})
	params := url.Values{"status": {"Compleet"}, "update_status": {"false"}}
	normal := sb.call(t, "GET", "GetWorkorders", params, "")
	var want []map[string]json.RawMessage
	if err := json.Unmarshal(normal.Response, &want); err != nil || len(want) == 0 {
		t.Fatalf("normal answer: %s, %v", normal.Response, err)
	}
	sb.Faults().Add(fault.Rule{Op: "GET GetWorkorders", Kind: fault.Unrecognised, Times: 1})
	got := sb.call(t, "GET", "GetWorkorders", params, "")
	if got.Code != 200 {
		t.Fatalf("code %d", got.Code)
	}
	var records []map[string]json.RawMessage
	if err := json.Unmarshal(got.Response, &records); err != nil || len(records) != len(want) {
		t.Fatalf("%d records (want %d), %v: %s", len(records), len(want), err, got.Response)
	}
	for i, rec := range records {
		if len(rec) != len(want[i]) {
			t.Errorf("record %d has %d keys, want %d", i, len(rec), len(want[i]))
		}
		for k, v := range want[i] {
			if string(rec[k+"_v2"]) != string(v) {
				t.Errorf("record %d: %s_v2 = %s, want %s", i, k, rec[k+"_v2"], v)
			}
			if _, kept := rec[k]; kept {
				t.Errorf("record %d still has the key %s", i, k)
			}
		}
	}
	if entry := lastRequest(t, sb.Server, "GET GetWorkorders"); entry.Result != string(fault.Unrecognised) {
		t.Errorf("log result %q", entry.Result)
	}
	sb.call(t, "GET", "GetWorkorders", params, "").want(t, 200)

	sb.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.Unrecognised, Times: 1})
	one := sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"2001"}, "update_status": {"false"}}, "")
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(one.Response, &rec); err != nil || rec["id_v2"] == nil || rec["id"] != nil {
		t.Errorf("single record: %s, %v", one.Response, err)
	}
}
