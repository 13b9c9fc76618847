package outsmart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Response codes of the OPENApi v8 envelope (Blueprint "Response" table).
const (
	codeOK                 = 200
	codeNoEndpoint         = 1000
	codeUnknownEndpoint    = 1001
	codeMissingToken       = 1002
	codeMissingSoftToken   = 1003
	codeBadToken           = 1004
	codeBadSoftToken       = 1005
	codeHTTPSRequired      = 1006
	codeGeneral            = 1007
	codeNoBody             = 1008
	codeBadBody            = 1009
	codeMaterialFailed     = 1200
	codeMaterialMissing    = 1201
	codeRelationFailed     = 1300
	codeRelationMissing    = 1301
	codeWorkorderNotFound  = 1500
	codeNoUpdateData       = 1502
	codeNoDataChanged      = 1503
	codeUpdateParseProblem = 1504
	codeHourTypeFailed     = 1800
	codeHourTypeInvalid    = 1801
)

// Messages the Blueprint spells out; the others are the code table's meaning
// text, since the Blueprint shows no message for them [inferred].
const (
	msgUnableToFetchBody = "Unable to fetch body"
	msgUnableToParseBody = "Unable to parse body"
	msgGeneralError      = "A general uncaught error occured. Please let WorkorderApp know."
)

// sentence turns an error into an API message: Go error strings start in
// lower case, OutSmart's messages with a capital.
func sentence(err error) string {
	msg := err.Error()
	r, size := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[size:]
}

// reply is the outcome of one API call before it is encoded.
type reply struct {
	code     int
	messages []string
	response any
	// httpStatus is the HTTP status; 0 is 200, which OutSmart sends for
	// errors too [DOC S1].
	httpStatus int
}

// success is a successful reply carrying response.
func success(response any) reply { return reply{code: codeOK, response: response} }

// fail is an error reply; the response is null, as in every documented error.
func fail(code int, messages ...string) reply { return reply{code: code, messages: messages} }

// failf is fail with one formatted message.
func failf(code int, format string, args ...any) reply {
	return fail(code, fmt.Sprintf(format, args...))
}

// result is the short outcome written to the request log: "ok" or the code.
func (r reply) result() string {
	if r.code == codeOK {
		return "ok"
	}
	return strconv.Itoa(r.code)
}

// envelope is the JSON object every answer is wrapped in:
// {"code":..., "messages":[...], "response":...}.
type envelope struct {
	Code     int      `json:"code"`
	Messages []string `json:"messages"`
	Response any      `json:"response"`
}

// encode renders the reply as the documented envelope. messages is always an
// array, never null, as in every Blueprint example.
func (r reply) encode() ([]byte, error) {
	msgs := r.messages
	if msgs == nil {
		msgs = []string{}
	}
	if list, ok := r.response.([]object); ok {
		return encodeList(r.code, msgs, list)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(envelope{Code: r.code, Messages: msgs, Response: r.response}); err != nil {
		return nil, fmt.Errorf("encode envelope (code %d): %w", r.code, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeList writes the envelope of a list of records byte for byte as the
// envelope encoder does, without its second pass over every record's
// MarshalJSON output: a list of 50,000 relations is tens of megabytes.
func encodeList(code int, msgs []string, list []object) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"code":`)
	buf.WriteString(strconv.Itoa(code))
	buf.WriteString(`,"messages":[`)
	for i, m := range msgs {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := writeString(&buf, m); err != nil {
			return nil, fmt.Errorf("encode envelope (code %d): %w", code, err)
		}
	}
	buf.WriteString(`],"response":[`)
	for i, o := range list {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := o.write(&buf); err != nil {
			return nil, fmt.Errorf("encode envelope (code %d): %w", code, err)
		}
	}
	buf.WriteString(`]}`)
	return buf.Bytes(), nil
}

// member is one key of a JSON object whose key order must be kept: the
// sandbox answers master data with its fields in the Blueprint's order.
type member struct {
	key string
	val *string // nil is JSON null
}

// object is a JSON object that encodes its members in order.
type object []member

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := o.write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write appends the object to buf, members in order.
func (o object) write(buf *bytes.Buffer) error {
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := writeString(buf, m.key); err != nil {
			return fmt.Errorf("encode key %q: %w", m.key, err)
		}
		buf.WriteByte(':')
		if m.val == nil {
			buf.WriteString("null")
			continue
		}
		if err := writeString(buf, *m.val); err != nil {
			return fmt.Errorf("encode value of %q: %w", m.key, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeString appends s as a JSON string without HTML escaping, like the
// envelope encoder.
func writeString(buf *bytes.Buffer, s string) error {
	if plainJSON(s) {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
		return nil
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode adds a newline
	return nil
}

// plainJSON reports whether the encoder writes s between quotes unchanged
// (without HTML escaping): printable ASCII without quote or backslash.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// unrecognised rewrites an encoded envelope into the shape of the fault of
// that name: the real data under keys the client does not know. Every key
// of every record in "response" gets "_v2" (debtor_number becomes
// debtor_number_v2); a response that is not a record or a list of records
// (a count, null) is put in an object under "response_v2". The envelope
// itself keeps its code and messages. A body that is not an envelope is
// returned as it is.
func unrecognised(body []byte) []byte {
	var env struct {
		Code     json.RawMessage `json:"code"`
		Messages json.RawMessage `json:"messages"`
		Response json.RawMessage `json:"response"`
	}
	if json.Unmarshal(body, &env) != nil {
		return body
	}
	resp := bytes.TrimSpace(env.Response)
	var renamed []byte
	switch {
	case len(resp) > 0 && resp[0] == '{':
		renamed = renameKeys(resp)
	case len(resp) > 0 && resp[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(resp, &items) != nil {
			return body
		}
		parts := make([][]byte, len(items))
		for i, it := range items {
			parts[i] = renameKeys(bytes.TrimSpace(it))
		}
		// Joined by hand: json.Marshal would escape "&" in the values.
		renamed = append(append([]byte{'['}, bytes.Join(parts, []byte{','})...), ']')
	default:
		if len(resp) == 0 {
			resp = []byte("null")
		}
		renamed = append(append([]byte(`{"response_v2":`), resp...), '}')
	}
	out := append([]byte(`{"code":`), env.Code...)
	out = append(append(out, `,"messages":`...), env.Messages...)
	out = append(append(out, `,"response":`...), renamed...)
	return append(out, '}')
}

// renameKeys appends "_v2" to every key of a JSON object, in order; any
// other value is returned as it is.
func renameKeys(obj []byte) []byte {
	if len(obj) == 0 || obj[0] != '{' {
		return obj
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return obj
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return obj
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return obj
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		if err := writeString(&buf, key+"_v2"); err != nil {
			return obj
		}
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}
