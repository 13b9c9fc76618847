//go:build unix

// The benchmarks measure process CPU time with getrusage(2), hence unix only.

package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// The sync-engine benchmarks: the engine wired to both sandbox servers over
// loopback HTTP and to a real SQLite store, as in harness_test.go, with the
// datasets of benchdata_test.go. They are slow; run them once each:
//
//	go test -run '^$' -bench 'Engine' -benchtime 1x ./internal/engine/
//
// Every benchmark reports the HTTP requests of the measured run, counted from
// the sandboxes' request logs and cross-checked against a counting
// http.RoundTripper under each client, and fails when a run does not do what
// it should (an error, a missing invoice, a call-limit refusal). Targets are
// not asserted: BENCHMARKS.md compares the figures with them.

const (
	benchRelations = 1500
	benchProducts  = 1500
)

// benchTransport is the http.RoundTripper under a client. It counts the
// requests and the time of each exchange (from sending until the client
// closes the answer's body) per operation, and, while recording, keeps a copy
// of each request, so that the same requests can be replayed without the
// engine and the clients (see replay).
type benchTransport struct {
	mu        sync.Mutex
	base      http.RoundTripper
	n         int
	count     map[string]int           // requests per operation
	took      map[string]time.Duration // exchange time per operation
	recording bool
	recorded  []recordedRequest
}

type recordedRequest struct {
	op, method, url string
	header          http.Header
	body            []byte
	// session is, for OpenSession, the SessionID the answer gave.
	session string
}

// opLabel names a request's operation: the SOAPAction's operation for
// e-Boekhouden, "GET GetWorkorder" and the like for OutSmart.
func opLabel(req *http.Request) string {
	if a := strings.Trim(req.Header.Get("SOAPAction"), `"`); a != "" {
		return a[strings.LastIndex(a, "/")+1:]
	}
	p := strings.TrimSuffix(req.URL.Path, "/")
	return req.Method + " " + p[strings.LastIndex(p, "/")+1:]
}

var sessionElement = regexp.MustCompile(`<SessionID>([^<]*)</SessionID>`)

// sessionID is the SessionID in a SOAP body, or "".
func sessionID(body []byte) string {
	if m := sessionElement.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// timedBody adds the time until Close to the exchange's operation.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

func (t *benchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	op, start := opLabel(req), time.Now()
	t.mu.Lock()
	t.n++
	t.count[op]++
	base, recording := t.base, t.recording
	t.mu.Unlock()

	var rec *recordedRequest
	if recording {
		rec = &recordedRequest{op: op, method: req.Method, url: req.URL.String(), header: req.Header.Clone()}
		if req.Body != nil {
			body, err := io.ReadAll(req.Body)
			_ = req.Body.Close()
			if err != nil {
				return nil, err
			}
			rec.body = body
			req = req.Clone(req.Context()) // a RoundTripper must not change the caller's request
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
	}
	resp, err := base.RoundTrip(req)
	if err == nil && rec != nil && op == "OpenSession" {
		var data []byte
		data, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		rec.session = sessionID(data)
		resp.Body = io.NopCloser(bytes.NewReader(data))
	}
	t.mu.Lock()
	if rec != nil {
		t.recorded = append(t.recorded, *rec)
	}
	t.mu.Unlock()
	if err != nil {
		t.addTime(op, time.Since(start))
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func() { t.addTime(op, time.Since(start)) }}
	return resp, nil
}

func (t *benchTransport) addTime(op string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.took[op] += d
}

func (t *benchTransport) setBase(rt http.RoundTripper) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.base = rt
}

// reset zeroes the counters and starts (or stops) recording.
func (t *benchTransport) reset(record bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n, t.count, t.took = 0, map[string]int{}, map[string]time.Duration{}
	t.recording, t.recorded = record, nil
}

// stats returns the request count, the counts and times per operation, and
// what was recorded, since reset.
func (t *benchTransport) stats() (n int, count map[string]int, took map[string]time.Duration, recorded []recordedRequest) {
	t.mu.Lock()
	defer t.mu.Unlock()
	count, took = map[string]int{}, map[string]time.Duration{}
	for op, c := range t.count {
		count[op] = c
	}
	for op, d := range t.took {
		took[op] = d
	}
	return t.n, count, took, t.recorded
}

// benchClock is the sandboxes' clock; advancing it lets a benchmark stand
// for the 15 minutes between two scheduled runs without waiting for them.
type benchClock struct{ offset atomic.Int64 }

func (c *benchClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *benchClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// benchEnv is the engine wired to both sandboxes over real HTTP and to a
// SQLite store in a temporary directory.
//
// With perRun, every run is wired as services.Runner does it in the product:
// new clients for the run (a new e-Boekhouden client with its own
// connections and no session; the OutSmart client on a shared transport, as
// http.DefaultTransport is), the run, then Close, which ends the
// e-Boekhouden session with CloseSession. Without perRun the clients are
// made once and kept, as in harness_test.go.
type benchEnv struct {
	b        *testing.B
	kit      *testkit.Env
	sb       *sandbox.Sandbox
	st       *store.Store
	clock    *benchClock
	batch    int  // outsmart.Config.BatchSize; 0 is the client's default
	perRun   bool // wire each run as services.Runner does
	ebT, osT *benchTransport
	ebBase   *http.Transport // the e-Boekhouden client's own, new with each client
	osBase   *http.Transport // shared by every OutSmart client
	eb       *eboekhouden.Client
	field    *outsmart.Client
	eng      *Engine
	once     sync.Once
}

// newBenchEnv starts the sandboxes with opts (opts.Dataset set by the
// caller), opens a store with export.invoices=true and export.template
// "Standaard" plus settings, and wires the engine. batch is the OutSmart
// client's BatchSize (services.Clients uses 500, the engine's batch).
//
// The caller closes the environment (defer env.close()) as soon as it is
// done with it: the testing package keeps a benchmark's cleanup funcs
// reachable until the benchmark ends (and the first *B of a -count series
// until the series ends), and what the kit's cleanup still held would keep
// every iteration's sandboxes on the heap and inflate the heap figures of
// the next iterations. testkit.Env.Close lets go of them; the kit's cleanup
// only closes what a failed benchmark leaves open.
func newBenchEnv(b *testing.B, opts sandbox.Options, batch int, perRun bool, settings map[string]string) *benchEnv {
	b.Helper()
	env := &benchEnv{b: b, clock: &benchClock{}, batch: batch, perRun: perRun,
		ebT: &benchTransport{}, osT: &benchTransport{}, osBase: &http.Transport{}}
	env.ebT.reset(false)
	env.osT.reset(false)
	env.osT.setBase(env.osBase)
	opts.Now = env.clock.now
	env.kit = testkit.Start(b, opts)
	env.sb = env.kit.Sandbox
	env.st = testkit.OpenStore(b, "")
	env.setSettings(defaultSettings)
	env.setSettings(settings)
	if !perRun {
		env.newClients()
	}
	return env
}

func (env *benchEnv) setSettings(s map[string]string) {
	env.b.Helper()
	if len(s) == 0 {
		return
	}
	if err := env.st.SetSettings(context.Background(), s); err != nil {
		env.b.Fatal(err)
	}
}

// newClients makes fresh clients (the e-Boekhouden one with new connections
// and no session) and a fresh engine. It makes no call.
func (env *benchEnv) newClients() {
	env.b.Helper()
	if env.ebBase != nil {
		env.ebBase.CloseIdleConnections()
	}
	env.ebBase = &http.Transport{}
	env.ebT.setBase(env.ebBase)
	env.eb = env.kit.EBoekhoudenClient(env.b, testkit.ClientOptions{Transport: env.ebT})
	env.field = env.kit.OutSmartClient(env.b, testkit.ClientOptions{Transport: env.osT, BatchSize: env.batch})
	env.eng = New(Params{Store: env.st, Bookkeeping: env.eb, FieldService: env.field})
}

func (env *benchEnv) close() {
	env.once.Do(func() {
		if env.eb != nil && !env.perRun {
			_ = env.eb.Close(context.Background())
		}
		if env.ebBase != nil {
			env.ebBase.CloseIdleConnections()
		}
		env.osBase.CloseIdleConnections()
		_ = env.st.Close()
		_ = env.kit.Close()
	})
}

// run performs one sync run (with perRun: new clients, the run, Close).
func (env *benchEnv) run() Summary {
	if env.perRun {
		env.newClients()
	}
	sum := env.eng.Run(context.Background(), RunOptions{Trigger: "bench"})
	if env.perRun {
		if err := env.eb.Close(context.Background()); err != nil {
			env.b.Errorf("close the e-Boekhouden session: %v", err)
		}
	}
	return sum
}

// mustRun runs and fails the benchmark when the run failed.
func (env *benchEnv) mustRun(what string) Summary {
	env.b.Helper()
	sum := env.run()
	if sum.Err != nil {
		env.b.Fatalf("%s: run failed: %v\n%s", what, sum.Err, sum.Line)
	}
	return sum
}

// resetCounts empties both request logs and resets the transports,
// recording the requests from now on when record is set.
func (env *benchEnv) resetCounts(record bool) {
	env.sb.EBoekhouden.Requests().Clear()
	env.sb.OutSmart.Requests().Clear()
	env.ebT.reset(record)
	env.osT.reset(record)
}

// requestCount is what happened since resetCounts: the requests the two
// sandboxes logged (or, beyond what their logs keep, that the clients sent),
// and the time the clients spent in HTTP exchanges.
type requestCount struct {
	eb        int
	outSmart  int
	byOp      map[string]int // "e-Boekhouden AddFactuur", "OutSmart GET GetWorkorder"
	callLimit int            // e-Boekhouden answers E003.1
	expired   int            // e-Boekhouden answers E0023
	ebHTTP    time.Duration
	osHTTP    time.Duration
	took      map[string]time.Duration // exchange time per operation
	recorded  []recordedRequest        // e-Boekhouden's first, then OutSmart's
}

func (c requestCount) total() int { return c.eb + c.outSmart }

// ops lists the operations, most frequent first: "e-Boekhouden GetRelaties 1, ...".
func (c requestCount) ops() string {
	return listOps(c.byOp, func(n int) string { return fmt.Sprint(n) })
}

// times lists the exchange time per operation.
func (c requestCount) times() string {
	secs := map[string]int{}
	for op, d := range c.took {
		secs[op] = int(d.Milliseconds())
	}
	return listOps(secs, func(ms int) string { return fmt.Sprintf("%.3fs", float64(ms)/1000) })
}

func listOps(m map[string]int, format func(int) string) string {
	names := make([]string, 0, len(m))
	for op := range m {
		names = append(names, op)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, op := range names {
		parts[i] = op + " " + format(m[op])
	}
	return strings.Join(parts, ", ")
}

// logLimit is how many requests a sandbox log keeps (inspect.NewRequestLog
// in both servers); a longer run is counted by the transports instead.
const logLimit = 1000

// counts reads both request logs and checks them against the transports.
func (env *benchEnv) counts() requestCount {
	env.b.Helper()
	c := requestCount{byOp: map[string]int{}, took: map[string]time.Duration{}}
	for _, r := range env.sb.EBoekhouden.Requests().All() {
		c.eb++
		c.byOp["e-Boekhouden "+r.Op]++
		switch r.Result {
		case "E003.1":
			c.callLimit++
		case "E0023":
			c.expired++
		}
	}
	for _, r := range env.sb.OutSmart.Requests().All() {
		c.outSmart++
		c.byOp["OutSmart "+r.Op]++
	}
	ebSent, ebCount, ebTook, ebRec := env.ebT.stats()
	osSent, osCount, osTook, osRec := env.osT.stats()
	c.recorded = append(ebRec, osRec...)
	for op, d := range ebTook {
		c.took["e-Boekhouden "+op] = d
		c.ebHTTP += d
	}
	for op, d := range osTook {
		c.took["OutSmart "+op] = d
		c.osHTTP += d
	}
	if ebSent < logLimit && osSent < logLimit {
		if c.eb != ebSent || c.outSmart != osSent {
			env.b.Errorf("sandbox logs %d + %d requests, clients sent %d + %d", c.eb, c.outSmart, ebSent, osSent)
		}
		return c
	}
	// The logs keep only the last logLimit requests: count what the clients
	// sent instead (the two agree below the cap, checked above).
	c.eb, c.outSmart, c.byOp = ebSent, osSent, map[string]int{}
	for op, n := range ebCount {
		c.byOp["e-Boekhouden "+op+" (client count)"] = n
	}
	for op, n := range osCount {
		c.byOp["OutSmart "+op+" (client count)"] = n
	}
	return c
}

// processCPU is the user plus system CPU time of the whole process: the
// engine, both clients, the store and both sandbox servers.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replay sends recorded requests again through rt, reading every answer
// completely and decoding nothing: the sandboxes' work and both ends of
// HTTP, without the engine, the clients' encoding and decoding, or the store.
// A replayed OpenSession opens a new session, which the requests after it use
// in place of the run's. It returns how many answers were E0023.
func replay(b *testing.B, rt http.RoundTripper, reqs []recordedRequest) (expired int) {
	b.Helper()
	sessions := map[string]string{} // the run's session -> the replay's
	for _, r := range reqs {
		body := r.body
		if id := sessionID(body); id != "" && sessions[id] != "" {
			body = bytes.Replace(body, []byte(">"+id+"<"), []byte(">"+sessions[id]+"<"), 1)
		}
		req, err := http.NewRequestWithContext(context.Background(), r.method, r.url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header = r.header.Clone()
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("replay %s: HTTP %d, %v", r.op, resp.StatusCode, err)
		}
		if r.op == "OpenSession" && r.session != "" {
			sessions[r.session] = sessionID(data)
		}
		if bytes.Contains(data, []byte(">E0023<")) {
			expired++
		}
	}
	return expired
}

func mb(bytes uint64) float64 { return float64(bytes) / (1 << 20) }

// heapSampler samples the heap with runtime/metrics (no stop-the-world)
// every millisecond and keeps the peaks.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	// peaks, in bytes: objects is HeapAlloc (live and not yet swept
	// objects), inUse is HeapInuse (objects plus unused space of in-use
	// spans), live is the live heap marked by the last GC.
	objects, inUse, live uint64
	samples              int
}

var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/gc/heap/live:bytes"}

func readHeap() (objects, inUse, live uint64) {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	objects = s[0].Value.Uint64()
	return objects, objects + s[1].Value.Uint64(), s[2].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			o, u, l := readHeap()
			h.objects, h.inUse, h.live = max(h.objects, o), max(h.inUse, u), max(h.live, l)
			h.samples++
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() *heapSampler {
	close(h.stop)
	<-h.done
	return h
}

// tally adds up a benchmark's measured runs: their process CPU time and
// wall time, and their requests.
type tally struct {
	cpu, wall          time.Duration
	reqs, eb, outSmart int
	ops                string // the requests of the last run counted, per operation
}

// measure performs one run of env, adding its process CPU time and wall time.
func (r *tally) measure(b *testing.B, env *benchEnv) Summary {
	c0, t0 := processCPU(b), time.Now()
	sum := env.run()
	r.wall += time.Since(t0)
	r.cpu += processCPU(b) - c0
	return sum
}

// count adds the requests of one run.
func (r *tally) count(c requestCount) {
	r.reqs, r.eb, r.outSmart, r.ops = r.reqs+c.total(), r.eb+c.eb, r.outSmart+c.outSmart, c.ops()
}

// reportRequests reports the requests per run: requests/op,
// eb-requests/op and os-requests/op.
func (r *tally) reportRequests(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(float64(r.reqs)/n, "requests/op")
	b.ReportMetric(float64(r.eb)/n, "eb-requests/op")
	b.ReportMetric(float64(r.outSmart)/n, "os-requests/op")
}

// reportTime reports the CPU time per run (cpu-s/op) and the wall time of
// a run (wall-s).
func (r *tally) reportTime(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(r.cpu.Seconds()/n, "cpu-s/op")
	b.ReportMetric(r.wall.Seconds()/n, "wall-s")
}

// BenchmarkEngineSteadyState is target (a): a run over 1,500 relations and
// 1,500 products (plus the demo's) in which nothing changed and no work
// order waits. The first run imports everything and is not measured.
//
// CPU: cpu-s/op is the process CPU time of the run (getrusage), which
// includes the two sandbox servers in this process. replay-cpu-s/op is the
// CPU time of sending the very same HTTP requests again with a bare
// http.Transport and reading the answers without decoding them: the
// servers' share plus both ends of HTTP. engine-cpu-s/op is the difference:
// the engine, the clients' encoding and decoding, and the store.
//
// Sub-benchmarks: clients=per-run wires every run as the product does
// (services.Runner: new clients, OpenSession, the run, CloseSession).
// clients=kept keeps one pair of clients, as a long-lived process could:
// session=warm runs back to back (the session is still open);
// session=expired first advances the sandboxes' clock by the 15 minutes of
// the schedule, so the session (10 minutes idle in the sandbox) has expired
// and the client meets E0023 and reopens it.
func BenchmarkEngineSteadyState(b *testing.B) {
	ds := benchDataset(benchRelations, benchProducts, 0)
	for _, sc := range []struct {
		name   string
		perRun bool
		before func(env *benchEnv)
	}{
		{"clients=per-run", true, func(*benchEnv) {}},
		{"clients=kept,session=warm", false, func(*benchEnv) {}},
		{"clients=kept,session=expired", false, func(env *benchEnv) { env.clock.advance(15 * time.Minute) }},
	} {
		b.Run(sc.name, func(b *testing.B) {
			env := newBenchEnv(b, sandbox.Options{Dataset: ds}, 500, sc.perRun, nil)
			defer env.close()
			if sum := env.mustRun("first run"); sum.Relations < benchRelations || sum.Materials+sum.HourTypes < benchProducts {
				b.Fatalf("first run imported too little: %s", sum.Line)
			}
			replayRT := &http.Transport{}
			defer replayRT.CloseIdleConnections()
			var runs tally
			var replayCPU time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				sc.before(env)
				env.resetCounts(true)
				runtime.GC()
				b.StartTimer()
				sum := runs.measure(b, env)
				b.StopTimer()
				if sum.Err != nil || sum.Changed() || sum.Attention != 0 {
					b.Fatalf("steady-state run: %v: %s", sum.Err, sum.Line)
				}
				c := env.counts()
				runs.count(c)
				replay(b, replayRT, c.recorded) // warm the connections, then measure
				runtime.GC()
				c0 := processCPU(b)
				if expired := replay(b, replayRT, c.recorded); expired != c.expired {
					b.Errorf("replay met E0023 %d times, the run %d times", expired, c.expired)
				}
				replayCPU += processCPU(b) - c0
				b.StartTimer()
			}
			n := float64(b.N)
			runs.reportRequests(b)
			runs.reportTime(b)
			b.ReportMetric(replayCPU.Seconds()/n, "replay-cpu-s/op")
			b.ReportMetric((runs.cpu-replayCPU).Seconds()/n, "engine-cpu-s/op")
			b.Logf("requests of the last run: %s", runs.ops)
		})
	}
}

// BenchmarkEngineFirstImport is target (b): the first run over 1,500
// relations and 1,500 products (plus the demo's), wired as the product runs
// it (services.Runner: new clients, CloseSession at the end), with the
// invoice export on but no work order waiting. Each iteration starts from
// empty sandboxes and an empty store (not measured).
//
// batch=500 wires the OutSmart client with BatchSize 500, as
// services.Clients does (the engine's own batch); batch=client-default
// leaves the client's default (100), so each engine batch of 500 goes out
// in five POSTs.
func BenchmarkEngineFirstImport(b *testing.B) {
	ds := benchDataset(benchRelations, benchProducts, 0)
	for _, bc := range []struct {
		name  string
		batch int
	}{{"batch=500", 500}, {"batch=client-default", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			var runs tally
			b.ResetTimer()
			for range b.N {
				func() {
					b.StopTimer()
					defer b.StartTimer()
					env := newBenchEnv(b, sandbox.Options{Dataset: ds}, bc.batch, true, nil)
					defer env.close()
					env.resetCounts(false)
					runtime.GC()
					b.StartTimer()
					sum := runs.measure(b, env)
					b.StopTimer()
					if sum.Err != nil || sum.Relations < benchRelations || sum.Materials+sum.HourTypes < benchProducts {
						b.Fatalf("first import: %v: %s", sum.Err, sum.Line)
					}
					runs.count(env.counts())
					b.Logf("imported %d relations, %d materials, %d hour types", sum.Relations, sum.Materials, sum.HourTypes)
				}()
			}
			runs.reportRequests(b)
			runs.reportTime(b)
			b.Logf("requests: %s", runs.ops)
		})
	}
}

// exportEnv prepares an export benchmark, wired as the product runs
// (services.Runner): sandboxes with nRel generated relations, nProducts
// generated products and nOrders waiting work orders, and a first run with
// the export off that imports the master data (so that the measured run
// finds it unchanged, as a run in daily use does). It returns the
// environment with the export switched on and the counters cleared, and the
// number of requests of the preparing run.
func exportEnv(b *testing.B, nRel, nProducts, nOrders int, opts sandbox.Options) (*benchEnv, int) {
	b.Helper()
	opts.Dataset = benchDataset(nRel, nProducts, nOrders)
	env := newBenchEnv(b, opts, 500, true, map[string]string{store.KeyExportInvoices: "false"})
	env.resetCounts(false)
	env.mustRun("import run")
	setup := env.counts().total()
	env.setSettings(map[string]string{store.KeyExportInvoices: "true"})
	env.resetCounts(false)
	return env, setup
}

// checkExport fails the benchmark unless the run invoiced and handled every
// work order, each exactly once, without creating a relation.
func checkExport(b *testing.B, env *benchEnv, sum Summary, nOrders, invoicesBefore int) {
	b.Helper()
	if sum.Err != nil || sum.CallLimited || sum.Invoices != nOrders || sum.Handled != nOrders || sum.RelationsCreated != 0 || sum.Attention != 0 {
		b.Fatalf("export run: %v (call limited %v): %s", sum.Err, sum.CallLimited, sum.Line)
	}
	if got := len(env.sb.EBoekhouden.State().Invoices) - invoicesBefore; got != nOrders {
		b.Fatalf("%d invoices made in e-Boekhouden, want %d", got, nOrders)
	}
	handled := 0
	for _, w := range env.sb.OutSmart.State().Workorders {
		if w.Status == "Afgehandeld" {
			handled++
		}
	}
	if handled != nOrders {
		b.Fatalf("%d work orders Afgehandeld, want %d", handled, nOrders)
	}
	if v := env.sb.OutSmart.Violations(); len(v) > 0 {
		b.Fatalf("OutSmart protocol violations: %v", v)
	}
}

// BenchmarkEngineExport100At100ms is target (c): a run that exports 100 work
// orders (debtors exist in e-Boekhouden) with 100 ms of latency on every call
// of both sandboxes and e-Boekhouden's call limit at 300 calls a minute. The
// master data is imported by a preparing run that is not measured; the
// measured run reads it again and finds it unchanged. calllimit-refusals
// counts E003.1 answers in the e-Boekhouden log (it must be 0: the run fails
// on the first).
//
// master=1500 has the 1,500 relations and 1,500 products of the other
// targets; master=small only the demo's plus the 100 relations and 30
// products the work orders use, which shows how much of the time is the
// e-Boekhouden sandbox's own work per call, which grows with its state.
// eb-http-s and os-http-s are the time the clients spent in HTTP exchanges
// (sending until the answer is read); the e-Boekhouden calls go one at a
// time, so wall-s minus eb-http-s is roughly what the engine, the store and
// the OutSmart reads before the export add to the critical path.
func BenchmarkEngineExport100At100ms(b *testing.B) {
	const nOrders = 100
	for _, mc := range []struct {
		name            string
		nRel, nProducts int
	}{{"master=1500", benchRelations, benchProducts}, {"master=small", 100, 30}} {
		b.Run(mc.name, func(b *testing.B) {
			var runs tally
			var setupReqs, refusals int
			var ebHTTP, osHTTP time.Duration
			var times string
			b.ResetTimer()
			for range b.N {
				func() {
					b.StopTimer()
					defer b.StartTimer()
					env, setup := exportEnv(b, mc.nRel, mc.nProducts, nOrders,
						sandbox.Options{Latency: 100 * time.Millisecond, CallLimitPerMinute: 300})
					defer env.close()
					before := len(env.sb.EBoekhouden.State().Invoices)
					runtime.GC()
					b.StartTimer()
					sum := runs.measure(b, env)
					b.StopTimer()
					c := env.counts()
					refusals += c.callLimit
					checkExport(b, env, sum, nOrders, before)
					ebHTTP, osHTTP = ebHTTP+c.ebHTTP, osHTTP+c.osHTTP
					runs.count(c)
					setupReqs, times = setupReqs+setup, c.times()
				}()
			}
			n := float64(b.N)
			runs.reportRequests(b)
			runs.reportTime(b)
			b.ReportMetric(float64(setupReqs)/n, "import-run-requests/op")
			b.ReportMetric(float64(refusals), "calllimit-refusals")
			b.ReportMetric(ebHTTP.Seconds()/n, "eb-http-s/op")
			b.ReportMetric(osHTTP.Seconds()/n, "os-http-s/op")
			b.Logf("requests: %s", runs.ops)
			b.Logf("HTTP time: %s", times)
		})
	}
}

// BenchmarkEngineExport1000Heap is target (d): the peak heap of a run that
// exports 1,000 work orders (no latency, no call limit), sampled every
// millisecond with runtime/metrics during the run. The sandboxes live in
// this process, so the figures include their state and work; baseline-heap-MB
// is the heap after a GC just before the run (sandboxes loaded, master data
// imported), peak-over-baseline-MB what the run added at its peak, and
// after-run-heap-MB the heap after a GC right after the run, while the
// sandboxes still hold the 1,000 new invoices and their request logs.
func BenchmarkEngineExport1000Heap(b *testing.B) {
	const nOrders = 1000
	var runs tally
	var peakObjects, peakInUse, peakLive, baseline, after uint64
	b.ResetTimer()
	for range b.N {
		func() {
			b.StopTimer()
			defer b.StartTimer()
			env, _ := exportEnv(b, benchRelations, benchProducts, nOrders, sandbox.Options{})
			defer env.close()
			before := len(env.sb.EBoekhouden.State().Invoices)
			runtime.GC()
			runtime.GC()
			base, _, _ := readHeap()
			b.StartTimer()

			hs := startHeapSampler()
			sum := runs.measure(b, env)
			hs.finish()

			b.StopTimer()
			runtime.GC()
			runtime.GC()
			kept, _, _ := readHeap()
			after = max(after, kept)
			checkExport(b, env, sum, nOrders, before)
			runs.count(env.counts())
			peakObjects, peakInUse, peakLive = max(peakObjects, hs.objects), max(peakInUse, hs.inUse), max(peakLive, hs.live)
			baseline = max(baseline, base)
			b.Logf("%d heap samples", hs.samples)
		}()
	}
	b.ReportMetric(mb(peakObjects), "peak-heap-MB")
	b.ReportMetric(mb(peakInUse), "peak-heap-inuse-MB")
	b.ReportMetric(mb(peakLive), "peak-live-heap-MB")
	b.ReportMetric(mb(baseline), "baseline-heap-MB")
	b.ReportMetric(mb(peakObjects-min(peakObjects, baseline)), "peak-over-baseline-MB")
	b.ReportMetric(mb(after), "after-run-heap-MB")
	b.ReportMetric(float64(runs.reqs)/float64(b.N), "requests/op")
	runs.reportTime(b)
	b.Logf("requests: %s", runs.ops)
}
