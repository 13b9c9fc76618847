package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// attentionSeed writes a log line written in Dutch with its message key,
// an old line without one, and two relations OutSmart cannot take.
func attentionSeed(f *fakeBackend) {
	args := message.Args{"Code": "1034", "Name": "Bakkerij Jansen", "Missing": "adres, postcode"}
	f.addLog(store.LogEntry{Time: time.Date(2026, 12, 6, 9, 30, 0, 0, time.Local), Level: store.LevelAttention, Key: "relation.refused", Args: args},
		store.LogEntry{Time: time.Date(2026, 12, 6, 9, 0, 0, 0, time.Local), Message: "Een regel van voor de catalogus."})
	for _, code := range []string{"1034", "1035"} {
		f.note(relationRefused(code))
	}
}

// relationRefused is a relation OutSmart cannot take for want of an
// address.
func relationRefused(code string) store.Attention {
	return store.Attention{Kind: store.AttentionRelation, Subject: code, Cause: "missing",
		TitleKey: "subject.relation", ReasonKey: "relation.refused", FixKey: "relation.refused.fix",
		Args: message.Args{"Code": code, "Name": "Bakkerij " + code, "Missing": "adres"}}
}

// TestLogAndAttentionFollowTheWindowLanguage: a line written in Dutch reads
// in English when the window speaks English, with the date in English form;
// a line from before the catalogue stays as written. The relations that
// cannot go to OutSmart are in the attention list with their fix once and
// one Retry all for their shared cause.
func TestLogAndAttentionFollowTheWindowLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, time, line, title, fix, all string
	}{
		{"nl_NL.UTF-8", "06-12-2026 09:30", "Relatie 1034, Bakkerij Jansen kan niet naar OutSmart: adres, postcode ontbreekt.",
			"Relatie 1034, Bakkerij 1034", "Vul dit aan in e-Boekhouden", "Alles opnieuw proberen (2)"},
		{"en_US.UTF-8", "06 Dec 2026 09:30", "Relation 1034, Bakkerij Jansen cannot go to OutSmart: address, postal code missing.",
			"Relation 1034, Bakkerij 1034", "Complete this in e-Boekhouden", "Retry all (2)"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			h := newFakeHarness(t, harnessOptions{}, attentionSeed)
			v := h.u.logView
			h.u.tabs.SelectIndex(tabLog)
			if len(v.entries) < 2 {
				t.Fatalf("log: %+v", v.entries)
			}
			if got := cellText(v.table, 0, 0); got != c.time {
				t.Errorf("time %q, want %q", got, c.time)
			}
			if got := cellText(v.table, 0, 1); got != c.line {
				t.Errorf("line %q, want %q", got, c.line)
			}
			if got := cellText(v.table, 1, 1); got != "Een regel van voor de catalogus." {
				t.Errorf("old line %q", got)
			}
			list := strings.Join(texts(v.attention), " | ")
			if !strings.Contains(list, c.title) || strings.Count(list, c.fix) != 2 || findButton(v.attention, c.all) == nil {
				t.Errorf("attention list: %s", list)
			}
			// The fix is what the user must do: readable, not greyed out.
			walk(v.attention, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, c.fix) && l.Importance == widget.LowImportance {
					t.Errorf("the fix %q is greyed out", l.Text)
				}
			})
		})
	}
}

// TestMissingCredentialsInTheAttentionList: a run refused for want of
// login details is an item of the attention list with its one fix, in
// the window's language; Retry while they are still missing keeps the
// item and says why no run starts.
func TestMissingCredentialsInTheAttentionList(t *testing.T) {
	for _, c := range []struct{ lang, title, reason, fix, retry string }{
		{"nl_NL.UTF-8", "Inloggen", "De inloggegevens ontbreken", "tabblad Inloggen", "Opnieuw proberen"},
		{"en_US.UTF-8", "Login", "The login details are missing", "on the Login tab", "Retry"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			h := newFakeHarness(t, harnessOptions{}, func(f *fakeBackend) { f.note(loginMissing) })
			v := h.u.logView
			list := strings.Join(texts(v.attention), " | ")
			if !strings.HasPrefix(list, c.title+" | "+c.reason) || strings.Count(list, c.fix) != 1 {
				t.Fatalf("attention list: %s", list)
			}
			if strings.Contains(list, "Overslaan") || strings.Contains(list, "Skip") {
				t.Errorf("a missing login can be skipped: %s", list)
			}
			b := findButton(v.attention, c.retry)
			if b == nil {
				t.Fatalf("no %s in %s", c.retry, list)
			}
			test.Tap(b)
			h.settle()
			if got := strings.Join(texts(v.attention), " | "); got != list {
				t.Errorf("after %s with the login still missing: %s", c.retry, got)
			}
			if !v.note.Visible() || v.note.Text != tr("attention.retry.nologin") {
				t.Errorf("note %q (visible %v)", v.note.Text, v.note.Visible())
			}
			if calls := h.fake.called("RetryAttention"); len(calls) != 0 {
				t.Errorf("retried with the login missing: %q", calls)
			}
		})
	}
}

// TestAttentionRetrySkipAndRetryAll acts on records in the attention list:
// Overslaan asks first and skips only that record; Alles opnieuw proberen
// retries the records of one cause together and starts a run; Opnieuw
// proberen retries one record and starts a run; each time the list shows
// what is left.
func TestAttentionRetrySkipAndRetryAll(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true, startScheduler: true}, func(f *fakeBackend) {
		for _, code := range []string{"1034", "1035", "1036"} {
			f.note(relationRefused(code))
		}
	})
	u, v := h.u, h.u.logView
	u.tabs.SelectIndex(tabLog)
	list := func() string { return strings.Join(texts(v.attention), " | ") }
	if n := strings.Count(list(), "Overslaan"); n != 3 || findButton(v.attention, "Alles opnieuw proberen (3)") == nil {
		t.Fatalf("attention list: %s", list())
	}

	// Overslaan asks; Annuleren leaves the record.
	test.Tap(h.attentionButton(2, "Overslaan"))
	if got := h.topDialogText(); !strings.Contains(got, "Relatie 1036, Bakkerij 1036 wordt dan niet meer gemeld") {
		t.Fatalf("skip confirmation: %q", got)
	}
	h.tapDialogButton("Annuleren")
	h.settle()
	if calls := h.fake.called("SkipAttention"); len(calls) != 0 || len(h.fake.attention()) != 3 {
		t.Fatalf("after Annuleren: skipped %q", calls)
	}
	test.Tap(h.attentionButton(2, "Overslaan"))
	h.tapDialogButton("Overslaan")
	h.pump("the skip", func() bool { return findButton(v.attention, "Alles opnieuw proberen (2)") != nil })
	if calls := h.fake.called("SkipAttention"); !slices.Equal(calls, []string{"SkipAttention relation 1036"}) {
		t.Fatalf("skipped %q", calls)
	}
	if strings.Contains(list(), "1036") || !strings.Contains(list(), "Relatie 1035") {
		t.Fatalf("after the skip: %s", list())
	}
	if n := len(h.fake.called("SyncNow")); n != 0 {
		t.Errorf("a skip started %d runs", n)
	}

	// Alles opnieuw proberen: both of the cause, and a run.
	test.Tap(findButton(v.attention, "Alles opnieuw proberen (2)"))
	h.pump("the retry", func() bool { return v.note.Visible() && strings.Contains(list(), tr("attention.nothing")) })
	if calls := h.fake.called("RetryCause"); !slices.Equal(calls, []string{"RetryCause relation:missing"}) {
		t.Fatalf("retried %q", calls)
	}
	if v.note.Text != tr("attention.retry.started") || len(h.fake.called("SyncNow")) != 1 {
		t.Errorf("note %q after %d SyncNow", v.note.Text, len(h.fake.called("SyncNow")))
	}
	h.waitForRun(0)

	// Opnieuw proberen: one record, and a run.
	h.fake.note(relationRefused("1040"))
	h.fake.note(relationRefused("1041"))
	u.refresh()
	h.pump("the new records", func() bool { return strings.Contains(list(), "Relatie 1041") })
	test.Tap(h.attentionButton(0, "Opnieuw proberen"))
	h.pump("the retry", func() bool { return !strings.Contains(list(), "Relatie 1040") })
	if calls := h.fake.called("RetryAttention"); !slices.Equal(calls, []string{"RetryAttention relation 1040"}) {
		t.Fatalf("retried %q", calls)
	}
	if !strings.Contains(list(), "Relatie 1041") || findButton(v.attention, "Alles opnieuw proberen (2)") != nil {
		t.Errorf("after retrying one: %s", list())
	}
	if v.note.Text != tr("attention.retry.started") || len(h.fake.called("SyncNow")) != 2 {
		t.Errorf("note %q after %d SyncNow", v.note.Text, len(h.fake.called("SyncNow")))
	}
}
