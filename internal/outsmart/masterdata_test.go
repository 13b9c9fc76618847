package outsmart

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	ossandbox "github.com/koppeling/koppeling/internal/sandbox/outsmart"
)

func TestCheckLoginAndAuthCodes(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if err := e.client.CheckLogin(ctx); err != nil {
		t.Fatalf("CheckLogin with the right tokens: %v", err)
	}
	tests := []struct {
		name        string
		token, soft string
		code        int
		says        string
	}{
		{"missing token", "", e.creds.SoftwareToken, 1002, "token parameter (customer token) is missing"},
		{"missing software token", e.creds.Token, "", 1003, "software_token parameter is missing"},
		{"wrong token", strings.Repeat("a", 64), e.creds.SoftwareToken, 1004, "customer token (token) is not accepted"},
		{"wrong software token", e.creds.Token, strings.Repeat("b", 40), 1005, "software token (software_token) is not accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, Config{BaseURL: e.sb.OutSmartURL, Token: tt.token, SoftwareToken: tt.soft, Retry: fastRetry})
			before := e.count("GET employees")
			err := c.CheckLogin(ctx)
			if !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("err = %v, want ErrUnauthorized", err)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tt.code || apiErr.Endpoint != "GET employees" {
				t.Fatalf("err = %#v, want code %d", apiErr, tt.code)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("message %q does not say %q", err, tt.says)
			}
			if errors.Is(err, ErrTransient) {
				t.Error("an auth failure is marked transient")
			}
			if n := e.count("GET employees") - before; n != 1 {
				t.Errorf("%d calls, want 1 (no retry of a definite answer)", n)
			}
			assertErrorClean(t, err, e.secrets()...)
			assertErrorClean(t, err, tt.token, tt.soft)
		})
	}
}

func TestHTTPSRequired1006(t *testing.T) {
	ds := demodata.Default()
	srv := ossandbox.New(ossandbox.Options{Dataset: ds.OutSmart, RequireHTTPS: true})
	s := httptest.NewServer(srv)
	t.Cleanup(s.Close)
	c := mustNew(t, Config{BaseURL: s.URL + "/openapi/8", Token: ds.OutSmart.Credentials.Token,
		SoftwareToken: ds.OutSmart.Credentials.SoftwareToken, Retry: fastRetry})
	err := c.CheckLogin(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeHTTPSRequired || !strings.Contains(err.Error(), "HTTPS is required") {
		t.Fatalf("err = %v, want code 1006", err)
	}
}

func TestEmployeesAndWorkStatuses(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	emps, err := e.client.Employees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := e.sb.Dataset.OutSmart.Employees
	if len(emps) != len(want) {
		t.Fatalf("%d employees, want %d", len(emps), len(want))
	}
	for i, w := range want {
		got := emps[i]
		if got.Number != w.Number || got.FirstName != w.Firstname || got.LastName != w.Lastname || got.Active != (w.Active == "1") {
			t.Errorf("employee %d = %+v, want %+v", i, got, w)
		}
	}
	ws, err := e.client.WorkStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := ""
	for _, s := range ws {
		if s.Name == "1 naar E-boekhouden" {
			found = s.Code
		}
	}
	if len(ws) != len(e.sb.Dataset.OutSmart.Workstatusses) || found != "5812444" {
		t.Errorf("workflow statuses = %+v; want the demo's, with 1 naar E-boekhouden = 5812444", ws)
	}
}

func active(b bool) *bool { return &b }

func TestRelationsRoundTrip(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BatchSize = 2 })
	ctx := context.Background()
	in := []Relation{
		{DebtorNumber: "1001", Name: "Installatiebedrijf Van Dijk & Zn", Contact: "J. van Dijk", Phone: "030-1234567",
			Mobile: "06-12345678", Email: "info@vandijk.nl", EmailWorkOrder: "werkbon@vandijk.nl", Street: "Oudegracht",
			HouseNumber: "12a", PostalCode: "3511 AB", City: "Utrecht", Country: "NL", Remark: "Sleutel bij de buren",
			ExternalID: "eb-77", DebtorNumberInvoice: "1001", KvKNumber: "30123456", VATNumber: "NL001234567B01",
			DebtorType: "Klant", Language: "nl", Active: active(true)},
		{DebtorNumber: "1002", Name: "P. de Boer", Street: "Laan", PostalCode: "3706 GE", City: "Zeist"},
		{DebtorNumber: "1003", Name: "Oud Klant", Street: "Weg", PostalCode: "1234 AB", City: "Ede", Active: active(false)},
	}
	n, err := e.client.UpsertRelations(ctx, in)
	if err != nil || n != 3 {
		t.Fatalf("UpsertRelations = %d, %v; want 3", n, err)
	}
	if got := e.count("POST relations"); got != 2 {
		t.Errorf("%d POSTs, want 2 batches of at most 2", got)
	}
	for _, tt := range []struct {
		filters []Filter
		want    []string
	}{
		{[]Filter{Eq("debtor_number", "1001")}, []string{"1001"}},
		{[]Filter{Eq("active", "0")}, []string{"1003"}},
		{[]Filter{{Key: "debtor_number", Operator: Like, Value: "100%"}, {Key: "city", Operator: NotEqual, Value: "Ede"}}, []string{"1001", "1002"}},
		{[]Filter{{Key: "zip", Operator: Like, Value: "3706%"}}, []string{"OS-2002", "1002"}},
	} {
		rels, err := e.client.Relations(ctx, tt.filters...)
		if err != nil {
			t.Fatalf("Relations(%v): %v", tt.filters, err)
		}
		var got []string
		for _, r := range rels {
			got = append(got, r.DebtorNumber)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Relations(%v) = %v, want %v", tt.filters, got, tt.want)
		}
	}
	rels, err := e.client.Relations(ctx, Eq("debtor_number", "1001"))
	if err != nil || len(rels) != 1 {
		t.Fatalf("Relations: %v, %v", rels, err)
	}
	got := rels[0]
	if got.Active == nil || !*got.Active {
		t.Errorf("Active = %v, want true", got.Active)
	}
	got.Active, in[0].Active = nil, nil
	if got != in[0] {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, in[0])
	}
	// An update by debtor number changes the record, adds none.
	before := len(e.srv.State().Relations)
	upd := in[1]
	upd.City = "Driebergen"
	if n, err := e.client.UpsertRelations(ctx, []Relation{upd}); err != nil || n != 1 {
		t.Fatalf("update = %d, %v", n, err)
	}
	rels, err = e.client.Relations(ctx, Eq("debtor_number", "1002"))
	if err != nil || len(rels) != 1 || rels[0].City != "Driebergen" || len(e.srv.State().Relations) != before {
		t.Errorf("after update: %+v, %v, %d relations (was %d)", rels, err, len(e.srv.State().Relations), before)
	}
}

func TestRelationsRequiredField1301AndUnknownFilterKey(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BatchSize = 2 })
	ctx := context.Background()
	in := []Relation{
		{DebtorNumber: "2001", Name: "A", Street: "S", PostalCode: "P", City: "C"},
		{DebtorNumber: "2002", Name: "B", Street: "S", PostalCode: "P", City: "C"},
		{DebtorNumber: "2003", Street: "S", PostalCode: "P", City: "C"}, // no name
	}
	n, err := e.client.UpsertRelations(ctx, in)
	if n != 2 {
		t.Errorf("synced %d, want the 2 of the first batch", n)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1301 || apiErr.Messages[0] != "Required field missing: name" {
		t.Fatalf("err = %v, want 1301 Required field missing: name", err)
	}
	for _, want := range []string{"batch 2 of 2", "records 3-3", "debtor_number 2003", "2 synced before"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, ErrTransient) {
		t.Error("a definite 1301 is marked unknown or transient")
	}
	if got := e.count("POST relations"); got != 2 {
		t.Errorf("%d POSTs, want 2 (a definite error is not retried)", got)
	}
	_, err = e.client.Relations(ctx, Eq("no_such_key", "x"))
	if !errors.As(err, &apiErr) || apiErr.Code != 1007 || !strings.Contains(err.Error(), "Key no_such_key not allowed") {
		t.Errorf("err = %v, want 1007 Key no_such_key not allowed", err)
	}
}

func TestMaterialsRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	in := []Material{
		{Code: "CU-22", Description: "Koperen buis 22 mm", Price: decimal.MustParse("12.40"), Unit: "meter",
			EANCode: "8711234567890", Barcode: "CU22", FreeField1: "HOOG_VERK_21", FreeField2: "8000", FreeField5: "x"},
		{Code: "KLEIN", Description: "Kleinmateriaal", Price: decimal.MustParse("0.1234"), Unit: "stuk"},
		{Code: "GRATIS", Description: "Gratis", Unit: "stuk"},
	}
	if n, err := e.client.UpsertMaterials(ctx, in); err != nil || n != 3 {
		t.Fatalf("UpsertMaterials = %d, %v", n, err)
	}
	got, err := e.client.Materials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Material{}
	for _, m := range got {
		byCode[m.Code] = m
	}
	// The sandbox stores prices as OutSmart answers them: two decimals.
	in[1].Price = decimal.MustParse("0.12")
	for _, w := range in {
		if byCode[w.Code] != w {
			t.Errorf("material %s:\n got %+v\nwant %+v", w.Code, byCode[w.Code], w)
		}
	}
	filtered, err := e.client.Materials(ctx, Filter{Key: "price", Operator: Greater, Value: "1"})
	if err != nil || len(filtered) != 1 || filtered[0].Code != "CU-22" {
		t.Errorf("price > 1: %+v, %v", filtered, err)
	}
	// 1201: a required field missing.
	_, err = e.client.UpsertMaterials(ctx, []Material{{Code: "X", Price: decimal.MustParse("1"), Unit: "stuk"}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1201 || !strings.Contains(err.Error(), "description") {
		t.Errorf("err = %v, want 1201 for the description", err)
	}
}

func TestHourTypesRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	in := []HourType{
		{Code: "ARB", Name: "Arbeid", SaleBooking: true, SalePrice: decimal.MustParse("62.5"), CostPrice: decimal.MustParse("38"), Active: true},
		{Code: "ZK", Name: "Ziekte", CostBooking: true, Active: false},
	}
	if n, err := e.client.UpsertHourTypes(ctx, in); err != nil || n != 2 {
		t.Fatalf("UpsertHourTypes = %d, %v", n, err)
	}
	got, err := e.client.HourTypes(ctx, Eq("code", "ARB"))
	if err != nil || len(got) != 1 || got[0] != in[0] {
		t.Errorf("HourTypes(code=ARB) = %+v, %v; want %+v", got, err, in[0])
	}
	got, err = e.client.HourTypes(ctx, Eq("active", "0"))
	if err != nil || len(got) != 1 || got[0] != in[1] {
		t.Errorf("HourTypes(active=0) = %+v, %v; want %+v", got, err, in[1])
	}
	// 1801: a negative price is refused (Blueprint: Decimal > 0).
	_, err = e.client.UpsertHourTypes(ctx, []HourType{{Code: "NEG", Name: "Neg", SalePrice: decimal.MustParse("-1")}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 1801 {
		t.Errorf("err = %v, want 1801", err)
	}
}

func TestMasterDataWithAnUnreadableRecord(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Update(func(st *ossandbox.State) {
		st.Materials = append(st.Materials,
			ossandbox.Material{Material: demodata.Material{Code: "OK", Description: "ok", Price: "1,00", Unit: "stuk"}},
			ossandbox.Material{Material: demodata.Material{Code: "BROKEN", Description: "x", Price: "1.234,00", Unit: "stuk"}})
	})
	got, err := e.client.Materials(context.Background())
	var pe *PartialError
	if !errors.As(err, &pe) || len(pe.Records) != 1 || pe.Records[0].ID != "BROKEN" || pe.Records[0].Field != "price" {
		t.Fatalf("err = %v, want one unreadable material BROKEN/price", err)
	}
	if len(got) != 1 || got[0].Code != "OK" {
		t.Errorf("readable materials = %+v, want OK", got)
	}
	if !strings.Contains(err.Error(), `material BROKEN: field price: "1.234,00" is not a decimal`) {
		t.Errorf("message = %q", err)
	}
}

func TestOversizedBatchBody1009(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BatchSize = 200 })
	remark := strings.Repeat("lang verhaal ", 5000) // 65 kB
	var in []Relation
	for i := range 200 {
		in = append(in, Relation{DebtorNumber: fmt.Sprint(5000 + i), Name: "N", Street: "S", PostalCode: "P", City: "C", Remark: remark})
	}
	n, err := e.client.UpsertRelations(context.Background(), in)
	var apiErr *APIError
	if n != 0 || !errors.As(err, &apiErr) || apiErr.Code != CodeBadBody {
		t.Fatalf("UpsertRelations = %d, %v; want 1009", n, err)
	}
	if got := e.count("POST relations"); got != 1 {
		t.Errorf("%d POSTs, want 1", got)
	}
}
