package ui

// This file owns the preview of the invoices that wait for the user's
// approval (issue 18): a run of the desktop app that would make the link's
// first invoices, or more than Vragen vanaf, sends nothing and keeps its
// plan (internal/engine, approval.go). The window shows it as a dialog,
// one collapsible row per work order (customer, total; open: the lines
// with quantity, price, BTW code and amount), the work orders that stay
// parked and why, and two buttons: Facturen aanmaken approves exactly this
// plan and starts a run, which sends only when the invoices are still
// exactly these; Annuleren closes the dialog and sends nothing: the plan
// keeps waiting (the status line offers it again) and the next run makes
// it anew from the work orders as they are then.

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// previewSize is the size of the preview dialog: room for the five columns
// of the lines; the list scrolls.
var previewSize = fyne.NewSize(760, 540)

// approvalText is "12 facturen wachten op uw akkoord".
func approvalText(n int) string {
	return oneOrMany(n, tr("status.approval.one"), tr("status.approval", map[string]any{"Count": n}))
}

// newApprovalBar is the line under the tabs that says invoices wait, with
// Bekijken; hidden while none wait.
func (u *UI) newApprovalBar() *fyne.Container {
	u.approvalLabel = widget.NewLabel("")
	u.approvalLabel.TextStyle = fyne.TextStyle{Bold: true}
	view := widget.NewButton(tr("status.approval.view"), func() {
		if u.pending != nil {
			u.showPreview(u.pending)
		}
	})
	view.Importance = widget.HighImportance
	bar := container.NewHBox(u.approvalLabel, view)
	bar.Hide()
	return bar
}

// showPending shows whether invoices wait for approval (plan nil: none).
func (u *UI) showPending(plan *report.ExportPlan) {
	u.pending = plan
	if u.approvalBar == nil {
		return
	}
	if plan == nil || len(plan.Invoices) == 0 {
		u.approvalBar.Hide()
		return
	}
	u.approvalLabel.SetText(approvalText(len(plan.Invoices)) + " —")
	u.approvalBar.Show()
}

// showPreview shows the plan with Facturen aanmaken and Annuleren.
func (u *UI) showPreview(plan *report.ExportPlan) {
	if u.preview != nil {
		u.preview.Hide()
	}
	intro := tr("preview.intro.first")
	if !plan.FirstExport {
		intro = tr("preview.intro.many", map[string]any{"Threshold": plan.Threshold})
	}
	head := widget.NewLabel(intro + "\n" + u.planSummary(plan))
	head.Wrapping = fyne.TextWrapWord
	list := container.NewVBox(u.invoiceList(plan))
	if len(plan.Parked) > 0 {
		list.Add(widget.NewSeparator())
		list.Add(heading(tr("preview.parked", map[string]any{"Count": len(plan.Parked)})))
		for _, p := range plan.Parked {
			l := widget.NewLabel(tr("preview.parked.item", map[string]any{"Number": p.OrderNumber,
				"Reason": p.Reason.Render(u.messageLang())}))
			l.Wrapping = fyne.TextWrapWord
			list.Add(l)
		}
	}
	d := dialog.NewCustomWithoutButtons(tr("preview.title"), container.NewBorder(head, nil, nil, nil, container.NewVScroll(list)), u.win)
	create := &dialogButton{escape: d.Hide}
	create.Text, create.Importance = tr("preview.create"), widget.HighImportance
	create.OnTapped = func() {
		d.Hide()
		u.approve(plan)
	}
	create.ExtendBaseWidget(create)
	cancel := &dialogButton{escape: d.Hide}
	cancel.Text, cancel.OnTapped = tr("preview.cancel"), d.Hide
	cancel.ExtendBaseWidget(cancel)
	d.SetButtons([]fyne.CanvasObject{cancel, create})
	d.SetOnClosed(func() { u.preview = nil })
	d.Resize(previewSize)
	u.preview = d
	d.Show()
	u.win.Canvas().Focus(cancel) // Enter does not make invoices by accident
}

// planSummary is "12 facturen, samen € 8.450,00 incl. btw."
func (u *UI) planSummary(plan *report.ExportPlan) string {
	total := plan.Total().Euro()
	if len(plan.Invoices) == 1 {
		return tr("preview.summary.one", map[string]any{"Total": total})
	}
	return tr("preview.summary", map[string]any{"Count": len(plan.Invoices), "Total": total})
}

// invoiceList is one collapsible row per invoice, its lines inside.
func (u *UI) invoiceList(plan *report.ExportPlan) *widget.Accordion {
	acc := widget.NewAccordion()
	acc.MultiOpen = true
	for _, inv := range plan.Invoices {
		title := tr("preview.workorder", map[string]any{"Number": inv.OrderNumber, "Code": inv.CustomerCode,
			"Name": inv.CustomerName, "Total": inv.TotalInclVAT.Euro()})
		acc.Append(widget.NewAccordionItem(title, u.invoiceDetail(inv)))
	}
	if len(plan.Invoices) == 1 {
		acc.Open(0)
	}
	return acc
}

// invoiceDetail is an invoice's lines as a table, and its totals.
func (u *UI) invoiceDetail(inv report.PlannedInvoice) fyne.CanvasObject {
	row := func(cells ...fyne.CanvasObject) fyne.CanvasObject { return container.New(lineColumns{}, cells...) }
	bold := fyne.TextStyle{Bold: true}
	right := func(text string, style fyne.TextStyle) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignTrailing, style)
	}
	grid := container.NewVBox(row(widget.NewLabelWithStyle(tr("preview.col.description"), fyne.TextAlignLeading, bold),
		right(tr("preview.col.quantity"), bold), right(tr("preview.col.price"), bold),
		widget.NewLabelWithStyle(tr("preview.col.vat"), fyne.TextAlignLeading, bold), right(tr("preview.col.amount"), bold)))
	for _, l := range inv.Lines {
		desc := widget.NewLabel(l.Description)
		desc.Wrapping = fyne.TextWrapWord
		grid.Add(row(desc, right(u.quantity(l.Quantity), fyne.TextStyle{}), right(l.UnitPrice.Euro(), fyne.TextStyle{}),
			widget.NewLabel(l.VATCode), right(l.Amount.Euro(), fyne.TextStyle{})))
	}
	data := map[string]any{"Excl": inv.TotalExclVAT.Euro(), "Total": inv.TotalInclVAT.Euro(), "PerLine": inv.TotalVATPerLine.Euro()}
	total := tr("preview.total", data)
	if !inv.TotalVATPerLine.Equal(inv.TotalInclVAT) {
		total = tr("preview.total.perline", data)
	}
	totalLabel := widget.NewLabelWithStyle(total, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	totalLabel.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(grid, totalLabel)
	if inv.NewRelation {
		box.Add(hint(tr("preview.newrelation", map[string]any{"Code": inv.CustomerCode})))
	}
	return box
}

// lineWeights are the widths of the columns of an invoice's lines
// (description, quantity, price, BTW code, amount), in parts of the row.
var lineWeights = []float32{5, 1.3, 1.7, 2.2, 1.7}

// lineColumns lays out one row of an invoice's lines: the description
// takes the most room and wraps, the numbers keep theirs.
type lineColumns struct{}

func (lineColumns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objects {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

func (lineColumns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for i := range objects {
		total += lineWeights[i%len(lineWeights)]
	}
	x := float32(0)
	for i, o := range objects {
		w := size.Width * lineWeights[i%len(lineWeights)] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

// quantity is a line's quantity as the window's language writes it.
func (u *UI) quantity(d decimal.Decimal) string {
	s := d.String()
	if u.lang != English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// approve records the approval of exactly plan and starts a run; another
// plan waiting by now is shown instead.
func (u *UI) approve(plan *report.ExportPlan) {
	b := u.b // the link's backend as it is now
	u.async(func() {
		outcome, err := b.ApprovePlan(u.ctx, plan.Hash)
		u.onMain(func() {
			switch {
			case errors.Is(err, store.ErrNotFound):
				showMessage(u.win, tr("preview.title"), tr("preview.changed"))
				u.refresh()
			case err != nil:
				showMessage(u.win, tr("preview.title"), tr("error.generic", map[string]any{"Error": err.Error()}))
			case outcome == scheduler.Started:
				u.showPending(nil)
				showMessage(u.win, tr("preview.approved.title"), tr("preview.approved.body"))
			case outcome == scheduler.Queued || outcome == scheduler.AlreadyQueued:
				u.showPending(nil)
				showMessage(u.win, tr("preview.approved.title"), tr("preview.approved.queued"))
			default:
				u.showPending(nil)
				showMessage(u.win, tr("button.sync"), tr("sync.refused.body"))
			}
		})
	})
}

// approvalNotification is the notification that invoices wait, once per
// plan (report.RunSummary.ApprovalNew).
func approvalNotification(plan *report.ExportPlan) notification {
	n := len(plan.Invoices)
	return notification{kind: "approval", expire: expireAttention, body: tr("notify.approval.body"),
		title: oneOrMany(n, tr("notify.approval.one"), tr("notify.approval", map[string]any{"Count": strconv.Itoa(n)}))}
}

// syncFromMenu is Nu synchroniseren: a run the user asked for.
func (u *UI) syncFromMenu() {
	if u.b.SyncNow() != scheduler.Refused {
		u.askedRun = true
	}
}

// awaitApproval follows a run whose invoices wait for approval (plan, as
// the store now keeps it): the window, when visible, shows the preview
// after a run the user asked for or a plan not told before; hidden, a
// notification says so, once per plan or when the user asked for the run.
// A background run that finds the same plan again only keeps the status
// line's "12 facturen wachten op uw akkoord — Bekijken".
func (u *UI) awaitApproval(res scheduler.Result, plan *report.ExportPlan) {
	asked := u.askedRun
	u.askedRun = false
	sum, ok := res.Detail.(report.RunSummary)
	if !ok || sum.Awaiting == nil || plan == nil || !(sum.ApprovalNew || asked) {
		return
	}
	if u.mem.shown {
		if u.startedMsg != nil {
			u.startedMsg.Hide() // the run it announced is over
			u.startedMsg = nil
		}
		u.showPreview(plan)
		return
	}
	u.notify.send(approvalNotification(plan))
}
