package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// problemLevels are the log levels the "problems only" filter keeps.
var problemLevels = []store.Level{store.LevelAttention, store.LevelError, store.LevelWarning}

// logLimit is how many log lines the table shows.
const logLimit = 500

// logView is the Log tab: everything that needs attention (work orders,
// relations, settings, logins), with Retry (Invoice anyway, after a
// confirmation, for a work order held as implausible), Skip and Retry all
// for items of one cause, above the log table (Tijd, Bericht), newest
// first, in the window's language.
type logView struct {
	entries []store.LogEntry
	items   []report.AttentionItem
	// parked are the work orders among items.
	parked []store.Export

	table        *widget.Table
	problemsOnly *widget.Check
	attention    *fyne.Container
	// note says what a retry set in motion (a run started, or when).
	note *widget.Label
	tab  fyne.CanvasObject
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
				l.SetText(u.logTime(e.Time))
			} else {
				l.SetText(e.Text(u.messageLang()))
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
			text := u.logTime(e.Time) + "\n" + e.Text(u.messageLang())
			if e.Details != "" {
				text += "\n\n" + e.Details
			}
			showMessage(u.win, tr("log.line"), text)
		}
		v.table.UnselectAll()
	}
	v.problemsOnly = widget.NewCheck(tr("log.problemsonly"), func(bool) { u.refresh() })
	v.attention = container.NewVBox()
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	v.note.Importance = widget.HighImportance
	v.note.Hide()
	v.tab = container.NewBorder(
		container.NewVBox(heading(tr("attention.heading")), v.note, v.attention, widget.NewSeparator(), v.problemsOnly),
		nil, nil, nil,
		container.New(&fillLastColumn{table: v.table, first: timeColumnWidth}, v.table))
	return v
}

// logTime is a log line's time: dd-mm-jjjj in Dutch, "06 Dec 2026" in
// English (internal/message).
func (u *UI) logTime(t time.Time) string { return message.DateTime(u.messageLang(), t.Local()) }

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

// showAttention lists everything that needs the user, items of one cause
// together: each with its title, reason and (once) its fix, and the actions
// that apply; the first item of a cause shared by several offers to retry
// them all.
func (u *UI) showAttention(items []report.AttentionItem) {
	v := u.logView
	items, size := groupByCause(items)
	v.items = items
	v.parked = nil
	for _, it := range items {
		if it.Kind == report.AttentionWorkOrder {
			v.parked = append(v.parked, it.Export)
		}
	}
	v.attention.RemoveAll()
	defer u.relayout()
	if len(items) == 0 {
		v.attention.Add(widget.NewLabel(tr("attention.nothing")))
		return
	}
	lang := u.messageLang()
	rows := container.NewVBox()
	seen := map[string]bool{}
	for _, it := range items {
		title := widget.NewLabelWithStyle(it.Title.Render(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text := container.NewVBox(title, wrapped(it.Reason.Render(lang), widget.MediumImportance))
		if !it.Fix.IsZero() {
			// The fix in the normal colour, set apart in italics as the
			// forms' hints are: low importance greys it out like a
			// disabled field, hard to read for what the user must do.
			fix := wrapped(it.Fix.Render(lang), widget.MediumImportance)
			fix.TextStyle = fyne.TextStyle{Italic: true}
			text.Add(fix)
		}
		var buttons []fyne.CanvasObject
		switch {
		case it.NeedsConfirmation:
			buttons = append(buttons, widget.NewButton(tr("attention.confirm"), func() { u.confirmInvoice(it) }))
		case it.CanRetry:
			buttons = append(buttons, widget.NewButton(tr("attention.retry"), func() { u.retryItem(it) }))
		}
		if it.CanSkip {
			buttons = append(buttons, widget.NewButton(tr("attention.skip"), func() { u.confirmSkip(it) }))
		}
		if n := size[it.Cause]; n > 1 && !seen[it.Cause] && it.CanRetry && !it.NeedsConfirmation {
			cause := it.Cause
			buttons = append(buttons, widget.NewButton(tr("attention.retryall", map[string]any{"Count": n}),
				func() { u.retryCause(cause) }))
		}
		seen[it.Cause] = true
		rows.Add(container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(buttons...)), text))
	}
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(0, min(float32(len(items))*90, 200)))
	v.attention.Add(scroll)
}

// wrapped is a label that wraps at words.
func wrapped(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// messageLang is the window's language for internal/message.
func (u *UI) messageLang() message.Lang {
	if u.lang == English {
		return message.English
	}
	return message.Dutch
}

// retryItem asks for one item to be tried again and starts a run. A
// login item stays while the login details are still missing: the note
// says why no run starts.
func (u *UI) retryItem(it report.AttentionItem) {
	if reason := u.runRefusal(); reason != "" && it.Kind == report.AttentionLogin {
		u.logView.note.SetText(reason)
		u.logView.note.Show()
		u.relayout()
		return
	}
	b := u.b // the link the item is of, also when another is chosen meanwhile
	u.async(func() {
		err := b.RetryAttention(u.ctx, it.Kind, it.ID)
		u.onMain(func() { u.afterRetry(err) })
	})
}

// retryCause asks for every item of one cause to be tried again and starts
// a run.
func (u *UI) retryCause(cause string) {
	b := u.b
	u.async(func() {
		_, err := b.RetryCause(u.ctx, cause)
		u.onMain(func() { u.afterRetry(err) })
	})
}

// afterRetry starts the run that tries again and says when it happens.
func (u *UI) afterRetry(err error) {
	if err != nil {
		showMessage(u.win, tr("attention.heading"), tr("attention.failed", map[string]any{"Error": err.Error()}))
		u.refresh()
		return
	}
	// The list first shows the item as asked for again, then the run
	// that tries it reports.
	u.refresh()
	u.logView.note.SetText(u.runNow())
	u.logView.note.Show()
	u.relayout()
}

// runNow asks for a run and says what happens: it starts now, after the
// run in progress, at the next scheduled time, or not (and why).
func (u *UI) runNow() string {
	if reason := u.runRefusal(); reason != "" {
		return reason
	}
	switch u.b.SyncNow() {
	case scheduler.Started:
		return tr("attention.retry.started")
	case scheduler.Queued, scheduler.AlreadyQueued:
		return tr("attention.retry.queued")
	}
	if next := u.b.NextRun(); !next.IsZero() {
		return tr("attention.retry.next", map[string]any{"Time": next.Local().Format("15:04")})
	}
	return tr("attention.retry.later")
}

// runRefusal is why a run cannot start now ("" when it can): the login
// details are missing, so a run would be refused at once.
func (u *UI) runRefusal() string {
	if !u.savedCreds.EBoekhoudenComplete() || !u.savedCreds.OutSmartComplete() {
		return tr("attention.retry.nologin")
	}
	return ""
}

// confirmInvoice asks, repeating why the work order was held, before a
// work order that looked implausible is invoiced as it is (Cancel has the
// focus). The engine records the confirmation when it retries the work
// order.
func (u *UI) confirmInvoice(it report.AttentionItem) {
	showChoice(u.win, tr("attention.confirm.title"),
		tr("attention.confirm.body", map[string]any{"Number": it.Export.OrderNumber, "Reason": it.Reason.Render(u.messageLang())}),
		[]choice{{label: tr("unsaved.cancel")}, {label: tr("attention.confirm"), primary: true, do: func() { u.retryItem(it) }}}, 0)
}

func (u *UI) confirmSkip(it report.AttentionItem) {
	skip := func() {
		b := u.b
		u.async(func() {
			err := b.SkipAttention(u.ctx, it.Kind, it.ID)
			u.onMain(func() {
				if err != nil {
					showMessage(u.win, tr("attention.heading"), tr("attention.failed", map[string]any{"Error": err.Error()}))
				}
				u.refresh()
			})
		})
	}
	title, body := tr("attention.skip.title"), tr("attention.skip.body", map[string]any{"Number": it.Export.OrderNumber})
	if it.Kind != report.AttentionWorkOrder {
		title = tr("attention.skip.record.title")
		body = tr("attention.skip.record.body", map[string]any{"Title": it.Title.Render(u.messageLang())})
	}
	showChoice(u.win, title, body,
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
