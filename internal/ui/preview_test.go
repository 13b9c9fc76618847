package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
)

// samplePlan is a plan of n invoices and one parked work order.
func samplePlan(n int) *report.ExportPlan {
	p := &report.ExportPlan{Hash: fmt.Sprintf("plan-%d", n), FirstExport: true, Threshold: 10,
		Parked: []report.PlannedPark{{RowID: "9", OrderNumber: "WB9009", Reason: message.T("park.nodebtor", "Number", "WB9009")}}}
	for i := range n {
		price := decimal.MustParse("62.5")
		p.Invoices = append(p.Invoices, report.PlannedInvoice{RowID: fmt.Sprint(100 + i), OrderNumber: fmt.Sprintf("WB%d", 26100+i),
			CustomerCode: fmt.Sprint(1000 + i), CustomerName: fmt.Sprintf("Klant %d", i),
			Lines: []report.PlannedLine{{Description: "Arbeid monteur (2:00 uur)", Quantity: decimal.FromInt(2), UnitPrice: price,
				VATCode: "HOOG_VERK_21", Amount: decimal.MustParse("125")}},
			TotalExclVAT: decimal.MustParse("125"), TotalInclVAT: decimal.MustParse("151.25"), TotalVATPerLine: decimal.MustParse("151.25"),
			Fingerprint: fmt.Sprintf("fp%d", i)})
	}
	return p
}

// TestPreviewListsThePlanAndApprovesOnlyOnCreate: invoices that wait show
// in the status area with Bekijken; the preview lists every work order
// with its customer and total, and what stays parked; Annuleren approves
// nothing, Facturen aanmaken approves exactly this plan and starts a run.
func TestPreviewListsThePlanAndApprovesOnlyOnCreate(t *testing.T) {
	plan := samplePlan(32)
	h := newFakeHarness(t, harnessOptions{loggedIn: true}, func(f *fakeBackend) { f.plan = plan })
	if !h.u.approvalBar.Visible() || !strings.Contains(h.u.approvalLabel.Text, "32 facturen wachten op uw akkoord") {
		t.Fatalf("status area: visible %v, %q", h.u.approvalBar.Visible(), h.u.approvalLabel.Text)
	}
	view := findButton(h.u.approvalBar, tr("status.approval.view"))
	if view == nil {
		t.Fatal("no Bekijken")
	}
	openPreview := func() string {
		h.t.Helper()
		view.OnTapped()
		text := h.topDialogText()
		if !strings.Contains(text, tr("preview.title")) {
			t.Fatalf("no preview: %s", text)
		}
		return text
	}
	text := openPreview()
	for _, want := range []string{"Werkbon WB26100 — 1000, Klant 0 — € 151,25 incl. btw", "Werkbon WB26131 — 1031, Klant 31",
		"32 facturen, samen € 4.840,00 incl. btw", "Blijft liggen (1)", "Werkbon WB9009:", "eerste facturen"} {
		if !strings.Contains(text, want) {
			t.Fatalf("preview lacks %q:\n%s", want, text)
		}
	}
	h.tapDialogButton(tr("preview.cancel"))
	h.settle()
	if got := h.fake.called("ApprovePlan"); len(got) != 0 {
		t.Fatalf("Annuleren approved: %v", got)
	}
	if h.u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Annuleren left the preview open")
	}
	openPreview()
	h.tapDialogButton(tr("preview.create"))
	h.pump("the approval", func() bool { return len(h.fake.called("ApprovePlan")) == 1 })
	h.settle()
	if got := h.fake.called("ApprovePlan"); got[0] != "ApprovePlan plan-32" {
		t.Fatalf("approved %v", got)
	}
	if len(h.fake.called("SyncNow")) != 1 {
		t.Fatalf("Facturen aanmaken started no run: %v", h.fake.called(""))
	}
	if h.u.approvalBar.Visible() {
		t.Fatal("the approved plan still shows as waiting")
	}
}

// TestPreviewOfAPlanReplacedMeanwhile: approving a plan that another run
// replaced approves nothing and says so.
func TestPreviewOfAPlanReplacedMeanwhile(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{loggedIn: true}, func(f *fakeBackend) { f.plan = samplePlan(12) })
	h.u.showPreview(samplePlan(11)) // what the window showed; 12 wait by now
	h.tapDialogButton(tr("preview.create"))
	h.pump("the answer", func() bool { return strings.Contains(h.topDialogText(), tr("preview.changed")) })
	if len(h.fake.called("SyncNow")) != 0 {
		t.Fatal("a run started for a plan that no longer waits")
	}
}

// TestWaitingRunShowsThePreviewOrNotifiesOnce: a run that ends with
// invoices waiting shows the preview when the window is visible; hidden,
// background runs notify once per plan.
func TestWaitingRunShowsThePreviewOrNotifiesOnce(t *testing.T) {
	plan := samplePlan(12)
	fresh := true
	run := func(context.Context, scheduler.Trigger) scheduler.Result {
		sum := report.RunSummary{Awaiting: plan, ApprovalNew: fresh, Message: message.T(message.KeySummary, "Awaiting", "12")}
		fresh = false
		return scheduler.Result{Summary: "12 facturen wachten op uw akkoord", Detail: sum}
	}
	h := newFakeHarness(t, harnessOptions{loggedIn: true, run: run, startScheduler: true},
		func(f *fakeBackend) { f.plan = plan })
	h.u.win.Hide()
	h.u.mem.shown = false
	for i := range 3 {
		before := int64(i)
		h.sched.Trigger()
		h.waitForRun(before)
	}
	var told int
	for _, n := range h.app.notifications() {
		if n == "12 facturen wachten op uw akkoord" {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("told %d times: %v", told, h.app.notifications())
	}
	if h.u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("a hidden window opened the preview")
	}
	// Start synchronisatie in the visible window: the preview shows, even
	// for a plan told before.
	// It takes the place of the message that the run started.
	h.u.showWindow(-1)
	h.u.startSync()
	h.waitForRun(3)
	if text := h.topDialogText(); !strings.Contains(text, tr("preview.title")) || !strings.Contains(text, "Werkbon WB26111") {
		t.Fatalf("no preview after Start synchronisatie: %s", text)
	}
	if n := len(h.u.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d dialogs open, want the preview alone", n)
	}
}

// approveWaiting approves, as the user does, the invoices the run that
// ended after run before left waiting: Bekijken, then Facturen aanmaken;
// it waits for the run that makes them and returns the plan approved.
func (h *harness) approveWaiting(before int64) *report.ExportPlan {
	h.t.Helper()
	h.closeDialogs()
	plan := h.u.pending
	if plan == nil || !h.u.approvalBar.Visible() {
		h.t.Fatalf("no invoices wait for approval after the run (%s)", h.u.status.Text)
	}
	test.Tap(findButton(h.u.approvalBar, tr("status.approval.view")))
	if text := h.topDialogText(); !strings.Contains(text, tr("preview.title")) ||
		!strings.Contains(text, "Werkbon "+plan.Invoices[0].OrderNumber) {
		h.t.Fatalf("no preview: %s", text)
	}
	h.tapDialogButton(tr("preview.create"))
	h.pump("the run of the approved invoices", func() bool { return strings.Contains(h.topDialogText(), tr("preview.approved.title")) })
	h.tapDialogButton(tr("OK"))
	h.waitForRun(before)
	return plan
}

// TestPreviewMatchesGolden renders the preview of 32 invoices, the first
// one open, over the window (testdata/preview.png; after a deliberate
// change the new image is in testdata/failed/).
func TestPreviewMatchesGolden(t *testing.T) {
	plan := samplePlan(32)
	plan.Invoices[0].NewRelation = true
	first := &plan.Invoices[0]
	first.Lines = append(first.Lines, report.PlannedLine{Description: "Koperen buis 22 mm",
		Quantity: decimal.MustParse("3.5"), UnitPrice: decimal.MustParse("12.4"), VATCode: "HOOG_VERK_21", Amount: decimal.MustParse("43.4")})
	first.TotalExclVAT, first.TotalInclVAT = decimal.MustParse("168.4"), decimal.MustParse("203.76")
	first.TotalVATPerLine = decimal.MustParse("203.77")
	h := newFakeHarness(t, harnessOptions{loggedIn: true}, func(f *fakeBackend) { f.plan = plan })
	h.u.showPreview(plan)
	h.settle()
	var acc *widget.Accordion
	walk(h.u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if a, ok := o.(*widget.Accordion); ok {
			acc = a
		}
	})
	if acc == nil || len(acc.Items) != 32 {
		t.Fatal("no list of 32 work orders in the preview")
	}
	acc.Open(0)
	h.u.win.Canvas().Unfocus()
	test.AssertImageMatches(t, "preview.png", h.u.win.Canvas().Capture())
}
