package backend

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// sandboxLinks opens every link of the registry in dir against a sandbox
// pair of its own (started on first open, with the demo administration)
// and its credentials in an in-memory keychain.
type sandboxLinks struct {
	t         *testing.T
	mu        sync.Mutex
	sandboxes map[string]*sandbox.Sandbox
	keychain  *secrets.MemoryKeychain
}

func (s *sandboxLinks) open(ctx context.Context, l links.Link, dir string) (LinkParts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sb := s.sandboxes[l.ID]
	if sb == nil {
		var err error
		if sb, err = sandbox.Start(sandbox.Options{}); err != nil {
			return LinkParts{}, err
		}
		s.t.Cleanup(func() { sb.Close() })
		s.sandboxes[l.ID] = sb
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return LinkParts{}, err
	}
	vault := s.vault(l)
	ebc, osc := sb.Dataset.EBoekhouden.Credentials, sb.Dataset.OutSmart.Credentials
	if err := vault.Save(secrets.Credentials{EBoekhoudenUsername: ebc.Username, EBoekhoudenSecurityCode1: ebc.SecurityCode1,
		EBoekhoudenSecurityCode2: ebc.SecurityCode2, OutSmartCompanyID: osc.CompanyID, OutSmartToken: osc.Token,
		OutSmartSoftwareToken: osc.SoftwareToken}); err != nil {
		return LinkParts{}, err
	}
	return LinkParts{Store: st, Vault: vault, Endpoints: services.Endpoints{EBoekhoudenURL: sb.EBoekhoudenURL,
		EBoekhoudenRESTURL: sb.EBoekhoudenRESTURL, OutSmartURL: sb.OutSmartURL}}, nil
}

func (s *sandboxLinks) vault(l links.Link) *secrets.Vault {
	return &secrets.Vault{Keychain: s.keychain, Service: l.KeychainService("nl.koppeling.test.backend"),
		Getenv: func(string) string { return "" }}
}

func newSandboxLinkSet(t *testing.T, dir string) (*LinkSet, *sandboxLinks) {
	t.Helper()
	sl := &sandboxLinks{t: t, sandboxes: map[string]*sandbox.Sandbox{}, keychain: &secrets.MemoryKeychain{}}
	set, err := NewLinkSet(t.Context(), LinkSetOptions{Registry: links.New(dir), Open: sl.open, Vault: sl.vault})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(set.Close)
	return set, sl
}

// TestLinksRunOneAtATimeEachAgainstItsOwnServices: two links, each with its
// own sandbox pair, triggered at once: both runs complete (the first
// export of each waits for approval, and goes out once approved), each sends its
// invoices to its own e-Boekhouden only, and the runs never overlap.
func TestLinksRunOneAtATimeEachAgainstItsOwnServices(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	set, sl := newSandboxLinkSet(t, dir)
	b, err := set.Add(ctx, "Klant B")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{links.FirstID, b.ID}
	for _, id := range ids {
		p, err := set.Backend(id)
		if err != nil {
			t.Fatal(err)
		}
		if id == b.ID {
			// A new link starts today; the sandbox's work orders are older.
			if s, _ := p.Settings(ctx); s.WorkOrdersFrom != time.Now().Format("2006-01-02") {
				t.Fatalf("the new link starts on %q, not today", s.WorkOrdersFrom)
			}
		}
		if err := p.SaveSettings(ctx, map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard",
			store.KeyWorkOrdersFrom: ""}); err != nil {
			t.Fatal(err)
		}
	}
	type span struct {
		id    string
		start bool
	}
	events := make(chan span, 100)
	finished := make(chan scheduler.Event, 10)
	defer set.Subscribe(func(id string, ev scheduler.Event) {
		switch ev.Kind {
		case scheduler.EventStarted:
			events <- span{id, true}
		case scheduler.EventFinished:
			events <- span{id, false}
			finished <- ev
		}
	})()
	if err := set.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitBoth := func() {
		for range ids {
			select {
			case ev := <-finished:
				if ev.Result.Err != nil {
					t.Fatalf("run failed: %v", ev.Result.Err)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("runs did not finish")
			}
		}
	}
	for _, id := range ids {
		p, _ := set.Backend(id)
		if got := p.SyncNow(); got == scheduler.Refused {
			t.Fatalf("link %s refused the trigger", id)
		}
	}
	waitBoth()
	// Each link's first invoices wait for approval: nothing sent yet.
	for _, id := range ids {
		p, _ := set.Backend(id)
		plan, err := p.PendingApproval(ctx)
		if err != nil || plan == nil || len(plan.Invoices) != 8 || !plan.FirstExport {
			t.Fatalf("link %s: waiting plan %+v, %v", id, plan, err)
		}
		if n := sl.sandboxes[id].EBoekhouden.Requests().Count("AddFactuur"); n != 0 {
			t.Fatalf("link %s sent %d invoices before approval", id, n)
		}
		if got, err := p.ApprovePlan(ctx, plan.Hash); err != nil || got == scheduler.Refused {
			t.Fatalf("link %s: approve: %v %v", id, got, err)
		}
	}
	waitBoth()
	close(events)
	running, seen := "", map[string]int{}
	for e := range events {
		switch {
		case e.start && running != "":
			t.Fatalf("link %s started while %s ran", e.id, running)
		case e.start:
			running = e.id
		case e.id != running:
			t.Fatalf("link %s finished while %s ran", e.id, running)
		default:
			running = ""
			seen[e.id]++
		}
	}
	if seen[ids[0]] != 2 || seen[ids[1]] != 2 {
		t.Fatalf("runs per link: %v", seen)
	}
	for _, id := range ids {
		sb := sl.sandboxes[id]
		if n := sb.EBoekhouden.Requests().Count("AddFactuur"); n != 8 {
			t.Errorf("link %s sent %d invoices to its e-Boekhouden, want 8", id, n)
		}
	}
	infos, err := set.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].Name != links.FirstName || infos[1].Name != "Klant B" {
		t.Fatalf("links: %+v", infos)
	}
	for _, i := range infos {
		if i.LastRunOutcome != string(store.RunAttention) || i.LastRunTime.IsZero() || i.Attention != 2 || i.Problem != nil || i.Running {
			t.Errorf("link %s: %+v", i.Name, i)
		}
	}
}

// TestLinkSetAddRenameRemoveAndADamagedLink: a link with a damaged store
// is listed with its problem while the others open; names are checked;
// removal stops a link and a purge takes its files and keychain item.
func TestLinkSetAddRenameRemoveAndADamagedLink(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	reg := links.New(dir)
	broken, err := reg.Add("Kapot")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(reg.Folder(broken), store.FileName), []byte("geen database"), 0o600); err != nil {
		t.Fatal(err)
	}
	set, sl := newSandboxLinkSet(t, dir)
	finished := make(chan string, 10)
	defer set.Subscribe(func(id string, ev scheduler.Event) {
		if ev.Kind == scheduler.EventFinished {
			finished <- id
		}
	})()
	if err := set.Start(ctx); err != nil {
		t.Fatal(err)
	}
	infos, err := set.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d *store.DamagedError
	if len(infos) != 2 || infos[0].Problem != nil || !errors.As(infos[1].Problem, &d) {
		t.Fatalf("links: %+v", infos)
	}
	if _, err := set.Backend(broken.ID); !errors.Is(err, ErrLinkProblem) {
		t.Fatalf("backend of the damaged link: %v", err)
	}
	if p, err := set.Backend(links.FirstID); err != nil || p.SyncNow() == scheduler.Refused {
		t.Fatalf("the healthy link does not run: %v", err)
	}

	var ne *links.NameError
	if _, err := set.Add(ctx, " kapot "); !errors.As(err, &ne) || ne.Key != "link.name.taken" {
		t.Fatalf("add a taken name: %v", err)
	}
	c, err := set.Add(ctx, "Klant C")
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Rename(ctx, c.ID, "KAPOT"); !errors.As(err, &ne) {
		t.Fatalf("rename to a taken name: %v", err)
	}
	if err := set.Rename(ctx, c.ID, "Klant C (Utrecht)"); err != nil {
		t.Fatal(err)
	}
	// A link added by another process shows up and runs too.
	other, err := reg.Add("Klant D")
	if err != nil {
		t.Fatal(err)
	}
	infos, _ = set.Links(ctx)
	if len(infos) != 4 || infos[2].Name != "Klant C (Utrecht)" || infos[3].ID != other.ID || infos[3].Problem != nil {
		t.Fatalf("links after add and rename: %+v", infos)
	}
	if p, err := set.Backend(other.ID); err != nil || p.SyncNow() == scheduler.Refused {
		t.Fatalf("a link added meanwhile does not run: %v", err)
	}

	cl, err := reg.ByID(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	cVault := sl.vault(cl)
	if _, _, err := cVault.Load(); err != nil {
		t.Fatal(err)
	}
	// Not while a run of it holds its store's run lock (here or in another
	// process).
	cp, err := set.Backend(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := cp.Store.LockRun(ctx, store.LockOwner())
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Remove(ctx, c.ID, true); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("remove while a run holds the lock: %v", err)
	}
	if _, err := reg.ByID(c.ID); err != nil {
		t.Fatalf("a refused remove took the link out: %v", err)
	}
	if err := lock.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := set.Remove(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(reg.Folder(cl)); !os.IsNotExist(err) {
		t.Fatalf("purged link's folder: %v", err)
	}
	if creds, src, _ := cVault.Load(); src.Keychain || creds.OutSmartToken != "" {
		t.Fatal("the purged link's keychain item is still there")
	}
	if err := set.Remove(ctx, broken.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(reg.Folder(broken), store.FileName)); err != nil {
		t.Fatalf("removal without purge took the store: %v", err)
	}
	if _, err := set.Backend(c.ID); err == nil {
		t.Fatal("a removed link still has a backend")
	}
	// The runs triggered above end before their link can go.
	for done := map[string]bool{}; !done[other.ID] || !done[links.FirstID]; {
		select {
		case id := <-finished:
			done[id] = true
		case <-time.After(60 * time.Second):
			t.Fatal("the runs did not finish")
		}
	}
	if err := set.Remove(ctx, other.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := set.Remove(ctx, links.FirstID, false); !errors.Is(err, links.ErrLastLink) {
		t.Fatalf("removing the last link: %v", err)
	}
}
