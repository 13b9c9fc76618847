package outsmart

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// decodeObjectByTokens is the straightforward decodeObject: a json.Decoder
// read token by token. decodeObject must answer the same for every valid
// JSON value.
func decodeObjectByTokens(raw json.RawMessage) ([]rawField, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read record: %w", err)
	}
	if d, isDelim := tok.(json.Delim); !isDelim || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out []rawField
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read field name: %w", err)
		}
		key, _ := keyTok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read field %s: %w", key, err)
		}
		out = append(out, rawField{name: key, value: v})
	}
	return out, nil
}

var decodeObjectSeeds = []string{
	`{}`, ` { } `, `[]`, `"x"`, `12`, `null`,
	`{"code":"M1","description":"Buis","price":"4,55","unit":"m"}`,
	` {"a" : 1 , "b":-2.5e+3,"c":true,"d":false,"e":null} `,
	"{\n\t\"name\": \"Tab\\tand \\\"quote\\\" and \\\\ slash\",\r\n\"x\":\"\\u00e9\\ud83d\\ude00\"}",
	`{"a":"é ü 漢字","a":"twice"}`,
	`{"nested":{"x":[1,"}",{"y":"]"}],"z":{}},"arr":[[],[null]],"after":"ok"}`,
	`{"s":"{[\"]}","n":0,"m":-0.0000001}`,
	`{"k\"ey":"v","":""}`,
	"{\"bad\":\"\xff\xfe\"}",
}

func TestDecodeObjectMatchesTheDecoder(t *testing.T) {
	for _, seed := range decodeObjectSeeds {
		checkDecodeObject(t, []byte(seed))
	}
}

func FuzzDecodeObject(f *testing.F) {
	for _, seed := range decodeObjectSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // decodeRecords checks the body first
		}
		checkDecodeObject(t, raw)
	})
}

func checkDecodeObject(t *testing.T, raw []byte) {
	t.Helper()
	got, gotErr := decodeObject(raw)
	want, wantErr := decodeObjectByTokens(raw)
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%q: error %v, want %v", raw, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\n got %#v\nwant %#v", raw, got, want)
	}
}
