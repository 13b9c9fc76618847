package services

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/engine"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
)

// demo starts the sandboxes for the test and returns them with the demo
// credentials and their endpoints.
func demo(t *testing.T) (*sandbox.Sandbox, secrets.Credentials, Endpoints) {
	t.Helper()
	env := testkit.Start(t, sandbox.Options{})
	return env.Sandbox, env.Credentials, Endpoints(env.Endpoints)
}

func TestCheckLogin(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
	_, good, ep := demo(t)
	ctx := context.Background()
	if p := CheckLogin(ctx, good, ep); p != nil {
		t.Fatalf("good credentials: %v", p)
	}
	cases := []struct {
		name    string
		change  func(c *secrets.Credentials, ep *Endpoints)
		service report.Service
		kind    report.ProblemKind
		field   report.LoginField
		dutch   string
	}{
		{"missing code 2", func(c *secrets.Credentials, _ *Endpoints) { c.EBoekhoudenSecurityCode2 = "" }, report.EBoekhouden, report.ProblemMissing, report.FieldSecurityCode2, "vul de beveiligingscode 2 in"},
		{"wrong security code", func(c *secrets.Credentials, _ *Endpoints) { c.EBoekhoudenSecurityCode1 = strings.Repeat("0", 32) }, report.EBoekhouden, report.ProblemRefused, report.FieldSecurityCodes, "e-Boekhouden weigert"},
		{"wrong token", func(c *secrets.Credentials, _ *Endpoints) { c.OutSmartToken = strings.Repeat("a", 64) }, report.OutSmart, report.ProblemRefused, report.FieldToken, "OutSmart weigert de token"},
		{"wrong software token", func(c *secrets.Credentials, _ *Endpoints) { c.OutSmartSoftwareToken = strings.Repeat("b", 40) }, report.OutSmart, report.ProblemRefused, report.FieldSoftwareToken, "software token"},
		{"OutSmart down", func(_ *secrets.Credentials, ep *Endpoints) { ep.OutSmartURL = "http://127.0.0.1:1/openapi/8" }, report.OutSmart, report.ProblemUnreachable, "", "niet bereikbaar"},
		{"plain http to a remote host", func(_ *secrets.Credentials, ep *Endpoints) { ep.EBoekhoudenURL = "http://example.com/soap.asmx" }, report.EBoekhouden, report.ProblemInvalid, report.FieldAddress, "ongeldig adres"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, e := good, ep
			tc.change(&c, &e)
			p := CheckLogin(ctx, c, e)
			if p == nil || p.Service != tc.service || p.Kind != tc.kind || p.Field != tc.field {
				t.Fatalf("got %+v", p)
			}
			msg := p.Dutch() + p.Error()
			if !strings.Contains(p.Dutch(), tc.dutch) {
				t.Errorf("Dutch() = %q, want it to contain %q", p.Dutch(), tc.dutch)
			}
			for _, s := range c.Secrets() {
				if s != "" && strings.Contains(msg, s) {
					t.Fatalf("a secret in the message: %s", msg)
				}
			}
		})
	}
}

func TestWorkflowStatuses(t *testing.T) {
	_, c, ep := demo(t)
	names, err := WorkflowStatuses(context.Background(), c, ep)
	if err != nil || !slices.Contains(names, store.DefaultWorkflowStatus) || !slices.IsSorted(names) {
		t.Fatalf("%v %v", names, err)
	}
}

func TestRunnerRecordsARunThatCannotStart(t *testing.T) {
	sb, c, ep := demo(t)
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	var lines []store.LogEntry
	r := &Runner{Store: st, Endpoints: ep, OnLog: func(e store.LogEntry) { lines = append(lines, e) },
		Credentials: func() (secrets.Credentials, error) { return secrets.Credentials{}, nil }}
	sum := r.Run(ctx, engine.RunOptions{Trigger: "test"})
	if !errors.Is(sum.Err, ErrNoCredentials) || sum.Outcome != store.RunFailed || len(lines) != 1 {
		t.Fatalf("no credentials: %+v %v", sum, lines)
	}
	// The refused run's line carries the moment it was refused (not
	// 00:00:00) and reads in English too.
	if lines[0].Time.IsZero() || time.Since(lines[0].Time) > time.Minute {
		t.Errorf("refused run's line at %v", lines[0].Time)
	}
	if en := lines[0].Text(message.English); !strings.HasPrefix(en, "Synchronisation not started: the login details are missing") {
		t.Errorf("refused run in English: %q", en)
	}
	last, err := st.LastRun(ctx)
	if err != nil || last.Outcome != store.RunFailed || !strings.Contains(last.Summary, "Inloggen") {
		t.Fatalf("run history: %+v %v", last, err)
	}
	// The refusal is on the attention list, with its fix on Inloggen, and
	// counted as open.
	login := func() []report.AttentionItem {
		t.Helper()
		items, err := r.Attention(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []report.AttentionItem
		for _, it := range items {
			if it.Kind == report.AttentionLogin {
				out = append(out, it)
			}
		}
		return out
	}
	items := login()
	if len(items) != 1 || sum.Open.Login != 1 {
		t.Fatalf("attention after a run without credentials: %+v (open %+v)", items, sum.Open)
	}
	it := items[0]
	if nl := it.Reason.Render(message.Dutch); !strings.Contains(nl, "inloggegevens ontbreken") {
		t.Errorf("reason %q", nl)
	}
	if en := it.Fix.Render(message.English); !strings.Contains(en, "on the Login tab") || !strings.Contains(it.Fix.Render(message.Dutch), "tabblad Inloggen") {
		t.Errorf("fix %q", en)
	}
	if !it.CanRetry || it.CanSkip || it.Title.Render(message.Dutch) != "Inloggen" {
		t.Errorf("item %+v", it)
	}
	r.Run(ctx, engine.RunOptions{Trigger: "test"}) // a second refusal: still one item
	if n := len(login()); n != 1 {
		t.Errorf("%d login items after a second refusal", n)
	}
	// With credentials the run works and the item is gone; the next run
	// reads them again.
	r.Credentials = func() (secrets.Credentials, error) { return c, nil }
	if sum := r.Run(ctx, engine.RunOptions{Trigger: "test"}); sum.Err != nil || sum.Relations == 0 || sum.Open.Login != 0 {
		t.Fatalf("run with credentials: %+v", sum)
	}
	if items := login(); len(items) != 0 {
		t.Errorf("the missing credentials stay on the list after a run with them: %+v", items)
	}
	if sb.EBoekhouden.State().Sessions != 0 {
		t.Error("the e-Boekhouden session was left open")
	}
}

// TestRunnerNamesTheKeychainFailure: a keychain that cannot be reached
// stops the run with the keychain's own cause and advice, not the generic
// "fill in the credentials".
func TestRunnerNamesTheKeychainFailure(t *testing.T) {
	ctx := context.Background()
	st := testkit.OpenStore(t, "")
	v := &secrets.Vault{Keychain: &secrets.MemoryKeychain{Err: secrets.ErrKeychainTimeout}, Getenv: func(string) string { return "" }}
	r := &Runner{Store: st, Credentials: func() (secrets.Credentials, error) { c, _, err := v.Load(); return c, err }}
	sum := r.Run(ctx, engine.RunOptions{Trigger: "test"})
	if sum.Outcome != store.RunFailed || !errors.Is(sum.Err, secrets.ErrKeychainTimeout) {
		t.Fatalf("silent keychain: %+v", sum)
	}
	if !strings.Contains(sum.Line, "sleutelbos antwoordt niet") || !strings.Contains(sum.Line, "KOPPELING_") || strings.Contains(sum.Line, "Vul ze in bij Inloggen") {
		t.Fatalf("line does not name the cause: %q", sum.Line)
	}
	// The attention list says the keychain's cause too.
	items, err := r.Attention(ctx)
	if err != nil || len(items) != 1 || !strings.Contains(items[0].Reason.Render(message.English), "cannot read the login details") ||
		!strings.Contains(items[0].Reason.Render(message.English), "the keychain does not answer") {
		t.Errorf("attention for an unreadable keychain: %+v %v", items, err)
	}
	// The English window reads the same cause in English.
	if en := sum.Message.Render(message.English); !strings.Contains(en, "the keychain does not answer") || strings.Contains(en, "sleutelbos") {
		t.Errorf("English line: %q", en)
	}
}

// TestCheckLoginAgainstAWebPage: a proxy or Wi-Fi page answering in a
// service's place is named as such, not as "niet bereikbaar".
func TestCheckLoginAgainstAWebPage(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds: make test runs it, -short does not")
	}
	_, c, ep := demo(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body><h1>Welkom op het gastnetwerk</h1></body></html>"))
	}))
	defer page.Close()
	for _, tc := range []struct {
		service report.Service
		change  func(*Endpoints)
	}{
		{report.EBoekhouden, func(e *Endpoints) { e.EBoekhoudenURL = page.URL + "/soap.asmx" }},
		{report.OutSmart, func(e *Endpoints) { e.OutSmartURL = page.URL + "/openapi/8" }},
	} {
		e := ep
		tc.change(&e)
		p := CheckLogin(context.Background(), c, e)
		if p == nil || p.Service != tc.service || p.Kind != report.ProblemNotTheService {
			t.Fatalf("%s answered by a web page: %+v", tc.service, p)
		}
		msg := p.Dutch()
		for _, want := range []string{"niet van " + string(tc.service), "webpagina", "proxy"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message lacks %q: %s", tc.service, want, msg)
			}
		}
		if strings.Contains(msg, "niet bereikbaar") {
			t.Errorf("%s: a web page is reported as not reachable: %s", tc.service, msg)
		}
	}
}
