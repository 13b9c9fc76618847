package outsmart

import (
	"bytes"
	"encoding/json"
	"testing"
)

var trickyStrings = []string{
	"", "plain", `quote " and backslash \`, "<b>&amp;</b>", "tab\tnewline\n", "\x00\x1f\x7f",
	"é ü 漢字 😀", "line\u2028para\u2029", "bad \xff\xfe utf-8", "4,55", "debtor/number",
}

// TestWriteStringMatchesTheEncoder checks writeString's quick path against
// the JSON encoder without HTML escaping.
func TestWriteStringMatchesTheEncoder(t *testing.T) {
	for _, s := range trickyStrings {
		var got, want bytes.Buffer
		if err := writeString(&got, s); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got.String()+"\n" != want.String() {
			t.Errorf("writeString(%q) = %s, want %s", s, got.String(), want.String())
		}
	}
}

// TestEncodeListMatchesTheEnvelopeEncoder checks that a list of records is
// encoded byte for byte as the envelope encoder encodes it.
func TestEncodeListMatchesTheEnvelopeEncoder(t *testing.T) {
	var list []object
	for i, s := range trickyStrings {
		v := s
		list = append(list, object{{key: "name", val: &v}, {key: "latitude", val: nil}, {key: trickyStrings[len(trickyStrings)-1-i], val: &v}})
	}
	for _, tc := range []struct {
		name string
		r    reply
	}{
		{"records", success(list)},
		{"no records", success([]object{})},
		{"messages", reply{code: codeOK, messages: trickyStrings, response: list[:2]}},
	} {
		got, err := tc.r.encode()
		if err != nil {
			t.Fatal(err)
		}
		items := make([]any, 0, len(tc.r.response.([]object)))
		for _, o := range tc.r.response.([]object) {
			items = append(items, o)
		}
		generic := tc.r
		generic.response = items
		want, err := generic.encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: not valid JSON: %s", tc.name, got)
		}
	}
}
