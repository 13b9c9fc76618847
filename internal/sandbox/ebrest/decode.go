package ebrest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// This file owns strict JSON request bodies: the content type, an empty
// body, unknown fields, wrong types and trailing data are refused.

// decodeStrict decodes c.body into v, a struct of pointer fields (so that a
// missing field and a zero value differ). It answers:
//
//	415 unless Content-Type is application/json [inferred: ASP.NET]
//	400 DATA_01 for an empty body (reference, fake rules)
//	400 ERR_002 with propertyName for an unknown field, a value of the
//	    wrong type, or anything but one JSON object [inferred: the service
//	    ignores unknown fields and answers binding errors in ASP.NET's own
//	    shape; the sandbox is stricter and answers the documented Error body]
func decodeStrict(c *call, v any) *response {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errorResponse(http.StatusBadRequest, apiError{Type: "validation", Code: "DATA_01", Title: codeTitle("DATA_01")})
	}
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorResponse(http.StatusUnsupportedMediaType, apiError{Type: "error", Title: "Content-Type must be application/json."})
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bindingError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidValue("", "The body must hold one JSON object.")
	}
	return exactNames(c.body, v)
}

// exactNames refuses a top-level field whose name matches one of v's only
// when case is ignored ("Code" for "code"): encoding/json, like ASP.NET's
// web defaults, would accept it, but the names are camelCase. [inferred:
// stricter than the service]
func exactNames(body []byte, v any) *response {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return invalidValue("", "The body must hold one JSON object.")
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for name := range fields {
		if !known[name] {
			return invalidValue(name, "Unknown field "+name+".")
		}
	}
	return nil
}

// bindingError turns a decoding error into 400 ERR_002.
func bindingError(err error) *response {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field == "" {
		return invalidValue("", "The body must hold one JSON object.")
	}
	if errors.As(err, &typeErr) {
		return invalidValue(typeErr.Field, "The value of "+typeErr.Field+" must be of type "+jsonKind(typeErr.Type.String())+".")
	}
	msg := err.Error()
	if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		field = strings.Trim(field, `"`)
		return invalidValue(field, "Unknown field "+field+".")
	}
	return invalidValue("", "The body is not valid JSON.")
}

func invalidValue(property, message string) *response {
	return errorResponse(http.StatusBadRequest, apiError{Type: "validation", Code: "ERR_002", Title: codeTitle("ERR_002"), PropertyName: property, Message: message})
}

// jsonKind names a Go type as the JSON type a client must send.
func jsonKind(goType string) string {
	t := strings.TrimLeft(goType, "*")
	switch {
	case t == "string":
		return "string"
	case t == "bool":
		return "boolean"
	case strings.HasPrefix(t, "int"):
		return "integer"
	case strings.HasPrefix(t, "float"):
		return "number"
	case strings.HasPrefix(t, "[]"):
		return "array"
	}
	return "object"
}
