package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// TestNotificationTexts checks what the notifications after a run say,
// built from the engine's counts: what happened in plain words, what needs
// the user on its own (also with success notifications off), and a failed
// run's reason without "(Alles was al bijgewerkt)".
func TestNotificationTexts(t *testing.T) {
	if _, err := setUpLanguage(); err != nil { // TestMain set LANG to Dutch
		t.Fatal(err)
	}
	type note struct{ kind, title, body string }
	notes := func(res scheduler.Result, parked []store.Export, success bool) []note {
		var out []note
		ns, _ := runNotifications(res, parked, success, 0, message.Dutch)
		for _, n := range ns {
			if n.expire <= 0 {
				t.Errorf("notification %q never expires", n.title)
			}
			out = append(out, note{n.kind, n.title, n.body})
		}
		return out
	}
	result := func(s engine.Summary) scheduler.Result {
		return scheduler.Result{Summary: s.Line, Changed: s.Changed(), Attention: s.Attention, Err: s.Err, Detail: backend.RunSummary(s)}
	}

	// Invoices made, two relations without an address: the attention is a
	// notification of its own, with and without success notifications.
	sum := engine.Summary{Invoices: 3, Relations: 4, Handled: 3, Attention: 2,
		Line: "4 relaties gesynchroniseerd; 3 facturen aangemaakt; 2 items hebben aandacht nodig"}
	got := notes(result(sum), nil, true)
	want := []note{
		{"attention", "2 punten hebben aandacht nodig", tr("notify.attention.body")},
		{"success", "Synchronisatie klaar", "3 facturen aangemaakt; 4 relaties bijgewerkt in OutSmart"},
	}
	if !equalNotes(got, want) {
		t.Errorf("success with attention:\n got %q\nwant %q", got, want)
	}
	if got := notes(result(sum), nil, false); !equalNotes(got, want[:1]) {
		t.Errorf("success notifications off: %q, want only the attention", got)
	}
	// A large first import: the counts read as a bookkeeper writes them.
	big := engine.Summary{Relations: 15035, Materials: 10021, HourTypes: 5005}
	if got := notes(result(big), nil, true); len(got) != 1 ||
		got[0].body != "15.035 relaties bijgewerkt in OutSmart; 10.021 materialen bijgewerkt in OutSmart; 5.005 uursoorten bijgewerkt in OutSmart" {
		t.Errorf("large import: %q", got)
	}
	// The next run finds the same two: the user knows, no new notification;
	// a third one notifies again.
	if ns, told := runNotifications(result(sum), nil, false, 2, message.Dutch); len(ns) != 0 || told != 2 {
		t.Errorf("the same two again: %d notifications, told %d", len(ns), told)
	}
	sum.Attention = 3
	if ns, told := runNotifications(result(sum), nil, false, 2, message.Dutch); len(ns) != 1 || ns[0].title != "3 punten hebben aandacht nodig" || told != 3 {
		t.Errorf("one more: %v, told %d", ns, told)
	}
	sum.Attention = 2

	// One parked work order of the two attention items: it gets its own
	// notification, the other one is counted.
	got = notes(result(sum), []store.Export{{OrderNumber: "WB7", Reason: "Geen btw-code"}}, false)
	want = []note{
		{"parked WB7", "Werkbon WB7 heeft aandacht nodig", "Geen btw-code"},
		{"attention", "1 punt heeft aandacht nodig", tr("notify.attention.body")},
	}
	if !equalNotes(got, want) {
		t.Errorf("parked plus attention:\n got %q\nwant %q", got, want)
	}

	// A failed run: the reason, what was done before, never "Alles was al
	// bijgewerkt".
	failed := engine.Summary{Err: errors.New("e-Boekhouden weigert"), Invoices: 1,
		Line: "Synchronisatie afgebroken: e-Boekhouden is niet bereikbaar (1 factuur aangemaakt)"}
	got = notes(result(failed), nil, false)
	want = []note{{"failed", "Synchronisatie mislukt",
		"Synchronisatie afgebroken: e-Boekhouden is niet bereikbaar\nWel gedaan voordat het misging: 1 factuur aangemaakt."}}
	if !equalNotes(got, want) {
		t.Errorf("failed run:\n got %q\nwant %q", got, want)
	}
	nothing := engine.Summary{Err: errors.New("weg"),
		Line: "Synchronisatie afgebroken: OutSmart is niet bereikbaar (Alles was al bijgewerkt)"}
	for _, n := range notes(result(nothing), nil, true) {
		if strings.Contains(n.body, "Alles was al bijgewerkt") {
			t.Errorf("a failed run's notification says %q", n.body)
		}
	}
}

func equalNotes[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBusNotifierReplacesAndExpires checks the Linux notifications: each is
// sent with its timeout, and a new one of the same kind replaces the one
// before (the server's id goes back as replaces_id); an error is logged
// once, not per run.
func TestBusNotifierReplacesAndExpires(t *testing.T) {
	type call struct {
		replaces uint32
		expire   int32
	}
	var calls []call
	next := uint32(40)
	fail := false
	b := &busNotifier{ids: map[string]uint32{}, call: func(_ context.Context, replaces uint32, _, _, _ string, expireMS int32) (uint32, error) {
		calls = append(calls, call{replaces, expireMS})
		if fail {
			return 0, errors.New("org.freedesktop.Notifications was not provided by any .service files")
		}
		next++
		return next, nil
	}}
	b.deliver(notification{kind: "success", title: "a", expire: 10 * time.Second}) // id 41
	b.deliver(notification{kind: "failed", title: "b", expire: 30 * time.Second})  // id 42
	b.deliver(notification{kind: "success", title: "c", expire: 10 * time.Second}) // replaces 41
	want := []call{{0, 10000}, {0, 30000}, {41, 10000}}
	if !equalNotes(calls, want) {
		t.Fatalf("Notify calls %v, want %v", calls, want)
	}
	if b.ids["success"] != 43 {
		t.Errorf("the last success notification is %d, want 43", b.ids["success"])
	}
	fail = true
	b.deliver(notification{kind: "success", title: "d", expire: time.Second})
	b.deliver(notification{kind: "success", title: "e", expire: time.Second})
	if b.failed == "" || b.ids["success"] != 43 {
		t.Errorf("after a failed Notify: logged %q, id %d", b.failed, b.ids["success"])
	}
}

// TestBusNotifierDoesNotBlock: send returns while the bus does not answer,
// and the notification is delivered once it does.
func TestBusNotifierDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	delivered := make(chan string, 2)
	b := &busNotifier{ids: map[string]uint32{}, call: func(_ context.Context, _ uint32, _, title, _ string, _ int32) (uint32, error) {
		<-release
		delivered <- title
		return 1, nil
	}}
	sent := make(chan struct{})
	go func() {
		b.send(notification{kind: "success", title: "a"})
		b.send(notification{kind: "failed", title: "b"})
		close(sent)
	}()
	select {
	case <-sent:
	case <-time.After(5 * time.Second):
		t.Fatal("send waited for the bus")
	}
	close(release)
	for _, want := range []string{"a", "b"} {
		select {
		case got := <-delivered:
			if got != want {
				t.Fatalf("delivered %q, want %q (in order)", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q was never delivered", want)
		}
	}
}

// TestNotificationsCountWhatIsStillOpen: with the engine's open counts, the
// attention notification says what is open in the window's language, the
// work orders (notified one by one) left out, and a failed run states its
// cause alone.
func TestNotificationsCountWhatIsStillOpen(t *testing.T) {
	if _, err := setUpLanguage(); err != nil {
		t.Fatal(err)
	}
	sum := engine.Summary{Invoices: 3, Open: report.OpenCounts{Relations: 2, WorkOrders: 1},
		Message: message.Text{Key: message.KeySummary, Args: message.Args{"Invoices": "3", "OpenRelations": "2", "OpenWorkOrders": "1"}}}
	res := scheduler.Result{Changed: true, Detail: backend.RunSummary(sum)}
	for _, c := range []struct {
		lang message.Lang
		want string
	}{{message.Dutch, "2 relaties kunnen niet naar OutSmart"}, {message.English, "2 relations cannot go to OutSmart"}} {
		ns, told := runNotifications(res, nil, false, 0, c.lang)
		if len(ns) != 1 || ns[0].kind != "attention" || ns[0].body != c.want || told != 2 {
			t.Errorf("%s: %+v, told %d; want one attention notification %q", c.lang, ns, told, c.want)
		}
	}
	// Still the same two: the user knows. A refused login that stopped a
	// run is told by the failure notification alone.
	if ns, _ := runNotifications(res, nil, false, 2, message.Dutch); len(ns) != 0 {
		t.Errorf("the same two again: %+v", ns)
	}

	failed := engine.Summary{Err: errors.New("weg"), Relations: 4, Open: report.OpenCounts{Login: 1}, Message: message.Text{Key: message.KeySummary,
		Args: message.Args{"Failed": "1", "Cause": "@cause.outsmart.unreachable", "Relations": "4", "OpenLogin": "1"}}}
	ns, _ := runNotifications(scheduler.Result{Err: failed.Err, Detail: backend.RunSummary(failed)}, nil, false, 0, message.Dutch)
	if len(ns) != 1 || ns[0].kind != "failed" ||
		ns[0].body != "Synchronisatie afgebroken: OutSmart is niet bereikbaar; de volgende ronde probeert het opnieuw\n"+
			tr("notify.failed.done", map[string]any{"Done": "4 relaties bijgewerkt in OutSmart"}) {
		t.Errorf("failed run: %+v", ns)
	}
	for _, n := range ns {
		if strings.Contains(n.body, "Alles was al bijgewerkt") {
			t.Errorf("a failed run's notification says everything was up to date: %q", n.body)
		}
	}
}
