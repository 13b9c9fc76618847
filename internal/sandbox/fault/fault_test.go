package fault

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestNextAfterTimesAndOp(t *testing.T) {
	in := NewInjector(1)
	in.Add(Rule{Op: "AddFactuur", Kind: HTTP500, After: 1, Times: 2})
	var got []bool
	for range 5 {
		_, ok := in.Next("AddFactuur")
		got = append(got, ok)
	}
	want := []bool{false, true, true, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("firing pattern = %v, want %v", got, want)
		}
	}
	if _, ok := in.Next("GetRelaties"); ok {
		t.Fatal("rule for AddFactuur fired for GetRelaties")
	}
	if n := in.Fired()[HTTP500]; n != 2 {
		t.Fatalf("Fired()[HTTP500] = %d, want 2", n)
	}
}

func TestNextWildcardCaseInsensitiveAndFirstWins(t *testing.T) {
	in := NewInjector(1)
	in.Add(Rule{Op: "post RELATIONS", Kind: Slow, Times: 1})
	in.Add(Rule{Op: "*", Kind: GeneralError})
	if r, _ := in.Next("POST relations"); r.Kind != Slow {
		t.Fatalf("first matching rule should win, got %q", r.Kind)
	}
	if r, _ := in.Next("POST relations"); r.Kind != GeneralError {
		t.Fatalf("exhausted rule should be gone, got %q", r.Kind)
	}
	in.Clear()
	if _, ok := in.Next("GET employees"); ok {
		t.Fatal("Clear left a rule")
	}
	if len(in.Fired()) != 0 {
		t.Fatalf("Clear left counts: %v", in.Fired())
	}
}

func TestNextRateIsSeededAndRoughlyRight(t *testing.T) {
	count := func(seed uint64) (n int, pattern []bool) {
		in := NewInjector(seed)
		in.Add(Rule{Kind: HTTP500, Rate: 0.05})
		for range 10000 {
			_, ok := in.Next("x")
			pattern = append(pattern, ok)
			if ok {
				n++
			}
		}
		return n, pattern
	}
	n1, p1 := count(42)
	n2, p2 := count(42)
	if n1 != n2 || len(p1) != len(p2) {
		t.Fatal("same seed gave different results")
	}
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("same seed diverged at call %d", i)
		}
	}
	if n1 < 350 || n1 > 650 {
		t.Fatalf("rate 5%% fired %d times in 10000", n1)
	}
}

func TestRuleJSON(t *testing.T) {
	var r Rule
	if err := json.Unmarshal([]byte(`{"op":"AddFactuur","kind":"slow","delay":"250ms","times":1}`), &r); err != nil {
		t.Fatal(err)
	}
	if time.Duration(r.Delay) != 250*time.Millisecond || r.Kind != Slow || r.Times != 1 {
		t.Fatalf("decoded %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"delay":"soon"}`), &r); err == nil {
		t.Fatal("accepted a bad duration")
	}
	b, _ := json.Marshal(Rule{Kind: Timeout, Delay: Duration(2 * time.Second)})
	if string(b) != `{"op":"","kind":"timeout","delay":"2s"}` {
		t.Fatalf("encoded %s", b)
	}
	if !Timeout.Valid() || !Unrecognised.Valid() || Kind("explode").Valid() {
		t.Fatal("Valid is wrong")
	}
}

func TestDropClosesWithoutAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Drop(w) }))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want a dropped connection", resp.StatusCode)
	}
}

func TestWaitNoticesClientLeaving(t *testing.T) {
	gone := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gone <- !Wait(r, 5*time.Second)
	}))
	defer srv.Close()
	client := &http.Client{Timeout: 100 * time.Millisecond}
	if resp, err := client.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Fatal("request should time out")
	}
	select {
	case g := <-gone:
		if !g {
			t.Fatal("Wait reported the client still there")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Wait did not return when the client left")
	}

	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Wait(r, time.Millisecond) {
			io.WriteString(w, "still here")
		}
	}))
	defer srv2.Close()
	resp, err := http.Get(srv2.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "still here" {
		t.Fatalf("Wait with a present client: body %q", b)
	}
}

func TestTruncate(t *testing.T) {
	body := []byte(`{"code":200,"messages":[],"response":[]}`)
	got := Truncate(body)
	if len(got) == 0 || len(got) >= len(body) || json.Valid(got) {
		t.Fatalf("Truncate gave %q", got)
	}
	if Truncate([]byte("x")) != nil {
		t.Fatal("one byte should truncate to nothing")
	}
}
