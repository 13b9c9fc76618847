// Package outsmart owns the product's client for OutSmart's OPENApi v8
// (https://app.out-smart.com/openapi/8): authentication with the customer
// token and the software token, the {code, messages, response} envelope and
// its error codes, retries, the response size cap, credential redaction, and
// the mapping between OutSmart's wire JSON and the product's domain types
// (relations, materials, hour types, workflow statuses, employees and work
// orders). It does not decide what to sync; the sync engine builds on it.
//
// # Safety rules the client keeps
//
//   - GetWorkorders is always called with update_status=false: OutSmart's
//     default (true) marks every fetched work order Afgehandeld. A work order
//     is only marked by MarkHandled, one row id at a time.
//   - No credential ever appears in an error string, a log line or a panic.
//     The tokens travel in the query string, and Go's *url.Error prints the
//     whole URL, so every transport error is rebuilt with a redacted URL and
//     every message is scrubbed of the two token values.
//   - Plain http:// is refused except for loopback hosts (the sandbox);
//     redirects are never followed, so a token cannot be replayed to another
//     host.
//   - Reads are retried on transient failures (transport errors, HTTP 5xx,
//     an unreadable envelope, code 1007). Writes (the upserts, MarkHandled and
//     SetWorkflowStatus) are retried only when their outcome is unknown
//     (the request may have reached OutSmart but no definite answer came
//     back); this is safe because each of them is idempotent, see
//     [Client.UpsertRelations], [Client.MarkHandled] and
//     [Client.SetWorkflowStatus]. A write that got a definite API answer
//     (an envelope with a code other than 200) is never retried.
//   - Money and quantities are decimal.Decimal, never floats.
//
// # Errors
//
// Every error names the call ("outsmart GET relations: ..."). Use errors.Is
// with [ErrUnauthorized], [ErrNotFound], [ErrTransient], [ErrOutcomeUnknown],
// [ErrResponseTooLarge] and [ErrUnreadable], and errors.As with [*APIError],
// [*RecordError] and [*PartialError].
//
// List calls read every record they can: when some records of an answer
// cannot be read (a bad date, a bad decimal), the call returns the readable
// ones together with a [*PartialError] that lists the others, each as a
// [*RecordError] naming the record and the field. Any other error comes with
// a nil slice.
//
// Behaviour that OutSmart does not document is marked [inferred] in the code.
package outsmart
