package store

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
)

// refusals lists the *SettingErrors joined in err.
func refusals(err error) []*SettingError {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*SettingError
		for _, e := range j.Unwrap() {
			out = append(out, refusals(e)...)
		}
		return out
	}
	var se *SettingError
	if errors.As(err, &se) {
		return []*SettingError{se}
	}
	return nil
}

// refusal returns the one *SettingError in err, failing the test when err
// holds none or several.
func refusal(t *testing.T, err error) *SettingError {
	t.Helper()
	out := refusals(err)
	if len(out) != 1 {
		t.Fatalf("want one refused setting, got %d: %v", len(out), err)
	}
	return out[0]
}

// TestInvoicesNeedATemplate: while invoices are on, an empty template is
// refused, and so is turning invoices on without one; nothing is saved.
func TestInvoicesNeedATemplate(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		stored  map[string]string // saved first
		change  map[string]string
		wantKey string // "" when the change is accepted
	}{
		{"fresh install: another setting", nil, map[string]string{KeyIntervalMinutes: "30"}, ""},
		{"fresh install: every default at once", nil, defaultValues(), ""},
		{"clear the template while invoices are on", invoicing(), map[string]string{KeyTemplate: ""}, KeyTemplate},
		{"blank the template while invoices are on", invoicing(), map[string]string{KeyTemplate: "  "}, KeyTemplate},
		{"turn invoices on without a template", nil, map[string]string{KeyExportInvoices: "true"}, KeyExportInvoices},
		{"the window: invoices ticked, template empty", nil,
			map[string]string{KeyExportInvoices: "true", KeyTemplate: "", KeyPaymentTermDays: "14"}, KeyTemplate},
		{"the demo: both at once", nil, invoicing(), ""},
		{"invoices off and template cleared together", invoicing(),
			map[string]string{KeyExportInvoices: "false", KeyTemplate: ""}, ""},
		{"clear the template with invoices off", map[string]string{KeyTemplate: "Standaard"},
			map[string]string{KeyTemplate: ""}, ""},
		{"another template while invoices are on", invoicing(), map[string]string{KeyTemplate: "Met logo"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _ := openTemp(t)
			if c.stored != nil {
				if err := s.SetSettings(ctx, c.stored); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := s.Settings(ctx)
			err := s.SetSettings(ctx, c.change)
			after, _ := s.Settings(ctx)
			if c.wantKey == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			se := refusal(t, err)
			if se.Key != c.wantKey || se.Rule != RuleTemplateRequired || se.Value != c.change[c.wantKey] ||
				!strings.Contains(se.Reason, "factuursjabloon") || !strings.Contains(se.Reason, "zet Factuur uit") {
				t.Errorf("refusal %+v, want one of %s naming the fix", se, c.wantKey)
			}
			if after != before {
				t.Errorf("a refused change was saved:\n%+v\n%+v", before, after)
			}
		})
	}
}

// TestRefusalsOnTheirOwnAndTogetherComeTogether: a value refused on its
// own and a refused combination are reported in one answer, and a rule
// whose key was refused on its own is not checked on a guess.
func TestRefusalsOnTheirOwnAndTogetherComeTogether(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	err := s.SetSettings(ctx, map[string]string{KeyExportInvoices: "true", KeyTemplate: "", KeyPaymentTermDays: "400"})
	got := map[string]string{}
	for _, se := range refusals(err) {
		got[se.Key] = "rule " + se.Rule
	}
	if want := map[string]string{KeyPaymentTermDays: "rule ", KeyTemplate: "rule " + RuleTemplateRequired}; !maps.Equal(got, want) {
		t.Fatalf("refusals %v, want %v: %v", got, want, err)
	}

	err = s.SetSettings(ctx, map[string]string{KeyExportInvoices: "misschien", KeyTemplate: ""})
	if se := refusal(t, err); se.Key != KeyExportInvoices || se.Rule != "" {
		t.Fatalf("invoices refused on its own: %+v", se)
	}
}

// TestStoredCombinationIsNotRecheckedOnUnrelatedChanges: settings written
// by another version (invoices on, no template) read back as stored and do
// not block a change that does not touch them; a change that does is
// checked.
func TestStoredCombinationIsNotRecheckedOnUnrelatedChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.db.Exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, 'true', ''), (?, '', '')`,
		KeyExportInvoices, KeyTemplate); err != nil {
		t.Fatal(err)
	}
	if set, _ := s.Settings(ctx); !set.ExportInvoices || set.Template != "" {
		t.Fatalf("stored settings read back as %+v", set)
	}
	for k, v := range map[string]string{KeyPaused: "true", KeyPaymentTermDays: "30", KeyIntervalMinutes: "20"} {
		if err := s.SetSetting(ctx, k, v); err != nil {
			t.Errorf("%s=%s refused because of stored settings: %v", k, v, err)
		}
	}
	all := defaultValues()
	all[KeyExportInvoices] = "true"
	if se := refusal(t, s.SetSettings(ctx, all)); se.Key != KeyTemplate {
		t.Errorf("saving every setting: %+v", se)
	}
	if err := s.SetSetting(ctx, KeyTemplate, "Standaard"); err != nil {
		t.Fatalf("the fix is refused: %v", err)
	}
}

// TestPaymentTermWhileInvoicing: the references name no limit beyond the
// 0-365 days checked for every value; 0 ("direct betalen") is a term an
// invoice can use.
func TestPaymentTermWhileInvoicing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if err := s.SetSettings(ctx, invoicing()); err != nil {
		t.Fatal(err)
	}
	for v, ok := range map[string]bool{"0": true, "1": true, "365": true, "366": false, "-1": false, "": false} {
		err := s.SetSetting(ctx, KeyPaymentTermDays, v)
		if (err == nil) != ok {
			t.Errorf("payment term %q with invoices on: %v", v, err)
		}
	}
}

func invoicing() map[string]string {
	return map[string]string{KeyExportInvoices: "true", KeyTemplate: "Standaard"}
}

func defaultValues() map[string]string {
	d := DefaultSettings()
	out := map[string]string{}
	for _, k := range SettingKeys() {
		out[k], _ = d.Value(k)
	}
	return out
}

// TestARefusedLongValueIsQuotedShort: a refused 10 KB value is quoted with
// at most QuoteMax characters and "…", not echoed back whole.
func TestARefusedLongValueIsQuotedShort(t *testing.T) {
	st, _ := openTemp(t)
	long := strings.Repeat("x", 10_000)
	err := st.SetSetting(context.Background(), KeyTemplate, long)
	se := refusal(t, err)
	msg := err.Error()
	if se.Value != long {
		t.Error("the error no longer carries the refused value for the program")
	}
	if !strings.Contains(msg, `"`+strings.Repeat("x", QuoteMax)+`…"`) || strings.Contains(msg, strings.Repeat("x", QuoteMax+1)) {
		t.Fatalf("message quotes %d bytes: %.200s", len(msg), msg)
	}
	if len(msg) > 400 {
		t.Fatalf("message is %d bytes long", len(msg))
	}
	if got := Quote("kort"); got != `"kort"` {
		t.Errorf("Quote(kort) = %s", got)
	}
	if got := Quote(strings.Repeat("é", QuoteMax)); got != `"`+strings.Repeat("é", QuoteMax)+`"` {
		t.Errorf("a value of exactly QuoteMax characters is cut: %s", got)
	}
	_, err = st.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(context.Background(), long, "1"); err == nil || strings.Contains(err.Error(), strings.Repeat("x", QuoteMax+1)) {
		t.Errorf("an unknown long key is echoed whole: %.200v", err)
	}
}

// TestAmountDecimalsAreNamed: the highest line amount takes cents; more
// decimals are refused with how many are allowed, not "not a number".
func TestAmountDecimalsAreNamed(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	for in, want := range map[string]string{"25000,5": "25000.50", "1,2500": "1.25", "€ 99,99": "99.99"} {
		if err := st.SetSetting(ctx, KeyMaxLineAmount, in); err != nil {
			t.Fatalf("%q refused: %v", in, err)
		}
		s, _ := st.Settings(ctx)
		if got, _ := s.Value(KeyMaxLineAmount); got != want {
			t.Errorf("%q stored as %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"0,00001", "0,001", "12,345"} {
		se := refusal(t, st.SetSetting(ctx, KeyMaxLineAmount, in))
		if !strings.Contains(se.Reason, "hoogstens 2 decimalen") || strings.Contains(se.Reason, "not a decimal") {
			t.Errorf("%q: reason %q", in, se.Reason)
		}
	}
	se := refusal(t, st.SetSetting(ctx, KeyMaxLineAmount, "veel"))
	if strings.Contains(se.Reason, "decimalen") {
		t.Errorf("a word is refused for its decimals: %q", se.Reason)
	}
}
