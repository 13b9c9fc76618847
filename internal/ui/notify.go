package ui

import (
	"fyne.io/fyne/v2"

	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// maxParkedNotifications is how many newly parked work orders get a
// notification each; more are told in one.
const maxParkedNotifications = 3

// runNotifications are the notifications after a run: always for a failed
// run and for each newly parked work order; for a successful run only when
// it imported or exported something and the user wants them (notify.success).
func runNotifications(res scheduler.Result, newlyParked []store.Export, notifySuccess bool) []*fyne.Notification {
	var out []*fyne.Notification
	if res.Err != nil {
		out = append(out, fyne.NewNotification(tr("notify.failed"), res.Summary))
	}
	if len(newlyParked) > maxParkedNotifications {
		out = append(out, fyne.NewNotification(tr("notify.parked.many", map[string]any{"Count": len(newlyParked)}),
			newlyParked[0].Reason))
	} else {
		for _, x := range newlyParked {
			out = append(out, fyne.NewNotification(tr("notify.parked", map[string]any{"Number": x.OrderNumber}), x.Reason))
		}
	}
	if res.Err == nil && res.Changed && notifySuccess {
		out = append(out, fyne.NewNotification(tr("notify.success"), res.Summary))
	}
	return out
}
