// Package restroad is the engine's bookkeeping on e-Boekhouden's REST road
// (issue 17): Books implements the engine's consumer-side Bookkeeping
// interface (Relations, AddRelation, Products, AddInvoice, Invoices) over
// the REST client of package rest, in the types of package eboekhouden (the
// SOAP road's), converting to and from them to the cent.
//
// What differs from the SOAP road, and how Books bridges it:
//
//   - Lists page (no 2,000 wall), so an unfiltered Relations or Products
//     returns every record and the engine never needs to read in parts
//     (engine.Uncapped). Search terms (RelationFilter.Keyword,
//     ProductFilter.Description) are refused: only the sweep of a capped
//     road uses them.
//   - Lists carry only ids and codes; a record's details cost a GET each.
//     Details are kept by id in a Cache (the store, through services; in
//     memory by default) and read again at once for a new id or a list item
//     that changed, and otherwise for a third of the known ids per read, so
//     that every record is read again within three reads.
//   - Units, ledgers and templates are ids: Books maps unitId to the unit's
//     singular ("uur"), ledgerId to the ledger's code ("8000") and the
//     template's name to its id, each list read once per Books.
//   - The API never numbers an invoice for the client (rest.NewInvoice
//     requires a number, §9). Books continues the administration's series
//     from the last year's invoices: the highest all-digit number plus one,
//     else the newest invoice's number with its last digits counted on, else
//     year*1000+1 [inferred: what the SOAP service does with an empty
//     number; the sandboxes number alike].
//     A number taken meanwhile (FACT_101) is looked up: an invoice that is
//     this one is reported as made, another makes Books take the next.
//   - A booked invoice carries the work order's unique reference as its
//     paymentReference with checkPaymentReference, a second guard on the
//     server beside the engine's journal (§5.4, §9).
//
// Errors match both the rest and the eboekhouden sentinels (errors.Is), and
// an API refusal is an *eboekhouden.APIError (errors.As) carrying the REST
// code, so the engine's classification (outcome.go) works unchanged.
// Behaviour the reference does not document is marked [inferred].
package restroad
