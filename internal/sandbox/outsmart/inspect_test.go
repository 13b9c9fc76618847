package outsmart

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// inspectDo sends a request to the inspection API and returns status and body.
func (sb *sandbox) inspectDo(t *testing.T, method, resource, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, sb.http.URL+inspect.Prefix+resource, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sb.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, resource, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestInspectState(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "materials", nil, bpMaterialsPost).want(t, 200)
	sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}}, "").want(t, 200)

	var snap struct {
		Employees     []demodata.Employee   `json:"employees"`
		Workstatusses []demodata.Workstatus `json:"workstatusses"`
		Relations     []Relation            `json:"relations"`
		Materials     []Material            `json:"materials"`
		HourTypes     []demodata.HourType   `json:"hourtypes"`
		Workorders    []demodata.Workorder  `json:"workorders"`
		Violations    []string              `json:"violations"`
	}
	sb.inspectGET(t, "state", &snap)
	if len(snap.Materials) != 2 || snap.Materials[0].Price != "4,55" {
		t.Errorf("materials %+v, want the two posted", snap.Materials)
	}
	if len(snap.Employees) != 2 || len(snap.Workstatusses) != 2 || len(snap.Workorders) != 7 {
		t.Errorf("state incomplete: %d employees, %d workstatusses, %d work orders", len(snap.Employees), len(snap.Workstatusses), len(snap.Workorders))
	}
	if len(snap.Violations) != 1 || !strings.HasPrefix(snap.Violations[0], "GetWorkorders without update_status=false marked 4 work orders Afgehandeld") {
		t.Errorf("violations %q", snap.Violations)
	}
	if snap.Relations == nil || snap.HourTypes == nil {
		t.Error("empty lists are null in the state, want []")
	}
}

func TestInspectFaultsOverHTTP(t *testing.T) {
	sb := newSandbox(t, Options{})
	if status, body := sb.inspectDo(t, "POST", "faults", `{"op":"GET employees","kind":"general_error","times":1}`); status != http.StatusNoContent {
		t.Fatalf("add fault: HTTP %d %s", status, body)
	}
	sb.call(t, "GET", "employees", nil, "").want(t, 1007, msgGeneralError)
	sb.call(t, "GET", "employees", nil, "").want(t, 200)
	var fired map[string]int
	sb.inspectGET(t, "faults", &fired)
	if fired["general_error"] != 1 {
		t.Errorf("fired %v, want general_error 1", fired)
	}
	// DELETE removes every rule.
	sb.inspectDo(t, "POST", "faults", `[{"op":"*","kind":"http500"}]`)
	if status, _ := sb.inspectDo(t, "DELETE", "faults", ""); status != http.StatusNoContent {
		t.Fatalf("delete faults: HTTP %d", status)
	}
	sb.call(t, "GET", "employees", nil, "").want(t, 200)
}

func TestInspectRequests(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "relations", nil, oneRelation).want(t, 200)
	sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}, "update_status": {"false"}}, "").want(t, 200)
	sb.raw(t, "GET", "/openapi/8/employees/?token=wrong-token-value&software_token="+testSoftToken, "", nil).want(t, 1004)

	var reqs []inspect.Request
	sb.inspectGET(t, "requests", &reqs)
	if len(reqs) != 3 {
		t.Fatalf("%d requests logged, want 3", len(reqs))
	}
	want := []struct{ op, query, body, result string }{
		{"POST relations", "software_token=REDACTED&token=REDACTED", oneRelation, "ok"},
		{"GET GetWorkorders", "software_token=REDACTED&status=Compleet&token=REDACTED&update_status=false", "", "ok"},
		{"GET employees", "token=REDACTED&software_token=REDACTED", "", "1004"},
	}
	for i, w := range want {
		r := reqs[i]
		if r.Op != w.op || r.Query != w.query || r.Body != w.body || r.Result != w.result || r.Status != 200 {
			t.Errorf("request %d: %+v\nwant op %q query %q body %q result %q status 200", i, r, w.op, w.query, w.body, w.result)
		}
		if r.Time.IsZero() || r.Method == "" {
			t.Errorf("request %d: time or method missing: %+v", i, r)
		}
	}
}

// TestCredentialsNeverLeak runs calls that succeed, fail, echo the path or
// body, and carry credentials in odd places, then searches every answer, the
// request log and the state for the credential values.
func TestCredentialsNeverLeak(t *testing.T) {
	sb := newSandbox(t, Options{})
	const wrongToken = "deadbeefcafebabe0123456789"
	auth := "token=" + testToken + "&software_token=" + testSoftToken
	var answers []string
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/openapi/8/employees/?" + auth, ""},
		{"POST", "/openapi/8/relations/?" + auth, oneRelation},
		{"POST", "/openapi/8/relations/?" + auth, `[{"` + testToken + `":"x"}]`},                      // echoed as an unknown field
		{"GET", "/openapi/8/" + testSoftToken + "/?" + auth, ""},                                      // echoed as an unknown endpoint
		{"GET", "/openapi/8/materials/?" + auth + "&key=" + testToken + "&value=1", ""},               // echoed as a filter key
		{"GET", "/openapi/8/GetWorkorders/?" + auth + "&status=" + testToken, ""},                     // echoed as a status
		{"GET", "/openapi/8/employees/?token=" + wrongToken + "&software_token=" + testSoftToken, ""}, // a wrong token is a secret too
		{"GET", "/openapi/8/employees/?software_token=" + testSoftToken + "&token=" + testToken + "&token=" + wrongToken, ""},
	} {
		answers = append(answers, sb.raw(t, c.method, c.path, c.body, nil).Raw)
	}
	_, log := sb.inspectDo(t, "GET", "requests", "")
	_, state := sb.inspectDo(t, "GET", "state", "")
	if !strings.Contains(log, "REDACTED") {
		t.Fatal("the log shows no redaction at all")
	}
	for _, secret := range []string{testToken, testSoftToken, wrongToken} {
		for i, a := range answers {
			if strings.Contains(a, secret) {
				t.Errorf("answer %d contains a credential: %s", i, a)
			}
		}
		if strings.Contains(log, secret) {
			t.Errorf("request log contains credential %s…", secret[:6])
		}
		if strings.Contains(state, secret) {
			t.Errorf("state contains credential %s…", secret[:6])
		}
	}
}

func TestRedactorQuery(t *testing.T) {
	s := New(Options{Dataset: fixture(t)})
	tests := []struct{ raw, want string }{
		{"token=abc&software_token=def&status=Alle", "token=REDACTED&software_token=REDACTED&status=Alle"},
		{"tok%65n=abc&x=1", "tok%65n=REDACTED&x=1"},
		{"token&x=1", "token&x=1"},
		{"a=" + testToken, "a=REDACTED"},
		{"", ""},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.raw)
		if got := s.redactorFor(q).query(tt.raw); got != tt.want {
			t.Errorf("query(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestReset(t *testing.T) {
	for _, overHTTP := range []bool{false, true} {
		name := map[bool]string{false: "method", true: "inspection API"}[overHTTP]
		t.Run(name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			start := sb.State()
			sb.call(t, "POST", "relations", nil, oneRelation).want(t, 200)
			sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}}, "").want(t, 200)
			sb.Faults().Add(fault.Rule{Op: "GET employees", Kind: fault.GeneralError})
			if overHTTP {
				if status, _ := sb.inspectDo(t, "POST", "reset", ""); status != http.StatusNoContent {
					t.Fatalf("reset: HTTP %d", status)
				}
			} else {
				sb.Reset()
			}
			if !reflect.DeepEqual(sb.State(), start) {
				t.Error("state differs from the start after Reset")
			}
			if v := sb.Violations(); len(v) != 0 {
				t.Errorf("violations after Reset: %q", v)
			}
			if n := len(sb.Requests().All()); n != 0 {
				t.Errorf("%d requests logged after Reset", n)
			}
			sb.call(t, "GET", "employees", nil, "").want(t, 200) // fault rule gone
		})
	}
}

// TestStateIsACopy: neither the dataset passed to New nor a State() result
// shares memory with the server.
func TestStateIsACopy(t *testing.T) {
	ds := fixture(t)
	s := New(Options{Dataset: ds})
	ds.Workorders[0].Status = "changed"
	ds.Workorders[0].Materials[0].MaterialName = "changed"
	s.Update(func(st *State) {
		orig := "orig"
		st.Workorders[0].Materials[0].MaterialType = &orig
	})
	st := s.State()
	if st.Workorders[0].Status == "changed" || st.Workorders[0].Materials[0].MaterialName == "changed" {
		t.Fatal("the server shares memory with the dataset passed to New")
	}
	st.Workorders[0].Status = "changed"
	*st.Workorders[0].Materials[0].MaterialType = "changed"
	st.Relations = append(st.Relations, Relation{})
	again := s.State()
	if again.Workorders[0].Status == "changed" || len(again.Relations) != 0 {
		t.Fatal("State() shares memory with the server")
	}
	if mt := again.Workorders[0].Materials[0].MaterialType; mt == nil || *mt != "orig" {
		t.Fatal("State() shares pointers with the server")
	}
}

// TestUpdate: a test completes a work order and adds master data through
// Update; values are normalised as at load and served at once.
func TestUpdate(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.Update(func(st *State) {
		st.Workorders[4].Status = statusComplete // 2004 completed on the tablet
		st.Workorders = append(st.Workorders, demodata.Workorder{ID: "3001", Status: statusComplete, WorkStatus: "001"})
		st.Materials = append(st.Materials, Material{Material: demodata.Material{Code: "X", Description: "d", Price: "3.5", Unit: "st"}})
		st.HourTypes = append(st.HourTypes, demodata.HourType{Code: "H", Name: "n", CostBooking: "0", SaleBooking: "1", SalePrice: "40"})
	})
	ids := sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Compleet"}, "workstatus": {"001"}, "update_status": {"false"}}, "").field(t, "id")
	if !reflect.DeepEqual(ids, []string{"1919", "2001", "2003", "3001"}) {
		t.Errorf("ids %q", ids)
	}
	var added []map[string]any
	if err := json.Unmarshal(sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"3001"}, "update_status": {"false"}}, "").Response, &added); err == nil {
		t.Error("GetWorkorder answered a list, want one object")
	}
	w := sb.call(t, "GET", "GetWorkorder", url.Values{"row_id": {"3001"}, "update_status": {"false"}}, "")
	if !strings.Contains(string(w.Response), `"Workperiods":[]`) || !strings.Contains(string(w.Response), `"Materials":[]`) {
		t.Errorf("added work order answers null lists: %s", w.Response)
	}
	if p := sb.call(t, "GET", "materials", nil, "").field(t, "price"); !reflect.DeepEqual(p, []string{"3,50"}) {
		t.Errorf("material price %q, want [3,50]", p)
	}
	h := sb.call(t, "GET", "hourtypes", nil, "").list(t)
	if h[0]["sale_price"] != "40.00" || h[0]["cost_price"] != "0.00" || h[0]["active"] != "1" {
		t.Errorf("hour type %v, want sale_price 40.00, cost_price 0.00, active 1", h[0])
	}
}
