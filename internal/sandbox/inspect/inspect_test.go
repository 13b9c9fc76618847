package inspect

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// target is a minimal inspect.Target; the real servers are tested against
// this API in their own packages.
type target struct {
	state  map[string]int
	faults *fault.Injector
	log    *RequestLog
	resets int
}

func (t *target) Snapshot() any           { return t.state }
func (t *target) Reset()                  { t.resets++; t.state["relations"] = 0 }
func (t *target) Faults() *fault.Injector { return t.faults }
func (t *target) Requests() *RequestLog   { return t.log }

func newTarget() *target {
	return &target{state: map[string]int{"relations": 3}, faults: fault.NewInjector(1), log: NewRequestLog(10)}
}

func do(t *testing.T, srv *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHandler(t *testing.T) {
	tg := newTarget()
	tg.log.Add(Request{Op: "GetRelaties", Status: 200, Result: "ok"})
	srv := httptest.NewServer(Handler(tg))
	defer srv.Close()

	if code, body := do(t, srv, "GET", "/_sandbox/state", ""); code != 200 || !strings.Contains(body, `"relations": 3`) {
		t.Fatalf("state: %d %s", code, body)
	}
	code, body := do(t, srv, "GET", "/_sandbox/requests", "")
	var reqs []Request
	if code != 200 || json.Unmarshal([]byte(body), &reqs) != nil || len(reqs) != 1 || reqs[0].Op != "GetRelaties" {
		t.Fatalf("requests: %d %s", code, body)
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/faults", `[{"op":"AddFactuur","kind":"http500","times":1},{"kind":"slow","delay":"1ms"}]`); code != 204 {
		t.Fatalf("add faults: %d", code)
	}
	if r, ok := tg.faults.Next("AddFactuur"); !ok || r.Kind != fault.HTTP500 {
		t.Fatalf("rule not active: %v %v", r, ok)
	}
	if code, body := do(t, srv, "GET", "/_sandbox/faults", ""); code != 200 || !strings.Contains(body, `"http500": 1`) {
		t.Fatalf("fired: %d %s", code, body)
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/faults", `{"op":"x","kind":"explode"}`); code != 400 {
		t.Fatalf("unknown kind accepted: %d", code)
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/faults", `{"op":`); code != 400 {
		t.Fatalf("broken JSON accepted: %d", code)
	}
	if code, _ := do(t, srv, "DELETE", "/_sandbox/faults", ""); code != 204 {
		t.Fatalf("clear faults: %d", code)
	}
	if _, ok := tg.faults.Next("anything"); ok {
		t.Fatal("DELETE left a rule")
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/reset", ""); code != 204 || tg.resets != 1 {
		t.Fatalf("reset: %d, resets=%d", code, tg.resets)
	}
	if code, _ := do(t, srv, "DELETE", "/_sandbox/state", ""); code != 405 {
		t.Fatalf("DELETE state: %d, want 405", code)
	}
	if code, _ := do(t, srv, "GET", "/_sandbox/nothing", ""); code != 404 {
		t.Fatalf("unknown path: %d, want 404", code)
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/payments", `{"invoice":"F1","amount":1}`); code != 404 {
		t.Fatalf("payments on a target that takes none: %d, want 404", code)
	}
}

// payer is a target that takes payments.
type payer struct {
	*target
	paid map[string]float64
}

func (p *payer) RegisterPayment(nr string, amount float64) error {
	if nr != "F1" {
		return fmt.Errorf("no invoice %q", nr)
	}
	p.paid[nr] += amount
	return nil
}

func TestPaymentsReachThePayer(t *testing.T) {
	p := &payer{target: newTarget(), paid: map[string]float64{}}
	srv := httptest.NewServer(Handler(p))
	defer srv.Close()
	if code, body := do(t, srv, "POST", "/_sandbox/payments", `{"invoice":"F1","amount":12.34}`); code != 204 || p.paid["F1"] != 12.34 {
		t.Fatalf("payment: %d %s, paid %v", code, body, p.paid)
	}
	if code, body := do(t, srv, "POST", "/_sandbox/payments", `{"invoice":"F2","amount":1}`); code != 409 || !strings.Contains(body, "F2") {
		t.Errorf("refused payment: %d %s", code, body)
	}
	if code, _ := do(t, srv, "POST", "/_sandbox/payments", `{"invoice":"F1"}`); code != 400 {
		t.Errorf("payment without an amount: %d", code)
	}
}

func TestRequestLogBoundsAndTruncates(t *testing.T) {
	l := NewRequestLog(3)
	for i := range 5 {
		l.Add(Request{Op: string(rune('a' + i))})
	}
	all := l.All()
	if len(all) != 3 || all[0].Op != "c" || all[2].Op != "e" {
		t.Fatalf("kept %+v", all)
	}
	l.Add(Request{Op: "big", Body: strings.Repeat("x", maxLoggedBody+10)})
	if got := l.All()[2].Body; len(got) > maxLoggedBody+20 || !strings.HasSuffix(got, "(truncated)") {
		t.Fatalf("body not truncated: len %d", len(got))
	}
	if l.Count("big") != 1 || l.Count("a") != 0 {
		t.Fatal("Count is wrong")
	}
	l.Clear()
	if len(l.All()) != 0 {
		t.Fatal("Clear left requests")
	}
}

// TestRequestLogKeepsTheLastMax: however many requests came, the log
// answers exactly the last max, oldest first, and Count sees only those.
func TestRequestLogKeepsTheLastMax(t *testing.T) {
	l := NewRequestLog(4)
	for n := 1; n <= 25; n++ {
		l.Add(Request{Op: fmt.Sprint(n)})
		all := l.All()
		if want := min(n, 4); len(all) != want {
			t.Fatalf("after %d requests: %d kept, want %d", n, len(all), want)
		}
		for i, r := range all {
			if want := fmt.Sprint(n - len(all) + 1 + i); r.Op != want {
				t.Fatalf("after %d requests: entry %d is %s, want %s", n, i, r.Op, want)
			}
		}
		if n > 4 && l.Count(fmt.Sprint(n-4)) != 0 {
			t.Fatalf("after %d requests: Count sees the dropped request %d", n, n-4)
		}
	}
	if len(l.reqs) > 4 {
		t.Errorf("the log holds %d requests, want at most max", len(l.reqs))
	}
	l.Clear()
	l.Add(Request{Op: "after"})
	if all := l.All(); len(all) != 1 || all[0].Op != "after" {
		t.Errorf("after Clear and one request: %+v", all)
	}
}
