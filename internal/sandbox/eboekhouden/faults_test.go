package eboekhouden

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// try sends a call with a client of the given timeout and reports the
// transport error instead of failing.
func (e *env) try(op, inner string, timeout time.Duration) (int, []byte, error) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+Path, strings.NewReader(envelope(op, inner)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", action(op))
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	e.record(b)
	return resp.StatusCode, b, err
}

// logged waits until the request log has n entries for op and returns the
// last one: a dropped or timed-out call is logged when its handler ends,
// after the client has already seen the error.
func (e *env) logged(op string, n int) inspect.Request {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		var last inspect.Request
		count := 0
		for _, r := range e.s.Requests().All() {
			if r.Op == op {
				last, count = r, count+1
			}
		}
		if count >= n {
			return last
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("%s never logged %d times", op, n)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (e *env) relationExists(code string) bool {
	return e.s.State().Relations[len(e.s.State().Relations)-1].Code == code
}

func TestFaultKinds(t *testing.T) {
	cases := []struct {
		kind       fault.Kind
		rule       fault.Rule
		applied    bool
		dropped    bool // the client gets a transport error
		status     int  // when not dropped
		logStatus  int
		clientWait time.Duration
	}{
		{kind: fault.HTTP500, applied: false, status: 500, logStatus: 500},
		{kind: fault.DropBeforeApply, applied: false, dropped: true},
		{kind: fault.DropAfterApply, applied: true, dropped: true},
		{kind: fault.Timeout, rule: fault.Rule{Delay: fault.Duration(5 * time.Second)}, applied: false, dropped: true, clientWait: 200 * time.Millisecond},
		{kind: fault.Timeout, rule: fault.Rule{Delay: fault.Duration(20 * time.Millisecond)}, applied: true, status: 200, logStatus: 200},
		{kind: fault.Slow, rule: fault.Rule{Delay: fault.Duration(50 * time.Millisecond)}, applied: true, status: 200, logStatus: 200},
		{kind: fault.Malformed, applied: true, status: 200, logStatus: 200},
		{kind: fault.Oversized, rule: fault.Rule{Size: 1 << 20}, applied: false, status: 200, logStatus: 200},
		{kind: fault.SessionExpired, applied: false, status: 200, logStatus: 200},
		{kind: fault.CallLimit, applied: false, status: 200, logStatus: 200},
		{kind: fault.GeneralError, applied: false, status: 500, logStatus: 500},
		{kind: fault.Unrecognised, applied: true, status: 200, logStatus: 200},
	}
	for _, c := range cases {
		t.Run(string(c.kind)+"/"+time.Duration(c.rule.Delay).String(), func(t *testing.T) {
			e := newEnv(t)
			sid := e.open()
			rule := c.rule
			rule.Op, rule.Kind, rule.Times = "AddRelatie", c.kind, 1
			e.s.Faults().Add(rule)
			wait := c.clientWait
			if wait == 0 {
				wait = 10 * time.Second
			}
			start := time.Now()
			status, body, err := e.try("AddRelatie", auth(sid)+relatieXML(0, "K-FAULT", "Fout", ""), wait)
			elapsed := time.Since(start)
			if c.dropped {
				if err == nil {
					t.Fatalf("client got HTTP %d, want a transport error", status)
				}
			} else if err != nil || status != c.status {
				t.Fatalf("HTTP %d (%v), want %d", status, err, c.status)
			}
			entry := e.logged("AddRelatie", 1)
			if entry.Result != string(c.kind) || entry.Status != c.logStatus {
				t.Errorf("log entry %q status %d, want %q status %d", entry.Result, entry.Status, c.kind, c.logStatus)
			}
			if got := e.relationExists("K-FAULT"); got != c.applied {
				t.Errorf("applied = %t, want %t", got, c.applied)
			}
			if c.rule.Delay > 0 && !c.dropped && elapsed < time.Duration(c.rule.Delay) {
				t.Errorf("answered after %v, before the delay of %v", elapsed, time.Duration(c.rule.Delay))
			}

			switch c.kind {
			case fault.HTTP500:
				requireFault(t, status, body, faultServer, "HTTP 500")
			case fault.GeneralError:
				requireFault(t, status, body, faultServer, "general_error", "not supported")
			case fault.Malformed:
				if err := xml.Unmarshal(body, new(AddRelatieResponse)); err == nil {
					t.Errorf("malformed body parses: %s", body)
				}
			case fault.Unrecognised:
				if !strings.Contains(string(body), "<AddRelatieResultV2>") || strings.Contains(string(body), "<AddRelatieResult>") {
					t.Errorf("want AddRelatieResult renamed: %s", body)
				}
			case fault.Oversized:
				if len(body) != 1<<20 {
					t.Errorf("body of %d bytes, want %d", len(body), 1<<20)
				}
				if _, err := parseXML(body); err != nil {
					t.Errorf("oversized body is not well-formed: %v", err)
				}
			case fault.SessionExpired, fault.CallLimit, fault.Timeout, fault.Slow:
				if !c.dropped {
					checkResponse(t, "AddRelatie", body)
				}
			}

			// The rule fired once; the same call now goes through, unless it
			// was applied already (then its code is in use) or the session
			// was expired by the fault.
			if c.kind == fault.SessionExpired {
				sid = e.open()
			}
			var r AddRelatieResponse
			e.call("AddRelatie", auth(sid)+relatieXML(0, "K-FAULT", "Fout", ""), &r)
			want := ""
			if c.applied {
				want = CodeRelationCodeInUse
			}
			requireCode(t, r.Result.ErrorMsg, want)
		})
	}
}

func TestTimeoutLeavesNoInvoice(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.s.Faults().Add(fault.Rule{Op: "AddFactuur", Kind: fault.Timeout, Delay: fault.Duration(10 * time.Second)})
	_, _, err := e.try("AddFactuur", auth(sid)+validFactuur().xml(), 150*time.Millisecond)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a client timeout, got %v", err)
	}
	entry := e.logged("AddFactuur", 1)
	if entry.Status != 0 || entry.Result != string(fault.Timeout) {
		t.Errorf("log entry %+v", entry)
	}
	if n := len(e.s.State().Invoices); n != 4 {
		t.Errorf("%d invoices after a client timeout, want the dataset's 4", n)
	}
}

func TestDropAfterApplyChangesState(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.s.Faults().Add(fault.Rule{Op: "AddFactuur", Kind: fault.DropAfterApply, Times: 1})
	if _, _, err := e.try("AddFactuur", auth(sid)+validFactuur().xml(), 5*time.Second); err == nil {
		t.Fatal("the client got an answer")
	}
	e.logged("AddFactuur", 1)
	// The client cannot know, but the invoice exists: a lookup finds it.
	got := e.getFacturen(sid, "2026005", "", "1980-01-01", "2049-12-31")
	if len(got) != 1 || got[0].Relatiecode != "1002" {
		t.Errorf("invoice after a drop after apply: %+v", got)
	}
}

func TestFaultRuleMatching(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.s.Faults().Add(fault.Rule{Op: "GetRelaties", Kind: fault.HTTP500, After: 1, Times: 2})
	statuses := func(op, inner string, n int) []int {
		var out []int
		for i := 0; i < n; i++ {
			status, _ := e.soap(op, inner)
			out = append(out, status)
		}
		return out
	}
	if got := statuses("GetOpenPosten", auth(sid)+"<OpSoort>Debiteuren</OpSoort>", 2); got[0] != 200 || got[1] != 200 {
		t.Errorf("another operation was hit: %v", got)
	}
	got := statuses("GetRelaties", auth(sid), 4)
	if want := []int{200, 500, 500, 200}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v (skip 1, fire 2)", got, want)
	}
	if fired := e.s.Faults().Fired()[fault.HTTP500]; fired != 2 {
		t.Errorf("fired %d times", fired)
	}
}

func TestRandomFaultsFollowTheSeed(t *testing.T) {
	pattern := func(seed uint64) string {
		e := newEnv(t, func(o *Options) { o.Seed = seed })
		sid := e.open()
		e.s.Faults().Add(fault.Rule{Op: "GetOpenPosten", Kind: fault.HTTP500, Rate: 0.5})
		var b strings.Builder
		for i := 0; i < 24; i++ {
			status, _ := e.soap("GetOpenPosten", auth(sid)+"<OpSoort>Debiteuren</OpSoort>")
			b.WriteString(map[bool]string{true: "x", false: "."}[status == 500])
		}
		return b.String()
	}
	a, b := pattern(7), pattern(7)
	if a != b {
		t.Errorf("same seed, different faults: %s vs %s", a, b)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("rate 0.5 fired all or nothing: %s", a)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Latency = 300 * time.Millisecond })
	start := time.Now()
	sid := e.open()
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("answered after %v, before the latency", elapsed)
	}
	// A client that gives up during the latency leaves nothing behind.
	if _, _, err := e.try("AddRelatie", auth(sid)+relatieXML(0, "K-LAT", "Traag", ""), 50*time.Millisecond); err == nil {
		t.Fatal("the client got an answer within its timeout")
	}
	if entry := e.logged("AddRelatie", 1); entry.Status != 0 || entry.Result != "client gone" {
		t.Errorf("log entry %+v", entry)
	}
	if e.relationExists("K-LAT") {
		t.Error("the call was applied after the client left")
	}
}

func TestOversizedSmallerThanTheEnvelope(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.s.Faults().Add(fault.Rule{Op: "GetRelaties", Kind: fault.Oversized, Size: 10})
	status, body := e.soap("GetRelaties", auth(sid))
	if status != 200 || len(body) != 10 {
		t.Errorf("HTTP %d with %d bytes, want 200 with 10", status, len(body))
	}
}

// TestUnrecognisedRenamesWhatTheClientReadsBy: the fault answers with the
// real data, well-formed, but with the list items (or the empty list, or
// the result) renamed, so that the answer no longer matches the WSDL; the
// next call is normal again.
func TestUnrecognisedRenamesWhatTheClientReadsBy(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	sc := loadSchema()
	all := "<cFilter><DatumVan>1980-01-01T00:00:00</DatumVan><DatumTm>2049-12-31T00:00:00</DatumTm></cFilter>"
	cases := []struct {
		name, op, inner, renamed, gone string
		count                          int // how often renamed appears
	}{
		{"invoices", "GetFacturen", auth(sid) + all, "<FactuurList>", "cFactuurList", len(e.s.State().Invoices)},
		{"relations", "GetRelaties", auth(sid) + "<cFilter><ID>0</ID></cFilter>", "<Relatie>", "cRelatie", len(e.s.State().Relations)},
		{"no relation found", "GetRelaties", auth(sid) + "<cFilter><Code>GEEN</Code><ID>0</ID></cFilter>", "<RelatiesV2>", "<Relaties>", 1},
		{"open items", "GetOpenPosten", auth(sid) + "<OpSoort>Debiteuren</OpSoort>", "<OpenPost>", "cOpenPost", len(e.s.State().OpenItems)},
		{"no list", "OpenSession", "<Username>" + demoUser + "</Username><SecurityCode1>" + demoCode1 + "</SecurityCode1><SecurityCode2>" + demoCode2 + "</SecurityCode2><Source>test</Source>",
			"<OpenSessionResultV2>", "<OpenSessionResult>", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Through the inspection API, as a test of another process would.
			rule := `{"op":"` + c.op + `","kind":"unrecognised","times":1}`
			if got := e.do(http.MethodPost, inspect.Prefix+"faults", rule); got != http.StatusNoContent {
				t.Fatalf("POST faults: %d", got)
			}
			status, body := e.soap(c.op, c.inner)
			if status != http.StatusOK {
				t.Fatalf("HTTP %d: %s", status, body)
			}
			if n := strings.Count(string(body), c.renamed); n != c.count || c.count == 0 || strings.Contains(string(body), c.gone) {
				t.Errorf("%d times %s (want %d), %s still there: %v\n%s", n, c.renamed, c.count, c.gone, strings.Contains(string(body), c.gone), body)
			}
			root, err := parseXML(body)
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			b, f := envelopeBody(root)
			if f != nil || len(b.children) != 1 {
				t.Fatalf("envelope: %v", f)
			}
			if err := sc.validate(b.children[0], sc.ops[c.op].output, "soap:Body"); err == nil {
				t.Errorf("the answer still matches the WSDL:\n%s", body)
			}
			if entry := e.logged(c.op, 1); entry.Result != string(fault.Unrecognised) {
				t.Errorf("log entry %+v", entry)
			}
			e.call(c.op, c.inner, nil) // the rule fired once: a normal, valid answer again
		})
	}
}
