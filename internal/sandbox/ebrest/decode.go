package ebrest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
)

// This file owns strict JSON request bodies: the content type, an empty
// body, unknown fields, wrong types and trailing data are refused.

// decodeStrict decodes c.body into v, a struct of pointer fields (so that a
// missing field and a zero value differ). It answers:
//
//	400 DATA_01 for an empty body (reference, fake rules)
//	415 unless Content-Type is application/json [inferred: ASP.NET]
//	400 ERR_002 with propertyName for an unknown field (also one that
//	    differs only in case, at any depth: "items[0].VatCode"), a value of
//	    the wrong type, or anything but one JSON object [inferred: the
//	    service ignores unknown fields, matches names case-insensitively and
//	    answers binding errors in ASP.NET's own shape; the sandbox is
//	    stricter and answers the documented Error body]
func decodeStrict(c *call, v any) *response {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errorResponse(http.StatusBadRequest, apiError{Type: "validation", Code: "DATA_01", Title: codeTitle("DATA_01")})
	}
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorResponse(http.StatusUnsupportedMediaType, apiError{Type: "error", Title: "Content-Type must be application/json."})
	}
	if !json.Valid(c.body) || bytes.TrimSpace(c.body)[0] != '{' {
		return invalidValue("", "The body must hold one JSON object.")
	}
	if resp := checkNames(c.body, reflect.TypeOf(v), ""); resp != nil {
		return resp
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bindingError(err)
	}
	return nil
}

// bindingError turns a decoding error into 400 ERR_002.
func bindingError(err error) *response {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return invalidValue(typeErr.Field, "The value of "+typeErr.Field+" must be of type "+jsonKind(typeErr.Type.String())+".")
	}
	return invalidValue("", "The body is not valid for this request.")
}

// checkNames refuses, depth first in name order, a field of the JSON value
// raw that t (a struct, pointer or slice type) does not name exactly.
func checkNames(raw json.RawMessage, t reflect.Type, path string) *response {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return nil // not an object: the decoder reports the type
		}
		known := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			known[name] = t.Field(i).Type
		}
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			ft, ok := known[name]
			if !ok {
				return invalidValue(joinPath(path, name), "Unknown field "+joinPath(path, name)+".")
			}
			if resp := checkNames(fields[name], ft, joinPath(path, name)); resp != nil {
				return resp
			}
		}
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return nil
		}
		for i, e := range elems {
			if resp := checkNames(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); resp != nil {
				return resp
			}
		}
	default:
		return checkScalar(raw, t, path)
	}
	return nil
}

// checkScalar refuses a JSON value of the wrong kind for a scalar field,
// naming the field by its full path ("items[1].pricePerUnit"); null is
// accepted (the field counts as missing). Numbers out of range are left to
// the decoder.
func checkScalar(raw json.RawMessage, t reflect.Type, path string) *response {
	v := bytes.TrimSpace(raw)
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	var ok bool
	switch t.Kind() {
	case reflect.String:
		ok = v[0] == '"'
	case reflect.Bool:
		ok = string(v) == "true" || string(v) == "false"
	case reflect.Int32, reflect.Int64, reflect.Int:
		ok = (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && !bytes.ContainsAny(v, ".eE")
	case reflect.Float64:
		ok = v[0] == '-' || (v[0] >= '0' && v[0] <= '9')
	default:
		ok = true
	}
	if !ok {
		return invalidValue(path, "The value of "+path+" must be of type "+jsonKind(t.String())+".")
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
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
