package ui

// This file owns what the window needs to show several links (issue 18):
// a link is one OutSmart account with one e-Boekhouden administration, with
// its own store, keychain item, settings, journal, log, attention list and
// schedule. The window lists the links and shows the screens of the manual
// for the selected one, through that link's own Backend; the tray shows the
// overall state and "Nu synchroniseren" per link. The real LinkSet lives in
// internal/backend; the tests use a fake.

import (
	"context"
	"time"

	"github.com/koppeling/koppeling/internal/scheduler"
)

// LinkInfo is one link as the links list shows it.
type LinkInfo struct {
	// ID identifies the link for good (a rename keeps it); never shown.
	ID string
	// Name is the user's name for the link ("Installatiebedrijf De Vries").
	Name string
	// Paused says its automatic runs are paused (its sync.paused setting).
	Paused bool
	// Running says a run of this link is under way.
	Running bool
	// LastRun is when its last run started and how it ended: Outcome is
	// store.Run's ("ok", "attention", "failed"); zero Time when it never ran.
	LastRunTime    time.Time
	LastRunOutcome string
	// Attention is how many items of its attention list need the user.
	Attention int
	// Problem is why the link cannot be shown or run (a damaged store), in
	// the user's language; empty when it can.
	Problem string
}

// LinkSet is every link of this installation. Methods may block (disk,
// keychain): the UI calls them off the UI thread, except the initial load.
type LinkSet interface {
	// Links lists the links in the order the user sees them.
	Links(ctx context.Context) ([]LinkInfo, error)
	// Backend is the Backend of one link (the screens of the manual act on
	// it). An error when the link cannot be opened (Problem says why).
	Backend(id string) (Backend, error)
	// Add makes a new link with a name no other link has (case-insensitive)
	// and returns it; a refused name is a *LinkNameError.
	Add(ctx context.Context, name string) (LinkInfo, error)
	// Rename gives a link another name under the same rule as Add.
	Rename(ctx context.Context, id, name string) error
	// Remove takes a link out of Koppeling, after the user confirmed it.
	// Its store and keychain item stay unless purge is true.
	Remove(ctx context.Context, id string, purge bool) error
	// Subscribe delivers every link's scheduler events, with the link's ID,
	// until cancel is called. Events of a link added later are delivered
	// too.
	Subscribe(fn func(id string, ev scheduler.Event)) (cancel func())
}

// LinkNameError is a link name the user cannot have: empty, too long, or
// already taken. Text is the reason in Dutch (the UI translates by Key).
type LinkNameError struct {
	Name string
	Key  string // message key: "link.name.empty", "link.name.long", "link.name.taken"
	Text string
}

func (e *LinkNameError) Error() string { return e.Text }
