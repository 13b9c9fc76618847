package outsmart

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// noKeepAlive makes every attempt its own connection, so that Go's transport
// does not replay a GET on a dropped idle connection by itself and the
// sandbox's call counts equal the client's attempts.
func noKeepAlive(c *Config) {
	c.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestReadFaults(t *testing.T) {
	kinds := []struct {
		kind  fault.Kind
		delay time.Duration
	}{
		{kind: fault.HTTP500},
		{kind: fault.GeneralError},
		{kind: fault.DropBeforeApply},
		{kind: fault.DropAfterApply},
		{kind: fault.Malformed},
		{kind: fault.Timeout, delay: 2 * time.Second},
	}
	for _, k := range kinds {
		t.Run(string(k.kind)+"/once", func(t *testing.T) {
			e := newEnv(t, func(c *Config) {
				noKeepAlive(c)
				c.Timeout = 300 * time.Millisecond
				c.WorkOrdersTimeout = 300 * time.Millisecond
			})
			e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorders", Kind: k.kind, Times: 1, Delay: fault.Duration(k.delay)})
			orders, err := e.client.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusComplete, WorkStatus: toEBoekhouden})
			if err != nil || len(orders) != 9 {
				t.Fatalf("WorkOrders = %d orders, %v; want 9 after one retry", len(orders), err)
			}
			if n := e.countEventually("GET GetWorkorders", 2); n != 2 {
				t.Errorf("%d calls, want 2", n)
			}
			if !strings.Contains(e.logs.String(), "will_retry=true") {
				t.Error("the failed attempt was not logged")
			}
		})
		t.Run(string(k.kind)+"/always", func(t *testing.T) {
			e := newEnv(t, func(c *Config) { noKeepAlive(c); c.Timeout = 300 * time.Millisecond })
			e.srv.Faults().Add(fault.Rule{Op: "GET relations", Kind: k.kind, Delay: fault.Duration(k.delay)})
			rels, err := e.client.Relations(context.Background())
			if rels != nil || !errors.Is(err, ErrTransient) {
				t.Fatalf("Relations = %v, %v; want ErrTransient", rels, err)
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Error("a read is marked outcome unknown")
			}
			if n := e.countEventually("GET relations", fastRetry.Attempts); n != fastRetry.Attempts {
				t.Errorf("%d calls, want %d", n, fastRetry.Attempts)
			}
			if !strings.HasPrefix(err.Error(), "outsmart GET relations: ") {
				t.Errorf("message %q does not name the call", err)
			}
			assertErrorClean(t, err, e.secrets()...)
		})
	}
}

func TestHTTP500CarriesTheEnvelope(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Retry = retry.Policy{Attempts: 1} })
	e.srv.Faults().Add(fault.Rule{Op: "GET employees", Kind: fault.HTTP500})
	err := e.client.CheckLogin(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1007 || apiErr.HTTPStatus != 500 || !errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v, want 1007 with HTTP 500", err)
	}
	if !strings.Contains(err.Error(), "with HTTP 500") {
		t.Errorf("message %q", err)
	}
}

func TestSlowAnswerWithinTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Timeout = 2 * time.Second })
	e.srv.Faults().Add(fault.Rule{Op: "GET hourtypes", Kind: fault.Slow, Delay: fault.Duration(100 * time.Millisecond)})
	if _, err := e.client.HourTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count("GET hourtypes"); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestOversizedAnswer(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxResponseBytes = 1 << 20 })
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorders", Kind: fault.Oversized, Size: 3 << 20})
	orders, err := e.client.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusAll})
	if orders != nil || !errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrTransient) {
		t.Fatalf("WorkOrders = %v, %v; want ErrResponseTooLarge, not transient", orders, err)
	}
	if n := e.count("GET GetWorkorders"); n != 1 {
		t.Errorf("%d calls, want 1 (a too-large answer is not retried)", n)
	}
	// The same size is fine under the default cap.
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorders", Kind: fault.Oversized, Size: 3 << 20, Times: 1})
	big := mustNew(t, Config{BaseURL: e.sb.OutSmartURL, Token: e.creds.Token, SoftwareToken: e.creds.SoftwareToken, Retry: fastRetry})
	_, err = big.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusAll})
	if errors.Is(err, ErrResponseTooLarge) || !errors.Is(err, ErrUnreadable) {
		t.Errorf("a 3 MiB string response under a 64 MiB cap: %v, want it read (and refused as not a list)", err)
	}
}

func TestWriteFaultsAreRetriedOnlyWhenTheOutcomeIsUnknown(t *testing.T) {
	rel := []Relation{{DebtorNumber: "9001", Name: "Retry B.V.", Street: "S", PostalCode: "1234 AB", City: "Ede"}}
	tests := []struct {
		kind    fault.Kind
		times   int
		calls   int
		ok      bool
		unknown bool // the final error says the outcome is unknown
	}{
		{kind: fault.DropAfterApply, times: 1, calls: 2, ok: true},
		{kind: fault.DropBeforeApply, times: 1, calls: 2, ok: true},
		{kind: fault.Malformed, times: 1, calls: 2, ok: true},
		{kind: fault.HTTP500, times: 1, calls: 2, ok: true},
		{kind: fault.Timeout, times: 1, calls: 2, ok: true},
		{kind: fault.DropAfterApply, times: 0, calls: 3, unknown: true},
		{kind: fault.HTTP500, times: 0, calls: 3, unknown: true},
		// 1007 with HTTP 200 is a definite API answer: not retried.
		{kind: fault.GeneralError, times: 0, calls: 1},
	}
	for _, tt := range tests {
		name := string(tt.kind)
		if tt.times == 0 {
			name += "/always"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { noKeepAlive(c); c.Timeout = 300 * time.Millisecond })
			e.srv.Faults().Add(fault.Rule{Op: "POST relations", Kind: tt.kind, Times: tt.times, Delay: fault.Duration(2 * time.Second)})
			n, err := e.client.UpsertRelations(context.Background(), rel)
			if got := e.countEventually("POST relations", tt.calls); got != tt.calls {
				t.Errorf("%d POSTs, want %d", got, tt.calls)
			}
			if tt.ok {
				if err != nil || n != 1 {
					t.Fatalf("UpsertRelations = %d, %v; want 1", n, err)
				}
				matches := 0
				for _, r := range e.srv.State().Relations {
					if r.DebtorNumber == "9001" {
						matches++
					}
				}
				if matches != 1 {
					t.Errorf("%d relations 9001 in OutSmart, want exactly 1", matches)
				}
				return
			}
			if err == nil || n != 0 {
				t.Fatalf("UpsertRelations = %d, %v; want an error", n, err)
			}
			if errors.Is(err, ErrOutcomeUnknown) != tt.unknown {
				t.Errorf("ErrOutcomeUnknown = %v, want %v: %v", !tt.unknown, tt.unknown, err)
			}
			if tt.unknown && !strings.Contains(err.Error(), "may have been applied") {
				t.Errorf("message %q does not warn that the write may have landed", err)
			}
			assertErrorClean(t, err, e.secrets()...)
		})
	}
}

func TestMarkHandledAfterDroppedAnswer(t *testing.T) {
	e := newEnv(t, noKeepAlive)
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropAfterApply, Times: 1})
	if err := e.client.MarkHandled(context.Background(), "18808"); err != nil {
		t.Fatalf("MarkHandled: %v", err)
	}
	if got := statuses(e)["18808"]; got != "Afgehandeld/"+toEBoekhouden {
		t.Errorf("order 18808 = %s", got)
	}
	if n := e.count("GET GetWorkorder"); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
	// With the default keep-alive transport the outcome is the same.
	k := newEnv(t, nil)
	k.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropAfterApply, Times: 1})
	if _, err := k.client.Employees(context.Background()); err != nil { // warm an idle connection
		t.Fatal(err)
	}
	if err := k.client.MarkHandled(context.Background(), "18808"); err != nil || statuses(k)["18808"] != "Afgehandeld/"+toEBoekhouden {
		t.Errorf("keep-alive MarkHandled: %v, %s", err, statuses(k)["18808"])
	}
}

func TestMarkHandledUnknownOutcome(t *testing.T) {
	e := newEnv(t, noKeepAlive)
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropBeforeApply})
	err := e.client.MarkHandled(context.Background(), "18808")
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown and ErrTransient", err)
	}
	if got := statuses(e)["18808"]; got != "Compleet/"+toEBoekhouden {
		t.Errorf("order 18808 = %s, want unchanged", got)
	}
}

func TestSetWorkflowStatusAfterDroppedAnswer(t *testing.T) {
	e := newEnv(t, noKeepAlive)
	e.srv.Faults().Add(fault.Rule{Op: "GET UpdateWorkorder", Kind: fault.DropAfterApply, Times: 1})
	if err := e.client.SetWorkflowStatus(context.Background(), "18808", "5812445"); err != nil {
		t.Fatalf("SetWorkflowStatus: %v (the retry answers 1503, which is success)", err)
	}
	if got := statuses(e)["18808"]; got != "Compleet/5812445" {
		t.Errorf("order 18808 = %s", got)
	}
	if n := e.count("GET UpdateWorkorder"); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

func TestWriteToClosedServerIsNotUnknown(t *testing.T) {
	e := newEnv(t, nil)
	// Port 1 on loopback: nothing listens there, so the connection is refused
	// before a byte is sent. (A sandbox's freed port could be taken by
	// another test's server in the meantime.)
	url := "http://127.0.0.1:1/openapi/8"
	c := mustNew(t, Config{BaseURL: url, Token: e.creds.Token, SoftwareToken: e.creds.SoftwareToken, Retry: fastRetry})
	err := c.MarkHandled(context.Background(), "18807")
	if !errors.Is(err, ErrTransient) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want transient with a known outcome (nothing was sent)", err)
	}
	assertErrorClean(t, err, e.secrets()...)
}

func TestCallerContext(t *testing.T) {
	e := newEnv(t, noKeepAlive)
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.Slow, Delay: fault.Duration(time.Second)})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := e.client.MarkHandled(ctx, "18809")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) {
		t.Fatalf("err = %v, want the deadline, an unknown outcome and not transient", err)
	}
	if n := e.count("GET GetWorkorder"); n > 1 {
		t.Errorf("%d calls after the caller gave up", n)
	}

	// The context ends while waiting for a retry: the last failure is kept.
	slow := newEnv(t, func(c *Config) {
		noKeepAlive(c)
		c.Retry = retry.Policy{Attempts: 5, Initial: 10 * time.Second, Max: 10 * time.Second}
	})
	slow.srv.Faults().Add(fault.Rule{Op: "POST hourtypes", Kind: fault.DropAfterApply})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = slow.client.UpsertHourTypes(ctx2, []HourType{{Code: "X", Name: "x", SalePrice: decimalOne, Active: true}})
	if time.Since(start) > 5*time.Second {
		t.Error("the retry wait ignored the context")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "while waiting to retry") {
		t.Errorf("err = %v, want the deadline and the unknown outcome of the last attempt", err)
	}

	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := e.client.Relations(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v", err)
	}
}

func TestEarlierUnknownOutcomeIsKept(t *testing.T) {
	e := newEnv(t, noKeepAlive)
	// The first POST lands but its answer is lost; the retry gets a definite
	// 1007. The write did happen, so the error must say the outcome is
	// unknown rather than "failed".
	e.srv.Faults().Add(fault.Rule{Op: "POST relations", Kind: fault.DropAfterApply, Times: 1})
	e.srv.Faults().Add(fault.Rule{Op: "POST relations", Kind: fault.GeneralError})
	_, err := e.client.UpsertRelations(context.Background(), []Relation{{DebtorNumber: "9100", Name: "N", Street: "S", PostalCode: "P", City: "C"}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1007 || !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want 1007 and ErrOutcomeUnknown", err)
	}
	if !strings.Contains(err.Error(), "an earlier attempt may have been applied") {
		t.Errorf("message %q", err)
	}
	if e.count("POST relations") != 2 || len(e.srv.State().Relations) != len(e.sb.Dataset.OutSmart.Relations)+1 {
		t.Error("the first attempt did not land as the fault promised")
	}
}
