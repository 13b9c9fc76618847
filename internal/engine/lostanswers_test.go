package engine

import (
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// TestLostAnswersConverge drops the connection after the service applied a
// write (the client cannot know it happened), then runs again. The cases
// name SOAP's operations; on REST they are the same calls (POST
// /v1/invoice, POST /v1/relation).
func TestLostAnswersConverge(t *testing.T) {
	skipWhenShort(t)
	forEachRoad(t, func(t *testing.T, rd road) {
		cases := []struct {
			name string
			add  func(h *harness)
		}{
			{"AddFactuur applied, answer lost", func(h *harness) {
				h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.DropAfterApply, After: 1, Times: 1})
			}},
			{"AddFactuur applied, answer malformed", func(h *harness) {
				h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.Malformed, Times: 1})
			}},
			{"AddFactuur refused with HTTP 500", func(h *harness) {
				h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.HTTP500, After: 2, Times: 1})
			}},
			{"AddFactuur timed out before applied", func(h *harness) {
				h.ebFaults().Add(fault.Rule{Op: h.op(opAddInvoice), Kind: fault.Timeout, Delay: fault.Duration(10 * time.Second), Times: 1})
			}},
			{"Afgehandeld applied, answer lost", func(h *harness) {
				h.sb.OutSmart.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropAfterApply, Times: 1})
			}},
			{"AddRelatie applied, answer lost", func(h *harness) {
				h.ebFaults().Add(fault.Rule{Op: h.op(opAddRelation), Kind: fault.DropAfterApply, Times: 1})
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h := newRoadHarness(t, rd, sandbox.Options{}, nil)
				h.addTwin()
				if c.name == "AddFactuur timed out before applied" {
					h.newClientsWithTimeout(500 * time.Millisecond)
				}
				c.add(h)
				first := h.run(RunOptions{})
				h.ebFaults().Clear()
				h.sb.OutSmart.Faults().Clear()
				for i := 0; i < 2; i++ { // uncertain entries settle on the next run
					if sum := h.run(RunOptions{}); sum.Err != nil {
						t.Fatalf("rerun %d: %v", i+1, sum.Err)
					}
				}
				h.assertExactlyOnce(keys(h.eligible()))
				if first.Invoices+first.Attention == 0 && first.Err == nil {
					t.Errorf("first run did nothing: %+v", first)
				}
			})
		}
	})
}
