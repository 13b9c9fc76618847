package services

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// restCredentials are the demo's OutSmart credentials with an API token
// instead of the three SOAP values: the REST road.
func restCredentials(c secrets.Credentials, token string) secrets.Credentials {
	c.EBoekhoudenUsername, c.EBoekhoudenSecurityCode1, c.EBoekhoudenSecurityCode2 = "", "", ""
	c.EBoekhoudenAPIToken = token
	return c
}

func exportSettings(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.SetSettings(context.Background(), map[string]string{
		store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard", store.KeyBookDirectly: "true",
		store.KeyExportRelations: "true",
	}); err != nil {
		t.Fatal(err)
	}
}

// TestRunnerTakesTheRESTRoadWithAToken: with an API token the run goes
// over the REST sandbox only (the SOAP sandbox is not called), exports,
// keeps the record details in the store, and a second run writes nothing
// and reads a third of the details.
func TestRunnerTakesTheRESTRoadWithAToken(t *testing.T) {
	if testing.Short() {
		t.Skip("two sync runs against the sandboxes")
	}
	sb, demoCreds, ep := demo(t)
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	exportSettings(t, st)
	creds := restCredentials(demoCreds, ebrest.DemoAPIToken)
	r := &Runner{Store: st, Endpoints: ep, Credentials: func() (secrets.Credentials, error) { return creds, nil }}
	first := r.Run(ctx, engine.RunOptions{Trigger: "test"})
	if first.Err != nil || first.Invoices == 0 || first.Relations == 0 || first.Materials == 0 {
		t.Fatalf("first run: %+v", first)
	}
	if n := len(sb.EBoekhouden.Requests().All()); n != 0 {
		t.Errorf("%d calls to the SOAP sandbox on the REST road", n)
	}
	kept, err := st.SourceRecords(ctx, store.SourceKind("rest.relation"))
	// Every relation the import read (the export created more after it).
	if err != nil || len(kept) != len(sb.Dataset.EBoekhouden.Relations) {
		t.Fatalf("%d relation details kept (%v); want %d", len(kept), err, len(sb.Dataset.EBoekhouden.Relations))
	}
	posts := sb.EBoekhoudenREST.Requests().Count("POST /v1/invoice")
	sb.EBoekhoudenREST.Requests().Clear()
	second := r.Run(ctx, engine.RunOptions{Trigger: "test"})
	if second.Err != nil || second.Changed() {
		t.Fatalf("second run: %+v", second)
	}
	if n := sb.EBoekhoudenREST.Requests().Count("POST /v1/invoice"); n != 0 || posts == 0 {
		t.Errorf("second run posted %d invoices (first %d)", n, posts)
	}
	rels := len(sb.EBoekhoudenREST.State().Relations)
	if n := sb.EBoekhoudenREST.Requests().Count("GET /v1/relation/{id}"); n > rels/3+1 {
		t.Errorf("second run read %d relation details of %d; want about a third", n, rels)
	}
}

// TestAnExpiredTokenIsOneAttentionItemAskingForANewToken: runs refused for
// an expired API token leave one login item whose fix is a new token,
// with both places e-Boekhouden's documents name, in Dutch and English.
func TestAnExpiredTokenIsOneAttentionItemAskingForANewToken(t *testing.T) {
	_, demoCreds, ep := demo(t)
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	creds := restCredentials(demoCreds, "an-expired-api-token-0000")
	r := &Runner{Store: st, Endpoints: ep, Credentials: func() (secrets.Credentials, error) { return creds, nil }}
	for i := 0; i < 2; i++ {
		sum := r.Run(ctx, engine.RunOptions{Trigger: "test"})
		if sum.Outcome != store.RunFailed || !strings.Contains(sum.Message.Render(message.English), "make a new API token") {
			t.Fatalf("run %d: %+v", i+1, sum)
		}
		if strings.Contains(sum.Line, "an-expired-api-token-0000") {
			t.Fatalf("the token is in the summary: %q", sum.Line)
		}
	}
	items, err := r.Attention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var login []report.AttentionItem
	for _, it := range items {
		if it.Kind == report.AttentionLogin {
			login = append(login, it)
		}
	}
	if len(login) != 1 {
		t.Fatalf("%d login items; want 1: %+v", len(login), login)
	}
	nl, en := login[0].Fix.Render(message.Dutch), login[0].Fix.Render(message.English)
	for _, want := range []string{"nieuw API-token", "Beheer > Inrichting > Koppelingen > e-Boekhouden API", "Beheer > Instellingen > API/SOAP"} {
		if !strings.Contains(nl, want) {
			t.Errorf("Dutch fix %q lacks %q", nl, want)
		}
	}
	if !strings.Contains(en, "new API token") || strings.Contains(login[0].Reason.Render(message.Dutch), "beveiligingscodes") {
		t.Errorf("fix %q, reason %q", en, login[0].Reason.Render(message.Dutch))
	}
}

// TestRESTRoadKeepsDetailsAcrossProcesses measures what the store-kept
// details save a `koppeling sync --once` (a new process, so a new Runner
// and new clients, each run): the first run reads every record's details,
// each steady run a third of them, from the store's copy.
func TestRESTRoadKeepsDetailsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("four sync runs of 1,800 records")
	}
	ds := demodata.Generated(900, 900, false)
	env := testkit.Start(t, sandbox.Options{Dataset: ds})
	sb := env.Sandbox
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	creds := restCredentials(env.Credentials, ebrest.DemoAPIToken)
	records := len(ds.EBoekhouden.Relations) + len(ds.EBoekhouden.Articles)
	for run := 1; run <= 4; run++ {
		r := &Runner{Store: st, Endpoints: Endpoints(env.Endpoints), Credentials: func() (secrets.Credentials, error) { return creds, nil }}
		sb.EBoekhoudenREST.Requests().Clear()
		start := time.Now()
		sum := r.Run(ctx, engine.RunOptions{Trigger: "test"})
		wall := time.Since(start)
		if sum.Err != nil {
			t.Fatalf("run %d: %v", run, sum.Err)
		}
		details := sb.EBoekhoudenREST.Requests().Count("GET /v1/relation/{id}") + sb.EBoekhoudenREST.Requests().Count("GET /v1/product/{id}")
		if run == 1 {
			// The request log keeps 1,000 requests: count what the store kept.
			rels, err1 := st.SourceRecords(ctx, store.SourceKind("rest.relation"))
			prods, err2 := st.SourceRecords(ctx, store.SourceKind("rest.product"))
			if err1 != nil || err2 != nil || len(rels)+len(prods) != records {
				t.Fatalf("first run kept %d details (%v %v); want %d", len(rels)+len(prods), err1, err2, records)
			}
			t.Logf("run 1: all %d details read and kept, %s", records, wall.Round(time.Millisecond))
			continue
		}
		t.Logf("run %d: %d of %d details read, %s", run, details, records, wall.Round(time.Millisecond))
		if details < records/3-2 || details > records/3+2 {
			t.Errorf("run %d read %d details; want about %d", run, details, records/3)
		}
	}
}
