// Package rest is the product's client for e-Boekhouden.nl's REST API
// (https://api.e-boekhouden.nl, OpenAPI "v1"), the second road beside the
// SOAP client in the parent package (issue 17). It owns the session (an API
// token exchanged for a short-lived session token), the Authorization
// header, paging, retries, the error model and its mapping onto the same
// kinds the SOAP client reports, the answer size cap, and the redaction of
// both tokens. It speaks English to its callers (Relation, Product, Unit,
// InvoiceTemplate) and camelCase JSON on the wire.
//
// The facts come from ../shared/reference/eboekhouden-rest.md (cited as §n).
// Behaviour the reference marks as not documented, and this client's choice
// for it, is marked [inferred] in the code.
//
// # Safety rules the client keeps
//
//   - The API token travels only in the body of POST /v1/session; the
//     session token only in the Authorization header. Neither ever appears in
//     a URL, an error string or a log line: every message is scrubbed of the
//     API token and of every session token the client has seen.
//   - Plain http:// is refused except for loopback hosts (internal/endpoint);
//     redirects are never followed, so a token cannot be replayed elsewhere.
//   - Reads are retried on transient failures (a transport error, a timeout,
//     HTTP 5xx, a cut-off answer) with the backoff of internal/retry, and on
//     HTTP 429 after the Retry-After the server asked for. A write is
//     retried only when the server certainly did not apply it (HTTP 429, or
//     401 followed by a fresh session); a write whose outcome is unknown
//     (the request went out but no definite answer came back) is reported
//     with ErrOutcomeUnknown and never retried.
//   - A 401 drops the session, opens a new one and repeats the call once
//     (§2.3); a refused POST /v1/session is ErrBadCredentials, never retried.
//   - Money is decimal.Decimal, never a float.
//
// # Errors
//
// Every error names the call ("e-Boekhouden REST GET /v1/relation: ...").
// Use errors.Is with [ErrBadCredentials], [ErrTokenExpired],
// [ErrSessionExpired], [ErrCallLimit], [ErrTransient], [ErrOutcomeUnknown],
// [ErrNotFound], [ErrUnreadable], [ErrResponseTooLarge], [ErrNotTheService],
// [ErrInvalid] and [ErrInvoiceNumberInUse], and errors.As with [*APIError]
// (the documented error body: code, title, message) and [*RecordError].
//
// [Client.CreateInvoice] tells a journal which of three things happened:
// created, refused (nothing created), or outcome unknown (look the invoice
// up with [Client.FindInvoice] before anything else).
package rest
