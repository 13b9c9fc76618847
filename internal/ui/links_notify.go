package ui

// This file owns the notifications of several links (issue 18): with more
// than one link every notification names its link ("De Vries: 3 facturen
// aangemaakt"), and a run of a link that is not selected notifies as one
// of the selected link does, from that link's own attention list and
// settings.

import (
	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// linkNote is n as the selected link sends it: named after the link when
// there are several.
func (u *UI) linkNote(n notification) notification {
	if !u.links.several() {
		return n
	}
	info, _ := u.links.info(u.links.selectedID())
	return namedNote(n, info)
}

// namedNote is n with the link's name before its title; its kind is the
// link's own, so that one link's notification does not replace another's.
func namedNote(n notification, info LinkInfo) notification {
	n.title = tr("links.notify", map[string]any{"Name": info.Name, "Title": n.title})
	n.kind = info.ID + " " + n.kind
	return n
}

// parkedIn lists the parked work orders of an attention list.
func parkedIn(items []report.AttentionItem) []store.Export {
	var out []store.Export
	for _, it := range items {
		if it.Kind == report.AttentionWorkOrder {
			out = append(out, it.Export)
		}
	}
	return out
}

// seedOtherLinks marks the work orders parked before the app started, in
// every link but the selected one, as told (off the UI thread).
func (u *UI) seedOtherLinks() {
	l := u.links
	for _, info := range l.infos {
		if info.ID == l.selectedID() || info.Problem != "" {
			continue
		}
		n := &linkNotes{knownParked: map[string]bool{}}
		l.notes[info.ID] = n
		id := info.ID
		u.async(func() {
			b, err := l.set.Backend(id)
			if err != nil {
				return
			}
			items, err := b.Attention(u.ctx)
			if err != nil {
				return
			}
			u.onMain(func() {
				for _, x := range parkedIn(items) {
					n.knownParked[x.RowID] = true
				}
			})
		})
	}
}

// otherLinkFinished sends the notifications of a run of a link that is not
// selected: its newly parked work orders are read from its own attention
// list, and a success is told when its own settings want it.
func (u *UI) otherLinkFinished(id string, res scheduler.Result) {
	l := u.links
	u.async(func() {
		b, err := l.set.Backend(id)
		if err != nil {
			return
		}
		items, itemsErr := b.Attention(u.ctx)
		set, setErr := b.Settings(u.ctx)
		u.onMain(func() {
			n := l.notes[id]
			if n == nil {
				n = &linkNotes{knownParked: map[string]bool{}}
				l.notes[id] = n
			}
			var fresh []store.Export
			if itemsErr == nil {
				for _, x := range parkedIn(items) {
					if !n.knownParked[x.RowID] {
						n.knownParked[x.RowID] = true
						fresh = append(fresh, x)
					}
				}
			}
			notes, told := runNotifications(res, fresh, setErr == nil && set.NotifySuccess, n.told, u.messageLang())
			n.told = told
			info, _ := l.info(id)
			for _, x := range notes {
				u.notify.send(namedNote(x, info))
			}
		})
	})
}
