package outsmart

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// These tests use a scripted loopback server for answers the sandbox cannot
// be made to give a correct client: codes for requests this client never
// sends (1008, 1502), response shapes the docs allow but the sandbox does not
// produce, redirects, HTML error pages and bodies without a length.

func TestDefiniteWriteErrors1008And1009And1502(t *testing.T) {
	answers := map[string]string{
		"/openapi/8/materials/":       `{"code":1008,"messages":["Unable to fetch body"],"response":null}`,
		"/openapi/8/hourtypes/":       `{"code":1009,"messages":["Unable to parse body"],"response":null}`,
		"/openapi/8/UpdateWorkorder/": `{"code":1502,"messages":[],"response":null}`,
	}
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, answers[r.URL.Path]) })
	c, _ := scriptedClient(t, s, nil)
	ctx := context.Background()
	_, err1008 := c.UpsertMaterials(ctx, []Material{{Code: "A", Description: "a", Unit: "stuk"}})
	_, err1009 := c.UpsertHourTypes(ctx, []HourType{{Code: "A", Name: "a"}})
	err1502 := c.SetWorkflowStatus(ctx, "1", "001")
	for code, err := range map[int]error{1008: err1008, 1009: err1009, 1502: err1502} {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("code %d: err = %v", code, err)
		}
	}
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (definite answers are not retried)", n)
	}
	for _, r := range s.requests() {
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Body, "[") {
			t.Errorf("POST body is not an array: %s", r.Body)
		}
	}
}

func TestGetWorkorderResponseShapes(t *testing.T) {
	order := `{"id":"1919","OrderNr":"WB1","WorkDate":"11-06-2013","status":"Compleet"}`
	tests := []struct {
		name     string
		response string
		ok       bool
		target   error
	}{
		{"object", order, true, nil},
		{"one-element array", "[" + order + "]", true, nil},
		{"PHP object list", `{"0":` + order + `}`, true, nil},
		{"empty array", `[]`, false, ErrNotFound},
		{"null", `null`, false, ErrNotFound},
		{"two orders", "[" + order + "," + order + "]", false, ErrUnreadable},
		{"another order", strings.Replace(order, "1919", "2020", 1), false, ErrUnreadable},
		{"a number", `7`, false, ErrUnreadable},
		{"bad date", strings.Replace(order, "11-06-2013", "11-13-2013", 1), false, ErrUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
				jsonAnswer(w, 200, `{"code":200,"messages":[],"response":`+tt.response+`}`)
			})
			c, _ := scriptedClient(t, s, nil)
			wo, err := c.WorkOrder(context.Background(), "1919")
			if tt.ok {
				if err != nil || wo.RowID != "1919" || wo.Number != "WB1" {
					t.Fatalf("WorkOrder = %+v, %v", wo, err)
				}
			} else if !errors.Is(err, tt.target) {
				t.Fatalf("err = %v, want %v", err, tt.target)
			}
			q := s.requests()[0].Query
			if q.Get("row_id") != "1919" || q.Get("update_status") != "false" {
				t.Errorf("query = %v", q)
			}
		})
	}
}

func TestGetWorkordersPHPObjectList(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":"200","messages":[],"response":{"0":{"id":"1","Materials":null,"Workperiods":{}},"4":{"id":"5","Archived":"1"}}}`)
	})
	c, _ := scriptedClient(t, s, nil)
	orders, err := c.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusComplete})
	if err != nil || len(orders) != 2 || orders[0].RowID != "1" || orders[1].RowID != "5" || !orders[1].Archived {
		t.Fatalf("orders = %+v, %v", orders, err)
	}
}

func TestUpsertCountForms(t *testing.T) {
	answers := []string{`"2"`, `true`}
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":`+answers[(n-1)%2]+`}`)
	})
	c, logs := scriptedClient(t, s, func(c *Config) { c.BatchSize = 2 })
	in := []Relation{{DebtorNumber: "1"}, {DebtorNumber: "2"}, {DebtorNumber: "3"}}
	n, err := c.UpsertRelations(context.Background(), in)
	if err != nil || n != 3 {
		t.Fatalf("UpsertRelations = %d, %v; want 2 (string count) + 1 (unreadable count: the batch)", n, err)
	}
	if !strings.Contains(logs.String(), "unreadable count") {
		t.Error("the unreadable count was not logged")
	}
}

func TestHTTPStatusHandling(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		calls     int
		transient bool
		says      string
	}{
		{"429 is retried", 429, ``, 3, true, "HTTP 429 Too Many Requests"},
		{"502 HTML is retried", 502, `<html>Bad gateway</html>`, 3, true, "HTTP 502"},
		{"404 HTML is not retried", 404, "<html><body>\n  <h1>Not   Found</h1></body></html>", 1, false, `HTTP 404 Not Found: not an OPENApi answer: the body does not start with a JSON object: "<html><body> <h1>Not Found</h1></body></html>"`},
		{"200 HTML is retried", 200, `<!DOCTYPE html><title>Onderhoud</title>`, 3, true, `unreadable answer: not an OPENApi answer`},
		{"401 envelope is definite", 401, `{"code":1004,"messages":[]}`, 1, false, "code 1004"},
		{"empty 200 is retried", 200, ``, 3, true, "empty body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, tt.status, tt.body) })
			c, _ := scriptedClient(t, s, nil)
			_, err := c.Employees(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if n := len(s.requests()); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			if errors.Is(err, ErrTransient) != tt.transient {
				t.Errorf("transient = %v, want %v (%v)", !tt.transient, tt.transient, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("message %q lacks %q", err, tt.says)
			}
		})
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	target := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":[]}`)
	})
	for _, status := range []int{301, 302, 307, 308} {
		s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, target.URL+r.URL.RequestURI(), status)
		})
		c, _ := scriptedClient(t, s, nil)
		_, err := c.UpsertRelations(context.Background(), []Relation{{DebtorNumber: "1"}})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d redirect to", status)) || !strings.Contains(err.Error(), "REDACTED") {
			t.Errorf("%d: err = %v", status, err)
		}
		assertErrorClean(t, err, testToken, testSoftToken)
		if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) {
			t.Errorf("%d: a redirect is marked unknown or transient", status)
		}
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("the redirect target got %d requests (with the tokens)", n)
	}
}

func TestOversizedWithoutContentLength(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"code":200,"messages":[],"response":[`))
		chunk := []byte(strings.Repeat(`{"code":"x"},`, 1000))
		for range 100 { // about 1.3 MB, streamed: no Content-Length
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		_, _ = w.Write([]byte(`{"code":"y"}]}`))
	})
	c, _ := scriptedClient(t, s, func(c *Config) { c.MaxResponseBytes = 512 << 10 })
	_, err := c.Materials(context.Background())
	if !errors.Is(err, ErrResponseTooLarge) || len(s.requests()) != 1 {
		t.Fatalf("err = %v after %d calls, want ErrResponseTooLarge after 1", err, len(s.requests()))
	}
	c2, _ := scriptedClient(t, s, nil)
	if ms, err := c2.Materials(context.Background()); err != nil || len(ms) != 100001 {
		t.Errorf("under the default cap: %d materials, %v", len(ms), err)
	}
}

func TestTimeoutIsPerAttempt(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":[]}`)
	})
	c, _ := scriptedClient(t, s, func(c *Config) { c.Timeout = 200 * time.Millisecond })
	start := time.Now()
	if _, err := c.HourTypes(context.Background()); err != nil {
		t.Fatalf("HourTypes: %v", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("took %s: the first attempt was not cut off at the timeout", d)
	}
	c2, _ := scriptedClient(t, newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		<-r.Context().Done()
	}), func(c *Config) { c.Timeout = 50 * time.Millisecond })
	_, err := c2.HourTypes(context.Background())
	if !errors.Is(err, ErrTransient) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("err = %v", err)
	}
}
