package backend

// This file owns the links of the installation as the window sees them
// (ui.LinkSet, issue 18): per link its store, keychain item, runner and
// scheduler, made from the registry (internal/links).

import (
	"context"
	"fmt"
	"time"

	"github.com/koppeling/koppeling/internal/store"
)

// NewLinkStore creates the store of a link just made ("koppeling links
// add", the window's Add) with the settings a new link starts with
// (newLinkSettings).
func NewLinkStore(ctx context.Context, dir string) (*store.Store, error) {
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	if values := newLinkSettings(time.Now()); len(values) > 0 {
		if err := st.SetSettings(ctx, values); err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("first settings of a new link: %w", err)
		}
	}
	return st, nil
}

// newLinkSettings are the settings a new link starts with, made today.
// The start date of the work orders (issue 18 item 5: "Werkbonnen vanaf",
// the day the link was made) belongs here once its setting exists.
func newLinkSettings(today time.Time) map[string]string {
	_ = today
	return map[string]string{}
}
