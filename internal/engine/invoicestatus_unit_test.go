package engine

import (
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/store"
)

// nextInvoiceStatus: an open item gives the amounts; absence from a
// complete list settles a booked invoice as paid (e-Boekhouden's total)
// and an unbooked one as not booked; absence from a list that may be cut
// off changes nothing.
func TestNextInvoiceStatus(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	before := at.Add(-time.Hour)
	e := store.Export{InvoiceNumber: "F1", TotalCents: 12100}
	set := store.Settings{PaymentTermDays: 30, BookDirectly: true}
	item := eboekhouden.OpenItem{InvoiceNumber: "F1", Amount: decimal.MustParse("121.01"), Paid: decimal.MustParse("21"), Outstanding: decimal.MustParse("100.01"),
		RelationCompany: "De Vries B.V."}
	openRead := openItemsRead{items: map[string]eboekhouden.OpenItem{"F1": item}, complete: true, at: at}
	none := openItemsRead{items: map[string]eboekhouden.OpenItem{}, complete: true, at: at}
	cutOff := openItemsRead{items: map[string]eboekhouden.OpenItem{}, complete: false, at: at}
	partly := store.InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: store.BookedYes, OpenCents: 10001, PaidCents: 2100, TotalCents: 12101, TermDays: 14, CheckedAt: before}
	for _, c := range []struct {
		name    string
		prev    store.InvoiceStatus
		had     bool
		madeNow bool
		set     store.Settings
		read    openItemsRead
		want    store.InvoiceStatus
	}{
		{"made now, open", store.InvoiceStatus{}, false, true, set, openRead,
			store.InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: store.BookedYes, OpenCents: 10001, PaidCents: 2100, TotalCents: 12101, TermDays: 30,
				Customer: "De Vries B.V.", CheckedAt: at}},
		{"made now, not booked", store.InvoiceStatus{}, false, true, store.Settings{PaymentTermDays: 14}, none,
			store.InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: store.BookedNo, TermDays: 14, CheckedAt: at}},
		{"older, absent: not known whether paid", store.InvoiceStatus{}, false, false, set, none,
			store.InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: store.BookedUnknown, TermDays: 30, TermAssumed: true, CheckedAt: at}},
		{"older, absent from a cut-off list: unknown", store.InvoiceStatus{}, false, false, set, cutOff,
			store.InvoiceStatus{InvoiceNumber: "F1", Booked: store.BookedUnknown, TermDays: 30, TermAssumed: true, CheckedAt: at}},
		{"partly paid, then absent: paid in full, e-Boekhouden's total", partly, true, false, set, none,
			store.InvoiceStatus{InvoiceNumber: "F1", Known: true, Booked: store.BookedYes, PaidCents: 12101, TotalCents: 12101, TermDays: 14, CheckedAt: at}},
		{"partly paid, absent from a cut-off list: as it was", partly, true, false, set, cutOff, partly},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := nextInvoiceStatus(e, c.prev, c.had, c.madeNow, c.set, c.read); got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// needsStatusRead: a read only while an invoice is not known to be settled.
func TestNeedsStatusRead(t *testing.T) {
	exports := []store.Export{{InvoiceNumber: "F1"}, {InvoiceNumber: ""}}
	for _, c := range []struct {
		name string
		kept map[string]store.InvoiceStatus
		want bool
	}{
		{"never checked", nil, true},
		{"open", map[string]store.InvoiceStatus{"F1": {Known: true, OpenCents: 1}}, true},
		{"absent from a cut-off list", map[string]store.InvoiceStatus{"F1": {Known: false}}, true},
		{"paid", map[string]store.InvoiceStatus{"F1": {Known: true, PaidCents: 5}}, false},
		{"not booked", map[string]store.InvoiceStatus{"F1": {Known: true, Booked: store.BookedNo}}, false},
	} {
		if got := needsStatusRead(exports, c.kept); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if needsStatusRead(nil, nil) {
		t.Error("no invoices need no read")
	}
}
