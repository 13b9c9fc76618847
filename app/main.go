// Command koppeling links e-Boekhouden.nl with OutSmart. This package is the
// composition root: it parses the command line and wires the internal
// packages together; it holds no logic of its own.
//
//	koppeling [--tray]                  the desktop app: window, tray, a sync every 15 minutes
//	koppeling --demo                    the desktop app against built-in sandboxes with demo data
//	koppeling sync --once [--dry-run]   one synchronisation, log lines on stdout
//	koppeling settings [--demo] get [KEY]      print settings (the store's path on stderr)
//	koppeling settings [--demo] set KEY VALUE  change a setting (refused values change nothing)
//	koppeling login [--no-check]        pick the e-Boekhouden road (soap or rest), store credentials in the OS keychain
//	koppeling log [--attention]         print the sync log
//	koppeling invoices [--open]         print the invoice overview with the payment status of the last run
//	koppeling store reset               keep the store file aside and start a new store
//	koppeling links                     list the links (one OutSmart account with one e-Boekhouden administration each)
//	koppeling links add|rename|remove   manage them; --link NAME (or KOPPELING_LINK) picks the link of any other command
//	koppeling sandbox [flags]           run the sandbox servers (e-Boekhouden SOAP and REST, OutSmart) with the demo dataset
//	koppeling version                   print version, commit and build date
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/koppeling/koppeling/internal/cliinit"
	"github.com/koppeling/koppeling/internal/message"
)

// Set by the Makefile through -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	cliinit.Restore()
	if len(os.Args) > 1 && isCommand(cliinit.CommandArg(os.Args[1:])) {
		attachConsole()
	}
	os.Exit(run(os.Args[1:], env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

// isCommand reports whether arg names a command-line command (as opposed
// to the desktop app and its flags).
func isCommand(arg string) bool { return cliinit.IsCommand(arg) }

// run executes one command and returns the process exit code.
func run(args []string, e env) int {
	stdout, stderr := e.stdout, e.stderr
	if len(args) == 0 || args[0] != "sandbox" {
		// --link selects the link of every command but the sandbox's, and
		// of the desktop app.
		name, rest, ok := takeLinkFlag(args)
		if !ok {
			fmt.Fprintln(stderr, "koppeling: "+message.T("links.flag.value").Render(message.FromEnvironment(e.getenv)))
			return exitCannotRun
		}
		args, e.link = rest, name
	}
	if len(args) == 0 || isGUIFlag(args[0]) {
		return runGUI(args, e)
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "sync":
		return runSync(args, e)
	case "settings":
		return runSettings(args, e)
	case "log":
		return runLog(args, e)
	case "invoices":
		return runInvoices(args, e)
	case "login":
		return runLogin(args, e)
	case "store":
		return runStore(args, e)
	case "links":
		return runLinks(args, e)
	case "sandbox":
		return runSandbox(args, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "koppeling %s (commit %s, built %s)\n", version, commit, date)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "koppeling: unknown command %q\n\n", cmd)
		usage(stderr)
		return 2
	}
}

// isGUIFlag reports whether arg is a flag of the desktop app (--demo, -tray).
func isGUIFlag(arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return strings.HasPrefix(arg, "-") && (name == "demo" || name == "tray")
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  koppeling [--tray]                  start the desktop app (window, tray, a sync every 15 minutes);
                                      --tray starts it in the system tray without the window
  koppeling --demo                    start the desktop app against built-in sandboxes with demo data
  koppeling sync --once [--dry-run]   one synchronisation; exit 0 ok, 1 needs attention, 2 could not run
  koppeling settings get [KEY]        print the settings (or one); the store's path goes to stderr
  koppeling settings set KEY VALUE    change a setting; an invalid value is refused and nothing changes
                                      (settings --demo get/set: the demo's settings, as make run uses them)
  koppeling login [--no-check]        ask which road to e-Boekhouden (soap: username and security codes;
                                      rest: an API token), check the credentials of both services and
                                      store them in the OS keychain; on soap, an accountant's account
                                      with linked administrations is asked which one (a number)
  koppeling log [--attention] [-n N]  print the sync log, newest first
  koppeling invoices [--open]         print the invoices Koppeling made with the payment status the last
                                      sync read from e-Boekhouden; --open: only those not paid yet
  koppeling store reset               move the store (settings, journal, log) aside to
                                      koppeling.db.beschadigd-YYYYMMDD-HHMMSS and start a new one;
                                      refused while Koppeling runs or a sync runs; keychain untouched
  koppeling links                     list the links: name, state, last sync, attention count, folder
                                      (* marks the link the commands use without --link)
  koppeling links add NAME            add a link (its own store, settings and keychain item)
  koppeling links rename NAME NEWNAME rename a link
  koppeling links remove NAME [--purge] [--yes]
                                      remove a link after asking (without a terminal: --yes); its store and
                                      keychain item are kept unless --purge; refused while Koppeling or a
                                      sync of that link runs
  koppeling sandbox [flags]           run the e-Boekhouden (SOAP and REST API) and OutSmart sandbox servers
                                      with demo data
  koppeling version                   print version, commit and build date

--link NAME (anywhere among the arguments, or --link=NAME) picks the link every command and the desktop
app work on; default: the only link (with several, name one).

Environment: KOPPELING_DATA_DIR (store location, links.json and the links' folders; the demo's too),
KOPPELING_LINK (as --link), KOPPELING_EBOEKHOUDEN_URL (SOAP),
KOPPELING_EBOEKHOUDEN_REST_URL (REST API, default https://api.e-boekhouden.nl), KOPPELING_OUTSMART_URL,
and for machines without a keychain KOPPELING_EB_USERNAME, KOPPELING_EB_SECURITYCODE1,
KOPPELING_EB_SECURITYCODE2 and optionally KOPPELING_EB_ADMINISTRATION (the GUID of an accountant's
linked administration) (the SOAP road), or KOPPELING_EB_API_TOKEN (the REST road, used when set),
KOPPELING_OUTSMART_TOKEN, KOPPELING_OUTSMART_SOFTWARE_TOKEN.
`)
}
