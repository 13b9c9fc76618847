package services

import (
	"context"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

const linkedGUID = "5A0E7C61-3B2D-4F8E-A1C9-64D2B0E8F317"

// withLinked starts the sandboxes with one administration linked to the
// e-Boekhouden account: the demo administration without its invoices, as a
// second client of the same bookkeeper.
func withLinked(t *testing.T) *testkit.Env {
	t.Helper()
	env := testkit.Start(t, sandbox.Options{})
	ds := demodata.Default().EBoekhouden
	ds.Administration = "Loodgietersbedrijf Jansen"
	ds.Invoices = nil
	env.Sandbox.EBoekhouden.AddLinked(sbeb.LinkedAdministration{
		GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle", StartBoekjaar: "2019", Dataset: ds,
	})
	return env
}

func TestAdministrationsForTheLoginChoice(t *testing.T) {
	env := withLinked(t)
	ctx := context.Background()
	got, p := Administrations(ctx, env.Credentials, Endpoints(env.Endpoints))
	want := report.Administration{GUID: linkedGUID, Company: "Loodgietersbedrijf Jansen", City: "Zwolle"}
	if p != nil || len(got) != 1 || got[0] != want {
		t.Fatalf("Administrations = %+v, %v", got, p)
	}
	if got[0].Label() != "Loodgietersbedrijf Jansen, Zwolle" {
		t.Errorf("Label = %q", got[0].Label())
	}
	// Asked in a session on the account's own administration, whatever is
	// chosen.
	chosen := env.Credentials
	chosen.EBoekhoudenAdministration = linkedGUID
	if again, p := Administrations(ctx, chosen, Endpoints(env.Endpoints)); p != nil || len(again) != 1 {
		t.Fatalf("with a choice: %+v, %v", again, p)
	}
	if n := env.Sandbox.EBoekhouden.Requests().Count("OpenSessionSub"); n != 0 {
		t.Errorf("%d OpenSessionSub calls for the list", n)
	}
	// Refused codes are a refused login, not "no administrations".
	bad := env.Credentials
	bad.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
	if list, p := Administrations(ctx, bad, Endpoints(env.Endpoints)); p == nil || p.Kind != report.ProblemRefused || list != nil {
		t.Errorf("refused codes: %+v, %+v", list, p)
	}
	// The REST road has no choice and asks nothing.
	before := len(env.Sandbox.EBoekhouden.Requests().All())
	if list, p := Administrations(ctx, env.OnREST().Credentials, Endpoints(env.Endpoints)); list != nil || p != nil {
		t.Errorf("REST road: %+v, %+v", list, p)
	}
	if after := len(env.Sandbox.EBoekhouden.Requests().All()); after != before {
		t.Errorf("the REST road sent %d SOAP requests", after-before)
	}
}

func TestAdministrationsUnreachableIsAProblemNotNone(t *testing.T) {
	env := withLinked(t)
	ep := Endpoints(env.Endpoints)
	ep.EBoekhoudenURL = "http://127.0.0.1:1/soap.asmx"
	list, p := Administrations(context.Background(), env.Credentials, ep)
	if p == nil || p.Kind != report.ProblemUnreachable || list != nil {
		t.Fatalf("unreachable: %+v, %+v", list, p)
	}
}

func TestCheckLoginOnALinkedAdministration(t *testing.T) {
	env := withLinked(t)
	ctx := context.Background()
	ep := Endpoints(env.Endpoints)
	c := env.Credentials
	c.EBoekhoudenAdministration = linkedGUID
	if p := CheckLogin(ctx, c, ep); p != nil {
		t.Fatalf("linked administration: %v", p)
	}
	if n := env.Sandbox.EBoekhouden.Requests().Count("OpenSessionSub"); n != 1 {
		t.Errorf("%d OpenSessionSub calls, want 1", n)
	}
	// A GUID the account does not link to: the codes are fine, the choice
	// is not.
	c.EBoekhoudenAdministration = "00000000-0000-0000-0000-000000000000"
	p := CheckLogin(ctx, c, ep)
	if p == nil || p.Kind != report.ProblemRefused || p.Field != report.FieldAdministration || !strings.Contains(p.Dutch(), "Kies de administratie opnieuw") {
		t.Fatalf("unknown administration: %+v", p)
	}
	// Wrong codes with a choice are still the codes.
	c.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
	if p := CheckLogin(ctx, c, ep); p == nil || p.Field != report.FieldSecurityCodes {
		t.Fatalf("wrong codes with a choice: %+v", p)
	}
}

// TestRunOnALinkedAdministration: a sync whose credentials choose a linked
// administration invoices there, not in the account's own administration.
func TestRunOnALinkedAdministration(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole sync: make test runs it, -short does not")
	}
	env := withLinked(t)
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	if err := st.SetSettings(ctx, map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}); err != nil {
		t.Fatal(err)
	}
	c := env.Credentials
	c.EBoekhoudenAdministration = linkedGUID
	own := env.Sandbox.EBoekhouden.State().Invoices
	r := &Runner{Store: st, Endpoints: Endpoints(env.Endpoints), Credentials: func() (secrets.Credentials, error) { return c, nil }}
	sum := r.Run(ctx, engine.RunOptions{Trigger: "test"})
	if sum.Err != nil {
		t.Fatalf("run: %+v", sum)
	}
	linked, _ := env.Sandbox.EBoekhouden.LinkedState(linkedGUID)
	if sum.Invoices == 0 || len(linked.Invoices) != sum.Invoices {
		t.Fatalf("run made %d invoices, the linked administration holds %d", sum.Invoices, len(linked.Invoices))
	}
	if after := env.Sandbox.EBoekhouden.State().Invoices; len(after) != len(own) {
		t.Errorf("the account's own administration went from %d to %d invoices", len(own), len(after))
	}
	if n := env.Sandbox.EBoekhouden.Requests().Count("OpenSession"); n != 0 {
		t.Errorf("%d sessions on the own administration during the run", n)
	}
}
