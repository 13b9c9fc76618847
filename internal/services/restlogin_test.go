package services

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/secrets"
)

// TestCheckLoginOnTheRESTRoad: with an API token the login check opens a
// REST session (and ends it), needs none of the three SOAP values and
// never calls the SOAP server; a refused, unknown or expired token, a
// server out of reach, a web page in its place and a plain http address
// each give their problem, naming the API-token field where it is about
// the token, and never a secret.
func TestCheckLoginOnTheRESTRoad(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
	sb, soap, ep := demo(t)
	ctx := context.Background()
	good := restCredentials(soap, ebrest.DemoAPIToken)
	if p := CheckLogin(ctx, good, ep); p != nil {
		t.Fatalf("demo API token: %v", p)
	}
	if n := len(sb.EBoekhouden.Requests().All()); n != 0 {
		t.Errorf("the REST road's check sent %d requests to the SOAP server", n)
	}
	rl := sb.EBoekhoudenREST.Requests()
	if opened, closed := rl.Count("POST /v1/session"), rl.Count("DELETE /v1/session"); opened != 1 || closed != 1 {
		t.Errorf("REST sessions opened %d, closed %d; want one each (requests %+v)", opened, closed, rl.All())
	}
	// The token's road wins over SOAP values that are also kept.
	both := good
	both.EBoekhoudenUsername, both.EBoekhoudenSecurityCode1, both.EBoekhoudenSecurityCode2 = "x", "wrong", "wrong"
	if p := CheckLogin(ctx, both, ep); p != nil {
		t.Errorf("API token beside wrong SOAP values: %v", p)
	}

	expired := httptest.NewServer(ebrest.New(ebrest.Options{Dataset: demodata.Default().EBoekhouden,
		APITokens: []string{"old-token-of-last-year"}, ExpiredTokens: []string{"old-token-of-last-year"}}))
	defer expired.Close()
	webPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<html><body>Log in to the Wi-Fi</body></html>"))
	}))
	defer webPage.Close()
	cases := []struct {
		name   string
		change func(c *secrets.Credentials, ep *Endpoints)
		kind   report.ProblemKind
		field  report.LoginField
		dutch  string
	}{
		{"unknown token", func(c *secrets.Credentials, _ *Endpoints) { c.EBoekhoudenAPIToken = "typed-wrong-0123456789" },
			report.ProblemRefused, report.FieldAPIToken, "weigert het API-token"},
		{"expired token", func(c *secrets.Credentials, ep *Endpoints) {
			c.EBoekhoudenAPIToken, ep.EBoekhoudenRESTURL = "old-token-of-last-year", expired.URL
		}, report.ProblemRefused, report.FieldAPIToken, "Beheer > Inrichting > Koppelingen > e-Boekhouden API"},
		{"REST API down", func(_ *secrets.Credentials, ep *Endpoints) { ep.EBoekhoudenRESTURL = "http://127.0.0.1:1" },
			report.ProblemUnreachable, "", "niet bereikbaar"},
		{"a web page instead", func(_ *secrets.Credentials, ep *Endpoints) { ep.EBoekhoudenRESTURL = webPage.URL },
			report.ProblemNotTheService, "", "webpagina"},
		{"plain http to a remote host", func(_ *secrets.Credentials, ep *Endpoints) { ep.EBoekhoudenRESTURL = "http://example.com" },
			report.ProblemInvalid, report.FieldAddress, "ongeldig adres"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, e := good, ep
			tc.change(&c, &e)
			p := CheckLogin(ctx, c, e)
			if p == nil || p.Service != report.EBoekhouden || p.Kind != tc.kind || p.Field != tc.field {
				t.Fatalf("got %+v", p)
			}
			if !strings.Contains(p.Dutch(), tc.dutch) {
				t.Errorf("Dutch() = %q, want it to contain %q", p.Dutch(), tc.dutch)
			}
			msg := p.Dutch() + p.Error()
			for _, s := range c.Secrets() {
				if strings.Contains(msg, s) {
					t.Fatalf("a secret in the message: %s", msg)
				}
			}
		})
	}
	// OutSmart is still checked on the REST road.
	c := good
	c.OutSmartToken = strings.Repeat("a", 64)
	if p := CheckLogin(ctx, c, ep); p == nil || p.Service != report.OutSmart || p.Field != report.FieldToken {
		t.Errorf("wrong OutSmart token on the REST road: %+v", p)
	}
}
