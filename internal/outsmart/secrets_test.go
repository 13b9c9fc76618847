package outsmart

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// TestNoCredentialInAnyFailure runs every kind of failing call with one
// logger and checks every error text (message, %+v, %#v and each wrapped
// error) and the whole log for either token.
func TestNoCredentialInAnyFailure(t *testing.T) {
	// Control: without the client's scrubbing, the failure prints the token.
	raw := "http://127.0.0.1:1/openapi/8/employees/?token=" + testToken + "&software_token=" + testSoftToken
	resp, rawErr := http.Get(raw)
	if rawErr == nil {
		resp.Body.Close()
		t.Fatal("port 1 answered")
	}
	if !strings.Contains(rawErr.Error(), testToken) {
		t.Fatalf("the control error does not show the token, so this test could not fail: %v", rawErr)
	}

	// A scripted server that does everything wrong, echoing the tokens.
	echo := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		tok := r.URL.Query().Get("token")
		soft := r.URL.Query().Get("software_token")
		switch r.URL.Path {
		case "/openapi/8/relations/":
			jsonAnswer(w, 200, `{"code":1004,"messages":["token `+tok+` unknown","request `+r.URL.RequestURI()+`"]}`)
		case "/openapi/8/materials/":
			jsonAnswer(w, 503, `<html>proxy error for `+r.URL.String()+` software_token=`+soft+`</html>`)
		case "/openapi/8/hourtypes/":
			http.Redirect(w, r, "https://elsewhere.example/x?token="+tok+"&software_token="+soft, http.StatusFound)
		case "/openapi/8/employees/":
			jsonAnswer(w, 200, `not json `+tok)
		case "/openapi/8/GetWorkorders/":
			jsonAnswer(w, 200, `{"code":200,"response":[{"id":"`+tok+`","WorkDate":"`+soft+`"}]}`)
		case "/openapi/8/GetWorkorder/":
			<-r.Context().Done() // never answers: a timeout
		}
	})

	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jsonLogs := &syncBuffer{}
	jsonLogger := slog.New(slog.NewJSONHandler(jsonLogs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := func(base string, l *slog.Logger) Config {
		return Config{BaseURL: base, Token: testToken, SoftwareToken: testSoftToken, Retry: fastRetry,
			Timeout: 100 * time.Millisecond, Logger: l}
	}
	echoClient := mustNew(t, cfg(echo.URL+"/openapi/8", logger))
	closed := mustNew(t, cfg("http://127.0.0.1:1/openapi/8", jsonLogger))
	noDNS := mustNew(t, cfg("https://outsmart.invalid/openapi/8", logger))

	e := newEnv(t, func(c *Config) { c.Logger = logger; c.Token, c.SoftwareToken = testToken, testSoftToken })
	sbFaults := mustNew(t, Config{BaseURL: e.sb.OutSmartURL, Token: e.creds.Token, SoftwareToken: e.creds.SoftwareToken,
		Retry: fastRetry, Timeout: 100 * time.Millisecond, Logger: logger, MaxResponseBytes: 1 << 10})
	e.srv.Faults().Add(fault.Rule{Op: "GET employees", Kind: fault.Oversized, Size: 4 << 10})
	e.srv.Faults().Add(fault.Rule{Op: "GET relations", Kind: fault.Malformed})
	e.srv.Faults().Add(fault.Rule{Op: "GET GetWorkorder", Kind: fault.DropAfterApply})
	e.srv.Faults().Add(fault.Rule{Op: "GET UpdateWorkorder", Kind: fault.Timeout, Delay: fault.Duration(time.Second)})
	e.srv.Faults().Add(fault.Rule{Op: "POST materials", Kind: fault.HTTP500})

	ctx := context.Background()
	expired, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"echo: 1004 echoing the token": func() error { _, err := echoClient.Relations(ctx); return err },
		"echo: 503 HTML with the URL":  func() error { _, err := echoClient.Materials(ctx); return err },
		"echo: redirect with tokens":   func() error { _, err := echoClient.HourTypes(ctx); return err },
		"echo: not JSON":               func() error { return echoClient.CheckLogin(ctx) },
		"echo: unreadable order":       func() error { _, err := echoClient.WorkOrders(ctx, WorkOrderQuery{Status: StatusAll}); return err },
		"echo: timeout":                func() error { _, err := echoClient.WorkOrder(ctx, "1"); return err },
		"closed port":                  func() error { return closed.CheckLogin(ctx) },
		"closed port write":            func() error { return closed.MarkHandled(ctx, "1") },
		"no DNS":                       func() error { return noDNS.CheckLogin(ctx) },
		"cancelled context":            func() error { return echoClient.SetWorkflowStatus(expired, "1", "2") },
		"sandbox: wrong tokens (1004)": func() error { _, err := e.client.WorkStatuses(ctx); return err },
		"sandbox: oversized":           func() error { return sbFaults.CheckLogin(ctx) },
		"sandbox: malformed":           func() error { _, err := sbFaults.Relations(ctx); return err },
		"sandbox: dropped write":       func() error { return sbFaults.MarkHandled(ctx, "18807") },
		"sandbox: write timeout":       func() error { return sbFaults.SetWorkflowStatus(ctx, "18807", "5812445") },
		"sandbox: HTTP 500 on a write": func() error { _, err := sbFaults.UpsertMaterials(ctx, []Material{{Code: "A"}}); return err },
		"sandbox: unknown filter key":  func() error { _, err := sbFaults.Materials(ctx, Eq("nope", testToken)); return err },
		"sandbox: 1500 on a write":     func() error { return sbFaults.MarkHandled(ctx, "404") },
		"sandbox: filter with the token": func() error {
			_, err := sbFaults.WorkOrders(ctx, WorkOrderQuery{Status: StatusAll, Filters: []Filter{Eq("x", e.creds.Token)}})
			return err
		},
	}
	secrets := append(e.secrets(), testToken, testSoftToken, url.QueryEscape(testToken))
	for name, call := range calls {
		err := call()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, s := range errorTexts(err) {
			assertNoSecrets(t, name+": error", s, secrets...)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			assertNoSecrets(t, name+": *url.Error.URL", ue.URL, secrets...)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			assertNoSecrets(t, name+": APIError messages", strings.Join(apiErr.Messages, "|"), secrets...)
		}
	}
	for _, l := range []string{logs.String(), jsonLogs.String()} {
		if !strings.Contains(l, "outsmart call failed") {
			t.Errorf("no failure was logged: %s", l)
		}
		assertNoSecrets(t, "log output", l, secrets...)
	}
	if !strings.Contains(logs.String(), "token REDACTED unknown") {
		t.Error("the echoed message was dropped instead of redacted")
	}
}
