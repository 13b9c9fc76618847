package outsmart

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// This file holds the master-data endpoints (relations, materials, hourtypes):
// one generic description per entity drives POST validation, the upsert, the
// GET output and the filters, so the three endpoints cannot drift apart.

// fieldKind says how a field is validated, stored and compared.
type fieldKind int

const (
	textField       fieldKind = iota // any string; JSON numbers are read as their text
	commaPriceField                  // decimal, stored and answered as "4,55" [DOC S1 materials]
	dotPriceField                    // decimal >= 0, stored and answered as "50.00" [DOC S1 hourtypes]
	flagField                        // "0" or "1" [DOC S1]
	latitudeField                    // Float(10,6), answered null when unset [DOC S1 relations GET]
	longitudeField
)

// numeric reports whether filters compare the field as a number.
func (k fieldKind) numeric() bool {
	return k == commaPriceField || k == dotPriceField || k == latitudeField || k == longitudeField
}

// field is one documented field of a record.
type field[T any] struct {
	name     string
	required bool
	kind     fieldKind
	ref      func(*T) *string
}

// entity describes one master-data endpoint.
type entity[T any] struct {
	endpoint string
	// key is the field a POST upserts on [inferred: the docs call POST a sync].
	key string
	// missingCode is answered for a missing required field ("x01"),
	// invalidCode for a value that does not parse, unknownCode for a field the
	// endpoint does not know ("x00").
	missingCode, invalidCode, unknownCode int
	// fields are in the order the Blueprint lists them (which decides the
	// first missing field reported) and the order they are answered in.
	fields []field[T]
	// aliases are extra filter keys seen in client code.
	aliases map[string]string
	// defaults fills fields a new record did not get.
	defaults func(*T)
	list     func(*State) *[]T
}

// relationSpec: Blueprint fields, then the newer GitBook/Postman fields
// (notes §6.1).
var relationSpec = &entity[Relation]{
	endpoint:    "relations",
	key:         "debtor_number",
	missingCode: codeRelationMissing, invalidCode: codeRelationFailed, unknownCode: codeRelationFailed,
	fields: []field[Relation]{
		{"name", true, textField, func(r *Relation) *string { return &r.Name }},
		{"debtor_number", true, textField, func(r *Relation) *string { return &r.DebtorNumber }},
		{"contact", false, textField, func(r *Relation) *string { return &r.Contact }},
		{"phone_number", false, textField, func(r *Relation) *string { return &r.PhoneNumber }},
		{"email", false, textField, func(r *Relation) *string { return &r.Email }},
		{"email_workorder", false, textField, func(r *Relation) *string { return &r.EmailWorkorder }},
		{"street", true, textField, func(r *Relation) *string { return &r.Street }},
		{"house_number", false, textField, func(r *Relation) *string { return &r.HouseNumber }},
		{"postal_code", true, textField, func(r *Relation) *string { return &r.PostalCode }},
		{"city", true, textField, func(r *Relation) *string { return &r.City }},
		{"remark", false, textField, func(r *Relation) *string { return &r.Remark }},
		{"latitude", false, latitudeField, func(r *Relation) *string { return &r.Latitude }},
		{"longitude", false, longitudeField, func(r *Relation) *string { return &r.Longitude }},
		{"country", false, textField, func(r *Relation) *string { return &r.Country }},
		{"external_id", false, textField, func(r *Relation) *string { return &r.ExternalID }},
		{"debtor_number_invoice", false, textField, func(r *Relation) *string { return &r.DebtorNumberInvoice }},
		{"kvk_number", false, textField, func(r *Relation) *string { return &r.KvkNumber }},
		{"vat_number", false, textField, func(r *Relation) *string { return &r.VatNumber }},
		{"debtor_type", false, textField, func(r *Relation) *string { return &r.DebtorType }},
		{"language", false, textField, func(r *Relation) *string { return &r.Language }},
		{"accountmanager", false, textField, func(r *Relation) *string { return &r.Accountmanager }},
		{"mobile", false, textField, func(r *Relation) *string { return &r.Mobile }},
		{"status", false, textField, func(r *Relation) *string { return &r.Status }},
		{"active", false, flagField, func(r *Relation) *string { return &r.Active }},
		{"pgp_code", false, textField, func(r *Relation) *string { return &r.PgpCode }},
		{"source", false, textField, func(r *Relation) *string { return &r.Source }},
		{"lead_phase", false, textField, func(r *Relation) *string { return &r.LeadPhase }},
	},
	// S2's example filters relations on "zip" [DOC S2, notes §4].
	aliases: map[string]string{"zip": "postal_code"},
	defaults: func(r *Relation) {
		if r.Active == "" {
			r.Active = "1" // a new relation is active [inferred]
		}
	},
	list: func(st *State) *[]Relation { return &st.Relations },
}

// materialSpec: Blueprint fields plus vat_code and note [DOC S2 only].
var materialSpec = &entity[Material]{
	endpoint:    "materials",
	key:         "code",
	missingCode: codeMaterialMissing, invalidCode: codeMaterialFailed, unknownCode: codeMaterialFailed,
	fields: []field[Material]{
		{"code", true, textField, func(m *Material) *string { return &m.Code }},
		{"description", true, textField, func(m *Material) *string { return &m.Description }},
		{"price", true, commaPriceField, func(m *Material) *string { return &m.Price }},
		{"unit", true, textField, func(m *Material) *string { return &m.Unit }},
		{"eancode", false, textField, func(m *Material) *string { return &m.Eancode }},
		{"barcode", false, textField, func(m *Material) *string { return &m.Barcode }},
		{"freefield1", false, textField, func(m *Material) *string { return &m.Freefield1 }},
		{"freefield2", false, textField, func(m *Material) *string { return &m.Freefield2 }},
		{"freefield3", false, textField, func(m *Material) *string { return &m.Freefield3 }},
		{"freefield4", false, textField, func(m *Material) *string { return &m.Freefield4 }},
		{"freefield5", false, textField, func(m *Material) *string { return &m.Freefield5 }},
		{"vat_code", false, textField, func(m *Material) *string { return &m.VatCode }},
		{"note", false, textField, func(m *Material) *string { return &m.Note }},
	},
	list: func(st *State) *[]Material { return &st.Materials },
}

// hourTypeSpec: Blueprint fields. 1801 covers a missing field, a flag that is
// not 0/1 and a price that does not parse [DOC S1].
var hourTypeSpec = &entity[demodata.HourType]{
	endpoint:    "hourtypes",
	key:         "code",
	missingCode: codeHourTypeInvalid, invalidCode: codeHourTypeInvalid, unknownCode: codeHourTypeFailed,
	fields: []field[demodata.HourType]{
		{"code", true, textField, func(h *demodata.HourType) *string { return &h.Code }},
		{"name", true, textField, func(h *demodata.HourType) *string { return &h.Name }},
		{"cost_booking", true, flagField, func(h *demodata.HourType) *string { return &h.CostBooking }},
		{"sale_booking", true, flagField, func(h *demodata.HourType) *string { return &h.SaleBooking }},
		{"sale_price", true, dotPriceField, func(h *demodata.HourType) *string { return &h.SalePrice }},
		{"cost_price", false, dotPriceField, func(h *demodata.HourType) *string { return &h.CostPrice }},
		{"active", false, flagField, func(h *demodata.HourType) *string { return &h.Active }},
	},
	defaults: func(h *demodata.HourType) {
		if h.CostPrice == "" {
			h.CostPrice = "0.00" // every Blueprint example answers a cost_price [inferred]
		}
		if h.Active == "" {
			h.Active = "1" // [inferred]
		}
	},
	list: func(st *State) *[]demodata.HourType { return &st.HourTypes },
}

// lookup returns the field a (filter) key names, following aliases.
func (e *entity[T]) lookup(name string) (field[T], bool) {
	if alias, ok := e.aliases[name]; ok {
		name = alias
	}
	for _, f := range e.fields {
		if f.name == name {
			return f, true
		}
	}
	return field[T]{}, false
}

func (e *entity[T]) applyDefaults(t *T) {
	if e.defaults != nil {
		e.defaults(t)
	}
}

// value returns what the field is answered as: unset coordinates are null as
// in the Blueprint's GET example; other unset fields are "" [inferred]. It
// points into the record: answers are encoded under the server's lock,
// before the state can change again.
func (f field[T]) value(t *T) *string {
	v := f.ref(t)
	if *v == "" && (f.kind == latitudeField || f.kind == longitudeField) {
		return nil
	}
	return v
}

// output renders a record with every field, in documented order.
func (e *entity[T]) output(t *T) object {
	obj := make(object, 0, len(e.fields))
	for _, f := range e.fields {
		obj = append(obj, member{key: f.name, val: f.value(t)})
	}
	return obj
}

// get answers GET <endpoint>: every record matching the advanced filters.
func (e *entity[T]) get(st *State, q url.Values) reply {
	filters, rep, ok := parseFilters(q)
	if !ok {
		return rep
	}
	fs := make([]field[T], len(filters))
	for i, f := range filters {
		fld, known := e.lookup(f.key)
		if !known {
			return failf(codeGeneral, "Key %s not allowed", f.key) // message [DOC S1/CODE S8]; code 1007 [inferred]
		}
		fs[i] = fld
	}
	out := []object{}
	list := *e.list(st)
records:
	for i := range list {
		for j, f := range filters {
			m, err := f.match(fs[j].value(&list[i]), fs[j].kind.numeric())
			if err != nil {
				return fail(codeGeneral, sentence(err))
			}
			if !m {
				continue records
			}
		}
		out = append(out, e.output(&list[i]))
	}
	return success(out)
}

// post answers POST <endpoint>: validate the whole array first, then upsert
// every record (all-or-nothing [inferred]). The response is the number of
// records synced [DOC S1].
func (e *entity[T]) post(st *State, body []byte, bodyErr error) reply {
	recs, rep, ok := decodeRecords(body, bodyErr)
	if !ok {
		return rep
	}
	valid := make([]map[string]string, len(recs))
	for i, rec := range recs {
		v, rep, ok := e.validate(rec)
		if !ok {
			return rep
		}
		valid[i] = v
	}
	list := e.list(st)
	keys := e.keyIndex(st)
	for _, v := range valid {
		i, found := keys[v[e.key]]
		if !found {
			var t T
			*list = append(*list, t)
			i = len(*list) - 1
			keys[v[e.key]] = i
		}
		t := &(*list)[i]
		// Only the fields sent change; the others keep their value, as an
		// INSERT ... ON DUPLICATE KEY UPDATE of the sent columns would [inferred].
		for _, f := range e.fields {
			if val, sent := v[f.name]; sent {
				*f.ref(t) = val
			}
		}
		e.applyDefaults(t)
	}
	return success(len(valid)) // every record of the body counts, also a repeated key [inferred]
}

// keyIndex returns the positions of the records by their key, building it
// when the state has none: for a key that occurs more than once (possible
// only through Update), the first record, as a scan would find it. The key
// field is never changed by an upsert, so post keeps the index in step by
// adding the records it appends.
func (e *entity[T]) keyIndex(st *State) map[string]int {
	if st.keys == nil {
		st.keys = map[string]map[string]int{}
	}
	keys, ok := st.keys[e.endpoint]
	if !ok {
		list := *e.list(st)
		keyField, _ := e.lookup(e.key)
		keys = make(map[string]int, len(list))
		for i := range list {
			if k := *keyField.ref(&list[i]); !containsKey(keys, k) {
				keys[k] = i
			}
		}
		st.keys[e.endpoint] = keys
	}
	return keys
}

func containsKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// validate checks one record and returns its normalised values. Checks run
// in this order, the first problem wins: unknown fields (the sandbox is
// stricter than OutSmart here, to catch client typos [inferred/sandbox
// strictness]), missing required fields, then values.
func (e *entity[T]) validate(rec []rawField) (map[string]string, reply, bool) {
	for _, rf := range rec {
		if _, known := e.lookup(rf.name); !known || e.aliases[rf.name] != "" {
			return nil, failf(e.unknownCode, "Unknown field: %s", rf.name), false
		}
	}
	values := map[string]string{}
	for _, rf := range rec {
		if rf.value == nil {
			// null is the same as leaving the field out, as PHP's isset() reads
			// it [inferred].
			delete(values, rf.name)
			continue
		}
		s, err := scalarText(rf.value)
		if err != nil {
			return nil, failf(e.invalidCode, "Invalid value for %s: %v", rf.name, err), false
		}
		values[rf.name] = s // a repeated key: the last one wins, as in json_decode
	}
	for _, f := range e.fields {
		// An empty string is as good as missing [inferred].
		if f.required && strings.TrimSpace(values[f.name]) == "" {
			return nil, failf(e.missingCode, "Required field missing: %s", f.name), false
		}
	}
	for _, f := range e.fields {
		s, sent := values[f.name]
		if !sent {
			continue
		}
		norm, err := normaliseValue(f.kind, s)
		if err != nil {
			return nil, failf(e.invalidCode, "Invalid value for %s: %v", f.name, err), false
		}
		values[f.name] = norm
	}
	return values, reply{}, true
}

// normaliseValue checks a value against its kind and returns the stored form.
func normaliseValue(kind fieldKind, s string) (string, error) {
	switch kind {
	case commaPriceField:
		return commaPrice(s)
	case dotPriceField:
		v, err := dotPrice(s)
		if err == nil && strings.HasPrefix(v, "-") {
			return "", errors.New("must not be negative") // Blueprint: Decimal (> 0); "0.00" is in its own example
		}
		return v, err
	case flagField:
		if s != "0" && s != "1" {
			return "", fmt.Errorf("%q must be 0 or 1", s)
		}
		return s, nil
	case latitudeField, longitudeField:
		if strings.TrimSpace(s) == "" {
			return "", nil
		}
		r, err := parseDecimal(s)
		if err != nil {
			return "", err
		}
		limit := int64(90)
		if kind == longitudeField {
			limit = 180
		}
		if f, _ := r.Float64(); f < -float64(limit) || f > float64(limit) {
			return "", fmt.Errorf("%s is out of range (-%d..%d)", s, limit, limit)
		}
		return formatDecimal(r, 6, "."), nil
	}
	return s, nil
}

// scalarText turns a decoded JSON value into text. Strings and numbers are
// accepted (the Postman examples send "active": 1); booleans, arrays and
// objects are refused [inferred].
func scalarText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return numberText(v)
	case bool:
		return "", fmt.Errorf("%v is a boolean, want a string or number", v)
	default:
		return "", errors.New("want a string or number, not an array or object")
	}
}

// rawField is one member of a posted record, in body order.
type rawField struct {
	name  string
	value any // string, json.Number, bool, nil, []any or map[string]any
}

// errBodyTooLarge and errBodyUnreadable are what reading the body can fail with.
var (
	errBodyTooLarge   = fmt.Errorf("body larger than %d MiB", maxBodyBytes>>20)
	errBodyUnreadable = errors.New("body could not be read")
)

// decodeRecords reads a POST body: a JSON array of objects, also for one
// record [DOC S1]. Empty body: 1008; anything else that is not an array of
// objects: 1009.
func decodeRecords(body []byte, bodyErr error) ([][]rawField, reply, bool) {
	switch {
	case errors.Is(bodyErr, errBodyTooLarge):
		return nil, fail(codeBadBody, msgUnableToParseBody, "Body larger than 10 MiB (sandbox limit)"), false // [inferred]
	case bodyErr != nil:
		return nil, fail(codeNoBody, msgUnableToFetchBody), false
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, fail(codeNoBody, msgUnableToFetchBody), false
	}
	if !json.Valid(trimmed) {
		return nil, fail(codeBadBody, msgUnableToParseBody), false
	}
	if trimmed[0] != '[' {
		// OutSmart documents an array, even for one record; a lone object is
		// refused [inferred].
		return nil, fail(codeBadBody, msgUnableToParseBody, "The body must be a JSON array of records, also for a single record"), false
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, fail(codeBadBody, msgUnableToParseBody), false
	}
	recs := make([][]rawField, len(raws))
	for i, raw := range raws {
		rec, err := decodeObject(raw)
		if err != nil {
			return nil, fail(codeBadBody, msgUnableToParseBody, fmt.Sprintf("Record %d: %v", i+1, err)), false
		}
		recs[i] = rec
	}
	return recs, reply{}, true
}

// decodeObject decodes one JSON object keeping its member order, so that the
// first unknown field reported is the first one in the body. raw is valid
// JSON (decodeRecords checked the whole body), so the object is split into
// members by hand, which is many times faster than a json.Decoder's tokens
// for a body of 500 records; every value is then decoded as Decode into an
// any with UseNumber would: a string, a json.Number, a bool, nil, or an
// array or object.
func decodeObject(raw json.RawMessage) ([]rawField, error) {
	p := bytes.TrimSpace(raw)
	if len(p) == 0 || p[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	p = p[1:]
	var out []rawField
	for {
		p = skipSpace(p)
		if len(p) == 0 || p[0] == '}' {
			return out, nil
		}
		if p[0] == ',' {
			p = skipSpace(p[1:])
		}
		n := valueEnd(p)
		key, err := decodeString(p[:n])
		if err != nil {
			return nil, fmt.Errorf("read field name: %w", err)
		}
		p = skipSpace(p[n:])
		p = skipSpace(p[1:]) // the colon
		n = valueEnd(p)
		v, err := decodeValue(p[:n])
		if err != nil {
			return nil, fmt.Errorf("read field %s: %w", key, err)
		}
		out = append(out, rawField{name: key, value: v})
		p = p[n:]
	}
}

func skipSpace(p []byte) []byte {
	for len(p) > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n' || p[0] == '\r') {
		p = p[1:]
	}
	return p
}

// valueEnd returns the length of the valid JSON value p starts with.
func valueEnd(p []byte) int {
	switch p[0] {
	case '"':
		for i := 1; i < len(p); i++ {
			switch p[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(p)
	case '{', '[':
		depth := 0
		for i := 0; i < len(p); i++ {
			switch p[i] {
			case '"':
				i += valueEnd(p[i:]) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(p)
	default: // a number, true, false or null
		i := 0
		for i < len(p) && !strings.ContainsRune(" \t\n\r,}]", rune(p[i])) {
			i++
		}
		return i
	}
}

// decodeString decodes a JSON string; one without escapes and in valid UTF-8
// is copied as it is, which is what json.Unmarshal gives for it.
func decodeString(p []byte) (string, error) {
	if len(p) >= 2 && p[0] == '"' && bytes.IndexByte(p, '\\') < 0 && utf8.Valid(p) {
		return string(p[1 : len(p)-1]), nil
	}
	var s string
	err := json.Unmarshal(p, &s)
	return s, err
}

// decodeValue decodes one JSON value as json.Decoder.Decode into an any
// with UseNumber does.
func decodeValue(p []byte) (any, error) {
	switch p[0] {
	case '"':
		return decodeString(p)
	case 't', 'f', 'n':
		var v any
		err := json.Unmarshal(p, &v)
		return v, err
	case '{', '[':
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	default:
		return json.Number(p), nil
	}
}
