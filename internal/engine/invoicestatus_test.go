package engine_test

// This file checks the invoice overview's payment status (invoicestatus.go)
// on both roads against the sandboxes' own open items: after a payment is
// registered there, the next run's overview shows the same paid and open
// amounts; a run reads the open items at most once, and not at all once
// every invoice is settled; an answer that cannot be read keeps the
// previous status; a dry run reads nothing.

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// dryRun performs a dry run with the road's clients.
func (g *roadRig) dryRun() {
	g.t.Helper()
	ctx := context.Background()
	p := engine.Params{Store: g.st, FieldService: g.env.OutSmartClient(g.t, testkit.ClientOptions{})}
	if g.rest {
		books := restroad.New(g.env.OnREST().EBoekhoudenRESTClient(g.t, testkit.ClientOptions{}), restroad.Options{})
		defer books.Close(ctx)
		p.Bookkeeping, p.ResultCap = books, engine.Uncapped
	} else {
		eb := g.env.EBoekhoudenClient(g.t, testkit.ClientOptions{})
		defer eb.Close(ctx)
		p.Bookkeeping = eb
	}
	if sum := engine.New(p).Run(ctx, engine.RunOptions{Trigger: "test", DryRun: true}); sum.Err != nil {
		g.t.Fatalf("dry run: %v", sum.Err)
	}
}

// openAmounts are an invoice's paid and open cents.
type openAmounts struct{ paid, open int64 }

// openItemsOp is the road's wire operation that lists the open items.
func (g *roadRig) openItemsOp() (string, *inspect.RequestLog) {
	if g.rest {
		return "GET /v1/mutation/invoice/outstanding", g.env.Sandbox.EBoekhoudenREST.Requests()
	}
	return "GetOpenPosten", g.env.Sandbox.EBoekhouden.Requests()
}

// openItemReads counts the road's open-item requests since the last call.
func (g *roadRig) openItemReads() int {
	op, log := g.openItemsOp()
	n := log.Count(op)
	log.Clear()
	return n
}

func (g *roadRig) faults() *fault.Injector {
	if g.rest {
		return g.env.Sandbox.EBoekhoudenREST.Faults()
	}
	return g.env.Sandbox.EBoekhouden.Faults()
}

// pay registers a payment in the road's sandbox.
func (g *roadRig) pay(number string, cents int64) {
	g.t.Helper()
	var err error
	if g.rest {
		err = g.env.Sandbox.EBoekhoudenREST.RegisterPayment(number, float64(cents)/100)
	} else {
		err = g.env.Sandbox.EBoekhouden.RegisterPayment(number, float64(cents)/100)
	}
	if err != nil {
		g.t.Fatal(err)
	}
}

// sandboxOpen is the sandbox's own open items (read from its state, never
// through the client under test), by invoice number.
func (g *roadRig) sandboxOpen() map[string]openAmounts {
	out := map[string]openAmounts{}
	if g.rest {
		for _, inv := range g.env.Sandbox.EBoekhoudenREST.State().Invoices {
			if inv.Booking == nil {
				continue
			}
			total, paid := int64(math.Round(inv.TotalAmount*100)), int64(math.Round(inv.Booking.PaidAmount*100))
			if total != paid {
				out[inv.InvoiceNumber] = openAmounts{paid: paid, open: total - paid}
			}
		}
		return out
	}
	for _, o := range g.env.Sandbox.EBoekhouden.State().OpenItems {
		out[o.MutFactuur] = openAmounts{paid: decimal.MustParse(o.Voldaan).Cents(), open: decimal.MustParse(o.Openstaand).Cents()}
	}
	return out
}

// logged reports whether one of the last n log lines has this message key.
func (g *roadRig) logged(key string, n int) bool {
	g.t.Helper()
	lines, err := g.st.Log(context.Background(), store.LogFilter{Limit: n})
	if err != nil {
		g.t.Fatal(err)
	}
	for _, l := range lines {
		if l.Key == key {
			return true
		}
	}
	return false
}

// overview is the store's overview, by invoice number.
func (g *roadRig) overview() map[string]store.InvoiceRow {
	g.t.Helper()
	rows, err := g.st.InvoiceOverview(context.Background(), time.Now())
	if err != nil {
		g.t.Fatal(err)
	}
	out := map[string]store.InvoiceRow{}
	for _, r := range rows {
		out[r.InvoiceNumber] = r
	}
	return out
}

// matchesSandbox checks every row of the overview against the sandbox's
// open items: present there, the same amounts; absent (the invoices are
// booked), paid in full.
func (g *roadRig) matchesSandbox(when string) map[string]store.InvoiceRow {
	g.t.Helper()
	open, rows := g.sandboxOpen(), g.overview()
	for nr, r := range rows {
		o, isOpen := open[nr]
		switch {
		case isOpen && (r.PaidCents != o.paid || r.OpenCents != o.open || !r.State.Unpaid()):
			g.t.Errorf("%s: invoice %s: overview paid %d open %d (%s), sandbox paid %d open %d", when, nr, r.PaidCents, r.OpenCents, r.State, o.paid, o.open)
		case !isOpen && (r.State != store.PaymentPaid || r.PaidCents != r.TotalCents || r.OpenCents != 0):
			g.t.Errorf("%s: invoice %s: overview %s paid %d open %d of %d; the sandbox has it paid", when, nr, r.State, r.PaidCents, r.OpenCents, r.TotalCents)
		}
	}
	return rows
}

func TestInvoiceStatusFollowsPayments(t *testing.T) {
	for _, onREST := range []bool{false, true} {
		name := "soap"
		if onREST {
			name = "rest"
		}
		t.Run(name, func(t *testing.T) {
			g := newRoadRig(t, demodata.Default(), onREST)
			g.set(map[string]string{store.KeyExportInvoices: "true"})
			var counts []string // per run: open-item reads / all e-Boekhouden requests
			run := func(what string) int {
				t.Helper()
				_, all, _ := g.measured()
				n := g.openItemReads()
				counts = append(counts, fmt.Sprintf("%s %d/%d", what, n, all))
				return n
			}
			defer func() {
				t.Logf("%s: open-item reads / e-Boekhouden requests per run: %s", name, strings.Join(counts, "; "))
			}()
			g.calls.take()
			g.openItemReads()
			sum, all, _ := g.measured()
			n := g.openItemReads()
			counts = append(counts, fmt.Sprintf("export of %d invoices %d/%d", sum.Invoices, n, all))
			if sum.Invoices < 2 {
				t.Fatalf("want at least two invoices, got %+v", sum)
			}
			if n != 1 {
				t.Errorf("the export run read the open items %d times, want 1", n)
			}
			rows := g.matchesSandbox("after the export")
			var nrs []string
			for nr, r := range rows {
				if r.State != store.PaymentOpen || r.OpenCents != r.TotalCents || r.TotalCents <= 0 || r.TermAssumed {
					t.Errorf("new invoice %s: %+v", nr, r)
				}
				nrs = append(nrs, nr)
			}
			partly, full := nrs[0], nrs[1]

			// A dry run reads nothing and changes nothing.
			g.pay(partly, 1000)
			g.dryRun()
			g.calls.take()
			n = g.openItemReads()
			counts = append(counts, fmt.Sprintf("dry run %d", n))
			if n != 0 || g.overview()[partly].State != store.PaymentOpen {
				t.Errorf("a dry run read the open items %d times; %s", n, g.overview()[partly].State)
			}

			g.pay(full, rows[full].TotalCents)
			if n := run("after two payments"); n != 1 {
				t.Errorf("a run read the open items %d times, want 1", n)
			}
			rows = g.matchesSandbox("after payments")
			if r := rows[partly]; r.State != store.PaymentPartly || r.PaidCents != 1000 || r.OpenCents != r.TotalCents-1000 {
				t.Errorf("partly paid invoice: %+v", r)
			}
			if rows[full].State != store.PaymentPaid {
				t.Errorf("paid invoice: %+v", rows[full])
			}

			// The rest is paid, but the answer cannot be read: the overview
			// keeps what it knew.
			for nr, r := range rows {
				if r.OpenCents > 0 {
					g.pay(nr, r.OpenCents)
				}
			}
			op, _ := g.openItemsOp()
			g.faults().Add(fault.Rule{Op: op, Kind: fault.Unrecognised})
			run("unreadable answer")
			g.faults().Clear()
			if !g.logged("invoices.status.unread", 20) {
				t.Error("the unread status is not in the log")
			}
			after := g.overview()
			for nr, r := range rows {
				if a := after[nr]; a.State != r.State || a.PaidCents != r.PaidCents || a.OpenCents != r.OpenCents {
					t.Errorf("an unreadable answer changed invoice %s: %+v, was %+v", nr, a, r)
				}
			}

			if n := run("all paid since"); n != 1 {
				t.Errorf("a run read the open items %d times, want 1", n)
			}
			for nr, r := range g.matchesSandbox("all paid") {
				if r.State != store.PaymentPaid {
					t.Errorf("invoice %s: %s after it was paid", nr, r.State)
				}
			}
			// Everything is paid: a run costs no read.
			if n := run("everything paid"); n != 0 {
				t.Errorf("with every invoice paid a run read the open items %d times, want 0", n)
			}
		})
	}
}
