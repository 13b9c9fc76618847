package main

// This file owns the window's view of the installation's links: the
// backend's LinkSet as a ui.LinkSet (the backend layer does not import the
// UI), and how the desktop app opens a link, for real or in the demo.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/demo"
	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui"
)

// uiLinks is the backend's LinkSet as the window sees it.
type uiLinks struct {
	set  *backend.LinkSet
	lang message.Lang
}

var _ ui.LinkSet = uiLinks{}

// Links lists the links with their state; a problem in the user's
// language.
func (u uiLinks) Links(ctx context.Context) ([]ui.LinkInfo, error) {
	infos, err := u.set.Links(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.LinkInfo, len(infos))
	for i, l := range infos {
		out[i] = u.info(l)
	}
	return out, nil
}

func (u uiLinks) info(l backend.LinkInfo) ui.LinkInfo {
	i := ui.LinkInfo{ID: l.ID, Name: l.Name, Paused: l.Paused, Running: l.Running, LastRunTime: l.LastRunTime,
		LastRunOutcome: l.LastRunOutcome, Attention: l.Attention}
	if l.Problem != nil {
		i.Problem = u.problemText(l.Problem)
	}
	return i
}

// problemText says why a link cannot be opened.
func (u uiLinks) problemText(err error) string {
	var d *store.DamagedError
	if errors.As(err, &d) {
		return store.DamagedMessage(d)
	}
	return userText(err, u.lang)
}

// Backend is the link's Backend.
func (u uiLinks) Backend(id string) (ui.Backend, error) {
	p, err := u.set.Backend(id)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Add makes a link; a refused name is a *ui.LinkNameError.
func (u uiLinks) Add(ctx context.Context, name string) (ui.LinkInfo, error) {
	l, err := u.set.Add(ctx, name)
	if err != nil {
		return ui.LinkInfo{}, uiNameError(err)
	}
	return u.info(l), nil
}

// Rename renames a link; a refused name is a *ui.LinkNameError.
func (u uiLinks) Rename(ctx context.Context, id, name string) error {
	return uiNameError(u.set.Rename(ctx, id, name))
}

// Remove removes a link (and with purge its store and keychain item).
func (u uiLinks) Remove(ctx context.Context, id string, purge bool) error {
	err := u.set.Remove(ctx, id, purge)
	var last *links.LastLinkError
	switch {
	case errors.As(err, &last):
		return errors.New(last.Message().Render(u.lang))
	case errors.Is(err, store.ErrLocked):
		name := id
		if l, lerr := u.set.Registry().ByID(id); lerr == nil {
			name = l.Name
		}
		return errors.New(message.T("links.remove.sync", "Name", name).Render(u.lang))
	}
	return err
}

// Subscribe delivers every link's events with its id.
func (u uiLinks) Subscribe(fn func(id string, ev scheduler.Event)) (cancel func()) {
	return u.set.Subscribe(fn)
}

// uiNameError is err with a *links.NameError as the window's
// *ui.LinkNameError.
func uiNameError(err error) error {
	var ne *links.NameError
	if errors.As(err, &ne) {
		return &ui.LinkNameError{Name: ne.Name, Key: ne.Key, Text: ne.Error()}
	}
	return err
}

// linkOpener opens a link for the desktop app: its store, keychain item and
// the service addresses from the environment; in the demo, each link with
// a sandbox pair of its own over the demo data and the demo credentials in
// memory (demo.Start in its folder). The first demo link's sandboxes are
// the ones the window's demo links show.
type linkOpener struct {
	e    env
	demo bool
	// envLink is the id of the link the KOPPELING_* credential variables
	// apply to (the --link one, or the only one); the others read their
	// keychain items only.
	envLink string

	mu        sync.Mutex
	firstDemo *demo.Env // the first link's demo environment
}

func (o *linkOpener) open(ctx context.Context, l links.Link, dir string) (backend.LinkParts, error) {
	if !o.demo {
		st, err := store.Open(ctx, dir)
		if err != nil {
			return backend.LinkParts{}, err
		}
		vault := o.e.keychainOnly(l)
		if l.ID == o.envLink {
			vault = o.e.vaultFor(l)
		}
		return backend.LinkParts{Store: st, Vault: vault, Endpoints: o.e.endpoints()}, nil
	}
	d, err := demo.Start(ctx, dir)
	if err != nil {
		return backend.LinkParts{}, fmt.Errorf("start the demo of link %s: %w", l.ID, err)
	}
	if l.First() {
		o.mu.Lock()
		o.firstDemo = d
		o.mu.Unlock()
	}
	return backend.LinkParts{Store: d.Store, Vault: d.Vault, Endpoints: d.Endpoints, Close: func() { _ = d.Sandbox.Close() }}, nil
}

// demoEnv is the first demo link's environment, or nil.
func (o *linkOpener) demoEnv() *demo.Env {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.firstDemo
}
