// Package eboekhouden owns the product's only connection to e-Boekhouden.nl:
// a client for its SOAP API (https://soap.e-boekhouden.nl/soap.asmx) with the
// session handling, error model, retries, size caps and redaction that the
// rest of Koppeling relies on. It speaks English to its callers (Relation,
// Product, Invoice, OpenItem) and Dutch only on the wire (cRelatie, cArtikel,
// cFactuur, cFactuurList, cOpenPost).
//
// # Transport
//
// The SOAP transport is github.com/tiaguinho/gosoap, kept entirely inside
// this package so that it can be swapped for a hand-written envelope or the
// REST API. Its limits are handled here:
//
//   - gosoap only encodes string values and a Params map has no order: every
//     request is a nested gosoap.ArrayParams in WSDL sequence order, with
//     every number, boolean and date formatted as a string first (wire.go).
//   - gosoap downloads the WSDL once per client and posts to the WSDL's
//     soap:address (plain http): the WSDL is embedded and served by this
//     package's http.RoundTripper, which also sends every call to the
//     configured endpoint (transport.go).
//   - gosoap has no context and no timeout: the RoundTripper binds the
//     caller's context and the per-call timeout to each request.
//   - gosoap discards the body of an HTTP 500 and reads bodies without a
//     limit: the RoundTripper reads every body itself, up to
//     Config.MaxResponseBytes, and keeps a SOAP Fault for the client.
//   - gosoap decodes every answer with encoding/xml into an innerxml copy;
//     for 2,000 relations that alone took about 78 ms and 23 MB, over the
//     whole decoding budget (50 ms, 20 MB). The RoundTripper therefore keeps
//     the answer and hands gosoap an empty envelope; this package reads the
//     answer with its own strict XML reader (xmlread.go), which is fuzzed
//     and checked against encoding/xml. gosoap still builds, addresses and
//     sends every request.
//
// Because gosoap's requests carry no context, a Client runs one call at a
// time (the service's call limit and its single-session model ask for that
// anyway); concurrent callers queue and can give up through their context.
//
// # Wire records
//
// The records of the answers (cRelatie, cArtikel, cFactuurList,
// cFactuurRegel, cOpenPost, cError) and each operation's response structs
// are generated from the embedded WSDL by internal/gen into records_gen.go
// and responses_gen.go: their text form, their fill from the reader's tree
// and their mapping to the domain types. What the WSDL cannot say (Go
// names, domain fields, how each value is parsed) is one table,
// internal/gen/mapping.go; reading a new element is one line there and
// `go generate ./internal/eboekhouden/`. A test fails when the committed
// files are not what the generator writes.
//
// # Sessions
//
// A session is opened lazily by the first call (with OpenSessionSub on a
// linked administration when Credentials.AdministrationGUID is set, see
// administrations.go), reused by every later call, reopened the same way once when a call is rejected with E0023 (the call is then
// repeated: it was not applied), and closed by Close.
//
// # Errors and exactly-once
//
// Business errors (HTTP 200 with LastErrorCode) are *APIError; SOAP Faults
// are *FaultError. Sentinels classify them for errors.Is:
//
//   - ErrBadCredentials: OpenSession (or OpenSessionSub) answered with any
//     error code other than E003.1. The code itself is not documented, so the failure of
//     OpenSession is what counts.
//   - ErrSessionExpired: E0023 (after the one automatic reopen failed too).
//   - ErrRelationCodeInUse: CREL001 on AddRelatie.
//   - ErrCallLimit: E003.1, on any operation. Never retried here.
//   - ErrTransient: a failure that is safe to try again: nothing was sent
//     (dial refused, DNS), or a read (Get*) met a dropped connection, a
//     timeout, HTTP 5xx or a malformed answer. Reads are retried with
//     Config.Retry before the error is returned.
//   - ErrOutcomeUnknown: a write (AddFactuur, AddRelatie, UpdateRelatie)
//     whose request may have been applied: a timeout or dropped connection
//     after the request was sent, a truncated, oversized or malformed
//     answer, or an HTTP error that is not a SOAP Fault saying the request
//     was refused (soap:Client). Never retried; the caller must look the
//     record up (GetFacturen by number, GetRelaties by code) before trying
//     again.
//   - ErrUnreadable: a read (Get*, OpenSession) got a complete, well-formed
//     SOAP answer that does not have the shape the WSDL gives it: no
//     {Op}Result, or, in a list answer, an element the WSDL does not define
//     where it stands (a renamed list or item, an unknown field of a
//     record). What the service holds is then unknown: never read it as an
//     empty list. Not ErrTransient and not retried, because the same answer
//     would come again (and every try counts towards the call limit); the
//     next run asks again. (A write with such an answer is
//     ErrOutcomeUnknown, as before.) The OutSmart client names its
//     unreadable answers the same way.
//   - ErrResponseTooLarge: the answer exceeded Config.MaxResponseBytes.
//   - ErrInvalid: the input was refused before anything was sent.
//
// No error, log line or formatted value of this package contains a security
// code or a session id: errors pass through an internal/redact Redactor that
// knows both security codes and every session id the client has seen, and
// Credentials mask themselves when formatted, logged or marshalled to JSON.
package eboekhouden
