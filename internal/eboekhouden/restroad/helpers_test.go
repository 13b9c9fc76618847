package restroad

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/testkit"
)

// The tests run Books against the REST sandbox over loopback, and compare
// what it returns with what the SOAP client returns from the SOAP sandbox
// over the same dataset: both roads must give the engine the same records.

const demoToken = ebrest.DemoAPIToken

// road is a test's sandboxes, a REST client and the SOAP client.
type road struct {
	t    *testing.T
	env  *testkit.Env
	c    *rest.Client
	soap *eboekhouden.Client
	ctx  context.Context
	rec  *recorder
}

// recorder records the paths of the REST client's requests.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (rc *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rc.mu.Lock()
	rc.paths = append(rc.paths, req.Method+" "+req.URL.Path)
	rc.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// take returns the recorded requests and forgets them.
func (rc *recorder) take() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	p := rc.paths
	rc.paths = nil
	return p
}

func newRoad(t *testing.T, ds *demodata.Dataset) *road {
	t.Helper()
	env := testkit.Start(t, sandbox.Options{Dataset: ds})
	rec := &recorder{}
	return &road{t: t, env: env, c: restClient(t, env.Sandbox.EBoekhoudenRESTURL, "", rec),
		soap: env.EBoekhoudenClient(t, testkit.ClientOptions{Retry: testkit.FastRetry}), ctx: context.Background(), rec: rec}
}

// restClient is a client of the REST sandbox at url with token (the demo
// token when empty) and fast retries.
func restClient(t *testing.T, url, token string, rt http.RoundTripper) *rest.Client {
	t.Helper()
	if token == "" {
		token = demoToken
	}
	cfg := rest.Config{BaseURL: url, APIToken: token, Retry: testkit.FastRetry, Timeout: 5 * time.Second}
	if rt != nil {
		cfg.HTTPClient = &http.Client{Transport: rt}
	}
	c, err := rest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func (r *road) books(opts Options) *Books { return New(r.c, opts) }

// isBoth checks that err matches both sentinels.
func isBoth(t *testing.T, what string, err, restKind, ebKind error) {
	t.Helper()
	if !errors.Is(err, restKind) || !errors.Is(err, ebKind) {
		t.Errorf("%s: %v: errors.Is(%v)=%v, errors.Is(%v)=%v; want both", what, err,
			restKind, errors.Is(err, restKind), ebKind, errors.Is(err, ebKind))
	}
}

// sameUnit reports whether two unit texts mean the same unit: equal
// regardless of case, or the singular and plural the REST road pairs.
func sameUnit(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	pairs := map[string]string{"uren": "uur", "stuks": "stuk", "rollen": "rol", "dozen": "doos", "tubes": "tube"}
	if p, ok := pairs[a]; ok {
		a = p
	}
	if p, ok := pairs[b]; ok {
		b = p
	}
	return a == b
}
