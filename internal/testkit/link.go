package testkit

// This file owns the Link: the endpoints and credentials that reach the
// sandboxes, the clients built from them, and their passage to a child
// process through its environment.

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/eboekhouden/rest"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/retry"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
)

// Endpoints are the sandboxes' addresses. The fields are those of
// services.Endpoints (which the kit cannot import: services' own tests use
// the kit), so services.Endpoints(env.Endpoints) converts.
type Endpoints struct {
	// EBoekhoudenURL is the SOAP endpoint, ".../soap.asmx".
	EBoekhoudenURL string
	// EBoekhoudenRESTURL is the REST API's base URL (the API is under /v1/).
	EBoekhoudenRESTURL string
	// OutSmartURL is the OPENApi base URL, ".../openapi/8".
	OutSmartURL string
}

// Link is what reaches the two services of one link: their endpoints and the
// credentials. It is a value: change a copy's credentials to build a client
// that the sandbox refuses.
type Link struct {
	Endpoints   Endpoints
	Credentials secrets.Credentials
}

// Credentials are the credentials both sandbox servers accept for ds, as the
// user would enter them.
func Credentials(ds *demodata.Dataset) secrets.Credentials {
	eb, fs := ds.EBoekhouden.Credentials, ds.OutSmart.Credentials
	return secrets.Credentials{
		EBoekhoudenUsername: eb.Username, EBoekhoudenSecurityCode1: eb.SecurityCode1, EBoekhoudenSecurityCode2: eb.SecurityCode2,
		OutSmartCompanyID: fs.CompanyID, OutSmartToken: fs.Token, OutSmartSoftwareToken: fs.SoftwareToken,
	}
}

// ClientOptions configure the clients that EBoekhoudenClient and
// OutSmartClient build. The zero value keeps each client's defaults.
type ClientOptions struct {
	// Timeout bounds one exchange (eboekhouden.Config.Timeout,
	// outsmart.Config.Timeout); zero is the client's default.
	Timeout time.Duration
	// Retry is the client's backoff; the zero value is retry.Default.
	Retry retry.Policy
	// Transport carries the client's requests (to count or record them); nil
	// is the client's own.
	Transport http.RoundTripper
	// BatchSize is the OutSmart client's records per upsert POST; zero is the
	// client's default (100). The e-Boekhouden client ignores it.
	BatchSize int
}

func (o ClientOptions) httpClient() *http.Client {
	if o.Transport == nil {
		return nil
	}
	return &http.Client{Transport: o.Transport}
}

// EBoekhoudenClient builds an e-Boekhouden client for the link, or fails the
// test. It makes no call.
func (l Link) EBoekhoudenClient(tb testing.TB, o ClientOptions) *eboekhouden.Client {
	tb.Helper()
	c := l.Credentials
	client, err := eboekhouden.New(eboekhouden.Config{Endpoint: l.Endpoints.EBoekhoudenURL, HTTPClient: o.httpClient(),
		Timeout: o.Timeout, Retry: o.Retry, Credentials: eboekhouden.Credentials{Username: c.EBoekhoudenUsername,
			SecurityCode1: c.EBoekhoudenSecurityCode1, SecurityCode2: c.EBoekhoudenSecurityCode2}})
	if err != nil {
		tb.Fatalf("e-Boekhouden client: %v", err)
	}
	return client
}

// EBoekhoudenRESTClient builds a client of e-Boekhouden's REST API for the
// link (its REST URL and API token), or fails the test; the link must be on
// the REST road (OnREST). It makes no call.
func (l Link) EBoekhoudenRESTClient(tb testing.TB, o ClientOptions) *rest.Client {
	tb.Helper()
	if l.Endpoints.EBoekhoudenRESTURL == "" || l.Credentials.EBoekhoudenAPIToken == "" {
		tb.Fatalf("e-Boekhouden REST client: the link has no REST URL or no API token (use OnREST)")
	}
	client, err := rest.New(rest.Config{BaseURL: l.Endpoints.EBoekhoudenRESTURL, APIToken: l.Credentials.EBoekhoudenAPIToken,
		HTTPClient: o.httpClient(), Timeout: o.Timeout, Retry: o.Retry})
	if err != nil {
		tb.Fatalf("e-Boekhouden REST client: %v", err)
	}
	return client
}

// OnREST is the link with the REST sandbox's API token
// (ebrest.DemoAPIToken) among its credentials: the road a user with an API
// token takes. The link itself is not changed; a child process given the
// copy's Environ reads the token back with LinkFromEnv.
func (l Link) OnREST() Link {
	l.Credentials.EBoekhoudenAPIToken = ebrest.DemoAPIToken
	return l
}

// OutSmartClient builds an OutSmart client for the link, or fails the test.
// It makes no call.
func (l Link) OutSmartClient(tb testing.TB, o ClientOptions) *outsmart.Client {
	tb.Helper()
	client, err := outsmart.New(outsmart.Config{BaseURL: l.Endpoints.OutSmartURL, HTTPClient: o.httpClient(),
		Token: l.Credentials.OutSmartToken, SoftwareToken: l.Credentials.OutSmartSoftwareToken,
		Timeout: o.Timeout, Retry: o.Retry, BatchSize: o.BatchSize})
	if err != nil {
		tb.Fatalf("OutSmart client: %v", err)
	}
	return client
}

// envPrefix starts the names of the variables Environ sets.
const envPrefix = "KOPPELING_TESTKIT_"

// envVar is one environment variable of Environ and the link's field it
// carries; LinkFromEnv needs the required ones.
type envVar struct {
	name     string
	field    *string
	required bool
}

// vars are the link's environment variables, pointing into l.
func (l *Link) vars() []envVar {
	c := &l.Credentials
	return []envVar{
		{"EBOEKHOUDEN_URL", &l.Endpoints.EBoekhoudenURL, true},
		{"EBOEKHOUDEN_REST_URL", &l.Endpoints.EBoekhoudenRESTURL, false},
		{"EBOEKHOUDEN_API_TOKEN", &c.EBoekhoudenAPIToken, false},
		{"EBOEKHOUDEN_USERNAME", &c.EBoekhoudenUsername, true},
		{"EBOEKHOUDEN_SECURITY_CODE_1", &c.EBoekhoudenSecurityCode1, true},
		{"EBOEKHOUDEN_SECURITY_CODE_2", &c.EBoekhoudenSecurityCode2, true},
		{"OUTSMART_URL", &l.Endpoints.OutSmartURL, true},
		{"OUTSMART_COMPANY_ID", &c.OutSmartCompanyID, false},
		{"OUTSMART_TOKEN", &c.OutSmartToken, true},
		{"OUTSMART_SOFTWARE_TOKEN", &c.OutSmartSoftwareToken, true},
	}
}

// Environ is the link as "NAME=value" environment variables, to append to a
// child process's environment (exec.Cmd.Env); the child reads them back with
// LinkFromEnv. They carry the sandbox's credentials: give them only to a
// test's own child process.
func (l Link) Environ() []string {
	vars := l.vars()
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = envPrefix + v.name + "=" + *v.field
	}
	return out
}

// LinkFromEnv is the link that a parent test passed with Environ, or fails
// the test naming the variables that are missing (never a value).
func LinkFromEnv(tb testing.TB) Link {
	tb.Helper()
	var l Link
	var missing []string
	for _, v := range l.vars() {
		*v.field = os.Getenv(envPrefix + v.name)
		if *v.field == "" && v.required {
			missing = append(missing, envPrefix+v.name)
		}
	}
	if len(missing) > 0 {
		tb.Fatalf("the link is not in the environment: %s not set", strings.Join(missing, ", "))
	}
	return l
}
