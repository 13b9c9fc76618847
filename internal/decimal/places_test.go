package decimal

import (
	"errors"
	"testing"
)

func TestParsePlaces(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string // "" means an error
		n    int    // decimals reported by a *PlacesError
	}{
		{"0,0001", 4, "0.0001", 0},
		{"0,00001", 4, "", 5},
		{"0,000010", 4, "", 5},
		{"1,50", 2, "1.5", 0},
		{"1,5000", 2, "1.5", 0},
		{"25000,00", 2, "25000", 0},
		{"0,001", 2, "", 3},
		{"-2,125", 2, "", 3},
		{"7", 0, "7", 0},
		{"7,0", 0, "7", 0},
		{"7,5", 0, "", 1},
	} {
		d, err := ParsePlaces(c.in, c.max)
		if c.want != "" {
			if err != nil || d.String() != c.want {
				t.Errorf("ParsePlaces(%q, %d) = %v, %v; want %s", c.in, c.max, d, err, c.want)
			}
			continue
		}
		var pe *PlacesError
		if !errors.As(err, &pe) || pe.Places != c.n || pe.Max != c.max || !errors.Is(err, ErrTooManyPlaces) || !errors.Is(err, ErrSyntax) {
			t.Errorf("ParsePlaces(%q, %d): err = %v; want a PlacesError with %d of %d decimals", c.in, c.max, err, c.n, c.max)
		}
	}
	// Not a number at all is ErrSyntax only.
	if _, err := ParsePlaces("1.234,56", 2); !errors.Is(err, ErrSyntax) || errors.Is(err, ErrTooManyPlaces) {
		t.Errorf("thousands separator: %v", err)
	}
	// Parse allows four, and says so for a fifth instead of "not a number".
	if _, err := Parse("0,00001"); !errors.Is(err, ErrTooManyPlaces) || err.Error() != `"0,00001" has 5 decimals; at most 4 are allowed` {
		t.Errorf("Parse(0,00001): %v", err)
	}
}
