package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/ui/instance"
)

// runStore handles "koppeling store reset": the store file and its -wal and
// -shm are moved aside (kept, never deleted) and a new store is made. The
// credentials in the keychain are not touched.
func runStore(args []string, e env) int {
	if len(args) != 1 || args[0] != "reset" {
		fmt.Fprintln(e.stderr, "gebruik: koppeling store reset")
		return exitCannotRun
	}
	const cmd = "koppeling store reset"
	link, err := e.resolveLink(false)
	if err != nil {
		return storeFailed(e, cmd, err)
	}
	// The desktop app keeps the store open; moving the file under it would
	// let it go on writing into the copy. It claims the installation's data
	// folder, whichever link it shows.
	claim, err := instance.Acquire(link.reg.Dir())
	if errors.Is(err, instance.ErrRunning) {
		fmt.Fprintf(e.stderr, "%s: Koppeling draait nog (venster of systeemvak). Sluit Koppeling eerst af (Afsluiten in het menu van het systeemvak) en probeer het opnieuw. Er is niets veranderd.\n", cmd)
		return exitCannotRun
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", cmd, err)
		return exitCannotRun
	}
	defer claim.Close()

	st, res, err := store.Reset(context.Background(), link.dir, time.Now())
	switch {
	case errors.Is(err, store.ErrLocked):
		fmt.Fprintf(e.stderr, "%s: er loopt nu een synchronisatie. Probeer het opnieuw als die klaar is. Er is niets veranderd.\n", cmd)
		return exitCannotRun
	case err != nil:
		fmt.Fprintf(e.stderr, "%s: %v\n", cmd, err)
		return exitCannotRun
	}
	defer st.Close()
	fmt.Fprint(e.stdout, resetReport(st.Path(), res))
	return exitOK
}

// resetReport says in Dutch what store reset did and where the copy is.
func resetReport(path string, res store.ResetResult) string {
	var out string
	switch {
	case res.Damage != nil:
		out = fmt.Sprintf("De beschadigde opslag (%s) is opzijgezet.\n", damageReason(res.Damage))
	case len(res.Moved) > 0:
		out = "De opslag is opzijgezet.\n"
	default:
		out = "Er was nog geen opslag; er is niets opzijgezet.\n"
	}
	if res.Backup != "" {
		out += fmt.Sprintf("Het oude bestand is bewaard als %s\n", res.Backup)
	}
	for _, m := range res.Moved {
		if m != res.Backup {
			out += fmt.Sprintf("Bewaard: %s\n", m)
		}
	}
	out += fmt.Sprintf("Koppeling begint opnieuw met een lege opslag: %s\n", path)
	out += "Instellingen, logboek en exportjournaal zijn leeg; de inloggegevens in de sleutelbos zijn niet aangeraakt.\n" +
		"Controleer de instellingen (koppeling settings get) voordat je synchroniseert.\n"
	return out
}

// storeFailed prints why the store could not be opened or read, for a
// user: a damaged store (found by Open, or SQLite's "malformed" from a later
// query) gets the Dutch explanation and what to do, any other error its own
// text; a link that cannot be chosen (or a damaged links file) its
// message, which lists the links. It returns the exit code.
func storeFailed(e env, cmd string, err error) int {
	path := store.FileName
	if link, linkErr := e.resolveLink(false); linkErr == nil {
		path = filepath.Join(link.dir, store.FileName)
	}
	if d := store.AsDamaged(err, path); d != nil {
		fmt.Fprintf(e.stderr, "%s: %s\n", cmd, store.DamagedMessage(d))
	} else {
		fmt.Fprintf(e.stderr, "%s: %s\n", cmd, userText(err, message.FromEnvironment(e.getenv)))
	}
	return exitCannotRun
}

// damageReason is the Dutch reason of a damaged store.
func damageReason(d *store.DamagedError) string { return d.Problem.Dutch(filepath.Base(d.Path)) }
