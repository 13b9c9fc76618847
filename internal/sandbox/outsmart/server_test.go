package outsmart

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

func TestPathsAndAuth(t *testing.T) {
	sb := newSandbox(t, Options{})
	auth := "token=" + testToken + "&software_token=" + testSoftToken
	tests := []struct {
		name       string
		method     string
		path       string
		wantHTTP   int
		wantCode   int
		wantPrefix string // first message starts with this ("" = no check)
	}{
		{"trailing slash", "GET", "/openapi/8/employees/?" + auth, 200, 200, ""},
		{"no trailing slash", "GET", "/openapi/8/employees?" + auth, 200, 200, ""},
		{"no endpoint", "GET", "/openapi/8/?" + auth, 200, 1000, "The URL being called is not containing an endpoint"},
		{"no endpoint, no slash", "GET", "/openapi/8?" + auth, 200, 1000, ""},
		{"unknown endpoint", "GET", "/openapi/8/nothing/?" + auth, 200, 1001, "Unknown endpoint: nothing"},
		{"endpoint names are case-sensitive", "GET", "/openapi/8/getworkorders/?" + auth + "&status=Alle&update_status=false", 200, 1001, "Unknown endpoint: getworkorders"},
		{"path outside the API", "GET", "/openapi/7/relations/?" + auth, 404, 1001, "Unknown path /openapi/7/relations/"},
		{"unknown endpoint before auth", "GET", "/openapi/8/nothing/", 200, 1001, ""},
		{"missing token", "GET", "/openapi/8/employees/?software_token=" + testSoftToken, 200, 1002, "Request is missing the GET parameter: token"},
		{"empty token", "GET", "/openapi/8/employees/?token=&software_token=" + testSoftToken, 200, 1002, ""},
		{"missing both: token first", "GET", "/openapi/8/employees/", 200, 1002, ""},
		{"missing software token", "GET", "/openapi/8/employees/?token=" + testToken, 200, 1003, "Request is missing the GET parameter: software_token"},
		{"wrong token", "GET", "/openapi/8/employees/?token=" + strings.Repeat("0", 64) + "&software_token=" + testSoftToken, 200, 1004, "Client token provided is unauthorized"},
		{"wrong token and software token: token first", "GET", "/openapi/8/employees/?token=x&software_token=y", 200, 1004, ""},
		{"wrong software token", "GET", "/openapi/8/employees/?token=" + testToken + "&software_token=" + strings.Repeat("1", 40), 200, 1005, "Software token provided is unauthorized"},
		{"swapped tokens", "GET", "/openapi/8/employees/?token=" + testSoftToken + "&software_token=" + testToken, 200, 1004, ""},
		{"documented, not implemented", "POST", "/openapi/8/PostWorkorders/?" + auth, 200, 1007, "POST PostWorkorders is documented by OutSmart but not implemented in the sandbox"},
		{"documented method, not implemented", "POST", "/openapi/8/employees/?" + auth, 200, 1007, "POST employees is documented"},
		{"documented sub-path endpoint", "GET", "/openapi/8/objects/changed/?" + auth, 200, 1007, "GET objects/changed is documented"},
		{"not implemented still needs auth", "GET", "/openapi/8/DeleteEntity/", 200, 1002, ""},
		{"undocumented method", "DELETE", "/openapi/8/relations/?" + auth, 200, 1007, "Method DELETE is not supported on relations"},
		{"GetWorkorders is GET only", "POST", "/openapi/8/GetWorkorders/?" + auth, 200, 1007, "Method POST is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sb.raw(t, tt.method, tt.path, "", nil)
			if a.HTTPStatus != tt.wantHTTP {
				t.Errorf("HTTP %d, want %d", a.HTTPStatus, tt.wantHTTP)
			}
			a.want(t, tt.wantCode)
			if tt.wantPrefix != "" && (len(a.Messages) == 0 || !strings.HasPrefix(a.Messages[0], tt.wantPrefix)) {
				t.Errorf("messages %q, want first to start with %q", a.Messages, tt.wantPrefix)
			}
		})
	}
}

func TestCaseHint(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "GET", "getWorkOrders", url.Values{"status": {"Alle"}}, "")
	a.want(t, 1001, "Unknown endpoint: getWorkOrders", "Endpoint names are case-sensitive in the sandbox: did you mean GetWorkorders?")
}

func TestRequireHTTPS(t *testing.T) {
	sb := newSandbox(t, Options{RequireHTTPS: true})
	path := "/openapi/8/employees/?token=" + testToken + "&software_token=" + testSoftToken
	sb.raw(t, "GET", path, "", nil).want(t, 1006, "All endpoints should use https.")
	// 1006 comes before everything else, also before a missing endpoint or token.
	sb.raw(t, "GET", "/openapi/8/", "", nil).want(t, 1006)
	sb.raw(t, "GET", path, "", http.Header{"X-Forwarded-Proto": {"https"}}).want(t, 200)
	sb.raw(t, "GET", path, "", http.Header{"X-Forwarded-Proto": {"http"}}).want(t, 1006)

	// Over real TLS the request is served.
	s := New(Options{Dataset: fixture(t), RequireHTTPS: true})
	tls := newTLSServer(t, s)
	resp, err := tls.Client().Get(tls.URL + path)
	if err != nil {
		t.Fatalf("GET over TLS: %v", err)
	}
	defer resp.Body.Close()
	var env struct{ Code int }
	decodeJSON(t, resp.Body, &env)
	if env.Code != 200 {
		t.Errorf("over TLS: code %d, want 200", env.Code)
	}
}

func TestEmployeesAndWorkstatussesAsDocumented(t *testing.T) {
	sb := newSandbox(t, Options{})
	tests := []struct {
		endpoint string
		params   url.Values
		want     string
	}{
		// The Blueprint's GET examples, byte for byte.
		{"employees", nil, `{"code":200,"messages":[],"response":[{"firstname":"Jan","lastname":"Klaassen","number":"123","active":"1"},{"firstname":"Katrien","lastname":"Klaassen","number":"129","active":"1"}]}`},
		{"workstatusses", nil, `{"code":200,"messages":[],"response":[{"sta_code":"002","sta_name":"In progress"},{"sta_code":"001","sta_name":"Waiting for customer"}]}`},
		// employees ignores filters [CODE S7].
		{"employees", url.Values{"key": {"number"}, "value": {"129"}, "operator": {"eq"}}, `{"code":200,"messages":[],"response":[{"firstname":"Jan","lastname":"Klaassen","number":"123","active":"1"},{"firstname":"Katrien","lastname":"Klaassen","number":"129","active":"1"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			if a := sb.call(t, "GET", tt.endpoint, tt.params, ""); a.Raw != tt.want {
				t.Errorf("got  %s\nwant %s", a.Raw, tt.want)
			}
		})
	}
}

func TestEmptyListsAreArrays(t *testing.T) {
	sb := newSandbox(t, Options{Dataset: demodata.OutSmart{Credentials: fixture(t).Credentials}})
	for _, ep := range []string{"employees", "workstatusses", "relations", "materials", "hourtypes"} {
		if a := sb.call(t, "GET", ep, nil, ""); string(a.Response) != "[]" {
			t.Errorf("%s: response %s, want []", ep, a.Response)
		}
	}
	a := sb.call(t, "GET", "GetWorkorders", url.Values{"status": {"Alle"}, "update_status": {"false"}}, "")
	if string(a.Response) != "[]" {
		t.Errorf("GetWorkorders: response %s, want []", a.Response)
	}
}

func TestDemoDatasetServes(t *testing.T) {
	ds := demodata.Default().OutSmart
	sb := newSandbox(t, Options{Dataset: ds})
	a := sb.raw(t, "GET", "/openapi/8/GetWorkorders/?status=Compleet&update_status=false&token="+ds.Credentials.Token+"&software_token="+ds.Credentials.SoftwareToken, "", nil)
	a.want(t, 200)
	if len(a.list(t)) == 0 {
		t.Fatal("the demo dataset has no Compleet work orders")
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations after a correct call: %q", v)
	}
}

// TestConcurrentUse runs writers, readers, state changes and inspection
// calls at once; with -race it checks the locking.
func TestConcurrentUse(t *testing.T) {
	sb := newSandbox(t, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				var code int
				var err error
				switch (i + j) % 5 {
				case 0:
					code, err = sb.try("POST", "materials", nil, fmt.Sprintf(`[{"code":"M%d","description":"d","price":"1,5","unit":"st"}]`, i))
				case 1:
					code, err = sb.try("GET", "GetWorkorders", url.Values{"status": {"Alle"}, "update_status": {"false"}}, "")
				case 2:
					code, err = sb.try("GET", "UpdateWorkorder", url.Values{"row_id": {"2004"}, "worktime": {fmt.Sprintf("%02d:00", j)}}, "")
				case 3:
					sb.Update(func(st *State) { st.Workorders[1].WorkFinished = "1" })
					_ = sb.Snapshot()
					code = 200
				case 4:
					var reqs []inspect.Request
					resp, gerr := sb.http.Client().Get(sb.http.URL + "/_sandbox/requests")
					if err = gerr; err == nil {
						err = json.NewDecoder(resp.Body).Decode(&reqs)
						resp.Body.Close()
					}
					code = 200
				}
				if err == nil && code != 200 && code != 1503 {
					err = fmt.Errorf("worker %d call %d: code %d", i, j, code)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(sb.State().Materials); got != 8 {
		t.Errorf("%d materials, want 8", got)
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %q", v)
	}
}
