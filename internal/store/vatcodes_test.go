package store

import (
	"slices"
	"testing"
)

// Every code a default may take has a name, and only those: the window offers
// the list, the store accepts SalesVATCodes.
func TestVATCodeListNamesEverySalesCode(t *testing.T) {
	var listed []string
	labels := map[string]bool{}
	for _, c := range SalesVATCodeList() {
		listed = append(listed, c.Code)
		for _, english := range []bool{false, true} {
			l := c.Label(english)
			if labels[l] {
				t.Errorf("label %q twice", l)
			}
			labels[l] = true
		}
		if c.Dutch == "" || c.English == "" {
			t.Errorf("%s lacks a name: %+v", c.Code, c)
		}
	}
	want := SalesVATCodes()
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("named codes %v, sales codes %v", listed, want)
	}
}

func TestVATCodeLabels(t *testing.T) {
	for _, tc := range []struct {
		code           string
		dutch, english string
	}{
		{"HOOG_VERK_21", "Hoog tarief 21 % (HOOG_VERK_21)", "Standard rate 21 % (HOOG_VERK_21)"},
		{"VERL_VERK", "Verlegd (VERL_VERK)", "Reverse charge (VERL_VERK)"},
		{"HOOG_VERK", "Hoog tarief 19 % (HOOG_VERK), verouderd", "Standard rate 19 % (HOOG_VERK), outdated"},
		{"LAAG_VERK", "Laag tarief 9 % (6 % vóór 2019) (LAAG_VERK), verouderd", "Reduced rate 9 % (6 % before 2019) (LAAG_VERK), outdated"},
	} {
		c, ok := LookUpVATCode(tc.code)
		if !ok {
			t.Fatalf("%s unknown", tc.code)
		}
		if got := c.Label(false); got != tc.dutch {
			t.Errorf("Dutch label of %s = %q, want %q", tc.code, got, tc.dutch)
		}
		if got := c.Label(true); got != tc.english {
			t.Errorf("English label of %s = %q, want %q", tc.code, got, tc.english)
		}
	}
	var outdated []string
	for _, c := range SalesVATCodeList() {
		if c.Outdated {
			outdated = append(outdated, c.Code)
		}
	}
	if !slices.Equal(outdated, []string{"HOOG_VERK", "LAAG_VERK"}) {
		t.Errorf("outdated codes %v, want the 19 %% and 6 %% codes", outdated)
	}
	if _, ok := LookUpVATCode("HOOG_INK_21"); ok {
		t.Error("a purchase code is named as a sales code")
	}
}
