package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/koppeling/koppeling/internal/links"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/services"
	"github.com/koppeling/koppeling/internal/store"
)

// Environment variables of the headless command line.
const (
	envDataDir            = "KOPPELING_DATA_DIR"
	envEBoekhoudenURL     = "KOPPELING_EBOEKHOUDEN_URL"
	envEBoekhoudenRESTURL = "KOPPELING_EBOEKHOUDEN_REST_URL"
	envOutSmartURL        = "KOPPELING_OUTSMART_URL"
	// envKeychainService names the keychain item's service instead of the
	// default, so that tests and demo mode never touch the user's own item.
	envKeychainService = "KOPPELING_KEYCHAIN_SERVICE"
	// envCrashAt ("step:N") makes the process kill itself the Nth time the
	// export reaches step: the crash tests of the real binary use it.
	envCrashAt = "KOPPELING_TEST_CRASH_AT"
	// envLink names the link every command works on, as --link does.
	envLink = "KOPPELING_LINK"
)

// softwareToken is OutSmart's software token for this build, set with
// -ldflags "-X main.softwareToken=..." by release builds.
var softwareToken = ""

// env is what the process was started with.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// link is the name given with --link (empty: KOPPELING_LINK, else the
	// only link).
	link string
}

func (e env) dataDir() (string, error) {
	if d := strings.TrimSpace(e.getenv(envDataDir)); d != "" {
		return d, nil
	}
	return store.DefaultDir()
}

// keychainBase is the keychain service of the first link: today's
// installation item, or KOPPELING_KEYCHAIN_SERVICE's. The other links'
// items are named after it (links.Link.KeychainService).
func (e env) keychainBase() string {
	if s := e.getenv(envKeychainService); s != "" {
		return s
	}
	return secrets.Service
}

// linkName is the name of the link the command asked for: --link, else
// KOPPELING_LINK; empty when neither is given.
func (e env) linkName() string {
	if e.link != "" {
		return e.link
	}
	return strings.TrimSpace(e.getenv(envLink))
}

// chosenLink is the link a command works on, in the registry of its data
// folder.
type chosenLink struct {
	reg   *links.Registry
	link  links.Link
	dir   string         // the link's data folder: where its store lives
	vault *secrets.Vault // its keychain item, with the KOPPELING_* variables over it
}

// resolveLink is the one place where every command (sync, settings, log,
// login, store reset, the desktop app) finds the link it works on, its
// store's folder and its keychain item: the link named by --link or
// KOPPELING_LINK, else the only one. Several links and none named, or a
// name no link has, is an error that lists the links (userText says it).
// The demo's links are in the demo's data folder (demo true).
func (e env) resolveLink(demo bool) (chosenLink, error) {
	root, err := e.dataDir()
	if demo {
		root, err = e.demoDataDir()
	}
	if err != nil {
		return chosenLink{}, err
	}
	reg := links.New(root)
	l, err := e.pickLink(reg)
	if err != nil {
		return chosenLink{}, err
	}
	return chosenLink{reg: reg, link: l, dir: reg.Folder(l), vault: e.vaultFor(l)}, nil
}

// pickLink is the link named by --link or KOPPELING_LINK, else the only
// one (onlyLink).
func (e env) pickLink(reg *links.Registry) (links.Link, error) {
	if name := e.linkName(); name != "" {
		return reg.Find(name)
	}
	return onlyLink(reg)
}

// onlyLink is the link of an installation with one; with several, a
// *chooseError.
func onlyLink(reg *links.Registry) (links.Link, error) {
	ls, err := reg.List()
	switch {
	case err != nil:
		return links.Link{}, err
	case len(ls) == 0:
		return links.Link{}, &chooseError{}
	case len(ls) > 1:
		return links.Link{}, &chooseError{links: ls}
	}
	return ls[0], nil
}

// chooseError is several links and none named (or none at all).
type chooseError struct{ links []links.Link }

// Message asks the user to name one.
func (c *chooseError) Message() message.Text {
	if len(c.links) == 0 {
		return message.T("links.none")
	}
	return message.T("links.choose", "Names", links.Names(c.links))
}

func (c *chooseError) Error() string { return c.Message().Render(message.Dutch) }

// userText is err for the user in lang: the message of an error that
// carries one (a link that cannot be chosen, a damaged links file), else
// the error's own text.
func userText(err error, lang message.Lang) string {
	var m interface{ Message() message.Text }
	if errors.As(err, &m) {
		return m.Message().Render(lang)
	}
	return err.Error()
}

// vaultFor is the keychain item of link l, with the KOPPELING_* credential
// variables over it: they are meant for the chosen link.
func (e env) vaultFor(l links.Link) *secrets.Vault {
	return &secrets.Vault{Keychain: secrets.OSKeychain{}, Service: l.KeychainService(e.keychainBase()), Getenv: e.getenv,
		DefaultSoftwareToken: softwareToken}
}

// keychainOnly is the keychain item of link l without the credential
// variables: the desktop app's links other than the chosen one.
func (e env) keychainOnly(l links.Link) *secrets.Vault {
	v := e.vaultFor(l)
	v.Getenv = func(string) string { return "" }
	return v
}

// openStore opens the store of the link the command works on.
func (e env) openStore(ctx context.Context) (*store.Store, error) {
	c, err := e.resolveLink(false)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, c.dir)
}

// takeLinkFlag takes --link NAME or --link=NAME (also with one dash) out of
// args, wherever it stands, before the command parses its own flags. ok is
// false when --link has no value.
func takeLinkFlag(args []string) (name string, rest []string, ok bool) {
	rest = make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--link" || a == "-link":
			if i+1 >= len(args) || strings.TrimSpace(args[i+1]) == "" {
				return "", nil, false
			}
			name = strings.TrimSpace(args[i+1])
			i++
		case strings.HasPrefix(a, "--link=") || strings.HasPrefix(a, "-link="):
			_, v, _ := strings.Cut(a, "=")
			if strings.TrimSpace(v) == "" {
				return "", nil, false
			}
			name = strings.TrimSpace(v)
		default:
			rest = append(rest, a)
		}
	}
	return name, rest, true
}

// endpoints are the service addresses from the environment (empty: the
// real services).
func (e env) endpoints() services.Endpoints {
	return services.Endpoints{EBoekhoudenURL: e.getenv(envEBoekhoudenURL),
		EBoekhoudenRESTURL: e.getenv(envEBoekhoudenRESTURL), OutSmartURL: e.getenv(envOutSmartURL)}
}

// crashHook returns the checkpoint function for KOPPELING_TEST_CRASH_AT, or
// nil when it is not set.
func crashHook(spec string) func(string) {
	step, n, ok := strings.Cut(spec, ":")
	nth, err := strconv.Atoi(n)
	if !ok || err != nil || step == "" || nth < 1 {
		return nil
	}
	seen := 0
	return func(s string) {
		if s != step {
			return
		}
		if seen++; seen == nth {
			killSelf()
		}
	}
}

// killSelf ends the process at once, as a crash or power cut would: no
// deferred code, no flushing.
func killSelf() {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		_ = p.Signal(syscall.SIGKILL)
	}
	os.Exit(137)
}
