package eboekhouden

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/koppeling/koppeling/internal/sandbox/fault"
	"github.com/koppeling/koppeling/internal/sandbox/inspect"
)

// This file owns the life of one SOAP call: reading and logging it,
// validation, latency, and applying it under the fault rule the injector
// picks.

// defaultOversize is the body size of an Oversized fault whose rule has no
// Size.
const defaultOversize = 16 << 20

// serveSOAP handles one POST to /soap.asmx.
func (s *Server) serveSOAP(w http.ResponseWriter, r *http.Request) {
	rec := inspect.Request{Time: s.now(), Method: r.Method}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	rec.Body = redact(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.send(w, &rec, http.StatusInternalServerError, faultEnvelope(clientFault("The request body is larger than %d bytes", MaxRequestBody)), "soap:Client fault")
			return
		}
		rec.Result = "read error: " + err.Error()
		s.log.Add(rec)
		return
	}
	req, op, f := s.schema.readRequest(r, body)
	rec.Op = op
	if s.opts.Latency > 0 && !fault.Wait(r, s.opts.Latency) {
		rec.Result = "client gone"
		s.log.Add(rec)
		return
	}
	if f != nil {
		s.send(w, &rec, http.StatusInternalServerError, faultEnvelope(f), f.code+" fault")
		return
	}
	s.dispatch(w, r, req, &rec)
}

// dispatch applies a valid request under the fault rule that fires for its
// operation, if any. Only valid requests ask the injector: a request refused
// with a soap:Client fault never reaches an operation. A call a fault rule
// touched is logged with the fault kind as its result.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, req *request, rec *inspect.Request) {
	rule, fired := s.faults.Next(req.op.name)
	if !fired {
		rep := s.apply(req, r)
		s.send(w, rec, rep.status, rep.body, rep.result)
		return
	}
	kind := string(rule.Kind)
	delay := time.Duration(rule.Delay)
	switch rule.Kind {
	case fault.HTTP500:
		f := &soapFault{code: faultServer, msg: "Server was unable to process request. ---> sandbox fault injection: HTTP 500"}
		s.send(w, rec, http.StatusInternalServerError, faultEnvelope(f), kind)
	case fault.DropBeforeApply:
		s.drop(w, rec, kind)
	case fault.DropAfterApply:
		s.apply(req, r)
		s.drop(w, rec, kind)
	case fault.Timeout:
		if !fault.Wait(r, delay) {
			// The client gave up before the server got to the call.
			rec.Result = kind
			s.log.Add(*rec)
			return
		}
		rep := s.apply(req, r)
		s.send(w, rec, rep.status, rep.body, kind)
	case fault.Slow:
		// A slow server still does the work when the client has left
		// meanwhile. [inferred]
		fault.Wait(r, delay)
		rep := s.apply(req, r)
		s.send(w, rec, rep.status, rep.body, kind)
	case fault.Malformed:
		rep := s.apply(req, r)
		s.send(w, rec, http.StatusOK, fault.Truncate(rep.body), kind)
	case fault.Unrecognised:
		rep := s.apply(req, r)
		if rep.status == http.StatusOK {
			rep.body = unrecognised(req.op, rep.body)
		}
		s.send(w, rec, rep.status, rep.body, kind)
	case fault.Oversized:
		s.oversized(w, rec, req.op, rule.Size, kind)
	case fault.SessionExpired:
		// CloseSession has no result to carry E0023: it just ends the session.
		s.mu.Lock()
		delete(s.sessions, req.el.str("SessionID"))
		s.mu.Unlock()
		s.send(w, rec, http.StatusOK, responseEnvelope(req.op, errorResult(req.op, errSessionInvalid)), kind)
	case fault.CallLimit:
		s.send(w, rec, http.StatusOK, responseEnvelope(req.op, errorResult(req.op, errCallLimit)), kind)
	default:
		f := &soapFault{code: faultServer, msg: fmt.Sprintf("sandbox fault injection: fault kind %q is not supported by the e-Boekhouden sandbox", rule.Kind)}
		s.send(w, rec, http.StatusInternalServerError, faultEnvelope(f), kind)
	}
}

// send writes an XML answer and logs the call.
func (s *Server) send(w http.ResponseWriter, rec *inspect.Request, status int, body []byte, result string) {
	rec.Status, rec.Result = status, result
	s.log.Add(*rec)
	writeXML(w, status, body)
}

// drop logs the call, then closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter, rec *inspect.Request, result string) {
	rec.Status, rec.Result = 0, result
	s.log.Add(*rec)
	fault.Drop(w)
}

// oversized answers HTTP 200 with a well-formed envelope of exactly size
// bytes: the operation's response element holding a huge padding element.
func (s *Server) oversized(w http.ResponseWriter, rec *inspect.Request, op *operation, size int, result string) {
	if size <= 0 {
		size = defaultOversize
	}
	head := []byte(envelopeStart + `<` + op.output.name + ` xmlns="` + nsTNS + `"><SandboxPadding>`)
	tail := []byte(`</SandboxPadding></` + op.output.name + `>` + envelopeEnd)
	rec.Status, rec.Result = http.StatusOK, result
	s.log.Add(*rec)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(http.StatusOK)
	if size <= len(head)+len(tail) {
		_, _ = w.Write(append(head, tail...)[:size])
		return
	}
	if _, err := w.Write(head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for left := size - len(head) - len(tail); left > 0; left -= len(chunk) {
		if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
			return // the client stopped reading, as a size cap does
		}
	}
	_, _ = w.Write(tail)
}

// unrecognised renames, in an answer of op, what a client reads the answer
// by, so that it stays well-formed XML with the real data but a shape the
// WSDL does not give: the items of the result's list (the list element
// itself when it holds no item), or the {Op}Result of an operation without
// a list (the response element when it has no result).
func unrecognised(op *operation, body []byte) []byte {
	if op.output == nil || op.output.typ == nil || len(op.output.typ.fields) == 0 {
		return renameElement(body, op.output.name)
	}
	res := op.output.typ.fields[0]
	if res.typ != nil {
		for _, f := range res.typ.fields {
			if f.typ == nil || f.typ.kind != kindComplex || len(f.typ.fields) != 1 || f.typ.fields[0].max >= 0 {
				continue
			}
			if item := f.typ.fields[0].name; hasElement(body, item) {
				return renameElement(body, item)
			}
			if hasElement(body, f.name) {
				return renameElement(body, f.name)
			}
		}
	}
	return renameElement(body, res.name)
}

// hasElement reports whether body has an element with this (unprefixed)
// name, as the sandbox writes them.
func hasElement(body []byte, name string) bool {
	return bytes.Contains(body, []byte("<"+name+">")) || bytes.Contains(body, []byte("<"+name+" "))
}

// renameElement renames every element called name (start, end and empty
// tags): cFactuurList becomes FactuurList, a name without the c prefix gets
// V2 (Facturen becomes FacturenV2).
func renameElement(body []byte, name string) []byte {
	to := name + "V2"
	if len(name) > 1 && name[0] == 'c' && name[1] >= 'A' && name[1] <= 'Z' {
		to = name[1:]
	}
	for _, tag := range [][2]string{{"<" + name + ">", "<" + to + ">"}, {"<" + name + " ", "<" + to + " "}, {"<" + name + "/", "<" + to + "/"}, {"</" + name + ">", "</" + to + ">"}} {
		body = bytes.ReplaceAll(body, []byte(tag[0]), []byte(tag[1]))
	}
	return body
}
