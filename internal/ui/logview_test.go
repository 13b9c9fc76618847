package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// attentionSeed stores a log line written in Dutch with its message key, an
// old line without one, and a relation OutSmart cannot take.
func attentionSeed(t *testing.T) func(*store.Store) {
	return func(st *store.Store) {
		args := message.Args{"Code": "1034", "Name": "Bakkerij Jansen", "Missing": "adres, postcode"}
		for _, e := range []store.LogEntry{
			{Time: time.Date(2026, 12, 6, 9, 30, 0, 0, time.Local), Level: store.LevelAttention, Key: "relation.refused", Args: args},
			{Time: time.Date(2026, 12, 6, 9, 0, 0, 0, time.Local), Message: "Een regel van voor de catalogus."},
		} {
			if _, err := st.AddLog(t.Context(), e); err != nil {
				t.Fatal(err)
			}
		}
		for _, code := range []string{"1034", "1035"} {
			a := message.Args{"Code": code, "Name": "Bakkerij " + code, "Missing": "adres"}
			if err := st.SetAttention(t.Context(), store.Attention{Kind: store.AttentionRelation, Subject: code, Cause: "missing",
				TitleKey: "subject.relation", ReasonKey: "relation.refused", FixKey: "relation.refused.fix", Args: a}); err != nil {
				t.Fatal(err)
			}
		}
	}
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
			h := newHarness(t, harnessOptions{seed: attentionSeed(t)})
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
			h := newHarness(t, harnessOptions{seed: func(st *store.Store) {
				if err := (engine.New(engine.Params{Store: st})).NoteNoCredentials(t.Context(), message.T("login.missing")); err != nil {
					t.Fatal(err)
				}
			}})
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
		})
	}
}
