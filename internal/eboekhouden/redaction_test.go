package eboekhouden

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	sbeb "github.com/koppeling/koppeling/internal/sandbox/eboekhouden"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// sessionTap sits in front of a server and collects every SessionID it
// hands out, independent of what the client remembers.
type sessionTap struct {
	next http.Handler
	mu   sync.Mutex
	ids  map[string]bool
}

var sessionIDPattern = regexp.MustCompile(`<SessionID>([^<]+)</SessionID>`)

type tapWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *tapWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *tapWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *sessionTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &tapWriter{ResponseWriter: w}
	s.next.ServeHTTP(tw, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range sessionIDPattern.FindAllSubmatch(tw.buf.Bytes(), -1) {
		s.ids[string(m[1])] = true
	}
}

func (s *sessionTap) secrets(creds Credentials) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{creds.SecurityCode1, creds.SecurityCode2}
	for id := range s.ids {
		out = append(out, id)
	}
	return out
}

// captureOutput runs fn with os.Stdout and os.Stderr redirected and returns
// what was written to them.
func captureOutput(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(&out, bufio.NewReader(r))
		close(done)
	}()
	defer func() {
		os.Stdout, os.Stderr = stdout, stderr
	}()
	fn()
	os.Stdout, os.Stderr = stdout, stderr
	_ = w.Close()
	<-done
	return out.String()
}

// TestNoCredentialInErrorsLogsOrOutput drives every kind of failing call
// against the sandbox and checks that no security code and no session id
// appears in any error text (Error, %+v, %#v), any log line, or stdout and
// stderr.
func TestNoCredentialInErrorsLogsOrOutput(t *testing.T) {
	ds := demodata.Default()
	srv := sbeb.New(sbeb.Options{Dataset: ds.EBoekhouden, CallLimitPerMinute: 1000})
	tap := &sessionTap{next: srv, ids: map[string]bool{}}
	url := newLoopbackServer(t, tap) + sbeb.Path
	creds := Credentials{Username: ds.EBoekhouden.Credentials.Username, SecurityCode1: ds.EBoekhouden.Credentials.SecurityCode1, SecurityCode2: ds.EBoekhouden.Credentials.SecurityCode2}
	logs := &syncBuffer{}
	newClient := func(c Credentials, cfg func(*Config)) *Client {
		conf := Config{Endpoint: url, Credentials: c, Retry: fastRetry, Timeout: 300 * time.Millisecond, Logger: newDebugLogger(logs)}
		if cfg != nil {
			cfg(&conf)
		}
		cl, err := New(conf)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	client := newClient(creds, nil)
	small := newClient(creds, func(c *Config) { c.MaxResponseBytes = 64 << 10 })
	wrong := newClient(Credentials{Username: creds.Username, SecurityCode1: "ffffffffffffffffffffffffffffffff", SecurityCode2: creds.SecurityCode2}, nil)
	ctx := context.Background()

	var errs []error
	keep := func(err error) {
		if err == nil {
			t.Error("a call that should fail succeeded")
			return
		}
		errs = append(errs, err)
	}
	output := captureOutput(t, func() {
		keep(wrong.CheckLogin(ctx))
		_, err := wrong.AddInvoice(ctx, demoInvoice())
		keep(err)
		if _, err := client.Relations(ctx, RelationFilter{}); err != nil { // opens a session
			t.Fatal(err)
		}
		steps := []struct {
			rule fault.Rule
			call func() error
		}{
			{fault.Rule{Op: opGetRelaties, Kind: fault.SessionExpired}, func() error { _, err := client.Relations(ctx, RelationFilter{}); return err }},
			{fault.Rule{Op: opAddFactuur, Kind: fault.CallLimit, Times: 1}, func() error { _, err := client.AddInvoice(ctx, demoInvoice()); return err }},
			{fault.Rule{Op: opAddFactuur, Kind: fault.HTTP500, Times: 1}, func() error { _, err := client.AddInvoice(ctx, demoInvoice()); return err }},
			{fault.Rule{Op: opGetArtikelen, Kind: fault.HTTP500}, func() error { _, err := client.Products(ctx, ProductFilter{}); return err }},
			{fault.Rule{Op: opAddRelatie, Kind: fault.DropAfterApply, Times: 1}, func() error { _, err := client.AddRelation(ctx, goldenRelation()); return err }},
			{fault.Rule{Op: opGetFacturen, Kind: fault.DropBeforeApply}, func() error { _, err := client.Invoices(ctx, InvoiceFilter{}); return err }},
			{fault.Rule{Op: opAddFactuur, Kind: fault.Timeout, Delay: fault.Duration(time.Second), Times: 1}, func() error { _, err := client.AddInvoice(ctx, demoInvoice()); return err }},
			{fault.Rule{Op: opAddFactuur, Kind: fault.Malformed, Times: 1}, func() error { _, err := client.AddInvoice(ctx, demoInvoice()); return err }},
			{fault.Rule{Op: opGetOpenPosten, Kind: fault.Oversized, Size: 1 << 20}, func() error { _, err := small.OpenItems(ctx, OpenItemsDebtors); return err }},
			{fault.Rule{Op: opUpdateRelatie, Kind: fault.SessionExpired}, func() error {
				r := goldenRelation()
				r.ID = 4100001
				return client.UpdateRelation(ctx, r)
			}},
		}
		for _, s := range steps {
			srv.Faults().Clear()
			srv.Faults().Add(s.rule)
			keep(s.call())
		}
		srv.Faults().Clear()
		inv := demoInvoice()
		inv.Template = "Onbekend"
		_, err = client.AddInvoice(ctx, inv)
		keep(err)
		_, err = client.AddRelation(ctx, goldenRelation()) // CREL001 after the dropped add
		keep(err)
		_ = client.Close(ctx)
	})

	secrets := tap.secrets(creds)
	if len(secrets) < 5 {
		t.Fatalf("only %d secrets collected; the scenario did not open sessions", len(secrets))
	}
	var texts []string
	for _, err := range errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	texts = append(texts, logs.String(), output)
	for _, text := range texts {
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("a secret (%d chars) leaked into: %s", len(sec), text)
			}
		}
	}
	if output != "" {
		t.Errorf("the client wrote to stdout/stderr: %q", output)
	}
	if strings.Count(logs.String(), "e-Boekhouden call") < 20 {
		t.Errorf("expected a debug line per exchange, got:\n%s", logs)
	}
}

// A server that echoes the secrets back in its error texts: the client must
// mask them wherever they end up.
func TestEchoedSecretsAreMasked(t *testing.T) {
	echo := func(values ...string) string { return strings.Join(values, " / ") }
	sessionID := "3f2a-session-guid"
	cases := map[string]func(string, http.ResponseWriter){
		"LastErrorDescription": reply(200, envelope(`<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetRelatiesResult><ErrorMsg><LastErrorCode>E9</LastErrorCode><LastErrorDescription>`+
			echo("Sessie "+sessionID, goldenCreds.SecurityCode1, goldenCreds.SecurityCode2)+`</LastErrorDescription></ErrorMsg></GetRelatiesResult></GetRelatiesResponse>`)),
		"faultstring": reply(500, faultBody("soap:Client", echo("bad SessionID="+sessionID, goldenCreds.SecurityCode2, goldenCreds.SecurityCode1))),
		"faultcode":   reply(500, faultBody("soap:"+goldenCreds.SecurityCode1, "x")),
		"value in a record": reply(200, envelope(`<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetRelatiesResult><Relaties><cRelatie><ID>`+
			goldenCreds.SecurityCode1+`</ID><Code>`+sessionID+`</Code></cRelatie></Relaties></GetRelatiesResult></GetRelatiesResponse>`)),
		"element name": reply(200, envelope(`<x`+goldenCreds.SecurityCode1+` />`)),
	}
	for name, handle := range cases {
		t.Run(name, func(t *testing.T) {
			logs := &syncBuffer{}
			_, client := newScripted(t, func(c *Config) { c.Logger = newDebugLogger(logs) }, handle)
			_, err := client.Relations(context.Background(), RelationFilter{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
				for _, sec := range []string{goldenCreds.SecurityCode1, goldenCreds.SecurityCode2, sessionID} {
					if strings.Contains(text, sec) {
						t.Errorf("secret %q leaked: %s", sec, text)
					}
				}
			}
			if !strings.Contains(err.Error(), "REDACTED") && name != "element name" {
				t.Errorf("expected a masked value in %v", err)
			}
		})
	}
}
