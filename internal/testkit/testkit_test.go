package testkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// countingTransport counts the requests it carries.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

// TestClientsReachTheSandboxes: both clients built by the kit log in with
// the demo credentials, their requests go through the given transport (as
// many as the sandboxes logged), and the session is closed.
func TestClientsReachTheSandboxes(t *testing.T) {
	env := Start(t, sandbox.Options{})
	ctx := context.Background()
	ebT, fsT := &countingTransport{}, &countingTransport{}
	eb := env.EBoekhoudenClient(t, ClientOptions{Transport: ebT, Retry: FastRetry})
	if err := eb.CheckLogin(ctx); err != nil {
		t.Fatalf("e-Boekhouden login: %v", err)
	}
	if err := eb.Close(ctx); err != nil {
		t.Fatalf("close the e-Boekhouden session: %v", err)
	}
	field := env.OutSmartClient(t, ClientOptions{Transport: fsT, Retry: FastRetry})
	if err := field.CheckLogin(ctx); err != nil {
		t.Fatalf("OutSmart login: %v", err)
	}
	if n, logged := ebT.n.Load(), len(env.Sandbox.EBoekhouden.Requests().All()); n == 0 || int(n) != logged {
		t.Errorf("e-Boekhouden: %d requests through the transport, %d in the sandbox's log", n, logged)
	}
	if n, logged := fsT.n.Load(), len(env.Sandbox.OutSmart.Requests().All()); n == 0 || int(n) != logged {
		t.Errorf("OutSmart: %d requests through the transport, %d in the sandbox's log", n, logged)
	}
	if s := env.Sandbox.EBoekhouden.State().Sessions; s != 0 {
		t.Errorf("%d e-Boekhouden sessions open after Close", s)
	}
	if env.Endpoints.EBoekhoudenURL != env.Sandbox.EBoekhoudenURL || env.Endpoints.OutSmartURL != env.Sandbox.OutSmartURL {
		t.Errorf("endpoints %+v, sandboxes at %s and %s", env.Endpoints, env.Sandbox.EBoekhoudenURL, env.Sandbox.OutSmartURL)
	}
}

// TestCredentialsAreTheDatasets: a client with a changed security code is
// refused, so the kit's credentials are what the sandbox checks.
func TestCredentialsAreTheDatasets(t *testing.T) {
	env := Start(t, sandbox.Options{})
	bad := env.Link
	bad.Credentials.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32)
	err := bad.EBoekhoudenClient(t, ClientOptions{Retry: FastRetry}).CheckLogin(context.Background())
	if !errors.Is(err, eboekhouden.ErrBadCredentials) {
		t.Fatalf("changed security code: %v, want ErrBadCredentials", err)
	}
	if c := env.Credentials; c.EBoekhoudenSecurityCode1 == bad.Credentials.EBoekhoudenSecurityCode1 {
		t.Fatal("changing a copy of the link changed the env's")
	}
}

// TestClientOptions: the timeout, the retry policy and the OutSmart batch
// size reach the clients.
func TestClientOptions(t *testing.T) {
	ctx := context.Background()
	slow := Start(t, sandbox.Options{Latency: 300 * time.Millisecond})
	once := retry.Policy{Attempts: 1}
	start := time.Now()
	err := slow.OutSmartClient(t, ClientOptions{Timeout: 50 * time.Millisecond, Retry: once}).CheckLogin(ctx)
	if err == nil || time.Since(start) > 250*time.Millisecond {
		t.Errorf("OutSmart with a 50 ms timeout against 300 ms of latency: %v after %v", err, time.Since(start))
	}
	if n := len(slow.Sandbox.OutSmart.Requests().All()); n > 1 {
		t.Errorf("%d OutSmart requests with Attempts 1", n)
	}
	start = time.Now()
	err = slow.EBoekhoudenClient(t, ClientOptions{Timeout: 50 * time.Millisecond, Retry: once}).CheckLogin(ctx)
	if err == nil || time.Since(start) > 250*time.Millisecond {
		t.Errorf("e-Boekhouden with a 50 ms timeout against 300 ms of latency: %v after %v", err, time.Since(start))
	}

	env := Start(t, sandbox.Options{})
	posts := func(batch int) int {
		t.Helper()
		field := env.OutSmartClient(t, ClientOptions{BatchSize: batch})
		hts := []outsmart.HourType{{Code: "KIT1", Name: "Kit 1"}, {Code: "KIT2", Name: "Kit 2"}, {Code: "KIT3", Name: "Kit 3"}}
		env.Sandbox.OutSmart.Requests().Clear()
		if _, err := field.UpsertHourTypes(ctx, hts); err != nil {
			t.Fatalf("upsert: %v", err)
		}
		n := 0
		for _, r := range env.Sandbox.OutSmart.Requests().All() {
			if strings.HasPrefix(r.Op, "POST ") {
				n++
			}
		}
		return n
	}
	if one, two := posts(0), posts(2); one != 1 || two != 2 {
		t.Errorf("3 hour types upserted in %d POSTs by default and in %d with BatchSize 2; want 1 and 2", one, two)
	}
}

// reachable reports whether the OutSmart sandbox of l answers.
func reachable(t *testing.T, l Link) bool {
	t.Helper()
	err := l.OutSmartClient(t, ClientOptions{Retry: retry.Policy{Attempts: 1}, Timeout: 2 * time.Second}).CheckLogin(context.Background())
	return err == nil
}

// TestSandboxesCloseWithTheTest: the servers stop when the test ends, or
// at Close, which may come twice.
func TestSandboxesCloseWithTheTest(t *testing.T) {
	var link Link
	t.Run("inner", func(t *testing.T) {
		env := Start(t, sandbox.Options{})
		link = env.Link
		if !reachable(t, link) {
			t.Fatal("the sandbox does not answer while the test runs")
		}
	})
	if reachable(t, link) {
		t.Error("the sandbox still answers after its test ended")
	}

	env := Start(t, sandbox.Options{})
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	if err := env.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if reachable(t, env.Link) {
		t.Error("the sandbox still answers after Close")
	}
}

// TestCloseReleasesTheSandboxes: after Close, the test's cleanup keeps
// nothing of the sandboxes reachable (what a benchmark needs, so that closed
// iterations do not count on its heap).
func TestCloseReleasesTheSandboxes(t *testing.T) {
	env := Start(t, sandbox.Options{})
	ds := weak.Make(env.Sandbox.Dataset)
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	env = nil
	for range 20 {
		runtime.GC()
		if ds.Value() == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the sandbox's dataset is still reachable after Close")
}

// TestOpenStore: a store that works, in a new temporary directory of its
// own or in a given one, closed when its test ends, which opens again with
// what was written.
func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	a, b := OpenStore(t, ""), OpenStore(t, "")
	if filepath.Dir(a.Path()) == filepath.Dir(b.Path()) {
		t.Errorf("two stores in one directory: %s", a.Path())
	}
	dir := t.TempDir()
	var inner *store.Store
	t.Run("inner", func(t *testing.T) {
		inner = OpenStore(t, dir)
		if err := inner.SetSettings(ctx, map[string]string{store.KeyTemplate: "Kit"}); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := inner.Settings(ctx); err == nil {
		t.Error("the store is still open after its test ended")
	}
	set, err := OpenStore(t, dir).Settings(ctx)
	if err != nil || set.Template != "Kit" {
		t.Fatalf("reopened store: template %q, %v", set.Template, err)
	}
}

// recordingTB is a testing.TB whose Fatalf records the message and ends
// the goroutine, for checking how the kit fails a test.
type recordingTB struct {
	testing.TB
	msg string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fails runs f with a recording TB and returns what it failed with ("" if
// it did not fail).
func fails(f func(tb testing.TB)) string {
	r := &recordingTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.msg
}

// TestLinkThroughTheEnvironment: what Environ writes, LinkFromEnv reads
// back; a missing variable fails the test and is named, without any value.
func TestLinkThroughTheEnvironment(t *testing.T) {
	env := Start(t, sandbox.Options{})
	vars := env.Environ()
	for _, kv := range vars {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	if got := LinkFromEnv(t); got != env.Link {
		t.Fatalf("read back %+v, want %+v", got.Endpoints, env.Endpoints)
	}
	if !reachable(t, LinkFromEnv(t)) {
		t.Error("the link read from the environment does not reach the sandbox")
	}
	t.Setenv(envPrefix+"OUTSMART_TOKEN", "")
	msg := fails(func(tb testing.TB) { LinkFromEnv(tb) })
	if !strings.Contains(msg, envPrefix+"OUTSMART_TOKEN") {
		t.Errorf("missing token: failed with %q", msg)
	}
	for _, s := range env.Credentials.Secrets() {
		if strings.Contains(msg, s) {
			t.Errorf("the failure shows a secret: %q", msg)
		}
	}
}

// TestOSVault: the credentials saved in a test's vault read back, a second
// vault on the same service sees them, and the item is gone when the test
// ends. It needs a keychain (make test runs it in a D-Bus session).
func TestOSVault(t *testing.T) {
	creds := Credentials(Start(t, sandbox.Options{}).Sandbox.Dataset)
	var service string
	t.Run("inner", func(t *testing.T) {
		v := OSVault(t, "")
		service = v.Service
		if !strings.HasPrefix(service, "nl.koppeling.test.testkit.TestOSVault-inner") {
			t.Errorf("service %q is not the test's own", service)
		}
		if err := v.Save(creds); err != nil {
			t.Fatal(err)
		}
		got, src, err := OSVault(t, service).Load()
		if err != nil || got != creds || !src.Keychain {
			t.Fatalf("read back through a second vault: %v %+v", src, err)
		}
	})
	if service == "" {
		t.Skip("no keychain here (make test provides one)")
	}
	v := &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: service, Getenv: func(string) string { return "" }}
	if _, src, err := v.Load(); err != nil || src.Keychain {
		t.Errorf("the item is still there after its test ended: %+v %v", src, err)
	}
}

// TestRESTClientReachesTheRESTSandbox: on the REST road (OnREST) the kit's
// REST client logs in with the sandbox's API token through the given
// transport and closes its session; the token travels to a child process
// through the environment; the SOAP link is left as it was, and a link
// without a token builds no REST client.
func TestRESTClientReachesTheRESTSandbox(t *testing.T) {
	env := Start(t, sandbox.Options{})
	ctx := context.Background()
	onREST := env.OnREST()
	if env.Credentials.EBoekhoudenAPIToken != "" || onREST.Credentials.EBoekhoudenAPIToken == "" {
		t.Fatalf("OnREST changed the env's link or set no token")
	}
	tr := &countingTransport{}
	c := onREST.EBoekhoudenRESTClient(t, ClientOptions{Transport: tr, Retry: FastRetry})
	if err := c.CheckLogin(ctx); err != nil {
		t.Fatalf("REST login: %v", err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatalf("close the REST session: %v", err)
	}
	rs := env.Sandbox.EBoekhoudenREST
	if n, logged := tr.n.Load(), len(rs.Requests().All()); n == 0 || int(n) != logged {
		t.Errorf("REST: %d requests through the transport, %d in the sandbox's log", n, logged)
	}
	if s := rs.State().Sessions; s != 0 {
		t.Errorf("%d REST sessions open after Close", s)
	}
	for _, kv := range onREST.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	if got := LinkFromEnv(t); got != onREST {
		t.Fatalf("the REST link read back from the environment differs: %+v", got.Endpoints)
	}
	if msg := fails(func(tb testing.TB) { env.EBoekhoudenRESTClient(tb, ClientOptions{}) }); msg == "" {
		t.Error("a link without an API token built a REST client")
	}
}
