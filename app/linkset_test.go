package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui"
)

// TestDemoLinksRunSideBySide: in the demo every link runs against a
// sandbox pair of its own with the demo data: two links, triggered at
// once, each wait for approval of their first invoices, then invoice all
// of their own demo work orders, one run after the other. A link added through the window's LinkSet gets its own sandboxes
// too.
func TestDemoLinksRunSideBySide(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	e := env{getenv: func(string) string { return "" }}
	opener := &linkOpener{e: e, demo: true}
	// As the demo's window has it (gui.go): the demo's work orders are
	// dated in the past, so a new demo link invoices them all.
	set, err := backend.NewLinkSet(ctx, backend.LinkSetOptions{Registry: links.New(dir), Open: opener.open, AllWorkOrders: true})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	var view ui.LinkSet = uiLinks{set: set}
	added, err := view.Add(ctx, "Klant B")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := view.Add(ctx, "klant b"); err == nil {
		t.Fatal("a taken name was accepted")
	} else if ne, ok := err.(*ui.LinkNameError); !ok || ne.Key != "link.name.taken" {
		t.Fatalf("a taken name: %#v", err)
	}
	finished := make(chan string, 4)
	var running []string
	defer view.Subscribe(func(id string, ev scheduler.Event) {
		switch ev.Kind {
		case scheduler.EventStarted:
			running = append(running, id)
			if len(running) > 1 {
				t.Errorf("links %v run at once", running)
			}
		case scheduler.EventFinished:
			running = running[:0]
			finished <- id
		}
	})()
	if err := set.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ids := []string{links.FirstID, added.ID}
	urls := map[string]bool{}
	for _, id := range ids {
		b, err := view.Backend(id)
		if err != nil {
			t.Fatal(err)
		}
		p := b.(*backend.Parts)
		urls[p.Endpoints.EBoekhoudenURL], urls[p.Endpoints.OutSmartURL] = true, true
		b.SyncNow()
	}
	if len(urls) != 4 {
		t.Fatalf("the two demo links share sandboxes: %v", urls)
	}
	waitBoth := func() {
		for range ids {
			select {
			case <-finished:
			case <-time.After(60 * time.Second):
				t.Fatal("the demo runs did not finish")
			}
		}
	}
	waitBoth()
	// The first invoices of each link wait for approval; approved, they go
	// out in the next run of that link.
	for _, id := range ids {
		p, _ := set.Backend(id)
		plan, err := p.PendingApproval(ctx)
		if err != nil || plan == nil || len(plan.Invoices) != 8 {
			t.Fatalf("link %s: waiting plan %+v, %v", id, plan, err)
		}
		if _, err := p.ApprovePlan(ctx, plan.Hash); err != nil {
			t.Fatalf("link %s: approve: %v", id, err)
		}
	}
	waitBoth()
	for _, id := range ids {
		p, _ := set.Backend(id)
		ex, err := p.Store.Exports(context.Background(), store.ExportHandled)
		if err != nil || len(ex) != 8 {
			t.Errorf("link %s: %d work orders handled, want 8 (%v)", id, len(ex), err)
		}
	}
	infos, err := view.Links(ctx)
	if err != nil || len(infos) != 2 || infos[1].Name != "Klant B" || infos[0].LastRunTime.IsZero() || infos[1].LastRunTime.IsZero() {
		t.Fatalf("links: %+v %v", infos, err)
	}
}

// TestCredentialVariablesApplyToTheChosenLinkOnly: in the desktop app the
// KOPPELING_* credential variables are the chosen link's; another link
// reads its own keychain item only, under its own service name.
func TestCredentialVariablesApplyToTheChosenLinkOnly(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	reg := links.New(dir)
	b, err := reg.Add("Klant B")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"KOPPELING_OUTSMART_TOKEN": "uit-de-omgeving", "KOPPELING_KEYCHAIN_SERVICE": "nl.koppeling.test.env"}
	e := env{getenv: func(k string) string { return vars[k] }}
	for _, chosen := range []string{links.FirstID, b.ID} {
		opener := &linkOpener{e: e, envLink: chosen}
		for _, l := range []links.Link{{ID: links.FirstID, Name: links.FirstName, Dir: "."}, b} {
			p, err := opener.open(ctx, l, reg.Folder(l))
			if err != nil {
				t.Fatal(err)
			}
			got := p.Vault.Getenv("KOPPELING_OUTSMART_TOKEN")
			if want := map[bool]string{true: "uit-de-omgeving", false: ""}[l.ID == chosen]; got != want {
				t.Errorf("chosen %s, link %s: token from the environment %q, want %q", chosen, l.ID, got, want)
			}
			if want := l.KeychainService("nl.koppeling.test.env"); p.Vault.Service != want {
				t.Errorf("link %s: keychain service %q, want %q", l.ID, p.Vault.Service, want)
			}
			p.Store.Close()
		}
	}
}

// TestRemoveAsksJaOrNee: the question on a terminal names the link and
// what happens to its data; only ja (j, yes, y) removes it.
func TestRemoveAsksJaOrNee(t *testing.T) {
	l := links.Link{ID: "k1", Name: "Klant B"}
	for answer, want := range map[string]bool{"ja\n": true, "JA\n": true, " j \n": true, "yes\n": true, "nee\n": false,
		"\n": false, "": false, "jawel\n": false} {
		var stderr strings.Builder
		e := env{getenv: func(string) string { return "" }, stderr: &stderr}
		if got := askRemove(e, strings.NewReader(answer), l, false); got != want {
			t.Errorf("answer %q: remove %v, want %v", answer, got, want)
		}
		if q := stderr.String(); q != `Koppeling "Klant B" verwijderen? De opslag en de inloggegevens blijven bewaard. (ja/nee): ` {
			t.Errorf("question %q", q)
		}
	}
	var stderr strings.Builder
	e := env{getenv: func(k string) string { return map[string]string{"LANG": "en_GB.UTF-8"}[k] }, stderr: &stderr}
	askRemove(e, strings.NewReader("nee\n"), l, true)
	if q := stderr.String(); !strings.Contains(q, `Remove link "Klant B"? Its store (settings, journal, log) and login details are erased. (ja/nee): `) {
		t.Errorf("question with --purge in English: %q", q)
	}
}
