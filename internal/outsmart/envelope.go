package outsmart

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// envelope is the object every OPENApi answer is wrapped in [DOC S1]:
// {"code": 200, "messages": [], "response": ...}.
type envelope struct {
	code     int
	messages []string
	response json.RawMessage // nil when absent or null
}

// errNoEnvelope says the body is not an OPENApi envelope (an HTML error
// page, a truncated body ...).
var errNoEnvelope = errors.New("not an OPENApi answer")

// parseEnvelope reads an answer leniently: code as a number or a numeric
// string, messages as an array (of strings or anything else), a single
// string or null [inferred: the docs always show an array of strings].
func parseEnvelope(body []byte) (envelope, error) {
	body = trimBody(body)
	if len(body) == 0 {
		return envelope{}, fmt.Errorf("%w: empty body", errNoEnvelope)
	}
	if body[0] != '{' {
		return envelope{}, fmt.Errorf("%w: the body does not start with a JSON object", errNoEnvelope)
	}
	var raw struct {
		Code     json.RawMessage `json:"code"`
		Messages json.RawMessage `json:"messages"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return envelope{}, fmt.Errorf("%w: %s", errNoEnvelope, jsonProblem(err))
	}
	if len(raw.Code) == 0 {
		return envelope{}, fmt.Errorf("%w: no code", errNoEnvelope)
	}
	code, err := envelopeCode(raw.Code)
	if err != nil {
		return envelope{}, fmt.Errorf("%w: %v", errNoEnvelope, err)
	}
	env := envelope{code: code, messages: envelopeMessages(raw.Messages)}
	if !isNull(raw.Response) {
		env.response = raw.Response
	}
	return env, nil
}

// trimBody drops a UTF-8 byte order mark and surrounding white space.
func trimBody(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return bytes.TrimSpace(b)
}

// jsonProblem describes a JSON syntax error without quoting the body.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return "invalid JSON"
}

func envelopeCode(raw json.RawMessage) (int, error) {
	s := string(raw)
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, errors.New("unreadable code")
		}
		s = strings.TrimSpace(s)
	}
	code, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("code %.20q is not a number", s)
	}
	return code, nil
}

// envelopeMessages never fails: a message that is not a string is kept as its
// JSON text, so that nothing OutSmart said is lost.
func envelopeMessages(raw json.RawMessage) []string {
	if isNull(raw) {
		return nil
	}
	var list []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, m := range list {
		var s string
		if json.Unmarshal(m, &s) != nil {
			s = string(m)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// splitList returns the records of a list answer. It accepts an array, null,
// and an object: an object whose values are all objects is a list that PHP's
// json_encode wrote as {"0": {...}, "2": {...}} (an array with gaps), any
// other object is a single record [inferred: S7 handles a single record
// where an array was expected, so the reverse is handled too].
func splitList(raw json.RawMessage) ([]json.RawMessage, error) {
	if isNull(raw) {
		return nil, nil
	}
	switch raw[0] {
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("response list: %s", jsonProblem(err))
		}
		return list, nil
	case '{':
		values, err := objectValues(raw)
		if err != nil {
			return nil, err
		}
		for _, v := range values {
			if len(v) == 0 || v[0] != '{' {
				return []json.RawMessage{raw}, nil // a single record
			}
		}
		return values, nil
	}
	return nil, fmt.Errorf("response is %s, want a list of records", jsonKind(raw))
}

// objectValues returns the member values of a JSON object in order.
func objectValues(raw json.RawMessage) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, fmt.Errorf("response object: %s", jsonProblem(err))
	}
	var out []json.RawMessage
	for dec.More() {
		if _, err := dec.Token(); err != nil { // key
			return nil, fmt.Errorf("response object: %s", jsonProblem(err))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("response object: %s", jsonProblem(err))
		}
		out = append(out, v)
	}
	return out, nil
}

// jsonKind names the kind of a JSON value for messages.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// parseCount reads the number of records an upsert synced: a JSON number or
// a numeric string [DOC S1 shows a number].
func parseCount(raw json.RawMessage) (int, error) {
	if isNull(raw) {
		return 0, errors.New("no count in the response")
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, errors.New("unreadable count")
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("response %.40s is not a count", s)
	}
	return n, nil
}
