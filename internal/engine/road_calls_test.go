package engine_test

// This file measures what the two e-Boekhouden roads cost the engine: the
// e-Boekhouden requests of a steady run (nothing new) and of each exported
// work order, on the SOAP road (eboekhouden.Client) and on the REST road
// (restroad.Books, its details kept between runs as the store keeps them
// for the product). BENCHMARKS.md has the figures and the command.

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/eboekhouden/restroad"
	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// counter counts the requests that pass through it.
type counter struct{ n atomic.Int64 }

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func (c *counter) take() int { return int(c.n.Swap(0)) }

// roadRig is one road's engine over fresh sandboxes; each run gets new
// clients (as the product builds them per run) and the REST road keeps its
// details in one cache across runs (as the store does).
type roadRig struct {
	t     *testing.T
	env   *testkit.Env
	st    *store.Store
	rest  bool
	cache restroad.Cache
	calls counter
}

func newRoadRig(t *testing.T, ds *demodata.Dataset, onREST bool) *roadRig {
	env := testkit.Start(t, sandbox.Options{Dataset: ds})
	rig := &roadRig{t: t, env: env, st: testkit.OpenStore(t, ""), rest: onREST, cache: restroad.NewMemoryCache()}
	rig.set(map[string]string{store.KeyTemplate: "Standaard", store.KeyBookDirectly: "true", store.KeyExportInvoices: "false"})
	return rig
}

func (g *roadRig) set(kv map[string]string) {
	if err := g.st.SetSettings(context.Background(), kv); err != nil {
		g.t.Fatal(err)
	}
}

// run performs one run and returns its summary and wall time.
func (g *roadRig) run() (engine.Summary, time.Duration) {
	ctx := context.Background()
	p := engine.Params{Store: g.st, FieldService: g.env.OutSmartClient(g.t, testkit.ClientOptions{})}
	if g.rest {
		c, err := rest.New(rest.Config{BaseURL: g.env.Sandbox.EBoekhoudenRESTURL, APIToken: ebrest.DemoAPIToken,
			HTTPClient: &http.Client{Transport: &g.calls}})
		if err != nil {
			g.t.Fatal(err)
		}
		books := restroad.New(c, restroad.Options{Cache: g.cache})
		defer books.Close(ctx)
		p.Bookkeeping, p.ResultCap = books, engine.Uncapped
	} else {
		eb := g.env.EBoekhoudenClient(g.t, testkit.ClientOptions{Transport: &g.calls})
		defer eb.Close(ctx)
		p.Bookkeeping = eb
	}
	g.calls.take()
	start := time.Now()
	sum := engine.New(p).Run(ctx, engine.RunOptions{Trigger: "test"})
	wall := time.Since(start)
	if sum.Err != nil {
		g.t.Fatalf("run: %v", sum.Err)
	}
	return sum, wall
}

// measured performs one run and returns its summary, its e-Boekhouden
// requests (the session's end included) and its wall time.
func (g *roadRig) measured() (engine.Summary, int, time.Duration) {
	sum, wall := g.run()
	return sum, g.calls.take(), wall
}

// TestRoadCallsPerRun logs, per road and size, the e-Boekhouden requests
// of the first import, of a steady run (average of three) and per exported
// work order; it checks the REST road's bounds: a steady run reads at most
// a third of the details plus the lists, and an export costs a bounded
// number of requests per work order.
func TestRoadCallsPerRun(t *testing.T) {
	if testing.Short() {
		t.Skip("measures many sync runs")
	}
	for _, size := range []struct {
		name string
		n    int // generated relations and products; 0: the demo
	}{{"demo", 0}, {"1500", 1500}} {
		for _, onREST := range []bool{false, true} {
			road := "SOAP"
			if onREST {
				road = "REST"
			}
			t.Run(size.name+"/"+road, func(t *testing.T) {
				ds := demodata.Default()
				if size.n > 0 {
					ds = demodata.Generated(size.n, size.n, false)
				}
				g := newRoadRig(t, ds, onREST)
				_, first, firstWall := g.measured()
				steady, steadyWall := 0, time.Duration(0)
				for i := 0; i < 3; i++ {
					sum, n, wall := g.measured()
					if sum.Changed() {
						t.Fatalf("steady run %d changed something: %+v", i+1, sum)
					}
					steady += n
					steadyWall += wall
				}
				g.set(map[string]string{store.KeyExportInvoices: "true"})
				sum, export, _ := g.measured()
				if sum.Invoices == 0 {
					t.Fatalf("no invoices exported: %+v", sum)
				}
				_, after, _ := g.measured()
				perOrder := float64(export-after) / float64(sum.Invoices)
				t.Logf("%s %s: first import %d requests (%s); steady run %.1f requests (%s); export run %d requests for %d invoices (%d relations created), steady with export on %d: %.1f requests per exported work order",
					size.name, road, first, firstWall.Round(time.Millisecond), float64(steady)/3, (steadyWall / 3).Round(time.Millisecond),
					export, sum.Invoices, sum.RelationsCreated, after, perOrder)
				if onREST {
					recs := len(ds.EBoekhouden.Relations) + len(ds.EBoekhouden.Articles)
					pages := 2 * (1 + recs/2/2000)
					if bound := recs/3 + 2*pages + 8; steady/3 > bound {
						t.Errorf("steady REST run: %d requests; want at most %d (a third of %d details, the lists, session, units, ledgers)", steady/3, bound, recs)
					}
					if perOrder > 12 {
						t.Errorf("%.1f requests per exported work order; want at most 12", perOrder)
					}
				}
			})
		}
	}
}
