package decimal

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseErrorsWrapErrSyntax(t *testing.T) {
	if _, err := Parse("1.234,56"); !errors.Is(err, ErrSyntax) {
		t.Fatalf("err = %v, want ErrSyntax", err)
	}
}

func TestParse(t *testing.T) {
	good := map[string]string{
		"4,55": "4.55", "4.55": "4.55", "0": "0", "-12.5": "-12.5", "+3": "3", " 50.00 ": "50",
		"0,0001": "0.0001", "1177.3": "1177.3", "-0": "0", "000123": "123",
	}
	for in, want := range good {
		d, err := Parse(in)
		if err != nil || d.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.234,56", "1,234.56", "1e3", "1/3", "0x10", "1.", ".5", "4,55555", "NaN", "Inf", "1_000", "12 34", "99999999999999999"} {
		if d, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, d)
		}
	}
}

func TestParseDouble(t *testing.T) {
	cases := map[string]string{
		"975.5": "975.5", "1E-05": "0", "5E-05": "0.0001", "1.5E+2": "150", "0.30000000000000004": "0.3",
		"-0": "0", "50.82": "50.82", "0.21": "0.21", "12": "12", "-2.00005": "-2.0001", "1e-400": "0", ".5": "0.5",
	}
	for in, want := range cases {
		d, err := ParseDouble(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDouble(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "4,55", "1e21", "1e99999", "NaN", "INF", "0x1p3", "1/2", "--1", "1e"} {
		if d, err := ParseDouble(in); err == nil {
			t.Errorf("ParseDouble(%q) = %v, want an error", in, d)
		}
	}
}

func TestArithmeticAndRounding(t *testing.T) {
	// 3.75 h × 62.50 = 234.375 -> 234.38 (half away from zero)
	line := MustParse("3.75").Mul(MustParse("62.50"))
	if line.String() != "234.375" || line.RoundCents().String() != "234.38" || line.Cents() != 23438 {
		t.Fatalf("3.75 × 62.50 = %s / %s", line, line.RoundCents())
	}
	if got := MustParse("-234.375").RoundCents().String(); got != "-234.38" {
		t.Fatalf("negative rounding: %s", got)
	}
	if got := MustParse("0.1").Add(MustParse("0.2")); !got.Equal(MustParse("0.3")) {
		t.Fatalf("0.1 + 0.2 = %s", got)
	}
	if got := MustParse("10").Sub(MustParse("0.01")).Neg(); got.String() != "-9.99" {
		t.Fatalf("-(10 - 0.01) = %s", got)
	}
	// Mul rounds to four places: 0.3333 × 3 = 0.9999
	if got := MustParse("0.3333").Mul(FromInt(3)); got.String() != "0.9999" {
		t.Fatalf("0.3333 × 3 = %s", got)
	}
	if got := MustParse("0.0001").Mul(MustParse("0.5")); got.String() != "0.0001" {
		t.Fatalf("0.0001 × 0.5 = %s (half away from zero)", got)
	}
	if New(455, 2).String() != "4.55" || FromCents(-199).String() != "-1.99" || FromInt(7).Fixed(2) != "7.00" {
		t.Fatal("constructors are wrong")
	}
	if MustParse("4.5").Comma(2) != "4,50" || MustParse("-0.005").Fixed(2) != "-0.01" || MustParse("2.5").Fixed(0) != "3" {
		t.Fatal("formatting is wrong")
	}
	if MustParse("1").Cmp(MustParse("2")) != -1 || MustParse("2").Cmp(MustParse("1")) != 1 || MustParse("1").Cmp(MustParse("1.0")) != 0 {
		t.Fatal("Cmp is wrong")
	}
	if Zero.Sign() != 0 || MustParse("-1").Sign() != -1 || !Zero.IsZero() {
		t.Fatal("Sign/IsZero is wrong")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"4,55", "50.00", "-1", "1E-05", "0.30000000000000004", "1.234,56", "", "9999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Parse(s); err == nil {
			back, err := Parse(d.String())
			if err != nil || !back.Equal(d) {
				t.Fatalf("Parse(%q) = %s does not round-trip: %v", s, d, err)
			}
		}
		if d, err := ParseDouble(s); err == nil {
			back, err := ParseDouble(d.String())
			if err != nil || !back.Equal(d) {
				t.Fatalf("ParseDouble(%q) = %s does not round-trip: %v", s, d, err)
			}
		}
	})
}

func TestTextRoundTrip(t *testing.T) {
	type rec struct{ Price Decimal }
	b, err := json.Marshal(rec{MustParse("4,55")})
	if err != nil || string(b) != `{"Price":"4.55"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"Price":"12,5"}`), &r); err != nil || r.Price.String() != "12.5" {
		t.Fatalf("unmarshal: %v %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"Price":"1.234,5"}`), &r); err == nil {
		t.Fatal("unmarshal accepted a bad number")
	}
}

func TestDivInt(t *testing.T) {
	cases := []struct {
		d    string
		n    int64
		want string
	}{{"70", 60, "1.1667"}, {"225", 60, "3.75"}, {"-1", 3, "-0.3333"}, {"2", 3, "0.6667"}, {"0.0001", 2, "0.0001"}}
	for _, c := range cases {
		if got := MustParse(c.d).DivInt(c.n).String(); got != c.want {
			t.Errorf("%s / %d = %s, want %s", c.d, c.n, got, c.want)
		}
	}
}

func TestMulDivRoundRoundsOnce(t *testing.T) {
	cases := []struct {
		d      string
		m, n   int64
		places int
		want   string
	}{
		{"62.50", 395, 60, 2, "411.46"}, // 6:35 h at 62,50
		{"95", 50, 60, 2, "79.17"},      // 0:50 h at 95
		{"48.50", 520, 60, 2, "420.33"}, // 8:40 h at 48,50
		{"0.0003", 1, 2, 2, "0"},        // 0.00015 rounds to 0.00
		{"0.0001", 50, 1, 2, "0.01"},    // 0.005 rounds away from zero
		{"-0.0001", 50, 1, 2, "-0.01"},  // also below zero
		{"1.0049", 1, 1, 2, "1"},        // one rounding: 1.0049 -> 1.00, not 1.005 -> 1.01
		{"10", 1, 3, 4, "3.3333"},
	}
	for _, c := range cases {
		got, err := MustParse(c.d).MulDivRound(c.m, c.n, c.places)
		if err != nil || got.String() != c.want {
			t.Errorf("%s × %d / %d to %d places = %s, %v; want %s", c.d, c.m, c.n, c.places, got, err, c.want)
		}
	}
	// Double rounding would give 0.01 here: 0.0049999 -> 0.0050 -> 0.01.
	if got, _ := MustParse("0.0149").MulDivRound(1, 3, 2); got.String() != "0" {
		t.Errorf("0.0149 / 3 = %s, want 0 (0.004966.. rounds down)", got)
	}
	if _, err := MustParse("1").MulDivRound(1, 0, 2); err == nil {
		t.Error("division by zero accepted")
	}
}

func TestTryMulReportsOverflow(t *testing.T) {
	big := MustParse("1000000000000") // 10^12
	if _, err := big.TryMul(MustParse("1000000")); err == nil {
		t.Error("10^18 fits in no Decimal, but TryMul gave no error")
	}
	if got, err := big.TryMul(MustParse("1.21")); err != nil || got.String() != "1210000000000" {
		t.Errorf("TryMul = %s, %v", got, err)
	}
}

func TestMulRoundRoundsOnce(t *testing.T) {
	// 0.3333 × 0.0015 = 0.00049995: Mul gives 0.0005, which rounds to 0.00
	// only by luck; 1.0001 × 0.0049 = 0.00490049 -> one rounding 0.00.
	cases := []struct{ a, b, want string }{
		{"6.5833", "62.50", "411.46"},
		{"1.0001", "0.0049", "0"},
		{"0.4999", "0.01", "0"},   // 0.004999
		{"2.4999", "0.002", "0"},  // 0.0049998 would be 0.0050 after Mul, 0.01 after RoundCents
		{"-2.4999", "0.002", "0"}, // and below zero
		{"3", "1.005", "3.02"},    // 3.015
	}
	for _, c := range cases {
		got, err := MustParse(c.a).MulRound(MustParse(c.b), 2)
		if err != nil || got.String() != c.want {
			t.Errorf("%s × %s = %s, %v; want %s", c.a, c.b, got, err, c.want)
		}
	}
	if m := MustParse("2.4999").Mul(MustParse("0.002")).RoundCents(); m.String() != "0.01" {
		t.Fatalf("the case above no longer shows double rounding (Mul then RoundCents = %s)", m)
	}
}
