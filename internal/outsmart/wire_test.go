package outsmart

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

func TestTextReadsEveryScalar(t *testing.T) {
	tests := []struct {
		json string
		want text
	}{
		{`"abc"`, "abc"},
		{`""`, ""},
		{`null`, ""},
		{`12`, "12"},
		{`4.55`, "4.55"},
		{`-1e3`, "-1e3"},
		{`true`, "1"},
		{`false`, "0"},
		{`"a\"b\u00e9\/"`, `a"bé/`},
		{`"Kleinmateriaal & co <b>"`, "Kleinmateriaal & co <b>"},
	}
	for _, tt := range tests {
		var got struct {
			V text `json:"v"`
		}
		if err := json.Unmarshal([]byte(`{"v":`+tt.json+`}`), &got); err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if got.V != tt.want {
			t.Errorf("%s: got %q, want %q", tt.json, got.V, tt.want)
		}
	}
}

func TestTextRefusesObjectsAndArraysWithFieldPath(t *testing.T) {
	for _, body := range []string{`{"id":"1","OrderNr":{"x":1}}`, `{"id":"1","OrderNr":[1]}`} {
		var w workOrderIn
		field, err := unmarshalRecord(json.RawMessage(body), &w)
		if err == nil || field != "OrderNr" {
			t.Errorf("%s: field %q, err %v; want field OrderNr and an error", body, field, err)
		}
	}
}

func TestListFieldPathNamesTheElement(t *testing.T) {
	body := `{"id":"7","Materials":[{"MaterialNr":"1"},{"MaterialNr":"2"},{"MaterialNr":{"bad":true}}]}`
	var w workOrderIn
	field, err := unmarshalRecord(json.RawMessage(body), &w)
	if err == nil {
		t.Fatal("no error for an object quantity")
	}
	if field != "Materials[2].MaterialNr" {
		t.Errorf("field = %q, want Materials[2].MaterialNr", field)
	}
}

func TestListAcceptsNullArrayAndPHPObject(t *testing.T) {
	tests := []struct {
		json  string
		codes []string
	}{
		{`null`, nil},
		{`[]`, nil},
		{`{}`, nil},
		{`[{"MaterialCode":"A"},{"MaterialCode":"B"}]`, []string{"A", "B"}},
		{`{"0":{"MaterialCode":"A"},"3":{"MaterialCode":"B"}}`, []string{"A", "B"}},
		{`{"MaterialCode":"ONE"}`, []string{"ONE"}},
	}
	for _, tt := range tests {
		var l list[materialLineIn]
		if err := json.Unmarshal([]byte(tt.json), &l); err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		var got []string
		for _, m := range l {
			got = append(got, string(m.MaterialCode))
		}
		if strings.Join(got, ",") != strings.Join(tt.codes, ",") {
			t.Errorf("%s: codes %v, want %v", tt.json, got, tt.codes)
		}
	}
	var l list[materialLineIn]
	if err := json.Unmarshal([]byte(`"x"`), &l); err == nil {
		t.Error("a string was accepted as a list")
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in       text
		required bool
		want     string // decimal.String(); "" means an error
	}{
		{"4,55", false, "4.55"},
		{"4.55", false, "4.55"},
		{" 1895,00 ", false, "1895"},
		{"-12,5", false, "-12.5"},
		{"0,00", false, "0"},
		{"12", false, "12"},
		{"", false, "0"},
		{"", true, ""},
		{"1E-2", false, "0.01"},
		{"1.5e3", false, "1500"},
		{"1.234,56", false, ""},
		{"4,55 EUR", false, ""},
		{"abc", false, ""},
		{"0.00001", false, ""},
		{"99999999999999999999", false, ""},
		{"+7", false, "7"},
		{"4,55000", false, "4.55"},
		{"12345678901234,5", false, "12345678901234.5"},
		{"123456789012345", false, "123456789012345"},
		{"1,", false, ""},
		{",5", false, ""},
		{"--1", false, ""},
	}
	for _, tt := range tests {
		got, err := parseDecimal(tt.in, tt.required)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("parseDecimal(%q) = %s, want an error", tt.in, got)
		case tt.want != "" && err != nil:
			t.Errorf("parseDecimal(%q): %v", tt.in, err)
		case tt.want != "" && got.String() != tt.want:
			t.Errorf("parseDecimal(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := parseDecimal("x", false); !errors.Is(err, errNotDecimal) {
		t.Errorf("error %v does not wrap errNotDecimal", err)
	}
	if _, err := parseDecimal(text(strings.Repeat("9", 10000)), false); err == nil || len(err.Error()) > 200 {
		t.Errorf("a huge bad value gives %d bytes of message", len(err.Error()))
	}
}

func TestWireDecimal(t *testing.T) {
	tests := []struct {
		in, sep, want string
	}{
		{"4.55", ",", "4,55"},
		{"4.5", ",", "4,50"},
		{"50", ".", "50.00"},
		{"0.1234", ",", "0,1234"},
		{"0.123", ".", "0.123"},
		{"-3", ",", "-3,00"},
		{"0", ".", "0.00"},
	}
	for _, tt := range tests {
		if got := wireDecimal(decimal.MustParse(tt.in), tt.sep); got != tt.want {
			t.Errorf("wireDecimal(%s, %q) = %q, want %q", tt.in, tt.sep, got, tt.want)
		}
	}
}

func TestParseFlag(t *testing.T) {
	tests := []struct {
		in   text
		want *bool // nil: an error
	}{
		{"1", ptr(true)}, {"0", ptr(false)}, {"", ptr(false)}, {"true", ptr(true)}, {" 1 ", ptr(true)},
		{"2", nil}, {"yes", nil}, {"-1", nil},
	}
	for _, tt := range tests {
		got, err := parseFlag(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("parseFlag(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != *tt.want {
			t.Errorf("parseFlag(%q) = %v, %v; want %v", tt.in, got, err, *tt.want)
		}
	}
	if v, err := parseOptFlag(""); v != nil || err != nil {
		t.Errorf("parseOptFlag(\"\") = %v, %v; want nil, nil", v, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   text
		want string // YYYY-MM-DD, "zero", or "" for an error
	}{
		{"11-06-2013", "2013-06-11"},
		{"1-6-2013", "2013-06-01"},
		{"2013-06-11", "2013-06-11"},
		{"", "zero"},
		{"00-00-0000", "zero"},
		{"0000-00-00", "zero"},
		{"31-02-2026", ""},
		{"11/06/2013", ""},
		{"11-06-13", ""},
		{"2013-06-11 10:00", ""},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		switch tt.want {
		case "":
			if err == nil {
				t.Errorf("parseDate(%q) = %v, want an error", tt.in, got)
			}
		case "zero":
			if err != nil || !got.IsZero() {
				t.Errorf("parseDate(%q) = %v, %v; want zero", tt.in, got, err)
			}
		default:
			if err != nil || got.Format("2006-01-02") != tt.want || got.Location() != time.UTC {
				t.Errorf("parseDate(%q) = %v, %v; want %s UTC", tt.in, got, err, tt.want)
			}
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   text
		want string
	}{
		{"2013-06-11 02:51", "2013-06-11 02:51:00"},
		{"2013-06-11 02:51:07", "2013-06-11 02:51:07"},
		{"11-06-2013 02:51", "2013-06-11 02:51:00"},
		{"0000-00-00 00:00:00", "zero"},
		{"", "zero"},
		{"yesterday", ""},
	}
	for _, tt := range tests {
		got, err := parseDateTime(tt.in)
		switch tt.want {
		case "":
			if err == nil {
				t.Errorf("parseDateTime(%q) = %v, want an error", tt.in, got)
			}
		case "zero":
			if err != nil || !got.IsZero() {
				t.Errorf("parseDateTime(%q) = %v, %v; want zero", tt.in, got, err)
			}
		default:
			if err != nil || got.Format("2006-01-02 15:04:05") != tt.want {
				t.Errorf("parseDateTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		}
	}
}

func TestParseTimes(t *testing.T) {
	tests := []struct {
		fn   func(text) (time.Duration, error)
		name string
		in   text
		want time.Duration // -1: an error
	}{
		{parseClock, "clock", "08:30", 8*time.Hour + 30*time.Minute},
		{parseClock, "clock", "8:05", 8*time.Hour + 5*time.Minute},
		{parseClock, "clock", "23:59:30", 23*time.Hour + 59*time.Minute + 30*time.Second},
		{parseClock, "clock", "24:00", 24 * time.Hour},
		{parseClock, "clock", "", 0},
		{parseClock, "clock", "24:01", -1},
		{parseClock, "clock", "12:60", -1},
		{parseClock, "clock", "1230", -1},
		{parseClock, "clock", "-1:00", -1},
		{parseClock, "clock", "+1:00", -1},
		{parseSpan, "span", "03:45", 3*time.Hour + 45*time.Minute},
		{parseSpan, "span", "30:00", 30 * time.Hour},
		{parseSpan, "span", "3.75", -1},
		{parseBreak, "break", "30", 30 * time.Minute},
		{parseBreak, "break", "00:30", 30 * time.Minute},
		{parseBreak, "break", "", 0},
		{parseBreak, "break", "-5", -1},
		{parseBreak, "break", "half", -1},
	}
	for _, tt := range tests {
		got, err := tt.fn(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("%s(%q) = %v, want an error", tt.name, tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s(%q) = %v, %v; want %v", tt.name, tt.in, got, err, tt.want)
		}
	}
}
