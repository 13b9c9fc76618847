package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/store"
)

// harness is the engine wired to both sandbox servers over real HTTP and to
// a real SQLite store in a temporary directory.
type harness struct {
	t     *testing.T
	sb    *sandbox.Sandbox
	st    *store.Store
	dir   string
	eb    *eboekhouden.Client
	os    *outsmart.Client
	eng   *Engine
	logs  []store.LogEntry
	check func(step string)
}

// fastRetry keeps the tests quick when a fault makes the clients retry.
var fastRetry = retry.Policy{Attempts: 3, Initial: time.Millisecond, Max: 5 * time.Millisecond}

func newHarness(t *testing.T, opts sandbox.Options, settings map[string]string) *harness {
	t.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	h := &harness{t: t, sb: sb, dir: filepath.Join(t.TempDir(), "data")}
	h.openStore()
	base := map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}
	for k, v := range settings {
		base[k] = v
	}
	if err := h.st.SetSettings(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	h.newClients()
	return h
}

func (h *harness) openStore() {
	st, err := store.Open(context.Background(), h.dir)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	h.st = st
}

// newClients makes fresh clients and a fresh engine, as a restarted process
// would have.
func (h *harness) newClients() {
	ebc := h.sb.Dataset.EBoekhouden.Credentials
	eb, err := eboekhouden.New(eboekhouden.Config{Endpoint: h.sb.EBoekhoudenURL, Timeout: 5 * time.Second, Retry: fastRetry,
		Credentials: eboekhouden.Credentials{Username: ebc.Username, SecurityCode1: ebc.SecurityCode1, SecurityCode2: ebc.SecurityCode2}})
	if err != nil {
		h.t.Fatal(err)
	}
	osc := h.sb.Dataset.OutSmart.Credentials
	os, err := outsmart.New(outsmart.Config{BaseURL: h.sb.OutSmartURL, Token: osc.Token, SoftwareToken: osc.SoftwareToken,
		Timeout: 5 * time.Second, Retry: fastRetry, BatchSize: 500})
	if err != nil {
		h.t.Fatal(err)
	}
	h.eb, h.os = eb, os
	h.eng = New(Params{Store: h.st, Bookkeeping: eb, FieldService: os,
		OnLog:      func(e store.LogEntry) { h.logs = append(h.logs, e) },
		Checkpoint: func(step string) { h.checkpoint(step) }})
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
	sum := h.eng.Run(context.Background(), opts)
	// As services.Runner does: close the e-Boekhouden session after each run.
	_ = h.eb.Close(context.Background())
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
	for _, inv := range h.sb.EBoekhouden.State().Invoices {
		for _, l := range inv.Regels {
			if strings.HasPrefix(l.Omschrijving, legacyReference(orderNr)+" ") || l.Omschrijving == legacyReference(orderNr) ||
				strings.HasPrefix(l.Omschrijving, legacyReference(orderNr)+":") {
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

// assertExactlyOnce checks the export invariants for the given work orders:
// exactly one invoice each and every one Afgehandeld; and no other work order
// became Afgehandeld without an invoice.
func (h *harness) assertExactlyOnce(orders []string) {
	h.t.Helper()
	for _, nr := range orders {
		if n := h.invoicesFor(nr); n != 1 {
			h.t.Errorf("work order %s has %d invoices, want exactly 1", nr, n)
		}
		if st := h.workOrderStatus(nr); st != "Afgehandeld" {
			h.t.Errorf("work order %s is %s, want Afgehandeld", nr, st)
		}
	}
	start := map[string]string{}
	for _, w := range h.sb.Dataset.OutSmart.Workorders {
		start[w.OrderNr] = w.Status
	}
	for _, w := range h.sb.OutSmart.State().Workorders {
		if w.Status == "Afgehandeld" && start[w.OrderNr] != "Afgehandeld" && h.invoicesFor(w.OrderNr) != 1 {
			h.t.Errorf("work order %s is Afgehandeld without exactly one invoice", w.OrderNr)
		}
	}
	if v := h.sb.OutSmart.Violations(); len(v) > 0 {
		h.t.Errorf("OutSmart protocol violations: %v", v)
	}
}

func (h *harness) writes() map[string]int {
	out := map[string]int{}
	for _, r := range h.sb.EBoekhouden.Requests().All() {
		switch r.Op {
		case "AddFactuur", "AddRelatie", "UpdateRelatie":
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
	h.sb.EBoekhouden.Requests().Clear()
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
