package store

import (
	"errors"
	"testing"
)

// CheckSettings refuses what SetSettings refuses, with the same keys and
// rules, and accepts what it accepts.
func TestCheckSettingsAgreesWithSetSettings(t *testing.T) {
	for _, values := range []map[string]string{
		{KeyPaymentTermDays: "30", KeyTemplate: "Standaard", KeyExportInvoices: "true"},
		{KeyPaymentTermDays: "400"},
		{KeyExportInvoices: "true", KeyTemplate: ""},
		{KeyExportInvoices: "false", KeyTemplate: ""},
		{KeyDefaultVATCode: "HOOG_INK_21", KeyIntervalMinutes: "0"},
		{KeyMaxLineAmount: "abc", KeyExportInvoices: "true", KeyTemplate: ""},
	} {
		st, _ := openTemp(t)
		want := refusedKeys(st.SetSettings(t.Context(), values))
		got := refusedKeys(CheckSettings(values))
		if len(got) != len(want) {
			t.Errorf("%v: CheckSettings refuses %v, SetSettings %v", values, got, want)
			continue
		}
		for k, rule := range want {
			if got[k] != rule {
				t.Errorf("%v: CheckSettings refuses %v, SetSettings %v", values, got, want)
			}
		}
	}
	if err := CheckSettings(map[string]string{"no.such": "x"}); !errors.Is(err, ErrUnknownSetting) {
		t.Errorf("unknown key: %v", err)
	}
}

// refusedKeys maps each refused key to the rule that refused it.
func refusedKeys(err error) map[string]string {
	out := map[string]string{}
	for _, se := range refusals(err) {
		out[se.Key] = se.Rule
	}
	return out
}
