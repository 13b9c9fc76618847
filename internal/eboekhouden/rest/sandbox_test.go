package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// These tests run the client against the strict REST sandbox
// (internal/sandbox/ebrest) over real loopback HTTP with the demo dataset.
// The client and the sandbox have clocks of their own; the client's sleep
// advances both, so that a Retry-After is waited out without waiting.

// sandboxSecrets are the credentials no error or log line may show, on top
// of the scripted tests' ones: the demo API token and the sandbox's session
// token prefix.
var sandboxSecrets = []string{ebrest.DemoAPIToken, "sbx."}

// authRecorder remembers every Authorization header the client sent. It
// has a transport of its own, closed before the sandbox: a connection the
// transport dialled but never used would hold up the sandbox's graceful
// shutdown for five seconds (net/http treats a new connection as idle only
// after that long).
type authRecorder struct {
	tr    *http.Transport
	mu    sync.Mutex
	auths []string
}

func (a *authRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		a.mu.Lock()
		a.auths = append(a.auths, h)
		a.mu.Unlock()
	}
	return a.tr.RoundTrip(r)
}

func (a *authRecorder) last() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.auths) == 0 {
		return ""
	}
	return a.auths[len(a.auths)-1]
}

// sandboxEnv is a sandbox on a loopback port and a client of it.
type sandboxEnv struct {
	t       *testing.T
	srv     *ebrest.Running
	c       *Client
	clock   *fakeClock // the client's
	sbClock *fakeClock // the sandbox's
	logs    *logBuffer
	auth    *authRecorder
}

func newSandboxEnv(t *testing.T, opts func(*ebrest.Options), edit func(*Config)) *sandboxEnv {
	t.Helper()
	e := &sandboxEnv{t: t, sbClock: newFakeClock(), auth: &authRecorder{tr: http.DefaultTransport.(*http.Transport).Clone()}}
	o := ebrest.Options{Dataset: demodata.Default().EBoekhouden, Now: e.sbClock.Now}
	if opts != nil {
		opts(&o)
	}
	srv, err := ebrest.Start("", o)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	t.Cleanup(e.auth.tr.CloseIdleConnections) // runs first
	e.c, e.clock, e.logs = testClient(t, srv.URL, func(cfg *Config) {
		cfg.APIToken = ebrest.DemoAPIToken
		cfg.HTTPClient = &http.Client{Transport: e.auth}
		if edit != nil {
			edit(cfg)
		}
	})
	// Sleeping advances both clocks: a Retry-After passes on both sides.
	clientSleep := e.clock.Sleep
	e.c.sleep = func(ctx context.Context, d time.Duration) error {
		if err := clientSleep(ctx, d); err != nil {
			return err
		}
		e.sbClock.Advance(d)
		return nil
	}
	t.Cleanup(func() { assertNoSecrets(t, "log", e.logs.String(), sandboxSecrets...) })
	return e
}

// check fails on an error and on a credential in it.
func (e *sandboxEnv) check(what string, err error) {
	e.t.Helper()
	if err != nil {
		assertNoSecrets(e.t, what+" error", err.Error(), sandboxSecrets...)
		e.t.Fatalf("%s: %v", what, err)
	}
}

// expect fails unless err matches want; the error must show no credential.
func (e *sandboxEnv) expect(what string, err, want error) {
	e.t.Helper()
	if err == nil {
		e.t.Fatalf("%s: no error, want %v", what, want)
	}
	assertNoSecrets(e.t, what+" error", err.Error(), sandboxSecrets...)
	if !errors.Is(err, want) {
		e.t.Fatalf("%s: %v, want %v", what, err, want)
	}
}

// calls lists the sandbox's request log as "OP STATUS" lines.
func (e *sandboxEnv) calls() []string {
	var out []string
	for _, r := range e.srv.Requests().All() {
		out = append(out, fmt.Sprintf("%s %d", r.Op, r.Status))
	}
	return out
}

func (e *sandboxEnv) count(op string) int { return e.srv.Requests().Count(op) }

// rawGet calls the sandbox without the client, with an Authorization header.
func rawGet(t *testing.T, url, auth string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestSandboxSessionOpensWithTheDemoToken(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	e.check("CheckLogin", e.c.CheckLogin(ctx))
	if n := e.srv.State().Sessions; n != 1 {
		t.Fatalf("%d live sessions, want 1", n)
	}
	// A second call reuses the session.
	_, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	if n := e.count("POST /v1/session"); n != 1 {
		t.Errorf("%d sessions opened, want 1: %v", n, e.calls())
	}
}

func TestSandboxWrongTokenIsBadCredentials(t *testing.T) {
	const wrong = "wrong-rest-api-token-4711"
	e := newSandboxEnv(t, nil, func(cfg *Config) { cfg.APIToken = wrong })
	err := e.c.CheckLogin(context.Background())
	e.expect("CheckLogin", err, ErrBadCredentials)
	assertNoSecrets(t, "error", err.Error(), wrong)
	assertNoSecrets(t, "log", e.logs.String(), wrong)
	if n := e.count("POST /v1/session"); n != 1 {
		t.Errorf("a refused token was tried %d times, want once: %v", n, e.calls())
	}
}

func TestSandboxExpiredTokenIsTokenExpired(t *testing.T) {
	const expired = "expired-rest-api-token-77"
	e := newSandboxEnv(t, func(o *ebrest.Options) {
		o.APITokens = []string{ebrest.DemoAPIToken, expired}
		o.ExpiredTokens = []string{expired}
	}, func(cfg *Config) { cfg.APIToken = expired })
	err := e.c.CheckLogin(context.Background())
	e.expect("CheckLogin", err, ErrTokenExpired)
	e.expect("CheckLogin", err, ErrBadCredentials)
	assertNoSecrets(t, "error", err.Error(), expired)
}

func TestSandboxExpiredSessionIsReopenedOnce(t *testing.T) {
	e := newSandboxEnv(t, func(o *ebrest.Options) { o.SessionTTL = 10 * time.Minute }, nil)
	ctx := context.Background()
	e.check("CheckLogin", e.c.CheckLogin(ctx))
	// The sandbox's session ends while the client still counts on it.
	e.sbClock.Advance(10 * time.Minute)
	units, err := e.c.ListUnits(ctx)
	e.check("ListUnits after the session expired", err)
	if len(units) != len(e.srv.State().Units) {
		t.Errorf("%d units, want %d", len(units), len(e.srv.State().Units))
	}
	want := []string{"POST /v1/session 200", "GET /v1/unit 401", "POST /v1/session 200", "GET /v1/unit 200"}
	if got := e.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v, want %v", got, want)
	}

	// The client renews on its own clock before the session ends: no 401.
	e.clock.Advance(9*time.Minute + time.Second)
	e.sbClock.Advance(9*time.Minute + time.Second)
	_, err = e.c.ListUnits(ctx)
	e.check("ListUnits after renewal", err)
	if n := e.count("POST /v1/session"); n != 3 {
		t.Errorf("%d sessions opened, want 3: %v", n, e.calls())
	}
	for _, c := range e.calls()[4:] {
		if strings.HasSuffix(c, " 401") {
			t.Errorf("the client let its session expire: %v", e.calls())
		}
	}
}

func TestSandboxSessionRefusedTwiceIsNotRetriedForever(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	// Every call to the unit list loses its session.
	e.srv.Faults().Add(fault.Rule{Op: "GET /v1/unit", Kind: fault.SessionExpired})
	_, err := e.c.ListUnits(context.Background())
	e.expect("ListUnits", err, ErrSessionExpired)
	// §2.3: a second 401 means the API token itself is bad.
	e.expect("ListUnits", err, ErrBadCredentials)
	if n := e.count("GET /v1/unit"); n != 2 {
		t.Errorf("GET /v1/unit %d times, want 2 (once more with a new session): %v", n, e.calls())
	}
}

func TestSandboxCloseRevokesTheSession(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	_, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	auth := e.auth.last()
	if auth == "" {
		t.Fatal("no Authorization header was sent")
	}
	if got := rawGet(t, e.srv.URL+"/v1/unit", auth); got != http.StatusOK {
		t.Fatalf("the live session answers %d", got)
	}
	e.check("Close", e.c.Close(ctx))
	if got := rawGet(t, e.srv.URL+"/v1/unit", auth); got != http.StatusUnauthorized {
		t.Errorf("after Close the session answers %d, want 401", got)
	}
	if n := e.srv.State().Sessions; n != 0 {
		t.Errorf("%d live sessions after Close, want 0", n)
	}
	// Close twice is harmless; the client opens a new session afterwards.
	e.check("second Close", e.c.Close(ctx))
	_, err = e.c.ListUnits(ctx)
	e.check("ListUnits after Close", err)
	if n := e.count("POST /v1/session"); n != 2 {
		t.Errorf("%d sessions opened, want 2: %v", n, e.calls())
	}
}

// money turns a sandbox amount into a decimal.
func money(t *testing.T, f *float64) *decimal.Decimal {
	t.Helper()
	if f == nil {
		return nil
	}
	d, err := decimal.Parse(strconv.FormatFloat(*f, 'f', -1, 64))
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func sameMoney(a, b *decimal.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// relationFromSandbox is what GetRelation should make of a sandbox
// relation.
func relationFromSandbox(t *testing.T, w ebrest.Relation) Relation {
	t.Helper()
	day := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	r := Relation{
		ID: int64(w.ID), Type: w.Type, Code: w.Code, Created: day(w.Date), Name: w.Name, Salutation: w.Salutation,
		Contact: w.Contact, Gender: w.Gender, Address: w.Address, PostalCode: w.PostalCode, City: w.City,
		Country: w.Country, Address2: w.Address2, PostalCode2: w.PostalCode2, City2: w.City2, Country2: w.Country2,
		Phone: w.PhoneNumber, Mobile: w.MobilePhoneNumber, Fax: w.FaxNumber, Email: w.EmailAddress,
		EmailInvoice: w.EmailAddressInvoice, EmailReminder: w.EmailAddressReminder, Website: w.Website, Note: w.Note,
		VATNumber: w.VatNumber, Inactive: w.Inactive, CompanyRegistrationNumber: w.CompanyRegistrationNumber,
		IBAN: w.Iban, BIC: w.Bic, NoNewsletters: w.DoNotReceiveNewsletters != 0, LedgerID: int64(w.LedgerID),
		Mandate: w.Mandate, MandateType: w.MandateType, MandateID: w.MandateID, MandateSigned: day(w.MandateSignedDate),
		FreeText: [10]string{w.FreeText1, w.FreeText2, w.FreeText3, w.FreeText4, w.FreeText5,
			w.FreeText6, w.FreeText7, w.FreeText8, w.FreeText9, w.FreeText10},
	}
	if w.TermOfPayment != nil {
		days := int(*w.TermOfPayment)
		r.TermOfPayment = &days
	}
	return r
}

func TestSandboxRelationsArriveComplete(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	// One relation with every field the model has, so that each is compared.
	term := int32(21)
	e.srv.Update(func(st *ebrest.State) {
		st.Relations[len(st.Relations)-1] = ebrest.Relation{
			ID: st.Relations[len(st.Relations)-1].ID, Type: "P", Code: "VOL01", Date: "2025-03-04", Name: "Volledig Ingevuld",
			Salutation: "Geachte heer", Contact: "J. Vol", Gender: "m", Address: "Laan 1", PostalCode: "1234 AB",
			City: "Ede", Country: "NL", Address2: "Postbus 9", PostalCode2: "1234 AC", City2: "Ede", Country2: "NL",
			PhoneNumber: "0318-123456", MobilePhoneNumber: "06-12345678", FaxNumber: "0318-654321",
			EmailAddress: "vol@example.nl", EmailAddressInvoice: "factuur@example.nl", EmailAddressReminder: "aanmaning@example.nl",
			Website: "https://example.nl", Note: "Notitie", VatNumber: "NL001234567B01", Inactive: true, TermOfPayment: &term,
			CompanyRegistrationNumber: "12345678", Iban: "NL91ABNA0417164300", Bic: "ABNANL2A",
			FreeText1: "een", FreeText2: "twee", FreeText3: "drie", FreeText4: "vier", FreeText5: "vijf",
			FreeText6: "zes", FreeText7: "zeven", FreeText8: "acht", FreeText9: "negen", FreeText10: "tien",
			DoNotReceiveNewsletters: 1, LedgerID: 902, Mandate: true, MandateType: "D", MandateID: "MND-1",
			MandateSignedDate: "2025-03-05",
		}
	})
	want := e.srv.State().Relations
	got, err := e.c.ListRelations(ctx)
	e.check("ListRelations", err)
	if len(got) != len(want) || len(want) != 37 {
		t.Fatalf("%d relations, want %d (the demo has 37)", len(got), len(want))
	}
	for i, w := range want {
		if got[i] != (RelationRef{ID: int64(w.ID), Type: w.Type, Code: w.Code}) {
			t.Errorf("relation #%d: %+v, want %d %s %s", i, got[i], w.ID, w.Type, w.Code)
		}
		r, err := e.c.GetRelation(ctx, int64(w.ID))
		e.check("GetRelation", err)
		if r.ID != got[i].ID || r.Code != got[i].Code || r.Type != got[i].Type {
			t.Errorf("GetRelation(%d) = %d %s %s, the list says %+v", w.ID, r.ID, r.Type, r.Code, got[i])
		}
		if want := relationFromSandbox(t, w); !reflect.DeepEqual(r, want) {
			t.Errorf("GetRelation(%d)\n got %+v\nwant %+v", w.ID, r, want)
		}
	}
	_, err = e.c.GetRelation(ctx, 999999999)
	e.expect("GetRelation(unknown)", err, ErrNotFound)
}

func TestSandboxProductsArriveComplete(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	want := e.srv.State().Products
	got, err := e.c.ListProducts(ctx)
	e.check("ListProducts", err)
	if len(got) != len(want) || len(want) != 28 {
		t.Fatalf("%d products, want %d (the demo has 28)", len(got), len(want))
	}
	for i, w := range want {
		ref := ProductRef{ID: int64(w.ID), Code: w.Code, Description: w.Description, UnitID: int64(w.UnitID), Active: w.Active}
		if got[i] != ref {
			t.Errorf("product #%d: %+v, want %+v", i, got[i], ref)
		}
		p, err := e.c.GetProduct(ctx, int64(w.ID))
		e.check("GetProduct", err)
		switch {
		case p.ProductRef != got[i]:
			t.Errorf("GetProduct(%d) = %+v, the list says %+v", w.ID, p.ProductRef, got[i])
		case !sameMoney(p.PriceExcl, money(t, w.PriceExcl)) || !sameMoney(p.PriceIncl, money(t, w.PriceIncl)) ||
			!sameMoney(p.PurchasePriceExcl, money(t, w.PurchasePriceExcl)):
			t.Errorf("GetProduct(%d) prices %v/%v/%v, the sandbox holds %v/%v/%v", w.ID,
				p.PriceExcl, p.PriceIncl, p.PurchasePriceExcl, w.PriceExcl, w.PriceIncl, w.PurchasePriceExcl)
		case p.VATCode != w.Vat || p.LedgerID != int64(w.LedgerID) || p.CostCenterID != int64(w.CostCenterID) || p.GroupID != int64(w.GroupID):
			t.Errorf("GetProduct(%d) = %+v, the sandbox holds %+v", w.ID, p, w)
		}
	}
	_, err = e.c.GetProduct(ctx, 999999999)
	e.expect("GetProduct(unknown)", err, ErrNotFound)
}

func TestSandboxManyRelationsArriveAcrossPages(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	const extra = 4500
	e.srv.Update(func(st *ebrest.State) {
		for i := range extra {
			st.Relations = append(st.Relations, ebrest.Relation{
				ID: int32(6000001 + i), Type: "P", Code: fmt.Sprintf("P%05d", i), Name: fmt.Sprintf("Klant %d", i),
			})
		}
	})
	want := e.srv.State().Relations
	got, err := e.c.ListRelations(context.Background())
	e.check("ListRelations", err)
	if len(got) != len(want) || len(want) != 37+extra {
		t.Fatalf("%d relations, want %d", len(got), len(want))
	}
	seen := map[int64]bool{}
	for i, w := range want {
		if seen[got[i].ID] {
			t.Fatalf("relation %d came twice", got[i].ID)
		}
		seen[got[i].ID] = true
		if got[i].ID != int64(w.ID) || got[i].Code != w.Code {
			t.Fatalf("relation #%d: %+v, want %d %s", i, got[i], w.ID, w.Code)
		}
	}
	var queries []string
	for _, r := range e.srv.Requests().All() {
		if r.Op == "GET /v1/relation" {
			queries = append(queries, r.Query)
		}
	}
	// 4,537 records: pages of 2,000, 2,000 and 537.
	wantQ := []string{"limit=2000&offset=0", "limit=2000&offset=2000", "limit=2000&offset=4000"}
	if strings.Join(queries, " ") != strings.Join(wantQ, " ") {
		t.Errorf("pages %v, want %v", queries, wantQ)
	}
}

func TestSandboxManyProductsWithSmallPages(t *testing.T) {
	e := newSandboxEnv(t, nil, func(cfg *Config) { cfg.PageSize = 7 })
	want := e.srv.State().Products
	got, err := e.c.ListProducts(context.Background())
	e.check("ListProducts", err)
	if len(got) != len(want) {
		t.Fatalf("%d products, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != int64(want[i].ID) {
			t.Fatalf("product #%d is %d, want %d", i, got[i].ID, want[i].ID)
		}
	}
	// 28 products in pages of 7: four full pages and an empty one.
	if n := e.count("GET /v1/product"); n != 5 {
		t.Errorf("%d pages, want 5: %v", n, e.calls())
	}
}

// relationCodes lists the codes of relations, in order.
func relationCodes(rs []RelationRef) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func TestSandboxRelationFiltersMatchTheFullList(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	all := e.srv.State().Relations
	cases := []struct {
		f    Filter
		keep func(r ebrest.Relation) bool
	}{
		{Filter{Param: "city", Value: "Utrecht"}, func(r ebrest.Relation) bool { return strings.EqualFold(r.City, "Utrecht") }},
		{Filter{Param: "city", Op: "not_eq", Value: "utrecht"}, func(r ebrest.Relation) bool { return !strings.EqualFold(r.City, "Utrecht") }},
		{Filter{Param: "type", Value: "P"}, func(r ebrest.Relation) bool { return r.Type == "P" }},
		{Filter{Param: "name", Op: "like", Value: "%bouw%"}, func(r ebrest.Relation) bool {
			return strings.Contains(strings.ToLower(r.Name), "bouw")
		}},
		{Filter{Param: "name", Op: "not_like", Value: "%b.v.%"}, func(r ebrest.Relation) bool {
			return !strings.Contains(strings.ToLower(r.Name), "b.v.")
		}},
		{Filter{Param: "code", Value: "1002"}, func(r ebrest.Relation) bool { return r.Code == "1002" }},
		{Filter{Param: "code", Op: "like", Value: "100?"}, func(r ebrest.Relation) bool {
			return len(r.Code) == 4 && strings.HasPrefix(r.Code, "100")
		}},
	}
	for _, tc := range cases {
		var want []string
		for _, r := range all {
			if tc.keep(r) {
				want = append(want, r.Code)
			}
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Fatalf("filter %+v keeps %d of %d: the test proves nothing", tc.f, len(want), len(all))
		}
		got, err := e.c.ListRelations(ctx, tc.f)
		e.check(fmt.Sprintf("ListRelations(%+v)", tc.f), err)
		if g := relationCodes(got); strings.Join(g, ",") != strings.Join(want, ",") {
			t.Errorf("filter %+v: %v, want %v", tc.f, g, want)
		}
	}
}

func TestSandboxProductFiltersMatchTheFullList(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	all := e.srv.State().Products
	cases := []struct {
		f    Filter
		keep func(p ebrest.Product) bool
	}{
		{Filter{Param: "code", Op: "like", Value: "ARB-%"}, func(p ebrest.Product) bool { return strings.HasPrefix(p.Code, "ARB-") }},
		{Filter{Param: "code", Value: "ARB-MONT"}, func(p ebrest.Product) bool { return p.Code == "ARB-MONT" }},
		{Filter{Param: "groupCode", Value: "UREN"}, func(p ebrest.Product) bool { return p.GroupCode == "UREN" }},
		{Filter{Param: "groupCode", Op: "not_eq", Value: "UREN"}, func(p ebrest.Product) bool { return p.GroupCode != "UREN" }},
	}
	for _, tc := range cases {
		var want []int64
		for _, p := range all {
			if tc.keep(p) {
				want = append(want, int64(p.ID))
			}
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Fatalf("filter %+v keeps %d of %d: the test proves nothing", tc.f, len(want), len(all))
		}
		got, err := e.c.ListProducts(ctx, tc.f)
		e.check(fmt.Sprintf("ListProducts(%+v)", tc.f), err)
		var ids []int64
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("filter %+v: %v, want %v", tc.f, ids, want)
		}
	}
}

func TestSandboxUnitsAndTemplates(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	st := e.srv.State()
	units, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	if len(units) != len(st.Units) || len(units) == 0 {
		t.Fatalf("%d units, want %d", len(units), len(st.Units))
	}
	for i, u := range st.Units {
		if units[i] != (Unit{ID: int64(u.ID), Singular: u.Singular, Plural: u.Plural}) {
			t.Errorf("unit #%d: %+v, want %+v", i, units[i], u)
		}
	}
	uur, err := e.c.ListUnits(ctx, Filter{Param: "singular", Value: "uur"})
	e.check("ListUnits(uur)", err)
	if len(uur) != 1 || uur[0].Plural != "uren" {
		t.Errorf("unit uur: %+v", uur)
	}

	e.srv.Update(func(st *ebrest.State) {
		st.InvoiceTemplates = append(st.InvoiceTemplates, ebrest.InvoiceTemplate{ID: 118899, Name: "Oud sjabloon", Type: "A"})
	})
	st = e.srv.State()
	ts, err := e.c.ListInvoiceTemplates(ctx)
	e.check("ListInvoiceTemplates", err)
	if len(ts) != len(st.InvoiceTemplates) {
		t.Fatalf("%d templates, want %d", len(ts), len(st.InvoiceTemplates))
	}
	for i, w := range st.InvoiceTemplates {
		if ts[i] != (InvoiceTemplate{ID: int64(w.ID), Name: w.Name, Active: w.Active, Type: w.Type}) {
			t.Errorf("template #%d: %+v, want %+v", i, ts[i], w)
		}
	}
	active, err := e.c.ListInvoiceTemplates(ctx, Filter{Param: "active", Value: "true"})
	e.check("ListInvoiceTemplates(active)", err)
	if len(active) != len(st.InvoiceTemplates)-1 {
		t.Errorf("%d active templates, want %d", len(active), len(st.InvoiceTemplates)-1)
	}
	for _, a := range active {
		if !a.Active {
			t.Errorf("inactive template %+v in the active list", a)
		}
	}
	named, err := e.c.ListInvoiceTemplates(ctx, Filter{Param: "name", Value: "Standaard"})
	e.check("ListInvoiceTemplates(Standaard)", err)
	if len(named) != 1 || named[0].ID != 118801 {
		t.Errorf("template Standaard: %+v", named)
	}
}

// sandboxInvoice is a valid invoice for the demo administration: 239.95
// excluding VAT, 50.39 VAT (21%), 290.34 in total.
func sandboxInvoice(number string) NewInvoice {
	return NewInvoice{
		Number: number, RelationID: 4100002, Date: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		TermOfPayment: 14, TemplateID: 118801, Reference: "Werkbon 42",
		Lines: []InvoiceLine{
			{Quantity: decimal.MustParse("2.5"), UnitID: 301, ProductID: 3431201, Description: "Arbeid monteur",
				PricePerUnit: decimal.MustParse("60.00"), VATCode: "HOOG_VERK_21", LedgerID: 907},
			{Quantity: decimal.MustParse("1"), Description: "Materiaal: kraan", PricePerUnit: decimal.MustParse("89.95"),
				VATCode: "HOOG_VERK_21", LedgerID: 906},
		},
		Booking: &Booking{Description: "Werkbon 42", PaymentReference: "WO-" + number, CheckPaymentReference: true},
	}
}

// checkTotals compares an invoice found by number with the expected totals
// and with the sandbox's record of it.
func (e *sandboxEnv) checkTotals(s InvoiceSummary, excl, vat, total string) {
	e.t.Helper()
	if !s.TotalExcl.Equal(decimal.MustParse(excl)) || !s.VATAmount.Equal(decimal.MustParse(vat)) || !s.TotalAmount.Equal(decimal.MustParse(total)) {
		e.t.Errorf("invoice %s totals %s + %s = %s, want %s + %s = %s", s.Number, s.TotalExcl, s.VATAmount, s.TotalAmount, excl, vat, total)
	}
	for _, inv := range e.srv.State().Invoices {
		if inv.InvoiceNumber == s.Number {
			if inv.ID != int32(s.ID) || money(e.t, &inv.TotalAmount).Cents() != s.TotalAmount.Cents() {
				e.t.Errorf("the sandbox holds invoice %s as %d with %.2f; the client found %d with %s", s.Number, inv.ID, inv.TotalAmount, s.ID, s.TotalAmount)
			}
			return
		}
	}
	e.t.Errorf("the sandbox has no invoice %s", s.Number)
}

func (e *sandboxEnv) invoicesNumbered(number string) int {
	n := 0
	for _, inv := range e.srv.State().Invoices {
		if inv.InvoiceNumber == number {
			n++
		}
	}
	return n
}

func TestSandboxCreateInvoiceThenFindIt(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	_, found, err := e.c.FindInvoice(ctx, "WB-2026-00042")
	e.check("FindInvoice before", err)
	if found {
		t.Fatal("the invoice exists before it was created")
	}
	created, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00042"))
	e.check("CreateInvoice", err)
	if created.ID <= 0 || created.Number != "WB-2026-00042" || created.InclVAT {
		t.Errorf("created %+v", created)
	}
	s, found, err := e.c.FindInvoice(ctx, "WB-2026-00042")
	e.check("FindInvoice", err)
	if !found || s.ID != created.ID || s.RelationID != 4100002 || s.TemplateID != 118801 || s.TermOfPayment != 14 ||
		s.Reference != "Werkbon 42" || !s.Date.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("found %v: %+v", found, s)
	}
	e.checkTotals(s, "239.95", "50.39", "290.34")
}

func TestSandboxReusedInvoiceNumberIsRefused(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	_, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00043"))
	e.check("CreateInvoice", err)
	again := sandboxInvoice("WB-2026-00043")
	again.Booking.PaymentReference = "WO-other"
	_, err = e.c.CreateInvoice(ctx, again)
	e.expect("CreateInvoice again", err, ErrInvoiceNumberInUse)
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("FACT_101 means nothing was created, not an unknown outcome: %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeInvoiceNumberInUse {
		t.Errorf("error %v is not the API's FACT_101", err)
	}
	if n := e.invoicesNumbered("WB-2026-00043"); n != 1 {
		t.Errorf("%d invoices numbered WB-2026-00043, want 1", n)
	}
}

func TestSandboxLostAnswerIsOutcomeUnknownAndFound(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	e.srv.Faults().Add(fault.Rule{Op: "POST /v1/invoice", Kind: fault.DropAfterApply, Times: 1})
	before := len(e.srv.State().Invoices)
	_, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00044"))
	e.expect("CreateInvoice", err, ErrOutcomeUnknown)
	if n := e.count("POST /v1/invoice"); n != 1 {
		t.Fatalf("POST /v1/invoice sent %d times, want once (never retried blindly): %v", n, e.calls())
	}
	if n := len(e.srv.State().Invoices); n != before+1 {
		t.Fatalf("%d invoices, want %d: the fault applies the write", n, before+1)
	}
	s, found, err := e.c.FindInvoice(ctx, "WB-2026-00044")
	e.check("FindInvoice", err)
	if !found {
		t.Fatal("FindInvoice does not find the invoice the lost answer created")
	}
	e.checkTotals(s, "239.95", "50.39", "290.34")
	if n := e.invoicesNumbered("WB-2026-00044"); n != 1 {
		t.Errorf("%d invoices numbered WB-2026-00044, want 1", n)
	}
}

func TestSandboxCallLimitIsWaitedOut(t *testing.T) {
	e := newSandboxEnv(t, func(o *ebrest.Options) { o.CallLimitPerMinute = 3 }, nil)
	ctx := context.Background()
	// Three calls use the minute's allowance: the session and two lists.
	e.check("CheckLogin", e.c.CheckLogin(ctx))
	e.sbClock.Advance(10 * time.Second)
	e.clock.Advance(10 * time.Second)
	_, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	_, err = e.c.ListInvoiceTemplates(ctx)
	e.check("ListInvoiceTemplates", err)
	created, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00045"))
	e.check("CreateInvoice", err)
	if created.ID <= 0 {
		t.Errorf("created %+v", created)
	}
	want := []string{"POST /v1/session 200", "GET /v1/unit 200", "GET /v1/invoicetemplate 200", "POST /v1/invoice 429", "POST /v1/invoice 200"}
	if got := e.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v, want %v", got, want)
	}
	// The first call of the minute was at 09:00:00; the 429 came at
	// 09:00:10, so Retry-After is 50 s.
	if w := e.clock.Waits(); len(w) != 1 || w[0] != 50*time.Second {
		t.Errorf("waits %v, want [50s]", w)
	}
	if n := e.invoicesNumbered("WB-2026-00045"); n != 1 {
		t.Errorf("%d invoices numbered WB-2026-00045, want 1", n)
	}
}

func TestSandboxReadsWaitOutTheCallLimit(t *testing.T) {
	e := newSandboxEnv(t, func(o *ebrest.Options) { o.CallLimitPerMinute = 2 }, func(cfg *Config) { cfg.PageSize = 10 })
	// 37 relations in pages of 10: the session and four pages, two calls a
	// minute.
	got, err := e.c.ListRelations(context.Background())
	e.check("ListRelations", err)
	if len(got) != 37 {
		t.Errorf("%d relations, want 37", len(got))
	}
	if n := len(e.clock.Waits()); n != 2 {
		t.Errorf("%d waits, want 2: %v", n, e.clock.Waits())
	}
}

func TestSandboxCallLimitOnANewSessionIsWaitedOut(t *testing.T) {
	e := newSandboxEnv(t, func(o *ebrest.Options) { o.CallLimitPerMinute = 2 }, nil)
	ctx := context.Background()
	e.check("CheckLogin", e.c.CheckLogin(ctx))
	_, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	// The session is lost with the minute's allowance used: the new session
	// waits for the limit too.
	e.srv.Faults().Add(fault.Rule{Op: "GET /v1/unit", Kind: fault.SessionExpired, Times: 1})
	_, err = e.c.ListUnits(ctx)
	e.check("ListUnits with a new session", err)
	e.check("Close", e.c.Close(ctx))
	want := []string{"POST /v1/session 200", "GET /v1/unit 200", "GET /v1/unit 401", "POST /v1/session 429",
		"POST /v1/session 200", "GET /v1/unit 200", "DELETE /v1/session 429", "DELETE /v1/session 204"}
	if got := e.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v\nwant %v", got, want)
	}
	if n := e.srv.State().Sessions; n != 0 {
		t.Errorf("%d live sessions after Close, want 0", n)
	}
}

// The sandbox, like ASP.NET, ignores a query parameter it does not know and
// answers the whole list; the client refuses such a filter rather than send
// it.
func TestSandboxUnknownFilterIsRefusedBeforeSending(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	_, err := e.c.ListUnits(ctx)
	e.check("ListUnits", err)
	for _, tc := range []struct {
		list func() error
		f    Filter
	}{
		{func() error { _, err := e.c.ListRelations(ctx, Filter{Param: "plaats", Value: "Utrecht"}); return err }, Filter{Param: "plaats"}},
		{func() error { _, err := e.c.ListRelations(ctx, Filter{Param: "groupCode", Value: "UREN"}); return err }, Filter{Param: "groupCode"}},
		{func() error { _, err := e.c.ListProducts(ctx, Filter{Param: "name", Value: "x"}); return err }, Filter{Param: "name"}},
		{func() error { _, err := e.c.ListUnits(ctx, Filter{Param: "code", Value: "x"}); return err }, Filter{Param: "code"}},
		{func() error {
			_, err := e.c.ListInvoiceTemplates(ctx, Filter{Param: "singular", Value: "x"})
			return err
		}, Filter{Param: "singular"}},
	} {
		err := tc.list()
		if err == nil || !strings.Contains(err.Error(), "not a filter parameter") {
			t.Errorf("filter %q: %v, want a refusal", tc.f.Param, err)
		}
	}
	if got := e.calls(); len(got) != 2 {
		t.Errorf("refused filters were sent: %v", got)
	}
	// Why: the sandbox answers an unknown parameter with everything.
	auth := e.auth.last()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/relation?plaats=Utrecht", nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("unknown parameter: HTTP %d", resp.StatusCode)
	}
	var env struct{ Count int }
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Count != len(e.srv.State().Relations) {
		t.Errorf("unknown parameter: count %d, %v; want the whole list (%d)", env.Count, err, len(e.srv.State().Relations))
	}
}

// The sandbox compares invoice numbers regardless of case, for FACT_101 and
// for the look-up: an invoice spelt differently is not this one, and its
// number is taken.
func TestSandboxInvoiceNumberInAnotherCase(t *testing.T) {
	e := newSandboxEnv(t, nil, nil)
	ctx := context.Background()
	_, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00046"))
	e.check("CreateInvoice", err)
	_, err = e.c.CreateInvoice(ctx, sandboxInvoice("wb-2026-00046"))
	e.expect("CreateInvoice in lower case", err, ErrInvoiceNumberInUse)
	s, found, err := e.c.FindInvoice(ctx, "wb-2026-00046")
	e.expect("FindInvoice in lower case", err, ErrInvoiceNumberInUse)
	if found || s != (InvoiceSummary{}) {
		t.Errorf("found %v %+v: another invoice's number is not this invoice", found, s)
	}
	if !strings.Contains(err.Error(), `"WB-2026-00046"`) {
		t.Errorf("the error does not name the invoice that holds the number: %v", err)
	}
	s, found, err = e.c.FindInvoice(ctx, "WB-2026-00046")
	e.check("FindInvoice", err)
	if !found || s.Number != "WB-2026-00046" {
		t.Errorf("found %v %+v", found, s)
	}
}

// Every fault after which the invoice may exist ends in ErrOutcomeUnknown
// with one request sent; FindInvoice then tells whether it does.
func TestSandboxInvoiceFaultsAreNeverResent(t *testing.T) {
	for _, tc := range []struct {
		kind    fault.Kind
		created bool
	}{
		{fault.DropAfterApply, true},
		{fault.Malformed, true},
		{fault.DropBeforeApply, false},
		{fault.HTTP500, false},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			e := newSandboxEnv(t, nil, nil)
			ctx := context.Background()
			e.srv.Faults().Add(fault.Rule{Op: "POST /v1/invoice", Kind: tc.kind, Times: 1})
			_, err := e.c.CreateInvoice(ctx, sandboxInvoice("WB-2026-00047"))
			e.expect("CreateInvoice", err, ErrOutcomeUnknown)
			if n := e.count("POST /v1/invoice"); n != 1 {
				t.Fatalf("POST /v1/invoice sent %d times, want once: %v", n, e.calls())
			}
			s, found, err := e.c.FindInvoice(ctx, "WB-2026-00047")
			e.check("FindInvoice", err)
			if found != tc.created || e.invoicesNumbered("WB-2026-00047") != btoi(tc.created) {
				t.Fatalf("found %v (%+v), want %v", found, s, tc.created)
			}
			if found {
				e.checkTotals(s, "239.95", "50.39", "290.34")
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A read survives a cut-off answer, a server error and a dropped
// connection: it is repeated.
func TestSandboxReadFaultsAreRetried(t *testing.T) {
	for _, kind := range []fault.Kind{fault.Malformed, fault.HTTP500, fault.DropBeforeApply, fault.DropAfterApply} {
		t.Run(string(kind), func(t *testing.T) {
			e := newSandboxEnv(t, nil, nil)
			e.srv.Faults().Add(fault.Rule{Op: "GET /v1/relation", Kind: kind, Times: 1})
			got, err := e.c.ListRelations(context.Background())
			e.check("ListRelations", err)
			if len(got) != 37 {
				t.Errorf("%d relations, want 37", len(got))
			}
			if n := e.count("GET /v1/relation"); n != 2 {
				t.Errorf("GET /v1/relation %d times, want 2: %v", n, e.calls())
			}
		})
	}
}

// Calls in parallel share one session, also across its expiry.
func TestSandboxParallelCallsShareOneSession(t *testing.T) {
	e := newSandboxEnv(t, func(o *ebrest.Options) { o.SessionTTL = 10 * time.Minute }, nil)
	ctx := context.Background()
	ids := e.srv.State().Relations
	run := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					_, err := e.c.ListUnits(ctx)
					errs <- err
					return
				}
				r, err := e.c.GetRelation(ctx, int64(ids[i].ID))
				if err == nil && r.Code != ids[i].Code {
					err = fmt.Errorf("relation %d is %s, want %s", r.ID, r.Code, ids[i].Code)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			e.check("parallel call", err)
		}
	}
	run()
	if n := e.count("POST /v1/session"); n != 1 {
		t.Errorf("%d sessions opened by parallel calls, want 1", n)
	}
	// The session ends on the sandbox's side: the calls that get a 401 open
	// one new session between them.
	e.sbClock.Advance(10 * time.Minute)
	run()
	if n := e.count("POST /v1/session"); n != 2 {
		t.Errorf("%d sessions opened after the expiry, want 2: %v", n, e.calls())
	}
}

// A session lost between two pages is re-opened and the read goes on where
// it was.
func TestSandboxSessionLostWhilePaging(t *testing.T) {
	e := newSandboxEnv(t, nil, func(cfg *Config) { cfg.PageSize = 10 })
	e.srv.Faults().Add(fault.Rule{Op: "GET /v1/relation", Kind: fault.SessionExpired, After: 2, Times: 1})
	got, err := e.c.ListRelations(context.Background())
	e.check("ListRelations", err)
	want := e.srv.State().Relations
	if len(got) != len(want) {
		t.Fatalf("%d relations, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != int64(want[i].ID) {
			t.Fatalf("relation #%d is %d, want %d", i, got[i].ID, want[i].ID)
		}
	}
	var queries []string
	for _, r := range e.srv.Requests().All() {
		if r.Op == "GET /v1/relation" {
			queries = append(queries, fmt.Sprintf("%s %d", r.Query, r.Status))
		}
	}
	wantQ := []string{"limit=10&offset=0 200", "limit=10&offset=10 200", "limit=10&offset=20 401",
		"limit=10&offset=20 200", "limit=10&offset=30 200"}
	if strings.Join(queries, ",") != strings.Join(wantQ, ",") {
		t.Errorf("pages %v\nwant %v", queries, wantQ)
	}
	if n := e.count("POST /v1/session"); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
}
