package ui

// This file owns the Facturen tab (issue 18): every invoice Koppeling made
// for this link, with the payment status the last run read from
// e-Boekhouden, in a table sortable by column (tap a column's heading;
// again for the other direction), a filter (Alle, Openstaand, Vervallen,
// Betaald) and a search on work order, invoice number and customer;
// "Openen" opens the selected invoice's PDF (e-Boekhouden's REST road
// only: the SOAP road gives no link without reading whole invoices) and
// "Kopieer" puts its numbers on the clipboard. The rows come from the
// Backend at refresh time (u.b then, never the one of when the tab was
// built: the Backend may be another link's by then).

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// invoiceFilter is what the filter keeps.
type invoiceFilter int

// The filter's choices, in the order it offers them.
const (
	filterAll     invoiceFilter = iota
	filterOpen                  // open, partly paid, overdue
	filterOverdue               // overdue
	filterPaid                  // paid
)

// invoiceColumn is one column of the table: its heading, width, text and
// order.
type invoiceColumn struct {
	key   string
	width float32
	text  func(u *UI, r store.InvoiceRow) string
	cmp   func(a, b store.InvoiceRow) int
}

// stateRank orders the states for sorting: what needs the user first.
var stateRank = map[store.PaymentState]int{store.PaymentOverdue: 0, store.PaymentPartly: 1, store.PaymentOpen: 2,
	store.PaymentUnknown: 3, store.PaymentNotBooked: 4, store.PaymentSettled: 5, store.PaymentPaid: 6}

// invoiceColumns are the table's columns.
var invoiceColumns = []invoiceColumn{
	{"invoices.col.order", 86, func(_ *UI, r store.InvoiceRow) string { return r.OrderNumber },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.OrderNumber, b.OrderNumber) }},
	{"invoices.col.invoice", 78, func(_ *UI, r store.InvoiceRow) string { return r.InvoiceNumber },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.InvoiceNumber, b.InvoiceNumber) }},
	{"invoices.col.date", 98, func(u *UI, r store.InvoiceRow) string { return u.invoiceDate(r.InvoiceDate) },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.InvoiceDate, b.InvoiceDate) }},
	{"invoices.col.customer", 130, func(_ *UI, r store.InvoiceRow) string { return r.Customer },
		func(a, b store.InvoiceRow) int {
			return cmp.Compare(strings.ToLower(a.Customer), strings.ToLower(b.Customer))
		}},
	{"invoices.col.total", 98, func(_ *UI, r store.InvoiceRow) string { return decimal.EuroCents(r.TotalCents) },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.TotalCents, b.TotalCents) }},
	{"invoices.col.paid", 98, func(_ *UI, r store.InvoiceRow) string { return knownAmount(r, r.PaidCents) },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.PaidCents, b.PaidCents) }},
	{"invoices.col.open", 100, func(_ *UI, r store.InvoiceRow) string { return knownAmount(r, r.OpenCents) },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.OpenCents, b.OpenCents) }},
	{"invoices.col.state", 112, func(_ *UI, r store.InvoiceRow) string { return tr("invoices.state." + string(r.State)) },
		func(a, b store.InvoiceRow) int { return cmp.Compare(stateRank[a.State], stateRank[b.State]) }},
	{"invoices.col.emailed", 74, func(_ *UI, r store.InvoiceRow) string { return yesOrEmpty(r.EmailedTo != "") },
		func(a, b store.InvoiceRow) int { return cmp.Compare(a.EmailedTo, b.EmailedTo) }},
}

// knownAmount is an amount of e-Boekhouden's, "-" while not read.
func knownAmount(r store.InvoiceRow, cents int64) string {
	if r.State == store.PaymentUnknown {
		return "-"
	}
	return decimal.EuroCents(cents)
}

func yesOrEmpty(yes bool) string {
	if yes {
		return tr("invoices.emailed.yes")
	}
	return ""
}

// invoiceDate is a YYYY-MM-DD date as the window shows dates.
func (u *UI) invoiceDate(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return message.Date(u.messageLang(), d)
}

// invoicesView is the Facturen tab.
type invoicesView struct {
	all   []store.InvoiceRow
	shown []store.InvoiceRow // all, filtered and sorted
	// sortCol is the column the rows are sorted by (-1: the journal's
	// order, oldest first); sortDesc turns it round.
	sortCol  int
	sortDesc bool
	// selected is the invoice number of the selected row, "" for none.
	selected string
	// pdf says whether "Openen" can read a PDF link (the REST road).
	pdf bool

	filter   *widget.Select
	search   *formEntry
	table    *widget.Table
	open     *widget.Button
	copy     *widget.Button
	soapHelp *widget.Label
	// detail says the selected invoice's due date (the table has no room
	// for it), note when the status was read; dateText writes a date.
	detail   *widget.Label
	dateText func(iso string) string
	note     *widget.Label
	tab      fyne.CanvasObject
}

// filterKeys are the filter's choices' texts, in invoiceFilter's order.
var filterKeys = []string{"invoices.filter.all", "invoices.filter.open", "invoices.filter.overdue", "invoices.filter.paid"}

func (u *UI) newInvoicesView() *invoicesView {
	v := &invoicesView{sortCol: -1, dateText: u.invoiceDate}
	var options []string
	for _, k := range filterKeys {
		options = append(options, tr(k))
	}
	v.filter = widget.NewSelect(options, nil)
	v.filter.SetSelectedIndex(int(filterAll))
	v.filter.OnChanged = func(string) { v.apply(u) }
	v.search = u.newEntry(false)
	v.search.SetPlaceHolder(tr("invoices.search"))
	v.search.OnChanged = func(string) { v.apply(u) }
	v.table = u.newInvoiceTable(v)
	v.open = widget.NewButtonWithIcon(tr("invoices.open"), theme.DocumentIcon(), func() { u.openInvoice() })
	v.copy = widget.NewButtonWithIcon(tr("invoices.copy"), theme.ContentCopyIcon(), func() { u.copyInvoice() })
	v.soapHelp = widget.NewLabel(tr("invoices.open.soap"))
	v.soapHelp.Wrapping = fyne.TextWrapWord
	v.soapHelp.Hide()
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(tr("invoices.filter")), v.filter), nil, v.search)
	bottom := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(v.open, v.copy), nil, v.detail), v.soapHelp, v.note)
	v.tab = container.NewBorder(top, bottom, nil, nil, v.table)
	v.buttons()
	return v
}

// newInvoiceTable is the table; a tap on a column's heading sorts by it.
func (u *UI) newInvoiceTable(v *invoicesView) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(v.shown), len(invoiceColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= len(v.shown) || id.Col < 0 || id.Col >= len(invoiceColumns) {
				return
			}
			r := v.shown[id.Row]
			l := o.(*widget.Label)
			l.Importance = stateImportance(r.State, id.Col)
			l.SetText(invoiceColumns[id.Col].text(u, r))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= len(invoiceColumns) {
			return
		}
		col := id.Col
		b.SetText(tr(invoiceColumns[col].key))
		b.SetIcon(nil)
		if v.sortCol == col {
			b.SetIcon(theme.MenuDropDownIcon())
			if v.sortDesc {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		b.OnTapped = func() { v.sortBy(u, col) }
	}
	for i, c := range invoiceColumns {
		t.SetColumnWidth(i, c.width)
	}
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.shown) {
			v.selected = v.shown[id.Row].InvoiceNumber
		}
		v.buttons()
	}
	return t
}

// stateImportance colours the state column: overdue as a problem.
func stateImportance(s store.PaymentState, col int) widget.Importance {
	if invoiceColumns[col].key != "invoices.col.state" {
		return widget.MediumImportance
	}
	switch s {
	case store.PaymentOverdue:
		return widget.DangerImportance
	case store.PaymentPaid:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// sortBy sorts by column col: ascending, descending on a second tap.
func (v *invoicesView) sortBy(u *UI, col int) {
	if v.sortCol == col {
		v.sortDesc = !v.sortDesc
	} else {
		v.sortCol, v.sortDesc = col, false
	}
	v.apply(u)
}

// show takes the rows read and whether PDF links can be read.
func (v *invoicesView) show(u *UI, rows []store.InvoiceRow, pdf bool, err error) {
	if err != nil {
		v.note.SetText(tr("error.generic", map[string]any{"Error": err.Error()}))
		return
	}
	v.all, v.pdf = rows, pdf
	v.apply(u)
	v.note.SetText(invoicesNote(u, rows))
}

// invoicesNote says when the status was read.
func invoicesNote(u *UI, rows []store.InvoiceRow) string {
	if len(rows) == 0 {
		return tr("invoices.none")
	}
	var checked time.Time
	for _, r := range rows {
		if r.CheckedAt.After(checked) {
			checked = r.CheckedAt
		}
	}
	if checked.IsZero() {
		return tr("invoices.notchecked")
	}
	return tr("invoices.checked", map[string]any{"Time": message.DateTime(u.messageLang(), checked.Local())})
}

// apply filters and sorts the rows, keeps the selection when its row is
// still shown, and refreshes the table.
func (v *invoicesView) apply(u *UI) {
	v.shown = filterInvoices(v.all, invoiceFilter(v.filter.SelectedIndex()), v.search.Text)
	sortInvoices(v.shown, v.sortCol, v.sortDesc)
	v.table.UnselectAll()
	at := slices.IndexFunc(v.shown, func(r store.InvoiceRow) bool { return r.InvoiceNumber == v.selected })
	if at < 0 {
		v.selected = ""
	}
	v.table.Refresh()
	if at >= 0 {
		v.table.Select(widget.TableCellID{Row: at, Col: 0})
	}
	v.buttons()
}

// filterInvoices keeps the rows of filter f whose work order, invoice
// number, customer or relation code holds search (any case).
func filterInvoices(rows []store.InvoiceRow, f invoiceFilter, search string) []store.InvoiceRow {
	search = strings.ToLower(strings.TrimSpace(search))
	var out []store.InvoiceRow
	for _, r := range rows {
		switch {
		case f == filterOpen && !r.State.Unpaid(),
			f == filterOverdue && r.State != store.PaymentOverdue,
			f == filterPaid && r.State != store.PaymentPaid:
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(r.OrderNumber+"\x00"+r.InvoiceNumber+"\x00"+r.Customer+"\x00"+r.RelationCode), search) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// sortInvoices sorts rows by column col (none when col < 0), ties by
// invoice number.
func sortInvoices(rows []store.InvoiceRow, col int, desc bool) {
	if col < 0 || col >= len(invoiceColumns) {
		return
	}
	by := invoiceColumns[col].cmp
	slices.SortStableFunc(rows, func(a, b store.InvoiceRow) int {
		c := by(a, b)
		if c == 0 {
			c = cmp.Compare(a.InvoiceNumber, b.InvoiceNumber)
		}
		if desc {
			c = -c
		}
		return c
	})
}

// buttons enables Openen and Kopieer for a selected row (Openen on the
// REST road only, with the reason shown on SOAP).
func (v *invoicesView) buttons() {
	v.detail.SetText("")
	if r, ok := v.selectedInvoice(); ok && r.DueDate != "" {
		args := map[string]any{"Invoice": r.InvoiceNumber, "Date": v.dateText(r.DueDate)}
		if r.TermAssumed {
			v.detail.SetText(tr("invoices.due.assumed", args))
		} else {
			v.detail.SetText(tr("invoices.due", args))
		}
	}
	if v.selected != "" {
		v.copy.Enable()
	} else {
		v.copy.Disable()
	}
	if v.selected != "" && v.pdf {
		v.open.Enable()
	} else {
		v.open.Disable()
	}
	if show := !v.pdf && len(v.all) > 0; show != v.soapHelp.Visible() {
		if show {
			v.soapHelp.Show()
		} else {
			v.soapHelp.Hide()
		}
		if v.tab != nil {
			v.tab.Refresh() // lay the buttons' row out again
		}
	}
}

// selectedInvoice is the selected row.
func (v *invoicesView) selectedInvoice() (store.InvoiceRow, bool) {
	for _, r := range v.shown {
		if r.InvoiceNumber == v.selected && v.selected != "" {
			return r, true
		}
	}
	return store.InvoiceRow{}, false
}

// loadInvoices reads the overview through the Backend in use now, once
// the tab has been shown (fillTab gave it its content).
func (u *UI) loadInvoices() {
	if u.invoices == nil || (tabInvoices < len(u.tabContent) && u.tabContent[tabInvoices] != nil) {
		return
	}
	b, pdf := u.b, u.savedCreds.EBoekhoudenREST()
	u.async(func() {
		rows, err := b.Invoices(u.ctx)
		u.onMain(func() { u.invoices.show(u, rows, pdf, err) })
	})
}

// openInvoice opens the selected invoice's PDF in the browser (off the UI
// thread: reading the link is a call to e-Boekhouden the first time, and
// OpenURL waits for the opener on Windows and macOS).
func (u *UI) openInvoice() {
	r, ok := u.invoices.selectedInvoice()
	if !ok {
		return
	}
	b := u.b
	u.async(func() {
		link, err := b.InvoicePDF(u.ctx, r.InvoiceNumber)
		if err == nil {
			var target *url.URL
			if target, err = url.Parse(link); err == nil {
				err = u.app.OpenURL(target)
			}
		}
		if err == nil {
			u.onMain(func() { u.invoices.note.SetText(tr("invoices.opened", map[string]any{"Invoice": r.InvoiceNumber})) })
			return
		}
		text := tr("invoices.open.failed", map[string]any{"Invoice": r.InvoiceNumber, "Error": err.Error()})
		if errors.Is(err, report.ErrNoPDFLink) {
			text = tr("invoices.open.nolink", map[string]any{"Invoice": r.InvoiceNumber})
		}
		u.onMain(func() { showMessage(u.win, tr("invoices.open"), text) })
	})
}

// copyInvoice puts the selected invoice's numbers on the clipboard, tab
// separated (a spreadsheet takes them as cells): work order, invoice
// number, total, paid, open.
func (u *UI) copyInvoice() {
	r, ok := u.invoices.selectedInvoice()
	if !ok {
		return
	}
	text := strings.Join([]string{r.OrderNumber, r.InvoiceNumber, decimal.EuroCents(r.TotalCents),
		knownAmount(r, r.PaidCents), knownAmount(r, r.OpenCents)}, "\t")
	u.app.Clipboard().SetContent(text)
	u.invoices.note.SetText(tr("invoices.copied", map[string]any{"Invoice": r.InvoiceNumber}))
}
