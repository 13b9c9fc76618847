package eboekhouden

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/retry"
)

func TestEmbeddedWSDL(t *testing.T) {
	// SHA-256 of shared/reference/eboekhouden.wsdl: the copy is byte-identical.
	const want = "c3ffbdcd8ea5b84469e06b4ce22236fb469bd083378b385d28d1f4cff2024507"
	sum := sha256.Sum256(wsdl)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("embedded WSDL sha256 = %s, want %s", got, want)
	}
	// gosoap takes the SOAPAction from the first binding and the namespace
	// from the first schema: both must be the SOAP 1.1 ones, for every
	// operation this package calls.
	var defs struct {
		Schemas []struct {
			TargetNamespace string `xml:"targetNamespace,attr"`
		} `xml:"types>schema"`
		Bindings []struct {
			Name string `xml:"name,attr"`
			Ops  []struct {
				Name   string `xml:"name,attr"`
				Action struct {
					SoapAction string `xml:"soapAction,attr"`
				} `xml:"operation"`
			} `xml:"operation"`
		} `xml:"binding"`
	}
	if err := xml.Unmarshal(wsdl, &defs); err != nil {
		t.Fatal(err)
	}
	if len(defs.Schemas) == 0 || defs.Schemas[0].TargetNamespace != nsTNS {
		t.Fatalf("first schema namespace: %+v", defs.Schemas)
	}
	if len(defs.Bindings) == 0 || defs.Bindings[0].Name != "soapAppSoap" {
		t.Fatalf("first binding: %+v", defs.Bindings)
	}
	actions := map[string]string{}
	for _, op := range defs.Bindings[0].Ops {
		actions[op.Name] = op.Action.SoapAction
	}
	for _, op := range allOps {
		if actions[op] != soapActionP+op {
			t.Errorf("WSDL soapAction of %s = %q", op, actions[op])
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	ok := []string{
		"https://soap.e-boekhouden.nl/soap.asmx", "HTTPS://soap.e-boekhouden.nl/soap.asmx", "https://10.1.2.3:8443/soap.asmx",
		"http://127.0.0.1:8081/soap.asmx", "http://127.9.8.7/soap.asmx", "http://[::1]:8081/soap.asmx",
		"http://localhost:8081/soap.asmx", "http://LocalHost/soap.asmx",
	}
	for _, u := range ok {
		if _, err := checkEndpoint(u); err != nil {
			t.Errorf("checkEndpoint(%q) = %v", u, err)
		}
	}
	bad := []string{
		"http://soap.e-boekhouden.nl/soap.asmx", "http://10.0.0.1/soap.asmx", "http://192.168.1.10:8081/soap.asmx",
		"http://localhost.example.com/soap.asmx", "http://128.0.0.1/soap.asmx", "http://[::2]/soap.asmx",
		"ftp://soap.e-boekhouden.nl/soap.asmx", "soap.e-boekhouden.nl/soap.asmx", "https:///soap.asmx",
		"https://user:pass@soap.e-boekhouden.nl/soap.asmx", "https://soap.e-boekhouden.nl:99999/soap.asmx", "://x",
	}
	for _, u := range bad {
		if _, err := checkEndpoint(u); !errors.Is(err, ErrInvalid) {
			t.Errorf("checkEndpoint(%q) = %v, want ErrInvalid", u, err)
		}
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{Credentials: goldenCreds}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.source != DefaultSource || c.rt.timeout != DefaultTimeout || c.rt.maxBytes != DefaultMaxResponseBytes || c.retry != retry.Default {
		t.Errorf("defaults: source %q timeout %s cap %d retry %+v", c.source, c.rt.timeout, c.rt.maxBytes, c.retry)
	}
	if c.rt.endpoint.String() != DefaultEndpoint {
		t.Errorf("endpoint %s", c.rt.endpoint)
	}
	cases := map[string]func(*Config){
		"no username":        func(c *Config) { c.Credentials.Username = " " },
		"no security code 1": func(c *Config) { c.Credentials.SecurityCode1 = "" },
		"no security code 2": func(c *Config) { c.Credentials.SecurityCode2 = "" },
		"plain http":         func(c *Config) { c.Endpoint = "http://soap.e-boekhouden.nl/soap.asmx" },
		"query in endpoint":  func(c *Config) { c.Endpoint = "https://soap.e-boekhouden.nl/soap.asmx?SecurityCode1=x" },
		"long source":        func(c *Config) { c.Source = "Koppeling 2026" },
		"source with dash":   func(c *Config) { c.Source = "Kop-peling" },
		"negative timeout":   func(c *Config) { c.Timeout = -time.Second },
		"negative cap":       func(c *Config) { c.MaxResponseBytes = -1 },
	}
	for name, change := range cases {
		cfg := good
		change(&cfg)
		if _, err := New(cfg); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		} else {
			assertNoSecrets(t, name, err.Error(), c)
		}
	}
	for _, src := range []string{"Koppeling", "K", "my_app 2", "1234567890"} {
		cfg := good
		cfg.Source = src
		if _, err := New(cfg); err != nil {
			t.Errorf("source %q: %v", src, err)
		}
	}
}

func TestCredentialsAndClientNeverPrintSecrets(t *testing.T) {
	c, err := New(Config{Credentials: goldenCreds})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Credentials: goldenCreds, Endpoint: DefaultEndpoint}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		outputs = append(outputs, fmt.Sprintf(verb, goldenCreds), fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, c), fmt.Sprintf(verb, &cfg))
	}
	j, err := json.Marshal(struct {
		Credentials Credentials
		Nested      []Credentials
	}{goldenCreds, []Credentials{goldenCreds}})
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("config", "creds", goldenCreds, "cfg", cfg, "client", c)
	}
	outputs = append(outputs, buf.String())
	for _, out := range outputs {
		for _, sec := range []string{goldenCreds.SecurityCode1, goldenCreds.SecurityCode2} {
			if strings.Contains(out, sec) {
				t.Errorf("output contains a security code: %s", out)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(goldenCreds), "golden-user") || !strings.Contains(buf.String(), "golden-user") {
		t.Error("the username should stay visible")
	}
}

func TestAPIErrorKinds(t *testing.T) {
	cases := []struct {
		err  *APIError
		is   []error
		isnt []error
	}{
		{&APIError{Op: opGetRelaties, Code: CodeSessionExpired}, []error{ErrSessionExpired}, []error{ErrBadCredentials, ErrCallLimit, ErrTransient, ErrOutcomeUnknown}},
		{&APIError{Op: opAddFactuur, Code: CodeCallLimit}, []error{ErrCallLimit}, []error{ErrSessionExpired, ErrBadCredentials, ErrOutcomeUnknown}},
		{&APIError{Op: opAddRelatie, Code: CodeRelationCodeInUse}, []error{ErrRelationCodeInUse}, []error{ErrBadCredentials, ErrOutcomeUnknown}},
		{&APIError{Op: opOpenSession, Code: "SBX_LOGIN"}, []error{ErrBadCredentials}, []error{ErrSessionExpired, ErrCallLimit}},
		{&APIError{Op: opOpenSession, Code: "E9999"}, []error{ErrBadCredentials}, nil},
		{&APIError{Op: opOpenSession, Code: CodeCallLimit}, []error{ErrCallLimit}, []error{ErrBadCredentials}},
		{&APIError{Op: opOpenSession, Code: CodeSessionExpired}, []error{ErrBadCredentials}, []error{ErrSessionExpired}},
		{&APIError{Op: opAddFactuur, Code: "SBX_FACT_RELATIE"}, nil, []error{ErrBadCredentials, ErrSessionExpired, ErrCallLimit, ErrRelationCodeInUse, ErrTransient, ErrOutcomeUnknown}},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("context: %w", c.err)
		for _, k := range c.is {
			if !errors.Is(wrapped, k) {
				t.Errorf("%s %s: not %v", c.err.Op, c.err.Code, k)
			}
		}
		for _, k := range c.isnt {
			if errors.Is(wrapped, k) {
				t.Errorf("%s %s: is %v", c.err.Op, c.err.Code, k)
			}
		}
	}
	if got := (&APIError{Op: "AddFactuur", Code: "X1", Description: "Fout"}).Error(); got != "e-Boekhouden AddFactuur: error X1: Fout" {
		t.Errorf("Error() = %q", got)
	}
}

func TestFaultRefused(t *testing.T) {
	for code, want := range map[string]bool{
		"soap:Client": true, "Client": true, "s:Client.Authentication": true, "soap:VersionMismatch": true,
		"soap:MustUnderstand": true, "soap:Server": false, "Server": false, "soap:Receiver": false, "": false, "soap:Clientele": false,
	} {
		if got := (&FaultError{Code: code}).Refused(); got != want {
			t.Errorf("Refused(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestParseValues(t *testing.T) {
	longs := map[string]int64{"0": 0, "": 0, " 42 ": 42, "+7": 7, "-3": -3, "9223372036854775807": 1<<63 - 1}
	for in, want := range longs {
		if got, err := parseLong("f", in); err != nil || got != want {
			t.Errorf("parseLong(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"1.0", "x", "9223372036854775808", "1e3", "0x10"} {
		if _, err := parseLong("f", in); err == nil {
			t.Errorf("parseLong(%q) accepted", in)
		}
	}
	bools := map[string]bool{"true": true, "1": true, " false ": false, "0": false, "": false}
	for in, want := range bools {
		if got, err := parseBool("f", in); err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseBool("f", "True"); err == nil {
		t.Error("parseBool accepted True (xs:boolean is lower case)")
	}
	doubles := map[string]string{"975.5": "975.5", "0.30000000000000004": "0.3", "1E-05": "0", "1.5E+2": "150", "-0": "0", "": "0", "42": "42", "0.00005": "0.0001"}
	for in, want := range doubles {
		if got, err := parseDouble("f", in); err != nil || got.String() != want {
			t.Errorf("parseDouble(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"INF", "-INF", "NaN", "1,5", "abc", "1e400"} {
		if _, err := parseDouble("f", in); err == nil {
			t.Errorf("parseDouble(%q) accepted", in)
		}
	}
	money := map[string]string{"201.795": "201.8", "1177.3": "1177.3", "0.005": "0.01", "-0.005": "-0.01", "12.344999": "12.34"}
	for in, want := range money {
		if got, err := parseMoney("f", in); err != nil || got.String() != want {
			t.Errorf("parseMoney(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	decimals := map[string]string{"42": "42", "50.82": "50.82", "0.21": "0.21", ".5": "0.5", "5.": "5", "+1.2500000": "1.25", "-0.0001": "-0.0001", "": "0", "42.0000000000000000000": "42"}
	for in, want := range decimals {
		if got, err := parseXSDecimal("f", in); err != nil || got.String() != want {
			t.Errorf("parseXSDecimal(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"1.23456", "1e2", "1,5", ".", "+", "--1", "99999999999999999999"} {
		if _, err := parseXSDecimal("f", in); err == nil {
			t.Errorf("parseXSDecimal(%q) accepted", in)
		}
	}
	dates := map[string]time.Time{
		"2024-01-15T00:00:00":         date(2024, 1, 15),
		"2024-01-15":                  date(2024, 1, 15),
		"2024-01-15T13:45:10.1234567": time.Date(2024, 1, 15, 13, 45, 10, 123456700, time.UTC),
		"2024-01-15T13:45:10+01:00":   time.Date(2024, 1, 15, 12, 45, 10, 0, time.UTC),
		"":                            {},
		" 2025-03-01T00:00:00 ":       date(2025, 3, 1),
		"0001-01-01T00:00:00":         {},
	}
	for in, want := range dates {
		if got, err := parseDateTime("f", in); err != nil || !got.Equal(want) {
			t.Errorf("parseDateTime(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"15-01-2024", "2024-13-01", "2024-01-15 10:00", "yesterday"} {
		if _, err := parseDateTime("f", in); err == nil {
			t.Errorf("parseDateTime(%q) accepted", in)
		}
	}
}

func TestFormatValues(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.FixedZone("CET", 3600)
	}
	// Just after midnight in Amsterdam is still the previous day in UTC: the
	// date sent is the caller's calendar date.
	if got := formatDate(time.Date(2026, 3, 14, 0, 30, 0, 0, ams)); got != "2026-03-14T00:00:00" {
		t.Errorf("formatDate = %s", got)
	}
	if got := formatDateTime(time.Date(2024, 1, 15, 13, 45, 10, 999, time.UTC)); got != "2024-01-15T13:45:10" {
		t.Errorf("formatDateTime = %s", got)
	}
	if got := bpToWire(RelationKind("X")); got != "X" || bpFromWire("X") != RelationKind("X") {
		t.Error("unknown BP values must pass through unchanged")
	}
}

func TestInputChecksSendNothing(t *testing.T) {
	rec := newRecorder()
	c := goldenClient(t, rec)
	ctx := context.Background()
	long := strings.Repeat("x", 101)
	invoices := map[string]func(*Invoice){
		"no relation":         func(i *Invoice) { i.RelationCode = "" },
		"no template":         func(i *Invoice) { i.Template = " " },
		"no date":             func(i *Invoice) { i.Date = time.Time{} },
		"date 2050":           func(i *Invoice) { i.Date = date(2050, 1, 1) },
		"date 1979":           func(i *Invoice) { i.Date = date(1979, 12, 31) },
		"negative term":       func(i *Invoice) { i.PaymentTermDays = -1 },
		"no lines":            func(i *Invoice) { i.Lines = nil },
		"line without code":   func(i *Invoice) { i.Lines[1].Code = "" },
		"line without text":   func(i *Invoice) { i.Lines[0].Description = "" },
		"line without VAT":    func(i *Invoice) { i.Lines[0].VATCode = "" },
		"line without ledger": func(i *Invoice) { i.Lines[2].LedgerCode = "" },
		"VAT code too long":   func(i *Invoice) { i.Lines[0].VATCode = "HOOG_VERK_21X" },
		"relation too long":   func(i *Invoice) { i.RelationCode = "1234567890123456" },
		"number too long":     func(i *Invoice) { i.Number = strings.Repeat("9", 51) },
		"booking text long":   func(i *Invoice) { i.BookingDescription = strings.Repeat("é", 201) },
	}
	for name, change := range invoices {
		inv := goldenInvoice()
		change(&inv)
		if _, err := c.AddInvoice(ctx, inv); !errors.Is(err, ErrInvalid) {
			t.Errorf("invoice %s: err = %v, want ErrInvalid", name, err)
		}
	}
	relations := map[string]struct {
		add    bool
		change func(*Relation)
	}{
		"add with ID":        {true, func(r *Relation) { r.ID = 5 }},
		"add without kind":   {true, func(r *Relation) { r.Kind = "" }},
		"add with odd kind":  {true, func(r *Relation) { r.Kind = "X" }},
		"no code":            {true, func(r *Relation) { r.Code = "" }},
		"no company":         {true, func(r *Relation) { r.Company = "  " }},
		"code too long":      {true, func(r *Relation) { r.Code = "1234567890123456" }},
		"def too long":       {true, func(r *Relation) { r.Def7 = long }},
		"gender too long":    {true, func(r *Relation) { r.Gender = "man" }},
		"update without ID":  {false, func(r *Relation) {}},
		"update, long email": {false, func(r *Relation) { r.ID = 3; r.Email = strings.Repeat("a", 151) }},
	}
	for name, c2 := range relations {
		r := goldenRelation()
		c2.change(&r)
		var err error
		if c2.add {
			_, err = c.AddRelation(ctx, r)
		} else {
			err = c.UpdateRelation(ctx, r)
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("relation %s: err = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := c.OpenItems(ctx, OpenItemKind("Debiteuren")); !errors.Is(err, ErrInvalid) {
		t.Errorf("open item kind: %v", err)
	}
	if _, err := c.Invoices(ctx, InvoiceFilter{From: date(2026, 2, 1), To: date(2026, 1, 1)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("reversed range: %v", err)
	}
	rec.mu.Lock()
	n := rec.requests
	rec.mu.Unlock()
	if n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
	// The limits themselves are allowed.
	inv := goldenInvoice()
	inv.RelationCode, inv.Date = "123456789012345", date(2049, 12, 31)
	inv.Lines[0].VATCode = "BI_EU_VERK_D"
	if _, err := c.AddInvoice(ctx, inv); err != nil {
		t.Errorf("invoice at the limits: %v", err)
	}
	_ = decimal.Zero
}
