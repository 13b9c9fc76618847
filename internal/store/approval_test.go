package store

import (
	"context"
	"errors"
	"testing"
)

func TestWaitingPlanLifecycle(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.WaitingPlan(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: WaitingPlan err = %v, want ErrNotFound", err)
	}
	fresh, err := s.SaveWaitingPlan(ctx, []byte(`{"a":1}`), "h1")
	if err != nil || !fresh {
		t.Fatalf("first save: fresh=%v err=%v, want fresh", fresh, err)
	}
	if fresh, err = s.SaveWaitingPlan(ctx, []byte(`{"a":1}`), "h1"); err != nil || fresh {
		t.Fatalf("same plan again: fresh=%v err=%v, want not fresh (told once)", fresh, err)
	}
	if err := s.ApprovePlan(ctx, "other"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve another plan: err = %v, want ErrNotFound", err)
	}
	if p, _ := s.WaitingPlan(ctx); p.Approved {
		t.Fatal("a plan the user did not see was approved")
	}
	if err := s.ApprovePlan(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	p, err := s.WaitingPlan(ctx)
	if err != nil || !p.Approved || string(p.Plan) != `{"a":1}` || p.Hash != "h1" || !p.Notified {
		t.Fatalf("approved plan = %+v, %v", p, err)
	}
	// A run finds another plan: it replaces the approved one, not approved.
	if fresh, err = s.SaveWaitingPlan(ctx, []byte(`{"a":2}`), "h2"); err != nil || !fresh {
		t.Fatalf("changed plan: fresh=%v err=%v, want fresh", fresh, err)
	}
	if p, _ := s.WaitingPlan(ctx); p.Approved || p.Hash != "h2" {
		t.Fatalf("changed plan = %+v, want h2 not approved", p)
	}
	if err := s.ClearWaitingPlan(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitingPlan(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cleared: err = %v", err)
	}
}

func TestHasInvoiced(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for _, st := range []ExportState{ExportParked, ExportPending, ExportSkipped} {
		if err := s.SaveExport(ctx, Export{RowID: "r" + string(st), OrderNumber: "WB" + string(st), State: st}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.HasInvoiced(ctx); err != nil || ok {
		t.Fatalf("no invoice yet: HasInvoiced = %v, %v", ok, err)
	}
	if err := s.SaveExport(ctx, Export{RowID: "h", OrderNumber: "WB1", State: ExportHandled, InvoiceNumber: "F1"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.HasInvoiced(ctx); err != nil || !ok {
		t.Fatalf("handled entry: HasInvoiced = %v, %v", ok, err)
	}
}
