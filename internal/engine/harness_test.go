package engine

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// harness is the engine wired to the sandbox servers of one road over real
// HTTP and to a real SQLite store in a temporary directory.
type harness struct {
	t *testing.T
	// road is the way to e-Boekhouden (roads_test.go): the bookkeeping eb,
	// the sandbox whose faults, requests and state the test uses.
	road road
	kit  *testkit.Env
	sb   *sandbox.Sandbox
	st   *store.Store
	dir  string
	eb   roadBooks
	// built is the bookkeeping newClients or freshBooks made (a test may
	// swap in another), and ebTimeout its client's timeout.
	built     roadBooks
	ebTimeout time.Duration
	// restCache is the REST road's cache of record details, kept across
	// newClients as the store keeps it for a restarted app; loseStore
	// loses it with the data folder.
	restCache *restroad.MemoryCache
	field     *outsmart.Client
	eng       *Engine
	logs      []store.LogEntry
	check     func(step string)
}

// fastRetry keeps the tests quick when a fault makes the clients retry.
var fastRetry = testkit.FastRetry

// defaultSettings are the settings every harness starts with: the invoice
// export on, with the sandbox's invoice template.
var defaultSettings = map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}

// newHarness is a harness on the SOAP road, for the tests of SOAP-only
// mechanics (the keyword sweep, the 2,000 result cap) and the benchmarks.
func newHarness(t *testing.T, opts sandbox.Options, settings map[string]string) *harness {
	t.Helper()
	return newRoadHarness(t, roadSOAP, opts, settings)
}

// newRoadHarness is a harness on road rd: the sandboxes (both e-Boekhouden
// servers run; the engine talks to rd's), a store with the default settings
// and settings, and fresh clients. On REST the link carries the sandbox's
// API token (testkit.Link.OnREST), so that a child process takes that road
// too.
func newRoadHarness(t *testing.T, rd road, opts sandbox.Options, settings map[string]string) *harness {
	t.Helper()
	kit := testkit.Start(t, opts)
	if rd == roadREST {
		kit.Link = kit.OnREST()
	}
	h := &harness{t: t, road: rd, kit: kit, sb: kit.Sandbox, dir: filepath.Join(t.TempDir(), "data"), restCache: restroad.NewMemoryCache()}
	h.openStore()
	base := maps.Clone(defaultSettings)
	maps.Copy(base, settings)
	h.must(h.st.SetSettings(context.Background(), base))
	h.newClients()
	return h
}

// must fails the test when err is not nil.
func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) openStore() { h.st = testkit.OpenStore(h.t, h.dir) }

// newClients makes fresh clients and a fresh engine, as a restarted process
// would have.
func (h *harness) newClients() { h.newClientsWithTimeout(5 * time.Second) }

// newClientsWithTimeout is newClients with the e-Boekhouden client's timeout
// d instead of 5 s, for the faults that hold an answer back.
func (h *harness) newClientsWithTimeout(d time.Duration) {
	h.ebTimeout = d
	h.eb = booksFor(h.t, h.road, h.kit.Link, testkit.ClientOptions{Timeout: d, Retry: fastRetry}, h.restCache)
	h.built = h.eb
	h.field = h.kit.OutSmartClient(h.t, testkit.ClientOptions{Timeout: 5 * time.Second, Retry: fastRetry, BatchSize: 500})
	h.eng = New(Params{Store: h.st, Bookkeeping: h.eb, FieldService: h.field, ResultCap: resultCap(h.road),
		OnLog:      func(e store.LogEntry) { h.logs = append(h.logs, e) },
		Checkpoint: func(step string) { h.checkpoint(step) }})
}

// freshBooks gives the engine a new bookkeeping before a run on the REST
// road, as services does for every run (a new client and restroad.Books,
// with the details kept in the store; a dry run keeps them for itself
// only), unless the test swapped in a bookkeeping of its own. On SOAP the
// client holds nothing between runs but its session, which each run
// closes.
func (h *harness) freshBooks(dryRun bool) {
	if h.road != roadREST || h.eng.p.Bookkeeping != h.built {
		return
	}
	var cache restroad.Cache = h.restCache
	if dryRun {
		cache = nil
	}
	h.eb = booksFor(h.t, h.road, h.kit.Link, testkit.ClientOptions{Timeout: h.ebTimeout, Retry: fastRetry}, cache)
	h.built, h.eng.p.Bookkeeping = h.eb, h.eb
}

func (h *harness) checkpoint(step string) {
	if h.check != nil {
		h.check(step)
	}
}

func (h *harness) run(opts RunOptions) Summary {
	h.t.Helper()
	h.logs = nil
	if opts.Trigger == "" {
		opts.Trigger = "test"
	}
	h.freshBooks(opts.DryRun)
	sum := h.eng.Run(context.Background(), opts)
	// As services.Runner does: close the e-Boekhouden session after each run.
	_ = h.eb.Close(context.Background())
	h.assertOnItsRoad()
	return sum
}

// eligible are the demo work orders an export must invoice: Compleet, the
// workflow status "1 naar E-boekhouden", not archived.
func (h *harness) eligible() map[string]demodata.Workorder {
	code := ""
	for _, s := range h.sb.Dataset.OutSmart.Workstatusses {
		if s.Name == store.DefaultWorkflowStatus {
			code = s.Code
		}
	}
	out := map[string]demodata.Workorder{}
	for _, w := range h.sb.Dataset.OutSmart.Workorders {
		if w.Status == "Compleet" && w.WorkStatus == code && w.Archived != "1" {
			out[w.OrderNr] = w
		}
	}
	return out
}

// invoicesFor counts the e-Boekhouden invoices that carry a work order's
// reference.
func (h *harness) invoicesFor(orderNr string) int {
	n := 0
	for _, inv := range h.bkInvoices() {
		for _, l := range inv.Lines {
			if strings.HasPrefix(l.Description, legacyReference(orderNr)+" ") || l.Description == legacyReference(orderNr) ||
				strings.HasPrefix(l.Description, legacyReference(orderNr)+":") {
				n++
				break
			}
		}
	}
	return n
}

func (h *harness) workOrderStatus(orderNr string) string {
	for _, w := range h.sb.OutSmart.State().Workorders {
		if w.OrderNr == orderNr {
			return w.Status
		}
	}
	return ""
}

// invoicesForRow counts the e-Boekhouden invoices whose reference line
// names the work order with this OutSmart row id (written here, not with the
// engine's parser: "Werkbon <nr> (ref <id>)").
func (h *harness) invoicesForRow(rowID string) int {
	n := 0
	for _, inv := range h.bkInvoices() {
		for _, l := range inv.Lines {
			if strings.HasPrefix(l.Description, "Werkbon ") && strings.Contains(l.Description, " (ref "+rowID+")") {
				n++
				break
			}
		}
	}
	return n
}

// assertExactlyOnce checks the export invariants for the work orders with
// the given numbers that had to be invoiced (eligible in the demo data, or
// added by the test): exactly one invoice each, found by its unique row id,
// and every one Afgehandeld; and no other work order became Afgehandeld
// without exactly one invoice.
func (h *harness) assertExactlyOnce(orders []string) {
	h.t.Helper()
	start := map[string]string{}
	for _, w := range h.sb.Dataset.OutSmart.Workorders {
		start[w.ID] = w.Status
	}
	eligible := map[string]bool{}
	for _, w := range h.eligible() {
		eligible[w.ID] = true
	}
	want := map[string]bool{}
	for _, nr := range orders {
		want[nr] = true
	}
	seen := map[string]int{}
	for _, w := range h.sb.OutSmart.State().Workorders {
		_, inData := start[w.ID]
		if !want[w.OrderNr] || (inData && !eligible[w.ID]) {
			continue
		}
		seen[w.OrderNr]++
		if n := h.invoicesForRow(w.ID); n != 1 {
			h.t.Errorf("work order %s (row %s) has %d invoices, want exactly 1", w.OrderNr, w.ID, n)
		}
		if w.Status != "Afgehandeld" {
			h.t.Errorf("work order %s (row %s) is %s, want Afgehandeld", w.OrderNr, w.ID, w.Status)
		}
	}
	for _, nr := range orders {
		if seen[nr] == 0 {
			h.t.Errorf("work order %s is not in OutSmart", nr)
		}
	}
	for _, w := range h.sb.OutSmart.State().Workorders {
		if w.Status == "Afgehandeld" && start[w.ID] != "Afgehandeld" && h.invoicesForRow(w.ID) != 1 {
			h.t.Errorf("work order %s (row %s) is Afgehandeld without exactly one invoice", w.OrderNr, w.ID)
		}
	}
	if v := h.sb.OutSmart.Violations(); len(v) > 0 {
		h.t.Errorf("OutSmart protocol violations: %v", v)
	}
	h.assertJournalMatchesTheBooks()
}

// assertJournalMatchesTheBooks checks every handled journal entry against
// the road's sandbox (its own state, not the client): the invoice with the
// journaled number exists, names the work order's row id, and its total
// incl. VAT is the journaled one to the cent, or differs by no more than
// e-Boekhouden's rounding of VAT per line can explain (half a cent per
// line, rounded up).
func (h *harness) assertJournalMatchesTheBooks() {
	h.t.Helper()
	handled, err := h.st.Exports(context.Background(), store.ExportHandled)
	if err != nil {
		h.t.Fatalf("read the journal: %v", err)
	}
	byNumber := map[string]bkInvoice{}
	for _, inv := range h.bkInvoices() {
		byNumber[inv.Number] = inv
	}
	for _, ex := range handled {
		inv, ok := byNumber[ex.InvoiceNumber]
		if !ok {
			h.t.Errorf("work order %s (row %s) is handled with invoice %q, which is not in e-Boekhouden", ex.OrderNumber, ex.RowID, ex.InvoiceNumber)
			continue
		}
		if len(inv.Lines) == 0 || !strings.Contains(inv.Lines[0].Description, " (ref "+ex.RowID+")") {
			h.t.Errorf("invoice %s of work order %s does not name row %s", inv.Number, ex.OrderNumber, ex.RowID)
		}
		diff := inv.TotalIncl.Cents() - ex.TotalCents
		if diff < 0 {
			diff = -diff
		}
		if diff > int64(len(inv.Lines)+1)/2 {
			h.t.Errorf("invoice %s of work order %s: %s incl. VAT in e-Boekhouden, %d cents in the journal", inv.Number, ex.OrderNumber,
				inv.TotalIncl, ex.TotalCents)
		}
	}
}

// twinRowID is the OutSmart row id of the work order addTwin adds.
const twinRowID = "990116"

// addTwin adds a second eligible work order with WB26116's number, customer
// and work date: OrderNr is not unique in OutSmart (the row id is), and each
// must get its own invoice.
func (h *harness) addTwin() {
	h.sb.OutSmart.Update(func(st *ossandbox.State) {
		for _, w := range st.Workorders {
			if w.OrderNr == "WB26116" {
				twin := w
				twin.ID = twinRowID
				twin.ShortWorkDescription = "Tweede bezoek"
				twin.Materials = append(twin.Materials[:0:0], w.Materials...)
				twin.Workperiods = append(twin.Workperiods[:0:0], w.Workperiods...)
				st.Workorders = append(st.Workorders, twin)
				return
			}
		}
		h.t.Fatal("no WB26116 in the demo data")
	})
}

// rowsToInvoice is the number of work orders a complete export invoices:
// the eligible ones of the demo data plus any twin.
func (h *harness) rowsToInvoice() int {
	n := len(h.eligible())
	for _, w := range h.sb.OutSmart.State().Workorders {
		if w.ID == twinRowID {
			n++
		}
	}
	return n
}

// writes counts the write calls of the road's e-Boekhouden and of OutSmart
// by wire operation ("AddFactuur", "POST /v1/invoice", "POST relations").
func (h *harness) writes() map[string]int {
	out := map[string]int{}
	for _, r := range h.ebRequests().All() {
		if h.isEBWrite(r) {
			out[r.Op]++
		}
	}
	for _, r := range h.sb.OutSmart.Requests().All() {
		if strings.HasPrefix(r.Op, "POST ") || (r.Op == "GET GetWorkorder" && !strings.Contains(r.Query, "update_status=false")) ||
			r.Op == "GET UpdateWorkorder" {
			out[r.Op]++
		}
	}
	return out
}

func (h *harness) clearRequests() {
	h.ebRequests().Clear()
	h.sb.OutSmart.Requests().Clear()
}

func (h *harness) logged(level store.Level, substr string) bool {
	for _, e := range h.logs {
		if e.Level == level && strings.Contains(e.Message, substr) {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string { return sortedKeys(m) }

// skipWhenShort skips a test that takes a second or more (a large
// administration read in parts, a client timeout, many random cases):
// make test-short leaves it to make test.
func skipWhenShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
}
