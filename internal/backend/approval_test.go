package backend

import (
	"errors"
	"testing"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// TestBackgroundRunsWaitForApprovalAndTellItOnce: the desktop app's first
// export waits for approval: background runs create no invoice and tell
// the plan once, not every 15 minutes; after ApprovePlan the next run
// makes exactly the previewed invoices and forgets the plan.
func TestBackgroundRunsWaitForApprovalAndTellItOnce(t *testing.T) {
	ctx := t.Context()
	env := testkit.Start(t, sandbox.Options{})
	st := testkit.OpenStore(t, "")
	if err := st.SetSettings(ctx, map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}); err != nil {
		t.Fatal(err)
	}
	r := &services.Runner{Store: st, Endpoints: services.Endpoints(env.Endpoints),
		Credentials: func() (secrets.Credentials, error) { return env.Credentials, nil }}
	p := testParts(t)
	p.Store, p.Runner = st, r
	run := RunFunc(r)
	before := len(env.Sandbox.EBoekhouden.State().Invoices)

	var told int
	var plan *report.ExportPlan
	for i := range 3 {
		res := run(ctx, scheduler.TriggerSchedule)
		sum, _ := res.Detail.(report.RunSummary)
		if res.Err != nil || sum.Awaiting == nil || sum.Invoices != 0 {
			t.Fatalf("background run %d: err %v, awaiting %v, invoices %d", i, res.Err, sum.Awaiting != nil, sum.Invoices)
		}
		if got := len(env.Sandbox.EBoekhouden.State().Invoices); got != before {
			t.Fatalf("background run %d created %d invoices while they wait", i, got-before)
		}
		if sum.ApprovalNew {
			told++
		}
		plan = sum.Awaiting
	}
	if told != 1 {
		t.Fatalf("the same plan was told %d times, want once", told)
	}
	pending, err := p.PendingApproval(ctx)
	if err != nil || pending == nil || pending.Hash != plan.Hash || len(pending.Invoices) != len(plan.Invoices) {
		t.Fatalf("PendingApproval = %+v, %v", pending, err)
	}
	if _, err := p.ApprovePlan(ctx, "not-the-plan"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("approving a plan that does not wait: %v", err)
	}
	if _, err := p.ApprovePlan(ctx, plan.Hash); err != nil {
		t.Fatal(err)
	}
	if pending, _ := p.PendingApproval(ctx); pending != nil {
		t.Fatal("an approved plan still shows as waiting")
	}
	res := run(ctx, scheduler.TriggerManual)
	sum, _ := res.Detail.(report.RunSummary)
	if res.Err != nil || sum.Awaiting != nil || sum.Invoices != len(plan.Invoices) {
		t.Fatalf("approved run: err %v, awaiting %v, invoices %d of %d", res.Err, sum.Awaiting != nil, sum.Invoices, len(plan.Invoices))
	}
	if got := len(env.Sandbox.EBoekhouden.State().Invoices) - before; got != len(plan.Invoices) {
		t.Fatalf("sandbox has %d new invoices, plan %d", got, len(plan.Invoices))
	}
	if _, err := st.WaitingPlan(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the plan is kept after its invoices were made: %v", err)
	}
}
