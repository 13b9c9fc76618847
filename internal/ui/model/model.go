// Package model holds the value that the desktop UI (internal/ui) and its
// Backend hand each other beyond those of package report: the summary of a
// run as the notifications tell it. It depends on no part that talks to a
// service or to the engine, so that the UI does not either; the real
// Backend (internal/backend) converts the engine's summary into it, a
// test's fake builds it directly.
package model

import (
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
)

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
	Open report.OpenCounts
	// Message is the run's summary line as a message (message.KeySummary
	// when the engine counted what is open).
	Message message.Text
}
