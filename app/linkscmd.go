package main

// This file owns "koppeling links": the list of the installation's links
// and adding, renaming and removing one (issue 18). The registry itself is
// internal/links; which link the other commands work on is resolveLink's
// (wire.go).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/koppeling/koppeling/internal/backend"
	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui/instance"
)

// linksUsage is the usage line of "koppeling links".
const linksUsage = "gebruik: koppeling links | koppeling links add NAAM | koppeling links rename NAAM NIEUWE-NAAM | koppeling links remove NAAM [--purge] [--yes]"

// runLinks lists or changes the links.
func runLinks(args []string, e env) int {
	root, err := e.dataDir()
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling links: %v\n", err)
		return exitCannotRun
	}
	reg := links.New(root)
	if len(args) == 0 {
		return listLinks(e, reg)
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "add" && len(rest) == 1:
		return addLink(e, reg, rest[0])
	case cmd == "rename" && len(rest) == 2:
		return renameLink(e, reg, rest[0], rest[1])
	case cmd == "remove":
		return removeLink(e, reg, rest)
	}
	fmt.Fprintln(e.stderr, linksUsage)
	return exitCannotRun
}

// say prints the message key with its arguments (name, value pairs) in the
// language of the environment, on w, with a newline unless it asks a
// question.
func say(e env, w io.Writer, key string, pairs ...string) {
	text := message.T(key, pairs...).Render(message.FromEnvironment(e.getenv))
	if !strings.HasSuffix(text, ": ") {
		text += "\n"
	}
	fmt.Fprint(w, text)
}

// complain prints the message key on stderr after "koppeling links: ".
func complain(e env, key string, pairs ...string) {
	fmt.Fprint(e.stderr, "koppeling links: ")
	say(e, e.stderr, key, pairs...)
}

// linksFailed prints err for the user and returns the exit code.
func linksFailed(e env, err error) int {
	fmt.Fprintf(e.stderr, "koppeling links: %s\n", userText(err, message.FromEnvironment(e.getenv)))
	return exitCannotRun
}

// listLinks prints a line per link: whether commands use it without
// --link ("*"), its name, paused or not, its last run, its attention count
// and its data folder. A link whose store cannot be read says so in its
// line; the others are listed as usual.
func listLinks(e env, reg *links.Registry) int {
	ls, err := reg.List()
	if err != nil {
		return linksFailed(e, err)
	}
	lang := message.FromEnvironment(e.getenv)
	chosen := ""
	if c, err := e.resolveLink(false); err == nil {
		chosen = c.link.ID
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	head := []string{"NAAM", "STAAT", "LAATSTE SYNCHRONISATIE", "AANDACHT", "MAP"}
	if lang == message.English {
		head = []string{"NAME", "STATE", "LAST SYNC", "ATTENTION", "FOLDER"}
	}
	fmt.Fprintf(w, "  %s\n", strings.Join(head, "\t"))
	for _, l := range ls {
		mark := " "
		if l.ID == chosen {
			mark = "*"
		}
		s := readLinkState(context.Background(), reg.Folder(l))
		fmt.Fprintf(w, "%s %s\t%s\t%s\t%s\t%s\n", mark, l.Name, s.state(lang), s.lastRun(lang), s.attentionText(), reg.Folder(l))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "koppeling links: %v\n", err)
		return exitCannotRun
	}
	return exitOK
}

// linkState is what the list shows of a link's store.
type linkState struct {
	paused    bool
	run       store.Run
	ran       bool
	attention int
	problem   error // the store cannot be read
}

// readLinkState reads a link's store without making one: a link whose
// store does not exist yet never ran.
func readLinkState(ctx context.Context, dir string) linkState {
	var s linkState
	if _, err := os.Stat(dir + string(os.PathSeparator) + store.FileName); errors.Is(err, os.ErrNotExist) {
		return s
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		s.problem = err
		return s
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		s.problem = err
		return s
	}
	s.paused = set.Paused
	if s.run, err = st.LastRun(ctx); err == nil {
		s.ran = true
	} else if !errors.Is(err, store.ErrNotFound) {
		s.problem = err
		return s
	}
	items, err := st.AttentionItems(ctx)
	if err != nil {
		s.problem = err
	}
	s.attention = len(items)
	return s
}

func (s linkState) state(lang message.Lang) string {
	en := lang == message.English
	switch {
	case s.problem != nil && en:
		return "store cannot be read"
	case s.problem != nil:
		return "opslag onleesbaar"
	case s.paused && en:
		return "paused"
	case s.paused:
		return "gepauzeerd"
	case en:
		return "active"
	}
	return "actief"
}

func (s linkState) lastRun(lang message.Lang) string {
	en := lang == message.English
	switch {
	case s.problem != nil || !s.ran:
		return "-"
	case s.run.Outcome == store.RunOK:
		return message.DateTime(lang, s.run.StartedAt.Local()) + " " + pickLang(en, "gelukt", "ok")
	case s.run.Outcome == store.RunAttention:
		return message.DateTime(lang, s.run.StartedAt.Local()) + " " + pickLang(en, "aandacht nodig", "needs attention")
	case s.run.Outcome == store.RunFailed:
		return message.DateTime(lang, s.run.StartedAt.Local()) + " " + pickLang(en, "mislukt", "failed")
	}
	return message.DateTime(lang, s.run.StartedAt.Local()) + " " + pickLang(en, "niet afgemaakt", "not finished")
}

func (s linkState) attentionText() string {
	if s.problem != nil {
		return "-"
	}
	return strconv.Itoa(s.attention)
}

// pickLang is english when en, else dutch.
func pickLang(en bool, dutch, english string) string {
	if en {
		return english
	}
	return dutch
}

// addLink makes a link and its store, with what a new link starts with.
func addLink(e env, reg *links.Registry, name string) int {
	l, err := reg.Add(name)
	if err != nil {
		return linksFailed(e, err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, reg.Folder(l))
	if err == nil {
		err = backend.InitNewLink(ctx, st)
		_ = st.Close()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling links: %v\n", err)
		return exitCannotRun
	}
	say(e, e.stdout, "links.added", "Name", l.Name, "Folder", reg.Folder(l))
	return exitOK
}

// renameLink gives a link another name; its id, folder and keychain item
// stay.
func renameLink(e env, reg *links.Registry, name, newName string) int {
	l, err := reg.Find(name)
	if err != nil {
		return linksFailed(e, err)
	}
	r, err := reg.Rename(l.ID, newName)
	if err != nil {
		return linksFailed(e, err)
	}
	say(e, e.stdout, "links.renamed", "Name", l.Name, "NewName", r.Name)
	return exitOK
}

// removeFlags are the flags of "links remove", which may stand anywhere
// after it.
type removeFlags struct {
	name       string
	purge, yes bool
}

func parseRemove(args []string) (removeFlags, bool) {
	var f removeFlags
	var names []string
	for _, a := range args {
		switch a {
		case "--purge", "-purge":
			f.purge = true
		case "--yes", "-yes", "-y":
			f.yes = true
		default:
			if strings.HasPrefix(a, "-") {
				return f, false
			}
			names = append(names, a)
		}
	}
	if len(names) != 1 {
		return f, false
	}
	f.name = names[0]
	return f, true
}

// removeLink takes a link out of Koppeling after the user confirmed it (on
// a terminal), or with --yes. Its store and keychain item stay unless
// --purge. It is refused while the desktop app or a sync of that link
// runs.
func removeLink(e env, reg *links.Registry, args []string) int {
	f, ok := parseRemove(args)
	if !ok {
		fmt.Fprintln(e.stderr, linksUsage)
		return exitCannotRun
	}
	l, err := reg.Find(f.name)
	if err != nil {
		return linksFailed(e, err)
	}
	if code, ok := confirmRemove(e, l, f); !ok {
		return code
	}
	// The desktop app has every link open: it claims the data folder.
	claim, err := instance.Acquire(reg.Dir())
	if errors.Is(err, instance.ErrRunning) {
		complain(e, "links.remove.app")
		return exitCannotRun
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling links: %v\n", err)
		return exitCannotRun
	}
	defer claim.Close()
	if err := syncRunning(reg.Folder(l)); err != nil {
		if errors.Is(err, store.ErrLocked) {
			complain(e, "links.remove.sync", "Name", l.Name)
		} else {
			fmt.Fprintf(e.stderr, "koppeling links: %v\n", err)
		}
		return exitCannotRun
	}
	if _, err := reg.Remove(l.ID); err != nil {
		return linksFailed(e, err)
	}
	return reportRemoved(e, reg, l, f.purge)
}

// confirmRemove asks on a terminal whether to remove l ("ja"/"nee");
// without a terminal --yes must be given. ok is false when nothing is to
// be removed, with code the exit code.
func confirmRemove(e env, l links.Link, f removeFlags) (code int, ok bool) {
	if f.yes {
		return exitOK, true
	}
	in, isFile := e.stdin.(*os.File)
	if !isFile || !term.IsTerminal(int(in.Fd())) {
		complain(e, "links.remove.yes", "Name", l.Name)
		return exitCannotRun, false
	}
	if !askRemove(e, in, l, f.purge) {
		say(e, e.stdout, "links.remove.no")
		return exitOK, false
	}
	return exitOK, true
}

// askRemove asks on stderr whether to remove l and reads the answer from
// in: "ja" or "j" (also "yes" or "y"), in any case, is yes; anything else,
// an empty line or the end of input included, is no.
func askRemove(e env, in io.Reader, l links.Link, purge bool) bool {
	question := "links.remove.ask.keep"
	if purge {
		question = "links.remove.ask.purge"
	}
	say(e, e.stderr, question, "Name", l.Name)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "ja", "j", "yes", "y":
		return true
	}
	return false
}

// syncRunning is store.ErrLocked while a sync of the link in dir holds its
// run lock. A link without a store, or with one that cannot be read, has
// no sync running.
func syncRunning(dir string) error {
	if _, err := os.Stat(dir + string(os.PathSeparator) + store.FileName); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil // a damaged store runs nothing; removing its link is what the user may want
	}
	defer st.Close()
	lock, err := st.LockRun(ctx, store.LockOwner())
	if err != nil {
		return err
	}
	return lock.Release(ctx)
}

// reportRemoved purges what was asked and says where what was kept is.
func reportRemoved(e env, reg *links.Registry, l links.Link, purge bool) int {
	service := l.KeychainService(e.keychainBase())
	if !purge {
		say(e, e.stdout, "links.removed", "Name", l.Name, "Folder", reg.Folder(l), "Service", service)
		return exitOK
	}
	if err := reg.Purge(l, store.FileName); err != nil {
		complain(e, "links.purge.store", "Detail", err.Error())
		return exitCannotRun
	}
	if err := e.vaultFor(l).Delete(); err != nil {
		complain(e, "links.purge.keychain", "Detail", userText(err, message.FromEnvironment(e.getenv)))
		return exitCannotRun
	}
	say(e, e.stdout, "links.purged", "Name", l.Name)
	return exitOK
}
