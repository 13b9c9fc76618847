package decimal

import "testing"

func TestEuro(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"0", "€ 0,00"},
		{"1039.33", "€ 1.039,33"},
		{"999.995", "€ 1.000,00"},
		{"100", "€ 100,00"},
		{"1234567.8", "€ 1.234.567,80"},
		{"-0.5", "€ -0,50"},
		{"-12500", "€ -12.500,00"},
		{"0.00001", "€ 0,00"},
	} {
		d, err := Parse(c.in)
		if c.in == "0.00001" {
			d, err = ParseDouble("1E-05")
		}
		if err != nil {
			t.Fatalf("parse %q: %v", c.in, err)
		}
		if got := d.Euro(); got != c.want {
			t.Errorf("Euro(%s) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := EuroCents(103933); got != "€ 1.039,33" {
		t.Errorf("EuroCents(103933) = %q", got)
	}
}

func TestGroupedPlaces(t *testing.T) {
	d := MustParse("1234.5678")
	for places, want := range map[int]string{0: "1.235", 1: "1.234,6", 4: "1.234,5678"} {
		if got := d.Grouped(places); got != want {
			t.Errorf("Grouped(%d) = %q, want %q", places, got, want)
		}
	}
}
