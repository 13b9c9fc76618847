package store

import (
	"context"
	"strings"
	"testing"
)

// TestCostCentreSetting: the cost centre is kept by id with its
// description, none by default; a value of another form is refused in
// Dutch and the old value stays.
func TestCostCentreSetting(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	s, err := st.Settings(ctx)
	if err != nil || s.CostCentreID != 0 || s.CostCentre != "" {
		t.Fatalf("default: %d %q, %v", s.CostCentreID, s.CostCentre, err)
	}
	for in, want := range map[string]struct {
		id   int64
		desc string
		text string
	}{
		" 2201  Installatie ":         {2201, "Installatie", "2201 Installatie"},
		"2202 Service en   onderhoud": {2202, "Service en onderhoud", "2202 Service en onderhoud"},
		"7":                           {7, "", "7"},
		"2147483647 Max":              {2147483647, "Max", "2147483647 Max"},
		"":                            {0, "", ""},
	} {
		if err := st.SetSetting(ctx, KeyCostCentre, in); err != nil {
			t.Fatalf("%q refused: %v", in, err)
		}
		s, _ := st.Settings(ctx)
		if got, _ := s.Value(KeyCostCentre); s.CostCentreID != want.id || s.CostCentre != want.desc || got != want.text {
			t.Errorf("%q kept as %d %q (%q), want %+v", in, s.CostCentreID, s.CostCentre, got, want)
		}
	}
	if err := st.SetSetting(ctx, KeyCostCentre, "2201 Installatie"); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"Installatie", "0", "0042 x", "-5", "2147483648", "2201 a\x01b", "2201 " + strings.Repeat("x", 101), "2201\nx", "2201\tx"} {
		se := refusal(t, st.SetSetting(ctx, KeyCostCentre, in))
		if se.Key != KeyCostCentre || se.Reason == "" || strings.ContainsAny(se.Reason[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Errorf("%q: %+v", in, se)
		}
		s, _ := st.Settings(ctx)
		if s.CostCentreID != 2201 || s.CostCentre != "Installatie" {
			t.Errorf("after %q refused: %d %q", in, s.CostCentreID, s.CostCentre)
		}
	}
	if id, desc, err := ParseCostCentre(CostCentreValue(31, "  Storingen  nacht ")); err != nil || id != 31 || desc != "Storingen nacht" {
		t.Errorf("round trip: %d %q %v", id, desc, err)
	}
	if CostCentreValue(0, "x") != "" {
		t.Error("id 0 is not none")
	}
}
