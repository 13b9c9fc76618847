package ebrest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
)

// This file owns how the shared fault rules (package fault) play out on the
// REST server:
//
//	http500           500 ERR_001, nothing applied
//	drop_before_apply connection closed, nothing applied
//	drop_after_apply  applied, then the connection closed ("commit then time out")
//	timeout           waits Delay; applied only if the client is still there
//	slow              waits Delay, then answers normally
//	malformed         applied, then HTTP 200 with a truncated body
//	oversized         nothing applied; HTTP 200 with Size bytes of valid JSON
//	session_expired   the caller's session revoked; 401 SECURITY_010
//	call_limit        429 with Retry-After (Delay rounded up to seconds, at least 1)
//	unrecognised      applied; a 2xx JSON object answer comes back with every key
//	                  of the object, and of each object in its arrays, renamed
//	                  with a "V2" suffix (items becomes itemsV2, id becomes idV2):
//	                  well-formed JSON in a shape the client does not know, which
//	                  a client that skips unknown keys would read as an empty
//	                  list or a zero record. Other answers (an error, 204 without
//	                  a body) are sent as they are.
//
// general_error (OutSmart only) is not applied here: the call is answered
// normally.

// faultBefore applies the part of a rule that comes before the call. done
// means the answer is final (nil when the connection was dropped or the
// client left). drop logs the request and closes the connection.
func (s *Server) faultBefore(r *http.Request, rule fault.Rule, drop func()) (resp *response, done bool) {
	switch rule.Kind {
	case fault.HTTP500:
		return serverError(), true
	case fault.DropBeforeApply:
		drop()
		return nil, true
	case fault.Timeout:
		if !fault.Wait(r, time.Duration(rule.Delay)) {
			return nil, true
		}
	case fault.Slow:
		fault.Wait(r, time.Duration(rule.Delay))
	case fault.Oversized:
		return &response{status: http.StatusOK, body: padding(rule.Size), code: string(rule.Kind)}, true
	case fault.SessionExpired:
		s.mu.Lock()
		s.revoke(r.Header.Get("Authorization"), s.now())
		s.mu.Unlock()
		return unauthorized(), true
	case fault.CallLimit:
		d := time.Duration(rule.Delay)
		return tooManyRequests(int((d + time.Second - 1) / time.Second)), true
	}
	return nil, false
}

// faultAfter applies the part of a rule that comes after the call was
// applied.
func faultAfter(rule fault.Rule, resp *response, drop func()) *response {
	switch rule.Kind {
	case fault.DropAfterApply:
		drop()
		return nil
	case fault.Malformed:
		return &response{status: http.StatusOK, header: resp.header, body: fault.Truncate(resp.body), code: string(rule.Kind)}
	case fault.Unrecognised:
		if body, ok := unrecognised(resp); ok {
			return &response{status: resp.status, header: resp.header, body: body, code: string(rule.Kind)}
		}
	}
	return resp
}

// unrecognisedSuffix is what fault.Unrecognised appends to every key.
const unrecognisedSuffix = "V2"

// unrecognised is resp's body with the keys of its top-level object, and of
// the objects in that object's arrays, renamed (unrecognisedSuffix); ok is
// false when resp is not a 2xx answer with a JSON object body.
func unrecognised(resp *response) (body []byte, ok bool) {
	if resp == nil || resp.status/100 != 2 || len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, false
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(resp.body, &top); err != nil {
		return nil, false
	}
	out := make(map[string]json.RawMessage, len(top))
	for k, v := range top {
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(v, &list); err == nil && list != nil {
			for i, obj := range list {
				list[i] = renameKeys(obj)
			}
			if b, err := json.Marshal(list); err == nil {
				v = b
			}
		}
		out[k+unrecognisedSuffix] = v
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, false
	}
	return b, true
}

// renameKeys appends unrecognisedSuffix to every key of obj.
func renameKeys(obj map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		out[k+unrecognisedSuffix] = v
	}
	return out
}

// padding is a JSON list envelope of about size bytes.
func padding(size int) []byte {
	const head, tail = `{"items":[],"count":0,"padding":"`, `"}`
	n := size - len(head) - len(tail)
	if n < 0 {
		n = 0
	}
	return []byte(head + strings.Repeat("x", n) + tail)
}
