// Package report holds the values in which Koppeling tells the user what
// needs them and how far a run has come: the items of the attention list,
// the open items by kind, the progress of a long read and a run's summary
// as the notifications tell it (login problems: login.go). The engine makes
// them, the UI and the command line show them; they depend on no part that
// talks to a service, so the UI can take them without the engine.
package report

import (
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// AttentionKind is what an item of the attention list is about.
type AttentionKind string

// The kinds of the attention list: the store's kinds of attention and a
// parked work order.
const (
	AttentionWorkOrder AttentionKind = "workorder"
	AttentionRelation  AttentionKind = AttentionKind(store.AttentionRelation)
	AttentionMaterial  AttentionKind = AttentionKind(store.AttentionMaterial)
	AttentionHourType  AttentionKind = AttentionKind(store.AttentionHourType)
	AttentionSettings  AttentionKind = AttentionKind(store.AttentionSettings)
	AttentionLogin     AttentionKind = AttentionKind(store.AttentionLogin)
)

// AttentionItem is one thing that needs the user: a parked work order, a
// record OutSmart cannot take, a setting that stops invoices, a login that
// is refused. Its texts are messages, rendered in the window's language.
type AttentionItem struct {
	Kind AttentionKind
	// ID names the item for RetryAttention and SkipAttention: the work
	// order's row id, the record's code, or the setting or service.
	ID     string
	Title  message.Text // "Werkbon WB26107", "Relatie 1034, Bakkerij Jansen"
	Reason message.Text // what is wrong
	Fix    message.Text // what the user does; zero when Reason says it
	// Cause groups items that have the same cause: "Alles opnieuw
	// proberen" retries the items of one cause together.
	Cause string
	// CanRetry: Opnieuw proberen (or, with NeedsConfirmation, Toch
	// factureren) applies. CanSkip: Overslaan applies.
	CanRetry, CanSkip bool
	// NeedsConfirmation marks a work order that is invoiced as it is once
	// the user confirms it.
	NeedsConfirmation bool
	// Export is the journal entry of a work order item.
	Export store.Export
}

// WorkOrderItem is the attention item of a parked work order.
func WorkOrderItem(x store.Export) AttentionItem {
	it := AttentionItem{Kind: AttentionWorkOrder, ID: x.RowID, Title: message.T("subject.workorder", "Number", x.OrderNumber),
		CanRetry: true, CanSkip: true, NeedsConfirmation: x.NeedsConfirmation, Export: x}
	if x.ReasonKey != "" {
		it.Reason = message.Text{Key: x.ReasonKey, Args: x.Args}
		if x.FixKey != "" {
			it.Fix = message.Text{Key: x.FixKey, Args: x.Args}
		}
		it.Cause = "workorder:" + x.ReasonKey + ":" + x.Args["Cause"]
	} else {
		// Parked before reasons were messages: the Dutch text, which names
		// its fix; the work order's number aside, the same text is the
		// same cause.
		it.Reason = message.T(message.KeyText, "Text", x.Reason)
		it.Cause = "workorder:" + strings.ReplaceAll(x.Reason, x.OrderNumber, "#")
	}
	return it
}

// StoredItem is the attention item of a record, setting or login that the
// store keeps on its attention list. Settings and logins cannot be
// skipped: they stop every run until they are fixed.
func StoredItem(a store.Attention) AttentionItem {
	return AttentionItem{Kind: AttentionKind(a.Kind), ID: a.Subject, Title: a.Title(), Reason: a.Reason(),
		Fix: a.Fix(), Cause: string(a.Kind) + ":" + a.Cause, CanRetry: true,
		CanSkip: a.Kind != store.AttentionSettings && a.Kind != store.AttentionLogin}
}

// RunSummary is what a run did, as the notifications tell it. The run
// function hands it to the scheduler as its Result's Detail.
type RunSummary struct {
	Relations        int // relations sent to OutSmart
	Materials        int
	HourTypes        int
	RelationsCreated int // relations created in e-Boekhouden for invoices
	Invoices         int // invoices created
	Handled          int // work orders marked Afgehandeld
	Attention        int // records that need the user
	// Open counts what still needs the user after the run, by kind.
	Open OpenCounts
	// Message is the run's summary line as a message (message.KeySummary
	// when the engine counted what is open).
	Message message.Text
	// Awaiting is the plan of the invoices that wait for the user's
	// approval (nil when none wait); ApprovalNew is true when the user has
	// not been told of this plan before.
	Awaiting    *ExportPlan
	ApprovalNew bool
}

// OpenCounts are the items of the attention list by kind.
type OpenCounts struct {
	WorkOrders int // parked work orders
	Relations  int // relations OutSmart cannot take
	Materials  int
	HourTypes  int
	Settings   int // settings that stop invoices from going out
	Login      int // services that refuse the login details
	// OtherNew counts attention lines of the run that are not items of the
	// list (an invoice total that differs, a work order gone from OutSmart).
	OtherNew int
}

// Total is the number of open items.
func (o OpenCounts) Total() int {
	return o.WorkOrders + o.Relations + o.Materials + o.HourTypes + o.Settings + o.Login
}

// Progress is how far a long read of master data has come: e-Boekhouden
// answers at most a capped number of records per request, so a large
// administration is read in many requests (internal/engine, sweep.go). The
// engine reports it only while such a read is under way, after each
// request, and once more with Done.
type Progress struct {
	Kind  string // "relations" or "products"
	Read  int    // distinct records read so far in this run
	About int    // how many there were at the last complete read; 0 when not known
	Done  bool   // the read is finished (for this run)
}

// Text is the progress in the reader's words ("Relaties ophalen: 6.000 van
// ongeveer 15.000").
func (p Progress) Text() message.Text {
	a := message.Args{"Kind": p.Kind, "Read": strconv.Itoa(p.Read)}
	if p.About > 0 {
		a["About"] = strconv.Itoa(max(p.About, p.Read))
	}
	return message.Text{Key: message.KeyProgress, Args: a}
}
