package outsmart

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
)

const toEBoekhouden = "5812444" // "1 naar E-boekhouden" in the demo data

func rowIDs(orders []WorkOrder) []string {
	var out []string
	for _, o := range orders {
		out = append(out, o.RowID)
	}
	return out
}

// statuses returns the sandbox's work order statuses by row id.
func statuses(e *env) map[string]string {
	out := map[string]string{}
	for _, w := range e.srv.State().Workorders {
		out[w.ID] = w.Status + "/" + w.WorkStatus
	}
	return out
}

func TestWorkOrdersNeverChangeStatus(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	before := statuses(e)
	want := map[Status]int{}
	for _, w := range e.sb.Dataset.OutSmart.Workorders {
		want[Status(w.Status)]++
		want[StatusAll]++
	}
	for _, st := range []Status{StatusAll, StatusReady, StatusFetched, StatusComplete, StatusHandled} {
		orders, err := e.client.WorkOrders(ctx, WorkOrderQuery{Status: st})
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		if len(orders) != want[st] {
			t.Errorf("%s: %d orders, want %d", st, len(orders), want[st])
		}
		for _, o := range orders {
			if st != StatusAll && o.Status != st {
				t.Errorf("%s: order %s has status %s", st, o.RowID, o.Status)
			}
		}
	}
	for _, r := range e.srv.Requests().All() {
		if r.Op == "GET GetWorkorders" && !strings.Contains("&"+r.Query+"&", "&update_status=false&") {
			t.Errorf("GetWorkorders without update_status=false: %s", r.Query)
		}
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
	if after := statuses(e); !reflect.DeepEqual(before, after) {
		t.Error("listing work orders changed their status")
	}
}

func TestExportFlow(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ws, err := e.client.WorkStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, s := range ws {
		if s.Name == "1 naar E-boekhouden" {
			code = s.Code
		}
	}
	orders, err := e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusComplete, WorkStatus: code})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{"18807", "18808", "18809", "18810", "18811", "18812", "18813", "18814", "18818"}
	if got := rowIDs(orders); !slices.Equal(got, wantIDs) {
		t.Fatalf("orders = %v, want %v", got, wantIDs)
	}
	if !orders[len(orders)-1].Archived || orders[0].Archived {
		t.Error("Archived not read: 18818 is archived, 18807 is not")
	}

	o := orders[0]
	if o.Number != "WB26116" || o.Date != time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) || o.Status != StatusComplete ||
		o.WorkflowStatus != code || !o.Finished || o.InvoiceCustomer.DebtorNumber != "1002" || o.Customer.Name != "Bouwbedrijf Jansen B.V." {
		t.Errorf("order 18807 header = %+v", o)
	}
	cu := o.Materials[2]
	if cu.Code != "CU-22" || cu.Quantity != decimal.MustParse("3.5") || cu.UnitPrice != decimal.MustParse("12.40") ||
		cu.Total != decimal.MustParse("43.40") || cu.FreeFields[0] != "HOOG_VERK_21" || cu.FreeFields[1] != "8000" || cu.Unit != "meter" {
		t.Errorf("material line CU-22 = %+v", cu)
	}
	p := o.WorkPeriods[0]
	if p.HourType != "ARB-MONT" || p.Begin != 7*time.Hour+30*time.Minute || p.End != 16*time.Hour+15*time.Minute ||
		p.Break != 30*time.Minute || p.Total != 8*time.Hour+15*time.Minute || p.EmployeeNumber != "11" || p.Travel != decimal.FromInt(8) {
		t.Errorf("work period = %+v", p)
	}

	// GetWorkorder reads the same order without changing it.
	one, err := e.client.WorkOrder(ctx, "18807")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, o) {
		t.Errorf("WorkOrder(18807) differs from the listing:\n%+v\n%+v", one, o)
	}
	if statuses(e)["18807"] != "Compleet/"+code {
		t.Fatal("reading the order changed it")
	}

	// Processed: mark it Afgehandeld, then move the workflow status on.
	if err := e.client.MarkHandled(ctx, "18807"); err != nil {
		t.Fatal(err)
	}
	if got := statuses(e)["18807"]; got != "Afgehandeld/"+code {
		t.Fatalf("after MarkHandled: %s", got)
	}
	orders, err = e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusComplete, WorkStatus: code})
	if err != nil || slices.Contains(rowIDs(orders), "18807") || len(orders) != len(wantIDs)-1 {
		t.Errorf("after MarkHandled the listing is %v, %v", rowIDs(orders), err)
	}
	if err := e.client.MarkHandled(ctx, "18807"); err != nil {
		t.Errorf("marking again (idempotent): %v", err)
	}
	if err := e.client.SetWorkflowStatus(ctx, "18807", "5812445"); err != nil {
		t.Fatal(err)
	}
	if got := statuses(e)["18807"]; got != "Afgehandeld/5812445" {
		t.Errorf("after SetWorkflowStatus: %s", got)
	}
	// Same status again: OutSmart answers 1503 "no data changed": success.
	if err := e.client.SetWorkflowStatus(ctx, "18807", "5812445"); err != nil {
		t.Errorf("setting the same status again: %v", err)
	}
	if n := e.count("GET UpdateWorkorder"); n != 2 {
		t.Errorf("%d UpdateWorkorder calls, want 2", n)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestWorkOrderErrors1500And1504(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	var apiErr *APIError
	_, err := e.client.WorkOrder(ctx, "99999")
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Code != 1500 {
		t.Errorf("WorkOrder(99999) = %v, want 1500", err)
	}
	if err := e.client.MarkHandled(ctx, "99999"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("MarkHandled(99999) = %v, want 1500 and a known outcome", err)
	}
	if err := e.client.SetWorkflowStatus(ctx, "99999", toEBoekhouden); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetWorkflowStatus(99999) = %v, want 1500", err)
	}
	err = e.client.SetWorkflowStatus(ctx, "18807", "NO-SUCH-STATUS")
	if !errors.As(err, &apiErr) || apiErr.Code != CodeUpdateParseError || !strings.Contains(err.Error(), "Workstatus not updated") {
		t.Errorf("unknown workflow status = %v, want 1504", err)
	}
	if n := e.count("GET UpdateWorkorder"); n != 2 {
		t.Errorf("%d UpdateWorkorder calls, want 2 (no retry of definite answers)", n)
	}
	if got := statuses(e)["18807"]; got != "Compleet/"+toEBoekhouden {
		t.Errorf("order 18807 changed: %s", got)
	}
}

func TestWorkOrdersFilterAndWorkflowStatus(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	orders, err := e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusAll, Filters: []Filter{Eq("CustomerDebtorNr", "1002")}})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, w := range e.sb.Dataset.OutSmart.Workorders {
		if w.CustomerDebtorNr == "1002" {
			want++
		}
	}
	if len(orders) != want || want == 0 {
		t.Errorf("%d orders for debtor 1002, want %d", len(orders), want)
	}
	for _, o := range orders {
		if o.Customer.DebtorNumber != "1002" {
			t.Errorf("order %s is for debtor %s", o.RowID, o.Customer.DebtorNumber)
		}
	}
	orders, err = e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusComplete, WorkStatus: "Garantie"})
	if err != nil || !slices.Equal(rowIDs(orders), []string{"18816"}) {
		t.Errorf("workflow status Garantie: %v, %v", rowIDs(orders), err)
	}
	_, err = e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusAll, Filters: []Filter{Eq("Materials", "x")}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1007 {
		t.Errorf("filter on a non-filterable key: %v, want 1007", err)
	}
}

func TestWorkOrdersReportUnreadableOrdersOnTheirOwn(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Update(func(st *ossandbox.State) {
		for i := range st.Workorders {
			w := &st.Workorders[i]
			switch w.ID {
			case "18809":
				w.Materials[2].MaterialNr = "twaalf"
			case "18811":
				w.WorkDate = "24/11/2026"
			}
		}
	})
	orders, err := e.client.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusComplete, WorkStatus: toEBoekhouden})
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PartialError", err)
	}
	if got := rowIDs(orders); !slices.Equal(got, []string{"18807", "18808", "18810", "18812", "18813", "18814", "18818"}) {
		t.Errorf("readable orders = %v", got)
	}
	if len(pe.Records) != 2 || pe.Total != 9 {
		t.Fatalf("records = %+v", pe.Records)
	}
	r0, r1 := pe.Records[0], pe.Records[1]
	if r0.ID != "18809" || r0.Number == "" || r0.Field != "Materials[2].MaterialNr" ||
		r1.ID != "18811" || r1.Field != "WorkDate" {
		t.Errorf("records = %+v, %+v", r0, r1)
	}
	for _, want := range []string{"work order 18809 (" + r0.Number + "): field Materials[2].MaterialNr", `"twaalf" is not a decimal`, `"24/11/2026" is not a date`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	_, err = e.client.WorkOrder(context.Background(), "18811")
	var rerr *RecordError
	if !errors.As(err, &rerr) || rerr.ID != "18811" || rerr.Field != "WorkDate" || !errors.Is(err, ErrUnreadable) {
		t.Errorf("WorkOrder(18811) = %v, want a RecordError for WorkDate", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
	e := newEnv(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				_, err = e.client.WorkOrders(ctx, WorkOrderQuery{Status: StatusComplete})
			case 1:
				_, err = e.client.Relations(ctx)
			case 2:
				_, err = e.client.UpsertHourTypes(ctx, []HourType{{Code: "C", Name: "c", SalePrice: decimal.FromInt(int64(i)), Active: true}})
			case 3:
				_, err = e.client.WorkOrder(ctx, "18807")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
