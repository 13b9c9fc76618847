package outsmart

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// This file holds what every list and upsert shares: reading the records of
// an answer one by one, and writing a batch body.

// codec describes one record type: W is its wire form, T its domain form.
type codec[W, T any] struct {
	kind string // "work order", "relation", ...
	// idKey and numberKey are the wire keys that name a record in errors
	// (numberKey may be "").
	idKey, numberKey string
	// convert maps a decoded record; on failure it names the wire field.
	convert func(*W) (T, string, error)
}

// errNoKnownKey is a record in which no key the client knows has a value:
// {}, all null, or (the real danger) every key renamed. Read as it is, it
// would be a record with every field empty, or, once filtered out by the
// caller, a list that silently lost its records [inferred: OutSmart always
// sends the identifying keys of a record].
var errNoKnownKey = errors.New("no key of the record is one the client knows (or all are empty): the answer's shape is unknown")

// decodeList reads the records of a list answer. A record that cannot be
// read becomes a RecordError and the others are returned with a
// PartialError; an answer that is not a list at all fails as a whole.
//
// The usual answer, an array of objects that all decode, takes one pass of
// encoding/json; only when that fails is each record decoded on its own to
// find the unreadable ones.
func decodeList[W, T any](c *Client, op string, raw json.RawMessage, cd codec[W, T]) ([]T, error) {
	var bad []*RecordError
	keep := func(i int, rerr *RecordError) {
		rerr.Endpoint, rerr.Index = op, i
		rerr.ID, rerr.Number = c.red.String(rerr.ID), c.red.String(rerr.Number)
		rerr.Err = errors.New(c.red.String(rerr.Err.Error()))
		bad = append(bad, rerr)
	}
	var out []T
	total := 0
	var ws []*W
	if len(raw) > 0 && raw[0] == '[' && json.Unmarshal(raw, &ws) == nil {
		total = len(ws)
		out = make([]T, 0, len(ws))
		for i, w := range ws {
			if w == nil {
				keep(i, &RecordError{Kind: cd.kind, Err: errors.New("the record is null, want an object")})
				continue
			}
			if reflect.ValueOf(w).Elem().IsZero() {
				keep(i, &RecordError{Kind: cd.kind, Err: errNoKnownKey})
				continue
			}
			v, field, err := cd.convert(w)
			if err != nil {
				id, number := cd.names(w, nil)
				keep(i, &RecordError{Kind: cd.kind, ID: id, Number: number, Field: field, Err: err})
				continue
			}
			out = append(out, v)
		}
	} else {
		recs, err := splitList(raw)
		if err != nil {
			return nil, &failure{msg: fmt.Sprintf("outsmart %s: %v", op, err), errs: []error{ErrUnreadable}}
		}
		total = len(recs)
		out = make([]T, 0, len(recs))
		for i, rec := range recs {
			v, rerr := cd.decodeOne(rec)
			if rerr != nil {
				keep(i, rerr)
				continue
			}
			out = append(out, v)
		}
	}
	if len(bad) > 0 {
		return out, &PartialError{Endpoint: op, Total: total, Records: bad}
	}
	return out, nil
}

// decodeOne reads one record; the RecordError it returns lacks Endpoint and
// Index.
func (cd codec[W, T]) decodeOne(rec json.RawMessage) (T, *RecordError) {
	var w W
	var zero T
	if field, err := unmarshalRecord(rec, &w); err != nil {
		id, number := cd.names(nil, rec)
		return zero, &RecordError{Kind: cd.kind, ID: id, Number: number, Field: field, Err: err}
	}
	if reflect.ValueOf(&w).Elem().IsZero() {
		return zero, &RecordError{Kind: cd.kind, Err: errNoKnownKey}
	}
	v, field, err := cd.convert(&w)
	if err != nil {
		id, number := cd.names(&w, rec)
		return zero, &RecordError{Kind: cd.kind, ID: id, Number: number, Field: field, Err: err}
	}
	return v, nil
}

// names reads the id and number of a record for an error message, from the
// raw record when there is one (the decoded form may be incomplete), else
// from the decoded form. Best effort: "" when unreadable.
func (cd codec[W, T]) names(w *W, rec json.RawMessage) (id, number string) {
	if rec == nil {
		b, err := json.Marshal(w)
		if err != nil {
			return "", ""
		}
		rec = b
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(rec, &m) != nil {
		return "", ""
	}
	get := func(key string) string {
		var t text
		if key == "" || t.UnmarshalJSON(m[key]) != nil {
			return ""
		}
		return string(t)
	}
	return get(cd.idKey), get(cd.numberKey)
}

// unmarshalRecord decodes one record into v and, on failure, names the
// field that could not be read.
func unmarshalRecord(rec json.RawMessage, v any) (field string, err error) {
	if len(rec) == 0 || rec[0] != '{' {
		return "", fmt.Errorf("the record is %s, want an object", jsonKind(rec))
	}
	err = json.Unmarshal(rec, v)
	if err == nil {
		return "", nil
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return strings.ReplaceAll(ute.Field, ".[", "["), fmt.Errorf("unexpected JSON %s", ute.Value)
	}
	return "", errors.New("unreadable record")
}

// marshalBody writes a POST body: a JSON array, also for one record [DOC S1],
// without HTML escaping so that "&" stays "&".
func marshalBody(records any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(records); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
