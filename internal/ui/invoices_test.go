package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/store"
)

// invoiceDay is the fake's "today" for the overview's states.
var invoiceDay = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// invoiceRows are four invoices as the store makes them: one partly paid,
// one overdue, one paid, one whose status was not read yet.
func invoiceRows() []store.InvoiceRow {
	checked := time.Date(2026, 12, 7, 9, 15, 0, 0, time.Local)
	exports := []store.Export{
		{RowID: "1", OrderNumber: "WB26101", State: store.ExportHandled, InvoiceNumber: "2026001", InvoiceDate: "2026-11-30", TotalCents: 103933, CustomerName: "Bakkerij Jansen", RelationCode: "1034"},
		{RowID: "2", OrderNumber: "WB26102", State: store.ExportHandled, InvoiceNumber: "2026002", InvoiceDate: "2026-11-01", TotalCents: 38920, CustomerName: "De Vries B.V.", RelationCode: "1002", EmailedTo: "info@devries.nl"},
		{RowID: "3", OrderNumber: "WB26103", State: store.ExportHandled, InvoiceNumber: "2026003", InvoiceDate: "2026-11-15", TotalCents: 250000, CustomerName: "Tuincentrum De Linde", RelationCode: "1006"},
		{RowID: "4", OrderNumber: "WB26104", State: store.ExportInvoiced, InvoiceNumber: "2026004", InvoiceDate: "2026-12-07", TotalCents: 12100, RelationCode: "1040"},
	}
	statuses := map[string]store.InvoiceStatus{
		"2026001": {Known: true, Booked: store.BookedYes, OpenCents: 3933, PaidCents: 100000, TermDays: 14, CheckedAt: checked},
		"2026002": {Known: true, Booked: store.BookedYes, OpenCents: 38920, TermDays: 14, CheckedAt: checked},
		"2026003": {Known: true, Booked: store.BookedYes, PaidCents: 250000, TermDays: 14, CheckedAt: checked},
	}
	return store.InvoiceRows(exports, statuses, 14, invoiceDay)
}

func invoicesSeed(f *fakeBackend) {
	f.invoices = invoiceRows()
	f.pdfs = map[string]string{"2026001": "https://secure.e-boekhouden.nl/bh/getfactuur.asp?c=1&s=2"}
}

// invoiceNumbers are the invoice numbers of the rows shown, in order.
func invoiceNumbers(v *invoicesView) []string {
	var out []string
	for i := range v.shown {
		out = append(out, cellText(v.table, i, 1))
	}
	return out
}

// tapHeading taps the heading of column col, as a click on it does.
func tapHeading(v *invoicesView, col int) {
	o := v.table.CreateHeader()
	v.table.UpdateHeader(widget.TableCellID{Row: -1, Col: col}, o)
	test.Tap(o.(*widget.Button))
}

// TestInvoicesTabSortsFiltersAndCopies: Ctrl+5 opens Facturen with the
// Backend's invoices; a heading sorts by its column, again the other way;
// the filter and the search narrow the rows; Kopieer puts the selected
// row's numbers on the clipboard; on the SOAP road Openen stays disabled
// and the tab says why.
func TestInvoicesTabSortsFiltersAndCopies(t *testing.T) {
	t.Setenv("LANG", "nl_NL.UTF-8")
	h := newFakeHarness(t, harnessOptions{loggedIn: true}, invoicesSeed)
	u, v := h.u, h.u.invoices
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key5, Modifier: fyne.KeyModifierShortcutDefault})
	h.settle()
	if u.tabs.SelectedIndex() != tabInvoices || u.tabs.Items[tabInvoices].Text != "Facturen" || len(h.fake.called("Invoices")) == 0 {
		t.Fatalf("Ctrl+5: tab %d, calls %v", u.tabs.SelectedIndex(), h.fake.called("Invoices"))
	}
	if got := invoiceNumbers(v); !slices.Equal(got, []string{"2026001", "2026002", "2026003", "2026004"}) {
		t.Fatalf("rows %v", got)
	}
	row := func(i int) (out []string) {
		for c := range invoiceColumns {
			out = append(out, cellText(v.table, i, c))
		}
		return out
	}
	if got, want := row(0), []string{"WB26101", "2026001", "30-11-2026", "Bakkerij Jansen", "€ 1.039,33", "€ 1.000,00", "€ 39,33", "deels betaald", ""}; !slices.Equal(got, want) {
		t.Errorf("row 0 %q, want %q", got, want)
	}
	if got := row(1); got[7] != "vervallen" || got[8] != "ja" {
		t.Errorf("overdue, e-mailed row %q", got)
	}
	if got := row(3); got[3] != "1040" || got[5] != "-" || got[6] != "-" || got[7] != "onbekend" {
		t.Errorf("unread row %q", got)
	}
	if !strings.Contains(v.note.Text, "07-12-2026 09:15") {
		t.Errorf("note %q", v.note.Text)
	}
	// The selected invoice's due date: its own term, or the current one.
	v.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if v.detail.Text != "Factuur 2026001: vervaldatum 14-12-2026." {
		t.Errorf("detail %q", v.detail.Text)
	}
	v.table.Select(widget.TableCellID{Row: 3, Col: 0})
	if !strings.HasPrefix(v.detail.Text, "Factuur 2026004: vervaldatum 21-12-2026, berekend met de huidige betalingstermijn") {
		t.Errorf("detail %q", v.detail.Text)
	}
	v.table.UnselectAll()
	v.selected = ""
	v.buttons()

	total := slices.IndexFunc(invoiceColumns, func(c invoiceColumn) bool { return c.key == "invoices.col.total" })
	tapHeading(v, total)
	if got := invoiceNumbers(v); !slices.Equal(got, []string{"2026004", "2026002", "2026001", "2026003"}) {
		t.Errorf("by total: %v", got)
	}
	tapHeading(v, total)
	if got := invoiceNumbers(v); !slices.Equal(got, []string{"2026003", "2026001", "2026002", "2026004"}) {
		t.Errorf("by total, descending: %v", got)
	}
	state := slices.IndexFunc(invoiceColumns, func(c invoiceColumn) bool { return c.key == "invoices.col.state" })
	tapHeading(v, state)
	if got := invoiceNumbers(v); !slices.Equal(got, []string{"2026002", "2026001", "2026004", "2026003"}) {
		t.Errorf("by state: %v", got)
	}

	for _, c := range []struct {
		filter invoiceFilter
		search string
		want   []string
	}{
		{filterOpen, "", []string{"2026002", "2026001"}},
		{filterOverdue, "", []string{"2026002"}},
		{filterPaid, "", []string{"2026003"}},
		{filterAll, "jansen", []string{"2026001"}},
		{filterAll, "WB26103", []string{"2026003"}},
		{filterAll, "2026004", []string{"2026004"}},
		{filterOpen, "linde", nil},
	} {
		v.filter.SetSelectedIndex(int(c.filter))
		v.search.SetText(c.search)
		if got := invoiceNumbers(v); !slices.Equal(got, c.want) {
			t.Errorf("filter %d, search %q: %v, want %v", c.filter, c.search, got, c.want)
		}
	}
	v.filter.SetSelectedIndex(int(filterAll))
	v.search.SetText("")

	if !v.copy.Disabled() || !v.open.Disabled() {
		t.Error("Kopieer or Openen enabled without a selection")
	}
	v.table.Select(widget.TableCellID{Row: slices.Index(invoiceNumbers(v), "2026001"), Col: 3})
	if v.copy.Disabled() || !v.open.Disabled() || !v.soapHelp.Visible() {
		t.Errorf("SOAP road: Kopieer disabled %v, Openen disabled %v, reason shown %v", v.copy.Disabled(), v.open.Disabled(), v.soapHelp.Visible())
	}
	test.Tap(v.copy)
	if got, want := h.app.Clipboard().Content(), "WB26101\t2026001\t€ 1.039,33\t€ 1.000,00\t€ 39,33"; got != want {
		t.Errorf("clipboard %q, want %q", got, want)
	}
	// The selection stays with its invoice when the order changes.
	tapHeading(v, total)
	if r, ok := v.selectedInvoice(); !ok || r.InvoiceNumber != "2026001" {
		t.Errorf("selection after sorting: %+v %v", r, ok)
	}
}

// TestInvoicesOpenThePDFOnTheRESTRoad: with an API token Openen opens the
// invoice's PDF link; an invoice without one says so. The rows come from
// the Backend in use when the tab loads, not the one it was built with.
func TestInvoicesOpenThePDFOnTheRESTRoad(t *testing.T) {
	t.Setenv("LANG", "nl_NL.UTF-8")
	h := newFakeHarness(t, harnessOptions{}, invoicesSeed, func(f *fakeBackend) {
		f.creds = fakeCredentials
		f.creds.EBoekhoudenAPIToken = strings.Repeat("t", 40)
	})
	u, v := h.u, h.u.invoices
	u.tabs.SelectIndex(tabInvoices)
	h.settle()
	v.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if v.open.Disabled() || v.soapHelp.Visible() {
		t.Fatalf("REST road: Openen disabled %v, SOAP reason shown %v", v.open.Disabled(), v.soapHelp.Visible())
	}
	test.Tap(v.open)
	h.pump("the PDF opened", func() bool { return strings.Contains(v.note.Text, "geopend") })
	if len(h.app.opened) != 1 {
		t.Fatalf("opened %v", h.app.opened)
	}
	if got := h.app.opened[0].String(); got != "https://secure.e-boekhouden.nl/bh/getfactuur.asp?c=1&s=2" {
		t.Errorf("opened %s", got)
	}
	v.table.Select(widget.TableCellID{Row: 1, Col: 0})
	test.Tap(v.open)
	h.pump("the answer", func() bool { return h.topDialogText() != "" })
	if got := h.topDialogText(); !strings.Contains(got, "geen link") || !strings.Contains(got, "2026002") {
		t.Errorf("no link: %q", got)
	}
	h.closeDialogs()

	// Another link's Backend: the next load shows its invoices.
	other := newFakeBackend()
	other.invoices = invoiceRows()[2:3]
	u.b = other
	u.loadInvoices()
	h.settle()
	if got := invoiceNumbers(v); !slices.Equal(got, []string{"2026003"}) || len(other.called("Invoices")) != 1 {
		t.Errorf("after the Backend changed: %v, calls %v", got, other.called("Invoices"))
	}
}

// TestInvoicesTabMatchesGolden renders the Facturen tab with the four
// invoices, one selected, on the SOAP road (Openen disabled, the reason
// shown).
func TestInvoicesTabMatchesGolden(t *testing.T) {
	t.Setenv("LANG", "nl_NL.UTF-8")
	h := newFakeHarness(t, harnessOptions{loggedIn: true}, invoicesSeed)
	u := h.u
	u.tabs.SelectIndex(tabInvoices)
	h.settle()
	u.invoices.table.Select(widget.TableCellID{Row: 0, Col: 0})
	u.win.Canvas().Unfocus()
	test.AssertImageMatches(t, "invoices.png", u.win.Canvas().Capture())
}
