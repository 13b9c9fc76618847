package engine

// This file owns the start date (export.workorders_from, "Werkbonnen
// vanaf"): a Compleet work order dated before it is not invoiced and never
// set to Afgehandeld. The journal remembers it as skipped with the reason
// key workorder.beforestart, so that the log names it once; while it is so
// remembered it is judged again on every run, and once the start date
// moves to or before its date it is invoiced as any other.

import (
	"time"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// keyBeforeStart is the reason key of a work order skipped for the start
// date (store.Export.ReasonKey).
const keyBeforeStart = "workorder.beforestart"

// workOrderDay is the date a work order is judged by against the start
// date: its work date (WorkDate), else the day it was made (CreationDate);
// zero when it has neither.
func workOrderDay(wo outsmart.WorkOrder) time.Time {
	if !wo.Date.IsZero() {
		return time.Date(wo.Date.Year(), wo.Date.Month(), wo.Date.Day(), 0, 0, 0, 0, time.UTC)
	}
	if !wo.CreatedAt.IsZero() {
		return time.Date(wo.CreatedAt.Year(), wo.CreatedAt.Month(), wo.CreatedAt.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// beforeStart reports whether the work order is dated before the start
// date, with both dates. A work order without any date is not before it
// [inferred: OutSmart always sets CreationDate; one without is not
// left alone silently].
func beforeStart(wo outsmart.WorkOrder, s store.Settings) (before bool, day, start time.Time) {
	start, ok := s.StartDate()
	if !ok {
		return false, time.Time{}, time.Time{}
	}
	day = workOrderDay(wo)
	return !day.IsZero() && day.Before(start), day, start
}

// skippedForStart reports whether a journal entry is a work order skipped
// for the start date.
func skippedForStart(e store.Export) bool {
	return e.State == store.ExportSkipped && e.ReasonKey == keyBeforeStart
}

// leaveBeforeStart leaves a work order dated before the start date alone:
// the first time it journals it as skipped and logs it (a dry run plans
// it); when the journal already remembers it so, nothing. done is false
// when the work order is not before the start date.
func (x *exporter) leaveBeforeStart(c *exportCase) (done bool, err error) {
	before, day, start := beforeStart(c.wo, x.set)
	if !before {
		return false, nil
	}
	if c.known && skippedForStart(c.prev) {
		return true, nil
	}
	return true, x.w.skipBeforeStart(c.wo, day, start)
}

// beforeStartText is the log line of a work order left alone for the start
// date.
func beforeStartText(wo outsmart.WorkOrder, day, start time.Time) message.Text {
	return message.T(keyBeforeStart, "Number", wo.Number, "Date", day.Format("02-01-2006"), "Start", start.Format("02-01-2006"))
}

// beforeStartEntry is the journal entry of a work order left alone for the
// start date.
func beforeStartEntry(wo outsmart.WorkOrder, line message.Text) store.Export {
	return store.Export{RowID: wo.RowID, OrderNumber: wo.Number, State: store.ExportSkipped, RelationCode: debtorOf(wo),
		Reason: line.Render(message.Dutch), ReasonKey: keyBeforeStart, Args: line.Args}
}
