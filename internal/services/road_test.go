package services

import (
	"context"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
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
