package eboekhouden

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

func TestOpenSessionCredentials(t *testing.T) {
	e := newEnv(t)
	login := func(user, code1, code2 string) OpenSessionResponse {
		var r OpenSessionResponse
		e.call("OpenSession", "<Username>"+user+"</Username><SecurityCode1>"+code1+"</SecurityCode1><SecurityCode2>"+code2+"</SecurityCode2>", &r)
		return r
	}
	cases := []struct{ name, user, code1, code2 string }{
		{"wrong username", "demo", demoCode1, demoCode2},
		{"username in another case", strings.ToUpper(demoUser), demoCode1, demoCode2},
		{"wrong SecurityCode1", demoUser, strings.Repeat("0", 32), demoCode2},
		{"wrong SecurityCode2", demoUser, demoCode1, "00000000-0000-0000-0000-000000000000"},
		{"codes swapped", demoUser, demoCode2, demoCode1},
		{"nothing", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := login(c.user, c.code1, c.code2)
			requireCode(t, r.Result.ErrorMsg, CodeLoginFailed)
			if r.Result.SessionID != "" {
				t.Errorf("failed login returned SessionID %q", r.Result.SessionID)
			}
		})
	}
	a, b := login(demoUser, demoCode1, demoCode2), login(demoUser, demoCode1, demoCode2)
	if a.Result.SessionID == b.Result.SessionID {
		t.Error("two sessions got the same SessionID")
	}
	if n := e.s.State().Sessions; n != 2 {
		t.Errorf("State().Sessions = %d, want 2", n)
	}
}

// expectE0023 asserts a session error on a GetOpenPosten call.
func (e *env) expectE0023(inner string) {
	e.t.Helper()
	var r GetOpenPostenResponse
	e.call("GetOpenPosten", inner+"<OpSoort>Debiteuren</OpSoort>", &r)
	requireCode(e.t, r.Result.ErrorMsg, CodeSessionInvalid)
	if r.Result.Openposten != nil {
		e.t.Error("error result carries a list")
	}
}

func TestSessionErrors(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	t.Run("unknown SessionID", func(t *testing.T) { e.expectE0023(auth("0b8f3c1e-0000-4000-8000-000000000000")) })
	t.Run("no SessionID", func(t *testing.T) { e.expectE0023("<SecurityCode2>" + demoCode2 + "</SecurityCode2>") })
	t.Run("wrong SecurityCode2 leaves the session open", func(t *testing.T) {
		e.expectE0023("<SessionID>" + sid + "</SessionID><SecurityCode2>00000000-0000-0000-0000-000000000000</SecurityCode2>")
		e.expectE0023("<SessionID>" + sid + "</SessionID>")
		e.openPosten(sid, "Debiteuren")
	})
	t.Run("every operation checks the session", func(t *testing.T) {
		bad := auth("nope")
		var rel GetRelatiesResponse
		e.call("GetRelaties", bad, &rel)
		requireCode(t, rel.Result.ErrorMsg, CodeSessionInvalid)
		var add AddRelatieResponse
		body := e.call("AddRelatie", bad+relatieXML(0, "K1", "X", ""), &add)
		requireCode(t, add.Result.ErrorMsg, CodeSessionInvalid)
		if !strings.Contains(string(body), "<Rel_ID>0</Rel_ID>") {
			t.Errorf("E0023 without <Rel_ID>0</Rel_ID>: %s", body)
		}
		var upd UpdateRelatieResponse
		e.call("UpdateRelatie", bad+relatieXML(4100001, "1001", "X", ""), &upd)
		requireCode(t, upd.Result, CodeSessionInvalid)
		var art GetArtikelenResponse
		e.call("GetArtikelen", bad, &art)
		requireCode(t, art.Result.ErrorMsg, CodeSessionInvalid)
		var fact AddFactuurResponse
		e.call("AddFactuur", bad+validFactuur().xml(), &fact)
		requireCode(t, fact.Result.ErrorMsg, CodeSessionInvalid)
		var list GetFacturenResponse
		e.call("GetFacturen", bad, &list)
		requireCode(t, list.Result.ErrorMsg, CodeSessionInvalid)
	})
	t.Run("closed session", func(t *testing.T) {
		other := e.open()
		e.call("CloseSession", "<SessionID>"+other+"</SessionID>", nil)
		e.expectE0023(auth(other))
		// Closing an unknown session is answered like any other close.
		e.call("CloseSession", "<SessionID>"+other+"</SessionID>", nil)
	})
	if n := len(e.s.State().Relations); n != 37 {
		t.Errorf("calls without a valid session changed the state: %d relations", n)
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	for _, idle := range []time.Duration{0, 2 * time.Minute} {
		t.Run(fmt.Sprint("SessionIdle=", idle), func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.SessionIdle = idle })
			if idle == 0 {
				idle = DefaultSessionIdle
			}
			sid := e.open()
			// Each call restarts the idle time.
			for i := 0; i < 3; i++ {
				e.clock.Advance(idle - time.Second)
				e.openPosten(sid, "Debiteuren")
			}
			if n := e.s.State().Sessions; n != 1 {
				t.Errorf("Sessions = %d", n)
			}
			e.clock.Advance(idle + time.Second)
			if n := e.s.State().Sessions; n != 0 {
				t.Errorf("an idle session still counts: Sessions = %d", n)
			}
			e.expectE0023(auth(sid))
			e.clock.Advance(-time.Hour) // a session once expired stays gone
			e.expectE0023(auth(sid))
		})
	}
}

func TestSessionMaxCalls(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.SessionMaxCalls = 3 })
	sid := e.open()
	for i := 0; i < 3; i++ {
		e.openPosten(sid, "Debiteuren")
	}
	e.expectE0023(auth(sid))
	e.openPosten(e.open(), "Debiteuren") // a new session starts counting again
}

func TestSessionExpiredFault(t *testing.T) {
	e := newEnv(t)
	sid := e.open()
	e.s.Faults().Add(fault.Rule{Op: "AddRelatie", Kind: fault.SessionExpired, Times: 1})
	var r AddRelatieResponse
	e.call("AddRelatie", auth(sid)+relatieXML(0, "K-FAULT", "X", ""), &r)
	requireCode(t, r.Result.ErrorMsg, CodeSessionInvalid)
	if e.s.State().Relations[37-1].Code == "K-FAULT" || len(e.s.State().Relations) != 37 {
		t.Error("the call was applied")
	}
	// The session is gone, also for calls the rule does not match.
	e.expectE0023(auth(sid))
	// A new session works, and the rule fired once.
	sid = e.open()
	e.call("AddRelatie", auth(sid)+relatieXML(0, "K-FAULT", "X", ""), &r)
	requireCode(t, r.Result.ErrorMsg, "")
	if last := e.s.Requests().All(); last[1].Op != "AddRelatie" || last[1].Result != string(fault.SessionExpired) {
		t.Errorf("log: %+v", last[1])
	}
}

func TestCallLimit(t *testing.T) {
	t.Run("CallLimitPerMinute", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.CallLimitPerMinute = 4 })
		sid := e.open() // call 1
		e.openPosten(sid, "Debiteuren")
		e.clock.Advance(30 * time.Second)
		e.openPosten(sid, "Debiteuren")
		other := e.open() // call 4: the limit is per username, not per session
		var r GetOpenPostenResponse
		e.call("GetOpenPosten", auth(other)+"<OpSoort>Debiteuren</OpSoort>", &r)
		requireCode(t, r.Result.ErrorMsg, CodeCallLimit)
		var o OpenSessionResponse
		e.call("OpenSession", "<Username>"+demoUser+"</Username><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>"+demoCode2+"</SecurityCode2>", &o)
		requireCode(t, o.Result.ErrorMsg, CodeCallLimit)
		// The window slides: after a minute the first two calls have left it.
		e.clock.Advance(31 * time.Second)
		e.openPosten(sid, "Debiteuren")
		e.openPosten(sid, "Debiteuren")
		e.call("GetOpenPosten", auth(sid)+"<OpSoort>Debiteuren</OpSoort>", &r)
		requireCode(t, r.Result.ErrorMsg, CodeCallLimit)
	})
	t.Run("fault", func(t *testing.T) {
		e := newEnv(t)
		sid := e.open()
		e.s.Faults().Add(fault.Rule{Op: "AddFactuur", Kind: fault.CallLimit, Times: 1})
		r := e.addFactuur(sid, validFactuur())
		requireCode(t, r.Result.ErrorMsg, CodeCallLimit)
		if n := len(e.s.State().Invoices); n != 4 {
			t.Errorf("the refused call was applied: %d invoices", n)
		}
		requireCode(t, e.addFactuur(sid, validFactuur()).Result.ErrorMsg, "")
	})
}

func TestConcurrentCalls(t *testing.T) {
	e := newEnv(t)
	const workers, perWorker = 8, 5
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid := e.open()
			for i := 0; i < perWorker; i++ {
				var r AddRelatieResponse
				e.call("AddRelatie", auth(sid)+relatieXML(0, fmt.Sprintf("C%d-%d", w, i), "Parallel", ""), &r)
				if r.Result.ErrorMsg.LastErrorCode != "" {
					t.Errorf("AddRelatie: %+v", r.Result.ErrorMsg)
				}
				f := validFactuur()
				f.relatie = fmt.Sprintf("C%d-%d", w, i)
				if r := e.addFactuur(sid, f); r.Result.ErrorMsg.LastErrorCode != "" {
					t.Errorf("AddFactuur: %+v", r.Result.ErrorMsg)
				}
				_ = e.State()
			}
		}()
	}
	wg.Wait()
	st := e.s.State()
	if len(st.Relations) != 37+workers*perWorker || len(st.Invoices) != 4+workers*perWorker {
		t.Fatalf("%d relations, %d invoices", len(st.Relations), len(st.Invoices))
	}
	ids, numbers := map[int64]bool{}, map[string]bool{}
	for _, r := range st.Relations {
		ids[r.ID] = true
	}
	for _, inv := range st.Invoices {
		numbers[inv.Factuurnummer] = true
	}
	if len(ids) != len(st.Relations) || len(numbers) != len(st.Invoices) || !numbers[fmt.Sprintf("2026%03d", 4+workers*perWorker)] {
		t.Error("concurrent adds produced duplicate IDs or invoice numbers")
	}
}

// State is a helper so that the concurrency test also reads the state while
// others write.
func (e *env) State() State { return e.s.State() }
