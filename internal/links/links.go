// Package links owns the registry of an installation's links (issue 18). A
// link is one OutSmart account with one e-Boekhouden administration; each
// has its own store (settings, journal, log, attention list) in a folder of
// its own and its own keychain item, so that a damaged one cannot touch the
// others.
//
// The registry is the file links.json in the data folder. Without that file
// the installation has one link, the first, whose folder is the data folder
// itself and whose keychain item is the installation's own: a data folder
// made before there were several links is that first link as it is, and
// nothing moves. Every change is written atomically (a temporary file,
// fsync, rename) under a lock file, so two processes cannot lose each
// other's change. A links.json that cannot be read is refused, never
// replaced.
//
// A new link gets a stable id (a rename keeps it), the folder
// links/<id>/ below the data folder, and the keychain service
// "<base>.<id>", where base is the first link's service.
package links

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/koppeling/koppeling/internal/message"
)

// Names in the data folder.
const (
	// FileName is the registry.
	FileName = "links.json"
	// lockName is the lock file that every change of the registry holds.
	lockName = "links.json.lock"
	// Folder is the folder below the data folder that holds the links made
	// after the first, one folder per link id.
	Folder = "links"
)

// The first link: the data folder itself and the installation's keychain
// item.
const (
	FirstID   = "standaard"
	FirstName = "Standaard"
)

// MaxName is the longest name a link may have, in characters.
const MaxName = 60

// fileVersion is the version of links.json this code writes and reads.
const fileVersion = 1

// Link is one link of the installation.
type Link struct {
	// ID identifies the link for good; a rename keeps it.
	ID string `json:"id"`
	// Name is the user's name for it, unique without regard to case.
	Name string `json:"name"`
	// Dir is its data folder relative to the registry's: "." for the first
	// link, links/<id> for the others.
	Dir string `json:"dir"`
	// KeychainSuffix is appended to the base keychain service: empty for the
	// first link (the installation's item), ".<id>" for the others.
	KeychainSuffix string `json:"keychain_suffix"`
}

// First reports whether l is the first link (its folder is the data folder
// itself).
func (l Link) First() bool { return l.Dir == "." }

// KeychainService is the keychain service of l's credentials, given the
// installation's base service.
func (l Link) KeychainService(base string) string { return base + l.KeychainSuffix }

// file is what links.json holds.
type file struct {
	Version int    `json:"version"`
	Links   []Link `json:"links"`
}

// DamagedError is a links.json that cannot be read: it is refused, never
// replaced.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("links file %s is damaged: %v", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// Message says it to the user.
func (e *DamagedError) Message() message.Text {
	return message.T("links.damaged", "Path", e.Path, "Detail", e.Err.Error())
}

// NameError is a name a link cannot have: empty, too long or taken.
type NameError struct {
	Name string
	Key  string // "link.name.empty", "link.name.long", "link.name.taken"
}

// Message says why, in the user's language.
func (e *NameError) Message() message.Text {
	return message.T(e.Key, "Name", e.Name, "Max", strconv.Itoa(MaxName))
}

func (e *NameError) Error() string { return e.Message().Render(message.Dutch) }

// UnknownError is a link name or id that the registry does not hold.
type UnknownError struct {
	Name  string
	Links []Link
}

// Message names the links there are.
func (e *UnknownError) Message() message.Text {
	return message.T("links.unknown", "Name", e.Name, "Names", Names(e.Links))
}

func (e *UnknownError) Error() string { return e.Message().Render(message.Dutch) }

// ErrLastLink refuses to remove the only link (a *LastLinkError is it).
var ErrLastLink = errors.New("the only link cannot be removed")

// LastLinkError is the refusal to remove the only link, Name.
type LastLinkError struct{ Name string }

// Message says why, and what to do instead.
func (e *LastLinkError) Message() message.Text { return message.T("links.last", "Name", e.Name) }

func (e *LastLinkError) Error() string { return e.Message().Render(message.Dutch) }

// Is makes it ErrLastLink.
func (e *LastLinkError) Is(target error) bool { return target == ErrLastLink }

// Names lists the links' names, quoted, for a message.
func Names(ls []Link) string {
	q := make([]string, len(ls))
	for i, l := range ls {
		q[i] = "\"" + l.Name + "\""
	}
	return strings.Join(q, ", ")
}

// Registry is the links of the installation whose data folder is Dir.
type Registry struct {
	dir string
}

// New returns the registry of the data folder dir. It reads nothing yet.
func New(dir string) *Registry { return &Registry{dir: dir} }

// Dir is the installation's data folder.
func (r *Registry) Dir() string { return r.dir }

// Path is where links.json is (or would be).
func (r *Registry) Path() string { return filepath.Join(r.dir, FileName) }

// Folder is l's data folder, where its store lives.
func (r *Registry) Folder(l Link) string { return filepath.Join(r.dir, filepath.FromSlash(l.Dir)) }

// first is the implicit first link of a data folder without links.json.
func first() Link { return Link{ID: FirstID, Name: FirstName, Dir: "."} }

// List reads the links in the order the user sees them. Without links.json
// it is the first link alone; a links.json that cannot be read is a
// *DamagedError.
func (r *Registry) List() ([]Link, error) {
	f, err := r.read()
	if err != nil {
		return nil, err
	}
	return f.Links, nil
}

func (r *Registry) read() (file, error) {
	b, err := os.ReadFile(r.Path())
	if errors.Is(err, os.ErrNotExist) {
		return file{Version: fileVersion, Links: []Link{first()}}, nil
	}
	if err != nil {
		return file{}, fmt.Errorf("read %s: %w", r.Path(), err)
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return file{}, &DamagedError{Path: r.Path(), Err: err}
	}
	if err := f.check(); err != nil {
		return file{}, &DamagedError{Path: r.Path(), Err: err}
	}
	return f, nil
}

// check refuses a file this code did not write: another version, a link
// without id, a name no link may have, a folder or keychain item that is
// not the link's own (a purge deletes that folder, so it must never point
// elsewhere).
func (f file) check() error {
	if f.Version != fileVersion {
		return fmt.Errorf("version %d, want %d", f.Version, fileVersion)
	}
	ids := map[string]bool{}
	for i, l := range f.Links {
		if !validID(l.ID) || ids[l.ID] {
			return fmt.Errorf("link %d: id %q missing, invalid or twice", i+1, l.ID)
		}
		ids[l.ID] = true
		if _, err := checkName(l.Name, f.Links[:i], ""); err != nil || l.Name != strings.TrimSpace(l.Name) {
			return fmt.Errorf("link %d: name %q: %v", i+1, l.Name, err)
		}
		own := l.Dir == Folder+"/"+l.ID && l.KeychainSuffix == "."+l.ID
		firstLink := l.Dir == "." && l.KeychainSuffix == ""
		if !own && !firstLink {
			return fmt.Errorf("link %d: folder %q or keychain suffix %q is not the link's own", i+1, l.Dir, l.KeychainSuffix)
		}
	}
	return nil
}

// validID is an id as newID makes it, or the first link's.
func validID(id string) bool {
	if id == FirstID {
		return true
	}
	if len(id) < 2 || len(id) > 40 {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkName returns name trimmed when a link other than except (an id; ""
// for a new link) may have it among ls, else a *NameError.
func checkName(name string, ls []Link, except string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", &NameError{Name: name, Key: "link.name.empty"}
	case utf8.RuneCountInString(name) > MaxName || !utf8.ValidString(name):
		return "", &NameError{Name: name, Key: "link.name.long"}
	}
	for _, l := range ls {
		if l.ID != except && strings.EqualFold(l.Name, name) {
			return "", &NameError{Name: name, Key: "link.name.taken"}
		}
	}
	return name, nil
}

// Find returns the link named name (without regard to case), or an
// *UnknownError that lists the links.
func (r *Registry) Find(name string) (Link, error) {
	ls, err := r.List()
	if err != nil {
		return Link{}, err
	}
	for _, l := range ls {
		if strings.EqualFold(l.Name, strings.TrimSpace(name)) {
			return l, nil
		}
	}
	return Link{}, &UnknownError{Name: name, Links: ls}
}

// ByID returns the link with id, or an *UnknownError.
func (r *Registry) ByID(id string) (Link, error) {
	ls, err := r.List()
	if err != nil {
		return Link{}, err
	}
	for _, l := range ls {
		if l.ID == id {
			return l, nil
		}
	}
	return Link{}, &UnknownError{Name: id, Links: ls}
}

// Add makes a new link named name, with its own id, folder and keychain
// suffix, and creates its folder. A refused name is a *NameError.
func (r *Registry) Add(name string) (Link, error) {
	var added Link
	err := r.change(func(f *file) error {
		n, err := checkName(name, f.Links, "")
		if err != nil {
			return err
		}
		id, err := newID(f.Links)
		if err != nil {
			return err
		}
		added = Link{ID: id, Name: n, Dir: Folder + "/" + id, KeychainSuffix: "." + id}
		if err := os.MkdirAll(r.Folder(added), 0o700); err != nil {
			return fmt.Errorf("create link folder: %w", err)
		}
		f.Links = append(f.Links, added)
		return nil
	})
	return added, err
}

// Rename gives the link id the name name; a refused name is a *NameError.
func (r *Registry) Rename(id, name string) (Link, error) {
	var renamed Link
	err := r.change(func(f *file) error {
		n, err := checkName(name, f.Links, id)
		if err != nil {
			return err
		}
		for i := range f.Links {
			if f.Links[i].ID == id {
				f.Links[i].Name = n
				renamed = f.Links[i]
				return nil
			}
		}
		return &UnknownError{Name: id, Links: f.Links}
	})
	return renamed, err
}

// Remove takes the link id out of the registry and returns it; its folder
// and files stay (Purge deletes them). The only link is not removed
// (ErrLastLink).
func (r *Registry) Remove(id string) (Link, error) {
	var removed Link
	err := r.change(func(f *file) error {
		for i, l := range f.Links {
			if l.ID != id {
				continue
			}
			if len(f.Links) == 1 {
				return &LastLinkError{Name: l.Name}
			}
			removed = l
			f.Links = append(f.Links[:i:i], f.Links[i+1:]...)
			return nil
		}
		return &UnknownError{Name: id, Links: f.Links}
	})
	return removed, err
}

// Purge deletes the files of a removed link's store: for a link with a
// folder of its own, that folder; for the first link, whose folder is the
// data folder with links.json and the other links, only the files whose
// names start with storeFile (the store, its -wal and -shm, and the copies
// a store reset kept aside). It refuses a link that is still registered.
func (r *Registry) Purge(l Link, storeFile string) error {
	ls, err := r.List()
	if err != nil {
		return err
	}
	for _, other := range ls {
		if other.ID == l.ID {
			return fmt.Errorf("purge link %s: it is still registered", l.ID)
		}
	}
	if !l.First() {
		if l.Dir != Folder+"/"+l.ID || !validID(l.ID) {
			return fmt.Errorf("purge link %s: folder %q is not the link's own", l.ID, l.Dir)
		}
		return os.RemoveAll(r.Folder(l))
	}
	matches, err := filepath.Glob(filepath.Join(r.dir, storeFile+"*"))
	if err != nil {
		return fmt.Errorf("purge link %s: %w", l.ID, err)
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("purge link %s: %w", l.ID, err)
		}
	}
	return nil
}

// newID returns an id that no link in ls has.
func newID(ls []Link) (string, error) {
	for {
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("new link id: %w", err)
		}
		id := "k" + hex.EncodeToString(b)
		taken := false
		for _, l := range ls {
			taken = taken || l.ID == id
		}
		if !taken {
			return id, nil
		}
	}
}

// change reads the registry under the lock, lets fn change it and writes it
// back atomically when fn succeeds.
func (r *Registry) change(fn func(*file) error) error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(r.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open links lock: %w", err)
	}
	defer lock.Close()
	if err := lockFile(lock); err != nil {
		return fmt.Errorf("lock links: %w", err)
	}
	defer func() { _ = unlockFile(lock) }()
	f, err := r.read()
	if err != nil {
		return err
	}
	if err := fn(&f); err != nil {
		return err
	}
	return r.write(f)
}

// write replaces links.json atomically: a temporary file in the same
// folder, synced, renamed over it, and the folder synced.
func (r *Registry) write(f file) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode links: %w", err)
	}
	tmp, err := os.CreateTemp(r.dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("write links: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; a leftover otherwise
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), r.Path())
	}
	if err != nil {
		return fmt.Errorf("write links: %w", err)
	}
	if d, err := os.Open(r.dir); err == nil {
		_ = d.Sync() // the rename itself on disk; not every system can sync a folder
		_ = d.Close()
	}
	return nil
}
