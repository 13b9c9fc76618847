package store

import (
	"errors"
	"fmt"
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

// TestApplySettingsIsSetSettingsWithoutAStore: the same changes give the
// same refusals and the same settings in memory as on a real store.
func TestApplySettingsIsSetSettingsWithoutAStore(t *testing.T) {
	st, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mem := DefaultSettings()
	for _, values := range []map[string]string{
		{KeyExportInvoices: "ja"}, // no template: refused
		{KeyExportInvoices: "aan", KeyTemplate: " Standaard "},
		{KeyTemplate: ""}, // invoices on: refused
		{KeyPaymentTermDays: " 030", KeyHoursRounding: "Kwartier", KeyMaxLineAmount: "€ 30000,5"},
		{KeyPaymentTermDays: "400", KeyDefaultLedger: "8010"}, // one refused: none kept
		{KeyDefaultVATCode: " laag_verk_9 "},
	} {
		realErr := st.SetSettings(t.Context(), values)
		next, memErr := ApplySettings(mem, values)
		if fmt.Sprint(realErr) != fmt.Sprint(memErr) {
			t.Errorf("%v: store says %v, ApplySettings %v", values, realErr, memErr)
		}
		if memErr != nil && next != mem {
			t.Errorf("%v was refused but changed the settings", values)
		}
		mem = next
		want, err := st.Settings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if mem != want {
			t.Errorf("after %v:\n in memory %+v\n stored    %+v", values, mem, want)
		}
	}
	if mem.Template != "Standaard" || mem.PaymentTermDays != 30 || mem.DefaultVATCode != "LAAG_VERK_9" {
		t.Errorf("settings not in stored form: %+v", mem)
	}
}
