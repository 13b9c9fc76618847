package outsmart

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/retry"
)

func TestNewBaseURL(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
		want string // the normalised base, when ok
	}{
		{"", true, DefaultBaseURL},
		{"https://app.out-smart.com/openapi/8/", true, "https://app.out-smart.com/openapi/8"},
		{"HTTPS://www.werkbonapp.nl/openapi/8", true, "https://www.werkbonapp.nl/openapi/8"},
		{"http://127.0.0.1:8080/openapi/8", true, "http://127.0.0.1:8080/openapi/8"},
		{"http://127.5.6.7/openapi/8", true, "http://127.5.6.7/openapi/8"},
		{"http://[::1]:9000/openapi/8", true, "http://[::1]:9000/openapi/8"},
		{"http://localhost:9000/openapi/8", true, "http://localhost:9000/openapi/8"},
		{"http://LOCALHOST/openapi/8", true, "http://LOCALHOST/openapi/8"},
		{"http://app.out-smart.com/openapi/8", false, ""},
		{"http://10.0.0.1/openapi/8", false, ""},
		{"http://128.0.0.1/openapi/8", false, ""},
		{"http://localhost.example.com/openapi/8", false, ""},
		{"http://[::2]/openapi/8", false, ""},
		{"ftp://app.out-smart.com/openapi/8", false, ""},
		{"app.out-smart.com/openapi/8", false, ""},
		{"https://user:pw@app.out-smart.com/openapi/8", false, ""},
		{"https://app.out-smart.com/openapi/8?token=abc", false, ""},
		{"https://app.out-smart.com/openapi/8#x", false, ""},
		{"https:///openapi/8", false, ""},
		{"://bad", false, ""},
	}
	for _, tt := range tests {
		c, err := New(Config{BaseURL: tt.base, Token: "t", SoftwareToken: "s"})
		if !tt.ok {
			if err == nil {
				t.Errorf("New(%q) accepted", tt.base)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%q): %v", tt.base, err)
			continue
		}
		if got := c.base.String(); got != tt.want {
			t.Errorf("New(%q) base = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestNewErrorsHideCredentials(t *testing.T) {
	_, err := New(Config{BaseURL: "http://example.com/openapi/8?token=" + testToken, Token: testToken, SoftwareToken: testSoftToken})
	if err == nil {
		t.Fatal("accepted a base URL with a query")
	}
	assertErrorClean(t, err, testToken, testSoftToken)
	_, err = New(Config{BaseURL: "https://u:" + testSoftToken + "@example.com/", Token: testToken, SoftwareToken: testSoftToken})
	if err == nil {
		t.Fatal("accepted user information")
	}
	assertErrorClean(t, err, testToken, testSoftToken)
}

func TestNewDefaultsAndLimits(t *testing.T) {
	c := mustNew(t, Config{Token: " " + testToken + "\n", SoftwareToken: testSoftToken})
	if c.timeout != DefaultTimeout || c.workOrdersTimeout != DefaultWorkOrdersTimeout || c.maxBytes != DefaultMaxResponseBytes ||
		c.batchSize != DefaultBatchSize || c.policy != retry.Default {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.token != testToken {
		t.Errorf("token not trimmed: %q", c.token)
	}
	c = mustNew(t, Config{Token: "t", SoftwareToken: "s", Timeout: 10 * time.Minute})
	if c.workOrdersTimeout != 10*time.Minute {
		t.Errorf("GetWorkorders timeout %s is below the general timeout", c.workOrdersTimeout)
	}
	for _, cfg := range []Config{
		{Timeout: -1}, {WorkOrdersTimeout: -1}, {MaxResponseBytes: -1}, {BatchSize: -1}, {Retry: retry.Policy{Attempts: -1}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestNewCopiesHTTPClientAndNeverFollowsRedirects(t *testing.T) {
	own := &http.Client{Timeout: time.Minute}
	c := mustNew(t, Config{HTTPClient: own, Token: "t", SoftwareToken: "s"})
	if c.hc == own || own.CheckRedirect != nil {
		t.Error("the caller's http.Client was changed or shared")
	}
	if c.hc.Timeout != time.Minute || c.hc.CheckRedirect == nil {
		t.Error("the copy lost the caller's settings or follows redirects")
	}
}

func TestStringsHideCredentials(t *testing.T) {
	cfg := Config{BaseURL: "https://app.out-smart.com/openapi/8", Token: testToken, SoftwareToken: testSoftToken}
	c := mustNew(t, cfg)
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	log.Info("config", "cfg", cfg, "client", c)
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logs.String(),
	} {
		assertNoSecrets(t, "printed value", s, testToken, testSoftToken)
		if !strings.Contains(s, "REDACTED") {
			t.Errorf("%q does not say the token is redacted", s)
		}
	}
}

func TestCallsRefuseBadArgumentsWithoutCalling(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":[]}`)
	})
	c, _ := scriptedClient(t, s, nil)
	ctx := context.Background()
	calls := []struct {
		name string
		err  error
	}{
		{"WorkOrders without status", func() error { _, err := c.WorkOrders(ctx, WorkOrderQuery{}); return err }()},
		{"WorkOrders with unknown status", func() error { _, err := c.WorkOrders(ctx, WorkOrderQuery{Status: "Klaar"}); return err }()},
		{"filter without key", func() error { _, err := c.Relations(ctx, Filter{Value: "x"}); return err }()},
		{"filter with bad operator", func() error { _, err := c.Materials(ctx, Filter{Key: "code", Operator: "=", Value: "x"}); return err }()},
		{"WorkOrder empty row id", func() error { _, err := c.WorkOrder(ctx, " "); return err }()},
		{"MarkHandled empty row id", c.MarkHandled(ctx, "")},
		{"SetWorkflowStatus empty code", c.SetWorkflowStatus(ctx, "1", "")},
		{"nil context", c.CheckLogin(nil)}, //lint:ignore SA1012 a nil context must be refused, not panic
	}
	for _, call := range calls {
		if call.err == nil {
			t.Errorf("%s: no error", call.name)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
	if n, err := c.UpsertRelations(ctx, nil); n != 0 || err != nil || len(s.requests()) != 0 {
		t.Errorf("an empty upsert gave %d, %v and %d requests", n, err, len(s.requests()))
	}
}

func TestFiltersInTheQuery(t *testing.T) {
	s := newScripted(t, func(w http.ResponseWriter, r *http.Request, n int) {
		jsonAnswer(w, 200, `{"code":200,"messages":[],"response":[]}`)
	})
	c, _ := scriptedClient(t, s, nil)
	ctx := context.Background()
	in := []Filter{{Key: "active", Value: "1"}, {Key: "zip", Operator: Like, Value: "35%"}}
	if _, err := c.Relations(ctx, in...); err != nil {
		t.Fatal(err)
	}
	if in[0].Operator != "" {
		t.Error("the caller's filters were changed")
	}
	if _, err := c.Relations(ctx, Eq("debtor_number", "14233Aaa")); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	several, one := reqs[0].Query, reqs[1].Query
	if got := several["key[]"]; strings.Join(got, ",") != "active,zip" {
		t.Errorf("key[] = %v", got)
	}
	if got := several["operator[]"]; strings.Join(got, ",") != "eq,li" {
		t.Errorf("operator[] = %v (the default operator is eq)", got)
	}
	if got := several["value[]"]; strings.Join(got, ",") != "1,35%" {
		t.Errorf("value[] = %v", got)
	}
	if one.Get("key") != "debtor_number" || one.Get("operator") != "eq" || one.Get("value") != "14233Aaa" || one.Has("key[]") {
		t.Errorf("single filter query = %v", one)
	}
	if reqs[0].Path != "/openapi/8/relations/" {
		t.Errorf("path = %q, want /openapi/8/relations/", reqs[0].Path)
	}
	if one.Get("token") != testToken || one.Get("software_token") != testSoftToken {
		t.Error("credentials missing from the query")
	}
}

func TestPartialErrorMessageIsBounded(t *testing.T) {
	pe := &PartialError{Endpoint: "GET materials", Total: 10}
	for i := range 6 {
		pe.Records = append(pe.Records, &RecordError{Kind: "material", ID: fmt.Sprint(i), Field: "price", Err: errors.New("bad")})
	}
	msg := pe.Error()
	if !strings.Contains(msg, "6 of 10") || !strings.Contains(msg, "and 3 more") || strings.Contains(msg, "material 5") {
		t.Errorf("message = %q", msg)
	}
	if len(pe.Unwrap()) != 6 {
		t.Error("Unwrap does not return every record")
	}
}

func TestAPIErrorIs(t *testing.T) {
	tests := []struct {
		code   int
		target error
		want   bool
	}{
		{1002, ErrUnauthorized, true}, {1003, ErrUnauthorized, true}, {1004, ErrUnauthorized, true}, {1005, ErrUnauthorized, true},
		{1006, ErrUnauthorized, false}, {1500, ErrNotFound, true}, {1501, ErrNotFound, false},
		{1007, ErrTransient, true}, {1009, ErrTransient, false}, {1301, ErrOutcomeUnknown, false},
	}
	for _, tt := range tests {
		err := error(&APIError{Endpoint: "GET x", Code: tt.code})
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("code %d Is %v = %v, want %v", tt.code, tt.target, got, tt.want)
		}
	}
	msg := (&APIError{Endpoint: "POST relations", Code: 1301, Messages: []string{"Required field missing: name"}, HTTPStatus: 200}).Error()
	if msg != "outsmart POST relations: code 1301 (relation: required field missing): Required field missing: name" {
		t.Errorf("message = %q", msg)
	}
}
