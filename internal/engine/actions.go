package engine

import (
	"context"
	"fmt"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
)

// RetryExport asks for a parked (or skipped) work order to be exported
// again on the next run, whatever its data. For a work order held for the
// user's confirmation (an implausible amount, an invoice of an earlier
// version with its number) this is the confirmation, "Toch factureren": it
// holds for the work order's data as they are now, and a change asks again.
func (e *Engine) RetryExport(ctx context.Context, rowID string) error {
	return e.setExportState(ctx, rowID, store.ExportRetry, "workorder.retry", store.ExportParked, store.ExportSkipped)
}

// SkipExport marks a parked work order as not to be exported.
func (e *Engine) SkipExport(ctx context.Context, rowID string) error {
	return e.setExportState(ctx, rowID, store.ExportSkipped, "workorder.skipped", store.ExportParked, store.ExportRetry)
}

// setExportState moves a journal entry from one of the allowed states. Entries
// whose invoice exists or may exist are never moved: that would risk a
// duplicate.
func (e *Engine) setExportState(ctx context.Context, rowID string, to store.ExportState, key string, from ...store.ExportState) error {
	j, err := e.p.Store.Export(ctx, rowID)
	if err != nil {
		return err
	}
	allowed := false
	for _, s := range from {
		allowed = allowed || j.State == s
	}
	if !allowed {
		return fmt.Errorf("werkbon %s staat op %q en kan niet op %q gezet worden", j.OrderNumber, j.State, to)
	}
	if to == store.ExportRetry && j.NeedsConfirmation {
		j.ConfirmedHash, j.NeedsConfirmation = j.DataHash, false
		key = "workorder.confirmed"
	}
	line := message.T(key, "Number", j.OrderNumber)
	j.State, j.Reason, j.ReasonKey, j.FixKey, j.Args = to, line.Render(message.Dutch), key, "", line.Args
	if err := e.p.Store.SaveExport(ctx, j); err != nil {
		return err
	}
	_, err = e.p.Store.AddLog(ctx, logEntry(e.p.Now(), store.LevelInfo, subjectWorkOrder(j.OrderNumber), line))
	return err
}
