package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

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
	dir, err := e.dataDir()
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", cmd, err)
		return exitCannotRun
	}
	// The desktop app keeps the store open; moving the file under it would
	// let it go on writing into the copy.
	claim, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		fmt.Fprintf(e.stderr, "%s: Koppeling draait nog (venster of systeemvak). Sluit Koppeling eerst af (Afsluiten in het menu van het systeemvak) en probeer het opnieuw. Er is niets veranderd.\n", cmd)
		return exitCannotRun
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", cmd, err)
		return exitCannotRun
	}
	defer claim.Close()

	st, res, err := store.Reset(context.Background(), dir, time.Now())
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

// storeFailed prints why the store could not be opened, for a user: a
// damaged store gets the Dutch explanation and what to do, any other error
// its own text. It returns the exit code.
func storeFailed(e env, cmd string, err error) int {
	var d *store.DamagedError
	if errors.As(err, &d) {
		fmt.Fprintf(e.stderr, "%s: %s\n", cmd, damagedMessage(d))
	} else {
		fmt.Fprintf(e.stderr, "%s: %v\n", cmd, err)
	}
	return exitCannotRun
}

// damagedMessage is what a user reads about a damaged store: what happened
// and what to do.
func damagedMessage(d *store.DamagedError) string {
	backup := filepath.Base(d.Path) + store.BackupInfix + "JJJJMMDD-UUMMSS"
	return fmt.Sprintf("De opslag van Koppeling (%s) is beschadigd: %s. Er is niets verstuurd. "+
		"Zet een reservekopie van dit bestand terug, of begin bewust opnieuw met `koppeling store reset` "+
		"(het beschadigde bestand wordt dan bewaard als %s; de inloggegevens blijven staan).",
		d.Path, damageReason(d), backup)
}

// damageReason is the Dutch reason of a damaged store.
func damageReason(d *store.DamagedError) string {
	switch d.Problem {
	case store.ProblemEmpty:
		return "het bestand is leeg"
	case store.ProblemTruncated:
		return "het bestand is afgebroken (korter dan het hoort te zijn)"
	case store.ProblemNotSQLite:
		return "het bestand is geen database van Koppeling"
	case store.ProblemForeign:
		return "het bestand is een database van een ander programma"
	case store.ProblemOrphanWAL:
		return "het bestand ontbreekt, maar het bijbehorende " + filepath.Base(d.Path) + "-wal is er nog"
	}
	return "het bestand is onleesbaar"
}
