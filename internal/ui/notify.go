package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// maxParkedNotifications is how many newly parked work orders get a
// notification each; more are told in one.
const maxParkedNotifications = 3

// How long a notification stays, where the platform lets the app say so:
// a success is news for a moment, what needs the user stays longer.
const (
	expireSuccess   = 10 * time.Second
	expireAttention = 30 * time.Second
)

// notification is one notification after a run. kind names what it is
// about: a new one of the same kind replaces the previous one where the
// platform allows it, instead of piling up.
type notification struct {
	kind   string
	title  string
	body   string
	expire time.Duration
}

// notifier shows notifications.
type notifier interface{ send(n notification) }

// appNotifier sends through Fyne, which can neither replace nor expire a
// notification: Windows and macOS decide themselves how long one stays.
type appNotifier struct{ a fyne.App }

func (n appNotifier) send(x notification) {
	n.a.SendNotification(fyne.NewNotification(x.title, x.body))
}

// runNotifications are the notifications after a run:
//   - a failed run: what went wrong, and what was done before it stopped;
//   - each newly parked work order (up to maxParkedNotifications, more in
//     one);
//   - other records that need the user (relations without an address, a
//     refused setting, ...), counted, on their own, whatever notify.success
//     says; not again while their number stays what the user was told
//     (told), so that an open item does not notify every run;
//   - a successful run that imported or exported something, when the user
//     wants it (notify.success): what it did.
//
// It returns the number of other attention items the user now knows of.
func runNotifications(res scheduler.Result, newlyParked []store.Export, notifySuccess bool, told int, lang message.Lang) ([]notification, int) {
	sum, haveSum := res.Detail.(report.RunSummary)
	// An engine summary with a message also counts what is still open,
	// found by this run or an earlier one, by kind, in the window's language.
	withOpen := haveSum && sum.Message.Key == message.KeySummary
	var out []notification
	if res.Err != nil {
		body := failureText(res.Summary)
		if withOpen {
			body = failureCause(sum.Message, lang)
		}
		if haveSum {
			if done := doneText(sum, lang); done != "" {
				body += "\n" + tr("notify.failed.done", map[string]any{"Done": done})
			}
		}
		out = append(out, notification{kind: "failed", title: tr("notify.failed"), body: body, expire: expireAttention})
	}
	if len(newlyParked) > maxParkedNotifications {
		out = append(out, notification{kind: "parked", expire: expireAttention,
			title: tr("notify.parked.many", map[string]any{"Count": len(newlyParked)}), body: newlyParked[0].Reason})
	} else {
		for _, x := range newlyParked {
			out = append(out, notification{kind: "parked " + x.OrderNumber, expire: expireAttention,
				title: tr("notify.parked", map[string]any{"Number": x.OrderNumber}), body: x.Reason})
		}
	}
	attention := res.Attention
	if haveSum {
		attention = sum.Attention
	}
	other := max(attention-len(newlyParked), 0)
	body := tr("notify.attention.body")
	if withOpen {
		// Everything still open but the work orders (they are notified one
		// by one when parked), said as what it is: "2 relaties kunnen niet
		// naar OutSmart".
		// A refused login that stopped the run is the failure notification.
		open, leave := sum.Open, []string{"OpenWorkOrders"}
		open.WorkOrders = 0
		if res.Err != nil {
			open.Login = 0
			leave = append(leave, "OpenLogin")
		}
		other = open.Total() + open.OtherNew
		body = message.Text{Key: message.KeyOpenItems, Args: sum.Message.Args.Without(leave...)}.Render(lang)
	}
	if res.Err == nil || other > 0 { // a failed run may not have got that far
		if other > 0 && other != told {
			out = append(out, notification{kind: "attention", expire: expireAttention,
				title: oneOrMany(other, tr("notify.attention.one"), tr("notify.attention", counted(other, lang))), body: body})
		}
		told = other
	}
	if res.Err == nil && res.Changed && notifySuccess {
		body := res.Summary
		if haveSum {
			if done := doneText(sum, lang); done != "" {
				body = done
			}
		}
		out = append(out, notification{kind: "success", title: tr("notify.success"), body: body, expire: expireSuccess})
	}
	return out, told
}

// doneText says what a run did, from the engine's counts ("3 facturen
// aangemaakt; 4 relaties bijgewerkt in OutSmart"); empty when it did
// nothing.
func doneText(s report.RunSummary, lang message.Lang) string {
	var parts []string
	for _, p := range []struct {
		n         int
		one, many string
	}{
		{s.Invoices, tr("notify.done.invoices.one"), tr("notify.done.invoices", counted(s.Invoices, lang))},
		{s.RelationsCreated, tr("notify.done.relationscreated.one"), tr("notify.done.relationscreated", counted(s.RelationsCreated, lang))},
		{s.Relations, tr("notify.done.relations.one"), tr("notify.done.relations", counted(s.Relations, lang))},
		{s.Materials, tr("notify.done.materials.one"), tr("notify.done.materials", counted(s.Materials, lang))},
		{s.HourTypes, tr("notify.done.hourtypes.one"), tr("notify.done.hourtypes", counted(s.HourTypes, lang))},
		{s.Handled - s.Invoices, tr("notify.done.handled.one"), tr("notify.done.handled", counted(s.Handled-s.Invoices, lang))},
	} {
		if p.n > 0 {
			parts = append(parts, oneOrMany(p.n, p.one, p.many))
		}
	}
	return strings.Join(parts, "; ")
}

// counted is the data of a translation with a count.
// The count is grouped as lang writes numbers ("15.035", "15,035").
func counted(n int, lang message.Lang) map[string]any {
	return map[string]any{"Count": message.Number(lang, n)}
}

// oneOrMany is one when n is 1, else many.
func oneOrMany(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// failureCause is why a run failed, from the engine's summary message
// without its counts, in lang ("Synchronisatie afgebroken: OutSmart is niet
// bereikbaar; ...").
func failureCause(m message.Text, lang message.Lang) string {
	a := message.Args{}
	for _, k := range []string{"Failed", "Cause", "CauseText"} {
		if v, ok := m.Args[k]; ok {
			a[k] = v
		}
	}
	return message.Text{Key: m.Key, Args: a}.Render(lang)
}

// failureText is why a run failed, from its summary line without the
// counts the engine adds in brackets (a failed run never reads "Alles was
// al bijgewerkt").
func failureText(line string) string {
	if i := strings.LastIndex(line, " ("); i > 0 && strings.HasPrefix(line, "Synchronisatie afgebroken: ") &&
		strings.HasSuffix(line, ")") {
		line = line[:i]
	}
	return line
}
