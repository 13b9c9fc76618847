package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/store"
)

// problemLevels are the log levels the "problems only" filter keeps.
var problemLevels = []store.Level{store.LevelAttention, store.LevelError, store.LevelWarning}

// logLimit is how many log lines the table shows.
const logLimit = 500

// logView is the Log tab: the work orders that need attention, with Retry
// (Invoice anyway, after a confirmation, for one held as implausible) and
// Skip, above the log table (Tijd, Bericht), newest first.
type logView struct {
	entries []store.LogEntry
	parked  []store.Export

	table        *widget.Table
	problemsOnly *widget.Check
	attention    *fyne.Container
	tab          fyne.CanvasObject
}

// timeColumnWidth is the width of the Tijd column; Bericht takes the rest.
const timeColumnWidth = 150

func (u *UI) newLogView() *logView {
	v := &logView{}
	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(v.entries), 2 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= len(v.entries) {
				return
			}
			e := v.entries[id.Row]
			l := o.(*widget.Label)
			l.Importance = levelImportance(e.Level)
			if id.Col == 0 {
				l.SetText(u.formatTime(e.Time))
			} else {
				l.SetText(e.Message)
			}
		})
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col == 0 {
			o.(*widget.Label).SetText(tr("log.time"))
		} else {
			o.(*widget.Label).SetText(tr("log.message"))
		}
	}
	v.table.SetColumnWidth(0, timeColumnWidth)
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.entries) {
			e := v.entries[id.Row]
			text := u.formatTime(e.Time) + "\n" + e.Message
			if e.Details != "" {
				text += "\n\n" + e.Details
			}
			showMessage(u.win, tr("log.line"), text)
		}
		v.table.UnselectAll()
	}
	v.problemsOnly = widget.NewCheck(tr("log.problemsonly"), func(bool) { u.refresh() })
	v.attention = container.NewVBox()
	v.tab = container.NewBorder(
		container.NewVBox(heading(tr("attention.heading")), v.attention, widget.NewSeparator(), v.problemsOnly),
		nil, nil, nil,
		container.New(&fillLastColumn{table: v.table, first: timeColumnWidth}, v.table))
	return v
}

// filter is the log query of the current view.
func (v *logView) filter() store.LogFilter {
	f := store.LogFilter{Limit: logLimit}
	if v.problemsOnly.Checked {
		f.Levels = problemLevels
	}
	return f
}

// showLog replaces the table's lines.
func (v *logView) showLog(entries []store.LogEntry) {
	v.entries = entries
	v.table.Refresh()
}

// showAttention lists the parked work orders with their reason.
func (u *UI) showAttention(parked []store.Export) {
	v := u.logView
	v.parked = parked
	v.attention.RemoveAll()
	defer u.relayout()
	if len(parked) == 0 {
		v.attention.Add(widget.NewLabel(tr("attention.none")))
		return
	}
	rows := container.NewVBox()
	for _, x := range parked {
		order := widget.NewLabelWithStyle(tr("attention.workorder", map[string]any{"Number": x.OrderNumber}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		reason := widget.NewLabel(x.Reason)
		reason.Wrapping = fyne.TextWrapWord
		retry := widget.NewButton(tr("attention.retry"), func() { u.retryExport(x) })
		if x.NeedsConfirmation {
			retry = widget.NewButton(tr("attention.confirm"), func() { u.confirmInvoice(x) })
		}
		skip := widget.NewButton(tr("attention.skip"), func() { u.confirmSkip(x) })
		rows.Add(container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(retry, skip)),
			container.NewVBox(order, reason)))
	}
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(0, min(float32(len(parked))*90, 200)))
	v.attention.Add(scroll)
}

func (u *UI) retryExport(x store.Export) {
	u.async(func() {
		err := u.b.RetryExport(u.ctx, x.RowID)
		u.onMain(func() {
			if err != nil {
				showMessage(u.win, tr("attention.heading"), tr("attention.failed", map[string]any{"Error": err.Error()}))
			}
			u.refresh()
		})
	})
}

// confirmInvoice asks, repeating why the work order was held, before a
// work order that looked implausible is invoiced as it is (Cancel has the
// focus). The engine
// records the confirmation when it retries the work order.
func (u *UI) confirmInvoice(x store.Export) {
	showChoice(u.win, tr("attention.confirm.title"),
		tr("attention.confirm.body", map[string]any{"Number": x.OrderNumber, "Reason": x.Reason}),
		[]choice{{label: tr("unsaved.cancel")}, {label: tr("attention.confirm"), primary: true, do: func() { u.retryExport(x) }}}, 0)
}

func (u *UI) confirmSkip(x store.Export) {
	skip := func() {
		u.async(func() {
			err := u.b.SkipExport(u.ctx, x.RowID)
			u.onMain(func() {
				if err != nil {
					showMessage(u.win, tr("attention.heading"), tr("attention.failed", map[string]any{"Error": err.Error()}))
				}
				u.refresh()
			})
		})
	}
	showChoice(u.win, tr("attention.skip.title"), tr("attention.skip.body", map[string]any{"Number": x.OrderNumber}),
		[]choice{{label: tr("unsaved.cancel")}, {label: tr("attention.skip"), primary: true, do: skip}}, 0)
}

// levelImportance colours a log line by its level.
func levelImportance(l store.Level) widget.Importance {
	switch l {
	case store.LevelError:
		return widget.DangerImportance
	case store.LevelAttention, store.LevelWarning:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// fillLastColumn lays out a table so that its last column takes the width
// the first ones leave.
type fillLastColumn struct {
	table *widget.Table
	first float32
}

func (l *fillLastColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.first+200, objects[0].MinSize().Height)
}

func (l *fillLastColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.table.SetColumnWidth(1, max(size.Width-l.first-2*theme.Padding(), 200))
	objects[0].Resize(size)
	objects[0].Move(fyne.Position{})
}
